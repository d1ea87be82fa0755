package account

import (
	"strings"
	"sync"

	"github.com/trustelem/zxcvbn/frequency"

	"github.com/motcua/motcua/internal/apperr"
)

// localCommon are passwords common in Vietnam that the English-centred list
// lacks (checked lower-cased, like the list).
var localCommon = []string{
	"anhyeuem123", "emyeuanh123", "matkhau123", "matkhaumoi", "1234567890a", "0123456789",
	"a123456789", "abc1234567", "vietnam123", "hanoi12345", "saigon1234", "motcua1234",
	"iloveyou12", "qwertyuiop", "1234567890", "zxcvbnm123", "abcd123456", "aa12345678",
}

var (
	commonOnce sync.Once
	common     map[string]struct{}
)

// commonPasswords is the set of well-known passwords (zxcvbn's frequency
// list of 30,000 leaked passwords, plus localCommon), built on first use.
func commonPasswords() map[string]struct{} {
	commonOnce.Do(func() {
		list := frequency.FrequencyLists["passwords"]
		common = make(map[string]struct{}, len(list)/4+len(localCommon))
		for _, p := range list {
			// Shorter ones are refused by the length rule anyway.
			if len([]rune(p)) >= MinPasswordLength {
				common[p] = struct{}{}
			}
		}
		for _, p := range localCommon {
			common[p] = struct{}{}
		}
	})
	return common
}

// IsCommonPassword reports whether pw is a well-known password (case is
// ignored, as guessers ignore it).
func IsCommonPassword(pw string) bool {
	_, ok := commonPasswords()[strings.ToLower(pw)]
	return ok
}

// CheckPassword applies the password policy: 10 to 128 characters, not a
// well-known password, not the username. The error is an apperr.Invalid
// naming field.
func CheckPassword(field, pw, username string) error {
	f := func(code, vi, en string) error {
		e := apperr.New(apperr.Invalid, "password_invalid", "Mật khẩu chưa đạt yêu cầu.", "The password does not meet the rules.")
		e.Fields = []apperr.Field{{Name: field, Code: code, Message: vi, MessageEN: en}}
		return e
	}
	switch n := len([]rune(pw)); {
	case n < MinPasswordLength || n > MaxPasswordLength:
		return f("password_length", "Mật khẩu phải có từ 10 đến 128 ký tự.", "The password must have 10 to 128 characters.")
	case IsCommonPassword(pw):
		return f("password_common", "Mật khẩu này quá phổ biến, dễ bị đoán. Vui lòng chọn mật khẩu khác.",
			"This password is too common and easily guessed. Choose another one.")
	case username != "" && strings.Contains(strings.ToLower(pw), strings.ToLower(username)):
		return f("password_username", "Mật khẩu không được chứa tên đăng nhập hoặc số định danh.",
			"The password must not contain the username or ID number.")
	}
	return nil
}
