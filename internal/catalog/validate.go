package catalog

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/vn"
	"golang.org/x/text/unicode/norm"
)

// Field error codes. They are stable: API clients and translations key on
// them. Checks delegated to package vn add its codes (id_length, id_digits,
// id_province, id_future_year, phone_invalid, email_invalid).
const (
	CodeRequired     = "required"      // missing or empty, or a required checkbox left unticked
	CodeTooLong      = "too_long"      // longer than the field's maximum length
	CodeNotNumber    = "not_number"    // not a decimal number
	CodeOutOfRange   = "out_of_range"  // number below Min or above Max
	CodeBadDate      = "bad_date"      // not a real date as YYYY-MM-DD or dd/MM/yyyy
	CodeFutureDate   = "future_date"   // a date of birth after today
	CodeBadOption    = "bad_option"    // not one of a select field's options
	CodeNotBool      = "not_bool"      // a checkbox value that is neither yes nor no
	CodeUnknownField = "unknown_field" // a key the form does not define
	CodeBadType      = "bad_type"      // a text field given a boolean, list or object
)

// Codes lists the field error codes of this package (without vn's).
var Codes = []string{
	CodeRequired, CodeTooLong, CodeNotNumber, CodeOutOfRange, CodeBadDate,
	CodeFutureDate, CodeBadOption, CodeNotBool, CodeUnknownField, CodeBadType,
	CodeIDBirthMismatch, CodeIDSexMismatch, CodeUnderAge,
}

// FieldError is one problem with one submitted field.
type FieldError struct {
	Field string `json:"field"`
	Code  string `json:"code"`
}

// FieldErrors is every problem Validate found, in the order of the form's
// fields, then unknown keys in alphabetical order.
type FieldErrors []FieldError

// Error lists the problems as "field: code" pairs, for logs.
func (e FieldErrors) Error() string {
	parts := make([]string, len(e))
	for i, fe := range e {
		parts[i] = fe.Field + ": " + fe.Code
	}
	return "catalog: invalid form data: " + strings.Join(parts, "; ")
}

// Err returns e as an error, or a nil error when e is empty. Assigning an
// empty FieldErrors to an error variable directly would give a non-nil error.
func (e FieldErrors) Err() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

// Messages returns the message of the first error of each field, keyed by
// field name, for showing next to the inputs of an HTML form.
func (e FieldErrors) Messages(lang string, f Form) map[string]string {
	m := make(map[string]string, len(e))
	for _, fe := range e {
		if _, ok := m[fe.Field]; !ok {
			m[fe.Field] = fe.Message(lang, f)
		}
	}
	return m
}

// Message returns a sentence explaining the error to the applicant, naming
// the field by its label in f: Vietnamese by default, English when lang is
// "en" or "en-…". Example: "Trường «Họ và tên chồng» là bắt buộc."
func (e FieldError) Message(lang string, f Form) string {
	en := isEnglish(lang)
	fd, known := f.Field(e.Field)
	label := e.Field
	if known {
		label = fd.LabelIn(lang)
	}
	say := func(format string, args ...any) string {
		return fmt.Sprintf(format, append([]any{label}, args...)...)
	}
	switch e.Code {
	case CodeRequired:
		if en {
			return say("The field “%s” is required.")
		}
		return say("Trường «%s» là bắt buộc.")
	case CodeTooLong:
		if en {
			return say("The field “%s” is too long: at most %d characters.", fd.MaxLen())
		}
		return say("Trường «%s» dài quá mức cho phép: tối đa %d ký tự.", fd.MaxLen())
	case CodeNotNumber:
		if en {
			return say("The field “%s” must be a number.")
		}
		return say("Trường «%s» phải là một số.")
	case CodeOutOfRange:
		return rangeMessage(label, fd, en)
	case CodeIDBirthMismatch:
		if en {
			return say("The field “%s” does not match the date of birth: its 4th digit (century) and 5th–6th digits (year of birth) must agree with it.")
		}
		return say("Trường «%s» không khớp với ngày sinh: chữ số thứ 4 (thế kỷ) và chữ số thứ 5–6 (năm sinh) phải khớp với năm sinh đã khai.")
	case CodeIDSexMismatch:
		if en {
			return say("The field “%s” does not match the person's sex: its 4th digit is even for a man and odd for a woman.")
		}
		return say("Trường «%s» không khớp với giới tính: chữ số thứ 4 là số chẵn với nam, số lẻ với nữ.")
	case CodeUnderAge:
		r, _ := f.ruleFor(e.Field, RuleMinAge)
		if en {
			return say("By the field “%s”, the person is under %d, the age the law requires (%s).", r.Years, r.Basis)
		}
		return say("Theo trường «%s», người này chưa đủ %d tuổi theo quy định (%s).", r.Years, r.Basis)
	case CodeBadDate:
		if en {
			return say("The field “%s” must be a valid date written day/month/year (for example 25/12/1990).")
		}
		return say("Trường «%s» phải là một ngày hợp lệ, viết theo dạng ngày/tháng/năm (ví dụ 25/12/1990).")
	case CodeFutureDate:
		if en {
			return say("The field “%s” cannot be a date in the future.")
		}
		return say("Trường «%s» không được là một ngày trong tương lai.")
	case CodeBadOption:
		if en {
			return say("The value of the field “%s” is not one of the available choices.")
		}
		return say("Giá trị của trường «%s» không có trong danh sách lựa chọn.")
	case CodeNotBool:
		if en {
			return say("The field “%s” only takes yes or no.")
		}
		return say("Trường «%s» chỉ nhận giá trị có hoặc không.")
	case CodeUnknownField:
		if en {
			return say("The field “%s” is not part of this procedure's form.")
		}
		return say("Trường «%s» không thuộc biểu mẫu của thủ tục này.")
	case CodeBadType:
		if en {
			return say("The field “%s” must be text.")
		}
		return say("Trường «%s» phải là văn bản.")
	}
	// Identifier, phone and e-mail codes come from package vn, which owns
	// their explanation; its sentences already say "invalid", so the label
	// is only prefixed.
	if en {
		return say("The field “%s”: %s", vn.Message(e.Code, "en"))
	}
	return say("Trường «%s»: %s", vn.Message(e.Code, "vi"))
}

