package portal_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/config"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestPasswordChange: the current password is checked, the policy
// applies; after the change the account's other sessions are logged out
// and its API tokens revoked, while the session that made it goes on.
func TestPasswordChange(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			this, other := env.Browser(), env.Browser()
			for _, b := range []*apptest.Browser{this, other} {
				if p := b.Do("POST", "/dang-nhap", url.Values{"username": {apptest.CitizenB}, "password": {apptest.Password}}, b.SameSite()); p.Status != http.StatusSeeOther {
					t.Fatalf("login: %d", p.Status)
				}
			}
			token := env.Login(apptest.CitizenB)
			if p := this.Do("GET", "/doi-mat-khau", nil, nil); p.Status != 200 || !strings.Contains(p.Body, "Mật khẩu hiện tại") {
				t.Fatalf("form: %d", p.Status)
			}
			for _, tc := range []struct {
				name, current, next, confirm, want string
			}{
				{"wrong current", "khong-dung-dau", "mat-khau-moi-2025", "mat-khau-moi-2025", "Mật khẩu hiện tại không đúng."},
				{"too short", apptest.Password, "ngan-qua", "ngan-qua", "Mật khẩu phải có từ 10 đến 128 ký tự."},
				{"common", apptest.Password, "qwertyuiop", "qwertyuiop", "Mật khẩu này quá phổ biến"},
				{"contains the ID number", apptest.Password, "x" + apptest.CitizenB, "x" + apptest.CitizenB, "không được chứa tên đăng nhập"},
				{"confirmation differs", apptest.Password, "mat-khau-moi-2025", "mat-khau-khac-2025", "Mật khẩu nhập lại không khớp"},
			} {
				p := this.Do("POST", "/doi-mat-khau", url.Values{"current_password": {tc.current}, "new_password": {tc.next},
					"new_password_confirm": {tc.confirm}}, this.SameSite())
				if p.Status != 400 || !strings.Contains(p.Body, tc.want) {
					t.Fatalf("%s: %d, want 400 with %q", tc.name, p.Status, tc.want)
				}
			}
			if st := token.Do("GET", "/api/v1/me", nil, nil); st != 200 {
				t.Fatalf("a refused change revoked the token: %d", st)
			}
			p := this.Do("POST", "/doi-mat-khau", url.Values{"current_password": {apptest.Password}, "new_password": {"mat-khau-moi-2025"},
				"new_password_confirm": {"mat-khau-moi-2025"}}, this.SameSite())
			if p.Status != http.StatusSeeOther {
				t.Fatalf("change: %d\n%s", p.Status, p.Body)
			}
			if p := this.Do("GET", "/ho-so", nil, nil); p.Status != 200 {
				t.Fatalf("the session that changed the password: %d", p.Status)
			}
			if p := other.Do("GET", "/ho-so", nil, nil); p.Status != http.StatusSeeOther {
				t.Fatalf("another session outlived the change: %d", p.Status)
			}
			if st := token.Do("GET", "/api/v1/me", nil, nil); st != 401 {
				t.Fatalf("an API token outlived the change: %d", st)
			}
			var tok struct{ Token string }
			if st := env.Anon().Do("POST", "/api/v1/auth/token", map[string]string{"username": apptest.CitizenB, "password": "mat-khau-moi-2025"}, &tok); st != 200 {
				t.Fatalf("login with the new password: %d", st)
			}
			// Staff change theirs on the same page (the back office links it).
			staff := env.Browser()
			staff.Do("POST", "/dang-nhap", url.Values{"username": {"ht.specialist"}, "password": {apptest.Password}}, staff.SameSite())
			if p := staff.Do("GET", "/can-bo/", nil, nil); p.Status != 200 || !strings.Contains(p.Body, `href="/doi-mat-khau"`) {
				t.Fatalf("back office links the password page: %d", p.Status)
			}
			if p := staff.Do("POST", "/doi-mat-khau", url.Values{"current_password": {apptest.Password}, "new_password": {"can-bo-moi-2025"},
				"new_password_confirm": {"can-bo-moi-2025"}}, staff.SameSite()); p.Status != http.StatusSeeOther {
				t.Fatalf("staff change: %d", p.Status)
			}
		})
	}
}

// TestSelfRegistrationOff: with --self-registration off the page says why
// and points to VNeID and the desk, and the form and the API refuse.
func TestSelfRegistrationOff(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.StartConfig(t, e, app.Options{}, func(c *config.Config) { c.SelfRegistration = "off" })
			b := env.Browser()
			p := b.Do("GET", "/dang-ky", nil, nil)
			if p.Status != http.StatusForbidden || !strings.Contains(p.Body, "VNeID") || strings.Contains(p.Body, `name="password"`) {
				t.Fatalf("page: %d\n%s", p.Status, p.Body)
			}
			f := url.Values{"id_number": {"001301099999"}, "full_name": {"Lê Thị Cúc"}, "phone": {"0912345678"},
				"password": {"mat-khau-rat-dai"}, "password_confirm": {"mat-khau-rat-dai"}}
			if p := b.Do("POST", "/dang-ky", f, b.SameSite()); p.Status != http.StatusForbidden {
				t.Fatalf("form: %d", p.Status)
			}
			r := env.Anon().Raw("POST", "/api/v1/citizens?lang=en", "application/json",
				strings.NewReader(`{"id_number":"001301099999","full_name":"Lê Thị Cúc","phone":"0912345678","password":"mat-khau-rat-dai"}`), nil)
			if r.Status != 403 || r.DecodeError(t).Error.Code != "self_registration_off" || !strings.Contains(r.DecodeError(t).Error.Message, "VNeID") {
				t.Fatalf("API: %d %s", r.Status, r.Body)
			}
			if st := env.Anon().Do("POST", "/api/v1/auth/token", map[string]string{"username": "001301099999", "password": "mat-khau-rat-dai"}, nil); st != 401 {
				t.Fatalf("an account was opened: %d", st)
			}
		})
	}
}

// TestHTTPSDeployment: with an https public address the session and device
// cookies are Secure and HSTS is sent.
func TestHTTPSDeployment(t *testing.T) {
	env := apptest.StartConfig(t, storetest.Engines[0], app.Options{}, func(c *config.Config) { c.BaseURL = "https://dichvucong.example.vn" })
	b := env.Browser()
	p := b.Do("POST", "/dang-nhap", url.Values{"username": {apptest.CitizenA}, "password": {apptest.Password}}, b.SameSite())
	if p.Status != http.StatusSeeOther {
		t.Fatalf("login: %d", p.Status)
	}
	if !strings.HasPrefix(p.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Errorf("no HSTS: %q", p.Header.Get("Strict-Transport-Security"))
	}
	n := 0
	for _, c := range p.Response.Cookies() {
		n++
		if !c.Secure || !c.HttpOnly {
			t.Errorf("cookie %s: Secure=%v HttpOnly=%v", c.Name, c.Secure, c.HttpOnly)
		}
	}
	if n < 2 {
		t.Errorf("want the session and device cookies, got %d", n)
	}
	plain := apptest.Start(t, storetest.Engines[0], app.Options{})
	if h := plain.Anon().Raw("GET", "/healthz", "", nil, nil).Header.Get("Strict-Transport-Security"); h != "" {
		t.Errorf("HSTS over plain http: %q", h)
	}
}
