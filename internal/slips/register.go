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
	iss := in.Issuer.At(in.Now)
	header(d, deskHead(iss, in.Now, l, ""), iss.Place, in.Now, l, title)
	from, to := day(in.From), day(registerEnd(in.From, in.To))
	if from != "" || to != "" {
		d.y -= 3
		d.para(l.f("period", from, to), false, 12, alignCenter)
		d.space(3)
	}
	unit := strings.TrimSpace(iss.desk(in.Now, l) + " " + iss.agency())
	d.onNewPage = func() {
		d.font(false, 9)
		d.text(d.left, d.y, d.width(), clean(l.f("running", unit, from, to)), alignLeft)
		d.y += d.lineH() + 2
	}
	// The columns of Mẫu 07 (Circular 03/2025; Mẫu 06 of 01/2018): the
	// dates of reception, appointment, transfer to the deciding agency,
	// the result's return and delivery, and the recipient's signature.
	cols := []column{{l.t("colNo"), 9, alignCenter}, {l.t("colCode"), 38, alignLeft},
		{l.t("colProc"), 0, alignLeft}, {l.t("colSets"), 12, alignCenter},
		{l.t("colApplicant"), 22, alignLeft}, {l.t("colContact"), 24, alignLeft},
		{l.t("colLead"), 18, alignLeft},
		{l.t("colReceived"), 17, alignCenter}, {l.t("colDue"), 17, alignCenter},
		{l.t("colSent"), 17, alignCenter}, {l.t("colBack"), 17, alignCenter},
		{l.t("colDelivered"), 17, alignCenter}, {l.t("colSign"), 12, alignCenter},
		{l.t("colNote"), 16, alignLeft}}
	rows := make([][]string, 0, len(in.Rows))
	for i, x := range in.Rows {
		if x == nil {
			continue
		}
		rows = append(rows, registerRow(l, i+1, x))
	}
	d.table(cols, rows, 7.5)
	if len(rows) == 0 {
		d.space(2)
		d.para(l.t("noRows"), false, 11, alignLeft)
	}
	walkInTable(d, l, in.WalkIns)
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

// firstEvent is the first event of the dossier with action act.
func firstEvent(d *dossier.Dossier, act dossier.Action) *dossier.Event {
	for i := range d.Events {
		if d.Events[i].Action == act {
			return &d.Events[i]
		}
	}
	return nil
}

func evDay(ev *dossier.Event) string {
	if ev == nil {
		return ""
	}
	return day(ev.At)
}

func registerRow(l lang, n int, x *dossier.Dossier) []string {
	contact := strings.TrimSpace(x.Applicant.Address)
	if x.Channel == dossier.ChannelOnline || contact == "" {
		if f := formAddress(x); f != "" {
			contact = f
		}
	}
	if p := strings.TrimSpace(x.Applicant.Phone); p != "" {
		if contact != "" {
			contact += "\n"
		}
		contact += p
	}
	proc := x.ProcedureName
	if proc == "" {
		proc = x.ProcedureCode
	}
	// The lead agency is the unit the dossier was transferred to for a
	// decision, else the receiving unit.
	lead := agencyOf(x.UnitName, "")
	if ev := firstEvent(x, dossier.ActTransfer); ev != nil {
		if data, ok := ev.Data.(dossier.UnitData); ok && data.ToUnit != "" && data.ToUnit != x.UnitCode {
			lead = data.ToUnit
		}
	}
	// The result comes back when the deciding unit returns it to the
	// desk or, decided in the same unit, when it is approved.
	back := evDay(lastEvent(x, dossier.ActReturnResult))
	if back == "" {
		if x.Result != nil && !x.Result.IssuedAt.IsZero() {
			back = day(x.Result.IssuedAt)
		} else if x.Status == dossier.StatusFinished || x.Status == dossier.StatusDelivered {
			back = dayp(x.FinishedAt)
		}
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
	return []string{fmt.Sprint(n), x.Code, proc, sets(x), x.Applicant.DisplayName(), contact, lead,
		dayp(x.ReceivedAt), dayp(x.Appointment()), evDay(firstEvent(x, dossier.ActTransfer)), back,
		dayp(x.DeliveredAt), "", strings.Join(notes, "; ")}
}
