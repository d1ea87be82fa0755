package account

import (
	"strings"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/vn"
)

// Registration is what a citizen gives to open an account, through API v1
// or the portal's form.
type Registration struct {
	IDNumber string `json:"id_number"`
	FullName string `json:"full_name"`
	Phone    string `json:"phone"`
	Email    string `json:"email"`
	Password string `json:"password"`
}

// CheckRegistration normalises a registration in place (trimmed ID number,
// NFC name with single spaces, normalised phone) and validates it: the
// error is an apperr.Invalid with one Field per invalid input.
func CheckRegistration(in *Registration, now time.Time) error {
	e := apperr.New(apperr.Invalid, "registration_invalid", "Thông tin đăng ký chưa hợp lệ.", "The registration details are invalid.")
	add := func(field, code, vi, en string) {
		e.Fields = append(e.Fields, apperr.Field{Name: field, Code: code, Message: vi, MessageEN: en})
	}
	in.IDNumber = strings.TrimSpace(in.IDNumber)
	in.FullName = strings.Join(strings.Fields(vn.NFC(in.FullName)), " ")
	in.Email = strings.TrimSpace(in.Email)
	if err := vn.CheckIDNumber(in.IDNumber, now); err != nil {
		c := vn.ErrorCode(err)
		add("id_number", c, vn.Message(c, "vi"), vn.Message(c, "en"))
	}
	if in.FullName == "" || len([]rune(in.FullName)) > 200 {
		add("full_name", "name_required", "Vui lòng nhập họ và tên.", "Enter your full name.")
	}
	if err := vn.CheckPhone(in.Phone); err != nil {
		add("phone", "phone_invalid", vn.Message("phone_invalid", "vi"), vn.Message("phone_invalid", "en"))
	} else {
		in.Phone = vn.NormalizePhone(in.Phone)
	}
	if in.Email != "" {
		if err := vn.CheckEmail(in.Email); err != nil {
			add("email", "email_invalid", vn.Message("email_invalid", "vi"), vn.Message("email_invalid", "en"))
		}
	}
	if err := CheckPassword("password", in.Password, in.IDNumber); err != nil {
		pe, _ := apperr.As(err)
		e.Fields = append(e.Fields, pe.Fields...)
	}
	if len(e.Fields) > 0 {
		return e
	}
	return nil
}
