package backoffice

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/stats"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/vn"
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
	// Subtree: the figures cover the unit and every unit below it.
	Subtree bool
	// Satisfaction is the month's ratings; SatisfactionBy the same for
	// each procedure rated in the month, SatisfactionUnits (for readers of
	// the subtree) for the unit's own dossiers and each unit below.
	Satisfaction      satisfactionView
	SatisfactionBy    []satisfactionView
	SatisfactionUnits []satisfactionView
}

// dashboard serves /can-bo/: the acting unit's dossiers by status and due
// window, the overdue list and the month's II.06a figures.
func (h *Handler) dashboard(w http.ResponseWriter, r *http.Request, s *staff) error {
	ctx := r.Context()
	lang := web.LangOf(r)
	now := h.now()
	// A district's or the city's dashboard counts the whole area by
	// default, for the roles that read the subtree (leaders, admins).
	sc := store.UnitScope{ID: s.Unit.UnitID, Path: s.Unit.UnitPath, Subtree: s.seesBelow()}
	c, err := h.Store.BackofficeCounts(ctx, sc, now)
	if err != nil {
		return err
	}
	cal, err := h.calendar(ctx, s.Unit.UnitPath)
	if err != nil {
		return err
	}
	loc := cal.Location()
	v := &dashboardView{Frame: Frame{s, "/can-bo/"}, Counts: c, Subtree: sc.Subtree}
	for _, role := range s.rolesIn(s.Unit.UnitID) {
		v.Leader = v.Leader || role == org.RoleLeader
		v.Adviser = v.Adviser || role == org.RoleLeader || role == org.RoleSpecialist
	}
	byStatus, err := h.Store.StatusCounts(ctx, sc)
	if err != nil {
		return err
	}
	for st := dossier.StatusSubmitted; st <= dossier.StatusDelivered; st++ {
		v.Statuses = append(v.Statuses, statusCount{st, st.Label(lang), byStatus[st]})
	}
	v.Due, err = h.Store.UnitDueCounts(ctx, sc, now, store.DueWindows{Today: dayStart(now, loc).AddDate(0, 0, 1),
		OneDay: nextWorkingDayEnd(cal, now), TwoDays: dossier.WarnUntil(now, cal)})
	if err != nil {
		return err
	}
	ds, next, err := h.Store.ListDossiers(ctx, s.unitActor(), dossier.Filter{UnitCode: s.Unit.UnitCode, Now: now, Limit: pageSize, Overdue: true})
	if err != nil {
		return err
	}
	for i := range ds {
		if sc.Subtree || ds[i].UnitID == s.Unit.UnitID {
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
	v.Satisfaction = h.satisfaction(lang, "", "", v.Month.Satisfaction)
	if v.Satisfaction.Total > 0 {
		rows, err := h.Store.StatsRows(ctx, u, from, now, now, false, stats.Filter{}, "procedure")
		if err != nil {
			return err
		}
		for _, r := range rows {
			if r.Satisfaction.Total > 0 {
				v.SatisfactionBy = append(v.SatisfactionBy, h.satisfaction(lang, r.Procedure, r.ProcedureName, r.Satisfaction))
			}
		}
		if sc.Subtree {
			if v.SatisfactionUnits, err = h.satisfactionUnits(ctx, lang, u, from, now); err != nil {
				return err
			}
		}
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
	// Tet is the year's Tết holiday and how far it is settled; TetFirst,
	// TetLast and TetMakeUp are its dates as dd/MM/yyyy, ConfirmedAt the
	// confirmation's time. CanConfirm: the reader (a city administrator)
	// may confirm a provisional year.
	Tet               calendar.TetInfo
	TetFirst, TetLast string
	TetMakeUp         string
	ConfirmedAt       string
	CanConfirm        bool
	// Hours are the office hours in force for the scope the reader edits;
	// HoursFrom says whose they are: "default" (the system's), "city",
	// "unit" (HoursUnit, a unit above) or "own" (the acting unit's own).
	Hours     calendar.OfficeHours
	HoursFrom string
	HoursUnit string
	// HoursFields are the form's four times; CanResetHours: the scope has
	// hours of its own to drop.
	HoursFields   []hoursField
	CanResetHours bool
}

// hoursField is one time of the office hours form.
type hoursField struct{ Name, Value string }

const maxReason = 200

// calendarAccess says whether the member may read and change the
// calendar, and for which scope: acting as a city administrator, the
// city-wide calendar (unit 0); otherwise the acting unit's own days (which
// apply to it and the units below it). Whether they may change it is the
// domain's rule, dossier.Actor.CanEditCalendar; only those who may change a
// calendar open the page.
func calendarAccess(s *staff) (read, write bool, scope int64) {
	scope = s.Unit.UnitID
	if s.cityAdmin() {
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
	switch done {
	case "add", "delete", "confirm", "hours", "hours_reset":
	default:
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
	if err := h.fillTetAndHours(ctx, v, s, scope, write); err != nil {
		return err
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
		} else if d.Announced {
			cd.Source = "announced"
		}
		v.Days = append(v.Days, cd)
	}
	h.web.Render(w, r, web.View{Name: "calendar", Status: status, NoIndex: true, Data: v})
	return nil
}

// calendarPost adds (action=add: date, kind off|work, reason) or deletes
// (action=delete: date) an override of the calendar the reader edits,
// confirms a provisional year (action=confirm_year: year; city
// administrators only) or sets or drops the office hours of that calendar
// (action=hours, hours_reset).
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
	// The date is typed as dd/mm/yyyy (the delete buttons send the stored
	// yyyy-mm-dd); the calendar keeps yyyy-mm-dd.
	day, err := vn.ParseDate(r.PostForm.Get("date"), time.UTC)
	dateErr := err != nil || day.Year() < 1900 || day.Year() > 2199
	date := day.Format(time.DateOnly)
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
	case "confirm_year":
		return h.confirmYear(w, r, s, scope)
	case "hours", "hours_reset":
		return h.officeHoursPost(w, r, s, scope)
	}
	return apperr.New(apperr.Invalid, "action_invalid", "Thao tác không hợp lệ.", "Unknown action.")
}

// fillTetAndHours adds to the view the year's Tết status and the office
// hours in force for the scope the reader edits.
func (h *Handler) fillTetAndHours(ctx context.Context, v *calendarView, s *staff, scope int64, write bool) error {
	conf, err := h.Store.CalendarYear(ctx, v.Year)
	if err != nil {
		return err
	}
	v.Tet = calendar.Tet(v.Year, conf)
	v.TetFirst, v.TetLast = vn.DisplayDate(v.Tet.First), vn.DisplayDate(v.Tet.Last)
	var makeUp []string
	for _, d := range v.Tet.MakeUp {
		makeUp = append(makeUp, vn.DisplayDate(d))
	}
	v.TetMakeUp = strings.Join(makeUp, ", ")
	if v.Tet.ConfirmedAt != nil {
		v.ConfirmedAt = v.Tet.ConfirmedAt.In(web.Zone).Format("15:04 02/01/2006")
	}
	v.CanConfirm = write && scope == 0 && v.Tet.Status == calendar.TetProvisional

	all, err := h.Store.OfficeHours(ctx)
	if err != nil {
		return err
	}
	path := ""
	if scope != 0 {
		path = s.Unit.UnitPath
	}
	d := calendar.DefaultConfig()
	v.Hours, v.HoursFrom = calendar.OfficeHours{Morning: d.Morning, Afternoon: d.Afternoon}, "default"
	if hs, ok := calendar.HoursAt(all, path); ok {
		v.Hours, v.HoursUnit = hs, hs.Unit
		switch {
		case hs.UnitID == 0:
			v.HoursFrom = "city"
		case hs.UnitID == scope:
			v.HoursFrom = "own"
		default:
			v.HoursFrom = "unit"
		}
	}
	v.CanResetHours = write && (v.HoursFrom == "own" || scope == 0 && v.HoursFrom == "city")
	vals := []string{v.Hours.Morning[0], v.Hours.Morning[1], v.Hours.Afternoon[0], v.Hours.Afternoon[1]}
	for i, name := range []string{"morning_start", "morning_end", "afternoon_start", "afternoon_end"} {
		f := hoursField{Name: name, Value: vals[i]}
		if v.Form != nil && v.Form.Get("action") == "hours" {
			f.Value = v.Form.Get(name)
		}
		v.HoursFields = append(v.HoursFields, f)
	}
	return nil
}

// confirmYear records that a city administrator confirmed the computed
// (provisional) Tết of a year.
func (h *Handler) confirmYear(w http.ResponseWriter, r *http.Request, s *staff, scope int64) error {
	if scope != 0 {
		return apperr.New(apperr.Forbidden, "city_admin_only", "Chỉ quản trị viên thành phố được xác nhận lịch của năm.", "Only city administrators may confirm a year's calendar.")
	}
	year, err := strconv.Atoi(r.PostForm.Get("year"))
	if err != nil || year < 1900 || year > 2199 {
		return apperr.New(apperr.Invalid, "bad_year", "Năm phải là số từ 1900 đến 2199.", "The year must be a number from 1900 to 2199.")
	}
	if err := h.Store.ConfirmCalendarYear(r.Context(), year, h.now(), s.Actor); err != nil {
		return err
	}
	http.Redirect(w, r, "/can-bo/lich?nam="+strconv.Itoa(year)+"&xong=confirm", http.StatusSeeOther)
	return nil
}

// officeHoursPost sets (action=hours: morning_start, morning_end,
// afternoon_start, afternoon_end) or drops (action=hours_reset) the office
// hours of the scope the reader edits: the city default or the acting
// unit's own.
func (h *Handler) officeHoursPost(w http.ResponseWriter, r *http.Request, s *staff, scope int64) error {
	ctx := r.Context()
	year, err := strconv.Atoi(r.PostForm.Get("year"))
	if err != nil || year < 1900 || year > 2199 {
		year = h.now().In(web.Zone).Year()
	}
	next := "/can-bo/lich?nam=" + strconv.Itoa(year) + "&xong="
	if r.PostForm.Get("action") == "hours_reset" {
		if err := h.Store.DeleteOfficeHours(ctx, scope, s.Actor); err != nil {
			return err
		}
		http.Redirect(w, r, next+"hours_reset", http.StatusSeeOther)
		return nil
	}
	f := func(k string) string { return strings.TrimSpace(r.PostForm.Get(k)) }
	o := calendar.OfficeHours{UnitID: scope, Morning: [2]string{f("morning_start"), f("morning_end")},
		Afternoon: [2]string{f("afternoon_start"), f("afternoon_end")}}
	if err := o.Validate(); err != nil {
		errs := map[string]string{"hours": h.web.T(web.LangOf(r), "cal.err.hours")}
		return h.renderCalendar(w, r, s, year, "", errs, r.PostForm, http.StatusBadRequest)
	}
	if err := h.Store.SetOfficeHours(ctx, o, s.Actor); err != nil {
		return err
	}
	http.Redirect(w, r, next+"hours", http.StatusSeeOther)
	return nil
}
