package jobs

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/motcua/motcua/internal/store/storetest"
)

// TestEnqueueManyWithTransaction: the jobs of one EnqueueMany exist, and
// run once each, if and only if the caller's transaction commits.
func TestEnqueueManyWithTransaction(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			many := func(keys ...string) []river.InsertManyParams {
				ps := make([]river.InsertManyParams, len(keys))
				for i, k := range keys {
					ps[i] = river.InsertManyParams{Args: noteArgs{Key: k}}
				}
				return ps
			}
			refused := errors.New("the business change is refused")
			err := f.db.WriteTx(ctx, func(tx *sql.Tx) error {
				if err := f.q.EnqueueMany(ctx, tx, many("ghost1", "ghost2")); err != nil {
					return err
				}
				return refused
			})
			if !errors.Is(err, refused) {
				t.Fatalf("WriteTx: %v, want the refusal", err)
			}
			err = f.db.WriteTx(ctx, func(tx *sql.Tx) error {
				return f.q.EnqueueMany(ctx, tx, many("m1", "m2", "m3"))
			})
			if err != nil {
				t.Fatalf("EnqueueMany: %v", err)
			}
			// Jobs are worked in order: once a later one is done, the
			// batch's have run.
			f.waitState(t, f.enqueue(t, noteArgs{Key: "later"}, nil).ID, rivertype.JobStateCompleted)
			for _, k := range []string{"m1", "m2", "m3"} {
				if n := len(f.w.runsOf(k)); n != 1 {
					t.Errorf("job %s ran %d times, want 1", k, n)
				}
			}
			for _, k := range []string{"ghost1", "ghost2"} {
				if n := len(f.w.runsOf(k)); n != 0 {
					t.Errorf("rolled-back job %s ran %d times", k, n)
				}
			}
			if n := f.countKind(t); n != 4 {
				t.Errorf("%d jobs in the table, want the 4 committed", n)
			}
		})
	}
}
