// Package eidprovider is a SANDBOX OpenID Connect provider that imitates the
// national e-ID (VNeID) login, so that a newcomer running motcua with --demo
// can "log in with VNeID" offline, with fictitious citizens.
//
// It is not VNeID and must never be reachable in production: motcua mounts
// it under /sandbox/vneid/ only when started with --demo. Every page it shows
// says so in Vietnamese and English.
//
// It speaks the real protocol (OpenID Connect Core, discovery, RFC 6749
// authorization code grant, RFC 7636 PKCE with S256 only), so the production
// relying-party code (coreos/go-oidc + golang.org/x/oauth2) runs against it
// unchanged: the only thing that differs between the sandbox and VNeID is the
// issuer URL and the client credentials in the configuration.
//
// Decisions the public descriptions leave open, taken here for the sandbox:
//   - `loAs` is the string "2" (identity level 2, Decree 69/2024/NĐ-CP) and
//     `acr` repeats it, so a relying party can check one standard claim.
//   - `NgayThangNamSinh` keeps the dd/mm/yyyy form VNeID sends; `birthdate`
//     is the OIDC yyyy-mm-dd form of the same date.
//   - The provider keeps no login session: every authorization request shows
//     the citizen chooser, so /logout only has to send the browser back.
//   - Codes live 60 s, access and ID tokens 5 min; a reused code is refused
//     and the access token it produced is revoked (RFC 6749 §4.1.2).
package eidprovider

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/motcua/motcua/internal/apperr"
)

// Lifetimes of what the provider issues.
const (
	CodeTTL  = 60 * time.Second
	TokenTTL = 5 * time.Minute
)

// LevelOfAssurance is the identity level every sandbox login reports
// (level 2: the level citizens need for public services).
const LevelOfAssurance = "2"

// Citizen is one fictitious person a sandbox user may log in as.
type Citizen struct {
	Sub       string // stable subject identifier
	IDNumber  string // SoDinhDanh, 12 digits
	FullName  string // HoVaTen
	BirthDate string // NgayThangNamSinh, dd/mm/yyyy
	Phone     string
	Email     string
}

// Client is a relying party registered with the provider.
type Client struct {
	ID                     string
	Secret                 string
	RedirectURIs           []string // exact-match redirect_uri values
	PostLogoutRedirectURIs []string // exact-match post_logout_redirect_uri values
}

// Option configures a Provider.
type Option func(*Provider)

// WithKey makes the provider sign with key instead of a key generated at
// start (so tokens survive a restart, or tests skip the key generation).
func WithKey(key *rsa.PrivateKey) Option { return func(p *Provider) { p.key = key } }

// WithClock replaces time.Now, so tests can expire codes and tokens.
func WithClock(now func() time.Time) Option { return func(p *Provider) { p.now = now } }

// WithClient registers a relying party.
func WithClient(c Client) Option { return func(p *Provider) { p.clients[c.ID] = c } }

type authCode struct {
	clientID, redirectURI, nonce, challenge, sub string
	expires                                      time.Time
	used                                         bool
	accessToken                                  string // set once redeemed, revoked on reuse
}

type accessToken struct {
	sub     string
	expires time.Time
}

// Provider is the sandbox OpenID provider; it is an http.Handler that
// expects the full request path (mount it at the issuer's path without
// stripping the prefix).
type Provider struct {
	issuer   string
	prefix   string
	key      *rsa.PrivateKey
	kid      string
	signer   jose.Signer
	now      func() time.Time
	clients  map[string]Client
	citizens []Citizen
	bySub    map[string]Citizen

	mu     sync.Mutex
	codes  map[string]*authCode
	tokens map[string]accessToken
}

func invalid(code, vi, en string) error { return apperr.New(apperr.Invalid, code, vi, en) }

