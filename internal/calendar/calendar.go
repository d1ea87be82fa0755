package calendar

import (
	"fmt"
	"math"
	"sort"
	"time"
)

// Config holds the office hours of a unit. Zero fields take the defaults of
// DefaultConfig.
type Config struct {
	// Location is the zone all dates are taken in; default Asia/Ho_Chi_Minh.
	Location *time.Location
	// Morning and Afternoon are the office windows as "HH:MM" pairs, start
	// included and end excluded; defaults {"07:00","11:30"} and
	// {"13:30","17:00"} (8 working hours a day).
	Morning, Afternoon [2]string
	// SameDayCutoff is the time after which a same-day procedure is due the
	// next working day; default "15:00" (Hanoi practice).
	SameDayCutoff string
}

// Default office hours.
const (
	DefaultMorningStart   = "07:00"
	DefaultMorningEnd     = "11:30"
	DefaultAfternoonStart = "13:30"
	DefaultAfternoonEnd   = "17:00"
	DefaultSameDayCutoff  = "15:00"
)

// vnLocation loads Asia/Ho_Chi_Minh. Without a time zone database it falls
// back to a fixed UTC+7 zone of the same name: Vietnam has kept UTC+7 since
// 1975, so only much older instants would differ.
func vnLocation() *time.Location {
	if loc, err := time.LoadLocation("Asia/Ho_Chi_Minh"); err == nil {
		return loc
	}
	return time.FixedZone("Asia/Ho_Chi_Minh", 7*60*60)
}

// DefaultConfig returns the configuration of a deployed provincial system:
// Asia/Ho_Chi_Minh, 07:00–11:30 and 13:30–17:00, same-day cutoff 15:00.
func DefaultConfig() Config {
	return Config{
		Location:      vnLocation(),
		Morning:       [2]string{DefaultMorningStart, DefaultMorningEnd},
		Afternoon:     [2]string{DefaultAfternoonStart, DefaultAfternoonEnd},
		SameDayCutoff: DefaultSameDayCutoff,
	}
}

// Kind says how a time limit is counted. The values are those of
// catalog.LimitKind.
type Kind string

// Time limit kinds.
const (
	WorkingDays  Kind = "working_days"
	CalendarDays Kind = "calendar_days"
	WorkingHours Kind = "working_hours"
)

// maxAmount bounds Due's amount so that a wrong value cannot make it loop for
// centuries; no procedure has a limit near it.
const maxAmount = 100000

// maxHours bounds AddWorkingHours so that the duration cannot overflow.
const maxHours = 1e6

// Calendar answers working-day questions for one unit. It is immutable and
// safe for concurrent use.
type Calendar struct {
	loc       *time.Location
	win       [2][2]int // office windows in minutes after midnight
	cutoff    int       // same-day cutoff in minutes after midnight
	overrides map[int]Override
	sorted    []int // override days in order, for Year
}

// parseClock parses "HH:MM" (00:00–23:59) into minutes after midnight.
func parseClock(s string) (int, error) {
	bad := fmt.Errorf("calendar: time %q is not HH:MM", s)
	if len(s) != 5 || s[2] != ':' {
		return 0, bad
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, bad
		}
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	if h > 23 || m > 59 {
		return 0, bad
	}
	return h*60 + m, nil
}

// New builds a calendar from office hours and administrator overrides. It
// fails on malformed times, windows out of order, malformed override dates,
// override kinds other than DayOff/DayWork, and two overrides for one date.
func New(cfg Config, overrides []Override) (*Calendar, error) {
	def := DefaultConfig()
	if cfg.Location == nil {
		cfg.Location = def.Location
	}
	if cfg.Morning == [2]string{} {
		cfg.Morning = def.Morning
	}
	if cfg.Afternoon == [2]string{} {
		cfg.Afternoon = def.Afternoon
	}
	if cfg.SameDayCutoff == "" {
		cfg.SameDayCutoff = def.SameDayCutoff
	}
	c := &Calendar{loc: cfg.Location, overrides: map[int]Override{}}
	for i, w := range [2][2]string{cfg.Morning, cfg.Afternoon} {
		for j, s := range w {
			m, err := parseClock(s)
			if err != nil {
				return nil, err
			}
			c.win[i][j] = m
		}
	}
	if !(c.win[0][0] < c.win[0][1] && c.win[0][1] <= c.win[1][0] && c.win[1][0] < c.win[1][1]) {
		return nil, fmt.Errorf("calendar: office windows %v %v are not in order", cfg.Morning, cfg.Afternoon)
	}
	var err error
	if c.cutoff, err = parseClock(cfg.SameDayCutoff); err != nil {
		return nil, err
	}
	for _, o := range overrides {
		t, err := time.Parse(dateLayout, o.Date)
		if err != nil {
			return nil, fmt.Errorf("calendar: override date %q is not YYYY-MM-DD", o.Date)
		}
		if o.Kind != DayOff && o.Kind != DayWork {
			return nil, fmt.Errorf("calendar: override %s has kind %q, want %q or %q", o.Date, o.Kind, DayOff, DayWork)
		}
		d := jdn(t.Date())
		if _, dup := c.overrides[d]; dup {
			return nil, fmt.Errorf("calendar: two overrides for %s", o.Date)
		}
		c.overrides[d] = o
		c.sorted = append(c.sorted, d)
	}
	sort.Ints(c.sorted)
	return c, nil
}

