package portal_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/config"
	"github.com/motcua/motcua/internal/sandbox/eidprovider"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestEIDLogin logs citizens in through an OpenID provider speaking the
// protocol (the sandbox one, on its own server), on both engines: a person
// without an account gets a verified one, with no password; the verified
// citizen A finds their own account; the ID number of self-declared
// citizen B gets a verified account and B's is suspended; a tampered state
// is refused with a clear page; logout ends the session at the provider
// too. The login page shows the e-ID button only when configured.
func TestEIDLogin(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			op := httptest.NewUnstartedServer(nil)
			t.Cleanup(op.Close)
			issuer := "http://" + op.Listener.Addr().String() + "/sandbox/vneid"
			env := apptest.StartConfig(t, e, app.Options{}, func(c *config.Config) {
				c.OIDC = config.OIDC{Issuer: issuer, ClientID: "motcua", ClientSecret: "bi-mat"}
			})
			p, err := eidprovider.New(issuer, []eidprovider.Citizen{
				{Sub: "s-new", IDNumber: "001199012345", FullName: "Lê Thị Cúc", BirthDate: "02/09/1999"},
				{Sub: "s-a", IDNumber: apptest.CitizenA, FullName: "Nguyễn Văn An", BirthDate: "15/03/1990"},
				{Sub: "s-b", IDNumber: apptest.CitizenB, FullName: "Trần Thị Bình", BirthDate: "01/01/1995"},
			}, eidprovider.WithClient(eidprovider.Client{ID: "motcua", Secret: "bi-mat",
				RedirectURIs: []string{env.URL + "/dang-nhap/vneid/callback"}, PostLogoutRedirectURIs: []string{env.URL + "/"}}))
			if err != nil {
				t.Fatal(err)
			}
			op.Config.Handler = p
			op.Start()

			// login goes through the provider's own page as sub; tamper
			// changes the state the provider sends back.
			login := func(c *http.Client, sub string, tamper bool) answer {
				t.Helper()
				start := fetch(t, c, "GET", env.URL+"/dang-nhap/vneid?next=/ho-so", nil)
				if start.status != http.StatusSeeOther || !strings.HasPrefix(start.location, issuer+"/authorize?") {
					t.Fatalf("start: %d to %q", start.status, start.location)
				}
				page := fetch(t, c, "GET", start.location, nil)
				if page.status != 200 || !strings.Contains(page.body, "THỬ NGHIỆM") {
					t.Fatalf("the provider's page: %d, sandbox label missing", page.status)
				}
				au, _ := url.Parse(start.location)
				form := au.Query()
				form.Set("sub", sub)
				back := fetch(t, c, "POST", issuer+"/authorize", form)
				cb, err := url.Parse(back.location)
				if err != nil || !strings.HasPrefix(back.location, env.URL+"/dang-nhap/vneid/callback?") {
					t.Fatalf("the provider's answer: %d to %q", back.status, back.location)
				}
				if tamper {
					q := cb.Query()
					q.Set("state", "changed")
					cb.RawQuery = q.Encode()
				}
				return fetch(t, c, "GET", cb.String(), nil)
			}

			// The login page offers the e-ID.
			if a := fetch(t, jarClient(), "GET", env.URL+"/dang-nhap", nil); !strings.Contains(a.body, `id="eid-login"`) {
				t.Fatal("the login page has no e-ID button though a provider is configured")
			}

			// A person without an account: a verified one is opened.
			c := jarClient()
			if a := login(c, "s-new", false); a.status != http.StatusSeeOther || a.location != "/ho-so" {
				t.Fatalf("first e-ID login: %d to %q\n%s", a.status, a.location, a.body)
			}
			acct, err := env.DB.AccountByUsername(t.Context(), "001199012345")
			if err != nil || !acct.IsVerified() || acct.VerifiedHow != "national_eid" || acct.FullName != "Lê Thị Cúc" || acct.PasswordHash != "" {
				t.Fatalf("the account opened: %+v (%v)", acct, err)
			}
			if a := fetch(t, c, "GET", env.URL+"/ho-so", nil); a.status != 200 || !strings.Contains(a.body, "Lê Thị Cúc") {
				t.Fatalf("the citizen's page after the e-ID login: %d", a.status)
			}
			// Without a password, the password login answers 401, not 500.
			if a := fetch(t, jarClient(), "POST", env.URL+"/dang-nhap", url.Values{"username": {"001199012345"}, "password": {"bat-ky"}}); a.status != http.StatusUnauthorized && a.status != http.StatusForbidden {
				t.Fatalf("password login of an e-ID account: %d", a.status)
			}
			// Logout ends the session at the provider too.
			// (A page that goes on, not a redirect: the pages'
			// form-action 'self' stops a form's redirect elsewhere.)
			if a := fetch(t, c, "POST", env.URL+"/dang-xuat", url.Values{}); a.status != http.StatusOK ||
				!strings.Contains(a.body, `<meta http-equiv="refresh" content="0; url=`+issuer+`/logout?`) ||
				!strings.Contains(a.body, `id="provider-logout" href="`+issuer+`/logout?`) || !strings.Contains(a.body, "Đang đăng xuất khỏi VNeID") {
				t.Fatalf("logout: %d\n%s", a.status, a.body)
			}
			if p := fetch(t, c, "GET", env.URL+"/ho-so", nil); p.status == http.StatusOK {
				t.Fatal("the session outlived the logout")
			}

			// Citizen A, verified at the desk: their own account.
			before, _ := env.DB.AccountByUsername(t.Context(), apptest.CitizenA)
			if a := login(jarClient(), "s-a", false); a.status != http.StatusSeeOther {
				t.Fatalf("A's e-ID login: %d\n%s", a.status, a.body)
			}
			if after, _ := env.DB.AccountByUsername(t.Context(), apptest.CitizenA); after == nil || after.ID != before.ID {
				t.Fatal("A got another account")
			}

			// Citizen B's ID number, held by a self-declared account: the
			// e-ID holder gets a verified account, B's is suspended.
			oldB, _ := env.DB.AccountByUsername(t.Context(), apptest.CitizenB)
			if a := login(jarClient(), "s-b", false); a.status != http.StatusSeeOther {
				t.Fatalf("B's e-ID login: %d\n%s", a.status, a.body)
			}
			newB, err := env.DB.AccountByUsername(t.Context(), apptest.CitizenB)
			if err != nil || newB.ID == oldB.ID || !newB.IsVerified() {
				t.Fatalf("B's verified account: %+v (%v)", newB, err)
			}

			// A tampered state: refused, with a clear page, no session.
			t2 := jarClient()
			if a := login(t2, "s-new", true); a.status != http.StatusBadRequest || !strings.Contains(a.body, "Phiên đăng nhập bằng định danh điện tử đã hết hạn hoặc không hợp lệ") {
				t.Fatalf("tampered state: %d\n%s", a.status, a.body)
			}
			if a := fetch(t, t2, "GET", env.URL+"/ho-so", nil); a.status == 200 {
				t.Fatal("a tampered login opened a session")
			}
		})
	}
}

// TestNoEIDWithoutProvider: without a provider the routes are 404.
func TestNoEIDWithoutProvider(t *testing.T) {
	env := apptest.Start(t, storetest.Engines[0], app.Options{})
	res, err := http.Get(env.URL + "/dang-nhap/vneid")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("e-ID start without a provider: %d", res.StatusCode)
	}
}
