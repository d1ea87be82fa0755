package webhook

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/motcua/motcua/internal/jobs"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// receiver is an integrator's endpoint: it answers what its script says
// for each delivery (then 200), verifying every signature.
type receiver struct {
	t      *testing.T
	secret func() string
	mu     sync.Mutex
	script map[string][]int // X-Motcua-Delivery → statuses to answer in turn
	got    []received
	srv    *httptest.Server
}

type received struct {
	delivery string
	payload  Payload
	header   http.Header
	status   int
	at       time.Time
	verified bool
}

func newReceiver(t *testing.T, secret func() string) *receiver {
	r := &receiver{t: t, secret: secret, script: map[string][]int{}}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		var p Payload
		_ = json.Unmarshal(body, &p)
		id := req.Header.Get("X-Motcua-Delivery")
		r.mu.Lock()
		status := http.StatusOK
		if s := r.script[id]; len(s) > 0 {
			status, r.script[id] = s[0], s[1:]
		}
		r.got = append(r.got, received{delivery: id, payload: p, header: req.Header.Clone(), status: status, at: time.Now(),
			verified: Verify(r.secret(), req.Header.Get("X-Motcua-Timestamp"), string(body), req.Header.Get("X-Motcua-Signature"))})
		r.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) answer(id int64, statuses ...int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.script[strconv.FormatInt(id, 10)] = statuses
}

func (r *receiver) of(id int64) []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []received
	for _, g := range r.got {
		if g.delivery == strconv.FormatInt(id, 10) {
			out = append(out, g)
		}
	}
	return out
}

// fixture is a store with one subscriber pointing at a receiver.
type fixture struct {
	db  *store.DB
	svc *Service
	sub *store.WebhookSubscriber
	rcv *receiver
}

func newFixture(t *testing.T, e store.Dialect) *fixture {
	t.Helper()
	return newFixtureOn(t, storetest.Open(t, e))
}

// newFixtureOn adds a subscriber and its receiver to a store.
func newFixtureOn(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	f := &fixture{db: db}
	f.svc = &Service{Store: f.db}
	f.rcv = newReceiver(t, func() string { return f.sub.Secret })
	sub, err := f.svc.Add(context.Background(), cityAdmin, NewSubscriber{Name: "Hệ thống thử", URL: f.rcv.srv.URL + "/hook"})
	if err != nil {
		t.Fatal(err)
	}
	f.sub = sub
	return f
}

// fan records one event of a dossier for the subscriber, with q enqueuing
// its job (nil: a queue that only records).
func (f *fixture) fan(t *testing.T, q Enqueuer, event, dossierID int64, action string) *store.WebhookDelivery {
	t.Helper()
	if q == nil {
		q = &recordQueue{}
	}
	ctx := context.Background()
	err := f.db.WriteTx(ctx, func(tx *sql.Tx) error {
		return f.svc.Fanout(ctx, tx, q, Event{EventID: event, DossierID: dossierID, Code: "H01-" + strconv.FormatInt(dossierID, 10),
			Action: action, ProcedureCode: "1.000894", UnitCode: "HT", From: 1, To: 2, At: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)})
	})
	if err != nil {
		t.Fatal(err)
	}
	list, err := f.db.WebhookDeliveries(ctx, f.sub.ID, 1)
	if err != nil || len(list) != 1 || list[0].EventID != event {
		t.Fatalf("delivery of event %d: %+v %v", event, list, err)
	}
	return &list[0]
}

type recordQueue struct{ n int }

func (q *recordQueue) Enqueue(context.Context, *sql.Tx, river.JobArgs, *river.InsertOpts) (jobs.Inserted, error) {
	q.n++
	return jobs.Inserted{ID: int64(q.n)}, nil
}