// New builds a provider for issuer (an absolute http(s) URL whose path is
// where the handler is mounted) with the given citizens; clients are
// registered with WithClient.
func New(issuer string, citizens []Citizen, opts ...Option) (*Provider, error) {
	issuer = strings.TrimRight(issuer, "/")
	u, err := url.Parse(issuer)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, invalid("eid_issuer", "Địa chỉ issuer không hợp lệ: cần URL http(s) tuyệt đối, không có query.",
			"Invalid issuer: an absolute http(s) URL without query is required.")
	}
	p := &Provider{
		issuer:  issuer,
		prefix:  u.Path,
		now:     time.Now,
		clients: map[string]Client{},
		bySub:   map[string]Citizen{},
		codes:   map[string]*authCode{},
		tokens:  map[string]accessToken{},
	}
	for _, o := range opts {
		o(p)
	}
	if len(citizens) == 0 {
		return nil, invalid("eid_no_citizens", "Cần ít nhất một công dân thử nghiệm.", "At least one demo citizen is required.")
	}
	for _, c := range citizens {
		if c.Sub == "" || c.FullName == "" {
			return nil, invalid("eid_citizen", "Công dân thử nghiệm thiếu sub hoặc họ tên.", "A demo citizen lacks sub or full name.")
		}
		if _, dup := p.bySub[c.Sub]; dup {
			return nil, invalid("eid_citizen_dup", "Trùng sub giữa các công dân thử nghiệm.", "Two demo citizens share a sub.")
		}
		if !isIDNumber(c.IDNumber) {
			return nil, invalid("eid_idnumber", "Số định danh cá nhân phải gồm đúng 12 chữ số.", "The personal ID number must be exactly 12 digits.")
		}
		if _, err := time.Parse("02/01/2006", c.BirthDate); err != nil {
			return nil, invalid("eid_birthdate", "Ngày sinh phải có dạng dd/mm/yyyy.", "Birth date must be dd/mm/yyyy.")
		}
		p.bySub[c.Sub] = c
		p.citizens = append(p.citizens, c)
	}
	for _, c := range p.clients {
		if c.ID == "" || c.Secret == "" || len(c.RedirectURIs) == 0 {
			return nil, invalid("eid_client", "Ứng dụng đăng ký thiếu client_id, secret hoặc redirect URI.",
				"A registered client lacks client_id, secret or redirect URI.")
		}
		for _, r := range append(append([]string{}, c.RedirectURIs...), c.PostLogoutRedirectURIs...) {
			if ru, err := url.Parse(r); err != nil || !ru.IsAbs() || ru.Fragment != "" {
				return nil, invalid("eid_redirect", "Redirect URI phải là URL tuyệt đối, không có fragment.",
					"Redirect URIs must be absolute URLs without fragment.")
			}
		}
	}
	if p.key == nil {
		if p.key, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			return nil, err
		}
	}
	pub := jose.JSONWebKey{Key: &p.key.PublicKey}
	tp, err := pub.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, err
	}
	p.kid = base64.RawURLEncoding.EncodeToString(tp)
	p.signer, err = jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: p.key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader(jose.HeaderKey("kid"), p.kid))
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Issuer returns the issuer URL, as the discovery document states it.
func (p *Provider) Issuer() string { return p.issuer }

// ServeHTTP routes the provider's endpoints below the issuer path.
func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path, ok := strings.CutPrefix(r.URL.Path, p.prefix)
	if !ok {
		http.NotFound(w, r)
		return
	}
	switch path {
	case "/.well-known/openid-configuration":
		p.discovery(w, r)
	case "/jwks":
		p.jwks(w, r)
	case "/authorize":
		p.authorize(w, r)
	case "/token":
		p.token(w, r)
	case "/userinfo":
		p.userinfo(w, r)
	case "/logout":
		p.logout(w, r)
	default:
		http.NotFound(w, r)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// oauthError answers an RFC 6749 §5.2 JSON error.
func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

func (p *Provider) discovery(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                p.issuer,
		"authorization_endpoint":                p.issuer + "/authorize",
		"token_endpoint":                        p.issuer + "/token",
		"userinfo_endpoint":                     p.issuer + "/userinfo",
		"jwks_uri":                              p.issuer + "/jwks",
		"end_session_endpoint":                  p.issuer + "/logout",
		"response_types_supported":              []string{"code"},
		"grant_types_supported":                 []string{"authorization_code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"code_challenge_methods_supported":      []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		"scopes_supported":                      []string{"openid", "profile", "email", "phone"},
		"claims_supported": []string{"iss", "sub", "aud", "exp", "iat", "nonce", "acr",
			"name", "birthdate", "email", "phone_number",
			"SoDinhDanh", "HoVaTen", "NgayThangNamSinh", "loAs"},
	})
}

func (p *Provider) jwks(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	writeJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{
		Key: &p.key.PublicKey, KeyID: p.kid, Algorithm: string(jose.RS256), Use: "sig",
	}}})
}

// claims are the person's claims, shared by the ID token and userinfo.
func claims(c Citizen) map[string]any {
	b, _ := time.Parse("02/01/2006", c.BirthDate) // checked in New
	m := map[string]any{
		"sub":              c.Sub,
		"SoDinhDanh":       c.IDNumber,
		"HoVaTen":          c.FullName,
		"NgayThangNamSinh": c.BirthDate,
		"loAs":             LevelOfAssurance,
		"acr":              LevelOfAssurance,
		"name":             c.FullName,
		"birthdate":        b.Format("2006-01-02"),
	}
	if c.Email != "" {
		m["email"] = c.Email
	}
	if c.Phone != "" {
		m["phone_number"] = c.Phone
	}
	return m
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24)
	return base64.RawURLEncoding.EncodeToString(b)
}

