package dvcqg

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/vn"
)

// Config is the deployment's connection to the portal. The paths of the
// three endpoints differ between the portal's environments and are not
// published in one place, so they are configuration, not code.
type Config struct {
	// URL is the portal API's base, e.g. "https://api.dichvucong.gov.vn";
	// empty disables the outbound sync.
	URL string
	// CreatePath, UpdatePath and ProgressPath are joined to URL: the
	// endpoints taking new dossiers, changed dossiers and process logs.
	CreatePath, UpdatePath, ProgressPath string
	// Token is the bearer token the portal issued to this system.
	Token string
	// InboundToken is the bearer token the portal must present when it
	// delivers dossiers to POST /api/v1/inbound/dvcqg; empty refuses every
	// delivery.
	InboundToken string
	// Timeout bounds one call; 0 is DefaultTimeout.
	Timeout time.Duration
	// FieldCodes maps our field names (catalog.Procedure.Field) to the
	// national catalogue's field codes (MaLinhVuc); our catalogue keeps
	// names only.
	FieldCodes map[string]string
}

// Enabled reports whether the outbound sync is configured.
func (c Config) Enabled() bool { return c.URL != "" }

// DefaultTimeout bounds one call to the portal.
const DefaultTimeout = 30 * time.Second

// ErrExists is the portal's answer to a create for a dossier it already has
// (error_code 3 or -3, "đã tồn tại"): the dossier is to be updated instead.
var ErrExists = errors.New("the national portal already has the dossier")

// PermanentError is a refusal of the portal that sending the same payload
// again will not change (a non-zero error_code other than "already
// exists"): the dossier's data must be fixed first.
type PermanentError struct {
	Endpoint string // create, update or progress
	Code     string
	Message  string
}

func (e *PermanentError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("the national portal refused the %s: error_code %s", e.Endpoint, e.Code)
	}
	return fmt.Sprintf("the national portal refused the %s: error_code %s: %s", e.Endpoint, e.Code, e.Message)
}

// IsPermanent reports whether err is a refusal that retrying will not cure.
func IsPermanent(err error) bool {
	var pe *PermanentError
	return errors.As(err, &pe)
}

// Client calls the portal's sync API. Every error but ErrExists and a
// PermanentError is temporary (server error, timeout, connection refused,
// an answer that is not the portal's JSON): the call may be retried as it
// is.
type Client struct {
	cfg  Config
	http *http.Client
}

// NewClient returns a client for cfg. hc may be nil (a client with the
// configured timeout is made).
func NewClient(cfg Config, hc *http.Client) *Client {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if hc == nil {
		hc = &http.Client{Timeout: cfg.Timeout}
	}
	return &Client{cfg: cfg, http: hc}
}

// Answer is the portal's reply to every call.
type Answer struct {
	ErrorCode Num    `json:"error_code"`
	Message   string `json:"message"`
}

// Create sends dossiers the portal does not have yet.
func (c *Client) Create(ctx context.Context, ds []HoSo) error {
	return c.post(ctx, "create", c.cfg.CreatePath, ds)
}

// Update sends the new state of dossiers the portal has.
func (c *Client) Update(ctx context.Context, ds []HoSo) error {
	return c.post(ctx, "update", c.cfg.UpdatePath, ds)
}

// Progress sends entries of dossiers' process logs.
func (c *Client) Progress(ctx context.Context, qs []QuaTrinh) error {
	return c.post(ctx, "progress", c.cfg.ProgressPath, qs)
}

// maxAnswer bounds what is read of an answer: the portal's is a few bytes.
const maxAnswer = 64 << 10

func (c *Client) post(ctx context.Context, endpoint, path string, payload any) error {
	body, err := json.Marshal(payload)
	if err != nil {
		return &PermanentError{Endpoint: endpoint, Code: "encode", Message: err.Error()}
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	url := strings.TrimSuffix(c.cfg.URL, "/") + "/" + strings.TrimPrefix(path, "/")
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return &PermanentError{Endpoint: endpoint, Code: "request", Message: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Accept", "application/json")
	if c.cfg.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.cfg.Token)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("calling the national portal's %s endpoint: %w", endpoint, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxAnswer))
	if err != nil {
		return fmt.Errorf("reading the national portal's %s answer: %w", endpoint, err)
	}
	if res.StatusCode >= 500 || res.StatusCode == http.StatusTooManyRequests || res.StatusCode == http.StatusRequestTimeout {
		return fmt.Errorf("the national portal's %s endpoint answered HTTP %d", endpoint, res.StatusCode)
	}
	var a Answer
	if err := json.Unmarshal(raw, &a); err != nil || a.ErrorCode == "" {
		if res.StatusCode >= 400 {
			// A 4xx without the portal's JSON (a refused token, a wrong
			// path) is configuration: retrying as it is will not help.
			return &PermanentError{Endpoint: endpoint, Code: fmt.Sprintf("HTTP %d", res.StatusCode), Message: snippet(raw)}
		}
		return fmt.Errorf("the national portal's %s answer is not its JSON (HTTP %d): %s", endpoint, res.StatusCode, snippet(raw))
	}
	switch code := strings.TrimSpace(string(a.ErrorCode)); {
	case code == "0":
		return nil
	case (code == "3" || code == "-3") && strings.Contains(strings.ToLower(vn.NFC(a.Message)), "đã tồn tại"):
		return ErrExists
	default:
		return &PermanentError{Endpoint: endpoint, Code: code, Message: a.Message}
	}
}

// snippet is the start of an unexpected answer, for the error.
func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}
