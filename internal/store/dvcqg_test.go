package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/store"
)

func TestSyncLease(t *testing.T) {
	each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, engine)
		d := f.submitOnline(t, f.citizenA, f.cx.Code)
		now := f.now
		steps := []struct {
			name  string
			by    string
			at    time.Time
			until time.Time
			ok    bool
		}{
			{"first holder takes it", "a", now, now.Add(time.Minute), true},
			{"second holder is refused while it runs", "b", now.Add(30 * time.Second), now.Add(2 * time.Minute), false},
			{"the first holder itself is refused too", "a", now.Add(59 * time.Second), now.Add(2 * time.Minute), false},
			{"a lapsed lease is taken over", "b", now.Add(61 * time.Second), now.Add(3 * time.Minute), true},
		}
		for _, s := range steps {
			st, ok, err := f.db.TakeSyncLease(ctx, d.ID, s.by, s.at, s.until)
			if err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			if ok != s.ok {
				t.Fatalf("%s: ok = %v, want %v", s.name, ok, s.ok)
			}
			if st.DossierID != d.ID || st.Code != d.Code || st.EventCount != 1 {
				t.Fatalf("%s: state %+v", s.name, st)
			}
		}
		// "a" lost it: its records are refused and change nothing.
		if err := f.db.SyncSucceeded(ctx, d.ID, "a", 1, now); !errors.Is(err, store.ErrLeaseLost) {
			t.Fatalf("success by the lapsed holder: %v, want ErrLeaseLost", err)
		}
		if err := f.db.SyncFailed(ctx, d.ID, "a", true, "x", now); !errors.Is(err, store.ErrLeaseLost) {
			t.Fatalf("failure by the lapsed holder: %v, want ErrLeaseLost", err)
		}
		st, err := f.db.SyncState(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if st.Created || st.SyncedSeq != 0 || st.Attempts != 0 || st.LeaseBy != "b" || st.LeaseUntil == nil {
			t.Fatalf("state after the lapsed holder's records: %+v", st)
		}
		// "b" releases it: anyone may take it again at once.
		if err := f.db.ReleaseSyncLease(ctx, d.ID, "b"); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := f.db.TakeSyncLease(ctx, d.ID, "c", now, now.Add(time.Minute)); err != nil || !ok {
			t.Fatalf("after release: ok=%v err=%v", ok, err)
		}
	})
}

func TestSyncLeaseConcurrent(t *testing.T) {
	each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, engine)
		d := f.submitOnline(t, f.citizenA, f.cx.Code)
		const n = 8
		var wg sync.WaitGroup
		var mu sync.Mutex
		won := 0
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, ok, err := f.db.TakeSyncLease(ctx, d.ID, string(rune('a'+i)), f.now, f.now.Add(time.Minute))
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					won++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if won != 1 {
			t.Fatalf("%d holders took the lease at once, want 1", won)
		}
	})
}

func TestSyncStateAndBacklog(t *testing.T) {
	each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, engine)
		behind := f.submitOnline(t, f.citizenA, f.cx.Code)
		failing := f.submitOnline(t, f.citizenB, f.cx.Code)
		upToDate := f.submitOnline(t, f.citizenA, f.cy.Code)
		never := f.submitOnline(t, f.citizenB, f.cy.Code)
		at := f.now

		push := func(d *dossier.Dossier, seq int64) {
			t.Helper()
			if _, ok, err := f.db.TakeSyncLease(ctx, d.ID, "w", at, at.Add(time.Minute)); err != nil || !ok {
				t.Fatalf("lease: %v %v", ok, err)
			}
			if err := f.db.SyncSucceeded(ctx, d.ID, "w", seq, at); err != nil {
				t.Fatal(err)
			}
		}
		push(behind, 1)
		push(upToDate, 1)
		// behind gets a second event after its push.
		f.act(t, f.recX, behind, dossier.Command{Action: dossier.ActReceive})
		if _, ok, err := f.db.TakeSyncLease(ctx, failing.ID, "w", at, at.Add(time.Minute)); err != nil || !ok {
			t.Fatalf("lease: %v %v", ok, err)
		}
		if err := f.db.SyncFailed(ctx, failing.ID, "w", true, "the national portal refused the create: error_code 5: Sai mã thủ tục", at.Add(time.Second)); err != nil {
			t.Fatal(err)
		}

		cases := []struct {
			name      string
			d         *dossier.Dossier
			created   bool
			synced    int64
			events    int64
			attempts  int
			lastError bool
			upToDate  bool
		}{
			{"behind", behind, true, 1, 2, 0, false, false},
			{"failing", failing, true, 0, 1, 1, true, false},
			{"up to date", upToDate, true, 1, 1, 0, false, true},
			{"never pushed", never, false, 0, 1, 0, false, false},
		}
		for _, c := range cases {
			st, err := f.db.SyncState(ctx, c.d.ID)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if st.Created != c.created || st.SyncedSeq != c.synced || st.EventCount != c.events || st.Attempts != c.attempts ||
				(st.LastError != "") != c.lastError || st.UpToDate() != c.upToDate || st.LeaseUntil != nil {
				t.Errorf("%s: %+v", c.name, st)
			}
		}
		if _, err := f.db.SyncState(ctx, 987654); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("unknown dossier: %v, want NotFound", err)
		}

		got, err := f.db.SyncBacklog(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		codes := map[string]bool{}
		for _, s := range got {
			codes[s.Code] = true
		}
		if len(got) != 2 || !codes[behind.Code] || !codes[failing.Code] {
			t.Fatalf("backlog %+v, want %s and %s", got, behind.Code, failing.Code)
		}
		if one, err := f.db.SyncBacklog(ctx, 1); err != nil || len(one) != 1 {
			t.Fatalf("backlog limited to 1: %d rows, %v", len(one), err)
		}
		// A success clears the failure and its attempts.
		push(failing, 1)
		st, err := f.db.SyncState(ctx, failing.ID)
		if err != nil || !st.UpToDate() || st.Attempts != 0 {
			t.Fatalf("after success: %+v %v", st, err)
		}
		// An older seq never moves synced_seq back.
		push(behind, 2)
		push(behind, 1)
		if st, err := f.db.SyncState(ctx, behind.ID); err != nil || st.SyncedSeq != 2 {
			t.Fatalf("synced_seq went back: %+v %v", st, err)
		}
	})
}

