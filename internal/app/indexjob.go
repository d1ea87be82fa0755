package app

// The public index's daily snapshot: shortly after midnight the leader
// enqueues one job per page of the index (the main page, the root units'
// and the top-level units' pages), and each computes that page's figures
// for the new day and stores them (portal.Handler.WarmIndexPage), so that
// the day's first visitor reads them instead of waiting for a year of
// decided dossiers. A page a job keeps each run within the job's timeout
// at ten million dossiers, where the whole index would not be.

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/motcua/motcua/internal/jobs"
	"github.com/motcua/motcua/internal/reminder"
	"github.com/motcua/motcua/internal/store"
)

// IndexSnapshotHour and IndexSnapshotMinute are when the day's snapshot
// is computed, in Asia/Ho_Chi_Minh: just after the day (and so the
// index's period) changes.
const (
	IndexSnapshotHour   = 0
	IndexSnapshotMinute = 10
)

// IndexSnapshotKeep is how many days of snapshots are kept: only the
// day's are read; the few before are there to compare.
const IndexSnapshotKeep = 7

// indexSnapshotArgs is the periodic job that enqueues the day's pages.
type indexSnapshotArgs struct{}

func (indexSnapshotArgs) Kind() string { return "public_index_snapshot" }

func (indexSnapshotArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueDefault, MaxAttempts: 5}
}

// indexPageArgs computes one page's figures of one day.
type indexPageArgs struct {
	// Day is the snapshot's day, YYYY-MM-DD in Asia/Ho_Chi_Minh.
	Day string `json:"day"`
	// Unit is the page's unit code, "" for the main page.
	Unit string `json:"unit"`
}

func (indexPageArgs) Kind() string { return "public_index_page" }

// InsertOpts makes the job unique by its arguments: a second run of the
// periodic job on the same day (a process started after 00:10) finds the
// pages already enqueued or done and inserts nothing.
func (indexPageArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueDefault, MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// indexSnapshotJob fires every day at 00:10, and once when a process
// becomes the leader (River keeps its schedule in memory only): a page
// already stored that day is read, not computed again.
func indexSnapshotJob() *river.PeriodicJob {
	return river.NewPeriodicJob(reminder.DailyAt{Hour: IndexSnapshotHour, Minute: IndexSnapshotMinute, Location: store.Zone},
		func() (river.JobArgs, *river.InsertOpts) { return indexSnapshotArgs{}, nil },
		&river.PeriodicJobOpts{ID: indexSnapshotArgs{}.Kind(), RunOnStart: true})
}

type indexSnapshotWorker struct {
	river.WorkerDefaults[indexSnapshotArgs]
	app   *App
	queue lateQueue
}

func (w *indexSnapshotWorker) Work(ctx context.Context, _ *river.Job[indexSnapshotArgs]) error {
	_, err := w.app.EnqueueIndexSnapshot(ctx, w.queue, w.app.now())
	return err
}

// indexQueue is where EnqueueIndexSnapshot puts the pages' jobs.
type indexQueue interface {
	Enqueue(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) (jobs.Inserted, error)
}

// EnqueueIndexSnapshot is the periodic job's work at now: it purges the
// snapshots older than IndexSnapshotKeep days and enqueues the job of
// each page of the index for now's day, in one transaction. It reports
// how many were inserted (not there already).
func (a *App) EnqueueIndexSnapshot(ctx context.Context, q indexQueue, now time.Time) (int, error) {
	if _, err := a.DB.PurgeIndexSnapshots(ctx, now.AddDate(0, 0, -IndexSnapshotKeep)); err != nil {
		return 0, err
	}
	pages, err := a.Portal.IndexPages(ctx, now)
	if err != nil {
		return 0, err
	}
	day := now.In(store.Zone).Format(time.DateOnly)
	n := 0
	err = a.DB.WriteTx(ctx, func(tx *sql.Tx) error {
		n = 0
		for _, p := range pages {
			ins, err := q.Enqueue(ctx, tx, indexPageArgs{Day: day, Unit: p}, nil)
			if err != nil {
				return fmt.Errorf("enqueuing the public index's page %q: %w", p, err)
			}
			if !ins.Duplicate {
				n++
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("enqueuing the public index's snapshot of %s: %w", day, err)
	}
	a.Log.InfoContext(ctx, "public index's snapshot enqueued", "day", day, "pages", len(pages), "inserted", n)
	return n, nil
}

type indexPageWorker struct {
	river.WorkerDefaults[indexPageArgs]
	app *App
}

// Timeout gives a page the time its figures take at ten million dossiers
// (about a minute for the main page), within the time after which a
// running job is taken for dead and run again.
func (w *indexPageWorker) Timeout(*river.Job[indexPageArgs]) time.Duration {
	rescue := w.app.Config.Jobs.RescueAfter
	if rescue <= 0 {
		rescue = jobs.DefaultRescueAfter
	}
	return rescue * 2 / 3
}

func (w *indexPageWorker) Work(ctx context.Context, job *river.Job[indexPageArgs]) error {
	_, err := w.app.SnapshotIndexPage(ctx, job.Args.Day, job.Args.Unit, w.app.now())
	return err
}

// SnapshotIndexPage is a page job's work at now: the figures of the
// index's page of unit ("" the main page) for day, computed and stored
// unless already stored. A job of a day already over does nothing (it
// reports false): its figures are no longer shown.
func (a *App) SnapshotIndexPage(ctx context.Context, day, unit string, now time.Time) (bool, error) {
	if today := now.In(store.Zone).Format(time.DateOnly); today != day {
		a.Log.InfoContext(ctx, "public index's page dropped: its day is over", "day", day, "today", today, "unit", unit)
		return false, nil
	}
	if err := a.Portal.WarmIndexPage(ctx, now, unit); err != nil {
		return false, fmt.Errorf("the public index's page %q of %s: %w", unit, day, err)
	}
	return true, nil
}
