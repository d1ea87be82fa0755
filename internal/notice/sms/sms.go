package sms

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// DefaultTimeout bounds one request to the gateway when Config.Timeout is 0.
const DefaultTimeout = 15 * time.Second

// maxAnswer bounds how much of an answer is read: an id or an error message
// is a few hundred bytes, and a gateway gone wrong must not fill memory.
const maxAnswer = 64 << 10

// Message is one text message to one recipient.
type Message struct {
	// To is the recipient's mobile number; see Normalize for the accepted
	// forms.
	To string
	// Ref is our stable reference for this notice (e.g. "N12345"): a retry
	// of the same notice carries the same Ref, so that a gateway that
	// deduplicates on it sends once.
	Ref  string
	Text string
}

// Config configures a Client.
type Config struct {
	// URL is the gateway's send endpoint (http or https).
	URL string
	// Token is the bearer token of the gateway's API.
	Token string
	// ASCII strips Vietnamese diacritics from the text before sending, for
	// gateways (or brandname contracts) that take unaccented text only.
	ASCII bool
	// Timeout bounds one request; 0 means DefaultTimeout.
	Timeout time.Duration
	// HTTP is the client used; nil means http.DefaultClient.
	HTTP *http.Client
}

// Client sends text messages through the gateway. It is safe for concurrent
// use.
type Client struct {
	url     string
	token   string
	ascii   bool
	timeout time.Duration
	http    *http.Client
}

// New checks cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("sms: the gateway URL must be an absolute http or https URL")
	}
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, errors.New("sms: the gateway token is empty")
	}
	if cfg.Timeout < 0 {
		return nil, errors.New("sms: the timeout is negative")
	}
	c := &Client{url: cfg.URL, token: cfg.Token, ascii: cfg.ASCII, timeout: cfg.Timeout, http: cfg.HTTP}
	if c.timeout == 0 {
		c.timeout = DefaultTimeout
	}
	if c.http == nil {
		c.http = http.DefaultClient
	}
	return c, nil
}

// request is the body posted to the gateway.
type request struct {
	To   string `json:"to"`
	Text string `json:"text"`
	Ref  string `json:"ref"`
}

// Send delivers m and returns the gateway's reference for it, or m.Ref when
// the gateway's answer carries none.
func (c *Client) Send(ctx context.Context, m Message) (providerRef string, err error) {
	to, err := Normalize(m.To)
	if err != nil {
		return "", fmt.Errorf("sending the SMS %s: %w", m.Ref, err)
	}
	if strings.TrimSpace(m.Ref) == "" {
		return "", &PermanentError{Err: errors.New("sending an SMS: the message has no reference")}
	}
	text := m.Text
	if c.ascii {
		text = StripDiacritics(text)
	}
	if strings.TrimSpace(text) == "" {
		return "", &PermanentError{Err: fmt.Errorf("sending the SMS %s: the text is empty", m.Ref)}
	}
	body, err := json.Marshal(request{To: to, Text: text, Ref: m.Ref})
	if err != nil {
		return "", fmt.Errorf("sending the SMS %s: encoding the request: %w", m.Ref, err)
	}

	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("sending the SMS %s: %w", m.Ref, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		// Connection refused, reset, timeout: the gateway may come back.
		return "", fmt.Errorf("sending the SMS %s: %w", m.Ref, err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil && resp.StatusCode/100 != 2 {
		return "", fmt.Errorf("sending the SMS %s: reading the gateway's answer (%s): %w", m.Ref, resp.Status, err)
	}

	switch {
	case resp.StatusCode/100 == 2:
		// The gateway took the message: from here on, an error would make
		// the worker send it twice, so an unreadable answer is not one.
		if id := answerID(answer); id != "" {
			return id, nil
		}
		return m.Ref, nil
	case permanentStatus(resp.StatusCode):
		return "", fmt.Errorf("sending the SMS %s: %w", m.Ref, &PermanentError{
			Status: resp.StatusCode,
			Err:    fmt.Errorf("the gateway refused it (%s)%s", resp.Status, detail(answer, to)),
		})
	default:
		return "", fmt.Errorf("sending the SMS %s: the gateway failed (%s)%s", m.Ref, resp.Status, detail(answer, to))
	}
}

// permanentStatus reports whether an HTTP status refuses the message for
// good: a 4xx, except 408 (request timeout) and 429 (too many requests),
// which say "later". 401 and 403 count as permanent too: a wrong token is
// the operator's to fix, and the failed notices show it at once.
func permanentStatus(code int) bool {
	return code/100 == 4 && code != http.StatusRequestTimeout && code != http.StatusTooManyRequests
}

// answerID returns the "id" of a JSON answer, string or number, or "".
func answerID(answer []byte) string {
	var a struct {
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal(answer, &a) != nil || len(a.ID) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(a.ID, &s) == nil {
		return strings.TrimSpace(s)
	}
	var n json.Number
	if json.Unmarshal(a.ID, &n) == nil {
		if _, err := strconv.ParseFloat(n.String(), 64); err == nil {
			return n.String()
		}
	}
	return ""
}

// detail returns ": " and the gateway's explanation from an error answer —
// the "message" or "error" of a JSON body, else the body itself — on one
// line, cut to 200 characters, with the recipient's number masked; "" when
// there is nothing to say.
func detail(answer []byte, msisdn string) string {
	text := string(answer)
	var a struct {
		Message json.RawMessage `json:"message"`
		Error   json.RawMessage `json:"error"`
	}
	if json.Unmarshal(answer, &a) == nil {
		for _, raw := range []json.RawMessage{a.Message, a.Error} {
			var s string
			if len(raw) > 0 && json.Unmarshal(raw, &s) == nil && s != "" {
				text = s
				break
			}
		}
	}
	text = strings.Join(strings.FieldsFunc(text, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
	// Masked before it is cut, so that a cut cannot leave part of a number.
	text = scrub(text, msisdn)
	if r := []rune(text); len(r) > 200 {
		text = string(r[:200]) + "…"
	}
	if text == "" {
		return ""
	}
	return ": " + text
}
