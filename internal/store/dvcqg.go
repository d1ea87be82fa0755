package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/payment"
)

// SyncStatus is where one dossier stands with the national public service
// portal (DVCQG): whether the portal has it, how much of its event log was
// pushed, and the last failure.
type SyncStatus struct {
	DossierID int64  `json:"-"`
	Code      string `json:"code"`
	// Created is set once the portal holds the dossier (later pushes
	// update it).
	Created bool `json:"created"`
	// SyncedSeq is the seq of the last event pushed; EventCount that of
	// the dossier's last event. The dossier is up to date when they are
	// equal.
	SyncedSeq  int64      `json:"synced_seq"`
	EventCount int64      `json:"event_count"`
	Attempts   int        `json:"attempts"`
	LastError  string     `json:"last_error,omitempty"`
	LastAt     *time.Time `json:"last_at,omitempty"`
	LeaseUntil *time.Time `json:"lease_until,omitempty"`
	LeaseBy    string     `json:"lease_by,omitempty"`
}

// UpToDate reports whether the portal has everything the dossier has.
func (s *SyncStatus) UpToDate() bool {
	return s.Created && s.SyncedSeq >= s.EventCount && s.LastError == ""
}

const syncColumns = `d.id, d.code, COALESCE(s.created, FALSE), COALESCE(s.synced_seq, 0), d.events_count, COALESCE(s.attempts, 0),
	COALESCE(s.last_error, ''), s.last_at, s.lease_until, COALESCE(s.lease_by, '')`

func scanSync(row interface{ Scan(...any) error }) (*SyncStatus, error) {
	var s SyncStatus
	var last, lease sql.NullTime
	if err := row.Scan(&s.DossierID, &s.Code, &s.Created, &s.SyncedSeq, &s.EventCount, &s.Attempts, &s.LastError, &last, &lease, &s.LeaseBy); err != nil {
		return nil, err
	}
	s.LastAt, s.LeaseUntil = ntime(last), ntime(lease)
	return &s, nil
}

