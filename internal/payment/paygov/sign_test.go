package paygov

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"
)

// byHand is MaXacThuc computed from the documented concatenation, apart
// from Sign: the fields joined with "|", then "|" and the secret.
func byHand(secret string, fields ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(fields, "|") + "|" + secret))
	return hex.EncodeToString(sum[:])
}

func TestSign(t *testing.T) {
	for _, c := range []struct {
		name   string
		secret string
		fields []string
		want   string // empty: byHand
	}{
		{
			// printf '%s' 'QUERY|1.0.6|HNI-MOTCUA|MC-2026-000123-01|20261205130500|khoa-bi-mat' | sha256sum
			name: "QUERY, fixed vector from sha256sum", secret: "khoa-bi-mat",
			fields: []string{"QUERY", "1.0.6", "HNI-MOTCUA", "MC-2026-000123-01", "20261205130500"},
			want:   "12789772b83e8a69e96153d0e561a99697e8a4b5e477fce6f6b3a887b31eccec",
		},
		{
			// printf '%s' 'CONFIRM|00|HNI-MOTCUA|MC-2026-000123-01|50000|VND|PG123456789|VCB|20261205130500|Lệ phí cấp giấy phép|khoa-bi-mat' | sha256sum
			name: "CONFIRM with Vietnamese text, fixed vector from sha256sum", secret: "khoa-bi-mat",
			fields: []string{"CONFIRM", "00", "HNI-MOTCUA", "MC-2026-000123-01", "50000", "VND", "PG123456789", "VCB", "20261205130500", "Lệ phí cấp giấy phép"},
			want:   "2adba790eeb04e9539ef897b61d5d8930387fd602adb3bd13b99f91730be86d5",
		},
		{
			name: "INIT field order", secret: "s",
			fields: []string{"INIT", "1.0.6", "HNI-MOTCUA", "MC-1", "150000", "PAY", "1", "1", "vi-VN", "VND", "PAYMENT", "Nộp lệ phí hồ sơ", "20261205130500", "203.0.113.7"},
		},
		{
			name: "GET_BILL", secret: "another secret",
			fields: []string{"GET_BILL", "1.0.6", "P", "R", "20260101000000"},
		},
		{
			name: "reply", secret: "s",
			fields: []string{"00", "Đã ghi nhận kết quả giao dịch.", "HNI-MOTCUA", "20261205130500"},
		},
		{name: "empty fields are kept in place", secret: "s", fields: []string{"", "", ""}},
	} {
		t.Run(c.name, func(t *testing.T) {
			want := c.want
			if want == "" {
				want = byHand(c.secret, c.fields...)
			} else if h := byHand(c.secret, c.fields...); h != want {
				t.Fatalf("the fixed vector disagrees with the documented concatenation: %s", h)
			}
			got := Sign(c.secret, c.fields...)
			if got != want {
				t.Errorf("Sign = %s, want %s", got, want)
			}
			if got != strings.ToLower(got) || len(got) != 64 {
				t.Errorf("Sign = %q, want 64 lowercase hex digits", got)
			}
		})
	}
}

func TestVerify(t *testing.T) {
	fields := []string{"QUERY", "1.0.6", "HNI-MOTCUA", "MC-2026-000123-01", "20261205130500"}
	good := byHand("khoa-bi-mat", fields...)
	flipped := "0" + good[1:]
	if good[0] == '0' {
		flipped = "1" + good[1:]
	}
	for _, c := range []struct {
		name   string
		got    string
		secret string
		fields []string
		want   bool
	}{
		{"good", good, "khoa-bi-mat", fields, true},
		{"upper-case hex", strings.ToUpper(good), "khoa-bi-mat", fields, true},
		{"other secret", good, "khoa-khac", fields, false},
		{"a field changed", good, "khoa-bi-mat", []string{"QUERY", "1.0.6", "HNI-MOTCUA", "MC-2026-000123-02", "20261205130500"}, false},
		// The documented concatenation cannot tell these apart; the platform
		// computes the same string, so neither can it.
		{"fields shifted across the pipe", good, "khoa-bi-mat", []string{"QUERY|1.0.6", "HNI-MOTCUA", "MC-2026-000123-01", "20261205130500"}, true},
		{"a digit changed", flipped, "khoa-bi-mat", fields, false},
		{"truncated", good[:63], "khoa-bi-mat", fields, false},
		{"too long", good + "00", "khoa-bi-mat", fields, false},
		{"not hex", strings.Repeat("z", 64), "khoa-bi-mat", fields, false},
		{"empty", "", "khoa-bi-mat", fields, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Verify(c.got, c.secret, c.fields...); got != c.want {
				t.Errorf("Verify = %v, want %v", got, c.want)
			}
		})
	}
}

