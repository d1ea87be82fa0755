package population

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/motcua/motcua/internal/vn"
)

// Registry looks citizens up in the population database. The app depends on
// this interface so that tests and deployments without the platform can
// stand in their own.
type Registry interface {
	Lookup(ctx context.Context, q Query) (*Citizen, error)
}

// maxAnswer bounds the answer read: one citizen's envelope is a few
// kilobytes, and a platform gone wrong must not fill memory.
const maxAnswer = 1 << 20

// Client is the Registry over the integration platform's HTTP endpoint.
type Client struct {
	// URL is the lookup endpoint of the integration platform.
	URL string
	// Token is the platform's access token, sent in Header.
	Token string
	// Header names the header that carries Token; empty means
	// "Authorization" with the value "Bearer <Token>".
	Header string
	// Username and Password, when Username is set, are sent as HTTP basic
	// authentication (platforms that take a user and password instead).
	Username, Password string
	// IntegrationCode is our unit's code on the platform (MaTichHop).
	IntegrationCode string
	// EnvelopeField, when set, is the member of a JSON object answer that
	// holds the XML; empty means the answer is a bare JSON string.
	EnvelopeField string
	// HTTP is the client used; nil means http.DefaultClient. Set a Timeout
	// on it: the platform is remote and sometimes slow.
	HTTP *http.Client
}

// request is the body the platform takes; field names are the platform's.
type request struct {
	HoVaTen    string `json:"HoVaTen"`
	SoDinhDanh string `json:"SoDinhDanh"`
	Nam        string `json:"Nam"`
	MaTichHop  string `json:"MaTichHop"`
	MaDVC      string `json:"MaDVC"`
	MaCanBo    string `json:"MaCanBo"`
	MaYeuCau   string `json:"MaYeuCau"`
}

// Lookup checks q, asks the platform and returns the citizen whose ID
// number is q's. Errors: apperr.Invalid for a bad query (nothing is sent),
// apperr.NotFound when the database knows nobody so, *Error otherwise.
func (c *Client) Lookup(ctx context.Context, q Query) (*Citizen, error) {
	if err := q.Check(); err != nil {
		return nil, err
	}
	id := strings.TrimSpace(q.IDNumber)
	year := q.BirthYear
	if year == 0 {
		year = vn.IDBirthYear(id)
	}
	body, err := json.Marshal(request{
		HoVaTen:    platformName(q.FullName),
		SoDinhDanh: id,
		Nam:        strconv.Itoa(year),
		MaTichHop:  c.IntegrationCode,
		MaDVC:      strings.TrimSpace(q.ServiceCode),
		MaCanBo:    strings.TrimSpace(q.OfficerCode),
		MaYeuCau:   strings.TrimSpace(q.RequestID),
	})
	if err != nil {
		return nil, unavailable(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		// A bad URL is configuration, not the citizen's input; the cause
		// names the URL only.
		return nil, unavailable(err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Accept", "application/json")
	c.authorize(req)
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		// *url.Error names the method and URL, never the body: no personal
		// data reaches the log through it.
		return nil, unavailable(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		// The body is not kept: a platform may echo the request in it.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxAnswer))
		return nil, unavailable(fmt.Errorf("population: platform answered HTTP %d", resp.StatusCode))
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if err != nil {
		return nil, unavailable(err)
	}
	if len(data) > maxAnswer {
		return nil, badAnswer(errors.New("population: answer too large"))
	}
	people, err := parseAnswer(data, c.EnvelopeField)
	if errors.Is(err, errNoCitizen) {
		return nil, errNotFound()
	}
	if err != nil {
		return nil, badAnswer(err)
	}
	for i := range people {
		if people[i].IDNumber == id {
			return &people[i], nil
		}
	}
	return nil, badAnswer(errors.New("population: answer is about another ID number"))
}

// authorize sets the platform credential on req.
func (c *Client) authorize(req *http.Request) {
	if c.Username != "" {
		req.SetBasicAuth(c.Username, c.Password)
	}
	if c.Token == "" {
		return
	}
	if c.Header == "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
		return
	}
	req.Header.Set(c.Header, c.Token)
}

var _ Registry = (*Client)(nil)
