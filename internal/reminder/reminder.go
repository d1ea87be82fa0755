// Package reminder sends officers their daily digest of the dossiers they
// hold that fall due: those overdue, those due by the end of the next
// working day, and those for which today is the last day to send the
// applicant the apology letter with a new date (Decree 61/2018/NĐ-CP art.
// 19 as amended by Decree 107/2021/NĐ-CP; motcua's "reschedule" action).
//
// Two River jobs do it: the periodic DigestArgs, every morning, enqueues one
// SendDigestArgs per officer in one transaction; SendDigestArgs reads that
// officer's dossiers again and mails the digest.
package reminder

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/jobs"
	"github.com/motcua/motcua/internal/store"
)

// Store is what the digest reads and writes in (store.DB).
type Store interface {
	DueDigest(ctx context.Context, now, tomorrowEnd time.Time) ([]store.DueDossier, error)
	DueDigestOf(ctx context.Context, accountID int64, now, tomorrowEnd time.Time) ([]store.DueDossier, error)
	WriteTx(ctx context.Context, fn func(tx *sql.Tx) error) error
}

// Calendars hands out a unit's working-day calendar, "" for the
// deployment-wide one (calendar.Source).
type Calendars interface {
	ForUnit(ctx context.Context, unitPath string) (*calendar.Calendar, error)
}

// Enqueuer inserts a job inside a transaction (jobs.Queue).
type Enqueuer interface {
	Enqueue(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) (jobs.Inserted, error)
}

// Mail is one e-mail to send.
type Mail struct {
	To      string
	Subject string
	Text    string
	HTML    string
	// Ref identifies the message across retries ("digest-<account>-<day>"),
	// so that a mailer may send it once however often it is asked.
	Ref string
}

// Mailer sends an e-mail and returns the reference its outside system
// gave it.
type Mailer interface {
	Mail(ctx context.Context, m Mail) (ref string, err error)
}

// Clock counts working days: *calendar.Calendar.
type Clock interface {
	AddWorkingDays(t time.Time, n int) time.Time
	IsWorkingDay(t time.Time) bool
	Location() *time.Location
}

// Item is one dossier of a digest.
type Item struct {
	DossierID     int64
	Code          string
	ProcedureName string
	// Due is the effective due date: the appointment when set, else the
	// statutory date.
	Due         time.Time
	Status      dossier.Status
	Rescheduled bool
}

// Digest is one officer's digest of a day. The three lists are disjoint: a
// dossier for which the apology is due today is listed under Apology only.
type Digest struct {
	AccountID int64
	Name      string
	Email     string
	// Day is the day of the digest and NextDay the next working day after
	// it, both at midnight in the deployment's zone.
	Day, NextDay time.Time
	// Overdue are past their due date.
	Overdue []Item
	// DueSoon fall due by the end of the next working day, and either
	// were rescheduled already or are too close for an apology (due today).
	DueSoon []Item
	// Apology fall due on the next working day and were never
	// rescheduled: if they will be late, today is the last day to send the
	// apology with a new date.
	Apology []Item
}

// Len is the number of dossiers in the digest.
func (d *Digest) Len() int { return len(d.Overdue) + len(d.DueSoon) + len(d.Apology) }

