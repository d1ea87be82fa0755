package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
)

// WebhookSubscriber is an integrator's endpoint that receives dossier
// events (internal/webhook).
type WebhookSubscriber struct {
	ID   int64
	Name string
	URL  string
	// Secret signs every delivery; it is kept as issued because the
	// signature needs it, and shown to the administrator only once.
	Secret string
	// Actions are the dossier actions sent; empty sends every action.
	Actions []string
	Active  bool
	// DisabledReason says why an inactive subscriber is: "admin" or
	// "gone" (the receiver answered 410 Gone).
	DisabledReason string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Wants reports whether the subscriber's filter takes the action.
func (s *WebhookSubscriber) Wants(action string) bool {
	if len(s.Actions) == 0 {
		return true
	}
	for _, a := range s.Actions {
		if a == action {
			return true
		}
	}
	return false
}

// States of a webhook delivery.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	// DeliveryFailed: refused for good (a 4xx) or out of attempts.
	DeliveryFailed = "failed"
	// DeliveryCancelled: the subscriber was disabled before it was sent.
	DeliveryCancelled = "cancelled"
)

// WebhookDelivery is one dossier event to send to one subscriber, with the
// outcome of its last attempt. It holds the event's public fields only.
type WebhookDelivery struct {
	ID            int64
	SubscriberID  int64
	EventID       int64
	DossierID     int64
	DossierCode   string
	Action        string
	ProcedureCode string
	UnitCode      string
	From, To      int
	EventAt       time.Time
	CreatedAt     time.Time
	State         string
	Attempts      int
	// LastStatus is the HTTP status of the last attempt, 0 when there was
	// no answer (or no attempt).
	LastStatus    int
	LastError     string
	LastAttemptAt *time.Time
	DeliveredAt   *time.Time
}

// ErrWebhookNotFound answers for an unknown subscriber or delivery.
var ErrWebhookNotFound = apperr.New(apperr.NotFound, "webhook_not_found",
	"Không tìm thấy webhook.", "No such webhook.")

const subscriberColumns = `id, name, url, secret, actions, active, disabled_reason, created_at, updated_at`

func scanSubscriber(sc interface{ Scan(...any) error }) (*WebhookSubscriber, error) {
	var s WebhookSubscriber
	var actions string
	if err := sc.Scan(&s.ID, &s.Name, &s.URL, &s.Secret, &actions, &s.Active, &s.DisabledReason, &s.CreatedAt, &s.UpdatedAt); err != nil {
		return nil, err
	}
	s.Actions = splitActions(actions)
	s.CreatedAt, s.UpdatedAt = local(s.CreatedAt), local(s.UpdatedAt)
	return &s, nil
}

