package backoffice

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/web"
)

// identityPath is the desk's page for citizen accounts: does an ID number
// have an account, is it verified; verify it with the ID card in hand, or
// open a verified account for the card holder.
const identityPath = "/can-bo/tai-khoan"

// IdentityDesk reports whether the member may use the identity page.
func (f Frame) IdentityDesk() bool { return auth.CanVerify(f.Staff.Actor) }

type identityView struct {
	Frame
	IDNumber string
	Looked   bool
	Account  *account.Account
	// Errors by field, and the form's values, for the form shown again.
	Errors map[string]string
	Values map[string]string
	// Done says what just happened; Password is a one-time password to
	// hand over (shown once).
	Done     string
	Attached int64
	Password string
}

// identityPage serves /can-bo/tai-khoan[?so-dinh-danh=…].
func (h *Handler) identityPage(w http.ResponseWriter, r *http.Request, s *staff) error {
	if !auth.CanVerify(s.Actor) {
		return apperr.New(apperr.Forbidden, "not_desk", "Trang này dành cho cán bộ tiếp nhận, lãnh đạo và quản trị đơn vị.",
			"This page is for receptionists, leaders and unit administrators.")
	}
	v := &identityView{Frame: Frame{s, identityPath}, Errors: map[string]string{}, Values: map[string]string{}}
	status := http.StatusOK
	if id := strings.TrimSpace(r.URL.Query().Get("so-dinh-danh")); id != "" {
		v.IDNumber = id
		st, err := h.Auth.LookUpIDNumber(r.Context(), s.Actor, id)
		if err != nil {
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.Invalid {
				return err
			}
			status = http.StatusBadRequest
			v.Errors["id_number"] = e.Message(web.LangOf(r))
			for _, f := range e.Fields {
				v.Errors["id_number"] = fieldMessage(r, f)
			}
		} else {
			v.Looked, v.Account = true, st.Account
		}
	}
	h.web.Render(w, r, web.View{Name: "identity", Status: status, NoIndex: true, Data: v})
	return nil
}

func fieldMessage(r *http.Request, f apperr.Field) string { return f.In(web.LangOf(r)) }

// identityPost verifies an account (action=verify) or opens a verified
// account for the card holder (action=claim), through auth.Service.
func (h *Handler) identityPost(w http.ResponseWriter, r *http.Request, s *staff) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "form_invalid", "Biểu mẫu không hợp lệ.", "The form is invalid.")
	}
	f := r.PostForm
	ctx := r.Context()
	v := &identityView{Frame: Frame{s, identityPath}, Errors: map[string]string{}, Values: map[string]string{},
		IDNumber: strings.TrimSpace(f.Get("id_number"))}
	for _, k := range []string{"name_on_card", "phone", "email"} {
		v.Values[k] = f.Get(k)
	}
	var err error
	switch f.Get("action") {
	case "verify":
		id, _ := strconv.ParseInt(f.Get("account"), 10, 64)
		v.Attached, err = h.Auth.VerifyAtDesk(ctx, s.Actor, auth.DeskVerification{IDNumber: v.IDNumber, AccountID: id,
			NameOnCard: f.Get("name_on_card"), CardChecked: f.Get("card_checked") == "yes"})
		v.Done = "verified"
	case "claim":
		var a *account.Account
		a, v.Password, err = h.Auth.ClaimAtDesk(ctx, s.Actor, auth.DeskClaim{IDNumber: v.IDNumber, NameOnCard: f.Get("name_on_card"),
			Phone: f.Get("phone"), Email: f.Get("email"), CardChecked: f.Get("card_checked") == "yes"})
		if err == nil {
			v.Account = a
		}
		v.Done = "claimed"
	default:
		return apperr.New(apperr.Invalid, "action_unknown", "Thao tác không hợp lệ.", "Unknown action.")
	}
	status := http.StatusOK
	if err != nil {
		e, ok := apperr.As(err)
		if !ok || e.Kind == apperr.Internal || e.Kind == apperr.Forbidden {
			return err
		}
		status = apperr.Status(e)
		v.Done, v.Password = "", ""
		for _, fe := range e.Fields {
			v.Errors[fe.Name] = fieldMessage(r, fe)
		}
		if len(e.Fields) == 0 {
			v.Errors["form"] = e.Message(web.LangOf(r))
		}
	}
	// Show the ID number's state after the change (or as it is, on error).
	st, lerr := h.Auth.LookUpIDNumber(ctx, s.Actor, v.IDNumber)
	if lerr == nil {
		v.Looked, v.Account = true, st.Account
	}
	// The one-time password must not be cached or kept by the browser.
	h.web.Render(w, r, web.View{Name: "identity", Status: status, NoIndex: true, NoStore: true, Data: v})
	return nil
}
