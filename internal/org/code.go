package org

import (
	"fmt"
	"regexp"
	"time"
)

// DefaultCodePattern returns the pattern agency identifiers must match unless
// a deployment configures another: the legacy form DDD.CC.BB.Axx, e.g.
// "000.17.22.H56" (electronic identifiers of agencies, Decision
// 20/2020/QĐ-TTg). Identifiers are otherwise opaque. A new
// Regexp is returned on each call so callers may not disturb each other.
func DefaultCodePattern() *regexp.Regexp {
	return regexp.MustCompile(`^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$`)
}

// CheckCode reports whether code is an agency identifier matching pattern
// (DefaultCodePattern when pattern is nil).
func CheckCode(code string, pattern *regexp.Regexp) error {
	if pattern == nil {
		pattern = DefaultCodePattern()
	}
	if !pattern.MatchString(code) {
		return fmt.Errorf("org: agency identifier %q does not match %s", code, pattern)
	}
	return nil
}

// Validity dates of the 2025 reorganisation (Resolution 202/2025/QH15 and the
// two-level local government law): districts and 2019 communes end on
// 30/6/2025, the new communes start on 1/7/2025. Dates are calendar days at
// 00:00 UTC; ValidTo is the last day a unit existed (inclusive).
var (
	reorgLastDay  = time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	reorgFirstDay = time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
)

// Number ranges of the identifiers a CodeScheme generates. They are disjoint
// so that the 2019 set (city, departments, districts, communes) and the 2025
// set never collide.
const (
	MaxDistricts       = 40  // BB 01–40
	MaxDepartments     = 59  // BB 41–99
	MaxCommunes        = 99  // CC 01–99 per district
	MaxCommunes2025    = 999 // DDD 001–999
	departmentBBOffset = MaxDistricts
)

// CodeScheme generates the agency identifiers of one province's units. The
// real identifiers are assigned by the national catalogue and Hà Nội's are not
// confirmed, so the deployment sets Suffix (the "Axx" part, e.g. "H26") and
// the scheme derives the rest from the unit's position:
//
//	city                  000.00.00.H26
//	district n (1–40)     000.00.nn.H26   (n by order in the 2019 file)
//	department n (1–59)   000.00.bb.H26   (bb = n+40, clear of districts)
//	commune c of district d (2019)
//	                      000.cc.dd.H26   (c 1–99 by order within d)
//	commune n (2025)      nnn.00.00.H26   (n 1–999 by order in the 2025 file)
//
// 2025 communes sit directly under the city, so they use the leftmost group,
// which is always 000 in the 2019 set: the two sets cannot collide, and a 2019
// commune and the 2025 commune that reuses its GSO code stay distinct units.
// Because positions come from file order, re-imports must use the same files.
// Out-of-range numbers yield "" (the importers reject such rows first).
type CodeScheme struct {
	Suffix string // province part of the identifier, e.g. "H26"; set by deployment
}

var suffixPattern = regexp.MustCompile(`^[A-Z]\d{2}$`)

// Validate reports whether the suffix has the letter-and-two-digits form the
// identifier pattern expects.
func (s CodeScheme) Validate() error {
	if !suffixPattern.MatchString(s.Suffix) {
		return fmt.Errorf("org: code scheme suffix %q must be a capital letter and two digits, e.g. H26", s.Suffix)
	}
	return nil
}

// City returns the identifier of the province-level city itself.
func (s CodeScheme) City() string {
	return fmt.Sprintf("000.00.00.%s", s.Suffix)
}

// District returns the identifier of the n-th district (1-based), or "" when
// n is outside 1..MaxDistricts.
func (s CodeScheme) District(n int) string {
	if n < 1 || n > MaxDistricts {
		return ""
	}
	return fmt.Sprintf("000.00.%02d.%s", n, s.Suffix)
}

// Department returns the identifier of the n-th city department (1-based), or
// "" when n is outside 1..MaxDepartments.
func (s CodeScheme) Department(n int) string {
	if n < 1 || n > MaxDepartments {
		return ""
	}
	return fmt.Sprintf("000.00.%02d.%s", n+departmentBBOffset, s.Suffix)
}

// Commune returns the identifier of the communeN-th commune of the
// districtN-th district (2019 structure), or "" when either is out of range.
func (s CodeScheme) Commune(districtN, communeN int) string {
	if districtN < 1 || districtN > MaxDistricts || communeN < 1 || communeN > MaxCommunes {
		return ""
	}
	return fmt.Sprintf("000.%02d.%02d.%s", communeN, districtN, s.Suffix)
}

// Commune2025 returns the identifier of the n-th commune of the 2025
// structure (communes directly under the city), or "" when n is outside
// 1..MaxCommunes2025.
func (s CodeScheme) Commune2025(n int) string {
	if n < 1 || n > MaxCommunes2025 {
		return ""
	}
	return fmt.Sprintf("%03d.00.00.%s", n, s.Suffix)
}

// Level returns the level of government a unit kind belongs to, as reports
// and the national portal name it: "province" for the city and its
// departments, "district", "commune", or "" for an unknown kind.
func Level(k Kind) string {
	switch k {
	case KindCity, KindDepartment:
		return "province"
	case KindDistrict:
		return "district"
	case KindCommune:
		return "commune"
	}
	return ""
}

// Valid reports whether k is a known unit kind.
func (k Kind) Valid() bool {
	return Level(k) != ""
}

// ActiveOn reports whether the unit existed on the calendar day of t (taken
// in t's own location): ValidFrom and ValidTo are inclusive and nil means
// unbounded.
func (u Unit) ActiveOn(t time.Time) bool {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	if u.ValidFrom != nil && d.Before(dayOf(*u.ValidFrom)) {
		return false
	}
	if u.ValidTo != nil && d.After(dayOf(*u.ValidTo)) {
		return false
	}
	return true
}

// dayOf truncates t to its calendar day as a UTC midnight, so that dates
// compare the same whatever location they were built in.
func dayOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// departments lists Hà Nội's city departments in a fixed order: identifiers
// derive from the position, so append new entries, never reorder.
var departments = []string{
	"Sở Tư pháp",
	"Sở Xây dựng",
	"Sở Kế hoạch và Đầu tư",
	"Sở Văn hóa và Thể thao",
	"Sở Thông tin và Truyền thông",
	"Sở Tài nguyên và Môi trường",
	"Sở Giao thông vận tải",
	"Sở Công Thương",
	"Sở Lao động - Thương binh và Xã hội",
	"Sở Y tế",
	"Sở Giáo dục và Đào tạo",
	"Sở Nội vụ",
	"Sở Tài chính",
	"Sở Nông nghiệp và Phát triển nông thôn",
	"Sở Khoa học và Công nghệ",
	"Sở Quy hoạch - Kiến trúc",
	"Sở Du lịch",
	"Ban Quản lý các Khu công nghiệp và chế xuất Hà Nội",
}

// Departments returns Hà Nội's city departments (sở, ban) as they stood in
// the 2019 reference period, Sở Tư pháp first, each under the city with
// identifier s.Department(n) for its 1-based position. Several were merged in
// 2025; record that with ValidTo and successors when the data is confirmed.
func Departments(s CodeScheme) []Unit {
	units := make([]Unit, len(departments))
	for i, name := range departments {
		units[i] = Unit{
			Code:       s.Department(i + 1),
			Name:       name,
			Kind:       KindDepartment,
			ParentCode: s.City(),
		}
	}
	return units
}
