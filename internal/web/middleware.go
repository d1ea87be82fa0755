package web

import (
	"fmt"
	"mime"
	"net/http"
	"runtime/debug"
	"strings"

	"github.com/alexedwards/scs/v2"

	"github.com/motcua/motcua/internal/apperr"
)

// Sessions loads the session before next and saves it after. The cookie
// is marked Secure when the request came over TLS: that side uses a copy of
// the manager, which shares its context key, so handlers read and write
// through sm either way.
func Sessions(sm *scs.SessionManager, next http.Handler) http.Handler {
	secure := *sm
	secure.Cookie.Secure = true
	plain, tls := sm.LoadAndSave(next), secure.LoadAndSave(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS != nil {
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
