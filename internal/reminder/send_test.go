package reminder

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/motcua/motcua/internal/jobs"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

func sendJob(account int64, day string) *river.Job[SendDigestArgs] {
	return &river.Job[SendDigestArgs]{JobRow: &rivertype.JobRow{}, Args: SendDigestArgs{AccountID: account, Day: day}}
}

func TestSendDigest(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	e := newEnv(t, db)
	w := &SendDigestWorker{S: e.svc}

	if err := w.Work(ctx, sendJob(lan, "2025-04-04")); err != nil {
		t.Fatal(err)
	}
	mails := e.mailer.sent()
	if len(mails) != 1 {
		t.Fatalf("%d mails, want 1", len(mails))
	}
	m := mails[0]
	if m.To != "lan@example.gov.vn" || m.Ref != "digest-11-2025-04-04" {
		t.Errorf("to %q ref %q", m.To, m.Ref)
	}
	if m.Subject != "[motcua] Hồ sơ đến hạn ngày 04/04/2025: 5 hồ sơ" {
		t.Errorf("subject %q", m.Subject)
	}
	for _, want := range []string{"https://motcua.example.gov.vn/can-bo/ho-so/000.01.02.H26-250326-0004", "Cần lập văn bản xin lỗi trong hôm nay (1)"} {
		if !strings.Contains(m.Text, want) || !strings.Contains(m.HTML, want) {
			t.Errorf("the mail does not say %q", want)
		}
	}

	// The dossier of the apology is finished before the retry of the
	// same job: the digest is read again and leaves it out, and its
	// apology section with it; the reference stays.
	e.st.finish("000.01.02.H26-250326-0004")
	if err := w.Work(ctx, sendJob(lan, "2025-04-04")); err != nil {
		t.Fatal(err)
	}
	mails = e.mailer.sent()
	if len(mails) != 2 {
		t.Fatalf("%d mails, want 2", len(mails))
	}
	m = mails[1]
	if m.Subject != "[motcua] Hồ sơ đến hạn ngày 04/04/2025: 4 hồ sơ" || m.Ref != "digest-11-2025-04-04" {
		t.Errorf("after one finished: subject %q ref %q", m.Subject, m.Ref)
	}
	if strings.Contains(m.Text, "250326-0004") || strings.Contains(m.HTML, "250326-0004") || strings.Contains(m.Text, "Cần lập văn bản xin lỗi") || strings.Contains(m.HTML, "Điều 19") {
		t.Errorf("the finished dossier, or its apology section, is still in the mail:\n%s", m.Text)
	}

	// Everything finished: nothing is sent.
	for _, r := range sampleRows() {
		if r.AccountID == lan {
			e.st.finish(r.Code)
		}
	}
	sent, err := e.svc.SendDigest(ctx, SendDigestArgs{AccountID: lan, Day: "2025-04-04"}, friday)
	if err != nil || sent {
		t.Errorf("nothing left: sent %v, %v", sent, err)
	}
	if n := len(e.mailer.sent()); n != 2 {
		t.Errorf("%d mails, want still 2", n)
	}
}

func TestSendDigestSendsNothing(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	e := newEnv(t, db)
	for _, tc := range []struct {
		name string
		args SendDigestArgs
	}{
		{"no e-mail address", SendDigestArgs{AccountID: hoa, Day: "2025-04-04"}},
		{"nothing due", SendDigestArgs{AccountID: 99, Day: "2025-04-04"}},
		// A retry that came after the day (the job was enqueued on
		// Thursday): tomorrow's digest tells the same.
		{"the day is over", SendDigestArgs{AccountID: lan, Day: "2025-04-03"}},
	} {
		sent, err := e.svc.SendDigest(ctx, tc.args, friday)
		if err != nil || sent {
			t.Errorf("%s: sent %v, %v", tc.name, sent, err)
		}
	}
	if n := len(e.mailer.sent()); n != 0 {
		t.Errorf("%d mails sent", n)
	}
}

