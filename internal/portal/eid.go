package portal

import (
	"net/http"

	"github.com/motcua/motcua/internal/apperr"
)

// sessionIDToken keeps the e-ID's ID token in the session, for the
// provider's end-session request at logout.
const sessionIDToken = "eid_id_token"

// eidStart sends the citizen to the e-ID provider's login page (404 when
// no provider is configured).
func (h *Handler) eidStart(w http.ResponseWriter, r *http.Request) error {
	if h.EID == nil {
		return apperr.ErrNotFound
	}
	to, err := h.EID.Start(w, r, localNext(r.URL.Query().Get("next")))
	if err != nil {
		return err
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// eidCallback ends the e-ID login: the identity proved, the verified
// account opened or found (auth.Service.LoginWithEID), the session started.
// A refused or stale login answers the error page with its reason.
func (h *Handler) eidCallback(w http.ResponseWriter, r *http.Request) error {
	if h.EID == nil {
		return apperr.ErrNotFound
	}
	id, back, err := h.EID.Callback(w, r)
	if err != nil {
		if e, ok := apperr.As(err); ok && e.Err != nil {
			// The cause is for the log; the page says what to do.
			h.Log.WarnContext(r.Context(), "e-ID login refused", "code", e.Code, "err", e.Err)
		}
		return err
	}
	a, err := h.Auth.LoginWithEID(r.Context(), id)
	if err != nil {
		return err
	}
	if err := h.Auth.LogIn(r.Context(), h.Sessions, a); err != nil {
		return err
	}
	h.Sessions.Put(r.Context(), sessionIDToken, id.IDToken)
	http.Redirect(w, r, localNext(back), http.StatusSeeOther)
	return nil
}

// ssoStart sends an officer to the city's single sign-on (404 when none is
// configured).
func (h *Handler) ssoStart(w http.ResponseWriter, r *http.Request) error {
	if h.StaffSSO == nil {
		return apperr.ErrNotFound
	}
	next := localNext(r.URL.Query().Get("next"))
	if next == "/ho-so" {
		next = "/can-bo/"
	}
	to, err := h.StaffSSO.Start(w, r, next)
	if err != nil {
		return err
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// ssoCallback ends the officer's single sign-on: the username the
// provider vouched for must be an active staff account of motcua
// (auth.Service.LoginWithStaffSSO); its roles and units are motcua's.
func (h *Handler) ssoCallback(w http.ResponseWriter, r *http.Request) error {
	if h.StaffSSO == nil {
		return apperr.ErrNotFound
	}
	id, back, err := h.StaffSSO.Callback(w, r)
	if err != nil {
		if e, ok := apperr.As(err); ok && e.Err != nil {
			h.Log.WarnContext(r.Context(), "single sign-on refused", "code", e.Code, "err", e.Err)
		}
		return err
	}
	a, err := h.Auth.LoginWithStaffSSO(r.Context(), id)
	if err != nil {
		return err
	}
	if err := h.Auth.LogIn(r.Context(), h.Sessions, a); err != nil {
		return err
	}
	http.Redirect(w, r, localNext(back), http.StatusSeeOther)
	return nil
}