func (f *fixture) delivery(t *testing.T, id int64) *store.WebhookDelivery {
	t.Helper()
	d, err := f.db.WebhookDelivery(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestWorkOutcomes runs the worker on one delivery at a time and checks
// what it returns to River and records: 2xx delivered; 5xx retried, then
// failed at the last attempt; 400 cancelled for good; 410 disables the
// subscriber, whose other deliveries are then cancelled unsent; a
// delivery behind a pending one of the same dossier snoozes.
func TestWorkOutcomes(t *testing.T) {
	type want struct {
		ret      string // "", "retry", "cancel", "snooze"
		state    string
		status   int
		attempts int
		sent     int
	}
	tests := []struct {
		name    string
		answers []int
		attempt int                            // job attempt (of MaxAttempts)
		before  func(t *testing.T, f *fixture) // makes an earlier pending delivery, or the like
		want    want
	}{
		{"200", []int{200}, 1, nil, want{"", store.DeliveryDelivered, 200, 1, 1}},
		{"204", []int{204}, 1, nil, want{"", store.DeliveryDelivered, 204, 1, 1}},
		{"500 retried", []int{500}, 1, nil, want{"retry", store.DeliveryPending, 500, 1, 1}},
		{"503 at the last attempt", []int{503}, MaxAttempts, nil, want{"retry", store.DeliveryFailed, 503, 1, 1}},
		{"400 permanent", []int{400}, 1, nil, want{"cancel", store.DeliveryFailed, 400, 1, 1}},
		{"404 permanent", []int{404}, 1, nil, want{"cancel", store.DeliveryFailed, 404, 1, 1}},
		{"302 permanent", []int{302}, 1, nil, want{"cancel", store.DeliveryFailed, 302, 1, 1}},
		{"410 disables", []int{410}, 1, nil, want{"cancel", store.DeliveryFailed, 410, 1, 1}},
		{"disabled subscriber", nil, 1, func(t *testing.T, f *fixture) {
			if err := f.svc.SetActive(context.Background(), cityAdmin, f.sub.ID, false); err != nil {
				t.Fatal(err)
			}
		}, want{"cancel", store.DeliveryCancelled, 0, 0, 0}},
	}
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			// One store for the cases (PostgreSQL's take a second each to
			// make); each case has its own subscriber.
			db := storetest.Open(t, e)
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					f := newFixtureOn(t, db)
					d := f.fan(t, nil, 1, 1, "receive")
					f.rcv.answer(d.ID, tc.answers...)
					if tc.before != nil {
						tc.before(t, f)
					}
					w := &Worker{Store: f.db, Log: quiet()}
					err := w.Work(context.Background(), &river.Job[DeliverArgs]{
						JobRow: &rivertype.JobRow{ID: 1, Attempt: tc.attempt, MaxAttempts: MaxAttempts}, Args: DeliverArgs{DeliveryID: d.ID}})
					var cancel *river.JobCancelError
					var snooze *river.JobSnoozeError
					ret := "retry"
					switch {
					case err == nil:
						ret = ""
					case errors.As(err, &cancel):
						ret = "cancel"
					case errors.As(err, &snooze):
						ret = "snooze"
					}
					if ret != tc.want.ret {
						t.Errorf("returned %v (%s), want %s", err, ret, tc.want.ret)
					}
					got := f.delivery(t, d.ID)
					if got.State != tc.want.state || got.LastStatus != tc.want.status || got.Attempts != tc.want.attempts {
						t.Errorf("recorded %s/%d after %d attempts, want %s/%d after %d", got.State, got.LastStatus, got.Attempts,
							tc.want.state, tc.want.status, tc.want.attempts)
					}
					if (got.State == store.DeliveryDelivered) != (got.DeliveredAt != nil) || (got.State != store.DeliveryDelivered && got.LastError == "") {
						t.Errorf("delivered at %v, error %q", got.DeliveredAt, got.LastError)
					}
					if n := len(f.rcv.of(d.ID)); n != tc.want.sent {
						t.Errorf("sent %d times, want %d", n, tc.want.sent)
					}
					sub, _ := f.db.WebhookSubscriber(context.Background(), f.sub.ID)
					if off := tc.want.status == 410 || tc.before != nil; sub.Active == off {
						t.Errorf("subscriber active %v after %d", sub.Active, tc.want.status)
					}
				})
			}
			t.Run("snooze behind an earlier pending delivery", func(t *testing.T) {
				f := newFixtureOn(t, db)
				first := f.fan(t, nil, 1, 1, "receive")
				second := f.fan(t, nil, 2, 1, "assign")
				other := f.fan(t, nil, 3, 2, "receive")
				w := &Worker{Store: f.db, Log: quiet()}
				run := func(d *store.WebhookDelivery) error {
					return w.Work(context.Background(), &river.Job[DeliverArgs]{
						JobRow: &rivertype.JobRow{ID: d.ID, Attempt: 1, MaxAttempts: MaxAttempts}, Args: DeliverArgs{DeliveryID: d.ID}})
				}
				var snooze *river.JobSnoozeError
				if err := run(second); !errors.As(err, &snooze) {
					t.Fatalf("second before first: %v, want a snooze", err)
				}
				if got := f.delivery(t, second.ID); got.Attempts != 0 || len(f.rcv.of(second.ID)) != 0 {
					t.Errorf("a snoozed delivery was sent or counted: %+v", got)
				}
				if err := run(other); err != nil {
					t.Errorf("another dossier's delivery waited: %v", err)
				}
				f.rcv.answer(first.ID, 400)
				if err := run(first); err == nil {
					t.Fatal("the 400 was taken")
				}
				// A delivery refused for good does not hold the next back.
				if err := run(second); err != nil {
					t.Errorf("second after the first failed for good: %v", err)
				}
				if err := run(second); err != nil || len(f.rcv.of(second.ID)) != 1 {
					t.Errorf("a finished delivery run again: %v, sent %d times", err, len(f.rcv.of(second.ID)))
				}
			})
			t.Run("no wait behind a delivery older than the window", func(t *testing.T) {
				f := newFixtureOn(t, db)
				f.fan(t, nil, 1, 1, "receive") // its job lost: pending for ever
				second := f.fan(t, nil, 2, 1, "assign")
				w := &Worker{Store: f.db, Log: quiet(), Now: func() time.Time { return time.Now().Add(OrderWindow + time.Hour) }}
				err := w.Work(context.Background(), &river.Job[DeliverArgs]{
					JobRow: &rivertype.JobRow{ID: 2, Attempt: 1, MaxAttempts: MaxAttempts}, Args: DeliverArgs{DeliveryID: second.ID}})
				if err != nil || f.delivery(t, second.ID).State != store.DeliveryDelivered {
					t.Errorf("waited behind a lost delivery: %v", err)
				}
			})
			t.Run("unknown delivery", func(t *testing.T) {
				f := newFixtureOn(t, db)
				w := &Worker{Store: f.db, Log: quiet()}
				err := w.Work(context.Background(), &river.Job[DeliverArgs]{JobRow: &rivertype.JobRow{Attempt: 1, MaxAttempts: 1}, Args: DeliverArgs{DeliveryID: 99}})
				var cancel *river.JobCancelError
				if !errors.As(err, &cancel) {
					t.Errorf("got %v, want a cancel", err)
				}
			})
		})
	}
}

