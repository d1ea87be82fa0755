package calendar

import (
	"reflect"
	"testing"
	"time"
)

func TestHolidays2025(t *testing.T) {
	// Checked by hand: Tết 2025 is Wed 29/1; lunar month 12 of 2024 began on
	// 31/12/2024 (new moon 30/12 22:27 UTC) and so has 29 days: the last day
	// of the year is Tue 28/1 = 29/12. Tết days 28/1–1/2; 1/2 is a Saturday,
	// so Monday 3/2 is compensatory. Lunar month 3 began 29/3 (the partial
	// solar eclipse of 29/3/2025), so 10/3 is Monday 7/4. 30/4 Wed, 1/5 Thu.
	// 2/9 is a Tuesday: the adjacent day is Monday 1/9, as announced.
	want := []Day{
		{"2025-01-01", "Tết Dương lịch (1/1)", "New Year's Day (1 January)", DayHoliday, false},
		{"2025-01-28", "Tết Nguyên Đán (29/12 âm lịch)", "Lunar New Year (Tết), lunar 29/12", DayHoliday, false},
		{"2025-01-29", "Tết Nguyên Đán (1/1 âm lịch)", "Lunar New Year (Tết), lunar 1/1", DayHoliday, false},
		{"2025-01-30", "Tết Nguyên Đán (2/1 âm lịch)", "Lunar New Year (Tết), lunar 2/1", DayHoliday, false},
		{"2025-01-31", "Tết Nguyên Đán (3/1 âm lịch)", "Lunar New Year (Tết), lunar 3/1", DayHoliday, false},
		{"2025-02-01", "Tết Nguyên Đán (4/1 âm lịch)", "Lunar New Year (Tết), lunar 4/1", DayHoliday, false},
		{"2025-02-03", "Nghỉ bù Tết Nguyên Đán (4/1 âm lịch)", "Compensatory day off for Lunar New Year (Tết), lunar 4/1", DayCompensatory, false},
		{"2025-04-07", "Giỗ Tổ Hùng Vương (10/3 âm lịch)", "Hùng Kings' Commemoration Day (lunar 10/3)", DayHoliday, false},
		{"2025-04-30", "Ngày Chiến thắng (30/4)", "Reunification Day (30 April)", DayHoliday, false},
		{"2025-05-01", "Ngày Quốc tế Lao động (1/5)", "International Labour Day (1 May)", DayHoliday, false},
		{"2025-09-01", "Quốc khánh (1/9, ngày liền kề)", "National Day (1 September, adjacent day)", DayHoliday, false},
		{"2025-09-02", "Quốc khánh (2/9)", "National Day (2 September)", DayHoliday, false},
	}
	if got := ruleHolidays(2025, nil); !reflect.DeepEqual(got, want) {
		t.Errorf("ruleHolidays(2025) =\n%v\nwant\n%v", got, want)
	}
}

func TestHolidays2026(t *testing.T) {
	// Checked by hand: Tết 2026 is Tue 17/2 (annular eclipse, new moon 12:01
	// UTC); 14/2 is 27/12 (Ministry of Home Affairs proposal "27 tháng Chạp
	// to mùng 6") so 16/2 is 29/12, the last day. Tết days Mon 16/2–Fri 20/2,
	// no weekend, no compensatory day. Lunar month 3 began 17/4, so 10/3 is
	// Sunday 26/4 and Monday 27/4 is compensatory (as announced). 30/4 Thu,
	// 1/5 Fri. 2/9 is a Wednesday: adjacent day 1/9 (as proposed for 2026).
	want := []Day{
		{"2026-01-01", "Tết Dương lịch (1/1)", "New Year's Day (1 January)", DayHoliday, false},
		{"2026-02-16", "Tết Nguyên Đán (29/12 âm lịch)", "Lunar New Year (Tết), lunar 29/12", DayHoliday, false},
		{"2026-02-17", "Tết Nguyên Đán (1/1 âm lịch)", "Lunar New Year (Tết), lunar 1/1", DayHoliday, false},
		{"2026-02-18", "Tết Nguyên Đán (2/1 âm lịch)", "Lunar New Year (Tết), lunar 2/1", DayHoliday, false},
		{"2026-02-19", "Tết Nguyên Đán (3/1 âm lịch)", "Lunar New Year (Tết), lunar 3/1", DayHoliday, false},
		{"2026-02-20", "Tết Nguyên Đán (4/1 âm lịch)", "Lunar New Year (Tết), lunar 4/1", DayHoliday, false},
		{"2026-04-26", "Giỗ Tổ Hùng Vương (10/3 âm lịch)", "Hùng Kings' Commemoration Day (lunar 10/3)", DayHoliday, false},
		{"2026-04-27", "Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch)", "Compensatory day off for Hùng Kings' Commemoration Day (lunar 10/3)", DayCompensatory, false},
		{"2026-04-30", "Ngày Chiến thắng (30/4)", "Reunification Day (30 April)", DayHoliday, false},
		{"2026-05-01", "Ngày Quốc tế Lao động (1/5)", "International Labour Day (1 May)", DayHoliday, false},
		{"2026-09-01", "Quốc khánh (1/9, ngày liền kề)", "National Day (1 September, adjacent day)", DayHoliday, false},
		{"2026-09-02", "Quốc khánh (2/9)", "National Day (2 September)", DayHoliday, false},
	}
	if got := ruleHolidays(2026, nil); !reflect.DeepEqual(got, want) {
		t.Errorf("ruleHolidays(2026) =\n%v\nwant\n%v", got, want)
	}
}

