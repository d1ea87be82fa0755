package portal

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/web"
)

// Accounts is the part of the store the account pages use (logins,
// registrations and identities go through auth.Service).
type Accounts interface {
	ListDossiers(ctx context.Context, a dossier.Actor, f dossier.Filter) ([]dossier.Dossier, int64, error)
	Notices(ctx context.Context, accountID, before int64, limit int) ([]store.Notice, int64, error)
	UnseenNotices(ctx context.Context, accountID int64) (int, error)
	MarkNoticesSeen(ctx context.Context, accountID, upTo int64) error
	SaveDraft(ctx context.Context, accountID int64, procedure string, data []byte, now time.Time) error
	Draft(ctx context.Context, accountID int64, procedure string) ([]byte, time.Time, bool, error)
	DeleteDraft(ctx context.Context, accountID int64, procedure string) error
}

// maxForm bounds the body of the account forms.
const maxForm = 16 << 10

type accountKey struct{}

// accountOf returns the logged-in account, or nil.
func accountOf(r *http.Request) *account.Account {
	a, _ := r.Context().Value(accountKey{}).(*account.Account)
	return a
}

// session loads the session (saving it after the handler, see
// web.Sessions) and the logged-in account. An account holding a password
// handed out at the desk is sent to change it before anything else.
func (h *Handler) session(next http.Handler) http.Handler {
	withUser := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, err := h.Auth.SessionAccount(r.Context(), h.Sessions)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if a != nil {
			u := &web.User{Name: a.FullName}
			if a.Kind == account.KindCitizen {
				u.Account = accountPath
			}
			r = web.WithUser(r.WithContext(context.WithValue(r.Context(), accountKey{}, a)), u)
			if a.MustChangePassword && r.URL.Path != passwordPath && r.URL.Path != "/dang-xuat" &&
				!strings.HasPrefix(r.URL.Path, web.StaticPrefix) {
				if r.Method == http.MethodGet {
					http.Redirect(w, r, passwordPath, http.StatusSeeOther)
					return
				}
				h.web.Error(w, r, http.StatusForbidden, h.t(r, "password.must_change"))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
	return web.Sessions(h.Sessions, withUser)
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
	// EID is set when the e-ID login is configured (its button shows);
	// SSO when the officers' single sign-on is.
	EID, SSO bool
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
	v.EID, v.SSO = h.EID != nil, h.StaffSSO != nil
	h.web.Render(w, r, web.View{Name: "login", NoIndex: true, Data: v})
	return nil
}

// login checks the ID number (or staff username) and password through
// auth.Service.Login, the one check with its throttling. Answers: 303 on
// success (with a device cookie, so that this browser is not locked out
// by someone else's guesses); the form again with 400 for empty fields,
// 401 for wrong credentials and 429 (with Retry-After) while throttled.
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
		a, err := h.Auth.Login(r.Context(), auth.Credentials{Username: v.Values["username"], Password: password,
			ClientAddr: r.RemoteAddr, DeviceToken: auth.DeviceToken(r)})
		if err == nil {
			if err := h.Auth.LogIn(r.Context(), h.Sessions, a); err != nil {
				return err
			}
			tok, exp, err := h.Auth.RememberDevice(r.Context(), a)
			if err != nil {
				return err
			}
			auth.SetDeviceCookie(w, tok, exp, h.Sessions.Cookie.Secure || web.IsHTTPS(r))
			http.Redirect(w, r, v.Next, http.StatusSeeOther)
			return nil
		}
		e, ok := apperr.As(err)
		if !ok || (e.Kind != apperr.Unauthorized && e.Kind != apperr.TooMany && e.Kind != apperr.Invalid) {
			return err
		}
		status = apperr.Status(e)
		if e.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds())))
		}
		v.add("password", e.Message(lang))
		if e.Kind == apperr.Invalid {
			v.Values["username"] = ""
		}
	}
	v.EID, v.SSO = h.EID != nil, h.StaffSSO != nil
	h.web.Render(w, r, web.View{Name: "login", Status: status, NoIndex: true, Data: v})
	return nil
}

