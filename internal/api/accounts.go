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
	// The citizen's own account (auth.Service.Profile); absent for staff.
	Phone          string         `json:"phone,omitempty"`
	Email          string         `json:"email,omitempty"`
	BirthDate      string         `json:"birth_date,omitempty"`
	AssuranceLevel string         `json:"assurance_level,omitempty"`
	VerifiedAt     *time.Time     `json:"verified_at,omitempty"`
	VerifiedHow    string         `json:"verified_how,omitempty"`
	VerifiedBy     string         `json:"verified_by,omitempty"`
	VerifiedUnit   string         `json:"verified_unit,omitempty"`
	Notifications  *notifications `json:"notifications,omitempty"`
}

// notifications are the channels a citizen's notices go through.
type notifications struct {
	// Chosen is false while the citizen never chose (the defaults apply).
	Chosen bool `json:"chosen"`
	// Wanted lists "kind.channel" pairs: "progress.email", "result.sms".
	Wanted []string `json:"wanted"`
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
	out := meResponse{Kind: kind, FullName: a.Name, Username: a.Username, Assurance: acct.Assurance, Roles: roles}
	if a.Citizen {
		p, err := h.Auth.Profile(r.Context(), acct)
		if err != nil {
			return err
		}
		citizenMe(&out, p)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// citizenMe adds the citizen's own account to the answer.
func citizenMe(out *meResponse, p *auth.Profile) {
	a := p.Account
	out.FullName, out.Phone, out.Email, out.BirthDate, out.AssuranceLevel = a.FullName, a.Phone, a.Email, a.BirthDate, a.AssuranceLevel
	out.VerifiedAt, out.VerifiedHow, out.VerifiedBy, out.VerifiedUnit = a.VerifiedAt, a.VerifiedHow, p.VerifierName, p.VerifierUnit
	if out.VerifiedAt != nil {
		t := out.VerifiedAt.UTC()
		out.VerifiedAt = &t
	}
	n := &notifications{Chosen: p.Preferences.Chosen, Wanted: []string{}}
	for _, c := range p.Preferences.Wanted() {
		n.Wanted = append(n.Wanted, c.Field())
	}
	out.Notifications = n
}

// updateMe changes the citizen's own phone number, e-mail address and
// notification channels (auth.Service.UpdateContact, the rule the portal's
// account page uses too): fields left out stay as they are. Staff have no
// such account: 404.
func (h *Handler) updateMe(w http.ResponseWriter, r *http.Request) error {
	var in account.ContactChange
	if err := h.decodeJSON(w, r, &in); err != nil {
		return err
	}
	acct := accountFrom(r.Context())
	p, err := h.Auth.UpdateContact(r.Context(), acct, in)
	if err != nil {
		return err
	}
	a := actorFrom(r.Context())
	out := meResponse{Kind: account.KindCitizen, Username: a.Username, Assurance: acct.Assurance, Roles: []dossier.Grant{}}
	citizenMe(&out, p)
	writeJSON(w, http.StatusOK, out)
	return nil
}