// rangeMessage explains out_of_range with the bounds that the field sets.
func rangeMessage(label string, fd Field, en bool) string {
	switch {
	case fd.Min != nil && fd.Max != nil && en:
		return fmt.Sprintf("The field “%s” must be between %s and %s.", label, formatNumber(*fd.Min, en), formatNumber(*fd.Max, en))
	case fd.Min != nil && fd.Max != nil:
		return fmt.Sprintf("Trường «%s» phải có giá trị từ %s đến %s.", label, formatNumber(*fd.Min, en), formatNumber(*fd.Max, en))
	case fd.Min != nil && en:
		return fmt.Sprintf("The field “%s” must be at least %s.", label, formatNumber(*fd.Min, en))
	case fd.Min != nil:
		return fmt.Sprintf("Trường «%s» phải có giá trị không nhỏ hơn %s.", label, formatNumber(*fd.Min, en))
	case fd.Max != nil && en:
		return fmt.Sprintf("The field “%s” must be at most %s.", label, formatNumber(*fd.Max, en))
	case fd.Max != nil:
		return fmt.Sprintf("Trường «%s» phải có giá trị không lớn hơn %s.", label, formatNumber(*fd.Max, en))
	case en:
		return fmt.Sprintf("The value of the field “%s” is out of range.", label)
	default:
		return fmt.Sprintf("Giá trị của trường «%s» nằm ngoài phạm vi cho phép.", label)
	}
}

// formatNumber writes v the way readers of lang expect: Vietnamese groups
// thousands with "." and uses "," for decimals (1.234,5); English the reverse.
func formatNumber(v float64, en bool) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', -1, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	group, dec := ".", ","
	if en {
		group, dec = ",", "."
	}
	var b strings.Builder
	if v < 0 {
		b.WriteByte('-')
	}
	for i, d := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(d)
	}
	if frac != "" {
		b.WriteString(dec + frac)
	}
	return b.String()
}

// vnZone is Vietnam's time (UTC+7, no daylight saving). A fixed zone avoids
// depending on the host's tzdata for "today".
var vnZone = time.FixedZone("ICT", 7*60*60)

