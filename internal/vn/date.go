package vn

import (
	"strings"
	"time"
)

// DateLayout is how dates are written for people in Việt Nam: day first.
const DateLayout = "02/01/2006"

// DatePattern is the HTML pattern attribute of a date typed as text: the
// shapes ParseDate accepts (whatever the browser's locale, which is why
// date entry is a text input and not <input type="date">).
const DatePattern = `\s*(\d{1,2}[\/.\-]\d{1,2}[\/.\-]\d{4}|\d{4}-\d{1,2}-\d{1,2}|\d{8})\s*`

// DatePlaceholder is the placeholder of a date typed as text.
const DatePlaceholder = "dd/mm/yyyy"

// ParseDate reads a calendar date as people in Việt Nam type it and returns
// midnight of that day in loc (UTC when loc is nil). It accepts:
//
//   - dd/mm/yyyy and d/m/yyyy, also with "." or "-" as the separator (the
//     same one twice): 05/12/2026, 5/12/2026, 5.12.2026, 05-12-2026;
//   - yyyy-mm-dd (ISO 8601, what APIs, hidden inputs and older drafts send):
//     2026-12-05;
//   - ddmmyyyy, eight digits: 05122026. A phone's numeric keypad, which
//     inputmode="numeric" brings up, may have no "/" key.
//
// Surrounding white space is ignored; the year has four digits (1000–9999)
// and the day must exist (31/02 fails). Any other input gives an *IDError
// with code date_invalid, whose Message says how to write the date.
func ParseDate(s string, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	y, m, d, ok := splitDate(strings.TrimSpace(s))
	if !ok || y < 1000 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, &IDError{Code: CodeDateInvalid}
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc)
	// time.Date normalises 31/02 into March: a day that does not exist
	// comes back as another one.
	if t.Day() != d || t.Month() != time.Month(m) {
		return time.Time{}, &IDError{Code: CodeDateInvalid}
	}
	return t, nil
}

// splitDate cuts s into year, month and day in one of ParseDate's shapes.
func splitDate(s string) (y, m, d int, ok bool) {
	if len(s) == 8 && allDigits(s) {
		return atoi(s[4:]), atoi(s[2:4]), atoi(s[:2]), true
	}
	// The separator is the first byte that is not a digit.
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == len(s) {
		return 0, 0, 0, false
	}
	sep := s[i]
	if sep != '/' && sep != '.' && sep != '-' {
		return 0, 0, 0, false
	}
	parts := strings.Split(s, string(sep))
	if len(parts) != 3 {
		return 0, 0, 0, false
	}
	for _, p := range parts {
		if p == "" || !allDigits(p) {
			return 0, 0, 0, false
		}
	}
	a, b, c := parts[0], parts[1], parts[2]
	switch {
	case sep == '-' && len(a) == 4 && len(b) <= 2 && len(c) <= 2:
		return atoi(a), atoi(b), atoi(c), true
	case len(a) <= 2 && len(b) <= 2 && len(c) == 4:
		return atoi(c), atoi(b), atoi(a), true
	}
	return 0, 0, 0, false
}

// atoi reads a short run of ASCII digits (checked by the caller).
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// FormatDate writes t's day as dd/mm/yyyy, in t's own location.
func FormatDate(t time.Time) string { return t.Format(DateLayout) }

// DisplayDate turns a stored date (yyyy-mm-dd) into dd/mm/yyyy for a page
// or a form's input; anything that is not a stored date is returned as is,
// so that a value typed wrongly is shown back unchanged with its error.
func DisplayDate(s string) string {
	if len(strings.TrimSpace(s)) != len("2006-01-02") {
		return s
	}
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return s
	}
	return FormatDate(t)
}
