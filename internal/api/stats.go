package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/stats"
	"github.com/motcua/motcua/internal/store"
)

// parseDay reads YYYY-MM-DD as the start of that day in loc, or RFC 3339.
func parseDay(s string, loc *time.Location) (time.Time, bool) {
	if t, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// period reads a from/to pair (YYYY-MM-DD, a date naming the whole day, or
// RFC 3339); the default is the current month up to now.
func period(fromS, toS string, now time.Time, loc *time.Location) (time.Time, time.Time, error) {
	y, m, _ := now.In(loc).Date()
	from, to := time.Date(y, m, 1, 0, 0, 0, 0, loc), now
	if fromS != "" {
		t, ok := parseDay(fromS, loc)
		if !ok {
			return from, to, apperr.New(apperr.Invalid, "bad_from", "Ngày bắt đầu không hợp lệ (YYYY-MM-DD).", "Invalid from date (YYYY-MM-DD).")
		}
		from = t
	}
	if toS != "" {
		t, ok := parseDay(toS, loc)
		if !ok {
			return from, to, apperr.New(apperr.Invalid, "bad_to", "Ngày kết thúc không hợp lệ (YYYY-MM-DD).", "Invalid to date (YYYY-MM-DD).")
		}
		if len(toS) == len("2006-01-02") {
			t = t.AddDate(0, 0, 1) // a date names the whole day
		}
		to = t
	}
	if !to.After(from) {
		return from, to, apperr.New(apperr.Invalid, "bad_period", "Ngày kết thúc phải sau ngày bắt đầu.", "The end must be after the start.")
	}
	return from, to, nil
}

// canReadUnit reports whether staff may read figures of unit u: their own
// units, and the subtrees of roles that see them.
func canReadUnit(a dossier.Actor, u *org.Unit) bool {
	for _, g := range a.Grants {
		if g.UnitID == u.ID || g.Role.SeesSubtree() && strings.HasPrefix(u.Path, g.UnitPath) {
			return true
		}
	}
	return false
}

// readableUnit is the unit a staff report is about: ?unit= (an agency
// identifier), by default the first unit of the reader's grants. A unit the
// reader may not read is the same 404 as an unknown one.
func (h *Handler) readableUnit(r *http.Request, a dossier.Actor) (*org.Unit, error) {
	code := r.URL.Query().Get("unit")
	if code == "" && len(a.Grants) > 0 {
		code = a.Grants[0].UnitCode
	}
	u, err := h.Store.UnitByCode(r.Context(), code)
	if err != nil {
		return nil, err
	}
	if !canReadUnit(a, u) {
		return nil, apperr.ErrNotFound
	}
	return u, nil
}

// presetPeriod reads a named period: YYYY (a year), YYYY-MM (a month),
// YYYY-Qn (a quarter), YYYY-Hn (a half-year), in local time.
func presetPeriod(p string, loc *time.Location) (time.Time, time.Time, error) {
	bad := apperr.New(apperr.Invalid, "bad_period", "Kỳ báo cáo phải có dạng YYYY, YYYY-MM, YYYY-Qn (quý) hoặc YYYY-Hn (6 tháng).",
		"period must be YYYY, YYYY-MM, YYYY-Qn (quarter) or YYYY-Hn (half-year).")
	if len(p) < 4 {
		return time.Time{}, time.Time{}, bad
	}
	y, err := strconv.Atoi(p[:4])
	if err != nil || y < 1900 || y > 2199 {
		return time.Time{}, time.Time{}, bad
	}
	month, months := 1, 12
	switch rest := p[4:]; {
	case rest == "":
	case len(rest) == 3 && rest[0] == '-' && rest[1] >= '0' && rest[1] <= '1' && rest[2] >= '0' && rest[2] <= '9':
		month, months = int(rest[1]-'0')*10+int(rest[2]-'0'), 1
		if month < 1 || month > 12 {
			return time.Time{}, time.Time{}, bad
		}
	case len(rest) == 3 && rest[0] == '-' && (rest[1] == 'Q' || rest[1] == 'q') && rest[2] >= '1' && rest[2] <= '4':
		month, months = int(rest[2]-'1')*3+1, 3
	case len(rest) == 3 && rest[0] == '-' && (rest[1] == 'H' || rest[1] == 'h') && rest[2] >= '1' && rest[2] <= '2':
		month, months = int(rest[2]-'1')*6+1, 6
	default:
		return time.Time{}, time.Time{}, bad
	}
	from := time.Date(y, time.Month(month), 1, 0, 0, 0, 0, loc)
	return from, from.AddDate(0, months, 0), nil
}

func (h *Handler) stats(w http.ResponseWriter, r *http.Request) error {
	a := actorFrom(r.Context())
	if a.Citizen {
		return apperr.New(apperr.Forbidden, "staff_only", "Chỉ cán bộ mới xem được số liệu thống kê.", "Only staff may read statistics.")
	}
	q := r.URL.Query()
	clk, err := h.Clock(r.Context(), "")
	if err != nil {
		return err
	}
	loc := clk.Location()
	now := h.now()
	u, err := h.readableUnit(r, a)
	if err != nil {
		return err
	}
	var from, to time.Time
	if p := q.Get("period"); p != "" {
		if q.Get("from") != "" || q.Get("to") != "" {
			return apperr.New(apperr.Invalid, "bad_period", "Dùng period hoặc from/to, không dùng cả hai.", "Give period or from/to, not both.")
		}
		from, to, err = presetPeriod(p, loc)
	} else {
		from, to, err = period(q.Get("from"), q.Get("to"), now, loc)
	}
	if err != nil {
		return err
	}
	flt := stats.Filter{Field: strings.TrimSpace(q.Get("field")), Level: q.Get("level"), Procedure: strings.TrimSpace(q.Get("procedure"))}
	switch flt.Level {
	case "", "province", "district", "commune":
	default:
		return apperr.New(apperr.Invalid, "bad_level", "Tham số level phải là province, district hoặc commune.", "level must be province, district or commune.")
	}
	own := false
	switch q.Get("scope") {
	case "", "subtree":
	case "own":
		own = true
	default:
		return apperr.New(apperr.Invalid, "bad_scope", "Tham số scope phải là subtree hoặc own.", "scope must be subtree or own.")
	}
	rep, err := h.Store.StatsFiltered(r.Context(), u, from, to, now, own, flt)
	if err != nil {
		return err
	}
	if flt == (stats.Filter{}) {
		// The headline report, over every procedure, carries the
		// level-4 indicators; rows and children do not.
		l, err := h.Store.Level4(r.Context(), u, from, to, own)
		if err != nil {
			return err
		}
		rep.Level4 = &l
	}
	switch q.Get("by") {
	case "":
	case "child":
		kids, err := h.Store.Units(r.Context(), store.UnitFilter{Parent: u.Code})
		if err != nil {
			return err
		}
		rep.Children = []stats.Report{}
		for i := range kids {
			cr, err := h.Store.StatsFiltered(r.Context(), &kids[i], from, to, now, false, flt)
			if err != nil {
				return err
			}
			rep.Children = append(rep.Children, cr)
		}
	case "field", "level", "procedure":
		rep.Rows, err = h.Store.StatsRows(r.Context(), u, from, to, now, own, flt, q.Get("by"))
		if err != nil {
			return err
		}
		if rep.Rows == nil {
			rep.Rows = []stats.Report{}
		}
	default:
		return apperr.New(apperr.Invalid, "bad_by", "Tham số by phải là child, field, level hoặc procedure.", "by must be child, field, level or procedure.")
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

type yearResponse struct {
	Year int            `json:"year"`
	Days []calendar.Day `json:"days"`
	// WorkingDays are weekend days turned into working days.
	WorkingDays []calendar.Day `json:"working_days"`
	// Tet is the year's Tết holiday: announced (with its source),
	// confirmed by an administrator, or provisional.
	Tet calendar.TetInfo `json:"tet"`
}

func (h *Handler) calendarYear(w http.ResponseWriter, r *http.Request) error {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || year < 1900 || year > 2199 {
		return apperr.New(apperr.Invalid, "bad_year", "Năm phải là số từ 1900 đến 2199.", "The year must be a number from 1900 to 2199.")
	}
	clk, err := h.unitClock(r)
	if err != nil {
		return err
	}
	conf, err := h.Store.CalendarYear(r.Context(), year)
	if err != nil {
		return err
	}
	resp := yearResponse{Year: year, Days: []calendar.Day{}, WorkingDays: []calendar.Day{}, Tet: calendar.Tet(year, conf)}
	for _, d := range clk.Year(year) {
		if Lang(r) == "en" && d.ReasonEN != "" {
			d.Reason = d.ReasonEN
		}
		if d.Kind == calendar.DayKind("work") {
			resp.WorkingDays = append(resp.WorkingDays, d)
		} else {
			resp.Days = append(resp.Days, d)
		}
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

func (h *Handler) calendarDue(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	from, err := time.Parse(time.RFC3339, q.Get("from"))
	if err != nil {
		return apperr.New(apperr.Invalid, "bad_from", "Tham số from phải là thời điểm RFC 3339.", "from must be an RFC 3339 time.")
	}
	amount, err := strconv.Atoi(q.Get("amount"))
	if err != nil || amount < 0 || amount > 3650 {
		return apperr.New(apperr.Invalid, "bad_amount", "Tham số amount phải là số nguyên từ 0 đến 3650.", "amount must be an integer from 0 to 3650.")
	}
	kind := q.Get("kind")
	if kind == "" {
		kind = "working_days"
	}
	switch kind {
	case "working_days", "calendar_days", "working_hours":
	default:
		return apperr.New(apperr.Invalid, "bad_kind", "Tham số kind phải là working_days, calendar_days hoặc working_hours.", "kind must be working_days, calendar_days or working_hours.")
	}
	clk, err := h.unitClock(r)
	if err != nil {
		return err
	}
	due, err := clk.Due(from, amount, kind, q.Get("cutoff"))
	if err != nil {
		return apperr.Newf(apperr.Invalid, "bad_due", "Không tính được hạn: %v.", "Cannot compute the due time: %v.", err)
	}
	writeJSON(w, http.StatusOK, map[string]any{"due_at": due.In(clk.Location()).Format(time.RFC3339)})
	return nil
}

type overrideRequest struct {
	Kind   string `json:"kind"`
	Reason string `json:"reason"`
}

// queryUnit is the unit ?unit= (an agency identifier) names; nil without it.
func (h *Handler) queryUnit(r *http.Request) (*org.Unit, error) {
	code := r.URL.Query().Get("unit")
	if code == "" {
		return nil, nil
	}
	return h.Store.UnitByCode(r.Context(), code)
}

// unitClock is the calendar ?unit= asks for: that unit's, with its own
// overrides; without it the deployment-wide one.
func (h *Handler) unitClock(r *http.Request) (*calendar.Calendar, error) {
	u, err := h.queryUnit(r)
	if err != nil {
		return nil, err
	}
	path := ""
	if u != nil {
		path = u.Path
	}
	return h.Clock(r.Context(), path)
}

// overrideScope is the unit an override request is for: ?unit= names a
// unit, without it the change is deployment-wide. Who may change which is
// dossier.Actor.CanEditCalendar. It answers the unit's id (0 for
// deployment-wide).
func (h *Handler) overrideScope(r *http.Request, a dossier.Actor) (int64, error) {
	u, err := h.queryUnit(r)
	if err != nil {
		return 0, err
	}
	if u == nil {
		if a.CanEditCalendar(0) {
			return 0, nil
		}
		return 0, apperr.New(apperr.Forbidden, "city_admin_only", "Chỉ quản trị viên thành phố được sửa lịch làm việc chung; quản trị viên đơn vị ghi rõ đơn vị (?unit=).", "Only city administrators may change the common calendar; unit administrators name their unit (?unit=).")
	}
	if a.CanEditCalendar(u.ID) {
		return u.ID, nil
	}
	return 0, apperr.New(apperr.Forbidden, "unit_admin_only", "Chỉ quản trị viên của đơn vị này hoặc quản trị viên thành phố được sửa lịch của đơn vị.", "Only this unit's administrators or city administrators may change its calendar.")
}

func (h *Handler) putOverride(w http.ResponseWriter, r *http.Request) error {
	a := actorFrom(r.Context())
	unitID, err := h.overrideScope(r, a)
	if err != nil {
		return err
	}
	day := r.PathValue("date")
	if _, err := time.Parse("2006-01-02", day); err != nil {
		return apperr.New(apperr.Invalid, "bad_date", "Ngày phải có dạng YYYY-MM-DD.", "The date must be YYYY-MM-DD.")
	}
	var in overrideRequest
	if err := h.decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Kind != "off" && in.Kind != "work" {
		return apperr.New(apperr.Invalid, "bad_kind", "Loại ngày phải là off (nghỉ) hoặc work (làm bù).", "kind must be off or work.")
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Reason == "" || len([]rune(in.Reason)) > 200 {
		return apperr.New(apperr.Invalid, "reason_required", "Vui lòng nêu lý do (tối đa 200 ký tự).", "Give a reason (200 characters at most).")
	}
	o := calendar.Override{Date: day, Kind: calendar.DayKind(in.Kind), Reason: in.Reason, UnitID: unitID, Unit: r.URL.Query().Get("unit")}
	if err := h.Store.SetCalendarOverride(r.Context(), o, a); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

func (h *Handler) deleteOverride(w http.ResponseWriter, r *http.Request) error {
	a := actorFrom(r.Context())
	unitID, err := h.overrideScope(r, a)
	if err != nil {
		return err
	}
	day := r.PathValue("date")
	if _, err := time.Parse("2006-01-02", day); err != nil {
		return apperr.New(apperr.Invalid, "bad_date", "Ngày phải có dạng YYYY-MM-DD.", "The date must be YYYY-MM-DD.")
	}
	if err := h.Store.DeleteCalendarOverride(r.Context(), unitID, day, a); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
