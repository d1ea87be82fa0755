package api_test

import (
	"bytes"
	"context"
	"net/http"
	"reflect"
	"testing"

	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/vn"
)

// meBody is the part of GET/PATCH /api/v1/me the tests read.
type meBody struct {
	Kind          string `json:"kind"`
	FullName      string `json:"full_name"`
	Phone         string `json:"phone"`
	Email         string `json:"email"`
	VerifiedHow   string `json:"verified_how"`
	VerifiedAt    string `json:"verified_at"`
	Notifications *struct {
		Chosen bool     `json:"chosen"`
		Wanted []string `json:"wanted"`
	} `json:"notifications"`
}

// patch sends a raw JSON PATCH /api/v1/me.
func patch(c *apptest.Client, body string) apptest.Response {
	return c.Raw("PATCH", "/api/v1/me", "application/json", bytes.NewBufferString(body), nil)
}

// TestMe: GET /api/v1/me shows a citizen's contact details, verification
// and channels (the defaults while never chosen); PATCH /api/v1/me changes
// them with the account page's rule: a bad phone or a channel without its
// contact is a 400 with field errors in the caller's language and changes
// nothing; it acts only on the caller's account; staff get 404.
func TestMe(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env) {
		ctx := context.Background()
		a := env.Login(apptest.CitizenA)
		var me meBody
		if st := a.Do("GET", "/api/v1/me", nil, &me); st != 200 {
			t.Fatalf("GET me: %d", st)
		}
		if me.Kind != "citizen" || me.Phone != "0912345678" || me.VerifiedHow != "desk_id_card" || me.VerifiedAt != "2025-01-02T09:00:00Z" ||
			me.Notifications == nil || me.Notifications.Chosen || !reflect.DeepEqual(me.Notifications.Wanted, []string{"result.sms"}) {
			t.Fatalf("GET me: %+v %+v", me, me.Notifications)
		}

		// A bad phone: 400 with the field, in Vietnamese by default, nothing changed.
		r := patch(a, `{"phone":"0123","email":"an@example.vn"}`)
		e := r.DecodeError(t)
		if r.Status != 400 || len(e.Error.Fields) != 1 || e.Error.Fields[0].Field != "phone" || e.Error.Fields[0].Message != vn.Message("phone_invalid", "vi") {
			t.Fatalf("bad phone: %d %s", r.Status, r.Body)
		}
		// In English when asked.
		a.Lang = "en"
		r = patch(a, `{"email":"an@"}`)
		if e := r.DecodeError(t); r.Status != 400 || e.Error.Fields[0].Message != vn.Message("email_invalid", "en") {
			t.Fatalf("bad e-mail in English: %d %s", r.Status, r.Body)
		}
		a.Lang = ""
		// Unknown fields and channels are refused.
		if r := patch(a, `{"full_name":"Người Khác"}`); r.Status != 400 {
			t.Fatalf("changing the name: %d %s", r.Status, r.Body)
		}
		if r := patch(a, `{"notifications":["result.fax"]}`); r.Status != 400 || r.DecodeError(t).Error.Fields[0].Field != "notifications" {
			t.Fatalf("unknown channel: %d %s", r.Status, r.Body)
		}
		if acct, _ := env.DB.AccountByUsername(ctx, apptest.CitizenA); acct.Phone != "0912345678" || acct.Email != "" || acct.FullName != "Nguyễn Văn An" {
			t.Fatalf("a refused change was stored: %+v", acct)
		}

		// Fields left out stay; the phone is normalised.
		if st := a.Do("PATCH", "/api/v1/me", map[string]any{"email": "an@example.vn"}, &me); st != 200 || me.Email != "an@example.vn" || me.Phone != "0912345678" ||
			!reflect.DeepEqual(me.Notifications.Wanted, []string{"progress.email", "result.email", "result.sms"}) {
			t.Fatalf("PATCH e-mail: %d %+v %+v", st, me, me.Notifications)
		}
		if st := a.Do("PATCH", "/api/v1/me", map[string]any{"phone": "+84 912 000 999", "notifications": []string{"result.zalo"}}, &me); st != 200 ||
			me.Phone != "0912000999" || !me.Notifications.Chosen || !reflect.DeepEqual(me.Notifications.Wanted, []string{"result.zalo"}) {
			t.Fatalf("PATCH phone and channels: %d %+v %+v", st, me, me.Notifications)
		}
		// Removing the phone Zalo goes to, or SMS without a phone: refused.
		r = patch(a, `{"phone":""}`)
		if e := r.DecodeError(t); r.Status != 400 || e.Error.Fields[0].Field != "result.zalo" || e.Error.Fields[0].Code != "channel_needs_phone" {
			t.Fatalf("phone removed under Zalo: %d %s", r.Status, r.Body)
		}
		r = patch(a, `{"phone":"","notifications":["result.sms"]}`)
		if e := r.DecodeError(t); r.Status != 400 || e.Error.Fields[0].Field != "result.sms" {
			t.Fatalf("SMS without a phone: %d %s", r.Status, r.Body)
		}
		if st := a.Do("GET", "/api/v1/me", nil, &me); st != 200 || me.Phone != "0912000999" || !reflect.DeepEqual(me.Notifications.Wanted, []string{"result.zalo"}) {
			t.Fatalf("after the refusals: %+v %+v", me, me.Notifications)
		}

		// B's token changes B's account only.
		b := env.Login(apptest.CitizenB)
		if st := b.Do("PATCH", "/api/v1/me", map[string]any{"email": "binh@example.vn", "notifications": []string{}}, &me); st != 200 || me.FullName != "Trần Thị Bình" || me.Email != "binh@example.vn" {
			t.Fatalf("B's PATCH: %d %+v", st, me)
		}
		acctA, _ := env.DB.AccountByUsername(ctx, apptest.CitizenA)
		if acctA.Email != "an@example.vn" || acctA.Phone != "0912000999" {
			t.Fatalf("B's PATCH touched A: %+v", acctA)
		}
		if on, _, _ := env.DB.NotificationPrefs(ctx, acctA.ID); len(on) != 1 || on[0].Field() != "result.zalo" {
			t.Fatalf("B's PATCH touched A's channels: %v", on)
		}
		log, err := env.DB.AuditLog(ctx, store.AuditFilter{Action: "account.contact"})
		if err != nil || len(log) != 3 {
			t.Fatalf("audit records: %d %v", len(log), err)
		}

		// Staff: GET works as before, PATCH is a 404.
		s := env.Login("ht.receptionist")
		var sm meBody
		if st := s.Do("GET", "/api/v1/me", nil, &sm); st != 200 || sm.Kind != "staff" || sm.Notifications != nil {
			t.Fatalf("staff GET me: %d %+v", st, sm)
		}
		if r := patch(s, `{"phone":"0912000111"}`); r.Status != http.StatusNotFound {
			t.Fatalf("staff PATCH me: %d %s", r.Status, r.Body)
		}
		// Without a token: 401.
		if r := patch(env.Anon(), `{"phone":"0912000111"}`); r.Status != http.StatusUnauthorized {
			t.Fatalf("anonymous PATCH me: %d", r.Status)
		}
		// No personal data in the logs.
		if logs := env.Logs.String(); bytes.Contains([]byte(logs), []byte("0912000999")) || bytes.Contains([]byte(logs), []byte("an@example.vn")) {
			t.Error("contact details in the logs")
		}
	})
}
