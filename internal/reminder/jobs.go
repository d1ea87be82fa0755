package reminder

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/motcua/motcua/internal/jobs"
	"github.com/motcua/motcua/internal/store"
)

// DigestHour and DigestMinute are when the digest goes out, in
// Asia/Ho_Chi_Minh: at the opening of the offices (07:00).
const (
	DigestHour   = 7
	DigestMinute = 0
)

// dayLayout is SendDigestArgs.Day's.
const dayLayout = "2006-01-02"

// DigestArgs is the periodic job that enqueues the day's digests.
type DigestArgs struct{}

// Kind is the job kind.
func (DigestArgs) Kind() string { return "officer_digest" }

// InsertOpts puts the job on the default queue; a failed run is retried a
// few times (River's backoff: seconds, then minutes).
func (DigestArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueDefault, MaxAttempts: 5}
}

// SendDigestArgs sends one officer the digest of one day.
type SendDigestArgs struct {
	AccountID int64 `json:"account_id"`
	// Day is the digest's day, YYYY-MM-DD in Asia/Ho_Chi_Minh.
	Day string `json:"day"`
}

// Kind is the job kind.
func (SendDigestArgs) Kind() string { return "officer_digest_send" }

// InsertOpts makes the job unique by its arguments: a second periodic run
// on the same day, or one by another serve process, finds the officer's
// digest of the day already there (completed ones are kept for a day) and
// inserts nothing. Attempts are few: a digest is stale the next day.
func (SendDigestArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueNotices, MaxAttempts: 8, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// DailyAt is a River schedule firing every day at Hour:Minute in Location
// (nil is Asia/Ho_Chi_Minh).
type DailyAt struct {
	Hour, Minute int
	Location     *time.Location
}

// Next returns the first Hour:Minute strictly after current.
func (s DailyAt) Next(current time.Time) time.Time {
	loc := s.Location
	if loc == nil {
		loc = store.Zone
	}
	c := current.In(loc)
	t := time.Date(c.Year(), c.Month(), c.Day(), s.Hour, s.Minute, 0, 0, loc)
	if !t.After(current) {
		t = time.Date(c.Year(), c.Month(), c.Day()+1, s.Hour, s.Minute, 0, 0, loc)
	}
	return t
}

// PeriodicJob is the digest's periodic job, for river.Config.PeriodicJobs:
// every day at 07:00 in Asia/Ho_Chi_Minh, and once when the process starts
// (River keeps its schedule in memory only, so a process started after
// 07:00 would otherwise skip the day; the worker ignores a run before
// 07:00, and SendDigestArgs' uniqueness a second one after it).
func PeriodicJob() *river.PeriodicJob {
	return river.NewPeriodicJob(DailyAt{Hour: DigestHour, Minute: DigestMinute, Location: store.Zone},
		func() (river.JobArgs, *river.InsertOpts) { return DigestArgs{}, nil },
		&river.PeriodicJobOpts{ID: DigestArgs{}.Kind(), RunOnStart: true})
}

// Register adds the workers of both jobs to ws.
func Register(ws *river.Workers, s *Service) error {
	if err := jobs.Register(ws, &DigestWorker{S: s}); err != nil {
		return err
	}
	return jobs.Register(ws, &SendDigestWorker{S: s})
}

// DigestWorker works DigestArgs.
type DigestWorker struct {
	river.WorkerDefaults[DigestArgs]
	S *Service
}

// Work enqueues one SendDigestArgs per officer with something due and an
// e-mail address, in one transaction. It sends nothing on a day that is
// not a working day, nor before DigestHour.
func (w *DigestWorker) Work(ctx context.Context, _ *river.Job[DigestArgs]) error {
	_, err := w.S.EnqueueDigests(ctx, w.S.now())
	return err
}

// Enqueued counts what EnqueueDigests did.
type Enqueued struct {
	// Inserted are new SendDigestArgs jobs; Duplicates were there already.
	Inserted, Duplicates int
	// NoEmail are officers with something due but no e-mail address.
	NoEmail int
	// Skipped says why nothing was done ("" when it ran).
	Skipped string
}

// EnqueueDigests is DigestWorker's work at now.
func (s *Service) EnqueueDigests(ctx context.Context, now time.Time) (Enqueued, error) {
	var res Enqueued
	base, err := s.Calendars.ForUnit(ctx, "")
	if err != nil {
		return res, fmt.Errorf("reading the calendar for the digests: %w", err)
	}
	local := now.In(base.Location())
	switch {
	case !base.IsWorkingDay(now):
		res.Skipped = "not a working day"
	case local.Hour()*60+local.Minute() < DigestHour*60+DigestMinute:
		// The run River makes when a process starts before the hour.
		res.Skipped = "before the digest's hour"
	}
	if res.Skipped != "" {
		s.log().InfoContext(ctx, "officers' digest skipped", "reason", res.Skipped, "day", local.Format(dayLayout))
		return res, nil
	}
	digests, err := s.Digests(ctx, now)
	if err != nil {
		return res, err
	}
	day := local.Format(dayLayout)
	var noEmail []int64
	err = s.Store.WriteTx(ctx, func(tx *sql.Tx) error {
		res = Enqueued{}
		noEmail = noEmail[:0]
		for _, d := range digests {
			if d.Email == "" {
				res.NoEmail++
				noEmail = append(noEmail, d.AccountID)
				continue
			}
			ins, err := s.Queue.Enqueue(ctx, tx, SendDigestArgs{AccountID: d.AccountID, Day: day}, nil)
			if err != nil {
				return fmt.Errorf("enqueuing the digest of account %d: %w", d.AccountID, err)
			}
			if ins.Duplicate {
				res.Duplicates++
			} else {
				res.Inserted++
			}
		}
		return nil
	})
	if err != nil {
		return Enqueued{}, fmt.Errorf("enqueuing the officers' digests: %w", err)
	}
	log := s.log()
	if len(noEmail) > 0 {
		// Account ids only: the administrator fills in the addresses.
		log.WarnContext(ctx, "officers with dossiers falling due have no e-mail address", "accounts", noEmail)
	}
	log.InfoContext(ctx, "officers' digests enqueued", "day", day, "inserted", res.Inserted, "duplicates", res.Duplicates, "no_email", res.NoEmail)
	return res, nil
}

// SendDigestWorker works SendDigestArgs.
type SendDigestWorker struct {
	river.WorkerDefaults[SendDigestArgs]
	S *Service
}

// Work sends the digest; see Service.SendDigest.
func (w *SendDigestWorker) Work(ctx context.Context, job *river.Job[SendDigestArgs]) error {
	_, err := w.S.SendDigest(ctx, job.Args, w.S.now())
	var bad *badArgs
	if errors.As(err, &bad) {
		// Retrying cannot mend the arguments.
		return river.JobCancel(err)
	}
	return err
}

// badArgs is a SendDigestArgs no retry can send.
type badArgs struct{ msg string }

func (e *badArgs) Error() string { return e.msg }

// SendDigest reads the officer's dossiers again at now (a dossier finished
// since the digest was enqueued is left out) and mails the digest; it
// sends nothing when nothing is left, when the officer has no e-mail
// address any more, or when the day is over (a retry that came too late:
// the next digest tells the same). sent reports whether a mail went out.
func (s *Service) SendDigest(ctx context.Context, args SendDigestArgs, now time.Time) (sent bool, err error) {
	loc := store.Zone
	if args.AccountID <= 0 {
		return false, &badArgs{fmt.Sprintf("sending a digest: bad account %d", args.AccountID)}
	}
	day, err := time.ParseInLocation(dayLayout, args.Day, loc)
	if err != nil {
		return false, &badArgs{fmt.Sprintf("sending the digest of account %d: bad day %q", args.AccountID, args.Day)}
	}
	log := s.log().With("account", args.AccountID, "day", args.Day)
	if today := now.In(loc).Format(dayLayout); today != day.Format(dayLayout) {
		log.InfoContext(ctx, "officer's digest dropped: its day is over", "today", today)
		return false, nil
	}
	d, ok, err := s.DigestOf(ctx, args.AccountID, now)
	if err != nil {
		return false, err
	}
	if !ok {
		log.InfoContext(ctx, "officer's digest not sent: nothing falls due any more")
		return false, nil
	}
	if d.Email == "" {
		log.InfoContext(ctx, "officer's digest not sent: no e-mail address")
		return false, nil
	}
	m, err := Render(d, s.BaseURL, s.Lang)
	if err != nil {
		return false, err
	}
	m.To = d.Email
	m.Ref = fmt.Sprintf("digest-%d-%s", args.AccountID, args.Day)
	ref, err := s.Mailer.Mail(ctx, m)
	if err != nil {
		return false, fmt.Errorf("sending the digest of account %d: %w", args.AccountID, err)
	}
	log.InfoContext(ctx, "officer's digest sent", "dossiers", d.Len(), "ref", ref)
	return true, nil
}
