package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
)

type registerRequest = account.Registration

// CheckRegistration validates a citizen registration (account.CheckRegistration,
// which the portal's form calls too).
func CheckRegistration(in *account.Registration, now time.Time) error {
	return account.CheckRegistration(in, now)
}

func (h *Handler) registerCitizen(w http.ResponseWriter, r *http.Request) error {
	var in registerRequest
	if err := h.decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := CheckRegistration(&in, h.now()); err != nil {
		return err
	}
	hash, err := account.HashPassword(in.Password)
	if err != nil {
		return err
	}
	a := &account.Account{Kind: account.KindCitizen, Username: in.IDNumber, FullName: in.FullName, Phone: in.Phone,
		Email: in.Email, PasswordHash: hash, CreatedAt: h.now()}
	if err := h.Store.CreateAccount(r.Context(), a); err != nil {
		return err
	}
	h.Log.InfoContext(r.Context(), "citizen registered", "account", a.ID)
	writeJSON(w, http.StatusCreated, a)
	return nil
}

type tokenRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type tokenResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

var errBadLogin = apperr.New(apperr.Unauthorized, "bad_credentials",
	"Tên đăng nhập hoặc mật khẩu không đúng.", "Wrong username or password.")

// dummyHash keeps a failed login for an unknown user as slow as one for a
// known user, so that timing does not reveal who is registered.
var dummyHash, _ = account.HashPassword("motcua-dummy-password")

// LoginStore is the part of the store Authenticate needs.
type LoginStore interface {
	AccountByUsername(ctx context.Context, username string) (*account.Account, error)
	LoginLockedUntil(ctx context.Context, key string, now time.Time) (time.Time, bool, error)
	RecordLoginFailure(ctx context.Context, key string, now time.Time) error
	ClearLoginFailures(ctx context.Context, key string) error
}

// Authenticate checks a username and password; the portal uses it too.
// Failed attempts are counted per username in the store: after
// store.LoginMaxFailures the username is locked for a while (429), known or
// not, so that guessing neither passwords nor who is registered pays.
func Authenticate(r *http.Request, st LoginStore, username, password string, now time.Time) (*account.Account, error) {
	ctx := r.Context()
	username = strings.TrimSpace(username)
	key := strings.ToLower(username)
	if until, locked, err := st.LoginLockedUntil(ctx, key, now); err != nil {
		return nil, err
	} else if locked {
		return nil, apperr.Newf(apperr.TooMany, "login_locked",
			"Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau %s.", "Too many failed attempts. Try again after %s.",
			until.Format("15:04 02/01/2006"))
	}
	fail := func() (*account.Account, error) {
		if err := st.RecordLoginFailure(ctx, key, now); err != nil {
			return nil, err
		}
		return nil, errBadLogin
	}
	a, err := st.AccountByUsername(ctx, username)
	if apperr.Is(err, apperr.NotFound) {
		_, _ = account.VerifyPassword(dummyHash, password)
		return fail()
	}
	if err != nil {
		return nil, err
	}
	ok, err := account.VerifyPassword(a.PasswordHash, password)
	if err != nil {
		return nil, err
	}
	if !ok || a.Disabled {
		return fail()
	}
	if err := st.ClearLoginFailures(ctx, key); err != nil {
		return nil, err
	}
	return a, nil
}

func (h *Handler) token(w http.ResponseWriter, r *http.Request) error {
	var in tokenRequest
	if err := h.decodeJSON(w, r, &in); err != nil {
		return err
	}
	a, err := Authenticate(r, h.Store, in.Username, in.Password, h.now())
	if err != nil {
		return err
	}
	tok, hash, err := account.NewToken()
	if err != nil {
		return err
	}
	now := h.now()
	exp := now.Add(account.TokenTTL)
	if err := h.Store.SaveToken(r.Context(), hash, a.ID, now, exp); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, tokenResponse{Token: tok, ExpiresAt: exp.UTC()})
	return nil
}

type meResponse struct {
	Kind     account.Kind    `json:"kind"`
	Username string          `json:"username"`
	FullName string          `json:"full_name"`
	Roles    []dossier.Grant `json:"roles"`
}

func (h *Handler) me(w http.ResponseWriter, r *http.Request) error {
	a := actorFrom(r.Context())
	kind := account.KindStaff
	if a.Citizen {
		kind = account.KindCitizen
	}
	roles := a.Grants
	if roles == nil {
		roles = []dossier.Grant{}
	}
	writeJSON(w, http.StatusOK, meResponse{Kind: kind, FullName: a.Name, Username: a.Username, Roles: roles})
	return nil
}
