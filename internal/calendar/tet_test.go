package calendar

import (
	"testing"
	"time"
)

// TestTetNoticesHoldStatutoryDays: every announced range is well formed,
// covers the statutory Tết days of its year, and its weekdays off minus its
// make-up days are exactly the statutory days (each statutory day on a
// weekend being owed one compensatory weekday).
func TestTetNoticesHoldStatutoryDays(t *testing.T) {
	for _, n := range tetNotices() {
		first, last, makeUp, err := n.span()
		if err != nil {
			t.Fatal(err)
		}
		if n.Source == "" {
			t.Errorf("Tết %d has no source", n.Year)
		}
		sf, sl := statutoryTet(n.Year)
		if first > sf || last < sl {
			t.Errorf("Tết %d: announced %s–%s does not cover the statutory %s–%s", n.Year, n.First, n.Last, jdnString(sf), jdnString(sl))
		}
		weekdays := 0
		for d := first; d <= last; d++ {
			if !isWeekend(d) {
				weekdays++
			}
		}
		for _, d := range makeUp {
			if !isWeekend(d) {
				t.Errorf("Tết %d: make-up day %s is not a weekend day", n.Year, jdnString(d))
			}
		}
		if got, want := weekdays-len(makeUp), sl-sf+1; got != want {
			t.Errorf("Tết %d: %d weekdays off − %d make-up days = %d, want the %d statutory days", n.Year, weekdays, len(makeUp), got, want)
		}
	}
}

// TestAnnouncedTetDays: the announced ranges of 2023 and 2025 are days off
// throughout, their make-up days (none announced for these years) are
// working days, and the days around them are ordinary.
func TestAnnouncedTetDays(t *testing.T) {
	c, err := New(DefaultConfig(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		year        int
		off, work   []string
		before, aft string // the last working day before, the first after
	}{
		{2023, dates("2023-01-20", "2023-01-26"), nil, "2023-01-19", "2023-01-27"},
		{2025, dates("2025-01-25", "2025-02-02"), nil, "2025-01-24", "2025-02-03"},
		{2026, dates("2026-02-14", "2026-02-22"), nil, "2026-02-13", "2026-02-23"},
	} {
		n, ok := AnnouncedTet(tc.year)
		if !ok {
			t.Fatalf("no announced Tết %d", tc.year)
		}
		tc.work = append(tc.work, n.MakeUp...)
		for _, d := range tc.off {
			if c.IsWorkingDay(noon(d)) {
				t.Errorf("Tết %d: %s is a working day, want a day off", tc.year, d)
			}
		}
		for _, d := range append(tc.work, tc.before, tc.aft) {
			if !c.IsWorkingDay(noon(d)) {
				t.Errorf("Tết %d: %s is a day off, want a working day", tc.year, d)
			}
		}
		announced := 0
		for _, d := range c.Year(tc.year) {
			if d.Announced {
				announced++
			}
		}
		if announced == 0 {
			t.Errorf("Tết %d: no day is marked announced", tc.year)
		}
	}
}

// TestAnnouncedMakeUpDay: a make-up Saturday in a notice is listed as a
// working day and the notice's bridge days as days off.
func TestAnnouncedMakeUpDay(t *testing.T) {
	// 2024's announced range, as if a Saturday had been swapped.
	n := TetNotice{Year: 2024, First: "2024-02-08", Last: "2024-02-14", MakeUp: []string{"2024-02-17"}}
	kinds := map[string]DayKind{}
	for _, d := range ruleHolidays(2024, &n) {
		kinds[d.Date] = d.Kind
	}
	for date, want := range map[string]DayKind{"2024-02-17": DayWork, "2024-02-08": DayOff, "2024-02-14": DayOff, "2024-02-09": DayHoliday, "2024-02-15": ""} {
		if kinds[date] != want {
			t.Errorf("%s: kind %q, want %q", date, kinds[date], want)
		}
	}
}

// TestDueOverTet2026: a 3-working-day limit received before Tết 2026 runs
// over the announced 14–22/2 range.
func TestDueOverTet2026(t *testing.T) {
	c, err := New(DefaultConfig(), nil)
	if err != nil {
		t.Fatal(err)
	}
	loc := DefaultConfig().Location
	for _, tc := range []struct {
		start  time.Time
		amount int
		want   string
	}{
		// Thu 12/2 09:00: Fri 13/2, then Tết until Sun 22/2, Mon 23, Tue 24.
		{time.Date(2026, 2, 12, 9, 0, 0, 0, loc), 3, "2026-02-24T17:00:00+07:00"},
		// Fri 13/2 10:00: Mon 23/2 is the first working day after.
		{time.Date(2026, 2, 13, 10, 0, 0, 0, loc), 1, "2026-02-23T17:00:00+07:00"},
		// Received on Tết (online): counts from the opening of Mon 23/2.
		{time.Date(2026, 2, 17, 10, 0, 0, 0, loc), 0, "2026-02-23T17:00:00+07:00"},
	} {
		got, err := c.Due(tc.start, tc.amount, string(WorkingDays), "")
		if err != nil {
			t.Fatal(err)
		}
		if s := got.Format(time.RFC3339); s != tc.want {
			t.Errorf("Due(%v, %d) = %s, want %s", tc.start, tc.amount, s, tc.want)
		}
	}
}

// TestTetStatus: announced years carry their source; other years are
// provisional until confirmed.
func TestTetStatus(t *testing.T) {
	if got := Tet(2025, nil); got.Status != TetAnnounced || got.Source == "" || got.First != "2025-01-25" {
		t.Errorf("2025: %+v", got)
	}
	got := Tet(2027, nil)
	if got.Status != TetProvisional || got.First != "2027-02-05" || got.Last != "2027-02-09" {
		t.Errorf("2027: %+v", got)
	}
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	got = Tet(2027, &YearConfirmation{Year: 2027, ConfirmedAt: at, ConfirmedBy: "Phan Văn Khải"})
	if got.Status != TetConfirmed || got.ConfirmedBy != "Phan Văn Khải" || !got.ConfirmedAt.Equal(at) {
		t.Errorf("2027 confirmed: %+v", got)
	}
}

func dates(first, last string) []string {
	a, _ := time.Parse(dateLayout, first)
	b, _ := time.Parse(dateLayout, last)
	var out []string
	for d := a; !d.After(b); d = d.AddDate(0, 0, 1) {
		out = append(out, d.Format(dateLayout))
	}
	return out
}

func noon(s string) time.Time {
	d, _ := time.ParseInLocation(dateLayout, s, DefaultConfig().Location)
	return d.Add(12 * time.Hour)
}
