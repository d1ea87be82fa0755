// Package outbox connects dossier events to everything that leaves the
// building because of them. The store calls HookMany inside the
// transaction that writes events, before it commits; the hook enqueues one
// EventArgs job per event there, all in one insert, so a committed change
// always has its jobs and a rolled-back one never does (Hook is the same
// one event at a time). The
// job's worker then records, in one transaction of its own, the notices to
// the citizen, the webhook deliveries and the national-portal sync the
// event calls for, each with its own job; doing it twice adds nothing, so
// a worker that crashed half-way is simply run again.
package outbox

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/riverqueue/river"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/store"
)

// EventArgs is the job of fanning out one dossier event.
type EventArgs struct {
	DossierID int64 `json:"dossier_id"`
	EventID   int64 `json:"event_id"`
}

// Kind names the job.
func (EventArgs) Kind() string { return "dossier_event" }

// InsertOpts: the fan-out only writes to the store, on the default queue.
func (EventArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 10} }

// Enqueue inserts a job in the caller's transaction (jobs.Queue.Enqueue).
type Enqueue func(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error

// Hook returns the store's event hook: one fan-out job per event, in the
// event's transaction.
func Hook(enqueue Enqueue) func(ctx context.Context, tx *sql.Tx, d *dossier.Dossier, ev *dossier.Event) error {
	return func(ctx context.Context, tx *sql.Tx, d *dossier.Dossier, ev *dossier.Event) error {
		return enqueue(ctx, tx, EventArgs{DossierID: d.ID, EventID: ev.ID}, nil)
	}
}

// EnqueueMany inserts jobs in the caller's transaction at once
// (jobs.Queue.EnqueueMany).
type EnqueueMany func(ctx context.Context, tx *sql.Tx, params []river.InsertManyParams) error

// HookMany returns the store's batch event hook: the fan-out jobs of all
// the events of a transaction (the submissions of a group commit, whose
// River inserts were a third of a submission's cost on PostgreSQL) in one
// insert, in that transaction, just before it commits.
func HookMany(enqueue EnqueueMany) store.EventsHook {
	return func(ctx context.Context, tx *sql.Tx, evs []store.EventRef) error {
		params := make([]river.InsertManyParams, len(evs))
		for i, e := range evs {
			params[i] = river.InsertManyParams{Args: EventArgs{DossierID: e.Dossier.ID, EventID: e.Event.ID}}
		}
		return enqueue(ctx, tx, params)
	}
}

// Target is one destination of events (notices, webhooks, the national
// portal): it records and enqueues what an event calls for inside tx, and
// adds nothing when called twice for one event.
type Target interface {
	Plan(ctx context.Context, tx *sql.Tx, d *dossier.Dossier, ev *dossier.Event) error
}

// TargetFunc adapts a function to Target.
type TargetFunc func(ctx context.Context, tx *sql.Tx, d *dossier.Dossier, ev *dossier.Event) error

// Plan calls f.
func (f TargetFunc) Plan(ctx context.Context, tx *sql.Tx, d *dossier.Dossier, ev *dossier.Event) error {
	return f(ctx, tx, d, ev)
}

// Store is what the worker reads and the transaction it writes in.
type Store interface {
	DossierByID(ctx context.Context, id int64) (*dossier.Dossier, error)
	Event(ctx context.Context, dossierID, eventID int64) (*dossier.Event, error)
	WriteTx(ctx context.Context, fn func(tx *sql.Tx) error) error
}

// Worker fans events out to the targets.
type Worker struct {
	river.WorkerDefaults[EventArgs]
	Store   Store
	Targets []Target
}

// Work plans every target's share of the event in one transaction.
func (w *Worker) Work(ctx context.Context, job *river.Job[EventArgs]) error {
	d, err := w.Store.DossierByID(ctx, job.Args.DossierID)
	if apperr.Is(err, apperr.NotFound) {
		return river.JobCancel(fmt.Errorf("dossier %d does not exist", job.Args.DossierID))
	}
	if err != nil {
		return err
	}
	ev, err := w.Store.Event(ctx, d.ID, job.Args.EventID)
	if apperr.Is(err, apperr.NotFound) {
		return river.JobCancel(fmt.Errorf("event %d of %s does not exist", job.Args.EventID, d.Code))
	}
	if err != nil {
		return err
	}
	return w.Store.WriteTx(ctx, func(tx *sql.Tx) error {
		for _, t := range w.Targets {
			if err := t.Plan(ctx, tx, d, ev); err != nil {
				return fmt.Errorf("planning what event %d of %s sends: %w", ev.ID, d.Code, err)
			}
		}
		return nil
	})
}
