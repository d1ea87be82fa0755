package backoffice

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/stats"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/web"
)

// CalendarAdmin reports whether the member may open the calendar page in
// the acting unit (see calendarAccess).
func (f Frame) CalendarAdmin() bool {
	read, _, _ := calendarAccess(f.Staff)
	return read
}

type statusCount struct {
	Status dossier.Status
	Label  string
	Count  int
}

type overdueRow struct {
	dossier.Dossier
	Due Deadline
}

type dashboardView struct {
	Frame
	Counts   store.UnitCounts
	Statuses []statusCount
	Due      store.DueCounts
	Overdue  []overdueRow
	More     bool // more overdue dossiers than listed
	Month    stats.Report
	MonthOf  string // MM/YYYY
	Finished int    // finished this month (early + on time + late)
	OnTime   int    // finished early or on time this month
	Rate     string // the on-time rate in words and numbers
	// OnlineRate and OnlineRateOffered are the month's online submission
	// rates over every procedure and over procedures offered online,
	// written with two decimals ("96,15 %", "96.15%").
	OnlineRate, OnlineRateOffered string
	// Leader and Adviser: the reader has the worklists of drafts to
	// approve and of consultations to answer, which the counts link to.
	Leader, Adviser bool
}

// dashboard serves /can-bo/: the acting unit's dossiers by status and due
// window, the overdue list and the month's II.06a figures.
func (h *Handler) dashboard(w http.ResponseWriter, r *http.Request, s *staff) error {
	ctx := r.Context()
	lang := web.LangOf(r)
	now := h.now()
	c, err := h.Store.BackofficeCounts(ctx, s.Unit.UnitID, now)
	if err != nil {
		return err
	}
	cal, err := h.calendar(ctx, s.Unit.UnitPath)
	if err != nil {
		return err
	}
	loc := cal.Location()
	v := &dashboardView{Frame: Frame{s, "/can-bo/"}, Counts: c}
	for _, role := range s.rolesIn(s.Unit.UnitID) {
		v.Leader = v.Leader || role == org.RoleLeader
		v.Adviser = v.Adviser || role == org.RoleLeader || role == org.RoleSpecialist
	}
	byStatus, err := h.Store.StatusCounts(ctx, s.Unit.UnitID)
	if err != nil {
		return err
	}
	for st := dossier.StatusSubmitted; st <= dossier.StatusDelivered; st++ {
		v.Statuses = append(v.Statuses, statusCount{st, st.Label(lang), byStatus[st]})
	}
	v.Due, err = h.Store.UnitDueCounts(ctx, s.Unit.UnitID, now, dayStart(now, loc).AddDate(0, 0, 1), nextWorkingDayEnd(cal, now))
	if err != nil {
		return err
	}
	ds, next, err := h.Store.ListDossiers(ctx, s.unitActor(), dossier.Filter{UnitCode: s.Unit.UnitCode, Now: now, Limit: pageSize, Overdue: true})
	if err != nil {
		return err
	}
	for i := range ds {
		if ds[i].UnitID == s.Unit.UnitID {
			v.Overdue = append(v.Overdue, overdueRow{ds[i], h.deadline(lang, cal, &ds[i], now)})
		}
	}
	v.More = next != 0
	u, err := h.Store.UnitByCode(ctx, s.Unit.UnitCode)
	if err != nil {
		return err
	}
	y, m, _ := now.In(loc).Date()
	from := time.Date(y, m, 1, 0, 0, 0, 0, loc)
	v.Month, err = h.Store.Stats(ctx, u, from, now, now, false)
	if err != nil {
		return err
	}
	v.MonthOf = from.Format("01/2006")
	v.Finished = v.Month.Finished.Total
	v.OnTime = v.Month.Finished.Early + v.Month.Finished.OnTime
	if v.Finished > 0 {
		v.Rate = h.web.T(lang, "dash.on_time.words", stats.FormatPercent(v.Month.OnTimeRate, lang), v.OnTime, v.Finished)
	} else {
		v.Rate = h.web.T(lang, "dash.on_time.none")
	}
	v.OnlineRate, v.OnlineRateOffered = h.web.T(lang, "dash.rate.none"), h.web.T(lang, "dash.rate.none")
	if v.Month.Received.Online+v.Month.Received.Counter > 0 {
		v.OnlineRate = stats.FormatPercent(v.Month.OnlineRate, lang)
	}
	if v.Month.Received.Offered > 0 {
		v.OnlineRateOffered = stats.FormatPercent(v.Month.OnlineRateOffered, lang)
	}
	h.web.Render(w, r, web.View{Name: "dashboard", NoIndex: true, Data: v})
	return nil
}

