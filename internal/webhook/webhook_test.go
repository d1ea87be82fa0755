package webhook

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/jobs"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

var cityAdmin = dossier.Actor{AccountID: 1, Name: "Quản trị thành phố", Grants: []dossier.Grant{{UnitID: 1, Role: org.RoleCityAdmin}}}

func TestCheckURL(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
		msg string // part of the Vietnamese message when refused
	}{
		{"https://he-thong.example.vn/webhook", true, ""},
		{"https://he-thong.example.vn:8443/a/b?x=1", true, ""},
		{"http://127.0.0.1:8080/hook", true, ""},
		{"http://localhost/hook", true, ""},
		{"http://[::1]:9000/hook", true, ""},
		{"", false, "Vui lòng nhập"},
		{"http://he-thong.example.vn/webhook", false, "phải dùng https://"},
		{"http://127.0.0.2/hook", false, "phải dùng https://"},
		{"ftp://he-thong.example.vn/x", false, "phải bắt đầu bằng https://"},
		{"he-thong.example.vn/webhook", false, "không hợp lệ"},
		{"https://", false, "không hợp lệ"},
		{"https://user:pass@he-thong.example.vn/", false, "mật khẩu"},
		{"https://he-thong.example.vn/#x", false, "«#»"},
		{"https://he thong.vn/", false, "không hợp lệ"},
		{"https://a.vn/" + strings.Repeat("x", MaxURL), false, "quá dài"},
	}
	for i, tc := range tests {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			err := CheckURL(tc.url)
			if tc.ok {
				if err != nil {
					t.Fatalf("%s refused: %v", tc.url, err)
				}
				return
			}
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.Invalid || !strings.Contains(e.VI, tc.msg) || len(e.Fields) != 1 || e.Fields[0].Name != "url" {
				t.Fatalf("%.60s: got %#v, want invalid with %q", tc.url, err, tc.msg)
			}
		})
	}
}

