package web

import (
	"strconv"
	"time"
	_ "time/tzdata" // Asia/Ho_Chi_Minh wherever the binary runs
)

// Zone is where dates are shown: Asia/Ho_Chi_Minh.
var Zone = loadZone()

func loadZone() *time.Location {
	if z, err := time.LoadLocation("Asia/Ho_Chi_Minh"); err == nil {
		return z
	}
	return time.FixedZone("ICT", 7*3600)
}

// Date formats t as dd/MM/yyyy in Vietnam's time zone; the zero time gives
// "".
func Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Zone).Format("02/01/2006")
}

// DateTime formats t as HH:mm dd/MM/yyyy in Vietnam's time zone, the order
// of the official slips; the zero time gives "".
func DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Zone).Format("15:04 02/01/2006")
}

// Number formats n with thousands grouped: "1.234.567" in Vietnamese,
// "1,234,567" in English.
func Number(n int64, lang string) string {
	sep := byte('.')
	if lang == EN {
		sep = ','
	}
	s := strconv.FormatInt(n, 10)
	neg := false
	if n < 0 {
		neg, s = true, s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3+1)
	if neg {
		out = append(out, '-')
	}
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, sep)
		}
		out = append(out, s[i])
	}
	return string(out)
}

// Money formats an amount in đồng: "1.234.567 ₫" (a no-break space keeps
// the sign with the number), or "Miễn phí" / "Free" for 0.
func Money(vnd int64, lang string) string {
	if vnd == 0 {
		s, _ := baseMessages.Text(lang, "money.free")
		return s
	}
	return Number(vnd, lang) + "\u00a0₫"
}

// timeOf accepts the shapes of time templates pass around.
func timeOf(v any) time.Time {
	switch t := v.(type) {
	case time.Time:
		return t
	case *time.Time:
		if t != nil {
			return *t
		}
	}
	return time.Time{}
}
