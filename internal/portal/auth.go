package portal

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/api"
	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/web"
)

// Accounts is the part of the store the account pages use.
type Accounts interface {
	api.LoginStore
	CreateAccount(ctx context.Context, a *account.Account) error
	AccountByID(ctx context.Context, id int64) (*account.Account, error)
	ListDossiers(ctx context.Context, a dossier.Actor, f dossier.Filter) ([]dossier.Dossier, int64, error)
	Notices(ctx context.Context, accountID, before int64, limit int) ([]store.Notice, int64, error)
	UnseenNotices(ctx context.Context, accountID int64) (int, error)
	MarkNoticesSeen(ctx context.Context, accountID, upTo int64) error
	SaveDraft(ctx context.Context, accountID int64, procedure string, data []byte, now time.Time) error
	Draft(ctx context.Context, accountID int64, procedure string) ([]byte, time.Time, bool, error)
	DeleteDraft(ctx context.Context, accountID int64, procedure string) error
}

// Session cookie policy.
const (
	SessionCookie      = "motcua_session"
	SessionLifetime    = 12 * time.Hour
	SessionIdleTimeout = 2 * time.Hour
	// SessionAccount is the session key holding the logged-in account id;
	// the back office reads the same login.
	SessionAccount = "account_id"
	// maxForm bounds the body of the account forms.
	maxForm = 16 << 10
)

// NewSessions returns the portal's session manager on store: cookie
// "motcua_session", HttpOnly, SameSite=Lax, 12 hours at most and 2 hours
// idle. Secure is set per request when it came over TLS (see Handler).
func NewSessions(store scs.Store) *scs.SessionManager {
	sm := scs.New()
	sm.Store = store
	sm.Lifetime = SessionLifetime
	sm.IdleTimeout = SessionIdleTimeout
	sm.Cookie.Name = SessionCookie
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Path = "/"
	sm.Cookie.Secure = false
	return sm
}

type accountKey struct{}

// accountOf returns the logged-in account, or nil.
func accountOf(r *http.Request) *account.Account {
	a, _ := r.Context().Value(accountKey{}).(*account.Account)
	return a
}

