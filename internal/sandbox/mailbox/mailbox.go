// Package mailbox is a SANDBOX mail catcher: an SMTP server on the loopback
// interface that keeps what it receives, and a page showing it, so that a
// newcomer running motcua with --demo reads the e-mails citizens and
// officers would receive, offline, sent by the very client production uses
// (internal/notice/email).
//
// It is not a mail server and delivers nothing to anybody: motcua starts it
// only with --demo and no --smtp-url, points --smtp-url at URL(), and
// mounts the page under /sandbox/thu/. The page says so in Vietnamese and
// English.
//
// The SMTP side takes any sender and any recipient, offers neither AUTH
// nor STARTTLS (the client's opportunistic TLS then goes without), and
// refuses messages over MaxMessageBytes. Messages are decoded when they
// arrive — quoted-printable and base64 bodies, any charset the WHATWG
// encoding index knows, RFC 2047 subjects and names — and live in memory,
// the newest MaxMessages only; their raw bytes are not kept. Nothing about
// a message but its number and size is logged.
package mailbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// MaxMessages is how many messages the mailbox keeps; older ones are
// forgotten.
const MaxMessages = 200

// MaxMessageBytes is the largest message accepted (a notice is a few
// kilobytes); with MaxMessages it bounds the memory the mailbox holds.
const MaxMessageBytes = 1 << 20

// maxRecipients bounds the recipients of one message.
const maxRecipients = 100

// Message is one message the mailbox received, decoded.
type Message struct {
	// ID numbers the messages in the order they arrived, from 1.
	ID       int64
	Received time.Time
	// EnvelopeFrom and To are the SMTP envelope's sender and recipients
	// (MAIL FROM, RCPT TO): who the message was delivered to, Bcc
	// included.
	EnvelopeFrom string
	To           []string
	// From, HeaderTo, Cc and Subject are the headers, RFC 2047 words
	// decoded.
	From, HeaderTo, Cc, Subject string
	// MessageID is the Message-ID header, angle brackets included.
	MessageID string
	// Ref is the X-Motcua-Ref header, motcua's reference of the notice.
	Ref string
	// Date is the Date header as sent.
	Date string
	// Text and HTML are the first text/plain and text/html parts that are
	// not attachments, transfer encoding undone, in UTF-8.
	Text, HTML string
	// Attachments lists the other parts.
	Attachments []Attachment
	// Size is the message's size in bytes, as received.
	Size int
	// Problems says what could not be decoded, if anything.
	Problems []string
}

// Attachment is a part of a message that is neither its text nor its HTML.
type Attachment struct {
	Name, Type string
	Size       int // decoded
}

// Mailbox is the SMTP server and its messages; it is also the
// http.Handler of the page. It is safe for concurrent use.
type Mailbox struct {
	addr string
	l    net.Listener
	srv  *smtp.Server
	log  *slog.Logger
	now  func() time.Time

	closeOnce sync.Once
	closeErr  error
	stop      func() bool // unregisters the close on ctx's end

	mu   sync.Mutex
	msgs []*Message // oldest first, at most MaxMessages
	seq  int64
}

// Option configures a Mailbox.
type Option func(*Mailbox)

// WithLogger sets the logger (slog.Default() otherwise).
func WithLogger(l *slog.Logger) Option { return func(m *Mailbox) { m.log = l } }

// Start serves SMTP on 127.0.0.1, on a port the system chooses, until
// Close is called or ctx ends.
func Start(ctx context.Context, opts ...Option) (*Mailbox, error) {
	var lc net.ListenConfig
	l, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("starting the sandbox mailbox: listening on 127.0.0.1: %w", err)
	}
	m := &Mailbox{addr: l.Addr().String(), l: l, log: slog.Default(), now: time.Now}
	for _, o := range opts {
		o(m)
	}
	srv := smtp.NewServer(backend{m})
	srv.Domain = "hop-thu-thu-nghiem.invalid"
	srv.MaxMessageBytes = MaxMessageBytes
	srv.MaxRecipients = maxRecipients
	srv.ReadTimeout, srv.WriteTimeout = time.Minute, time.Minute
	// go-smtp's error log may quote what clients sent, addresses included.
	srv.ErrorLog = log.New(io.Discard, "", 0)
	m.srv = srv
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			m.log.Error("sandbox mailbox: serving SMTP stopped", "err", err)
		}
	}()
	m.stop = context.AfterFunc(ctx, func() { _ = m.Close() })
	return m, nil
}

// Addr is the SMTP server's address, host:port.
func (m *Mailbox) Addr() string { return m.addr }

// URL is the --smtp-url that sends to the mailbox: smtp://host:port.
func (m *Mailbox) URL() string { return "smtp://" + m.addr }

// Close stops the SMTP server and drops its connections; the page keeps
// working with the messages received.
func (m *Mailbox) Close() error {
	m.closeOnce.Do(func() {
		if m.stop != nil {
			m.stop()
		}
		err := m.srv.Close()
		// Serve may not have registered the listener yet, and then
		// srv.Close leaves it open: close it here too.
		if lerr := m.l.Close(); err == nil || errors.Is(err, net.ErrClosed) {
			err = lerr
		}
		if err != nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, smtp.ErrServerClosed) {
			m.closeErr = fmt.Errorf("closing the sandbox mailbox: %w", err)
		}
	})
	return m.closeErr
}

// Messages returns copies of the messages kept, newest first.
func (m *Mailbox) Messages() []Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Message, 0, len(m.msgs))
	for i := len(m.msgs) - 1; i >= 0; i-- {
		out = append(out, m.msgs[i].clone())
	}
	return out
}

// Message returns a copy of the message numbered id, if it is still kept.
func (m *Mailbox) Message(id int64) (Message, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, x := range m.msgs {
		if x.ID == id {
			return x.clone(), true
		}
	}
	return Message{}, false
}

func (x *Message) clone() Message {
	c := *x
	c.To = append([]string(nil), x.To...)
	c.Attachments = append([]Attachment(nil), x.Attachments...)
	c.Problems = append([]string(nil), x.Problems...)
	return c
}

// add keeps a decoded message, forgetting the oldest beyond MaxMessages.
func (m *Mailbox) add(x *Message) {
	m.mu.Lock()
	m.seq++
	x.ID = m.seq
	x.Received = m.now()
	m.msgs = append(m.msgs, x)
	if len(m.msgs) > MaxMessages {
		m.msgs[0] = nil
		m.msgs = m.msgs[1:]
	}
	m.mu.Unlock()
	m.log.Info("sandbox mailbox: message received", "id", x.ID, "bytes", x.Size)
}

type backend struct{ m *Mailbox }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{m: b.m}, nil }

// session is one SMTP connection's transaction.
type session struct {
	m    *Mailbox
	from string
	to   []string
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from, s.to = from, nil
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		// Too large, or the connection broke: go-smtp answers the client.
		return err
	}
	x := parse(raw)
	x.EnvelopeFrom, x.To = s.from, append([]string(nil), s.to...)
	s.m.add(x)
	return nil
}

func (s *session) Reset() { s.from, s.to = "", nil }

func (s *session) Logout() error { return nil }
