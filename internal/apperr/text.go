package apperr

import (
	"strings"
	"unicode/utf8"
)

// TextOK reports whether s is text every store keeps as sent: valid UTF-8
// without a NUL byte (PostgreSQL refuses both; SQLite would keep broken
// text).
func TextOK(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// CheckText returns the error of BadText when s is not TextOK, else nil.
func CheckText(field, s string) error {
	if TextOK(s) {
		return nil
	}
	return BadText(field)
}

// BadText is the 400 answer to a value that holds a NUL byte or invalid
// UTF-8, naming its field (the name itself made printable and short).
func BadText(field string) *Error {
	name := Printable(field, 100)
	e := Newf(Invalid, "bad_text",
		"Trường «%s» chứa ký tự không hợp lệ (ký tự NUL hoặc mã UTF-8 sai).",
		"Field %q holds an invalid character (a NUL byte or invalid UTF-8).", name)
	e.Fields = []Field{{Name: name, Code: "bad_text", Message: e.VI, MessageEN: e.EN}}
	return e
}

// Printable returns s as valid UTF-8 without control characters (each
// replaced by U+FFFD), cut to at most max bytes on a character boundary.
func Printable(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return utf8.RuneError
		}
		return r
	}, strings.ToValidUTF8(s, string(utf8.RuneError)))
	return CutUTF8(s, max)
}

// CutUTF8 cuts s to at most max bytes without splitting a character: a
// multi-byte character that would not fit is left out whole.
func CutUTF8(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}
