package portal_test

import (
	"net/http"
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
			sso := func(c *http.Client, sub string) answer {
				t.Helper()
				start := fetch(t, c, "GET", env.URL+"/dang-nhap/can-bo?next=/can-bo/", nil).location
				au, err := url.Parse(start)
				if err != nil || !strings.HasPrefix(start, issuer+"/authorize?") {
					t.Fatalf("start: %q", start)
				}
				form := au.Query()
				form.Set("sub", sub)
				back := fetch(t, c, "POST", issuer+"/authorize", form).location
				return fetch(t, c, "GET", back, nil)
			}
			if a := fetch(t, jarClient(), "GET", env.URL+"/dang-nhap", nil); !strings.Contains(a.body, `id="sso-login"`) || strings.Contains(a.body, `id="eid-login"`) {
				t.Fatal("the login page: the staff SSO button missing, or an e-ID button without a provider")
			}
			c := jarClient()
			if a := sso(c, "known"); a.status != http.StatusSeeOther || a.location != "/can-bo/" {
				t.Fatalf("a known officer: %d to %q\n%s", a.status, a.location, a.body)
			}
			if a := fetch(t, c, "GET", env.URL+"/can-bo/", nil); a.status != 200 {
				t.Fatalf("the back office after SSO: %d", a.status)
			}
			if a := sso(jarClient(), "unknown"); a.status != http.StatusForbidden || !strings.Contains(a.body, "chưa được cấp quyền cán bộ") {
				t.Fatalf("an unknown officer: %d\n%s", a.status, a.body)
			}
			if _, err := env.DB.AccountByUsername(t.Context(), "079090002222"); err == nil {
				t.Fatal("the unknown officer was created")
			}
			// Password login is off for officers, not for citizens.
			if a := fetch(t, jarClient(), "POST", env.URL+"/dang-nhap", url.Values{"username": {"ht.leader"}, "password": {apptest.Password}}); a.status != http.StatusForbidden || !strings.Contains(a.body, "đăng nhập một lần") {
				t.Fatalf("an officer's password login: %d", a.status)
			}
			if a := fetch(t, jarClient(), "POST", env.URL+"/dang-nhap", url.Values{"username": {apptest.CitizenA}, "password": {apptest.Password}}); a.status != http.StatusSeeOther {
				t.Fatalf("a citizen's password login: %d", a.status)
			}
		})
	}
}
