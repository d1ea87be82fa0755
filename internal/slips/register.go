package slips

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/signintech/gopdf"
)

// Register writes the register of dossiers (slip 07) as PDF to w: A4
// landscape, one row per dossier, the table header repeated on every page
// under a running title. Nothing is written when it fails.
func Register(w io.Writer, in RegisterInput) error {
	l := lang{}
	if in.Now.IsZero() {
		in.Now = time.Now()
	}
	d := newDoc(true)
	d.newPage()
	title := l.t("07")
	header(d, l, in.Issuer, "", in.Now, title)
	from, to := day(in.From), day(registerEnd(in.From, in.To))
	if from != "" || to != "" {
		d.y -= 3
		d.para(l.f("period", from, to), false, 12, alignCenter)
		d.space(3)
	}
	unit := strings.TrimSpace(in.Issuer.UnitName)
	d.onNewPage = func() {
		d.font(false, 9)
		d.text(d.left, d.y, d.width(), clean(l.f("running", unit, from, to)), alignLeft)
		d.y += d.lineH() + 2
	}
	cols := []column{{l.t("colNo"), 10, alignCenter}, {l.t("colCode"), 44, alignLeft},
		{l.t("colApplicant"), 55, alignLeft}, {l.t("colProc"), 0, alignLeft},
		{l.t("colReceived"), 20, alignCenter}, {l.t("colDue"), 20, alignCenter},
		{l.t("colResult"), 20, alignCenter}, {l.t("colDelivered"), 20, alignCenter},
		{l.t("colNote"), 26, alignLeft}}
	rows := make([][]string, 0, len(in.Rows))
	for i, x := range in.Rows {
		if x == nil {
			continue
		}
		rows = append(rows, registerRow(l, i+1, x))
	}
	d.table(cols, rows, 9)
	if len(rows) == 0 {
		d.space(2)
		d.para(l.t("noRows"), false, 11, alignLeft)
	}
	d.footer(unit, l.t("page"))
	d.pdf.SetInfo(gopdf.PdfInfo{Title: fmt.Sprintf("%s %s–%s", title, from, to), Author: unit,
		Creator: "motcua", Producer: "motcua", CreationDate: in.Now})
	return d.finish(w)
}

// registerEnd is the last day the register covers: a To at midnight
// (Vietnam time) is exclusive.
func registerEnd(from, to time.Time) time.Time {
	if to.IsZero() {
		return to
	}
	t := to.In(zone)
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 && t.After(from) {
		return t.Add(-time.Nanosecond)
	}
	return t
}

func stamp(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.In(zone).Format("02/01/2006 15:04")
}

func registerRow(l lang, n int, x *dossier.Dossier) []string {
	who := x.Applicant.DisplayName()
	if a := strings.TrimSpace(x.Applicant.Address); a != "" {
		who += "\n" + a
	}
	proc := x.ProcedureName
	if proc == "" {
		proc = x.ProcedureCode
	}
	var result *time.Time
	if x.Result != nil && !x.Result.IssuedAt.IsZero() {
		result = &x.Result.IssuedAt
	} else if x.Status == dossier.StatusFinished || x.Status == dossier.StatusDelivered {
		result = x.FinishedAt
	}
	var notes []string
	if x.Status != dossier.StatusDelivered {
		notes = append(notes, x.Status.Label("vi"))
	}
	if x.Verdict != "" {
		notes = append(notes, l.verdict(x.Verdict))
	}
	if x.Rescheduled {
		notes = append(notes, l.t("rescheduled"))
	}
	return []string{fmt.Sprint(n), x.Code, who, proc, stamp(x.ReceivedAt), stamp(x.DueAt),
		stamp(result), stamp(x.DeliveredAt), strings.Join(notes, "; ")}
}
