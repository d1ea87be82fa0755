package sms

import (
	"fmt"

	"github.com/motcua/motcua/internal/vn"
)

// Normalize returns the mobile number p in the 84xxxxxxxxx form
// (vn.MobileMSISDN); landlines and anything else are refused: a text message cannot reach them.
// The error wraps a *PermanentError and a *vn.IDError with code
// phone_invalid, and does not contain p.
func Normalize(p string) (string, error) {
	n, err := vn.MobileMSISDN(p)
	if err != nil {
		return "", &PermanentError{Err: fmt.Errorf("recipient is not a Vietnamese mobile number: %w", err)}
	}
	return n, nil
}

// Mask hides the middle of a normalised number: "84912***678".
func Mask(msisdn string) string { return vn.MaskMSISDN(msisdn) }

// scrub masks the recipient's number in text the provider wrote.
func scrub(text, msisdn string) string { return vn.ScrubMSISDN(text, msisdn) }
