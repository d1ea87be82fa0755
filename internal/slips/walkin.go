package slips

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/signintech/gopdf"
)

// WalkInInput is what the slip of a walk-in record needs: the record
// carries the applicant, the procedure, the documents with their reasons
// or the refusal's reasons, the officer and the date.
type WalkInInput struct {
	WalkIn       *dossier.WalkIn
	Issuer       Issuer
	OfficerPhone string
	Now          time.Time
	Lang         string // "vi" (default) or "en"
}

// WalkInNumber is the slip of a walk-in record: 02 for a guidance to
// complete the papers, 03 for a refusal; "" for neither.
func WalkInNumber(w *dossier.WalkIn) string {
	if w == nil {
		return ""
	}
	switch w.Outcome {
	case dossier.WalkInGuidance:
		return "02"
	case dossier.WalkInRefusal:
		return "03"
	}
	return ""
}

// RenderWalkIn writes the slip of a walk-in record (02 or 03) as PDF to
// w. The applicant's papers were not received, so the slip carries no
// dossier code and no tracking QR code; otherwise it is laid out as the
// slip of a dossier, dated when the officer gave it, one reason per
// document for a guidance. Nothing is written when it fails.
func RenderWalkIn(w io.Writer, in WalkInInput) error {
	wi := in.WalkIn
	no := WalkInNumber(wi)
	if no == "" {
		return errors.New("slips: no walk-in record, or one with an unknown outcome")
	}
	l, err := parseLang(in.Lang)
	if err != nil {
		return err
	}
	if in.Now.IsZero() {
		in.Now = time.Now()
	}
	d := &dossier.Dossier{ProcedureCode: wi.ProcedureCode, ProcedureName: wi.ProcedureName, UnitCode: wi.UnitCode,
		UnitName: wi.UnitName, Applicant: wi.Applicant, Channel: dossier.ChannelCounter}
	s := &slip{in: Input{Dossier: d, Issuer: in.Issuer, Officer: wi.Officer, OfficerPhone: in.OfficerPhone, Now: in.Now, Lang: in.Lang},
		d: d, l: l, doc: newDoc(false), size: bodySize}
	if s.in.Issuer.UnitName == "" {
		s.in.Issuer.UnitName = wi.UnitName
	}
	if no == "02" {
		rows := make([][]string, len(wi.Documents))
		for i, doc := range wi.Documents {
			name := doc.Name
			if name == "" {
				name = doc.Key
			}
			rows[i] = []string{fmt.Sprint(i + 1), name, doc.Reason}
		}
		s.guidance(wi.At, rows, "", wi.Officer)
	} else {
		s.refusalBody(wi.At, wi.Reason, wi.Officer)
	}
	if s.doc.pages > 1 {
		s.doc.footer("", l.t("page"))
	}
	s.doc.pdf.SetInfo(gopdf.PdfInfo{Title: l.t(no), Author: s.in.Issuer.UnitName, Creator: "motcua", Producer: "motcua", CreationDate: in.Now})
	return s.doc.finish(w)
}

// walkInTable adds to the register the walk-in applicants of the period:
// one row each with the date, the applicant, the procedure, the outcome
// and its reasons, and the officer. They have no dossier code and no
// dates of processing, so they are kept apart from the dossiers' table.
func walkInTable(d *doc, l lang, rows []*dossier.WalkIn) {
	var out [][]string
	for _, w := range rows {
		if w == nil {
			continue
		}
		contact := strings.TrimSpace(w.Applicant.Address)
		if p := strings.TrimSpace(w.Applicant.Phone); p != "" {
			if contact != "" {
				contact += "\n"
			}
			contact += p
		}
		proc := w.ProcedureName
		if proc == "" {
			proc = w.ProcedureCode
		}
		var why []string
		for _, doc := range w.Documents {
			why = append(why, doc.Name+": "+doc.Reason)
		}
		if w.Reason != "" {
			why = append(why, w.Reason)
		}
		out = append(out, []string{fmt.Sprint(len(out) + 1), day(w.At), w.Applicant.DisplayName(), contact, proc,
			l.t("walkin." + string(w.Outcome)), strings.Join(why, "\n"), w.Officer})
	}
	if len(out) == 0 {
		return
	}
	d.space(4)
	d.para(l.t("walkins"), true, 12, alignLeft)
	d.space(2)
	d.table([]column{{l.t("colNo"), 9, alignCenter}, {l.t("colDate"), 18, alignCenter},
		{l.t("colApplicant"), 30, alignLeft}, {l.t("colContact"), 30, alignLeft}, {l.t("colProc"), 45, alignLeft},
		{l.t("colOutcome"), 30, alignLeft}, {l.t("colWhy"), 0, alignLeft}, {l.t("colOfficer"), 25, alignLeft}}, out, 7.5)
}

// WalkInPDF renders the slip of a walk-in record, which the caller has
// already been allowed to read, into a PDF.
func WalkInPDF(in WalkInInput) ([]byte, error) {
	var buf bytes.Buffer
	if err := RenderWalkIn(&buf, in); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
