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
)

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
	if !stats.CanRead(a, u) {
		return nil, apperr.ErrNotFound
	}
	return u, nil
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
	u, err := h.readableUnit(r, a)
	if err != nil {
		return err
	}
	from, to, err := stats.ParsePeriod(q.Get("period"), q.Get("from"), q.Get("to"), h.now(), clk.Location())
	if err != nil {
		return err
	}
	sq := stats.Query{Unit: u, From: from, To: to, By: q.Get("by"),
		Filter: stats.Filter{Field: strings.TrimSpace(q.Get("field")), Level: q.Get("level"), Procedure: strings.TrimSpace(q.Get("procedure"))}}
	if sq.Own, err = ownScope(q.Get("scope")); err != nil {
		return err
	}
	rep, err := (&stats.Service{Store: h.Store, Now: h.now}).Report(r.Context(), sq)
	if err != nil {
		return err
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

// ownScope reads ?scope= of the figures: subtree (the default) or own.
func ownScope(s string) (bool, error) {
	switch s {
	case "", "subtree":
		return false, nil
	case "own":
		return true, nil
	}
	return false, apperr.New(apperr.Invalid, "bad_scope", "Tham số scope phải là subtree hoặc own.", "scope must be subtree or own.")
}
