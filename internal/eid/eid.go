// Package eid logs citizens in with the national e-ID (VNeID) or any
// OpenID Connect provider a city uses: the authorization code flow with
// PKCE (S256), state and nonce, through coreos/go-oidc and x/oauth2, the
// same code against the real provider, the demo's sandbox and the test
// provider. It proves who the person is (Identity); opening or linking the
// account, and the session, are the auth package's.
//
// The flow's secrets (state, nonce, PKCE verifier) travel in one
// short-lived HttpOnly cookie, so no server state is kept between the two
// legs: the state binds the callback to the browser that started it, the
// nonce binds the ID token to it, the verifier binds the code to it.
package eid

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/motcua/motcua/internal/apperr"
)

// Claims names the claims that carry the identity, each tried in order:
// the national e-ID's names first, the standard ones after.
type Claims struct {
	IDNumber  []string
	FullName  []string
	BirthDate []string
	Assurance []string
	// Username, when set, makes this a staff provider: the claims that
	// carry the staff username; no ID number is required then.
	Username []string
}

// DefaultClaims are VNeID's claim names, then the standard claims.
var DefaultClaims = Claims{
	IDNumber:  []string{"SoDinhDanh"},
	FullName:  []string{"HoVaTen", "name"},
	BirthDate: []string{"NgayThangNamSinh", "birthdate"},
	Assurance: []string{"loAs", "acr"},
}

// Config is one provider's relying-party configuration.
type Config struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	// RedirectURL is the absolute address of the callback route.
	RedirectURL string
	// Scopes beyond openid.
	Scopes []string
	Claims Claims
	// Secure marks the flow cookie Secure (an https base URL).
	Secure bool
	// HTTPClient reaches the provider; nil means a client with a timeout.
	HTTPClient *http.Client
	Now        func() time.Time
}

// Identity is what a login proved.
type Identity struct {
	Issuer    string
	Subject   string
	IDNumber  string // 12 digits
	FullName  string
	BirthDate string // as the provider wrote it
	Assurance string // the level of assurance claimed
	Username  string // staff providers: the username claimed
	// EndSession is the provider's end-session endpoint, "" if it has none.
	EndSession string
	// IDToken is the raw token, for the end-session request's hint.
	IDToken string
}

// RP is a relying party of one provider. The provider's discovery document
// is read at the first login (and again after a failure), so that a
// provider briefly down does not stop motcua from starting.
type RP struct {
	cfg    Config
	cookie string

	mu       sync.Mutex
	provider *oidc.Provider
	endSess  string
}

// New checks the configuration and returns the relying party. cookie names
// the flow cookie (one per provider: citizens, staff).
func New(cfg Config, cookie string) (*RP, error) {
	if cfg.Issuer == "" || cfg.ClientID == "" || cfg.RedirectURL == "" {
		return nil, errors.New("eid: the issuer, the client id and the redirect URL are required")
	}
	if len(cfg.Claims.IDNumber) == 0 {
		cfg.Claims.IDNumber = DefaultClaims.IDNumber
	}
	if len(cfg.Claims.FullName) == 0 {
		cfg.Claims.FullName = DefaultClaims.FullName
	}
	if len(cfg.Claims.BirthDate) == 0 {
		cfg.Claims.BirthDate = DefaultClaims.BirthDate
	}
	if len(cfg.Claims.Assurance) == 0 {
		cfg.Claims.Assurance = DefaultClaims.Assurance
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &RP{cfg: cfg, cookie: cookie}, nil
}

func unavailable(err error) error {
	e := apperr.New(apperr.Unavailable, "eid_unavailable",
		"Không kết nối được với hệ thống định danh điện tử. Vui lòng thử lại sau hoặc đăng nhập bằng mật khẩu.",
		"The e-ID service cannot be reached. Try again later, or log in with a password.")
	e.Err = err
	return e
}

func (rp *RP) discover(ctx context.Context) (*oidc.Provider, error) {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	if rp.provider != nil {
		return rp.provider, nil
	}
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, rp.cfg.HTTPClient), rp.cfg.Issuer)
	if err != nil {
		return nil, unavailable(fmt.Errorf("discovering %s: %w", rp.cfg.Issuer, err))
	}
	var extra struct {
		EndSession string `json:"end_session_endpoint"`
	}
	_ = p.Claims(&extra) // optional
	rp.provider, rp.endSess = p, extra.EndSession
	return p, nil
}

func (rp *RP) oauth(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: rp.cfg.ClientID, ClientSecret: rp.cfg.ClientSecret, Endpoint: p.Endpoint(),
		RedirectURL: rp.cfg.RedirectURL, Scopes: append([]string{oidc.ScopeOpenID}, rp.cfg.Scopes...)}
}

// flow is what the cookie carries between the two legs.
type flow struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Back     string `json:"b,omitempty"` // where to go after the login
}

func random() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// Start answers the address of the provider's login page and sets the
// flow cookie; back is the local path to return to.
func (rp *RP) Start(w http.ResponseWriter, r *http.Request, back string) (string, error) {
	p, err := rp.discover(r.Context())
	if err != nil {
		return "", err
	}
	f := flow{State: random(), Nonce: random(), Verifier: oauth2.GenerateVerifier(), Back: back}
	raw, err := json.Marshal(f)
	if err != nil {
		return "", err
	}
	http.SetCookie(w, &http.Cookie{Name: rp.cookie, Value: base64.RawURLEncoding.EncodeToString(raw), Path: "/",
		MaxAge: 600, HttpOnly: true, Secure: rp.cfg.Secure, SameSite: http.SameSiteLaxMode})
	return rp.oauth(p).AuthCodeURL(f.State, oidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier)), nil
}

