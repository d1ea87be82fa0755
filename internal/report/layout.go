package report

// The layout both renderers share, so that the spreadsheet and the PDF
// print the same form: titles, the header's merged cells, column widths.

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Zone is the time zone the reports' dates are written in (Việt Nam).
var Zone = time.FixedZone("ICT", 7*3600)

// headCell is one cell of a report's header: its top-left grid position
// (row, column from 0), its span and its text in Vietnamese and English.
type headCell struct {
	row, col, rows, cols int
	text                 [2]string
}

// ii06aHead is the header of form II.06a: three rows of titles laid out
// as the official form, then the row of column numbers 1–13.
var ii06aHead = []headCell{
	{0, 0, 3, 1, [2]string{"STT", "No."}},
	{0, 1, 3, 1, [2]string{"Lĩnh vực, công việc giải quyết theo cấp", "Field / work by level"}},
	{0, 2, 1, 4, [2]string{"Số hồ sơ nhận giải quyết", "Dossiers received"}},
	{0, 6, 1, 4, [2]string{"Kết quả giải quyết: số hồ sơ đã giải quyết", "Results: dossiers finished"}},
	{0, 10, 1, 3, [2]string{"Số hồ sơ đang giải quyết", "Dossiers in progress"}},
	{1, 2, 2, 1, [2]string{"Tổng số", "Total"}},
	{1, 3, 1, 3, [2]string{"Trong đó", "Of which"}},
	{2, 3, 1, 1, [2]string{"Số mới tiếp nhận trực tuyến", "Received online"}},
	{2, 4, 1, 1, [2]string{"Số kỳ trước chuyển qua", "Carried over"}},
	{2, 5, 1, 1, [2]string{"Số mới tiếp nhận trực tiếp hoặc qua dịch vụ bưu chính", "Received in person or by post"}},
	{1, 6, 2, 1, [2]string{"Tổng số", "Total"}},
	{1, 7, 2, 1, [2]string{"Trả trước hạn", "Early"}},
	{1, 8, 2, 1, [2]string{"Trả đúng hạn", "On time"}},
	{1, 9, 2, 1, [2]string{"Trả quá hạn", "Late"}},
	{1, 10, 2, 1, [2]string{"Tổng số", "Total"}},
	{1, 11, 2, 1, [2]string{"Trong hạn", "Within the deadline"}},
	{1, 12, 2, 1, [2]string{"Quá hạn", "Overdue"}},
}

// ii06aHeadRows is the number of title rows of the header.
const ii06aHeadRows = 3

// ii06aWidths are the columns' widths in millimetres on A4 landscape.
var ii06aWidths = []float64{10, 62, 16, 18, 16, 22, 16, 16, 16, 16, 16, 16, 16}

// d766Head is the header of the Decision 766 score table.
var d766Head = []headCell{
	{0, 0, 1, 1, [2]string{"STT", "No."}},
	{0, 1, 1, 1, [2]string{"Nhóm, chỉ số", "Group, indicator"}},
	{0, 2, 1, 1, [2]string{"Cách tính", "Formula"}},
	{0, 3, 1, 1, [2]string{"Tử số", "Numerator"}},
	{0, 4, 1, 1, [2]string{"Mẫu số", "Denominator"}},
	{0, 5, 1, 1, [2]string{"Tỷ lệ (%)", "Rate (%)"}},
	{0, 6, 1, 1, [2]string{"Điểm tối đa", "Maximum"}},
	{0, 7, 1, 1, [2]string{"Điểm đạt", "Score"}},
	{0, 8, 1, 1, [2]string{"Ghi chú", "Note"}},
}

var d766Widths = []float64{10, 58, 58, 20, 22, 16, 16, 16, 44}

// texts of the reports, Vietnamese first.
var texts = map[string][2]string{
	"motto1":      {"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIET NAM"},
	"motto2":      {"Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness"},
	"ii06a.form":  {"Biểu số II.06a", "Form II.06a"},
	"ii06a.title": {"TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", "ADMINISTRATIVE PROCEDURES: DOSSIERS RECEIVED AND RESOLVED"},
	"d766.form":   {"Quyết định 766/QĐ-TTg", "Decision 766/QĐ-TTg"},
	"d766.title":  {"ĐÁNH GIÁ CHẤT LƯỢNG PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP", "QUALITY OF SERVICE TO CITIZENS AND BUSINESSES"},
	"unit":        {"Đơn vị báo cáo: %s (%s)", "Reporting unit: %s (%s)"},
	"own":         {"Phạm vi: riêng đơn vị (không gồm đơn vị trực thuộc)", "Scope: the unit alone (units below not included)"},
	"subtree":     {"Phạm vi: đơn vị và các đơn vị trực thuộc", "Scope: the unit and the units below it"},
	"period":      {"Kỳ báo cáo: từ ngày %s đến ngày %s", "Period: from %s to %s"},
	"measure":     {"Đơn vị tính: số hồ sơ", "Unit: dossiers"},
	"d766.score":  {"Tổng điểm: %s/%s điểm (đo được %s điểm từ hồ sơ)", "Score: %s of %s points (%s points measurable from dossiers)"},
	"d766.total":  {"Tổng cộng", "Total"},
	"not":         {"Không đo", "Not measured"},
}

