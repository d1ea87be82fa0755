package notice

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
)

// Channel is one way of reaching a citizen (an adapter over the e-mail,
// SMS or Zalo client).
type Channel interface {
	// Accepts reports whether the channel can tell this event (Zalo sends
	// only the events it has an approved template for).
	Accepts(ev dossier.Event) bool
	// Deliver sends the notice. An error wrapping *PermanentError fails
	// this notice for good.
	Deliver(ctx context.Context, r *Record, c Content) (Receipt, error)
}

// Receipt is what a provider answered to a notice it took.
type Receipt struct {
	// Ref is the provider's reference of the message.
	Ref string
	// Parts counts the billable messages (an SMS longer than one
	// segment is several).
	Parts int
}

// PermanentError is a refusal that retrying will not change (a 4xx answer,
// an invalid recipient): the notice is failed at once, the others go on.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// IsPermanent reports whether err wraps a *PermanentError.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

// Store is what the service reads and writes.
type Store interface {
	NoticeAudience(ctx context.Context, tx *sql.Tx, d *dossier.Dossier) (Audience, error)
	InsertNotice(ctx context.Context, tx *sql.Tx, r *Record) (bool, error)
	Notice(ctx context.Context, id int64) (*Record, error)
	EarlierQueued(ctx context.Context, r *Record) (bool, error)
	NoticeOutcome(ctx context.Context, id int64, status Status, rc Receipt, errText string, at time.Time) error
	DossierByID(ctx context.Context, id int64) (*dossier.Dossier, error)
	Event(ctx context.Context, dossierID, eventID int64) (*dossier.Event, error)
	Version(ctx context.Context, id int64) (*catalog.Version, error)
}

