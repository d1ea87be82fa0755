package receipt

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/signintech/gopdf"

	"github.com/motcua/motcua/internal/pdfdoc"
	"github.com/motcua/motcua/internal/slips"
)

// The layout is its own; the page helpers are pdfdoc's and the fonts the
// slips'.
const (
	// A5 portrait, margins of 12 mm: receipts are small documents.
	pageW, pageH = 148.0, 210.0
	margin       = 12.0
	leading      = 1.3
	// footerH is kept free at the foot of a page for the legal note.
	footerH = 9.0
)

var methodNames = map[Method]string{
	Online:   "Thanh toán trực tuyến (Online)",
	Cash:     "Tiền mặt (Cash)",
	Transfer: "Chuyển khoản (Bank transfer)",
}

// page lays out one receipt in millimetres; the first error sticks.
type page struct {
	*pdfdoc.Doc
	y float64
}

// ensure starts a new page unless h more millimetres fit above the
// footer note.
func (p *page) ensure(h float64) {
	if p.y+h > pageH-margin-footerH {
		p.PDF.AddPage()
		p.y = margin
	}
}

// block draws wrapped text in a box and returns the y below it.
func (p *page) block(x, y, w float64, s string, align pdfdoc.Align) float64 {
	for _, l := range p.Wrap(s, w) {
		p.Text(x, y, w, l, align)
		y += p.LineH()
	}
	return y
}

// field draws "label value", the value in bold, wrapped under the label.
func (p *page) field(label, value string) {
	const size = 9.5
	w := pageW - 2*margin
	p.Font(false, size)
	label += " "
	lw := p.Measure(label)
	p.ensure(p.LineH())
	p.Text(margin, p.y, lw, label, 'l')
	p.Font(true, size)
	lines := p.Wrap(value, w-lw)
	if len(lines) > 1 { // the rest flows under the label
		lines = append(lines[:1], p.Wrap(strings.Join(lines[1:], " "), w)...)
	}
	for i, l := range lines {
		x := margin
		if i == 0 {
			x += lw
		} else {
			p.ensure(p.LineH())
		}
		p.Text(x, p.y, w, l, 'l')
		p.y += p.LineH()
	}
}

