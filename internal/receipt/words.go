package receipt

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

var viDigits = [10]string{"không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"}

// AmountInWords spells an amount of Vietnamese đồng as a receipt's "Số tiền
// bằng chữ" line: "Hai triệu không trăm linh năm nghìn đồng". It follows the
// northern usage of accounting software and the State Treasury: "linh" (not
// "lẻ") for a zero tens digit, "mốt", "tư" and "lăm" after a tens word, and
// "không trăm" for a group below a hundred that follows a larger one.
func AmountInWords(vnd int64) string {
	var s string
	if vnd < 0 {
		s = "âm " + viNumber(uint64(-(vnd+1))+1)
	} else {
		s = viNumber(uint64(vnd))
	}
	return capitalise(s + " đồng")
}

// viNumber spells n in Vietnamese: scales of a thousand up to "tỷ", and
// "tỷ" again for what lies above (a thousand billion is "một nghìn tỷ").
func viNumber(n uint64) string {
	if n == 0 {
		return viDigits[0]
	}
	const billion = 1_000_000_000
	var parts []string
	if n >= billion {
		parts = append(parts, viNumber(n/billion), "tỷ")
		n %= billion
		if n == 0 {
			return strings.Join(parts, " ")
		}
	}
	lead := len(parts) == 0
	groups := [3]uint64{n / 1_000_000, n / 1000 % 1000, n % 1000}
	scales := [3]string{"triệu", "nghìn", ""}
	for i, g := range groups {
		if g == 0 {
			continue
		}
		parts = append(parts, viGroup(int(g), !lead))
		if scales[i] != "" {
			parts = append(parts, scales[i])
		}
		lead = false
	}
	return strings.Join(parts, " ")
}

// viGroup spells 1–999; full says the hundreds are spoken even when zero
// ("không trăm linh năm"), as for a group after a larger one.
func viGroup(n int, full bool) string {
	h, t, u := n/100, n/10%10, n%10
	var parts []string
	if h > 0 || full {
		parts = append(parts, viDigits[h], "trăm")
		if t == 0 {
			if u > 0 {
				parts = append(parts, "linh", viDigits[u])
			}
			return strings.Join(parts, " ")
		}
	}
	switch t {
	case 0:
		return viDigits[u] // below ten, leading: no hundreds spoken
	case 1:
		parts = append(parts, "mười")
	default:
		parts = append(parts, viDigits[t], "mươi")
	}
	switch {
	case u == 0:
	case u == 1 && t > 1:
		parts = append(parts, "mốt")
	case u == 4 && t > 1:
		parts = append(parts, "tư")
	case u == 5:
		parts = append(parts, "lăm")
	default:
		parts = append(parts, viDigits[u])
	}
	return strings.Join(parts, " ")
}

var (
	enOnes = [20]string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
		"eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"}
	enTens   = [10]string{"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}
	enScales = [7]string{"", "thousand", "million", "billion", "trillion", "quadrillion", "quintillion"}
)

// AmountInWordsEN spells an amount of đồng in English, for the English line
// under the Vietnamese one: "Two million five thousand dong".
func AmountInWordsEN(vnd int64) string {
	var s string
	if vnd < 0 {
		s = "minus " + enNumber(uint64(-(vnd+1))+1)
	} else {
		s = enNumber(uint64(vnd))
	}
	return capitalise(s + " dong")
}

func enNumber(n uint64) string {
	if n == 0 {
		return enOnes[0]
	}
	var groups []string
	for scale := 0; n > 0; scale++ {
		if g := int(n % 1000); g > 0 {
			w := enGroup(g)
			if enScales[scale] != "" {
				w += " " + enScales[scale]
			}
			groups = append([]string{w}, groups...)
		}
		n /= 1000
	}
	return strings.Join(groups, " ")
}

func enGroup(n int) string {
	var parts []string
	if h := n / 100; h > 0 {
		parts = append(parts, enOnes[h], "hundred")
	}
	switch r := n % 100; {
	case r == 0:
	case r < 20:
		parts = append(parts, enOnes[r])
	case r%10 == 0:
		parts = append(parts, enTens[r/10])
	default:
		parts = append(parts, enTens[r/10]+"-"+enOnes[r%10])
	}
	return strings.Join(parts, " ")
}

func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// FormatVND writes an amount with a dot between thousands, as Vietnamese
// documents do: 1500000 → "1.500.000".
func FormatVND(vnd int64) string {
	s := strconv.FormatInt(vnd, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return b.String()
}
