package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// noteArgs is a test job; Key tells the runs apart.
type noteArgs struct {
	Key string `json:"key"`
}

func (noteArgs) Kind() string { return "test_note" }

// noteWorker records every run; it fails while failing[Key] is set.
type noteWorker struct {
	river.WorkerDefaults[noteArgs]
	mu      sync.Mutex
	runs    map[string][]time.Time
	failing map[string]bool
}

func (w *noteWorker) Work(_ context.Context, job *river.Job[noteArgs]) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.runs[job.Args.Key] = append(w.runs[job.Args.Key], time.Now())
	if w.failing[job.Args.Key] {
		return fmt.Errorf("the outside system refused %s", job.Args.Key)
	}
	return nil
}

func (w *noteWorker) setFailing(key string, on bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.failing[key] = on
}

func (w *noteWorker) runsOf(key string) []time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Time(nil), w.runs[key]...)
}

// quickRetry retries after retryAfter instead of River's minutes to weeks.
type quickRetry struct{}

const retryAfter = 150 * time.Millisecond

func (quickRetry) NextRetry(*rivertype.JobRow) time.Time { return time.Now().Add(retryAfter) }

const maxAttempts = 3

// fixture is a running queue on a fresh store of one engine.
type fixture struct {
	db *store.DB
	q  *Queue
	w  *noteWorker
}

func newFixture(t *testing.T, engine store.Dialect) *fixture {
	t.Helper()
	db := storetest.Open(t, engine)
	w := &noteWorker{runs: map[string][]time.Time{}, failing: map[string]bool{}}
	ws := NewWorkers()
	if err := Register(ws, w); err != nil {
		t.Fatal(err)
	}
	q, err := New(db, Config{
		Log:          slog.New(slog.NewTextHandler(io.Discard, nil)),
		Workers:      ws,
		MaxAttempts:  maxAttempts,
		RetryPolicy:  quickRetry{},
		PollInterval: 50 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- q.Run(ctx, 5*time.Second) }()
	// Registered after storetest's, so it runs first: the queue stops
	// before the store closes.
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("stopping the queue: %v", err)
		}
	})
	return &fixture{db: db, q: q, w: w}
}

// enqueue inserts args in a committed transaction of the store.
func (f *fixture) enqueue(t *testing.T, args river.JobArgs, opts *river.InsertOpts) Inserted {
	t.Helper()
	var ins Inserted
	err := f.db.WriteTx(context.Background(), func(tx *sql.Tx) error {
		var err error
		ins, err = f.q.Enqueue(context.Background(), tx, args, opts)
		return err
	})
	if err != nil {
		t.Fatalf("enqueuing: %v", err)
	}
	return ins
}

// waitState polls the job until it reaches state, failing at the deadline.
func (f *fixture) waitState(t *testing.T, id int64, state rivertype.JobState) *rivertype.JobRow {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	if d, ok := t.Deadline(); ok && d.Before(deadline) {
		deadline = d.Add(-time.Second)
	}
	var last *rivertype.JobRow
	for time.Now().Before(deadline) {
		job, err := f.q.client.JobGet(context.Background(), id)
		if err != nil {
			t.Fatalf("reading job %d: %v", id, err)
		}
		if job.State == state {
			return job
		}
		last = job
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("job %d still %s, want %s", id, last.State, state)
	return nil
}

func (f *fixture) countKind(t *testing.T) int {
	t.Helper()
	res, err := f.q.client.JobList(context.Background(), river.NewJobListParams().Kinds(noteArgs{}.Kind()).First(100))
	if err != nil {
		t.Fatalf("listing jobs: %v", err)
	}
	return len(res.Jobs)
}

func TestCommittedJobRunsOnce(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			f := newFixture(t, e)
			ins := f.enqueue(t, noteArgs{Key: "a"}, nil)
			if ins.Duplicate || ins.ID == 0 {
				t.Fatalf("inserted %+v", ins)
			}
			job := f.waitState(t, ins.ID, rivertype.JobStateCompleted)
			if job.Attempt != 1 {
				t.Errorf("attempt %d, want 1", job.Attempt)
			}
			// A second job behind it completing shows the workers kept
			// polling after the first, without running it again.
			f.waitState(t, f.enqueue(t, noteArgs{Key: "b"}, nil).ID, rivertype.JobStateCompleted)
			if n := len(f.w.runsOf("a")); n != 1 {
				t.Errorf("job a ran %d times, want 1", n)
			}
		})
	}
}

func TestRolledBackJobNeverExists(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			f := newFixture(t, e)
			refused := errors.New("the business change is refused")
			var ins Inserted
			err := f.db.WriteTx(context.Background(), func(tx *sql.Tx) error {
				var err error
				if ins, err = f.q.Enqueue(context.Background(), tx, noteArgs{Key: "ghost"}, nil); err != nil {
					return err
				}
				return refused
			})
			if !errors.Is(err, refused) {
				t.Fatalf("WriteTx: %v, want the refusal", err)
			}
			if _, err := f.q.client.JobGet(context.Background(), ins.ID); !errors.Is(err, rivertype.ErrNotFound) {
				t.Errorf("rolled-back job %d: %v, want not found", ins.ID, err)
			}
			// Jobs are worked in order: once a later one is done, the
			// rolled-back one would have run if it existed.
			later := f.enqueue(t, noteArgs{Key: "later"}, nil)
			f.waitState(t, later.ID, rivertype.JobStateCompleted)
			if n := len(f.w.runsOf("ghost")); n != 0 {
				t.Errorf("rolled-back job ran %d times", n)
			}
			if n := f.countKind(t); n != 1 {
				t.Errorf("%d jobs in the table, want only the committed one", n)
			}
		})
	}
}

