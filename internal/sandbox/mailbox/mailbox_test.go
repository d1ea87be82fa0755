package mailbox_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/smtp"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/notice/email"
	"github.com/motcua/motcua/internal/sandbox/mailbox"
)

var quiet = mailbox.WithLogger(slog.New(slog.DiscardHandler))

func start(t *testing.T) *mailbox.Mailbox {
	t.Helper()
	m, err := mailbox.Start(t.Context(), quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Error(err)
		}
	})
	return m
}

// crlf turns the test's LF line ends into SMTP's CRLF.
func crlf(s string) []byte { return []byte(strings.ReplaceAll(s, "\n", "\r\n")) }

// Hand-written messages in the encodings senders use.
const (
	// multipart/alternative: a quoted-printable text part, a base64 HTML
	// part holding a script, a UTF-8 base64 subject.
	alternative = `From: =?UTF-8?Q?M=E1=BB=99t_c=E1=BB=ADa?= <motcua@hanoi.example.vn>
To: an.nguyen@example.vn
Subject: =?UTF-8?B?SOG7kyBzxqEgRzAxLjEyMyDEkcOjIMSRxrDhu6NjIHRp4bq/cCBuaOG6rW4=?=
Message-ID: <N1@hanoi.example.vn>
X-Motcua-Ref: N1
Date: Sat, 05 Dec 2026 16:30:00 +0700
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b1"

--b1
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

K=C3=ADnh g=E1=BB=ADi =C3=B4ng Nguy=E1=BB=85n V=C4=83n An,
h=E1=BB=93 s=C6=A1 G01.123 =C4=91=C3=A3 =C4=91=C6=B0=E1=BB=A3c ti=E1=BA=BF=
p nh=E1=BA=ADn.
--b1
Content-Type: text/html; charset=UTF-8
Content-Transfer-Encoding: base64

PHA+SOG7kyBzxqEgPGI+RzAxLjEyMzwvYj48L3A+PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==
--b1--
`
	// A message without MIME: 7-bit text, a Q-encoded ISO-8859-1 subject.
	plain = `From: robot@example.vn
To: b@example.vn
Subject: =?ISO-8859-1?Q?Caf=E9_s=E1ng?=
Message-ID: <p1@example.vn>

Hello,
plain 7-bit text.
`
	// multipart/mixed: Latin-1 text and a PDF with an RFC 2231 name.
	mixed = `From: a@example.vn
To: b@example.vn
Subject: =?UTF-8?Q?K=E1=BA=BFt_qu=E1=BA=A3?=
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=outer

--outer
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

Caf=E9 cr=E8me
--outer
Content-Type: application/pdf
Content-Disposition: attachment; filename*=UTF-8''Gi%E1%BA%A5y%20ph%C3%A9p.pdf
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--outer--
`
	// Broken base64 and an unknown charset: shown as far as it goes.
	broken = `From: a@example.vn
Subject: broken
MIME-Version: 1.0
Content-Type: text/plain; charset=x-nonsense
Content-Transfer-Encoding: base64

SGVsbG8g!!!notbase64
`
)

