package population

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/org"
)

// memLog is a LookupLog in memory; fail makes recording fail.
type memLog struct {
	lines []Lookup
	fail  bool
}

func (m *memLog) RecordLookup(_ context.Context, l *Lookup) error {
	if m.fail {
		return errors.New("disk full")
	}
	l.ID = int64(len(m.lines) + 1)
	m.lines = append(m.lines, *l)
	return nil
}

var (
	officer = Requester{AccountID: 7, Name: "Cán bộ Một", Kind: KindOfficer, UnitID: 3, UnitCode: "000.01.02.H26",
		UnitPath: "/1/2/3/", Roles: []org.Role{org.RoleReceptionist}, OfficerCode: "rec.x"}
	citizen = Requester{AccountID: 9, Name: "Nguyễn Văn Đức", Kind: KindCitizen, IDNumber: "001090012345", Verified: true}
)

// TestServiceRules: each rule refuses, and every attempt, refused or not,
// is recorded with who, unit, purpose, request id and outcome; the slog
// line never holds the ID number or name.
func TestServiceRules(t *testing.T) {
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer down.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	calls := 0
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.Write(sample(t))
	}))
	defer up.Close()
	nobody := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.Write([]byte(envelopeJSON(`<CongdanCollection/>`)))
	}))
	defer nobody.Close()
	now := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	noPurpose := query
	noPurpose.ServiceCode = ""
	noRequestID := query
	noRequestID.RequestID = ""
	other := query
	other.IDNumber = "001195004321"
	unverified := citizen
	unverified.Verified = false
	roleless := officer
	roleless.Roles = nil
	for _, tc := range []struct {
		name     string
		url      string // "" = no registry
		who      Requester
		q        Query
		outcome  Outcome
		kind     apperr.Kind
		code     string
		platform int // calls expected
	}{
		{"officer found", up.URL, officer, query, OutcomeFound, 0, "", 1},
		{"officer found, request id generated", up.URL, officer, noRequestID, OutcomeFound, 0, "", 1},
		{"citizen own record", up.URL, citizen, query, OutcomeFound, 0, "", 1},
		{"no purpose", up.URL, officer, noPurpose, OutcomeRefused, apperr.Invalid, CodeQueryInvalid, 0},
		{"citizen looks up another", up.URL, citizen, other, OutcomeRefused, apperr.Forbidden, CodeNotOwn, 0},
		{"citizen not verified", up.URL, unverified, query, OutcomeRefused, apperr.Forbidden, CodeNotOwn, 0},
		{"officer without a role", up.URL, roleless, query, OutcomeRefused, apperr.Forbidden, CodeNoRole, 0},
		{"nobody", up.URL, Requester{}, query, OutcomeRefused, apperr.Forbidden, CodeNoRole, 0},
		{"not found", nobody.URL, officer, query, OutcomeNotFound, apperr.NotFound, CodeNotFound, 1},
		{"provider answers 500", down.URL, officer, query, OutcomeUnavailable, apperr.Unavailable, CodeUnavailable, 0},
		{"provider closed", closedURL, officer, query, OutcomeUnavailable, apperr.Unavailable, CodeUnavailable, 0},
		{"not configured", "", officer, query, OutcomeUnavailable, apperr.Unavailable, CodeNotConfigured, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls = 0
			var out bytes.Buffer
			lg := &memLog{}
			s := &Service{Log: lg, Now: func() time.Time { return now }, Slog: slog.New(slog.NewTextHandler(&out, nil))}
			if tc.url != "" {
				s.Registry = &Client{URL: tc.url, HTTP: &http.Client{Timeout: 2 * time.Second}}
			}
			c, err := s.Lookup(context.Background(), tc.who, tc.q, "000.01.02.H26-261205-0001")
			if tc.outcome == OutcomeFound {
				if err != nil || c == nil || c.IDNumber != tc.q.IDNumber {
					t.Fatalf("Lookup = %+v, %v", c, err)
				}
			} else {
				e, ok := apperr.As(err)
				if c != nil || !ok || e.Kind != tc.kind || e.Code != tc.code {
					t.Fatalf("Lookup = %+v, %v; want kind %v code %s", c, err, tc.kind, tc.code)
				}
			}
			if calls != tc.platform {
				t.Errorf("platform asked %d times, want %d", calls, tc.platform)
			}
			if len(lg.lines) != 1 {
				t.Fatalf("%d log lines, want 1", len(lg.lines))
			}
			l := lg.lines[0]
			if l.Outcome != tc.outcome || l.Code != tc.code || !l.At.Equal(now) || l.AccountID != tc.who.AccountID ||
				l.RequesterKind != tc.who.Kind || l.UnitID != tc.who.UnitID || l.ServiceCode != strings.TrimSpace(tc.q.ServiceCode) ||
				l.DossierCode != "000.01.02.H26-261205-0001" || l.IDNumber != tc.q.IDNumber || l.RequestID == "" {
				t.Errorf("log line %+v", l)
			}
			if tc.q.RequestID != "" && l.RequestID != tc.q.RequestID {
				t.Errorf("request id %q, want %q", l.RequestID, tc.q.RequestID)
			}
			if tc.who.Kind == KindOfficer && l.OfficerCode != "cb01" {
				t.Errorf("officer code %q", l.OfficerCode)
			}
			text := out.String()
			if !strings.Contains(text, "request_id="+l.RequestID) || !strings.Contains(text, "outcome="+string(tc.outcome)) {
				t.Errorf("slog line %q", text)
			}
			for _, secret := range []string{tc.q.IDNumber, "NGUYEN", "Nguyễn", "Đức"} {
				if strings.Contains(text, secret) {
					t.Errorf("slog line holds %q: %s", secret, text)
				}
			}
		})
	}
}

// TestServiceGeneratesRequestID: ids differ and reach the platform.
func TestServiceGeneratesRequestID(t *testing.T) {
	var sent []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := new(bytes.Buffer)
		b.ReadFrom(r.Body)
		sent = append(sent, b.String())
		w.Write(sample(t))
	}))
	defer srv.Close()
	lg := &memLog{}
	s := &Service{Registry: &Client{URL: srv.URL}, Log: lg}
	q := query
	q.RequestID = ""
	for range 2 {
		if _, err := s.Lookup(context.Background(), officer, q, ""); err != nil {
			t.Fatal(err)
		}
	}
	a, b := lg.lines[0].RequestID, lg.lines[1].RequestID
	if len(a) != 32 || a == b {
		t.Fatalf("request ids %q %q", a, b)
	}
	if !strings.Contains(sent[0], `"MaYeuCau":"`+a+`"`) {
		t.Errorf("platform got %s, want request id %s", sent[0], a)
	}
}

// TestServiceNoUnloggedLookup: a found record whose attempt cannot be
// recorded is withheld; a failure is still answered as itself.
func TestServiceNoUnloggedLookup(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(sample(t)) }))
	defer srv.Close()
	s := &Service{Registry: &Client{URL: srv.URL}, Log: &memLog{fail: true}, Slog: slog.New(slog.DiscardHandler)}
	c, err := s.Lookup(context.Background(), officer, query, "")
	if c != nil || err == nil || apperr.Status(err) != http.StatusInternalServerError {
		t.Fatalf("unrecorded found lookup = %+v, %v", c, err)
	}
	q := query
	q.ServiceCode = ""
	if _, err := s.Lookup(context.Background(), officer, q, ""); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("unrecorded refusal = %v", err)
	}
	if (&Service{}).Enabled() || !s.Enabled() {
		t.Error("Enabled")
	}
}
