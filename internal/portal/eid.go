package portal

import (
	"context"
	"net/http"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/eid"
)

// sessionIDToken keeps the e-ID's ID token in the session, for the
// provider's end-session request at logout.
const sessionIDToken = "eid_id_token"

// oidcStart sends the browser to the provider's login page (404 when the
// provider is not configured); next is where to come back.
func (h *Handler) oidcStart(w http.ResponseWriter, r *http.Request, rp *eid.RP, next string) error {
	if rp == nil {
		return apperr.ErrNotFound
	}
	to, err := rp.Start(w, r, next)
	if err != nil {
		return err
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// oidcCallback ends a login at the provider: the identity proved, the
// account open picks (the auth service's rule for this provider), the
// session started; the caller redirects to back once it has stored what
// it keeps in the session. A refused or stale login answers the error page
// with its reason; its cause goes to the log.
func (h *Handler) oidcCallback(w http.ResponseWriter, r *http.Request, rp *eid.RP,
	open func(context.Context, *eid.Identity) (*account.Account, error)) (id *eid.Identity, back string, err error) {
	if rp == nil {
		return nil, "", apperr.ErrNotFound
	}
	id, back, err = rp.Callback(w, r)
	if err != nil {
		if e, ok := apperr.As(err); ok && e.Err != nil {
			h.Log.WarnContext(r.Context(), "OpenID login refused", "code", e.Code, "err", e.Err)
		}
		return nil, "", err
	}
	a, err := open(r.Context(), id)
	if err != nil {
		return nil, "", err
	}
	if err := h.Auth.LogIn(r.Context(), h.Sessions, a); err != nil {
		return nil, "", err
	}
	return id, localNext(back), nil
}

// eidStart starts the citizens' national e-ID login.
func (h *Handler) eidStart(w http.ResponseWriter, r *http.Request) error {
	return h.oidcStart(w, r, h.EID, localNext(r.URL.Query().Get("next")))
}

// eidCallback ends it: the verified account opened or found
// (auth.Service.LoginWithEID); the ID token is kept for the logout.
func (h *Handler) eidCallback(w http.ResponseWriter, r *http.Request) error {
	id, back, err := h.oidcCallback(w, r, h.EID, h.Auth.LoginWithEID)
	if err != nil {
		return err
	}
	h.Sessions.Put(r.Context(), sessionIDToken, id.IDToken)
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// ssoStart starts an officer's single sign-on; the back office by default.
func (h *Handler) ssoStart(w http.ResponseWriter, r *http.Request) error {
	next := localNext(r.URL.Query().Get("next"))
	if next == "/ho-so" {
		next = "/can-bo/"
	}
	return h.oidcStart(w, r, h.StaffSSO, next)
}

// ssoCallback ends it: the username the provider vouched for must be an
// active staff account of motcua (auth.Service.LoginWithStaffSSO).
func (h *Handler) ssoCallback(w http.ResponseWriter, r *http.Request) error {
	_, back, err := h.oidcCallback(w, r, h.StaffSSO, h.Auth.LoginWithStaffSSO)
	if err != nil {
		return err
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}
