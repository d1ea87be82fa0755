package dvcqg

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/jobs"
	"github.com/motcua/motcua/internal/store"
)

// SyncArgs asks for a dossier to be pushed to the portal up to its event
// Seq (the seq of the event whose change the job announces).
type SyncArgs struct {
	DossierID int64 `json:"dossier_id"`
	Seq       int64 `json:"seq"`
}

// Kind is the job's kind.
func (SyncArgs) Kind() string { return "dvcqg_sync" }

// InsertOpts puts the job on the sync queue, apart from notices and
// webhooks, so that a slow portal holds up only itself; one job per
// dossier and seq, so that planning an event twice adds nothing.
func (SyncArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueSync, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// Enqueue announces, in the transaction that recorded it, the dossier's
// change up to event seq.
func Enqueue(ctx context.Context, q *jobs.Queue, tx *sql.Tx, dossierID, seq int64) error {
	if _, err := q.Enqueue(ctx, tx, SyncArgs{DossierID: dossierID, Seq: seq}, nil); err != nil {
		return fmt.Errorf("enqueuing the national portal sync of dossier %d: %w", dossierID, err)
	}
	return nil
}

// SeqReader finds an event's seq (store.DB).
type SeqReader interface {
	EventSeq(ctx context.Context, eventID int64) (int64, error)
}

// Planner returns what the event fan-out calls for each dossier event
// (an outbox.TargetFunc): the sync job of the dossier up to that event,
// enqueued in the fan-out's transaction with enqueue (jobs.Queue.Enqueue).
func Planner(enqueue func(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error, seqs SeqReader) func(ctx context.Context, tx *sql.Tx, d *dossier.Dossier, ev *dossier.Event) error {
	return func(ctx context.Context, tx *sql.Tx, d *dossier.Dossier, ev *dossier.Event) error {
		seq, err := seqs.EventSeq(ctx, ev.ID)
		if err != nil {
			return fmt.Errorf("planning the national portal sync of %s: %w", d.Code, err)
		}
		if err := enqueue(ctx, tx, SyncArgs{DossierID: d.ID, Seq: seq}, nil); err != nil {
			return fmt.Errorf("planning the national portal sync of %s: %w", d.Code, err)
		}
		return nil
	}
}

// Portal is the portal's sync API (Client; a fake in tests).
type Portal interface {
	Create(ctx context.Context, ds []HoSo) error
	Update(ctx context.Context, ds []HoSo) error
	Progress(ctx context.Context, qs []QuaTrinh) error
}

// Store keeps the sync state of each dossier (store.DB).
type Store interface {
	TakeSyncLease(ctx context.Context, dossierID int64, by string, now, until time.Time) (*store.SyncStatus, bool, error)
	ReleaseSyncLease(ctx context.Context, dossierID int64, by string) error
	SyncSource(ctx context.Context, dossierID int64) (*store.SyncSource, error)
	SyncSucceeded(ctx context.Context, dossierID int64, by string, seq int64, at time.Time) error
	SyncFailed(ctx context.Context, dossierID int64, by string, created bool, msg string, at time.Time) error
}

// SnoozeBusy is how long a job waits when another holder is pushing its
// dossier.
const SnoozeBusy = 5 * time.Second

// Worker pushes dossiers to the portal. Per dossier, order holds through
// outages: a job pushes everything not yet pushed (the current state, then
// every process-log entry after the last pushed one, in order), so a later
// job catches up for an earlier one that failed, and the earlier one, when
// retried, finds nothing left to do.
//
// A temporary failure (the portal down, slow or unreachable) is returned
// for River to retry with backoff; a refusal of the portal
// (PermanentError) cancels the job with river.JobCancel: it stays in River
// in the state "cancelled", and the dossier's sync row keeps the error for
// the administrator (store.DB.SyncBacklog).
type Worker struct {
	river.WorkerDefaults[SyncArgs]
	Store  Store
	Portal Portal
	// FieldCodes maps field names to the national field codes
	// (Config.FieldCodes).
	FieldCodes map[string]string
	// CallTimeout is the client's timeout of one call; the job's and the
	// lease's lengths derive from it. 0 is DefaultTimeout.
	CallTimeout time.Duration
	Log         *slog.Logger
	Now         func() time.Time

	holderOnce sync.Once
	holder     string
}

// NewWorker returns the worker pushing through the portal p with cfg's
// settings.
func NewWorker(st Store, p Portal, cfg Config, log *slog.Logger) *Worker {
	return &Worker{Store: st, Portal: p, FieldCodes: cfg.FieldCodes, CallTimeout: cfg.Timeout, Log: log}
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

func (w *Worker) log() *slog.Logger {
	if w.Log != nil {
		return w.Log
	}
	return slog.Default()
}

func (w *Worker) callTimeout() time.Duration {
	if w.CallTimeout > 0 {
		return w.CallTimeout
	}
	return DefaultTimeout
}

// Timeout lets a job make its three calls (create or update, maybe an
// update after "already exists", the process log) with some slack,
// instead of River's one minute.
func (w *Worker) Timeout(*river.Job[SyncArgs]) time.Duration {
	return 4*w.callTimeout() + 30*time.Second
}

// lease outlives the job's timeout, so a lease lapses only when its
// holder is gone.
func (w *Worker) lease() time.Duration { return 4*w.callTimeout() + 2*time.Minute }

// holderID names this worker among the serve processes.
func (w *Worker) holderID() string {
	w.holderOnce.Do(func() {
		host, _ := os.Hostname()
		b := make([]byte, 4)
		_, _ = rand.Read(b)
		w.holder = fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b))
	})
	return w.holder
}

// Work pushes the dossier of the job.
func (w *Worker) Work(ctx context.Context, job *river.Job[SyncArgs]) error {
	id := job.Args.DossierID
	// Each attempt holds the lease under its own name: a retried attempt
	// never mistakes a lapsed lease of its own for a live one.
	by := fmt.Sprintf("%s/%d/%d", w.holderID(), job.ID, job.Attempt)
	now := w.now()
	st, ok, err := w.Store.TakeSyncLease(ctx, id, by, now, now.Add(w.lease()))
	if err != nil {
		return err
	}
	if !ok {
		return river.JobSnooze(SnoozeBusy)
	}
	if st.SyncedSeq >= job.Args.Seq {
		// A later job pushed this change already.
		if err := w.Store.ReleaseSyncLease(ctx, id, by); err != nil && !errors.Is(err, store.ErrLeaseLost) {
			return err
		}
		return nil
	}
	created, err := w.push(ctx, id, by, st)
	if err == nil {
		return nil
	}
	if errors.Is(err, store.ErrLeaseLost) {
		// Pushed, but the lease had lapsed and another holder took it:
		// that holder pushes whatever this run's record would have saved.
		w.log().Warn("national portal sync lease lapsed during a push", "dossier_id", id)
		return nil
	}
	// The failure is recorded even if the job's context ended.
	rec := context.WithoutCancel(ctx)
	if ferr := w.Store.SyncFailed(rec, id, by, created, err.Error(), w.now()); ferr != nil && !errors.Is(ferr, store.ErrLeaseLost) {
		w.log().Error("recording a failed national portal sync", "dossier_id", id, "error", ferr)
	}
	if IsPermanent(err) {
		var pe *PermanentError
		errors.As(err, &pe)
		w.log().Warn("the national portal refused a dossier", "dossier_id", id, "endpoint", pe.Endpoint, "error_code", pe.Code)
		// River logs and keeps the job's error: without the portal's
		// message, which may quote the applicant's data (the sync row
		// keeps it for the administrator).
		return river.JobCancel(&PermanentError{Endpoint: pe.Endpoint, Code: pe.Code})
	}
	w.log().Info("national portal sync failed, will retry", "dossier_id", id, "attempt", job.Attempt)
	return err
}

// push sends the dossier's state and pending process log and records the
// push; created reports whether the portal holds the dossier (it took a
// create or an update) even if the process log failed.
func (w *Worker) push(ctx context.Context, id int64, by string, st *store.SyncStatus) (created bool, err error) {
	raw, err := w.Store.SyncSource(ctx, id)
	if apperr.Is(err, apperr.NotFound) {
		return false, &PermanentError{Endpoint: "create", Code: "not_found", Message: fmt.Sprintf("dossier %d does not exist", id)}
	}
	if err != nil {
		return false, err
	}
	src := Source{Dossier: raw.Dossier, Field: raw.Field, FieldCode: w.FieldCodes[raw.Field], ExternalCode: raw.ExternalCode,
		ReceivedUnitCode: raw.ReceivedUnitCode, OwnerVNeID: raw.OwnerVNeID, PaidOnline: raw.PaidOnline}
	hs := []HoSo{ToHoSo(src)}
	created = st.Created
	if !created {
		err = w.Portal.Create(ctx, hs)
		if errors.Is(err, ErrExists) {
			// Pushed before by a run that failed to record it, or the
			// dossier came from the portal.
			err = w.Portal.Update(ctx, hs)
		}
	} else {
		err = w.Portal.Update(ctx, hs)
	}
	if err != nil {
		return created, err
	}
	created = true
	if qs := ToQuaTrinh(src, st.SyncedSeq); len(qs) > 0 {
		if err := w.Portal.Progress(ctx, qs); err != nil {
			return created, err
		}
	}
	return created, w.Store.SyncSucceeded(ctx, id, by, raw.Seq, w.now())
}
