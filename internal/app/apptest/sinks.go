package apptest

// Stand-ins for the outside systems notices and sync go to: a real SMTP
// server (emersion/go-smtp) that keeps what it receives, and an HTTP
// endpoint that records requests and can be taken down and brought back.

import (
	"encoding/json"
	"io"
	"log"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Mail is one message an SMTPSink received.
type Mail struct {
	From      string
	To        []string
	MessageID string
	Subject   string // decoded
	Raw       []byte
}

// SMTPSink is an SMTP server on 127.0.0.1 keeping every message.
type SMTPSink struct {
	Addr string
	mu   sync.Mutex
	got  []Mail
	srv  *smtp.Server
}

// StartSMTP serves an SMTP sink on addr ("127.0.0.1:0" for any port)
// until the test ends.
func StartSMTP(t testing.TB, addr string) *SMTPSink {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listening for SMTP on %s: %v", addr, err)
	}
	s := &SMTPSink{Addr: l.Addr().String()}
	s.srv = smtp.NewServer(sinkBackend{s})
	s.srv.Domain = "sink.test"
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	s.srv.ReadTimeout, s.srv.WriteTimeout = 10*time.Second, 10*time.Second
	go s.srv.Serve(l)
	t.Cleanup(func() { s.srv.Close() })
	return s
}

// Messages returns a copy of what was received.
func (s *SMTPSink) Messages() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.got...)
}

// To returns the messages received for one address.
func (s *SMTPSink) To(addr string) []Mail {
	var out []Mail
	for _, m := range s.Messages() {
		for _, to := range m.To {
			if strings.EqualFold(to, addr) {
				out = append(out, m)
			}
		}
	}
	return out
}

type sinkBackend struct{ s *SMTPSink }

func (b sinkBackend) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s: b.s}, nil }

type sinkSession struct {
	s   *SMTPSink
	cur Mail
}

func (x *sinkSession) AuthMechanisms() []string { return nil }
func (x *sinkSession) Mail(from string, _ *smtp.MailOptions) error {
	x.cur = Mail{From: from}
	return nil
}
func (x *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.cur.To = append(x.cur.To, to)
	return nil
}
func (x *sinkSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.cur.Raw = raw
	if msg, err := mail.ReadMessage(strings.NewReader(string(raw))); err == nil {
		x.cur.MessageID = msg.Header.Get("Message-Id")
		dec := new(mimeDecoder)
		x.cur.Subject = dec.decode(msg.Header.Get("Subject"))
	}
	x.s.mu.Lock()
	x.s.got = append(x.s.got, x.cur)
	x.s.mu.Unlock()
	return nil
}
func (x *sinkSession) Reset()        { x.cur = Mail{} }
func (x *sinkSession) Logout() error { return nil }

// Request is one request an Endpoint received.
type Request struct {
	Method, Path string
	Header       http.Header
	Body         []byte
}

// JSON decodes the request's body into v.
func (r Request) JSON(v any) error { return json.Unmarshal(r.Body, v) }

// Endpoint is an HTTP server recording every request; while Down it
// answers 503, otherwise Answer (or 200 with {} when nil).
type Endpoint struct {
	*httptest.Server
	Down   atomic.Bool
	mu     sync.Mutex
	got    []Request
	answer func(Request) (int, string)
}

// StartEndpoint serves an Endpoint until the test ends; answer may be nil.
func StartEndpoint(t testing.TB, answer func(Request) (int, string)) *Endpoint {
	t.Helper()
	e := &Endpoint{answer: answer}
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req := Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body}
		if e.Down.Load() {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		e.mu.Lock()
		e.got = append(e.got, req)
		e.mu.Unlock()
		code, out := http.StatusOK, "{}"
		if e.answer != nil {
			code, out = e.answer(req)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		io.WriteString(w, out)
	}))
	t.Cleanup(e.Close)
	return e
}

// Requests returns a copy of the requests served while up.
func (e *Endpoint) Requests() []Request {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Request(nil), e.got...)
}

// mimeDecoder decodes RFC 2047 words of a header.
type mimeDecoder struct{}

func (mimeDecoder) decode(s string) string {
	out, err := new(mime.WordDecoder).DecodeHeader(s)
	if err != nil {
		return s
	}
	return out
}
