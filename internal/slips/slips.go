// Package slips renders the one-stop-shop slips 01–07 of Circular
// 03/2025/TT-VPCP as PDF.
//
// Slips 01–06 concern one dossier (Render); slip 07 is the register of
// dossiers of a period (Register). Every slip is A4 with the issuing unit,
// the national motto, place and date and title; slips 01–06 add the dossier
// code and a QR code linking to public tracking. Text is set in Noto Serif (embedded, subset)
// and times are shown in Vietnam time. A slip shows the date it was issued
// (the reception, the request, the refusal …), so printing it again gives
// the same paper.
package slips

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/signintech/gopdf"
)

// Errors returned by Render and Applies; test with errors.Is.
var (
	ErrUnknownSlip   = errors.New("slips: unknown slip number")
	ErrNotApplicable = errors.New("slips: slip does not apply to this dossier")
)

// Numbers lists the slips Render produces (07 is the register).
var Numbers = []string{"01", "02", "03", "04", "05", "06"}

// Issuer is the unit that issues a slip.
type Issuer struct {
	UnitName   string
	ParentName string
	Place      string // e.g. "Hà Nội"
}

// Input is what a slip about one dossier needs.
type Input struct {
	Dossier      *dossier.Dossier
	Version      *catalog.Version // the version the dossier pins
	Issuer       Issuer
	Officer      string
	OfficerPhone string
	TrackingURL  string // QR target
	Now          time.Time
	Lang         string // "vi" (default) or "en"
}

// RegisterInput is what the register (slip 07) needs. Rows are printed in
// the order given. A To at midnight is taken as exclusive: the register of
// March runs From 1/3 00:00 To 1/4 00:00 and reads "đến ngày 31/03".
type RegisterInput struct {
	Issuer   Issuer
	From, To time.Time
	Rows     []*dossier.Dossier
	Now      time.Time
}

// Title returns the name of slip no ("01"–"07") in lang, or "".
func Title(no, lang string) string {
	if no != "07" && !slices.Contains(Numbers, no) {
		return ""
	}
	l, _ := parseLang(lang)
	return l.t(no)
}

func notApplicable(no, reason string) error {
	return fmt.Errorf("%w: slip %s: %s", ErrNotApplicable, no, reason)
}

// Applies reports whether slip no can be issued for the dossier: nil, or an
// error matching ErrUnknownSlip or ErrNotApplicable that says why.
func Applies(no string, d *dossier.Dossier) error {
	if d == nil {
		return errors.New("slips: no dossier")
	}
	switch no {
	case "01":
		if d.ReceivedAt == nil {
			return notApplicable(no, "the dossier has not been received")
		}
	case "02":
		if _, ok := supplementRequest(d); !ok {
			return notApplicable(no, "no supplementation was requested")
		}
	case "03":
		if d.Status != dossier.StatusRefused {
			return notApplicable(no, "the dossier was not refused (status 3)")
		}
	case "04":
		if !d.Rescheduled {
			return notApplicable(no, "the due date was not reset")
		}
	case "05":
		if d.Status != dossier.StatusStopped {
			return notApplicable(no, "processing was not stopped (status 8)")
		}
	case "06":
		if len(controlEvents(d)) == 0 {
			return notApplicable(no, "no hand-over has been recorded")
		}
	default:
		return fmt.Errorf("%w %q (want 01–06; 07 is Register)", ErrUnknownSlip, no)
	}
	return nil
}

