package sms

import (
	"strings"
	"unicode"
	"unicode/utf16"

	"golang.org/x/text/unicode/norm"
)

// StripDiacritics returns s without Vietnamese diacritics, keeping case:
// "Hồ sơ đã được tiếp nhận" becomes "Ho so da duoc tiep nhan". Some
// gateways want such text, and it fits 160 characters per segment instead
// of 70. Unlike vn.Fold it neither lower-cases nor touches spacing: the text
// is read by people.
func StripDiacritics(s string) string {
	d := norm.NFD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	for _, r := range d {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'ð':
			// đ has no decomposition; ð is its look-alike in legacy fonts.
			r = 'd'
		case r == 'Đ' || r == 'Ð':
			r = 'D'
		}
		b.WriteRune(r)
	}
	// Recompose what had marks we keep no trace of, so that other scripts
	// come out as they went in.
	return norm.NFC.String(b.String())
}

// gsmBasic is the GSM 03.38 default alphabet (without the escape character),
// one septet each.
const gsmBasic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"

// gsmExtension holds the characters of the GSM extension table, two septets
// each (escape + code).
const gsmExtension = "\f^{}\\[~]|€"

// Segment sizes: a single GSM-7 message holds 160 septets, a part of a
// concatenated one 153 (the user data header takes the rest); UCS-2 holds 70
// UTF-16 units, 67 per part.
const (
	gsmSingle, gsmPart = 160, 153
	ucsSingle, ucsPart = 70, 67
)

// Segments returns how many SMS segments text takes and whether it must be
// sent as UCS-2 (unicode), which happens as soon as one character is outside
// the GSM-7 alphabet — any Vietnamese letter with a diacritic except é, è,
// ì, ò, ù, à. Characters of the GSM extension table count two septets, a
// character outside the Basic Multilingual Plane two UTF-16 units, and
// neither is split across parts, as phones do. Empty text takes 0 segments.
func Segments(text string) (n int, unicode bool) {
	if text == "" {
		return 0, false
	}
	unicode = !isGSM(text)
	single, part := gsmSingle, gsmPart
	if unicode {
		single, part = ucsSingle, ucsPart
	}
	var sizes []int
	total := 0
	for _, r := range text {
		size := utf16.RuneLen(r)
		if !unicode {
			size = 1
			if strings.ContainsRune(gsmExtension, r) {
				size = 2
			}
		}
		if size < 1 {
			size = 1 // an invalid rune goes out as U+FFFD, one unit
		}
		sizes = append(sizes, size)
		total += size
	}
	if total <= single {
		return 1, unicode
	}
	n, used := 1, 0
	for _, s := range sizes {
		if used+s > part {
			n++
			used = 0
		}
		used += s
	}
	return n, unicode
}

// isGSM reports whether every character of s is in the GSM-7 alphabet.
func isGSM(s string) bool {
	for _, r := range s {
		if !strings.ContainsRune(gsmBasic, r) && !strings.ContainsRune(gsmExtension, r) {
			return false
		}
	}
	return true
}
