package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	pmt "github.com/motcua/motcua/internal/payment"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestLevel4CountersEqualRebuild drives a random mix of dossier changes
// (creations, transfers, finishes, reopenings, deliveries online and by
// post, result documents) and payments (requests, attempts at a gateway
// and at the desk settled paid or failed, second payments of a paid
// request, refunds, cancellations) from four writers at once, then checks
// that the level-4 counters kept by the upkeep equal, row for row, those
// RebuildSummary recomputes.
func TestLevel4CountersEqualRebuild(t *testing.T) {
	actions := 4000
	if testing.Short() {
		actions = 1200
	}
	each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, engine)
		start := time.Now()
		driveLevel4(t, f, actions)
		t.Logf("%s: %d actions in %v", engine, actions, time.Since(start).Round(time.Millisecond))
		kept, err := f.db.Level4Rows(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		keptSub, err := f.db.Level4Rows(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		// Every counter moved (the drive reached each case), and the
		// city's months hold every daily row.
		var all, city [7]int64
		for _, r := range kept {
			for i, v := range r.Counters {
				all[i] += v
			}
		}
		for _, r := range keptSub {
			if r.Unit == f.city.ID {
				for i, v := range r.Counters {
					city[i] += v
				}
			}
		}
		for i, v := range all {
			if v == 0 {
				t.Errorf("level-4 counter %d never counted anything: the drive misses a case (%v)", i, all)
			}
		}
		if city != all {
			t.Errorf("the city's subtree months sum to %v, the daily rows to %v", city, all)
		}
		if _, err := f.db.RebuildSummary(ctx); err != nil {
			t.Fatal(err)
		}
		rebuilt, err := f.db.Level4Rows(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		rebuiltSub, err := f.db.Level4Rows(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		diffLevel4(t, "daily", kept, rebuilt)
		diffLevel4(t, "subtree monthly", keptSub, rebuiltSub)
		// An upgraded database: the migration creating the counters finds
		// dossiers and payments there, and Migrate fills the counters.
		if err := f.db.MigrateDownTo(ctx, 34); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		migrated, err := f.db.Level4Rows(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		migratedSub, err := f.db.Level4Rows(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		diffLevel4(t, "daily after the migration", kept, migrated)
		diffLevel4(t, "subtree monthly after the migration", keptSub, migratedSub)
	})
}

// TestLevel4CountersAnswerAsTheScan checks that Level4 read from the
// counters equals the scan, for periods with edges inside months, on
// months' firsts, a year, a period running to now, for subtrees and units
// alone; and after a unit moved to another parent.
func TestLevel4CountersAnswerAsTheScan(t *testing.T) {
	each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, engine)
		driveLevel4(t, f, 1500)
		checkLevel4Answers(t, f)
		// A district moves under the department: the subtree months follow.
		md := *f.district
		md.ParentCode = f.dep.Code
		if err := f.db.UpsertUnits(ctx, []org.Unit{md}); err != nil {
			t.Fatal(err)
		}
		for _, u := range []**org.Unit{&f.city, &f.district, &f.cx, &f.cy, &f.dep} {
			n, err := f.db.UnitByCode(ctx, (*u).Code)
			if err != nil {
				t.Fatal(err)
			}
			*u = n
		}
		checkLevel4Answers(t, f)
	})
}

