package calendar

import (
	"testing"
	"time"
)

func ymd(s string) (int, time.Month, int) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		panic(err)
	}
	return t.Date()
}

// How the expected dates were checked: the Tết dates are those printed on
// Vietnamese calendars (1985-01-21, 2007-02-17 and 2030-02-02 differ from
// the Chinese calendar; 1968-01-29 is the northern Tết of the Tet
// Offensive, a day before the south's UTC+8 one) and each modern one was
// confirmed against the UTC time of the new moon in published moon-phase
// tables shifted by 7 h, e.g. 2007-02-17 16:14 UTC =
// 23:14 on the 17th in UTC+7 but 00:14 on the 18th in UTC+8; 2030-02-02
// 16:07 UTC likewise; 2026-02-17 12:01 UTC is the annular eclipse.
// During development every month start 1900–2100 was also compared with an
// independent VSOP87/ELP-based ephemeris: all agree except 1938 and 1967,
// where a term or new moon falls within seconds of midnight (and Vietnam
// still used the Chinese UTC+8 calendar).
func TestTet(t *testing.T) {
	tests := []struct {
		year int
		want string
	}{
		{1968, "1968-01-29"},
		{1985, "1985-01-21"}, // China: 1985-02-20 (leap 10th month in 1984)
		{2000, "2000-02-05"},
		{2001, "2001-01-24"},
		{2004, "2004-01-22"},
		{2007, "2007-02-17"}, // not 18: UTC+7
		{2010, "2010-02-14"},
		{2015, "2015-02-19"},
		{2017, "2017-01-28"},
		{2018, "2018-02-16"},
		{2019, "2019-02-05"},
		{2020, "2020-01-25"},
		{2021, "2021-02-12"},
		{2022, "2022-02-01"},
		{2023, "2023-01-22"},
		{2024, "2024-02-10"},
		{2025, "2025-01-29"},
		{2026, "2026-02-17"},
		{2027, "2027-02-06"},
		{2030, "2030-02-02"}, // not 3: UTC+7
		{2033, "2033-01-31"}, // the year of the "2033 problem": leap 11th month
		{2034, "2034-02-19"},
	}
	for _, tt := range tests {
		got, err := LunarToSolar(LunarDate{Year: tt.year, Month: 1, Day: 1})
		if err != nil {
			t.Fatalf("%d: %v", tt.year, err)
		}
		if s := got.Format(dateLayout); s != tt.want {
			t.Errorf("Tết %d = %s, want %s", tt.year, s, tt.want)
		}
		if _, off := got.Zone(); off != 7*3600 || got.Hour() != 0 {
			t.Errorf("Tết %d = %v, want 00:00 UTC+7", tt.year, got)
		}
		y, m, d := ymd(tt.want)
		if ld := SolarToLunar(y, m, d); ld != (LunarDate{Year: tt.year, Month: 1, Day: 1}) {
			t.Errorf("SolarToLunar(%s) = %v, want 1/1/%d", tt.want, ld, tt.year)
		}
	}
}

func TestSolarToLunar(t *testing.T) {
	// Checked by counting from the month starts of TestTet / TestLeapMonths
	// and the new moons of published phase tables (UTC+7).
	tests := []struct {
		date string
		want LunarDate
	}{
		{"2007-02-16", LunarDate{2006, 12, 29, false}}, // eve of Tết 2007 (UTC+7)
		{"2025-01-28", LunarDate{2024, 12, 29, false}}, // month 12 of 2024 has 29 days
		{"2024-02-09", LunarDate{2023, 12, 30, false}}, // 30 Tết
		{"2023-03-21", LunarDate{2023, 2, 30, false}},  // last day of month 2
		{"2023-03-22", LunarDate{2023, 2, 1, true}},    // leap month 2 begins
		{"2023-04-20", LunarDate{2023, 3, 1, false}},   // new moon 2023-04-20 04:13 UTC (hybrid eclipse)
		{"2020-05-23", LunarDate{2020, 4, 1, true}},    // leap month 4
		{"2020-06-21", LunarDate{2020, 5, 1, false}},   // new moon 2020-06-21 06:41 UTC (annular eclipse)
		{"2025-07-25", LunarDate{2025, 6, 1, true}},    // leap month 6
		{"2025-10-06", LunarDate{2025, 8, 15, false}},  // Mid-Autumn 2025
		{"2033-12-22", LunarDate{2033, 11, 1, true}},   // leap month 11
		{"2034-01-20", LunarDate{2033, 12, 1, false}},  // month 12 after leap 11
		{"2024-04-18", LunarDate{2024, 3, 10, false}},  // Hùng Kings' day 2024
		{"2025-04-07", LunarDate{2025, 3, 10, false}},  // Hùng Kings' day 2025
		{"2026-04-26", LunarDate{2026, 3, 10, false}},  // Hùng Kings' day 2026
		{"2000-01-07", LunarDate{1999, 12, 1, false}},  // new moon k=0: 2000-01-06 18:14 UTC
		{"1999-12-31", LunarDate{1999, 11, 24, false}}, // month 11 began 1999-12-08
	}
	for _, tt := range tests {
		y, m, d := ymd(tt.date)
		if got := SolarToLunar(y, m, d); got != tt.want {
			t.Errorf("SolarToLunar(%s) = %v, want %v", tt.date, got, tt.want)
		}
	}
}

