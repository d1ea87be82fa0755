package portal_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/vn"
)

// browser is apptest's page client with the test's own shorthand.
type browser struct {
	t  *testing.T
	ab *apptest.Browser
}

func newBrowser(t *testing.T, env *apptest.Env) *browser {
	return &browser{t: t, ab: env.Browser()}
}

func pageOf(p apptest.Page) page { return page{status: p.Status, header: p.Header, body: p.Body} }

func (b *browser) do(method, path string, form url.Values, header map[string]string) (page, *http.Response) {
	b.t.Helper()
	p := b.ab.Do(method, path, form, header)
	return pageOf(p), p.Response
}

func (b *browser) get(path string) page { p, _ := b.do("GET", path, nil, nil); return p }

func (b *browser) post(path string, form url.Values) page {
	p, _ := b.do("POST", path, form, nil)
	return p
}

// session returns the session cookie the jar holds for the server.
func (b *browser) session() string {
	u, _ := url.Parse(b.ab.Base)
	for _, c := range b.ab.Client.Jar.Cookies(u) {
		if c.Name == auth.SessionCookie {
			return c.Value
		}
	}
	return ""
}

func wantRedirect(t *testing.T, what string, p page, status int, loc string) {
	t.Helper()
	if p.status != status || p.header.Get("Location") != loc {
		t.Fatalf("%s: %d to %q, want %d to %q\n%s", what, p.status, p.header.Get("Location"), status, loc, p.body)
	}
}

func wantPage(t *testing.T, what string, p page, status int, wants, unwanted []string) {
	t.Helper()
	if p.status != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, p.status, status, p.body)
	}
	contains(t, what, p.body, wants, unwanted)
}

func login(id string) url.Values { return url.Values{"username": {id}, "password": {apptest.Password}} }

func registration(id string) url.Values {
	return url.Values{"id_number": {id}, "full_name": {"  Lê   Thị Cúc "}, "phone": {"0901234567"}, "email": {""},
		"password": {"mat-khau-moi-1"}, "password_confirm": {"mat-khau-moi-1"}}
}

func accountExists(t *testing.T, env *apptest.Env, id string) bool {
	_, err := env.DB.AccountByUsername(context.Background(), id)
	return err == nil
}

