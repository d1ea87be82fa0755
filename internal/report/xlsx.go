package report

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// sheet is an excelize stream writer with the reports' styles. The first
// error sticks; finish reports it.
type sheet struct {
	f                                   *excelize.File
	sw                                  *excelize.StreamWriter
	title, head, cell, bold, num, boldN int
	plain, right, center                int
	err                                 error
}

func newSheet(name string, widths []float64) (*sheet, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return nil, fmt.Errorf("naming the sheet: %w", err)
	}
	s := &sheet{f: f}
	border := []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1}}
	font := func(bold bool, size float64) *excelize.Font {
		return &excelize.Font{Family: "Times New Roman", Size: size, Bold: bold}
	}
	style := func(st *excelize.Style) int {
		id, err := f.NewStyle(st)
		if err != nil && s.err == nil {
			s.err = fmt.Errorf("styling the sheet: %w", err)
		}
		return id
	}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	s.title = style(&excelize.Style{Font: font(true, 13), Alignment: center})
	s.center = style(&excelize.Style{Font: font(false, 12), Alignment: center})
	s.plain = style(&excelize.Style{Font: font(false, 12), Alignment: &excelize.Alignment{Vertical: "center"}})
	s.right = style(&excelize.Style{Font: font(false, 11), Alignment: &excelize.Alignment{Horizontal: "right"}})
	s.head = style(&excelize.Style{Font: font(true, 11), Alignment: center, Border: border,
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EBEBEB"}}})
	s.cell = style(&excelize.Style{Font: font(false, 11), Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}, Border: border})
	s.bold = style(&excelize.Style{Font: font(true, 11), Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}, Border: border})
	s.num = style(&excelize.Style{Font: font(false, 11), Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}, Border: border})
	s.boldN = style(&excelize.Style{Font: font(true, 11), Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}, Border: border})
	if s.err != nil {
		return nil, s.err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return nil, fmt.Errorf("opening the sheet: %w", err)
	}
	s.sw = sw
	for i, w := range widths {
		// Millimetres to Excel's character widths (about 2 mm each).
		s.fail(sw.SetColWidth(i+1, i+1, w/2))
	}
	return s, nil
}

func (s *sheet) fail(err error) {
	if s.err == nil && err != nil {
		s.err = err
	}
}

func cellName(col, row int) string {
	n, _ := excelize.CoordinatesToCellName(col+1, row)
	return n
}

// line writes one text line merged over the table's width.
func (s *sheet) line(row, cols int, text string, style int, height float64) {
	s.fail(s.sw.SetRow(cellName(0, row), []any{excelize.Cell{StyleID: style, Value: text}}, excelize.RowOpts{Height: height}))
	if cols > 1 {
		s.fail(s.sw.MergeCell(cellName(0, row), cellName(cols-1, row)))
	}
}

// header writes head from row first on and returns the row after it.
func (s *sheet) header(first, cols, rows int, head []headCell, lang string, heights []float64) int {
	grid := make([][]any, rows)
	for r := range grid {
		grid[r] = make([]any, cols)
		for c := range grid[r] {
			grid[r][c] = excelize.Cell{StyleID: s.head}
		}
	}
	for _, h := range head {
		grid[h.row][h.col] = excelize.Cell{StyleID: s.head, Value: pick(h.text, lang)}
		if h.rows > 1 || h.cols > 1 {
			s.fail(s.sw.MergeCell(cellName(h.col, first+h.row), cellName(h.col+h.cols-1, first+h.row+h.rows-1)))
		}
	}
	for r := range grid {
		opts := excelize.RowOpts{}
		if r < len(heights) {
			opts.Height = heights[r]
		}
		s.fail(s.sw.SetRow(cellName(0, first+r), grid[r], opts))
	}
	return first + rows
}

func (s *sheet) finish(w io.Writer) error {
	if s.err != nil {
		return fmt.Errorf("writing the sheet: %w", s.err)
	}
	if err := s.sw.Flush(); err != nil {
		return fmt.Errorf("writing the sheet: %w", err)
	}
	if _, err := s.f.WriteTo(w); err != nil {
		return fmt.Errorf("writing the workbook: %w", err)
	}
	return s.f.Close()
}

