package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"net"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
)

// Throttling policy (OWASP Authentication and Credential Stuffing cheat
// sheets): wrong guesses are counted in fixed windows, per account (for
// browsers without a device cookie of that account), per device cookie, and
// per client address across usernames. A count is reserved before the
// password is evaluated, so that parallel requests cannot pass the limit.
const (
	// Window is the length of a counting window.
	Window = 15 * time.Minute
	// AccountLimit is the number of wrong guesses evaluated per account
	// (and per device cookie) in a window.
	AccountLimit = 5
	// AddressLimit is the number of wrong guesses evaluated per client
	// address, whatever the username, in a window. Mobile carriers put
	// many people behind one address (CGNAT), hence more than one person
	// would need; only failures count.
	AddressLimit = 20
	// slowFrom is the attempt from which the password is evaluated only
	// after a delay (1 s, then 2 s, 4 s, …).
	slowFrom = 3
	// MaxUsernameBytes and MaxPasswordBytes bound what is even looked at.
	MaxUsernameBytes = 200
	MaxPasswordBytes = 1024
	// DeviceCookie is the name of the device cookie.
	DeviceCookie = "motcua_device"
	// DeviceLifetime is how long a device cookie is honoured.
	DeviceLifetime = 180 * 24 * time.Hour
)

// Credentials are what a login form or the token endpoint carries.
type Credentials struct {
	Username string
	Password string
	// ClientAddr is the client's IP address (after the trusted proxies).
	ClientAddr string
	// DeviceToken is the device cookie the browser sent, if any.
	DeviceToken string
}

var errBadLogin = apperr.New(apperr.Unauthorized, "bad_credentials",
	"Tên đăng nhập hoặc mật khẩu không đúng.", "Wrong username or password.")

// dummyHash keeps a failed login for an unknown user as slow as one for a
// known user, so that timing does not reveal who is registered.
var dummyHash, _ = account.HashPassword("motcua-dummy-password")

// key is the bounded throttle key of a kind and a value: the value's
// SHA-256, so that neither a 1 MB username nor a personal datum is stored.
func key(kind, value string) string {
	h := sha256.Sum256([]byte(value))
	return kind + ":" + hex.EncodeToString(h[:])
}

// NormaliseUsername is how a username is compared: trimmed, lower case.
func NormaliseUsername(u string) string { return strings.ToLower(strings.TrimSpace(u)) }

func tooMany(until, now time.Time) error {
	e := apperr.Newf(apperr.TooMany, "login_locked",
		"Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau %s.", "Too many failed attempts. Try again after %s.",
		until.Format("15:04 02/01/2006"))
	e.RetryAfter = time.Duration(math.Ceil(until.Sub(now).Seconds())) * time.Second
	if e.RetryAfter < time.Second {
		e.RetryAfter = time.Second
	}
	return e
}

// Login checks a username (a citizen's ID number or a staff username) and
// password. Oversized input is refused before any work (400); a throttled
// attempt is refused before its password is evaluated (429 with a
// Retry-After); a wrong password, an unknown user and a suspended account
// all answer the same 401.
func (s *Service) Login(ctx context.Context, c Credentials) (*account.Account, error) {
	if len(c.Username) > MaxUsernameBytes || len(c.Password) > MaxPasswordBytes {
		return nil, apperr.New(apperr.Invalid, "credentials_too_long",
			"Tên đăng nhập hoặc mật khẩu quá dài.", "The username or password is too long.")
	}
	now := s.now()
	username := strings.TrimSpace(c.Username)
	acct, err := s.Store.AccountByUsername(ctx, username)
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		return nil, err
	}
	// A browser that logged into this account before is counted on its own:
	// someone else's guesses do not lock it out.
	var keys []string
	trusted := false
	if c.DeviceToken != "" && acct != nil && len(c.DeviceToken) <= 100 {
		id, err := s.Store.DeviceAccount(ctx, account.HashToken(c.DeviceToken), now)
		if err != nil {
			return nil, err
		}
		trusted = id == acct.ID
	}
	if trusted {
		keys = []string{key("d", c.DeviceToken)}
	} else {
		keys = []string{key("u", NormaliseUsername(username))}
		if ip := clientIP(c.ClientAddr); ip != "" {
			keys = append(keys, key("a", ip))
		}
	}
	limits := []int{AccountLimit, AddressLimit}
	worst := 0
	for i, k := range keys {
		n, start, err := s.Store.CountLoginAttempt(ctx, k, now, Window)
		if err != nil {
			return nil, err
		}
		if n > limits[i] {
			// Not evaluated: give back what this attempt reserved before.
			for _, prev := range keys[:i] {
				if err := s.Store.ReleaseLoginAttempt(ctx, prev); err != nil {
					return nil, err
				}
			}
			return nil, tooMany(start.Add(Window), now)
		}
		if i == 0 {
			worst = n
		}
	}
	if worst >= slowFrom {
		if err := s.sleep(ctx, time.Second<<(worst-slowFrom)); err != nil {
			return nil, err
		}
	}
	if acct == nil || acct.PasswordHash == "" {
		// No such account, or one opened by the e-ID login without a
		// password: the same answer, after the same work.
		_, _ = account.VerifyPassword(dummyHash, c.Password)
		return nil, errBadLogin
	}
	ok, err := account.VerifyPassword(acct.PasswordHash, c.Password)
	if err != nil {
		return nil, err
	}
	if !ok || !acct.Active() {
		return nil, errBadLogin
	}
	if s.NoStaffPasswords && acct.Kind == account.KindStaff {
		// Said only after the right password: it reveals nothing to a
		// guesser.
		return nil, apperr.New(apperr.Forbidden, "staff_password_off",
			"Cán bộ đăng nhập bằng hệ thống đăng nhập một lần (SSO) của thành phố, không dùng mật khẩu.",
			"Staff log in through the city's single sign-on, not with a password.")
	}
	for _, k := range keys {
		if err := s.Store.ReleaseLoginAttempt(ctx, k); err != nil {
			return nil, err
		}
	}
	return acct, nil
}

