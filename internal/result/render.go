package result

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/signintech/gopdf"
	"github.com/skip2/go-qrcode"
	"golang.org/x/text/unicode/norm"

	"github.com/motcua/motcua/internal/pdfdoc"
	"github.com/motcua/motcua/internal/slips"
)

// Metadata is what is kept about an electronic result and printed on it.
type Metadata struct {
	// Number and Symbol make the document's "Số: 12/GP-UBND".
	Number string
	Symbol string
	// Title is the kind of document, e.g. "Giấy phép xây dựng".
	Title     string
	IssueDate time.Time
	// Place is the place name before the date ("Hà Nội, ngày …").
	Place string
	// Signer is the name of the person who signs; SignerTitle their
	// position ("Chủ tịch").
	Signer      string
	SignerTitle string
	// Agency is the issuing agency's name.
	Agency string
	// ResultCode identifies the result on the verification page.
	ResultCode string
	// ValidUntil is the end of validity; zero means no limit.
	ValidUntil time.Time
}

// NumberSymbol is "12/GP-UBND" (the number alone when there is no symbol).
func (m Metadata) NumberSymbol() string {
	n, s := strings.TrimSpace(m.Number), strings.TrimSpace(m.Symbol)
	switch {
	case s == "":
		return n
	case n == "":
		return s
	}
	return n + "/" + s
}

// VerifyURL is the public verification page of a result code under base
// (the site's base URL).
func VerifyURL(base, code string) string {
	return strings.TrimRight(base, "/") + "/xac-thuc/" + url.PathEscape(code)
}

// vnZone is the time zone dates are written in (UTC+7, no daylight saving).
var vnZone = time.FixedZone("ICT", 7*3600)

// vnDate writes "ngày 05 tháng 3 năm 2025": days below 10 and the months
// January and February take a leading zero (Decree 30/2020/NĐ-CP).
func vnDate(t time.Time) string {
	t = t.In(vnZone)
	m := fmt.Sprint(int(t.Month()))
	if t.Month() <= 2 {
		m = "0" + m
	}
	return fmt.Sprintf("ngày %02d tháng %s năm %d", t.Day(), m, t.Year())
}

const (
	mottoState = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
	mottoLine  = "Độc lập - Tự do - Hạnh phúc"
	// QRCaption is printed under the QR code.
	QRCaption = "Quét mã để kiểm tra tính hợp lệ"
)

// page is a minimal layout over pdfdoc in millimetres (A4, the margins of
// Decree 30/2020: top and bottom 20, left 30, right 15); the first error
// sticks.
type page struct {
	*pdfdoc.Doc
	y float64
}

const (
	pageW, pageH             = 210.0, 297.0
	left, right, top, bottom = 30.0, 15.0, 20.0, 20.0
	textW                    = pageW - left - right
)

// fit sets the largest size from size down to least at which s fits in w
// on one line (least if none does: the text then wraps).
func (p *page) fit(bold bool, size, least float64, s string, w float64) {
	for ; size > least; size -= 0.5 {
		p.Font(bold, size)
		if p.Measure(s) <= w {
			return
		}
	}
	p.Font(bold, least)
}

// block draws wrapped lines in [x, x+w] from y and returns the y below.
func (p *page) block(x, y, w float64, s string, a pdfdoc.Align) float64 {
	for _, l := range p.Wrap(s, w) {
		p.Text(x, y, w, l, a)
		y += p.LineH()
	}
	return y
}

// ensure starts a new page unless h millimetres fit above the bottom.
func (p *page) ensure(h float64) {
	if p.y+h > pageH-bottom {
		p.PDF.AddPage()
		p.y = top
	}
}

// clean normalises to NFC (gopdf does not position combining marks) and
// plain spaces.
func clean(s string) string {
	s = norm.NFC.String(s)
	return strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ", "\t", " ", "\u00a0", " ").Replace(s)
}