// Enqueue inserts a job in the caller's transaction (jobs.Queue.Enqueue).
type Enqueue func(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error

// Service decides and sends the notices.
type Service struct {
	Store    Store
	Channels map[account.Channel]Channel
	Enqueue  Enqueue
	// BaseURL is the portal's address, for the link in each notice.
	BaseURL string
	Now     func() time.Time
	Log     *slog.Logger
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// Enabled reports whether any channel is configured.
func (s *Service) Enabled() bool { return s != nil && len(s.Channels) > 0 }

// Plan records, inside tx, the notices one event of d calls for (one per
// channel the citizen wants and the deployment has) and enqueues their
// jobs there too. Planning an event twice adds nothing.
func (s *Service) Plan(ctx context.Context, tx *sql.Tx, d *dossier.Dossier, ev *dossier.Event) error {
	if !s.Enabled() || ev.ActorID != 0 && ev.ActorID == d.OwnerID {
		// Nobody is told of what they did themselves.
		return nil
	}
	kind, ok := KindOf(*ev)
	if !ok {
		return nil
	}
	au, err := s.Store.NoticeAudience(ctx, tx, d)
	if err != nil {
		return err
	}
	lang := au.Lang
	if lang != "en" {
		lang = "vi"
	}
	for _, ch := range account.Channels {
		c, ok := s.Channels[ch]
		if !ok || !au.Prefs.Wants(kind, ch) || !c.Accepts(*ev) {
			continue
		}
		to := au.Phone
		if ch == account.ChannelEmail {
			to = au.Email
		}
		r := &Record{DossierID: d.ID, EventID: ev.ID, AccountID: au.AccountID, Kind: kind, Channel: ch, Recipient: to, Lang: lang, CreatedAt: s.now()}
		fresh, err := s.Store.InsertNotice(ctx, tx, r)
		if err != nil {
			return err
		}
		if !fresh {
			continue
		}
		if err := s.Enqueue(ctx, tx, SendArgs{NoticeID: r.ID}, nil); err != nil {
			return err
		}
	}
	return nil
}

// SendArgs is the job of sending one recorded notice.
type SendArgs struct {
	NoticeID int64 `json:"notice_id"`
}

// Kind names the job.
func (SendArgs) Kind() string { return "notice_send" }

// SendAttempts bounds the tries of a notice: with jobs' backoff (capped
// at a quarter of an hour) about seven hours of a provider's outage.
const SendAttempts = 30

// InsertOpts puts notices on their own queue.
func (SendArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: "notices", MaxAttempts: SendAttempts}
}

// orderWait is how long a notice waits for an earlier one of its dossier.
const orderWait = 15 * time.Second

// SendWorker sends recorded notices.
type SendWorker struct {
	river.WorkerDefaults[SendArgs]
	Service *Service
}

// Work sends one notice: once (a notice already sent is not sent again
// when its job runs twice), after the earlier notices of its dossier on
// the same channel, and records the outcome.
func (w *SendWorker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	s := w.Service
	r, err := s.Store.Notice(ctx, job.Args.NoticeID)
	if apperr.Is(err, apperr.NotFound) {
		return river.JobCancel(fmt.Errorf("notice %d does not exist", job.Args.NoticeID))
	}
	if err != nil {
		return err
	}
	if r.Status == Sent {
		// Sent already (the job ran twice): never twice for one change. A
		// failed notice is sent again when an administrator retries its
		// job.
		return nil
	}
	earlier, err := s.Store.EarlierQueued(ctx, r)
	if err != nil {
		return err
	}
	if earlier {
		return river.JobSnooze(orderWait)
	}
	fail := func(status Status, cause error) error {
		if err := s.Store.NoticeOutcome(ctx, r.ID, status, Receipt{}, clip(cause.Error()), s.now()); err != nil {
			return err
		}
		s.log().WarnContext(ctx, "notice not sent", "notice", r.ID, "channel", r.Channel, "status", status, "attempt", job.Attempt, "err", cause)
		if status == Failed {
			return river.JobCancel(cause)
		}
		return cause
	}
	ch, ok := s.Channels[r.Channel]
	if !ok {
		return fail(Failed, fmt.Errorf("the %s channel is not configured any more", r.Channel))
	}
	c, err := s.content(ctx, r)
	if err != nil {
		return err
	}
	rc, err := ch.Deliver(ctx, r, c)
	switch {
	case err == nil:
		if err := s.Store.NoticeOutcome(ctx, r.ID, Sent, rc, "", s.now()); err != nil {
			// Sent but not recorded: the retry sends it again with the
			// same reference, which the providers that take one drop.
			return err
		}
		s.log().InfoContext(ctx, "notice sent", "notice", r.ID, "channel", r.Channel, "ref", rc.Ref, "parts", rc.Parts)
		return nil
	case IsPermanent(err), job.Attempt >= job.MaxAttempts:
		return fail(Failed, err)
	default:
		return fail(Queued, err)
	}
}

// content renders the notice from the dossier as it is now and the event
// as it was.
func (s *Service) content(ctx context.Context, r *Record) (Content, error) {
	d, err := s.Store.DossierByID(ctx, r.DossierID)
	if err != nil {
		return Content{}, err
	}
	ev, err := s.Store.Event(ctx, r.DossierID, r.EventID)
	if err != nil {
		return Content{}, fmt.Errorf("loading event %d of %s: %w", r.EventID, d.Code, err)
	}
	ver, err := s.Store.Version(ctx, d.ProcedureVersionID)
	if err != nil {
		return Content{}, err
	}
	in := Input{Lang: r.Lang, Code: d.Code, ProcedureName: d.ProcedureName, Name: d.Applicant.DisplayName(),
		Event: *ev, Version: ver, TrackURL: strings.TrimRight(s.BaseURL, "/") + "/ho-so/" + d.Code}
	if d.AppointedDueAt != nil {
		in.AppointedDue = *d.AppointedDueAt
	} else if d.LegalDueAt != nil {
		in.AppointedDue = *d.LegalDueAt
	}
	return Render(in), nil
}

// clip keeps an error short enough for the notice's record.
func clip(s string) string {
	if r := []rune(s); len(r) > 500 {
		return string(r[:500]) + "…"
	}
	return s
}
