package auth

import (
	"context"
	"crypto/rand"
	"strings"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/vn"
)

// ErrSelfRegistrationOff answers a registration while self-registration is
// off.
var ErrSelfRegistrationOff = apperr.New(apperr.Forbidden, "self_registration_off",
	"Cổng dịch vụ công không mở đăng ký tài khoản bằng mật khẩu. Vui lòng đăng nhập bằng tài khoản định danh điện tử (VNeID) hoặc đến Bộ phận một cửa để được cấp tài khoản.",
	"This portal does not open accounts with a password. Log in with the national e-ID (VNeID), or ask the one-stop desk for an account.")

// Register opens a self-declared citizen account. It is refused while
// self-registration is off, and for an ID number that a verified account
// already holds (409); a self-declared account with the same ID number is
// a plain 409 too (the username is taken). in comes back normalised.
func (s *Service) Register(ctx context.Context, in *account.Registration) (*account.Account, error) {
	if !s.SelfRegistration {
		return nil, ErrSelfRegistrationOff
	}
	now := s.now()
	if err := account.CheckRegistration(in, now); err != nil {
		return nil, err
	}
	existing, err := s.Store.CitizenByIDNumber(ctx, in.IDNumber)
	switch {
	case err == nil && existing.IsVerified():
		return nil, errIDNumberVerified
	case err == nil:
		return nil, errIDNumberTaken
	case !apperr.Is(err, apperr.NotFound):
		return nil, err
	}
	hash, err := account.HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	a := &account.Account{Kind: account.KindCitizen, Username: in.IDNumber, IDNumber: in.IDNumber, FullName: in.FullName,
		Phone: in.Phone, Email: in.Email, PasswordHash: hash, CreatedAt: now, Assurance: account.SelfDeclared}
	if err := s.Store.CreateAccount(ctx, a); err != nil {
		if apperr.Is(err, apperr.Conflict) {
			return nil, errIDNumberTaken
		}
		return nil, err
	}
	s.log().InfoContext(ctx, "citizen registered", "account", a.ID, "assurance", a.Assurance)
	return a, nil
}

var (
	errIDNumberVerified = fieldErr(apperr.Conflict, "id_number", "id_number_verified",
		"Số định danh này đã thuộc về một tài khoản đã xác minh. Nếu đó là bạn, hãy đăng nhập; nếu không, hãy liên hệ Bộ phận một cửa.",
		"This ID number already belongs to a verified account. If it is yours, log in; if not, contact the one-stop desk.")
	errIDNumberTaken = fieldErr(apperr.Conflict, "id_number", "account_exists",
		"Số định danh này đã được dùng để đăng ký. Nếu không phải bạn đăng ký, hãy mang thẻ căn cước đến Bộ phận một cửa.",
		"This ID number is already registered. If you did not register it, bring your ID card to the one-stop desk.")
)

func fieldErr(kind apperr.Kind, field, code, vi, en string) *apperr.Error {
	e := apperr.New(kind, code, vi, en)
	e.Fields = []apperr.Field{{Name: field, Code: code, Message: vi, MessageEN: en}}
	return e
}

// CanVerify reports whether a staff actor may verify identities at the
// desk: receptionists, leaders and unit administrators.
func CanVerify(officer dossier.Actor) bool {
	return !officer.Citizen && (officer.HasRole(org.RoleReceptionist) || officer.HasRole(org.RoleLeader) || officer.HasRole(org.RoleUnitAdmin))
}

var errNotDesk = apperr.New(apperr.Forbidden, "not_desk",
	"Chỉ cán bộ tiếp nhận, lãnh đạo hoặc quản trị đơn vị mới được xác minh tài khoản công dân.",
	"Only receptionists, leaders and unit administrators verify citizen accounts.")

// IDNumberStatus is what the desk may know of an ID number.
type IDNumberStatus struct {
	IDNumber string
	// Account is the active citizen account holding the ID number, if any.
	Account *account.Account
}

// LookUpIDNumber tells the desk whether an ID number has an active
// account, and how sure the administration is of it.
func (s *Service) LookUpIDNumber(ctx context.Context, officer dossier.Actor, idNumber string) (*IDNumberStatus, error) {
	if !CanVerify(officer) {
		return nil, errNotDesk
	}
	idNumber = strings.TrimSpace(idNumber)
	if err := vn.CheckIDNumber(idNumber, s.now()); err != nil {
		c := vn.ErrorCode(err)
		return nil, fieldErr(apperr.Invalid, "id_number", c, vn.Message(c, "vi"), vn.Message(c, "en"))
	}
	st := &IDNumberStatus{IDNumber: idNumber}
	a, err := s.Store.CitizenByIDNumber(ctx, idNumber)
	switch {
	case err == nil:
		st.Account = a
	case !apperr.Is(err, apperr.NotFound):
		return nil, err
	}
	return st, nil
}

// DeskVerification is what the officer states after checking the ID card
// of the person at the desk against an account.
type DeskVerification struct {
	IDNumber string
	// AccountID is the account the officer looked up (guards against the
	// account having changed between the look-up and the verification).
	AccountID int64
	// NameOnCard is the full name printed on the ID card.
	NameOnCard string
	// CardChecked is the officer's confirmation that they held the card.
	CardChecked bool
}

