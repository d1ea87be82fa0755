package web

import (
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/alexedwards/scs/v2"

	"github.com/motcua/motcua/internal/apperr"
)

// Sessions loads the session before next and saves it after. The cookie
// is marked Secure when the request came over https (IsHTTPS): that side
// uses a copy of the manager, which shares its context key, so handlers
// read and write through sm either way.
func Sessions(sm *scs.SessionManager, next http.Handler) http.Handler {
	secure := *sm
	secure.Cookie.Secure = true
	plain, tls := sm.LoadAndSave(next), secure.LoadAndSave(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if IsHTTPS(r) {
			tls.ServeHTTP(w, r)
			return
		}
		plain.ServeHTTP(w, r)
	})
}

// CrossOrigin returns the protection of the state-changing forms against
// requests from other sites; a refused request gets the 403 page with the
// message of key.
func (rd *Renderer) CrossOrigin(key string) *http.CrossOriginProtection {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(WithLang(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rd.Error(w, r, http.StatusForbidden, rd.T(LangOf(r), key))
	})))
	return cop
}

// Fail answers the error page for err: a domain error's status with its
// message in the user's language; anything else is logged (as what) and
// gets the generic 500 page, which tells nothing of the cause.
func (rd *Renderer) Fail(w http.ResponseWriter, r *http.Request, err error, what string) {
	if e, ok := apperr.As(err); ok && e.Kind != apperr.Internal {
		rd.Error(w, r, e.Kind.Status(), e.Message(LangOf(r)))
		return
	}
	rd.log.ErrorContext(r.Context(), what, "route", r.Pattern, "err", err)
	rd.Error(w, r, http.StatusInternalServerError, "")
}

// Recover is deferred by page handlers: a panic becomes the 500 page and a
// log line with the stack (http.ErrAbortHandler goes on up).
func (rd *Renderer) Recover(w http.ResponseWriter, r *http.Request, what string) {
	p := recover()
	if p == nil {
		return
	}
	if p == http.ErrAbortHandler {
		panic(p)
	}
	rd.log.ErrorContext(r.Context(), what, "route", r.Pattern, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
	rd.Error(w, r, http.StatusInternalServerError, "")
}

// PublicURL is the absolute address of path on the public site: under
// base when the deployment sets one, else under the request's own scheme
// and host.
func PublicURL(base string, r *http.Request, path string) string {
	base = strings.TrimSuffix(base, "/")
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	return base + path
}

// ServePDF answers a PDF document, shown in the browser, never cached (it
// holds personal data).
func ServePDF(w http.ResponseWriter, filename string, pdf []byte) {
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": filename}))
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(pdf)
}

// ParseForm reads a URL-encoded form of at most max bytes into r.PostForm
// (and r.Form) and checks its text: a body that does not parse is
// form_invalid, a name or value with a NUL byte or invalid UTF-8 is
// apperr.BadText naming it; both are 400.
func ParseForm(w http.ResponseWriter, r *http.Request, max int64) error {
	r.Body = http.MaxBytesReader(w, r.Body, max)
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "form_invalid", "Biểu mẫu gửi lên không hợp lệ.", "The form sent is invalid.")
	}
	return CheckValues(r.PostForm)
}

// CheckValues refuses names and values that are not valid UTF-8 or hold a
// NUL byte (apperr.BadText naming the first, in name order).
func CheckValues(vals url.Values) error {
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := apperr.CheckText(k, k); err != nil {
			return err
		}
		for _, v := range vals[k] {
			if err := apperr.CheckText(k, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// CheckRequest refuses, before next sees it, a request whose path or query
// (names and values, decoded) holds a NUL byte or invalid UTF-8: fail
// answers apperr.BadText naming "path" or the query parameter, in the
// caller's format and language. Checking once here spares every handler
// and both stores (PostgreSQL refuses such text, SQLite keeps it broken).
func CheckRequest(next http.Handler, fail func(w http.ResponseWriter, r *http.Request, err error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := checkURL(r.URL); err != nil {
			fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func checkURL(u *url.URL) error {
	if err := apperr.CheckText("path", u.Path); err != nil {
		return err
	}
	if u.RawQuery == "" {
		return nil
	}
	q, _ := url.ParseQuery(u.RawQuery) // malformed pairs are dropped, as r.URL.Query does
	return CheckValues(q)
}
