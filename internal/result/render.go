package result

import (
	_ "embed"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/signintech/gopdf"
	"github.com/skip2/go-qrcode"
	"golang.org/x/text/unicode/norm"
)

// Noto Serif from Debian fonts-noto-core, SIL Open Font License 1.1
// (fonts/OFL.txt), the same files as internal/slips. gopdf embeds only the
// glyphs a document uses.
var (
	//go:embed fonts/NotoSerif-Regular.ttf
	fontRegular []byte
	//go:embed fonts/NotoSerif-Bold.ttf
	fontBold []byte
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
	family    = "serif"
	ptMM      = 25.4 / 72
)

// page is a minimal layout over gopdf in millimetres (A4, the margins of
// Decree 30/2020: top and bottom 20, left 30, right 15); the first error
// sticks.
type page struct {
	pdf  *gopdf.GoPdf
	y    float64
	size float64
	err  error
}

const (
	pageW, pageH             = 210.0, 297.0
	left, right, top, bottom = 30.0, 15.0, 20.0, 20.0
	textW                    = pageW - left - right
)

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
	p.size = size
	p.fail(p.pdf.SetFont(family, style, size))
}

func (p *page) lineH() float64 { return p.size * ptMM * 1.3 }

func (p *page) measure(s string) float64 {
	if p.err != nil || s == "" {
		return 0
	}
	w, err := p.pdf.MeasureTextWidth(s)
	p.fail(err)
	return w
}

// fit sets the largest size from size down to least at which s fits in w
// on one line (least if none does: the text then wraps).
func (p *page) fit(bold bool, size, least float64, s string, w float64) {
	for ; size > least; size -= 0.5 {
		p.font(bold, size)
		if p.measure(s) <= w {
			return
		}
	}
	p.font(bold, least)
}

// wrap breaks s into lines no wider than w (a longer word stays whole on
// its own line; result texts have no such words in practice).
func (p *page) wrap(s string, w float64) []string {
	var out []string
	line := ""
	for _, word := range strings.Fields(s) {
		cand := word
		if line != "" {
			cand = line + " " + word
		}
		if line != "" && p.measure(cand) > w {
			out = append(out, line)
			cand = word
		}
		line = cand
	}
	return append(out, line)
}

// text draws s centred (or from x when !center) in the box [x, x+w] at y.
func (p *page) text(x, y, w float64, s string, center bool) {
	if p.err != nil || s == "" {
		return
	}
	if center {
		x += (w - p.measure(s)) / 2
	}
	p.pdf.SetXY(x, y)
	p.fail(p.pdf.Cell(nil, s))
}

// block draws wrapped lines in [x, x+w] from y and returns the y below.
func (p *page) block(x, y, w float64, s string, center bool) float64 {
	for _, l := range p.wrap(s, w) {
		p.text(x, y, w, l, center)
		y += p.lineH()
	}
	return y
}

