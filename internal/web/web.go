// Package web holds what every server-rendered page shares: the layout
// (header, navigation, language switch, footer), the CSS design system and
// the vendored htmx, served from an embedded file system; the interface
// language (Vietnamese by default, English) and its string catalogue;
// date and money formatting; and a renderer that executes a page into a
// buffer before writing anything, with error pages in the user's language.
//
// Pages work without JavaScript; htmx only enhances them.
package web

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/motcua/motcua/internal/vn"
)

//go:embed templates
var templateFS embed.FS

// Config configures a Renderer.
type Config struct {
	// Pages holds the application's templates. Each *.html file at its
	// root is a page named after the file ("home.html" → "home") that
	// defines the templates "title" and "main", and may define "head"
	// (extra elements of <head>). Files in partials/*.html are parsed into
	// every page; they may define "error-extra", shown below the message
	// of error pages.
	Pages fs.FS
	// Messages are the application's strings, added to the layout's.
	Messages Messages
	// Funcs returns the application's template functions for a language.
	Funcs func(lang string) template.FuncMap
	Log   *slog.Logger
}

// Renderer renders pages in the user's language.
type Renderer struct {
	log   *slog.Logger
	msgs  Messages
	pages map[string]map[string]*template.Template // lang → page → template
}

// View is one page to render.
type View struct {
	Name    string // page template
	Status  int    // HTTP status; 0 means 200
	Nav     string // navigation item marked as current: home, procedures, track
	NoIndex bool   // ask search engines not to index the page
	// NoStore keeps the page out of every cache, the browser's included (a
	// one-time password).
	NoStore bool
	Data    any
}

// Page is what the layout and every page template receive.
type Page struct {
	Lang    string
	Status  int
	Nav     string
	NoIndex bool
	// Switch links to the same page in every interface language.
	Switch []LangLink
	// User is the logged-in person, nil when nobody is logged in.
	User *User
	Data any
}

// User is the logged-in person the layout names.
type User struct {
	Name string
	// Account is the address of the person's account page, linked next
	// to their name; "" when they have none (staff).
	Account string
}

type userKey struct{}

// WithUser returns r carrying the logged-in user, for the layout.
func WithUser(r *http.Request, u *User) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), userKey{}, u))
}

// UserOf returns the logged-in user WithUser recorded, or nil.
func UserOf(r *http.Request) *User {
	u, _ := r.Context().Value(userKey{}).(*User)
	return u
}

// LangLink is one entry of the language switch.
type LangLink struct {
	Lang, Name, URL string
	Current         bool
}

// ErrorData is the data of the error page.
type ErrorData struct {
	Status int
	Title  string
	Detail string
}

var langNames = map[string]string{VI: "Tiếng Việt", EN: "English"}

// New parses the layout, the error page and the application's pages once
// per language.
func New(cfg Config) (*Renderer, error) {
	rd := &Renderer{log: cfg.Log, msgs: Messages{}, pages: map[string]map[string]*template.Template{}}
	if rd.log == nil {
		rd.log = slog.Default()
	}
	if err := rd.msgs.merge(baseMessages); err != nil {
		return nil, err
	}
	if err := rd.msgs.merge(cfg.Messages); err != nil {
		return nil, err
	}
	var partials, pages []string
	if cfg.Pages != nil {
		var err error
		if pages, err = fs.Glob(cfg.Pages, "*.html"); err != nil {
			return nil, err
		}
		if partials, err = fs.Glob(cfg.Pages, "partials/*.html"); err != nil {
			return nil, err
		}
	}
	for _, lang := range Langs {
		funcs := rd.funcs(lang)
		if cfg.Funcs != nil {
			for k, f := range cfg.Funcs(lang) {
				funcs[k] = f
			}
		}
		base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
		if err != nil {
			return nil, fmt.Errorf("parsing layout: %w", err)
		}
		if len(partials) > 0 {
			if base, err = base.ParseFS(cfg.Pages, partials...); err != nil {
				return nil, fmt.Errorf("parsing partials: %w", err)
			}
		}
		set := map[string]*template.Template{}
		add := func(fsys fs.FS, file string) error {
			name := strings.TrimSuffix(path.Base(file), ".html")
			if _, dup := set[name]; dup {
				return fmt.Errorf("page %q defined twice", name)
			}
			t, err := template.Must(base.Clone()).ParseFS(fsys, file)
			if err != nil {
				return fmt.Errorf("parsing page %s: %w", file, err)
			}
			for _, need := range []string{"title", "main"} {
				if t.Lookup(need) == nil {
					return fmt.Errorf("page %s does not define %q", file, need)
				}
			}
			set[name] = t
			return nil
		}
		if err := add(templateFS, "templates/error.html"); err != nil {
			return nil, err
		}
		for _, p := range pages {
			if err := add(cfg.Pages, p); err != nil {
				return nil, err
			}
		}
		rd.pages[lang] = set
	}
	return rd, nil
}

