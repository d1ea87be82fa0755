package vn

import (
	"slices"
	"strings"
	"time"
)

// provinces maps the birth-registration province code (the first three digits
// of a personal identification number) to the province name, as listed by
// Circular 07/2016/TT-BCA and kept by Circular 59/2021/TT-BCA. The codes are
// the GSO province codes padded to three digits, hence the gaps. They name the
// 63 provinces as they were when the numbers were issued; the 2025 province
// mergers did not renumber anybody.
var provinces = map[string]string{
	"001": "Hà Nội",
	"002": "Hà Giang",
	"004": "Cao Bằng",
	"006": "Bắc Kạn",
	"008": "Tuyên Quang",
	"010": "Lào Cai",
	"011": "Điện Biên",
	"012": "Lai Châu",
	"014": "Sơn La",
	"015": "Yên Bái",
	"017": "Hòa Bình",
	"019": "Thái Nguyên",
	"020": "Lạng Sơn",
	"022": "Quảng Ninh",
	"024": "Bắc Giang",
	"025": "Phú Thọ",
	"026": "Vĩnh Phúc",
	"027": "Bắc Ninh",
	"030": "Hải Dương",
	"031": "Hải Phòng",
	"033": "Hưng Yên",
	"034": "Thái Bình",
	"035": "Hà Nam",
	"036": "Nam Định",
	"037": "Ninh Bình",
	"038": "Thanh Hóa",
	"040": "Nghệ An",
	"042": "Hà Tĩnh",
	"044": "Quảng Bình",
	"045": "Quảng Trị",
	"046": "Thừa Thiên Huế",
	"048": "Đà Nẵng",
	"049": "Quảng Nam",
	"051": "Quảng Ngãi",
	"052": "Bình Định",
	"054": "Phú Yên",
	"056": "Khánh Hòa",
	"058": "Ninh Thuận",
	"060": "Bình Thuận",
	"062": "Kon Tum",
	"064": "Gia Lai",
	"066": "Đắk Lắk",
	"067": "Đắk Nông",
	"068": "Lâm Đồng",
	"070": "Bình Phước",
	"072": "Tây Ninh",
	"074": "Bình Dương",
	"075": "Đồng Nai",
	"077": "Bà Rịa - Vũng Tàu",
	"079": "Hồ Chí Minh",
	"080": "Long An",
	"082": "Tiền Giang",
	"083": "Bến Tre",
	"084": "Trà Vinh",
	"086": "Vĩnh Long",
	"087": "Đồng Tháp",
	"089": "An Giang",
	"091": "Kiên Giang",
	"092": "Cần Thơ",
	"093": "Hậu Giang",
	"094": "Sóc Trăng",
	"095": "Bạc Liêu",
	"096": "Cà Mau",
}

// ProvinceCodes returns the 63 birth-registration province codes in
// ascending order.
func ProvinceCodes() []string {
	codes := make([]string, 0, len(provinces))
	for c := range provinces {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	return codes
}

// CheckIDNumber validates a 12-digit personal identification number (the
// number on the chip-based citizen ID card, CCCD) laid out as PPP G YY SSSSSS:
// birth-registration province, century and sex, year of birth, serial. There
// is no checksum, so the province code and the birth year are all that can be
// verified; the year must not be after now's year. Surrounding spaces are
// ignored. The error is an *IDError with one of the id_* codes. Old 9-digit
// ID card numbers fail with id_length.
func CheckIDNumber(id string, now time.Time) error {
	id = strings.TrimSpace(id)
	if !allDigits(id) {
		if id == "" {
			return &IDError{Code: CodeIDLength}
		}
		return &IDError{Code: CodeIDDigits}
	}
	if len(id) != 12 {
		return &IDError{Code: CodeIDLength}
	}
	if _, ok := provinces[id[:3]]; !ok {
		return &IDError{Code: CodeIDProvince}
	}
	if IDBirthYear(id) > now.Year() {
		return &IDError{Code: CodeIDFutureYear}
	}
	return nil
}

// IDBirthYear returns the birth year encoded in a 12-digit personal
// identification number: digit G gives the century (0/1 → 1900s, 2/3 → 2000s,
// 4/5 → 2100s, 6/7 → 2200s, 8/9 → 2300s), digits YY the year within it. It
// returns 0 when id (after trimming spaces) is not 12 digits.
func IDBirthYear(id string) int {
	id = strings.TrimSpace(id)
	if len(id) != 12 || !allDigits(id) {
		return 0
	}
	g := int(id[3] - '0')
	yy := int(id[4]-'0')*10 + int(id[5]-'0')
	return 1900 + (g/2)*100 + yy
}

// IDSex returns "male" or "female" as encoded by the parity of digit G of a
// 12-digit personal identification number (even = male), or "" when id is
// not 12 digits.
func IDSex(id string) string {
	id = strings.TrimSpace(id)
	if len(id) != 12 || !allDigits(id) {
		return ""
	}
	if (id[3]-'0')%2 == 0 {
		return "male"
	}
	return "female"
}

// IDProvince returns the name of the birth-registration province encoded in
// the first three digits of a personal identification number ("Hà Nội" for
// 001), or "" when the code is unknown.
func IDProvince(id string) string {
	id = strings.TrimSpace(id)
	if len(id) < 3 {
		return ""
	}
	return provinces[id[:3]]
}

// MaskID hides the middle of an identification number for logs and receipts,
// keeping the first and last three characters: "001090123789" becomes
// "001******789". Values of six characters or fewer are masked entirely, since
// showing six of them would reveal nearly everything.
func MaskID(id string) string {
	return maskMiddle(strings.TrimSpace(id), 3, 3)
}

// allDigits reports whether s is non-empty and made of ASCII digits only.
// Other Unicode digits (full-width, Arabic-Indic) are refused on purpose:
// unicode.IsDigit accepts them, but the national systems do not.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// maskMiddle replaces all but the first head and last tail runes of s with
// '*'; when s is too short to keep any, every rune is masked.
func maskMiddle(s string, head, tail int) string {
	r := []rune(s)
	if len(r) <= head+tail {
		return strings.Repeat("*", len(r))
	}
	return string(r[:head]) + strings.Repeat("*", len(r)-head-tail) + string(r[len(r)-tail:])
}
