package app

// Wiring of what leaves the building: the job queue, the store's event
// hook, the notice channels and the periodic jobs that replace the
// goroutines of earlier versions.

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/config"
	"github.com/motcua/motcua/internal/dvcqg"
	"github.com/motcua/motcua/internal/jobs"
	"github.com/motcua/motcua/internal/notice"
	"github.com/motcua/motcua/internal/outbox"
	"github.com/motcua/motcua/internal/reminder"
	"github.com/motcua/motcua/internal/webhook"
)

// outbound is the queue and what it works, assembled before the queue
// exists (workers must be registered first).
type outbound struct {
	workers  *river.Workers
	periodic []*river.PeriodicJob
	queue    *jobs.Queue
	notices  *notice.Service
	webhooks *webhook.Service
	targets  []outbox.Target
}

// enqueue inserts a job through the queue once it exists.
func (o *outbound) enqueue(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error {
	_, err := o.queue.Enqueue(ctx, tx, args, opts)
	return err
}

// enqueueMany inserts jobs at once through the queue once it exists.
func (o *outbound) enqueueMany(ctx context.Context, tx *sql.Tx, params []river.InsertManyParams) error {
	return o.queue.EnqueueMany(ctx, tx, params)
}

// lateQueue is the queue for services built before it exists.
type lateQueue struct{ o *outbound }

func (l lateQueue) Enqueue(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) (jobs.Inserted, error) {
	return l.o.queue.Enqueue(ctx, tx, args, opts)
}

// newOutbound registers the notice workers and the channels the config
// turns on.
func newOutbound(cfg config.Config, a *App) (*outbound, error) {
	o := &outbound{workers: jobs.NewWorkers()}
	mail, err := mailClient(cfg)
	if err != nil {
		return nil, err
	}
	chans, err := noticeChannels(cfg, mail)
	if err != nil {
		return nil, err
	}
	o.notices = &notice.Service{Store: a.DB, Channels: chans, Enqueue: o.enqueue, BaseURL: cfg.BaseURL, Now: a.now, Log: a.Log}
	o.targets = append(o.targets, o.notices)
	// Integrators' webhooks: subscribers are registered at run time, so
	// every event is offered to them.
	o.webhooks = &webhook.Service{Store: a.DB, Now: a.now}
	o.targets = append(o.targets, o.webhooks.Target(lateQueue{o}))
	if err := jobs.Register(o.workers, &webhook.Worker{Store: a.DB, Log: a.Log}); err != nil {
		return nil, err
	}
	if err := jobs.Register(o.workers, &notice.SendWorker{Service: o.notices}); err != nil {
		return nil, err
	}
	if err := jobs.Register(o.workers, &housekeepWorker{app: a}); err != nil {
		return nil, err
	}
	if err := jobs.Register(o.workers, &fileSweepWorker{app: a}); err != nil {
		return nil, err
	}
	if err := jobs.Register(o.workers, &anchorWorker{app: a}); err != nil {
		return nil, err
	}
	if d := cfg.DVCQG; d.On() {
		// The national public service portal: each dossier's events are
		// synced in order, one push at a time per dossier.
		dc := dvcqg.Config{URL: d.URL, CreatePath: d.CreatePath, UpdatePath: d.UpdatePath, ProgressPath: d.ProgressPath, Token: d.Token}
		if err := jobs.Register(o.workers, dvcqg.NewWorker(a.DB, dvcqg.NewClient(dc, nil), dc, a.Log)); err != nil {
			return nil, err
		}
		o.targets = append(o.targets, outbox.TargetFunc(dvcqg.Planner(o.enqueue, a.DB)))
	}
	if mail != nil {
		// Officers' daily digest of their dossiers falling due, by e-mail.
		digest := &reminder.Service{Store: a.DB, Calendars: a.Calendar, Queue: lateQueue{o}, Mailer: digestMailer{mail}, BaseURL: cfg.BaseURL, Log: a.Log, Now: a.now}
		if err := reminder.Register(o.workers, digest); err != nil {
			return nil, err
		}
		o.periodic = append(o.periodic, reminder.PeriodicJob())
	}
	// The public index's daily snapshot (indexjob.go).
	if err := jobs.Register(o.workers, &indexSnapshotWorker{app: a, queue: lateQueue{o}}); err != nil {
		return nil, err
	}
	if err := jobs.Register(o.workers, &indexPageWorker{app: a}); err != nil {
		return nil, err
	}
	o.periodic = append(o.periodic, indexSnapshotJob(),
		periodic(housekeepArgs{}, HousekeepEvery),
		periodic(fileSweepArgs{}, SweepEvery),
		periodic(anchorArgs{}, time.Hour),
	)
	return o, nil
}

// start registers the fan-out worker over the targets, creates the queue
// and installs the store's event hook.
func (o *outbound) start(cfg config.Config, a *App) error {
	if err := jobs.Register(o.workers, &outbox.Worker{Store: a.DB, Targets: o.targets}); err != nil {
		return err
	}
	var retry river.ClientRetryPolicy
	if cfg.Jobs.RetryBase > 0 {
		retry = jobs.Backoff{Base: cfg.Jobs.RetryBase, Cap: 15 * time.Minute}
	}
	q, err := jobs.New(a.DB, jobs.Config{Log: a.Log, Workers: o.workers, Periodic: o.periodic, RetryPolicy: retry, PollInterval: cfg.Jobs.Poll, RescueAfter: cfg.Jobs.RescueAfter})
	if err != nil {
		return err
	}
	o.queue = q
	a.DB.OnEvents(outbox.HookMany(o.enqueueMany))
	return nil
}

// periodic makes a periodic job inserting args every interval, and once
// when a process becomes the leader.
func periodic(args river.JobArgs, every time.Duration) *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) { return args, nil },
		&river.PeriodicJobOpts{ID: args.Kind(), RunOnStart: true})
}

