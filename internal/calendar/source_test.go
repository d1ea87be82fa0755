package calendar

import (
	"context"
	"testing"
	"time"
)

type fakeOverrides struct {
	gen int64
	ovs []Override
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
