package store_test

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestWebhookSubscribers: subscribers are added, listed with their filter,
// disabled, enabled and given a new secret; each change is audited without
// the secret; an unknown subscriber is 404.
func TestWebhookSubscribers(t *testing.T) {
	at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	admin := dossier.Actor{AccountID: 0, Name: "Quản trị thành phố"}
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			db := storetest.Open(t, e)
			ctx := context.Background()
			a := &store.WebhookSubscriber{Name: "Cổng tỉnh", URL: "https://a.example.vn/hook", Secret: "s-a", Actions: []string{"receive", "finish"}}
			b := &store.WebhookSubscriber{Name: "Thống kê", URL: "https://b.example.vn/hook", Secret: "s-b"}
			for _, s := range []*store.WebhookSubscriber{a, b} {
				if err := db.AddWebhookSubscriber(ctx, s, at, admin); err != nil {
					t.Fatal(err)
				}
			}
			if a.ID == 0 || b.ID == a.ID || !a.Active {
				t.Fatalf("added %+v %+v", a, b)
			}
			list, err := db.WebhookSubscribers(ctx)
			if err != nil || len(list) != 2 {
				t.Fatalf("list: %v %v", list, err)
			}
			if got := list[0]; got.Name != "Cổng tỉnh" || got.URL != a.URL || got.Secret != "s-a" ||
				!slices.Equal(got.Actions, []string{"receive", "finish"}) || !got.Active || !got.CreatedAt.Equal(at) {
				t.Errorf("first %+v", got)
			}
			if list[1].Actions != nil || !list[1].Wants("stop") || list[0].Wants("stop") || !list[0].Wants("finish") {
				t.Errorf("filters: %+v / %+v", list[0].Actions, list[1].Actions)
			}

			if err := db.SetWebhookActive(ctx, a.ID, false, "admin", at, admin); err != nil {
				t.Fatal(err)
			}
			got, err := db.WebhookSubscriber(ctx, a.ID)
			if err != nil || got.Active || got.DisabledReason != "admin" {
				t.Fatalf("disabled: %+v %v", got, err)
			}
			if err := db.WriteTx(ctx, func(tx *sql.Tx) error {
				act, err := db.ActiveWebhookSubscribers(ctx, tx)
				if len(act) != 1 || act[0].ID != b.ID {
					t.Errorf("active: %+v", act)
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if err := db.SetWebhookActive(ctx, a.ID, true, "admin", at, admin); err != nil {
				t.Fatal(err)
			}
			if err := db.RotateWebhookSecret(ctx, a.ID, "s-a2", at, admin); err != nil {
				t.Fatal(err)
			}
			got, _ = db.WebhookSubscriber(ctx, a.ID)
			if !got.Active || got.DisabledReason != "" || got.Secret != "s-a2" {
				t.Errorf("enabled and rotated: %+v", got)
			}

			for _, err := range []error{
				db.SetWebhookActive(ctx, 999, false, "admin", at, admin),
				db.RotateWebhookSecret(ctx, 999, "x", at, admin),
				func() error { _, err := db.WebhookSubscriber(ctx, 999); return err }(),
			} {
				if !apperr.Is(err, apperr.NotFound) {
					t.Errorf("unknown subscriber: %v", err)
				}
			}

			log, err := db.AuditLog(ctx, store.AuditFilter{Subject: "webhook:" + strconv.FormatInt(a.ID, 10)})
			if err != nil {
				t.Fatal(err)
			}
			var actions []string
			for _, l := range log {
				actions = append(actions, l.Action)
				if l.ActorName != admin.Name {
					t.Errorf("%s by %q", l.Action, l.ActorName)
				}
				if d, ok := l.Detail.(map[string]any); ok {
					for k, v := range d {
						if v == "s-a" || v == "s-a2" {
							t.Errorf("%s: the secret is in the audit log (%s)", l.Action, k)
						}
					}
				}
			}
			want := []string{"webhook.rotate_secret", "webhook.enable", "webhook.disable", "webhook.add"}
			if !slices.Equal(actions, want) {
				t.Errorf("audit %v, want %v", actions, want)
			}
		})
	}
}