// Render writes slip no ("01"–"06") for in.Dossier as PDF to w. Nothing is
// written when it fails.
func Render(w io.Writer, no string, in Input) error {
	if in.Dossier == nil {
		return errors.New("slips: no dossier")
	}
	if err := Applies(no, in.Dossier); err != nil {
		return err
	}
	l, err := parseLang(in.Lang)
	if err != nil {
		return err
	}
	if no == "01" && in.Version == nil {
		return errors.New("slips: slip 01 needs the procedure version (documents, time limit)")
	}
	if in.Now.IsZero() {
		in.Now = time.Now()
	}
	s := &slip{in: in, d: in.Dossier, l: l, doc: newDoc(false)}
	if s.in.Issuer.UnitName == "" {
		s.in.Issuer.UnitName = s.d.UnitName
	}
	switch no {
	case "01":
		s.receipt()
	case "02":
		s.supplement()
	case "03":
		s.refusal()
	case "04":
		s.apology()
	case "05":
		s.stop()
	case "06":
		s.control()
	}
	if s.doc.pages > 1 {
		note := ""
		if s.d.Code != "" {
			note = l.t("code") + " " + s.d.Code
		}
		s.doc.footer(note, l.t("page"))
	}
	s.doc.pdf.SetInfo(gopdf.PdfInfo{Title: l.t(no) + " " + s.d.Code, Author: s.in.Issuer.UnitName,
		Creator: "motcua", Producer: "motcua", CreationDate: in.Now})
	return s.doc.finish(w)
}

// finish writes the document once it is complete and error-free.
func (d *doc) finish(w io.Writer) error {
	if d.err != nil {
		return d.err
	}
	var buf bytes.Buffer
	if _, err := d.pdf.WriteTo(&buf); err != nil {
		return fmt.Errorf("slips: write PDF: %w", err)
	}
	_, err := buf.WriteTo(w)
	return err
}

// slip is one slip being laid out.
type slip struct {
	in  Input
	d   *dossier.Dossier
	l   lang
	doc *doc
}

const (
	bodySize  = 13
	tableSize = 11
)

// header draws the issuing unit and the national motto side by side, then
// the dossier code and the place and date, then the title.
func header(d *doc, l lang, iss Issuer, code string, date time.Time, title string) {
	d.ensure(60)
	w := d.width()
	lw := w * 0.47
	rx, rw := d.left+lw, w-lw
	top := d.y
	// Left: parent unit, issuing unit in bold, a short rule. Long names
	// shrink a little, then wrap.
	y := top
	if p := strings.ToUpper(strings.TrimSpace(clean(iss.ParentName))); p != "" {
		d.fit(false, 12, p, lw-2, 10.5)
		y = d.block(d.left, y, lw, p, alignCenter)
	}
	unit := strings.ToUpper(strings.TrimSpace(clean(iss.UnitName)))
	d.fit(true, 12, unit, lw-2, 10.5)
	y = d.block(d.left, y, lw, unit, alignCenter)
	d.hline(d.left+lw/3, d.left+2*lw/3, y+1)
	leftY := y + 3
	// Right: the motto, its second line underlined.
	d.fit(true, 12, mottoState, rw-2, 9)
	y = d.block(rx, top, rw, mottoState, alignCenter)
	d.fit(true, 13, mottoLine, rw-2, 9)
	mw := d.measure(mottoLine)
	y = d.block(rx, y, rw, mottoLine, alignCenter)
	d.hline(rx+(rw-mw)/2, rx+(rw+mw)/2, y+0.5)
	rightY := y + 3
	// Second row: code under the unit, place and date under the motto.
	y = max(leftY, rightY)
	ly := y
	if code != "" {
		d.font(false, 11)
		ly = d.block(d.left, y, lw, l.t("code")+" "+code, alignCenter)
	}
	d.font(false, 12)
	ry := d.block(rx, y, rw, l.placeDate(iss.Place, date), alignCenter)
	d.y = max(ly, ry) + 6
	if title != "" {
		d.para(strings.ToUpper(title), true, 14, alignCenter)
		d.y += 4
	}
}

// fit sets the font at size, smaller (down to least) if s would not fit
// in w.
func (d *doc) fit(bold bool, size float64, s string, w, least float64) {
	d.font(bold, size)
	for size > least && d.measure(s) > w {
		size -= 0.5
		d.font(bold, size)
	}
}

// closing draws the tracking QR code on the left and, when title is set, a
// signature block on the right.
func (s *slip) closing(title, name string) {
	d := s.doc
	const side = 26
	d.space(4)
	d.ensure(side + 12)
	half := d.width() / 2
	y := d.y
	bottom := y
	if url := strings.TrimSpace(s.in.TrackingURL); url != "" {
		d.qr(d.left+(half-side)/2, y, side, url)
		d.font(false, 9)
		bottom = d.block(d.left, y+side+1, half, s.l.t("qr"), alignCenter)
	}
	if title != "" {
		rx := d.left + half
		d.font(true, 12)
		ry := d.block(rx, y, half, title, alignCenter)
		d.font(false, 11)
		ry = d.block(rx, ry, half, s.l.t("signHint"), alignCenter)
		ry += 18
		d.font(true, 12)
		ry = d.block(rx, ry, half, name, alignCenter)
		bottom = max(bottom, ry)
	}
	d.y = bottom
}

