package portal

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/store"
)

// TestIndexPeriod checks the period's edges: the 12 months of whole days
// ending at the start of the day in Asia/Ho_Chi_Minh, the same all day
// long, the next from local midnight (17:00 UTC); a leap day's year
// before is 1 March.
func TestIndexPeriod(t *testing.T) {
	ict := func(y int, m time.Month, d, hh, mm, ss int) time.Time {
		return time.Date(y, m, d, hh, mm, ss, 0, store.Zone)
	}
	for _, tc := range []struct {
		now      time.Time
		from, to time.Time
	}{
		{ict(2026, 12, 5, 0, 0, 0), ict(2025, 12, 5, 0, 0, 0), ict(2026, 12, 5, 0, 0, 0)},
		{ict(2026, 12, 5, 23, 59, 59), ict(2025, 12, 5, 0, 0, 0), ict(2026, 12, 5, 0, 0, 0)},
		{ict(2026, 12, 4, 23, 59, 59), ict(2025, 12, 4, 0, 0, 0), ict(2026, 12, 4, 0, 0, 0)},
		{time.Date(2026, 12, 4, 16, 59, 59, 0, time.UTC), ict(2025, 12, 4, 0, 0, 0), ict(2026, 12, 4, 0, 0, 0)},
		{time.Date(2026, 12, 4, 17, 0, 0, 0, time.UTC), ict(2025, 12, 5, 0, 0, 0), ict(2026, 12, 5, 0, 0, 0)},
		{ict(2028, 2, 29, 9, 0, 0), ict(2027, 3, 1, 0, 0, 0), ict(2028, 2, 29, 0, 0, 0)},
	} {
		from, to := indexPeriod(tc.now)
		if !from.Equal(tc.from) || !to.Equal(tc.to) {
			t.Errorf("indexPeriod(%s) = [%s, %s), want [%s, %s)", tc.now, from, to, tc.from, tc.to)
		}
	}
}

// TestUnitsKey checks that a table's key names its units in order, and a
// long list by a hash short enough for the stored key, still one per
// list.
func TestUnitsKey(t *testing.T) {
	units := func(n int, first string) []org.Unit {
		us := []org.Unit{{Code: first}}
		for i := range n - 1 {
			us = append(us, org.Unit{Code: fmt.Sprintf("000.%02d.%02d.H26", i/100, i%100)})
		}
		return us
	}
	if k := unitsKey(units(2, "A")); k != "units|A,000.00.00.H26" {
		t.Errorf("short key %q", k)
	}
	a, b := unitsKey(units(60, "A")), unitsKey(units(60, "B"))
	if a == b || len(a) > indexKeyMax || len(b) > indexKeyMax || !strings.HasPrefix(a, "units|sha256:") {
		t.Errorf("long keys %q and %q", a, b)
	}
}
