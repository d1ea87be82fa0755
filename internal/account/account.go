// Package account owns citizen and staff accounts, their passwords (argon2id)
// and the bearer tokens of API v1.
package account

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/motcua/motcua/internal/vn"
)

// Kind separates citizens (who log in with their ID number) from staff.
type Kind string

// Account kinds.
const (
	KindCitizen Kind = "citizen"
	KindStaff   Kind = "staff"
)

// Assurance is how sure the administration is that a citizen account
// belongs to the person whose ID number it carries.
type Assurance string

// Assurance levels.
const (
	// SelfDeclared accounts were opened with a password by whoever typed
	// the ID number: they see only the dossiers they submitted themselves.
	SelfDeclared Assurance = "self_declared"
	// Verified accounts were checked against the ID card at the desk, or
	// vouched for by the national e-ID: they also follow the dossiers
	// taken at the counter or by post under their ID number.
	Verified Assurance = "verified"
)

// How an account was verified.
const (
	VerifiedAtDesk  = "desk_id_card"  // an officer checked the ID card
	VerifiedByVNeID = "national_eid"  // the national e-ID login vouched
	VerifiedStaff   = "staff_account" // opened by an administrator
)

// Account is a person who can log in.
type Account struct {
	ID       int64  `json:"-"`
	Kind     Kind   `json:"kind"`
	Username string `json:"username"` // the 12-digit ID number for citizens
	// IDNumber is the citizen's ID number; it stays when a suspended
	// account's username is freed.
	IDNumber     string    `json:"-"`
	FullName     string    `json:"full_name"`
	Phone        string    `json:"phone,omitempty"`
	Email        string    `json:"email,omitempty"`
	PasswordHash string    `json:"-"`
	Disabled     bool      `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
	Assurance    Assurance `json:"assurance"`
	// VerifiedAt, VerifiedBy (the officer's account, 0 for the e-ID) and
	// VerifiedHow record the verification.
	VerifiedAt  *time.Time `json:"verified_at,omitempty"`
	VerifiedBy  int64      `json:"-"`
	VerifiedHow string     `json:"verified_how,omitempty"`
	// SuspendedAt is set when the account lost its ID number to a verified
	// holder; it can no longer log in.
	SuspendedAt     *time.Time `json:"-"`
	SuspendedReason string     `json:"-"`
	// CredentialsChangedAt invalidates sessions opened before it.
	CredentialsChangedAt *time.Time `json:"-"`
	// MustChangePassword is set for a password an officer handed out.
	MustChangePassword bool `json:"must_change_password,omitempty"`
	// BirthDate is yyyy-mm-dd as the e-ID vouched for it, "" unknown.
	BirthDate string `json:"birth_date,omitempty"`
	// AssuranceLevel is the level of assurance the e-ID provider claimed,
	// as it sent it (VNeID's loAs "2", or an acr URI); "" unknown.
	AssuranceLevel string `json:"assurance_level,omitempty"`
}

// Identity is what an identity provider vouches for about a citizen,
// besides the ID number: a later e-ID login refreshes it on the account.
type Identity struct {
	FullName       string
	BirthDate      string // yyyy-mm-dd, "" unknown
	AssuranceLevel string
}

// Verification records who verified an account, when and how.
type Verification struct {
	By     int64 // the officer's account; 0 for the national e-ID
	ByName string
	How    string
	At     time.Time
}

// NormalizeBirthDate turns a date of birth as an identity provider sends
// it — dd/mm/yyyy (VNeID's NgayThangNamSinh) or yyyy-mm-dd (OpenID's
// birthdate) — into yyyy-mm-dd; anything else (a year alone, OpenID's
// 0000-mm-dd for an unknown year) is unknown: "".
func NormalizeBirthDate(s string) string {
	t, err := vn.ParseDate(s, time.UTC)
	if err != nil {
		return ""
	}
	return t.Format(time.DateOnly)
}

// Active reports whether the account may log in and act.
func (a *Account) Active() bool { return !a.Disabled && a.SuspendedAt == nil }

// IsVerified reports whether the account's identity was checked.
func (a *Account) IsVerified() bool { return a.Assurance == Verified }

// Argon2id parameters (RFC 9106 second recommended option, lighter memory
// so that a small server can log many people in at once).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// Password length bounds: at least 10 characters (with the common-password
// list this is what NIST SP 800-63B asks of a memorised secret without a
// second factor, rounded up), at most 128.
const (
	MinPasswordLength = 10
	MaxPasswordLength = 128
)

// HashPassword returns an argon2id PHC string for the password.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("reading salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// ErrBadHash reports a stored hash that is not a PHC argon2id string.
var ErrBadHash = errors.New("malformed password hash")

// VerifyPassword reports whether pw matches the PHC string.
func VerifyPassword(phc, pw string) (bool, error) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, ErrBadHash
	}
	var v int
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false, ErrBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false, ErrBadHash
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(parts[4])
	if err != nil {
		return false, ErrBadHash
	}
	want, err := enc.DecodeString(parts[5])
	if err != nil {
		return false, ErrBadHash
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// NewToken returns a random bearer token and the hash under which it is
// stored; the token itself is never stored.
func NewToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("reading random token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken is the stored form of a bearer token.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// TokenTTL is how long an API token stays valid.
const TokenTTL = 12 * time.Hour
