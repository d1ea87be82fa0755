package e2e

import (
	"context"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/config"
)

// The refusals' messages, as the citizen reads them.
const (
	msgState  = "Phiên đăng nhập bằng định danh điện tử đã hết hạn hoặc không hợp lệ"
	msgCode   = "Mã đăng nhập không còn hiệu lực"
	msgToken  = "Thông tin đăng nhập từ hệ thống định danh điện tử không hợp lệ"
	msgClaims = "không cho biết số định danh cá nhân"
)

// TestEIDLoginOIDCProvider logs citizens in with the e-ID against a real,
// certified OpenID provider, npm oidc-provider (testdata/oidc-provider),
// through the provider's own login and consent forms: in headless Chromium
// an account with VNeID's claims and one with standard claims only (its ID
// number in preferred_username, as --oidc-claim-id-number says) each get a
// verified account. Then, over plain HTTP against the same provider:
// logout ends the session at the provider too, and the refusals, each with
// a clear page in Vietnamese and no session: a tampered state, a replayed
// code, an expired code, a code from another issuer, a code issued to
// another client, an ID token from another issuer or for another audience
// (a mix-up: the token endpoint answered by the other issuer, or for the
// other client), a nonce that is not the browser's, and a login without an
// ID number.
//
// The provider (A) sits behind a reverse proxy whose address is its issuer,
// so that the mix-up cases can answer motcua's token request from
// elsewhere; B is a second instance with its own issuer, signing with the
// same key, so that its tokens fail on their issuer, not their signature.
func TestEIDLoginOIDCProvider(t *testing.T) {
	node := nodeForProvider(t)
	keys := signingKeys(t)

	lnA, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	lnB, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	aAddr := "http://" + lnA.Addr().String()
	px := &mixupProxy{}
	proxy := httptest.NewUnstartedServer(px)
	t.Cleanup(proxy.Close)
	issuer := "http://" + proxy.Listener.Addr().String()

	b := newBrowserConfig(t, func(c *config.Config) {
		c.OIDC = config.OIDC{Issuer: issuer, ClientID: "motcua", ClientSecret: "bi-mat-motcua", Scopes: "profile vneid",
			ClaimIDNumber: "SoDinhDanh,preferred_username"}
	},
		// The provider's development pages import a web font; the test
		// needs no network beyond this machine.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"))
	env := b.env
	callback := env.URL + "/dang-nhap/vneid/callback"
	a := startProvider(t, node, lnA, opSettings{Issuer: issuer, Clients: []string{"motcua:bi-mat-motcua", "khac:bi-mat-khac"},
		RedirectURI: []string{callback}, PostLogout: []string{env.URL + "/"}, JWKS: keys})
	other := startProvider(t, node, lnB, opSettings{Clients: []string{"motcua:bi-mat-motcua"}, RedirectURI: []string{callback}, JWKS: keys})
	target, _ := url.Parse(aAddr)
	px.a, px.b = target, mustURL(t, other.Issuer)
	proxy.Start()
	if a.Issuer != issuer {
		t.Fatalf("provider A's issuer %q, want %q", a.Issuer, issuer)
	}

	// The happy path, in the browser, through the provider's own forms.
	browserLogin := func(login, wantName string) {
		t.Helper()
		b.open("/dang-nhap")
		b.contains("#eid-login", "Đăng nhập bằng VNeID")
		if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS("#eid-login"))); err != nil {
			t.Fatalf("browser: the e-ID button: %v", err)
		}
		// oidc-provider's login form: any password goes, the login name
		// picks the test account.
		b.do(chromedp.WaitVisible(chromedp.CSS(`input[name="login"]`)),
			chromedp.SendKeys(chromedp.CSS(`input[name="login"]`), login),
			chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "bat-ky"))
		if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(`button[type="submit"]`))); err != nil {
			t.Fatalf("browser: the provider's login form: %v", err)
		}
		// Its consent form, then back to motcua, logged in.
		b.do(chromedp.WaitReady(chromedp.CSS(`input[name="prompt"][value="consent"]`)))
		b.follow("/ho-so", chromedp.Click(chromedp.CSS(`button[type="submit"]`)))
		b.contains("main", wantName)
		b.contains(".account-nav", wantName)
	}
	checkAccount := func(idNumber, name, birth, level string) {
		t.Helper()
		acct, err := env.DB.AccountByUsername(t.Context(), idNumber)
		if err != nil {
			t.Fatalf("the account of %s: %v", idNumber, err)
		}
		if !acct.IsVerified() || acct.VerifiedHow != account.VerifiedByVNeID || acct.IDNumber != idNumber ||
			acct.FullName != name || acct.PasswordHash != "" || acct.Kind != account.KindCitizen ||
			acct.BirthDate != birth || acct.AssuranceLevel != level {
			t.Errorf("the account opened by the e-ID login: %+v", acct)
		}
	}

	browserLogin("cong-dan-vneid", "Phạm Thị Dung")
	checkAccount("079090001111", "Phạm Thị Dung", "1990-05-12", "2")

	// Logout in the browser ends the provider's session too: motcua's
	// page takes the browser on to the provider's end-session page
	// (a redirect from the logout form would be stopped by the pages'
	// form-action 'self'), whose confirmation sends back to motcua.
	b.do(chromedp.Click(chromedp.CSS(`form[action="/dang-xuat"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`button[name="logout"][value="yes"]`)))
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(`button[name="logout"][value="yes"]`))); err != nil {
		t.Fatalf("browser: the provider's logout confirmation: %v", err)
	}
	b.do(chromedp.WaitVisible(chromedp.CSS("main h1")))
	if got := b.path(); got != "/" || !strings.HasPrefix(eval[string](b, "location.href"), env.URL) {
		t.Fatalf("after logout the browser is at %s", eval[string](b, "location.href"))
	}
	b.open("/dang-nhap")
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS("#eid-login"))); err != nil {
		t.Fatalf("browser: the e-ID button after logout: %v", err)
	}
	// The provider asks who is there again: its session is over.
	b.do(chromedp.WaitVisible(chromedp.CSS(`input[name="login"]`)))
	// Another citizen on a fresh browser: without cookies, neither
	// motcua's session nor the provider's.
	clearCookies := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.ClearBrowserCookies, cdp.Empty{})
		return err
	})
	b.do(clearCookies)
	browserLogin("cong-dan-chuan", "Hoàng Văn Em")
	checkAccount("001085003333", "Hoàng Văn Em", "1985-07-20", "urn:vn:vneid:loa:2")

	// A callback this browser did not start: a clear page, no session.
	b.do(clearCookies)
	b.do(chromedp.Navigate(b.url("/dang-nhap/vneid/callback?state=khong-phai&code=khong-phai")),
		chromedp.WaitVisible(chromedp.CSS("main h1")))
	b.contains("main", msgState)
	b.open("/ho-so")
	if b.path() == "/ho-so" {
		t.Error("the stale callback left a session")
	}

	// The refusals, over HTTP, against the same providers.
	h := &opClient{t: t, motcua: env.URL, callback: callback, logs: env.Logs}

	t.Run("logout at the provider", func(t *testing.T) {
		h := h.on(t)
		c := h.jar()
		cb, _ := h.providerLogin(c, h.start(c), "cong-dan-vneid")
		if r := h.get(c, cb); r.status != http.StatusSeeOther {
			t.Fatalf("login: %d\n%s", r.status, r.body)
		}
		// The provider's session logs in again without its forms.
		cb, prompts := h.providerLogin(c, h.start(c), "cong-dan-vneid")
		if len(prompts) != 0 {
			t.Fatalf("a second login within the provider's session showed %v", prompts)
		}
		if r := h.get(c, cb); r.status != http.StatusSeeOther {
			t.Fatalf("second login: %d\n%s", r.status, r.body)
		}
		// Logout leads to the provider's end-session endpoint (a page
		// of motcua's that goes on there), which accepts motcua's ID
		// token hint and return address, asks for confirmation and
		// sends back to motcua.
		out := h.do(c, "POST", env.URL+"/dang-xuat", url.Values{})
		m := providerLogoutLink.FindStringSubmatch(out.body)
		if out.status != http.StatusOK || m == nil || !strings.HasPrefix(html.UnescapeString(m[1]), issuer+"/session/end?") {
			t.Fatalf("logout: %d\n%s", out.status, out.body)
		}
		out.location = html.UnescapeString(m[1])
		page := h.get(c, out.location)
		action, xsrf := logoutAction.FindStringSubmatch(page.body), logoutXSRF.FindStringSubmatch(page.body)
		if page.status != http.StatusOK || action == nil || xsrf == nil {
			t.Fatalf("the provider's logout page: %d\n%s", page.status, page.body)
		}
		to, _ := mustURL(t, out.location).Parse(action[1])
		done := h.do(c, "POST", to.String(), url.Values{"xsrf": {xsrf[1]}, "logout": {"yes"}})
		if done.status != http.StatusSeeOther || done.location != env.URL+"/" {
			t.Fatalf("the provider's logout: %d to %q\n%s", done.status, done.location, done.body)
		}
		if p := h.get(c, env.URL+"/ho-so"); p.status == http.StatusOK {
			t.Error("the session outlived the logout")
		}
		// The provider's session ended too: its login form again.
		if _, prompts := h.providerLogin(c, h.start(c), "cong-dan-vneid"); len(prompts) == 0 || prompts[0] != "login" {
			t.Errorf("after logout the provider asked %v, want its login form first", prompts)
		}
	})

	t.Run("tampered state", func(t *testing.T) {
		h := h.on(t)
		c := h.jar()
		cb, _ := h.providerLogin(c, h.start(c), "cong-dan-vneid")
		h.refused(c, withParam(t, cb, "state", "doi-state"), refusal{page: msgState})
	})

	t.Run("replayed code", func(t *testing.T) {
		h := h.on(t)
		c := h.jar()
		cb, _ := h.providerLogin(c, h.start(c), "cong-dan-vneid")
		flow := h.flowCookie(c)
		if r := h.get(c, cb); r.status != http.StatusSeeOther || r.location != env.URL+"/ho-so" {
			t.Fatalf("the first use of the code: %d to %q\n%s", r.status, r.location, r.body)
		}
		// The same callback, with the flow cookie it came with: the
		// provider refuses a code used once.
		replay := h.jar()
		replay.Jar.SetCookies(mustURL(t, env.URL), []*http.Cookie{flow})
		h.refused(replay, cb, refusal{page: msgCode, cause: "invalid_grant", op: a, reason: "authorization code already consumed"})
	})

	t.Run("expired code", func(t *testing.T) {
		h := h.on(t)
		c := h.jar()
		// The account "ma-het-han" gets codes that live 1 s.
		cb, _ := h.providerLogin(c, h.start(c), "ma-het-han")
		time.Sleep(2100 * time.Millisecond)
		h.refused(c, cb, refusal{page: msgCode, cause: "invalid_grant", op: a, reason: "authorization code is expired"})
		if _, err := env.DB.AccountByUsername(t.Context(), "079090002222"); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("an expired code opened an account (%v)", err)
		}
	})

	t.Run("code from another issuer", func(t *testing.T) {
		h := h.on(t)
		c := h.jar()
		// The authorization request motcua made, sent to B instead.
		cb, _ := h.providerLogin(c, withHost(t, h.start(c), other.Issuer), "cong-dan-vneid")
		h.refused(c, cb, refusal{page: msgCode, cause: "invalid_grant", op: a, reason: "authorization code not found"})
	})

	t.Run("code issued to another client", func(t *testing.T) {
		h := h.on(t)
		c := h.jar()
		cb, _ := h.providerLogin(c, withParam(t, h.start(c), "client_id", "khac"), "cong-dan-vneid")
		h.refused(c, cb, refusal{page: msgCode, cause: "invalid_grant", op: a, reason: "client mismatch"})
	})

	t.Run("ID token from another issuer", func(t *testing.T) {
		h := h.on(t)
		c := h.jar()
		cb, _ := h.providerLogin(c, withHost(t, h.start(c), other.Issuer), "cong-dan-vneid")
		// A mix-up: B answers the token request motcua sends to A, with
		// an ID token B signed (with the key A publishes too).
		px.mode.Store(mixupIssuer)
		defer px.mode.Store(mixupNone)
		h.refused(c, cb, refusal{page: msgToken, cause: "id token issued by a different provider"})
	})

	t.Run("ID token for another audience", func(t *testing.T) {
		h := h.on(t)
		c := h.jar()
		cb, _ := h.providerLogin(c, withParam(t, h.start(c), "client_id", "khac"), "cong-dan-vneid")
		// A mix-up: A answers motcua's token request as if the other
		// client had sent it, with an ID token for that client.
		px.mode.Store(mixupAudience)
		defer px.mode.Store(mixupNone)
		h.refused(c, cb, refusal{page: msgToken, cause: `expected audience \"motcua\" got [\"khac\"]`})
	})

	t.Run("nonce mismatch", func(t *testing.T) {
		h := h.on(t)
		c := h.jar()
		first := mustURL(t, h.start(c))
		// A second start replaces the flow cookie; its authorization
		// request is sent with the first one's nonce: the ID token comes
		// back with a nonce that is not this browser's.
		second := h.start(c)
		cb, _ := h.providerLogin(c, withParam(t, second, "nonce", first.Query().Get("nonce")), "cong-dan-vneid")
		h.refused(c, cb, refusal{page: msgToken, cause: "nonce mismatch"})
	})

	t.Run("no ID number", func(t *testing.T) {
		h := h.on(t)
		c := h.jar()
		cb, _ := h.providerLogin(c, h.start(c), "thieu-so")
		h.refused(c, cb, refusal{page: msgClaims})
	})

	if t.Failed() {
		t.Logf("provider A's log:\n%s\nprovider B's log:\n%s", a.Stderr, other.Stderr)
	}
}

