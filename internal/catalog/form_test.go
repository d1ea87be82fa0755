package catalog

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func ptr(v float64) *float64 { return &v }

// testForm has one field of every type, plus the variants Validate treats
// specially (birth dates, optional fields, bounds).
func testForm() Form {
	return Form{Fields: []Field{
		{Name: "full_name", Label: "Họ và tên chồng", LabelEN: "Husband's full name", Type: FieldText, Required: true, MaxLength: 20},
		{Name: "note", Label: "Ghi chú", LabelEN: "Note", Type: FieldTextarea},
		{Name: "floors", Label: "Số tầng", LabelEN: "Storeys", Type: FieldNumber, Min: ptr(1), Max: ptr(50)},
		{Name: "husband_birth_date", Label: "Ngày sinh của chồng", LabelEN: "Husband's date of birth", Type: FieldDate},
		{Name: "start_date", Label: "Ngày khởi công", LabelEN: "Start date", Type: FieldDate},
		{Name: "sex", Label: "Giới tính", LabelEN: "Sex", Type: FieldSelect, Options: []Option{{Value: "nam", Label: "Nam"}, {Value: "nu", Label: "Nữ"}}},
		{Name: "basement", Label: "Có tầng hầm", LabelEN: "Basement", Type: FieldCheckbox},
		{Name: "id_number", Label: "Số định danh cá nhân", LabelEN: "Personal ID number", Type: FieldIDNumber},
		{Name: "phone", Label: "Số điện thoại", LabelEN: "Phone", Type: FieldPhone},
		{Name: "email", Label: "Thư điện tử", LabelEN: "E-mail", Type: FieldEmail},
	}}
}

var now = time.Date(2025, 7, 15, 10, 0, 0, 0, vnZone)

func TestFormCheck(t *testing.T) {
	if err := testForm().Check(); err != nil {
		t.Fatalf("good form: %v", err)
	}
	bad := map[string]Field{
		"empty name":         {Name: "", Label: "X", Type: FieldText},
		"bad name":           {Name: "Full-Name", Label: "X", Type: FieldText},
		"leading digit":      {Name: "1name", Label: "X", Type: FieldText},
		"empty label":        {Name: "a", Label: " ", Type: FieldText},
		"unknown type":       {Name: "a", Label: "X", Type: "color"},
		"select no options":  {Name: "a", Label: "X", Type: FieldSelect},
		"duplicate option":   {Name: "a", Label: "X", Type: FieldSelect, Options: []Option{{Value: "x", Label: "X"}, {Value: "x", Label: "Y"}}},
		"empty option label": {Name: "a", Label: "X", Type: FieldSelect, Options: []Option{{Value: "x"}}},
		"options on text":    {Name: "a", Label: "X", Type: FieldText, Options: []Option{{Value: "x", Label: "X"}}},
		"max_length on date": {Name: "a", Label: "X", Type: FieldDate, MaxLength: 10},
		"min on text":        {Name: "a", Label: "X", Type: FieldText, Min: ptr(1)},
		"min > max":          {Name: "a", Label: "X", Type: FieldNumber, Min: ptr(2), Max: ptr(1)},
		"label not NFC":      {Name: "a", Label: norm.NFD.String("Họ tên"), Type: FieldText},
	}
	for name, f := range bad {
		if err := (Form{Fields: []Field{f}}).Check(); err == nil {
			t.Errorf("%s: Check accepted %+v", name, f)
		}
	}
	dup := Form{Fields: []Field{{Name: "a", Label: "A", Type: FieldText}, {Name: "a", Label: "B", Type: FieldText}}}
	if err := dup.Check(); err == nil || !strings.Contains(err.Error(), "duplicate") {
		t.Errorf("duplicate names: got %v", err)
	}
}

