// Package slips renders the one-stop-shop slips 01–07 of Circular
// 03/2025/TT-VPCP as PDF.
//
// Slips 01–06 concern one dossier (Render); slip 07 is the register of
// dossiers of a period (Register), with the walk-in applicants the desk
// guided or refused without receiving a dossier, whose slips 02 and 03
// RenderWalkIn prints without a dossier code. Every slip is A4 with the issuing agency
// in force on the slip's date ("UBND PHƯỜNG HÀNG TRỐNG" over its one-stop
// desk, "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", or from 1/7/2025 the public
// administration service centre; letters 04 and 05 carry the agency, a
// number, "Nơi nhận" and the head of agency's signature), the national
// motto, place and date and title; slips 01–06 add the dossier
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
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/signintech/gopdf"
)

// Errors returned by Render and Applies; test with errors.Is.
var (
	ErrUnknownSlip   = errors.New("slips: unknown slip number")
	ErrNotApplicable = errors.New("slips: slip does not apply to this dossier")
)

// Numbers lists the slips Render produces (07 is the register). 08 is
// not a form of the circulars: it is the written notice with reasons that
// the deciding agency sends when it refuses to grant what was asked
// (Decree 61/2018/NĐ-CP: a dossier not eligible is answered in writing,
// with the reasons), laid out like slips 04 and 05.
var Numbers = []string{"01", "02", "03", "04", "05", "06", "08"}

// Input is what a slip about one dossier needs.
type Input struct {
	Dossier      *dossier.Dossier
	Version      *catalog.Version // the version the dossier pins
	Issuer       Issuer
	Officer      string
	OfficerPhone string
	TrackingURL  string // QR target
	// RegisterBook and RegisterEntry place a received dossier in its
	// desk's register (slip 07): the book is the year, the entry its rank
	// among the dossiers the desk received that year. Zero prints dots.
	RegisterBook  string
	RegisterEntry int
	Now           time.Time
	Lang          string // "vi" (default) or "en"
}

// RegisterInput is what the register (slip 07) needs. Rows are printed in
// the order given. A To at midnight is taken as exclusive: the register of
// March runs From 1/3 00:00 To 1/4 00:00 and reads "đến ngày 31/03".
type RegisterInput struct {
	Issuer   Issuer
	From, To time.Time
	Rows     []*dossier.Dossier
	// WalkIns are the walk-in applicants guided or refused in the period,
	// printed in a table of their own under the dossiers.
	WalkIns []*dossier.WalkIn
	Now     time.Time
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
	case "08":
		if d.Result == nil || d.Result.Granted || d.Result.IssuedAt.IsZero() {
			return notApplicable(no, "no refusal was decided")
		}
	default:
		return fmt.Errorf("%w %q (want 01–06 or 08; 07 is Register)", ErrUnknownSlip, no)
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
	s := &slip{in: in, d: in.Dossier, l: l, doc: newDoc(false), size: bodySize}
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
	case "08":
		s.notEligible()
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
	in   Input
	d    *dossier.Dossier
	l    lang
	doc  *doc
	iss  Issuer    // the issuer in force on the slip's date
	date time.Time // the slip's date
	size float64   // body text size
}

const (
	bodySize  = 13
	tableSize = 11
)

// masthead is the top-left block of a slip: the agency above, the desk
// (or the agency itself) in bold, a short rule, and the code or number
// line under it.
type masthead struct {
	top, main, sub string
}

