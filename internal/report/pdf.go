package report

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/signintech/gopdf"
	"golang.org/x/text/unicode/norm"

	"github.com/motcua/motcua/internal/slips"
)

// The PDFs are A4 landscape in the slips' Noto Serif, in millimetres.
const (
	family  = "serif"
	pageW   = 297.0
	pageH   = 210.0
	margin  = 12.0
	ptMM    = 25.4 / 72
	leading = 1.25
	padX    = 1.2
	padY    = 0.8
)

// page is a small flowing layer over gopdf; the first error sticks.
type page struct {
	pdf  *gopdf.GoPdf
	y    float64
	size float64
	bold bool
	err  error
	// head redraws the table's header on a new page.
	head func()
}

func newPage(title string) (*page, error) {
	p := &page{pdf: &gopdf.GoPdf{}}
	p.pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4Landscape, Unit: gopdf.UnitMM})
	p.pdf.SetCompressLevel(9)
	p.pdf.SetInfo(gopdf.PdfInfo{Title: title, Creator: "motcua"})
	regular, bold := slips.Fonts()
	reg := gopdf.TtfOption{Style: gopdf.Regular, OnGlyphNotFoundSubstitute: gopdf.DefaultOnGlyphNotFoundSubstitute}
	bo := reg
	bo.Style = gopdf.Bold
	p.fail(p.pdf.AddTTFFontDataWithOption(family, regular, reg))
	p.fail(p.pdf.AddTTFFontDataWithOption(family, bold, bo))
	if p.err != nil {
		return nil, fmt.Errorf("loading the fonts: %w", p.err)
	}
	p.pdf.AddPage()
	p.y = margin
	p.font(false, 10)
	return p, nil
}

func (p *page) fail(err error) {
	if p.err == nil && err != nil {
		p.err = err
	}
}

func (p *page) font(bold bool, size float64) {
	style := ""
	if bold {
		style = "B"
	}
	p.bold, p.size = bold, size
	p.fail(p.pdf.SetFont(family, style, size))
}

func (p *page) lineH() float64 { return p.size * ptMM * leading }

func (p *page) measure(s string) float64 {
	if s == "" || p.err != nil {
		return 0
	}
	w, err := p.pdf.MeasureTextWidth(s)
	p.fail(err)
	return w
}

// wrap breaks s into lines no wider than w; a word wider than w stays
// whole on its own line (codes are short).
func (p *page) wrap(s string, w float64) []string {
	var out []string
	line := ""
	for _, word := range strings.Fields(norm.NFC.String(s)) {
		cand := word
		if line != "" {
			cand = line + " " + word
		}
		if line == "" || p.measure(cand) <= w {
			line = cand
			continue
		}
		out = append(out, line)
		line = word
	}
	if line != "" || len(out) == 0 {
		out = append(out, line)
	}
	return out
}

// text draws one line with its top at (x, y) in a box of width w, aligned
// 'l', 'c' or 'r'.
func (p *page) text(x, y, w float64, s string, a byte) {
	if s == "" || p.err != nil {
		return
	}
	switch a {
	case 'c':
		x += (w - p.measure(s)) / 2
	case 'r':
		x += w - p.measure(s)
	}
	p.pdf.SetXY(x, y)
	p.fail(p.pdf.Cell(nil, s))
}

// line draws wrapped text across the page.
func (p *page) line(s string, bold bool, size float64, a byte) {
	p.font(bold, size)
	for _, l := range p.wrap(s, pageW-2*margin) {
		p.text(margin, p.y, pageW-2*margin, l, a)
		p.y += p.lineH()
	}
}

// ensure starts a new page, with the table's header, unless h fits.
func (p *page) ensure(h float64) {
	if p.y+h <= pageH-margin {
		return
	}
	p.pdf.AddPage()
	p.y = margin
	if p.head != nil {
		size, bold := p.size, p.bold
		p.head()
		p.font(bold, size)
	}
}

// scaled are the widths scaled to the page's text width.
func scaled(widths []float64) []float64 {
	total := 0.0
	for _, w := range widths {
		total += w
	}
	out := make([]float64, len(widths))
	for i, w := range widths {
		out[i] = w * (pageW - 2*margin) / total
	}
	return out
}

