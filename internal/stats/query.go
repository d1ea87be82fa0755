package stats

// The one way every surface (API, back-office dashboards, reports, the
// public index) asks for figures: a Query names a unit, a period, a scope
// and a breakdown; Service answers it from the store and checks who may
// read it.

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
)

// Query is one request for figures.
type Query struct {
	Unit     *org.Unit
	From, To time.Time
	// Own counts the unit's own dossiers only (not its subtree's).
	Own    bool
	Filter Filter
	// By breaks the report down: "" none, "child", "field", "level",
	// "procedure".
	By string
	// NoLevel4 leaves the level-4 indicators out of the headline (pages
	// that do not show them save their queries).
	NoLevel4 bool
}

// Store is what the figures are read from (store.DB).
type Store interface {
	StatsFiltered(ctx context.Context, unit *org.Unit, from, to, now time.Time, own bool, flt Filter) (Report, error)
	StatsRows(ctx context.Context, unit *org.Unit, from, to, now time.Time, own bool, flt Filter, by string) ([]Report, error)
	Level4(ctx context.Context, unit *org.Unit, from, to, now time.Time, own bool) (Level4, error)
	ChildUnits(ctx context.Context, parentCode string) ([]org.Unit, error)
	// StatsChildren answers StatsFiltered over the subtree of each of
	// kids, the units right below unit, in their order.
	StatsChildren(ctx context.Context, unit *org.Unit, kids []org.Unit, from, to, now time.Time, flt Filter) ([]Report, error)
}

// Service answers queries.
type Service struct {
	Store Store
	Now   func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// ErrBadBy answers a breakdown that does not exist.
var ErrBadBy = apperr.New(apperr.Invalid, "bad_by", "Tham số by phải là child, field, level hoặc procedure.", "by must be child, field, level or procedure.")

// Report answers q: the unit's report, with the level-4 indicators on the
// headline report over every procedure, and the breakdown q.By asks for.
func (s *Service) Report(ctx context.Context, q Query) (Report, error) {
	now := s.now()
	switch q.Filter.Level {
	case "", "province", "district", "commune":
	default:
		return Report{}, apperr.New(apperr.Invalid, "bad_level", "Tham số level phải là province, district hoặc commune.", "level must be province, district or commune.")
	}
	switch q.By {
	case "", "child", "field", "level", "procedure":
	default:
		return Report{}, ErrBadBy
	}
	rep, err := s.Store.StatsFiltered(ctx, q.Unit, q.From, q.To, now, q.Own, q.Filter)
	if err != nil {
		return Report{}, err
	}
	if q.Filter == (Filter{}) && !q.NoLevel4 {
		l, err := s.Store.Level4(ctx, q.Unit, q.From, q.To, now, q.Own)
		if err != nil {
			return Report{}, err
		}
		rep.Level4 = &l
	}
	switch q.By {
	case "child":
		kids, err := s.Store.ChildUnits(ctx, q.Unit.Code)
		if err != nil {
			return Report{}, err
		}
		if rep.Children, err = s.Store.StatsChildren(ctx, q.Unit, kids, q.From, q.To, now, q.Filter); err != nil {
			return Report{}, err
		}
		if rep.Children == nil {
			rep.Children = []Report{}
		}
	case "field", "level", "procedure":
		rep.Rows, err = s.Store.StatsRows(ctx, q.Unit, q.From, q.To, now, q.Own, q.Filter, q.By)
		if err != nil {
			return Report{}, err
		}
		if rep.Rows == nil {
			rep.Rows = []Report{}
		}
	}
	return rep, nil
}

// CanRead reports whether staff may read figures of unit u: their own
// units, and the subtrees of roles that see them.
func CanRead(a dossier.Actor, u *org.Unit) bool {
	for _, g := range a.Grants {
		if g.UnitID == u.ID || g.Role.SeesSubtree() && strings.HasPrefix(u.Path, g.UnitPath) {
			return true
		}
	}
	return false
}

// ParseDay reads YYYY-MM-DD as the start of that day in loc, or RFC 3339.
func ParseDay(s string, loc *time.Location) (time.Time, bool) {
	if t, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// ParsePeriod reads the period of a report: a named period (YYYY, YYYY-MM,
// YYYY-Qn, YYYY-Hn) or a from/to pair (YYYY-MM-DD, a date naming the whole
// day, or RFC 3339), not both; the default is the current month up to now.
func ParsePeriod(period, fromS, toS string, now time.Time, loc *time.Location) (time.Time, time.Time, error) {
	if period != "" {
		if fromS != "" || toS != "" {
			return time.Time{}, time.Time{}, apperr.New(apperr.Invalid, "bad_period", "Dùng period hoặc from/to, không dùng cả hai.", "Give period or from/to, not both.")
		}
		return presetPeriod(period, loc)
	}
	y, m, _ := now.In(loc).Date()
	from, to := time.Date(y, m, 1, 0, 0, 0, 0, loc), now
	if fromS != "" {
		t, ok := ParseDay(fromS, loc)
		if !ok {
			return from, to, apperr.New(apperr.Invalid, "bad_from", "Ngày bắt đầu không hợp lệ (YYYY-MM-DD).", "Invalid from date (YYYY-MM-DD).")
		}
		from = t
	}
	if toS != "" {
		t, ok := ParseDay(toS, loc)
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
