package slips

import (
	_ "embed"
	"fmt"
	"math"
	"strings"

	"github.com/signintech/gopdf"
	"github.com/skip2/go-qrcode"
	"golang.org/x/text/unicode/norm"

	"github.com/motcua/motcua/internal/pdfdoc"
)

// Noto Serif from Debian fonts-noto-core, SIL Open Font License 1.1
// (fonts/OFL.txt). gopdf embeds only the glyphs a document uses.
var (
	//go:embed fonts/NotoSerif-Regular.ttf
	fontRegular []byte
	//go:embed fonts/NotoSerif-Bold.ttf
	fontBold []byte
)

const (
	// ptMM converts a size in points to millimetres.
	ptMM = pdfdoc.PtMM
	// leading is the line height as a multiple of the font size.
	leading  = 1.3
	cellPadX = 1.5
	cellPadY = 1.0
)

// Text alignment inside a box.
type align int

const (
	alignLeft align = iota
	alignCenter
	alignRight
)

// doc is a thin flowing-layout layer over gopdf, in millimetres. The first
// error sticks: later calls do nothing and finish reports it. It keeps its
// own current font and error rather than a pdfdoc.Doc because the other
// slips files use them by these names, beside the pagination state; the
// document start, the fonts and wrapping are pdfdoc's.
type doc struct {
	pdf                      *gopdf.GoPdf
	landscape                bool
	pageW, pageH             float64
	left, right, top, bottom float64
	y                        float64
	pages                    int
	size                     float64 // current font size, points
	bold                     bool
	// onNewPage runs after a page break (running headers); it may move y.
	onNewPage func()
	err       error
}

func newDoc(landscape bool) *doc {
	d := &doc{landscape: landscape}
	size := *gopdf.PageSizeA4
	d.pageW, d.pageH = 210, 297
	// Decree 30/2020 margins: top and bottom 20, left 30, right 15 (mm).
	d.left, d.right, d.top, d.bottom = 30, 15, 20, 20
	if landscape {
		size = *gopdf.PageSizeA4Landscape
		d.pageW, d.pageH = 297, 210
		d.left, d.right, d.top, d.bottom = 20, 15, 15, 15
	}
	d.pdf = pdfdoc.Start(size, nil)
	if err := pdfdoc.AddFonts(d.pdf, fontRegular, fontBold); err != nil {
		d.fail(fmt.Errorf("slips: loading the fonts: %w", err))
	}
	d.font(false, 12)
	return d
}

func (d *doc) fail(err error) {
	if d.err == nil && err != nil {
		d.err = err
	}
}

// width is the width between the margins.
func (d *doc) width() float64 { return d.pageW - d.left - d.right }

// limit is the lowest y content may reach.
func (d *doc) limit() float64 { return d.pageH - d.bottom }

func (d *doc) font(bold bool, size float64) {
	style := ""
	if bold {
		style = "B"
	}
	d.bold, d.size = bold, size
	d.fail(d.pdf.SetFont(pdfdoc.Family, style, size))
}

// lineH is the height of one line in the current font.
func (d *doc) lineH() float64 { return d.size * ptMM * leading }

func (d *doc) measure(s string) float64 {
	if s == "" || d.err != nil {
		return 0
	}
	w, err := d.pdf.MeasureTextWidth(s)
	d.fail(err)
	return w
}

func (d *doc) newPage() {
	if d.err != nil {
		return
	}
	d.pdf.AddPage()
	d.pages++
	d.y = d.top
	if d.onNewPage != nil {
		size, bold := d.size, d.bold
		d.onNewPage()
		d.font(bold, size)
	}
}

// ensure starts a new page unless h more millimetres fit on this one.
func (d *doc) ensure(h float64) {
	if d.pages == 0 || d.y+h > d.limit()+0.01 {
		d.newPage()
	}
}

// clean normalises text to NFC (precomposed Vietnamese letters, which the
// font has; gopdf does not position combining marks) and plain spaces.
func clean(s string) string {
	s = norm.NFC.String(s)
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\t", " ", "\u00a0", " ").Replace(s)
	return s
}