// T returns the message for key in lang, formatted with args; an unknown
// key comes back as itself in brackets, which tests catch.
func (rd *Renderer) T(lang, key string, args ...any) string {
	if s, ok := rd.msgs.Text(lang, key, args...); ok {
		return s
	}
	return "[" + key + "]"
}

// Has reports whether the catalogue has a message for key.
func (rd *Renderer) Has(key string) bool {
	_, ok := rd.msgs[key]
	return ok
}

// funcs are the template functions every page has, bound to a language.
func (rd *Renderer) funcs(lang string) template.FuncMap {
	return template.FuncMap{
		// t translates a key; an unknown key fails the page (and so the
		// tests) instead of showing a placeholder.
		"t": func(key string, args ...any) (string, error) {
			if s, ok := rd.msgs.Text(lang, key, args...); ok {
				return s, nil
			}
			return "", fmt.Errorf("no message %q", key)
		},
		"date":     func(v any) string { return Date(timeOf(v)) },
		"datetime": func(v any) string { return DateTime(timeOf(v)) },
		"money":    func(vnd int64) string { return Money(vnd, lang) },
		"number":   func(n int) string { return Number(int64(n), lang) },
		"static":   StaticURL,
		// A date is typed as text in dd/mm/yyyy (see vn.ParseDate); these
		// are the pattern and placeholder of such an input.
		"datePattern":     func() string { return vn.DatePattern },
		"datePlaceholder": func() string { return vn.DatePlaceholder },
		// dict builds a map from key, value pairs, to pass several values
		// to a partial.
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, errors.New("dict needs key, value pairs")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
	}
}

// Render executes the view's page into a buffer and writes it with its
// status, so that a template error never sends half a page: it becomes
// the 500 page instead.
func (rd *Renderer) Render(w http.ResponseWriter, r *http.Request, v View) {
	if err := rd.render(w, r, v); err != nil {
		rd.log.ErrorContext(r.Context(), "rendering page", "page", v.Name, "err", err)
		rd.Error(w, r, http.StatusInternalServerError, "")
	}
}

func (rd *Renderer) render(w http.ResponseWriter, r *http.Request, v View) error {
	lang := LangOf(r)
	t := rd.pages[lang][v.Name]
	if t == nil {
		return fmt.Errorf("unknown page %q", v.Name)
	}
	status := v.Status
	if status == 0 {
		status = http.StatusOK
	}
	p := Page{Lang: lang, Status: status, Nav: v.Nav, NoIndex: v.NoIndex, Data: v.Data, Switch: switchLinks(r, lang), User: UserOf(r)}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", lang)
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	h.Add("Vary", "Accept-Language, Cookie")
	if v.NoStore {
		h.Set("Cache-Control", "no-store")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// Error renders the error page for status in the user's language; detail,
// already in that language, replaces the generic explanation when set.
func (rd *Renderer) Error(w http.ResponseWriter, r *http.Request, status int, detail string) {
	lang := LangOf(r)
	key := "error.400"
	switch {
	case status == http.StatusNotFound:
		key = "error.404"
	case status >= 500:
		key = "error.500"
	}
	d := ErrorData{Status: status, Title: rd.T(lang, key+".title"), Detail: detail}
	if d.Detail == "" {
		d.Detail = rd.T(lang, key+".text")
	}
	err := rd.render(w, r, View{Name: "error", Status: status, NoIndex: true, Data: d})
	if err != nil {
		// The error page itself failed: answer in plain text.
		rd.log.ErrorContext(r.Context(), "rendering error page", "status", status, "err", err)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		_, _ = fmt.Fprintf(w, "%d %s\n", status, d.Title)
	}
}

// switchLinks builds the language switch: the current address with lang
// set to each language.
func switchLinks(r *http.Request, current string) []LangLink {
	out := make([]LangLink, 0, len(Langs))
	for _, l := range Langs {
		q := r.URL.Query()
		q.Set("lang", l)
		out = append(out, LangLink{Lang: l, Name: langNames[l], URL: r.URL.EscapedPath() + "?" + q.Encode(), Current: l == current})
	}
	return out
}
