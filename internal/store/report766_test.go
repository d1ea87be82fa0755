package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/store"
)

// TestFigures766 checks by hand, on both engines, the Decision 766 figures
// stats.Report lacks: dossiers received with component files (online
// scans) among those received in the period, and procedures offered online
// in the scope among which those used online.
//
//	27/02 online at X, received (before March)
//	03/03 online at X, received; counter at X (no file)
//	04/03 online at Y, received; online at Y, never received (not counted)
func TestFigures766(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		f.now = time.Date(2025, 2, 27, 9, 0, 0, 0, ict)
		f.act(t, f.recX, f.submitOnline(t, f.citizenA, f.cx.Code), dossier.Command{Action: dossier.ActReceive})
		f.now = time.Date(2025, 3, 3, 9, 0, 0, 0, ict)
		f.act(t, f.recX, f.submitOnline(t, f.citizenA, f.cx.Code), dossier.Command{Action: dossier.ActReceive})
		if _, _, err := f.svc.Submit(ctx, f.recX, dossier.SubmitInput{Procedure: "1.000894", Unit: f.cx.Code,
			Form:      map[string]any{"chong_ho_ten": "Phạm Văn Đức", "vo_ho_ten": "Hoàng Thị Én"},
			Applicant: &dossier.Applicant{FullName: "Phạm Văn Đức", IDNumber: "001085012345"}, Received: marriageReceived()}); err != nil {
			t.Fatal(err)
		}
		f.now = time.Date(2025, 3, 4, 9, 0, 0, 0, ict)
		f.act(t, f.recY, f.submitOnline(t, f.citizenB, f.cy.Code), dossier.Command{Action: dossier.ActReceive})
		f.submitOnline(t, f.citizenB, f.cy.Code)

		march := [2]time.Time{time.Date(2025, 3, 1, 0, 0, 0, 0, ict), time.Date(2025, 4, 1, 0, 0, 0, 0, ict)}
		feb := [2]time.Time{time.Date(2025, 2, 1, 0, 0, 0, 0, ict), march[0]}
		y2023 := [2]time.Time{time.Date(2023, 1, 1, 0, 0, 0, 0, ict), time.Date(2024, 1, 1, 0, 0, 0, 0, ict)}
		for _, c := range []struct {
			name   string
			unit   *org.Unit
			own    bool
			period [2]time.Time
			want   store.Figures766
		}{
			{"commune X", f.cx, false, march, store.Figures766{Received: 2, Digitised: 1, ProceduresOnline: 1, ProceduresUsedOnline: 1}},
			{"commune Y", f.cy, false, march, store.Figures766{Received: 1, Digitised: 1, ProceduresOnline: 1, ProceduresUsedOnline: 1}},
			{"district", f.district, false, march, store.Figures766{Received: 3, Digitised: 2, ProceduresOnline: 1, ProceduresUsedOnline: 1}},
			{"district level alone", f.district, true, march, store.Figures766{}},
			{"city: two procedures online, one used", f.city, false, march, store.Figures766{Received: 3, Digitised: 2, ProceduresOnline: 2, ProceduresUsedOnline: 1}},
			{"department", f.dep, false, march, store.Figures766{ProceduresOnline: 1}},
			{"February", f.city, false, feb, store.Figures766{Received: 1, Digitised: 1, ProceduresOnline: 2, ProceduresUsedOnline: 1}},
			{"before the versions took effect", f.city, false, y2023, store.Figures766{}},
		} {
			got, err := f.db.Figures766(ctx, c.unit, c.period[0], c.period[1], c.own)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
			}
		}
	})
}