func checkLevel4Answers(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	day := func(m, d int) time.Time { return time.Date(2025, time.Month(m), d, 0, 0, 0, 0, ict) }
	toNow := time.Now()
	periods := []struct{ from, to time.Time }{
		{day(1, 1), day(2, 1)},
		{day(3, 1), day(5, 1)},
		{day(1, 1), time.Date(2026, 1, 1, 0, 0, 0, 0, ict)}, // a year
		{day(1, 15), day(3, 17)},
		{day(2, 28), day(3, 1)},
		{day(1, 31), day(4, 2)},
		{day(2, 10), day(4, 20)},
		{day(3, 20), day(4, 10)},
		{day(2, 1), day(3, 15)},
		{day(2, 14), day(4, 1)},
		{day(1, 3), day(12, 28)},
		{day(3, 5), day(3, 6)},
		// Running to now (a time of day): the counters to the next
		// midnight, the scan to now.
		{day(2, 1), toNow},
		// Not whole days: both scan.
		{day(2, 1).Add(5 * time.Hour), day(3, 1)},
	}
	compared, nonzero := 0, 0
	for _, p := range periods {
		for _, u := range []*org.Unit{f.city, f.district, f.cx, f.cy, f.dep} {
			for _, own := range []bool{false, true} {
				now := time.Now()
				if p.to.Equal(toNow) {
					now = toNow // the dashboards' default: the period's end is the request's now
				}
				got, err := f.db.Level4(ctx, u, p.from, p.to, now, own)
				if err != nil {
					t.Fatal(err)
				}
				want, err := f.db.ScanLevel4(ctx, u, p.from, p.to, own)
				if err != nil {
					t.Fatal(err)
				}
				compared++
				if want.FeesPaid > 0 && want.OnlineTransactions > 0 && want.SolvedFullyOnline > 0 && want.ResultsElectronic > 0 {
					nonzero++
				}
				if got != want {
					t.Errorf("%s–%s %s own=%v:\ncounters %+v\nscan     %+v", p.from.Format("02/01/06 15:04"), p.to.Format("02/01/06 15:04"), u.Code, own, got, want)
				}
			}
		}
	}
	if nonzero < compared/4 {
		t.Fatalf("only %d of %d comparisons had every kind of figure: the check shows little", nonzero, compared)
	}
}

