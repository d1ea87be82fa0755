package account

import (
	"strings"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/vn"
)

// NoticeKind groups the notices a citizen receives about a dossier, so
// that they choose channels per group rather than per event.
type NoticeKind string

// Kinds of notice.
const (
	// NoticeProgress: reception, supplementation request, fee request,
	// rescheduling, refusal.
	NoticeProgress NoticeKind = "progress"
	// NoticeResult: result ready, result delivered.
	NoticeResult NoticeKind = "result"
)

// NoticeKinds lists the kinds in the order pages show them.
var NoticeKinds = []NoticeKind{NoticeProgress, NoticeResult}

// Channel is a way a notice reaches a citizen.
type Channel string

// Channels.
const (
	ChannelEmail Channel = "email"
	ChannelSMS   Channel = "sms"
	ChannelZalo  Channel = "zalo" // Zalo ZNS, sent to the phone number
)

// Channels lists the channels in the order pages show them.
var Channels = []Channel{ChannelEmail, ChannelSMS, ChannelZalo}

// Choice is one kind of notice sent through one channel.
type Choice struct {
	Kind    NoticeKind `json:"kind"`
	Channel Channel    `json:"channel"`
}

// Field is the form field and API name of the choice: "progress.sms".
func (c Choice) Field() string { return string(c.Kind) + "." + string(c.Channel) }

// ParseChoice reads "progress.sms"; ok is false for an unknown kind or
// channel.
func ParseChoice(s string) (Choice, bool) {
	k, ch, _ := strings.Cut(s, ".")
	c := Choice{NoticeKind(k), Channel(ch)}
	return c, c.Known()
}

// Known reports whether the kind and the channel exist.
func (c Choice) Known() bool {
	kind, channel := false, false
	for _, k := range NoticeKinds {
		kind = kind || k == c.Kind
	}
	for _, ch := range Channels {
		channel = channel || ch == c.Channel
	}
	return kind && channel
}

// needsEmail reports whether the channel sends to the e-mail address
// (else to the phone number).
func (c Channel) needsEmail() bool { return c == ChannelEmail }

// Preferences are the channels a citizen wants per kind of notice: what
// they chose, or the defaults while they never chose.
type Preferences struct {
	// Chosen is false while the citizen never saved a choice.
	Chosen bool `json:"chosen"`
	// On lists the chosen channels (ignored while Chosen is false).
	On []Choice `json:"-"`
	// HasEmail and HasPhone say which contacts the account holds: a
	// channel without its contact is never wanted.
	HasEmail bool `json:"-"`
	HasPhone bool `json:"-"`
}

// PreferencesOf returns the preferences of an account given its stored
// choice (chosen is false when it never saved one).
func PreferencesOf(a *Account, on []Choice, chosen bool) Preferences {
	return Preferences{Chosen: chosen, On: on, HasEmail: a.Email != "", HasPhone: a.Phone != ""}
}

// Wants reports whether notices of the kind should go through the
// channel. Never through a channel whose contact is missing; while the
// citizen never chose: e-mail for every kind when an address is given,
// SMS for results when a phone number is given (issue 12's defaults).
func (p Preferences) Wants(kind NoticeKind, ch Channel) bool {
	if ch.needsEmail() && !p.HasEmail || !ch.needsEmail() && !p.HasPhone {
		return false
	}
	if !p.Chosen {
		return ch == ChannelEmail || ch == ChannelSMS && kind == NoticeResult
	}
	for _, c := range p.On {
		if c.Kind == kind && c.Channel == ch {
			return true
		}
	}
	return false
}

// Wanted lists every choice Wants answers yes to, in page order.
func (p Preferences) Wanted() []Choice {
	var out []Choice
	for _, k := range NoticeKinds {
		for _, ch := range Channels {
			if p.Wants(k, ch) {
				out = append(out, Choice{k, ch})
			}
		}
	}
	return out
}