func refused(code, vi, en string) *apperr.Error { return apperr.New(apperr.Invalid, code, vi, en) }

var twelveDigits = regexp.MustCompile(`^[0-9]{12}$`)

// Callback ends the flow: it checks the state against the cookie, trades
// the code (with the PKCE verifier) for tokens, verifies the ID token
// (signature, issuer, audience, expiry) and its nonce, and reads the
// identity. It clears the flow cookie whatever happens, and answers the
// local path to return to.
func (rp *RP) Callback(w http.ResponseWriter, r *http.Request) (*Identity, string, error) {
	http.SetCookie(w, &http.Cookie{Name: rp.cookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: rp.cfg.Secure, SameSite: http.SameSiteLaxMode})
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		if e == "access_denied" {
			return nil, "", refused("eid_cancelled", "Bạn đã hủy đăng nhập bằng định danh điện tử.", "You cancelled the e-ID login.")
		}
		return nil, "", refused("eid_error", "Hệ thống định danh điện tử từ chối đăng nhập. Vui lòng thử lại.", "The e-ID service refused the login. Try again.")
	}
	c, err := r.Cookie(rp.cookie)
	var f flow
	if err == nil {
		raw, derr := base64.RawURLEncoding.DecodeString(c.Value)
		if derr == nil {
			err = json.Unmarshal(raw, &f)
		} else {
			err = derr
		}
	}
	stale := refused("eid_state", "Phiên đăng nhập bằng định danh điện tử đã hết hạn hoặc không hợp lệ. Vui lòng bắt đầu lại.",
		"The e-ID login session expired or is not valid. Please start again.")
	if err != nil || f.State == "" || subtle.ConstantTimeCompare([]byte(f.State), []byte(q.Get("state"))) != 1 {
		return nil, "", stale
	}
	code := q.Get("code")
	if code == "" {
		return nil, "", stale
	}
	ctx := oidc.ClientContext(r.Context(), rp.cfg.HTTPClient)
	p, err := rp.discover(ctx)
	if err != nil {
		return nil, "", err
	}
	tok, err := rp.oauth(p).Exchange(ctx, code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			// The provider refused the code: expired, used, or not ours.
			e := refused("eid_code", "Mã đăng nhập không còn hiệu lực. Vui lòng đăng nhập lại.", "The login code is no longer valid. Please log in again.")
			e.Err = err
			return nil, "", e
		}
		return nil, "", unavailable(err)
	}
	rawID, _ := tok.Extra("id_token").(string)
	bad := func(err error) error {
		e := refused("eid_token", "Thông tin đăng nhập từ hệ thống định danh điện tử không hợp lệ.", "The e-ID login answer is not valid.")
		e.Err = err
		return e
	}
	if rawID == "" {
		return nil, "", bad(errors.New("no id_token"))
	}
	idt, err := p.Verifier(&oidc.Config{ClientID: rp.cfg.ClientID, Now: rp.cfg.Now}).Verify(ctx, rawID)
	if err != nil {
		return nil, "", bad(err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(f.Nonce)) != 1 {
		return nil, "", bad(errors.New("nonce mismatch"))
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return nil, "", bad(err)
	}
	id := &Identity{Issuer: idt.Issuer, Subject: idt.Subject, IDToken: rawID,
		IDNumber: first(claims, rp.cfg.Claims.IDNumber), FullName: first(claims, rp.cfg.Claims.FullName),
		BirthDate: first(claims, rp.cfg.Claims.BirthDate), Assurance: first(claims, rp.cfg.Claims.Assurance)}
	rp.mu.Lock()
	id.EndSession = rp.endSess
	rp.mu.Unlock()
	if len(rp.cfg.Claims.Username) > 0 {
		// A staff login: who they are in motcua is the username claim.
		if id.Username = first(claims, rp.cfg.Claims.Username); id.Username == "" {
			return nil, "", refused("sso_claims", "Hệ thống đăng nhập một lần không cho biết tên đăng nhập của cán bộ.",
				"The single sign-on service did not give the officer's username.")
		}
		return id, f.Back, nil
	}
	if !twelveDigits.MatchString(id.IDNumber) || strings.TrimSpace(id.FullName) == "" {
		return nil, "", refused("eid_claims", "Hệ thống định danh điện tử không cho biết số định danh cá nhân (12 chữ số) và họ tên.",
			"The e-ID service did not give the 12-digit personal ID number and the full name.")
	}
	return id, f.Back, nil
}

// first is the first of the named claims present, as text.
func first(claims map[string]any, names []string) string {
	for _, n := range names {
		switch v := claims[n].(type) {
		case string:
			if strings.TrimSpace(v) != "" {
				return strings.TrimSpace(v)
			}
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		case []any:
			if len(v) > 0 {
				return fmt.Sprint(v[0])
			}
		}
	}
	return ""
}

// LogoutURL is the provider's end-session address for the identity, with
// where to come back, or "" when the provider publishes none.
func (rp *RP) LogoutURL(idToken, back string) string {
	rp.mu.Lock()
	end := rp.endSess
	rp.mu.Unlock()
	u, err := url.Parse(end)
	if end == "" || err != nil {
		return ""
	}
	q := u.Query()
	if idToken != "" {
		q.Set("id_token_hint", idToken)
	}
	q.Set("client_id", rp.cfg.ClientID)
	if back != "" {
		q.Set("post_logout_redirect_uri", back)
	}
	u.RawQuery = q.Encode()
	return u.String()
}
