package reminder

import (
	"testing"
	"time"

	"github.com/motcua/motcua/internal/calendar"
)

var ict = time.FixedZone("ICT", 7*3600)

func at(y int, m time.Month, d, hh, mm int) time.Time { return time.Date(y, m, d, hh, mm, 0, 0, ict) }

func defaultCalendar(t *testing.T, overrides ...calendar.Override) *calendar.Calendar {
	t.Helper()
	c, err := calendar.New(calendar.DefaultConfig(), overrides)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The window ends at midnight after the next working day, across weekends,
// public holidays (computed and announced) and administrator days off.
func TestWindowEnd(t *testing.T) {
	plain := defaultCalendar(t)
	// The Government made Friday 2 May 2025 a day off (swapped with a
	// Saturday); an administrator records it.
	swapped := defaultCalendar(t, calendar.Override{Date: "2025-05-02", Kind: calendar.DayOff, Reason: "Nghỉ bù"})
	for _, tc := range []struct {
		name     string
		cal      *calendar.Calendar
		now      time.Time
		nextDay  time.Time
		endsAt   time.Time
		workday  bool
		scenario string
	}{
		{"Monday", plain, at(2025, 3, 3, 7, 0), at(2025, 3, 4, 0, 0), at(2025, 3, 5, 0, 0), true, "the next day"},
		{"Monday, late evening", plain, at(2025, 3, 3, 23, 30), at(2025, 3, 4, 0, 0), at(2025, 3, 5, 0, 0), true, "the date counts, not the hour"},
		{"Friday", plain, at(2025, 3, 7, 7, 0), at(2025, 3, 10, 0, 0), at(2025, 3, 11, 0, 0), true, "over the weekend"},
		{"Saturday", plain, at(2025, 3, 8, 7, 0), at(2025, 3, 10, 0, 0), at(2025, 3, 11, 0, 0), false, "a weekend day"},
		{"Friday before Hùng Kings' day", plain, at(2025, 4, 4, 7, 0), at(2025, 4, 8, 0, 0), at(2025, 4, 9, 0, 0), true,
			"weekend then Monday 7 April 2025 (10/3 lunar)"},
		{"Tuesday before 30/4 and 1/5", plain, at(2025, 4, 29, 7, 0), at(2025, 5, 2, 0, 0), at(2025, 5, 3, 0, 0), true, "two holidays"},
		{"Tuesday before 30/4, 1/5 and a swapped day", swapped, at(2025, 4, 29, 7, 0), at(2025, 5, 5, 0, 0), at(2025, 5, 6, 0, 0), true,
			"two holidays, an administrator's day off, a weekend"},
		{"Friday before Tết 2025", plain, at(2025, 1, 24, 7, 0), at(2025, 2, 3, 0, 0), at(2025, 2, 4, 0, 0), true, "the announced Tết holiday"},
		{"UTC input", plain, time.Date(2025, 3, 7, 0, 0, 0, 0, time.UTC), at(2025, 3, 10, 0, 0), at(2025, 3, 11, 0, 0), true,
			"07:00 in Hà Nội is midnight UTC"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := NextWorkingDay(tc.now, tc.cal); !got.Equal(tc.nextDay) {
				t.Errorf("%s: next working day %v, want %v", tc.scenario, got, tc.nextDay)
			}
			if got := WindowEnd(tc.now, tc.cal); !got.Equal(tc.endsAt) {
				t.Errorf("%s: window ends %v, want %v", tc.scenario, got, tc.endsAt)
			}
			if got := tc.cal.IsWorkingDay(tc.now); got != tc.workday {
				t.Errorf("working day: %v, want %v", got, tc.workday)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	plain := defaultCalendar(t)
	// Friday 4 April 2025, 07:00: the next working day is Tuesday the 8th
	// (the weekend, then Hùng Kings' day on Monday).
	now := at(2025, 4, 4, 7, 0)
	for _, tc := range []struct {
		name        string
		due         time.Time
		rescheduled bool
		want        Section
	}{
		{"due yesterday", at(2025, 4, 3, 17, 0), false, Overdue},
		{"due yesterday, rescheduled", at(2025, 4, 3, 17, 0), true, Overdue},
		{"due a second ago", now.Add(-time.Second), false, Overdue},
		{"due now", now, false, DueSoon},
		// The last day for its apology was yesterday.
		{"due today", at(2025, 4, 4, 17, 0), false, DueSoon},
		// Today is the last day for its apology.
		{"due on the next working day", at(2025, 4, 8, 17, 0), false, Apology},
		{"due on the next working day, rescheduled", at(2025, 4, 8, 17, 0), true, DueSoon},
		{"due at the window's last second", at(2025, 4, 8, 23, 59), false, Apology},
		{"due at the window's end", at(2025, 4, 9, 0, 0), false, None},
		{"due in two working days", at(2025, 4, 9, 17, 0), false, None},
	} {
		if got := Classify(tc.due, tc.rescheduled, now, plain); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}

	// A unit whose own calendar makes Tuesday the 8th a day off: its next
	// working day is Wednesday.
	unit := defaultCalendar(t, calendar.Override{Date: "2025-04-08", Kind: calendar.DayOff, Reason: "Nghỉ riêng của đơn vị"})
	if got := Classify(at(2025, 4, 9, 17, 0), false, now, unit); got != Apology {
		t.Errorf("due Wednesday at a unit closed on Tuesday: %d, want the apology list", got)
	}
}

func TestDailyAt(t *testing.T) {
	s := DailyAt{Hour: 7, Location: ict}
	for _, tc := range []struct {
		name    string
		current time.Time
		want    time.Time
	}{
		{"before seven", at(2025, 3, 3, 6, 59), at(2025, 3, 3, 7, 0)},
		{"at seven", at(2025, 3, 3, 7, 0), at(2025, 3, 4, 7, 0)},
		{"after seven", at(2025, 3, 3, 7, 0).Add(time.Nanosecond), at(2025, 3, 4, 7, 0)},
		{"evening", at(2025, 3, 3, 22, 0), at(2025, 3, 4, 7, 0)},
		// 23:30 UTC on the 2nd is 06:30 on the 3rd in Hà Nội.
		{"UTC evening", time.Date(2025, 3, 2, 23, 30, 0, 0, time.UTC), at(2025, 3, 3, 7, 0)},
		{"end of month", at(2025, 2, 28, 8, 0), at(2025, 3, 1, 7, 0)},
		{"end of year", at(2025, 12, 31, 7, 30), at(2026, 1, 1, 7, 0)},
	} {
		if got := s.Next(tc.current); !got.Equal(tc.want) {
			t.Errorf("%s: next %v, want %v", tc.name, got, tc.want)
		}
	}
	// Without a zone, Hà Nội's.
	if got := (DailyAt{Hour: 7}).Next(time.Date(2025, 3, 2, 23, 30, 0, 0, time.UTC)); !got.Equal(at(2025, 3, 3, 7, 0)) {
		t.Errorf("default zone: %v", got)
	}
	if PeriodicJob() == nil {
		t.Error("no periodic job")
	}
}
