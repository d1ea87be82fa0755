// Package webhook tells integrators' systems about dossier events: a city
// administrator registers subscribers (an HTTPS address and a secret we
// issue), every dossier event becomes one delivery per matching subscriber
// in the transaction of the event itself, and a River job POSTs it, signed,
// until the receiver takes it or refuses it for good. The scheme is
// documented for integrators in docs/webhooks.md.
package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/riverqueue/river"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/jobs"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/outbox"
	"github.com/motcua/motcua/internal/store"
)

// Store is the storage of subscribers and deliveries (store.DB).
type Store interface {
	WebhookSubscribers(ctx context.Context) ([]store.WebhookSubscriber, error)
	WebhookSubscriber(ctx context.Context, id int64) (*store.WebhookSubscriber, error)
	AddWebhookSubscriber(ctx context.Context, s *store.WebhookSubscriber, at time.Time, by dossier.Actor) error
	SetWebhookActive(ctx context.Context, id int64, active bool, reason string, at time.Time, by dossier.Actor) error
	RotateWebhookSecret(ctx context.Context, id int64, secret string, at time.Time, by dossier.Actor) error
	ActiveWebhookSubscribers(ctx context.Context, tx *sql.Tx) ([]store.WebhookSubscriber, error)
	AddWebhookDelivery(ctx context.Context, tx *sql.Tx, d *store.WebhookDelivery) (bool, error)
	WebhookDelivery(ctx context.Context, id int64) (*store.WebhookDelivery, error)
	EarlierWebhookPending(ctx context.Context, d *store.WebhookDelivery, since time.Time) (bool, error)
	RecordWebhookAttempt(ctx context.Context, a store.WebhookAttempt) error
	WebhookDeliveries(ctx context.Context, subscriberID int64, limit int) ([]store.WebhookDelivery, error)
}

// Event is what the fan-out knows of one dossier event (no personal data
// goes out: no names, ID numbers, phones).
type Event struct {
	EventID, DossierID                    int64
	Code, Action, ProcedureCode, UnitCode string
	From, To                              int
	At                                    time.Time
}

// Enqueuer inserts a job in the caller's transaction (internal/jobs.Queue
// satisfies it).
type Enqueuer interface {
	Enqueue(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) (jobs.Inserted, error)
}

// Kind is the River job kind of a delivery.
const Kind = "webhook_deliver"

// MaxAttempts is how many times a delivery is tried before it is kept as
// failed: with the queue's backoff (jobs.Backoff, doubling from 5 seconds
// up to 15 minutes), about three hours.
const MaxAttempts = 20

// DeliverArgs is the job that sends one delivery.
type DeliverArgs struct {
	DeliveryID int64 `json:"delivery_id"`
}

// Kind is the job's kind (river.JobArgs).
func (DeliverArgs) Kind() string { return Kind }

// InsertOpts puts deliveries on their own queue, so that a slow integrator
// holds up no notice to citizens.
func (DeliverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueWebhooks, MaxAttempts: MaxAttempts}
}

