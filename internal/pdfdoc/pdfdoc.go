// Package pdfdoc is the small layer over gopdf that the platform's PDF
// documents (slips, receipts, reports, results) share: starting a document
// with the embedded fonts, the current font, measuring and wrapping text,
// and drawing aligned lines. Units are millimetres. Each document keeps its
// own layout (positions, tables, headers).
package pdfdoc

import (
	"errors"
	"fmt"
	"strings"

	"github.com/signintech/gopdf"
	"golang.org/x/text/unicode/norm"
)

// Family is the name the regular and bold faces are registered under.
const Family = "serif"

// PtMM converts a size in points to millimetres.
const PtMM = 25.4 / 72

// Start begins a document of the given page size in millimetres,
// compressed, with info as its metadata when info is not nil. It registers
// no fonts: see AddFonts.
func Start(size gopdf.Rect, info *gopdf.PdfInfo) *gopdf.GoPdf {
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: size, Unit: gopdf.UnitMM})
	pdf.SetCompressLevel(9)
	if info != nil {
		pdf.SetInfo(*info)
	}
	return pdf
}

// AddFonts registers the regular and bold faces (TrueType data) under
// Family. A glyph a face lacks is drawn as the substitute rather than
// failing the document. Both faces are tried even when the first fails.
func AddFonts(pdf *gopdf.GoPdf, regular, bold []byte) error {
	reg := gopdf.TtfOption{Style: gopdf.Regular, OnGlyphNotFoundSubstitute: gopdf.DefaultOnGlyphNotFoundSubstitute}
	bo := reg
	bo.Style = gopdf.Bold
	var errs []error
	if err := pdf.AddTTFFontDataWithOption(Family, regular, reg); err != nil {
		errs = append(errs, fmt.Errorf("the regular face: %w", err))
	}
	if err := pdf.AddTTFFontDataWithOption(Family, bold, bo); err != nil {
		errs = append(errs, fmt.Errorf("the bold face: %w", err))
	}
	return errors.Join(errs...)
}

// Config describes a new Doc.
type Config struct {
	// PageSize is the page size in millimetres, e.g. *gopdf.PageSizeA4.
	PageSize gopdf.Rect
	// Info is the document's metadata; nil leaves it unset.
	Info *gopdf.PdfInfo
	// Regular and Bold are the TrueType faces (slips.Fonts()).
	Regular, Bold []byte
	// Leading is the line height as a multiple of the font size.
	Leading float64
	// Overflow is what Wrap does with a word wider than a line.
	Overflow Overflow
}

// Doc is a PDF being drawn with a current font. The first error sticks:
// later drawing does nothing, measuring gives 0, and the caller reports Err
// when it finishes.
type Doc struct {
	PDF *gopdf.GoPdf
	// Size is the current font size in points; Bold its weight.
	Size float64
	Bold bool
	// Leading is the line height as a multiple of the font size.
	Leading float64
	// Overflow is what Wrap does with a word wider than a line.
	Overflow Overflow
	Err      error
}

// New starts a document with the fonts registered and no page yet.
func New(c Config) (*Doc, error) {
	d := &Doc{PDF: Start(c.PageSize, c.Info), Leading: c.Leading, Overflow: c.Overflow}
	if err := AddFonts(d.PDF, c.Regular, c.Bold); err != nil {
		return nil, fmt.Errorf("loading the fonts: %w", err)
	}
	return d, nil
}

// Fail keeps err when it is the first error.
func (d *Doc) Fail(err error) {
	if d.Err == nil && err != nil {
		d.Err = err
	}
}

// Font sets the current font: Family, bold or regular, size in points.
func (d *Doc) Font(bold bool, size float64) {
	style := ""
	if bold {
		style = "B"
	}
	d.Bold, d.Size = bold, size
	d.Fail(d.PDF.SetFont(Family, style, size))
}

// LineH is the height of one line in the current font, in millimetres.
func (d *Doc) LineH() float64 { return d.Size * PtMM * d.Leading }

// Measure is the width of s in the current font; 0 when s is empty or
// after an error.
func (d *Doc) Measure(s string) float64 {
	if s == "" || d.Err != nil {
		return 0
	}
	w, err := d.PDF.MeasureTextWidth(s)
	d.Fail(err)
	return w
}

// Wrap breaks s into lines no wider than w in the current font, treating
// a word wider than a line as d.Overflow says.
func (d *Doc) Wrap(s string, w float64) []string {
	return Wrap(s, w, w, d.Overflow, d.Measure)
}

// Align is where a line sits in its box.
type Align byte

// The alignments are the letters the layouts used to write them with.
const (
	Left   Align = 'l'
	Center Align = 'c'
	Right  Align = 'r'
)

// Text draws one line with its top at (x, y), aligned in a box of width w.
func (d *Doc) Text(x, y, w float64, s string, a Align) {
	if s == "" || d.Err != nil {
		return
	}
	switch a {
	case Center:
		x += (w - d.Measure(s)) / 2
	case Right:
		x += w - d.Measure(s)
	}
	d.PDF.SetXY(x, y)
	d.Fail(d.PDF.Cell(nil, s))
}

// Overflow is what Wrap does with a single word wider than a line.
type Overflow int

const (
	// KeepWhole puts the word whole on a line of its own, wider than the
	// others (codes and names are short: breaking them would mislead).
	KeepWhole Overflow = iota
	// BreakLetters breaks the word between letters.
	BreakLetters
	// BreakAfterHyphen breaks the word after the last hyphen or slash that
	// fits (codes, dates), else between letters.
	BreakAfterHyphen
)

// Wrap breaks s, normalised to NFC (gopdf does not position combining
// marks), into lines: the first no wider than first, the others no wider
// than rest, as measure gives widths. Words are separated by any white
// space, newlines included; o says what becomes of a word wider than a
// line. Empty text gives one empty line.
func Wrap(s string, first, rest float64, o Overflow, measure func(string) float64) []string {
	var out []string
	avail := func() float64 {
		if len(out) == 0 {
			return first
		}
		return rest
	}
	line := ""
	for _, word := range strings.Fields(norm.NFC.String(s)) {
		cand := word
		if line != "" {
			cand = line + " " + word
		}
		// A word starting a line that may overflow is taken unmeasured.
		if (line == "" && o == KeepWhole) || measure(cand) <= avail() {
			line = cand
			continue
		}
		if line != "" {
			out = append(out, line)
			line = ""
		}
		if o == KeepWhole || measure(word) <= avail() {
			line = word
			continue
		}
		var part []rune
		cut := 0 // part[:cut] ends with a hyphen or slash
		for _, r := range word {
			if len(part) > 0 && measure(string(append(part, r))) > avail() {
				if cut == 0 {
					cut = len(part)
				}
				out = append(out, string(part[:cut]))
				part = append(part[:0], part[cut:]...)
				cut = 0
			}
			part = append(part, r)
			if o == BreakAfterHyphen && (r == '-' || r == '/') {
				cut = len(part)
			}
		}
		line = string(part)
	}
	return append(out, line)
}
