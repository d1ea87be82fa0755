package dossier

import (
	"testing"
	"time"

	"github.com/motcua/motcua/internal/apperr"
)

// TestParseNewDue: the reschedule's new date is read by the shared date
// parser (dd/mm/yyyy as the back office types it, yyyy-mm-dd from the
// API), due at 17:00 that day; an RFC 3339 time is taken as is.
func TestParseNewDue(t *testing.T) {
	ict := time.FixedZone("ICT", 7*3600)
	at17 := time.Date(2026, 12, 5, 17, 0, 0, 0, ict)
	for _, tt := range []struct {
		in   string
		want time.Time // zero: refused with new_due_invalid
	}{
		{"05/12/2026", at17},
		{"5/12/2026", at17},
		{" 2026-12-05 ", at17},
		{"05122026", at17},
		{"2026-12-05T09:30:00+07:00", time.Date(2026, 12, 5, 9, 30, 0, 0, ict)},
		{"12/31/2026", time.Time{}},
		{"31/02/2026", time.Time{}},
		{"next week", time.Time{}},
		{"", time.Time{}},
	} {
		got, err := parseNewDue(tt.in, ict)
		if tt.want.IsZero() {
			e, ok := apperr.As(err)
			if !ok || e.Code != "new_due_invalid" || e.Kind != apperr.Invalid || e.VI == "" || e.EN == "" {
				t.Errorf("parseNewDue(%q) = %v, %v; want the new_due_invalid error", tt.in, got, err)
			}
			continue
		}
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("parseNewDue(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}