// ensure starts a new page unless h millimetres fit above the bottom.
func (p *page) ensure(h float64) {
	if p.y+h > pageH-bottom {
		p.pdf.AddPage()
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
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitMM})
	pdf.SetCompressLevel(9)
	pdf.SetInfo(gopdf.PdfInfo{
		Title:        clean(meta.Title) + " " + clean(meta.NumberSymbol()),
		Author:       clean(meta.Agency),
		Creator:      "motcua",
		Producer:     "motcua",
		CreationDate: meta.IssueDate,
	})
	p := &page{pdf: pdf}
	reg := gopdf.TtfOption{Style: gopdf.Regular, OnGlyphNotFoundSubstitute: gopdf.DefaultOnGlyphNotFoundSubstitute}
	bold := reg
	bold.Style = gopdf.Bold
	p.fail(pdf.AddTTFFontDataWithOption(family, fontRegular, reg))
	p.fail(pdf.AddTTFFontDataWithOption(family, fontBold, bold))
	if p.err != nil {
		return nil, fmt.Errorf("render result: load fonts: %w", p.err)
	}
	pdf.AddPage()
	p.y = top

	// Header: the agency and number on the left, the motto on the right.
	lw := textW * 0.45
	rx, rw := left+lw, textW-lw
	agency := strings.ToUpper(clean(meta.Agency))
	p.fit(true, 12, 10, agency, lw-2)
	ly := p.block(left, p.y, lw, agency, true)
	pdf.SetLineWidth(0.3)
	pdf.Line(left+lw/3, ly+1, left+2*lw/3, ly+1)
	ly += 3
	if ns := clean(meta.NumberSymbol()); ns != "" {
		p.font(false, 12)
		ly = p.block(left, ly, lw, "Số: "+ns, true)
	}
	p.font(true, 12)
	ry := p.block(rx, p.y, rw, mottoState, true)
	p.font(true, 13)
	mw := p.measure(mottoLine)
	ry = p.block(rx, ry, rw, mottoLine, true)
	pdf.Line(rx+(rw-mw)/2, ry+0.5, rx+(rw+mw)/2, ry+0.5)
	ry += 2.5
	p.font(false, 12)
	date := vnDate(meta.IssueDate)
	if pl := clean(strings.TrimSpace(meta.Place)); pl != "" {
		date = pl + ", " + date
	}
	ry = p.block(rx, ry, rw, date, true)
	p.y = max(ly, ry) + 8

	p.font(true, 14)
	p.y = p.block(left, p.y, textW, strings.ToUpper(clean(meta.Title)), true) + 4

	p.font(false, 13)
	for _, para := range body {
		for _, l := range p.wrap(clean(para), textW-10) {
			p.ensure(p.lineH())
			p.text(left+10, p.y, textW-10, l, false)
			p.y += p.lineH()
		}
		p.y += 1.5
	}
	p.font(false, 12)
	if code := clean(meta.ResultCode); code != "" {
		p.ensure(p.lineH())
		p.text(left+10, p.y, textW-10, "Mã kết quả: "+code, false)
		p.y += p.lineH()
	}
	if !meta.ValidUntil.IsZero() {
		p.ensure(p.lineH())
		p.text(left+10, p.y, textW-10, "Có giá trị đến "+vnDate(meta.ValidUntil)+".", false)
		p.y += p.lineH()
	}

	// The signature block on the right, the QR code on the left, side by
	// side at the end of the text.
	const qrSide = 32.0
	p.ensure(qrSide + 14)
	p.y += 6
	sy := p.y
	p.font(true, 13)
	if t := clean(meta.SignerTitle); t != "" {
		sy = p.block(rx, sy, rw, strings.ToUpper(t), true)
	}
	p.font(false, 11)
	sy = p.block(rx, sy, rw, "(Đã ký số)", true) + 12
	p.font(true, 13)
	p.block(rx, sy, rw, clean(meta.Signer), true)
	if qrURL != "" {
		png, err := qrcode.Encode(qrURL, qrcode.Medium, 256)
		if err != nil {
			return nil, fmt.Errorf("render result: QR code: %w", err)
		}
		img, err := gopdf.ImageHolderByBytes(png)
		if err != nil {
			return nil, fmt.Errorf("render result: QR code: %w", err)
		}
		p.fail(pdf.ImageByHolder(img, left, p.y, &gopdf.Rect{W: qrSide, H: qrSide}))
		p.font(false, 9)
		y := p.block(left-2, p.y+qrSide, lw, QRCaption, false)
		p.font(false, 7)
		p.block(left-2, y, lw, qrURL, false)
	}
	if p.err != nil {
		return nil, fmt.Errorf("render result: %w", p.err)
	}
	out, err := pdf.GetBytesPdfReturnErr()
	if err != nil {
		return nil, fmt.Errorf("render result: %w", err)
	}
	return out, nil
}
