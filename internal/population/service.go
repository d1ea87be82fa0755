package population

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/org"
)

// Who asks for a lookup.
const (
	KindCitizen = "citizen"
	KindOfficer = "officer"
)

// Requester is whoever asks for a lookup: a citizen on the portal (their
// own record only) or an officer at a unit's desk.
type Requester struct {
	AccountID int64
	// Name is the requester's display name, kept in the lookup log.
	Name string
	// Kind is KindCitizen or KindOfficer.
	Kind string
	// IDNumber is a citizen's ID number, as their verified account holds
	// it; Verified says the identity was checked (e-ID or desk).
	IDNumber string
	Verified bool
	// UnitID, UnitCode and UnitPath are the unit an officer acts for, and
	// Roles the officer's roles there (the caller reads them from the
	// grants). A citizen's lookup may name the unit the dossier goes to.
	UnitID             int64
	UnitCode, UnitPath string
	Roles              []org.Role
	// OfficerCode is the officer's code sent to the platform (MaCanBo);
	// empty means the account's username given by the caller.
	OfficerCode string
}

// Outcome is how a lookup attempt ended.
type Outcome string

// The outcomes the lookup log records.
const (
	OutcomeFound       Outcome = "found"
	OutcomeNotFound    Outcome = "not_found"
	OutcomeUnavailable Outcome = "unavailable"
	OutcomeRefused     Outcome = "refused"
)

// Outcomes lists every outcome, for filters.
var Outcomes = []Outcome{OutcomeFound, OutcomeNotFound, OutcomeUnavailable, OutcomeRefused}

// Valid reports whether o is a known outcome.
func (o Outcome) Valid() bool {
	for _, k := range Outcomes {
		if o == k {
			return true
		}
	}
	return false
}

// Lookup is one line of the lookup log: who asked, when, for what, whom and
// how it ended. Nothing of the answer is kept.
type Lookup struct {
	ID            int64
	At            time.Time
	RequestID     string
	AccountID     int64
	RequesterName string
	RequesterKind string
	OfficerCode   string
	// UnitID is 0 for a citizen's lookup without a unit; UnitCode and
	// UnitName are read back by the store.
	UnitID             int64
	UnitPath           string
	UnitCode, UnitName string
	ServiceCode        string
	DossierCode        string
	// IDNumber is the number looked up: administrators must be able to
	// tell whom; lists show it masked (vn.MaskID).
	IDNumber string
	Outcome  Outcome
	// Code is the error code of an attempt that did not find anyone.
	Code string
}

// LookupLog keeps the lookup log.
type LookupLog interface {
	RecordLookup(ctx context.Context, l *Lookup) error
}

// Service is the one way into the population database: it applies the
// rules (a purpose, a citizen's own record only, an officer acting for a
// unit) and records every attempt, whichever surface asks.
type Service struct {
	// Registry is the database; nil means not configured: every lookup
	// answers 503 population_not_configured (and is recorded).
	Registry Registry
	Log      LookupLog
	Now      func() time.Time
	// Slog receives one line per attempt, without the ID number or name.
	Slog *slog.Logger
}

// Enabled reports whether lookups can be made at all, so that pages show
// their lookup buttons only then.
func (s *Service) Enabled() bool { return s != nil && s.Registry != nil }

// Error codes of the service's refusals.
const (
	CodeNotConfigured = "population_not_configured"
	CodeNotOwn        = "population_not_own"
	CodeNoRole        = "population_no_role"
)

func errNotConfigured() error {
	return apperr.New(apperr.Unavailable, CodeNotConfigured,
		"Chức năng tra cứu cơ sở dữ liệu quốc gia về dân cư chưa được kết nối; vui lòng nhập thông tin thủ công.",
		"The national population database lookup is not configured; please enter the details by hand.")
}

func errNotOwn() error {
	return apperr.New(apperr.Forbidden, CodeNotOwn,
		"Công dân chỉ được tra cứu thông tin của chính mình, bằng tài khoản đã xác thực danh tính.",
		"A citizen may look up only their own record, from an account whose identity was verified.")
}

func errNoRole() error {
	return apperr.New(apperr.Forbidden, CodeNoRole,
		"Chỉ cán bộ có vai trò tại đơn vị mới được tra cứu cơ sở dữ liệu quốc gia về dân cư.",
		"Only an officer holding a role in the unit may look up the national population database.")
}