// The mix-up proxy's modes.
const (
	mixupNone = iota
	// mixupIssuer sends the token request to the other provider.
	mixupIssuer
	// mixupAudience sends it with the other client's credentials.
	mixupAudience
)

// mixupProxy passes everything to provider a, whose issuer is the proxy's
// address, except the token requests in a mix-up mode.
type mixupProxy struct {
	a, b *url.URL
	mode atomic.Int32
}

func (p *mixupProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rp := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		target := p.a
		if pr.In.URL.Path == "/token" && p.mode.Load() == mixupIssuer {
			target = p.b
		}
		pr.SetURL(target)
		// Provider A builds its addresses from the Host asked for: the
		// issuer's.
		if target == p.a {
			pr.Out.Host = pr.In.Host
		}
		if pr.In.URL.Path == "/token" && p.mode.Load() == mixupAudience {
			pr.Out.SetBasicAuth("khac", "bi-mat-khac")
		}
	}}
	rp.ServeHTTP(w, r)
}

// opClient walks the e-ID flow over HTTP, one hop at a time.
type opClient struct {
	t                *testing.T
	motcua, callback string
	logs             *apptest.SafeBuffer // motcua's log
}

// on is the client for the (sub)test t.
func (h opClient) on(t *testing.T) *opClient {
	h.t = t
	return &h
}