// quickRetry retries at once instead of River's backoff.
type quickRetry struct{}

func (quickRetry) NextRetry(*rivertype.JobRow) time.Time {
	return time.Now().Add(50 * time.Millisecond)
}

// TestDeliveryThroughRiver: events fanned out in a committed transaction
// reach the receiver through the real queue, signed and with the
// documented headers and body; a 500 is retried until the 200; a dossier's
// second event reaches the receiver only after its first was delivered;
// a 400 fails that delivery alone.
func TestDeliveryThroughRiver(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			f := newFixture(t, e)
			ws := jobs.NewWorkers()
			if err := jobs.Register(ws, &Worker{Store: f.db, Log: quiet(), Snooze: 50 * time.Millisecond}); err != nil {
				t.Fatal(err)
			}
			q, err := jobs.New(f.db, jobs.Config{Log: quiet(), Workers: ws, RetryPolicy: quickRetry{}, PollInterval: 50 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			// The first event fails twice; it and the second are fanned out
			// before the queue runs, so that the second is ready first too.
			first := f.fan(t, q, 101, 1, "receive")
			f.rcv.answer(first.ID, 500, 503)
			second := f.fan(t, q, 102, 1, "assign")
			refused := f.fan(t, q, 103, 2, "receive")
			f.rcv.answer(refused.ID, 400)
			after := f.fan(t, q, 104, 2, "assign")

			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- q.Run(ctx, 5*time.Second) }()
			t.Cleanup(func() {
				cancel()
				if err := <-done; err != nil {
					t.Errorf("stopping the queue: %v", err)
				}
			})
			for _, d := range []*store.WebhookDelivery{first, second, refused, after} {
				waitFinal(t, f, d.ID)
			}

			got := f.rcv.of(first.ID)
			if len(got) != 3 || got[0].status != 500 || got[1].status != 503 || got[2].status != 200 {
				t.Fatalf("first delivery's attempts: %+v", got)
			}
			d := f.delivery(t, first.ID)
			if d.State != store.DeliveryDelivered || d.Attempts != 3 || d.LastStatus != 200 {
				t.Errorf("first recorded %+v", d)
			}
			for _, g := range got {
				if !g.verified {
					t.Error("a signature does not verify")
				}
				if g.header.Get("X-Motcua-Delivery") != strconv.FormatInt(first.ID, 10) || g.header.Get("X-Motcua-Event") != "dossier.receive" ||
					g.header.Get("Content-Type") != "application/json" || g.header.Get("X-Motcua-Timestamp") == "" {
					t.Errorf("headers %v", g.header)
				}
				p := g.payload
				if p.ID != strconv.FormatInt(first.ID, 10) || p.Type != "dossier.receive" || p.CreatedAt == "" ||
					p.Data != (PayloadData{Code: "H01-1", Procedure: "1.000894", Unit: "HT", FromStatus: 1, ToStatus: 2, At: "2026-03-02T08:00:00Z"}) {
					t.Errorf("payload %+v", p)
				}
			}
			sec := f.rcv.of(second.ID)
			if len(sec) != 1 || !sec[0].verified || sec[0].payload.Type != "dossier.assign" {
				t.Fatalf("second delivery: %+v", sec)
			}
			if !sec[0].at.After(got[2].at) {
				t.Errorf("the dossier's second event arrived at %v, before its first was delivered at %v", sec[0].at, got[2].at)
			}
			if d := f.delivery(t, refused.ID); d.State != store.DeliveryFailed || d.LastStatus != 400 || d.Attempts != 1 || len(f.rcv.of(refused.ID)) != 1 {
				t.Errorf("refused recorded %+v", d)
			}
			if d := f.delivery(t, after.ID); d.State != store.DeliveryDelivered {
				t.Errorf("the delivery after a refused one: %+v", d)
			}
		})
	}
}

// waitFinal polls the delivery until it leaves pending.
func waitFinal(t *testing.T, f *fixture, id int64) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	if d, ok := t.Deadline(); ok && d.Before(deadline) {
		deadline = d.Add(-time.Second)
	}
	for time.Now().Before(deadline) {
		if d := f.delivery(t, id); d.State != store.DeliveryPending {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("delivery %d still pending: %+v", id, f.delivery(t, id))
}
