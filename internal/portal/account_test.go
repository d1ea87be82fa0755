package portal_test

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/vn"
)

// checked reports which notification checkboxes the account page ticks.
func checked(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<input type="checkbox" id="notify-[a-z-]+" name="notify" value="([a-z.]+)"( checked)?`).FindAllStringSubmatch(body, -1) {
		if m[2] != "" {
			out = append(out, m[1])
		}
	}
	return out
}

// prefsOf reads the stored choice of an account.
func prefsOf(t *testing.T, env *apptest.Env, id string) ([]string, bool) {
	t.Helper()
	a, err := env.DB.AccountByUsername(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	on, chosen, err := env.DB.NotificationPrefs(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, c := range on {
		out = append(out, c.Field())
	}
	return out, chosen
}

// TestAccountPage: the citizen's account page on both engines. A
// self-declared citizen sees that they are not verified and what to do,
// the default channels (SMS for results: a phone, no e-mail), edits their
// phone and e-mail (a bad phone: a Vietnamese field error, nothing
// changed), chooses channels (SMS without a phone refused, nothing
// changed); once verified at the desk the page says where and by whom,
// and a verified citizen's page says when. Staff have no such page; a
// logged-out visitor is sent to log in; a cross-site post is refused.
func TestAccountPage(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env, _ *clock) {
		ctx := context.Background()
		if p := newBrowser(t, env).get("/tai-khoan"); p.status != http.StatusSeeOther || p.header.Get("Location") != "/dang-nhap?next=/tai-khoan" {
			t.Fatalf("logged out: %d to %q", p.status, p.header.Get("Location"))
		}

		b := loggedIn(t, env, apptest.CitizenB)
		p := b.get("/tai-khoan")
		wantPage(t, "B's account page", p, 200,
			[]string{"Tài khoản của tôi", "Trần Thị Bình", vn.MaskID(apptest.CitizenB), "Chưa xác thực — tự khai", "mang thẻ căn cước đến Bộ phận một cửa",
				`href="/tai-khoan"`, `value="0987654321"`},
			[]string{apptest.CitizenB})
		checkHTML(t, "/tai-khoan", p, "vi")
		if got := checked(p.body); !reflect.DeepEqual(got, []string{"result.sms"}) {
			t.Fatalf("default channels ticked: %v, want result.sms", got)
		}
		if p := b.get("/ho-so"); !strings.Contains(p.body, `<a href="/tai-khoan">`) {
			t.Fatal("/ho-so does not link to the account page")
		}

		// A bad phone number: a Vietnamese field error, nothing changed.
		p = b.post("/tai-khoan", url.Values{"form": {"contact"}, "phone": {"0123"}, "email": {"binh@example.vn"}})
		wantPage(t, "bad phone", p, http.StatusBadRequest, []string{vn.Message("phone_invalid", "vi"), `href="#phone"`, `value="0123"`}, nil)
		if a, _ := env.DB.AccountByUsername(ctx, apptest.CitizenB); a.Phone != "0987654321" || a.Email != "" {
			t.Fatalf("a refused change was stored: %q %q", a.Phone, a.Email)
		}
		// In English too.
		p = b.post("/tai-khoan?lang=en", url.Values{"form": {"contact"}, "phone": {"0987654321"}, "email": {"binh@"}})
		wantPage(t, "bad e-mail in English", p, http.StatusBadRequest, []string{vn.Message("email_invalid", "en"), "My account"}, nil)
		b.get("/tai-khoan?lang=vi") // the choice of language is remembered

		// A good change: normalised, saved, audited.
		p = b.post("/tai-khoan", url.Values{"form": {"contact"}, "phone": {"+84 912 000 111"}, "email": {" binh@example.vn "}})
		wantRedirect(t, "contact saved", p, http.StatusSeeOther, "/tai-khoan?da-luu=contact")
		bAcct, _ := env.DB.AccountByUsername(ctx, apptest.CitizenB)
		if bAcct.Phone != "0912000111" || bAcct.Email != "binh@example.vn" {
			t.Fatalf("contact stored: %q %q", bAcct.Phone, bAcct.Email)
		}
		if log, err := env.DB.AuditLog(ctx, store.AuditFilter{Action: "account.contact"}); err != nil || len(log) != 1 || log[0].ActorID != bAcct.ID {
			t.Fatalf("audit of the change: %+v %v", log, err)
		}
		p = b.get("/tai-khoan?da-luu=contact")
		wantPage(t, "after saving", p, 200, []string{"Đã lưu thay đổi."}, nil)
		if got := checked(p.body); !reflect.DeepEqual(got, []string{"progress.email", "result.email", "result.sms"}) {
			t.Fatalf("default channels with an e-mail: %v", got)
		}

		// Channels chosen.
		p = b.post("/tai-khoan", url.Values{"form": {"notifications"}, "notify": {"progress.zalo", "result.email"}})
		wantRedirect(t, "channels saved", p, http.StatusSeeOther, "/tai-khoan?da-luu=notifications")
		if on, chosen := prefsOf(t, env, apptest.CitizenB); !chosen || !reflect.DeepEqual(on, []string{"progress.zalo", "result.email"}) {
			t.Fatalf("channels stored: %v %v", on, chosen)
		}
		// Removing the phone Zalo goes to: refused, nothing changed.
		p = b.post("/tai-khoan", url.Values{"form": {"contact"}, "phone": {""}, "email": {"binh@example.vn"}})
		wantPage(t, "phone removed under Zalo", p, http.StatusBadRequest, []string{"vui lòng nhập số điện thoại hoặc bỏ chọn kênh này", `href="#notify-progress-zalo"`}, nil)
		if a, _ := env.DB.AccountByUsername(ctx, apptest.CitizenB); a.Phone != "0912000111" {
			t.Fatalf("phone removed: %q", a.Phone)
		}
		// Zalo off, then the phone removed; SMS then refused.
		wantRedirect(t, "e-mail only", b.post("/tai-khoan", url.Values{"form": {"notifications"}, "notify": {"result.email"}}), http.StatusSeeOther, "/tai-khoan?da-luu=notifications")
		wantRedirect(t, "phone removed", b.post("/tai-khoan", url.Values{"form": {"contact"}, "phone": {""}, "email": {"binh@example.vn"}}), http.StatusSeeOther, "/tai-khoan?da-luu=contact")
		p = b.post("/tai-khoan", url.Values{"form": {"notifications"}, "notify": {"result.sms", "result.email"}})
		wantPage(t, "SMS without a phone", p, http.StatusBadRequest,
			[]string{"Để nhận thông báo qua SMS hoặc Zalo, vui lòng nhập số điện thoại hoặc bỏ chọn kênh này.", `id="notify-result-sms-error"`, "(cần số điện thoại)"}, nil)
		checkHTML(t, "/tai-khoan (errors)", p, "vi")
		if on, _ := prefsOf(t, env, apptest.CitizenB); !reflect.DeepEqual(on, []string{"result.email"}) {
			t.Fatalf("a refused choice was stored: %v", on)
		}
		// An unknown form is a 400, not a 500.
		if p := b.post("/tai-khoan", url.Values{"form": {"x"}}); p.status != http.StatusBadRequest {
			t.Fatalf("unknown form: %d", p.status)
		}
		// A post from another site is refused and changes nothing.
		if p, _ := b.do("POST", "/tai-khoan", url.Values{"form": {"contact"}, "phone": {"0912000222"}, "email": {""}},
			map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}); p.status != http.StatusForbidden {
			t.Fatalf("cross-site post: %d", p.status)
		}

		// B verified at the desk by a Hàng Trống receptionist: where, by whom, when.
		officer, _ := env.DB.AccountByUsername(ctx, "ht.receptionist")
		at := time.Date(2026, 12, 6, 2, 15, 0, 0, time.UTC) // 09:15 in Hà Nội
		if _, err := env.DB.VerifyAccount(ctx, bAcct.ID, account.Verification{By: officer.ID, ByName: officer.FullName, How: account.VerifiedAtDesk, At: at}); err != nil {
			t.Fatal(err)
		}
		wantPage(t, "B verified at the desk", b.get("/tai-khoan"), 200,
			[]string{"Đã xác thực tại Bộ phận một cửa Phường Hàng Trống bởi cán bộ " + officer.FullName + " lúc 09:15 06/12/2026", "không sửa được ở đây"},
			[]string{"Chưa xác thực"})

		// A, verified at the desk before officers were recorded.
		a := loggedIn(t, env, apptest.CitizenA)
		wantPage(t, "A's account page", a.get("/tai-khoan"), 200,
			[]string{"Nguyễn Văn An", "Đã xác thực tại Bộ phận một cửa lúc 16:00 02/01/2025"}, []string{"Trần Thị Bình"})

		// Staff have no citizen account page, and no link to one.
		s := newBrowser(t, env)
		if p := s.post("/dang-nhap", login("ht.receptionist")); p.status != http.StatusSeeOther {
			t.Fatalf("staff login: %d", p.status)
		}
		if p := s.get("/tai-khoan"); p.status != http.StatusNotFound {
			t.Fatalf("staff account page: %d", p.status)
		}
		if p := s.post("/tai-khoan", url.Values{"form": {"contact"}, "phone": {"0912000333"}, "email": {""}}); p.status != http.StatusNotFound {
			t.Fatalf("staff account post: %d", p.status)
		}
		if o, _ := env.DB.AccountByUsername(ctx, "ht.receptionist"); o.Phone != "" {
			t.Fatalf("staff phone changed: %q", o.Phone)
		}
		if p := s.get("/ho-so"); strings.Contains(p.body, `href="/tai-khoan"`) {
			t.Fatal("staff pages link to the citizen account page")
		}
		// No phone number or e-mail in the logs.
		if logs := env.Logs.String(); strings.Contains(logs, "0912000111") || strings.Contains(logs, "binh@example.vn") {
			t.Fatal("contact details in the logs")
		}
	})
}