func TestSyncSource(t *testing.T) {
	each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, engine)
		d := f.submitOnline(t, f.citizenA, f.cx.Code)
		f.act(t, f.recX, d, dossier.Command{Action: dossier.ActReceive})
		src, err := f.db.SyncSource(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if src.Seq != 2 || len(src.Dossier.Events) != 2 || src.Dossier.Code != d.Code || src.Dossier.Status != dossier.StatusReceived {
			t.Fatalf("source: seq %d, %d events, %s status %d", src.Seq, len(src.Dossier.Events), src.Dossier.Code, src.Dossier.Status)
		}
		if src.Field != "Hộ tịch" || src.ReceivedUnitCode != f.cx.Code || src.ExternalCode != "" || src.OwnerVNeID || src.PaidOnline {
			t.Fatalf("source: %+v", src)
		}
		if len(src.Dossier.Documents) != 2 {
			t.Fatalf("documents: %d, want 2", len(src.Dossier.Documents))
		}
		if _, err := f.db.SyncSource(ctx, 987654); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("unknown dossier: %v, want NotFound", err)
		}
	})
}

func TestExternalCode(t *testing.T) {
	each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, engine)
		mk := func(ext string) (*dossier.Dossier, error) {
			in := f.onlineInput(f.citizenA, f.cx.Code)
			d := &dossier.Dossier{ProcedureCode: "1.000894", UnitID: f.cx.ID, UnitCode: f.cx.Code, UnitPath: f.cx.Path, ReceivedUnitID: f.cx.ID,
				Applicant: *in.Account, Channel: dossier.ChannelOnline, Status: dossier.StatusSubmitted, Form: map[string]any{},
				SubmittedAt: f.now, StepStartedAt: f.now, UpdatedAt: f.now, Version: 1}
			p, err := f.db.ProcedureInForce(ctx, "1.000894", f.now)
			if err != nil {
				t.Fatal(err)
			}
			d.ProcedureVersionID = p.Current.ID
			ev := &dossier.Event{At: f.now, ActorName: "Cổng DVCQG", Role: dossier.RoleSystem, Action: dossier.ActSubmit, To: dossier.StatusSubmitted, UnitID: f.cx.ID}
			out, _, err := f.db.CreateDossier(ctx, &dossier.NewDossier{Dossier: d, UnitCode: f.cx.Code, Event: ev, ExternalCode: ext})
			return out, err
		}
		a, err := mk("G22.99-251205-0001")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := mk("G22.99-251205-0001"); err == nil {
			t.Fatal("a second dossier with the same external code was stored")
		}
		// Our own dossiers have none, and any number of them may exist.
		for range 2 {
			if _, err := mk(""); err != nil {
				t.Fatal(err)
			}
		}
		got, err := f.db.DossierByExternalCode(ctx, "G22.99-251205-0001")
		if err != nil || got.Code != a.Code {
			t.Fatalf("by external code: %v %v", got, err)
		}
		if _, err := f.db.DossierByExternalCode(ctx, "nope"); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("unknown external code: %v", err)
		}
		src, err := f.db.SyncSource(ctx, a.ID)
		if err != nil || src.ExternalCode != "G22.99-251205-0001" {
			t.Fatalf("source of an external dossier: %+v %v", src, err)
		}
	})
}