// Render draws the receipt as an A5 PDF. Labels are Vietnamese with the
// English in brackets, as Decree 123/2020 allows for a foreign language.
func Render(r *Receipt) ([]byte, error) {
	regular, bold := slips.Fonts()
	doc, err := pdfdoc.New(pdfdoc.Config{PageSize: *gopdf.PageSizeA5,
		Info:    &gopdf.PdfInfo{Title: r.Title() + " " + r.Series + " " + r.NumberText(), Creator: "motcua"},
		Regular: regular, Bold: bold, Leading: leading, Overflow: pdfdoc.BreakLetters})
	if err != nil {
		return nil, fmt.Errorf("receipt: %w", err)
	}
	p := &page{Doc: doc}
	p.PDF.AddPage()
	w := pageW - 2*margin

	// Masthead: the collecting unit on the left, the receipt's identity
	// on the right.
	left, right := w*0.56, w*0.44
	p.y = margin
	p.Font(false, 8.5)
	y1 := p.block(margin, p.y, left, "ĐƠN VỊ THU (Collecting agency)", 'l')
	p.Font(true, 9)
	y1 = p.block(margin, y1, left, r.UnitName, 'l')
	p.Font(false, 8.5)
	if r.UnitCode != "" {
		y1 = p.block(margin, y1, left, "Mã đơn vị (Unit code): "+r.UnitCode, 'l')
	}
	x2 := margin + left
	y2 := p.y
	for _, l := range []string{"Mẫu số (Form): " + r.Form, "Ký hiệu (Series): " + r.Series, "Số (No.): " + r.NumberText()} {
		y2 = p.block(x2, y2, right, l, 'r')
	}
	p.y = max(y1, y2) + 4

	p.Font(true, 14)
	p.y = p.block(margin, p.y, w, r.Title(), 'c')
	p.Font(false, 9)
	en := "Fee receipt"
	if r.Kind == Charge {
		en = "Charge receipt"
	}
	p.y = p.block(margin, p.y, w, "("+en+", electronic)", 'c')
	d := r.IssuedAt.In(Zone)
	p.y = p.block(margin, p.y, w, fmt.Sprintf("Ngày %02d tháng %02d năm %d (%s)", d.Day(), int(d.Month()), d.Year(), d.Format("02/01/2006")), 'c')
	p.y += 4

	p.field("Tên người nộp tiền (Payer):", r.Payer.Name)
	if r.Payer.IDNumber != "" {
		p.field("Số định danh (ID number):", r.Payer.IDNumber)
	}
	if r.Payer.Address != "" {
		p.field("Địa chỉ (Address):", r.Payer.Address)
	}
	if r.DossierCode != "" {
		p.field("Mã hồ sơ (Dossier):", r.DossierCode)
	}
	p.y += 3
	p.table(r)
	p.y += 3
	p.field("Số tiền bằng chữ (In words):", AmountInWords(r.Total)+".")
	p.Font(false, 8.5)
	for _, l := range p.Wrap("("+AmountInWordsEN(r.Total)+")", w) {
		p.ensure(p.LineH())
		p.Text(margin, p.y, w, l, 'l')
		p.y += p.LineH()
	}
	p.field("Hình thức thanh toán (Method):", methodNames[r.Method])
	if r.PaymentRef != "" {
		p.field("Mã giao dịch (Payment reference):", r.PaymentRef)
	}

	// Signatures: the payer's and the collecting unit's.
	p.y += 6
	p.ensure(16)
	half := w / 2
	p.Font(true, 9)
	p.Text(margin, p.y, half, "NGƯỜI NỘP TIỀN", 'c')
	p.Text(margin+half, p.y, half, "ĐƠN VỊ THU TIỀN", 'c')
	p.y += p.LineH()
	p.Font(false, 8)
	p.Text(margin, p.y, half, "(Payer)", 'c')
	p.Text(margin+half, p.y, half, "(Collecting agency)", 'c')
	p.y += p.LineH()
	p.block(margin+half, p.y, half, "Biên lai điện tử, lập lúc "+d.Format("15:04 02/01/2006"), 'c')

	p.Font(false, 7.5)
	p.block(margin, pageH-margin-2*p.LineH(), w,
		"Biên lai điện tử theo Nghị định 123/2020/NĐ-CP và Thông tư 78/2021/TT-BTC; tra cứu tại đơn vị thu theo ký hiệu và số biên lai.", 'c')
	if p.Err != nil {
		return nil, fmt.Errorf("receipt: laying out %s %s: %w", r.Series, r.NumberText(), p.Err)
	}
	var buf bytes.Buffer
	if _, err := p.PDF.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("receipt: writing PDF: %w", err)
	}
	return buf.Bytes(), nil
}

// table draws the items: number, name (with code), amount; then the total.
func (p *page) table(r *Receipt) {
	const size = 9
	w := pageW - 2*margin
	cols := []float64{10, w - 10 - 32, 32}
	xs := []float64{margin, margin + cols[0], margin + cols[0] + cols[1]}
	const padX, padY = 1.5, 1.0
	row := func(cells []string, bold bool, aligns string) {
		p.Font(bold, size)
		h := p.LineH()
		lines := make([][]string, len(cells))
		for i, c := range cells {
			lines[i] = p.Wrap(c, cols[i]-2*padX)
			h = max(h, float64(len(lines[i]))*p.LineH())
		}
		h += 2 * padY
		p.ensure(h)
		for i := range cells {
			p.PDF.RectFromUpperLeft(xs[i], p.y, cols[i], h)
			y := p.y + padY
			for _, l := range lines[i] {
				p.Text(xs[i]+padX, y, cols[i]-2*padX, l, pdfdoc.Align(aligns[i]))
				y += p.LineH()
			}
		}
		p.y += h
	}
	p.PDF.SetLineWidth(0.2)
	row([]string{"STT", "Nội dung khoản thu (Item)", "Số tiền (đồng)"}, true, "ccc")
	for i, it := range r.Items {
		name := it.Name
		if it.Code != "" {
			name += " (" + it.Code + ")"
		}
		row([]string{fmt.Sprint(i + 1), name, FormatVND(it.Amount)}, false, "clr")
	}
	row([]string{"", "Tổng cộng (Total)", FormatVND(r.Total)}, true, "clr")
}
