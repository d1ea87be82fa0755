package store_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/store"
)

// batchRecorder is a batch event hook that records each call's events and
// checks, inside the transaction, that their rows are there.
type batchRecorder struct {
	mu    sync.Mutex
	calls [][]int64 // event ids per call
	err   error     // answered by every call
	bad   []string
}

func (r *batchRecorder) hook(ctx context.Context, tx *sql.Tx, evs []store.EventRef) error {
	ids := make([]int64, len(evs))
	for i, e := range evs {
		ids[i] = e.Event.ID
		var n int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM events WHERE id = $1 AND dossier_id = $2`, e.Event.ID, e.Dossier.ID).Scan(&n)
		if err != nil || n != 1 {
			r.mu.Lock()
			r.bad = append(r.bad, e.Dossier.Code)
			r.mu.Unlock()
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, ids)
	return r.err
}

// TestEventsHookOncePerTransaction, on both engines: a batch hook runs
// once per transaction, inside it, with every event it wrote: all the
// submissions of a group commit at once (on SQLite, submissions queued
// while the writer is busy form one group), the one event of an update
// alone; its error rolls the whole transaction back.
func TestEventsHookOncePerTransaction(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		rec := &batchRecorder{}
		f.db.OnEvents(rec.hook)

		// Hold the writer so that the submissions queue behind it.
		held, release := make(chan struct{}), make(chan struct{})
		go f.db.WriteTx(ctx, func(*sql.Tx) error { close(held); <-release; return nil })
		<-held
		const n = 12
		var wg sync.WaitGroup
		codes := make(chan string, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a := f.citizenA
				if i%2 == 1 {
					a = f.citizenB
				}
				d, _, err := f.svc.Submit(ctx, a, f.onlineInput(a, f.cx.Code))
				if err != nil {
					t.Error(err)
					return
				}
				codes <- d.Code
			}()
		}
		// Long enough for the submissions to queue (they do not wait on
		// the store for anything else); a shorter wait makes the groups
		// smaller, which the checks below allow on PostgreSQL only.
		time.Sleep(200 * time.Millisecond)
		close(release)
		wg.Wait()
		close(codes)
		seen := map[int64]bool{}
		largest := 0
		for _, ids := range rec.calls {
			largest = max(largest, len(ids))
			for _, id := range ids {
				if id == 0 || seen[id] {
					t.Fatalf("event id %d twice or unset in %v", id, rec.calls)
				}
				seen[id] = true
			}
		}
		if len(seen) != n || len(rec.bad) > 0 {
			t.Fatalf("%d events hooked, want %d; not in the hook's transaction: %v", len(seen), n, rec.bad)
		}
		if e == store.SQLite && largest < 2 {
			t.Errorf("queued submissions hooked one by one: %v", rec.calls)
		}

		// An update: one call, one event.
		d, err := f.db.DossierByCode(ctx, <-codes)
		if err != nil {
			t.Fatal(err)
		}
		rec.calls = nil
		d = f.act(t, f.recX, d, dossier.Command{Action: dossier.ActReceive})
		if len(rec.calls) != 1 || len(rec.calls[0]) != 1 {
			t.Fatalf("an update's hook calls: %v", rec.calls)
		}

		// A failing hook: neither the submission nor the update is written.
		rec.err = errors.New("the queue is full")
		before, err := f.db.Events(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.Submit(ctx, f.citizenA, f.onlineInput(f.citizenA, f.cx.Code)); err == nil {
			t.Fatal("a submission whose hook failed was accepted")
		}
		cmd := dossier.Command{Action: dossier.ActAssign, Assignee: "spec.x", Version: d.Version}
		if _, _, err := f.svc.Act(ctx, f.leadX, d.Code, cmd, nil); err == nil {
			t.Fatal("an update whose hook failed was accepted")
		}
		after, err := f.db.Events(ctx, d.ID)
		if err != nil || len(after) != len(before) {
			t.Fatalf("events after failed hooks: %d, want %d (%v)", len(after), len(before), err)
		}
		var total int
		if err := f.db.ReadDB().QueryRow(`SELECT COUNT(*) FROM dossiers`).Scan(&total); err != nil || total != n {
			t.Fatalf("%d dossiers (%v), want %d", total, err, n)
		}

		// OnEvent replaces the batch hook.
		rec.err, rec.calls = nil, nil
		single := 0
		f.db.OnEvent(func(context.Context, *sql.Tx, *dossier.Dossier, *dossier.Event) error { single++; return nil })
		f.submitOnline(t, f.citizenA, f.cx.Code)
		if single != 1 || len(rec.calls) != 0 {
			t.Fatalf("after OnEvent: %d single calls, %d batch calls", single, len(rec.calls))
		}
	})
}
