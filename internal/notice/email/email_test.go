package email

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// received is one message as the test server took it.
type received struct {
	from string
	to   []string
	user string // who authenticated, "" when nobody did
	tls  bool   // whether the connection was encrypted at MAIL FROM
	data []byte
}

// server is an in-process SMTP server (emersion/go-smtp) that records what
// it receives and answers the errors it is told to.
type server struct {
	addr string
	// user and pass, when set, make the server offer AUTH PLAIN and
	// require it before MAIL FROM.
	user, pass string
	// mailErr, rcptErr and dataErr are answered to MAIL FROM, RCPT TO and
	// the end of DATA.
	mailErr, rcptErr, dataErr error
	// tls, when set, is offered with STARTTLS, or from the first byte when
	// implicit is set too.
	tls      *tls.Config
	implicit bool
	// host is the loopback address to listen on; "" means 127.0.0.1.
	host string

	mu       sync.Mutex
	got      []received
	authSeen int // AUTH attempts that reached the server
}

func (s *server) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.got...)
}

type session struct {
	srv  *server
	conn *smtp.Conn
	user string
	cur  received
}

func (s *server) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{srv: s, conn: c}, nil
}

func (s *session) AuthMechanisms() []string {
	if s.srv.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(string) (sasl.Server, error) {
	s.srv.mu.Lock()
	s.srv.authSeen++
	s.srv.mu.Unlock()
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != s.srv.user || pass != s.srv.pass {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "bad credentials"}
		}
		s.user = user
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.srv.user != "" && s.user == "" {
		return smtp.ErrAuthRequired
	}
	if s.srv.mailErr != nil {
		return s.srv.mailErr
	}
	_, encrypted := s.conn.TLSConnectionState()
	s.cur = received{from: from, user: s.user, tls: encrypted}
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.srv.rcptErr != nil {
		return s.srv.rcptErr
	}
	s.cur.to = append(s.cur.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if s.srv.dataErr != nil {
		return s.srv.dataErr
	}
	s.cur.data = data
	s.srv.mu.Lock()
	s.srv.got = append(s.srv.got, s.cur)
	s.srv.mu.Unlock()
	return nil
}

func (s *session) Reset()        { s.cur = received{} }
func (s *session) Logout() error { return nil }

// start serves s on 127.0.0.1 until the test ends.
func (s *server) start(t *testing.T) *server {
	t.Helper()
	host := s.host
	if host == "" {
		host = "127.0.0.1"
	}
	l, err := net.Listen("tcp", host+":0")
	if err != nil {
		t.Skipf("cannot listen on %s: %v", host, err)
	}
	srv := smtp.NewServer(s)
	if s.implicit {
		l = tls.NewListener(l, s.tls)
	} else {
		srv.TLSConfig = s.tls
	}
	srv.Domain = "mx.test"
	srv.ErrorLog = log.New(io.Discard, "", 0) // failed handshakes are expected
	// PLAIN over a connection without TLS, which go-smtp refuses by
	// default; the client side allows it to the loopback interface only.
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	s.addr = l.Addr().String()
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return s
}

func newClient(t *testing.T, url string) *Client {
	t.Helper()
	c, err := New(Config{URL: url, From: "Một cửa Phường Đống Đa <motcua@dongda.example.vn>", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// parts returns the decoded text/plain and text/html parts of a message.
func parts(t *testing.T, msg *mail.Message) map[string]string {
	t.Helper()
	out := map[string]string{}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		body, _ := io.ReadAll(msg.Body)
		out[mt] = decodeBody(t, msg.Header.Get("Content-Transfer-Encoding"), body)
		return out
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		pt, pparams, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if pparams["charset"] != "" && !strings.EqualFold(pparams["charset"], "UTF-8") {
			t.Errorf("part %s has charset %s", pt, pparams["charset"])
		}
		body, _ := io.ReadAll(p)
		out[pt] = decodeBody(t, p.Header.Get("Content-Transfer-Encoding"), body)
	}
}

func decodeBody(t *testing.T, cte string, body []byte) string {
	t.Helper()
	switch strings.ToLower(cte) {
	case "quoted-printable":
		b, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(body)))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	case "base64":
		t.Fatalf("unexpected base64 part")
	}
	return string(body)
}

func TestSend(t *testing.T) {
	tests := []struct {
		name     string
		srv      *server
		userinfo string
		html     string
	}{
		{name: "no auth, text and html", srv: &server{}, html: "<p>Hồ sơ <b>N12345</b> đã được tiếp nhận.</p>"},
		{name: "auth plain", srv: &server{user: "motcua", pass: "p@ss:wörd"}, userinfo: "motcua:p%40ss%3Aw%C3%B6rd@",
			html: "<p>Hồ sơ đã được tiếp nhận.</p>"},
		{name: "text only", srv: &server{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := tt.srv.start(t)
			c := newClient(t, "smtp://"+tt.userinfo+srv.addr)
			m := Message{
				To: "nguyen.an@example.vn", Ref: "N12345",
				Subject: "Thông báo: hồ sơ N12345 đã được tiếp nhận",
				Text:    "Kính gửi ông/bà Nguyễn Văn An,\nHồ sơ N12345 đã được tiếp nhận.",
				HTML:    tt.html,
			}
			ref, err := c.Send(context.Background(), m)
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			if ref != "<N12345@dongda.example.vn>" {
				t.Errorf("ref = %q", ref)
			}
			got := srv.messages()
			if len(got) != 1 {
				t.Fatalf("server received %d messages", len(got))
			}
			r := got[0]
			if r.from != "motcua@dongda.example.vn" || len(r.to) != 1 || r.to[0] != "nguyen.an@example.vn" {
				t.Errorf("envelope = %q → %q", r.from, r.to)
			}
			if r.user != tt.srv.user {
				t.Errorf("authenticated as %q, want %q", r.user, tt.srv.user)
			}
			msg, err := mail.ReadMessage(bytes.NewReader(r.data))
			if err != nil {
				t.Fatal(err)
			}
			dec := new(mime.WordDecoder)
			subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
			if err != nil || subject != m.Subject {
				t.Errorf("Subject = %q (%v), want %q", subject, err, m.Subject)
			}
			from, err := (&mail.AddressParser{WordDecoder: dec}).Parse(msg.Header.Get("From"))
			if err != nil || from.Name != "Một cửa Phường Đống Đa" || from.Address != "motcua@dongda.example.vn" {
				t.Errorf("From = %+v (%v)", from, err)
			}
			if to := msg.Header.Get("To"); !strings.Contains(to, "nguyen.an@example.vn") {
				t.Errorf("To = %q", to)
			}
			if id := msg.Header.Get("Message-Id"); id != "<N12345@dongda.example.vn>" {
				t.Errorf("Message-ID = %q", id)
			}
			if h := msg.Header.Get("X-Motcua-Ref"); h != "N12345" {
				t.Errorf("X-Motcua-Ref = %q", h)
			}
			if msg.Header.Get("Date") == "" {
				t.Error("no Date header")
			}
			p := parts(t, msg)
			// A body ends with a line break the transport adds.
			if got := strings.TrimSuffix(strings.ReplaceAll(p["text/plain"], "\r\n", "\n"), "\n"); got != m.Text {
				t.Errorf("text part = %q, want %q", got, m.Text)
			}
			if tt.html == "" {
				if _, ok := p["text/html"]; ok || len(p) != 1 {
					t.Errorf("parts = %v, want text/plain alone", p)
				}
			} else if got := p["text/html"]; got != tt.html {
				t.Errorf("html part = %q, want %q", got, tt.html)
			}
		})
	}
}

// A retried notice carries the same Message-ID, so that the receiving side
// can drop the duplicate.
func TestSendRetrySameMessageID(t *testing.T) {
	srv := (&server{}).start(t)
	c := newClient(t, "smtp://"+srv.addr)
	m := Message{To: "an@example.vn", Ref: "N7", Subject: "s", Text: "t"}
	for range 2 {
		if _, err := c.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	got := srv.messages()
	if len(got) != 2 {
		t.Fatalf("received %d", len(got))
	}
	var ids []string
	for _, r := range got {
		msg, err := mail.ReadMessage(bytes.NewReader(r.data))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, msg.Header.Get("Message-Id"))
	}
	if ids[0] != "<N7@dongda.example.vn>" || ids[1] != ids[0] {
		t.Errorf("Message-IDs = %q", ids)
	}
}

func TestSendErrors(t *testing.T) {
	const to = "Nguyen.An@example.vn"
	tests := []struct {
		name      string
		srv       *server
		userinfo  string
		query     string
		permanent bool
		code      int
		wantIn    string
	}{
		{name: "550 recipient", permanent: true, code: 550, wantIn: "550",
			srv: &server{rcptErr: &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "<nguyen.an@example.vn>: user unknown"}}},
		{name: "451 recipient", wantIn: "451",
			srv: &server{rcptErr: &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"}}},
		{name: "554 data", permanent: true, code: 554, wantIn: "554",
			srv: &server{dataErr: &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "content refused"}}},
		{name: "452 data", wantIn: "452",
			srv: &server{dataErr: &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 3, 1}, Message: "mailbox full"}}},
		{name: "553 sender is configuration, temporary", wantIn: "553",
			srv: &server{mailErr: &smtp.SMTPError{Code: 553, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "sender not allowed"}}},
		{name: "wrong password", userinfo: "motcua:wrong@", wantIn: "535",
			srv: &server{user: "motcua", pass: "right"}},
		{name: "tls required, server has none", query: "?tls=required", wantIn: "STARTTLS", srv: &server{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := tt.srv.start(t)
			c := newClient(t, "smtp://"+tt.userinfo+srv.addr+tt.query)
			_, err := c.Send(context.Background(), Message{To: to, Ref: "N1", Subject: "s", Text: "t"})
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
			if strings.Contains(strings.ToLower(err.Error()), "nguyen.an@") {
				t.Errorf("error %q leaks the address", err)
			}
			if len(srv.messages()) != 0 {
				t.Error("the server took the message")
			}
		})
	}
}

func TestSendClosedPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c := newClient(t, "smtp://"+addr)
	_, err = c.Send(context.Background(), Message{To: "an@example.vn", Ref: "N1", Subject: "s", Text: "t"})
	if err == nil || IsPermanent(err) {
		t.Fatalf("Send = %v, want a temporary error", err)
	}
}

func TestSendRefused(t *testing.T) {
	srv := (&server{}).start(t)
	c := newClient(t, "smtp://"+srv.addr)
	for _, m := range []Message{
		{To: "not an address", Ref: "N1", Text: "t"},
		{To: "An <an@example.vn>", Ref: "N1", Text: "t"},
		{To: "an@example.vn", Ref: "", Text: "t"},
		{To: "an@example.vn", Ref: "N1>\r\nBcc: x@y.vn", Text: "t"},
		{To: "an@example.vn", Ref: "N 1", Text: "t"},
		{To: "an@example.vn", Ref: "N1", Text: " "},
	} {
		_, err := c.Send(context.Background(), m)
		if !IsPermanent(err) {
			t.Errorf("Send(%q, %q) = %v, want a permanent error", m.To, m.Ref, err)
		}
	}
	if n := len(srv.messages()); n != 0 {
		t.Errorf("the server took %d messages", n)
	}
}

// A subject with line breaks is folded to one line, not a header injection.
func TestSendSubjectOneLine(t *testing.T) {
	srv := (&server{}).start(t)
	c := newClient(t, "smtp://"+srv.addr)
	if _, err := c.Send(context.Background(), Message{To: "an@example.vn", Ref: "N1",
		Subject: "Hồ sơ\r\nBcc: x@example.vn", Text: "t"}); err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(srv.messages()[0].data))
	if err != nil {
		t.Fatal(err)
	}
	if msg.Header.Get("Bcc") != "" {
		t.Error("a Bcc header was injected")
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if subject != "Hồ sơ Bcc: x@example.vn" {
		t.Errorf("Subject = %q", subject)
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name, url, from string
		ok              bool
		port            int
	}{
		{"smtp default port", "smtp://mail.example.vn", "a@example.vn", true, 25},
		{"smtp port", "smtp://u:p@mail.example.vn:587", "a@example.vn", true, 587},
		{"smtps default port", "smtps://u:p@mail.example.vn", "a@example.vn", true, 465},
		{"tls none", "smtp://mail.example.vn:25?tls=none", "a@example.vn", true, 25},
		{"tls required", "smtp://mail.example.vn:587?tls=required", "Tên <a@example.vn>", true, 587},
		{"tls bad", "smtp://mail.example.vn?tls=yes", "a@example.vn", false, 0},
		{"tls on smtps", "smtps://mail.example.vn?tls=none", "a@example.vn", false, 0},
		{"unknown parameter", "smtp://mail.example.vn?tsl=none", "a@example.vn", false, 0},
		{"http", "http://mail.example.vn", "a@example.vn", false, 0},
		{"no scheme", "mail.example.vn:25", "a@example.vn", false, 0},
		{"no host", "smtp://:25", "a@example.vn", false, 0},
		{"bad port", "smtp://mail.example.vn:99999", "a@example.vn", false, 0},
		{"path", "smtp://mail.example.vn/x", "a@example.vn", false, 0},
		{"empty", "", "a@example.vn", false, 0},
		{"bad from", "smtp://mail.example.vn", "nobody", false, 0},
		{"empty from", "smtp://mail.example.vn", "", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(Config{URL: tt.url, From: tt.from})
			if (err == nil) != tt.ok {
				t.Fatalf("New = %v; want ok=%v", err, tt.ok)
			}
			if err != nil {
				if strings.Contains(err.Error(), ":p@") {
					t.Errorf("error %q repeats the password", err)
				}
				return
			}
			if want := "mail.example.vn:" + strconv.Itoa(tt.port); c.smtp.ServerAddr() != want {
				t.Errorf("server = %q, want %q", c.smtp.ServerAddr(), want)
			}
		})
	}
}

