package app_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/config"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestDemoSandboxEID: with --demo and no provider configured, motcua serves
// its sandbox e-ID provider under /sandbox/vneid, labelled as such, and the
// login page's e-ID button goes through it: the demo's new person ends up
// logged in with a verified account. Without --demo there is no sandbox.
func TestDemoSandboxEID(t *testing.T) {
	env := apptest.StartConfig(t, storetest.Engines[0], app.Options{}, func(c *config.Config) { c.Demo = true })
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(u string) (*http.Response, string) {
		t.Helper()
		res, err := c.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	if res, body := get(env.URL + "/sandbox/vneid/.well-known/openid-configuration"); res.StatusCode != 200 || !strings.Contains(body, `"issuer":"`+env.URL+`/sandbox/vneid"`) {
		t.Fatalf("discovery: %d %s", res.StatusCode, body)
	}
	if _, body := get(env.URL + "/dang-nhap"); !strings.Contains(body, `id="eid-login"`) {
		t.Fatal("no e-ID button on the demo's login page")
	}
	res, _ := get(env.URL + "/dang-nhap/vneid?next=/ho-so")
	authorize := res.Header.Get("Location")
	res, page := get(authorize)
	if res.StatusCode != 200 || !strings.Contains(page, "THỬ NGHIỆM") || !strings.Contains(page, "Lê Thị Cúc") {
		t.Fatalf("the sandbox's page: %d", res.StatusCode)
	}
	au, _ := url.Parse(authorize)
	form := au.Query()
	form.Set("sub", "demo-new")
	res, err := c.PostForm(env.URL+"/sandbox/vneid/authorize", form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	res, _ = get(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/ho-so" {
		t.Fatalf("callback: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if a, err := env.DB.AccountByUsername(t.Context(), "001199012345"); err != nil || !a.IsVerified() {
		t.Fatalf("the demo person's account: %+v (%v)", a, err)
	}

	plain := apptest.Start(t, storetest.Engines[0], app.Options{})
	res, err = http.Get(plain.URL + "/sandbox/vneid/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("a sandbox without --demo: %d", res.StatusCode)
	}
}
