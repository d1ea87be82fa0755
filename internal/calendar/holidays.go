package calendar

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

// DayKind says why a day appears in a calendar year.
type DayKind string

// Day kinds.
const (
	// DayHoliday is a public holiday of the Labour Code (listed even when it
	// falls on a weekend).
	DayHoliday DayKind = "holiday"
	// DayCompensatory is the working day taken off because a holiday fell on
	// a weekend or on another holiday.
	DayCompensatory DayKind = "compensatory"
	// DayOff is an extra day off set by an administrator (e.g. a swapped day
	// announced by the Government), or a bridge day of an announced Tết
	// (Day.Announced).
	DayOff DayKind = "off"
	// DayWork is a weekend or holiday made a working day by an administrator
	// or by an announced Tết (the other half of a swap).
	DayWork DayKind = "work"
)

// dateLayout is the layout of Day.Date and Override.Date.
const dateLayout = "2006-01-02"

// Day is one dated entry of a calendar year.
type Day struct {
	Date     string  `json:"date"`      // YYYY-MM-DD
	Reason   string  `json:"reason"`    // Vietnamese, e.g. "Giỗ Tổ Hùng Vương (10/3 âm lịch)"
	ReasonEN string  `json:"reason_en"` // English
	Kind     DayKind `json:"kind"`
	// Announced: the day comes from the Government's announced Tết
	// holiday of its year (see AnnouncedTet), not from the rule alone.
	Announced bool `json:"announced,omitempty"`
}

// Override is an administrator's decision for one date: Kind DayOff makes it
// a day off, Kind DayWork a working day. It wins over every computed rule.
//
// An override made for a unit (UnitID set) applies to that unit and the
// units below it, and wins there over the deployment-wide one.
type Override struct {
	Date   string  `json:"date"` // YYYY-MM-DD
	Kind   DayKind `json:"kind"` // DayOff or DayWork
	Reason string  `json:"reason"`
	// UnitID is the unit the override is made for; 0 for every unit.
	UnitID int64 `json:"-"`
	// Unit and UnitPath are that unit's agency identifier and
	// materialised path, filled when overrides are read.
	Unit     string `json:"unit,omitempty"`
	UnitPath string `json:"-"`
}

// weekday returns the day of the week of a Julian day number.
func weekday(j int) time.Weekday {
	// JDN 0 was a Monday; ((j+1) mod 7) counts from Sunday like time.Weekday.
	return time.Weekday(((j+1)%7 + 7) % 7)
}

func isWeekend(j int) bool {
	wd := weekday(j)
	return wd == time.Saturday || wd == time.Sunday
}

// jdnString formats a Julian day number as YYYY-MM-DD.
func jdnString(j int) string {
	y, m, d := jdnDate(j)
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}

// holidayYear is the computed calendar of one year: the sorted list and an
// index by Julian day number for IsWorkingDay.
type holidayYear struct {
	days  []Day
	index map[int]Day
}

var holidayCache sync.Map // int → *holidayYear

// holidaysFor returns the (cached, shared, read-only) holidays of a year.
func holidaysFor(year int) *holidayYear {
	if v, ok := holidayCache.Load(year); ok {
		return v.(*holidayYear)
	}
	h := &holidayYear{days: computeHolidays(year), index: map[int]Day{}}
	for _, d := range h.days {
		t, _ := time.Parse(dateLayout, d.Date)
		h.index[jdn(t.Date())] = d
	}
	if year >= minCachedSpan && year <= maxCachedSpan {
		holidayCache.Store(year, h)
	}
	return h
}

// Holidays returns the public holidays of a Gregorian year as the Labour
// Code computes them, with the compensatory days they give, sorted by date.
// Holidays falling on a weekend are listed too. For a year whose Tết the
// Government announced (see AnnouncedTet), the announced range wins over
// the rule: its weekdays are days off (the statutory Tết days as holidays,
// the others, which stand for the compensatory and swapped days, as DayOff)
// and its make-up days are working days (DayWork); the Tết days then owe no
// further compensatory day. Other announced swaps are for administrator
// overrides; see Calendar.
//
// Rules by era:
//   - from 2021 (Labour Code 2019, Art. 112): 1/1; Tết 5 days (the last day
//     of the lunar year and lunar 1/1–4/1); Hùng Kings' day (lunar 10/3);
//     30/4; 1/5; 2/9 plus one adjacent day (see nationalDayAdjacent);
//   - 2014–2020 (Labour Code 2012, Art. 115): the same with 2/9 alone;
//   - 2007–2013 (Labour Code 1994 as amended in 2007): Tết 4 days (the last
//     day of the lunar year and lunar 1/1–3/1), 2/9 alone (the 2012 Code took
//     effect on 1/5/2013, after Tết 2013);
//   - before 2007: as 2007–2013 without Hùng Kings' day.
//
// Every holiday on a Saturday or Sunday, and every holiday beyond the first
// on the same date, gives a compensatory day on the next weekday that is
// neither a holiday nor already a compensatory day (Labour Code 2019
// Art. 111(3); 2012 Art. 115(3)).
func Holidays(year int) []Day {
	return append([]Day(nil), holidaysFor(year).days...)
}