// dayKinds returns the holidays of a year by the rule alone (without the
// announced Tết) as date → kind.
func dayKinds(year int) map[string]DayKind {
	m := map[string]DayKind{}
	for _, d := range ruleHolidays(year, nil) {
		m[d.Date] = d.Kind
	}
	return m
}

func TestCompensatoryDays(t *testing.T) {
	// Each case checked against the weekday in a printed calendar and, for
	// 2022–2024, the days off the Government announced.
	tests := []struct {
		date string
		want DayKind
		why  string
	}{
		{"2022-01-03", DayCompensatory, "1/1/2022 was a Saturday → Monday 3/1 (announced)"},
		{"2023-01-02", DayCompensatory, "1/1/2023 was a Sunday → Monday 2/1 (announced)"},
		{"2022-04-11", DayCompensatory, "Hùng Kings' day 10/4/2022 was a Sunday → Monday 11/4 (announced)"},
		{"2022-05-02", DayCompensatory, "30/4/2022 Saturday → Monday 2/5 (announced)"},
		{"2022-05-03", DayCompensatory, "1/5/2022 Sunday → Tuesday 3/5 (announced)"},
		{"2023-05-02", DayCompensatory, "Hùng Kings' day 29/4/2023 Saturday → Tuesday 2/5 (1/5 is a holiday; announced)"},
		{"2023-05-03", DayCompensatory, "30/4/2023 Sunday → Wednesday 3/5 (announced)"},
		{"2023-09-04", DayCompensatory, "2/9/2023 Saturday → Monday 4/9 (announced)"},
		{"2023-01-26", DayCompensatory, "Tết 2023: 30/12 on Sat 21/1 → first weekday after Tết, Thu 26/1"},
		{"2023-01-27", DayCompensatory, "Tết 2023: 1/1 on Sun 22/1 → Fri 27/1"},
		{"2024-02-14", DayCompensatory, "Tết 2024: 1/1 on Sat 10/2 → Wed 14/2 (Tết ends Tue 13/2)"},
		{"2024-02-15", DayCompensatory, "Tết 2024: 2/1 on Sun 11/2 → Thu 15/2"},
		{"2018-09-03", DayCompensatory, "2/9/2018 Sunday, Labour Code 2012 → Monday 3/9 (announced)"},
		{"2020-09-02", DayHoliday, "2020: Labour Code 2012, 2/9 only"},
		{"2029-09-03", DayHoliday, "2/9/2029 is a Sunday: adjacent day Monday 3/9"},
		{"2029-09-04", DayCompensatory, "… and the Sunday is made up on Tuesday 4/9"},
	}
	for _, tt := range tests {
		y, _, _ := ymd(tt.date)
		if got := dayKinds(y)[tt.date]; got != tt.want {
			t.Errorf("%s: kind %q, want %q (%s)", tt.date, got, tt.want, tt.why)
		}
	}
}

func TestNationalDayAdjacent(t *testing.T) {
	// The Government's announced schedules: 2021 2–3/9, 2022 1–2/9,
	// 2023 1–2/9, 2024 2–3/9, 2025 1–2/9, 2026 1–2/9 (proposal).
	want := map[int]string{
		2021: "2021-09-03", 2022: "2022-09-01", 2023: "2023-09-01",
		2024: "2024-09-03", 2025: "2025-09-01", 2026: "2026-09-01",
	}
	for y, w := range want {
		if got := jdnString(nationalDayAdjacent(y)); got != w {
			t.Errorf("adjacent day %d = %s, want %s", y, got, w)
		}
		if dayKinds(y)[w] != DayHoliday {
			t.Errorf("Holidays(%d) lacks %s", y, w)
		}
	}
}