// StartJobs starts working the queue (serve does; tests that need jobs
// worked do). The returned stop lets running jobs finish for a few
// seconds.
func (a *App) StartJobs(ctx context.Context) (stop func() error, err error) {
	if err := a.Jobs.Start(ctx); err != nil {
		return nil, err
	}
	return func() error { return a.Jobs.Stop(context.WithoutCancel(ctx), 10*time.Second) }, nil
}

// HousekeepEvery is how often housekeeping runs.
const HousekeepEvery = 10 * time.Minute

type housekeepArgs struct{}

func (housekeepArgs) Kind() string { return "housekeeping" }

type housekeepWorker struct {
	river.WorkerDefaults[housekeepArgs]
	app *App
}

// Work purges expired login throttles, sessions, idempotency keys and
// drafts, and sweeps payments (abandoned, paid-but-waiting, reconciliation).
func (w *housekeepWorker) Work(ctx context.Context, _ *river.Job[housekeepArgs]) error {
	a := w.app
	now := a.now()
	if _, err := a.DB.PurgeLogins(ctx, now.Add(-auth.Window), now); err != nil {
		return fmt.Errorf("purging login throttles: %w", err)
	}
	h, err := a.DB.Housekeep(ctx, now)
	if err != nil {
		return err
	}
	if h.Sessions+h.IdempotencyKeys+h.Drafts > 0 {
		a.Log.InfoContext(ctx, "housekeeping", "sessions", h.Sessions, "idempotency_keys", h.IdempotencyKeys, "drafts", h.Drafts)
	}
	if a.Payments != nil {
		if err := a.Payments.Sweep(ctx); err != nil {
			return fmt.Errorf("sweeping payments: %w", err)
		}
	}
	return nil
}

type fileSweepArgs struct{}

func (fileSweepArgs) Kind() string { return "file_sweep" }

type fileSweepWorker struct {
	river.WorkerDefaults[fileSweepArgs]
	app *App
}

// Work removes uploads of crashed requests and files nothing refers to.
func (w *fileSweepWorker) Work(ctx context.Context, _ *river.Job[fileSweepArgs]) error {
	rep, err := w.app.SweepFiles(ctx, SweepAge)
	if err != nil {
		return err
	}
	if rep.Temporary+rep.Orphans+rep.Recovered > 0 {
		w.app.Log.InfoContext(ctx, "file sweep", "temporary", rep.Temporary, "orphans", rep.Orphans, "recovered", rep.Recovered)
	}
	return nil
}

type anchorArgs struct{}

func (anchorArgs) Kind() string { return "audit_anchor" }

type anchorWorker struct {
	river.WorkerDefaults[anchorArgs]
	app *App
}

// Work writes an anchor of every dossier's history when the newest is
// older than AnchorEvery; its hash is logged so that a log collector keeps
// a copy outside the database.
func (w *anchorWorker) Work(ctx context.Context, _ *river.Job[anchorArgs]) error {
	an, wrote, err := w.app.DB.WriteAnchor(ctx, time.Now(), AnchorEvery)
	if err != nil {
		return fmt.Errorf("writing the audit anchor: %w", err)
	}
	if wrote {
		w.app.Log.InfoContext(ctx, "audit anchor written", "anchor", an.ID, "dossiers", an.Dossiers, "events", an.Events, "head_hash", an.HeadHash)
	}
	return nil
}
