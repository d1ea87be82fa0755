package web

import (
	"context"
	"net/http"
	"time"

	"golang.org/x/text/language"
)

// Languages of the user interface.
const (
	VI = "vi" // Vietnamese, the default
	EN = "en"
)

// Langs lists the interface languages, the default first.
var Langs = []string{VI, EN}

// LangCookie remembers the language chosen with ?lang=.
const LangCookie = "lang"

// langCookieAge is how long a language choice is remembered.
const langCookieAge = 365 * 24 * time.Hour

var langMatcher = language.NewMatcher([]language.Tag{language.Vietnamese, language.English})

func validLang(s string) bool { return s == VI || s == EN }

// DetectLang picks the interface language of a request: ?lang=en|vi, else
// the lang cookie, else the best match of Accept-Language, else
// Vietnamese. fromQuery reports that ?lang= decided it (so that the
// choice should be remembered).
func DetectLang(r *http.Request) (lang string, fromQuery bool) {
	if l := r.URL.Query().Get("lang"); validLang(l) {
		return l, true
	}
	if c, err := r.Cookie(LangCookie); err == nil && validLang(c.Value) {
		return c.Value, false
	}
	if al := r.Header.Get("Accept-Language"); al != "" {
		tags, _, err := language.ParseAcceptLanguage(al)
		if err == nil && len(tags) > 0 {
			// The matcher may return a tag with extensions or a region
			// (en-u-rg-…): compare bases only.
			_, idx, conf := langMatcher.Match(tags...)
			if conf != language.No && idx == 1 {
				return EN, false
			}
		}
	}
	return VI, false
}

type langKey struct{}

// WithLang detects the request's language once, remembers a ?lang= choice
// in the lang cookie (SameSite=Lax, Path=/, one year) and makes the
// language available to LangOf.
func WithLang(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang, fromQuery := DetectLang(r)
		if fromQuery {
			if c, err := r.Cookie(LangCookie); err != nil || c.Value != lang {
				http.SetCookie(w, &http.Cookie{
					Name: LangCookie, Value: lang, Path: "/", MaxAge: int(langCookieAge / time.Second),
					SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil,
				})
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), langKey{}, lang)))
	})
}

// LangOf returns the request's interface language: the one WithLang found,
// or a fresh detection.
func LangOf(r *http.Request) string {
	if l, ok := r.Context().Value(langKey{}).(string); ok {
		return l
	}
	l, _ := DetectLang(r)
	return l
}
