package zalo

import (
	"context"
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

// zns is a test ZNS endpoint that records the request and answers status
// and body.
type zns struct {
	status int
	body   string
	delay  time.Duration

	method, path, token, contentType string
	got                              []byte
}

func (z *zns) start(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		z.method, z.path = r.Method, r.URL.Path
		z.token, z.contentType = r.Header.Get("access_token"), r.Header.Get("Content-Type")
		z.got, _ = io.ReadAll(r.Body)
		if z.delay > 0 {
			select {
			case <-time.After(z.delay):
			case <-r.Context().Done():
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(z.status)
		io.WriteString(w, z.body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

const success = `{"error":0,"message":"Success","data":{"msg_id":"a1b2c3","sent_time":"1733385600000","quota":{"dailyQuota":"500","remainingQuota":"499"}}}`

func TestSend(t *testing.T) {
	tests := []struct {
		name     string
		m        Message
		answer   string
		wantRef  string
		wantBody string
	}{
		{
			name: "template with data",
			m: Message{To: "0912345678", Ref: "N12345", Template: "231456",
				Data: map[string]string{"ma_ho_so": "N12345", "ten": "Nguyễn Văn An"}},
			answer: success, wantRef: "a1b2c3",
			wantBody: `{"phone":"84912345678","template_id":"231456","template_data":{"ma_ho_so":"N12345","ten":"Nguyễn Văn An"},"tracking_id":"N12345"}`,
		},
		{
			name:   "no data is an empty object",
			m:      Message{To: "+84 912 345 678", Ref: "N7", Template: "231456"},
			answer: `{"error":0,"message":"Success","data":{"msg_id":"z9"}}`, wantRef: "z9",
			wantBody: `{"phone":"84912345678","template_id":"231456","template_data":{},"tracking_id":"N7"}`,
		},
		{
			name:   "success without msg_id: our ref",
			m:      Message{To: "84912345678", Ref: "N8", Template: "1"},
			answer: `{"error":0,"message":"Success"}`, wantRef: "N8",
			wantBody: `{"phone":"84912345678","template_id":"1","template_data":{},"tracking_id":"N8"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			z := &zns{status: 200, body: tt.answer}
			srv := z.start(t)
			c, err := New(Config{URL: srv.URL + "/message/template", AccessToken: "oa-token"})
			if err != nil {
				t.Fatal(err)
			}
			ref, err := c.Send(context.Background(), tt.m)
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			if ref != tt.wantRef {
				t.Errorf("ref = %q, want %q", ref, tt.wantRef)
			}
			if z.method != http.MethodPost || z.path != "/message/template" {
				t.Errorf("request = %s %s", z.method, z.path)
			}
			if z.token != "oa-token" || z.contentType != "application/json" {
				t.Errorf("access_token = %q, Content-Type = %q", z.token, z.contentType)
			}
			if string(z.got) != tt.wantBody {
				t.Errorf("body = %s\nwant   %s", z.got, tt.wantBody)
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
		retry     []int
		permanent bool
		code      int
		wantIn    string
	}{
		{name: "invalid phone", status: 200, answer: `{"error":-108,"message":"Phone number 84912345678 invalid"}`,
			permanent: true, code: -108, wantIn: "ZNS error -108: Phone number 84912***678 invalid"},
		{name: "invalid token", status: 200, answer: `{"error":-124,"message":"Access token invalid"}`,
			permanent: true, code: -124, wantIn: "Access token invalid"},
		{name: "template data invalid", status: 200, answer: `{"error":-112,"message":"Template data invalid"}`,
			permanent: true, code: -112, wantIn: "-112"},
		{name: "daily quota", status: 200, answer: `{"error":-144,"message":"OA has exceeded the quota"}`, wantIn: "-144"},
		{name: "night", status: 200, answer: `{"error":-133,"message":"Out of allowed time"}`, wantIn: "-133"},
		{name: "unknown error", status: 200, answer: `{"error":-100,"message":"Unknown error"}`, wantIn: "Unknown error"},
		{name: "configured retry code", status: 200, answer: `{"error":-124,"message":"Access token invalid"}`,
			retry: []int{-124}, wantIn: "-124"},
		{name: "configured list replaces the default", status: 200, answer: `{"error":-144,"message":"quota"}`,
			retry: []int{}, permanent: true, code: -144, wantIn: "-144"},
		{name: "http 400", status: 400, answer: `{"error":-121,"message":"Body data empty"}`,
			permanent: true, code: -121, wantIn: "Body data empty"},
		{name: "http 400 with a retry code", status: 400, answer: `{"error":-144,"message":"quota"}`, wantIn: "-144"},
		{name: "http 429", status: 429, answer: `rate limited`, wantIn: "429"},
		{name: "http 500", status: 500, answer: `<html>oops</html>`, wantIn: "<html>oops</html>"},
		{name: "http 502 json", status: 502, answer: `{"error":-100,"message":"upstream"}`, wantIn: "upstream"},
		{name: "200 without error field", status: 200, answer: `{"message":"hello"}`, wantIn: "unreadable answer"},
		{name: "200 not json", status: 200, answer: `<html>proxy</html>`, wantIn: "proxy"},
		{name: "timeout", status: 200, answer: success, delay: 2 * time.Second, wantIn: "deadline exceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			z := &zns{status: tt.status, body: tt.answer, delay: tt.delay}
			srv := z.start(t)
			c, err := New(Config{URL: srv.URL, AccessToken: "t", Timeout: 50 * time.Millisecond, RetryCodes: tt.retry})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Send(context.Background(), Message{To: "0912345678", Ref: "N1", Template: "1"})
			if err == nil {
				t.Fatal("Send succeeded")
			}
			if got := IsPermanent(err); got != tt.permanent {
				t.Errorf("IsPermanent = %v, want %v (%v)", got, tt.permanent, err)
			}
			var p *PermanentError
			if errors.As(err, &p) && p.Code != tt.code {
				t.Errorf("Code = %d, want %d", p.Code, tt.code)
			}
			if !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("error %q does not contain %q", err, tt.wantIn)
			}
			if strings.Contains(err.Error(), "84912345678") || strings.Contains(err.Error(), "0912345678") {
				t.Errorf("error %q leaks the number", err)
			}
		})
	}
}

func TestSendRefused(t *testing.T) {
	z := &zns{status: 200, body: success}
	srv := z.start(t)
	c, err := New(Config{URL: srv.URL, AccessToken: "t"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		m         Message
		phoneCode bool
	}{
		{Message{To: "02438253536", Ref: "N1", Template: "1"}, true},
		{Message{To: "hello", Ref: "N1", Template: "1"}, true},
		{Message{To: "0912345678", Ref: "", Template: "1"}, false},
		{Message{To: "0912345678", Ref: "N1", Template: " "}, false},
	}
	for _, tt := range tests {
		_, err := c.Send(context.Background(), tt.m)
		if !IsPermanent(err) {
			t.Errorf("Send(%+v) = %v, want a permanent error", tt.m, err)
		}
		if got := vn.ErrorCode(err) == vn.CodePhoneInvalid; got != tt.phoneCode {
			t.Errorf("Send(%+v): phone_invalid = %v, want %v", tt.m, got, tt.phoneCode)
		}
		if strings.Contains(err.Error(), "02438253536") {
			t.Errorf("error %q leaks the number", err)
		}
	}
	if z.got != nil {
		t.Errorf("ZNS was called with %s", z.got)
	}
}

func TestSendConnectionRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c, err := New(Config{URL: "http://" + addr, AccessToken: "t"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Send(context.Background(), Message{To: "0912345678", Ref: "N1", Template: "1"})
	if err == nil || IsPermanent(err) {
		t.Fatalf("Send = %v, want a temporary error", err)
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		ok      bool
		wantURL string
	}{
		{"default url", Config{AccessToken: "t"}, true, DefaultURL},
		{"own url", Config{URL: "http://127.0.0.1:9/zns", AccessToken: "t"}, true, "http://127.0.0.1:9/zns"},
		{"no token", Config{}, false, ""},
		{"bad url", Config{URL: "business.openapi.zalo.me", AccessToken: "t"}, false, ""},
		{"negative timeout", Config{AccessToken: "t", Timeout: -time.Second}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.cfg)
			if (err == nil) != tt.ok {
				t.Fatalf("New = %v; want ok=%v", err, tt.ok)
			}
			if err == nil && c.url != tt.wantURL {
				t.Errorf("url = %q, want %q", c.url, tt.wantURL)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0912345678", "84912345678"},
		{"+84912345678", "84912345678"},
		{"84912345678", "84912345678"},
		{"0084 912 345 678", "84912345678"},
		{"0387654321", "84387654321"},
		{"02438253536", ""},
		{"0112345678", ""},
		{"84", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, err := Normalize(tt.in)
		if tt.want == "" {
			if err == nil || !IsPermanent(err) {
				t.Errorf("Normalize(%q) = %q, %v; want a permanent error", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Normalize(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}