// token is the RFC 6749 §4.1.3 token endpoint.
func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		oauthError(w, http.StatusMethodNotAllowed, "invalid_request", "POST required")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "malformed form body")
		return
	}
	f := r.PostForm
	id, secret, basic := r.BasicAuth()
	if basic {
		// RFC 6749 §2.3.1: credentials are form-urlencoded inside Basic.
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
		if f.Get("client_secret") != "" {
			oauthError(w, http.StatusBadRequest, "invalid_request", "use one client authentication method")
			return
		}
	} else {
		id, secret = f.Get("client_id"), f.Get("client_secret")
	}
	c, ok := p.clients[id]
	if !ok || secret == "" || subtle.ConstantTimeCompare([]byte(secret), []byte(c.Secret)) != 1 {
		if basic {
			w.Header().Set("WWW-Authenticate", `Basic realm="sandbox-vneid"`)
		}
		oauthError(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return
	}
	if gt := f.Get("grant_type"); gt != "authorization_code" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "only authorization_code is supported")
		return
	}
	verifier := f.Get("code_verifier")
	p.mu.Lock()
	defer p.mu.Unlock()
	ac, ok := p.codes[f.Get("code")]
	switch {
	case !ok:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "unknown code")
		return
	case ac.used:
		// A replayed code means it leaked: revoke what it produced.
		delete(p.tokens, ac.accessToken)
		oauthError(w, http.StatusBadRequest, "invalid_grant", "code already used")
		return
	case !p.now().Before(ac.expires):
		delete(p.codes, f.Get("code"))
		oauthError(w, http.StatusBadRequest, "invalid_grant", "code expired")
		return
	case ac.clientID != c.ID:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "code was issued to another client")
		return
	case f.Get("redirect_uri") != ac.redirectURI:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri does not match the authorization request")
		return
	case !validVerifier(verifier):
		oauthError(w, http.StatusBadRequest, "invalid_grant", "code_verifier missing or malformed")
		return
	}
	sum := sha256.Sum256([]byte(verifier))
	if subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(ac.challenge)) != 1 {
		oauthError(w, http.StatusBadRequest, "invalid_grant", "code_verifier does not match code_challenge")
		return
	}
	ac.used = true
	now := p.now()
	cl := claims(p.bySub[ac.sub])
	cl["iss"] = p.issuer
	cl["aud"] = c.ID
	cl["iat"] = jwt.NewNumericDate(now)
	cl["exp"] = jwt.NewNumericDate(now.Add(TokenTTL))
	cl["auth_time"] = jwt.NewNumericDate(now)
	cl["nonce"] = ac.nonce
	idToken, err := jwt.Signed(p.signer).Claims(cl).Serialize()
	if err != nil {
		oauthError(w, http.StatusInternalServerError, "server_error", "cannot sign the ID token")
		return
	}
	at := randomToken()
	ac.accessToken = at
	p.tokens[at] = accessToken{sub: ac.sub, expires: now.Add(TokenTTL)}
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": at,
		"token_type":   "Bearer",
		"expires_in":   int(TokenTTL / time.Second),
		"id_token":     idToken,
		"scope":        "openid",
	})
}

// isIDNumber reports whether s has the form of a personal ID number
// (SoDinhDanh): 12 digits, as the relying party will check the same.
func isIDNumber(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, ch := range s {
		if ch < '0' || ch > '9' {
			return false
		}
	}
	return true
}

// validVerifier checks the RFC 7636 §4.1 form: 43–128 unreserved characters.
func validVerifier(v string) bool {
	if len(v) < 43 || len(v) > 128 {
		return false
	}
	for _, ch := range v {
		if !(ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || strings.ContainsRune("-._~", ch)) {
			return false
		}
	}
	return true
}

// userinfo is the OIDC Core §5.3 endpoint.
func (p *Provider) userinfo(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	p.mu.Lock()
	at, found := p.tokens[tok]
	if found && !p.now().Before(at.expires) {
		delete(p.tokens, tok)
		found = false
	}
	p.mu.Unlock()
	if !ok || !found {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		oauthError(w, http.StatusUnauthorized, "invalid_token", "access token missing, unknown or expired")
		return
	}
	writeJSON(w, http.StatusOK, claims(p.bySub[at.sub]))
}

// logout is the RP-initiated logout endpoint. The provider keeps no
// session, so it only returns the browser to a registered address.
func (p *Provider) logout(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	_ = r.ParseForm()
	target := r.Form.Get("post_logout_redirect_uri")
	if target == "" {
		p.page(w, http.StatusOK, pageData{Message: msgLoggedOut})
		return
	}
	clientID := r.Form.Get("client_id")
	for id, c := range p.clients {
		if clientID != "" && id != clientID {
			continue
		}
		for _, u := range c.PostLogoutRedirectURIs {
			if u == target {
				if s := r.Form.Get("state"); s != "" {
					target = addParams(target, url.Values{"state": {s}})
				}
				http.Redirect(w, r, target, http.StatusFound)
				return
			}
		}
	}
	p.page(w, http.StatusBadRequest, pageData{Message: msgBadLogoutRedirect})
}

func addParams(target string, v url.Values) string {
	u, _ := url.Parse(target) // registered, parsed in New
	q := u.Query()
	for k, vs := range v {
		q[k] = vs
	}
	u.RawQuery = q.Encode()
	return u.String()
}