func tr(key, lang string) string {
	if lang == "en" {
		return texts[key][1]
	}
	return texts[key][0]
}

func pick(t [2]string, lang string) string {
	if lang == "en" {
		return t[1]
	}
	return t[0]
}

// lastDay is the last day the period [from, to) covers, in Zone.
func lastDay(to time.Time) time.Time { return to.Add(-time.Nanosecond).In(Zone) }

// periodLine says the period in words, dates as dd/mm/yyyy.
func periodLine(from, to time.Time, lang string) string {
	return fmt.Sprintf(tr("period", lang), from.In(Zone).Format("02/01/2006"), lastDay(to).Format("02/01/2006"))
}

// headerLines are the lines above a report's table.
func headerLines(unit, unitName string, own bool, from, to time.Time, lang string) []string {
	scope := tr("subtree", lang)
	if own {
		scope = tr("own", lang)
	}
	return []string{fmt.Sprintf(tr("unit", lang), unitName, unit), scope, periodLine(from, to, lang)}
}

// FileName is the download's name: KIND_<unit code>_<from>_<to>.ext with
// the period's first and last days, e.g. II06a_000.12.02.H26_2025-03-01_2025-03-31.xlsx.
func FileName(kind, unit string, from, to time.Time, ext string) string {
	safe := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' {
			return r
		}
		return '-'
	}, unit)
	return kind + "_" + safe + "_" + from.In(Zone).Format("2006-01-02") + "_" + lastDay(to).Format("2006-01-02") + "." + ext
}

// number writes a decimal with two places, with a comma in Vietnamese.
func number(v float64, lang string) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	if lang != "en" {
		s = strings.ReplaceAll(s, ".", ",")
	}
	return s
}

// d766Rows are the Decision 766 table's rows as text, with the group rows
// and the total row; bold marks the group and total rows.
func d766Rows(d *D766, lang string) (rows [][]string, bold []bool) {
	for _, g := range d.Groups {
		rows = append(rows, []string{g.No, g.Name, "", "", "", "", number(g.Points, lang), number(g.Score, lang), ""})
		bold = append(bold, true)
		for _, ind := range g.Indicators {
			r := []string{ind.Code, ind.Name, ind.Formula, "", "", "", number(ind.Points, lang), "", ind.Note}
			if ind.Measured {
				r[3], r[4], r[5], r[7] = strconv.Itoa(ind.Numerator), strconv.Itoa(ind.Denominator), number(ind.Rate, lang), number(ind.Score, lang)
			} else {
				r[7] = tr("not", lang)
			}
			rows = append(rows, r)
			bold = append(bold, false)
		}
	}
	rows = append(rows, []string{"", tr("d766.total", lang), "", "", "", "", number(d.Points, lang), number(d.Score, lang), ""})
	bold = append(bold, true)
	return rows, bold
}

// scoreLine sums up the score.
func scoreLine(d *D766, lang string) string {
	return fmt.Sprintf(tr("d766.score", lang), number(d.Score, lang), number(d.Points, lang), number(d.MeasuredPoints, lang))
}

// II06aGroups are the titles of II.06a's three groups of columns (3–6,
// 7–10, 11–13), and II06aColumns the titles of columns 1–13, for pages
// that show the form as HTML.
func II06aGroups(lang string) []string {
	var out []string
	for _, h := range ii06aHead {
		if h.row == 0 && h.cols > 1 {
			out = append(out, pick(h.text, lang))
		}
	}
	return out
}

// II06aColumns are the titles of columns 1–13 (the lowest header cell of
// each column).
func II06aColumns(lang string) []string {
	out := make([]string, 13)
	for _, h := range ii06aHead {
		if h.cols == 1 && h.row+h.rows == ii06aHeadRows {
			out[h.col] = pick(h.text, lang)
		}
	}
	return out
}