// ContactChange is what a citizen changes on their account: nil fields
// stay as they are (API PATCH); the portal's form sends all three.
type ContactChange struct {
	Phone *string `json:"phone,omitempty"`
	Email *string `json:"email,omitempty"`
	// Notifications replaces the chosen channels ("progress.email", …).
	Notifications *[]string `json:"notifications,omitempty"`
	// Language is the language of the notices: "vi" or "en".
	Language *string `json:"language,omitempty"`
}

// Contact is an account's contact details and choice after a change.
type Contact struct {
	Phone, Email string
	// Choices is nil when the change leaves the stored choice alone.
	Choices *[]Choice
	// Language is "" when the change leaves the notices' language alone.
	Language string
}

// ApplyContactChange validates a change against the account (whose
// current preferences are prefs) and returns the normalised result: the
// phone number as the registration normalises it, the e-mail trimmed, the
// choices known and each with its contact. An empty phone or e-mail
// removes it. The error is an apperr.Invalid with one Field per problem,
// fields named "phone", "email" and "progress.sms"….
func ApplyContactChange(a *Account, prefs Preferences, in ContactChange) (Contact, error) {
	e := apperr.New(apperr.Invalid, "contact_invalid", "Thông tin liên hệ chưa hợp lệ.", "The contact details are invalid.")
	add := func(field, code, vi, en string) {
		e.Fields = append(e.Fields, apperr.Field{Name: field, Code: code, Message: vi, MessageEN: en})
	}
	out := Contact{Phone: a.Phone, Email: a.Email}
	if in.Phone != nil {
		p := strings.TrimSpace(*in.Phone)
		switch {
		case p == "":
			out.Phone = ""
		case vn.CheckPhone(p) != nil:
			add("phone", "phone_invalid", vn.Message("phone_invalid", "vi"), vn.Message("phone_invalid", "en"))
		default:
			out.Phone = vn.NormalizePhone(p)
		}
	}
	if in.Email != nil {
		m := strings.TrimSpace(*in.Email)
		if m != "" && vn.CheckEmail(m) != nil {
			add("email", "email_invalid", vn.Message("email_invalid", "vi"), vn.Message("email_invalid", "en"))
		} else {
			out.Email = m
		}
	}
	if in.Language != nil {
		switch l := strings.TrimSpace(*in.Language); l {
		case "vi", "en":
			out.Language = l
		default:
			add("language", "language_unknown", "Ngôn ngữ của thông báo phải là vi hoặc en.", "The language of notices must be vi or en.")
		}
	}
	// The choice to check: the new one, or the stored one when only the
	// contacts change (removing a phone number that SMS goes to is refused
	// too). Defaults never need checking: they follow the contacts.
	var check []Choice
	if in.Notifications != nil {
		seen := map[Choice]bool{}
		chosen := []Choice{}
		for _, s := range *in.Notifications {
			c, ok := ParseChoice(strings.TrimSpace(s))
			if !ok {
				add("notifications", "notification_unknown", "Loại thông báo hoặc kênh nhận không có trong danh sách.",
					"Unknown kind of notice or channel.")
				continue
			}
			if !seen[c] {
				seen[c] = true
				chosen = append(chosen, c)
			}
		}
		out.Choices, check = &chosen, chosen
	} else if prefs.Chosen {
		check = prefs.On
	}
	for _, c := range check {
		switch {
		case c.Channel.needsEmail() && out.Email == "" && !hasField(e, "email"):
			add(c.Field(), "channel_needs_email", "Để nhận thông báo qua thư điện tử, vui lòng nhập địa chỉ thư điện tử hoặc bỏ chọn kênh này.",
				"To receive notices by e-mail, enter an e-mail address or untick this channel.")
		case !c.Channel.needsEmail() && out.Phone == "" && !hasField(e, "phone"):
			add(c.Field(), "channel_needs_phone", "Để nhận thông báo qua SMS hoặc Zalo, vui lòng nhập số điện thoại hoặc bỏ chọn kênh này.",
				"To receive notices by SMS or Zalo, enter a phone number or untick this channel.")
		}
	}
	if len(e.Fields) > 0 {
		return Contact{}, e
	}
	return out, nil
}

func hasField(e *apperr.Error, name string) bool {
	for _, f := range e.Fields {
		if f.Name == name {
			return true
		}
	}
	return false
}