// titleBlock writes the form's number and motto, its title and the lines
// about the unit and period; it returns the next free row.
func (s *sheet) titleBlock(cols int, form, title string, lines []string, lang string) int {
	half := cols / 3
	r1, r2 := make([]any, half+1), make([]any, half+1)
	r1[0] = excelize.Cell{StyleID: s.plain, Value: form}
	r1[half] = excelize.Cell{StyleID: s.title, Value: tr("motto1", lang)}
	r2[half] = excelize.Cell{StyleID: s.center, Value: tr("motto2", lang)}
	s.fail(s.sw.SetRow(cellName(0, 1), r1))
	s.fail(s.sw.MergeCell(cellName(0, 1), cellName(half-1, 1)))
	s.fail(s.sw.MergeCell(cellName(half, 1), cellName(cols-1, 1)))
	s.fail(s.sw.SetRow(cellName(0, 2), r2))
	s.fail(s.sw.MergeCell(cellName(half, 2), cellName(cols-1, 2)))
	row := 4
	s.line(row, cols, title, s.title, 22)
	row++
	for _, l := range lines {
		s.line(row, cols, l, s.center, 0)
		row++
	}
	return row
}

// WriteII06aXLSX writes form II.06a as a spreadsheet: the form's title
// block, the header with its merged cells, the column numbers 1–13, the
// rows with their numbers as numbers.
func WriteII06aXLSX(w io.Writer, rep *II06a, lang string) error {
	const cols = 13
	s, err := newSheet("II.06a", ii06aWidths)
	if err != nil {
		return err
	}
	row := s.titleBlock(cols, tr("ii06a.form", lang), tr("ii06a.title", lang),
		headerLines(rep.Unit, rep.UnitName, rep.Own, rep.From, rep.To, lang), lang)
	s.line(row, cols, tr("measure", lang), s.right, 0)
	row++
	row = s.header(row, cols, ii06aHeadRows, ii06aHead, lang, []float64{30, 20, 60})
	nums := make([]any, cols)
	for i := range nums {
		nums[i] = excelize.Cell{StyleID: s.boldN, Value: i + 1}
	}
	s.fail(s.sw.SetRow(cellName(0, row), nums))
	row++
	for _, r := range rep.Rows {
		name, ns := s.cell, s.num
		if r.Kind != RowField {
			name, ns = s.bold, s.boldN
		}
		vals := []any{excelize.Cell{StyleID: ns, Value: r.No}, excelize.Cell{StyleID: name, Value: r.Name(lang)}}
		for _, v := range r.Values() {
			vals = append(vals, excelize.Cell{StyleID: ns, Value: v})
		}
		s.fail(s.sw.SetRow(cellName(0, row), vals))
		row++
	}
	return s.finish(w)
}

// WriteD766XLSX writes the Decision 766 score as a spreadsheet, one row per
// group and indicator, numbers as numbers.
func WriteD766XLSX(w io.Writer, d *D766, lang string) error {
	const cols = 9
	s, err := newSheet("766", d766Widths)
	if err != nil {
		return err
	}
	row := s.titleBlock(cols, tr("d766.form", lang), tr("d766.title", lang),
		append(headerLines(d.Unit, d.UnitName, d.Own, d.From, d.To, lang), scoreLine(d, lang)), lang)
	row = s.header(row+1, cols, 1, d766Head, lang, []float64{30})
	put := func(vals []any, bold bool) {
		st, ns := s.cell, s.num
		if bold {
			st, ns = s.bold, s.boldN
		}
		cells := make([]any, len(vals))
		for i, v := range vals {
			style := ns
			if i == 1 || i == 2 || i == 8 {
				style = st
			}
			cells[i] = excelize.Cell{StyleID: style, Value: v}
		}
		s.fail(s.sw.SetRow(cellName(0, row), cells))
		row++
	}
	for _, g := range d.Groups {
		put([]any{g.No, g.Name, "", "", "", "", g.Points, g.Score, ""}, true)
		for _, ind := range g.Indicators {
			if ind.Measured {
				put([]any{ind.Code, ind.Name, ind.Formula, ind.Numerator, ind.Denominator, ind.Rate, ind.Points, ind.Score, ind.Note}, false)
			} else {
				put([]any{ind.Code, ind.Name, ind.Formula, "", "", "", ind.Points, tr("not", lang), ind.Note}, false)
			}
		}
	}
	put([]any{"", tr("d766.total", lang), "", "", "", "", d.Points, d.Score, ""}, true)
	return s.finish(w)
}