func TestMaskAddress(t *testing.T) {
	tests := []struct{ in, want string }{
		{"nguyen.an@example.vn", "ng***@example.vn"},
		{"an@example.vn", "a***@example.vn"},
		{"a@example.vn", "***@example.vn"},
		{"noat", "****"},
	}
	for _, tt := range tests {
		if got := MaskAddress(tt.in); got != tt.want {
			t.Errorf("MaskAddress(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// testCert returns a server TLS configuration for 127.0.0.1 and a client
// one that trusts it.
func testCert(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "mx.test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}},
		&tls.Config{RootCAs: pool}
}

func TestSendTLS(t *testing.T) {
	serverTLS, clientTLS := testCert(t)
	tests := []struct {
		name     string
		srv      *server
		scheme   string
		query    string
		wantTLS  bool
		clientCA bool
		ok       bool
	}{
		{name: "starttls opportunistic", srv: &server{tls: serverTLS, user: "u", pass: "p"}, scheme: "smtp", clientCA: true, ok: true, wantTLS: true},
		{name: "starttls required", srv: &server{tls: serverTLS}, scheme: "smtp", query: "?tls=required", clientCA: true, ok: true, wantTLS: true},
		{name: "tls none stays clear", srv: &server{tls: serverTLS}, scheme: "smtp", query: "?tls=none", ok: true},
		{name: "smtps", srv: &server{tls: serverTLS, implicit: true, user: "u", pass: "p"}, scheme: "smtps", clientCA: true, ok: true, wantTLS: true},
		// An untrusted certificate fails, rather than falling back to clear text.
		{name: "starttls untrusted", srv: &server{tls: serverTLS}, scheme: "smtp"},
		{name: "smtps untrusted", srv: &server{tls: serverTLS, implicit: true}, scheme: "smtps"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := tt.srv.start(t)
			userinfo := ""
			if tt.srv.user != "" {
				userinfo = tt.srv.user + ":" + tt.srv.pass + "@"
			}
			cfg := Config{URL: tt.scheme + "://" + userinfo + srv.addr + tt.query, From: "a@example.vn", Timeout: 5 * time.Second}
			if tt.clientCA {
				cfg.TLS = clientTLS
			}
			c, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Send(context.Background(), Message{To: "an@example.vn", Ref: "N1", Subject: "s", Text: "t"})
			if !tt.ok {
				if err == nil || IsPermanent(err) {
					t.Fatalf("Send = %v, want a temporary error", err)
				}
				if n := len(srv.messages()); n != 0 {
					t.Errorf("the server took %d messages", n)
				}
				return
			}
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			got := srv.messages()
			if len(got) != 1 || got[0].tls != tt.wantTLS || got[0].user != tt.srv.user {
				t.Fatalf("received %+v, want one message, tls=%v, user=%q", got, tt.wantTLS, tt.srv.user)
			}
		})
	}
}

// The password goes in clear to the loopback interface (127.0.0.1) only:
// to any other host without TLS, authentication fails before it is sent.
func TestSendNoPasswordInClear(t *testing.T) {
	srv := (&server{host: "127.0.0.2", user: "u", pass: "p"}).start(t)
	c := newClient(t, "smtp://u:p@"+srv.addr)
	_, err := c.Send(context.Background(), Message{To: "an@example.vn", Ref: "N1", Subject: "s", Text: "t"})
	if err == nil || IsPermanent(err) {
		t.Fatalf("Send = %v, want a temporary error", err)
	}
	if !strings.Contains(err.Error(), "unencrypted") {
		t.Errorf("error %q does not say the connection is unencrypted", err)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.authSeen != 0 || len(srv.got) != 0 {
		t.Errorf("the server saw %d AUTH attempts and %d messages", srv.authSeen, len(srv.got))
	}
}

// One Client serves the job worker's concurrent sends.
func TestSendConcurrent(t *testing.T) {
	srv := (&server{user: "u", pass: "p"}).start(t)
	c := newClient(t, "smtp://u:p@"+srv.addr)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Go(func() {
			_, err := c.Send(context.Background(), Message{To: "an@example.vn", Ref: "N" + strconv.Itoa(i), Subject: "s", Text: "t"})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := len(srv.messages()); n != 8 {
		t.Errorf("received %d messages, want 8", n)
	}
}

// A server that takes the message and then drops the connection (before
// RSET and QUIT are answered) has the message: Send reports success, so
// that the worker does not send it twice.
func TestSendDeliveredThenDropped(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	took := make(chan bool, 1)
	go func() {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		rd := bufio.NewReader(conn)
		say := func(s string) { io.WriteString(conn, s+"\r\n") }
		say("220 mx.test ESMTP")
		inData := false
		for {
			line, err := rd.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\r\n")
			cmd := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
			switch {
			case inData && line == ".":
				inData = false
				say("250 2.0.0 queued")
				took <- true
			case inData:
			case cmd == "EHLO":
				say("250-mx.test")
				say("250 8BITMIME")
			case cmd == "MAIL" || cmd == "RCPT" || cmd == "NOOP":
				say("250 2.0.0 ok")
			case cmd == "DATA":
				inData = true
				say("354 go on")
			default: // RSET, QUIT: gone
				return
			}
		}
	}()
	c := newClient(t, "smtp://"+l.Addr().String())
	ref, err := c.Send(context.Background(), Message{To: "an@example.vn", Ref: "N1", Subject: "s", Text: "t"})
	if err != nil {
		t.Fatalf("Send = %v, want success: the server took the message", err)
	}
	if ref != "<N1@dongda.example.vn>" {
		t.Errorf("ref = %q", ref)
	}
	select {
	case <-took:
	default:
		t.Error("the server did not take the message")
	}
}
