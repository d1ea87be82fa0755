package email

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/motcua/motcua/internal/vn"
)

// DefaultTimeout bounds connecting and each SMTP command when
// Config.Timeout is 0.
const DefaultTimeout = 30 * time.Second

// refHeader carries our reference, for bounces and support.
const refHeader = "X-Motcua-Ref"

// Message is one e-mail to one recipient.
type Message struct {
	// To is the recipient's bare address ("ten@example.vn").
	To string
	// Ref is our stable reference for this notice (e.g. "N12345"); it makes
	// the Message-ID, so it must be letters, digits, '.', '-' or '_'.
	Ref string
	// Subject may hold any Unicode; it is sent MIME-encoded.
	Subject string
	// Text is the plain-text body; it is required.
	Text string
	// HTML, when set, is sent as an alternative to Text.
	HTML string
}

// Config configures a Client.
type Config struct {
	// URL is the submission server: smtp://user:pass@host:port (STARTTLS
	// when the server offers it; ?tls=required insists on it, ?tls=none
	// never tries) or smtps://user:pass@host:port (TLS from the first
	// byte). The port defaults to 25 for smtp and 465 for smtps. User and
	// password are optional; when given, they are only ever sent over TLS
	// or to a server on the loopback interface.
	URL string
	// From is the sender, a bare address or "Tên <addr>"; its domain makes
	// the Message-IDs.
	From string
	// Timeout bounds connecting and each SMTP command; 0 means
	// DefaultTimeout.
	Timeout time.Duration
	// TLS, when set, is the TLS configuration of STARTTLS and smtps, for a
	// server whose certificate a private authority signed (RootCAs); its
	// ServerName defaults to the URL's host. nil means the system's roots.
	TLS *tls.Config
}

// Client sends e-mail. It is safe for concurrent use; each Send opens its
// own connection.
type Client struct {
	smtp   *gomail.Client
	from   *mail.Address
	domain string
}

// New checks cfg and returns a Client. It does not connect.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil {
		// url.Error repeats the URL, password included.
		return nil, errors.New("email: the SMTP URL does not parse")
	}
	host := u.Hostname()
	if host == "" {
		return nil, errors.New("email: the SMTP URL has no host")
	}
	if u.Path != "" && u.Path != "/" {
		return nil, errors.New("email: the SMTP URL has a path; it takes none")
	}
	timeout := cfg.Timeout
	if timeout < 0 {
		return nil, errors.New("email: the timeout is negative")
	}
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	opts := []gomail.Option{gomail.WithTimeout(timeout)}

	q := u.Query()
	for k := range q {
		if k != "tls" {
			return nil, fmt.Errorf("email: unknown SMTP URL parameter %q (only tls is known)", k)
		}
	}
	port := 25
	switch u.Scheme {
	case "smtp":
		switch q.Get("tls") {
		case "", "opportunistic":
			opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
		case "required":
			opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
		case "none":
			opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
		default:
			return nil, fmt.Errorf("email: tls=%q in the SMTP URL: want none, opportunistic or required", q.Get("tls"))
		}
	case "smtps":
		if q.Has("tls") {
			return nil, errors.New("email: tls= in an smtps URL: smtps is always TLS")
		}
		port = 465
		opts = append(opts, gomail.WithSSL())
	default:
		return nil, errors.New("email: the SMTP URL must start with smtp:// or smtps://")
	}
	if p := u.Port(); p != "" {
		port, err = strconv.Atoi(p)
		if err != nil || port < 1 || port > 65535 {
			return nil, errors.New("email: the port of the SMTP URL is not a port number")
		}
	}
	opts = append(opts, gomail.WithPort(port))
	if cfg.TLS != nil {
		tc := cfg.TLS.Clone()
		if tc.ServerName == "" {
			tc.ServerName = host
		}
		opts = append(opts, gomail.WithTLSConfig(tc))
	}

	if u.User != nil && u.User.Username() != "" {
		pass, _ := u.User.Password()
		// Opportunistic: the first mechanism of this list the server
		// offers. PLAIN and LOGIN refuse to send the password in clear to
		// anything but the loopback interface, so a server without TLS
		// gets an error, not the password.
		opts = append(opts,
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthSCRAMSHA256, gomail.SMTPAuthSCRAMSHA1,
				gomail.SMTPAuthPlain, gomail.SMTPAuthLogin),
			gomail.WithUsername(u.User.Username()), gomail.WithPassword(pass))
	}

	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("email: the sender %q is not an address: %w", cfg.From, err)
	}
	at := strings.LastIndexByte(from.Address, '@')
	if at < 1 || at == len(from.Address)-1 {
		return nil, fmt.Errorf("email: the sender %q has no domain", cfg.From)
	}

	c, err := gomail.NewClient(host, opts...)
	if err != nil {
		return nil, fmt.Errorf("email: configuring the SMTP client: %w", err)
	}
	return &Client{smtp: c, from: from, domain: from.Address[at+1:]}, nil
}

