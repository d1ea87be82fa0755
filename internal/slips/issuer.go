package slips

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/org"
)

// Issuer is the unit that issues a slip.
type Issuer struct {
	UnitName   string   // the unit's name in the tree: "Phường Hàng Trống", "Sở Tư pháp"
	ParentName string   // its parent's name
	Place      string   // e.g. "Hà Nội"
	Kind       org.Kind // "" when unknown: the kind is then read from the name
	// ValidTo is the last day the unit existed (inclusive), nil while it is
	// in force; Successor is the unit that took it over after that day.
	ValidTo   *time.Time
	Successor *Issuer
}

// At is the issuer in force on t: the unit itself or, once it ceased to
// exist, the unit that took it over.
func (is Issuer) At(t time.Time) Issuer {
	for hop := 0; hop < 8 && is.ValidTo != nil && is.Successor != nil && !t.IsZero(); hop++ {
		end := *is.ValidTo
		last := time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, zone).AddDate(0, 0, 1)
		if t.Before(last) {
			break
		}
		is = *is.Successor
	}
	return is
}

// reform2025 is when Decree 118/2025/NĐ-CP took effect: communes and the
// province serve the public through public administration service centres.
var reform2025 = time.Date(2025, 7, 1, 0, 0, 0, 0, zone)

// adminWords are the titles that make a unit's name a place name.
var adminWords = []string{"Thành phố", "Thị trấn", "Thị xã", "Phường", "Xã", "Quận", "Huyện", "Tỉnh"}

// ubndPrefixes are the ways a name already says it is the People's
// Committee.
var ubndPrefixes = []string{"Ủy ban nhân dân ", "Uỷ ban nhân dân ", "UBND "}

func hasPrefixFold(s, p string) bool {
	return len(s) >= len(p) && strings.EqualFold(s[:len(p)], p)
}

// placeName reports whether name starts with an administrative title
// ("Phường Hàng Trống").
func placeName(name string) bool {
	for _, w := range adminWords {
		if hasPrefixFold(name, w+" ") {
			return true
		}
	}
	return false
}

// lowerTitle writes the administrative title of a place name in lower
// case, as running text does: "phường Hàng Trống".
func lowerTitle(name string) string {
	for _, w := range adminWords {
		if hasPrefixFold(name, w+" ") {
			return strings.ToLower(w) + name[len(w):]
		}
	}
	return name
}

// agencyOf names the agency, not the place: a commune, district or
// province is governed by its People's Committee ("UBND phường Hàng
// Trống"); a department is named as it is ("Sở Tư pháp").
func agencyOf(name string, kind org.Kind) string {
	n := strings.TrimSpace(clean(name))
	if n == "" {
		return ""
	}
	for _, p := range ubndPrefixes {
		if hasPrefixFold(n, p) {
			return "UBND " + lowerTitle(strings.TrimSpace(n[len(p):]))
		}
	}
	switch kind {
	case org.KindDepartment:
		return n
	case org.KindCommune, org.KindDistrict, org.KindCity:
		return "UBND " + lowerTitle(n)
	}
	if placeName(n) {
		return "UBND " + lowerTitle(n)
	}
	return n
}

// upper writes a heading in capitals.
func upper(s string) string { return strings.ToUpper(strings.TrimSpace(clean(s))) }

// agency is the issuer's agency as the body text names it.
func (is Issuer) agency() string { return agencyOf(is.UnitName, is.Kind) }

func (is Issuer) kind() org.Kind {
	if is.Kind != "" {
		return is.Kind
	}
	n := strings.TrimSpace(clean(is.UnitName))
	for _, p := range ubndPrefixes {
		if hasPrefixFold(n, p) {
			n = strings.TrimSpace(n[len(p):])
		}
	}
	switch {
	case hasPrefixFold(n, "Phường "), hasPrefixFold(n, "Xã "), hasPrefixFold(n, "Thị trấn "):
		return org.KindCommune
	case hasPrefixFold(n, "Quận "), hasPrefixFold(n, "Huyện "), hasPrefixFold(n, "Thị xã "):
		return org.KindDistrict
	case hasPrefixFold(n, "Tỉnh "), hasPrefixFold(n, "Thành phố "):
		return org.KindCity
	}
	return ""
}

// desk is the one-stop desk of the issuer on date t: the reception and
// result desk (Bộ phận tiếp nhận và trả kết quả, Decree 61/2018) or, from
// 1/7/2025 for communes and provinces, the public administration service
// centre (Decree 118/2025).
func (is Issuer) desk(t time.Time, l lang) string {
	centre := !t.Before(reform2025) && (is.kind() == org.KindCommune || is.kind() == org.KindCity)
	if l.en {
		if centre {
			return "Public administration service centre"
		}
		return "Reception and result desk"
	}
	if centre {
		return "Trung tâm Phục vụ hành chính công"
	}
	return "Bộ phận Tiếp nhận và Trả kết quả"
}

// lowerFirst writes the first letter in lower case: "bộ phận …".
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}
