package slips

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/catalog"
)

// TestBlankForm: the blank declaration form carries the title, the
// procedure, every field label with its diacritics, the options of a select,
// the documents to attach and the signature block; long text wraps inside
// the margins.
func TestBlankForm(t *testing.T) {
	v := version()
	v.Form = catalog.Form{Fields: []catalog.Field{
		{Name: "ho_ten", Label: "Họ, chữ đệm, tên người yêu cầu", Type: catalog.FieldText, Required: true},
		{Name: "ngay_sinh", Label: "Ngày, tháng, năm sinh", Type: catalog.FieldDate},
		{Name: "cccd", Label: "Số định danh cá nhân", Type: catalog.FieldIDNumber, Required: true},
		{Name: "noi_cu_tru", Label: "Nơi cư trú hiện tại (ghi rõ số nhà, đường phố, tổ dân phố, xã, phường, thị trấn, quận, huyện, tỉnh, thành phố trực thuộc trung ương nơi đang sinh sống)", Type: catalog.FieldTextarea},
		{Name: "quan_he", Label: "Quan hệ với người được khai sinh", Type: catalog.FieldSelect, Options: []catalog.Option{
			{Value: "cha", Label: "Cha"}, {Value: "me", Label: "Mẹ"}, {Value: "ong_ba", Label: "Ông, bà hoặc người thân thích khác"}}},
		{Name: "nhan_qua_buu_chinh", Label: "Đề nghị nhận kết quả qua dịch vụ bưu chính", Type: catalog.FieldCheckbox},
	}}
	var buf bytes.Buffer
	if err := BlankForm(&buf, BlankFormInput{ProcedureCode: "1.001193", ProcedureName: proc, Version: v, Place: place, Now: ict(2025, 3, 5, 8, 30)}); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", buf.Bytes()[:min(buf.Len(), 16)])
	}
	file := filepath.Join(t.TempDir(), "to-khai.pdf")
	if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	text := flat(run(t, "pdftotext", "-raw", file, "-"))
	wants := []string{"TỜ KHAI", proc, "1.001193", mottoState, mottoLine, "Kính gửi:",
		"Thành phần hồ sơ kèm theo", "Hà Nội, ngày …… tháng …… năm ……", "Người khai", "(ký, ghi rõ họ tên)",
		"Cha", "Mẹ", "Ông, bà hoặc người thân thích khác"}
	for _, f := range v.Form.Fields {
		wants = append(wants, f.Label)
	}
	for _, doc := range v.Documents {
		wants = append(wants, doc.Name)
	}
	for _, w := range wants {
		if !strings.Contains(text, flat(w)) {
			t.Errorf("blank form lacks %q\n%s", w, text)
		}
	}
	checkMargins(t, file)

	// No version: an error, not a panic.
	if err := BlankForm(&buf, BlankFormInput{ProcedureName: proc}); err == nil {
		t.Error("blank form without a version: no error")
	}
}