// refPattern is what a reference may hold to make a Message-ID's left part
// (a dot-atom, RFC 5322 §3.6.4) without quoting.
var refPattern = regexp.MustCompile(`^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$`)

// MessageID returns the Message-ID of the notice ref, angle brackets
// included: the same reference always makes the same id.
func (c *Client) MessageID(ref string) string {
	return "<" + ref + "@" + c.domain + ">"
}

// Send delivers m and returns its Message-ID.
func (c *Client) Send(ctx context.Context, m Message) (providerRef string, err error) {
	if !refPattern.MatchString(m.Ref) || len(m.Ref) > 64 {
		return "", &PermanentError{Err: errors.New("sending an e-mail: the reference must be 1 to 64 letters, digits, '.', '-' or '_'")}
	}
	if err := vn.CheckEmail(m.To); err != nil {
		return "", fmt.Errorf("sending the e-mail %s: %w", m.Ref, &PermanentError{
			Err: fmt.Errorf("the recipient address is unusable: %w", err)})
	}
	if strings.TrimSpace(m.Text) == "" {
		return "", &PermanentError{Err: fmt.Errorf("sending the e-mail %s: the text is empty", m.Ref)}
	}
	to := strings.TrimSpace(m.To)

	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(c.from)
	if err := msg.To(to); err != nil {
		return "", fmt.Errorf("sending the e-mail %s: %w", m.Ref, &PermanentError{
			Err: errors.New("the recipient address is unusable")})
	}
	// A line break in a header would end it; people's subjects come from
	// templates and data, so fold them to one line instead of failing.
	msg.Subject(strings.Join(strings.Fields(m.Subject), " "))
	id := c.MessageID(m.Ref)
	msg.SetMessageIDWithValue(strings.Trim(id, "<>"))
	msg.SetGenHeader(refHeader, m.Ref)
	msg.SetDate()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if strings.TrimSpace(m.HTML) != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}

	// Once the server has taken the message (250 to the end of DATA), a
	// failing RSET or QUIT does not undo it: reporting an error would make
	// the worker send it again.
	if err := c.smtp.DialAndSendWithContext(ctx, msg); err != nil && !msg.IsDelivered() {
		return "", classify(m.Ref, to, err)
	}
	return id, nil
}

// classify turns go-mail's error into ours: permanent for a 5xx reply to the
// recipient or the message, temporary otherwise, and in both cases with the
// recipient's address masked.
func classify(ref, to string, err error) error {
	text := fmt.Sprintf("sending the e-mail %s: %s", ref, maskAddress(err.Error(), to))
	var se *gomail.SendError
	if !errors.As(err, &se) {
		// Connecting, greeting, STARTTLS, AUTH: nothing about this message.
		return &masked{text: text, err: err}
	}
	code := se.ErrorCode()
	switch se.Reason {
	case gomail.ErrSMTPRcptTo, gomail.ErrSMTPData, gomail.ErrSMTPDataClose:
		if code >= 500 && code < 600 {
			return &PermanentError{Code: code, Enhanced: se.EnhancedStatusCode(), Err: &masked{text: text, err: err}}
		}
	}
	// A 5xx to MAIL FROM refuses our sender, which is configuration and
	// refuses every message alike: retrying lets them all go once it is
	// fixed, where failing would lose them.
	return &masked{text: text, err: err}
}

// maskAddress replaces addr, in any letter case, in text by its mask.
func maskAddress(text, addr string) string {
	if addr == "" {
		return text
	}
	re := regexp.MustCompile(`(?i)` + regexp.QuoteMeta(addr))
	return re.ReplaceAllLiteralString(text, MaskAddress(addr))
}

// MaskAddress hides an address for logs and errors: "nguyen.an@example.vn"
// becomes "ng***@example.vn". The domain stays: it tells which mail system
// refused.
func MaskAddress(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return strings.Repeat("*", len([]rune(addr)))
	}
	local := []rune(addr[:at])
	keep := 2
	if len(local) <= 4 {
		keep = 1
	}
	if len(local) <= 1 {
		keep = 0
	}
	return string(local[:keep]) + "***" + addr[at:]
}