// applicant draws who filed the dossier. Addressed, the name comes as
// "Kính gửi: …" (To: …).
func (s *slip) applicant(addressed bool) {
	a := s.d.Applicant
	l := s.l
	switch {
	case addressed:
		s.doc.field(l.t("to"), a.DisplayName(), bodySize)
	case a.OrgName != "":
		s.doc.field(l.t("org"), a.OrgName, bodySize)
	default:
		s.doc.field(l.t("name"), a.FullName, bodySize)
	}
	if a.OrgName != "" {
		if a.TaxCode != "" {
			s.doc.field(l.t("tax"), a.TaxCode, bodySize)
		}
		s.doc.field(l.t("rep"), a.FullName, bodySize)
	}
	if a.IDNumber != "" || a.OrgName == "" {
		s.doc.field(l.t("id"), a.IDNumber, bodySize)
	}
	if p := a.OnBehalfOf; p != nil && p.Name != "" {
		v := p.Name
		if p.IDNumber != "" {
			v += " (" + p.IDNumber + ")"
		} else if p.TaxCode != "" {
			v += " (" + p.TaxCode + ")"
		}
		s.doc.field(l.t("behalf"), v, bodySize)
	}
	s.doc.field(l.t("address"), a.Address, bodySize)
	s.doc.field(l.t("phone"), a.Phone, bodySize)
	if a.Email != "" {
		s.doc.field(l.t("email"), a.Email, bodySize)
	}
}

// procedure is the request summary: the procedure's name and code.
func (s *slip) procedure() string {
	p := strings.TrimSpace(s.d.ProcedureName)
	if s.d.ProcedureCode != "" {
		if p == "" {
			return s.d.ProcedureCode
		}
		p += " (" + s.d.ProcedureCode + ")"
	}
	return p
}

// issuer is the unit's name as the body text uses it.
func (s *slip) issuer() string {
	if n := strings.TrimSpace(s.in.Issuer.UnitName); n != "" {
		return n
	}
	return s.d.UnitName
}

func (s *slip) officer(ev *dossier.Event) string {
	if s.in.Officer != "" {
		return s.in.Officer
	}
	if ev != nil {
		return ev.ActorName
	}
	return ""
}

func (s *slip) title(no string, date time.Time) {
	header(s.doc, s.l, s.in.Issuer, s.d.Code, date, s.l.t(no))
}

// docRow is a documents-table row for a catalogue document.
func docRow(i int, name string, doc *catalog.Document) []string {
	r := []string{fmt.Sprint(i), name, "", ""}
	if doc != nil {
		r[2], r[3] = fmt.Sprint(doc.Originals), fmt.Sprint(doc.Copies)
	}
	return r
}

func (s *slip) docColumns() []column {
	return []column{{s.l.t("colNo"), 12, alignCenter}, {s.l.t("colDoc"), 0, alignLeft},
		{s.l.t("colOrig"), 22, alignCenter}, {s.l.t("colCopy"), 22, alignCenter}}
}

