package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/stats"
	"github.com/motcua/motcua/internal/store"
)

// TestDrillDownEqualsFigures builds by hand, on both engines, a set with a
// dossier behind every figure (online, counter, post, carried over, early,
// on time, late, within, overdue; one received at a commune and decided by
// the department) and checks that, for every unit and scope and every
// kind, the dossiers listed are exactly as many as the figure they come
// from, and that the pages (keyset) neither skip nor repeat one.
func TestDrillDownEqualsFigures(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		leadDep := f.staff(t, "lead.dep", f.dep, org.RoleLeader)
		also := marriageSpec()
		also.OfferedBy = append(also.OfferedBy, f.dep.Name)
		if rep, err := f.db.ImportCatalogue(ctx, []catalog.Spec{also}); err != nil || len(rep.Rejected) > 0 {
			t.Fatalf("import: %v %v", err, rep.Rejected)
		}
		counter := func(rec dossier.Actor, unit string, channel dossier.Channel) *dossier.Dossier {
			t.Helper()
			d, _, err := f.svc.Submit(ctx, rec, dossier.SubmitInput{Procedure: "1.000894", Unit: unit, Channel: channel,
				Form:      map[string]any{"chong_ho_ten": "Phạm Văn Đức", "vo_ho_ten": "Hoàng Thị Én"},
				Applicant: &dossier.Applicant{FullName: "Phạm Văn Đức", IDNumber: "001085012345"}, Received: marriageReceived()})
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		online := func(a dossier.Actor) *dossier.Dossier {
			return f.act(t, f.recX, f.submitOnline(t, a, f.cx.Code), dossier.Command{Action: dossier.ActReceive})
		}
		finish := func(lead dossier.Actor, d *dossier.Dossier) *dossier.Dossier {
			d = f.act(t, lead, d, dossier.Command{Action: dossier.ActAssign, Assignee: "spec.x"})
			return f.act(t, lead, d, dossier.Command{Action: dossier.ActFinish, Result: &dossier.Result{Summary: "Cấp", Number: "1/GCN"}})
		}
		// February: one carried over into March (left open), one finished
		// in February (counted nowhere in March).
		f.now = time.Date(2025, 2, 24, 9, 0, 0, 0, ict)
		feb := online(f.citizenA)
		finish(f.leadX, online(f.citizenB))
		// March 3: online and counter and post at commune X, a counter one
		// at commune Y, one transferred to the department.
		f.now = time.Date(2025, 3, 3, 9, 0, 0, 0, ict)
		early := online(f.citizenA)
		late := online(f.citizenB)
		onTime := counter(f.recX, f.cx.Code, "")
		counter(f.recX, f.cx.Code, dossier.ChannelPost)
		counter(f.recY, f.cy.Code, "")
		moved := f.act(t, f.recX, counter(f.recX, f.cx.Code, ""), dossier.Command{Action: dossier.ActTransfer, ToUnit: f.dep.Code, Reason: "Thuộc thẩm quyền Sở"})
		f.now = time.Date(2025, 3, 4, 10, 0, 0, 0, ict)
		finish(f.leadX, early)
		f.act(t, leadDep, moved, dossier.Command{Action: dossier.ActFinish, Result: &dossier.Result{Summary: "Cấp"}})
		f.now = time.Date(2025, 3, 10, 16, 0, 0, 0, ict)
		finish(f.leadX, onTime)
		f.now = time.Date(2025, 3, 12, 10, 0, 0, 0, ict)
		finish(f.leadX, late)
		// The February one, past its due date, waits for a supplement
		// from 12/3: its clock stopped, it is no longer overdue after that
		// day, it was before.
		f.act(t, f.specX, feb, dossier.Command{Action: dossier.ActRequestSupplement, Reason: "Thiếu giấy xác nhận",
			Documents: []string{"xac_nhan_hon_nhan"}})
		// Received on 12/3, within its deadline.
		last := online(f.citizenA)
		if last.LegalDueAt == nil {
			t.Fatal("no due date")
		}
		dueLast := *last.LegalDueAt
		monthNow := f.now
		var from, to, now time.Time
		// keyed: a cursor of the lists read had a key (a day); summary:
		// the period is one of whole days.
		var keyed, summary bool
		// drillAs lists every page of one row, the plan forced ("walk",
		// "seek") or not ("").
		drillAs := func(t *testing.T, plan string, u *org.Unit, own bool, flt stats.Filter, k store.DrillKind) []store.DrillRow {
			t.Helper()
			var all []store.DrillRow
			seen := map[string]bool{}
			var after store.DrillCursor
			for page := 0; ; page++ {
				list := f.db.DrillDown
				if plan != "" {
					list = func(ctx context.Context, u *org.Unit, from, to, now time.Time, own bool, flt stats.Filter, k store.DrillKind, after store.DrillCursor, limit int) ([]store.DrillRow, store.DrillCursor, error) {
						return f.db.DrillDownAs(ctx, plan, u, from, to, now, own, flt, k, after, limit)
					}
				}
				rows, next, err := list(ctx, u, from, to, now, own, flt, k, after, 1)
				if err != nil {
					t.Fatal(err)
				}
				if len(rows) > 1 {
					t.Fatalf("page of %d rows, limit 1", len(rows))
				}
				for _, r := range rows {
					if seen[r.Code] {
						t.Fatalf("%s listed twice", r.Code)
					}
					seen[r.Code] = true
				}
				all = append(all, rows...)
				if next.IsZero() {
					break
				}
				keyed = keyed || next.Key != 0
				if page > 50 {
					t.Fatal("pages never end")
				}
				// The cursor goes through the page's link as text.
				if after, err = store.ParseDrillCursor(next.String()); err != nil || after != next {
					t.Fatalf("cursor %v read back as %v (%v)", next, after, err)
				}
			}
			return all
		}
		drill := func(t *testing.T, u *org.Unit, own bool, flt stats.Filter, k store.DrillKind) []store.DrillRow {
			t.Helper()
			return drillAs(t, "", u, own, flt, k)
		}
		codes := func(rows []store.DrillRow) string {
			var s []string
			for _, r := range rows {
				s = append(s, r.Code)
			}
			return strings.Join(s, " ")
		}
		// checkFigures compares, for every scope and kind, the dossiers
		// listed with the report's figure and DrillCount; nonZero notes
		// the kinds with a dossier city-wide.
		nonZero := map[store.DrillKind]bool{}
		checkFigures := func(t *testing.T) {
			for _, sc := range []struct {
				name string
				u    *org.Unit
				own  bool
				flt  stats.Filter
			}{
				{"city", f.city, false, stats.Filter{}}, {"district", f.district, false, stats.Filter{}}, {"district own", f.district, true, stats.Filter{}},
				{"commune X", f.cx, false, stats.Filter{}}, {"commune Y", f.cy, false, stats.Filter{}}, {"department", f.dep, false, stats.Filter{}},
				{"city, marriage", f.city, false, stats.Filter{Procedure: "1.000894"}}, {"city, other procedure", f.city, false, stats.Filter{Procedure: "2.000908"}},
			} {
				rep, err := f.db.StatsFiltered(ctx, sc.u, from, to, now, sc.own, sc.flt)
				if err != nil {
					t.Fatal(err)
				}
				for _, k := range store.DrillKinds {
					rows := drill(t, sc.u, sc.own, sc.flt, k)
					if n, err := f.db.DrillCount(ctx, sc.u, from, to, now, sc.own, sc.flt, k); err != nil || n != len(rows) {
						t.Errorf("%s, %s: counted %d (%v), listed %d", sc.name, k, n, err, len(rows))
					}
					if len(rows) > 0 && sc.name == "city" {
						nonZero[k] = true
					}
					if k == store.DrillReceivedPost {
						if len(rows) != rep.Received.Post || rep.Received.Post > rep.Received.Counter {
							t.Errorf("%s: %d listed by post, the figure is %d (of %d at the counter)", sc.name, len(rows), rep.Received.Post, rep.Received.Counter)
						}
						for _, r := range rows {
							if r.Channel != dossier.ChannelPost {
								t.Errorf("%s: %s listed by post, received %s", sc.name, r.Code, r.Channel)
							}
						}
						// One dossier came by post, at commune X, on 3/3.
						one := 0
						if postAt := time.Date(2025, 3, 3, 9, 0, 0, 0, ict); !postAt.Before(from) && postAt.Before(to) {
							one = 1
						}
						if want, ok := map[string]int{"city": one, "commune X": one, "commune Y": 0, "department": 0}[sc.name]; ok && len(rows) != want {
							t.Errorf("%s: %d listed by post, want %d", sc.name, len(rows), want)
						}
						continue
					}
					if want := k.Figure(rep); len(rows) != want {
						t.Errorf("%s, %s: %d dossiers listed, the figure is %d", sc.name, k, len(rows), want)
					}
					// Whatever the plan the subtree's size chooses, the
					// same dossiers in the same order.
					if summary && !sc.own {
						for _, plan := range []string{"walk", "seek"} {
							if got, want := codes(drillAs(t, plan, sc.u, sc.own, sc.flt, k)), codes(rows); got != want {
								t.Errorf("%s, %s, plan %s: listed %s, want %s", sc.name, k, plan, got, want)
							}
						}
					}
				}
			}
		}
		// The periods: whole days (the summary's states), with now inside
		// (overdue judged at now), with an open dossier due later today,
		// running to now (to the next midnight), or before now (a dossier
		// finished after the end is in progress at it); and periods not of
		// whole days (the dossiers scanned).
		type period struct {
			name          string
			from, to, now time.Time
			summary       bool
		}
		march := time.Date(2025, 3, 1, 0, 0, 0, 0, ict)
		periods := []period{
			{"March", march, march.AddDate(0, 1, 0), monthNow, true},
			{"March, before the last is due", march, march.AddDate(0, 1, 0), dueLast.Add(-time.Minute), true},
			{"3–11 March", march.AddDate(0, 0, 2), march.AddDate(0, 0, 11), monthNow, true},
			{"1–3 March", march, march.AddDate(0, 0, 3), monthNow, true},
			{"10–11 March", march.AddDate(0, 0, 9), march.AddDate(0, 0, 11), monthNow, true},
			{"March to now", march, monthNow, monthNow, true},
			{"March from 8:00", march.Add(8 * time.Hour), march.AddDate(0, 1, 0), monthNow, false},
			{"March to noon on the 10th", march, march.AddDate(0, 0, 9).Add(12 * time.Hour), monthNow, false},
		}
		if y, m, d := dueLast.In(ict).Date(); y != 2025 || m != 3 || dueLast.Add(-time.Minute).In(ict).Day() != d {
			t.Fatalf("the last is due %v, not in March, a minute after midnight", dueLast)
		}
		for _, pe := range periods {
			from, to, now, summary = pe.from, pe.to, pe.now, pe.summary
			keyed = false
			t.Run(pe.name, checkFigures)
			// The summary's lists go by day (a key in their cursors), the
			// scan's by id.
			if keyed != pe.summary {
				t.Errorf("%s: cursors keyed by day: %v", pe.name, keyed)
			}
		}
		// The set puts a dossier behind every figure.
		for _, k := range store.DrillKinds {
			if !nonZero[k] {
				t.Errorf("no dossier behind %s city-wide: the set does not test it", k)
			}
		}
		// Due later today, the last is in progress within its deadline.
		from, to, now = periods[1].from, periods[1].to, periods[1].now
		within := map[string]bool{}
		for _, r := range drill(t, f.city, false, stats.Filter{}, store.DrillWithin) {
			within[r.Code] = true
		}
		if !within[last.Code] {
			t.Errorf("due later today, %s is not listed in progress within its deadline: %v", last.Code, within)
		}
		from, to, now = periods[0].from, periods[0].to, periods[0].now
		// The unit named is where the figure counts the dossier: the
		// department for the dossier it decided, the desk for its
		// reception.
		got := map[string]string{}
		for _, r := range drill(t, f.city, false, stats.Filter{}, store.DrillFinishedEarly) {
			got[r.Code] = r.UnitCode
		}
		if got[moved.Code] != f.dep.Code || got[early.Code] != f.cx.Code {
			t.Errorf("finished early at %v", got)
		}
		for _, r := range drill(t, f.city, false, stats.Filter{}, store.DrillReceivedCounter) {
			if r.Code == moved.Code && r.UnitCode != f.cx.Code {
				t.Errorf("%s received at %s, want the commune", r.Code, r.UnitCode)
			}
		}
		if _, _, err := f.db.DrillDown(ctx, f.city, from, to, now, false, stats.Filter{}, "nonsense", store.DrillCursor{}, 10); err == nil {
			t.Error("an unknown kind listed dossiers")
		}
	})
}
