package slips

import (
	"errors"
	"io"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/catalog"
	"github.com/signintech/gopdf"
)

// BlankFormInput is what a blank declaration form (tờ khai) needs.
type BlankFormInput struct {
	ProcedureCode string
	ProcedureName string
	Version       *catalog.Version // its Form and Documents are printed
	Place         string           // printed before the date; dotted when empty
	Now           time.Time        // the PDF's creation date
}

const (
	formSize = 13
	optSize  = 12
)

// BlankForm renders the typed form of a procedure version as an A4 paper
// form to fill in by hand: the national motto, the title "TỜ KHAI" and the
// procedure name, one labelled dotted line per field (checkboxes and the
// options of a select as boxes to tick), the documents to attach with their
// originals and copies, and the place, date and signature of the declarant.
// The form is in Vietnamese.
func BlankForm(w io.Writer, in BlankFormInput) error {
	if in.Version == nil {
		return errors.New("slips: blank form needs the procedure version")
	}
	if in.Now.IsZero() {
		in.Now = time.Now()
	}
	l := lang{}
	d := newDoc(false)
	d.newPage()

	// The motto, centred, its second line underlined.
	w0 := d.width()
	d.fit(true, 12, mottoState, w0-2, 9)
	d.y = d.block(d.left, d.y, w0, mottoState, alignCenter)
	d.fit(true, 13, mottoLine, w0-2, 9)
	mw := d.measure(mottoLine)
	d.y = d.block(d.left, d.y, w0, mottoLine, alignCenter)
	d.hline(d.left+(w0-mw)/2, d.left+(w0+mw)/2, d.y+0.5)
	d.y += 10

	d.para("TỜ KHAI", true, 15, alignCenter)
	if name := strings.TrimSpace(in.ProcedureName); name != "" {
		d.para(name, true, 13, alignCenter)
	}
	if code := strings.TrimSpace(in.ProcedureCode); code != "" {
		d.para("(Mã thủ tục: "+code+")", false, 11, alignCenter)
	}
	d.space(4)
	d.field("Kính gửi:", "", formSize)
	d.space(2)

	for _, f := range in.Version.Form.Fields {
		label := strings.TrimSpace(f.Label)
		if label == "" {
			label = f.Name
		}
		if f.Required {
			label += " (*)"
		}
		switch f.Type {
		case catalog.FieldCheckbox:
			d.checkbox(label, 0, formSize)
		case catalog.FieldSelect:
			d.para(label+":", false, formSize, alignLeft)
			for _, o := range f.Options {
				text := strings.TrimSpace(o.Label)
				if text == "" {
					text = o.Value
				}
				d.checkbox(text, 8, optSize)
			}
		case catalog.FieldTextarea:
			d.field(label+":", "", formSize)
			d.field("", "", formSize)
			d.field("", "", formSize)
		case catalog.FieldDate:
			d.field(label+" (ngày/tháng/năm):", "", formSize)
		default:
			d.field(label+":", "", formSize)
		}
		if h := strings.TrimSpace(f.Help); h != "" {
			d.paraIndent("("+h+")", false, 10, alignLeft, 4)
		}
	}

	if len(in.Version.Documents) > 0 {
		d.space(3)
		d.para("Thành phần hồ sơ kèm theo", true, formSize, alignLeft)
		d.space(1)
		var rows [][]string
		for i := range in.Version.Documents {
			doc := in.Version.Documents[i]
			rows = append(rows, docRow(i+1, doc.Name, &doc))
		}
		d.table([]column{{l.t("colNo"), 12, alignCenter}, {l.t("colDoc"), 0, alignLeft},
			{l.t("colOrig"), 22, alignCenter}, {l.t("colCopy"), 22, alignCenter}}, rows, tableSize)
	}

	d.space(3)
	if hasRequired(in.Version.Form.Fields) {
		d.para("(*) Thông tin bắt buộc.", false, 10, alignLeft)
	}
	d.para("Tôi xin cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật về lời khai của mình.", false, formSize, alignLeft)

	// Place, date and signature on the right half.
	d.space(4)
	d.ensure(40)
	half := d.width() / 2
	rx := d.left + half
	place := strings.TrimSpace(clean(in.Place))
	if place == "" {
		place = "…………"
	}
	d.font(false, 12)
	y := d.block(rx-10, d.y, half+10, place+", ngày …… tháng …… năm ……", alignCenter)
	d.font(true, 12)
	y = d.block(rx, y, half, "Người khai", alignCenter)
	d.font(false, 11)
	y = d.block(rx, y, half, "(ký, ghi rõ họ tên)", alignCenter)
	d.y = y + 25

	if d.pages > 1 {
		note := "Tờ khai"
		if in.ProcedureCode != "" {
			note += " - " + in.ProcedureCode
		}
		d.footer(note, l.t("page"))
	}
	d.pdf.SetInfo(gopdf.PdfInfo{Title: "Tờ khai " + in.ProcedureName, Subject: in.ProcedureCode,
		Creator: "motcua", Producer: "motcua", CreationDate: in.Now})
	return d.finish(w)
}

func hasRequired(fs []catalog.Field) bool {
	for _, f := range fs {
		if f.Required {
			return true
		}
	}
	return false
}

// checkbox draws an empty box to tick (the font has no □ glyph) followed by
// label, wrapped beside it, indent millimetres from the left margin.
func (d *doc) checkbox(label string, indent, size float64) {
	d.font(false, size)
	side := size * ptMM * 0.75
	gap := 2.0
	x := d.left + indent + side + gap
	w := d.width() - indent - side - gap
	lines := d.wrap(label, w, w)
	for i, s := range lines {
		d.ensure(d.lineH())
		if i == 0 && d.err == nil {
			d.pdf.SetLineWidth(0.25)
			top := d.y + (size*ptMM-side)/2 + 0.3
			d.pdf.RectFromUpperLeftWithStyle(d.left+indent, top, side, side, "D")
		}
		d.text(x, d.y, w, s, alignLeft)
		d.y += d.lineH()
	}
	d.y += 0.5
}
