package paygov

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"strings"
	"time"
)

// Message types (LoaiBanTin).
const (
	TypeInit    = "INIT"
	TypeConfirm = "CONFIRM"
	TypeQuery   = "QUERY"
	TypeGetBill = "GET_BILL"
)

// Gateway is the name the payment domain knows this platform by.
const Gateway = "paygov"

// Version is the protocol version (PhienBan) this package speaks.
const Version = "1.0.6"

// timeLayout is yyyyMMddHHmmss with a 24-hour hour ("15"), never "03".
const timeLayout = "20060102150405"

// zone is GMT+7, fixed: the platform's times carry no zone.
var zone = time.FixedZone("GMT+7", 7*60*60)

// Sign returns MaXacThuc for fields: the lowercase hex SHA-256 of the
// fields and the secret joined with "|".
func Sign(secret string, fields ...string) string {
	h := sha256.New()
	for _, f := range fields {
		h.Write([]byte(f))
		h.Write([]byte{'|'})
	}
	h.Write([]byte(secret))
	return hex.EncodeToString(h.Sum(nil))
}

// Verify reports whether got is the signature of fields, comparing in
// constant time. Hex in either case is taken; anything that is not 64 hex
// digits is false.
func Verify(got, secret string, fields ...string) bool {
	sum, err := hex.DecodeString(strings.TrimSpace(got))
	if err != nil || len(sum) != sha256.Size {
		return false
	}
	want, _ := hex.DecodeString(Sign(secret, fields...))
	return subtle.ConstantTimeCompare(sum, want) == 1
}

// FormatTime writes t as ThoiGianGD: yyyyMMddHHmmss, 24-hour, GMT+7.
func FormatTime(t time.Time) string {
	return t.In(zone).Format(timeLayout)
}

// errBadTime is ParseTime's refusal; it names no value (a time is not
// personal data, but the caller's log need not carry the platform's text).
var errBadTime = errors.New("paygov: time is not yyyyMMddHHmmss (14 digits, 24-hour, GMT+7)")

// ParseTime reads ThoiGianGD: exactly 14 ASCII digits forming a real
// 24-hour time in GMT+7. A 12-hour text with AM/PM, separators or any other
// form is refused.
func ParseTime(s string) (time.Time, error) {
	if len(s) != len(timeLayout) {
		return time.Time{}, errBadTime
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return time.Time{}, errBadTime
		}
	}
	t, err := time.ParseInLocation(timeLayout, s, zone)
	if err != nil {
		return time.Time{}, errBadTime
	}
	return t, nil
}
