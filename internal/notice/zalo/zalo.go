package zalo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
)

// DefaultURL is ZNS's send endpoint.
const DefaultURL = "https://business.openapi.zalo.me/message/template"

// DefaultTimeout bounds one request when Config.Timeout is 0.
const DefaultTimeout = 15 * time.Second

// maxAnswer bounds how much of an answer is read.
const maxAnswer = 64 << 10

// DefaultRetryCodes returns the non-zero ZNS error codes treated as temporary,
// from Zalo's table of error codes (zalo.cloud, "Cách xử lý mã lỗi"); every
// other non-zero code is permanent. They are the codes that say "later"
// rather than "never":
//
//	-100  unknown error; Zalo's own advice is to try again later
//	-115  out of quota: the ZNS account's balance is spent until topped up
//	-133  outside the hours ZNS may be sent (night time)
//	-144  the Official Account's daily quota is spent
//	-147  the template's daily quota is spent
//
// Codes such as -124 (invalid access token) are the operator's to fix and
// stay permanent, so that the failed notices show the fault at once. The
// table changes over time: a deployment overrides the list with
// Config.RetryCodes rather than waiting for a release.
func DefaultRetryCodes() []int { return []int{-100, -115, -133, -144, -147} }

// Message is one template message to one recipient.
type Message struct {
	// To is the recipient's mobile number; see Normalize for the accepted
	// forms.
	To string
	// Ref is our stable reference for this notice (e.g. "N12345"), sent as
	// tracking_id so that Zalo's delivery reports can be matched to it.
	Ref string
	// Template is the id of the approved ZNS template.
	Template string
	// Data fills the template's parameters (template_data).
	Data map[string]string
}

// Config configures a Client.
type Config struct {
	// URL is the send endpoint; "" means DefaultURL.
	URL string
	// AccessToken is the Official Account's access token. It expires (about
	// a day); the caller refreshes it and makes a new Client.
	AccessToken string
	// Timeout bounds one request; 0 means DefaultTimeout.
	Timeout time.Duration
	// HTTP is the client used; nil means http.DefaultClient.
	HTTP *http.Client
	// RetryCodes are the non-zero ZNS error codes that are temporary; nil
	// means DefaultRetryCodes().
	RetryCodes []int
}

// Client sends ZNS messages. It is safe for concurrent use.
type Client struct {
	url        string
	token      string
	timeout    time.Duration
	http       *http.Client
	retryCodes []int
}

// New checks cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	c := &Client{url: cfg.URL, token: cfg.AccessToken, timeout: cfg.Timeout, http: cfg.HTTP, retryCodes: slices.Clone(cfg.RetryCodes)}
	if c.url == "" {
		c.url = DefaultURL
	}
	u, err := url.Parse(c.url)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("zalo: the ZNS URL must be an absolute http or https URL")
	}
	if strings.TrimSpace(c.token) == "" {
		return nil, errors.New("zalo: the access token is empty")
	}
	if c.timeout < 0 {
		return nil, errors.New("zalo: the timeout is negative")
	}
	if c.timeout == 0 {
		c.timeout = DefaultTimeout
	}
	if c.http == nil {
		c.http = http.DefaultClient
	}
	if c.retryCodes == nil {
		c.retryCodes = DefaultRetryCodes()
	}
	return c, nil
}

// request is the body posted to ZNS.
type request struct {
	Phone        string            `json:"phone"`
	TemplateID   string            `json:"template_id"`
	TemplateData map[string]string `json:"template_data"`
	TrackingID   string            `json:"tracking_id"`
}

// answer is ZNS's answer. Error is a pointer so that an answer without it
// (a proxy's page, say) is not read as success.
type answer struct {
	Error   *int   `json:"error"`
	Message string `json:"message"`
	Data    struct {
		MsgID string `json:"msg_id"`
	} `json:"data"`
}