// reply is one HTTP answer.
type reply struct {
	status   int
	location string
	body     string
}

// jar is a client that keeps cookies and follows no redirect.
func (h *opClient) jar() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (h *opClient) do(c *http.Client, method, u string, form url.Values) reply {
	h.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		h.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept-Language", "vi")
	res, err := c.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	// Locations are made absolute: the provider answers relative ones.
	loc := res.Header.Get("Location")
	if l, err := res.Request.URL.Parse(loc); loc != "" && err == nil {
		loc = l.String()
	}
	return reply{res.StatusCode, loc, string(b)}
}

func (h *opClient) get(c *http.Client, u string) reply { h.t.Helper(); return h.do(c, "GET", u, nil) }

// start asks motcua to start a login and answers the provider's address
// it sends the browser to.
func (h *opClient) start(c *http.Client) string {
	h.t.Helper()
	r := h.get(c, h.motcua+"/dang-nhap/vneid?next=/ho-so")
	if r.status != http.StatusSeeOther || !strings.Contains(r.location, "/auth?") {
		h.t.Fatalf("starting the e-ID login: %d to %q", r.status, r.location)
	}
	return r.location
}

var (
	formAction = regexp.MustCompile(`<form[^>]*action="([^"]+)"[^>]*method="post"`)
	formPrompt = regexp.MustCompile(`name="prompt" value="([a-z]+)"`)
	// motcua's logout page's link on to the provider.
	providerLogoutLink = regexp.MustCompile(`id="provider-logout" href="([^"]+)"`)
	// The provider's logout confirmation form.
	logoutAction = regexp.MustCompile(`<form id="op.logoutForm" method="post" action="([^"]+)"`)
	logoutXSRF   = regexp.MustCompile(`name="xsrf" value="([^"]+)"`)
)