func TestSignVerify(t *testing.T) {
	body := `{"id":"7","type":"dossier.receive"}`
	sig := Sign("bí-mật", "1767225600", []byte(body))
	if !strings.HasPrefix(sig, "sha256=") || len(sig) != len("sha256=")+64 {
		t.Fatalf("signature %q", sig)
	}
	tests := []struct {
		name                     string
		secret, ts, body, header string
		want                     bool
	}{
		{"good", "bí-mật", "1767225600", body, sig, true},
		{"upper-case hex", "bí-mật", "1767225600", body, "sha256=" + strings.ToUpper(strings.TrimPrefix(sig, "sha256=")), true},
		{"other secret", "khác", "1767225600", body, sig, false},
		{"other timestamp", "bí-mật", "1767225601", body, sig, false},
		{"body changed", "bí-mật", "1767225600", body + " ", sig, false},
		{"no prefix", "bí-mật", "1767225600", body, strings.TrimPrefix(sig, "sha256="), false},
		{"not hex", "bí-mật", "1767225600", body, "sha256=zz", false},
		{"empty header", "bí-mật", "1767225600", body, "", false},
		{"empty secret", "", "1767225600", body, Sign("", "1767225600", []byte(body)), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Verify(tc.secret, tc.ts, tc.body, tc.header); got != tc.want {
				t.Errorf("Verify = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestAddSubscriber: the secret is 32 random bytes in base64url; bad
// names, addresses and actions are refused with their field; only city
// administrators manage webhooks.
func TestAddSubscriber(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	s := &Service{Store: db}
	sub, err := s.Add(ctx, cityAdmin, NewSubscriber{Name: "  Cổng tỉnh ", URL: "https://a.example.vn/hook", Actions: []string{"receive", "finish", "receive", ""}})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.RawURLEncoding.DecodeString(sub.Secret)
	if err != nil || len(raw) != 32 {
		t.Errorf("secret %q: %d bytes, %v", sub.Secret, len(raw), err)
	}
	if sub.Name != "Cổng tỉnh" || strings.Join(sub.Actions, ",") != "receive,finish" {
		t.Errorf("stored %+v", sub)
	}
	other, err := s.Rotate(ctx, cityAdmin, sub.ID)
	if err != nil || other == sub.Secret || len(other) != 43 {
		t.Errorf("rotated to %q (%v)", other, err)
	}

	tests := []struct {
		name  string
		by    dossier.Actor
		in    NewSubscriber
		kind  apperr.Kind
		field string
	}{
		{"no name", cityAdmin, NewSubscriber{URL: "https://a.vn/"}, apperr.Invalid, "name"},
		{"long name", cityAdmin, NewSubscriber{Name: strings.Repeat("á", MaxName+1), URL: "https://a.vn/"}, apperr.Invalid, "name"},
		{"http", cityAdmin, NewSubscriber{Name: "x", URL: "http://a.vn/"}, apperr.Invalid, "url"},
		{"unknown action", cityAdmin, NewSubscriber{Name: "x", URL: "https://a.vn/", Actions: []string{"explode"}}, apperr.Invalid, "actions"},
		{"unit admin", dossier.Actor{AccountID: 2, Grants: []dossier.Grant{{UnitID: 1, Role: org.RoleUnitAdmin}}},
			NewSubscriber{Name: "x", URL: "https://a.vn/"}, apperr.Forbidden, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Add(ctx, tc.by, tc.in)
			e, ok := apperr.As(err)
			if !ok || e.Kind != tc.kind {
				t.Fatalf("got %v, want kind %v", err, tc.kind)
			}
			if tc.field != "" && (len(e.Fields) != 1 || e.Fields[0].Name != tc.field) {
				t.Errorf("fields %+v, want %s", e.Fields, tc.field)
			}
		})
	}
	if list, _ := db.WebhookSubscribers(ctx); len(list) != 1 {
		t.Errorf("%d subscribers after the refusals, want 1", len(list))
	}
	failing := &Service{Store: db, Random: bytes.NewReader(nil)}
	if _, err := failing.Add(ctx, cityAdmin, NewSubscriber{Name: "x", URL: "https://a.vn/"}); err == nil {
		t.Error("added without randomness")
	}
}

// countingQueue is the real queue, counting the jobs it inserts.
type countingQueue struct {
	q    *jobs.Queue
	args []DeliverArgs
	opts []river.InsertOpts
}

func (c *countingQueue) Enqueue(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) (jobs.Inserted, error) {
	c.args = append(c.args, args.(DeliverArgs))
	c.opts = append(c.opts, args.(DeliverArgs).InsertOpts())
	return c.q.Enqueue(ctx, tx, args, opts)
}

// TestFanout: one delivery and one job per active subscriber whose filter
// takes the action; a second fan-out of the same event adds nothing; a
// rolled-back transaction leaves nothing.
func TestFanout(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			db := storetest.Open(t, e)
			ctx := context.Background()
			q, err := jobs.New(db, jobs.Config{})
			if err != nil {
				t.Fatal(err)
			}
			s := &Service{Store: db}
			all, _ := s.Add(ctx, cityAdmin, NewSubscriber{Name: "Tất cả", URL: "https://all.example.vn/"})
			finish, _ := s.Add(ctx, cityAdmin, NewSubscriber{Name: "Kết quả", URL: "https://finish.example.vn/", Actions: []string{"finish"}})
			off, _ := s.Add(ctx, cityAdmin, NewSubscriber{Name: "Tắt", URL: "https://off.example.vn/"})
			if err := s.SetActive(ctx, cityAdmin, off.ID, false); err != nil {
				t.Fatal(err)
			}
			cq := &countingQueue{q: q}
			ev := Event{EventID: 41, DossierID: 7, Code: "H01-0001", Action: "receive", ProcedureCode: "1.000894", UnitCode: "HT", From: 1, To: 2,
				At: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
			fan := func(ev Event, fail error) error {
				return db.WriteTx(ctx, func(tx *sql.Tx) error {
					if err := s.Fanout(ctx, tx, cq, ev); err != nil {
						return err
					}
					return fail
				})
			}
			for range 2 {
				if err := fan(ev, nil); err != nil {
					t.Fatal(err)
				}
			}
			if len(cq.args) != 1 {
				t.Fatalf("%d jobs, want 1", len(cq.args))
			}
			if o := cq.opts[0]; o.Queue != jobs.QueueWebhooks || o.MaxAttempts != 20 || (DeliverArgs{}).Kind() != "webhook_deliver" {
				t.Errorf("insert options %+v", o)
			}
			list, _ := db.WebhookDeliveries(ctx, all.ID, 10)
			if len(list) != 1 || list[0].ID != cq.args[0].DeliveryID || list[0].DossierCode != "H01-0001" || list[0].EventID != 41 {
				t.Fatalf("deliveries of the catch-all subscriber: %+v", list)
			}
			for _, id := range []int64{finish.ID, off.ID} {
				if l, _ := db.WebhookDeliveries(ctx, id, 10); len(l) != 0 {
					t.Errorf("subscriber %d got %d deliveries of a receive", id, len(l))
				}
			}

			ev.EventID, ev.Action = 42, "finish"
			if err := fan(ev, nil); err != nil {
				t.Fatal(err)
			}
			if len(cq.args) != 3 {
				t.Errorf("%d jobs after the finish, want 3", len(cq.args))
			}

			ev.EventID = 43
			refused := errors.New("the change is refused")
			if err := fan(ev, refused); !errors.Is(err, refused) {
				t.Fatal(err)
			}
			if l, _ := db.WebhookDeliveries(ctx, finish.ID, 10); len(l) != 1 {
				t.Errorf("a rolled-back fan-out left %d deliveries, want the one committed", len(l))
			}

			noTime := ev
			noTime.At = time.Time{}
			for _, bad := range []Event{{}, {EventID: 1, DossierID: 1, Code: "x", At: ev.At}, noTime} {
				if err := fan(bad, nil); err == nil {
					t.Errorf("event %+v fanned out", bad)
				}
			}
			if err := s.Fanout(ctx, nil, cq, ev); err == nil {
				t.Error("fanned out without a transaction")
			}
		})
	}
}

// TestEventOf: the public fields of a dossier event, the unit being the
// event's, else the dossier's.
func TestEventOf(t *testing.T) {
	at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	d := &dossier.Dossier{ID: 7, Code: "H01-0007", ProcedureCode: "1.000894", UnitCode: "HK", Applicant: dossier.Applicant{FullName: "Nguyễn Văn An", IDNumber: "001090001234"}}
	tests := []struct {
		name string
		ev   dossier.Event
		want Event
	}{
		{"the event's unit", dossier.Event{ID: 41, UnitCode: "HT", Action: dossier.ActReceive, From: dossier.StatusSubmitted, To: dossier.StatusReceived, At: at, ActorName: "Cán bộ"},
			Event{EventID: 41, DossierID: 7, Code: "H01-0007", Action: "receive", ProcedureCode: "1.000894", UnitCode: "HT", From: 1, To: 2, At: at}},
		{"the dossier's unit", dossier.Event{ID: 42, Action: dossier.ActWithdraw, From: dossier.StatusReceived, To: dossier.StatusWithdrawn, At: at},
			Event{EventID: 42, DossierID: 7, Code: "H01-0007", Action: "withdraw", ProcedureCode: "1.000894", UnitCode: "HK", From: 2, To: 7, At: at}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := EventOf(d, &tc.ev); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestTarget: the outbox's target records the event's delivery and its job
// in the transaction it is given.
func TestTarget(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	s := &Service{Store: db}
	sub, err := s.Add(ctx, cityAdmin, NewSubscriber{Name: "x", URL: "https://a.example.vn/"})
	if err != nil {
		t.Fatal(err)
	}
	q := &recordQueue{}
	d := &dossier.Dossier{ID: 7, Code: "H01-0007", ProcedureCode: "1.000894", UnitCode: "HK"}
	ev := &dossier.Event{ID: 41, Action: dossier.ActReceive, From: dossier.StatusSubmitted, To: dossier.StatusReceived, At: time.Now()}
	if err := db.WriteTx(ctx, func(tx *sql.Tx) error { return s.Target(q).Plan(ctx, tx, d, ev) }); err != nil {
		t.Fatal(err)
	}
	list, err := db.WebhookDeliveries(ctx, sub.ID, 10)
	if err != nil || len(list) != 1 || list[0].EventID != 41 || list[0].DossierCode != "H01-0007" || list[0].UnitCode != "HK" || q.n != 1 {
		t.Fatalf("deliveries %+v (%v), %d jobs", list, err, q.n)
	}
}