func TestMarshalEmptyOptions(t *testing.T) {
	b, err := json.Marshal(Form{Fields: []Field{{Name: "a", Label: "A", Type: FieldText}}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"options":[]`) {
		t.Errorf("options not serialised as []: %s", b)
	}
	if b, _ := json.Marshal(Form{}); string(b) != `{"fields":[]}` {
		t.Errorf("empty form = %s", b)
	}
	// The round trip keeps the definition.
	f := testForm()
	b, _ = json.Marshal(f)
	var back Form
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Fields[2].Min == nil || *back.Fields[2].Max != 50 || back.Fields[5].Options[1].Label != "Nữ" {
		t.Errorf("round trip lost data: %+v", back)
	}
}

func TestValidateClean(t *testing.T) {
	f := testForm()
	tests := []struct {
		name string
		in   map[string]any
		want map[string]any
	}{
		{
			name: "JSON types",
			in: map[string]any{
				"full_name": "  Nguyễn   Văn\tAn ", "note": "dòng 1\r\ndòng 2\n", "floors": 3.0,
				"husband_birth_date": "1990-12-25", "start_date": "2030-01-01", "sex": "nam", "basement": true,
				"id_number": "001090123456", "phone": "+84 912 345 678", "email": "An.Nguyen@Example.VN",
			},
			want: map[string]any{
				"full_name": "Nguyễn Văn An", "note": "dòng 1\ndòng 2", "floors": 3.0,
				"husband_birth_date": "1990-12-25", "start_date": "2030-01-01", "sex": "nam", "basement": true,
				"id_number": "001090123456", "phone": "0912345678", "email": "An.Nguyen@example.vn",
			},
		},
		{
			name: "HTML strings",
			in: map[string]any{
				"full_name": "Trần Thị B", "floors": " 2.5 ", "husband_birth_date": "5/3/1988",
				"start_date": "01-02-2026", "sex": "nu", "basement": "on", "id_number": "001 090 123456",
				"phone": "091.234.5678", "email": " b@example.vn ",
			},
			want: map[string]any{
				"full_name": "Trần Thị B", "floors": 2.5, "husband_birth_date": "1988-03-05",
				"start_date": "2026-02-01", "sex": "nu", "basement": true, "id_number": "001090123456",
				"phone": "0912345678", "email": "b@example.vn",
			},
		},
		{
			name: "optional fields empty, checkbox absent",
			in:   map[string]any{"full_name": "An", "note": "   ", "floors": "", "email": nil, "phone": []string{}},
			want: map[string]any{"full_name": "An", "basement": false},
		},
		{
			name: "decomposed input is stored NFC",
			in:   map[string]any{"full_name": norm.NFD.String("Lê Thị Hồng"), "basement": "false"},
			want: map[string]any{"full_name": "Lê Thị Hồng", "basement": false},
		},
		{
			name: "url.Values style lists keep the last value",
			in:   map[string]any{"full_name": []string{"An"}, "basement": []string{"false", "on"}, "floors": []any{4.0}},
			want: map[string]any{"full_name": "An", "basement": true, "floors": 4.0},
		},
		{
			name: "json.Number and numbers for text",
			in:   map[string]any{"full_name": json.Number("12"), "floors": json.Number("7"), "basement": 0.0},
			want: map[string]any{"full_name": "12", "floors": 7.0, "basement": false},
		},
		{
			name: "birth date today is fine",
			in:   map[string]any{"full_name": "An", "husband_birth_date": "15/07/2025", "basement": "1"},
			want: map[string]any{"full_name": "An", "husband_birth_date": "2025-07-15", "basement": true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := f.Validate(tt.in, now)
			if errs != nil {
				t.Fatalf("errors: %v", errs)
			}
			if _, ok := tt.want["basement"]; !ok {
				tt.want["basement"] = false
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %#v\nwant %#v", got, tt.want)
			}
			if !norm.NFC.IsNormalString(got["full_name"].(string)) {
				t.Errorf("full_name not NFC")
			}
		})
	}
}

func TestValidateErrors(t *testing.T) {
	f := testForm()
	base := func(kv ...any) map[string]any {
		m := map[string]any{"full_name": "An"}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name  string
		in    map[string]any
		field string
		code  string
	}{
		{"required missing", map[string]any{}, "full_name", CodeRequired},
		{"required blank", map[string]any{"full_name": " \t "}, "full_name", CodeRequired},
		{"too long", map[string]any{"full_name": strings.Repeat("ắ", 21)}, "full_name", CodeTooLong},
		{"textarea default max", base("note", strings.Repeat("a", DefaultTextareaMaxLength+1)), "note", CodeTooLong},
		{"text gets bool", map[string]any{"full_name": true}, "full_name", CodeBadType},
		{"text gets object", map[string]any{"full_name": map[string]any{"a": 1}}, "full_name", CodeBadType},
		{"not number", base("floors", "ba"), "floors", CodeNotNumber},
		{"decimal comma", base("floors", "2,5"), "floors", CodeNotNumber},
		{"NaN string", base("floors", "NaN"), "floors", CodeNotNumber},
		{"number gets bool", base("floors", true), "floors", CodeNotNumber},
		{"below min", base("floors", 0.0), "floors", CodeOutOfRange},
		{"above max string", base("floors", "51"), "floors", CodeOutOfRange},
		{"bad date", base("start_date", "2025-02-30"), "start_date", CodeBadDate},
		{"bad date format", base("start_date", "12 May 2025"), "start_date", CodeBadDate},
		{"mixed separators", base("start_date", "01/02-2025"), "start_date", CodeBadDate},
		{"date gets number", base("start_date", 20250101.0), "start_date", CodeBadDate},
		{"future birth date", base("husband_birth_date", "16/07/2025"), "husband_birth_date", CodeFutureDate},
		{"bad option", base("sex", "khac"), "sex", CodeBadOption},
		{"option is case-sensitive", base("sex", "Nam"), "sex", CodeBadOption},
		{"not bool", base("basement", "maybe"), "basement", CodeNotBool},
		{"not bool number", base("basement", 2.0), "basement", CodeNotBool},
		{"id length", base("id_number", "012345678"), "id_number", "id_length"},
		{"id digits", base("id_number", "00109012345A"), "id_number", "id_digits"},
		{"id province", base("id_number", "999090123456"), "id_number", "id_province"},
		{"id future year", base("id_number", "001299123456"), "id_number", "id_future_year"},
		{"phone invalid", base("phone", "12345"), "phone", "phone_invalid"},
		{"email invalid", base("email", "an@localhost"), "email", "email_invalid"},
		{"unknown field", base("hack", "x"), "hack", CodeUnknownField},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clean, errs := f.Validate(tt.in, now)
			if clean != nil {
				t.Errorf("clean map returned with errors: %v", clean)
			}
			want := FieldErrors{{Field: tt.field, Code: tt.code}}
			if !reflect.DeepEqual(errs, want) {
				t.Errorf("got %v, want %v", errs, want)
			}
		})
	}
}

func TestFutureDateOnlyForBirthDates(t *testing.T) {
	f := Form{Fields: []Field{
		{Name: "applicant_dob", Label: "Ngày sinh", Type: FieldDate},
		{Name: "child_birth_date", Label: "Ngày sinh", Type: FieldDate},
		{Name: "date_of_death", Label: "Ngày chết", Type: FieldDate},
		{Name: "birth_date_note", Label: "Ghi chú", Type: FieldDate},
	}}
	_, errs := f.Validate(map[string]any{
		"applicant_dob": "2030-01-01", "child_birth_date": "2030-01-01", "date_of_death": "2030-01-01", "birth_date_note": "2030-01-01",
	}, now)
	want := FieldErrors{{"applicant_dob", CodeFutureDate}, {"child_birth_date", CodeFutureDate}}
	if !reflect.DeepEqual(errs, want) {
		t.Errorf("got %v, want %v", errs, want)
	}
	// "Today" is Vietnam's: at 23:30 UTC on 14 July it is already 15 July in Hà Nội.
	late := time.Date(2025, 7, 14, 23, 30, 0, 0, time.UTC)
	if _, errs := f.Validate(map[string]any{"child_birth_date": "2025-07-15"}, late); errs != nil {
		t.Errorf("birth today in Vietnam rejected: %v", errs)
	}
}

func TestValidateDeterministicOrder(t *testing.T) {
	f := testForm()
	in := map[string]any{
		"zeta": 1, "alpha": 2, "email": "x", "floors": "x", "sex": "x", "mid": 3,
	}
	want := FieldErrors{
		{"full_name", CodeRequired}, {"floors", CodeNotNumber}, {"sex", CodeBadOption}, {"email", "email_invalid"},
		{"alpha", CodeUnknownField}, {"mid", CodeUnknownField}, {"zeta", CodeUnknownField},
	}
	for range 20 {
		_, errs := f.Validate(in, now)
		if !reflect.DeepEqual(errs, want) {
			t.Fatalf("got %v, want %v", errs, want)
		}
	}
	if got := (FieldErrors)(want[:2]).Error(); got != "catalog: invalid form data: full_name: required; floors: not_number" {
		t.Errorf("Error() = %q", got)
	}
	if (FieldErrors)(nil).Err() != nil || want.Err() == nil {
		t.Errorf("Err() wrong")
	}
}

func TestFormData(t *testing.T) {
	v := url.Values{"full_name": {"An"}, "basement": {"false", "on"}, "floors": {"3"}}
	clean, errs := testForm().Validate(FormData(v), now)
	if errs != nil {
		t.Fatal(errs)
	}
	if clean["basement"] != true || clean["floors"] != 3.0 {
		t.Errorf("clean = %v", clean)
	}
}

func TestRequiredCheckbox(t *testing.T) {
	f := Form{Fields: []Field{{Name: "declaration", Label: "Tôi cam đoan", Type: FieldCheckbox, Required: true}}}
	for _, in := range []map[string]any{{}, {"declaration": "off"}, {"declaration": false}} {
		if _, errs := f.Validate(in, now); !reflect.DeepEqual(errs, FieldErrors{{"declaration", CodeRequired}}) {
			t.Errorf("%v: got %v", in, errs)
		}
	}
	if clean, errs := f.Validate(map[string]any{"declaration": "on"}, now); errs != nil || clean["declaration"] != true {
		t.Errorf("ticked: %v %v", clean, errs)
	}
}

func TestMessages(t *testing.T) {
	f := testForm()
	codes := append([]string{}, Codes...)
	codes = append(codes, "id_length", "id_digits", "id_province", "id_future_year", "phone_invalid", "email_invalid")
	fieldFor := map[string]string{
		CodeTooLong: "full_name", CodeNotNumber: "floors", CodeOutOfRange: "floors", CodeBadDate: "start_date",
		CodeFutureDate: "husband_birth_date", CodeBadOption: "sex", CodeNotBool: "basement",
		"phone_invalid": "phone", "email_invalid": "email",
	}
	for _, code := range codes {
		name := fieldFor[code]
		if name == "" {
			name = "full_name"
			if strings.HasPrefix(code, "id_") {
				name = "id_number"
			}
		}
		fd, _ := f.Field(name)
		fe := FieldError{Field: name, Code: code}
		vi, en := fe.Message("vi", f), fe.Message("en-GB", f)
		if !strings.Contains(vi, "«"+fd.Label+"»") {
			t.Errorf("%s vi %q lacks label %q", code, vi, fd.Label)
		}
		if !strings.Contains(en, "“"+fd.LabelEN+"”") {
			t.Errorf("%s en %q lacks label %q", code, en, fd.LabelEN)
		}
		if fe.Message("", f) != vi {
			t.Errorf("%s: default language is not Vietnamese", code)
		}
		for _, m := range []string{vi, en} {
			if !utf8.ValidString(m) || !norm.NFC.IsNormalString(m) || !strings.HasSuffix(m, ".") {
				t.Errorf("%s: badly formed message %q", code, m)
			}
		}
		if vi == en {
			t.Errorf("%s: same text in both languages", code)
		}
	}

	cases := map[FieldError][2]string{
		{"full_name", CodeRequired}:  {"Trường «Họ và tên chồng» là bắt buộc.", "The field “Husband's full name” is required."},
		{"full_name", CodeTooLong}:   {"Trường «Họ và tên chồng» dài quá mức cho phép: tối đa 20 ký tự.", "The field “Husband's full name” is too long: at most 20 characters."},
		{"floors", CodeOutOfRange}:   {"Trường «Số tầng» phải có giá trị từ 1 đến 50.", "The field “Storeys” must be between 1 and 50."},
		{"note", CodeTooLong}:        {"Trường «Ghi chú» dài quá mức cho phép: tối đa 5000 ký tự.", ""},
		{"hack", CodeUnknownField}:   {"Trường «hack» không thuộc biểu mẫu của thủ tục này.", "The field “hack” is not part of this procedure's form."},
		{"sex", CodeBadOption}:       {"Giá trị của trường «Giới tính» không có trong danh sách lựa chọn.", ""},
		{"id_number", "id_province"}: {"Trường «Số định danh cá nhân»: Ba chữ số đầu của số định danh cá nhân không phải là mã tỉnh, thành phố nơi đăng ký khai sinh hợp lệ.", ""},
	}
	for fe, want := range cases {
		if got := fe.Message("vi", f); got != want[0] {
			t.Errorf("%v vi:\n got %q\nwant %q", fe, got, want[0])
		}
		if want[1] != "" {
			if got := fe.Message("en", f); got != want[1] {
				t.Errorf("%v en:\n got %q\nwant %q", fe, got, want[1])
			}
		}
	}

	big := Form{Fields: []Field{{Name: "capital", Label: "Vốn", LabelEN: "Capital", Type: FieldNumber, Min: ptr(1000000.5)}}}
	fe := FieldError{"capital", CodeOutOfRange}
	if got := fe.Message("vi", big); got != "Trường «Vốn» phải có giá trị không nhỏ hơn 1.000.000,5." {
		t.Errorf("vi number format: %q", got)
	}
	if got := fe.Message("en", big); got != "The field “Capital” must be at least 1,000,000.5." {
		t.Errorf("en number format: %q", got)
	}

	m := FieldErrors{{"full_name", CodeRequired}, {"full_name", CodeTooLong}, {"sex", CodeBadOption}}.Messages("vi", f)
	if len(m) != 2 || m["full_name"] != "Trường «Họ và tên chồng» là bắt buộc." {
		t.Errorf("Messages = %v", m)
	}
}

func TestLabelFallsBackToVietnamese(t *testing.T) {
	f := Form{Fields: []Field{{Name: "a", Label: "Địa chỉ", Type: FieldText, Required: true}}}
	if got := (FieldError{"a", CodeRequired}).Message("en", f); got != "The field “Địa chỉ” is required." {
		t.Errorf("got %q", got)
	}
}
