package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/stats"
	"github.com/motcua/motcua/internal/store"
)

// TestRealUse checks by hand, on both engines, the services offered online
// against those used: commune X receives online dossiers of the marriage
// procedure, commune Y only at its counter, the department none; the
// dossier counts add up to the report's Received.Offered and
// OfferedOnline.
func TestRealUse(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		// February: an online dossier at Y, outside the period.
		f.now = time.Date(2025, 2, 20, 9, 0, 0, 0, ict)
		f.act(t, f.recY, f.submitOnline(t, f.citizenA, f.cy.Code), dossier.Command{Action: dossier.ActReceive})
		f.now = time.Date(2025, 3, 3, 9, 0, 0, 0, ict)
		f.act(t, f.recX, f.submitOnline(t, f.citizenA, f.cx.Code), dossier.Command{Action: dossier.ActReceive})
		f.act(t, f.recX, f.submitOnline(t, f.citizenB, f.cx.Code), dossier.Command{Action: dossier.ActReceive})
		f.submitOnline(t, f.citizenB, f.cx.Code) // never received: not counted
		if _, _, err := f.svc.Submit(ctx, f.recY, dossier.SubmitInput{Procedure: "1.000894", Unit: f.cy.Code,
			Form:      map[string]any{"chong_ho_ten": "Phạm Văn Đức", "vo_ho_ten": "Hoàng Thị Én"},
			Applicant: &dossier.Applicant{FullName: "Phạm Văn Đức", IDNumber: "001085012345"}, Received: marriageReceived()}); err != nil {
			t.Fatal(err)
		}
		f.now = time.Date(2025, 3, 12, 10, 0, 0, 0, ict)
		from, to := time.Date(2025, 3, 1, 0, 0, 0, 0, ict), time.Date(2025, 4, 1, 0, 0, 0, 0, ict)

		units, procs, err := f.db.RealUse(ctx, f.city, from, to, f.now)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]stats.RealUse{
			f.cx.Code:  {Offered: 1, Used: 1, UsedRate: 100, Dossiers: 2, Online: 2, OnlineRate: 100},
			f.cy.Code:  {Offered: 1, Used: 0, Dossiers: 1},
			f.dep.Code: {Offered: 1},
		}
		if len(units) != len(want) {
			t.Fatalf("rows by unit: %+v", units)
		}
		var unused []string
		dossiers, online := 0, 0
		for _, r := range units {
			w := want[r.Unit]
			w.Unit, w.UnitName = r.Unit, r.UnitName
			if r != w {
				t.Errorf("unit %s: got %+v, want %+v", r.Unit, r, w)
			}
			if r.Unused() {
				unused = append(unused, r.Unit)
			}
			dossiers, online = dossiers+r.Dossiers, online+r.Online
		}
		// By name: Phường Hàng Bạc (Y) before Sở Tư pháp.
		if len(unused) != 2 || unused[0] != f.cy.Code || unused[1] != f.dep.Code {
			t.Errorf("units offering online services with no online dossier: %v", unused)
		}
		rep, err := f.db.Stats(ctx, f.city, from, to, f.now, false)
		if err != nil {
			t.Fatal(err)
		}
		if dossiers != rep.Received.Offered || online != rep.Received.OfferedOnline {
			t.Errorf("real use counts %d/%d dossiers, the report %d/%d", online, dossiers, rep.Received.OfferedOnline, rep.Received.Offered)
		}

		if len(procs) != 2 || procs[0].Procedure != "1.000894" || procs[0].Offered != 2 || procs[0].Used != 1 || procs[0].UsedRate != 50 ||
			procs[0].Dossiers != 3 || procs[0].Online != 2 || procs[1].Procedure != "2.000908" || !procs[1].Unused() {
			t.Errorf("rows by procedure: %+v", procs)
		}
		// The district's subtree holds the two communes only.
		district, _, err := f.db.RealUse(ctx, f.district, from, to, f.now)
		if err != nil || len(district) != 2 {
			t.Errorf("district: %+v %v", district, err)
		}
		// February: Y used its service, X did not.
		feb, _, err := f.db.RealUse(ctx, f.district, time.Date(2025, 2, 1, 0, 0, 0, 0, ict), from, f.now)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range feb {
			if used := r.Unit == f.cy.Code; (r.Used == 1) != used {
				t.Errorf("February, %s: %+v", r.Unit, r)
			}
		}
	})
}

// TestRealUseSummaryAnswersAsTheScan: after a random mix of actions, the
// measure of real use read from the summary's reception counters equals
// the count from the dossiers, for whole-day periods and periods to now.
func TestRealUseSummaryAnswersAsTheScan(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		driveSummary(t, f, 1500, true)
		day := func(m, d int) time.Time { return time.Date(2025, time.Month(m), d, 0, 0, 0, 0, ict) }
		compared := 0
		for _, p := range []struct{ from, to, now time.Time }{
			{day(1, 1), day(2, 1), day(6, 1)},
			{day(2, 15), day(4, 1), day(6, 1)},
			{day(3, 1), driveHorizon.Add(2 * time.Hour), driveHorizon.Add(2 * time.Hour)},
			{day(1, 1), day(12, 31), driveHorizon},
			// Edges inside one month, and inside two.
			{day(2, 10), day(2, 20), day(6, 1)},
			{day(1, 20), day(3, 10), day(6, 1)},
		} {
			for _, u := range []*org.Unit{f.city, f.district, f.cx, f.dep} {
				for _, byProc := range []bool{false, true} {
					got, gotProcs, err := f.db.RealUse(ctx, u, p.from, p.to, p.now)
					if byProc {
						got = gotProcs
					}
					if err != nil {
						t.Fatal(err)
					}
					want, err := f.db.ScanRealUse(ctx, u, p.from, p.to, p.now, byProc)
					if err != nil {
						t.Fatal(err)
					}
					compared += len(want)
					if !reflect.DeepEqual(got, want) {
						t.Errorf("%s–%s, %s by procedure %v:\nsummary %+v\nscan    %+v", p.from.Format("02/01"), p.to.Format("02/01 15:04"), u.Code, byProc, got, want)
					}
				}
			}
		}
		if compared == 0 {
			t.Fatal("nothing compared")
		}
	})
}