func TestSendDigestErrors(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	e := newEnv(t, db)
	w := &SendDigestWorker{S: e.svc}
	for _, tc := range []struct {
		name    string
		args    SendDigestArgs
		cancel  bool // no retry can mend it
		wantErr string
	}{
		{"no account", SendDigestArgs{Day: "2025-04-04"}, true, "bad account 0"},
		{"negative account", SendDigestArgs{AccountID: -4, Day: "2025-04-04"}, true, "bad account -4"},
		{"bad day", SendDigestArgs{AccountID: lan, Day: "04/04/2025"}, true, `bad day "04/04/2025"`},
		{"empty day", SendDigestArgs{AccountID: lan}, true, `bad day ""`},
	} {
		err := w.Work(ctx, sendJob(tc.args.AccountID, tc.args.Day))
		var cancel *rivertype.JobCancelError
		if err == nil || errors.As(err, &cancel) != tc.cancel || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: %v; want a cancelling error saying %q", tc.name, err, tc.wantErr)
		}
	}

	// The mail server is down: the job fails and River retries it.
	e.mailer.err = errors.New("connection refused")
	err := w.Work(ctx, sendJob(lan, "2025-04-04"))
	var cancel *rivertype.JobCancelError
	if err == nil || errors.As(err, &cancel) || !strings.Contains(err.Error(), "sending the digest of account 11: connection refused") {
		t.Errorf("mail server down: %v", err)
	}
}

// Through River: the digest job, worked by a running queue with both
// workers registered, ends in one mail per officer with an address.
func TestDigestThroughRiver(t *testing.T) {
	for _, eng := range storetest.Engines {
		t.Run(string(eng), func(t *testing.T) {
			ctx := context.Background()
			db := storetest.Open(t, eng)
			e := newEnv(t, db)
			ws := jobs.NewWorkers()
			if err := Register(ws, e.svc); err != nil {
				t.Fatal(err)
			}
			if err := Register(ws, e.svc); err == nil {
				t.Error("the workers registered twice")
			}
			q, err := jobs.New(db, jobs.Config{Log: e.svc.Log, Workers: ws, PollInterval: 50 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			e.svc.Queue = q
			runCtx, stop := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() { done <- q.Run(runCtx, 5*time.Second) }()
			t.Cleanup(func() {
				stop()
				if err := <-done; err != nil {
					t.Errorf("stopping the queue: %v", err)
				}
			})
			err = db.WriteTx(ctx, func(tx *sql.Tx) error {
				_, err := q.Enqueue(ctx, tx, DigestArgs{}, nil)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(30 * time.Second)
			for len(e.mailer.sent()) < 2 && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			var to []string
			for _, m := range e.mailer.sent() {
				to = append(to, m.To+" "+m.Ref)
			}
			slices.Sort(to)
			want := []string{"lan@example.gov.vn digest-11-2025-04-04", "minh@example.gov.vn digest-12-2025-04-04"}
			if !slices.Equal(to, want) {
				t.Errorf("mails %v, want %v", to, want)
			}
		})
	}
}

// River accepts the periodic job, and a process starting runs it at once
// (RunOnStart), which ends in the day's mails.
func TestPeriodicJobRunsOnStart(t *testing.T) {
	for _, eng := range storetest.Engines {
		t.Run(string(eng), func(t *testing.T) {
			ctx := context.Background()
			db := storetest.Open(t, eng)
			e := newEnv(t, db)
			ws := river.NewWorkers()
			if err := Register(ws, e.svc); err != nil {
				t.Fatal(err)
			}
			// What the app does with jobs.Config once it carries periodic
			// jobs (internal/jobs has no such field yet).
			c, err := river.NewClient(db.RiverDriver(), &river.Config{
				Logger:            e.svc.Log,
				Workers:           ws,
				Queues:            map[string]river.QueueConfig{jobs.QueueDefault: {MaxWorkers: 1}, jobs.QueueNotices: {MaxWorkers: 1}},
				PeriodicJobs:      []*river.PeriodicJob{PeriodicJob()},
				PollOnly:          true,
				FetchPollInterval: 50 * time.Millisecond,
				FetchCooldown:     50 * time.Millisecond,
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				stopCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
				defer cancel()
				if err := c.Stop(stopCtx); err != nil {
					t.Errorf("stopping River: %v", err)
				}
			})
			deadline := time.Now().Add(30 * time.Second)
			for len(e.mailer.sent()) < 2 && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			if n := len(e.mailer.sent()); n != 2 {
				t.Errorf("%d mails after the start, want Lan's and Minh's", n)
			}
		})
	}
}