// Send delivers m and returns ZNS's msg_id for it.
func (c *Client) Send(ctx context.Context, m Message) (providerRef string, err error) {
	phone, err := Normalize(m.To)
	if err != nil {
		return "", fmt.Errorf("sending the ZNS message %s: %w", m.Ref, err)
	}
	if strings.TrimSpace(m.Ref) == "" {
		return "", &PermanentError{Err: errors.New("sending a ZNS message: the message has no reference")}
	}
	if strings.TrimSpace(m.Template) == "" {
		return "", &PermanentError{Err: fmt.Errorf("sending the ZNS message %s: no template id", m.Ref)}
	}
	data := m.Data
	if data == nil {
		data = map[string]string{} // ZNS wants an object, not null
	}
	body, err := json.Marshal(request{Phone: phone, TemplateID: m.Template, TemplateData: data, TrackingID: m.Ref})
	if err != nil {
		return "", fmt.Errorf("sending the ZNS message %s: encoding the request: %w", m.Ref, err)
	}

	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("sending the ZNS message %s: %w", m.Ref, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("access_token", c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return "", fmt.Errorf("sending the ZNS message %s: %w", m.Ref, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return "", fmt.Errorf("sending the ZNS message %s: reading the answer (%s): %w", m.Ref, resp.Status, err)
	}

	var a answer
	jsonErr := json.Unmarshal(raw, &a)
	switch {
	case resp.StatusCode/100 == 4 && resp.StatusCode != http.StatusRequestTimeout && resp.StatusCode != http.StatusTooManyRequests &&
		!(jsonErr == nil && a.Error != nil && slices.Contains(c.retryCodes, *a.Error)):
		// A 4xx is final, unless ZNS's own code in it says "later".
		code := 0
		if jsonErr == nil && a.Error != nil {
			code = *a.Error
		}
		return "", fmt.Errorf("sending the ZNS message %s: %w", m.Ref, &PermanentError{
			Code: code, Status: resp.StatusCode,
			Err: fmt.Errorf("ZNS refused it (%s%s)%s", resp.Status, codeText(a, jsonErr), detail(a.Message, raw, jsonErr, phone)),
		})
	case resp.StatusCode/100 != 2:
		return "", fmt.Errorf("sending the ZNS message %s: ZNS failed (%s%s)%s", m.Ref, resp.Status, codeText(a, jsonErr), detail(a.Message, raw, jsonErr, phone))
	case jsonErr != nil || a.Error == nil:
		// We cannot tell whether it was sent; retrying risks a duplicate,
		// not retrying risks a notice never sent, and the latter is worse.
		return "", fmt.Errorf("sending the ZNS message %s: unreadable answer (%s)%s", m.Ref, resp.Status, detail("", raw, jsonErr, phone))
	case *a.Error == 0:
		if a.Data.MsgID == "" {
			return m.Ref, nil
		}
		return a.Data.MsgID, nil
	case slices.Contains(c.retryCodes, *a.Error):
		return "", fmt.Errorf("sending the ZNS message %s: ZNS error %d%s", m.Ref, *a.Error, detail(a.Message, nil, nil, phone))
	default:
		return "", fmt.Errorf("sending the ZNS message %s: %w", m.Ref, &PermanentError{
			Code: *a.Error,
			Err:  fmt.Errorf("ZNS error %d%s", *a.Error, detail(a.Message, nil, nil, phone)),
		})
	}
}

// codeText returns ", error N" when an HTTP error answer carries ZNS's code.
func codeText(a answer, jsonErr error) string {
	if jsonErr != nil || a.Error == nil {
		return ""
	}
	return fmt.Sprintf(", error %d", *a.Error)
}

// detail returns ": " and ZNS's explanation — its message, else (when the
// answer was not JSON) the raw answer — on one line, cut to 200 characters,
// with the recipient's number masked; "" when there is nothing to say.
func detail(message string, raw []byte, jsonErr error, msisdn string) string {
	text := message
	if text == "" && jsonErr != nil {
		text = string(raw)
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
