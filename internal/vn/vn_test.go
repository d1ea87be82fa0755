package vn

import (
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Đăng ký kết hôn", "dang ky ket hon"},
		{"ĐĂNG KÝ", "dang ky"},
		{"  Phường   Hàng\tTrống \n", "phuong hang trong"},
		{norm.NFD.String("Nguyễn Thị Ánh Tuyết"), "nguyen thi anh tuyet"},
		{"ÐÔNG ANH", "dong anh"}, // U+00D0 look-alike of Đ
		{"Sở Lao động - Thương binh và Xã hội", "so lao dong - thuong binh va xa hoi"},
		{"Hòa Bình / Hoà Bình", "hoa binh / hoa binh"},
		{"", ""},
		{"   ", ""},
		{"abc 123", "abc 123"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNFC(t *testing.T) {
	tests := []struct{ in, want string }{
		{norm.NFD.String("Hà Nội"), "Hà Nội"},
		{"Hà Nội", "Hà Nội"},
		{"e\u0302\u0301", "ế"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := NFC(tt.in); got != tt.want {
			t.Errorf("NFC(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestProvinceCodes(t *testing.T) {
	codes := ProvinceCodes()
	if len(codes) != 63 {
		t.Fatalf("got %d province codes, want 63", len(codes))
	}
	if codes[0] != "001" || codes[62] != "096" {
		t.Errorf("first/last = %s/%s, want 001/096", codes[0], codes[62])
	}
	for _, c := range codes {
		if len(c) != 3 || !allDigits(c) {
			t.Errorf("bad code %q", c)
		}
		if n := provinces[c]; n == "" || n != NFC(n) {
			t.Errorf("code %s: name %q empty or not NFC", c, n)
		}
	}
	// Codes that do not exist although they fall inside the range.
	for _, c := range []string{"000", "003", "005", "013", "028", "047", "081", "090", "097", "099"} {
		if _, ok := provinces[c]; ok {
			t.Errorf("code %s must not be a province", c)
		}
	}
}

func TestCheckIDNumber(t *testing.T) {
	now := time.Date(2025, 7, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name, id, code string
	}{
		{"hanoi man 1990", "001090123456", ""},
		{"hcm woman 1985", "079185000001", ""},
		{"danang boy 2010", "048210000001", ""},
		{"girl born this year", "001325000001", ""},
		{"spaces trimmed", "  001090123456 ", ""},
		{"born next year", "001226000001", CodeIDFutureYear},
		{"22nd century", "001400000001", CodeIDFutureYear},
		{"unknown province 003", "003090123456", CodeIDProvince},
		{"unknown province 000", "000090123456", CodeIDProvince},
		{"unknown province 097", "097090123456", CodeIDProvince},
		{"old 9-digit number", "012345678", CodeIDLength},
		{"13 digits", "0010901234567", CodeIDLength},
		{"empty", "", CodeIDLength},
		{"letter", "00109012345A", CodeIDDigits},
		{"inner space", "001 090 123456", CodeIDDigits},
		{"full-width digit", "００1090123456", CodeIDDigits},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckIDNumber(tt.id, now)
			if got := ErrorCode(err); got != tt.code {
				t.Fatalf("CheckIDNumber(%q) = %v, want code %q", tt.id, err, tt.code)
			}
			if tt.code != "" {
				var e *IDError
				if !errors.As(err, &e) {
					t.Fatalf("error %T is not *IDError", err)
				}
			}
		})
	}
}

func TestIDParts(t *testing.T) {
	tests := []struct {
		id       string
		year     int
		sex      string
		province string
	}{
		{"001090123456", 1990, "male", "Hà Nội"},
		{"001190123456", 1990, "female", "Hà Nội"},
		{"031205000001", 2005, "male", "Hải Phòng"},
		{"096399000001", 2099, "female", "Cà Mau"},
		{"048400000001", 2100, "male", "Đà Nẵng"},
		{"079700000001", 2200, "female", "Hồ Chí Minh"},
		{"001999000001", 2399, "female", "Hà Nội"},
		{"003090123456", 1990, "male", ""},
		{"12345", 0, "", ""},
		{"", 0, "", ""},
	}
	for _, tt := range tests {
		if got := IDBirthYear(tt.id); got != tt.year {
			t.Errorf("IDBirthYear(%q) = %d, want %d", tt.id, got, tt.year)
		}
		if got := IDSex(tt.id); got != tt.sex {
			t.Errorf("IDSex(%q) = %q, want %q", tt.id, got, tt.sex)
		}
		if got := IDProvince(tt.id); got != tt.province {
			t.Errorf("IDProvince(%q) = %q, want %q", tt.id, got, tt.province)
		}
	}
}

func TestMessage(t *testing.T) {
	for _, code := range Codes {
		vi, en := Message(code, "vi"), Message(code, "en")
		if vi == "" || en == "" || vi == en {
			t.Errorf("%s: vi %q / en %q", code, vi, en)
		}
		if vi != NFC(vi) {
			t.Errorf("%s: Vietnamese message is not NFC", code)
		}
		if Fold(vi) == vi {
			t.Errorf("%s: Vietnamese message has no diacritics: %q", code, vi)
		}
		if Message(code, "") != vi || Message(code, "fr") != vi {
			t.Errorf("%s: default language is not Vietnamese", code)
		}
		if Message(code, "en-GB") != en || Message(code, "EN") != en {
			t.Errorf("%s: en variants not English", code)
		}
		if _, ok := messages[code]; !ok {
			t.Errorf("%s: no message", code)
		}
		err := &IDError{Code: code}
		if err.Error() == "" {
			t.Errorf("%s: empty Error()", code)
		}
	}
	if len(messages) != len(Codes) {
		t.Errorf("%d messages for %d codes", len(messages), len(Codes))
	}
	if Message("nope", "vi") == "" || Message("nope", "en") == "" {
		t.Error("unknown code gives empty message")
	}
	if ErrorCode(nil) != "" || ErrorCode(errors.New("x")) != "" {
		t.Error("ErrorCode of a foreign error must be empty")
	}
}

func TestPhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0912345678", "0912345678"},
		{"091 234 5678", "0912345678"},
		{"091.234.5678", "0912345678"},
		{"+84912345678", "0912345678"},
		{"+84 91 234 5678", "0912345678"},
		{"0084912345678", "0912345678"},
		{"84912345678", "0912345678"},
		{"0387654321", "0387654321"},
		{"0567654321", "0567654321"},
		{"0707654321", "0707654321"},
		{"0867654321", "0867654321"},
		{"(024) 3825 3536", "02438253536"},
		{"+84 24 3825 3536", "02438253536"},
		{"0236 3821 111", "02363821111"},
		{"0112345678", ""},  // old 01x prefix gone since 2018
		{"0212345678", ""},  // landlines have 11 digits
		{"091234567", ""},   // 9 digits
		{"09123456789", ""}, // 11-digit mobile
		{"912345678", ""},   // missing 0
		{"1900 1234", ""},   // hotline, not a citizen's number
		{"+1 202 555 0100", ""},
		{"09123a5678", ""},
		{"09+12345678", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := NormalizePhone(tt.in); got != tt.want {
			t.Errorf("NormalizePhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
		err := CheckPhone(tt.in)
		if (err == nil) != (tt.want != "") {
			t.Errorf("CheckPhone(%q) = %v", tt.in, err)
		}
		if err != nil && ErrorCode(err) != CodePhoneInvalid {
			t.Errorf("CheckPhone(%q) code %q", tt.in, ErrorCode(err))
		}
	}
}

func TestCheckEmail(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"ten@example.vn", true},
		{"nguyen.van.a+hs@hanoi.gov.vn", true},
		{"  a@b.com.vn ", true},
		{"", false},
		{"plain", false},
		{"a@b", false},
		{"@b.vn", false},
		{"a@.vn", false},
		{"a@b.vn.", false},
		{"a@b..vn", false},
		{"a b@c.vn", false},
		{"An <a@b.vn>", false},
		{"a@b.vn (comment)", false},
		{"a@@b.vn", false},
		{"a@[127.0.0.1]", false},
	}
	for _, tt := range tests {
		err := CheckEmail(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("CheckEmail(%q) = %v, want ok=%v", tt.in, err, tt.ok)
		}
		if err != nil && ErrorCode(err) != CodeEmailInvalid {
			t.Errorf("CheckEmail(%q) code %q", tt.in, ErrorCode(err))
		}
	}
}

func TestMask(t *testing.T) {
	tests := []struct {
		f        func(string) string
		in, want string
	}{
		{MaskID, "001090123789", "001******789"},
		{MaskID, " 001090123789 ", "001******789"},
		{MaskID, "012345678", "012***678"},
		{MaskID, "123456", "******"},
		{MaskID, "", ""},
		{MaskPhone, "0912345678", "091****678"},
		{MaskPhone, "+84 912 345 678", "091****678"},
		{MaskPhone, "02438253536", "024*****536"},
		{MaskPhone, "12345", "*****"},
		{MaskPhone, "not a phone", "not*****one"},
	}
	for _, tt := range tests {
		if got := tt.f(tt.in); got != tt.want {
			t.Errorf("mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSpellingVariants(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"ky", []string{"ky", "ki"}}, {"ki", []string{"ki", "ky"}}, {"ly", []string{"ly", "li"}},
		{"quy", []string{"quy", "qui"}}, {"my", []string{"my", "mi"}},
		{"kinh", []string{"kinh"}}, {"hai", []string{"hai"}}, {"tuy", []string{"tuy"}}, {"y", []string{"y"}},
	} {
		got := SpellingVariants(tc.in)
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%q: %v, want %v", tc.in, got, tc.want)
		}
	}
}