// header draws the masthead and the national motto side by side, then the
// place and date under the motto, then the title.
func header(d *doc, m masthead, place string, date time.Time, l lang, title string) {
	d.ensure(60)
	w := d.width()
	lw := w * 0.47
	rx, rw := d.left+lw, w-lw
	top := d.y
	// Left: the agency, the desk in bold, a short rule. Long names
	// shrink a little, then wrap.
	y := top
	if m.top != "" {
		d.fit(false, 12, m.top, lw-2, 10.5)
		y = d.block(d.left, y, lw, m.top, alignCenter)
	}
	d.fit(true, 12, m.main, lw-2, 10)
	y = d.block(d.left, y, lw, m.main, alignCenter)
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
	// Second row: code or number under the agency, place and date under
	// the motto.
	y = max(leftY, rightY)
	ly := y
	if m.sub != "" {
		d.font(false, 11)
		ly = d.block(d.left, y, lw, m.sub, alignCenter)
	}
	d.font(false, 12)
	ry := d.block(rx, y, rw, l.placeDate(place, date), alignCenter)
	d.y = max(ly, ry) + 6
	if title != "" {
		d.para(strings.ToUpper(title), true, 14, alignCenter)
		d.y += 4
	}
}

// deskHead is the masthead of a slip the one-stop desk issues: "UBND
// PHƯỜNG HÀNG TRỐNG" over "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ".
func deskHead(is Issuer, date time.Time, l lang, code string) masthead {
	m := masthead{top: upper(is.agency()), main: upper(is.desk(date, l))}
	if code != "" {
		m.sub = l.t("code") + " " + code
	}
	return m
}

