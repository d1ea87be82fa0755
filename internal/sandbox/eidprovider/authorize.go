package eidprovider

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// message is a bilingual line: the page shows Vietnamese first, English
// below, as the sandbox is meant for both kinds of newcomer.
type message struct{ VI, EN string }

var (
	msgLoggedOut         = message{"Đã đăng xuất khỏi môi trường thử nghiệm.", "Logged out of the sandbox."}
	msgBadLogoutRedirect = message{"Địa chỉ quay lại sau đăng xuất chưa được đăng ký.", "The post-logout redirect URI is not registered."}
	msgUnknownClient     = message{"Ứng dụng (client_id) chưa được đăng ký.", "The client (client_id) is not registered."}
	msgBadRedirect       = message{"Địa chỉ quay lại (redirect_uri) thiếu hoặc chưa được đăng ký cho ứng dụng này.", "The redirect_uri is missing or not registered for this client."}
)

type pageData struct {
	Message  message
	Citizens []Citizen
	Action   string
	Params   []param
}

type param struct{ Name, Value string }

var pageTmpl = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="vi">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>VNeID thử nghiệm / VNeID sandbox</title>
<style>
body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}
.sandbox{background:#b00020;color:#fff;padding:1rem;font-weight:bold;border-radius:.3rem}
.en{color:#555;font-size:.95em}
button{display:block;width:100%;text-align:left;margin:.5rem 0;padding:.8rem;font-size:1rem;cursor:pointer}
</style></head>
<body>
<p class="sandbox" role="alert">MÔI TRƯỜNG THỬ NGHIỆM — không phải VNeID thật<br><span lang="en">SANDBOX — not the real VNeID</span></p>
{{with .Message.VI}}<p>{{.}}</p><p class="en" lang="en">{{$.Message.EN}}</p>{{end}}
{{if .Citizens}}
<h1>Chọn công dân để đăng nhập</h1>
<p class="en" lang="en">Choose a citizen to log in as</p>
<form method="post" action="{{.Action}}">
{{range .Params}}<input type="hidden" name="{{.Name}}" value="{{.Value}}">
{{end}}{{range .Citizens}}<button type="submit" name="sub" value="{{.Sub}}">{{.FullName}} — {{.IDNumber}} — {{.BirthDate}}</button>
{{end}}<button type="submit" name="deny" value="1">Từ chối / Cancel</button>
</form>
{{end}}
</body></html>
`))

func (p *Provider) page(w http.ResponseWriter, status int, d pageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	// The chooser must not be framed by another site (clickjacking).
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action *; frame-ancestors 'none'")
	w.WriteHeader(status)
	_ = pageTmpl.Execute(w, d)
}

// authParams are the request parameters carried from the chooser page to
// its POST, so the POST re-validates exactly what the GET validated.
var authParams = []string{"client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge", "code_challenge_method"}

// authorize is the OIDC/RFC 6749 §4.1.1 authorization endpoint: GET shows
// the chooser, POST (the chooser's answer) issues the code.
func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "malformed request", http.StatusBadRequest)
		return
	}
	q := r.Form
	// RFC 6749 §4.1.2.1: without a trusted redirect_uri, tell the user, never redirect.
	c, ok := p.clients[q.Get("client_id")]
	if !ok {
		p.page(w, http.StatusBadRequest, pageData{Message: msgUnknownClient})
		return
	}
	redirect := q.Get("redirect_uri")
	if redirect == "" || !slices.Contains(c.RedirectURIs, redirect) {
		p.page(w, http.StatusBadRequest, pageData{Message: msgBadRedirect})
		return
	}
	state := q.Get("state")
	fail := func(code, desc string) {
		v := url.Values{"error": {code}, "error_description": {desc}}
		if state != "" {
			v.Set("state", state)
		}
		http.Redirect(w, r, addParams(redirect, v), http.StatusFound)
	}
	switch {
	case q.Get("response_type") != "code":
		fail("unsupported_response_type", "only response_type=code is supported")
		return
	case !slices.Contains(strings.Fields(q.Get("scope")), "openid"):
		fail("invalid_scope", "scope must include openid")
		return
	case state == "":
		fail("invalid_request", "state is required")
		return
	case q.Get("nonce") == "":
		fail("invalid_request", "nonce is required")
		return
	case q.Get("code_challenge") == "" || q.Get("code_challenge_method") != "S256":
		fail("invalid_request", "PKCE with code_challenge_method=S256 is required")
		return
	case len(q.Get("code_challenge")) != 43: // base64url of a SHA-256, unpadded
		fail("invalid_request", "code_challenge must be a base64url SHA-256")
		return
	}
	if r.Method == http.MethodGet {
		d := pageData{Citizens: p.citizens, Action: p.prefix + "/authorize"}
		for _, n := range authParams {
			d.Params = append(d.Params, param{n, q.Get(n)})
		}
		p.page(w, http.StatusOK, d)
		return
	}
	if q.Get("deny") != "" {
		fail("access_denied", "the user cancelled the login")
		return
	}
	sub := q.Get("sub")
	if _, ok := p.bySub[sub]; !ok {
		fail("invalid_request", "unknown citizen")
		return
	}
	code := randomToken()
	p.mu.Lock()
	p.purgeLocked()
	p.codes[code] = &authCode{
		clientID: c.ID, redirectURI: redirect, nonce: q.Get("nonce"),
		challenge: q.Get("code_challenge"), sub: sub, expires: p.now().Add(CodeTTL),
	}
	p.mu.Unlock()
	http.Redirect(w, r, addParams(redirect, url.Values{"code": {code}, "state": {state}}), http.StatusFound)
}

// purgeLocked drops codes and tokens long expired, so a demo server left
// running does not grow without bound. A used code is kept until its
// expiry plus the token lifetime, so a replay can still revoke its token.
func (p *Provider) purgeLocked() {
	now := p.now()
	for k, c := range p.codes {
		if now.After(c.expires.Add(TokenTTL)) {
			delete(p.codes, k)
		}
	}
	for k, t := range p.tokens {
		if now.After(t.expires) {
			delete(p.tokens, k)
		}
	}
}
