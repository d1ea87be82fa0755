package backoffice

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/web"
)

// WorkCalendar is what the worklists need of the working-day calendar
// (calendar.Calendar satisfies it).
type WorkCalendar interface {
	IsWorkingDay(t time.Time) bool
	AddWorkingDays(t time.Time, n int) time.Time
	Location() *time.Location
}

// weekdays is the fallback calendar: Monday to Friday in Việt Nam.
type weekdays struct{}

func (weekdays) IsWorkingDay(t time.Time) bool {
	wd := t.In(web.Zone).Weekday()
	return wd != time.Saturday && wd != time.Sunday
}
func (weekdays) Location() *time.Location { return web.Zone }

func (w weekdays) AddWorkingDays(t time.Time, n int) time.Time {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		t = t.AddDate(0, 0, step)
		if w.IsWorkingDay(t) {
			n--
		}
	}
	return t
}

// calendar returns the calendar in force at the unit with the
// materialised path, or the weekday fallback.
func (h *Handler) calendar(ctx context.Context, unitPath string) (WorkCalendar, error) {
	if h.Calendar == nil {
		return weekdays{}, nil
	}
	return h.Calendar(ctx, unitPath)
}

// dayStart is midnight of t's day in loc.
func dayStart(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// workingDaysAfter counts the working days strictly after a's day up to and
// including b's day (0 when b's day is not after a's).
func workingDaysAfter(cal WorkCalendar, a, b time.Time) int {
	loc := cal.Location()
	day, last := dayStart(a, loc), dayStart(b, loc)
	n := 0
	for i := 0; i < 3660 && day.Before(last); i++ {
		day = time.Date(day.Year(), day.Month(), day.Day()+1, 12, 0, 0, 0, loc)
		if cal.IsWorkingDay(day) {
			n++
		}
		day = dayStart(day, loc)
	}
	return n
}

// nextWorkingDayEnd is the end (next midnight) of the first working day
// after now's day: "due within 1 working day" means due before it.
func nextWorkingDayEnd(cal WorkCalendar, now time.Time) time.Time {
	loc := cal.Location()
	day := dayStart(now, loc)
	for i := 0; i < 60; i++ {
		day = dayStart(time.Date(day.Year(), day.Month(), day.Day()+1, 12, 0, 0, 0, loc), loc)
		if cal.IsWorkingDay(day.Add(12 * time.Hour)) {
			break
		}
	}
	return day.AddDate(0, 0, 1)
}

// Deadline is a dossier's deadline in words and a CSS class for its colour.
type Deadline struct {
	Class string // due--ok, due--soon, due--late, due--done, due--none
	Words string
}

// deadline judges a dossier's statutory due time at now: overdue by whole
// working days, due within one working day, or still in time. A finished
// dossier is judged at its finishing time; a paused one is not judged.
func (h *Handler) deadline(lang string, cal WorkCalendar, d *dossier.Dossier, now time.Time) Deadline {
	if d.LegalDueAt == nil {
		return Deadline{"due--none", h.web.T(lang, "due.none")}
	}
	if d.Status.Open() && d.Paused() {
		return Deadline{"due--none", h.web.T(lang, "due.paused")}
	}
	due := *d.LegalDueAt
	at := now
	finished := d.FinishedAt != nil && !d.Status.Open()
	if finished {
		at = *d.FinishedAt
	}
	if at.After(due) {
		n := workingDaysAfter(cal, due, at)
		if n == 0 {
			return Deadline{"due--late", h.web.T(lang, "due.late.hours")}
		}
		return Deadline{"due--late", h.web.T(lang, "due.late", n)}
	}
	if finished {
		return Deadline{"due--done", h.web.T(lang, "due.done")}
	}
	if workingDaysAfter(cal, now, due) <= 1 {
		return Deadline{"due--soon", h.web.T(lang, "due.soon")}
	}
	return Deadline{"due--ok", h.web.T(lang, "due.ok")}
}

// worklist is one tab of /can-bo/viec-can-lam.
type worklist struct {
	Key      string
	Roles    []org.Role
	Statuses []dossier.Status
	Substate string // only dossiers in this sub-state
	Mine     bool   // assigned to the reader
	Assigned bool   // only dossiers with an assignee
	Consults bool   // the consultations addressed to the unit, not dossiers it holds
	Batch    dossier.Action
}

var (
	leaders     = []org.Role{org.RoleLeader}
	heads       = []org.Role{org.RoleHead}
	specialists = []org.Role{org.RoleSpecialist}
	desk        = []org.Role{org.RoleReceptionist}
)

var worklists = []worklist{
	{Key: "can-phan-cong", Roles: leaders, Statuses: []dossier.Status{dossier.StatusReceived}, Batch: dossier.ActAssign},
	{Key: "cho-phe-duyet", Roles: leaders, Statuses: []dossier.Status{dossier.StatusProcessing}, Substate: dossier.SubResultDrafted, Batch: dossier.ActFinish},
	// Drafts waiting for the head of office, where the procedure's process
	// has that step (the leader's list above holds only approved ones).
	{Key: "cho-truong-phong-duyet", Roles: heads, Statuses: []dossier.Status{dossier.StatusProcessing}, Substate: dossier.SubReviewPending},
	{Key: "da-phan-cong", Roles: leaders, Statuses: []dossier.Status{dossier.StatusProcessing}, Assigned: true},
	{Key: "cua-toi", Roles: specialists, Statuses: []dossier.Status{dossier.StatusProcessing, dossier.StatusSupplement, dossier.StatusFee}, Mine: true},
	{Key: "xin-y-kien", Roles: []org.Role{org.RoleSpecialist, org.RoleLeader}, Consults: true},
	{Key: "tra-ket-qua", Roles: desk, Statuses: []dossier.Status{dossier.StatusFinished}},
}

// for reports whether a member with these roles gets the list.
func (wl worklist) forRoles(roles []org.Role) bool {
	for _, r := range wl.Roles {
		if slices.Contains(roles, r) {
			return true
		}
	}
	return false
}

type tabView struct {
	Key, Label, URL string
	Current         bool
}

type workRow struct {
	dossier.Dossier
	Due Deadline
}

type option struct {
	Value, Label string
	Selected     bool
}

type worklistView struct {
	Frame
	Title    string
	Tab      string
	Tabs     []tabView
	Rows     []workRow
	Consults []consultRow // the xin-y-kien tab
	Statuses []option
	Windows  []option
	Q        string
	Proc     string
	Next     string
	// Batch is the tab's batch action: "assign" or "finish" (leaders).
	Batch       string
	Specialists []store.StaffMember
}

// worklistPage serves /can-bo/viec-can-lam: the acting member's worklists
// in the acting unit as tabs (?ds=), with filters ?trang-thai=, ?thu-tuc=,
// ?han=qua-han|hom-nay|1-ngay|2-ngay, ?q= and keyset pagination ?truoc=ID.
// HasWorklist reports whether the member's roles in the acting unit have
// a worklist, so that the navigation links it only then.
func (f Frame) HasWorklist() bool {
	roles := f.Staff.rolesIn(f.Staff.Unit.UnitID)
	for _, wl := range worklists {
		if wl.forRoles(roles) {
			return true
		}
	}
	return false
}

func (h *Handler) worklistPage(w http.ResponseWriter, r *http.Request, s *staff) error {
	lang := web.LangOf(r)
	q := r.URL.Query()
	roles := s.rolesIn(s.Unit.UnitID)
	var mine []worklist
	for _, wl := range worklists {
		if wl.forRoles(roles) {
			mine = append(mine, wl)
		}
	}
	if len(mine) == 0 {
		return apperr.New(apperr.Forbidden, "no_worklist", "Vai trò của bạn tại đơn vị này không có danh sách việc cần làm.", "Your role in this unit has no worklist.")
	}
	cur := mine[0]
	if k := q.Get("ds"); k != "" {
		found := false
		for _, wl := range mine {
			if wl.Key == k {
				cur, found = wl, true
			}
		}
		if !found {
			return apperr.New(apperr.NotFound, "no_worklist", "Không có danh sách này.", "No such worklist.")
		}
	}
	now := h.now()
	cal, err := h.calendar(r.Context(), s.Unit.UnitPath)
	if err != nil {
		return err
	}
	if cur.Consults {
		return h.consultList(w, r, s, cur, mine, cal)
	}
	f := dossier.Filter{UnitCode: s.Unit.UnitCode, Now: now, Limit: pageSize, Statuses: cur.Statuses, Substate: cur.Substate,
		Q: strings.TrimSpace(q.Get("q")), Procedure: strings.TrimSpace(q.Get("thu-tuc"))}
	if err := store.CheckQuery(f.Q); err != nil {
		return err
	}
	if len(f.Procedure) > 100 {
		return apperr.New(apperr.Invalid, "query_too_long", "Mã thủ tục quá dài.", "The procedure code is too long.")
	}
	if cur.Mine {
		f.AssigneeID = s.Account.ID
	}
	status := q.Get("trang-thai")
	if status != "" {
		n, err := strconv.Atoi(status)
		if err != nil || !slices.Contains(cur.Statuses, dossier.Status(n)) {
			return apperr.New(apperr.Invalid, "status_invalid", "Trạng thái không thuộc danh sách này.", "The status is not part of this worklist.")
		}
		f.Statuses = []dossier.Status{dossier.Status(n)}
	}
	han := q.Get("han")
	loc := cal.Location()
	switch han {
	case "":
	case "qua-han":
		f.Overdue = true
	case "hom-nay":
		end := dayStart(now, loc).AddDate(0, 0, 1)
		f.DueBefore = &end
	case "1-ngay":
		end := nextWorkingDayEnd(cal, now)
		f.DueBefore = &end
	case "2-ngay":
		// The leader's warning window (an apology is due one working day
		// before the deadline): not rescheduled yet, clock running.
		end := dossier.WarnUntil(now, cal)
		f.DueBefore, f.ApologyDue = &end, true
	default:
		return apperr.New(apperr.Invalid, "window_invalid", "Tham số «han» không hợp lệ.", "The «han» parameter is invalid.")
	}
	if f.Cursor, err = cursorParam(q.Get("truoc")); err != nil {
		return err
	}
	ds, next, err := h.Store.ListDossiers(r.Context(), s.unitActor(), f)
	if err != nil {
		return err
	}
	v := &worklistView{Frame: Frame{s, "/can-bo/viec-can-lam?ds=" + cur.Key}, Tab: cur.Key,
		Title: h.web.T(lang, "wl."+cur.Key), Q: f.Q, Proc: f.Procedure}
	for i := range ds {
		d := &ds[i]
		if d.UnitID != s.Unit.UnitID || (cur.Assigned && d.AssigneeID == 0) {
			continue
		}
		v.Rows = append(v.Rows, workRow{Dossier: *d, Due: h.deadline(lang, cal, d, now)})
	}
	v.Batch = string(cur.Batch)
	if cur.Batch == dossier.ActAssign {
		if v.Specialists, err = h.Store.UnitStaff(r.Context(), s.Unit.UnitID, org.RoleSpecialist); err != nil {
			return err
		}
	}
	v.Tabs = tabs(lang, h.web, mine, cur)
	for _, st := range cur.Statuses {
		k := strconv.Itoa(int(st))
		v.Statuses = append(v.Statuses, option{Value: k, Label: st.Label(lang), Selected: k == status})
	}
	for _, k := range []string{"qua-han", "hom-nay", "1-ngay", "2-ngay"} {
		v.Windows = append(v.Windows, option{Value: k, Label: h.web.T(lang, "wl.han."+k), Selected: k == han})
	}
	if next != 0 {
		nq := url.Values{"ds": {cur.Key}}
		for _, k := range []string{"trang-thai", "thu-tuc", "han", "q"} {
			if val := q.Get(k); val != "" {
				nq.Set(k, val)
			}
		}
		nq.Set("truoc", strconv.FormatInt(next, 10))
		v.Next = "/can-bo/viec-can-lam?" + nq.Encode()
	}
	h.web.Render(w, r, web.View{Name: "worklist", NoIndex: true, Data: v})
	return nil
}

// tabs are the member's worklists as links, the current one marked.
func tabs(lang string, tr *web.Renderer, mine []worklist, cur worklist) []tabView {
	var out []tabView
	for _, wl := range mine {
		out = append(out, tabView{Key: wl.Key, Label: tr.T(lang, "wl."+wl.Key),
			URL: "/can-bo/viec-can-lam?ds=" + wl.Key, Current: wl.Key == cur.Key})
	}
	return out
}

// consultRow is one open consultation addressed to the acting unit.
type consultRow struct {
	store.ConsultationRow
	Due Deadline
}

// consultList serves the xin-y-kien tab: consultations other units sent
// the acting unit and that it has not answered, oldest first (?sau=ID
// continues after that consultation).
func (h *Handler) consultList(w http.ResponseWriter, r *http.Request, s *staff, cur worklist, mine []worklist, cal WorkCalendar) error {
	lang := web.LangOf(r)
	after, err := afterParam(r.URL.Query().Get("sau"))
	if err != nil {
		return err
	}
	rows, next, err := h.Store.OpenConsultations(r.Context(), s.Unit.UnitID, after, pageSize)
	if err != nil {
		return err
	}
	v := &worklistView{Frame: Frame{s, "/can-bo/viec-can-lam?ds=" + cur.Key}, Tab: cur.Key, Title: h.web.T(lang, "wl."+cur.Key)}
	now := h.now()
	for _, row := range rows {
		// The unit asked answers by its reply-by date: that is its
		// deadline here, not the dossier's (consultations opened before
		// reply-by dates fall back to the dossier's).
		due := row.DueAt
		if row.ReplyBy != nil {
			due = row.ReplyBy
		}
		d := dossier.Dossier{Status: row.Status, LegalDueAt: due}
		v.Consults = append(v.Consults, consultRow{ConsultationRow: row, Due: h.deadline(lang, cal, &d, now)})
	}
	v.Tabs = tabs(lang, h.web, mine, cur)
	if next != 0 {
		v.Next = "/can-bo/viec-can-lam?ds=" + cur.Key + "&sau=" + strconv.FormatInt(next, 10)
	}
	h.web.Render(w, r, web.View{Name: "worklist", NoIndex: true, Data: v})
	return nil
}

// cursorParam reads the keyset cursor of a list ("truoc": continue below
// this id); empty means the first page.
func cursorParam(v string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, apperr.New(apperr.Invalid, "cursor_invalid", "Tham số «truoc» không hợp lệ.", "The «truoc» parameter is invalid.")
	}
	return n, nil
}

// afterParam reads the keyset cursor of an oldest-first list ("sau":
// continue after this id); empty means the first page.
func afterParam(v string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, apperr.New(apperr.Invalid, "cursor_invalid", "Tham số «sau» không hợp lệ.", "The «sau» parameter is invalid.")
	}
	return n, nil
}

// unitActor is the staff member limited to the acting unit's grants, so
// that lists show only that unit's own dossiers.
func (s *staff) unitActor() dossier.Actor {
	a := s.Actor
	a.Grants = nil
	for _, g := range s.Actor.Grants {
		if g.UnitID == s.Unit.UnitID {
			a.Grants = append(a.Grants, g)
		}
	}
	return a
}