// Location returns the zone the calendar works in.
func (c *Calendar) Location() *time.Location { return c.loc }

// dayOf returns the Julian day number of t's date in the calendar's zone.
func (c *Calendar) dayOf(t time.Time) int { return jdn(t.In(c.loc).Date()) }

// at returns the instant min minutes after midnight of day d.
func (c *Calendar) at(d, min int) time.Time {
	y, m, dd := jdnDate(d)
	return time.Date(y, m, dd, min/60, min%60, 0, 0, c.loc)
}

// closing returns the end of office hours of day d.
func (c *Calendar) closing(d int) time.Time { return c.at(d, c.win[1][1]) }

// working reports whether day d is a working day: an override decides;
// otherwise Monday–Friday minus holidays, compensatory and announced days
// off, plus announced make-up days.
func (c *Calendar) working(d int) bool {
	if o, ok := c.overrides[d]; ok {
		return o.Kind == DayWork
	}
	y, _, _ := jdnDate(d)
	if h, ok := holidaysFor(y).index[d]; ok {
		return h.Kind == DayWork
	}
	return !isWeekend(d)
}

// nextWorking returns the first working day after d. It terminates because
// overrides are finite and holidays cover a few days a year.
func (c *Calendar) nextWorking(d int) int {
	for d++; !c.working(d); d++ {
	}
	return d
}

// prevWorking returns the last working day before d.
func (c *Calendar) prevWorking(d int) int {
	for d--; !c.working(d); d-- {
	}
	return d
}

// IsWorkingDay reports whether the date of t, in the calendar's zone, is a
// working day.
func (c *Calendar) IsWorkingDay(t time.Time) bool { return c.working(c.dayOf(t)) }

// AddWorkingDays returns t's clock time on the n-th working day after
// (n > 0) or before (n < 0) the date of t, in the calendar's zone; n = 0
// returns t. It serves reminders such as the apology letter due one working
// day before the deadline.
func (c *Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	t = t.In(c.loc)
	d := c.dayOf(t)
	for ; n > 0; n-- {
		d = c.nextWorking(d)
	}
	for ; n < 0; n++ {
		d = c.prevWorking(d)
	}
	y, m, dd := jdnDate(d)
	return time.Date(y, m, dd, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), c.loc)
}