// driveLevel4 runs actions random changes of dossiers and payments from
// four writers, each on its own dossiers. Anything follows anything, at
// random times of 2025's first 90 days, biased to local midnight.
func driveLevel4(t *testing.T, f *fixture, actions int) {
	t.Helper()
	ctx := context.Background()
	tmpl := f.submitOnline(t, f.citizenA, f.cx.Code)
	units := []*org.Unit{f.cx, f.cy, f.dep, f.district}
	var refs atomic.Int64
	drive := func(seed int64, n int) error {
		rng := rand.New(rand.NewSource(seed))
		base := time.Date(2025, 1, 1, 0, 0, 0, 0, ict)
		randTime := func() time.Time {
			t := base.Add(time.Duration(rng.Intn(90)) * 24 * time.Hour)
			if rng.Intn(3) == 0 {
				return t.Add(time.Duration(rng.Intn(120)-60) * time.Minute)
			}
			return t.Add(time.Duration(rng.Intn(24*60)) * time.Minute)
		}
		ptr := func(t time.Time) *time.Time { return &t }
		var live []*dossier.Dossier
		// pay opens (or finds) the dossier's request and tries to pay it.
		pay := func(d *dossier.Dossier) error {
			r, err := f.db.OpenRequest(ctx, &pmt.Request{DossierID: d.ID, UnitID: d.UnitID, Amount: 50000 + int64(rng.Intn(5))*10000,
				Lines: []pmt.Line{{Kind: "fee", Code: "L", Name: "Lệ phí", Amount: 50000}}, CreatedAt: randTime()})
			if err != nil {
				return err
			}
			gw := []string{"vnpay", "payplatform", pmt.GatewayCash}[rng.Intn(3)]
			a := &pmt.Attempt{RequestID: r.ID, Gateway: gw, Ref: fmt.Sprintf("T%d", refs.Add(1)), Amount: r.Amount, CreatedAt: randTime()}
			if err := f.db.AddAttempt(ctx, a); err != nil {
				if strings.Contains(err.Error(), "no longer open") {
					return nil
				}
				return err
			}
			switch rng.Intn(5) {
			case 0:
				return f.db.FailAttempt(ctx, a.Ref, "24", randTime())
			case 1:
				_, _, err = f.db.SettleAttempt(ctx, pmt.Settlement{Ref: a.Ref, Amount: a.Amount, Paid: false, Code: "51"}, randTime())
			default:
				s := pmt.Settlement{Ref: a.Ref, Amount: a.Amount, Paid: true, Code: "00"}
				if rng.Intn(2) == 0 {
					s.PaidAt = randTime()
				}
				_, _, err = f.db.SettleAttempt(ctx, s, randTime())
			}
			return err
		}
		for i := 0; i < n; i++ {
			if len(live) == 0 || rng.Intn(6) == 0 {
				d := *tmpl
				d.ID, d.Version = 0, 1
				u := units[rng.Intn(len(units))]
				d.UnitID, d.UnitPath, d.ReceivedUnitID = u.ID, u.Path, u.ID
				d.SubmittedAt = randTime()
				d.UpdatedAt = d.SubmittedAt
				d.Status, d.Channel, d.ReceivedAt = dossier.StatusReceived, dossier.ChannelOnline, ptr(d.SubmittedAt)
				if rng.Intn(3) == 0 {
					d.Channel = dossier.ChannelCounter
				}
				d.FeeVND = []int64{0, 0, 50000}[rng.Intn(3)]
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
			switch rng.Intn(12) {
			case 0, 1, 2: // a payment
				if err := pay(old); err != nil {
					return fmt.Errorf("action %d: paying: %w", i, err)
				}
				continue
			case 3: // a refund of a paid request
				rs, err := f.db.Requests(ctx, old.ID)
				if err != nil {
					return err
				}
				for _, r := range rs {
					if r.State == pmt.Paid {
						if err := f.db.FlagRefund(ctx, r.ID); err != nil {
							return err
						}
						if _, err := f.db.MarkRefunded(ctx, old.ID, r.ID); err != nil {
							return fmt.Errorf("action %d: refunding: %w", i, err)
						}
						break
					}
				}
				continue
			case 4: // open requests of dossiers no longer waiting, cancelled
				if rng.Intn(4) == 0 {
					if _, err := f.db.CancelAbandoned(ctx); err != nil {
						return fmt.Errorf("action %d: cancelling: %w", i, err)
					}
				}
				continue
			}
			d := *old
			d.Version = old.Version + 1
			at := randTime()
			d.UpdatedAt = at
			ev := &dossier.Event{At: at, ActorName: "x", Role: "specialist", Action: dossier.ActAssign, From: old.Status, To: old.Status,
				UnitID: d.UnitID}
			var docs []dossier.Document
			switch rng.Intn(8) {
			case 0: // transfer
				u := units[rng.Intn(len(units))]
				d.UnitID, d.UnitPath = u.ID, u.Path
			case 1, 2: // finish (or withdraw), with or without a result document
				d.Status = []dossier.Status{dossier.StatusFinished, dossier.StatusFinished, dossier.StatusWithdrawn}[rng.Intn(3)]
				d.FinishedAt, d.DeliveredAt = ptr(at), nil
				ev.Action = dossier.ActFinish
				if rng.Intn(2) == 0 {
					docs = append(docs, dossier.Document{Kind: dossier.DocResult, Filename: "kq.pdf", ContentType: "application/pdf",
						Size: 10, SHA256: fmt.Sprintf("%064d", rng.Int63()), StorageKey: fmt.Sprintf("kq-%d", refs.Add(1)), UploadedAt: at})
				}
			case 3, 4: // deliver, online or not
				d.Status, d.DeliveredAt = dossier.StatusDelivered, ptr(at)
				ev.Action = dossier.ActDeliver
				ev.Data = dossier.DeliverData{Method: []string{"online", "online", "post", "counter"}[rng.Intn(4)]}
			case 5: // a result document added later
				docs = append(docs, dossier.Document{Kind: dossier.DocResult, Filename: "kq.pdf", ContentType: "application/pdf",
					Size: 10, SHA256: fmt.Sprintf("%064d", rng.Int63()), StorageKey: fmt.Sprintf("kq-%d", refs.Add(1)), UploadedAt: at})
			case 6: // reopened
				d.Status, d.FinishedAt, d.DeliveredAt = dossier.StatusProcessing, nil, nil
			case 7: // waiting for the fee
				d.Status = dossier.StatusFee
			}
			ev.To = d.Status
			if err := f.db.UpdateDossier(ctx, &d, old.Version, ev, docs); err != nil {
				return fmt.Errorf("action %d: updating: %w", i, err)
			}
			live[k] = &d
		}
		return nil
	}
	errs := make(chan error, 4)
	for w := range 4 {
		go func() { errs <- drive(int64(29+w), actions/4) }()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// diffLevel4 reports the rows that differ between the maintained and the
// rebuilt level-4 counters, by key.
func diffLevel4(t *testing.T, table string, kept, rebuilt []store.Level4Row) {
	t.Helper()
	type key struct {
		u int64
		p int
	}
	diffRows(t, table, kept, rebuilt, func(r store.Level4Row) key { return key{r.Unit, r.Period} })
	if len(rebuilt) == 0 {
		t.Errorf("%s: no rows rebuilt", table)
	}
}

// BenchmarkLevel4 times the city's Level4 for last calendar year, from the
// counters and by the scan, on a store of MOTCUA_L4BENCH_DOSSIERS dossiers
// (default 50 000) over three years ending today, 132 units, with paid
// requests (gateway and desk), attempts and result documents, written
// directly and counted by RebuildSummary.
func BenchmarkLevel4(b *testing.B) {
	n := 50000
	if v, err := strconv.Atoi(os.Getenv("MOTCUA_L4BENCH_DOSSIERS")); err == nil && v > 0 {
		n = v
	}
	for _, e := range storetest.Engines {
		b.Run(string(e), func(b *testing.B) {
			ctx := context.Background()
			db := storetest.Open(b, e)
			city := fillLevel4Bench(b, db, n)
			y := time.Now().In(store.Zone).Year() - 1
			from, to := time.Date(y, 1, 1, 0, 0, 0, 0, store.Zone), time.Date(y+1, 1, 1, 0, 0, 0, 0, store.Zone)
			want, err := db.ScanLevel4(ctx, city, from, to, false)
			if err != nil {
				b.Fatal(err)
			}
			got, err := db.Level4(ctx, city, from, to, time.Now(), false)
			if err != nil {
				b.Fatal(err)
			}
			if got != want || want.FeesPaid == 0 || want.ResultsElectronic == 0 {
				b.Fatalf("counters %+v, scan %+v", got, want)
			}
			b.Logf("%s, %d dossiers, the city's %d: %+v", e, n, y, want)
			b.Run("scan", func(b *testing.B) {
				for b.Loop() {
					if _, err := db.ScanLevel4(ctx, city, from, to, false); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("counters", func(b *testing.B) {
				for b.Loop() {
					if _, err := db.Level4(ctx, city, from, to, time.Now(), false); err != nil {
						b.Fatal(err)
					}
				}
			})
			// Edges inside months: the windows of daily rows.
			mf, mt := time.Date(y, 2, 10, 0, 0, 0, 0, store.Zone), time.Date(y, 11, 20, 0, 0, 0, 0, store.Zone)
			b.Run("counters-mid-month", func(b *testing.B) {
				for b.Loop() {
					if _, err := db.Level4(ctx, city, mf, mt, time.Now(), false); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// fillLevel4Bench writes n dossiers of a city of 12 districts of 10
// communes, with their payments and result documents, and rebuilds the
// counters; it answers the city.
func fillLevel4Bench(b *testing.B, db *store.DB, n int) *org.Unit {
	b.Helper()
	ctx := context.Background()
	units := []org.Unit{{Code: "B.00", Name: "Thành phố", Kind: org.KindCity}}
	for i := range 12 {
		dc := fmt.Sprintf("B.%02d", i+1)
		units = append(units, org.Unit{Code: dc, Name: "Quận " + dc, Kind: org.KindDistrict, ParentCode: "B.00"})
		for j := range 10 {
			units = append(units, org.Unit{Code: fmt.Sprintf("%s.%02d", dc, j), Name: "Phường", Kind: org.KindCommune, ParentCode: dc})
		}
	}
	if err := db.UpsertUnits(ctx, units); err != nil {
		b.Fatal(err)
	}
	if rep, err := db.ImportCatalogue(ctx, []catalog.Spec{marriageSpec()}); err != nil || len(rep.Rejected) > 0 {
		b.Fatalf("import: %v %v", err, rep.Rejected)
	}
	var procID, verID int64
	if err := db.ReadDB().QueryRow(`SELECT procedure_id, id FROM procedure_versions LIMIT 1`).Scan(&procID, &verID); err != nil {
		b.Fatal(err)
	}
	var all []*org.Unit
	for _, u := range units {
		x, err := db.UnitByCode(ctx, u.Code)
		if err != nil {
			b.Fatal(err)
		}
		all = append(all, x)
	}
	rng := rand.New(rand.NewSource(766))
	today := time.Now().In(store.Zone)
	start := today.AddDate(-3, 0, 0)
	span := today.Sub(start)
	for done := 0; done < n; {
		err := db.WriteTx(ctx, func(tx *sql.Tx) error {
			for k := 0; k < 2000 && done < n; k, done = k+1, done+1 {
				at := start.Add(time.Duration(float64(span) * float64(done) / float64(n))).UTC()
				u := all[1+rng.Intn(len(all)-1)]
				channel := []string{"online", "online", "counter"}[rng.Intn(3)]
				var fin, deliv any
				status := []int{2, 4, 9, 10, 10, 10}[rng.Intn(6)]
				if status >= 9 {
					fin = at.AddDate(0, 0, rng.Intn(9))
					if status == 10 {
						deliv = fin.(time.Time).Add(time.Hour)
					}
				}
				var id int64
				err := tx.QueryRowContext(ctx, `INSERT INTO dossiers (code, procedure_id, procedure_version_id, unit_id, unit_path,
						received_unit_id, applicant, applicant_name, applicant_folded, applicant_id_number, channel, form, status, substate,
						submitted_at, received_at, finished_at, delivered_at, fee, step_index, step_started_at, version, updated_at)
					VALUES ($1, $2, $3, $4, $5, $4, '{}', 'A', 'a', '001', $6, '{}', $7, '', $8, $8, $9, $10, $11, 0, $8, 1, $8) RETURNING id`,
					fmt.Sprintf("B-%d", done), procID, verID, u.ID, u.Path, channel, status, at, fin, deliv, 50000*rng.Intn(2)).Scan(&id)
				if err != nil {
					return err
				}
				if fin != nil && rng.Intn(10) < 6 {
					if _, err := tx.ExecContext(ctx, `INSERT INTO documents (dossier_id, kind, filename, content_type, size, sha256, storage_key, uploaded_at)
						VALUES ($1, 'result', 'kq.pdf', 'application/pdf', 1, 'x', $2, $3)`, id, fmt.Sprintf("kq-%d", id), fin); err != nil {
						return err
					}
				}
				if rng.Intn(10) < 4 {
					paid := at.Add(time.Duration(rng.Intn(72)) * time.Hour)
					gw, method := "vnpay", "online"
					if rng.Intn(3) == 0 {
						gw, method = "cash", "cash"
					}
					var req int64
					if err := tx.QueryRowContext(ctx, `INSERT INTO payment_requests (dossier_id, unit_id, lines, amount, state, method, created_at, paid_at)
						VALUES ($1, $2, '[]', 50000, 'paid', $3, $4, $5) RETURNING id`, id, u.ID, method, at, paid).Scan(&req); err != nil {
						return err
					}
					if _, err := tx.ExecContext(ctx, `INSERT INTO payment_attempts (request_id, gateway, ref, amount, state, created_at, settled_at)
						VALUES ($1, $2, $3, 50000, 'paid', $4, $5)`, req, gw, fmt.Sprintf("R%d", req), at, paid); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if _, err := db.RebuildSummary(ctx); err != nil {
		b.Fatal(err)
	}
	if db.Dialect() == store.Postgres {
		if _, err := db.ReadDB().Exec(`ANALYZE`); err != nil {
			b.Fatal(err)
		}
	}
	return all[0]
}