// VerifyAtDesk raises the self-declared account of an ID number to
// verified, when the officer has checked the card and its name matches the
// account's. It answers the number of counter and post dossiers the
// account now follows.
func (s *Service) VerifyAtDesk(ctx context.Context, officer dossier.Actor, in DeskVerification) (int64, error) {
	if !CanVerify(officer) {
		return 0, errNotDesk
	}
	st, err := s.LookUpIDNumber(ctx, officer, in.IDNumber)
	if err != nil {
		return 0, err
	}
	if !in.CardChecked {
		return 0, fieldErr(apperr.Invalid, "card_checked", "card_not_checked",
			"Vui lòng xác nhận đã đối chiếu thẻ căn cước của người đến làm thủ tục.",
			"Confirm that you checked the ID card of the person at the desk.")
	}
	if st.Account == nil || st.Account.ID != in.AccountID {
		return 0, apperr.New(apperr.Conflict, "account_changed",
			"Tài khoản của số định danh này đã thay đổi. Vui lòng tra cứu lại.", "The account of this ID number changed. Look it up again.")
	}
	if vn.Fold(collapse(in.NameOnCard)) != vn.Fold(collapse(st.Account.FullName)) {
		return 0, fieldErr(apperr.Unprocessable, "name_on_card", "name_mismatch",
			"Họ tên trên thẻ khác họ tên của tài khoản: tài khoản này có thể không do người này mở. Nếu người này không đăng ký, hãy cấp tài khoản đã xác minh mới.",
			"The name on the card differs from the account's: this person may not have opened it. If they did not register it, open a new verified account for them.")
	}
	n, err := s.Store.VerifyAccount(ctx, st.Account.ID, account.Verification{By: officer.AccountID, ByName: officer.Name, How: account.VerifiedAtDesk, At: s.now()})
	if err != nil {
		return 0, err
	}
	s.log().InfoContext(ctx, "citizen account verified at the desk", "account", st.Account.ID, "officer", officer.AccountID, "dossiers_attached", n)
	return n, nil
}

func collapse(s string) string { return strings.Join(strings.Fields(vn.NFC(s)), " ") }

// DeskClaim opens a verified account for the person at the desk, whose ID
// card the officer checked, when the ID number has no account or one the
// person did not open.
type DeskClaim struct {
	IDNumber    string
	NameOnCard  string
	Phone       string
	Email       string
	CardChecked bool
}

// ClaimAtDesk opens a verified account for the holder of an ID card: a
// self-declared account squatting the ID number is suspended, not merged.
// The account gets a one-time password, shown once to the officer to hand
// over; it must be changed at the first login.
func (s *Service) ClaimAtDesk(ctx context.Context, officer dossier.Actor, in DeskClaim) (*account.Account, string, error) {
	if !CanVerify(officer) {
		return nil, "", errNotDesk
	}
	if !in.CardChecked {
		return nil, "", fieldErr(apperr.Invalid, "card_checked", "card_not_checked",
			"Vui lòng xác nhận đã đối chiếu thẻ căn cước của người đến làm thủ tục.",
			"Confirm that you checked the ID card of the person at the desk.")
	}
	reg := account.Registration{IDNumber: in.IDNumber, FullName: in.NameOnCard, Phone: in.Phone, Email: in.Email}
	pw := OneTimePassword()
	reg.Password = pw
	if err := account.CheckRegistration(&reg, s.now()); err != nil {
		if e, ok := apperr.As(err); ok {
			for i := range e.Fields {
				if e.Fields[i].Name == "full_name" {
					e.Fields[i].Name = "name_on_card"
				}
			}
		}
		return nil, "", err
	}
	hash, err := account.HashPassword(pw)
	if err != nil {
		return nil, "", err
	}
	now := s.now()
	a := &account.Account{Kind: account.KindCitizen, Username: reg.IDNumber, IDNumber: reg.IDNumber, FullName: reg.FullName,
		Phone: reg.Phone, Email: reg.Email, PasswordHash: hash, CreatedAt: now, Assurance: account.Verified,
		VerifiedAt: &now, VerifiedBy: officer.AccountID, VerifiedHow: account.VerifiedAtDesk, MustChangePassword: true}
	if err := s.ClaimVerified(ctx, a, officer.Name, "claimed at the desk by the ID card holder"); err != nil {
		return nil, "", err
	}
	return a, pw, nil
}

// ClaimVerified stores a verified account for an ID number, suspending any
// self-declared account squatting it (the national e-ID login calls it
// too); verifier names who vouched, for the audit log. Conflict when a
// verified account already holds the ID number.
func (s *Service) ClaimVerified(ctx context.Context, a *account.Account, verifier, reason string) error {
	suspended, err := s.Store.ClaimIDNumber(ctx, a, verifier, reason)
	if err != nil {
		if apperr.Is(err, apperr.Conflict) {
			return errIDNumberVerified
		}
		return err
	}
	for _, id := range suspended {
		s.log().WarnContext(ctx, "self-declared account suspended: its ID number was claimed by a verified holder",
			"account", id, "verified_account", a.ID, "by", a.VerifiedBy)
	}
	s.log().InfoContext(ctx, "verified citizen account opened", "account", a.ID, "how", a.VerifiedHow, "by", a.VerifiedBy)
	return nil
}

// OneTimePassword makes a password to hand over at the desk: 12 letters
// and digits without the ones people misread (0/O, 1/l/I).
func OneTimePassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789"
	out := make([]byte, 0, 12)
	buf := make([]byte, 32)
	for len(out) < 12 {
		_, _ = rand.Read(buf) // crypto/rand never fails on supported platforms
		for _, c := range buf {
			// Rejection sampling keeps every character equally likely.
			if int(c) < 256/len(alphabet)*len(alphabet) && len(out) < 12 {
				out = append(out, alphabet[int(c)%len(alphabet)])
			}
		}
	}
	return string(out)
}
