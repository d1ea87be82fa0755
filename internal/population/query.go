package population

import (
	"strings"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/vn"
)

// Query is one lookup: who is looked up and why. The purpose fields are
// required because the law allows a lookup only for a procedure being served.
type Query struct {
	// IDNumber is the 12-digit personal identification number (SoDinhDanh).
	IDNumber string
	// FullName is the name as written, with diacritics; it is sent upper
	// case without them (HoVaTen).
	FullName string
	// BirthYear is the year of birth (Nam); 0 means the year encoded in
	// IDNumber.
	BirthYear int
	// ServiceCode is the procedure or public service the lookup serves
	// (MaDVC).
	ServiceCode string
	// OfficerCode is the officer asking (MaCanBo); empty for a citizen's own
	// lookup on the portal.
	OfficerCode string
	// RequestID identifies this lookup for the platform's log and ours
	// (MaYeuCau).
	RequestID string
}

// CodeQueryInvalid is the code of the error Check returns.
const CodeQueryInvalid = "population_query_invalid"

// Check returns an apperr.Invalid error listing every field that makes the
// query unfit to send, or nil. A query without a purpose (service code) or
// a request id is refused: lookups are never made "just to see".
func (q Query) Check() error {
	return q.check(time.Now())
}

func (q Query) check(now time.Time) error {
	var fields []apperr.Field
	add := func(name, code, vi, en string) {
		fields = append(fields, apperr.Field{Name: name, Code: code, Message: vi, MessageEN: en})
	}
	if err := vn.CheckIDNumber(q.IDNumber, now); err != nil {
		code := vn.ErrorCode(err)
		add("id_number", code, vn.Message(code, "vi"), vn.Message(code, "en"))
	}
	switch name := strings.TrimSpace(q.FullName); {
	case name == "":
		add("full_name", "required", "Chưa nhập họ và tên.", "The full name is missing.")
	case !apperr.TextOK(name) || vn.Fold(name) == "":
		add("full_name", "bad_text", "Họ và tên chứa ký tự không hợp lệ.", "The full name holds invalid characters.")
	}
	if q.BirthYear != 0 && (q.BirthYear < 1900 || q.BirthYear > now.Year()) {
		add("birth_year", "birth_year", "Năm sinh không hợp lệ.", "The birth year is not valid.")
	}
	if strings.TrimSpace(q.ServiceCode) == "" {
		add("service_code", "required",
			"Chưa có mục đích tra cứu (mã dịch vụ công): không được tra cứu dữ liệu dân cư khi không có mục đích.",
			"The purpose of the lookup (service code) is missing: population data is never looked up without a purpose.")
	}
	if strings.TrimSpace(q.RequestID) == "" {
		add("request_id", "required", "Chưa có mã yêu cầu tra cứu.", "The lookup request id is missing.")
	}
	for _, f := range []struct{ name, v string }{
		{"service_code", q.ServiceCode}, {"officer_code", q.OfficerCode}, {"request_id", q.RequestID},
	} {
		if !apperr.TextOK(f.v) {
			add(f.name, "bad_text", "Giá trị chứa ký tự không hợp lệ.", "The value holds invalid characters.")
		}
	}
	if len(fields) == 0 {
		return nil
	}
	e := apperr.New(apperr.Invalid, CodeQueryInvalid,
		"Yêu cầu tra cứu cơ sở dữ liệu quốc gia về dân cư chưa hợp lệ.",
		"The population database lookup is not valid.")
	e.Fields = fields
	return e
}

// platformName returns the name as the platform matches it: upper case,
// without diacritics, single spaces ("Nguyễn Thị Đào" → "NGUYEN THI DAO").
func platformName(s string) string {
	return strings.ToUpper(vn.Fold(s))
}
