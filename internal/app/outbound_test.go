package app_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/riverqueue/river"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/outbox"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestEventJobsInTheEventsTransaction, on both engines: every dossier
// event (a submission, then a reception) commits with exactly one fan-out
// job; an event whose transaction rolls back after the hook enqueued its
// job leaves neither the event nor the job.
func TestEventJobsInTheEventsTransaction(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			count := func() (jobs, events int) {
				t.Helper()
				db := env.DB.ReadDB()
				if err := db.QueryRow(`SELECT COUNT(*) FROM river_job WHERE kind = 'dossier_event'`).Scan(&jobs); err != nil {
					t.Fatal(err)
				}
				if err := db.QueryRow(`SELECT COUNT(*) FROM events`).Scan(&events); err != nil {
					t.Fatal(err)
				}
				return jobs, events
			}
			j0, e0 := count()
			d := env.Login(apptest.CitizenA).Submit(apptest.HangTrong)
			desk := env.Login("ht.receptionist")
			desk.MustAct(&d, "receive", nil)
			if j, ev := count(); j-j0 != 2 || ev-e0 != 2 {
				t.Fatalf("after a submission and a reception: %d jobs and %d events more, want 2 and 2", j-j0, ev-e0)
			}
			// The hook enqueues, then the transaction fails.
			enqueue := func(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error {
				_, err := env.App.Jobs.Enqueue(ctx, tx, args, opts)
				return err
			}
			hook := outbox.Hook(enqueue)
			env.DB.OnEvent(func(ctx context.Context, tx *sql.Tx, d *dossier.Dossier, ev *dossier.Event) error {
				if err := hook(ctx, tx, d, ev); err != nil {
					return err
				}
				return errors.New("the disk is full")
			})
			j1, e1 := count()
			if r := env.Login("ht.leader").Act(&d, "assign", map[string]any{"assignee": "ht.specialist"}); r.Status != 500 {
				t.Fatalf("assign with a failing transaction: %d %s", r.Status, r.Body)
			}
			if j, ev := count(); j != j1 || ev != e1 {
				t.Errorf("a rolled-back event left %d jobs and %d events", j-j1, ev-e1)
			}
			var status int
			if err := env.DB.ReadDB().QueryRow(`SELECT status FROM dossiers WHERE code = $1`, d.Code).Scan(&status); err != nil || status != 2 {
				t.Errorf("the dossier after the rolled-back assignment: status %d (%v), want 2", status, err)
			}
		})
	}
}
