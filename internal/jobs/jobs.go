// Package jobs is motcua's durable job queue: River on the store's own
// database, so that a job is inserted in the transaction that writes the
// change it announces (a committed change always has its jobs, a rolled-back
// one never does), worked at least once by any serve process sharing the
// store, retried with backoff, and kept as failed when it runs out of
// attempts, for an administrator to see and retry.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/store"
)

// Queues of motcua. Each job kind names its queue in its InsertOpts; one
// queue per outside system keeps a slow one from holding up the others.
const (
	// QueueDefault takes housekeeping and anything without a queue.
	QueueDefault = river.QueueDefault
	// QueueNotices takes e-mail, SMS and Zalo notices to citizens.
	QueueNotices = "notices"
	// QueueSync takes national-portal (DVCQG) synchronisation.
	QueueSync = "sync"
	// QueueWebhooks takes deliveries to integrators' webhooks.
	QueueWebhooks = "webhooks"
)

// DefaultQueues is how many jobs of each queue one process works at once.
// Small: the machine is shared with the web server and SQLite has one writer.
var DefaultQueues = map[string]int{
	QueueDefault:  2,
	QueueNotices:  2,
	QueueSync:     1,
	QueueWebhooks: 2,
}

// Config tunes a Queue; the zero value is production's.
type Config struct {
	// Log receives River's messages; nil is slog.Default().
	Log *slog.Logger
	// Workers is the registry of job kinds this process works (see
	// NewWorkers and Register). Nil makes an insert-only queue, which may
	// enqueue but not Run.
	Workers *river.Workers
	// Queues overrides DefaultQueues (name → workers).
	Queues map[string]int
	// MaxAttempts is the default number of attempts of a job before it is
	// kept as failed; 0 is River's (25, about three weeks of backoff).
	MaxAttempts int
	// RetryPolicy overrides River's exponential backoff (tests).
	RetryPolicy river.ClientRetryPolicy
	// RescueAfter is how long a job may stay "running" before it is taken
	// for dead (its process killed) and run again; it must exceed
	// JobTimeout. 0 is DefaultRescueAfter.
	RescueAfter time.Duration
	// Periodic lists the jobs inserted on a schedule (by the elected
	// leader among the processes sharing the store).
	Periodic []*river.PeriodicJob
	// PollInterval is how often workers look for new jobs; 0 is one
	// second. Neither driver listens for notifications on database/sql, so
	// this bounds the delay between a commit and its job starting.
	PollInterval time.Duration
}

// JobTimeout bounds one run of a job; every outside call of a worker has
// its own shorter timeout.
const JobTimeout = time.Minute

// DefaultRescueAfter is how long a job of a killed process waits before it
// runs again: past JobTimeout, no live worker can still be on it.
const DefaultRescueAfter = 3 * time.Minute

// Queue enqueues and works motcua's jobs.
type Queue struct {
	client *river.Client[*sql.Tx]
	work   bool
}

// NewWorkers returns an empty registry of workers, to be filled with Register
// before New.
func NewWorkers() *river.Workers { return river.NewWorkers() }

// Register adds the worker of one job kind to the registry; registering a
// kind twice is an error.
func Register[T river.JobArgs](ws *river.Workers, w river.Worker[T]) error {
	if err := river.AddWorkerSafely(ws, w); err != nil {
		return fmt.Errorf("registering a job worker: %w", err)
	}
	return nil
}

// New returns the queue on db's write pool. The store must be migrated
// (store.DB.Migrate runs River's migrations too).
func New(db *store.DB, cfg Config) (*Queue, error) {
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	poll := cfg.PollInterval
	if poll <= 0 {
		poll = time.Second
	}
	retry := cfg.RetryPolicy
	if retry == nil {
		retry = Backoff{Base: 5 * time.Second, Cap: 15 * time.Minute}
	}
	rescue := cfg.RescueAfter
	if rescue <= 0 {
		rescue = DefaultRescueAfter
	}
	rc := &river.Config{
		JobTimeout:           min(JobTimeout, rescue/2),
		RescueStuckJobsAfter: rescue,
		Logger:               log,
		MaxAttempts:          cfg.MaxAttempts,
		RetryPolicy:          retry,
		// Failed jobs stay until an administrator retries or the next
		// steps' clean-up removes them: they are the record of what did not
		// leave the building.
		DiscardedJobRetentionPeriod: -1,
		FetchPollInterval:           poll,
		// The cooldown must not exceed the poll interval.
		FetchCooldown: min(poll, 100*time.Millisecond),
		// database/sql has no LISTEN; say so rather than let River try.
		PollOnly: true,
	}
	q := &Queue{}
	if cfg.Workers != nil {
		queues := cfg.Queues
		if queues == nil {
			queues = DefaultQueues
		}
		rc.Workers = cfg.Workers
		rc.PeriodicJobs = cfg.Periodic
		rc.Queues = make(map[string]river.QueueConfig, len(queues))
		for name, n := range queues {
			rc.Queues[name] = river.QueueConfig{MaxWorkers: n}
		}
		q.work = true
	}
	c, err := river.NewClient(db.RiverDriver(), rc)
	if err != nil {
		return nil, fmt.Errorf("creating the job queue: %w", err)
	}
	q.client = c
	return q, nil
}

// Inserted is the outcome of Enqueue.
type Inserted struct {
	ID int64
	// Duplicate is true when a unique job with the same key was already
	// there; ID is then that job's.
	Duplicate bool
}