// Validate checks data against the form and returns it cleaned, with
// canonical types: text trimmed, with runs of white space collapsed and
// NFC-normalised; textarea trimmed with "\n" line ends; number float64 (the
// type JSON decoding gives back, so stored and fresh data look alike); date
// "YYYY-MM-DD"; select the option value; checkbox bool (false when absent,
// since browsers omit unticked boxes); id_number digits only; phone in
// national form ("0912345678"); e-mail with a lower-case domain. Optional
// fields left empty are omitted.
//
// data may come from JSON decoding (string, float64, bool, json.Number) or
// from an HTML form (every value a string; see FormData). Keys the form does
// not define give unknown_field. now fixes "today" for dates of birth and ID
// numbers. On any error the cleaned map is nil and the errors come in form
// order, then unknown keys alphabetically; on success errs is nil.
func (f Form) Validate(data map[string]any, now time.Time) (map[string]any, FieldErrors) {
	clean := make(map[string]any, len(f.Fields))
	var errs FieldErrors
	known := make(map[string]bool, len(f.Fields))
	for _, fd := range f.Fields {
		known[fd.Name] = true
		v, code := fd.clean(data[fd.Name], now)
		switch {
		case code != "":
			errs = append(errs, FieldError{Field: fd.Name, Code: code})
		case v != nil:
			clean[fd.Name] = v
		}
	}
	var unknown []string
	for k := range data {
		if !known[k] {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown) // map order is random; error order must not be
	for _, k := range unknown {
		errs = append(errs, FieldError{Field: k, Code: CodeUnknownField})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if errs := f.applyRules(clean, now); len(errs) > 0 {
		return nil, errs
	}
	return clean, nil
}

// CleanEach returns the canonical value of every field of data that is
// valid on its own, other fields' errors and the rules across fields
// aside: what a page may treat as settled while it shows errors
// elsewhere.
func (f Form) CleanEach(data map[string]any, now time.Time) map[string]any {
	out := make(map[string]any, len(f.Fields))
	for _, fd := range f.Fields {
		if v, code := fd.clean(data[fd.Name], now); code == "" && v != nil {
			out[fd.Name] = v
		}
	}
	return out
}

// FormData turns a parsed HTML form (r.PostForm) into Validate's input. A key
// sent several times keeps its last value, so the common "hidden false input
// followed by a checkbox" pattern reads as ticked when the box is ticked.
func FormData(v url.Values) map[string]any {
	m := make(map[string]any, len(v))
	for k, vals := range v {
		if len(vals) > 0 {
			m[k] = vals[len(vals)-1]
		}
	}
	return m
}

// clean validates one raw value and returns its canonical form, nil when an
// optional field is empty, or an error code.
func (fd Field) clean(raw any, now time.Time) (any, string) {
	raw = lastValue(raw)
	switch fd.Type {
	case FieldCheckbox:
		b, ok := toBool(raw)
		switch {
		case !ok:
			return nil, CodeNotBool
		case fd.Required && !b:
			// A required checkbox is a declaration the applicant must tick.
			return nil, CodeRequired
		}
		return b, ""
	case FieldNumber:
		if isBlank(raw) {
			return fd.absent()
		}
		x, ok := toFloat(raw)
		switch {
		case !ok:
			return nil, CodeNotNumber
		case fd.Min != nil && x < *fd.Min, fd.Max != nil && x > *fd.Max:
			return nil, CodeOutOfRange
		}
		return x, ""
	}

	s, ok := toText(raw)
	if !ok {
		return nil, wrongTypeCode(fd.Type)
	}
	s = norm.NFC.String(strings.ToValidUTF8(s, ""))
	switch fd.Type {
	case FieldTextarea:
		s = strings.TrimSpace(stripControls(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"), true))
	case FieldIDNumber:
		// People group the 12 digits as printed on the card ("001 090 123456").
		s = strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return -1
			}
			return r
		}, s)
	default:
		// One-line values: drop control characters and collapse white space,
		// since they are compared, searched and printed on slips.
		s = strings.Join(strings.Fields(stripControls(s, false)), " ")
	}
	if s == "" {
		return fd.absent()
	}

	switch fd.Type {
	case FieldText, FieldTextarea:
		if utf8.RuneCountInString(s) > fd.MaxLen() {
			return nil, CodeTooLong
		}
		return s, ""
	case FieldDate:
		d, ok := parseDate(s)
		if !ok {
			return nil, CodeBadDate
		}
		if isBirthDate(fd.Name) && d > now.In(vnZone).Format(time.DateOnly) {
			return nil, CodeFutureDate
		}
		return d, ""
	case FieldSelect:
		for _, o := range fd.Options {
			if o.Value == s {
				return s, ""
			}
		}
		return nil, CodeBadOption
	case FieldIDNumber:
		if err := vn.CheckIDNumber(s, now); err != nil {
			return nil, codeOf(err, vn.CodeIDDigits)
		}
		return s, ""
	case FieldPhone:
		if err := vn.CheckPhone(s); err != nil {
			return nil, codeOf(err, vn.CodePhoneInvalid)
		}
		return vn.NormalizePhone(s), ""
	case FieldEmail:
		if at := strings.LastIndexByte(s, '@'); at >= 0 {
			s = s[:at] + strings.ToLower(s[at:]) // domains are case-insensitive; local parts in theory are not
		}
		if err := vn.CheckEmail(s); err != nil {
			return nil, codeOf(err, vn.CodeEmailInvalid)
		}
		return s, ""
	}
	// Unknown types are caught by Form.Check; refuse rather than store.
	return nil, CodeBadType
}

// absent is the result for an empty value: an error when the field is
// required, nothing otherwise.
func (fd Field) absent() (any, string) {
	if fd.Required {
		return nil, CodeRequired
	}
	return nil, ""
}

// lastValue unwraps a list of values (url.Values style or a JSON array) to its
// last element; an empty list counts as absent.
func lastValue(raw any) any {
	switch v := raw.(type) {
	case []string:
		if len(v) == 0 {
			return nil
		}
		return v[len(v)-1]
	case []any:
		if len(v) == 0 {
			return nil
		}
		return v[len(v)-1]
	}
	return raw
}

// isBlank reports whether raw is absent or white space only.
func isBlank(raw any) bool {
	if raw == nil {
		return true
	}
	s, ok := raw.(string)
	return ok && strings.TrimSpace(s) == ""
}

// toBool reads a checkbox value: JSON booleans, HTML strings ("on" is what a
// browser sends for a ticked box), and 0/1.
func toBool(raw any) (bool, bool) {
	switch v := raw.(type) {
	case nil:
		return false, true
	case bool:
		return v, true
	case float64:
		return v == 1, v == 0 || v == 1
	case int:
		return v == 1, v == 0 || v == 1
	case json.Number:
		return toBool(string(v))
	case string:
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "on", "true", "1", "yes", "có":
			return true, true
		case "", "off", "false", "0", "no", "không":
			return false, true
		}
	}
	return false, false
}