// clientIP is the IP of a RemoteAddr-style "host:port" (or a bare IP).
func clientIP(addr string) string {
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return addr
}

// RememberDevice issues a device cookie for a successful login; the caller
// sets it in the browser (see SetDeviceCookie).
func (s *Service) RememberDevice(ctx context.Context, a *account.Account) (token string, expires time.Time, err error) {
	token, hash, err := account.NewToken()
	if err != nil {
		return "", time.Time{}, err
	}
	now := s.now()
	expires = now.Add(DeviceLifetime)
	if err := s.Store.SaveDevice(ctx, hash, a.ID, now, expires); err != nil {
		return "", time.Time{}, err
	}
	return token, expires, nil
}

// IssueToken opens an API bearer token for an account.
func (s *Service) IssueToken(ctx context.Context, a *account.Account) (token string, expires time.Time, err error) {
	token, hash, err := account.NewToken()
	if err != nil {
		return "", time.Time{}, err
	}
	now := s.now()
	expires = now.Add(account.TokenTTL)
	if err := s.Store.SaveToken(ctx, hash, a.ID, now, expires); err != nil {
		return "", time.Time{}, err
	}
	return token, expires, nil
}

// ErrUnauthorized answers a missing, unknown, expired or revoked token.
var ErrUnauthorized = apperr.New(apperr.Unauthorized, "unauthorized",
	"Bạn cần đăng nhập (thiếu hoặc sai mã truy cập).", "Authentication required (missing or invalid bearer token).")

// Bearer resolves an API bearer token to its account.
func (s *Service) Bearer(ctx context.Context, token string) (*account.Account, error) {
	token = strings.TrimSpace(token)
	if token == "" || len(token) > 200 {
		return nil, ErrUnauthorized
	}
	a, err := s.Store.AccountByToken(ctx, account.HashToken(token), s.now())
	if apperr.Is(err, apperr.NotFound) {
		return nil, ErrUnauthorized
	}
	if err != nil {
		return nil, err
	}
	if !a.Active() {
		return nil, ErrUnauthorized
	}
	return a, nil
}

// RevokeToken ends an API bearer token at once.
func (s *Service) RevokeToken(ctx context.Context, token string) error {
	err := s.Store.DeleteToken(ctx, account.HashToken(strings.TrimSpace(token)))
	if apperr.Is(err, apperr.NotFound) {
		return ErrUnauthorized
	}
	return err
}

// ChangePassword replaces the account's password after checking the
// current one (throttled like a login) and the policy; the account's other
// sessions end and its API tokens are revoked.
func (s *Service) ChangePassword(ctx context.Context, a *account.Account, c Credentials, next string) error {
	c.Username = a.Username
	if _, err := s.Login(ctx, c); err != nil {
		if apperr.Is(err, apperr.Unauthorized) {
			e := apperr.New(apperr.Invalid, "password_wrong", "Mật khẩu hiện tại không đúng.", "The current password is wrong.")
			e.Fields = []apperr.Field{{Name: "current_password", Code: "password_wrong",
				Message: "Mật khẩu hiện tại không đúng.", MessageEN: "The current password is wrong."}}
			return e
		}
		return err
	}
	if err := account.CheckPassword("new_password", next, a.Username); err != nil {
		return err
	}
	if next == c.Password {
		e := apperr.New(apperr.Invalid, "password_same", "Mật khẩu mới phải khác mật khẩu hiện tại.", "The new password must differ from the current one.")
		e.Fields = []apperr.Field{{Name: "new_password", Code: "password_same", Message: e.VI, MessageEN: e.EN}}
		return e
	}
	hash, err := account.HashPassword(next)
	if err != nil {
		return err
	}
	if err := s.Store.SetPassword(ctx, a.ID, hash, false, s.now(), dossier.Actor{AccountID: a.ID, Name: a.FullName}); err != nil {
		return err
	}
	s.log().InfoContext(ctx, "password changed", "account", a.ID)
	return nil
}
