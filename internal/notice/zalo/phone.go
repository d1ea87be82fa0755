package zalo

import (
	"fmt"
	"strings"

	"github.com/motcua/motcua/internal/vn"
)

// Normalize returns the mobile number p in the 84xxxxxxxxx form ZNS is sent
// to. It accepts the national form 0xxxxxxxxx and the international forms
// +84…, 0084… and 84…, with the separators people type (spaces, dots, dashes,
// parentheses), as vn.NormalizePhone does. Landlines and anything else are
// refused: Zalo accounts are opened with mobile numbers. The error wraps a
// *PermanentError and a *vn.IDError with code phone_invalid, and does not
// contain p.
//
// The same rule lives in package sms; each channel package stands alone.
func Normalize(p string) (string, error) {
	n := vn.NormalizePhone(p)
	// vn.NormalizePhone answers the national form; 10 digits is a mobile
	// number, 11 a landline.
	if len(n) != 10 {
		return "", &PermanentError{Err: fmt.Errorf("recipient is not a Vietnamese mobile number: %w",
			&vn.IDError{Code: vn.CodePhoneInvalid})}
	}
	return "84" + n[1:], nil
}

// Mask hides the middle of a normalised number for logs and errors:
// "84912345678" becomes "84912***678". Anything else is masked whole.
func Mask(msisdn string) string {
	if len(msisdn) != 11 {
		return strings.Repeat("*", len(msisdn))
	}
	return msisdn[:5] + "***" + msisdn[8:]
}

// scrub replaces the recipient's number, in either form, in text Zalo wrote
// (an error message may echo it) by its mask.
func scrub(text, msisdn string) string {
	if len(msisdn) != 11 {
		return text
	}
	m := Mask(msisdn)
	text = strings.ReplaceAll(text, msisdn, m)
	return strings.ReplaceAll(text, "0"+msisdn[2:], m)
}