// Service builds and sends the digests; its fields are its dependencies.
type Service struct {
	Store     Store
	Calendars Calendars
	// Queue is needed by the periodic job, Mailer by the sending job.
	Queue  Enqueuer
	Mailer Mailer
	// BaseURL is the public address of motcua; each dossier links to
	// BaseURL + "/can-bo/ho-so/" + code.
	BaseURL string
	// Lang is the language of the e-mails: "vi" (default) or "en".
	Lang string
	// Log receives what was sent; nil is slog.Default().
	Log *slog.Logger
	// Now is the clock; nil is time.Now.
	Now func() time.Time
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

// WindowEnd is the end of the digest's window at now: midnight after the
// next working day after now's date, in clk's zone. On a Friday it is the
// end of Monday; before a holiday, the end of the first working day after
// it.
func WindowEnd(now time.Time, clk Clock) time.Time {
	next := NextWorkingDay(now, clk)
	return next.AddDate(0, 0, 1)
}

// NextWorkingDay is midnight starting the first working day after now's
// date, in clk's zone.
func NextWorkingDay(now time.Time, clk Clock) time.Time {
	loc := clk.Location()
	y, m, d := clk.AddWorkingDays(now, 1).In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// Section says in which list of a digest a dossier goes.
type Section int

// Sections of a digest; None is a dossier beyond the window.
const (
	None Section = iota
	Overdue
	DueSoon
	Apology
)

// Classify puts a dossier of effective due date due, rescheduled or not,
// in its list at now, with the calendar of the unit holding it. The apology
// list takes the dossiers that were never rescheduled and whose apology may
// still be sent in time (dossier.CheckApologyInTime: by the working day
// before the due date); a dossier due today is past that point and listed
// as due only.
func Classify(due time.Time, rescheduled bool, now time.Time, clk Clock) Section {
	switch {
	case due.Before(now):
		return Overdue
	case !due.Before(WindowEnd(now, clk)):
		return None
	case !rescheduled && dossier.CheckApologyInTime(due, now, clk) == nil:
		return Apology
	default:
		return DueSoon
	}
}

// horizonSlack widens the window the store is asked for beyond the
// deployment-wide calendar's, for units whose own calendar has extra days
// off (their next working day comes later); each dossier is then judged
// with its unit's calendar.
const horizonSlack = 7 * 24 * time.Hour

// Digests builds the digests of every officer holding a dossier that
// falls due, at now. Officers with nothing due are left out.
func (s *Service) Digests(ctx context.Context, now time.Time) ([]Digest, error) {
	base, err := s.Calendars.ForUnit(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("reading the calendar for the digests: %w", err)
	}
	rows, err := s.Store.DueDigest(ctx, now, WindowEnd(now, base).Add(horizonSlack))
	if err != nil {
		return nil, fmt.Errorf("building the digests: %w", err)
	}
	return s.group(ctx, rows, now, base)
}

// DigestOf builds one officer's digest at now; ok is false when nothing
// falls due.
func (s *Service) DigestOf(ctx context.Context, accountID int64, now time.Time) (d Digest, ok bool, err error) {
	base, err := s.Calendars.ForUnit(ctx, "")
	if err != nil {
		return Digest{}, false, fmt.Errorf("reading the calendar for a digest: %w", err)
	}
	rows, err := s.Store.DueDigestOf(ctx, accountID, now, WindowEnd(now, base).Add(horizonSlack))
	if err != nil {
		return Digest{}, false, fmt.Errorf("building the digest of account %d: %w", accountID, err)
	}
	ds, err := s.group(ctx, rows, now, base)
	if err != nil || len(ds) == 0 {
		return Digest{}, false, err
	}
	return ds[0], true, nil
}

// group sorts rows (ordered by account) into one digest per officer.
func (s *Service) group(ctx context.Context, rows []store.DueDossier, now time.Time, base Clock) ([]Digest, error) {
	loc := base.Location()
	y, m, dd := now.In(loc).Date()
	day := time.Date(y, m, dd, 0, 0, 0, 0, loc)
	next := NextWorkingDay(now, base)
	clocks := map[string]Clock{"": base}
	var out []Digest
	for _, r := range rows {
		clk, ok := clocks[r.UnitPath]
		if !ok {
			c, err := s.Calendars.ForUnit(ctx, r.UnitPath)
			if err != nil {
				return nil, fmt.Errorf("reading the calendar of the unit of dossier %s: %w", r.Code, err)
			}
			clk, clocks[r.UnitPath] = c, c
		}
		sec := Classify(r.Due, r.Rescheduled, now, clk)
		if sec == None {
			continue
		}
		if len(out) == 0 || out[len(out)-1].AccountID != r.AccountID {
			out = append(out, Digest{AccountID: r.AccountID, Name: r.AccountName, Email: r.Email, Day: day, NextDay: next})
		}
		d := &out[len(out)-1]
		it := Item{DossierID: r.DossierID, Code: r.Code, ProcedureName: r.ProcedureName, Due: r.Due.In(loc), Status: r.Status, Rescheduled: r.Rescheduled}
		switch sec {
		case Overdue:
			d.Overdue = append(d.Overdue, it)
		case DueSoon:
			d.DueSoon = append(d.DueSoon, it)
		case Apology:
			d.Apology = append(d.Apology, it)
		}
	}
	return out, nil
}
