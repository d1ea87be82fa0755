package backoffice_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/backoffice"
	"github.com/motcua/motcua/internal/jobs"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/webhook"
)

const webhooksPage = "/can-bo/quan-tri/webhook"

// webhookServer serves the back office with the webhook service wired
// (internal/app does not wire it yet) in front of the test application,
// which takes the logins; both share the store's sessions.
func webhookServer(t *testing.T, env *apptest.Env) string {
	t.Helper()
	sessions := auth.NewSessions(env.DB.Sessions(), false)
	bo, err := backoffice.New(env.DB, env.App.Dossiers, env.App.Files, env.App.Auth, sessions,
		slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	bo.Webhooks = &webhook.Service{Store: env.DB}
	mux := http.NewServeMux()
	bo.Register(mux)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/can-bo/") {
			mux.ServeHTTP(w, r)
			return
		}
		env.App.Server.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// loginAt logs username in through the server at base.
func loginAt(t *testing.T, env *apptest.Env, base, username string) *browser {
	t.Helper()
	b := newBrowser(t, env)
	b.c.Base = base
	p := b.post("/dang-nhap", url.Values{"username": {username}, "password": {apptest.Password}, "next": {"/can-bo/"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("login %s: %d\n%s", username, p.status, p.body)
	}
	return b
}

var secretRE = regexp.MustCompile(`<code id="secret">([A-Za-z0-9_-]+)</code>`)

// TestWebhooksPage: only the city's administrators open the page; a bad address is a 400 with its message
// and the form kept; a registered subscriber's secret is shown once; the
// delivery log shows each delivery's event, dossier, state, attempts,
// status and error; pausing, resuming and a new secret are audited.
func TestWebhooksPage(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			ctx := context.Background()
			want(t, "wired by the app", login(t, env, "city.admin").get(webhooksPage), http.StatusOK, "Webhook cho hệ thống tích hợp")

			base := webhookServer(t, env)
			for _, who := range []string{"ht.receptionist", "hk.unit_admin"} {
				b := loginAt(t, env, base, who)
				want(t, who, b.get(webhooksPage), http.StatusForbidden, "quản trị viên thành phố")
				p := b.post(webhooksPage, url.Values{"action": {"add"}, "name": {"x"}, "url": {"https://a.example.vn/"}})
				want(t, who+" post", p, http.StatusForbidden)
			}
			admin := loginAt(t, env, base, "city.admin")
			want(t, "empty", admin.get(webhooksPage), http.StatusOK, "Webhook cho hệ thống tích hợp", "Chưa có hệ thống nào đăng ký.", `value="receive"`)

			p := admin.post(webhooksPage, url.Values{"action": {"add"}, "name": {"Cổng dịch vụ công tỉnh"}, "url": {"http://dvc.example.vn/hook"}, "actions": {"finish"}})
			want(t, "http address", p, http.StatusBadRequest, "phải dùng https://", `value="Cổng dịch vụ công tỉnh"`, `value="http://dvc.example.vn/hook"`,
				`id="wh-url-error"`, `value="finish" checked`)
			want(t, "unknown action", admin.post(webhooksPage, url.Values{"action": {"add"}, "name": {"x"}, "url": {"https://a.vn/"}, "actions": {"explode"}}),
				http.StatusBadRequest, "«explode» không tồn tại")
			if p := admin.do("POST", webhooksPage, url.Values{"action": {"add"}, "name": {"x"}, "url": {"https://a.vn/"}},
				map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}); p.status != http.StatusForbidden {
				t.Errorf("cross-site post: %d", p.status)
			}
			if subs, _ := env.DB.WebhookSubscribers(ctx); len(subs) != 0 {
				t.Fatalf("refused posts stored %d subscribers", len(subs))
			}

			p = admin.post(webhooksPage, url.Values{"action": {"add"}, "name": {"Cổng dịch vụ công tỉnh"}, "url": {"https://dvc.example.vn/hook"},
				"actions": {"receive", "finish"}})
			want(t, "added", p, http.StatusOK, "Khóa bí mật của «Cổng dịch vụ công tỉnh»", "chỉ hiển thị một lần", "https://dvc.example.vn/hook")
			m := secretRE.FindStringSubmatch(p.body)
			if m == nil || len(m[1]) != 43 {
				t.Fatalf("no secret shown:\n%s", p.body)
			}
			secret := m[1]
			if cc := p.header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("the page with the secret may be cached: %q", cc)
			}
			subs, err := env.DB.WebhookSubscribers(ctx)
			if err != nil || len(subs) != 1 || subs[0].Secret != secret {
				t.Fatalf("stored %+v %v", subs, err)
			}
			sub := subs[0]
			list := admin.get(webhooksPage)
			want(t, "list", list, http.StatusOK, "Cổng dịch vụ công tỉnh", "Đang hoạt động", "Tiếp nhận hồ sơ", "Chưa có lần gửi nào.")
			if strings.Contains(list.body, secret) {
				t.Error("the secret is shown again")
			}

			// Two deliveries: one retried after a 500, one delivered.
			q, err := jobs.New(env.DB, jobs.Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				t.Fatal(err)
			}
			svc := &webhook.Service{Store: env.DB}
			at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
			for i, action := range []string{"receive", "finish", "assign"} {
				err := env.DB.WriteTx(ctx, func(tx *sql.Tx) error {
					return svc.Fanout(ctx, tx, q, webhook.Event{EventID: int64(100 + i), DossierID: 1, Code: "HT-260302-000" + strconv.Itoa(i+1),
						Action: action, ProcedureCode: apptest.Marriage, UnitCode: apptest.HangTrong, From: 1, To: 2, At: at})
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			ds, _ := env.DB.WebhookDeliveries(ctx, sub.ID, 10)
			if len(ds) != 2 {
				t.Fatalf("%d deliveries, want 2 (assign is filtered out)", len(ds))
			}
			for _, a := range []store.WebhookAttempt{
				{DeliveryID: ds[1].ID, At: at, State: store.DeliveryPending, Status: 500, Error: "HTTP 500 Internal Server Error", Counted: true},
				{DeliveryID: ds[0].ID, At: at, State: store.DeliveryDelivered, Status: 204, Counted: true},
			} {
				if err := env.DB.RecordWebhookAttempt(ctx, a); err != nil {
					t.Fatal(err)
				}
			}
			p = admin.get(webhooksPage)
			want(t, "log", p, http.StatusOK, "HT-260302-0001", "HT-260302-0002", "Đang chờ gửi", "HTTP 500 Internal Server Error", "Đã gửi",
				">204<", "02/03/2026 15:00")
			if strings.Index(p.body, "HT-260302-0002") > strings.Index(p.body, "HT-260302-0001") {
				t.Error("the log is not newest first")
			}
			if n := strings.Count(p.body, `class="delivery-row"`); n != 2 {
				t.Errorf("%d rows in the log, want 2", n)
			}

			id := strconv.FormatInt(sub.ID, 10)
			p = admin.post(webhooksPage, url.Values{"action": {"disable"}, "id": {id}})
			if p.status != http.StatusSeeOther || p.header.Get("Location") != webhooksPage+"?xong=disable" {
				t.Fatalf("disable: %d %q", p.status, p.header.Get("Location"))
			}
			want(t, "paused", admin.get(webhooksPage+"?xong=disable"), http.StatusOK, "Đã tạm dừng gửi", "Đã tạm dừng", `value="enable"`)
			want(t, "enable", admin.post(webhooksPage, url.Values{"action": {"enable"}, "id": {id}}), http.StatusSeeOther)
			want(t, "resumed", admin.get(webhooksPage), http.StatusOK, "Đang hoạt động", `value="disable"`)
			p = admin.post(webhooksPage, url.Values{"action": {"rotate"}, "id": {id}})
			want(t, "rotate", p, http.StatusOK, "Khóa bí mật của «Cổng dịch vụ công tỉnh»")
			if m := secretRE.FindStringSubmatch(p.body); m == nil || m[1] == secret {
				t.Error("no new secret shown")
			}
			want(t, "bad id", admin.post(webhooksPage, url.Values{"action": {"disable"}, "id": {"abc"}}), http.StatusBadRequest, "không hợp lệ")
			want(t, "unknown id", admin.post(webhooksPage, url.Values{"action": {"disable"}, "id": {"9999"}}), http.StatusNotFound)
			want(t, "bad action", admin.post(webhooksPage, url.Values{"action": {"explode"}, "id": {id}}), http.StatusBadRequest, "Thao tác không hợp lệ")

			log, err := env.DB.AuditLog(ctx, store.AuditFilter{Subject: "webhook:" + id})
			if err != nil {
				t.Fatal(err)
			}
			var actions []string
			for _, l := range log {
				actions = append(actions, l.Action)
				if l.ActorName != "Quản trị thành phố" {
					t.Errorf("%s by %q", l.Action, l.ActorName)
				}
			}
			if strings.Join(actions, " ") != "webhook.rotate_secret webhook.enable webhook.disable webhook.add" {
				t.Errorf("audited %v", actions)
			}
		})
	}
}