// TestReceiveNetSMTP: messages sent with net/smtp are kept newest first
// and decoded: RFC 2047 subjects and names, quoted-printable and base64
// bodies, charsets, attachments; what cannot be decoded is noted, not
// fatal.
func TestReceiveNetSMTP(t *testing.T) {
	m := start(t)
	for _, raw := range []string{alternative, plain, mixed, broken} {
		if err := smtp.SendMail(m.Addr(), nil, "motcua@hanoi.example.vn", []string{"an.nguyen@example.vn", "bcc@example.vn"}, crlf(raw)); err != nil {
			t.Fatal(err)
		}
	}
	got := m.Messages()
	if len(got) != 4 {
		t.Fatalf("%d messages, want 4", len(got))
	}
	for _, tc := range []struct {
		name          string
		x             mailbox.Message
		from, subject string
		text, html    string
		msgID, ref    string
		attachments   []mailbox.Attachment
		problems      bool
	}{
		{"alternative", got[3], "Một cửa <motcua@hanoi.example.vn>", "Hồ sơ G01.123 đã được tiếp nhận",
			"Kính gửi ông Nguyễn Văn An,\r\nhồ sơ G01.123 đã được tiếp nhận.", "<p>Hồ sơ <b>G01.123</b></p><script>alert(1)</script>",
			"<N1@hanoi.example.vn>", "N1", nil, false},
		{"plain", got[2], "robot@example.vn", "Café sáng", "Hello,\r\nplain 7-bit text.\r\n", "", "<p1@example.vn>", "", nil, false},
		{"mixed", got[1], "a@example.vn", "Kết quả", "Café crème", "", "", "",
			[]mailbox.Attachment{{Name: "Giấy phép.pdf", Type: "application/pdf", Size: 9}}, false},
		{"broken", got[0], "a@example.vn", "broken", "Hello ", "", "", "", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := tc.x
			if x.From != tc.from || x.Subject != tc.subject || x.MessageID != tc.msgID || x.Ref != tc.ref {
				t.Errorf("from %q subject %q id %q ref %q", x.From, x.Subject, x.MessageID, x.Ref)
			}
			if x.Text != tc.text || x.HTML != tc.html {
				t.Errorf("text %q\nhtml %q", x.Text, x.HTML)
			}
			if fmt.Sprint(x.Attachments) != fmt.Sprint(tc.attachments) {
				t.Errorf("attachments %v, want %v", x.Attachments, tc.attachments)
			}
			if (len(x.Problems) > 0) != tc.problems {
				t.Errorf("problems %q", x.Problems)
			}
			if x.EnvelopeFrom != "motcua@hanoi.example.vn" || strings.Join(x.To, ",") != "an.nguyen@example.vn,bcc@example.vn" {
				t.Errorf("envelope %q → %q", x.EnvelopeFrom, x.To)
			}
			if x.Received.IsZero() || x.Size == 0 {
				t.Errorf("received %v size %d", x.Received, x.Size)
			}
		})
	}
	if got[0].ID <= got[1].ID {
		t.Error("messages are not newest first")
	}
}

