package store_test

import (
	"context"
	"fmt"
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/stats"
	"github.com/motcua/motcua/internal/store"
)

// TestSummaryEqualsRebuild drives a random mix of creations and state
// changes through the store's write path (the upkeep runs in each event's
// transaction), from four writers at once, then checks that the
// maintained summary equals, row for row, the one RebuildSummary
// recomputes from the dossiers and events. The changes are not the
// workflow's: any state may follow any other, at any time, so that every
// way a counter can move is exercised.
func TestSummaryEqualsRebuild(t *testing.T) {
	actions := 10000
	if testing.Short() {
		actions = 1500
	}
	each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, engine)
		start := time.Now()
		driveSummary(t, f, actions, false)
		t.Logf("%s: %d actions in %v", engine, actions, time.Since(start).Round(time.Millisecond))
		kept, err := f.db.SummaryRows(ctx)
		if err != nil {
			t.Fatal(err)
		}
		keptSub, err := f.db.SubtreeRows(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// The city is above every unit of the drive: its months hold
		// every daily row's counters, once by procedure and once in the
		// rows of all procedures (procedure 0), which sum each month's.
		var all, city, city0 [len(store.SummaryRow{}.Counters)]int64
		for _, r := range kept {
			for i, v := range r.Counters {
				all[i] += v
			}
		}
		byMonth := map[[2]int64][len(store.SummaryRow{}.Counters)]int64{}
		for _, r := range keptSub {
			k := [2]int64{r.Unit, int64(r.Day)}
			m := byMonth[k]
			for i, v := range r.Counters {
				if r.Procedure != 0 {
					m[i] += v
				} else {
					m[i] -= v
				}
			}
			byMonth[k] = m
			if r.Unit == f.city.ID {
				for i, v := range r.Counters {
					if r.Procedure == 0 {
						city0[i] += v
					} else {
						city[i] += v
					}
				}
			}
		}
		if city != all || city0 != all {
			t.Errorf("the city's subtree months sum to %v (all procedures: %v), the daily rows to %v", city, city0, all)
		}
		// The subtrees' days: the city's rows of all procedures hold every
		// daily row's counters of their day, and each unit's row of all
		// procedures of a day is its procedures' sum.
		keptDays, err := f.db.SubtreeDayRows(ctx)
		if err != nil {
			t.Fatal(err)
		}
		cityDays := map[int][len(store.SummaryRow{}.Counters)]int64{}
		for _, r := range kept {
			d := cityDays[r.Day]
			for i, v := range r.Counters {
				d[i] += v
			}
			cityDays[r.Day] = d
		}
		seenDays := 0
		byDay := map[[2]int64][len(store.SummaryRow{}.Counters)]int64{}
		for _, r := range keptDays {
			k := [2]int64{r.Unit, int64(r.Day)}
			m := byDay[k]
			for i, v := range r.Counters {
				if r.Procedure != 0 {
					m[i] += v
				} else {
					m[i] -= v
				}
			}
			byDay[k] = m
			if r.Unit == f.city.ID && r.Procedure == 0 {
				seenDays++
				if r.Counters != cityDays[r.Day] {
					t.Errorf("the city's subtree day %d holds %v, its daily rows sum to %v", r.Day, r.Counters, cityDays[r.Day])
				}
			}
		}
		if seenDays != len(cityDays) || seenDays == 0 {
			t.Errorf("the city's subtree has %d days, its daily rows %d", seenDays, len(cityDays))
		}
		for k, m := range byDay {
			if m != ([len(store.SummaryRow{}.Counters)]int64{}) {
				t.Errorf("unit %d, day %d: the row of all procedures is off the procedures' sum by %v", k[0], k[1], m)
			}
		}
		for k, m := range byMonth {
			if m != ([len(store.SummaryRow{}.Counters)]int64{}) {
				t.Errorf("unit %d, month %d: the row of all procedures is off the procedures' sum by %v", k[0], k[1], m)
			}
		}
		// The units' own months: each the sum of its daily rows.
		keptOwn, err := f.db.OwnMonthRows(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ownWant := map[[3]int64][len(store.SummaryRow{}.Counters)]int64{}
		for _, r := range kept {
			k := [3]int64{r.Unit, r.Procedure, int64(r.Day / 100)}
			m := ownWant[k]
			for i, v := range r.Counters {
				m[i] += v
			}
			ownWant[k] = m
		}
		if len(keptOwn) != len(ownWant) || len(keptOwn) == 0 {
			t.Errorf("%d own monthly rows, the daily rows make %d months", len(keptOwn), len(ownWant))
		}
		for _, r := range keptOwn {
			if w := ownWant[[3]int64{r.Unit, r.Procedure, int64(r.Day)}]; r.Counters != w {
				t.Errorf("unit %d, procedure %d, month %d: own month %v, its daily rows sum to %v", r.Unit, r.Procedure, r.Day, r.Counters, w)
			}
		}
		// Every counter moved: the drive reached each case. A short
		// drive (1,500 actions) is too short to reach the rarest, so
		// only the full drive, which CI runs, checks this.
		var sums [len(store.SummaryRow{}.Counters)]int64
		for _, r := range kept {
			for i, v := range r.Counters {
				sums[i] += v
			}
		}
		for i, v := range sums {
			if v == 0 && !testing.Short() {
				t.Errorf("counter %d never counted anything: the drive misses a case", i)
			}
		}
		n, err := f.db.RebuildSummary(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Fatal("rebuild summarised no dossier")
		}
		rebuilt, err := f.db.SummaryRows(ctx)
		if err != nil {
			t.Fatal(err)
		}
		diffSummaries(t, "daily", kept, rebuilt)
		rebuiltSub, err := f.db.SubtreeRows(ctx)
		if err != nil {
			t.Fatal(err)
		}
		diffSummaries(t, "subtree monthly", keptSub, rebuiltSub)
		rebuiltDays, err := f.db.SubtreeDayRows(ctx)
		if err != nil {
			t.Fatal(err)
		}
		diffSummaries(t, "subtree daily", keptDays, rebuiltDays)
		rebuiltOwn, err := f.db.OwnMonthRows(ctx)
		if err != nil {
			t.Fatal(err)
		}
		diffSummaries(t, "own monthly", keptOwn, rebuiltOwn)
	})
}

