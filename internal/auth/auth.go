// Package auth turns whoever calls — a bearer token, a portal session, a
// staff session — into a dossier.Actor, and owns what decides who that is:
// logins and their throttling, device cookies, registration and identity
// assurance (self-declared or verified), password changes and token
// revocation. The API, the portal and the back office all go through it.
package auth

import (
	"context"
	"log/slog"
	"time"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/dossier"
)

// Store is what the service reads and writes.
type Store interface {
	CreateAccount(ctx context.Context, a *account.Account) error
	AccountByUsername(ctx context.Context, username string) (*account.Account, error)
	AccountByID(ctx context.Context, id int64) (*account.Account, error)
	AccountByToken(ctx context.Context, hash string, now time.Time) (*account.Account, error)
	CitizenByIDNumber(ctx context.Context, idNumber string) (*account.Account, error)
	Grants(ctx context.Context, accountID int64) ([]dossier.Grant, error)

	SaveToken(ctx context.Context, hash string, accountID int64, now, expires time.Time) error
	DeleteToken(ctx context.Context, hash string) error
	SetPassword(ctx context.Context, accountID int64, hash string, mustChange bool, now time.Time, by dossier.Actor) error

	CountLoginAttempt(ctx context.Context, key string, now time.Time, window time.Duration) (int, time.Time, error)
	ReleaseLoginAttempt(ctx context.Context, key string) error
	SaveDevice(ctx context.Context, hash string, accountID int64, now, expires time.Time) error
	DeviceAccount(ctx context.Context, hash string, now time.Time) (int64, error)

	VerifyAccount(ctx context.Context, accountID int64, v account.Verification) (int64, error)
	ClaimIDNumber(ctx context.Context, a *account.Account, verifier, reason string) ([]int64, error)
	RefreshIdentity(ctx context.Context, accountID int64, id account.Identity, at time.Time, verifier, reason string) (bool, error)

	NotificationPrefs(ctx context.Context, accountID int64) ([]account.Choice, bool, error)
	UpdateContact(ctx context.Context, accountID int64, c account.Contact, at time.Time, by dossier.Actor) error
}

// Service is the one place logins, registrations and identities are
// decided.
type Service struct {
	Store Store
	Log   *slog.Logger
	Now   func() time.Time
	// SelfRegistration lets citizens open accounts with a password
	// (self-declared identity). Off in production by default: citizens are
	// expected to come through the national e-ID.
	SelfRegistration bool
	// NoStaffPasswords turns the password login off for staff: they log
	// in through the city's single sign-on only.
	NoStaffPasswords bool
	// Sleep slows a suspicious login down before its password is
	// evaluated; tests replace it to keep time.
	Sleep func(ctx context.Context, d time.Duration) error
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

func (s *Service) sleep(ctx context.Context, d time.Duration) error {
	if s.Sleep != nil {
		return s.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Actor builds the lifecycle actor of an account: a citizen with their
// assurance level, or staff with their grants.
func (s *Service) Actor(ctx context.Context, a *account.Account) (dossier.Actor, error) {
	if a.Kind == account.KindCitizen {
		return CitizenActor(a), nil
	}
	act := dossier.Actor{AccountID: a.ID, Username: a.Username, Name: a.FullName}
	g, err := s.Store.Grants(ctx, a.ID)
	if err != nil {
		return act, err
	}
	act.Grants = g
	return act, nil
}

// KnownOf is what the platform holds about a citizen from the account,
// for prefilling forms and recording where values came from
// (dossier.Prefill, dossier.Sources); population values are the caller's.
func KnownOf(a *account.Account) dossier.Known {
	return dossier.Known{FullName: a.FullName, IDNumber: a.IDNumber, BirthDate: a.BirthDate, Phone: a.Phone, Email: a.Email, Verified: a.IsVerified()}
}

// CitizenActor is the lifecycle actor of a citizen account, with its
// assurance level.
func CitizenActor(a *account.Account) dossier.Actor {
	return dossier.Actor{AccountID: a.ID, Username: a.Username, Name: a.FullName, Citizen: true,
		IDNumber: a.IDNumber, Verified: a.IsVerified()}
}