// receipt is slip 01.
func (s *slip) receipt() {
	d, l := s.d, s.l
	s.title("01", *d.ReceivedAt)
	s.doc.para(l.f("intro01", s.issuer()), false, bodySize, alignLeft)
	s.doc.space(1)
	s.applicant(false)
	s.doc.field(l.t("request"), s.procedure(), bodySize)
	s.doc.para(l.t("docs"), false, bodySize, alignLeft)
	s.doc.space(1)
	var rows [][]string
	for i, doc := range receivedDocuments(d, s.in.Version) {
		rows = append(rows, docRow(i+1, doc.Name, &doc))
	}
	s.doc.table(s.docColumns(), rows, tableSize)
	s.doc.space(2)
	s.doc.field(l.t("limit"), l.limit(s.in.Version), bodySize)
	s.doc.field(l.t("receivedAt"), atp(l, d.ReceivedAt), bodySize)
	s.doc.field(l.t("dueAt"), atp(l, d.DueAt), bodySize)
	s.doc.field(l.t("channel"), l.t(string(d.Channel)), bodySize)
	collect := l.t("desk") + " - " + s.issuer()
	if d.Channel == dossier.ChannelOnline {
		if l.en {
			collect = "Online on the public service portal, or at the " + collect
		} else {
			collect = "Trực tuyến trên Cổng Dịch vụ công hoặc tại " + collect
		}
	}
	s.doc.field(l.t("collect"), collect, bodySize)
	ev := lastEvent(d, dossier.ActReceive)
	officer := s.officer(ev)
	if s.in.OfficerPhone != "" {
		s.doc.field(l.t("officer"), officer+" - "+l.t("phone")+" "+s.in.OfficerPhone, bodySize)
	}
	s.closing(l.t("signReceive"), officer)
}

// receivedDocuments lists the version's documents the dossier holds: the
// required ones and, when the dossier's files name their document, the
// optional ones it has. Without such files it lists every document.
func receivedDocuments(d *dossier.Dossier, v *catalog.Version) []catalog.Document {
	have := map[string]bool{}
	for _, f := range d.Documents {
		if f.DocKey != "" && f.Kind != dossier.DocResult {
			have[f.DocKey] = true
		}
	}
	var out []catalog.Document
	for _, doc := range v.Documents {
		if len(have) == 0 || doc.Required || have[doc.Key] {
			out = append(out, doc)
		}
	}
	return out
}

// supplementRequest is the pending request or, once answered, the last one
// recorded in the event log.
func supplementRequest(d *dossier.Dossier) (dossier.SupplementRequest, bool) {
	if d.Supplement != nil {
		return *d.Supplement, true
	}
	ev := lastEvent(d, dossier.ActRequestSupplement)
	if ev == nil {
		return dossier.SupplementRequest{}, false
	}
	data, _ := ev.Data.(dossier.SupplementData)
	return dossier.SupplementRequest{Documents: data.Documents, Reason: ev.Note, RequestedAt: ev.At}, true
}

// supplement is slip 02.
func (s *slip) supplement() {
	d, l := s.d, s.l
	req, _ := supplementRequest(d)
	when := req.RequestedAt
	if when.IsZero() {
		when = s.in.Now
	}
	s.title("02", when)
	s.applicant(true)
	s.doc.field(l.t("procedure"), s.procedure(), bodySize)
	s.doc.field(l.t("requestedAt"), l.at(when), bodySize)
	s.doc.space(1)
	s.doc.para(l.f("intro02", l.salutation(d.Applicant)), false, bodySize, alignLeft)
	s.doc.space(1)
	var rows [][]string
	for i, key := range req.Documents {
		name, doc := key, findDocument(s.in.Version, key)
		if doc != nil && doc.Name != "" {
			name = doc.Name
		}
		rows = append(rows, docRow(i+1, name, doc))
	}
	s.doc.table(s.docColumns(), rows, tableSize)
	s.doc.space(2)
	s.doc.field(l.t("reason"), req.Reason, bodySize)
	ev := lastEvent(d, dossier.ActRequestSupplement)
	officer := s.officer(ev)
	contact := officer
	if s.in.OfficerPhone != "" {
		if contact != "" {
			contact += ", "
		}
		contact += strings.ToLower(strings.TrimSuffix(l.t("phone"), ":")) + " " + s.in.OfficerPhone
	}
	if contact == "" {
		contact = l.t("desk") + " - " + s.issuer()
	}
	s.doc.space(1)
	s.doc.para(l.f("contact02", l.salutation(d.Applicant), contact), false, bodySize, alignLeft)
	s.closing(l.t("signGuide"), officer)
}

