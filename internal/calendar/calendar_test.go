package calendar

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Ho_Chi_Minh on machines without a zoneinfo database
)

func newCal(t testing.TB, overrides ...Override) *Calendar {
	t.Helper()
	c, err := New(DefaultConfig(), overrides)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// vn parses "YYYY-MM-DD HH:MM" in Asia/Ho_Chi_Minh.
func vn(s string) time.Time {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		panic(err)
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

func fmtVN(t time.Time) string { return t.Format("2006-01-02 15:04 Mon") }

func TestDefaultConfig(t *testing.T) {
	cfg := DefaultConfig()
	if cfg.Location.String() != "Asia/Ho_Chi_Minh" || cfg.Morning != [2]string{"07:00", "11:30"} ||
		cfg.Afternoon != [2]string{"13:30", "17:00"} || cfg.SameDayCutoff != "15:00" {
		t.Errorf("DefaultConfig() = %+v", cfg)
	}
	// A zero Config takes the defaults.
	c, err := New(Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Location().String() != "Asia/Ho_Chi_Minh" {
		t.Errorf("Location() = %v", c.Location())
	}
	if got := c.NextOpening(vn("2025-03-10 12:00")); fmtVN(got) != "2025-03-10 13:30 Mon" {
		t.Errorf("zero Config: NextOpening = %s", fmtVN(got))
	}
}

func TestNewErrors(t *testing.T) {
	cfg := func(f func(*Config)) Config { c := DefaultConfig(); f(&c); return c }
	tests := []struct {
		name      string
		cfg       Config
		overrides []Override
		want      string // part of the error
	}{
		{"short time", cfg(func(c *Config) { c.Morning[0] = "7:00" }), nil, "HH:MM"},
		{"hour 25", cfg(func(c *Config) { c.Afternoon[1] = "25:00" }), nil, "HH:MM"},
		{"minute 60", cfg(func(c *Config) { c.Morning[1] = "11:60" }), nil, "HH:MM"},
		{"letters", cfg(func(c *Config) { c.Afternoon[0] = "ab:cd" }), nil, "HH:MM"},
		{"bad cutoff", cfg(func(c *Config) { c.SameDayCutoff = "3pm" }), nil, "HH:MM"},
		{"morning reversed", cfg(func(c *Config) { c.Morning = [2]string{"11:30", "07:00"} }), nil, "order"},
		{"overlapping windows", cfg(func(c *Config) { c.Afternoon[0] = "11:00" }), nil, "order"},
		{"empty afternoon", cfg(func(c *Config) { c.Afternoon = [2]string{"17:00", "17:00"} }), nil, "order"},
		{"bad override date", DefaultConfig(), []Override{{Date: "2025-13-01", Kind: DayOff}}, "YYYY-MM-DD"},
		{"bad override kind", DefaultConfig(), []Override{{Date: "2025-05-02", Kind: DayHoliday}}, "kind"},
		{"duplicate override", DefaultConfig(), []Override{{Date: "2025-05-02", Kind: DayOff}, {Date: "2025-05-02", Kind: DayWork}}, "two overrides"},
	}
	for _, tt := range tests {
		_, err := New(tt.cfg, tt.overrides)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want one mentioning %q", tt.name, err, tt.want)
		}
	}
}

func TestIsWorkingDay(t *testing.T) {
	c := newCal(t,
		Override{Date: "2025-04-26", Kind: DayWork, Reason: "Làm bù cho ngày 2/5"}, // Saturday made working
		Override{Date: "2025-05-02", Kind: DayOff, Reason: "Nghỉ hoán đổi"},        // Friday made off
		Override{Date: "2025-09-01", Kind: DayWork},                                // a holiday made working: overrides win
	)
	utc := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	tests := []struct {
		t    time.Time
		want bool
		why  string
	}{
		{vn("2025-03-10 09:00"), true, "plain Monday"},
		{vn("2025-03-08 09:00"), false, "Saturday"},
		{vn("2025-03-09 09:00"), false, "Sunday"},
		{vn("2025-01-29 09:00"), false, "Tết"},
		{vn("2025-02-03 09:00"), true, "announced Tết 2025 ends Sun 2/2"},
		{vn("2025-01-27 09:00"), false, "announced Tết 2025 starts Sat 25/1"},
		{vn("2025-04-07 09:00"), false, "Hùng Kings' day"},
		{vn("2025-04-26 09:00"), true, "override: swapped Saturday"},
		{vn("2025-05-02 09:00"), false, "override: extra day off"},
		{vn("2025-09-01 09:00"), true, "override on a holiday"},
		{utc("2025-03-07T17:30:00Z"), false, "Friday in UTC, Saturday 00:30 in Vietnam"},
		{utc("2025-03-09T23:00:00Z"), true, "Sunday in UTC, Monday 06:00 in Vietnam"},
	}
	for _, tt := range tests {
		if got := c.IsWorkingDay(tt.t); got != tt.want {
			t.Errorf("IsWorkingDay(%s) = %v, want %v (%s)", tt.t, got, tt.want, tt.why)
		}
	}
}

func TestYear(t *testing.T) {
	c := newCal(t,
		Override{Date: "2025-04-26", Kind: DayWork, Reason: "Làm bù cho ngày 2/5"},
		Override{Date: "2025-05-02", Kind: DayOff, Reason: "Nghỉ hoán đổi"},
		Override{Date: "2025-01-01", Kind: DayWork}, // replaces a holiday
		Override{Date: "2024-12-30", Kind: DayOff},  // other year: not listed
	)
	days := c.Year(2025)
	if len(days) != len(Holidays(2025))+2 {
		t.Fatalf("Year(2025) has %d days, want %d: %v", len(days), len(Holidays(2025))+2, days)
	}
	byDate := map[string]Day{}
	for i, d := range days {
		if i > 0 && days[i-1].Date >= d.Date {
			t.Errorf("Year not sorted at %s", d.Date)
		}
		byDate[d.Date] = d
	}
	want := map[string]Day{
		"2025-01-01": {"2025-01-01", "Ngày làm việc theo thông báo", "Working day set by the administrator", DayWork, false},
		"2025-04-26": {"2025-04-26", "Làm bù cho ngày 2/5", "Working day set by the administrator", DayWork, false},
		"2025-05-02": {"2025-05-02", "Nghỉ hoán đổi", "Day off set by the administrator", DayOff, false},
		"2025-02-01": {"2025-02-01", "Tết Nguyên Đán (4/1 âm lịch)", "Lunar New Year (Tết), lunar 4/1", DayHoliday, true}, // a Saturday holiday is listed
		"2025-01-27": {"2025-01-27", "Nghỉ Tết Nguyên Đán theo thông báo (nghỉ bù, hoán đổi)", "Lunar New Year (Tết) day off as announced (compensatory or swapped day)", DayOff, true},
	}
	for date, w := range want {
		if got := byDate[date]; got != w {
			t.Errorf("Year(2025)[%s] = %+v, want %+v", date, got, w)
		}
	}
	if _, ok := byDate["2024-12-30"]; ok {
		t.Error("Year(2025) lists an override of 2024")
	}
	if got := c.Year(2024); len(got) != len(Holidays(2024))+1 {
		t.Errorf("Year(2024) = %v, want the holidays plus 2024-12-30", got)
	}
}

func TestNextOpening(t *testing.T) {
	c := newCal(t)
	tests := []struct{ in, want string }{
		{"2025-03-10 06:59", "2025-03-10 07:00 Mon"}, // before opening
		{"2025-03-10 07:00", "2025-03-10 07:00 Mon"}, // window start is inside
		{"2025-03-10 10:15", "2025-03-10 10:15 Mon"}, // inside: unchanged
		{"2025-03-10 11:30", "2025-03-10 13:30 Mon"}, // window end is outside: lunch
		{"2025-03-10 12:45", "2025-03-10 13:30 Mon"}, // lunch
		{"2025-03-10 16:59", "2025-03-10 16:59 Mon"},
		{"2025-03-10 17:00", "2025-03-11 07:00 Tue"}, // closed
		{"2025-03-07 20:00", "2025-03-10 07:00 Mon"}, // Friday night → Monday
		{"2025-03-08 10:00", "2025-03-10 07:00 Mon"}, // Saturday
		{"2025-01-24 18:00", "2025-02-03 07:00 Mon"}, // announced Tết 25/1–2/2
	}
	for _, tt := range tests {
		if got := fmtVN(c.NextOpening(vn(tt.in))); got != tt.want {
			t.Errorf("NextOpening(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
	// Inputs in another zone: 2025-03-10 05:00 UTC is 12:00 in Vietnam.
	got := c.NextOpening(time.Date(2025, 3, 10, 5, 0, 0, 0, time.UTC))
	if fmtVN(got) != "2025-03-10 13:30 Mon" || got.Location() != c.Location() {
		t.Errorf("NextOpening(UTC) = %v", got)
	}
}

func TestWorkingHoursBetween(t *testing.T) {
	c := newCal(t)
	tests := []struct {
		a, b string
		want float64
		how  string
	}{
		{"2025-03-10 08:00", "2025-03-10 10:00", 2, "within the morning"},
		{"2025-03-10 10:00", "2025-03-10 14:00", 2, "10:00–11:30 + 13:30–14:00"},
		{"2025-03-10 10:00", "2025-03-11 09:00", 7, "1.5 + 3.5 + 2 across the night"},
		{"2025-03-07 16:00", "2025-03-10 08:00", 2, "Friday 16–17 + Monday 7–8"},
		{"2025-03-10 00:00", "2025-03-15 00:00", 40, "a full week: 5 × 8 h"},
		{"2026-02-13 07:00", "2026-02-23 07:00", 8, "only Friday 13/2 before Tết 16–20/2"},
		{"2025-03-10 12:00", "2025-03-10 13:00", 0, "lunch"},
		{"2025-03-10 10:00", "2025-03-10 10:00", 0, "b = a"},
		{"2025-03-11 10:00", "2025-03-10 10:00", 0, "b < a"},
	}
	for _, tt := range tests {
		if got := c.WorkingHoursBetween(vn(tt.a), vn(tt.b)); got != tt.want {
			t.Errorf("WorkingHoursBetween(%s, %s) = %v, want %v (%s)", tt.a, tt.b, got, tt.want, tt.how)
		}
	}
}

func TestAddWorkingHours(t *testing.T) {
	c := newCal(t)
	tests := []struct {
		t     string
		hours float64
		want  string
		how   string
	}{
		{"2025-03-10 07:00", 8, "2025-03-10 17:00 Mon", "a full day ends at 17:00, not next morning"},
		{"2025-03-10 10:00", 4, "2025-03-10 16:00 Mon", "1.5 h to lunch, 2.5 h from 13:30"},
		{"2025-03-10 11:00", 1, "2025-03-10 14:00 Mon", "0.5 h, lunch, 0.5 h"},
		{"2025-03-10 16:00", 3, "2025-03-11 09:00 Tue", "1 h, night, 2 h"},
		{"2025-03-07 16:30", 2, "2025-03-10 08:30 Mon", "0.5 h Friday, weekend, 1.5 h Monday"},
		{"2025-03-10 12:00", 0.5, "2025-03-10 14:00 Mon", "starts counting after lunch"},
		{"2025-03-10 07:00", 40, "2025-03-14 17:00 Fri", "a working week"},
		{"2025-03-10 07:00", 1.25, "2025-03-10 08:15 Mon", "fractions of an hour"},
		{"2025-03-10 09:00", 0, "2025-03-10 09:00 Mon", "zero"},
		{"2025-03-10 09:00", -3, "2025-03-10 09:00 Mon", "negative: unchanged"},
	}
	for _, tt := range tests {
		if got := fmtVN(c.AddWorkingHours(vn(tt.t), tt.hours)); got != tt.want {
			t.Errorf("AddWorkingHours(%s, %v) = %s, want %s (%s)", tt.t, tt.hours, got, tt.want, tt.how)
		}
	}
	// AddWorkingHours and WorkingHoursBetween agree.
	for _, start := range []string{"2025-01-27 09:00", "2025-04-29 16:00", "2025-12-31 11:00"} {
		for _, h := range []float64{0.5, 3, 8, 17.5, 100} {
			end := c.AddWorkingHours(vn(start), h)
			if got := c.WorkingHoursBetween(vn(start), end); got != h {
				t.Errorf("WorkingHoursBetween(%s, AddWorkingHours(%v)) = %v", start, h, got)
			}
		}
	}
}

func TestAddWorkingDays(t *testing.T) {
	c := newCal(t)
	tests := []struct {
		t    string
		n    int
		want string
	}{
		{"2025-03-10 09:00", 1, "2025-03-11 09:00 Tue"},
		{"2025-03-07 09:00", 1, "2025-03-10 09:00 Mon"},
		{"2025-02-03 17:00", -1, "2025-01-24 17:00 Fri"}, // back over the announced Tết
		{"2025-03-10 09:00", 0, "2025-03-10 09:00 Mon"},
	}
	for _, tt := range tests {
		if got := fmtVN(c.AddWorkingDays(vn(tt.t), tt.n)); got != tt.want {
			t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tt.t, tt.n, got, tt.want)
		}
	}
}

func TestDue(t *testing.T) {
	plain := newCal(t)
	// The Government's 2025 swap: Friday 2/5 off, Saturday 26/4 worked.
	swapped := newCal(t,
		Override{Date: "2025-04-26", Kind: DayWork, Reason: "Làm bù cho ngày 2/5"},
		Override{Date: "2025-05-02", Kind: DayOff, Reason: "Nghỉ hoán đổi"},
	)
	tests := []struct {
		name   string
		cal    *Calendar
		start  string
		amount int
		kind   Kind
		cutoff string
		want   string
	}{
		// working_days: the start day is not counted; due at 17:00.
		{"over a weekend", plain, "2025-03-06 10:00", 3, WorkingDays, "", "2025-03-11 17:00 Tue"}, // Fri 7, Mon 10, Tue 11
		{"one day on Friday", plain, "2025-03-07 16:00", 1, WorkingDays, "", "2025-03-10 17:00 Mon"},
		{"over Tết 2026", plain, "2026-02-13 09:00", 2, WorkingDays, "", "2026-02-24 17:00 Tue"},                   // 16–20/2 Tết, 21–22 weekend → Mon 23, Tue 24
		{"into Tết 2025", plain, "2025-01-24 10:00", 2, WorkingDays, "", "2025-02-04 17:00 Tue"},                   // announced Tết 25/1–2/2: Mon 3/2 (1), Tue 4/2 (2)
		{"over Hùng Kings 2025", plain, "2025-04-04 10:00", 1, WorkingDays, "", "2025-04-08 17:00 Tue"},            // Mon 7/4 is 10/3 lunar
		{"over Hùng Kings 2026 (Sunday)", plain, "2026-04-24 10:00", 1, WorkingDays, "", "2026-04-28 17:00 Tue"},   // Sun 26/4, compensatory Mon 27/4
		{"30/4–1/5 block", plain, "2025-04-29 14:00", 2, WorkingDays, "", "2025-05-05 17:00 Mon"},                  // 30/4, 1/5 off; Fri 2/5 (1), Mon 5/5 (2)
		{"30/4–1/5 block, extra day off", swapped, "2025-04-29 14:00", 2, WorkingDays, "", "2025-05-06 17:00 Tue"}, // 2/5 off too → Mon 5 (1), Tue 6 (2)
		{"swapped Saturday pulls", swapped, "2025-04-25 10:00", 2, WorkingDays, "", "2025-04-28 17:00 Mon"},        // Sat 26/4 (1), Mon 28/4 (2)
		{"without the swap", plain, "2025-04-25 10:00", 2, WorkingDays, "", "2025-04-29 17:00 Tue"},                // Mon 28 (1), Tue 29 (2)
		{"15 working days", plain, "2025-03-03 08:00", 15, WorkingDays, "", "2025-03-24 17:00 Mon"},                // 3 weeks of 5 after Mon 3/3
		{"out of hours: Friday night", plain, "2025-03-07 18:30", 1, WorkingDays, "", "2025-03-11 17:00 Tue"},      // counts from Mon 10
		{"out of hours: Saturday", plain, "2025-03-08 10:00", 1, WorkingDays, "", "2025-03-11 17:00 Tue"},
		{"out of hours: early morning", plain, "2025-03-10 06:00", 1, WorkingDays, "", "2025-03-11 17:00 Tue"}, // opening is the same day
		{"lunch break", plain, "2025-03-10 12:00", 1, WorkingDays, "", "2025-03-11 17:00 Tue"},
		{"at 17:00", plain, "2025-03-10 17:00", 1, WorkingDays, "", "2025-03-12 17:00 Wed"}, // closed: counts from Tue

		// Same-day procedures (amount 0), default cutoff 15:00.
		{"same day, 14:59", plain, "2025-03-10 14:59", 0, WorkingDays, "", "2025-03-10 17:00 Mon"},
		{"same day, 15:00 exactly", plain, "2025-03-10 15:00", 0, WorkingDays, "", "2025-03-10 17:00 Mon"},
		{"same day, 15:01", plain, "2025-03-10 15:01", 0, WorkingDays, "", "2025-03-11 17:00 Tue"},
		{"same day, Friday 15:30", plain, "2025-03-07 15:30", 0, WorkingDays, "", "2025-03-10 17:00 Mon"},
		{"same day, own cutoff 16:00", plain, "2025-03-10 15:30", 0, WorkingDays, "16:00", "2025-03-10 17:00 Mon"},
		{"same day, own cutoff 10:00", plain, "2025-03-10 10:30", 0, WorkingDays, "10:00", "2025-03-11 17:00 Tue"},
		{"same day, evening", plain, "2025-03-10 18:00", 0, WorkingDays, "", "2025-03-11 17:00 Tue"}, // next opening Tue 07:00
		{"same day, Sunday", plain, "2025-03-09 09:00", 0, WorkingDays, "", "2025-03-10 17:00 Mon"},
		{"same day, before 30/4", plain, "2025-04-29 16:00", 0, WorkingDays, "", "2025-05-02 17:00 Fri"},
		{"same day, calendar_days 0", plain, "2025-03-10 15:30", 0, CalendarDays, "", "2025-03-11 17:00 Tue"},

		// calendar_days: start day not counted; end moved to a working day.
		{"calendar days, weekday end", plain, "2025-03-12 10:00", 2, CalendarDays, "", "2025-03-14 17:00 Fri"},
		{"calendar days ending on Sunday", plain, "2025-03-12 10:00", 4, CalendarDays, "", "2025-03-17 17:00 Mon"},
		{"calendar days ending in Tết", plain, "2026-02-10 10:00", 7, CalendarDays, "", "2026-02-23 17:00 Mon"},     // 17/2 is Tết → Mon 23/2
		{"calendar days from Friday night", plain, "2025-03-07 20:00", 1, CalendarDays, "", "2025-03-11 17:00 Tue"}, // counts from Mon 10
		{"calendar days, 30", plain, "2025-03-03 09:00", 30, CalendarDays, "", "2025-04-02 17:00 Wed"},

		// working_hours: AddWorkingHours(NextOpening(start), N).
		{"hours within a day", plain, "2025-03-10 10:00", 4, WorkingHours, "", "2025-03-10 16:00 Mon"},             // 1.5 + 2.5 over lunch
		{"hours over the night", plain, "2025-03-10 16:00", 3, WorkingHours, "", "2025-03-11 09:00 Tue"},           // 1 + 2
		{"hours from Saturday", plain, "2025-03-08 10:00", 4, WorkingHours, "", "2025-03-10 11:00 Mon"},            // from Mon 07:00
		{"hours from lunch", plain, "2025-03-10 12:00", 1, WorkingHours, "", "2025-03-10 14:30 Mon"},               // from 13:30
		{"hours over a weekend", plain, "2025-03-07 16:30", 2, WorkingHours, "", "2025-03-10 08:30 Mon"},           // 0.5 + 1.5
		{"hours, zero", plain, "2025-03-08 10:00", 0, WorkingHours, "", "2025-03-10 07:00 Mon"},                    // the next opening
		{"8 working hours = a day", plain, "2025-03-10 07:00", 8, WorkingHours, "", "2025-03-10 17:00 Mon"},        // not next morning
		{"hours over the 2025 swap", swapped, "2025-04-25 16:00", 10, WorkingHours, "", "2025-04-28 08:00 Mon"},    // 1 Fri + 8 Sat 26/4 + 1 Mon
		{"hours over Tết 2025", plain, "2025-01-24 13:30", 4, WorkingHours, "", "2025-02-03 07:30 Mon"},            // 3.5 Fri 24/1, then Mon 3/2
		{"hours past 30/4–1/5", plain, "2025-04-29 16:00", 2, WorkingHours, "", "2025-05-02 08:00 Fri"},            // 1 Tue, 1 Fri
		{"hours past the extra day off", swapped, "2025-04-29 16:00", 2, WorkingHours, "", "2025-05-05 08:00 Mon"}, // 2/5 off
	}
	for _, tt := range tests {
		got, err := tt.cal.Due(vn(tt.start), tt.amount, string(tt.kind), tt.cutoff)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if fmtVN(got) != tt.want {
			t.Errorf("%s: Due(%s, %d, %s) = %s, want %s", tt.name, tt.start, tt.amount, tt.kind, fmtVN(got), tt.want)
		}
		if got.Location() != tt.cal.Location() {
			t.Errorf("%s: result in %v, want %v", tt.name, got.Location(), tt.cal.Location())
		}
	}
}

func TestDueOtherZone(t *testing.T) {
	c := newCal(t)
	// 2025-03-07 11:30 UTC is Friday 18:30 in Vietnam: counts from Monday.
	got, err := c.Due(time.Date(2025, 3, 7, 11, 30, 0, 0, time.UTC), 1, "working_days", "")
	if err != nil {
		t.Fatal(err)
	}
	if fmtVN(got) != "2025-03-11 17:00 Tue" || got.Location() != c.Location() {
		t.Errorf("Due(UTC) = %v", got)
	}
	// 2025-03-10 07:59 UTC is 14:59 in Vietnam: before the cutoff.
	got, _ = c.Due(time.Date(2025, 3, 10, 7, 59, 0, 0, time.UTC), 0, "working_days", "")
	if fmtVN(got) != "2025-03-10 17:00 Mon" {
		t.Errorf("same-day Due(UTC) = %v", got)
	}
}

func TestDueCustomHours(t *testing.T) {
	// A unit open 08:00–12:00 and 13:00–17:30 with a 16:00 cutoff.
	c, err := New(Config{Morning: [2]string{"08:00", "12:00"}, Afternoon: [2]string{"13:00", "17:30"}, SameDayCutoff: "16:00"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		start  string
		amount int
		kind   Kind
		want   string
	}{
		{"2025-03-10 15:30", 0, WorkingDays, "2025-03-10 17:30 Mon"}, // before its cutoff
		{"2025-03-10 07:30", 1, WorkingDays, "2025-03-11 17:30 Tue"},
		{"2025-03-10 11:00", 2, WorkingHours, "2025-03-10 14:00 Mon"}, // 1 h, lunch 12–13, 1 h
	}
	for _, tt := range tests {
		got, err := c.Due(vn(tt.start), tt.amount, string(tt.kind), "")
		if err != nil || fmtVN(got) != tt.want {
			t.Errorf("Due(%s, %d, %s) = %s, %v; want %s", tt.start, tt.amount, tt.kind, fmtVN(got), err, tt.want)
		}
	}
}

func TestDueErrors(t *testing.T) {
	c := newCal(t)
	start := vn("2025-03-10 09:00")
	tests := []struct {
		amount       int
		kind, cutoff string
	}{
		{-1, "working_days", ""},
		{-5, "working_hours", ""},
		{3, "weeks", ""},
		{3, "", ""},
		{0, "working_days", "3pm"},
		{maxAmount + 1, "calendar_days", ""},
	}
	for _, tt := range tests {
		if got, err := c.Due(start, tt.amount, tt.kind, tt.cutoff); err == nil {
			t.Errorf("Due(%d, %q, %q) = %v, want error", tt.amount, tt.kind, tt.cutoff, got)
		}
	}
}

func BenchmarkDue(b *testing.B) {
	c := newCal(b)
	start := vn("2025-01-20 16:45")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Due(start.Add(time.Duration(i%500)*time.Hour), 30, "working_days", ""); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDueWorkingHours(b *testing.B) {
	c := newCal(b)
	start := vn("2025-01-20 16:45")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Due(start.Add(time.Duration(i%500)*time.Hour), 240, "working_hours", ""); err != nil {
			b.Fatal(err)
		}
	}
}
