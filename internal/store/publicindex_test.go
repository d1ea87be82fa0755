package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/stats"
	"github.com/motcua/motcua/internal/store"
)

// TestIndexTimes checks by hand, on both engines, the public index's
// decided dossiers, those submitted online and the median time from
// reception to decision: commune X decides after 1, 2 and 4.5 days (two of
// them online; median 2), commune Y after 1 and 2 days (median of an even
// count: 1.5), a withdrawn dossier is no decision, and the district's
// subtree holds all five (median 2).
func TestIndexTimes(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		leadY := f.staff(t, "lead.y", f.cy, org.RoleLeader)
		f.staff(t, "spec.y", f.cy, org.RoleSpecialist)
		start := time.Date(2025, 3, 3, 9, 0, 0, 0, ict)
		finish := func(rec, lead dossier.Actor, unit string, online bool, after time.Duration) {
			t.Helper()
			f.now = start
			var d *dossier.Dossier
			if online {
				d = f.act(t, rec, f.submitOnline(t, f.citizenA, unit), dossier.Command{Action: dossier.ActReceive})
			} else {
				var err error
				d, _, err = f.svc.Submit(ctx, rec, dossier.SubmitInput{Procedure: "1.000894", Unit: unit,
					Form:      map[string]any{"chong_ho_ten": "Phạm Văn Đức", "vo_ho_ten": "Hoàng Thị Én"},
					Applicant: &dossier.Applicant{FullName: "Phạm Văn Đức", IDNumber: "001085012345", Phone: "0904123456"}, Received: marriageReceived()})
				if err != nil {
					t.Fatal(err)
				}
			}
			spec := "spec.x"
			if unit == f.cy.Code {
				spec = "spec.y"
			}
			d = f.act(t, lead, d, dossier.Command{Action: dossier.ActAssign, Assignee: spec})
			f.now = start.Add(after)
			f.act(t, lead, d, dossier.Command{Action: dossier.ActFinish, Result: &dossier.Result{Summary: "Cấp"}})
		}
		day := 24 * time.Hour
		finish(f.recX, f.leadX, f.cx.Code, true, day)
		finish(f.recX, f.leadX, f.cx.Code, false, 2*day)
		finish(f.recX, f.leadX, f.cx.Code, true, 4*day+12*time.Hour)
		finish(f.recY, leadY, f.cy.Code, true, day)
		finish(f.recY, leadY, f.cy.Code, false, 2*day)
		// Withdrawn after a day: not a decision.
		f.now = start
		w := f.act(t, f.recX, f.submitOnline(t, f.citizenB, f.cx.Code), dossier.Command{Action: dossier.ActReceive})
		f.now = start.Add(day)
		f.act(t, f.citizenB, w, dossier.Command{Action: dossier.ActWithdraw, Reason: "Không còn nhu cầu"})

		from, to := time.Date(2025, 3, 1, 0, 0, 0, 0, ict), time.Date(2025, 4, 1, 0, 0, 0, 0, ict)
		got, err := f.db.IndexTimesByUnit(ctx, []org.Unit{*f.district, *f.cx, *f.cy, *f.dep}, from, to)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]stats.IndexTimes{
			f.district.Code: {Decided: 5, SolvedOnline: 3, MedianDays: 2},
			f.cx.Code:       {Decided: 3, SolvedOnline: 2, MedianDays: 2},
			f.cy.Code:       {Decided: 2, SolvedOnline: 1, MedianDays: 1.5},
		}
		if len(got) != len(want) {
			t.Errorf("units: got %+v, want %+v", got, want)
		}
		for code, w := range want {
			if got[code] != w {
				t.Errorf("%s: got %+v, want %+v", code, got[code], w)
			}
		}
		// The period bounds the decision: up to 5/3 only the one-day ones.
		early, err := f.db.IndexTimesByUnit(ctx, []org.Unit{*f.district}, from, time.Date(2025, 3, 5, 0, 0, 0, 0, ict))
		if err != nil {
			t.Fatal(err)
		}
		if w := (stats.IndexTimes{Decided: 2, SolvedOnline: 2, MedianDays: 1}); early[f.district.Code] != w {
			t.Errorf("up to 5/3: got %+v, want %+v", early[f.district.Code], w)
		}
		if none, err := f.db.IndexTimesByUnit(ctx, nil, from, to); err != nil || len(none) != 0 {
			t.Errorf("no units: %v %v", none, err)
		}

		byProc, err := f.db.IndexTimesByProcedure(ctx, f.cx, from, to)
		if err != nil {
			t.Fatal(err)
		}
		if len(byProc) != 1 || byProc["1.000894"] != (stats.IndexTimes{Decided: 3, SolvedOnline: 2, MedianDays: 2}) {
			t.Errorf("by procedure at X: %+v", byProc)
		}
		if dep, err := f.db.IndexTimesByProcedure(ctx, f.dep, from, to); err != nil || len(dep) != 0 {
			t.Errorf("by procedure at the department: %+v %v", dep, err)
		}
	})
}