// providerLogin follows the provider's pages from the authorization
// request u, fills its login form with login (any password) and confirms
// its consent form, up to the redirect to motcua's callback, which it
// answers without following it, with the prompts (forms) it went through.
func (h *opClient) providerLogin(c *http.Client, u, login string) (callback string, prompts []string) {
	h.t.Helper()
	for range 12 {
		r := h.get(c, u)
		if r.status == http.StatusOK {
			action, prompt := formAction.FindStringSubmatch(r.body), formPrompt.FindStringSubmatch(r.body)
			if action == nil || prompt == nil {
				h.t.Fatalf("the provider's page at %s has no login or consent form:\n%s", u, r.body)
			}
			prompts = append(prompts, prompt[1])
			form := url.Values{"prompt": {prompt[1]}}
			if prompt[1] == "login" {
				form.Set("login", login)
				form.Set("password", "bat-ky")
			}
			to, _ := mustURL(h.t, u).Parse(action[1])
			r = h.do(c, "POST", to.String(), form)
		}
		if r.status != http.StatusSeeOther && r.status != http.StatusFound {
			h.t.Fatalf("the provider at %s: %d\n%s", u, r.status, r.body)
		}
		if strings.HasPrefix(r.location, h.callback+"?") {
			return r.location, prompts
		}
		u = r.location
	}
	h.t.Fatalf("the provider did not send back to motcua's callback")
	return "", nil
}