func splitActions(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// WebhookSubscribers lists every subscriber, oldest first.
func (db *DB) WebhookSubscribers(ctx context.Context) ([]WebhookSubscriber, error) {
	rows, err := db.query(ctx, `SELECT `+subscriberColumns+` FROM webhook_subscribers ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("reading webhook subscribers: %w", err)
	}
	defer rows.Close()
	var out []WebhookSubscriber
	for rows.Next() {
		s, err := scanSubscriber(rows)
		if err != nil {
			return nil, fmt.Errorf("reading webhook subscribers: %w", err)
		}
		out = append(out, *s)
	}
	return out, rows.Err()
}

// WebhookSubscriber returns one subscriber; ErrWebhookNotFound if there
// is none with the id.
func (db *DB) WebhookSubscriber(ctx context.Context, id int64) (*WebhookSubscriber, error) {
	s, err := scanSubscriber(db.queryRow(ctx, `SELECT `+subscriberColumns+` FROM webhook_subscribers WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrWebhookNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("reading webhook subscriber %d: %w", id, err)
	}
	return s, nil
}

// webhookSubject names a subscriber in the audit log.
func webhookSubject(id int64) string { return fmt.Sprintf("webhook:%d", id) }

// AddWebhookSubscriber stores a new subscriber (checked by the caller, its
// secret generated) and sets its ID and times; audited, without the
// secret.
func (db *DB) AddWebhookSubscriber(ctx context.Context, s *WebhookSubscriber, at time.Time, by dossier.Actor) error {
	return db.inTx(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO webhook_subscribers (name, url, secret, actions, active, disabled_reason, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, '', $6, $6) RETURNING id`,
			s.Name, s.URL, s.Secret, strings.Join(s.Actions, ","), true, utc(at)).Scan(&s.ID)
		if err != nil {
			return fmt.Errorf("adding webhook subscriber: %w", err)
		}
		s.Active, s.DisabledReason, s.CreatedAt, s.UpdatedAt = true, "", local(utc(at)), local(utc(at))
		return tx.AppendAudit(ctx, AuditEntry{At: at, ActorID: by.AccountID, ActorName: by.Name, Action: "webhook.add",
			Subject: webhookSubject(s.ID), Detail: map[string]any{"name": s.Name, "url": s.URL, "actions": strings.Join(s.Actions, ",")}})
	})
}

// SetWebhookActive enables or disables a subscriber; reason says why it
// is disabled ("admin", "gone") and is ignored when enabling. Audited.
func (db *DB) SetWebhookActive(ctx context.Context, id int64, active bool, reason string, at time.Time, by dossier.Actor) error {
	return db.inTx(ctx, func(tx *Tx) error { return setWebhookActive(ctx, tx, id, active, reason, at, by) })
}

func setWebhookActive(ctx context.Context, tx *Tx, id int64, active bool, reason string, at time.Time, by dossier.Actor) error {
	action := "webhook.disable"
	if active {
		action, reason = "webhook.enable", ""
	}
	r, err := tx.ExecContext(ctx, `UPDATE webhook_subscribers SET active = $1, disabled_reason = $2, updated_at = $3 WHERE id = $4`,
		active, reason, utc(at), id)
	if err != nil {
		return fmt.Errorf("changing webhook subscriber %d: %w", id, err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return ErrWebhookNotFound
	}
	detail := map[string]any{"active": active}
	if reason != "" {
		detail["reason"] = reason
	}
	return tx.AppendAudit(ctx, AuditEntry{At: at, ActorID: by.AccountID, ActorName: by.Name, Action: action,
		Subject: webhookSubject(id), Detail: detail})
}

// RotateWebhookSecret replaces a subscriber's secret; deliveries not yet
// sent are signed with the new one. Audited, without the secret.
func (db *DB) RotateWebhookSecret(ctx context.Context, id int64, secret string, at time.Time, by dossier.Actor) error {
	return db.inTx(ctx, func(tx *Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE webhook_subscribers SET secret = $1, updated_at = $2 WHERE id = $3`, secret, utc(at), id)
		if err != nil {
			return fmt.Errorf("rotating the secret of webhook subscriber %d: %w", id, err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return ErrWebhookNotFound
		}
		return tx.AppendAudit(ctx, AuditEntry{At: at, ActorID: by.AccountID, ActorName: by.Name, Action: "webhook.rotate_secret",
			Subject: webhookSubject(id)})
	})
}

// ActiveWebhookSubscribers lists the active subscribers in the caller's
// transaction (the fan-out's, see internal/webhook).
func (db *DB) ActiveWebhookSubscribers(ctx context.Context, tx *sql.Tx) ([]WebhookSubscriber, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+subscriberColumns+` FROM webhook_subscribers WHERE active = $1 ORDER BY id`, true)
	if err != nil {
		return nil, fmt.Errorf("reading active webhook subscribers: %w", err)
	}
	defer rows.Close()
	var out []WebhookSubscriber
	for rows.Next() {
		s, err := scanSubscriber(rows)
		if err != nil {
			return nil, fmt.Errorf("reading active webhook subscribers: %w", err)
		}
		out = append(out, *s)
	}
	return out, rows.Err()
}

// AddWebhookDelivery records a pending delivery in the caller's
// transaction and sets its ID; created is false (and nothing changes) when
// the subscriber already has a delivery of that event.
func (db *DB) AddWebhookDelivery(ctx context.Context, tx *sql.Tx, d *WebhookDelivery) (created bool, err error) {
	err = tx.QueryRowContext(ctx, `INSERT INTO webhook_deliveries (subscriber_id, event_id, dossier_id, dossier_code, action,
		procedure_code, unit_code, from_status, to_status, event_at, created_at, state)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'pending')
		ON CONFLICT (subscriber_id, event_id) DO NOTHING RETURNING id`,
		d.SubscriberID, d.EventID, d.DossierID, d.DossierCode, d.Action, d.ProcedureCode, d.UnitCode, d.From, d.To,
		utc(d.EventAt), utc(d.CreatedAt)).Scan(&d.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("recording webhook delivery of event %d: %w", d.EventID, err)
	}
	d.State = DeliveryPending
	return true, nil
}

const deliveryColumns = `id, subscriber_id, event_id, dossier_id, dossier_code, action, procedure_code, unit_code,
	from_status, to_status, event_at, created_at, state, attempts, last_status, last_error, last_attempt_at, delivered_at`