// Year returns the dated entries of a year that are not plain weekends:
// holidays (also those on weekends), compensatory days and administrator
// days off, plus administrator working days (Kind DayWork), sorted by date.
// An override replaces the computed entry of its date.
func (c *Calendar) Year(year int) []Day {
	byDate := map[string]Day{}
	for _, d := range holidaysFor(year).days {
		byDate[d.Date] = d
	}
	for _, d := range c.sorted {
		if y, _, _ := jdnDate(d); y != year {
			continue
		}
		o := c.overrides[d]
		day := Day{Date: jdnString(d), Reason: o.Reason, Kind: o.Kind}
		if o.Kind == DayOff {
			day.ReasonEN = "Day off set by the administrator"
			if day.Reason == "" {
				day.Reason = "Ngày nghỉ theo thông báo"
			}
		} else {
			day.ReasonEN = "Working day set by the administrator"
			if day.Reason == "" {
				day.Reason = "Ngày làm việc theo thông báo"
			}
		}
		byDate[day.Date] = day
	}
	out := make([]Day, 0, len(byDate))
	for _, d := range byDate {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out
}

// NextOpening returns t itself when it lies within office hours of a working
// day, else the start of the next office window (after lunch, or the next
// working morning), in the calendar's zone. Windows include their start and
// exclude their end: at 17:00 the office is closed.
func (c *Calendar) NextOpening(t time.Time) time.Time {
	t = t.In(c.loc)
	d := c.dayOf(t)
	if c.working(d) {
		for _, w := range c.win {
			if start := c.at(d, w[0]); t.Before(start) {
				return start
			}
			if t.Before(c.at(d, w[1])) {
				return t
			}
		}
	}
	return c.at(c.nextWorking(d), c.win[0][0])
}

// WorkingHoursBetween returns the office hours elapsed between a and b, 0 if
// b is not after a.
func (c *Calendar) WorkingHoursBetween(a, b time.Time) float64 {
	if !b.After(a) {
		return 0
	}
	a, b = a.In(c.loc), b.In(c.loc)
	var total time.Duration
	for d, last := c.dayOf(a), c.dayOf(b); d <= last; d++ {
		if !c.working(d) {
			continue
		}
		for _, w := range c.win {
			lo, hi := c.at(d, w[0]), c.at(d, w[1])
			if a.After(lo) {
				lo = a
			}
			if b.Before(hi) {
				hi = b
			}
			if hi.After(lo) {
				total += hi.Sub(lo)
			}
		}
	}
	return total.Hours()
}

// AddWorkingHours returns the instant at which the given number of office
// hours have elapsed after t. Time outside office hours does not count; a
// budget that ends exactly at a window's end returns that end (17:00, not
// the next morning). hours ≤ 0 (or NaN) returns t; hours are capped at 10⁶.
func (c *Calendar) AddWorkingHours(t time.Time, hours float64) time.Time {
	t = t.In(c.loc)
	if !(hours > 0) {
		return t
	}
	hours = math.Min(hours, maxHours)
	remaining := time.Duration(math.Round(hours * float64(time.Hour)))
	for d := c.dayOf(t); ; d++ {
		if !c.working(d) {
			continue
		}
		for _, w := range c.win {
			from, end := c.at(d, w[0]), c.at(d, w[1])
			if t.After(from) {
				from = t
			}
			if !from.Before(end) {
				continue
			}
			avail := end.Sub(from)
			if remaining <= avail {
				return from.Add(remaining)
			}
			remaining -= avail
		}
	}
}

// Due returns the deadline of a time limit of amount units of kind (see
// Kind) for a dossier received at start, in the calendar's zone. A start
// outside office hours or on a non-working day counts from NextOpening(start)
// (an online dossier is deemed received at the next opening), whatever the
// kind.
//
//   - working_days, amount ≥ 1: the first day is not counted (Civil Code
//     Arts. 147–148); due at the close of office hours of the amount-th
//     working day after the start day.
//   - calendar_days, amount ≥ 1: the first day is not counted; due at the
//     close of day start+amount, or of the next working day if that day is
//     not one.
//   - working_days or calendar_days, amount 0 (same-day procedure): due at
//     the close of the start day, or of the next working day when the start
//     is after the cutoff. sameDayCutoff is "HH:MM"; "" uses the
//     configuration's.
//   - working_hours: AddWorkingHours(NextOpening(start), amount).
//
// A negative or absurdly large amount, an unknown kind or a malformed cutoff
// is an error.
func (c *Calendar) Due(start time.Time, amount int, kind string, sameDayCutoff string) (time.Time, error) {
	if amount < 0 {
		return time.Time{}, fmt.Errorf("calendar: negative time limit %d", amount)
	}
	if amount > maxAmount {
		return time.Time{}, fmt.Errorf("calendar: time limit %d is too large", amount)
	}
	cutoff := c.cutoff
	if sameDayCutoff != "" {
		var err error
		if cutoff, err = parseClock(sameDayCutoff); err != nil {
			return time.Time{}, err
		}
	}
	open := c.NextOpening(start)
	d := c.dayOf(open)
	switch Kind(kind) {
	case WorkingDays, CalendarDays:
		if amount == 0 {
			if open.After(c.at(d, cutoff)) {
				d = c.nextWorking(d)
			}
			return c.closing(d), nil
		}
		if Kind(kind) == CalendarDays {
			if d += amount; !c.working(d) {
				d = c.nextWorking(d)
			}
			return c.closing(d), nil
		}
		for i := 0; i < amount; i++ {
			d = c.nextWorking(d)
		}
		return c.closing(d), nil
	case WorkingHours:
		return c.AddWorkingHours(open, float64(amount)), nil
	}
	return time.Time{}, fmt.Errorf("calendar: unknown time limit kind %q", kind)
}