// flowCookie is motcua's e-ID flow cookie the client holds.
func (h *opClient) flowCookie(c *http.Client) *http.Cookie {
	h.t.Helper()
	for _, k := range c.Jar.Cookies(mustURL(h.t, h.motcua)) {
		if k.Name == "motcua_eid" {
			return k
		}
	}
	h.t.Fatal("no e-ID flow cookie")
	return nil
}

// refusal is how a refused callback must end.
type refusal struct {
	page  string // the page says it
	cause string // motcua's log names it ("" when it logs no cause)
	// The provider that refused the code, if one did, and its reason.
	op     *opProcess
	reason string
}

// refused checks that the callback u is refused with a clear page (a 400
// with the reason in Vietnamese), for the cause wanted (what motcua and
// the provider logged meanwhile), and that the client has no session
// afterwards.
func (h *opClient) refused(c *http.Client, u string, want refusal) {
	h.t.Helper()
	before, opBefore := len(h.logs.String()), 0
	if want.op != nil {
		opBefore = len(want.op.Stderr.String())
	}
	r := h.get(c, u)
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, want.page) || !strings.Contains(r.body, "<h1") {
		h.t.Errorf("callback: %d, want 400 with %q\n%s", r.status, want.page, r.body)
	}
	if logged := h.logs.String()[before:]; !strings.Contains(logged, want.cause) {
		h.t.Errorf("the refusal's cause is not %q; motcua logged:\n%s", want.cause, logged)
	}
	if want.op != nil {
		if said := want.op.Stderr.String()[opBefore:]; !strings.Contains(said, want.reason) {
			h.t.Errorf("the provider did not refuse the code for %q; it said:\n%s", want.reason, said)
		}
	}
	if p := h.get(c, h.motcua+"/ho-so"); p.status == http.StatusOK {
		h.t.Error("a refused login opened a session")
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// withParam is u with its query parameter name set to value.
func withParam(t *testing.T, u, name, value string) string {
	t.Helper()
	p := mustURL(t, u)
	q := p.Query()
	q.Set(name, value)
	p.RawQuery = q.Encode()
	return p.String()
}

// withHost is u at origin's scheme and host.
func withHost(t *testing.T, u, origin string) string {
	t.Helper()
	p, o := mustURL(t, u), mustURL(t, origin)
	p.Scheme, p.Host = o.Scheme, o.Host
	return p.String()
}
