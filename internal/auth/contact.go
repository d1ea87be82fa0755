package auth

import (
	"context"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/apperr"
)

// Profile is what a citizen sees of their own account: the account, the
// channels notices go through, and who verified it at the desk.
type Profile struct {
	Account     *account.Account
	Preferences account.Preferences
	// VerifierName and VerifierUnit name the officer who checked the ID
	// card at the desk and their unit; "" when unknown (the e-ID, an
	// account verified before officers were recorded).
	VerifierName, VerifierUnit string
}

// errNoCitizenAccount answers staff asking for the citizen's account page:
// the same not-found as anything else they may not see.
var errNoCitizenAccount = apperr.ErrNotFound

// Profile reads the citizen's own account. Staff accounts have none: they
// get NotFound.
func (s *Service) Profile(ctx context.Context, a *account.Account) (*Profile, error) {
	if a == nil || a.Kind != account.KindCitizen {
		return nil, errNoCitizenAccount
	}
	on, chosen, err := s.Store.NotificationPrefs(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	p := &Profile{Account: a, Preferences: account.PreferencesOf(a, on, chosen)}
	if a.IsVerified() && a.VerifiedHow == account.VerifiedAtDesk && a.VerifiedBy != 0 {
		officer, err := s.Store.AccountByID(ctx, a.VerifiedBy)
		switch {
		case err == nil:
			p.VerifierName = officer.FullName
		case !apperr.Is(err, apperr.NotFound):
			return nil, err
		}
		grants, err := s.Store.Grants(ctx, a.VerifiedBy)
		if err != nil {
			return nil, err
		}
		// The verification does not record the desk; an officer usually
		// holds roles in one unit, whose desk it was.
		if len(grants) > 0 {
			p.VerifierUnit = grants[0].UnitName
		}
	}
	return p, nil
}

// UpdateContact changes the citizen's own phone number, e-mail address
// and choice of notification channels (account.ApplyContactChange decides
// what is valid), with an audit record, and answers the account as it is
// now. It acts only on a, the caller's own account: the portal's session
// or the API's token. The identity (name, ID number, date of birth) is not
// the citizen's to change: it comes from the e-ID or the desk.
func (s *Service) UpdateContact(ctx context.Context, a *account.Account, in account.ContactChange) (*Profile, error) {
	p, err := s.Profile(ctx, a)
	if err != nil {
		return nil, err
	}
	c, err := account.ApplyContactChange(a, p.Preferences, in)
	if err != nil {
		return nil, err
	}
	if err := s.Store.UpdateContact(ctx, a.ID, c, s.now(), CitizenActor(a)); err != nil {
		return nil, err
	}
	s.log().InfoContext(ctx, "citizen changed their contact details", "account", a.ID, "notifications_changed", c.Choices != nil)
	n := *a
	n.Phone, n.Email = c.Phone, c.Email
	return s.Profile(ctx, &n)
}
