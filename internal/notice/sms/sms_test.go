package sms

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/vn"
)

// gateway is a test gateway that records the request and answers status
// and body.
type gateway struct {
	status int
	body   string
	delay  time.Duration

	method, path, auth, contentType string
	got                             []byte
}

func (g *gateway) start(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.method, g.path = r.Method, r.URL.Path
		g.auth, g.contentType = r.Header.Get("Authorization"), r.Header.Get("Content-Type")
		g.got, _ = io.ReadAll(r.Body)
		if g.delay > 0 {
			select {
			case <-time.After(g.delay):
			case <-r.Context().Done():
				return
			}
		}
		w.WriteHeader(g.status)
		io.WriteString(w, g.body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestSend(t *testing.T) {
	tests := []struct {
		name    string
		ascii   bool
		to      string
		text    string
		status  int
		answer  string
		wantRef string
		// wantBody is the exact JSON the gateway must receive.
		wantBody string
	}{
		{
			name: "unicode text, id in answer", to: "0912345678", text: "Hồ sơ đã được tiếp nhận",
			status: 200, answer: `{"id":"GW-77"}`, wantRef: "GW-77",
			wantBody: `{"to":"84912345678","text":"Hồ sơ đã được tiếp nhận","ref":"N12345"}`,
		},
		{
			name: "ascii gateway", ascii: true, to: "+84 912 345 678", text: "Hồ sơ đã được tiếp nhận",
			status: 202, answer: `{"id":12345}`, wantRef: "12345",
			wantBody: `{"to":"84912345678","text":"Ho so da duoc tiep nhan","ref":"N12345"}`,
		},
		{
			name: "no id: our ref", to: "84912345678", text: "Xin chào",
			status: 200, answer: `OK`, wantRef: "N12345",
			wantBody: `{"to":"84912345678","text":"Xin chào","ref":"N12345"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &gateway{status: tt.status, body: tt.answer}
			srv := g.start(t)
			c, err := New(Config{URL: srv.URL + "/send", Token: "s3cret", ASCII: tt.ascii})
			if err != nil {
				t.Fatal(err)
			}
			ref, err := c.Send(context.Background(), Message{To: tt.to, Ref: "N12345", Text: tt.text})
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			if ref != tt.wantRef {
				t.Errorf("ref = %q, want %q", ref, tt.wantRef)
			}
			if g.method != http.MethodPost || g.path != "/send" {
				t.Errorf("request = %s %s, want POST /send", g.method, g.path)
			}
			if g.auth != "Bearer s3cret" {
				t.Errorf("Authorization = %q", g.auth)
			}
			if g.contentType != "application/json" {
				t.Errorf("Content-Type = %q", g.contentType)
			}
			if string(g.got) != tt.wantBody {
				t.Errorf("body = %s\nwant   %s", g.got, tt.wantBody)
			}
		})
	}
}

func TestSendErrors(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		answer    string
		delay     time.Duration
		to        string
		permanent bool
		// wantIn must appear in the error.
		wantIn string
	}{
		{name: "400 permanent", status: 400, answer: `{"message":"số 84912345678 bị chặn"}`, permanent: true, wantIn: "84912***678 bị chặn"},
		{name: "404 permanent", status: 404, answer: "no such route", permanent: true, wantIn: "404"},
		{name: "401 permanent", status: 401, answer: `{"error":"bad token"}`, permanent: true, wantIn: "bad token"},
		{name: "429 temporary", status: 429, answer: "slow down", wantIn: "slow down"},
		{name: "408 temporary", status: 408, wantIn: "408"},
		{name: "500 temporary", status: 500, answer: "boom 0912345678", wantIn: "boom 84912***678"},
		{name: "503 temporary", status: 503, wantIn: "503"},
		{name: "timeout temporary", status: 200, delay: 2 * time.Second, wantIn: "deadline exceeded"},
		{name: "landline permanent", status: 200, to: "02438253536", permanent: true, wantIn: "not a Vietnamese mobile number"},
		{name: "garbage permanent", status: 200, to: "abc", permanent: true, wantIn: "not a Vietnamese mobile number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &gateway{status: tt.status, body: tt.answer, delay: tt.delay}
			srv := g.start(t)
			c, err := New(Config{URL: srv.URL, Token: "t", Timeout: 50 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			to := tt.to
			if to == "" {
				to = "0912345678"
			}
			_, err = c.Send(context.Background(), Message{To: to, Ref: "N1", Text: "x"})
			if err == nil {
				t.Fatal("Send succeeded")
			}
			if got := IsPermanent(err); got != tt.permanent {
				t.Errorf("IsPermanent = %v, want %v (%v)", got, tt.permanent, err)
			}
			if !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("error %q does not contain %q", err, tt.wantIn)
			}
			for _, leak := range []string{"84912345678", "0912345678", "02438253536"} {
				if strings.Contains(err.Error(), leak) {
					t.Errorf("error %q leaks the number", err)
				}
			}
		})
	}
}

func TestSendRefused(t *testing.T) {
	// Refused before anything is sent: the gateway must not be called.
	g := &gateway{status: 200}
	srv := g.start(t)
	c, err := New(Config{URL: srv.URL, Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []Message{
		{To: "0912345678", Ref: "", Text: "x"},
		{To: "0912345678", Ref: "N1", Text: "  "},
		{To: "", Ref: "N1", Text: "x"},
	} {
		_, err := c.Send(context.Background(), m)
		if !IsPermanent(err) {
			t.Errorf("Send(%+v) = %v, want a permanent error", m, err)
		}
	}
	if g.got != nil {
		t.Errorf("the gateway was called with %s", g.got)
	}
}

func TestSendConnectionRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c, err := New(Config{URL: "http://" + addr + "/send", Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Send(context.Background(), Message{To: "0912345678", Ref: "N1", Text: "x"})
	if err == nil || IsPermanent(err) {
		t.Fatalf("Send = %v, want a temporary error", err)
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"ok", Config{URL: "https://sms.example.vn/api/send", Token: "t"}, true},
		{"no url", Config{Token: "t"}, false},
		{"relative", Config{URL: "/send", Token: "t"}, false},
		{"ftp", Config{URL: "ftp://sms.example.vn/", Token: "t"}, false},
		{"no token", Config{URL: "https://sms.example.vn/"}, false},
		{"negative timeout", Config{URL: "https://sms.example.vn/", Token: "t", Timeout: -1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.cfg)
			if (err == nil) != tt.ok {
				t.Fatalf("New = %v, %v; want ok=%v", c, err, tt.ok)
			}
		})
	}
}

func TestStripDiacritics(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Hồ sơ đã được tiếp nhận", "Ho so da duoc tiep nhan"},
		{"ĐĂNG KÝ KẾT HÔN", "DANG KY KET HON"},
		{"Ủy ban nhân dân phường Đống Đa", "Uy ban nhan dan phuong Dong Da"},
		// Decomposed input (macOS, some IMEs) comes out the same.
		{"Ho\u0302\u0300 so\u031b", "Ho so"},
		{"Mã hồ sơ: N12345, hạn 05/12/2026.", "Ma ho so: N12345, han 05/12/2026."},
		{"", ""},
	}
	for _, tt := range tests {
		if got := StripDiacritics(tt.in); got != tt.want {
			t.Errorf("StripDiacritics(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSegments(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		n       int
		unicode bool
	}{
		{"empty", "", 0, false},
		{"one", "a", 1, false},
		{"160 gsm", strings.Repeat("a", 160), 1, false},
		{"161 gsm", strings.Repeat("a", 161), 2, false},
		{"306 gsm", strings.Repeat("a", 306), 2, false},
		{"307 gsm", strings.Repeat("a", 307), 3, false},
		{"459 gsm", strings.Repeat("a", 459), 3, false},
		{"gsm accents", "é è à ù ì ò Ç Ä ñ", 1, false},
		{"extension counts two", strings.Repeat("€", 80), 1, false},
		{"extension 81", strings.Repeat("€", 81), 2, false},
		// 306 septets would fit two parts of 153, but the escape pair at
		// 153-154 does not split: it opens part two, which then overflows.
		{"extension not split", strings.Repeat("a", 152) + "{" + strings.Repeat("a", 152), 3, false},
		{"70 unicode", strings.Repeat("ồ", 70), 1, true},
		{"71 unicode", strings.Repeat("ồ", 71), 2, true},
		{"134 unicode", strings.Repeat("ồ", 134), 2, true},
		{"135 unicode", strings.Repeat("ồ", 135), 3, true},
		{"one vietnamese letter", strings.Repeat("a", 69) + "ơ", 1, true},
		{"one vietnamese letter, 71", strings.Repeat("a", 70) + "đ", 2, true},
		{"emoji counts two", strings.Repeat("😀", 35), 1, true},
		{"emoji 36", strings.Repeat("😀", 36), 2, true},
		// 134 units would fit two parts of 67, but the surrogate pair at
		// 67-68 does not split.
		{"pair not split", strings.Repeat("ồ", 66) + "😀" + strings.Repeat("ồ", 66), 3, true},
		{"pair at the edge", strings.Repeat("ồ", 133) + "😀", 3, true},
		{"invalid utf-8", "\xff", 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, u := Segments(tt.text)
			if n != tt.n || u != tt.unicode {
				t.Errorf("Segments = %d, %v; want %d, %v", n, u, tt.n, tt.unicode)
			}
		})
	}
}

func TestGSMAlphabet(t *testing.T) {
	// The default alphabet has 128 positions, one of them the escape.
	if n := len([]rune(gsmBasic)); n != 127 {
		t.Errorf("gsmBasic has %d characters, want 127", n)
	}
	if n := len([]rune(gsmExtension)); n != 10 {
		t.Errorf("gsmExtension has %d characters, want 10", n)
	}
	// Stripped Vietnamese text is plain GSM.
	if _, u := Segments(StripDiacritics("Hồ sơ đã được tiếp nhận, mời ông/bà đến nhận kết quả.")); u {
		t.Error("stripped Vietnamese text is not GSM-7")
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"0912345678", "84912345678"},
		{"+84912345678", "84912345678"},
		{"84912345678", "84912345678"},
		{"0084912345678", "84912345678"},
		{" 091 234 5678 ", "84912345678"},
		{"091.234.5678", "84912345678"},
		{"+84 (0)912345678", ""},
		{"0312345678", "84312345678"},
		{"0512345678", "84512345678"},
		{"0712345678", "84712345678"},
		{"0812345678", "84812345678"},
		{"0212345678", ""},  // no mobile network uses 02
		{"02438253536", ""}, // landline
		{"091234567", ""},   // too short
		{"09123456789", ""}, // too long
		{"912345678", ""},   // no prefix
		{"+1 415 555 0100", ""},
		{"0912345678x", ""},
		{"０９１２３４５６７８", ""}, // full-width digits
		{"", ""},
	}
	for _, tt := range tests {
		got, err := Normalize(tt.in)
		if tt.want == "" {
			if err == nil {
				t.Errorf("Normalize(%q) = %q, want an error", tt.in, got)
				continue
			}
			if !IsPermanent(err) || vn.ErrorCode(err) != vn.CodePhoneInvalid {
				t.Errorf("Normalize(%q) error %v: want permanent, phone_invalid", tt.in, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Normalize(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestMask(t *testing.T) {
	tests := []struct{ in, want string }{
		{"84912345678", "84912***678"},
		{"0912", "****"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Mask(tt.in); got != tt.want {
			t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestAnswerID(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"id":"abc"}`, "abc"},
		{`{"id":42}`, "42"},
		{`{"id":null}`, ""},
		{`{"id":{"x":1}}`, ""},
		{`{}`, ""},
		{`not json`, ""},
	}
	for _, tt := range tests {
		if got := answerID([]byte(tt.in)); got != tt.want {
			t.Errorf("answerID(%s) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// The permanent error carries the gateway's status for the caller.
func TestPermanentStatus(t *testing.T) {
	g := &gateway{status: 422, body: `{"message":"template mismatch"}`}
	srv := g.start(t)
	c, _ := New(Config{URL: srv.URL, Token: "t"})
	_, err := c.Send(context.Background(), Message{To: "0912345678", Ref: "N1", Text: "x"})
	var p *PermanentError
	if !errors.As(err, &p) || p.Status != 422 {
		t.Fatalf("err = %v, want a *PermanentError with status 422", err)
	}
	var body map[string]any
	if err := json.Unmarshal(g.got, &body); err != nil || body["ref"] != "N1" {
		t.Errorf("body = %s", g.got)
	}
}