// refusal is slip 03.
func (s *slip) refusal() {
	d, l := s.d, s.l
	ev := lastEvent(d, dossier.ActRefuse)
	when, reason := s.in.Now, ""
	if ev != nil {
		when, reason = ev.At, ev.Note
	}
	s.title("03", when)
	s.applicant(true)
	s.doc.field(l.t("procedure"), s.procedure(), bodySize)
	s.doc.space(1)
	s.doc.para(l.f("body03", s.issuer()), false, bodySize, alignLeft)
	s.reason(reason)
	s.doc.para(l.f("end03", l.salutation(d.Applicant)), false, bodySize, alignLeft)
	s.closing(l.t("signReceive"), s.officer(ev))
}

// reason draws a reason paragraph, or dotted lines to fill in by hand.
func (s *slip) reason(r string) {
	if strings.TrimSpace(r) == "" {
		s.doc.field("", "", bodySize)
		s.doc.field("", "", bodySize)
		return
	}
	s.doc.paraIndent(r, true, bodySize, alignLeft, 10)
}

// apology is slip 04.
func (s *slip) apology() {
	d, l := s.d, s.l
	ev := lastEvent(d, dossier.ActReschedule)
	when, reason := s.in.Now, ""
	var oldDue, newDue *time.Time
	if ev != nil {
		when, reason = ev.At, ev.Note
		if data, ok := ev.Data.(dossier.RescheduleData); ok {
			oldDue, newDue = &data.OldDue, &data.NewDue
		}
	}
	if newDue == nil {
		newDue = d.DueAt
	}
	s.title("04", when)
	who := l.salutation(d.Applicant)
	s.doc.field(l.t("to"), d.Applicant.DisplayName(), bodySize)
	s.doc.field(l.t("address"), d.Applicant.Address, bodySize)
	s.doc.space(1)
	s.doc.para(l.f("body04", dayp(d.ReceivedAt), s.issuer(), s.d.ProcedureName, who, d.Code), false, bodySize, alignLeft)
	if oldDue != nil {
		s.doc.field(l.t("oldDue"), l.at(*oldDue), bodySize)
	}
	s.doc.para(l.f("delay04", s.issuer()), false, bodySize, alignLeft)
	s.reason(reason)
	s.doc.field(l.t("newDue"), atp(l, newDue), bodySize)
	s.doc.space(1)
	s.doc.para(l.f("sorry04", s.issuer(), who, atp(l, newDue), who), false, bodySize, alignLeft)
	s.closing(l.t("signUnit"), s.officer(ev))
}

// stop is slip 05.
func (s *slip) stop() {
	d, l := s.d, s.l
	ev := lastEvent(d, dossier.ActStop)
	when, reason := s.in.Now, ""
	if d.FinishedAt != nil {
		when = *d.FinishedAt
	}
	if ev != nil {
		when, reason = ev.At, ev.Note
	}
	s.title("05", when)
	who := l.salutation(d.Applicant)
	s.doc.field(l.t("to"), d.Applicant.DisplayName(), bodySize)
	s.doc.field(l.t("address"), d.Applicant.Address, bodySize)
	s.doc.space(1)
	s.doc.para(l.f("body05", dayp(d.ReceivedAt), s.issuer(), s.d.ProcedureName, who, d.Code), false, bodySize, alignLeft)
	s.doc.para(l.f("stop05", s.issuer(), l.at(when)), false, bodySize, alignLeft)
	s.doc.field(l.t("reason"), reason, bodySize)
	s.doc.space(1)
	s.doc.para(l.f("end05", who), false, bodySize, alignLeft)
	s.closing(l.t("signUnit"), s.officer(ev))
}

// handOvers are the actions that pass a dossier from one holder to the
// next (the lifecycle closes a process step on each).
var handOvers = map[dossier.Action]bool{dossier.ActReceive: true, dossier.ActAssign: true,
	dossier.ActTransfer: true, dossier.ActDraftResult: true, dossier.ActReturnDraft: true, dossier.ActFinish: true,
	dossier.ActReturnResult: true, dossier.ActDeliver: true}

// controlEvents are the rows of slip 06: events that close a step or hand
// the dossier over.
func controlEvents(d *dossier.Dossier) []dossier.Event {
	var out []dossier.Event
	for _, ev := range d.Events {
		if ev.StepKey != "" || handOvers[ev.Action] {
			out = append(out, ev)
		}
	}
	return out
}