type calendarDay struct {
	calendar.Day
	Date    string // dd/MM/yyyy
	Weekday string
	// Source says who set the day: "" the law, "city" the city's
	// administrators, "unit" the administrators of Unit (this unit or one
	// above it).
	Source string
	Unit   string
	// Mine: the reader may delete it (an override of the scope they edit).
	Mine bool
}

type calendarView struct {
	Frame
	Year    int
	Prev    int
	Next    int
	Days    []calendarDay
	CanEdit bool
	// UnitScope: the reader edits the acting unit's own calendar (a unit
	// administrator), not the city's.
	UnitScope bool
	UnitName  string
	Done      string
	Errors    map[string]string
	Form      url.Values
	FormKind  string
}

const maxReason = 200

// calendarAccess says whether the member may read and change the
// calendar, and for which scope: acting as a city administrator, the
// city-wide calendar (unit 0); otherwise the acting unit's own days (which
// apply to it and the units below it). Whether they may change it is the
// domain's rule, dossier.Actor.CanEditCalendar; only those who may change a
// calendar open the page.
func calendarAccess(s *staff) (read, write bool, scope int64) {
	scope = s.Unit.UnitID
	if slices.Contains(s.rolesIn(s.Unit.UnitID), org.RoleCityAdmin) {
		scope = 0
	}
	write = s.Actor.CanEditCalendar(scope)
	return write, write, scope
}

var errCalendarForbidden = apperr.New(apperr.Forbidden, "calendar_admin_only",
	"Chỉ quản trị viên đơn vị hoặc quản trị viên thành phố được xem lịch làm việc tại đây.",
	"Only unit or city administrators may open the calendar here.")

// calendarPage serves /can-bo/lich?nam=YYYY: the year's non-working days
// and swapped working days, with the form for city administrators.
func (h *Handler) calendarPage(w http.ResponseWriter, r *http.Request, s *staff) error {
	read, _, _ := calendarAccess(s)
	if !read {
		return errCalendarForbidden
	}
	cal, err := h.calendar(r.Context(), s.Unit.UnitPath)
	if err != nil {
		return err
	}
	year := h.now().In(cal.Location()).Year()
	if v := r.URL.Query().Get("nam"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1900 || n > 2199 {
			return apperr.New(apperr.Invalid, "bad_year", "Năm phải là số từ 1900 đến 2199.", "The year must be a number from 1900 to 2199.")
		}
		year = n
	}
	done := r.URL.Query().Get("xong")
	if done != "add" && done != "delete" {
		done = ""
	}
	return h.renderCalendar(w, r, s, year, done, nil, nil, http.StatusOK)
}