// wrap breaks text into lines no wider than first (the first line) and rest
// (the others) in the current font. Explicit newlines are kept; a word wider
// than a line is broken after a hyphen or slash, else between letters.
func (d *doc) wrap(text string, first, rest float64) []string {
	var out []string
	for _, para := range strings.Split(clean(text), "\n") {
		w := first
		if len(out) > 0 {
			w = rest
		}
		out = append(out, pdfdoc.Wrap(para, w, rest, pdfdoc.BreakAfterHyphen, d.measure)...)
		if d.err != nil {
			return nil
		}
	}
	return out
}

// text draws one line with its top at (x, y), aligned in a box of width w.
func (d *doc) text(x, y, w float64, s string, a align) {
	if s == "" || d.err != nil {
		return
	}
	switch a {
	case alignCenter:
		x += (w - d.measure(s)) / 2
	case alignRight:
		x += w - d.measure(s)
	}
	d.pdf.SetXY(x, y)
	d.fail(d.pdf.Cell(nil, s))
}

// block draws wrapped text in a box starting at (x, y) without page breaks
// and returns the y below it.
func (d *doc) block(x, y, w float64, s string, a align) float64 {
	for _, l := range d.wrap(s, w, w) {
		d.text(x, y, w, l, a)
		y += d.lineH()
	}
	return y
}

// para flows wrapped text across the full width, breaking pages as needed.
func (d *doc) para(s string, bold bool, size float64, a align) {
	d.paraIndent(s, bold, size, a, 0)
}

func (d *doc) paraIndent(s string, bold bool, size float64, a align, indent float64) {
	d.font(bold, size)
	w := d.width()
	for i, l := range d.wrap(s, w-indent, w) {
		d.ensure(d.lineH())
		x, lw := d.left, w
		if i == 0 {
			x, lw = d.left+indent, w-indent
		}
		d.text(x, d.y, lw, l, a)
		d.y += d.lineH()
	}
	d.y += 1 // between paragraphs
}

// field draws "label value" with the label in regular and the value in
// bold type; the value wraps under the label. An empty value leaves a dotted
// line to fill in by hand.
func (d *doc) field(label, value string, size float64) {
	d.font(false, size)
	label = clean(label) + " "
	lw := d.measure(label)
	w := d.width()
	if lw > w*0.6 { // a long label gets a line of its own
		d.para(label, false, size, alignLeft)
		lw = 0
		label = ""
	}
	if strings.TrimSpace(value) == "" {
		d.ensure(d.lineH())
		d.text(d.left, d.y, lw, label, alignLeft)
		dot := d.measure(".")
		if dot > 0 {
			d.text(d.left+lw, d.y, w-lw, strings.Repeat(".", int((w-lw)/dot)-1), alignLeft)
		}
		d.y += d.lineH()
		return
	}
	d.font(true, size)
	lines := d.wrap(value, w-lw, w)
	for i, l := range lines {
		d.ensure(d.lineH())
		x := d.left
		if i == 0 {
			if label != "" {
				d.font(false, size)
				d.text(d.left, d.y, lw, label, alignLeft)
				d.font(true, size)
			}
			x += lw
		}
		d.text(x, d.y, w, l, alignLeft)
		d.y += d.lineH()
	}
}

func (d *doc) space(h float64) {
	d.y += h
	if d.y > d.limit() {
		d.newPage()
	}
}

// column is one column of a table.
type column struct {
	title string
	width float64 // millimetres; the last column takes what is left when 0
	align align
}

