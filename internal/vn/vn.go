// Package vn holds Vietnamese-specific text and identifier rules: accent
// folding, citizen ID numbers, phone numbers and e-mail addresses.
package vn

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// NFC returns s in Unicode normalisation form C. Vietnamese text arrives both
// precomposed (most keyboards) and decomposed (macOS file names, some IMEs);
// storing NFC makes equal-looking strings compare equal byte for byte.
func NFC(s string) string {
	return norm.NFC.String(s)
}

// Fold turns s into an accent-free, lower-case search key: "Đăng ký kết hôn"
// becomes "dang ky ket hon". It normalises to NFC, lower-cases, decomposes,
// drops combining marks, maps đ to d, collapses runs of white space to one
// space and trims. Use it for search and loose comparison, never for display.
func Fold(s string) string {
	// NFC first so that lower-casing sees whole letters, then NFD so every
	// diacritic becomes a separate combining mark we can drop.
	s = norm.NFD.String(strings.ToLower(norm.NFC.String(s)))
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsSpace(r):
			space = true
			continue
		case r == 'đ' || r == 'ð':
			// đ has no decomposition; ð (Icelandic eth) is a look-alike that
			// legacy fonts and careless typists put in place of Đ.
			r = 'd'
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// SpellingVariants returns a folded word and its other accepted spelling:
// Vietnamese writes a syllable ending in i after a consonant with either i
// or y ("kĩ/kỹ", "lí/lý", "mĩ/mỹ", "qui/quy"), and people type both, so
// search must find one by the other. Other words come back alone.
func SpellingVariants(w string) []string {
	if len(w) < 2 {
		return []string{w}
	}
	last := w[len(w)-1]
	if last != 'i' && last != 'y' {
		return []string{w}
	}
	switch w[:len(w)-1] {
	case "k", "l", "m", "t", "s", "h", "v", "qu":
		other := w[:len(w)-1] + "y"
		if last == 'y' {
			other = w[:len(w)-1] + "i"
		}
		return []string{w, other}
	}
	return []string{w}
}