func TestHolidayEras(t *testing.T) {
	count := func(year int, kind DayKind) int {
		n := 0
		for _, d := range Holidays(year) {
			if d.Kind == kind {
				n++
			}
		}
		return n
	}
	// Holidays per Labour Code: 2019 → 11, 2012 → 10, 1994/2007 → 9
	// (Tết 4 days), before 2007 → 8 (no Hùng Kings' day).
	for _, tt := range []struct{ year, want int }{
		{2026, 11}, {2021, 11}, {2020, 10}, {2014, 10}, {2013, 9}, {2007, 9}, {2006, 8},
	} {
		if got := count(tt.year, DayHoliday); got != tt.want {
			t.Errorf("%d: %d holidays, want %d", tt.year, got, tt.want)
		}
	}
	// Tết 2013 (Sun 10/2): 4 days, last day Sat 9/2 (30/12) to Tue 12/2.
	k := dayKinds(2013)
	for _, d := range []string{"2013-02-09", "2013-02-10", "2013-02-11", "2013-02-12"} {
		if k[d] != DayHoliday {
			t.Errorf("2013: %s is %q, want holiday", d, k[d])
		}
	}
	if k["2013-02-13"] != DayCompensatory || k["2013-02-14"] != DayCompensatory {
		t.Errorf("2013: want compensatory 13/2 and 14/2 for Sat 9/2 and Sun 10/2, got %v", k)
	}
}

func TestHolidaysInvariants(t *testing.T) {
	for y := 1990; y <= 2100; y++ {
		days := ruleHolidays(y, nil)
		seen := map[string]bool{}
		prev := ""
		for _, d := range days {
			if d.Date <= prev {
				t.Fatalf("%d: not sorted or duplicate at %s", y, d.Date)
			}
			prev = d.Date
			seen[d.Date] = true
			ty, m, dd := ymd(d.Date)
			if ty != y {
				t.Fatalf("%d: %s outside the year", y, d.Date)
			}
			if d.Kind == DayCompensatory && isWeekend(jdn(ty, m, dd)) {
				t.Fatalf("%d: compensatory day %s on a weekend", y, d.Date)
			}
			if d.Reason == "" || d.ReasonEN == "" {
				t.Fatalf("%d: %s without reason", y, d.Date)
			}
		}
		// Every weekend holiday is made up.
		weekendHolidays, comps := 0, 0
		for _, d := range days {
			ty, m, dd := ymd(d.Date)
			if d.Kind == DayHoliday && isWeekend(jdn(ty, m, dd)) {
				weekendHolidays++
			}
			if d.Kind == DayCompensatory {
				comps++
			}
		}
		if comps < weekendHolidays {
			t.Fatalf("%d: %d weekend holidays but %d compensatory days", y, weekendHolidays, comps)
		}
	}
}

func TestHolidaysReturnsCopy(t *testing.T) {
	h := Holidays(2025)
	h[0].Reason = "changed"
	if Holidays(2025)[0].Reason == "changed" {
		t.Error("Holidays shares its cache with callers")
	}
}

func TestWeekday(t *testing.T) {
	for d := jdn(2024, time.January, 1); d < jdn(2024, time.January, 15); d++ {
		y, m, dd := jdnDate(d)
		if got, want := weekday(d), time.Date(y, m, dd, 0, 0, 0, 0, time.UTC).Weekday(); got != want {
			t.Errorf("weekday(%d) = %v, want %v", d, got, want)
		}
	}
}

func TestCoincidingHolidays(t *testing.T) {
	// Hùng Kings' day next falls on 30/4 in 2319 (beyond the range the
	// astronomy is tuned for, but the computation is deterministic): one
	// entry carries both reasons and the second holiday is made up on the
	// next free weekday. 2319 repeats 1919's weekdays (400-year cycle):
	// 30/4 is a Wednesday, 1/5 a Thursday, so Friday 2/5 is compensatory.
	k := dayKinds(2319)
	var merged Day
	for _, d := range Holidays(2319) {
		if d.Date == "2319-04-30" {
			merged = d
		}
	}
	if merged.Reason != "Giỗ Tổ Hùng Vương (10/3 âm lịch); Ngày Chiến thắng (30/4)" || merged.Kind != DayHoliday {
		t.Errorf("2319-04-30 = %+v", merged)
	}
	if k["2319-05-01"] != DayHoliday || k["2319-05-02"] != DayCompensatory {
		t.Errorf("2319: 1/5 %q, 2/5 %q; want holiday, compensatory", k["2319-05-01"], k["2319-05-02"])
	}
}
