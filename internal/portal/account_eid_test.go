package portal_test

import (
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/config"
	"github.com/motcua/motcua/internal/sandbox/eidprovider"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
	"github.com/motcua/motcua/internal/web"
)

// swappable serves the provider of the moment: the test replaces the
// sandbox provider (same issuer, same key) between logins, as if the
// population record had changed at the e-ID.
type swappable struct {
	h atomic.Pointer[eidprovider.Provider]
}

func (s *swappable) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.h.Load().ServeHTTP(w, r) }

// TestEIDIdentityKept: the e-ID login keeps the date of birth (VNeID's
// dd/mm/yyyy, stored yyyy-mm-dd) and the level of assurance on the
// account, the account page says how and when it was verified; a later
// login with a changed name and date of birth refreshes them, audited.
func TestEIDIdentityKept(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			ctx := t.Context()
			op := httptest.NewUnstartedServer(nil)
			t.Cleanup(op.Close)
			issuer := "http://" + op.Listener.Addr().String() + "/sandbox/vneid"
			env := apptest.StartConfig(t, e, app.Options{}, func(c *config.Config) {
				c.OIDC = config.OIDC{Issuer: issuer, ClientID: "motcua", ClientSecret: "bi-mat"}
			})
			key, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				t.Fatal(err)
			}
			provider := func(name, birth string) *eidprovider.Provider {
				p, err := eidprovider.New(issuer, []eidprovider.Citizen{{Sub: "s-new", IDNumber: "001199012345", FullName: name, BirthDate: birth}},
					eidprovider.WithKey(key), eidprovider.WithClient(eidprovider.Client{ID: "motcua", Secret: "bi-mat",
						RedirectURIs: []string{env.URL + "/dang-nhap/vneid/callback"}, PostLogoutRedirectURIs: []string{env.URL + "/"}}))
				if err != nil {
					t.Fatal(err)
				}
				return p
			}
			sw := &swappable{}
			sw.h.Store(provider("Lê Thị Cúc", "02/09/1999"))
			op.Config.Handler = sw
			op.Start()

			login := func(c *http.Client) {
				t.Helper()
				start := fetch(t, c, "GET", env.URL+"/dang-nhap/vneid?next=/tai-khoan", nil)
				au, err := url.Parse(start.location)
				if err != nil || !strings.HasPrefix(start.location, issuer+"/authorize?") {
					t.Fatalf("start: %d to %q", start.status, start.location)
				}
				form := au.Query()
				form.Set("sub", "s-new")
				back := fetch(t, c, "POST", issuer+"/authorize", form)
				if a := fetch(t, c, "GET", back.location, nil); a.status != http.StatusSeeOther || a.location != "/tai-khoan" {
					t.Fatalf("e-ID login: %d to %q\n%s", a.status, a.location, a.body)
				}
			}

			c := jarClient()
			login(c)
			a, err := env.DB.AccountByUsername(ctx, "001199012345")
			if err != nil || a.BirthDate != "1999-09-02" || a.AssuranceLevel != eidprovider.LevelOfAssurance {
				t.Fatalf("the account opened: %+v (%v)", a, err)
			}
			p := fetch(t, c, "GET", env.URL+"/tai-khoan", nil)
			when := web.DateTime(*a.VerifiedAt)
			for _, want := range []string{"Lê Thị Cúc", "02/09/1999", "Đã xác thực bằng VNeID (mức 2) lúc " + when, "không sửa được ở đây"} {
				if !strings.Contains(p.body, want) {
					t.Errorf("the account page of an e-ID account lacks %q", want)
				}
			}
			if strings.Contains(p.body, `name="full_name"`) || strings.Contains(p.body, `name="birth_date"`) {
				t.Error("the verified identity is editable")
			}

			// The e-ID now says another name and date of birth: refreshed.
			sw.h.Store(provider("Lê Thị Cúc Hoa", "03/09/1999"))
			c2 := jarClient()
			login(c2)
			b, _ := env.DB.AccountByUsername(ctx, "001199012345")
			if b.ID != a.ID || b.FullName != "Lê Thị Cúc Hoa" || b.BirthDate != "1999-09-03" || b.AssuranceLevel != "2" {
				t.Fatalf("after the second login: %+v", b)
			}
			log, err := env.DB.AuditLog(ctx, store.AuditFilter{Action: "account.identity"})
			if err != nil || len(log) != 1 || log[0].ActorName != "e-ID" {
				t.Fatalf("audit of the refresh: %+v %v", log, err)
			}
			if p := fetch(t, c2, "GET", env.URL+"/tai-khoan", nil); !strings.Contains(p.body, "Lê Thị Cúc Hoa") || !strings.Contains(p.body, "03/09/1999") {
				t.Error("the account page does not show the refreshed identity")
			}
			// A third login with nothing changed writes nothing.
			login(jarClient())
			if log, _ := env.DB.AuditLog(ctx, store.AuditFilter{Action: "account.identity"}); len(log) != 1 {
				t.Fatalf("an unchanged identity was audited again: %d records", len(log))
			}
		})
	}
}
