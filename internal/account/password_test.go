package account

import (
	"testing"

	"github.com/motcua/motcua/internal/apperr"
)

func TestCheckPassword(t *testing.T) {
	for _, tc := range []struct {
		pw, user, code string
	}{
		{"mat-khau-dai-du", "001090001234", ""},
		{"ngan-qua", "", "password_length"},
		{string(make([]rune, 129)), "", "password_length"},
		{"mậtkhẩuvớt", "", ""}, // 10 runes, more bytes
		{"1234567890", "", "password_common"},
		{"QwertyUiop", "", "password_common"}, // case does not help
		{"password123", "", "password_common"},
		{"anhyeuem123", "", "password_common"},
		{"x001090001234", "001090001234", "password_username"},
	} {
		err := CheckPassword("password", tc.pw, tc.user)
		got := ""
		if e, ok := apperr.As(err); ok {
			got = e.Fields[0].Code
			if e.Fields[0].Name != "password" || e.Fields[0].Message == "" || e.Fields[0].MessageEN == "" {
				t.Errorf("%q: field %+v", tc.pw, e.Fields[0])
			}
		}
		if got != tc.code {
			t.Errorf("%q: %q, want %q", tc.pw, got, tc.code)
		}
	}
}