// TestWebhookDeliveries: a delivery is recorded once per (subscriber,
// event); attempts are recorded on it; the ordering check sees an earlier
// pending delivery of the same dossier only; a 410 disables the subscriber
// in the same transaction; the log lists newest first.
func TestWebhookDeliveries(t *testing.T) {
	at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			db := storetest.Open(t, e)
			ctx := context.Background()
			sub := &store.WebhookSubscriber{Name: "Cổng tỉnh", URL: "https://a.example.vn/hook", Secret: "s"}
			if err := db.AddWebhookSubscriber(ctx, sub, at, dossier.Actor{Name: "admin"}); err != nil {
				t.Fatal(err)
			}
			add := func(event, dossierID int64) (*store.WebhookDelivery, bool) {
				t.Helper()
				d := &store.WebhookDelivery{SubscriberID: sub.ID, EventID: event, DossierID: dossierID, DossierCode: "H01.1-260302-0001",
					Action: "receive", ProcedureCode: "1.000894", UnitCode: "HT", From: 1, To: 2, EventAt: at, CreatedAt: at.Add(time.Second)}
				var created bool
				err := db.WriteTx(ctx, func(tx *sql.Tx) error {
					var err error
					created, err = db.AddWebhookDelivery(ctx, tx, d)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				return d, created
			}
			first, created := add(10, 1)
			if !created || first.ID == 0 {
				t.Fatalf("first: %+v %v", first, created)
			}
			if again, created := add(10, 1); created || again.ID != 0 {
				t.Errorf("the same event twice: created %v, id %d", created, again.ID)
			}
			second, _ := add(11, 1)
			other, _ := add(12, 2)

			got, err := db.WebhookDelivery(ctx, first.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.State != store.DeliveryPending || got.DossierCode != "H01.1-260302-0001" || got.From != 1 || got.To != 2 ||
				!got.EventAt.Equal(at) || !got.CreatedAt.Equal(at.Add(time.Second)) || got.Attempts != 0 || got.DeliveredAt != nil {
				t.Errorf("read back %+v", got)
			}
			for _, c := range []struct {
				d    *store.WebhookDelivery
				want bool
			}{{first, false}, {second, true}, {other, false}} {
				if p, err := db.EarlierWebhookPending(ctx, c.d, at); err != nil || p != c.want {
					t.Errorf("earlier pending of %d: %v %v, want %v", c.d.EventID, p, err, c.want)
				}
			}
			// An earlier one made before the window is not waited for.
			if p, err := db.EarlierWebhookPending(ctx, second, at.Add(2*time.Second)); err != nil || p {
				t.Errorf("earlier pending outside the window: %v %v", p, err)
			}

			attempts := []store.WebhookAttempt{
				{DeliveryID: first.ID, At: at.Add(time.Minute), State: store.DeliveryPending, Status: 500, Error: "HTTP 500", Counted: true},
				{DeliveryID: first.ID, At: at.Add(2 * time.Minute), State: store.DeliveryDelivered, Status: 200, Counted: true},
			}
			for _, a := range attempts {
				if err := db.RecordWebhookAttempt(ctx, a); err != nil {
					t.Fatal(err)
				}
			}
			got, _ = db.WebhookDelivery(ctx, first.ID)
			if got.State != store.DeliveryDelivered || got.Attempts != 2 || got.LastStatus != 200 || got.LastError != "" ||
				got.DeliveredAt == nil || !got.DeliveredAt.Equal(at.Add(2*time.Minute)) || !got.LastAttemptAt.Equal(at.Add(2*time.Minute)) {
				t.Errorf("after two attempts %+v", got)
			}
			if p, _ := db.EarlierWebhookPending(ctx, second, at); p {
				t.Error("the delivered one still holds the next back")
			}

			err = db.RecordWebhookAttempt(ctx, store.WebhookAttempt{DeliveryID: second.ID, At: at.Add(3 * time.Minute), State: store.DeliveryFailed,
				Status: 410, Error: "410 Gone", Counted: true, DisableSubscriber: true, By: dossier.SystemActor("webhooks")})
			if err != nil {
				t.Fatal(err)
			}
			s, _ := db.WebhookSubscriber(ctx, sub.ID)
			if s.Active || s.DisabledReason != "gone" {
				t.Errorf("after 410: %+v", s)
			}
			if l, _ := db.AuditLog(ctx, store.AuditFilter{Action: "webhook.disable"}); len(l) != 1 || l[0].ActorName != "webhooks" {
				t.Errorf("the 410's audit: %+v", l)
			}

			for _, bad := range []store.WebhookAttempt{{DeliveryID: first.ID, State: "maybe"}, {DeliveryID: 999, State: store.DeliveryFailed, At: at}} {
				if err := db.RecordWebhookAttempt(ctx, bad); err == nil {
					t.Errorf("attempt %+v accepted", bad)
				}
			}

			list, err := db.WebhookDeliveries(ctx, sub.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, d := range list {
				ids = append(ids, d.ID)
			}
			if !slices.Equal(ids, []int64{other.ID, second.ID, first.ID}) {
				t.Errorf("log %v, want newest first", ids)
			}
			if list[1].State != store.DeliveryFailed || list[1].LastStatus != 410 || list[1].Attempts != 1 {
				t.Errorf("failed one %+v", list[1])
			}
		})
	}
}