// Service manages subscribers and fans events out.
type Service struct {
	Store Store
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// Random is the source of secrets; nil is crypto/rand.
	Random io.Reader
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Fanout records the deliveries of ev and enqueues their jobs in tx;
// calling it twice for one event adds nothing.
func (s *Service) Fanout(ctx context.Context, tx *sql.Tx, q Enqueuer, ev Event) error {
	if tx == nil || q == nil {
		return errors.New("fanning out a webhook event: no transaction or no queue")
	}
	if ev.EventID <= 0 || ev.DossierID <= 0 || ev.Action == "" || ev.Code == "" || ev.At.IsZero() {
		return fmt.Errorf("fanning out webhook event %d: the event id, dossier id, code, action and time are required", ev.EventID)
	}
	subs, err := s.Store.ActiveWebhookSubscribers(ctx, tx)
	if err != nil {
		return fmt.Errorf("fanning out webhook event %d: %w", ev.EventID, err)
	}
	now := s.now()
	for i := range subs {
		sub := &subs[i]
		if !sub.Wants(ev.Action) {
			continue
		}
		d := &store.WebhookDelivery{SubscriberID: sub.ID, EventID: ev.EventID, DossierID: ev.DossierID, DossierCode: ev.Code,
			Action: ev.Action, ProcedureCode: ev.ProcedureCode, UnitCode: ev.UnitCode, From: ev.From, To: ev.To,
			EventAt: ev.At, CreatedAt: now}
		created, err := s.Store.AddWebhookDelivery(ctx, tx, d)
		if err != nil {
			return fmt.Errorf("fanning out webhook event %d: %w", ev.EventID, err)
		}
		if !created {
			continue // fanned out before: its job exists already
		}
		if _, err := q.Enqueue(ctx, tx, DeliverArgs{DeliveryID: d.ID}, nil); err != nil {
			return fmt.Errorf("fanning out webhook event %d: %w", ev.EventID, err)
		}
	}
	return nil
}

// Target is the webhooks' share of the outbox (internal/outbox): the
// deliveries of each dossier event and their jobs, in the outbox worker's
// transaction, through q.
func (s *Service) Target(q Enqueuer) outbox.Target {
	return outbox.TargetFunc(func(ctx context.Context, tx *sql.Tx, d *dossier.Dossier, ev *dossier.Event) error {
		return s.Fanout(ctx, tx, q, EventOf(d, ev))
	})
}

// EventOf takes the public fields of a dossier event: the unit is the one
// where the event happened, or the dossier's when the event names none.
func EventOf(d *dossier.Dossier, ev *dossier.Event) Event {
	unit := ev.UnitCode
	if unit == "" {
		unit = d.UnitCode
	}
	return Event{EventID: ev.ID, DossierID: d.ID, Code: d.Code, Action: string(ev.Action), ProcedureCode: d.ProcedureCode,
		UnitCode: unit, From: int(ev.From), To: int(ev.To), At: ev.At}
}

// NewSubscriber is what an administrator fills in to register a
// subscriber.
type NewSubscriber struct {
	Name string
	URL  string
	// Actions filters the dossier actions sent; empty sends all.
	Actions []string
}

// Limits of a subscriber's fields.
const (
	MaxName = 100
	MaxURL  = 2000
)

// ErrForbidden refuses whoever is not a city administrator.
var ErrForbidden = apperr.New(apperr.Forbidden, "webhooks_city_admin_only",
	"Chỉ quản trị viên thành phố được quản lý webhook.", "Only the city's administrators may manage webhooks.")

// CanManage reports whether the actor may manage webhooks: a city
// administrator.
func CanManage(a dossier.Actor) bool {
	for _, g := range a.Grants {
		if g.Role == org.RoleCityAdmin {
			return true
		}
	}
	return false
}

func invalid(field, code, vi, en string) *apperr.Error {
	e := apperr.New(apperr.Invalid, code, vi, en)
	e.Fields = []apperr.Field{{Name: field, Code: code, Message: vi, MessageEN: en}}
	return e
}

// CheckURL accepts an https address, or http to this machine (127.0.0.1,
// ::1, localhost) for tests and local relays; no credentials, no fragment.
func CheckURL(raw string) error {
	bad := func(vi, en string) error { return invalid("url", "bad_webhook_url", vi, en) }
	if raw == "" {
		return bad("Vui lòng nhập địa chỉ nhận webhook.", "Enter the webhook's address.")
	}
	if len(raw) > MaxURL {
		return bad(fmt.Sprintf("Địa chỉ nhận webhook quá dài (tối đa %d ký tự).", MaxURL), fmt.Sprintf("The webhook address is too long (%d characters at most).", MaxURL))
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return bad("Địa chỉ nhận webhook không hợp lệ; nhập đầy đủ, ví dụ https://he-thong.example.vn/webhook.",
			"The webhook address is not valid; write it in full, e.g. https://system.example.vn/webhook.")
	}
	if u.User != nil {
		return bad("Địa chỉ nhận webhook không được chứa tên đăng nhập hay mật khẩu; việc xác thực dùng chữ ký.",
			"The webhook address must not hold a user name or password; deliveries are authenticated by their signature.")
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return bad("Địa chỉ nhận webhook không được chứa phần «#».", "The webhook address must not hold a “#” fragment.")
	}
	host := u.Hostname()
	switch u.Scheme {
	case "https":
		if host == "" {
			return bad("Địa chỉ nhận webhook thiếu tên máy chủ.", "The webhook address has no host.")
		}
		return nil
	case "http":
		if host == "localhost" || isLoopback(host) {
			return nil
		}
		return bad("Địa chỉ nhận webhook phải dùng https:// (http:// chỉ được dùng với 127.0.0.1 hoặc localhost để thử nghiệm).",
			"The webhook address must use https:// (http:// only for 127.0.0.1 or localhost, for tests).")
	}
	return bad("Địa chỉ nhận webhook phải bắt đầu bằng https://.", "The webhook address must start with https://.")
}

func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && (ip.Equal(net.IPv4(127, 0, 0, 1)) || ip.Equal(net.IPv6loopback))
}

