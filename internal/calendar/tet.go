package calendar

import (
	"fmt"
	"time"
)

// TetNotice is the Tết holiday the Government announced for one year: the
// days off from First to Last (weekends, the statutory days and the bridge
// days included) and the Saturdays worked in exchange (MakeUp), with the
// source the data was checked against.
type TetNotice struct {
	Year        int      `json:"year"`
	First, Last string   // YYYY-MM-DD, both included
	MakeUp      []string // YYYY-MM-DD: weekend days made working days
	// Source names the notice (or, where the notice itself could not be
	// checked here, the report of it that was, saying so).
	Source string
}

// tetNotices returns the announced Tết holidays, oldest first. The data
// are those the Government announced for civil servants (Ministry of
// Labour – Invalids and Social Affairs until 2025, Ministry of Home Affairs
// since, with the Prime Minister's approval); each Source says what was
// checked. A year not listed is computed by the Labour Code rule and is
// provisional until an administrator confirms it.
func tetNotices() []TetNotice {
	const unconfirmed = "số hiệu văn bản chưa được xác nhận ở đây (not confirmed here)"
	return []TetNotice{
		{Year: 2020, First: "2020-01-23", Last: "2020-01-29",
			Source: "Thông báo của Bộ LĐ-TB&XH về nghỉ Tết Canh Tý 2020 (29 tháng Chạp – mùng 5 tháng Giêng), theo tin của Sở Công Thương Đắk Lắk ngày 07/01/2020; " + unconfirmed},
		{Year: 2021, First: "2021-02-10", Last: "2021-02-16",
			Source: "Thông báo của Bộ LĐ-TB&XH về nghỉ Tết Tân Sửu 2021; " + unconfirmed},
		{Year: 2022, First: "2022-01-29", Last: "2022-02-06",
			Source: "Thông báo của Bộ LĐ-TB&XH về nghỉ Tết Nhâm Dần 2022; " + unconfirmed},
		{Year: 2023, First: "2023-01-20", Last: "2023-01-26",
			Source: "Thông báo của Bộ LĐ-TB&XH về nghỉ Tết Quý Mão 2023; " + unconfirmed},
		{Year: 2024, First: "2024-02-08", Last: "2024-02-14",
			Source: "Thông báo của Bộ LĐ-TB&XH về nghỉ Tết Giáp Thìn 2024; " + unconfirmed},
		{Year: 2025, First: "2025-01-25", Last: "2025-02-02",
			Source: "Thông báo của Bộ LĐ-TB&XH về nghỉ Tết Ất Tỵ 2025 (26 tháng Chạp – mùng 5 tháng Giêng, 9 ngày), theo tet-amlich.com 11/2024; " + unconfirmed},
		{Year: 2026, First: "2026-02-14", Last: "2026-02-22",
			Source: "Phương án của Bộ Nội vụ được Thủ tướng đồng ý, nghỉ Tết Bính Ngọ 2026 (27 tháng Chạp – mùng 6 tháng Giêng, 9 ngày), theo Báo Công an TP.HCM và Báo Đại Đoàn Kết; " + unconfirmed},
	}
}

// AnnouncedTet returns the announced Tết holiday of a year, if there is one.
func AnnouncedTet(year int) (TetNotice, bool) {
	for _, n := range tetNotices() {
		if n.Year == year {
			return n, true
		}
	}
	return TetNotice{}, false
}

// span returns the Julian day numbers of the notice's first and last day
// and of its make-up days.
func (n TetNotice) span() (first, last int, makeUp []int, err error) {
	parse := func(s string) (int, error) {
		t, err := time.Parse(dateLayout, s)
		if err != nil {
			return 0, fmt.Errorf("calendar: Tết %d: date %q is not YYYY-MM-DD: %w", n.Year, s, err)
		}
		return jdn(t.Date()), nil
	}
	if first, err = parse(n.First); err != nil {
		return
	}
	if last, err = parse(n.Last); err != nil {
		return
	}
	for _, s := range n.MakeUp {
		d, perr := parse(s)
		if perr != nil {
			return 0, 0, nil, perr
		}
		makeUp = append(makeUp, d)
	}
	return first, last, makeUp, nil
}

// TetStatus says how far the Tết holiday of a year is settled.
type TetStatus string

// Tết statuses.
const (
	// TetAnnounced: the Government's announced range is in the data.
	TetAnnounced TetStatus = "announced"
	// TetConfirmed: computed by the rule and confirmed by an administrator.
	TetConfirmed TetStatus = "confirmed"
	// TetProvisional: computed by the rule, not yet confirmed.
	TetProvisional TetStatus = "provisional"
)

// YearConfirmation records that an administrator confirmed a year's
// computed calendar.
type YearConfirmation struct {
	Year        int
	ConfirmedAt time.Time
	ConfirmedBy string
}

// TetInfo is the Tết holiday of a year as the calendar uses it.
type TetInfo struct {
	Year   int       `json:"year"`
	Status TetStatus `json:"status"`
	// First and Last bound the days off: the announced range, or the
	// statutory days computed by the rule.
	First string `json:"first"`
	Last  string `json:"last"`
	// MakeUp lists the announced make-up working days.
	MakeUp      []string   `json:"make_up"`
	Source      string     `json:"source,omitempty"`
	ConfirmedAt *time.Time `json:"confirmed_at,omitempty"`
	ConfirmedBy string     `json:"confirmed_by,omitempty"`
}

// Tet returns the Tết holiday of a year and its status: announced when the
// data has the year, else confirmed when conf (the administrator's
// confirmation, nil if none) is given, else provisional.
func Tet(year int, conf *YearConfirmation) TetInfo {
	info := TetInfo{Year: year, MakeUp: []string{}}
	if n, ok := AnnouncedTet(year); ok {
		info.Status, info.First, info.Last, info.Source = TetAnnounced, n.First, n.Last, n.Source
		info.MakeUp = append(info.MakeUp, n.MakeUp...)
		return info
	}
	first, last := statutoryTet(year)
	info.First, info.Last, info.Status = jdnString(first), jdnString(last), TetProvisional
	if conf != nil {
		at := conf.ConfirmedAt
		info.Status, info.ConfirmedAt, info.ConfirmedBy = TetConfirmed, &at, conf.ConfirmedBy
	}
	return info
}

// statutoryTet returns the first and last Julian day of the Tết holiday
// the Labour Code gives: the last day of the lunar year and the first days
// of lunar month 1 (4 days in all before 2014, 5 since).
func statutoryTet(year int) (first, last int) {
	days := 4
	if year >= 2014 {
		days = 5
	}
	tet, _ := LunarToSolar(LunarDate{Year: year, Month: 1, Day: 1}) // cannot fail: 1/1 always exists
	t0 := jdn(tet.Date())
	return t0 - 1, t0 - 2 + days
}
