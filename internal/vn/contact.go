package vn

import (
	"net/mail"
	"strings"
)

// mobilePrefix holds the second digit of valid 10-digit numbers: mobile
// networks use 03, 05, 07, 08 and 09 since the 2018 renumbering.
var mobilePrefix = map[byte]bool{'3': true, '5': true, '7': true, '8': true, '9': true}

// NormalizePhone returns a Vietnamese phone number in national form
// ("0912345678", or "02438253536" for a landline), accepting spaces, dots,
// dashes and parentheses as separators and the international forms +84…,
// 0084… and 84… (the last as SMS gateways write it). It returns "" when p is
// not a valid number, so that invalid input is never stored as normalised.
func NormalizePhone(p string) string {
	var b strings.Builder
	for i, r := range strings.TrimSpace(p) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')':
		default:
			return ""
		}
	}
	n := b.String()
	switch {
	case strings.HasPrefix(n, "+84"):
		n = "0" + n[3:]
	case strings.HasPrefix(n, "0084"):
		n = "0" + n[4:]
	case strings.HasPrefix(n, "84") && (len(n) == 11 || len(n) == 12):
		// A national number starts with 0, so a bare leading 84 can only be
		// the country code.
		n = "0" + n[2:]
	}
	if !allDigits(n) || n[0] != '0' {
		return ""
	}
	switch {
	case len(n) == 10 && mobilePrefix[n[1]]:
		return n
	case len(n) == 11 && n[1] == '2':
		// Landlines: 0 + a 2x(x) area code + subscriber number, 11 digits in
		// all since the 2017 area-code change (024 for Hà Nội).
		return n
	}
	return ""
}

// CheckPhone validates a Vietnamese phone number: a 10-digit mobile number
// starting 03, 05, 07, 08 or 09, or an 11-digit landline starting 02, in
// national or +84 form. The error is an *IDError with code phone_invalid.
func CheckPhone(p string) error {
	if NormalizePhone(p) == "" {
		return &IDError{Code: CodePhoneInvalid}
	}
	return nil
}

// MaskPhone hides the middle of a phone number for logs: "+84 912 345 678"
// becomes "091****678". Numbers that do not normalise are masked as typed.
func MaskPhone(p string) string {
	if n := NormalizePhone(p); n != "" {
		return maskMiddle(n, 3, 3)
	}
	return maskMiddle(strings.TrimSpace(p), 3, 3)
}

// CheckEmail validates a bare e-mail address such as "ten@example.vn"
// (surrounding spaces ignored). Display names ("An <a@b.vn>"), comments and
// domains without a dot are refused: the address goes into notification
// systems, not a mail client. The error is an *IDError with code
// email_invalid.
func CheckEmail(e string) error {
	e = strings.TrimSpace(e)
	bad := &IDError{Code: CodeEmailInvalid}
	if e == "" || len(e) > 254 {
		return bad
	}
	a, err := mail.ParseAddress(e)
	if err != nil || a.Name != "" || a.Address != e {
		return bad
	}
	at := strings.LastIndexByte(e, '@')
	local, domain := e[:at], e[at+1:]
	if local == "" || len(local) > 64 || strings.ContainsAny(e, " \t\"") {
		return bad
	}
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") ||
		strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") || strings.HasPrefix(domain, "[") {
		return bad
	}
	return nil
}

// MobileMSISDN returns the mobile number p in the 84xxxxxxxxx form SMS
// gateways and Zalo expect. It accepts what NormalizePhone does (the
// national form and +84…, 0084…, 84… with the separators people type);
// landlines and anything else are refused with a *IDError phone_invalid
// that does not contain p: a text message cannot reach them.
func MobileMSISDN(p string) (string, error) {
	n := NormalizePhone(p)
	// NormalizePhone answers the national form; 10 digits is a mobile
	// number, 11 a landline.
	if len(n) != 10 {
		return "", &IDError{Code: CodePhoneInvalid}
	}
	return "84" + n[1:], nil
}

// MaskMSISDN hides the middle of a number in the 84… form for logs and
// errors: "84912345678" becomes "84912***678". Anything else is masked
// whole.
func MaskMSISDN(msisdn string) string {
	if len(msisdn) != 11 {
		return strings.Repeat("*", len(msisdn))
	}
	return msisdn[:5] + "***" + msisdn[8:]
}

// ScrubMSISDN replaces the number, in its 84… and national forms, by its
// mask in text a provider wrote (an error message may echo it).
func ScrubMSISDN(text, msisdn string) string {
	if len(msisdn) != 11 {
		return text
	}
	m := MaskMSISDN(msisdn)
	text = strings.ReplaceAll(text, msisdn, m)
	return strings.ReplaceAll(text, "0"+msisdn[2:], m)
}