// SyncState returns the dossier's sync state, for the staff's dossier
// page: a dossier never pushed has the zero state with its event count.
// An unknown dossier is apperr.ErrNotFound.
func (db *DB) SyncState(ctx context.Context, dossierID int64) (*SyncStatus, error) {
	s, err := scanSync(db.queryRow(ctx, `SELECT `+syncColumns+` FROM dossiers d LEFT JOIN dvcqg_sync s ON s.dossier_id = d.id
		WHERE d.id = $1`, dossierID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("reading the national portal sync state: %w", err)
	}
	return s, nil
}

// SyncBacklog lists, for the administrator, up to limit dossiers whose
// push to the portal is behind (events not yet pushed) or failed last
// time, the longest since its last attempt first (those never finished
// last, on both engines). A dossier whose first job has not run yet has no
// sync row and is not listed: it is River's pending job.
func (db *DB) SyncBacklog(ctx context.Context, limit int) ([]SyncStatus, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := db.query(ctx, `SELECT `+syncColumns+` FROM dvcqg_sync s JOIN dossiers d ON d.id = s.dossier_id
		WHERE s.synced_seq < d.events_count OR s.last_error <> ''
		ORDER BY (s.last_at IS NULL), s.last_at, s.dossier_id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("listing the national portal sync backlog: %w", err)
	}
	defer rows.Close()
	var out []SyncStatus
	for rows.Next() {
		s, err := scanSync(rows)
		if err != nil {
			return nil, fmt.Errorf("listing the national portal sync backlog: %w", err)
		}
		out = append(out, *s)
	}
	return out, rows.Err()
}

// TakeSyncLease takes the dossier's sync lease for by until until, unless
// another holder's lease runs past now; ok is false then. The lease keeps
// two serve processes from pushing one dossier at once; one left by a
// crashed process lapses at its end.
func (db *DB) TakeSyncLease(ctx context.Context, dossierID int64, by string, now, until time.Time) (st *SyncStatus, ok bool, err error) {
	err = db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO dvcqg_sync (dossier_id) VALUES ($1) ON CONFLICT (dossier_id) DO NOTHING`, dossierID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE dvcqg_sync SET lease_until = $2, lease_by = $3
			WHERE dossier_id = $1 AND (lease_until IS NULL OR lease_until < $4)`, dossierID, utc(until), by, utc(now))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		ok = n == 1
		st, err = scanSync(tx.QueryRowContext(ctx, `SELECT `+syncColumns+` FROM dossiers d JOIN dvcqg_sync s ON s.dossier_id = d.id
			WHERE d.id = $1`, dossierID))
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("taking the national portal sync lease: %w", err)
	}
	return st, ok, nil
}

// SyncSucceeded records a push: the portal holds the dossier and its
// events up to seq. The lease is released; ErrLeaseLost when by no longer
// holds it (it lapsed and another holder took it), nothing is recorded
// then and the other holder's push stands.
func (db *DB) SyncSucceeded(ctx context.Context, dossierID int64, by string, seq int64, at time.Time) error {
	return db.endLease(ctx, dossierID, by, `created = TRUE, synced_seq = CASE WHEN synced_seq > $3 THEN synced_seq ELSE $3 END,
		attempts = 0, last_error = '', last_at = $4`, seq, utc(at))
}

// SyncFailed records a failed push and releases the lease. created is set
// when the portal took the dossier before the failure (its process log
// failed), so the next push updates it.
func (db *DB) SyncFailed(ctx context.Context, dossierID int64, by string, created bool, msg string, at time.Time) error {
	if r := []rune(msg); len(r) > 1000 {
		msg = string(r[:1000])
	}
	set := `attempts = attempts + 1, last_error = $3, last_at = $4`
	if created {
		set += `, created = TRUE`
	}
	return db.endLease(ctx, dossierID, by, set, msg, utc(at))
}

// ReleaseSyncLease gives the lease back without recording anything (the
// job found the dossier already pushed).
func (db *DB) ReleaseSyncLease(ctx context.Context, dossierID int64, by string) error {
	return db.endLease(ctx, dossierID, by, "")
}

// ErrLeaseLost answers SyncSucceeded and SyncFailed when the caller's
// lease had lapsed and was taken by another holder.
var ErrLeaseLost = errors.New("the national portal sync lease was lost")

func (db *DB) endLease(ctx context.Context, dossierID int64, by, set string, args ...any) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		q := `UPDATE dvcqg_sync SET lease_until = NULL, lease_by = ''`
		if set != "" {
			q += `, ` + set
		}
		res, err := tx.ExecContext(ctx, q+` WHERE dossier_id = $1 AND lease_by = $2`, append([]any{dossierID, by}, args...)...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return ErrLeaseLost
		}
		return nil
	})
	if err != nil && !errors.Is(err, ErrLeaseLost) {
		return fmt.Errorf("recording the national portal sync: %w", err)
	}
	return err
}

// SyncSource is what a push to the portal is made of: the dossier with
// its events up to Seq and its documents, and what the dossier row does not
// carry.
type SyncSource struct {
	Dossier *dossier.Dossier
	// Seq is the seq of the dossier's last event read: Dossier.Events
	// holds events 1…Seq.
	Seq int64
	// Field is the procedure's field name.
	Field string
	// ExternalCode is the portal's code of a dossier that came from it.
	ExternalCode     string
	ReceivedUnitCode string
	// OwnerVNeID is set when the owner account was verified by the
	// national e-ID.
	OwnerVNeID bool
	// PaidOnline is set when a fee was paid through a gateway.
	PaidOnline bool
}

// SyncSource reads the dossier as it is to be pushed. The event count is
// read before the dossier, and only that many events are kept: the
// process log pushed matches the seq recorded; a dossier changed meanwhile
// is pushed again by the change's own job.
func (db *DB) SyncSource(ctx context.Context, dossierID int64) (*SyncSource, error) {
	var src SyncSource
	var ext sql.NullString
	var how string
	err := db.queryRow(ctx, `SELECT d.events_count, d.external_code, p.field, r.code, COALESCE(a.verified_how, ''),
			EXISTS (SELECT 1 FROM payment_requests q WHERE q.dossier_id = d.id AND q.state = $2 AND q.method NOT IN ('', $3))
		FROM dossiers d JOIN procedures p ON p.id = d.procedure_id JOIN units r ON r.id = d.received_unit_id
		LEFT JOIN accounts a ON a.id = d.owner_id WHERE d.id = $1`, dossierID, string(payment.Paid), payment.MethodCash).
		Scan(&src.Seq, &ext, &src.Field, &src.ReceivedUnitCode, &how, &src.PaidOnline)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("reading dossier %d for the national portal: %w", dossierID, err)
	}
	src.ExternalCode, src.OwnerVNeID = ext.String, how == account.VerifiedByVNeID
	if src.Dossier, err = dossierByID(ctx, db.ro, dossierID); err != nil {
		return nil, err
	}
	evs, err := db.Events(ctx, dossierID)
	if err != nil {
		return nil, err
	}
	if int64(len(evs)) > src.Seq {
		evs = evs[:src.Seq]
	}
	src.Seq = int64(len(evs))
	src.Dossier.Events = evs
	if src.Dossier.Documents, err = db.Documents(ctx, dossierID); err != nil {
		return nil, err
	}
	return &src, nil
}

// DossierByExternalCode reads the dossier that came from the national
// portal with its code; apperr.ErrNotFound when there is none.
func (db *DB) DossierByExternalCode(ctx context.Context, code string) (*dossier.Dossier, error) {
	d, err := scanDossier(db.queryRow(ctx, `SELECT `+dossierCols+dossierFrom+` WHERE d.external_code = $1`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("reading dossier by national portal code: %w", err)
	}
	return d, nil
}

// externalCode is the external_code column of a new dossier: NULL for
// our own, which the unique index leaves alone.
func externalCode(in *dossier.NewDossier) any {
	if in.ExternalCode == "" {
		return nil
	}
	return in.ExternalCode
}

// EventSeq returns the position of an event in its dossier's log (1 for
// the first): the seq a national portal sync job is asked to reach.
func (db *DB) EventSeq(ctx context.Context, eventID int64) (int64, error) {
	var seq int64
	err := db.queryRow(ctx, `SELECT seq FROM events WHERE id = $1`, eventID).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, apperr.ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("reading the seq of event %d: %w", eventID, err)
	}
	return seq, nil
}