// Enqueue inserts a job inside the caller's transaction (store.DB.WriteTx's
// *sql.Tx): it exists if and only if the transaction commits. opts may be nil
// (the args' own InsertOpts, then the defaults, apply).
func (q *Queue) Enqueue(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) (Inserted, error) {
	res, err := q.client.InsertTx(ctx, tx, args, opts)
	if err != nil {
		return Inserted{}, fmt.Errorf("enqueuing a %s job: %w", args.Kind(), err)
	}
	return Inserted{ID: res.Job.ID, Duplicate: res.UniqueSkippedAsDuplicate}, nil
}

// EnqueueMany inserts jobs inside the caller's transaction in one insert;
// like Enqueue, they exist if and only if the transaction commits. It is
// River's InsertManyFastTx, the insert without RETURNING: InsertManyTx
// reads every row back (all columns, JSON converted, scanned, decoded) for
// nobody, and on SQLite it does so inside the single writer's group commit
// (the outbox's fan-out jobs; profiled in issue 14). For jobs without
// unique options only: a unique conflict fails the insert, not skipped.
func (q *Queue) EnqueueMany(ctx context.Context, tx *sql.Tx, params []river.InsertManyParams) error {
	if _, err := q.client.InsertManyFastTx(ctx, tx, params); err != nil {
		return fmt.Errorf("enqueuing %d jobs: %w", len(params), err)
	}
	return nil
}

// Run works jobs until ctx ends, then lets running jobs finish for up to
// grace before cancelling them. It returns nil on a clean stop.
func (q *Queue) Run(ctx context.Context, grace time.Duration) error {
	if err := q.Start(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	return q.Stop(context.WithoutCancel(ctx), grace)
}

// Start starts working jobs in the background; Stop stops.
func (q *Queue) Start(ctx context.Context) error {
	if !q.work {
		return errors.New("starting the job queue: no workers registered")
	}
	// River's own context must outlive ctx so that Stop can wait for
	// running jobs; cancelling it would cancel them at once.
	if err := q.client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("starting the job queue: %w", err)
	}
	return nil
}

// Stop lets running jobs finish for up to grace, then cancels them.
func (q *Queue) Stop(ctx context.Context, grace time.Duration) error {
	stopCtx, cancel := context.WithTimeout(ctx, grace)
	defer cancel()
	if err := q.client.Stop(stopCtx); err != nil {
		// Jobs still running after grace are cancelled; River rescues them
		// later (they are worked again), which is why workers must be
		// idempotent.
		hard, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := q.client.StopAndCancel(hard); err != nil {
			return fmt.Errorf("stopping the job queue: %w", err)
		}
	}
	return nil
}

// Failed lists up to limit jobs that will not run again by themselves:
// those that exhausted their attempts (River's "discarded") and those
// their worker gave up on for good ("cancelled", a provider's refusal),
// most recently failed first.
func (q *Queue) Failed(ctx context.Context, limit int) ([]*rivertype.JobRow, error) {
	return q.list(ctx, limit, river.JobListOrderByFinalizedAt, rivertype.JobStateDiscarded, rivertype.JobStateCancelled)
}

// Retrying lists up to limit jobs waiting for their next attempt after a
// failure, most recent first: the backlog of an outside system that is
// down.
func (q *Queue) Retrying(ctx context.Context, limit int) ([]*rivertype.JobRow, error) {
	return q.list(ctx, limit, river.JobListOrderByScheduledAt, rivertype.JobStateRetryable)
}

func (q *Queue) list(ctx context.Context, limit int, order river.JobListOrderByField, states ...rivertype.JobState) ([]*rivertype.JobRow, error) {
	if limit <= 0 || limit > 10000 {
		limit = 100
	}
	p := river.NewJobListParams().
		States(states...).
		OrderBy(order, river.SortOrderDesc).
		First(limit)
	res, err := q.client.JobList(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("listing %v jobs: %w", states, err)
	}
	return res.Jobs, nil
}

// ErrNoJob answers Retry for a job that does not exist.
var ErrNoJob = apperr.New(apperr.NotFound, "job_not_found",
	"Không tìm thấy tác vụ.", "No such job.")

// Retry makes a failed (or cancelled, or finished) job available to run now;
// a job that had exhausted its attempts is given one more. A running job is
// left as it is.
func (q *Queue) Retry(ctx context.Context, id int64) (*rivertype.JobRow, error) {
	job, err := q.client.JobRetry(ctx, id)
	if errors.Is(err, rivertype.ErrNotFound) {
		return nil, ErrNoJob
	}
	if err != nil {
		return nil, fmt.Errorf("retrying job %d: %w", id, err)
	}
	return job, nil
}

// Backoff is the retry policy: the delay doubles from Base at each failed
// attempt up to Cap, with up to a tenth of jitter so that a provider
// coming back is not met by every job at once. A capped delay keeps an
// outage's backlog leaving within Cap of the other side's return.
type Backoff struct {
	Base, Cap time.Duration
}

// NextRetry implements river.ClientRetryPolicy.
func (b Backoff) NextRetry(job *rivertype.JobRow) time.Time {
	d := b.Cap
	if n := job.Attempt - 1; n < 30 {
		if e := b.Base << max(n, 0); e > 0 && e < b.Cap {
			d = e
		}
	}
	d += time.Duration(rand.Int64N(int64(d)/10 + 1))
	return time.Now().Add(d)
}
