package auth

import (
	"context"
	"fmt"
	"strings"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/eid"
)

// LoginWithEID opens the session's account for a person the national e-ID
// (or the city's OpenID provider) vouched for. The verified, active account
// of the ID number is theirs: its name, date of birth and level of
// assurance are refreshed from the e-ID, the authority on them (an
// attribute the provider did not send is kept). Otherwise a verified
// account is opened for them, without a password (they log in with the
// e-ID), and a self-declared account squatting the ID number is suspended,
// its own online dossiers staying with it, as at the desk (ClaimVerified).
func (s *Service) LoginWithEID(ctx context.Context, id *eid.Identity) (*account.Account, error) {
	if id == nil || id.IDNumber == "" {
		return nil, apperr.New(apperr.Invalid, "eid_claims", "Thiếu số định danh cá nhân.", "The personal ID number is missing.")
	}
	ident := account.Identity{FullName: collapse(id.FullName), BirthDate: account.NormalizeBirthDate(id.BirthDate),
		AssuranceLevel: strings.TrimSpace(id.Assurance)}
	reason := fmt.Sprintf("national e-ID login (%s), level of assurance %q", id.Issuer, id.Assurance)
	a, err := s.Store.AccountByUsername(ctx, id.IDNumber)
	switch {
	case err == nil && a.Kind == account.KindCitizen && a.IsVerified() && a.SuspendedAt == nil:
		if ident.FullName == "" {
			ident.FullName = a.FullName
		}
		if ident.BirthDate == "" {
			ident.BirthDate = a.BirthDate
		}
		if ident.AssuranceLevel == "" {
			ident.AssuranceLevel = a.AssuranceLevel
		}
		changed, err := s.Store.RefreshIdentity(ctx, a.ID, ident, s.now(), "e-ID", reason)
		if err != nil {
			return nil, err
		}
		a.FullName, a.BirthDate, a.AssuranceLevel = ident.FullName, ident.BirthDate, ident.AssuranceLevel
		s.log().InfoContext(ctx, "citizen logged in with the e-ID", "account", a.ID, "issuer", id.Issuer, "identity_refreshed", changed)
		return a, nil
	case err == nil && a.Kind != account.KindCitizen:
		// A staff username that happens to be 12 digits is not a citizen.
		return nil, apperr.New(apperr.Forbidden, "eid_staff", "Tài khoản cán bộ không đăng nhập bằng định danh điện tử công dân.",
			"A staff account does not log in with the citizens' e-ID.")
	case err != nil && !apperr.Is(err, apperr.NotFound):
		return nil, err
	}
	now := s.now()
	n := &account.Account{Kind: account.KindCitizen, Username: id.IDNumber, IDNumber: id.IDNumber, FullName: ident.FullName,
		BirthDate: ident.BirthDate, AssuranceLevel: ident.AssuranceLevel,
		CreatedAt: now, Assurance: account.Verified, VerifiedAt: &now, VerifiedHow: account.VerifiedByVNeID}
	if err := s.ClaimVerified(ctx, n, "e-ID", reason); err != nil {
		return nil, err
	}
	return n, nil
}

// LoginWithStaffSSO opens the session's account for an officer the city's
// single sign-on vouched for: the active staff account of the username.
// Roles and units stay motcua's; an unknown username is refused, never
// created.
func (s *Service) LoginWithStaffSSO(ctx context.Context, id *eid.Identity) (*account.Account, error) {
	unknown := apperr.New(apperr.Forbidden, "sso_unknown_staff",
		"Tài khoản đăng nhập một lần này chưa được cấp quyền cán bộ trên hệ thống một cửa. Vui lòng liên hệ quản trị đơn vị.",
		"This single sign-on account has no officer account in the one-stop system. Contact your unit's administrator.")
	if id == nil || id.Username == "" {
		return nil, unknown
	}
	a, err := s.Store.AccountByUsername(ctx, id.Username)
	if apperr.Is(err, apperr.NotFound) {
		s.log().WarnContext(ctx, "single sign-on of an unknown officer refused", "issuer", id.Issuer)
		return nil, unknown
	}
	if err != nil {
		return nil, err
	}
	if a.Kind != account.KindStaff || !a.Active() {
		return nil, unknown
	}
	s.log().InfoContext(ctx, "officer logged in through single sign-on", "account", a.ID, "issuer", id.Issuer)
	return a, nil
}