// CheckActions accepts dossier actions (dossier.Actions and submit), each
// once.
func CheckActions(actions []string) ([]string, error) {
	var out []string
	for _, a := range actions {
		a = strings.TrimSpace(a)
		if a == "" || slices.Contains(out, a) {
			continue
		}
		if !KnownAction(a) {
			return nil, invalid("actions", "bad_webhook_action",
				fmt.Sprintf("Loại sự kiện «%s» không tồn tại.", a), fmt.Sprintf("There is no event “%s”.", a))
		}
		out = append(out, a)
	}
	return out, nil
}

// KnownAction reports whether a is a dossier action a subscriber may
// filter on.
func KnownAction(a string) bool {
	return a == string(dossier.ActSubmit) || slices.Contains(dossier.Actions, dossier.Action(a))
}

// Add registers a subscriber after checking its fields and returns it
// with its secret, which is shown to the administrator this once.
func (s *Service) Add(ctx context.Context, by dossier.Actor, in NewSubscriber) (*store.WebhookSubscriber, error) {
	if !CanManage(by) {
		return nil, ErrForbidden
	}
	name := strings.TrimSpace(in.Name)
	switch {
	case name == "":
		return nil, invalid("name", "webhook_name_required", "Vui lòng nhập tên hệ thống nhận.", "Enter the receiving system's name.")
	case !utf8.ValidString(name) || strings.ContainsRune(name, 0):
		return nil, invalid("name", "bad_webhook_name", "Tên hệ thống nhận chứa ký tự không hợp lệ.", "The name holds an invalid character.")
	case utf8.RuneCountInString(name) > MaxName:
		return nil, invalid("name", "bad_webhook_name", fmt.Sprintf("Tên hệ thống nhận quá dài (tối đa %d ký tự).", MaxName),
			fmt.Sprintf("The name is too long (%d characters at most).", MaxName))
	}
	u := strings.TrimSpace(in.URL)
	if err := CheckURL(u); err != nil {
		return nil, err
	}
	actions, err := CheckActions(in.Actions)
	if err != nil {
		return nil, err
	}
	secret, err := s.secret()
	if err != nil {
		return nil, err
	}
	sub := &store.WebhookSubscriber{Name: name, URL: u, Secret: secret, Actions: actions}
	if err := s.Store.AddWebhookSubscriber(ctx, sub, s.now(), by); err != nil {
		return nil, err
	}
	return sub, nil
}

// SetActive enables or disables a subscriber; a disabled subscriber gets
// no new deliveries, and its pending ones are cancelled when their turn
// comes.
func (s *Service) SetActive(ctx context.Context, by dossier.Actor, id int64, active bool) error {
	if !CanManage(by) {
		return ErrForbidden
	}
	return s.Store.SetWebhookActive(ctx, id, active, "admin", s.now(), by)
}