func scanDelivery(sc interface{ Scan(...any) error }) (*WebhookDelivery, error) {
	var d WebhookDelivery
	var last, done sql.NullTime
	err := sc.Scan(&d.ID, &d.SubscriberID, &d.EventID, &d.DossierID, &d.DossierCode, &d.Action, &d.ProcedureCode, &d.UnitCode,
		&d.From, &d.To, &d.EventAt, &d.CreatedAt, &d.State, &d.Attempts, &d.LastStatus, &d.LastError, &last, &done)
	if err != nil {
		return nil, err
	}
	d.EventAt, d.CreatedAt = local(d.EventAt), local(d.CreatedAt)
	d.LastAttemptAt, d.DeliveredAt = ntime(last), ntime(done)
	return &d, nil
}

// WebhookDelivery returns one delivery; ErrWebhookNotFound if there is
// none with the id.
func (db *DB) WebhookDelivery(ctx context.Context, id int64) (*WebhookDelivery, error) {
	d, err := scanDelivery(db.queryRow(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrWebhookNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("reading webhook delivery %d: %w", id, err)
	}
	return d, nil
}

// EarlierWebhookPending reports whether an earlier delivery of the same
// subscriber and dossier than d, made since the given time, is still
// pending: deliveries of one dossier reach a subscriber in the order of
// its events. Older ones are not waited for: their jobs are over, and a
// row left pending (its job lost) must not hold the dossier back for ever.
func (db *DB) EarlierWebhookPending(ctx context.Context, d *WebhookDelivery, since time.Time) (bool, error) {
	var n int
	err := db.queryRow(ctx, `SELECT COUNT(*) FROM webhook_deliveries
		WHERE subscriber_id = $1 AND dossier_id = $2 AND id < $3 AND state = 'pending' AND created_at >= $4`,
		d.SubscriberID, d.DossierID, d.ID, utc(since)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("checking earlier webhook deliveries of %d: %w", d.ID, err)
	}
	return n > 0, nil
}

// WebhookAttempt is the outcome of one attempt at a delivery.
type WebhookAttempt struct {
	DeliveryID int64
	At         time.Time
	// State is the delivery's state after the attempt: pending (to be
	// retried), delivered, failed or cancelled.
	State  string
	Status int
	Error  string
	// Counted is false when nothing was sent (the subscriber was already
	// disabled): the attempt count stays.
	Counted bool
	// DisableSubscriber disables the delivery's subscriber in the same
	// transaction (reason "gone"), audited with By.
	DisableSubscriber bool
	By                dossier.Actor
}

// maxWebhookError bounds the error kept on a delivery.
const maxWebhookError = 500

// RecordWebhookAttempt writes an attempt's outcome on its delivery.
func (db *DB) RecordWebhookAttempt(ctx context.Context, a WebhookAttempt) error {
	switch a.State {
	case DeliveryPending, DeliveryDelivered, DeliveryFailed, DeliveryCancelled:
	default:
		return fmt.Errorf("recording a webhook attempt: unknown state %q", a.State)
	}
	msg := a.Error
	if r := []rune(msg); len(r) > maxWebhookError {
		msg = string(r[:maxWebhookError])
	}
	var delivered any
	if a.State == DeliveryDelivered {
		delivered = utc(a.At)
	}
	inc := 0
	if a.Counted {
		inc = 1
	}
	return db.inTx(ctx, func(tx *Tx) error {
		var sub int64
		err := tx.QueryRowContext(ctx, `UPDATE webhook_deliveries SET state = $1, attempts = attempts + $2, last_status = $3,
			last_error = $4, last_attempt_at = $5, delivered_at = COALESCE($6, delivered_at) WHERE id = $7 RETURNING subscriber_id`,
			a.State, inc, a.Status, msg, utc(a.At), delivered, a.DeliveryID).Scan(&sub)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrWebhookNotFound
		}
		if err != nil {
			return fmt.Errorf("recording an attempt at webhook delivery %d: %w", a.DeliveryID, err)
		}
		if !a.DisableSubscriber {
			return nil
		}
		return setWebhookActive(ctx, tx, sub, false, "gone", a.At, a.By)
	})
}

// WebhookDeliveries lists a subscriber's deliveries, newest first, at
// most limit (100 when limit is not in 1–1000).
func (db *DB) WebhookDeliveries(ctx context.Context, subscriberID int64, limit int) ([]WebhookDelivery, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := db.query(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE subscriber_id = $1 ORDER BY id DESC LIMIT $2`,
		subscriberID, limit)
	if err != nil {
		return nil, fmt.Errorf("reading webhook deliveries: %w", err)
	}
	defer rows.Close()
	var out []WebhookDelivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("reading webhook deliveries: %w", err)
		}
		out = append(out, *d)
	}
	return out, rows.Err()
}