// TestSummaryFollowsMovedUnits moves a commune from its district to the
// city: the counters summed by subtree must leave the district for the
// city at once, as a rebuild computes them from the new tree.
func TestSummaryFollowsMovedUnits(t *testing.T) {
	each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, engine)
		driveSummary(t, f, 600, true)
		before, err := f.db.SubtreeRows(ctx)
		if err != nil {
			t.Fatal(err)
		}
		beforeDays, err := f.db.SubtreeDayRows(ctx)
		if err != nil {
			t.Fatal(err)
		}
		moved := *f.cy
		moved.ParentCode = f.city.Code
		if err := f.db.UpsertUnits(ctx, []org.Unit{moved}); err != nil {
			t.Fatal(err)
		}
		kept, err := f.db.SubtreeRows(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if reflect.DeepEqual(before, kept) {
			t.Fatal("moving a unit with counters changed no subtree row")
		}
		keptDays, err := f.db.SubtreeDayRows(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if reflect.DeepEqual(beforeDays, keptDays) {
			t.Fatal("moving a unit with counters changed no subtree day")
		}
		if _, err := f.db.RebuildSummary(ctx); err != nil {
			t.Fatal(err)
		}
		rebuilt, err := f.db.SubtreeRows(ctx)
		if err != nil {
			t.Fatal(err)
		}
		diffSummaries(t, "subtree monthly", kept, rebuilt)
		rebuiltDays, err := f.db.SubtreeDayRows(ctx)
		if err != nil {
			t.Fatal(err)
		}
		diffSummaries(t, "subtree daily", keptDays, rebuiltDays)
		// Saving the units again without a move leaves the rows as they are.
		if err := f.db.UpsertUnits(ctx, []org.Unit{moved}); err != nil {
			t.Fatal(err)
		}
		again, err := f.db.SubtreeRows(ctx)
		if err != nil {
			t.Fatal(err)
		}
		diffSummaries(t, "subtree monthly", again, rebuilt)

		// A unit with units below moves: the paths below follow (units,
		// dossiers), and the subtree it joins counts their dossiers, by
		// the summary and by the scan alike.
		from, to, now := time.Date(2025, 1, 1, 0, 0, 0, 0, ict), time.Date(2025, 7, 1, 0, 0, 0, 0, ict), time.Date(2025, 7, 1, 0, 0, 0, 0, ict)
		district, err := f.db.StatsFiltered(ctx, f.district, from, to, now, false, stats.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		depBefore, err := f.db.StatsFiltered(ctx, f.dep, from, to, now, false, stats.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if district.Received.Online+district.Received.Counter == 0 {
			t.Fatal("the district received nothing: the move would show nothing")
		}
		md := *f.district
		md.ParentCode = f.dep.Code
		if err := f.db.UpsertUnits(ctx, []org.Unit{md}); err != nil {
			t.Fatal(err)
		}
		dep, err := f.db.UnitByCode(ctx, f.dep.Code)
		if err != nil {
			t.Fatal(err)
		}
		cx, err := f.db.UnitByCode(ctx, f.cx.Code)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(cx.Path, dep.Path) {
			t.Fatalf("commune X's path %s is not below the department's %s", cx.Path, dep.Path)
		}
		var stale int
		if err := f.db.ReadDB().QueryRow(`SELECT COUNT(*) FROM dossiers d JOIN units u ON u.id = d.unit_id WHERE d.unit_path <> u.path`).Scan(&stale); err != nil || stale != 0 {
			t.Fatalf("%d dossiers keep a stale path (%v)", stale, err)
		}
		sum, err := f.db.StatsFiltered(ctx, dep, from, to, now, false, stats.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		scan, err := f.db.ScanStats(ctx, dep, from, to, now, false, stats.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(sum, scan) {
			t.Errorf("the department after the move:\nsummary %+v\nscan    %+v", sum, scan)
		}
		if got, want := sum.Received.Online+sum.Received.Counter, depBefore.Received.Online+depBefore.Received.Counter+district.Received.Online+district.Received.Counter; got != want {
			t.Errorf("the department received %d after the move, want %d (its own and the district's)", got, want)
		}
	})
}

// TestSummaryAnswersAsTheScan drives dossiers along the workflow's order
// (time moves forward, ratings after the result) and checks that the
// reports read from the summary equal the scan of the dossiers.
func TestSummaryAnswersAsTheScan(t *testing.T) {
	each(t, func(t *testing.T, engine store.Dialect) {
		f := newFixture(t, engine)
		driveSummary(t, f, 2000, true)
		checkSummaryAnswers(t, f)
	})
}

// driveHorizon is the last time of a realistic drive's changes.
var driveHorizon = time.Date(2025, 4, 10, 12, 0, 0, 0, ict)

// driveSummary runs actions random creations and changes of dossiers
// from four writers, each on its own dossiers. With realistic, each
// dossier's time moves forward and its changes follow the workflow's
// order; without, anything follows anything.
func driveSummary(t *testing.T, f *fixture, actions int, realistic bool) {
	t.Helper()
	ctx := context.Background()
	// One dossier per procedure through the service gives the templates
	// (version ids, applicant, form).
	tmplX := f.submitOnline(t, f.citizenA, f.cx.Code)
	in := f.onlineInput(f.citizenB, f.dep.Code)
	in.Procedure = "2.000908"
	tmplD, _, err := f.svc.Submit(ctx, f.citizenB, in)
	if err != nil {
		t.Fatal(err)
	}
	units := []*org.Unit{f.cx, f.cy, f.dep, f.district}
	pathOf := func(id int64) string {
		for _, u := range units {
			if u.ID == id {
				return u.Path
			}
		}
		return ""
	}
	drive := func(seed int64, n int) error {
		rng := rand.New(rand.NewSource(seed))
		base := time.Date(2025, 1, 1, 0, 0, 0, 0, ict)
		randTime := func() time.Time {
			// 90 days, biased to the hours around local midnight.
			t := base.Add(time.Duration(rng.Intn(90)) * 24 * time.Hour)
			if rng.Intn(3) == 0 {
				return t.Add(time.Duration(rng.Intn(120)-60) * time.Minute)
			}
			return t.Add(time.Duration(rng.Intn(24*60)) * time.Minute)
		}
		ptr := func(t time.Time) *time.Time { return &t }
		var live []*dossier.Dossier
		for i := 0; i < n; i++ {
			if len(live) == 0 || rng.Intn(5) == 0 {
				src := tmplX
				if rng.Intn(3) == 0 {
					src = tmplD
				}
				d := *src
				d.ID, d.Version = 0, 1
				u := units[rng.Intn(3)]
				d.UnitID, d.UnitPath, d.ReceivedUnitID = u.ID, u.Path, u.ID
				d.SubmittedAt = randTime()
				d.UpdatedAt = d.SubmittedAt
				d.Status, d.Channel, d.ReceivedAt = dossier.StatusSubmitted, dossier.ChannelOnline, nil
				if rng.Intn(2) == 0 {
					d.Status, d.Channel, d.ReceivedAt = dossier.StatusReceived, dossier.ChannelCounter, ptr(d.SubmittedAt)
					if rng.Intn(3) == 0 {
						d.Channel = dossier.ChannelPost
					}
					d.LegalDueAt = ptr(d.SubmittedAt.Add(time.Duration(rng.Intn(20*24)) * time.Hour))
					if realistic && rng.Intn(8) == 0 {
						// Due on the reports' "today", before or after now.
						d.LegalDueAt = ptr(driveHorizon.Add(time.Duration(rng.Intn(11*60)) * time.Minute))
					}
				}
				ev := &dossier.Event{At: d.SubmittedAt, ActorName: "x", Role: dossier.RoleApplicant, Action: dossier.ActSubmit,
					To: d.Status, UnitID: u.ID}
				nd, _, err := f.db.CreateDossier(ctx, &dossier.NewDossier{Dossier: &d, UnitCode: u.Code, Event: ev})
				if err != nil {
					return fmt.Errorf("action %d: creating: %w", i, err)
				}
				live = append(live, nd)
				continue
			}
			k := rng.Intn(len(live))
			old := live[k]
			d := *old
			d.Version = old.Version + 1
			at := randTime()
			if realistic {
				// Up to four days after the dossier's last change, and
				// nothing after driveHorizon, the reports' "now".
				at = old.UpdatedAt.Add(time.Duration(rng.Intn(4*24*60)) * time.Minute)
				if at.After(driveHorizon) {
					at = driveHorizon
				}
			}
			d.UpdatedAt = at
			ev := &dossier.Event{At: at, ActorName: "x", Role: "specialist", Action: dossier.ActAssign, From: old.Status, To: old.Status}
			if rng.Intn(4) > 0 {
				ev.UnitID = units[rng.Intn(len(units))].ID
			}
			open := old.Status.Open()
			switch rng.Intn(9) {
			case 0: // transfer
				u := units[rng.Intn(len(units))]
				d.UnitID, d.UnitPath = u.ID, u.Path
			case 1: // receive
				if realistic && old.Status != dossier.StatusSubmitted {
					break
				}
				d.Status = dossier.StatusReceived
				if d.ReceivedAt == nil {
					d.ReceivedAt = ptr(ev.At)
				}
				d.LegalDueAt = ptr(d.ReceivedAt.Add(time.Duration(rng.Intn(20*24)) * time.Hour))
			case 2: // reschedule
				if realistic && !open {
					break
				}
				d.LegalDueAt = ptr(randTime())
				if rng.Intn(5) == 0 {
					d.LegalDueAt = nil
				}
			case 3: // supplementation, a fee, back to processing
				if realistic && !open {
					break
				}
				d.Status = []dossier.Status{dossier.StatusSupplement, dossier.StatusFee, dossier.StatusProcessing}[rng.Intn(3)]
				d.PausedAt = nil
				if rng.Intn(2) == 0 {
					d.PausedAt = ptr(ev.At)
				}
				if d.Status == dossier.StatusSupplement {
					d.SupplementRequests++
				}
				d.FinishedAt = nil
			case 4, 5: // finish, withdraw, stop
				if realistic && !open {
					break
				}
				d.Status = []dossier.Status{dossier.StatusFinished, dossier.StatusWithdrawn, dossier.StatusStopped}[rng.Intn(3)]
				d.FinishedAt, d.PausedAt = ptr(ev.At), nil
				d.Verdict = []string{"early", "on_time", "late", ""}[rng.Intn(4)]
				if rng.Intn(3) == 0 {
					// Returned to the receiving desk.
					d.UnitID = d.ReceivedUnitID
					d.UnitPath = pathOf(d.UnitID)
				}
			case 6: // deliver
				if d.Status == dossier.StatusFinished {
					d.Status = dossier.StatusDelivered
					d.UnitID = d.ReceivedUnitID
					d.UnitPath = pathOf(d.UnitID)
				}
			case 7: // rate
				if realistic && d.Status != dossier.StatusDelivered {
					break
				}
				if d.Rating == "" {
					ev.Action = dossier.ActRate
					d.Rating = []string{dossier.RatingVerySatisfied, dossier.RatingSatisfied, dossier.RatingDissatisfied}[rng.Intn(3)]
					if rng.Intn(2) == 0 {
						ev.Role = dossier.RoleApplicant
					}
				}
			case 8: // refused, or reopened
				switch {
				case !realistic && rng.Intn(3) == 0, realistic && old.Status == dossier.StatusSubmitted:
					d.Status = dossier.StatusRefused
				case !realistic:
					d.Status, d.FinishedAt = dossier.StatusProcessing, nil
				}
			}
			ev.To = d.Status
			if err := f.db.UpdateDossier(ctx, &d, old.Version, ev, nil); err != nil {
				return fmt.Errorf("action %d: updating: %w", i, err)
			}
			live[k] = &d
		}
		return nil
	}
	errs := make(chan error, 4)
	for w := range 4 {
		go func() { errs <- drive(int64(13+w), actions/4) }()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// diffSummaries reports the rows that differ between the maintained and
// the rebuilt summary, by key.
func diffSummaries(t *testing.T, table string, kept, rebuilt []store.SummaryRow) {
	t.Helper()
	type key struct {
		u, p int64
		d    int
	}
	diffRows(t, table, kept, rebuilt, func(r store.SummaryRow) key { return key{r.Unit, r.Procedure, r.Day} })
}

// diffRows reports the rows that differ between the maintained and the
// rebuilt rows of a counter table, matched by key.
func diffRows[R, K comparable](t *testing.T, table string, kept, rebuilt []R, key func(R) K) {
	t.Helper()
	m := map[K]R{}
	for _, r := range rebuilt {
		m[key(r)] = r
	}
	bad := 0
	for _, r := range kept {
		k := key(r)
		if w, ok := m[k]; !ok || w != r {
			bad++
			if bad <= 5 {
				t.Errorf("%s: maintained %v, rebuilt %v", table, r, w)
			}
		}
		delete(m, k)
	}
	for _, r := range m {
		bad++
		if bad <= 5 {
			t.Errorf("%s: rebuilt only %v", table, r)
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d rows of %d differ", table, bad, len(rebuilt))
	}
}

// checkSummaryAnswers compares the reports read from the summary with the
// scan of the dossiers, over periods before now and around it, for the
// subtrees and own units of the fixture, whole and by group.
func checkSummaryAnswers(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	day := func(m, d int) time.Time { return time.Date(2025, time.Month(m), d, 0, 0, 0, 0, ict) }
	periods := []struct{ from, to, now time.Time }{
		{day(1, 1), day(2, 1), day(6, 1)},
		{day(3, 1), day(5, 1), driveHorizon.Add(3*time.Hour + 37*time.Minute)},
		{day(4, 10), day(4, 11), driveHorizon.Add(time.Hour)},
		{day(2, 1), day(4, 1), day(4, 10)},
		{day(3, 1), day(3, 2), day(3, 1).Add(9 * time.Hour)},
		// Up to now, a time of day (the dashboards' default period, the
		// public index): answered from the summary's whole days.
		{day(3, 1), driveHorizon.Add(2 * time.Hour), driveHorizon.Add(2 * time.Hour)},
		{day(4, 1), driveHorizon.Add(3 * time.Hour), driveHorizon.Add(2 * time.Hour)},
		// Edges inside months: the subtrees read the days between the
		// edges and the nearer end of their months (early in a month
		// forward from its first, late back from the next month's).
		{day(1, 15), day(3, 17), day(6, 1)},
		{day(2, 28), day(3, 1), day(6, 1)},
		{day(1, 31), day(4, 2), day(4, 2)},
		{day(2, 10), day(4, 20), driveHorizon.Add(5 * time.Hour)},
		{day(3, 20), day(4, 10), driveHorizon},
		// One edge on a month's first, the other inside.
		{day(2, 1), day(3, 15), day(6, 1)},
		{day(2, 14), day(4, 1), day(6, 1)},
		// Months after the last change; an edge late in December, read
		// back from the next year's first.
		{day(1, 1), day(12, 1), day(12, 2)},
		{day(1, 3), day(12, 28), day(12, 29)},
	}
	compared := 0
	for _, p := range periods {
		for _, u := range []*org.Unit{f.city, f.district, f.cx, f.dep} {
			for _, own := range []bool{false, true} {
				for _, by := range []string{"", "field", "level", "procedure"} {
					var got []stats.Report
					var err error
					if by == "" {
						var r stats.Report
						r, err = f.db.StatsFiltered(ctx, u, p.from, p.to, p.now, own, stats.Filter{})
						got = []stats.Report{r}
					} else {
						got, err = f.db.StatsRows(ctx, u, p.from, p.to, p.now, own, stats.Filter{}, by)
					}
					if err != nil {
						t.Fatal(err)
					}
					want, err := f.db.ScanStatsRows(ctx, u, p.from, p.to, p.now, own, stats.Filter{}, by)
					if err != nil {
						t.Fatal(err)
					}
					if by == "" {
						r := stats.Report{Unit: u.Code, UnitName: u.Name}
						if len(want) > 0 {
							r = want[0]
						}
						r.Finish()
						want = []stats.Report{r}
					}
					compared++
					if !reflect.DeepEqual(got, want) {
						t.Errorf("%s–%s at %s, %s own=%v by %q:\nsummary %+v\nscan    %+v",
							p.from.Format("02/01"), p.to.Format("02/01"), p.now.Format("02/01 15:04"), u.Code, own, by, got, want)
					}
				}
			}
		}
	}
	if compared == 0 {
		t.Fatal("nothing compared")
	}
	// The units below a unit, in one query, as each unit's own report;
	// and the months of a year as each month's report.
	for _, p := range periods {
		for _, u := range []*org.Unit{f.city, f.district} {
			kids, err := f.db.ChildUnits(ctx, u.Code)
			if err != nil {
				t.Fatal(err)
			}
			if len(kids) == 0 {
				t.Fatalf("%s has no units below", u.Code)
			}
			got, err := f.db.StatsChildren(ctx, u, kids, p.from, p.to, p.now, stats.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			for i := range kids {
				want, err := f.db.StatsFiltered(ctx, &kids[i], p.from, p.to, p.now, false, stats.Filter{})
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got[i], want) {
					t.Errorf("%s–%s at %s, child %s of %s:\ntogether %+v\nalone    %+v",
						p.from.Format("02/01"), p.to.Format("02/01"), p.now.Format("02/01 15:04"), kids[i].Code, u.Code, got[i], want)
				}
			}
		}
	}
	now := day(12, 20)
	// The months of one procedure too (a dashboard narrowed to it), read
	// from the procedures' rows rather than those of all procedures; and
	// that month's report against the scan.
	procs, err := f.db.StatsRows(ctx, f.city, day(1, 1), day(12, 1), now, false, stats.Filter{}, "procedure")
	if err != nil || len(procs) == 0 {
		t.Fatalf("no procedure with figures (%v)", err)
	}
	for _, flt := range []stats.Filter{{}, {Procedure: procs[0].Procedure}} {
		for _, u := range []*org.Unit{f.city, f.district, f.cx} {
			for _, own := range []bool{false, true} {
				months, err := f.db.StatsMonths(ctx, u, day(1, 1), 12, own, flt)
				if err != nil {
					t.Fatal(err)
				}
				seen := 0
				for i, got := range months {
					from := day(1, 1).AddDate(0, i, 0)
					want, err := f.db.StatsFiltered(ctx, u, from, from.AddDate(0, 1, 0), now, own, flt)
					if err != nil {
						t.Fatal(err)
					}
					if flt != (stats.Filter{}) {
						scan, err := f.db.ScanStats(ctx, u, from, from.AddDate(0, 1, 0), now, own, flt)
						if err != nil {
							t.Fatal(err)
						}
						if !reflect.DeepEqual(want, scan) {
							t.Errorf("month %s of %s own=%v, procedure %s:\nsummary %+v\nscan    %+v", from.Format("01/2006"), u.Code, own, flt.Procedure, want, scan)
						}
					}
					want.Received.CarriedOver, want.InProgress, want.FurtherSupplementRequests = 0, stats.InProgress{}, 0
					want.Finish()
					seen += want.Received.Total + want.Finished.Total
					if !reflect.DeepEqual(got, want) {
						t.Errorf("month %s of %s own=%v:\nmonths %+v\nreport %+v", from.Format("01/2006"), u.Code, own, got, want)
					}
				}
				if seen == 0 && (flt == (stats.Filter{}) && (!own || u == f.cx) || u == f.city && !own) {
					t.Errorf("%s own=%v: no month with figures", u.Code, own)
				}
			}
		}
	}
}