// agencyHead is the masthead of a letter the agency itself signs (04,
// 05): a department under its governing body, a People's Committee alone;
// the number is left to the agency's register of outgoing documents.
func agencyHead(is Issuer, l lang) masthead {
	m := masthead{main: upper(is.agency()), sub: l.t("number")}
	if is.kind() == org.KindDepartment && is.ParentName != "" {
		m.top = upper(agencyOf(is.ParentName, ""))
	}
	return m
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

// sig is a signature block: a title in bold, a hint in italics, room to
// sign and the signer's name.
type sig struct{ title, hint, name string }

// block draws the signature block in a column at (x, y) of width w and
// returns the y below it.
func (g sig) draw(d *doc, x, y, w float64) float64 {
	if g.title == "" {
		return y
	}
	d.font(true, 12)
	y = d.block(x, y, w, g.title, alignCenter)
	d.font(false, 11)
	y = d.block(x, y, w, g.hint, alignCenter)
	y += 18
	d.font(true, 12)
	return d.block(x, y, w, g.name, alignCenter)
}

// sign draws two signature columns side by side (either may be empty).
func (s *slip) sign(left, right sig) {
	d := s.doc
	d.space(4)
	d.ensure(40)
	half := d.width() / 2
	y := d.y
	ly := left.draw(d, d.left, y, half)
	ry := right.draw(d, d.left+half, y, half)
	d.y = max(ly, ry)
}

// recipients draws "Nơi nhận" on the left and the head of the agency's
// signature block on the right, as an agency's letters close (Decree
// 30/2020/NĐ-CP).
func (s *slip) recipients(head sig) {
	d, l := s.doc, s.l
	d.space(4)
	d.ensure(40)
	half := d.width() / 2
	y := d.y
	ly := y
	d.font(true, 11)
	ly = d.block(d.left, ly, half, l.t("recipients"), alignLeft)
	d.font(false, 10)
	for _, line := range []string{l.t("asAbove"), l.f("filed", s.desk())} {
		ly = d.block(d.left, ly, half-4, line, alignLeft)
	}
	ry := head.draw(d, d.left+half, y, half)
	d.y = max(ly, ry)
}

// QRPath is the path a slip's QR code leads to: slip 01, which the
// applicant keeps until the result, leads to the result's verification
// page (/xac-thuc, which shows the tracking page until a result is
// issued); the other slips to the tracking page.
func QRPath(no, code string) string {
	if no == "01" {
		return "/xac-thuc/" + url.PathEscape(code)
	}
	return "/tra-cuu/" + url.PathEscape(code)
}

// qrRow draws the tracking QR code with its caption beside it, and the
// note, if any, under the caption.
func (s *slip) qrRow(note string) {
	url := strings.TrimSpace(s.in.TrackingURL)
	d := s.doc
	const side = 22
	d.space(4)
	if url == "" {
		if note != "" {
			d.paraIndent(note, false, 9, alignLeft, 0)
		}
		return
	}
	d.ensure(side)
	d.qr(d.left, d.y, side, url)
	x, w := d.left+side+4, d.width()-side-4
	d.font(true, 9)
	y := d.block(x, d.y+1, w, s.l.t("qr"), alignLeft)
	if note != "" {
		d.font(false, 9)
		y = d.block(x, y+1, w, note, alignLeft)
	}
	d.y = max(d.y+side, y)
}

// applicant draws who filed the dossier. Addressed, the name comes as
// "Kính gửi: …" (To: …).
func (s *slip) applicant(addressed bool) {
	a := s.d.Applicant
	l := s.l
	switch {
	case addressed:
		s.doc.field(l.t("to"), a.DisplayName(), s.size)
	case a.OrgName != "":
		s.doc.field(l.t("org"), a.OrgName, s.size)
	default:
		s.doc.field(l.t("name"), a.FullName, s.size)
	}
	if a.OrgName != "" {
		if a.TaxCode != "" {
			s.doc.field(l.t("tax"), a.TaxCode, s.size)
		}
		s.doc.field(l.t("rep"), a.FullName, s.size)
	}
	if a.IDNumber != "" || a.OrgName == "" {
		s.doc.field(l.t("id"), a.IDNumber, s.size)
	}
	if p := a.OnBehalfOf; p != nil && p.Name != "" {
		v := p.Name
		if p.IDNumber != "" {
			v += " (" + p.IDNumber + ")"
		} else if p.TaxCode != "" {
			v += " (" + p.TaxCode + ")"
		}
		s.doc.field(l.t("behalf"), v, s.size)
	}
	s.doc.field(l.t("address"), s.address(), s.size)
	s.doc.field(l.t("phone"), a.Phone, s.size)
	if a.Email != "" {
		s.doc.field(l.t("email"), a.Email, s.size)
	}
}

// formAddressFields are the form fields that hold the applicant's address,
// most specific first.
var formAddressFields = []string{"applicant_residence", "applicant_address", "head_office_address",
	"business_address", "household_address", "address", "residence"}

// formAddress is the applicant's address as the dossier's form gives it.
func formAddress(d *dossier.Dossier) string {
	for _, k := range formAddressFields {
		if v, ok := d.Form[k].(string); ok && strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// address is the applicant's address: for an online dossier the one the
// applicant declared in the form (the account's address may be stale or
// empty), else the one the desk recorded; each falls back on the other.
func (s *slip) address() string {
	a, f := strings.TrimSpace(s.d.Applicant.Address), formAddress(s.d)
	if s.d.Channel == dossier.ChannelOnline && f != "" || a == "" {
		return f
	}
	return a
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

// issuer is the agency in force on the slip's date as the body text names
// it: "UBND phường Hàng Trống".
func (s *slip) issuer() string {
	if n := s.iss.agency(); n != "" {
		return n
	}
	return agencyOf(s.d.UnitName, "")
}

// desk is the agency's one-stop desk on the slip's date: "Bộ phận Tiếp
// nhận và Trả kết quả UBND phường Hàng Trống".
func (s *slip) desk() string {
	return strings.TrimSpace(s.iss.desk(s.date, s.l) + " " + s.issuer())
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

// title draws the header of slip no, dated date, with the agency in force
// on that date.
func (s *slip) title(no string, date time.Time) {
	s.date = date
	s.iss = s.in.Issuer.At(date)
	if s.iss.Place == "" {
		s.iss.Place = s.in.Issuer.Place
	}
	m := deskHead(s.iss, date, s.l, s.d.Code)
	if no == "04" || no == "05" || no == "08" {
		m = agencyHead(s.iss, s.l)
	}
	if no == "08" && s.d.Result != nil && s.d.Result.Number != "" {
		// The notice is the signed result: its number is the register's.
		m.sub = s.l.f("numberIs", s.d.Result.Number)
	}
	header(s.doc, m, s.iss.Place, date, s.l, s.l.t(no))
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

// sets is the number of sets of the dossier: the form's "sets" field when
// the procedure asks for it, else "" (filled in by hand).
func sets(d *dossier.Dossier) string {
	switch v := d.Form["sets"].(type) {
	case float64:
		if v > 0 && v == float64(int(v)) {
			return fmt.Sprintf("%02d", int(v))
		}
	case int:
		if v > 0 {
			return fmt.Sprintf("%02d", v)
		}
	case string:
		return strings.TrimSpace(v)
	}
	return ""
}

// fee writes a version's fees: "50.000 đồng", with the fee note.
func (l lang) fee(v *catalog.Version) string {
	if v == nil {
		return ""
	}
	var parts []string
	if v.FeeVND > 0 {
		n := fmt.Sprint(v.FeeVND)
		for i := len(n) - 3; i > 0; i -= 3 {
			sep := "."
			if l.en {
				sep = ","
			}
			n = n[:i] + sep + n[i:]
		}
		parts = append(parts, n+" "+l.t("dong"))
	}
	if note := strings.TrimSpace(v.FeeNote); note != "" {
		parts = append(parts, note)
	}
	if len(parts) == 0 {
		return l.t("noFee")
	}
	return strings.Join(parts, "; ")
}

// dots is a stretch of dots to fill in by hand.
const dots = "…………"

// receipt is slip 01.
func (s *slip) receipt() {
	d, l := s.d, s.l
	s.size = 12 // slip 01 holds on one page
	s.title("01", *d.ReceivedAt)
	s.doc.para(l.f("intro01", s.desk()), false, s.size, alignLeft)
	s.doc.space(1)
	s.applicant(false)
	s.doc.field(l.t("request"), s.procedure(), s.size)
	s.doc.para(l.t("docs"), false, s.size, alignLeft)
	s.doc.space(1)
	var rows [][]string
	for i, doc := range receivedDocuments(d, s.in.Version) {
		rows = append(rows, docRow(i+1, doc.Name, &doc))
	}
	s.doc.table(s.docColumns(), rows, s.size-2)
	s.doc.space(2)
	n := sets(d)
	if n == "" {
		n = dots
	}
	s.doc.field(l.t("sets"), n+" "+l.t("setUnit"), s.size)
	s.doc.field(l.t("r.limit"), l.limit(s.in.Version), s.size)
	s.doc.field(l.t("r.received"), atp(l, d.ReceivedAt), s.size)
	s.doc.field(l.t("r.due"), atp(l, d.Appointment()), s.size)
	s.doc.field(l.t("fee"), l.fee(s.in.Version), s.size)
	s.doc.field(l.t("channel"), l.t(string(d.Channel)), s.size)
	// Where the applicant chose to receive the result, at submission.
	collect := s.desk()
	switch d.Delivery.Method {
	case dossier.DeliverPost:
		collect = l.f("byPost", d.Delivery.Address)
	case dossier.DeliverOnline:
		collect = l.t("byPortal")
	}
	s.doc.field(l.t("collect"), collect, s.size)
	book, entry := dots, dots
	if s.in.RegisterEntry > 0 {
		book, entry = s.in.RegisterBook, fmt.Sprintf("%02d", s.in.RegisterEntry)
	}
	s.doc.field(l.t("book"), l.f("entry", book, entry), s.size)
	ev := lastEvent(d, dossier.ActReceive)
	officer := s.officer(ev)
	if s.in.OfficerPhone != "" {
		s.doc.field(l.t("officer"), officer+" - "+l.t("phone")+" "+s.in.OfficerPhone, s.size)
	}
	who := d.Applicant.FullName
	if who == "" {
		who = d.Applicant.DisplayName()
	}
	s.sign(sig{l.t("signApplicant"), l.t("signHint"), who}, sig{l.t("signReceive"), l.t("signHint"), officer})
	s.qrRow(l.f("note01", s.iss.desk(s.date, l)))
}

// receivedDocuments lists the documents slip 01 names. A dossier received
// at the counter with its reception checklist lists only the documents
// ticked as received, with the originals and copies counted; otherwise the
// version's documents the dossier holds: the required ones and, when the
// dossier's files name their document, the optional ones it has (without
// such files, every document).
func receivedDocuments(d *dossier.Dossier, v *catalog.Version) []catalog.Document {
	if list, ok := d.ReceivedDocuments(); ok {
		var out []catalog.Document
		for _, r := range list {
			if !r.Received {
				continue
			}
			name := r.Name
			if doc := findDocument(v, r.Key); name == "" && doc != nil {
				name = doc.Name
			}
			out = append(out, catalog.Document{Key: r.Key, Name: name, Originals: r.Originals, Copies: r.Copies})
		}
		return out
	}
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

// reasons pairs each requested document with its reason. The dossier model
// keeps one reason for the whole request: a single document takes it; a
// reason written as one line (or ";"-separated part) per document, in the
// order of the documents, is split among them; otherwise it stays whole
// and is printed under the table.
func reasons(docs []string, reason string) (each []string, whole string) {
	reason = strings.TrimSpace(reason)
	each = make([]string, len(docs))
	if len(docs) == 1 {
		each[0] = reason
		return each, ""
	}
	var parts []string
	for _, p := range strings.FieldsFunc(reason, func(r rune) bool { return r == '\n' || r == ';' }) {
		if p = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(p), ".")); p != "" {
			parts = append(parts, p)
		}
	}
	if len(docs) > 1 && len(parts) == len(docs) {
		return parts, ""
	}
	return each, reason
}

// supplement is slip 02.
func (s *slip) supplement() {
	d := s.d
	req, _ := supplementRequest(d)
	when := req.RequestedAt
	if when.IsZero() {
		when = s.in.Now
	}
	each, whole := reasons(req.Documents, req.Reason)
	var rows [][]string
	for i, key := range req.Documents {
		name, doc := key, findDocument(s.in.Version, key)
		if doc != nil && doc.Name != "" {
			name = doc.Name
		}
		rows = append(rows, []string{fmt.Sprint(i + 1), name, each[i]})
	}
	s.guidance(when, rows, whole, s.officer(lastEvent(d, dossier.ActRequestSupplement)))
}

// guidance lays out slip 02 dated when: one row per document to add or
// fix (no., name, reason), a reason for the whole request if any, and the
// guiding officer.
func (s *slip) guidance(when time.Time, rows [][]string, whole, officer string) {
	d, l := s.d, s.l
	s.title("02", when)
	s.applicant(true)
	s.doc.field(l.t("procedure"), s.procedure(), bodySize)
	s.doc.field(l.t("requestedAt"), l.at(when), bodySize)
	s.doc.space(1)
	s.doc.para(l.f("intro02", l.salutation(d.Applicant)), false, bodySize, alignLeft)
	s.doc.space(1)
	s.doc.table([]column{{l.t("colNo"), 12, alignCenter}, {l.t("colDoc"), 0, alignLeft},
		{l.t("colReason"), 0, alignLeft}}, rows, tableSize)
	s.doc.space(2)
	if whole != "" {
		s.doc.field(l.t("reason"), whole, bodySize)
	}
	who := officer
	if who == "" {
		who = s.desk()
	}
	phone := s.in.OfficerPhone
	if phone == "" {
		phone = dots
	}
	s.doc.space(1)
	s.doc.para(l.f("contact02", l.salutation(d.Applicant), who, phone), false, bodySize, alignLeft)
	s.sign(sig{}, sig{l.t("signGuide"), l.t("signHint"), officer})
	s.qrRow("")
}

// refusal is slip 03.
func (s *slip) refusal() {
	ev := lastEvent(s.d, dossier.ActRefuse)
	when, reason := s.in.Now, ""
	if ev != nil {
		when, reason = ev.At, ev.Note
	}
	s.refusalBody(when, reason, s.officer(ev))
}

// refusalBody lays out slip 03 dated when with the reasons and the
// officer who refused.
func (s *slip) refusalBody(when time.Time, reason, officer string) {
	d, l := s.d, s.l
	s.title("03", when)
	s.applicant(true)
	s.doc.field(l.t("procedure"), s.procedure(), bodySize)
	s.doc.space(1)
	s.doc.para(l.f("body03", s.desk()), false, bodySize, alignLeft)
	s.reason(reason)
	s.doc.para(l.f("end03", l.salutation(d.Applicant)), false, bodySize, alignLeft)
	s.sign(sig{}, sig{l.t("signReceive"), l.t("signHint"), officer})
	s.qrRow("")
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

// head is the signature block of the head of the agency, with the name of
// the leader who acted (ev) when only a leader may take that action; else
// the name is left to the signer.
func (s *slip) head(ev *dossier.Event) sig {
	name := ""
	if ev != nil {
		name = ev.ActorName
	}
	return sig{s.l.t("signHead"), s.l.t("signSeal"), name}
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
		newDue = d.Appointment()
	}
	s.title("04", when)
	who := l.salutation(d.Applicant)
	s.doc.field(l.t("to"), d.Applicant.DisplayName(), bodySize)
	s.doc.field(l.t("address"), s.address(), bodySize)
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
	s.recipients(s.head(ev)) // only a leader reschedules
	s.qrRow("")
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
	s.doc.field(l.t("address"), s.address(), bodySize)
	s.doc.space(1)
	s.doc.para(l.f("body05", dayp(d.ReceivedAt), s.issuer(), s.d.ProcedureName, who, d.Code), false, bodySize, alignLeft)
	s.doc.para(l.f("stop05", s.issuer(), l.at(when)), false, bodySize, alignLeft)
	s.doc.field(l.t("reason"), reason, bodySize)
	s.doc.space(1)
	s.doc.para(l.f("end05", who), false, bodySize, alignLeft)
	s.recipients(s.head(nil)) // any officer may record a stop
	s.qrRow("")
}

// notEligible is slip 08: the deciding agency's written answer that the
// dossier is not granted, with the reasons (the result's summary), signed
// by the leader who signed the result.
func (s *slip) notEligible() {
	d, l := s.d, s.l
	ev := lastEvent(d, dossier.ActFinish)
	when := d.Result.IssuedAt
	s.title("08", when)
	who := l.salutation(d.Applicant)
	s.doc.field(l.t("to"), d.Applicant.DisplayName(), bodySize)
	s.doc.field(l.t("address"), s.address(), bodySize)
	s.doc.space(1)
	s.doc.para(l.f("body08", dayp(d.ReceivedAt), s.issuer(), s.d.ProcedureName, who, d.Code), false, bodySize, alignLeft)
	s.doc.para(l.f("no08", s.issuer()), false, bodySize, alignLeft)
	s.reason(d.Result.Summary)
	s.doc.space(1)
	s.doc.para(l.f("end08", who), false, bodySize, alignLeft)
	head := s.head(ev)
	if head.name == "" {
		head.name = d.Result.SignedBy
	}
	s.recipients(head)
	s.qrRow("")
}

// handOvers are the actions that pass a dossier from one holder to the
// next (the lifecycle closes a process step on each).
var handOvers = map[dossier.Action]bool{dossier.ActReceive: true, dossier.ActAssign: true,
	dossier.ActTransfer: true, dossier.ActDraftResult: true, dossier.ActApproveDraft: true, dossier.ActReturnDraft: true, dossier.ActFinish: true,
	dossier.ActReturnResult: true, dossier.ActDeliver: true}

// consultRows are the actions of an inter-agency consultation, rows of
// slip 06 too: the question goes to the unit asked, the answer comes back
// under that unit, judged against its reply-by date, so that a late answer
// is the consulted unit's row, not the holder's.
var consultRows = map[dossier.Action]bool{dossier.ActConsult: true, dossier.ActAnswerConsult: true}

// controlEvents are the rows of slip 06: events that close a step, hand
// the dossier over or carry a consultation.
func controlEvents(d *dossier.Dossier) []dossier.Event {
	var out []dossier.Event
	for _, ev := range d.Events {
		if ev.StepKey != "" || handOvers[ev.Action] || consultRows[ev.Action] {
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
	s.doc.field(l.t("dueAt"), atp(l, d.Appointment()), bodySize)
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
			s.receiver(evs, i), l.verdict(ev.Verdict), s.note(evs, i)})
	}
	s.doc.table([]column{{l.t("colNo"), 10, alignCenter}, {l.t("colStep"), 32, alignLeft},
		{l.t("colTime"), 22, alignCenter}, {l.t("colGiver"), 24, alignLeft}, {l.t("colTaker"), 24, alignLeft},
		{l.t("colVerdict"), 22, alignCenter}, {l.t("colNote"), 0, alignLeft}}, rows, 10)
	s.qrRow("")
}

func (l lang) verdict(v string) string {
	if v == "" {
		return ""
	}
	return l.t(v)
}

// unitName names a unit by its code where the slip knows the name: the
// dossier's unit, or a unit of its consultations.
func (s *slip) unitName(code string) string {
	if code == "" {
		return ""
	}
	if code == s.d.UnitCode && s.d.UnitName != "" {
		return s.d.UnitName
	}
	for _, c := range s.d.Consultations {
		if c.ToUnit == code && c.ToUnitName != "" {
			return c.ToUnitName
		}
		if c.FromUnit == code && c.FromName != "" {
			return c.FromName
		}
	}
	return code
}

// consultation is what the consult event before answer i (or consult
// event i itself) recorded: the unit asked, its reply-by date and days.
func consultation(evs []dossier.Event, i int) (dossier.ConsultData, bool) {
	ev := evs[i]
	for j := i; j >= 0; j-- {
		if evs[j].Action != dossier.ActConsult {
			continue
		}
		data, ok := evs[j].Data.(dossier.ConsultData)
		if ok && (ev.Action == dossier.ActConsult || data.ToUnit == ev.UnitCode) {
			return data, true
		}
		if ev.Action == dossier.ActConsult {
			break
		}
	}
	return dossier.ConsultData{}, false
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
	case dossier.ActConsult:
		if data, ok := ev.Data.(dossier.ConsultData); ok {
			return s.unitName(data.ToUnit)
		}
	case dossier.ActAnswerConsult:
		if data, ok := ev.Data.(dossier.AnswerData); ok {
			return s.unitName(data.FromUnit)
		}
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

func (s *slip) note(evs []dossier.Event, i int) string {
	ev := evs[i]
	var parts []string
	if ev.Action == dossier.ActTransfer || ev.Action == dossier.ActReturnResult {
		if data, ok := ev.Data.(dossier.UnitData); ok && data.ToUnit != "" {
			parts = append(parts, s.l.f("toUnit", s.unitName(data.ToUnit)))
		}
	}
	if consultRows[ev.Action] {
		if data, ok := consultation(evs, i); ok && data.ReplyBy != nil {
			parts = append(parts, s.l.f("replyBy", s.l.at(*data.ReplyBy), data.ReplyDays))
		}
		if ev.Action == dossier.ActAnswerConsult && ev.Verdict == dossier.VerdictLate {
			parts = append(parts, s.l.f("lateBy", s.unitName(ev.UnitCode)))
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
