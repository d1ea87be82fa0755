package web

import (
	"reflect"
	"testing"

	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/vn"
)

func TestFormFields(t *testing.T) {
	one, ten := 1.0, 10.5
	form := catalog.Form{Fields: []catalog.Field{
		{Name: "ten", Label: "Họ và tên", LabelEN: "Full name", Type: catalog.FieldText, Required: true, Help: "Như trên căn cước"},
		{Name: "so", Label: "Số bản", Type: catalog.FieldNumber, Min: &one, Max: &ten},
		{Name: "cccd", Label: "Số định danh", Type: catalog.FieldIDNumber},
		{Name: "dt", Label: "Điện thoại", Type: catalog.FieldPhone},
		{Name: "mail", Label: "Thư điện tử", Type: catalog.FieldEmail},
		{Name: "ngay", Label: "Ngày", Type: catalog.FieldDate},
		{Name: "ghi_chu", Label: "Ghi chú", Type: catalog.FieldTextarea},
		{Name: "dong_y", Label: "Cam đoan", Type: catalog.FieldCheckbox, Required: true},
		{Name: "gioi", Label: "Giới tính", Type: catalog.FieldSelect, Options: []catalog.Option{{Value: "nam", Label: "Nam", LabelEN: "Male"}, {Value: "nu", Label: "Nữ"}}},
	}}
	// A stored date (yyyy-mm-dd, a saved draft) comes back as people
	// write it.
	values := map[string]string{"ten": "An", "dong_y": "on", "gioi": "nu", "ngay": "2026-12-05"}
	got := FormFields(form, values, EN, "— Choose —")
	want := []FormField{
		{ID: "field-ten", Name: "ten", Kind: "text", InputType: "text", Label: "Full name", Help: "Như trên căn cước", Value: "An", Required: true, MaxLen: 500, Auto: "off"},
		{ID: "field-so", Name: "so", Kind: "number", InputType: "number", Label: "Số bản", Min: "1", Max: "10.5", Mode: "decimal", Auto: "off"},
		{ID: "field-cccd", Name: "cccd", Kind: "id_number", InputType: "text", Label: "Số định danh", MaxLen: 12, Mode: "numeric", Auto: "off"},
		{ID: "field-dt", Name: "dt", Kind: "phone", InputType: "tel", Label: "Điện thoại", Auto: "tel"},
		{ID: "field-mail", Name: "mail", Kind: "email", InputType: "email", Label: "Thư điện tử", Auto: "email"},
		{ID: "field-ngay", Name: "ngay", Kind: "date", InputType: "text", Label: "Ngày", Value: "05/12/2026", Mode: "numeric", Auto: "off",
			Placeholder: "dd/mm/yyyy", Pattern: vn.DatePattern},
		{ID: "field-ghi_chu", Name: "ghi_chu", Kind: "textarea", InputType: "text", Label: "Ghi chú", MaxLen: 5000, Auto: "off"},
		{ID: "field-dong_y", Name: "dong_y", Kind: "checkbox", InputType: "text", Label: "Cam đoan", Value: "on", Checked: true, Required: true, Auto: "off"},
		{ID: "field-gioi", Name: "gioi", Kind: "select", InputType: "text", Label: "Giới tính", Value: "nu", Auto: "off", Options: []FormOption{
			{Label: "— Choose —"}, {Value: "nam", Label: "Male"}, {Value: "nu", Label: "Nữ", Selected: true}}},
	}
	if len(got) != len(want) {
		t.Fatalf("%d fields, want %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("field %s:\n got %+v\nwant %+v", want[i].Name, got[i], want[i])
		}
	}
	if d := got[0].Described(); d != "field-ten-hint" {
		t.Errorf("Described = %q", d)
	}
	got[0].Error = "x"
	if d := got[0].Described(); d != "field-ten-hint field-ten-error" {
		t.Errorf("Described with an error = %q", d)
	}
	if d := got[5].Described(); d != "field-ngay-format" {
		t.Errorf("Described of a date = %q, want its format hint", d)
	}
}

func TestAnswerText(t *testing.T) {
	yesNo := func(b bool) string {
		if b {
			return "Có"
		}
		return "Không"
	}
	sel := catalog.Field{Type: catalog.FieldSelect, Options: []catalog.Option{{Value: "nu", Label: "Nữ", LabelEN: "Female"}}}
	for _, tc := range []struct {
		fd   catalog.Field
		val  any
		lang string
		want string
	}{
		{catalog.Field{Type: catalog.FieldDate}, "1990-04-02", "vi", "02/04/1990"},
		{catalog.Field{Type: catalog.FieldDate}, "02/04/1990", "vi", "02/04/1990"},
		{catalog.Field{Type: catalog.FieldDate}, "1990-02-31", "vi", "1990-02-31"},
		{sel, "nu", "vi", "Nữ"},
		{sel, "nu", EN, "Female"},
		{catalog.Field{Type: catalog.FieldCheckbox}, true, "vi", "Có"},
		{catalog.Field{Type: catalog.FieldCheckbox}, "on", "vi", "Có"},
		{catalog.Field{Type: catalog.FieldCheckbox}, "", "vi", "Không"},
		{catalog.Field{Type: catalog.FieldNumber}, 2.0, "vi", "2"},
		{catalog.Field{Type: catalog.FieldText}, "  Lê Thị Cúc ", "vi", "Lê Thị Cúc"},
	} {
		if got := AnswerText(tc.fd, tc.val, tc.lang, yesNo); got != tc.want {
			t.Errorf("%s %v: %q, want %q", tc.fd.Type, tc.val, got, tc.want)
		}
	}
}
