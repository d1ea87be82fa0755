package store

// What leaves the building (notices, national-portal sync, webhooks) is
// decided inside the transaction that writes the dossier event that causes
// it: the store calls the event hook there, and the hook enqueues jobs on
// the same *sql.Tx (internal/outbox). Notices to citizens are recorded in
// outbound_notices, one row per event and channel, so that a notice is sent
// once per change and its outcome is shown to staff.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/notice"
)

// EventHook is called inside the transaction that writes a dossier event,
// after the event's row (ev.ID is set): whatever it writes on tx commits or
// rolls back with the event. An error rolls the change back.
type EventHook func(ctx context.Context, tx *sql.Tx, d *dossier.Dossier, ev *dossier.Event) error

// OnEvent installs the event hook; call it before serving. Nil removes it.
// It replaces a batch hook (OnEvents).
func (db *DB) OnEvent(h EventHook) { db.onEvent, db.onEvents = h, nil }

// eventHook runs the hook, if any, inside tx.
func (db *DB) eventHook(ctx context.Context, tx *Tx, d *dossier.Dossier, ev *dossier.Event) error {
	if db.onEvent == nil {
		return nil
	}
	if err := db.onEvent(ctx, tx.tx, d, ev); err != nil {
		return fmt.Errorf("enqueuing what the %s of %s sends: %w", ev.Action, d.Code, err)
	}
	return nil
}

// DossierByID returns a dossier by its id (jobs carry ids, not codes).
func (db *DB) DossierByID(ctx context.Context, id int64) (*dossier.Dossier, error) {
	d, err := dossierByID(ctx, db.ro, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("loading dossier %d: %w", id, err)
	}
	return d, nil
}

// NoticeAudience answers who hears of d's events, read inside tx: the
// owner's contact, choices and language, or, for a dossier filed without
// an account (at the counter), the applicant's contact with the default
// choices.
func (db *DB) NoticeAudience(ctx context.Context, tx *sql.Tx, d *dossier.Dossier) (notice.Audience, error) {
	if d.OwnerID == 0 {
		a := d.Applicant
		return notice.Audience{Email: a.Email, Phone: a.Phone, Lang: "vi",
			Prefs: account.Preferences{HasEmail: a.Email != "", HasPhone: a.Phone != ""}}, nil
	}
	au := notice.Audience{AccountID: d.OwnerID}
	var email, phone sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT email, phone, notice_lang FROM accounts WHERE id = $1`, d.OwnerID).Scan(&email, &phone, &au.Lang); err != nil {
		return notice.Audience{}, fmt.Errorf("reading the contact of account %d: %w", d.OwnerID, err)
	}
	au.Email, au.Phone = email.String, phone.String
	on, chosen, err := notificationPrefs(ctx, tx, d.OwnerID)
	if err != nil {
		return notice.Audience{}, err
	}
	au.Prefs = account.Preferences{Chosen: chosen, On: on, HasEmail: au.Email != "", HasPhone: au.Phone != ""}
	return au, nil
}

// InsertNotice records a notice inside tx; it answers false, and writes
// nothing, when the event already has a notice on that channel.
func (db *DB) InsertNotice(ctx context.Context, tx *sql.Tx, r *notice.Record) (bool, error) {
	rows, err := tx.QueryContext(ctx, `INSERT INTO outbound_notices (dossier_id, event_id, account_id, kind, channel, recipient, lang, status, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', $8, $8) ON CONFLICT (event_id, channel) DO NOTHING RETURNING id`,
		r.DossierID, r.EventID, nint64(r.AccountID), string(r.Kind), string(r.Channel), r.Recipient, r.Lang, utc(r.CreatedAt))
	if err != nil {
		return false, fmt.Errorf("recording a notice: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		return false, rows.Err()
	}
	if err := rows.Scan(&r.ID); err != nil {
		return false, fmt.Errorf("recording a notice: %w", err)
	}
	r.Status = notice.Queued
	return true, rows.Err()
}

const noticeColumns = `id, dossier_id, event_id, account_id, kind, channel, recipient, lang, status, provider_ref, error, attempts, parts, created_at, updated_at, sent_at`

func scanNotice(sc interface{ Scan(...any) error }) (*notice.Record, error) {
	var r notice.Record
	var acc sql.NullInt64
	var kind, ch, status string
	var sent sql.NullTime
	if err := sc.Scan(&r.ID, &r.DossierID, &r.EventID, &acc, &kind, &ch, &r.Recipient, &r.Lang, &status, &r.ProviderRef, &r.Error, &r.Attempts, &r.Parts,
		&r.CreatedAt, &r.UpdatedAt, &sent); err != nil {
		return nil, err
	}
	r.AccountID, r.Kind, r.Channel, r.Status = acc.Int64, account.NoticeKind(kind), account.Channel(ch), notice.Status(status)
	r.CreatedAt, r.UpdatedAt, r.SentAt = local(r.CreatedAt), local(r.UpdatedAt), ntime(sent)
	return &r, nil
}

// Notice returns one recorded notice.
func (db *DB) Notice(ctx context.Context, id int64) (*notice.Record, error) {
	r, err := scanNotice(db.rw.QueryRowContext(ctx, `SELECT `+noticeColumns+` FROM outbound_notices WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("reading notice %d: %w", id, err)
	}
	return r, nil
}

// EarlierQueued reports whether a notice of the same dossier and channel,
// recorded before r, is still waiting to go: notices of one dossier leave
// in the order of its events.
func (db *DB) EarlierQueued(ctx context.Context, r *notice.Record) (bool, error) {
	var n int
	err := db.rw.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbound_notices WHERE dossier_id = $1 AND channel = $2 AND id < $3 AND status = 'queued'`,
		r.DossierID, string(r.Channel), r.ID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("reading the notices before %d: %w", r.ID, err)
	}
	return n > 0, nil
}

// NoticeOutcome records one attempt at sending a notice: its new status,
// the provider's reference and the error of a failed attempt.
func (db *DB) NoticeOutcome(ctx context.Context, id int64, status notice.Status, rc notice.Receipt, errText string, at time.Time) error {
	var sent any
	if status == notice.Sent {
		sent = utc(at)
	}
	_, err := db.rw.ExecContext(ctx, `UPDATE outbound_notices SET status = $1, provider_ref = CASE WHEN $2 = '' THEN provider_ref ELSE $2 END,
		error = $3, attempts = attempts + 1, updated_at = $4, sent_at = COALESCE(sent_at, $5), parts = $7 WHERE id = $6`,
		string(status), rc.Ref, errText, utc(at), sent, id, rc.Parts)
	if err != nil {
		return fmt.Errorf("recording the outcome of notice %d: %w", id, err)
	}
	return nil
}

// DossierNotices lists the notices of a dossier, oldest first, for staff.
func (db *DB) DossierNotices(ctx context.Context, dossierID int64) ([]notice.Record, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT `+noticeColumns+` FROM outbound_notices WHERE dossier_id = $1 ORDER BY id`, dossierID)
	if err != nil {
		return nil, fmt.Errorf("listing the notices of dossier %d: %w", dossierID, err)
	}
	defer rows.Close()
	var out []notice.Record
	for rows.Next() {
		r, err := scanNotice(rows)
		if err != nil {
			return nil, fmt.Errorf("listing the notices of dossier %d: %w", dossierID, err)
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}
