package portal

import (
	"net/http"
	"strings"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/vn"
	"github.com/motcua/motcua/internal/web"
)

// accountPath is the citizen's account page: identity, how it was
// verified, contact details and notification channels.
const accountPath = "/tai-khoan"

// accountView is the data of the account page.
type accountView struct {
	formView
	Name      string
	IDNumber  string // masked in the middle
	BirthDate string // dd/mm/yyyy, "" unknown
	Verified  bool
	// Verification says how and when the account was verified, or that
	// it was not.
	Verification string
	// Saved names the form just saved ("contact", "notifications").
	Saved string
	Kinds []prefKind
}

// prefKind is one kind of notice with a checkbox per channel.
type prefKind struct {
	Kind     string
	Channels []prefBox
}

// prefBox is one checkbox of the notification form.
type prefBox struct {
	ID, Value, Channel string
	Checked            bool
	// Needs says which contact the channel lacks ("email", "phone"), "".
	Needs string
}

// prefID is the checkbox's id of a choice ("progress.sms" → notify-progress-sms);
// field errors name the choice, the page links to the checkbox.
func prefID(field string) string { return "notify-" + strings.ReplaceAll(field, ".", "-") }

// accountPage shows the citizen's account; staff have none (404).
func (h *Handler) accountPage(w http.ResponseWriter, r *http.Request) error {
	a := accountOf(r)
	if a == nil {
		http.Redirect(w, r, loginURL(r.URL.RequestURI()), http.StatusSeeOther)
		return nil
	}
	p, err := h.Auth.Profile(r.Context(), a)
	if err != nil {
		return err
	}
	v := h.accountView(r, p, nil)
	v.Saved = r.URL.Query().Get("da-luu")
	h.web.Render(w, r, web.View{Name: "account", NoIndex: true, Data: v})
	return nil
}

// saveAccount saves one of the page's two forms through
// auth.Service.UpdateContact: the contact details (form=contact: phone and
// e-mail, the channels left as chosen) or the notification channels
// (form=notifications). Answers: 303 back to the page; the page again
// with 400 and the field errors, nothing changed, for invalid input.
func (h *Handler) saveAccount(w http.ResponseWriter, r *http.Request) error {
	a := accountOf(r)
	if a == nil {
		return apperr.New(apperr.Unauthorized, "login_required", "Vui lòng đăng nhập.", "Please log in.")
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	var in account.ContactChange
	which := f.Get("form")
	switch which {
	case "contact":
		phone, email := f.Get("phone"), f.Get("email")
		in.Phone, in.Email = &phone, &email
	case "notifications":
		chosen := append([]string{}, f["notify"]...)
		in.Notifications = &chosen
		// Notices are written in the language the citizen chose them in.
		lang := web.LangOf(r)
		in.Language = &lang
	default:
		return apperr.New(apperr.Invalid, "form_invalid", "Biểu mẫu gửi lên không hợp lệ.", "The form sent is invalid.")
	}
	_, err := h.Auth.UpdateContact(r.Context(), a, in)
	if err == nil {
		http.Redirect(w, r, accountPath+"?da-luu="+which, http.StatusSeeOther)
		return nil
	}
	e, ok := apperr.As(err)
	if !ok || e.Kind != apperr.Invalid {
		return err
	}
	p, perr := h.Auth.Profile(r.Context(), a)
	if perr != nil {
		return perr
	}
	v := h.accountView(r, p, &in)
	lang := web.LangOf(r)
	for _, fe := range e.Fields {
		id := fe.Name
		if _, ok := account.ParseChoice(fe.Name); ok {
			id = prefID(fe.Name)
		} else if fe.Name == "notifications" {
			id = prefID(string(account.NoticeKinds[0]) + "." + string(account.Channels[0]))
		}
		v.add(id, fe.In(lang))
	}
	h.web.Render(w, r, web.View{Name: "account", Status: apperr.Status(e), NoIndex: true, Data: v})
	return nil
}

// accountView builds the page's data; typed, when not nil, is what the
// citizen sent and is shown back instead of the stored values.
func (h *Handler) accountView(r *http.Request, p *auth.Profile, typed *account.ContactChange) *accountView {
	a := p.Account
	v := &accountView{formView: formView{Values: map[string]string{"phone": a.Phone, "email": a.Email}},
		Name: a.FullName, IDNumber: vn.MaskID(a.IDNumber), BirthDate: vn.DisplayDate(a.BirthDate),
		Verified: a.IsVerified()}
	v.Verification = h.verification(r, p)
	wanted := map[account.Choice]bool{}
	for _, c := range p.Preferences.Wanted() {
		wanted[c] = true
	}
	if typed != nil {
		if typed.Phone != nil {
			v.Values["phone"] = *typed.Phone
		}
		if typed.Email != nil {
			v.Values["email"] = *typed.Email
		}
		if typed.Notifications != nil {
			wanted = map[account.Choice]bool{}
			for _, s := range *typed.Notifications {
				if c, ok := account.ParseChoice(s); ok {
					wanted[c] = true
				}
			}
		}
	}
	for _, k := range account.NoticeKinds {
		pk := prefKind{Kind: string(k)}
		for _, ch := range account.Channels {
			c := account.Choice{Kind: k, Channel: ch}
			b := prefBox{ID: prefID(c.Field()), Value: c.Field(), Channel: string(ch), Checked: wanted[c]}
			switch {
			case ch == account.ChannelEmail && a.Email == "":
				b.Needs = "email"
			case ch != account.ChannelEmail && a.Phone == "":
				b.Needs = "phone"
			}
			pk.Channels = append(pk.Channels, b)
		}
		v.Kinds = append(v.Kinds, pk)
	}
	return v
}

// verification says how and when the account was verified: "Đã xác thực
// bằng VNeID (mức 2) lúc 09:15 06/12/2026", "… tại Bộ phận một cửa …", or
// that it was not.
func (h *Handler) verification(r *http.Request, p *auth.Profile) string {
	a := p.Account
	if !a.IsVerified() {
		return h.t(r, "acct.verify.none")
	}
	at := ""
	if a.VerifiedAt != nil {
		at = web.DateTime(*a.VerifiedAt)
	}
	switch a.VerifiedHow {
	case account.VerifiedByVNeID:
		if a.AssuranceLevel != "" {
			return h.t(r, "acct.verify.eid.level", a.AssuranceLevel, at)
		}
		return h.t(r, "acct.verify.eid", at)
	case account.VerifiedAtDesk:
		switch {
		case p.VerifierUnit != "" && p.VerifierName != "":
			return h.t(r, "acct.verify.desk.officer", p.VerifierUnit, p.VerifierName, at)
		case p.VerifierName != "":
			return h.t(r, "acct.verify.desk.name", p.VerifierName, at)
		}
		return h.t(r, "acct.verify.desk", at)
	}
	return h.t(r, "acct.verify.other", at)
}