// Rotate issues a new secret for a subscriber and returns it (shown this
// once); deliveries sent from now on, retries included, are signed with it.
func (s *Service) Rotate(ctx context.Context, by dossier.Actor, id int64) (string, error) {
	if !CanManage(by) {
		return "", ErrForbidden
	}
	secret, err := s.secret()
	if err != nil {
		return "", err
	}
	if err := s.Store.RotateWebhookSecret(ctx, id, secret, s.now(), by); err != nil {
		return "", err
	}
	return secret, nil
}

// Subscribers lists every subscriber (secrets included: callers show
// them to nobody).
func (s *Service) Subscribers(ctx context.Context, by dossier.Actor) ([]store.WebhookSubscriber, error) {
	if !CanManage(by) {
		return nil, ErrForbidden
	}
	return s.Store.WebhookSubscribers(ctx)
}

// Deliveries lists a subscriber's latest deliveries, newest first.
func (s *Service) Deliveries(ctx context.Context, by dossier.Actor, subscriberID int64, limit int) ([]store.WebhookDelivery, error) {
	if !CanManage(by) {
		return nil, ErrForbidden
	}
	return s.Store.WebhookDeliveries(ctx, subscriberID, limit)
}

// secretBytes is the length of a secret before encoding.
const secretBytes = 32

// secret returns 32 random bytes, base64url without padding (43
// characters).
func (s *Service) secret() (string, error) {
	r := s.Random
	if r == nil {
		r = rand.Reader
	}
	b := make([]byte, secretBytes)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("generating a webhook secret: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Payload is the JSON body of a delivery.
type Payload struct {
	// ID is the delivery's id, the same on every retry.
	ID string `json:"id"`
	// Type is "dossier." followed by the action, e.g. "dossier.receive".
	Type      string      `json:"type"`
	CreatedAt string      `json:"created_at"`
	Data      PayloadData `json:"data"`
}

// PayloadData is the event: public fields of the dossier only.
type PayloadData struct {
	Code       string `json:"code"`
	Procedure  string `json:"procedure"`
	Unit       string `json:"unit"`
	FromStatus int    `json:"from_status"`
	ToStatus   int    `json:"to_status"`
	At         string `json:"at"`
}

// EventType is the type of a delivery of action.
func EventType(action string) string { return "dossier." + action }

// Body is the JSON body of a delivery; the same bytes on every attempt.
func Body(d *store.WebhookDelivery) ([]byte, error) {
	p := Payload{ID: strconv.FormatInt(d.ID, 10), Type: EventType(d.Action), CreatedAt: d.CreatedAt.UTC().Format(time.RFC3339),
		Data: PayloadData{Code: d.DossierCode, Procedure: d.ProcedureCode, Unit: d.UnitCode, FromStatus: d.From, ToStatus: d.To,
			At: d.EventAt.UTC().Format(time.RFC3339)}}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encoding webhook delivery %d: %w", d.ID, err)
	}
	return b, nil
}

// Sign returns the X-Motcua-Signature of body sent at timestamp (Unix
// seconds, as in X-Motcua-Timestamp): "sha256=" and the hex HMAC-SHA256 of
// "<timestamp>.<body>" keyed with the secret's text.
func Sign(secret, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify reports whether header (X-Motcua-Signature) signs body sent at
// timestamp (X-Motcua-Timestamp) with secret, in constant time. It does not
// judge the timestamp's age: receivers should also refuse old ones (see
// docs/webhooks.md).
func Verify(secret, timestamp, body, header string) bool {
	got, ok := strings.CutPrefix(strings.TrimSpace(header), "sha256=")
	if !ok || secret == "" || timestamp == "" {
		return false
	}
	sum, err := hex.DecodeString(got)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write([]byte(body))
	return hmac.Equal(sum, m.Sum(nil))
}