// logout ends the session.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request) error {
	idToken := h.Sessions.GetString(r.Context(), sessionIDToken)
	if err := auth.LogOut(r.Context(), h.Sessions); err != nil {
		return err
	}
	// A session the e-ID opened ends at the provider too, where it
	// publishes an end-session endpoint.
	if h.EID != nil && idToken != "" {
		if to := h.EID.LogoutURL(idToken, web.PublicURL(h.BaseURL, r, "/")); to != "" {
			// Not a redirect: the pages' Content-Security-Policy
			// (form-action 'self') stops a form's redirect to another
			// origin, which would leave the provider's session open on
			// a shared computer. A page of ours goes on instead.
			h.web.Render(w, r, web.View{Name: "logout", NoIndex: true, NoStore: true, Data: struct{ URL string }{to}})
			return nil
		}
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// registerFields are the registration form's controls, in order.
var registerFields = []string{"id_number", "full_name", "phone", "email", "password", "password_confirm"}

// registerView is the data of the registration page.
type registerView struct {
	formView
	// Closed is set while self-registration is off.
	Closed bool
}

// registerForm shows the registration page, or why there is none.
func (h *Handler) registerForm(w http.ResponseWriter, r *http.Request) error {
	if accountOf(r) != nil {
		http.Redirect(w, r, "/ho-so", http.StatusSeeOther)
		return nil
	}
	v := &registerView{formView: formView{Values: map[string]string{}}, Closed: !h.Auth.SelfRegistration}
	status := http.StatusOK
	if v.Closed {
		status = http.StatusForbidden
	}
	h.web.Render(w, r, web.View{Name: "register", Status: status, Data: v})
	return nil
}

// register opens a self-declared citizen account through
// auth.Service.Register and logs the citizen in. Answers: 303 to /ho-so;
// the form again with 400 for invalid input, 409 for an ID number already
// registered and 403 while self-registration is off.
func (h *Handler) register(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	lang := web.LangOf(r)
	f := r.PostForm
	in := account.Registration{IDNumber: f.Get("id_number"), FullName: f.Get("full_name"), Phone: f.Get("phone"),
		Email: f.Get("email"), Password: f.Get("password")}
	v := &registerView{formView: formView{Values: map[string]string{}}}
	status := http.StatusBadRequest
	var err error
	if f.Get("password_confirm") != in.Password {
		// Say everything that is wrong at once: the other fields too.
		err = account.CheckRegistration(&in, h.now())
		v.add("password_confirm", h.t(r, "register.err.confirm"))
	}
	if err == nil && len(v.Errors) == 0 {
		var a *account.Account
		a, err = h.Auth.Register(r.Context(), &in)
		if err == nil {
			if err := h.Auth.LogIn(r.Context(), h.Sessions, a); err != nil {
				return err
			}
			http.Redirect(w, r, "/ho-so", http.StatusSeeOther)
			return nil
		}
	}
	if err != nil {
		e, ok := apperr.As(err)
		if !ok || e.Kind == apperr.Internal {
			return err
		}
		status = apperr.Status(e)
		v.Closed = e.Code == auth.ErrSelfRegistrationOff.Code
		for _, fe := range e.Fields {
			v.add(fe.Name, fe.In(lang))
		}
		if len(e.Fields) == 0 && !v.Closed {
			v.add("id_number", e.Message(lang))
		}
	}
	// Values come back as typed (trimmed), never the passwords.
	v.Values = map[string]string{"id_number": in.IDNumber, "full_name": in.FullName, "phone": f.Get("phone"), "email": in.Email}
	h.web.Render(w, r, web.View{Name: "register", Status: status, Data: v})
	return nil
}

type profileView struct {
	Name    string
	Citizen bool
	// Verified tells the citizen whether counter dossiers follow them.
	Verified bool
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
	v := &profileView{Name: a.FullName, Citizen: a.Kind == account.KindCitizen, Verified: a.IsVerified()}
	if v.Citizen {
		ds, _, err := h.Accounts.ListDossiers(r.Context(), citizenActor(a), dossier.Filter{Now: h.now(), Limit: 100})
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