func TestAccounts(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env, clk *clock) {
		t.Run("register, profile, logout", func(t *testing.T) {
			b := newBrowser(t, env)
			p := b.get("/dang-ky")
			checkHTML(t, "/dang-ky", p, "vi")
			wantPage(t, "register form", p, 200, []string{`<label for="id_number">`, `<label for="password_confirm">`,
				`action="/dang-ky"`, `href="/dang-nhap">Đăng nhập</a>`}, nil)
			p = b.post("/dang-ky", registration("001301012345"))
			wantRedirect(t, "register", p, http.StatusSeeOther, "/ho-so")
			p = b.get("/ho-so")
			checkHTML(t, "/ho-so", p, "vi")
			wantPage(t, "profile", p, 200, []string{"Lê Thị Cúc", "Bạn chưa nộp hồ sơ nào.", `action="/dang-xuat"`, "Đăng xuất"},
				[]string{`href="/dang-ky"`})
			// Logged in, the login page sends the citizen on.
			wantRedirect(t, "login page when logged in", b.get("/dang-nhap"), http.StatusSeeOther, "/ho-so")
			p = b.post("/dang-xuat", url.Values{})
			wantRedirect(t, "logout", p, http.StatusSeeOther, "/")
			wantRedirect(t, "profile after logout", b.get("/ho-so"), http.StatusSeeOther, "/dang-nhap?next=/ho-so")
			wantPage(t, "home after logout", b.get("/"), 200, []string{`href="/dang-nhap"`, `href="/dang-ky"`}, []string{"Lê Thị Cúc"})
		})

		t.Run("login rotates an HttpOnly cookie", func(t *testing.T) {
			b := newBrowser(t, env)
			// Submitting a form with errors does not log in, nor store anything.
			p := b.post("/dang-nhap", url.Values{"username": {""}, "password": {""}})
			wantPage(t, "empty login", p, 400, []string{`<a href="#username">`, `<a href="#password">`,
				`aria-describedby="username-hint username-error"`, `aria-invalid="true"`}, nil)
			// Give the browser a session before logging in, to see it rotate.
			b.ab.Client.Jar.SetCookies(mustURL(b.ab.Base), []*http.Cookie{{Name: auth.SessionCookie, Value: "planted-by-an-attacker"}})
			before := b.session()
			p, resp := b.do("POST", "/dang-nhap?lang=vi", url.Values{"username": {apptest.CitizenA}, "password": {apptest.Password}, "next": {"/tra-cuu"}}, nil)
			wantRedirect(t, "login", p, http.StatusSeeOther, "/tra-cuu")
			var set *http.Cookie
			for _, c := range resp.Cookies() {
				if c.Name == auth.SessionCookie {
					set = c
				}
			}
			if set == nil || !set.HttpOnly || set.SameSite != http.SameSiteLaxMode || set.Secure || set.Path != "/" {
				t.Fatalf("session cookie %+v", set)
			}
			if after := b.session(); after == "" || after == before {
				t.Fatalf("session token not rotated: %q → %q", before, after)
			}
			wantPage(t, "home logged in", b.get("/"), 200, []string{"Nguyễn Văn An", `action="/dang-xuat"`}, []string{`href="/dang-nhap"`})
			// Logging out rotates the token again and forgets the account.
			loggedIn := b.session()
			_, resp = b.do("POST", "/dang-xuat", url.Values{}, nil)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("logout: %d", resp.StatusCode)
			}
			old := newBrowser(t, env)
			old.ab.Client.Jar.SetCookies(mustURL(b.ab.Base), []*http.Cookie{{Name: auth.SessionCookie, Value: loggedIn}})
			wantRedirect(t, "old token after logout", old.get("/ho-so"), http.StatusSeeOther, "/dang-nhap?next=/ho-so")
		})

		t.Run("secure cookie over TLS", func(t *testing.T) {
			srv := httptest.NewTLSServer(env.App.Server.Handler)
			defer srv.Close()
			b := newBrowser(t, env)
			b.ab.Base = srv.URL
			jar := b.ab.Client.Jar
			*b.ab.Client = *srv.Client()
			b.ab.Client.Jar = jar
			b.ab.Client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			_, resp := b.do("POST", "/dang-nhap", login(apptest.CitizenA), nil)
			var set *http.Cookie
			for _, c := range resp.Cookies() {
				if c.Name == auth.SessionCookie {
					set = c
				}
			}
			if resp.StatusCode != http.StatusSeeOther || set == nil || !set.Secure || !set.HttpOnly {
				t.Fatalf("login over TLS: %d, cookie %+v", resp.StatusCode, set)
			}
			wantPage(t, "profile over TLS", b.get("/ho-so"), 200, []string{"Nguyễn Văn An"}, nil)
		})

		t.Run("next must be local", func(t *testing.T) {
			for _, next := range []string{"//evil.example", "https://evil.example/", `/\evil.example`, "evil"} {
				b := newBrowser(t, env)
				f := login(apptest.CitizenB)
				f.Set("next", next)
				wantRedirect(t, "next="+next, b.post("/dang-nhap?next="+url.QueryEscape(next), f), http.StatusSeeOther, "/ho-so")
			}
			b := newBrowser(t, env)
			p := b.get("/dang-nhap?next=" + url.QueryEscape("//evil.example"))
			// No e-ID provider configured here: no e-ID button.
			wantPage(t, "login form", p, 200, []string{`name="next" value="/ho-so"`}, []string{`value="//evil.example"`, `id="eid-login"`})
			checkHTML(t, "/dang-nhap", p, "vi")
		})

		t.Run("wrong password and lockout", func(t *testing.T) {
			b := newBrowser(t, env)
			bad := url.Values{"username": {apptest.CitizenB}, "password": {"sai-mat-khau"}}
			for i := range auth.AccountLimit {
				p := b.post("/dang-nhap", bad)
				wantPage(t, "wrong password", p, http.StatusUnauthorized, []string{"Tên đăng nhập hoặc mật khẩu không đúng.",
					`<a href="#password">`, `value="` + apptest.CitizenB + `"`}, []string{"sai-mat-khau"})
				if i == 0 {
					checkHTML(t, "/dang-nhap (401)", p, "vi")
				}
			}
			// Locked: even the right password is refused until the lock ends.
			p := b.post("/dang-nhap", login(apptest.CitizenB))
			wantPage(t, "locked", p, http.StatusTooManyRequests, []string{"Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau "}, nil)
			p, _ = b.do("POST", "/dang-nhap?lang=en", login(apptest.CitizenB), nil)
			wantPage(t, "locked (en)", p, http.StatusTooManyRequests, []string{"Too many failed attempts. Try again after "}, nil)
			clk.advance(auth.Window + time.Minute)
			wantRedirect(t, "after the lock", b.post("/dang-nhap", login(apptest.CitizenB)), http.StatusSeeOther, "/ho-so")
		})

		t.Run("bad registrations store nothing", func(t *testing.T) {
			for _, tc := range []struct {
				name, field, value, want string
				status                   int
			}{
				{"bad ID", "id_number", "12345", vn.Message(vn.CodeIDLength, "vi"), 400},
				{"letters in ID", "id_number", "00130101234a", vn.Message(vn.CodeIDDigits, "vi"), 400},
				{"short password", "password", "ngan", "Mật khẩu phải có từ 10 đến 128 ký tự.", 400},
				{"common password", "password", "1234567890", "Mật khẩu này quá phổ biến", 400},
				{"mismatched confirmation", "password_confirm", "khac-mat-khau", "Mật khẩu nhập lại không khớp với mật khẩu.", 400},
				{"verified holder", "id_number", apptest.CitizenA, "Số định danh này đã thuộc về một tài khoản đã xác minh.", 409},
				{"duplicate", "id_number", apptest.CitizenB, "Số định danh này đã được dùng để đăng ký.", 409},
			} {
				b := newBrowser(t, env)
				f := registration("001301099999")
				f.Set(tc.field, tc.value)
				if tc.field == "password" {
					f.Set("password_confirm", tc.value)
				}
				id := f.Get("id_number")
				p := b.post("/dang-ky", f)
				errField := tc.field
				wantPage(t, tc.name, p, tc.status, []string{tc.want, `<a href="#` + errField + `">`,
					`id="` + errField + `-error"`, `aria-invalid="true"`, `value="Lê Thị Cúc"`, `value="0901234567"`},
					[]string{"mat-khau-moi-1", "khac-mat-khau"})
				checkHTML(t, tc.name, p, "vi")
				if tc.status == 400 && accountExists(t, env, id) {
					t.Errorf("%s: account %s stored", tc.name, id)
				}
				if b.session() != "" {
					t.Errorf("%s: logged in", tc.name)
				}
			}
			// English labels and messages.
			b := newBrowser(t, env)
			f := registration("12")
			p, _ := b.do("POST", "/dang-ky?lang=en", f, nil)
			wantPage(t, "english", p, 400, []string{"There is a problem", vn.Message(vn.CodeIDLength, "en"), "Personal ID number"}, nil)
			checkHTML(t, "/dang-ky?lang=en", p, "en")
		})

		t.Run("cross-site posts are refused", func(t *testing.T) {
			for _, h := range []map[string]string{{"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}} {
				b := newBrowser(t, env)
				p, _ := b.do("POST", "/dang-nhap", login(apptest.CitizenA), h)
				wantPage(t, "cross-site login", p, http.StatusForbidden, []string{"được gửi từ một trang web khác"}, nil)
				if b.session() != "" {
					t.Errorf("cross-site login %v set a session", h)
				}
				f := registration("001301088888")
				p, _ = b.do("POST", "/dang-ky", f, h)
				wantPage(t, "cross-site register", p, http.StatusForbidden, nil, nil)
				if accountExists(t, env, "001301088888") {
					t.Errorf("cross-site registration %v stored", h)
				}
			}
			// The same origin passes.
			b := newBrowser(t, env)
			p, _ := b.do("POST", "/dang-nhap", login(apptest.CitizenA), map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": env.URL})
			wantRedirect(t, "same-origin login", p, http.StatusSeeOther, "/ho-so")
		})

		t.Run("each citizen sees own dossiers", func(t *testing.T) {
			a := env.Login(apptest.CitizenA)
			ct, body := apptest.SubmitBody(apptest.HangTrong)
			var d apptest.Dossier
			if r := a.Raw("POST", "/api/v1/dossiers", ct, body, nil); r.Status != 201 {
				t.Fatalf("submission: %d %s", r.Status, r.Body)
			} else if err := json.Unmarshal(r.Body, &d); err != nil {
				t.Fatal(err)
			}
			ba := newBrowser(t, env)
			wantRedirect(t, "login A", ba.post("/dang-nhap", login(apptest.CitizenA)), http.StatusSeeOther, "/ho-so")
			today := clk.now().In(store.Zone).Format("02/01/2006")
			wantPage(t, "A's dossiers", ba.get("/ho-so"), 200, []string{`href="/ho-so/` + d.Code + `"`, "Đăng ký kết hôn", today, "Mã hồ sơ"},
				[]string{"Bạn chưa nộp hồ sơ nào."})
			bb := newBrowser(t, env)
			wantRedirect(t, "login B", bb.post("/dang-nhap", login(apptest.CitizenB)), http.StatusSeeOther, "/ho-so")
			wantPage(t, "B's dossiers", bb.get("/ho-so"), 200, []string{"Trần Thị Bình"}, []string{d.Code})
		})

		t.Run("sessions survive another server", func(t *testing.T) {
			srv2 := env.SecondServer()
			b := newBrowser(t, env)
			wantRedirect(t, "login on 1", b.post("/dang-nhap", login(apptest.CitizenA)), http.StatusSeeOther, "/ho-so")
			b.ab.Base = srv2.URL // same host, another port: the jar sends the same cookie
			wantPage(t, "profile on 2", b.get("/ho-so"), 200, []string{"Nguyễn Văn An"}, nil)
			wantRedirect(t, "logout on 2", b.post("/dang-xuat", url.Values{}), http.StatusSeeOther, "/")
			b.ab.Base = env.URL
			wantRedirect(t, "profile on 1", b.get("/ho-so"), http.StatusSeeOther, "/dang-nhap?next=/ho-so")
		})
	})
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}
