package calendar

import (
	"context"
	"testing"
	"time"
)

type fakeOverrides struct {
	gen   int64
	ovs   []Override
	hours []OfficeHours
}

func (f *fakeOverrides) OfficeHours(context.Context) ([]OfficeHours, error) {
	return append([]OfficeHours(nil), f.hours...), nil
}

func (f *fakeOverrides) CalendarGeneration(context.Context) (int64, error) { return f.gen, nil }
func (f *fakeOverrides) CalendarOverrides(context.Context) ([]Override, error) {
	return append([]Override(nil), f.ovs...), nil
}

// TestUnitOverrides: a district's day off reaches the district and its
// communes only; a commune's swapped working day wins over the district's
// day off there; a change is seen at once through the generation.
func TestUnitOverrides(t *testing.T) {
	st := &fakeOverrides{gen: 1, ovs: []Override{
		{Date: "2025-03-12", Kind: DayOff, Reason: "Cả thành phố"},
		{Date: "2025-03-13", Kind: DayOff, Reason: "Quận nghỉ", UnitID: 7, Unit: "Q", UnitPath: "/1/7/"},
		{Date: "2025-03-13", Kind: DayWork, Reason: "Phường làm bù", UnitID: 42, Unit: "P", UnitPath: "/1/7/42/"},
	}}
	src := NewSource(DefaultConfig(), st)
	ctx := context.Background()
	day := func(s string) time.Time {
		d, _ := time.ParseInLocation("2006-01-02", s, DefaultConfig().Location)
		return d.Add(9 * time.Hour)
	}
	for _, tc := range []struct {
		path, date string
		working    bool
	}{
		{"", "2025-03-12", false}, {"", "2025-03-13", true},
		{"/1/7/", "2025-03-12", false}, {"/1/7/", "2025-03-13", false},
		{"/1/7/43/", "2025-03-13", false}, {"/1/7/42/", "2025-03-13", true},
		{"/1/8/", "2025-03-13", true}, {"/1/70/", "2025-03-13", true},
	} {
		c, err := src.ForUnit(ctx, tc.path)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.IsWorkingDay(day(tc.date)); got != tc.working {
			t.Errorf("unit %q on %s: working %v, want %v", tc.path, tc.date, got, tc.working)
		}
	}
	st.ovs, st.gen = st.ovs[:1], 2
	c, err := src.ForUnit(ctx, "/1/7/")
	if err != nil {
		t.Fatal(err)
	}
	if !c.IsWorkingDay(day("2025-03-13")) {
		t.Error("a deleted unit override still applies")
	}
	// /1/8/ was served the shared calendar; a day of its own, added later,
	// applies at once.
	st.ovs, st.gen = append(st.ovs, Override{Date: "2025-03-14", Kind: DayOff, Reason: "Phường nghỉ", UnitID: 8, UnitPath: "/1/8/"}), 3
	if c, _ = src.ForUnit(ctx, "/1/8/"); c.IsWorkingDay(day("2025-03-14")) {
		t.Error("a unit override added after the unit's calendar was cached does not apply")
	}
	if c, _ = src.ForUnit(ctx, "/1/9/"); !c.IsWorkingDay(day("2025-03-14")) {
		t.Error("a unit override applies to a sibling")
	}
}

// TestUnitOfficeHours: a district's office hours reach the district and
// its communes, a commune's own win there, the city default elsewhere; the
// same-day cut-off and a working-hours due date move for those units only.
func TestUnitOfficeHours(t *testing.T) {
	st := &fakeOverrides{gen: 1, hours: []OfficeHours{
		{UnitID: 7, Unit: "Q", UnitPath: "/1/7/", Morning: [2]string{"08:00", "12:00"}, Afternoon: [2]string{"13:00", "16:00"}},
		{UnitID: 42, Unit: "P", UnitPath: "/1/7/42/", Morning: [2]string{"07:30", "11:30"}, Afternoon: [2]string{"13:30", "17:30"}},
	}}
	src := NewSource(DefaultConfig(), st)
	ctx := context.Background()
	loc := DefaultConfig().Location
	for _, tc := range []struct {
		path   string
		start  time.Time
		amount int
		kind   Kind
		want   string
	}{
		// Same day, received 16:30 while the default office (till 17:00)
		// is open but after the 15:00 cut-off: due at the next day's close.
		{"", time.Date(2025, 3, 12, 16, 30, 0, 0, loc), 0, WorkingDays, "2025-03-13T17:00:00+07:00"},
		// The district closes at 16:00: 16:30 counts from Thu 08:00, due at
		// Thu's close, 16:00.
		{"/1/7/", time.Date(2025, 3, 12, 16, 30, 0, 0, loc), 0, WorkingDays, "2025-03-13T16:00:00+07:00"},
		{"/1/7/43/", time.Date(2025, 3, 12, 16, 30, 0, 0, loc), 0, WorkingDays, "2025-03-13T16:00:00+07:00"},
		// The commune's own hours (close 17:30).
		{"/1/7/42/", time.Date(2025, 3, 12, 16, 30, 0, 0, loc), 1, WorkingDays, "2025-03-13T17:30:00+07:00"},
		// Another district: the city default.
		{"/1/8/", time.Date(2025, 3, 12, 7, 15, 0, 0, loc), 2, WorkingHours, "2025-03-12T09:15:00+07:00"},
		{"/1/7/", time.Date(2025, 3, 12, 7, 15, 0, 0, loc), 2, WorkingHours, "2025-03-12T10:00:00+07:00"},
	} {
		c, err := src.ForUnit(ctx, tc.path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.Due(tc.start, tc.amount, string(tc.kind), "")
		if err != nil {
			t.Fatal(err)
		}
		if s := got.Format(time.RFC3339); s != tc.want {
			t.Errorf("%q: Due(%v, %d %s) = %s, want %s", tc.path, tc.start, tc.amount, tc.kind, s, tc.want)
		}
	}
	// A city default changes every unit without hours of its own.
	st.hours = append(st.hours, OfficeHours{Morning: [2]string{"07:30", "11:30"}, Afternoon: [2]string{"13:30", "17:00"}})
	st.gen++
	c, err := src.ForUnit(ctx, "/1/8/")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.NextOpening(time.Date(2025, 3, 12, 7, 15, 0, 0, loc)); got.Hour() != 7 || got.Minute() != 30 {
		t.Errorf("city default: opening %v, want 07:30", got)
	}
}