// table draws a bordered table whose cells wrap their text. When a row does
// not fit, the table continues on the next page under a repeated header; a
// row taller than a page is split between pages.
func (d *doc) table(cols []column, rows [][]string, size float64) {
	if d.err != nil {
		return
	}
	// Columns of width 0 share what the others leave; then everything is
	// scaled to the text width so that rounding never crosses the margin.
	fixed, free := 0.0, 0
	for _, c := range cols {
		fixed += c.width
		if c.width == 0 {
			free++
		}
	}
	for i := range cols {
		if cols[i].width == 0 {
			cols[i].width = max(10, (d.width()-fixed)/float64(free))
		}
	}
	total := 0.0
	for _, c := range cols {
		total += c.width
	}
	for i := range cols {
		cols[i].width *= d.width() / total
	}
	d.font(false, size)
	lineH := d.lineH()
	split := func(cells []string, bold bool) [][]string {
		d.font(bold, size)
		out := make([][]string, len(cols))
		for i := range cols {
			s := ""
			if i < len(cells) {
				s = cells[i]
			}
			out[i] = d.wrap(s, cols[i].width-2*cellPadX, cols[i].width-2*cellPadX)
		}
		return out
	}
	height := func(cells [][]string) int {
		n := 1
		for _, c := range cells {
			n = max(n, len(c))
		}
		return n
	}
	titles := make([]string, len(cols))
	for i, c := range cols {
		titles[i] = c.title
	}
	head := split(titles, true)
	headH := float64(height(head))*lineH + 2*cellPadY
	// drawRow draws n lines of the cells at d.y.
	drawRow := func(cells [][]string, n int, bold, fill bool) {
		h := float64(n)*lineH + 2*cellPadY
		x := d.left
		d.font(bold, size)
		d.pdf.SetLineWidth(0.2) // each page starts with PDF's default width
		for i, c := range cols {
			if fill {
				d.pdf.SetFillColor(235, 235, 235)
				d.pdf.RectFromUpperLeftWithStyle(x, d.y, c.width, h, "FD")
				d.pdf.SetFillColor(0, 0, 0)
			} else {
				d.pdf.RectFromUpperLeftWithStyle(x, d.y, c.width, h, "D")
			}
			a := c.align
			if bold {
				a = alignCenter
			}
			for j := 0; j < n && j < len(cells[i]); j++ {
				d.text(x+cellPadX, d.y+cellPadY+float64(j)*lineH, c.width-2*cellPadX, cells[i][j], a)
			}
			x += c.width
		}
		d.y += h
	}
	header := func() {
		d.ensure(headH + lineH + 2*cellPadY)
		drawRow(head, height(head), true, true)
	}
	header()
	// fresh is how much a page holds below the header (a guess until the
	// first page break shows the running header's height).
	fresh := d.limit() - d.top - headH - 20
	for _, r := range rows {
		cells := split(r, false)
		for d.err == nil {
			n := height(cells)
			need := float64(n)*lineH + 2*cellPadY
			if d.y+need <= d.limit()+0.01 {
				drawRow(cells, n, false, false)
				break
			}
			room := int(math.Floor((d.limit() - d.y - 2*cellPadY) / lineH))
			// Move the row to the next page if it fits there whole;
			// otherwise fill this page with as much of it as fits.
			if float64(n)*lineH+2*cellPadY <= fresh || room < 1 {
				d.newPage()
				header()
				fresh = d.limit() - d.y
				continue
			}
			drawRow(cells, room, false, false)
			for i := range cells {
				if len(cells[i]) > room {
					cells[i] = cells[i][room:]
				} else {
					cells[i] = nil
				}
			}
			d.newPage()
			header()
			fresh = d.limit() - d.y
		}
	}
}

// qr draws a QR code of url, side millimetres wide, at (x, y).
func (d *doc) qr(x, y, side float64, url string) {
	if d.err != nil {
		return
	}
	png, err := qrcode.Encode(url, qrcode.Medium, 256)
	if err != nil {
		d.fail(fmt.Errorf("slips: QR code: %w", err))
		return
	}
	img, err := gopdf.ImageHolderByBytes(png)
	if err != nil {
		d.fail(fmt.Errorf("slips: QR code: %w", err))
		return
	}
	d.fail(d.pdf.ImageByHolder(img, x, y, &gopdf.Rect{W: side, H: side}))
}

// hline draws a horizontal rule.
func (d *doc) hline(x1, x2, y float64) {
	d.pdf.SetLineWidth(0.3)
	d.pdf.Line(x1, y, x2, y)
}

// footer writes a note on the left and the page number, formatted by
// pageFmt from (page, pages), on the right of every page once all pages
// exist.
func (d *doc) footer(note, pageFmt string) {
	if d.err != nil {
		return
	}
	for p := 1; p <= d.pages; p++ {
		if err := d.pdf.SetPage(p); err != nil {
			d.fail(err)
			return
		}
		d.font(false, 9)
		y := d.pageH - d.bottom + 2.5
		d.text(d.left, y, d.width(), note, alignLeft)
		d.text(d.left, y, d.width(), fmt.Sprintf(pageFmt, p, d.pages), alignRight)
	}
}