func (h *Handler) renderCalendar(w http.ResponseWriter, r *http.Request, s *staff, year int, done string, errs map[string]string, form url.Values, status int) error {
	ctx := r.Context()
	lang := web.LangOf(r)
	wc, err := h.calendar(ctx, s.Unit.UnitPath)
	if err != nil {
		return err
	}
	all, err := h.Store.CalendarOverrides(ctx)
	if err != nil {
		return err
	}
	// The overrides in force here, by date: the city's, or those of this
	// unit or a unit above it.
	inForce := calendar.Merge(all, s.Unit.UnitPath)
	cal, ok := wc.(interface{ Year(int) []calendar.Day })
	if !ok {
		c, err := calendar.New(calendar.DefaultConfig(), inForce)
		if err != nil {
			return err
		}
		cal = c
	}
	byDate := map[string]calendar.Override{}
	for _, o := range inForce {
		byDate[o.Date] = o
	}
	_, write, scope := calendarAccess(s)
	v := &calendarView{Frame: Frame{s, "/can-bo/lich"}, Year: year, Prev: year - 1, Next: year + 1,
		CanEdit: write, UnitScope: scope != 0, UnitName: s.Unit.UnitName, Done: done, Errors: errs, Form: form}
	if form != nil {
		v.FormKind = form.Get("kind")
	}
	for _, d := range cal.Year(year) {
		t, err := time.Parse("2006-01-02", d.Date)
		if err != nil {
			continue
		}
		if lang == "en" && d.ReasonEN != "" {
			d.Reason = d.ReasonEN
		}
		cd := calendarDay{Day: d, Date: t.Format("02/01/2006"), Weekday: h.web.T(lang, "cal.wd."+strconv.Itoa(int(t.Weekday())))}
		if o, ok := byDate[d.Date]; ok {
			cd.Source, cd.Unit, cd.Mine = "city", o.Unit, o.UnitID == scope && write
			if o.UnitID != 0 {
				cd.Source = "unit"
			}
		}
		v.Days = append(v.Days, cd)
	}
	h.web.Render(w, r, web.View{Name: "calendar", Status: status, NoIndex: true, Data: v})
	return nil
}

// calendarPost adds (action=add: date, kind off|work, reason) or deletes
// (action=delete: date) an administrator's override; city admins only.
func (h *Handler) calendarPost(w http.ResponseWriter, r *http.Request, s *staff) error {
	read, write, scope := calendarAccess(s)
	if !read || !write {
		return errCalendarForbidden
	}
	if err := web.ParseForm(w, r, maxForm); err != nil {
		return err
	}
	lang := web.LangOf(r)
	ctx := r.Context()
	date := strings.TrimSpace(r.PostForm.Get("date"))
	day, err := time.Parse("2006-01-02", date)
	dateErr := err != nil || day.Year() < 1900 || day.Year() > 2199
	year := h.now().Year()
	if !dateErr {
		year = day.Year()
	}
	errs := map[string]string{}
	switch r.PostForm.Get("action") {
	case "add":
		if dateErr {
			errs["date"] = h.web.T(lang, "cal.err.date")
		}
		kind := r.PostForm.Get("kind")
		if kind != string(calendar.DayOff) && kind != string(calendar.DayWork) {
			errs["kind"] = h.web.T(lang, "cal.err.kind")
		}
		reason := strings.TrimSpace(r.PostForm.Get("reason"))
		if reason == "" || len([]rune(reason)) > maxReason {
			errs["reason"] = h.web.T(lang, "cal.err.reason")
		}
		if len(errs) > 0 {
			return h.renderCalendar(w, r, s, year, "", errs, r.PostForm, http.StatusBadRequest)
		}
		if err := h.Store.SetCalendarOverride(ctx, calendar.Override{Date: date, Kind: calendar.DayKind(kind), Reason: reason, UnitID: scope}, s.Actor); err != nil {
			return err
		}
		http.Redirect(w, r, "/can-bo/lich?nam="+strconv.Itoa(year)+"&xong=add", http.StatusSeeOther)
		return nil
	case "delete":
		if dateErr {
			errs["date"] = h.web.T(lang, "cal.err.date")
			return h.renderCalendar(w, r, s, year, "", errs, nil, http.StatusBadRequest)
		}
		if err := h.Store.DeleteCalendarOverride(ctx, scope, date, s.Actor); err != nil {
			return err
		}
		http.Redirect(w, r, "/can-bo/lich?nam="+strconv.Itoa(year)+"&xong=delete", http.StatusSeeOther)
		return nil
	}
	return apperr.New(apperr.Invalid, "action_invalid", "Thao tác không hợp lệ.", "Unknown action.")
}