// TestReceiveEmailClient: motcua's own e-mail client, pointed at URL(),
// delivers, and the mailbox reads back its subject, Message-ID and both
// parts as sent.
func TestReceiveEmailClient(t *testing.T) {
	m := start(t)
	c, err := email.New(email.Config{URL: m.URL(), From: "Một cửa Hà Nội <motcua@hanoi.example.vn>", Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	subject := "Hồ sơ G01.123-251205-0001 đã được tiếp nhận — hẹn trả ngày 12/12/2026"
	text := "Kính gửi bà Trần Thị Bích Ngọc,\nhồ sơ của bà đã được tiếp nhận. Xin cảm ơn."
	html := "<p>Kính gửi bà <strong>Trần Thị Bích Ngọc</strong>,</p><p>hồ sơ đã được tiếp nhận.</p>"
	id, err := c.Send(t.Context(), email.Message{To: "ngoc.tran@example.vn", Ref: "N42", Subject: subject, Text: text, HTML: html})
	if err != nil {
		t.Fatal(err)
	}
	got := m.Messages()
	if len(got) != 1 {
		t.Fatalf("%d messages, want 1", len(got))
	}
	x := got[0]
	norm := func(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }
	if x.Subject != subject || x.MessageID != id || x.Ref != "N42" || norm(x.Text) != text || norm(x.HTML) != html {
		t.Errorf("got subject %q id %q (want %q) ref %q\ntext %q\nhtml %q", x.Subject, x.MessageID, id, x.Ref, x.Text, x.HTML)
	}
	if !strings.Contains(x.From, "Một cửa Hà Nội") || strings.Join(x.To, ",") != "ngoc.tran@example.vn" {
		t.Errorf("from %q to %q", x.From, x.To)
	}
}

func get(t *testing.T, srv *httptest.Server, path string) (int, string, http.Header) {
	t.Helper()
	res, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header
}

// TestPage: the list and a message's page carry the sandbox label, show
// the decoded subject and Message-ID, and never put the e-mail's HTML raw
// into the page: it is escaped in a sandboxed iframe's srcdoc and in a
// <pre>.
func TestPage(t *testing.T) {
	m := start(t)
	if err := smtp.SendMail(m.Addr(), nil, "motcua@hanoi.example.vn", []string{"an.nguyen@example.vn"}, crlf(alternative)); err != nil {
		t.Fatal(err)
	}
	evil := strings.Replace(plain, "Caf=E9_s=E1ng", "<script>alert(2)</script>", 1)
	if err := smtp.SendMail(m.Addr(), nil, "x@example.vn", []string{"y@example.vn"}, crlf(evil)); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/sandbox/thu/", m)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	label := []string{"THỬ NGHIỆM — không phải hộp thư thật", "SANDBOX — not a real mail server"}

	status, list, h := get(t, srv, "/sandbox/thu/")
	if status != 200 || h.Get("X-Frame-Options") != "DENY" || !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Fatalf("list: %d %v", status, h)
	}
	for _, want := range append(label, "Hồ sơ G01.123 đã được tiếp nhận", "&lt;N1@hanoi.example.vn&gt;", "an.nguyen@example.vn",
		`href="?id=1"`, "&lt;script&gt;alert(2)&lt;/script&gt;") {
		if !strings.Contains(list, want) {
			t.Errorf("list lacks %q", want)
		}
	}
	if strings.Contains(list, "<script>") {
		t.Error("list renders a subject's markup")
	}
	if strings.Index(list, "?id=2") > strings.Index(list, "?id=1") {
		t.Error("list is not newest first")
	}

	status, one, _ := get(t, srv, "/sandbox/thu/?id=1")
	if status != 200 {
		t.Fatalf("message: %d", status)
	}
	for _, want := range append(label,
		"Kính gửi ông Nguyễn Văn An,", `<iframe id="html" title="HTML" sandbox="" referrerpolicy="no-referrer" srcdoc="&lt;p&gt;Hồ sơ &lt;b&gt;G01.123&lt;/b&gt;&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;">`,
		`<pre id="html-source">&lt;p&gt;Hồ sơ &lt;b&gt;G01.123&lt;/b&gt;&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;</pre>`,
		"X-Motcua-Ref", "N1") {
		if !strings.Contains(one, want) {
			t.Errorf("message page lacks %q", want)
		}
	}
	if strings.Contains(one, "<script>") || strings.Contains(one, "<b>G01") {
		t.Error("message page renders the e-mail's HTML raw")
	}
	for _, id := range []string{"99", "x", "-1"} {
		if status, body, _ := get(t, srv, "/sandbox/thu/?id="+id); status != 404 || !strings.Contains(body, label[0]) {
			t.Errorf("?id=%s: %d", id, status)
		}
	}
}

// TestBounded: only the newest MaxMessages are kept, and a message over
// MaxMessageBytes is refused and not kept.
func TestBounded(t *testing.T) {
	m := start(t)
	c, err := smtp.Dial(m.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	send := func(body string) error {
		if err := c.Mail("a@example.vn"); err != nil {
			return err
		}
		if err := c.Rcpt("b@example.vn"); err != nil {
			return err
		}
		w, err := c.Data()
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, body); err != nil {
			return err
		}
		return w.Close()
	}
	for i := 1; i <= mailbox.MaxMessages+1; i++ {
		if err := send(fmt.Sprintf("Subject: thư %d\r\n\r\nx\r\n", i)); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	got := m.Messages()
	if len(got) != mailbox.MaxMessages || got[0].Subject != fmt.Sprintf("thư %d", mailbox.MaxMessages+1) || got[len(got)-1].Subject != "thư 2" {
		t.Fatalf("%d messages, newest %q, oldest %q", len(got), got[0].Subject, got[len(got)-1].Subject)
	}
	if _, ok := m.Message(1); ok {
		t.Error("the oldest message is still kept")
	}
	big := "Subject: big\r\n\r\n" + strings.Repeat(strings.Repeat("a", 998)+"\r\n", mailbox.MaxMessageBytes/1000+1)
	if err := send(big); err == nil {
		t.Error("a message over MaxMessageBytes was accepted")
	}
	_ = c.Reset()
	if got := m.Messages(); got[0].Subject == "big" {
		t.Error("the refused message was kept")
	}
}

// TestClose: Close and the end of Start's context stop the SMTP server.
func TestClose(t *testing.T) {
	m := start(t)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if c, err := net.DialTimeout("tcp", m.Addr(), 2*time.Second); err == nil {
		c.Close()
		t.Error("still listening after Close")
	}
	ctx, cancel := context.WithCancel(context.Background())
	m2, err := mailbox.Start(ctx, quiet)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", m2.Addr(), 2*time.Second)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("still listening after the context ended")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := m2.Close(); err != nil {
		t.Error(err)
	}
}