func TestFormatTime(t *testing.T) {
	ict := time.FixedZone("ICT", 7*3600)
	for _, c := range []struct {
		name string
		t    time.Time
		want string
	}{
		{"afternoon is 13, not 01", time.Date(2026, 12, 5, 13, 5, 0, 0, ict), "20261205130500"},
		{"from UTC", time.Date(2026, 12, 5, 6, 5, 9, 0, time.UTC), "20261205130509"},
		{"UTC evening is the next day", time.Date(2026, 12, 31, 17, 30, 0, 0, time.UTC), "20270101003000"},
		{"midnight is 00, not 12", time.Date(2026, 12, 5, 0, 0, 0, 0, ict), "20261205000000"},
		{"noon is 12", time.Date(2026, 12, 5, 12, 0, 0, 0, ict), "20261205120000"},
		{"23 o'clock", time.Date(2026, 12, 5, 23, 59, 59, 999, ict), "20261205235959"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := FormatTime(c.t); got != c.want {
				t.Errorf("FormatTime = %s, want %s", got, c.want)
			}
		})
	}
	// The mistake one provincial system made: "hh" writes 13:05 as 01:05.
	afternoon := time.Date(2026, 12, 5, 13, 5, 0, 0, ict)
	if got, mistake := FormatTime(afternoon), afternoon.Format("20060102030405"); got == mistake {
		t.Errorf("FormatTime = %s, the 12-hour form", got)
	}
}

func TestParseTime(t *testing.T) {
	ict := time.FixedZone("ICT", 7*3600)
	for _, c := range []struct {
		in   string
		want time.Time // zero: refused
	}{
		{"20261205130500", time.Date(2026, 12, 5, 13, 5, 0, 0, ict)},
		{"20261205000000", time.Date(2026, 12, 5, 0, 0, 0, 0, ict)},
		{"20240229235959", time.Date(2024, 2, 29, 23, 59, 59, 0, ict)},
		{"20261205010500PM", time.Time{}},
		{"2026120501:05PM", time.Time{}},
		{"2026-12-05 13:05:00", time.Time{}},
		{"20261205 10500", time.Time{}},
		{"20261205240000", time.Time{}},
		{"20261205126000", time.Time{}},
		{"20260229120000", time.Time{}},
		{"202612051305", time.Time{}},
		{"+0261205130500", time.Time{}},
		{"２０２６１２０５１３０５", time.Time{}},
		{"", time.Time{}},
	} {
		t.Run(c.in, func(t *testing.T) {
			got, err := ParseTime(c.in)
			if c.want.IsZero() {
				if err == nil {
					t.Fatalf("ParseTime(%q) = %v, want refused", c.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseTime(%q): %v", c.in, err)
			}
			if !got.Equal(c.want) {
				t.Errorf("ParseTime(%q) = %v, want %v", c.in, got, c.want)
			}
			if _, off := got.Zone(); off != 7*3600 {
				t.Errorf("zone offset %d, want GMT+7", off)
			}
			if back := FormatTime(got); back != c.in {
				t.Errorf("FormatTime(ParseTime(%q)) = %s", c.in, back)
			}
		})
	}
}