// RenderResult lays out a result the platform issues itself: the agency
// and number beside the national motto, place and date, the title, the
// body (one paragraph per line), validity, the signer, and a QR code of
// qrURL captioned "Quét mã để kiểm tra tính hợp lệ". The PDF is unsigned;
// sign it with a Signer.
func RenderResult(meta Metadata, body []string, qrURL string) ([]byte, error) {
	if strings.TrimSpace(meta.Agency) == "" || strings.TrimSpace(meta.Title) == "" {
		return nil, errors.New("render result: agency and title are required")
	}
	if meta.IssueDate.IsZero() {
		return nil, errors.New("render result: issue date is required")
	}
	// The slips' Noto Serif (SIL Open Font License 1.1); gopdf embeds only
	// the glyphs a document uses.
	regular, bold := slips.Fonts()
	d, err := pdfdoc.New(pdfdoc.Config{PageSize: *gopdf.PageSizeA4,
		Info: &gopdf.PdfInfo{
			Title:        clean(meta.Title) + " " + clean(meta.NumberSymbol()),
			Author:       clean(meta.Agency),
			Creator:      "motcua",
			Producer:     "motcua",
			CreationDate: meta.IssueDate,
		},
		Regular: regular, Bold: bold, Leading: 1.3, Overflow: pdfdoc.KeepWhole})
	if err != nil {
		return nil, fmt.Errorf("render result: %w", err)
	}
	p := &page{Doc: d}
	pdf := p.PDF
	pdf.AddPage()
	p.y = top

	// Header: the agency and number on the left, the motto on the right.
	lw := textW * 0.45
	rx, rw := left+lw, textW-lw
	agency := strings.ToUpper(clean(meta.Agency))
	p.fit(true, 12, 10, agency, lw-2)
	ly := p.block(left, p.y, lw, agency, pdfdoc.Center)
	pdf.SetLineWidth(0.3)
	pdf.Line(left+lw/3, ly+1, left+2*lw/3, ly+1)
	ly += 3
	if ns := clean(meta.NumberSymbol()); ns != "" {
		p.Font(false, 12)
		ly = p.block(left, ly, lw, "Số: "+ns, pdfdoc.Center)
	}
	p.Font(true, 12)
	ry := p.block(rx, p.y, rw, mottoState, pdfdoc.Center)
	p.Font(true, 13)
	mw := p.Measure(mottoLine)
	ry = p.block(rx, ry, rw, mottoLine, pdfdoc.Center)
	pdf.Line(rx+(rw-mw)/2, ry+0.5, rx+(rw+mw)/2, ry+0.5)
	ry += 2.5
	p.Font(false, 12)
	date := vnDate(meta.IssueDate)
	if pl := clean(strings.TrimSpace(meta.Place)); pl != "" {
		date = pl + ", " + date
	}
	ry = p.block(rx, ry, rw, date, pdfdoc.Center)
	p.y = max(ly, ry) + 8

	p.Font(true, 14)
	p.y = p.block(left, p.y, textW, strings.ToUpper(clean(meta.Title)), pdfdoc.Center) + 4

	p.Font(false, 13)
	for _, para := range body {
		for _, l := range p.Wrap(clean(para), textW-10) {
			p.ensure(p.LineH())
			p.Text(left+10, p.y, textW-10, l, pdfdoc.Left)
			p.y += p.LineH()
		}
		p.y += 1.5
	}
	p.Font(false, 12)
	if code := clean(meta.ResultCode); code != "" {
		p.ensure(p.LineH())
		p.Text(left+10, p.y, textW-10, "Mã kết quả: "+code, pdfdoc.Left)
		p.y += p.LineH()
	}
	if !meta.ValidUntil.IsZero() {
		p.ensure(p.LineH())
		p.Text(left+10, p.y, textW-10, "Có giá trị đến "+vnDate(meta.ValidUntil)+".", pdfdoc.Left)
		p.y += p.LineH()
	}

	// The signature block on the right, the QR code on the left, side by
	// side at the end of the text.
	const qrSide = 32.0
	p.ensure(qrSide + 14)
	p.y += 6
	sy := p.y
	p.Font(true, 13)
	if t := clean(meta.SignerTitle); t != "" {
		sy = p.block(rx, sy, rw, strings.ToUpper(t), pdfdoc.Center)
	}
	p.Font(false, 11)
	sy = p.block(rx, sy, rw, "(Đã ký số)", pdfdoc.Center) + 12
	p.Font(true, 13)
	p.block(rx, sy, rw, clean(meta.Signer), pdfdoc.Center)
	if qrURL != "" {
		png, err := qrcode.Encode(qrURL, qrcode.Medium, 256)
		if err != nil {
			return nil, fmt.Errorf("render result: QR code: %w", err)
		}
		img, err := gopdf.ImageHolderByBytes(png)
		if err != nil {
			return nil, fmt.Errorf("render result: QR code: %w", err)
		}
		p.Fail(pdf.ImageByHolder(img, left, p.y, &gopdf.Rect{W: qrSide, H: qrSide}))
		p.Font(false, 9)
		y := p.block(left-2, p.y+qrSide, lw, QRCaption, pdfdoc.Left)
		p.Font(false, 7)
		p.block(left-2, y, lw, qrURL, pdfdoc.Left)
	}
	if p.Err != nil {
		return nil, fmt.Errorf("render result: %w", p.Err)
	}
	out, err := pdf.GetBytesPdfReturnErr()
	if err != nil {
		return nil, fmt.Errorf("render result: %w", err)
	}
	return out, nil
}
