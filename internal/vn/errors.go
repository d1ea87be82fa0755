package vn

import (
	"errors"
	"strings"
)

// Error codes returned in IDError.Code. They are stable: API clients and
// translations key on them.
const (
	CodeIDLength     = "id_length"      // not 12 digits
	CodeIDDigits     = "id_digits"      // contains something other than 0-9
	CodeIDProvince   = "id_province"    // first three digits are no province code
	CodeIDFutureYear = "id_future_year" // encoded birth year is after the current year
	CodePhoneInvalid = "phone_invalid"  // not a Vietnamese phone number
	CodeEmailInvalid = "email_invalid"  // not a usable e-mail address
	CodeDateInvalid  = "date_invalid"   // not a real date as dd/mm/yyyy (or yyyy-mm-dd)
)

// Codes lists every error code of this package, so that callers (and tests)
// can check that each one has a translation.
var Codes = []string{
	CodeIDLength, CodeIDDigits, CodeIDProvince, CodeIDFutureYear,
	CodePhoneInvalid, CodeEmailInvalid, CodeDateInvalid,
}

// IDError is the error every check in this package returns. The name comes
// from the first check (citizen ID numbers); phone and e-mail checks use it
// too so that callers need a single errors.As. Code is one of Codes.
type IDError struct {
	Code string
}

// Error returns the code with its English message, for logs.
func (e *IDError) Error() string {
	return "vn: " + e.Code + ": " + strings.TrimSuffix(Message(e.Code, "en"), ".")
}

// ErrorCode returns the code of the IDError wrapped in err, or "" when err
// carries none.
func ErrorCode(err error) string {
	var e *IDError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// messages holds the user-facing text per code: [0] Vietnamese, [1] English.
var messages = map[string][2]string{
	CodeIDLength: {
		"Số định danh cá nhân (số căn cước công dân) phải gồm đúng 12 chữ số.",
		"The personal identification number (citizen ID) must have exactly 12 digits.",
	},
	CodeIDDigits: {
		"Số định danh cá nhân chỉ được chứa các chữ số từ 0 đến 9.",
		"The personal identification number may contain only the digits 0 to 9.",
	},
	CodeIDProvince: {
		"Ba chữ số đầu của số định danh cá nhân không phải là mã tỉnh, thành phố nơi đăng ký khai sinh hợp lệ.",
		"The first three digits of the personal identification number are not a valid province code of birth registration.",
	},
	CodeIDFutureYear: {
		"Năm sinh thể hiện trong số định danh cá nhân chưa đến; vui lòng kiểm tra lại.",
		"The birth year encoded in the personal identification number is in the future; please check the number.",
	},
	CodePhoneInvalid: {
		"Số điện thoại không hợp lệ: số di động gồm 10 chữ số bắt đầu bằng 0 (hoặc dạng +84), số cố định gồm 11 chữ số bắt đầu bằng 02.",
		"Invalid phone number: a mobile number has 10 digits starting with 0 (or the +84 form); a landline has 11 digits starting with 02.",
	},
	CodeEmailInvalid: {
		"Địa chỉ thư điện tử không hợp lệ (ví dụ đúng: ten@example.vn).",
		"Invalid e-mail address (a valid example: name@example.vn).",
	},
	CodeDateInvalid: {
		"Ngày không hợp lệ: vui lòng nhập theo dạng ngày/tháng/năm, ví dụ 05/12/2026.",
		"Invalid date: enter it as day/month/year, for example 05/12/2026.",
	},
}

// Message returns the user-facing message for an error code of this package,
// in Vietnamese (lang "vi", the default for any other value) or English
// (lang "en" or "en-…"). Unknown codes get a generic "invalid value" text.
func Message(code, lang string) string {
	i := 0
	if l := strings.ToLower(lang); l == "en" || strings.HasPrefix(l, "en-") || strings.HasPrefix(l, "en_") {
		i = 1
	}
	m, ok := messages[code]
	if !ok {
		m = [2]string{"Giá trị không hợp lệ.", "Invalid value."}
	}
	return m[i]
}