// nationalDayAdjacent returns the Julian day number of the day added to
// 2 September (Labour Code 2019). The Government picks it each year; the
// default is the day that best bridges to a weekend, which reproduces the
// announcements of 2021 (Thu → 3/9), 2022 (Fri → 1/9), 2023 (Sat → 1/9),
// 2024 (Mon → 3/9), 2025 (Tue → 1/9) and 2026 (Wed → 1/9):
//   - 2/9 on Thursday: 3/9 (Friday) gives a four-day weekend;
//   - 2/9 on Monday or Sunday: 3/9, since 1/9 is a weekend day anyway;
//   - otherwise 1/9.
func nationalDayAdjacent(year int) int {
	d := jdn(year, time.September, 2)
	switch weekday(d) {
	case time.Thursday, time.Monday, time.Sunday:
		return d + 1
	}
	return d - 1
}

// computeHolidays returns the holidays of a year with its announced Tết,
// if any, applied.
func computeHolidays(year int) []Day {
	n, ok := AnnouncedTet(year)
	if !ok {
		return ruleHolidays(year, nil)
	}
	return ruleHolidays(year, &n)
}

// ruleHolidays computes the holidays of a year by the Labour Code rule,
// with the announced Tết notice (nil: none) winning over it.
func ruleHolidays(year int, notice *TetNotice) []Day {
	type holiday struct {
		day    int
		vi, en string
	}
	var hs []holiday
	add := func(d int, vi, en string) { hs = append(hs, holiday{d, vi, en}) }

	add(jdn(year, time.January, 1), "Tết Dương lịch (1/1)", "New Year's Day (1 January)")

	announced := notice != nil
	var nFirst, nLast int
	var makeUp []int
	if announced {
		var err error
		if nFirst, nLast, makeUp, err = notice.span(); err != nil {
			announced = false // the data is checked by the tests; fall back to the rule
		}
	}
	tetFirst, tetLast := statutoryTet(year)
	tetAt := map[int]bool{}
	for d := tetFirst; d <= tetLast; d++ {
		tetAt[d] = true
		y, m, dd := jdnDate(d)
		ld := SolarToLunar(y, m, dd)
		add(d, fmt.Sprintf("Tết Nguyên Đán (%d/%d âm lịch)", ld.Day, ld.Month),
			fmt.Sprintf("Lunar New Year (Tết), lunar %d/%d", ld.Day, ld.Month))
	}

	if year >= 2007 {
		h, _ := LunarToSolar(LunarDate{Year: year, Month: 3, Day: 10}) // 10/3 always exists
		add(jdn(h.Date()), "Giỗ Tổ Hùng Vương (10/3 âm lịch)", "Hùng Kings' Commemoration Day (lunar 10/3)")
	}

	add(jdn(year, time.April, 30), "Ngày Chiến thắng (30/4)", "Reunification Day (30 April)")
	add(jdn(year, time.May, 1), "Ngày Quốc tế Lao động (1/5)", "International Labour Day (1 May)")
	add(jdn(year, time.September, 2), "Quốc khánh (2/9)", "National Day (2 September)")
	if year >= 2021 {
		a := nationalDayAdjacent(year)
		_, _, d := jdnDate(a)
		add(a, fmt.Sprintf("Quốc khánh (%d/9, ngày liền kề)", d),
			fmt.Sprintf("National Day (%d September, adjacent day)", d))
	}

	sort.SliceStable(hs, func(i, j int) bool { return hs[i].day < hs[j].day })

	// Merge holidays that share a date (possible in principle: Hùng Kings'
	// day moves with the moon) and collect those owed a compensatory day.
	var out []Day
	holidayAt := map[int]bool{}
	var owed []holiday
	for i, h := range hs {
		if i > 0 && hs[i-1].day == h.day {
			last := &out[len(out)-1]
			last.Reason += "; " + h.vi
			last.ReasonEN += "; " + h.en
			owed = append(owed, h)
			continue
		}
		holidayAt[h.day] = true
		inNotice := announced && h.day >= nFirst && h.day <= nLast
		out = append(out, Day{Date: jdnString(h.day), Reason: h.vi, ReasonEN: h.en, Kind: DayHoliday, Announced: inNotice})
		if isWeekend(h.day) && !(inNotice && tetAt[h.day]) {
			owed = append(owed, h)
		}
	}
	if announced {
		for d := nFirst; d <= nLast; d++ {
			if holidayAt[d] || isWeekend(d) {
				continue
			}
			holidayAt[d] = true
			out = append(out, Day{Date: jdnString(d), Kind: DayOff, Announced: true,
				Reason:   "Nghỉ Tết Nguyên Đán theo thông báo (nghỉ bù, hoán đổi)",
				ReasonEN: "Lunar New Year (Tết) day off as announced (compensatory or swapped day)"})
		}
		for _, d := range makeUp {
			out = append(out, Day{Date: jdnString(d), Kind: DayWork, Announced: true,
				Reason:   "Làm việc bù dịp Tết Nguyên Đán theo thông báo",
				ReasonEN: "Make-up working day for the Lunar New Year (Tết), as announced"})
		}
	}

	taken := map[int]bool{}
	for _, h := range owed {
		d := h.day + 1
		for isWeekend(d) || holidayAt[d] || taken[d] {
			d++
		}
		taken[d] = true
		out = append(out, Day{
			Date:     jdnString(d),
			Reason:   "Nghỉ bù " + h.vi,
			ReasonEN: "Compensatory day off for " + h.en,
			Kind:     DayCompensatory,
		})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out
}