func TestSolarToLunarNormalises(t *testing.T) {
	// 30 February 2025 is 2 March, as for time.Date.
	if a, b := SolarToLunar(2025, time.February, 30), SolarToLunar(2025, time.March, 2); a != b {
		t.Errorf("SolarToLunar(2025-02-30) = %v, want %v", a, b)
	}
}

func TestLeapMonths(t *testing.T) {
	// Leap months printed in Vietnamese calendars (e.g. 2020 "tháng 4
	// nhuận", 2023 "tháng 2 nhuận", 2025 "tháng 6 nhuận"); 1985 is the year
	// Vietnam's leap month differs from China's 1984 leap 10th month; 2033
	// has the leap 11th month of the "2033 problem". 0 = no leap month.
	tests := map[int]int{
		1984: 0, 1985: 2, 2001: 4, 2004: 2, 2006: 7, 2009: 5, 2012: 4, 2014: 9,
		2017: 6, 2020: 4, 2021: 0, 2022: 0, 2023: 2, 2024: 0, 2025: 6, 2026: 0,
		2028: 5, 2031: 3, 2033: 11, 2034: 0,
	}
	for y, want := range tests {
		if got := LeapMonth(y); got != want {
			t.Errorf("LeapMonth(%d) = %d, want %d", y, got, want)
		}
	}
}

func TestLunarToSolarLeap(t *testing.T) {
	tests := []struct {
		in   LunarDate
		want string
	}{
		{LunarDate{2023, 2, 1, false}, "2023-02-20"},
		{LunarDate{2023, 2, 1, true}, "2023-03-22"},
		{LunarDate{2020, 4, 1, true}, "2020-05-23"},
		{LunarDate{2025, 6, 1, false}, "2025-06-25"},
		{LunarDate{2025, 6, 1, true}, "2025-07-25"},
		{LunarDate{2025, 7, 1, false}, "2025-08-23"},
		{LunarDate{2033, 11, 1, false}, "2033-11-22"},
		{LunarDate{2033, 11, 1, true}, "2033-12-22"},
		{LunarDate{2033, 12, 1, false}, "2034-01-20"},
	}
	for _, tt := range tests {
		got, err := LunarToSolar(tt.in)
		if err != nil {
			t.Errorf("LunarToSolar(%v): %v", tt.in, err)
			continue
		}
		if s := got.Format(dateLayout); s != tt.want {
			t.Errorf("LunarToSolar(%v) = %s, want %s", tt.in, s, tt.want)
		}
	}
}

func TestLunarToSolarErrors(t *testing.T) {
	for _, ld := range []LunarDate{
		{2024, 1, 1, true},    // 2024 has no leap month
		{2023, 3, 1, true},    // 2023's leap month is 2, not 3
		{2025, 0, 1, false},   // month out of range
		{2025, 13, 1, false},  // month out of range
		{2025, 1, 0, false},   // day out of range
		{2025, 1, 31, false},  // day out of range
		{2024, 12, 30, false}, // month 12 of 2024 has 29 days (2025-01-28 is 29/12)
	} {
		if got, err := LunarToSolar(ld); err == nil {
			t.Errorf("LunarToSolar(%v) = %v, want error", ld, got)
		}
	}
}

// TestRoundTrip walks every day 1900–2100: converting there and back is the
// identity, lunar days advance by one or restart at 1 after day 29 or 30, and
// months follow each other in order (a leap month repeats its predecessor).
func TestRoundTrip(t *testing.T) {
	first, last := jdn(1900, time.January, 1), jdn(2100, time.December, 31)
	prev := SolarToLunar(1899, time.December, 31)
	for d := first; d <= last; d++ {
		y, m, dd := jdnDate(d)
		ld := SolarToLunar(y, m, dd)
		back, err := LunarToSolar(ld)
		if err != nil {
			t.Fatalf("%04d-%02d-%02d → %v: %v", y, m, dd, ld, err)
		}
		if by, bm, bd := back.Date(); by != y || bm != m || bd != dd {
			t.Fatalf("%04d-%02d-%02d → %v → %v", y, m, dd, ld, back)
		}
		if ld.Day == 1 {
			if prev.Day != 29 && prev.Day != 30 {
				t.Fatalf("%v follows %v: month of %d days", ld, prev, prev.Day)
			}
			wantMonth, wantYear := prev.Month+1, prev.Year
			if ld.Leap {
				wantMonth = prev.Month
			} else if wantMonth == 13 {
				wantMonth, wantYear = 1, prev.Year+1
			}
			if ld.Month != wantMonth || ld.Year != wantYear || (ld.Leap && prev.Leap) {
				t.Fatalf("%v follows %v", ld, prev)
			}
		} else if ld.Day != prev.Day+1 || ld.Month != prev.Month || ld.Year != prev.Year || ld.Leap != prev.Leap {
			t.Fatalf("%v follows %v", ld, prev)
		}
		prev = ld
	}
}

func TestLunarDateString(t *testing.T) {
	if s := (LunarDate{2025, 6, 1, true}).String(); s != "1/6n/2025" {
		t.Errorf("String() = %q", s)
	}
	if s := (LunarDate{2025, 3, 10, false}).String(); s != "10/3/2025" {
		t.Errorf("String() = %q", s)
	}
}
