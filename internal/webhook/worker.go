package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/riverqueue/river"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/store"
)

// Timeout bounds one attempt: connecting, sending and reading the answer.
const Timeout = 10 * time.Second

// DefaultSnooze is how long a delivery waits while an earlier one of the
// same subscriber and dossier is still pending.
const DefaultSnooze = 10 * time.Second

// OrderWindow bounds the wait for earlier deliveries: one made longer ago
// than this has outlived its attempts (MaxAttempts take about three hours,
// at most five at the backoff's cap), and if it is still pending its job
// was lost.
const OrderWindow = 24 * time.Hour

// Worker sends deliveries (the River worker of DeliverArgs). Register it
// with jobs.Register on the workers of the process that runs the queue.
type Worker struct {
	river.WorkerDefaults[DeliverArgs]
	Store Store
	// Client sends the requests; nil is a client with Timeout that does
	// not follow redirects.
	Client *http.Client
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// Snooze overrides DefaultSnooze (tests).
	Snooze time.Duration
	Log    *slog.Logger
}

// defaultClient follows no redirect: a receiver answering 3xx has moved,
// and its administrator registers the new address (a POST followed as a
// GET would lose the body).
var defaultClient = &http.Client{Timeout: Timeout, CheckRedirect: func(*http.Request, []*http.Request) error {
	return http.ErrUseLastResponse
}}

// Timeout is River's bound on one run of the job: the request's and the
// bookkeeping's.
func (w *Worker) Timeout(*river.Job[DeliverArgs]) time.Duration { return Timeout + 20*time.Second }

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

func (w *Worker) log() *slog.Logger {
	if w.Log != nil {
		return w.Log
	}
	return slog.Default()
}

// systemActor disables a subscriber whose receiver answered 410 Gone.
var systemActor = dossier.SystemActor("webhooks")

// Work sends one delivery and records the outcome on it: 2xx delivered;
// 410 Gone disables the subscriber; any other 3xx or 4xx fails the
// delivery for good (the job is cancelled, the subscriber's other
// deliveries go on); 5xx, a timeout or no answer are retried until the
// last attempt. A delivery waits (snoozes) while an earlier one of the
// same subscriber and dossier is pending, so that a receiver gets a
// dossier's events in order.
func (w *Worker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	id := job.Args.DeliveryID
	d, err := w.Store.WebhookDelivery(ctx, id)
	if errors.Is(err, store.ErrWebhookNotFound) {
		return river.JobCancel(fmt.Errorf("webhook delivery %d does not exist", id))
	}
	if err != nil {
		return err
	}
	if d.State != store.DeliveryPending {
		return nil // a run that was rescued after it finished: nothing to do
	}
	sub, err := w.Store.WebhookSubscriber(ctx, d.SubscriberID)
	if err != nil {
		return err
	}
	at := w.now()
	if !sub.Active {
		err := w.Store.RecordWebhookAttempt(ctx, store.WebhookAttempt{DeliveryID: id, At: at, State: store.DeliveryCancelled,
			Error: "subscriber disabled"})
		if err != nil {
			return err
		}
		return river.JobCancel(fmt.Errorf("webhook delivery %d: the subscriber %d is disabled", id, sub.ID))
	}
	earlier, err := w.Store.EarlierWebhookPending(ctx, d, at.Add(-OrderWindow))
	if err != nil {
		return err
	}
	if earlier {
		snooze := w.Snooze
		if snooze <= 0 {
			snooze = DefaultSnooze
		}
		return river.JobSnooze(snooze)
	}

	status, sendErr := w.send(ctx, sub, d, at)
	a := store.WebhookAttempt{DeliveryID: id, At: w.now(), Status: status, Counted: true}
	var result error
	switch {
	case sendErr == nil && status >= 200 && status < 300:
		a.State = store.DeliveryDelivered
	case sendErr == nil && status == http.StatusGone:
		a.State, a.Error, a.DisableSubscriber, a.By = store.DeliveryFailed, "410 Gone: subscriber disabled", true, systemActor
		result = river.JobCancel(fmt.Errorf("webhook delivery %d: the receiver answered 410 Gone", id))
	case sendErr == nil && status >= 300 && status < 500:
		a.State, a.Error = store.DeliveryFailed, "HTTP "+strconv.Itoa(status)+" "+http.StatusText(status)
		result = river.JobCancel(fmt.Errorf("webhook delivery %d: refused with %d", id, status))
	default:
		if sendErr != nil {
			a.Error = sendErr.Error()
		} else {
			a.Error = "HTTP " + strconv.Itoa(status) + " " + http.StatusText(status)
		}
		a.State = store.DeliveryPending
		if job.Attempt >= job.MaxAttempts {
			// River discards the job after this run: the delivery must not
			// stay pending, or the later ones of its dossier would wait for
			// ever.
			a.State = store.DeliveryFailed
		}
		result = fmt.Errorf("webhook delivery %d: %s", id, a.Error)
	}
	if err := w.Store.RecordWebhookAttempt(ctx, a); err != nil {
		return fmt.Errorf("recording webhook delivery %d: %w", id, err)
	}
	w.log().InfoContext(ctx, "webhook delivery attempt", "delivery", id, "subscriber", sub.ID, "attempt", job.Attempt,
		"status", status, "state", a.State)
	return result
}

// send POSTs the delivery to the subscriber and returns the answer's
// status (0 with an error when there was none).
func (w *Worker) send(ctx context.Context, sub *store.WebhookSubscriber, d *store.WebhookDelivery, at time.Time) (int, error) {
	body, err := Body(d)
	if err != nil {
		return 0, err
	}
	ts := strconv.FormatInt(at.Unix(), 10)
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.URL, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("building the request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "motcua-webhooks/1")
	req.Header.Set("X-Motcua-Delivery", strconv.FormatInt(d.ID, 10))
	req.Header.Set("X-Motcua-Event", EventType(d.Action))
	req.Header.Set("X-Motcua-Timestamp", ts)
	req.Header.Set("X-Motcua-Signature", Sign(sub.Secret, ts, body))
	c := w.Client
	if c == nil {
		c = defaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	// Read a little so that the connection can be reused; the answer's
	// content is not ours to keep.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, nil
}