// decimal is the only number syntax accepted from strings: ParseFloat alone
// would also take "NaN", "Inf", hex floats and underscores.
var decimal = regexp.MustCompile(`^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$`)

// toFloat reads a number from JSON (float64, json.Number) or an HTML string.
// A decimal comma is refused: browsers send number inputs with a dot, and
// "1,000" is ambiguous between locales.
func toFloat(raw any) (float64, bool) {
	var x float64
	switch v := raw.(type) {
	case float64:
		x = v
	case float32:
		x = float64(v)
	case int:
		x = float64(v)
	case int64:
		x = float64(v)
	case json.Number:
		return toFloat(string(v))
	case string:
		s := strings.TrimSpace(v)
		if !decimal.MatchString(s) {
			return 0, false
		}
		var err error
		if x, err = strconv.ParseFloat(s, 64); err != nil {
			return 0, false
		}
	default:
		return 0, false
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, false
	}
	return x, true
}

// toText reads a scalar as text: numbers are accepted (a JSON client may send
// an ID or a house number as a number); booleans, lists and objects are not.
func toText(raw any) (string, bool) {
	switch v := raw.(type) {
	case nil:
		return "", true
	case string:
		return v, true
	case json.Number:
		return string(v), true
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return "", false
		}
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case int:
		return strconv.Itoa(v), true
	case int64:
		return strconv.FormatInt(v, 10), true
	}
	return "", false
}

// wrongTypeCode is the code for a value of the wrong JSON type: the field
// type's own code where it has one, so the applicant reads one message.
func wrongTypeCode(t FieldType) string {
	switch t {
	case FieldDate:
		return CodeBadDate
	case FieldSelect:
		return CodeBadOption
	case FieldIDNumber:
		return vn.CodeIDDigits
	case FieldPhone:
		return vn.CodePhoneInvalid
	case FieldEmail:
		return vn.CodeEmailInvalid
	}
	return CodeBadType
}

// stripControls removes control characters, keeping new lines and tabs when
// keepLines is set (textarea).
func stripControls(s string, keepLines bool) string {
	return strings.Map(func(r rune) rune {
		if keepLines && (r == '\n' || r == '\t') {
			return r
		}
		if unicode.IsControl(r) && !unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// parseDate reads a date as vn.ParseDate does (dd/mm/yyyy, d/m/yyyy,
// yyyy-mm-dd…) and returns it as YYYY-MM-DD, the stored form; impossible
// dates (31/02) fail.
func parseDate(s string) (string, bool) {
	t, err := vn.ParseDate(s, time.UTC)
	if err != nil {
		return "", false
	}
	return t.Format(time.DateOnly), true
}

// isBirthDate reports whether a date field holds a date of birth, which can
// never be in the future. Other dates (planned works, events) may well be.
func isBirthDate(name string) bool {
	return strings.HasSuffix(name, "birth_date") || strings.HasSuffix(name, "_dob")
}

// codeOf extracts the vn error code from err, or fallback.
func codeOf(err error, fallback string) string {
	if c := vn.ErrorCode(err); c != "" {
		return c
	}
	return fallback
}
