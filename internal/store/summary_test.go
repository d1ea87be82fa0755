package store_test

import (
	"context"
	"fmt"
	"math/rand"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/store"
)

// TestSummaryEqualsRebuild drives a random mix of creations and state
// changes through the store's write path (the upkeep runs in each event's
// transaction), then checks that the maintained summary equals, row for
// row, the one RebuildSummary recomputes from the dossiers and events.
// The changes are not the workflow's: any state may follow any other, so
// that every way a counter can move is exercised.
func TestSummaryEqualsRebuild(t *testing.T) {
	actions := 10000
	if testing.Short() {
		actions = 1500
	}
	each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, engine)
		start := time.Now()
		// One dossier per procedure through the service gives the
		// templates (version ids, applicant, form).
		tmplX := f.submitOnline(t, f.citizenA, f.cx.Code)
		in := f.onlineInput(f.citizenB, f.dep.Code)
		in.Procedure = "2.000908"
		tmplD, _, err := f.svc.Submit(ctx, f.citizenB, in)
		if err != nil {
			t.Fatal(err)
		}
		units := []*org.Unit{f.cx, f.cy, f.dep, f.district}
		// Four writers, each on its own dossiers, as the server's
		// concurrent requests: the upkeeps of concurrent transactions
		// must add up.
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
					d.Status, d.Channel, d.ReceivedAt = dossier.StatusSubmitted, dossier.ChannelOnline, nil
					if rng.Intn(2) == 0 {
						d.Status, d.Channel, d.ReceivedAt = dossier.StatusReceived, dossier.ChannelCounter, ptr(d.SubmittedAt)
						d.LegalDueAt = ptr(d.SubmittedAt.Add(time.Duration(rng.Intn(20*24)) * time.Hour))
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
				ev := &dossier.Event{At: randTime(), ActorName: "x", Role: "specialist", Action: dossier.ActAssign, From: old.Status, To: old.Status}
				if rng.Intn(4) > 0 {
					ev.UnitID = units[rng.Intn(len(units))].ID
				}
				switch rng.Intn(9) {
				case 0: // transfer
					u := units[rng.Intn(len(units))]
					d.UnitID, d.UnitPath = u.ID, u.Path
				case 1: // receive
					d.Status = dossier.StatusReceived
					if d.ReceivedAt == nil {
						d.ReceivedAt = ptr(ev.At)
					}
					d.LegalDueAt = ptr(d.ReceivedAt.Add(time.Duration(rng.Intn(20*24)) * time.Hour))
				case 2: // reschedule
					d.LegalDueAt = ptr(randTime())
					if rng.Intn(5) == 0 {
						d.LegalDueAt = nil
					}
				case 3: // supplementation, a fee, back to processing
					d.Status = []dossier.Status{dossier.StatusSupplement, dossier.StatusFee, dossier.StatusProcessing}[rng.Intn(3)]
					d.PausedAt = nil
					if rng.Intn(2) == 0 {
						d.PausedAt = ptr(randTime())
					}
					if d.Status == dossier.StatusSupplement {
						d.SupplementRequests++
					}
					d.FinishedAt = nil
				case 4, 5: // finish, withdraw, stop
					d.Status = []dossier.Status{dossier.StatusFinished, dossier.StatusWithdrawn, dossier.StatusStopped}[rng.Intn(3)]
					d.FinishedAt, d.PausedAt = ptr(ev.At), nil
					d.Verdict = []string{"early", "on_time", "late", ""}[rng.Intn(4)]
					if rng.Intn(3) == 0 {
						// Returned to the receiving desk.
						d.UnitID = d.ReceivedUnitID
						for _, u := range units {
							if u.ID == d.UnitID {
								d.UnitPath = u.Path
							}
						}
					}
				case 6: // deliver
					if d.Status == dossier.StatusFinished {
						d.Status = dossier.StatusDelivered
						d.UnitID = d.ReceivedUnitID
						for _, u := range units {
							if u.ID == d.UnitID {
								d.UnitPath = u.Path
							}
						}
					}
				case 7: // rate
					if d.Rating == "" {
						ev.Action = dossier.ActRate
						d.Rating = []string{dossier.RatingVerySatisfied, dossier.RatingSatisfied, dossier.RatingDissatisfied}[rng.Intn(3)]
						if rng.Intn(2) == 0 {
							ev.Role = dossier.RoleApplicant
						}
					}
				case 8: // refused, or reopened
					if rng.Intn(3) == 0 {
						d.Status = dossier.StatusRefused
					} else {
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
		t.Logf("%s: %d actions in %v", engine, actions, time.Since(start).Round(time.Millisecond))
		kept, err := f.db.SummaryRows(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// Every counter moved: the drive reached each case.
		var sums [19]int64
		for _, r := range kept {
			for i, v := range r.Counters {
				sums[i] += v
			}
		}
		for i, v := range sums {
			if v == 0 {
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
		diffSummaries(t, kept, rebuilt)
	})
}

// diffSummaries reports the rows that differ between the maintained and
// the rebuilt summary, by key.
func diffSummaries(t *testing.T, kept, rebuilt []store.SummaryRow) {
	t.Helper()
	type key struct {
		u, p int64
		d    int
	}
	m := map[key]store.SummaryRow{}
	for _, r := range rebuilt {
		m[key{r.Unit, r.Procedure, r.Day}] = r
	}
	bad := 0
	for _, r := range kept {
		k := key{r.Unit, r.Procedure, r.Day}
		if w, ok := m[k]; !ok || w != r {
			bad++
			if bad <= 5 {
				t.Errorf("maintained %v, rebuilt %v", r, w)
			}
		}
		delete(m, k)
	}
	for _, r := range m {
		bad++
		if bad <= 5 {
			t.Errorf("rebuilt only %v", r)
		}
	}
	if bad > 0 {
		t.Errorf("%d rows of %d differ", bad, len(rebuilt))
	}
}
