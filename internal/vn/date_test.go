package vn

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	hcm, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, hcm) }
	tests := []struct {
		name, in string
		want     time.Time // zero: refused
	}{
		{"dd/mm/yyyy", "05/12/2026", day(2026, 12, 5)},
		{"d/m/yyyy", "5/12/2026", day(2026, 12, 5)},
		{"d/m/yyyy, one-digit month", "5/2/2026", day(2026, 2, 5)},
		{"white space around", "  05/12/2026\t", day(2026, 12, 5)},
		{"dots", "05.12.2026", day(2026, 12, 5)},
		{"dashes, day first", "05-12-2026", day(2026, 12, 5)},
		{"yyyy-mm-dd", "2026-12-05", day(2026, 12, 5)},
		{"yyyy-m-d", "2026-12-5", day(2026, 12, 5)},
		{"eight digits are ddmmyyyy", "05122026", day(2026, 12, 5)},
		{"29 February of a leap year", "29/02/2024", day(2024, 2, 29)},
		{"end of year", "31/12/1999", day(1999, 12, 31)},

		{"empty", "", time.Time{}},
		{"blank", "   ", time.Time{}},
		{"US order is not guessed", "12/31/2026", time.Time{}},
		{"31 February", "31/02/2026", time.Time{}},
		{"29 February of a common year", "29/02/2025", time.Time{}},
		{"day 0", "00/12/2026", time.Time{}},
		{"month 13", "05/13/2026", time.Time{}},
		{"two-digit year", "05/12/26", time.Time{}},
		{"three-digit year", "05/12/026", time.Time{}},
		{"year below 1000", "05/12/0999", time.Time{}},
		{"mixed separators", "05/12-2026", time.Time{}},
		{"yyyy/mm/dd", "2026/12/05", time.Time{}},
		{"three-digit day", "005/12/2026", time.Time{}},
		{"four parts", "05/12/2026/1", time.Time{}},
		{"letters", "05/dec/2026", time.Time{}},
		{"words", "next week", time.Time{}},
		{"seven digits", "5122026", time.Time{}},
		{"nine digits", "051220261", time.Time{}},
		{"full-width digits", "０５/12/2026", time.Time{}},
		{"sign", "+5/12/2026", time.Time{}},
		{"time attached", "2026-12-05T10:00:00Z", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDate(tt.in, hcm)
			if tt.want.IsZero() {
				if err == nil || ErrorCode(err) != CodeDateInvalid {
					t.Fatalf("ParseDate(%q) = %v, %v; want a %s error", tt.in, got, err, CodeDateInvalid)
				}
				return
			}
			if err != nil || !got.Equal(tt.want) || got.Location() != hcm {
				t.Fatalf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
	if got, err := ParseDate("05/12/2026", nil); err != nil || !got.Equal(time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("ParseDate with a nil location = %v, %v; want midnight UTC", got, err)
	}
	msg := Message(CodeDateInvalid, "vi")
	if !strings.Contains(msg, "ngày/tháng/năm") || !strings.Contains(Message(CodeDateInvalid, "en"), "day/month/year") {
		t.Errorf("the date message does not say how to write a date: %q", msg)
	}
}

// TestDatePattern: the pattern attribute a browser checks lets through
// every shape ParseDate accepts, so that no valid date is blocked before
// it reaches the server.
func TestDatePattern(t *testing.T) {
	re := regexp.MustCompile(`^(?:` + DatePattern + `)$`)
	for _, s := range []string{"05/12/2026", "5/2/2026", "5.12.2026", "05-12-2026", "2026-12-05", "05122026", " 05/12/2026 "} {
		if _, err := ParseDate(s, nil); err != nil {
			t.Fatalf("ParseDate(%q): %v", s, err)
		}
		if !re.MatchString(s) {
			t.Errorf("DatePattern does not match %q", s)
		}
	}
	for _, s := range []string{"next week", "05/12/26", "12/31"} {
		if re.MatchString(s) {
			t.Errorf("DatePattern matches %q", s)
		}
	}
}

func TestDisplayDate(t *testing.T) {
	for in, want := range map[string]string{
		"2026-12-05": "05/12/2026", "05/12/2026": "05/12/2026", "": "", "2026-02-31": "2026-02-31", "abc": "abc",
	} {
		if got := DisplayDate(in); got != want {
			t.Errorf("DisplayDate(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzParseDate: the date parser never panics; a date it accepts is
// midnight in the location asked for, with a four-digit year, and reads
// back the same from its dd/mm/yyyy and yyyy-mm-dd forms.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{
		"05/12/2026", "5/12/2026", "2026-12-05", "05122026", "31/02/2026", "29/02/2024", "05.12.2026", "05-12-2026",
		"", " ", "/", "//", "--", "1/1/1000", "99/99/9999", "2026-12-05T00:00:00Z", "\xff/\xfe/2026", "٠٥/١٢/٢٠٢٦",
	} {
		f.Add(s)
	}
	loc := time.FixedZone("ICT", 7*3600)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseDate(s, loc)
		if err != nil {
			if ErrorCode(err) != CodeDateInvalid {
				t.Fatalf("ParseDate(%q): error %v, want code %s", s, err, CodeDateInvalid)
			}
			return
		}
		if got.Location() != loc || got.Hour() != 0 || got.Minute() != 0 || got.Second() != 0 || got.Nanosecond() != 0 {
			t.Fatalf("ParseDate(%q) = %v, not midnight in %v", s, got, loc)
		}
		if got.Year() < 1000 || got.Year() > 9999 {
			t.Fatalf("ParseDate(%q) = %v: year out of range", s, got)
		}
		for _, again := range []string{FormatDate(got), got.Format(time.DateOnly)} {
			back, err := ParseDate(again, loc)
			if err != nil || !back.Equal(got) {
				t.Fatalf("ParseDate(%q) = %v, but %q reads back as %v, %v", s, got, again, back, err)
			}
		}
	})
}
