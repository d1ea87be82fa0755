package web_test

import (
	"html/template"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/motcua/motcua/internal/web"
)

func TestFormatting(t *testing.T) {
	// 17:30 UTC on 31 December is already 1 January in Hà Nội.
	newYear := time.Date(2025, 12, 31, 17, 30, 0, 0, time.UTC)
	for _, tc := range []struct{ got, want string }{
		{web.Date(newYear), "01/01/2026"},
		{web.DateTime(newYear), "00:30 01/01/2026"},
		{web.Date(time.Date(2024, 3, 5, 9, 0, 0, 0, web.Zone)), "05/03/2024"},
		{web.Date(time.Time{}), ""},
		{web.Number(0, "vi"), "0"},
		{web.Number(999, "vi"), "999"},
		{web.Number(1000, "vi"), "1.000"},
		{web.Number(1234567, "vi"), "1.234.567"},
		{web.Number(-1234567, "vi"), "-1.234.567"},
		{web.Number(1234567, "en"), "1,234,567"},
		{web.Money(1234567, "vi"), "1.234.567\u00a0₫"},
		{web.Money(15000000, "vi"), "15.000.000\u00a0₫"},
		{web.Money(0, "vi"), "Miễn phí"},
		{web.Money(0, "en"), "Free"},
		{web.Money(2000, "en"), "2,000\u00a0₫"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestDetectLang(t *testing.T) {
	for _, tc := range []struct {
		query, cookie, accept string
		want                  string
		fromQuery             bool
	}{
		{"", "", "", "vi", false},
		{"lang=en", "", "", "en", true},
		{"lang=vi", "en", "en", "vi", true},
		{"lang=de", "", "", "vi", false},
		{"lang=EN", "", "", "vi", false},
		{"", "en", "", "en", false},
		{"", "en", "vi", "en", false},
		{"", "fr", "en", "en", false},
		{"", "", "en-GB,en;q=0.8", "en", false},
		{"", "", "vi-VN,vi;q=0.9,en;q=0.8", "vi", false},
		{"", "", "ja, en;q=0.4", "en", false},
		{"", "", "ja, zh", "vi", false},
		{"", "", "garbage;;;", "vi", false},
	} {
		r := httptest.NewRequest("GET", "/?"+tc.query, nil)
		if tc.cookie != "" {
			r.AddCookie(&http.Cookie{Name: web.LangCookie, Value: tc.cookie})
		}
		if tc.accept != "" {
			r.Header.Set("Accept-Language", tc.accept)
		}
		got, fq := web.DetectLang(r)
		if got != tc.want || fq != tc.fromQuery {
			t.Errorf("%+v: got %q, %v", tc, got, fq)
		}
	}
}

func TestWithLangSetsCookieOnlyOnChange(t *testing.T) {
	var seen string
	h := web.WithLang(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = web.LangOf(r) }))
	for _, tc := range []struct {
		query, cookie, wantLang string
		wantSet                 bool
	}{
		{"lang=en", "", "en", true},
		{"lang=en", "en", "en", false},
		{"lang=vi", "en", "vi", true},
		{"", "en", "en", false},
		{"", "", "vi", false},
	} {
		r := httptest.NewRequest("GET", "/?"+tc.query, nil)
		if tc.cookie != "" {
			r.AddCookie(&http.Cookie{Name: web.LangCookie, Value: tc.cookie})
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		set := w.Header().Get("Set-Cookie")
		if seen != tc.wantLang || (set != "") != tc.wantSet {
			t.Errorf("%+v: lang %q, Set-Cookie %q", tc, seen, set)
		}
		if tc.wantSet && (!strings.Contains(set, "Path=/") || !strings.Contains(set, "SameSite=Lax") || strings.Contains(set, "HttpOnly")) {
			t.Errorf("cookie attributes: %q", set)
		}
	}
}

func newRenderer(t *testing.T, pages fstest.MapFS, msgs web.Messages) *web.Renderer {
	t.Helper()
	rd, err := web.New(web.Config{Pages: pages, Messages: msgs, Funcs: func(lang string) template.FuncMap {
		return template.FuncMap{"boom": func() (string, error) { return "", errFail }}
	}})
	if err != nil {
		t.Fatal(err)
	}
	return rd
}

type failure string

func (f failure) Error() string { return string(f) }

const errFail = failure("deliberate failure")

func TestRenderBuffersAndFailsWhole(t *testing.T) {
	pages := fstest.MapFS{
		"ok.html":      {Data: []byte(`{{define "title"}}{{t "x.title"}}{{end}}{{define "main"}}<h1>{{t "x.title"}}</h1><p>{{money 1234567}} · {{date .Data}}</p>{{end}}`)},
		"broken.html":  {Data: []byte(`{{define "title"}}Broken{{end}}{{define "main"}}<p>HALF A PAGE</p>{{boom}}{{end}}`)},
		"missing.html": {Data: []byte(`{{define "title"}}Missing{{end}}{{define "main"}}<p>HALF A PAGE</p>{{t "no.such.key"}}{{end}}`)},
	}
	rd := newRenderer(t, pages, web.Messages{"x.title": {"Tiêu đề", "Title"}})

	r := httptest.NewRequest("GET", "/thu?a=1", nil)
	w := httptest.NewRecorder()
	rd.Render(w, r, web.View{Name: "ok", Nav: "home", Data: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)})
	body := w.Body.String()
	if w.Code != 200 || !strings.Contains(body, `<html lang="vi">`) || !strings.Contains(body, "<h1>Tiêu đề</h1>") ||
		!strings.Contains(body, "1.234.567\u00a0₫ · 01/01/2024") || !strings.Contains(body, `href="/thu?a=1&amp;lang=en"`) {
		t.Fatalf("ok page: %d\n%s", w.Code, body)
	}
	if w.Header().Get("Content-Length") == "" || w.Header().Get("Content-Security-Policy") == "" {
		t.Errorf("headers: %v", w.Header())
	}

	for _, name := range []string{"broken", "missing", "unknown"} {
		w := httptest.NewRecorder()
		rd.Render(w, httptest.NewRequest("GET", "/?lang=en", nil), web.View{Name: name})
		body := w.Body.String()
		if w.Code != 500 || strings.Contains(body, "HALF A PAGE") || !strings.Contains(body, "Something went wrong") || !strings.Contains(body, `<html lang="en">`) {
			t.Errorf("%s: %d\n%s", name, w.Code, body)
		}
	}
}

func TestErrorPages(t *testing.T) {
	rd := newRenderer(t, nil, nil)
	for _, tc := range []struct {
		status int
		lang   string
		detail string
		wants  []string
	}{
		{404, "vi", "", []string{"Không tìm thấy trang", "Mã lỗi 404"}},
		{404, "en", "", []string{"Page not found", "Error 404"}},
		{400, "vi", "Tham số «x» sai.", []string{"Yêu cầu không hợp lệ", "Tham số «x» sai."}},
		{500, "vi", "", []string{"Hệ thống đang gặp sự cố"}},
		{503, "en", "", []string{"Something went wrong"}},
	} {
		w := httptest.NewRecorder()
		rd.Error(w, httptest.NewRequest("GET", "/?lang="+tc.lang, nil), tc.status, tc.detail)
		if w.Code != tc.status {
			t.Errorf("%d: status %d", tc.status, w.Code)
		}
		for _, s := range append(tc.wants, `<html lang="`+tc.lang+`">`, `<meta name="robots" content="noindex">`) {
			if !strings.Contains(w.Body.String(), s) {
				t.Errorf("%d %s: missing %q", tc.status, tc.lang, s)
			}
		}
	}
}

func TestMessagesAreChecked(t *testing.T) {
	for _, msgs := range []web.Messages{
		{"site.name": {"Trùng", "Duplicate"}},
		{"x": {"Chỉ tiếng Việt", ""}},
		{"y": {"", "English only"}},
	} {
		if _, err := web.New(web.Config{Messages: msgs}); err == nil {
			t.Errorf("%v accepted", msgs)
		}
	}
	// A page must define its title and main content.
	if _, err := web.New(web.Config{Pages: fstest.MapFS{"p.html": {Data: []byte(`{{define "main"}}x{{end}}`)}}}); err == nil {
		t.Error("page without title accepted")
	}
}

func TestStatic(t *testing.T) {
	u := web.StaticURL("htmx.min.js")
	if !strings.HasPrefix(u, "/static/htmx.min.js?v=") || len(u) != len("/static/htmx.min.js?v=")+12 {
		t.Fatalf("StaticURL: %q", u)
	}
	if web.StaticURL("nope.js") != "/static/nope.js" {
		t.Error("unknown asset got a version")
	}
	notFound := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(404) })
	h := web.Static(notFound)
	for _, tc := range []struct {
		path, accept string
		status       int
		ct, enc      string
	}{
		{u, "", 200, "text/javascript; charset=utf-8", ""},
		{u, "gzip, deflate, br", 200, "text/javascript; charset=utf-8", "gzip"},
		{u, "gzip;q=0, br", 200, "text/javascript; charset=utf-8", ""},
		{"/static/site.css", "", 200, "text/css; charset=utf-8", ""},
		{"/static/", "", 404, "", ""},
		{"/static/../web.go", "", 404, "", ""},
	} {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", tc.path, nil)
		if tc.accept != "" {
			r.Header.Set("Accept-Encoding", tc.accept)
		}
		h.ServeHTTP(w, r)
		if w.Code != tc.status || (tc.status == 200 && (w.Header().Get("Content-Type") != tc.ct || w.Header().Get("Content-Encoding") != tc.enc)) {
			t.Errorf("%+v: %d %q %q", tc, w.Code, w.Header().Get("Content-Type"), w.Header().Get("Content-Encoding"))
		}
	}
}