// header draws a grid of head cells (rows title rows) with merged cells.
func (p *page) header(head []headCell, rows int, widths []float64, lang string) {
	p.font(true, 8.5)
	lh := p.lineH()
	// Each title row is as tall as its tallest unmerged-down cell needs.
	rowH := make([]float64, rows)
	for r := range rowH {
		rowH[r] = lh + 2*padY
	}
	span := func(c headCell) float64 {
		w := 0.0
		for i := c.col; i < c.col+c.cols; i++ {
			w += widths[i]
		}
		return w
	}
	for _, c := range head {
		n := float64(len(p.wrap(pick(c.text, lang), span(c)-2*padX)))
		need := n*lh + 2*padY
		have := 0.0
		for r := c.row; r < c.row+c.rows; r++ {
			have += rowH[r]
		}
		if need > have {
			rowH[c.row+c.rows-1] += need - have
		}
	}
	top := make([]float64, rows+1)
	top[0] = p.y
	for r := range rows {
		top[r+1] = top[r] + rowH[r]
	}
	p.pdf.SetLineWidth(0.2)
	for _, c := range head {
		x := margin
		for i := 0; i < c.col; i++ {
			x += widths[i]
		}
		w, h := span(c), top[c.row+c.rows]-top[c.row]
		p.pdf.SetFillColor(235, 235, 235)
		p.pdf.RectFromUpperLeftWithStyle(x, top[c.row], w, h, "FD")
		p.pdf.SetFillColor(0, 0, 0)
		lines := p.wrap(pick(c.text, lang), w-2*padX)
		y := top[c.row] + (h-float64(len(lines))*lh)/2
		for _, l := range lines {
			p.text(x+padX, y, w-2*padX, l, 'c')
			y += lh
		}
	}
	p.y = top[rows]
}

// row draws one table row; left are the columns aligned left, others are
// centred.
func (p *page) row(cells []string, widths []float64, bold bool, left map[int]bool) {
	p.font(bold, 8.5)
	lh := p.lineH()
	wrapped := make([][]string, len(cells))
	n := 1
	for i, c := range cells {
		wrapped[i] = p.wrap(c, widths[i]-2*padX)
		n = max(n, len(wrapped[i]))
	}
	h := float64(n)*lh + 2*padY
	p.ensure(h)
	p.font(bold, 8.5)
	p.pdf.SetLineWidth(0.2)
	x := margin
	for i, w := range widths {
		p.pdf.RectFromUpperLeftWithStyle(x, p.y, w, h, "D")
		a := byte('c')
		if left[i] {
			a = 'l'
		}
		for j, l := range wrapped[i] {
			p.text(x+padX, p.y+padY+float64(j)*lh, w-2*padX, l, a)
		}
		x += w
	}
	p.y += h
}

func (p *page) finish(w io.Writer) error {
	if p.err != nil {
		return fmt.Errorf("drawing the PDF: %w", p.err)
	}
	var buf bytes.Buffer
	if _, err := p.pdf.WriteTo(&buf); err != nil {
		return fmt.Errorf("writing the PDF: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// masthead draws the form's number and the motto, the title and the lines
// about the unit and period.
func (p *page) masthead(form, title string, lines []string, lang string) {
	p.font(false, 10)
	p.text(margin, p.y, 80, form, 'l')
	p.font(true, 10)
	p.text(pageW/2, p.y, pageW/2-margin, tr("motto1", lang), 'c')
	p.y += p.lineH()
	p.font(true, 10)
	p.text(pageW/2, p.y, pageW/2-margin, tr("motto2", lang), 'c')
	p.y += p.lineH() + 4
	p.line(title, true, 13, 'c')
	p.y += 1
	for _, l := range lines {
		p.line(l, false, 10, 'c')
	}
	p.y += 2
}

// WriteII06aPDF writes form II.06a as a PDF laid out as the spreadsheet:
// the title block, the header with its merged cells and the column
// numbers 1–13 (repeated on every page), the rows.
func WriteII06aPDF(w io.Writer, rep *II06a, lang string) error {
	p, err := newPage(tr("ii06a.form", lang) + " " + rep.Unit)
	if err != nil {
		return err
	}
	widths := scaled(ii06aWidths)
	p.masthead(tr("ii06a.form", lang), tr("ii06a.title", lang), headerLines(rep.Unit, rep.UnitName, rep.Own, rep.From, rep.To, lang), lang)
	p.font(false, 9)
	p.text(margin, p.y, pageW-2*margin, tr("measure", lang), 'r')
	p.y += p.lineH() + 1
	nums := make([]string, 13)
	for i := range nums {
		nums[i] = strconv.Itoa(i + 1)
	}
	p.head = func() {
		p.header(ii06aHead, ii06aHeadRows, widths, lang)
		p.row(nums, widths, true, nil)
	}
	p.head()
	for _, r := range rep.Rows {
		cells := []string{r.No, r.Name(lang)}
		for _, v := range r.Values() {
			cells = append(cells, strconv.Itoa(v))
		}
		p.row(cells, widths, r.Kind != RowField, map[int]bool{1: true})
	}
	return p.finish(w)
}

// WriteD766PDF writes the Decision 766 score as a PDF.
func WriteD766PDF(w io.Writer, d *D766, lang string) error {
	p, err := newPage(tr("d766.form", lang) + " " + d.Unit)
	if err != nil {
		return err
	}
	widths := scaled(d766Widths)
	p.masthead(tr("d766.form", lang), tr("d766.title", lang),
		append(headerLines(d.Unit, d.UnitName, d.Own, d.From, d.To, lang), scoreLine(d, lang)), lang)
	p.head = func() { p.header(d766Head, 1, widths, lang) }
	p.head()
	rows, bold := d766Rows(d, lang)
	for i, r := range rows {
		p.row(r, widths, bold[i], map[int]bool{1: true, 2: true, 8: true})
	}
	return p.finish(w)
}