// Lookup applies the rules, asks the registry and records the attempt:
// found, not found, unavailable or refused (no purpose, bad query, not the
// citizen's own number, an officer without a role). q.RequestID is
// generated when empty. A found record whose attempt cannot be recorded is
// not returned: there is no unlogged lookup.
func (s *Service) Lookup(ctx context.Context, who Requester, q Query, dossierCode string) (*Citizen, error) {
	if strings.TrimSpace(q.RequestID) == "" {
		q.RequestID = NewRequestID()
	}
	if who.Kind == KindOfficer && strings.TrimSpace(q.OfficerCode) == "" {
		q.OfficerCode = who.OfficerCode
	}
	c, err := s.lookup(ctx, who, q)
	l := &Lookup{At: s.now(), RequestID: clip(q.RequestID, 100), AccountID: who.AccountID, RequesterName: clip(who.Name, 200),
		RequesterKind: who.Kind, OfficerCode: clip(q.OfficerCode, 100), UnitID: who.UnitID, UnitPath: who.UnitPath,
		ServiceCode: clip(q.ServiceCode, 100), DossierCode: clip(dossierCode, 100), IDNumber: clip(q.IDNumber, 20)}
	switch {
	case err == nil:
		l.Outcome = OutcomeFound
	case apperr.Is(err, apperr.NotFound):
		l.Outcome = OutcomeNotFound
	case apperr.Is(err, apperr.Invalid), apperr.Is(err, apperr.Forbidden):
		l.Outcome = OutcomeRefused
	default:
		l.Outcome = OutcomeUnavailable
	}
	if e, ok := apperr.As(err); ok {
		l.Code = e.Code
	}
	log := s.Slog
	if log == nil {
		log = slog.Default()
	}
	attrs := []any{"request_id", l.RequestID, "outcome", string(l.Outcome), "kind", who.Kind, "account", who.AccountID,
		"unit", who.UnitCode, "service", l.ServiceCode}
	if l.Code != "" {
		attrs = append(attrs, "code", l.Code)
	}
	if l.Outcome == OutcomeUnavailable && err != nil {
		// The cause names a URL or a status, never the person.
		attrs = append(attrs, "err", err)
	}
	if rerr := s.record(ctx, l); rerr != nil {
		log.ErrorContext(ctx, "recording a population lookup failed", append(attrs, "record_err", rerr)...)
		if err == nil {
			return nil, fmt.Errorf("recording population lookup %s: %w", l.RequestID, rerr)
		}
		return nil, err
	}
	log.InfoContext(ctx, "population lookup", attrs...)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// lookup is Lookup's rules and the registry's answer, before recording.
func (s *Service) lookup(ctx context.Context, who Requester, q Query) (*Citizen, error) {
	switch who.Kind {
	case KindCitizen:
		id := strings.TrimSpace(q.IDNumber)
		if who.AccountID == 0 || !who.Verified || id == "" || id != strings.TrimSpace(who.IDNumber) {
			return nil, errNotOwn()
		}
	case KindOfficer:
		if who.AccountID == 0 || who.UnitID == 0 || len(who.Roles) == 0 {
			return nil, errNoRole()
		}
	default:
		return nil, errNoRole()
	}
	if err := q.Check(); err != nil {
		return nil, err
	}
	if s.Registry == nil {
		return nil, errNotConfigured()
	}
	c, err := s.Registry.Lookup(ctx, q)
	if err == nil && c == nil {
		// A registry must say "not found" as an error; nil is its bug.
		err = unavailable(errors.New("population: registry answered nobody without an error"))
	}
	return c, err
}

func (s *Service) record(ctx context.Context, l *Lookup) error {
	if s.Log == nil {
		return errors.New("no lookup log")
	}
	return s.Log.RecordLookup(ctx, l)
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// NewRequestID returns a fresh request id (MaYeuCau): 16 random bytes in
// hex.
func NewRequestID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		// crypto/rand does not fail on the supported systems; a time-based
		// id still identifies the attempt.
		return fmt.Sprintf("t%x", time.Now().UnixNano())
	}
	return hex.EncodeToString(b)
}

// clip trims s and keeps at most n runes of it, and nothing when it holds
// characters a log must not (control characters, invalid UTF-8): refused
// queries are recorded as asked, whatever was typed.
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if !apperr.TextOK(s) || !utf8.ValidString(s) {
		return ""
	}
	if utf8.RuneCountInString(s) > n {
		s = string([]rune(s)[:n])
	}
	return s
}

// NotConfigured is the error of a lookup where no registry is configured
// (503 population_not_configured), for surfaces that have no service at
// all to ask.
func NotConfigured() error { return errNotConfigured() }
