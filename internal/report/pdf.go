package report

import (
	"bytes"
	"fmt"
	"io"
	"strconv"

	"github.com/signintech/gopdf"

	"github.com/motcua/motcua/internal/pdfdoc"
	"github.com/motcua/motcua/internal/slips"
)

// The PDFs are A4 landscape in the slips' Noto Serif, in millimetres.
const (
	pageW   = 297.0
	pageH   = 210.0
	margin  = 12.0
	leading = 1.25
	padX    = 1.2
	padY    = 0.8
)

// page is a small flowing layer over pdfdoc; the first error sticks.
type page struct {
	*pdfdoc.Doc
	y float64
	// head redraws the table's header on a new page.
	head func()
}

func newPage(title string) (*page, error) {
	regular, bold := slips.Fonts()
	d, err := pdfdoc.New(pdfdoc.Config{PageSize: *gopdf.PageSizeA4Landscape,
		Info: &gopdf.PdfInfo{Title: title, Creator: "motcua"}, Regular: regular, Bold: bold,
		Leading: leading, Overflow: pdfdoc.KeepWhole})
	if err != nil {
		return nil, err
	}
	p := &page{Doc: d}
	p.PDF.AddPage()
	p.y = margin
	p.Font(false, 10)
	return p, nil
}

// line draws wrapped text across the page.
func (p *page) line(s string, bold bool, size float64, a pdfdoc.Align) {
	p.Font(bold, size)
	for _, l := range p.Wrap(s, pageW-2*margin) {
		p.Text(margin, p.y, pageW-2*margin, l, a)
		p.y += p.LineH()
	}
}

// ensure starts a new page, with the table's header, unless h fits.
func (p *page) ensure(h float64) {
	if p.y+h <= pageH-margin {
		return
	}
	p.PDF.AddPage()
	p.y = margin
	if p.head != nil {
		size, bold := p.Size, p.Bold
		p.head()
		p.Font(bold, size)
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
	p.Font(true, 8.5)
	lh := p.LineH()
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
		n := float64(len(p.Wrap(pick(c.text, lang), span(c)-2*padX)))
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
	p.PDF.SetLineWidth(0.2)
	for _, c := range head {
		x := margin
		for i := 0; i < c.col; i++ {
			x += widths[i]
		}
		w, h := span(c), top[c.row+c.rows]-top[c.row]
		p.PDF.SetFillColor(235, 235, 235)
		p.PDF.RectFromUpperLeftWithStyle(x, top[c.row], w, h, "FD")
		p.PDF.SetFillColor(0, 0, 0)
		lines := p.Wrap(pick(c.text, lang), w-2*padX)
		y := top[c.row] + (h-float64(len(lines))*lh)/2
		for _, l := range lines {
			p.Text(x+padX, y, w-2*padX, l, 'c')
			y += lh
		}
	}
	p.y = top[rows]
}

// row draws one table row; left are the columns aligned left, others are
// centred.
func (p *page) row(cells []string, widths []float64, bold bool, left map[int]bool) {
	p.Font(bold, 8.5)
	lh := p.LineH()
	wrapped := make([][]string, len(cells))
	n := 1
	for i, c := range cells {
		wrapped[i] = p.Wrap(c, widths[i]-2*padX)
		n = max(n, len(wrapped[i]))
	}
	h := float64(n)*lh + 2*padY
	p.ensure(h)
	p.Font(bold, 8.5)
	p.PDF.SetLineWidth(0.2)
	x := margin
	for i, w := range widths {
		p.PDF.RectFromUpperLeftWithStyle(x, p.y, w, h, "D")
		a := pdfdoc.Center
		if left[i] {
			a = pdfdoc.Left
		}
		for j, l := range wrapped[i] {
			p.Text(x+padX, p.y+padY+float64(j)*lh, w-2*padX, l, a)
		}
		x += w
	}
	p.y += h
}

func (p *page) finish(w io.Writer) error {
	if p.Err != nil {
		return fmt.Errorf("drawing the PDF: %w", p.Err)
	}
	var buf bytes.Buffer
	if _, err := p.PDF.WriteTo(&buf); err != nil {
		return fmt.Errorf("writing the PDF: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// masthead draws the form's number and the motto, the title and the lines
// about the unit and period.
func (p *page) masthead(form, title string, lines []string, lang string) {
	p.Font(false, 10)
	p.Text(margin, p.y, 80, form, 'l')
	p.Font(true, 10)
	p.Text(pageW/2, p.y, pageW/2-margin, tr("motto1", lang), 'c')
	p.y += p.LineH()
	p.Font(true, 10)
	p.Text(pageW/2, p.y, pageW/2-margin, tr("motto2", lang), 'c')
	p.y += p.LineH() + 4
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
	p.Font(false, 9)
	p.Text(margin, p.y, pageW-2*margin, tr("measure", lang), 'r')
	p.y += p.LineH() + 1
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