func TestFailingJobIsRetriedThenKeptAsFailed(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			f := newFixture(t, e)
			ctx := context.Background()
			f.w.setFailing("down", true)
			ins := f.enqueue(t, noteArgs{Key: "down"}, nil)
			job := f.waitState(t, ins.ID, rivertype.JobStateDiscarded)
			runs := f.w.runsOf("down")
			if len(runs) != maxAttempts || job.Attempt != maxAttempts {
				t.Fatalf("ran %d times, attempt %d; want %d", len(runs), job.Attempt, maxAttempts)
			}
			if len(job.Errors) != maxAttempts || job.Errors[maxAttempts-1].Error != "the outside system refused down" {
				t.Errorf("errors recorded: %+v", job.Errors)
			}
			// Backoff: each retry waited for the policy's delay.
			for i := 1; i < len(runs); i++ {
				if gap := runs[i].Sub(runs[i-1]); gap < retryAfter {
					t.Errorf("retry %d came %v after the failure, before the backoff of %v", i, gap, retryAfter)
				}
			}

			failed, err := f.q.Failed(ctx, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(failed) != 1 || failed[0].ID != ins.ID {
				t.Fatalf("failed jobs %v, want [%d]", ids(failed), ins.ID)
			}

			// The outside system is back; the administrator retries.
			f.w.setFailing("down", false)
			if _, err := f.q.Retry(ctx, ins.ID); err != nil {
				t.Fatal(err)
			}
			f.waitState(t, ins.ID, rivertype.JobStateCompleted)
			if n := len(f.w.runsOf("down")); n != maxAttempts+1 {
				t.Errorf("ran %d times, want %d", n, maxAttempts+1)
			}
			if failed, err := f.q.Failed(ctx, 10); err != nil || len(failed) != 0 {
				t.Errorf("failed jobs after the retry: %v, %v", ids(failed), err)
			}

			_, err = f.q.Retry(ctx, ins.ID+1000)
			if !apperr.Is(err, apperr.NotFound) {
				t.Errorf("retrying an unknown job: %v, want not found", err)
			}
		})
	}
}

func TestUniqueJobInsertedOnce(t *testing.T) {
	unique := &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: time.Hour}}
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			f := newFixture(t, e)
			first := f.enqueue(t, noteArgs{Key: "u"}, unique)
			// Once more in another transaction, and twice in one.
			second := f.enqueue(t, noteArgs{Key: "u"}, unique)
			var third, fourth Inserted
			err := f.db.WriteTx(context.Background(), func(tx *sql.Tx) error {
				var err error
				if third, err = f.q.Enqueue(context.Background(), tx, noteArgs{Key: "u"}, unique); err != nil {
					return err
				}
				fourth, err = f.q.Enqueue(context.Background(), tx, noteArgs{Key: "u"}, unique)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if first.Duplicate {
				t.Errorf("first insert reported as a duplicate")
			}
			for i, ins := range []Inserted{second, third, fourth} {
				if !ins.Duplicate || ins.ID != first.ID {
					t.Errorf("insert %d: %+v, want a duplicate of %d", i+2, ins, first.ID)
				}
			}
			// Other arguments are another job.
			other := f.enqueue(t, noteArgs{Key: "v"}, unique)
			if other.Duplicate {
				t.Errorf("a job with other arguments was taken as a duplicate")
			}
			if n := f.countKind(t); n != 2 {
				t.Errorf("%d jobs, want 2", n)
			}
			f.waitState(t, first.ID, rivertype.JobStateCompleted)
			f.waitState(t, other.ID, rivertype.JobStateCompleted)
			if n := len(f.w.runsOf("u")); n != 1 {
				t.Errorf("unique job ran %d times, want 1", n)
			}
		})
	}
}

func ids(jobs []*rivertype.JobRow) []int64 {
	out := make([]int64, len(jobs))
	for i, j := range jobs {
		out[i] = j.ID
	}
	return out
}

// An insert-only queue (no workers: a CLI, a process that only enqueues)
// inserts but refuses to run; a kind is registered once.
func TestInsertOnlyQueueAndRegistry(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	q, err := New(db, Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	var ins Inserted
	err = db.WriteTx(context.Background(), func(tx *sql.Tx) error {
		ins, err = q.Enqueue(context.Background(), tx, noteArgs{Key: "x"}, nil)
		return err
	})
	if err != nil || ins.ID == 0 {
		t.Fatalf("insert-only enqueue: %+v, %v", ins, err)
	}
	job, err := q.client.JobGet(context.Background(), ins.ID)
	if err != nil || job.State != rivertype.JobStateAvailable || job.Queue != QueueDefault {
		t.Fatalf("job %+v, %v; want available on %s", job, err, QueueDefault)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := q.Run(ctx, time.Second); err == nil {
		t.Error("an insert-only queue ran")
	}

	ws := NewWorkers()
	w := &noteWorker{}
	if err := Register(ws, w); err != nil {
		t.Fatal(err)
	}
	if err := Register(ws, w); err == nil {
		t.Error("the same kind registered twice")
	}
}