// session loads the session (saving it after the handler, see
// web.Sessions) and the logged-in account.
func (h *Handler) session(next http.Handler) http.Handler {
	withUser := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id := h.Sessions.GetInt64(r.Context(), SessionAccount); id != 0 {
			a, err := h.Accounts.AccountByID(r.Context(), id)
			switch {
			case err == nil && !a.Disabled:
				r = web.WithUser(r.WithContext(context.WithValue(r.Context(), accountKey{}, a)), &web.User{Name: a.FullName})
			case err != nil && !apperr.Is(err, apperr.NotFound):
				h.fail(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
	return web.Sessions(h.Sessions, withUser)
}

// logIn rotates the session token (against session fixation) and records
// the account in the session.
func (h *Handler) logIn(r *http.Request, a *account.Account) error {
	if err := h.Sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	h.Sessions.Put(r.Context(), SessionAccount, a.ID)
	return nil
}

// formError is one invalid field, for the error summary and inline.
type formError struct {
	Field   string // the control's id
	Message string
}

// formView is the data of the login and registration pages.
type formView struct {
	Values map[string]string
	Errors []formError
	Next   string
}

// Err returns the message of the field's error, if any.
func (v *formView) Err(field string) string {
	for _, e := range v.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

func (v *formView) add(field, msg string) { v.Errors = append(v.Errors, formError{field, msg}) }

// parseForm reads a small url-encoded form.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	return web.ParseForm(w, r, maxForm)
}

// localNext returns next when it is a path on this site ("/…" but not
// "//…" or "/\…", which browsers read as another host), else "/ho-so".
func localNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, `/\`) ||
		strings.ContainsAny(next, "\r\n\t\\") {
		return "/ho-so"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return "/ho-so"
	}
	return next
}

// loginURL is the login page returning to next.
func loginURL(next string) string {
	return "/dang-nhap?next=" + strings.ReplaceAll(url.QueryEscape(next), "%2F", "/")
}

// loginForm shows the login page.
func (h *Handler) loginForm(w http.ResponseWriter, r *http.Request) error {
	if accountOf(r) != nil {
		http.Redirect(w, r, localNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	v := &formView{Next: localNext(r.URL.Query().Get("next"))}
	h.web.Render(w, r, web.View{Name: "login", NoIndex: true, Data: v})
	return nil
}

// login checks the ID number (or staff username) and password with
// api.Authenticate, the API's own check with its throttling. Answers: 303
// on success; the form again with 400 for empty fields, 401 for wrong
// credentials and 429 while the username is locked.
func (h *Handler) login(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	lang := web.LangOf(r)
	v := &formView{Values: map[string]string{"username": strings.TrimSpace(r.PostForm.Get("username"))},
		Next: localNext(r.PostForm.Get("next"))}
	password := r.PostForm.Get("password")
	status := http.StatusBadRequest
	if v.Values["username"] == "" {
		v.add("username", h.t(r, "login.err.username"))
	}
	if password == "" {
		v.add("password", h.t(r, "login.err.password"))
	}
	if len(v.Errors) == 0 {
		a, err := api.Authenticate(r, h.Accounts, v.Values["username"], password, h.now())
		if err == nil {
			if err := h.logIn(r, a); err != nil {
				return err
			}
			http.Redirect(w, r, v.Next, http.StatusSeeOther)
			return nil
		}
		e, ok := apperr.As(err)
		if !ok || (e.Kind != apperr.Unauthorized && e.Kind != apperr.TooMany) {
			return err
		}
		status = http.StatusUnauthorized
		if e.Kind == apperr.TooMany {
			status = http.StatusTooManyRequests
		}
		v.add("password", e.Message(lang))
	}
	h.web.Render(w, r, web.View{Name: "login", Status: status, NoIndex: true, Data: v})
	return nil
}

// logout ends the session: a new token, then the session destroyed.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request) error {
	if err := h.Sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	if err := h.Sessions.Destroy(r.Context()); err != nil {
		return err
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// registerFields are the registration form's controls, in order.
var registerFields = []string{"id_number", "full_name", "phone", "email", "password", "password_confirm"}

// registerForm shows the registration page.
func (h *Handler) registerForm(w http.ResponseWriter, r *http.Request) error {
	if accountOf(r) != nil {
		http.Redirect(w, r, "/ho-so", http.StatusSeeOther)
		return nil
	}
	h.web.Render(w, r, web.View{Name: "register", Data: &formView{Values: map[string]string{}}})
	return nil
}

// register opens a citizen account with account.CheckRegistration (the
// API's validation) and logs the citizen in. Answers: 303 to /ho-so; the
// form again with 400 for invalid input and 409 for a registered ID number.
func (h *Handler) register(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	lang := web.LangOf(r)
	f := r.PostForm
	in := account.Registration{IDNumber: f.Get("id_number"), FullName: f.Get("full_name"), Phone: f.Get("phone"),
		Email: f.Get("email"), Password: f.Get("password")}
	v := &formView{Values: map[string]string{}}
	status := http.StatusBadRequest
	err := account.CheckRegistration(&in, h.now())
	var e *apperr.Error
	if err != nil && !errors.As(err, &e) {
		return err
	}
	if e != nil {
		for _, fe := range e.Fields {
			msg := fe.Message
			if lang == web.EN && fe.MessageEN != "" {
				msg = fe.MessageEN
			}
			v.add(fe.Name, msg)
		}
	}
	if f.Get("password_confirm") != in.Password {
		v.add("password_confirm", h.t(r, "register.err.confirm"))
	}
	if len(v.Errors) == 0 {
		hash, err := account.HashPassword(in.Password)
		if err != nil {
			return err
		}
		a := &account.Account{Kind: account.KindCitizen, Username: in.IDNumber, FullName: in.FullName, Phone: in.Phone,
			Email: in.Email, PasswordHash: hash, CreatedAt: h.now()}
		err = h.Accounts.CreateAccount(r.Context(), a)
		if err == nil {
			h.Log.InfoContext(r.Context(), "citizen registered", "account", a.ID)
			if err := h.logIn(r, a); err != nil {
				return err
			}
			http.Redirect(w, r, "/ho-so", http.StatusSeeOther)
			return nil
		}
		if !apperr.Is(err, apperr.Conflict) {
			return err
		}
		status = http.StatusConflict
		v.add("id_number", h.t(r, "register.err.exists"))
	}
	// Values come back as typed (the ID number and name normalised), never
	// the passwords.
	v.Values = map[string]string{"id_number": in.IDNumber, "full_name": in.FullName, "phone": f.Get("phone"), "email": in.Email}
	h.web.Render(w, r, web.View{Name: "register", Status: status, Data: v})
	return nil
}

type profileView struct {
	Name     string
	Citizen  bool
	Dossiers []dossier.Dossier
	// Unseen counts the notifications not yet read.
	Unseen int
}

// profile is the logged-in person's page; for now it lists the citizen's
// own dossiers.
func (h *Handler) profile(w http.ResponseWriter, r *http.Request) error {
	a := accountOf(r)
	if a == nil {
		http.Redirect(w, r, loginURL(r.URL.RequestURI()), http.StatusSeeOther)
		return nil
	}
	v := &profileView{Name: a.FullName, Citizen: a.Kind == account.KindCitizen}
	if v.Citizen {
		actor := dossier.Actor{AccountID: a.ID, Username: a.Username, Name: a.FullName, Citizen: true, IDNumber: a.Username}
		ds, _, err := h.Accounts.ListDossiers(r.Context(), actor, dossier.Filter{Now: h.now(), Limit: 100})
		if err != nil {
			return err
		}
		lang := web.LangOf(r)
		for i := range ds {
			ds[i].StatusLabel = ds[i].Status.Label(lang)
		}
		v.Dossiers = ds
		if v.Unseen, err = h.Accounts.UnseenNotices(r.Context(), a.ID); err != nil {
			return err
		}
	}
	h.web.Render(w, r, web.View{Name: "profile", NoIndex: true, Data: v})
	return nil
}
