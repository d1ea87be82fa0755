package pdfdoc_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/signintech/gopdf"

	"github.com/motcua/motcua/internal/pdfdoc"
	"github.com/motcua/motcua/internal/slips"
)

// runes measures a string as one unit per letter, so that the expected
// lines can be worked out by hand.
func runes(s string) float64 { return float64(utf8.RuneCountInString(s)) }

func TestWrap(t *testing.T) {
	// "Nguyễn" decomposed: e, combining circumflex, combining tilde.
	nfd := "Nguye\u0302\u0303n Va\u0306n"
	tests := []struct {
		name        string
		s           string
		first, rest float64
		o           pdfdoc.Overflow
		want        []string
	}{
		{"empty", "", 10, 10, pdfdoc.KeepWhole, []string{""}},
		{"empty breaking", "", 10, 10, pdfdoc.BreakLetters, []string{""}},
		{"only spaces", " \t\n ", 10, 10, pdfdoc.BreakAfterHyphen, []string{""}},
		{"fits", "ab cd", 5, 5, pdfdoc.KeepWhole, []string{"ab cd"}},
		{"words wrap", "ab cd ef", 5, 5, pdfdoc.BreakLetters, []string{"ab cd", "ef"}},
		{"newlines are spaces", "ab\ncd\tef", 5, 5, pdfdoc.KeepWhole, []string{"ab cd", "ef"}},
		{"long word kept whole", "ab abcdefgh cd", 5, 5, pdfdoc.KeepWhole, []string{"ab", "abcdefgh", "cd"}},
		{"long first word kept whole", "abcdefgh cd", 5, 5, pdfdoc.KeepWhole, []string{"abcdefgh", "cd"}},
		{"long word broken", "ab abcdefgh cd", 5, 5, pdfdoc.BreakLetters, []string{"ab", "abcde", "fgh", "cd"}},
		{"tail of a broken word takes the next", "abcdefg h", 5, 5, pdfdoc.BreakLetters, []string{"abcde", "fg h"}},
		{"hyphen ignored when breaking letters", "ab-cdefg", 5, 5, pdfdoc.BreakLetters, []string{"ab-cd", "efg"}},
		{"broken after hyphen", "ab-cdefg", 5, 5, pdfdoc.BreakAfterHyphen, []string{"ab-", "cdefg"}},
		{"broken after slash", "12/2025/QĐ", 5, 5, pdfdoc.BreakAfterHyphen, []string{"12/", "2025/", "QĐ"}},
		{"no hyphen: letters", "abcdefgh", 5, 5, pdfdoc.BreakAfterHyphen, []string{"abcde", "fgh"}},
		{"first line narrower", "ab cd ef gh", 2, 5, pdfdoc.KeepWhole, []string{"ab", "cd ef", "gh"}},
		{"first line wider", "ab cd ef gh", 5, 2, pdfdoc.BreakLetters, []string{"ab cd", "ef", "gh"}},
		// NFC: six letters, not eight, so "Nguyễn" fits a line of 6.
		{"NFC", nfd, 6, 6, pdfdoc.BreakLetters, []string{"Nguyễn", "Văn"}},
		{"NFC kept whole", nfd, 3, 3, pdfdoc.KeepWhole, []string{"Nguyễn", "Văn"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pdfdoc.Wrap(tt.s, tt.first, tt.rest, tt.o, runes)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Wrap(%q, %v, %v) = %q, want %q", tt.s, tt.first, tt.rest, got, tt.want)
			}
		})
	}
}

func newDoc(t *testing.T, o pdfdoc.Overflow) *pdfdoc.Doc {
	t.Helper()
	regular, bold := slips.Fonts()
	d, err := pdfdoc.New(pdfdoc.Config{PageSize: *gopdf.PageSizeA5, Info: &gopdf.PdfInfo{Title: "Thử"},
		Regular: regular, Bold: bold, Leading: 1.3, Overflow: o})
	if err != nil {
		t.Fatal(err)
	}
	d.PDF.AddPage()
	return d
}

func TestDoc(t *testing.T) {
	d := newDoc(t, pdfdoc.BreakLetters)
	d.Font(true, 10)
	if !d.Bold || d.Size != 10 {
		t.Errorf("Font(true, 10) left Bold %v, Size %v", d.Bold, d.Size)
	}
	if got, want := d.LineH(), 10*25.4/72*1.3; got < want-1e-9 || got > want+1e-9 {
		t.Errorf("LineH() = %v, want %v", got, want)
	}
	if d.Measure("") != 0 {
		t.Error("Measure of empty text is not 0")
	}
	short, long := d.Measure("i"), d.Measure("Đồng Tháp")
	if short <= 0 || long <= short {
		t.Errorf("Measure: %v for i, %v for Đồng Tháp", short, long)
	}
	const w = 20.0
	lines := d.Wrap("Ủy ban nhân dân thành phố Hồ Chí Minh CHUYENDOIQUOCGIAKHONGKHOANGTRANG", w)
	if len(lines) < 3 {
		t.Errorf("Wrap in %v mm gave %q", w, lines)
	}
	for _, l := range lines {
		if d.Measure(l) > w {
			t.Errorf("line %q is %v mm wide, more than %v", l, d.Measure(l), w)
		}
	}
	for _, a := range []pdfdoc.Align{pdfdoc.Left, pdfdoc.Center, pdfdoc.Right} {
		d.Text(10, 10, 100, "Độc lập - Tự do - Hạnh phúc", a)
	}
	if d.Err != nil {
		t.Fatal(d.Err)
	}
	var buf bytes.Buffer
	if _, err := d.PDF.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Error("not a PDF")
	}
}

func TestDocFirstErrorSticks(t *testing.T) {
	d := newDoc(t, pdfdoc.KeepWhole)
	d.Font(false, 10)
	first := d.PDF.SetFont("no such family", "", 10)
	if first == nil {
		t.Fatal("SetFont of an unknown family did not fail")
	}
	d.Fail(first)
	d.Fail(nil)
	d.Fail(bytes.ErrTooLarge)
	if d.Err != first {
		t.Errorf("Err = %v, want the first error %v", d.Err, first)
	}
	if d.Measure("abc") != 0 {
		t.Error("Measure after an error is not 0")
	}
}

func TestNewBadFont(t *testing.T) {
	regular, _ := slips.Fonts()
	_, err := pdfdoc.New(pdfdoc.Config{PageSize: *gopdf.PageSizeA4, Regular: regular, Bold: []byte("not a font")})
	if err == nil || !strings.Contains(err.Error(), "bold face") {
		t.Errorf("New with a broken bold face: err = %v, want one naming the bold face", err)
	}
}
