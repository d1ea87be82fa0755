package eidprovider

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/motcua/motcua/internal/apperr"
)

const (
	clientID     = "motcua"
	clientSecret = "s3cret"
	callback     = "http://rp.example/auth/callback"
	afterLogout  = "http://rp.example/"
)

var (
	keyOnce sync.Once
	testKey *rsa.PrivateKey
)

// sharedKey saves a 2048-bit key generation per test.
func sharedKey(t *testing.T) *rsa.PrivateKey {
	keyOnce.Do(func() {
		var err error
		if testKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return testKey
}

var demoCitizens = []Citizen{
	{Sub: "c1", IDNumber: "001090000001", FullName: "Nguyễn Văn An", BirthDate: "05/03/1990", Phone: "0912000001", Email: "an@example.vn"},
	{Sub: "c2", IDNumber: "079185000002", FullName: "Trần Thị Bình", BirthDate: "21/11/1985"},
}

// clock is an injectable, movable time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type env struct {
	srv    *httptest.Server
	p      *Provider
	clock  *clock
	ctx    context.Context
	op     *oidc.Provider
	cfg    oauth2.Config
	client *http.Client // does not follow redirects
}

func setup(t *testing.T) *env {
	t.Helper()
	var h http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	// go-oidc checks token times against the real clock, so the fake
	// clock starts now and only moves forward within a token's lifetime.
	clk := &clock{t: time.Now()}
	p, err := New(srv.URL+"/sandbox/vneid/", demoCitizens,
		WithKey(sharedKey(t)), WithClock(clk.now),
		WithClient(Client{ID: clientID, Secret: clientSecret, RedirectURIs: []string{callback}, PostLogoutRedirectURIs: []string{afterLogout}}))
	if err != nil {
		t.Fatal(err)
	}
	h = p
	ctx := oidc.ClientContext(context.Background(), srv.Client())
	op, err := oidc.NewProvider(ctx, srv.URL+"/sandbox/vneid")
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	return &env{
		srv: srv, p: p, clock: clk, ctx: ctx, op: op,
		cfg: oauth2.Config{ClientID: clientID, ClientSecret: clientSecret, Endpoint: op.Endpoint(),
			RedirectURL: callback, Scopes: []string{oidc.ScopeOpenID, "profile"}},
		client: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
	}
}

// login drives the browser part: the chooser page, then choosing sub.
// It returns the callback URL the provider redirected to.
func (e *env) login(t *testing.T, authURL, sub string) *url.URL {
	t.Helper()
	res, err := e.client.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("authorize GET: %d %s", res.StatusCode, body)
	}
	u, _ := url.Parse(authURL)
	form := u.Query()
	form.Set("sub", sub)
	res, err = e.client.PostForm(e.srv.URL+"/sandbox/vneid/authorize", form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		t.Fatalf("authorize POST: %d", res.StatusCode)
	}
	loc, err := url.Parse(res.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// code runs a valid authorization request and returns the code.
func (e *env) code(t *testing.T, verifier, nonce string) string {
	t.Helper()
	loc := e.login(t, e.cfg.AuthCodeURL("st", oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), "c1")
	c := loc.Query().Get("code")
	if c == "" {
		t.Fatalf("no code in %s", loc)
	}
	return c
}

func TestFullFlowWithGoOIDC(t *testing.T) {
	for _, style := range []oauth2.AuthStyle{oauth2.AuthStyleInHeader, oauth2.AuthStyleInParams} {
		e := setup(t)
		e.cfg.Endpoint.AuthStyle = style
		verifier, nonce, state := oauth2.GenerateVerifier(), "n-0S6_WzA2Mj", "af0ifjsldkj"
		loc := e.login(t, e.cfg.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), "c1")
		if got := loc.Scheme + "://" + loc.Host + loc.Path; got != callback {
			t.Fatalf("redirected to %s", got)
		}
		if loc.Query().Get("state") != state {
			t.Fatalf("state = %q", loc.Query().Get("state"))
		}
		tok, err := e.cfg.Exchange(e.ctx, loc.Query().Get("code"), oauth2.VerifierOption(verifier))
		if err != nil {
			t.Fatalf("style %v: exchange: %v", style, err)
		}
		if tok.TokenType != "Bearer" || tok.Expiry.IsZero() {
			t.Fatalf("token %+v", tok)
		}
		raw, _ := tok.Extra("id_token").(string)
		idt, err := e.op.Verifier(&oidc.Config{ClientID: clientID}).Verify(e.ctx, raw)
		if err != nil {
			t.Fatalf("verify: %v", err)
		}
		if idt.Nonce != nonce || idt.Subject != "c1" {
			t.Fatalf("nonce %q sub %q", idt.Nonce, idt.Subject)
		}
		var cl map[string]any
		if err := idt.Claims(&cl); err != nil {
			t.Fatal(err)
		}
		want := map[string]any{
			"SoDinhDanh": "001090000001", "HoVaTen": "Nguyễn Văn An", "NgayThangNamSinh": "05/03/1990",
			"loAs": "2", "acr": "2", "name": "Nguyễn Văn An", "birthdate": "1990-03-05", "aud": clientID,
		}
		for k, v := range want {
			if cl[k] != v {
				t.Errorf("id_token %s = %v, want %v", k, cl[k], v)
			}
		}
		for _, k := range []string{"iat", "exp"} {
			if _, ok := cl[k]; !ok {
				t.Errorf("id_token lacks %s", k)
			}
		}
		ui, err := e.op.UserInfo(e.ctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			t.Fatalf("userinfo: %v", err)
		}
		var uc map[string]any
		if err := ui.Claims(&uc); err != nil {
			t.Fatal(err)
		}
		if ui.Subject != "c1" || uc["SoDinhDanh"] != "001090000001" || uc["birthdate"] != "1990-03-05" || uc["loAs"] != "2" {
			t.Fatalf("userinfo %v", uc)
		}
	}
}

func TestDiscoveryDocument(t *testing.T) {
	e := setup(t)
	res, err := http.Get(e.srv.URL + "/sandbox/vneid/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var d map[string]any
	if err := json.NewDecoder(res.Body).Decode(&d); err != nil {
		t.Fatal(err)
	}
	base := e.srv.URL + "/sandbox/vneid"
	for k, v := range map[string]string{"issuer": base, "authorization_endpoint": base + "/authorize",
		"token_endpoint": base + "/token", "jwks_uri": base + "/jwks", "end_session_endpoint": base + "/logout"} {
		if d[k] != v {
			t.Errorf("%s = %v, want %v", k, d[k], v)
		}
	}
	for k, v := range map[string]string{"response_types_supported": "code", "id_token_signing_alg_values_supported": "RS256",
		"code_challenge_methods_supported": "S256", "subject_types_supported": "public", "scopes_supported": "openid",
		"claims_supported": "SoDinhDanh"} {
		if l, _ := d[k].([]any); len(l) == 0 || !contains(l, v) {
			t.Errorf("%s = %v, want it to contain %s", k, d[k], v)
		}
	}
}

func contains(l []any, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// tokenRequest posts to /token and returns the status and the error code.
func (e *env) tokenRequest(t *testing.T, form url.Values, user, pass string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/sandbox/vneid/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if user != "" {
		req.SetBasicAuth(url.QueryEscape(user), url.QueryEscape(pass))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b map[string]any
	_ = json.NewDecoder(res.Body).Decode(&b)
	if res.StatusCode == http.StatusOK {
		return res.StatusCode, ""
	}
	if res.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Errorf("error content type %q", res.Header.Get("Content-Type"))
	}
	s, _ := b["error"].(string)
	return res.StatusCode, s
}

func TestTokenErrors(t *testing.T) {
	verifier := oauth2.GenerateVerifier()
	cases := []struct {
		name       string
		mutate     func(e *env, f url.Values, user, pass *string)
		wantStatus int
		wantErr    string
	}{
		{"valid", func(*env, url.Values, *string, *string) {}, 200, ""},
		{"wrong verifier", func(_ *env, f url.Values, _, _ *string) { f.Set("code_verifier", oauth2.GenerateVerifier()) }, 400, "invalid_grant"},
		{"no verifier", func(_ *env, f url.Values, _, _ *string) { f.Del("code_verifier") }, 400, "invalid_grant"},
		{"short verifier", func(_ *env, f url.Values, _, _ *string) { f.Set("code_verifier", "abc") }, 400, "invalid_grant"},
		{"wrong secret (basic)", func(_ *env, _ url.Values, _, p *string) { *p = "nope" }, 401, "invalid_client"},
		{"wrong secret (post)", func(_ *env, f url.Values, u, _ *string) {
			*u = ""
			f.Set("client_id", clientID)
			f.Set("client_secret", "nope")
		}, 401, "invalid_client"},
		{"unknown client", func(_ *env, _ url.Values, u, _ *string) { *u = "other" }, 401, "invalid_client"},
		{"secret given twice", func(_ *env, f url.Values, _, _ *string) { f.Set("client_secret", clientSecret) }, 400, "invalid_request"},
		{"expired code", func(e *env, _ url.Values, _, _ *string) { e.clock.add(CodeTTL) }, 400, "invalid_grant"},
		{"other redirect_uri", func(_ *env, f url.Values, _, _ *string) { f.Set("redirect_uri", "http://rp.example/other") }, 400, "invalid_grant"},
		{"unknown code", func(_ *env, f url.Values, _, _ *string) { f.Set("code", "forged") }, 400, "invalid_grant"},
		{"wrong grant type", func(_ *env, f url.Values, _, _ *string) { f.Set("grant_type", "password") }, 400, "unsupported_grant_type"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := setup(t)
			f := url.Values{"grant_type": {"authorization_code"}, "code": {e.code(t, verifier, "n")},
				"redirect_uri": {callback}, "code_verifier": {verifier}}
			user, pass := clientID, clientSecret
			tc.mutate(e, f, &user, &pass)
			status, code := e.tokenRequest(t, f, user, pass)
			if status != tc.wantStatus || code != tc.wantErr {
				t.Fatalf("got %d %q, want %d %q", status, code, tc.wantStatus, tc.wantErr)
			}
		})
	}
}

func TestReusedCodeIsRefusedAndRevokesToken(t *testing.T) {
	e := setup(t)
	verifier := oauth2.GenerateVerifier()
	code := e.code(t, verifier, "n")
	tok, err := e.cfg.Exchange(e.ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.cfg.Exchange(e.ctx, code, oauth2.VerifierOption(verifier))
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Fatalf("reuse: %v", err)
	}
	if _, err := e.op.UserInfo(e.ctx, oauth2.StaticTokenSource(tok)); err == nil {
		t.Fatal("the access token of a replayed code still works")
	}
}

func TestUserinfoRejectsBadAndExpiredTokens(t *testing.T) {
	e := setup(t)
	verifier := oauth2.GenerateVerifier()
	tok, err := e.cfg.Exchange(e.ctx, e.code(t, verifier, "n"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, header string
		advance      time.Duration
	}{
		{"none", "", 0},
		{"unknown", "Bearer forged", 0},
		{"expired", "Bearer " + tok.AccessToken, TokenTTL},
	}
	for _, tc := range cases {
		e.clock.add(tc.advance)
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/sandbox/vneid/userinfo", nil)
		if tc.header != "" {
			req.Header.Set("Authorization", tc.header)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized || !strings.Contains(res.Header.Get("WWW-Authenticate"), "invalid_token") {
			t.Errorf("%s: %d %q", tc.name, res.StatusCode, res.Header.Get("WWW-Authenticate"))
		}
	}
}

func TestAuthorizeErrors(t *testing.T) {
	e := setup(t)
	good := func() url.Values {
		u, _ := url.Parse(e.cfg.AuthCodeURL("st", oidc.Nonce("n"), oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
		return u.Query()
	}
	cases := []struct {
		name     string
		mutate   func(url.Values)
		wantPage string // non-empty: a 400 page, no redirect
		wantErr  string // RFC 6749 error in the redirect
	}{
		{"unregistered redirect_uri", func(q url.Values) { q.Set("redirect_uri", "http://evil.example/cb") }, "chưa được đăng ký", ""},
		{"missing redirect_uri", func(q url.Values) { q.Del("redirect_uri") }, "redirect_uri", ""},
		{"unknown client", func(q url.Values) { q.Set("client_id", "other") }, "client_id", ""},
		{"no PKCE", func(q url.Values) { q.Del("code_challenge"); q.Del("code_challenge_method") }, "", "invalid_request"},
		{"plain PKCE", func(q url.Values) { q.Set("code_challenge_method", "plain") }, "", "invalid_request"},
		{"no openid scope", func(q url.Values) { q.Set("scope", "profile") }, "", "invalid_scope"},
		{"token response type", func(q url.Values) { q.Set("response_type", "token") }, "", "unsupported_response_type"},
		{"no nonce", func(q url.Values) { q.Del("nonce") }, "", "invalid_request"},
		{"no state", func(q url.Values) { q.Del("state") }, "", "invalid_request"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q := good()
			tc.mutate(q)
			res, err := e.client.Get(e.srv.URL + "/sandbox/vneid/authorize?" + q.Encode())
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if tc.wantPage != "" {
				if res.StatusCode != http.StatusBadRequest || res.Header.Get("Location") != "" || !strings.Contains(string(body), tc.wantPage) {
					t.Fatalf("got %d location %q body %s", res.StatusCode, res.Header.Get("Location"), body)
				}
				return
			}
			loc, _ := url.Parse(res.Header.Get("Location"))
			if res.StatusCode != http.StatusFound || loc.Query().Get("error") != tc.wantErr || loc.Query().Get("code") != "" {
				t.Fatalf("got %d %s", res.StatusCode, loc)
			}
			if q.Get("state") != "" && loc.Query().Get("state") != q.Get("state") {
				t.Fatalf("state not echoed: %s", loc)
			}
		})
	}
}

func TestAuthorizePOSTUnknownCitizenAndCancel(t *testing.T) {
	e := setup(t)
	u, _ := url.Parse(e.cfg.AuthCodeURL("st", oidc.Nonce("n"), oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
	for _, tc := range []struct{ field, value, wantErr string }{
		{"sub", "nobody", "invalid_request"},
		{"deny", "1", "access_denied"},
	} {
		f := u.Query()
		f.Set(tc.field, tc.value)
		res, err := e.client.PostForm(e.srv.URL+"/sandbox/vneid/authorize", f)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		loc, _ := url.Parse(res.Header.Get("Location"))
		if loc.Query().Get("error") != tc.wantErr || loc.Query().Get("code") != "" {
			t.Errorf("%s=%s: %s", tc.field, tc.value, loc)
		}
	}
}

func TestChooserPageIsLabelledSandbox(t *testing.T) {
	e := setup(t)
	res, err := e.client.Get(e.cfg.AuthCodeURL("st", oidc.Nonce("n"), oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, s := range []string{"MÔI TRƯỜNG THỬ NGHIỆM — không phải VNeID thật", "SANDBOX — not the real VNeID",
		"Nguyễn Văn An", "Trần Thị Bình", `name="code_challenge"`} {
		if !strings.Contains(string(body), s) {
			t.Errorf("page lacks %q", s)
		}
	}
	if res.Header.Get("X-Frame-Options") != "DENY" {
		t.Error("page may be framed")
	}
}

func TestLogout(t *testing.T) {
	e := setup(t)
	cases := []struct {
		query      string
		wantStatus int
		wantLoc    string
	}{
		{"post_logout_redirect_uri=" + url.QueryEscape(afterLogout) + "&state=x&client_id=" + clientID, 302, afterLogout + "?state=x"},
		{"post_logout_redirect_uri=" + url.QueryEscape("http://evil.example/"), 400, ""},
		{"post_logout_redirect_uri=" + url.QueryEscape(afterLogout) + "&client_id=other", 400, ""},
		{"", 200, ""},
	}
	for _, tc := range cases {
		res, err := e.client.Get(e.srv.URL + "/sandbox/vneid/logout?" + tc.query)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tc.wantStatus || res.Header.Get("Location") != tc.wantLoc {
			t.Errorf("%q: %d %q", tc.query, res.StatusCode, res.Header.Get("Location"))
		}
	}
}

func TestNewRejectsBadConfiguration(t *testing.T) {
	ok := Client{ID: "a", Secret: "b", RedirectURIs: []string{callback}}
	cases := []struct {
		name     string
		issuer   string
		citizens []Citizen
		client   Client
		code     string
	}{
		{"relative issuer", "/sandbox/vneid", demoCitizens, ok, "eid_issuer"},
		{"issuer with query", "http://x/?a=1", demoCitizens, ok, "eid_issuer"},
		{"no citizens", "http://x", nil, ok, "eid_no_citizens"},
		{"bad birth date", "http://x", []Citizen{{Sub: "s", FullName: "A", IDNumber: "001090000009", BirthDate: "1990-03-05"}}, ok, "eid_birthdate"},
		{"short ID number", "http://x", []Citizen{{Sub: "s", FullName: "A", IDNumber: "12345678901", BirthDate: "05/03/1990"}}, ok, "eid_idnumber"},
		{"ID number with letters", "http://x", []Citizen{{Sub: "s", FullName: "A", IDNumber: "00109000000A", BirthDate: "05/03/1990"}}, ok, "eid_idnumber"},
		{"duplicate sub", "http://x", []Citizen{demoCitizens[0], demoCitizens[0]}, ok, "eid_citizen_dup"},
		{"client without secret", "http://x", demoCitizens, Client{ID: "a", RedirectURIs: []string{callback}}, "eid_client"},
		{"relative redirect", "http://x", demoCitizens, Client{ID: "a", Secret: "b", RedirectURIs: []string{"/cb"}}, "eid_redirect"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.issuer, tc.citizens, WithKey(sharedKey(t)), WithClient(tc.client))
			e, isApp := apperr.As(err)
			if !isApp || e.Kind != apperr.Invalid || e.Code != tc.code {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
		})
	}
}
