package backoffice

import (
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
)

func TestDeadlineWords(t *testing.T) {
	h, err := New(nil, nil, nil, nil, scs.New(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := calendar.New(calendar.DefaultConfig(), nil)
	if err != nil {
		t.Fatal(err)
	}
	loc := cal.Location()
	due := time.Date(2025, 3, 7, 17, 0, 0, 0, loc) // Friday
	d := &dossier.Dossier{Status: dossier.StatusProcessing, LegalDueAt: &due}
	for _, c := range []struct {
		now         time.Time
		class, want string
	}{
		{time.Date(2025, 3, 4, 9, 0, 0, 0, loc), "due--ok", "Còn hạn"},
		{time.Date(2025, 3, 6, 9, 0, 0, 0, loc), "due--soon", "Đến hạn trong 1 ngày làm việc"},
		{time.Date(2025, 3, 7, 16, 0, 0, 0, loc), "due--soon", "Đến hạn trong 1 ngày làm việc"},
		{time.Date(2025, 3, 8, 9, 0, 0, 0, loc), "due--late", "Quá hạn (chưa đủ 1 ngày làm việc)"},
		{time.Date(2025, 3, 10, 9, 0, 0, 0, loc), "due--late", "Quá hạn 1 ngày"},
		{time.Date(2025, 3, 14, 9, 0, 0, 0, loc), "due--late", "Quá hạn 5 ngày"},
	} {
		got := h.deadline("vi", cal, d, c.now)
		if got.Class != c.class || got.Words != c.want {
			t.Errorf("at %s: %+v, want %s %q", c.now, got, c.class, c.want)
		}
	}
}
