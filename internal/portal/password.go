package portal

import (
	"net/http"
	"strconv"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/web"
)

// passwordPath is the password change page, for citizens and staff alike
// (the back office links to it).
const passwordPath = "/doi-mat-khau"

// passwordView is the data of the password change page.
type passwordView struct {
	formView
	// Forced is set when the password was handed out at the desk.
	Forced bool
	Done   bool
}

// passwordForm shows the password change page.
func (h *Handler) passwordForm(w http.ResponseWriter, r *http.Request) error {
	a := accountOf(r)
	if a == nil {
		http.Redirect(w, r, loginURL(r.URL.RequestURI()), http.StatusSeeOther)
		return nil
	}
	v := &passwordView{formView: formView{Values: map[string]string{}}, Forced: a.MustChangePassword, Done: r.URL.Query().Has("xong")}
	h.web.Render(w, r, web.View{Name: "password", NoIndex: true, Data: v})
	return nil
}

// changePassword changes the password through auth.Service.ChangePassword
// (current password checked and throttled, policy applied; the account's
// other sessions end and its API tokens are revoked). Answers: 303 back to
// the page; the form again with 400 for invalid input and 429 while
// throttled.
func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request) error {
	a := accountOf(r)
	if a == nil {
		return apperr.New(apperr.Unauthorized, "login_required", "Vui lòng đăng nhập.", "Please log in.")
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	v := &passwordView{formView: formView{Values: map[string]string{}}, Forced: a.MustChangePassword}
	status := http.StatusBadRequest
	if f.Get("current_password") == "" {
		v.add("current_password", h.t(r, "login.err.password"))
	}
	if f.Get("new_password") != f.Get("new_password_confirm") {
		v.add("new_password_confirm", h.t(r, "register.err.confirm"))
	}
	if len(v.Errors) == 0 {
		err := h.Auth.ChangePassword(r.Context(), a, auth.Credentials{Password: f.Get("current_password"),
			ClientAddr: r.RemoteAddr, DeviceToken: auth.DeviceToken(r)}, f.Get("new_password"))
		if err == nil {
			if err := h.Auth.Refresh(r.Context(), h.Sessions, a.ID); err != nil {
				return err
			}
			http.Redirect(w, r, passwordPath+"?xong", http.StatusSeeOther)
			return nil
		}
		e, ok := apperr.As(err)
		if !ok || e.Kind == apperr.Internal {
			return err
		}
		status = apperr.Status(e)
		if e.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds())))
		}
		lang := web.LangOf(r)
		for _, fe := range e.Fields {
			v.add(fe.Name, fe.In(lang))
		}
		if len(e.Fields) == 0 {
			v.add("current_password", e.Message(lang))
		}
	}
	h.web.Render(w, r, web.View{Name: "password", Status: status, NoIndex: true, Data: v})
	return nil
}
