package auth

import (
	"context"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/apperr"
)

// Session cookie policy: one session for the portal and the back office
// (staff log in at the portal's /dang-nhap).
const (
	SessionCookie      = "motcua_session"
	SessionLifetime    = 12 * time.Hour
	SessionIdleTimeout = 2 * time.Hour
	// session keys: the account, and the account's credentials stamp at
	// the login (a password change moves the stamp, ending the sessions
	// that hold the old one).
	sessionAccount = "account_id"
	sessionCreds   = "creds"
)

// NewSessions returns the session manager on store: cookie
// "motcua_session", HttpOnly, SameSite=Lax, 12 hours at most and 2 hours
// idle; Secure when the public address is https (web.Sessions also marks
// it Secure for a request that came over TLS).
func NewSessions(store scs.Store, secure bool) *scs.SessionManager {
	sm := scs.New()
	sm.Store = store
	sm.Lifetime = SessionLifetime
	sm.IdleTimeout = SessionIdleTimeout
	sm.Cookie.Name = SessionCookie
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Path = "/"
	sm.Cookie.Secure = secure
	return sm
}

// LogIn rotates the session token (against session fixation) and records
// the account and its credentials stamp in the session.
func (s *Service) LogIn(ctx context.Context, sm *scs.SessionManager, a *account.Account) error {
	if err := sm.RenewToken(ctx); err != nil {
		return err
	}
	sm.Put(ctx, sessionAccount, a.ID)
	sm.Put(ctx, sessionCreds, credsStamp(a))
	return nil
}

func credsStamp(a *account.Account) int64 {
	if a.CredentialsChangedAt == nil {
		return 0
	}
	return a.CredentialsChangedAt.UnixMicro()
}

// LogOut ends the session: a new token, then the session destroyed.
func LogOut(ctx context.Context, sm *scs.SessionManager) error {
	if err := sm.RenewToken(ctx); err != nil {
		return err
	}
	return sm.Destroy(ctx)
}

// SessionAccount returns the account logged in on the session, or nil when
// nobody is, the account is disabled or suspended, or its credentials
// changed after the login (a password change ends the other sessions).
func (s *Service) SessionAccount(ctx context.Context, sm *scs.SessionManager) (*account.Account, error) {
	id := sm.GetInt64(ctx, sessionAccount)
	if id == 0 {
		return nil, nil
	}
	a, err := s.Store.AccountByID(ctx, id)
	if apperr.Is(err, apperr.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !a.Active() {
		return nil, nil
	}
	if sm.GetInt64(ctx, sessionCreds) != credsStamp(a) {
		return nil, nil
	}
	return a, nil
}

// Refresh logs the session in again after its own password change, so
// that it outlives the change it made.
func (s *Service) Refresh(ctx context.Context, sm *scs.SessionManager, accountID int64) error {
	a, err := s.Store.AccountByID(ctx, accountID)
	if err != nil {
		return err
	}
	return s.LogIn(ctx, sm, a)
}

// DeviceToken reads the device cookie of a request ("" if none).
func DeviceToken(r *http.Request) string {
	c, err := r.Cookie(DeviceCookie)
	if err != nil {
		return ""
	}
	return c.Value
}

// SetDeviceCookie gives the browser its device cookie: HttpOnly, Lax,
// Secure like the session cookie, for DeviceLifetime.
func SetDeviceCookie(w http.ResponseWriter, token string, expires time.Time, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: DeviceCookie, Value: token, Path: "/", Expires: expires,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
}
