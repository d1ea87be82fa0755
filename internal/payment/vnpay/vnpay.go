// Package vnpay speaks VNPay's payment gateway protocol, version 2.1.0
// (integrations.md §3.1): the signed payment URL, the return page's check,
// the IPN endpoint that settles an attempt, and the querydr API that
// reconciliation asks. It knows nothing of dossiers or the store: the IPN
// handler hands what the gateway reported to a Settler, and the payment
// domain decides.
//
// Signing follows the reference implementation (npm vnpay 2.5.0, whose
// vectors the tests reproduce byte for byte): the vnp_* parameters except
// vnp_SecureHash and vnp_SecureHashType, empty values dropped, keys sorted,
// form-urlencoded as JavaScript's URLSearchParams does (space as "+", "*"
// kept, "~" escaped — Go's url.QueryEscape does the opposite on both), and
// an HMAC-SHA512 of that string in lower-case hex. The same string is the
// payment URL's query.
package vnpay

import (
	"crypto/hmac"
	"crypto/sha512"
	"encoding/hex"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Gateway is the gateway's name as the payment domain knows it.
const Gateway = "vnpay"

// Version is the protocol version motcua speaks.
const Version = "2.1.0"

// Parameter names used more than once.
const (
	fieldHash     = "vnp_SecureHash"
	fieldHashType = "vnp_SecureHashType"
)

// TimeLayout is the protocol's time format, yyyyMMddHHmmss, always in GMT+7.
const TimeLayout = "20060102150405"

// GMT7 is Vietnam's time zone as a fixed offset: Vietnam keeps no daylight
// saving, and a fixed zone works on machines without tzdata.
var GMT7 = time.FixedZone("GMT+7", 7*60*60)

// FormatTime writes t as the protocol does: yyyyMMddHHmmss in GMT+7.
func FormatTime(t time.Time) string { return t.In(GMT7).Format(TimeLayout) }

// ParseTime reads a protocol time (yyyyMMddHHmmss in GMT+7); an empty or
// malformed value is the zero time.
func ParseTime(s string) time.Time {
	t, err := time.ParseInLocation(TimeLayout, s, GMT7)
	if err != nil {
		return time.Time{}
	}
	return t
}

// Escape form-urlencodes s byte for byte as URLSearchParams serialises:
// ASCII letters, digits and "*-._" stay, space becomes "+", every other
// byte becomes %XX in upper case.
func Escape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) + len(s)/2)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '*', c == '-', c == '.', c == '_':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xf])
		}
	}
	return b.String()
}

// Encode returns the string VNPay signs, which is also the payment URL's
// query: the vnp_* parameters but the hash ones, empty values dropped,
// sorted by key, each "key=value" escaped by Escape and joined by "&".
func Encode(params map[string]string) string {
	keys := make([]string, 0, len(params))
	for k, v := range params {
		if v == "" || k == fieldHash || k == fieldHashType || !strings.HasPrefix(k, "vnp_") {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(Escape(k))
		b.WriteByte('=')
		b.WriteString(Escape(params[k]))
	}
	return b.String()
}

func mac(secret, data string) []byte {
	m := hmac.New(sha512.New, []byte(secret))
	m.Write([]byte(data))
	return m.Sum(nil)
}

// Sign returns the vnp_SecureHash of params: the HMAC-SHA512, keyed by
// secret, of Encode(params), in lower-case hex.
func Sign(params map[string]string, secret string) string {
	return hex.EncodeToString(mac(secret, Encode(params)))
}

// signPipe is the hash of the JSON APIs (querydr): the fields joined by
// "|" in the protocol's order.
func signPipe(secret string, fields ...string) string {
	return hex.EncodeToString(mac(secret, strings.Join(fields, "|")))
}

// equalHash compares a received hex hash with the expected one in
// constant time, ignoring the hex digits' case.
func equalHash(got, want string) bool {
	g, err := hex.DecodeString(got)
	if err != nil {
		return false
	}
	w, err := hex.DecodeString(want)
	if err != nil {
		return false
	}
	return hmac.Equal(g, w)
}

// Verify reports whether params carry a vnp_SecureHash that signs the
// other vnp_* parameters with secret. An empty secret verifies nothing.
func Verify(params map[string]string, secret string) bool {
	if secret == "" {
		return false
	}
	return equalHash(params[fieldHash], Sign(params, secret))
}

// signedParams reads a gateway query into one value per key, refusing a
// query that does not parse or that repeats a vnp_* key: which of two
// values the gateway signed cannot be known, so neither is trusted.
func signedParams(q url.Values) (map[string]string, bool) {
	params := make(map[string]string, len(q))
	for k, vs := range q {
		if len(vs) != 1 {
			if strings.HasPrefix(k, "vnp_") {
				return nil, false
			}
			continue
		}
		params[k] = vs[0]
	}
	return params, true
}

// ParseSigned parses a raw query as VNPay sends it (return, IPN) and
// checks its signature with secret, answering the parameters, one value per
// key, only if it verifies. A malformed query, or one repeating a vnp_*
// key, does not verify.
func ParseSigned(rawQuery, secret string) (map[string]string, bool) {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, false
	}
	params, ok := signedParams(q)
	if !ok || !Verify(params, secret) {
		return nil, false
	}
	return params, true
}

// OrderInfo reduces s to what VNPay accepts in vnp_OrderInfo: unaccented
// ASCII letters, digits and single spaces ("Nộp phí hồ sơ G01.000123"
// becomes "Nop phi ho so G01 000123"), at most 255 bytes. Case is kept,
// unlike vn.Fold, because the citizen reads it on the gateway's page.
func OrderInfo(s string) string {
	s = norm.NFD.String(s)
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'ð':
			r = 'd'
		case r == 'Đ' || r == 'Ð':
			r = 'D'
		}
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	out := b.String()
	if len(out) > 255 {
		out = strings.TrimSpace(out[:255])
	}
	return out
}
