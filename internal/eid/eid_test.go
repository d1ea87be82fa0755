package eid

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/motcua/motcua/internal/apperr"
)

// testOP is a minimal OpenID provider for the relying party's own tests:
// discovery, JWKS and a token endpoint that checks PKCE and signs the ID
// token the test asks for. (The sandbox provider and the oidc-provider
// browser test exercise the whole protocol.)
type testOP struct {
	srv       *httptest.Server
	key       *rsa.PrivateKey
	challenge string         // the code_challenge of the login started
	claims    map[string]any // extra claims of the next ID token
	iss, aud  string         // override issuer / audience ("" = the right ones)
	nonce     string         // the nonce to put in the token ("" = the one asked)
	codeOK    bool
}

func newTestOP(t *testing.T) *testOP {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	op := &testOP{key: key, codeOK: true}
	mux := http.NewServeMux()
	op.srv = httptest.NewServer(mux)
	t.Cleanup(op.srv.Close)
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"issuer": op.srv.URL, "authorization_endpoint": op.srv.URL + "/authorize",
			"token_endpoint": op.srv.URL + "/token", "jwks_uri": op.srv.URL + "/jwks", "end_session_endpoint": op.srv.URL + "/logout",
			"id_token_signing_alg_values_supported": []string{"RS256"}})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		sum := sha256.Sum256([]byte(r.PostFormValue("code_verifier")))
		if !op.codeOK || r.PostFormValue("code") != "the-code" || base64.RawURLEncoding.EncodeToString(sum[:]) != op.challenge {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"error":"invalid_grant"}`))
			return
		}
		sig, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithHeader("kid", "k1").WithType("JWT"))
		iss, aud := op.srv.URL, "motcua"
		if op.iss != "" {
			iss = op.iss
		}
		if op.aud != "" {
			aud = op.aud
		}
		now := time.Now()
		std := jwt.Claims{Issuer: iss, Subject: "sub-1", Audience: jwt.Audience{aud}, IssuedAt: jwt.NewNumericDate(now), Expiry: jwt.NewNumericDate(now.Add(5 * time.Minute))}
		extra := map[string]any{"nonce": op.nonce}
		for k, v := range op.claims {
			extra[k] = v
		}
		raw, _ := jwt.Signed(sig).Claims(std).Claims(extra).Serialize()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": raw})
	})
	return op
}

// login runs both legs: Start, then the provider's redirect back with the
// code and the state (or the state given).
func (op *testOP) login(t *testing.T, rp *RP, state string) (*Identity, error) {
	t.Helper()
	w := httptest.NewRecorder()
	to, err := rp.Start(w, httptest.NewRequest("GET", "/dang-nhap/vneid", nil), "/thu-tuc")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(to)
	q := u.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" {
		t.Fatalf("the authorization request lacks PKCE, nonce or state: %s", to)
	}
	op.challenge = q.Get("code_challenge")
	if op.nonce == "" {
		op.nonce = q.Get("nonce")
	}
	if state == "" {
		state = q.Get("state")
	}
	cb := httptest.NewRequest("GET", "/dang-nhap/vneid/callback?code=the-code&state="+url.QueryEscape(state), nil)
	for _, c := range w.Result().Cookies() {
		cb.AddCookie(c)
	}
	id, back, err := rp.Callback(httptest.NewRecorder(), cb)
	if err == nil && back != "/thu-tuc" {
		t.Errorf("back to %q", back)
	}
	return id, err
}

func vneidClaims() map[string]any {
	return map[string]any{"SoDinhDanh": "001090001234", "HoVaTen": "Nguyễn Văn An", "NgayThangNamSinh": "15/03/1990", "loAs": "2"}
}

func TestLogin(t *testing.T) {
	code := func(err error) string {
		if e, ok := apperr.As(err); ok {
			return e.Code
		}
		return ""
	}
	for _, c := range []struct {
		name  string
		setup func(op *testOP)
		state string
		want  string // error code, "" for success
	}{
		{"VNeID claims", func(op *testOP) { op.claims = vneidClaims() }, "", ""},
		{"standard claims", func(op *testOP) {
			op.claims = map[string]any{"SoDinhDanh": "001090001234", "name": "Nguyễn Văn An", "birthdate": "1990-03-15", "acr": "loa2"}
		}, "", ""},
		{"tampered state", func(op *testOP) { op.claims = vneidClaims() }, "not-the-state", "eid_state"},
		{"nonce of another login", func(op *testOP) { op.claims = vneidClaims(); op.nonce = "other" }, "", "eid_token"},
		{"token for another client", func(op *testOP) { op.claims = vneidClaims(); op.aud = "someone-else" }, "", "eid_token"},
		{"token from another issuer", func(op *testOP) { op.claims = vneidClaims(); op.iss = "https://evil.example" }, "", "eid_token"},
		{"expired code", func(op *testOP) { op.claims = vneidClaims(); op.codeOK = false }, "", "eid_code"},
		{"no ID number", func(op *testOP) { op.claims = map[string]any{"HoVaTen": "Nguyễn Văn An"} }, "", "eid_claims"},
	} {
		t.Run(c.name, func(t *testing.T) {
			op := newTestOP(t)
			c.setup(op)
			rp, err := New(Config{Issuer: op.srv.URL, ClientID: "motcua", ClientSecret: "s", RedirectURL: "http://motcua.test/dang-nhap/vneid/callback"}, "motcua_eid")
			if err != nil {
				t.Fatal(err)
			}
			id, err := op.login(t, rp, c.state)
			if got := code(err); got != c.want || (c.want != "" && err == nil) {
				t.Fatalf("got %v (%q), want %q", err, got, c.want)
			}
			if c.want != "" {
				if id != nil {
					t.Fatal("an identity with an error")
				}
				return
			}
			if id.IDNumber != "001090001234" || id.FullName != "Nguyễn Văn An" || id.Subject != "sub-1" || id.Assurance == "" || id.BirthDate == "" {
				t.Fatalf("identity %+v", id)
			}
			out, err := url.Parse(rp.LogoutURL(id.IDToken, "http://motcua.test/"))
			if id.EndSession != op.srv.URL+"/logout" || err != nil || out.Query().Get("id_token_hint") != id.IDToken ||
				out.Query().Get("post_logout_redirect_uri") != "http://motcua.test/" || out.Query().Get("client_id") != "motcua" {
				t.Errorf("end session %q, logout %v", id.EndSession, out)
			}
		})
	}
}

func TestNoCookieAndProviderDown(t *testing.T) {
	op := newTestOP(t)
	rp, _ := New(Config{Issuer: op.srv.URL, ClientID: "motcua", RedirectURL: "http://motcua.test/cb"}, "motcua_eid")
	_, _, err := rp.Callback(httptest.NewRecorder(), httptest.NewRequest("GET", "/cb?code=x&state=y", nil))
	if e, ok := apperr.As(err); !ok || e.Code != "eid_state" {
		t.Fatalf("callback without the flow cookie: %v", err)
	}
	op.srv.Close()
	down, _ := New(Config{Issuer: op.srv.URL, ClientID: "motcua", RedirectURL: "http://motcua.test/cb"}, "motcua_eid")
	_, err = down.Start(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil), "/")
	if e, ok := apperr.As(err); !ok || e.Kind != apperr.Unavailable || e.Kind.Status() != 503 {
		t.Fatalf("provider down: %v", err)
	}
}

// TestStaffLogin: a staff provider's identity is its username claim; no ID
// number is needed, and a token without the claim is refused.
func TestStaffLogin(t *testing.T) {
	for _, c := range []struct {
		claims map[string]any
		want   string
	}{{map[string]any{"preferred_username": "ht.leader"}, ""}, {map[string]any{"name": "Cán bộ"}, "sso_claims"}} {
		op := newTestOP(t)
		op.claims = c.claims
		rp, _ := New(Config{Issuer: op.srv.URL, ClientID: "motcua", RedirectURL: "http://motcua.test/cb",
			Claims: Claims{Username: []string{"preferred_username"}}}, "motcua_sso")
		id, err := op.login(t, rp, "")
		if c.want == "" {
			if err != nil || id.Username != "ht.leader" {
				t.Fatalf("staff login: %+v %v", id, err)
			}
			continue
		}
		if e, ok := apperr.As(err); !ok || e.Code != c.want {
			t.Fatalf("got %v, want %s", err, c.want)
		}
	}
}
