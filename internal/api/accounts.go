package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/dossier"
)

// registerCitizen opens a self-declared citizen account (auth.Service
// decides: refused while self-registration is off, or for an ID number a
// verified account holds).
func (h *Handler) registerCitizen(w http.ResponseWriter, r *http.Request) error {
	var in account.Registration
	if err := h.decodeJSON(w, r, &in); err != nil {
		return err
	}
	a, err := h.Auth.Register(r.Context(), &in)
	if err != nil {
		return err
	}
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

// token logs in (throttled by auth.Service.Login) and opens a bearer token.
func (h *Handler) token(w http.ResponseWriter, r *http.Request) error {
	var in tokenRequest
	if err := h.decodeJSON(w, r, &in); err != nil {
		return err
	}
	a, err := h.Auth.Login(r.Context(), auth.Credentials{Username: in.Username, Password: in.Password,
		ClientAddr: r.RemoteAddr, DeviceToken: auth.DeviceToken(r)})
	if err != nil {
		return err
	}
	tok, exp, err := h.Auth.IssueToken(r.Context(), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, tokenResponse{Token: tok, ExpiresAt: exp.UTC()})
	return nil
}

// revokeToken ends the bearer token the request carries.
func (h *Handler) revokeToken(w http.ResponseWriter, r *http.Request) error {
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if err := h.Auth.RevokeToken(r.Context(), tok); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type meResponse struct {
	Kind      account.Kind      `json:"kind"`
	Username  string            `json:"username"`
	FullName  string            `json:"full_name"`
	Assurance account.Assurance `json:"assurance"`
	Roles     []dossier.Grant   `json:"roles"`
}

func (h *Handler) me(w http.ResponseWriter, r *http.Request) error {
	a := actorFrom(r.Context())
	acct := accountFrom(r.Context())
	kind := account.KindStaff
	if a.Citizen {
		kind = account.KindCitizen
	}
	roles := a.Grants
	if roles == nil {
		roles = []dossier.Grant{}
	}
	writeJSON(w, http.StatusOK, meResponse{Kind: kind, FullName: a.Name, Username: a.Username, Assurance: acct.Assurance, Roles: roles})
	return nil
}
