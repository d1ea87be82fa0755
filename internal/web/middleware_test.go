package web_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/web"
)

// TestFail maps each kind of domain error to its page status with the
// message in the reader's language; anything else is a 500 that tells
// nothing of the cause; a panic is a 500 too.
func TestFail(t *testing.T) {
	rd := newRenderer(t, fstest.MapFS{}, nil)
	for _, tc := range []struct {
		err    error
		status int
		text   string
	}{
		{apperr.New(apperr.NotFound, "x", "Không thấy.", "Not found."), 404, "Không thấy."},
		{apperr.New(apperr.Invalid, "x", "Sai.", "Wrong."), 400, "Sai."},
		{apperr.New(apperr.Forbidden, "x", "Cấm.", "Forbidden."), 403, "Cấm."},
		{apperr.New(apperr.Unprocessable, "x", "Không được.", "No."), 422, "Không được."},
		{apperr.New(apperr.Conflict, "x", "Đã đổi.", "Changed."), 409, "Đã đổi."},
		{apperr.New(apperr.TooLarge, "x", "Quá lớn.", "Too large."), 413, "Quá lớn."},
		{apperr.New(apperr.Unsupported, "x", "Không hỗ trợ.", "Unsupported."), 415, "Không hỗ trợ."},
		{errors.New("database password is hunter2"), 500, ""},
	} {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/", nil)
		web.WithLang(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { rd.Fail(w, r, tc.err, "test") })).ServeHTTP(w, r)
		if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.text) {
			t.Errorf("%v: %d %q, want %d with %q", tc.err, w.Code, w.Body.String(), tc.status, tc.text)
		}
		if strings.Contains(w.Body.String(), "hunter2") {
			t.Error("an internal error's text reached the page")
		}
	}
	w := httptest.NewRecorder()
	web.WithLang(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer rd.Recover(w, r, "test")
		panic("boom")
	})).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != 500 {
		t.Errorf("panic: %d, want 500", w.Code)
	}
}

func TestPublicURL(t *testing.T) {
	r := httptest.NewRequest("GET", "http://10.0.0.5:8080/x", nil)
	for _, tc := range []struct{ base, want string }{
		{"", "http://10.0.0.5:8080/tra-cuu/A-1"},
		{"https://dichvucong.hanoi.gov.vn/", "https://dichvucong.hanoi.gov.vn/tra-cuu/A-1"},
	} {
		if got := web.PublicURL(tc.base, r, "/tra-cuu/A-1"); got != tc.want {
			t.Errorf("base %q: %s, want %s", tc.base, got, tc.want)
		}
	}
	w := httptest.NewRecorder()
	web.ServePDF(w, "phiếu-01.pdf", []byte("%PDF-1.4"))
	if w.Header().Get("Content-Type") != "application/pdf" || w.Header().Get("Cache-Control") != "private, no-store" ||
		!strings.HasPrefix(w.Header().Get("Content-Disposition"), "inline;") {
		t.Errorf("PDF headers %v", w.Header())
	}
}
