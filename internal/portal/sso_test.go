package portal_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/config"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/sandbox/eidprovider"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestStaffSSO: officers log in through the city's single sign-on (an
// OpenID provider, here the sandbox one on its own server, whose ID-number
// claim is configured as the username claim); an officer motcua knows gets
// their session and their units' back office; an unknown one is refused,
// not created; with --staff-password-login off, officers' passwords no
// longer open a session, citizens' still do (both engines).
func TestStaffSSO(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			op := httptest.NewUnstartedServer(nil)
			t.Cleanup(op.Close)
			issuer := "http://" + op.Listener.Addr().String() + "/sso"
			env := apptest.StartConfig(t, e, app.Options{}, func(c *config.Config) {
				c.StaffOIDC = config.OIDC{Issuer: issuer, ClientID: "motcua", ClientSecret: "bi-mat"}
				c.StaffClaim = "SoDinhDanh"
				c.StaffPasswordLogin = "off"
			})
			officer := &account.Account{Kind: account.KindStaff, Username: "079090001111", FullName: "Cán bộ SSO"}
			if err := env.DB.CreateStaff(t.Context(), officer, apptest.HangTrong, org.RoleReceptionist); err != nil {
				t.Fatal(err)
			}
			p, err := eidprovider.New(issuer, []eidprovider.Citizen{
				{Sub: "known", IDNumber: "079090001111", FullName: "Cán bộ SSO", BirthDate: "01/01/1990"},
				{Sub: "unknown", IDNumber: "079090002222", FullName: "Người lạ", BirthDate: "01/01/1990"},
			}, eidprovider.WithClient(eidprovider.Client{ID: "motcua", Secret: "bi-mat", RedirectURIs: []string{env.URL + "/dang-nhap/can-bo/callback"}}))
			if err != nil {
				t.Fatal(err)
			}
			op.Config.Handler = p
			op.Start()
			newClient := func() *http.Client {
				jar, _ := cookiejar.New(nil)
				return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			}
			do := func(c *http.Client, method, u string, form url.Values) (int, string, string) {
				t.Helper()
				var res *http.Response
				var err error
				if form != nil {
					res, err = c.PostForm(u, form)
				} else {
					res, err = c.Get(u)
				}
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				b, _ := io.ReadAll(res.Body)
				return res.StatusCode, res.Header.Get("Location"), string(b)
			}
			sso := func(c *http.Client, sub string) (int, string, string) {
				t.Helper()
				_, start, _ := do(c, "GET", env.URL+"/dang-nhap/can-bo?next=/can-bo/", nil)
				au, err := url.Parse(start)
				if err != nil || !strings.HasPrefix(start, issuer+"/authorize?") {
					t.Fatalf("start: %q", start)
				}
				form := au.Query()
				form.Set("sub", sub)
				_, back, _ := do(c, "POST", issuer+"/authorize", form)
				return do(c, "GET", back, nil)
			}
			if _, _, body := do(newClient(), "GET", env.URL+"/dang-nhap", nil); !strings.Contains(body, `id="sso-login"`) || strings.Contains(body, `id="eid-login"`) {
				t.Fatal("the login page: the staff SSO button missing, or an e-ID button without a provider")
			}
			c := newClient()
			if st, loc, body := sso(c, "known"); st != http.StatusSeeOther || loc != "/can-bo/" {
				t.Fatalf("a known officer: %d to %q\n%s", st, loc, body)
			}
			if st, _, _ := do(c, "GET", env.URL+"/can-bo/", nil); st != 200 {
				t.Fatalf("the back office after SSO: %d", st)
			}
			if st, _, body := sso(newClient(), "unknown"); st != http.StatusForbidden || !strings.Contains(body, "chưa được cấp quyền cán bộ") {
				t.Fatalf("an unknown officer: %d\n%s", st, body)
			}
			if _, err := env.DB.AccountByUsername(t.Context(), "079090002222"); err == nil {
				t.Fatal("the unknown officer was created")
			}
			// Password login is off for officers, not for citizens.
			if st, _, body := do(newClient(), "POST", env.URL+"/dang-nhap", url.Values{"username": {"ht.leader"}, "password": {apptest.Password}}); st != http.StatusForbidden || !strings.Contains(body, "đăng nhập một lần") {
				t.Fatalf("an officer's password login: %d", st)
			}
			if st, _, _ := do(newClient(), "POST", env.URL+"/dang-nhap", url.Values{"username": {apptest.CitizenA}, "password": {apptest.Password}}); st != http.StatusSeeOther {
				t.Fatalf("a citizen's password login: %d", st)
			}
		})
	}
}