// control is slip 06.
func (s *slip) control() {
	d, l := s.d, s.l
	s.title("06", s.in.Now)
	s.doc.field(l.t("applicant"), d.Applicant.DisplayName(), bodySize)
	s.doc.field(l.t("procedure"), s.procedure(), bodySize)
	s.doc.field(l.t("receivedAt"), atp(l, d.ReceivedAt), bodySize)
	s.doc.field(l.t("dueAt"), atp(l, d.DueAt), bodySize)
	s.doc.space(2)
	evs := controlEvents(d)
	var rows [][]string
	for i, ev := range evs {
		step := ""
		if st := findStep(s.in.Version, ev.StepKey); st != nil && st.Name != "" {
			step = st.Name
		} else if ev.StepKey != "" && !handOvers[ev.Action] {
			step = ev.StepKey
		} else {
			step = l.t("act." + string(ev.Action))
		}
		if u := s.unitName(ev.UnitCode); u != "" {
			step += "\n" + u
		}
		rows = append(rows, []string{fmt.Sprint(i + 1), step, l.at(ev.At), ev.ActorName,
			s.receiver(evs, i), l.verdict(ev.Verdict), s.note(ev)})
	}
	s.doc.table([]column{{l.t("colNo"), 10, alignCenter}, {l.t("colStep"), 32, alignLeft},
		{l.t("colTime"), 22, alignCenter}, {l.t("colGiver"), 24, alignLeft}, {l.t("colTaker"), 24, alignLeft},
		{l.t("colVerdict"), 22, alignCenter}, {l.t("colNote"), 0, alignLeft}}, rows, 10)
	s.closing("", "")
}

func (l lang) verdict(v string) string {
	if v == "" {
		return ""
	}
	return l.t(v)
}

// unitName names a unit by its code where the slip knows the name.
func (s *slip) unitName(code string) string {
	if code == "" {
		return ""
	}
	if code == s.d.UnitCode && s.d.UnitName != "" {
		return s.d.UnitName
	}
	return code
}

// receiver is who took the dossier at hand-over i: the assignee named by an
// assignment, the applicant for a delivered result, else whoever acted
// next.
func (s *slip) receiver(evs []dossier.Event, i int) string {
	ev := evs[i]
	switch ev.Action {
	case dossier.ActAssign:
		if data, ok := ev.Data.(dossier.AssignData); ok && data.Assignee != "" {
			return data.Assignee
		}
	case dossier.ActDeliver:
		return s.d.Applicant.DisplayName()
	}
	if i+1 < len(evs) {
		return evs[i+1].ActorName
	}
	if ev.Action == dossier.ActTransfer {
		if data, ok := ev.Data.(dossier.UnitData); ok {
			return s.unitName(data.ToUnit)
		}
	}
	return s.d.Assignee
}

func (s *slip) note(ev dossier.Event) string {
	var parts []string
	if ev.Action == dossier.ActTransfer || ev.Action == dossier.ActReturnResult {
		if data, ok := ev.Data.(dossier.UnitData); ok && data.ToUnit != "" {
			parts = append(parts, s.l.f("toUnit", s.unitName(data.ToUnit)))
		}
	}
	if ev.BudgetHours > 0 {
		parts = append(parts, s.l.f("spent", s.l.hours(ev.SpentHours), s.l.hours(ev.BudgetHours)))
	}
	if ev.Note != "" {
		parts = append(parts, ev.Note)
	}
	return strings.Join(parts, "; ")
}

func lastEvent(d *dossier.Dossier, act dossier.Action) *dossier.Event {
	for i := len(d.Events) - 1; i >= 0; i-- {
		if d.Events[i].Action == act {
			return &d.Events[i]
		}
	}
	return nil
}

func findDocument(v *catalog.Version, key string) *catalog.Document {
	if v == nil {
		return nil
	}
	for i := range v.Documents {
		if v.Documents[i].Key == key {
			return &v.Documents[i]
		}
	}
	return nil
}

func findStep(v *catalog.Version, key string) *catalog.Step {
	if v == nil || key == "" {
		return nil
	}
	for i := range v.Process {
		if v.Process[i].Key == key {
			return &v.Process[i]
		}
	}
	return nil
}
