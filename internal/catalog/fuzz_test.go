package catalog

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzValidate gives the form validator arbitrary values (as text, number
// or boolean) for a field of every type and an unknown key: it never
// panics, is deterministic, names only fields it was given, explains every
// problem in both languages, and what it accepts is valid UTF-8 text.
func FuzzValidate(f *testing.F) {
	form := testForm()
	for _, s := range []struct {
		field, value string
		kind         uint8
	}{
		{"full_name", "Nguyễn Văn An", 0}, {"full_name", strings.Repeat("ễ", 21), 0}, {"full_name", "", 0},
		{"note", "a\x00b", 0}, {"note", "\xff", 0}, {"floors", "12", 0}, {"floors", "1e400", 0}, {"floors", "NaN", 0},
		{"floors", "3", 1}, {"husband_birth_date", "29/02/2024", 0}, {"husband_birth_date", "2099-01-01", 0},
		{"start_date", "2025-13-01", 0}, {"sex", "nu", 0}, {"sex", "khac", 0}, {"basement", "yes", 0},
		{"basement", "true", 2}, {"id_number", "001090001234", 0}, {"id_number", "99909000123x", 0},
		{"phone", "0912 345 678", 0}, {"phone", "+84912345678", 0}, {"email", "a@b.vn", 0}, {"email", "a@@b", 0},
		{"x", "1", 0},
	} {
		f.Add(s.field, s.value, s.kind)
	}
	f.Fuzz(func(t *testing.T, field, value string, kind uint8) {
		data := map[string]any{"full_name": "An"}
		switch kind % 4 {
		case 0:
			data[field] = value
		case 1:
			data[field] = float64(len(value))
		case 2:
			data[field] = len(value)%2 == 0
		case 3:
			data[field] = []any{value}
		}
		clean, errs := form.Validate(data, now)
		clean2, errs2 := form.Validate(data, now)
		if !reflect.DeepEqual(clean, clean2) || !reflect.DeepEqual(errs, errs2) {
			t.Fatalf("not deterministic: %v %v / %v %v", clean, errs, clean2, errs2)
		}
		for _, fe := range errs {
			_, given := data[fe.Field]
			if _, defined := form.Field(fe.Field); !given && !defined {
				t.Fatalf("error on %q, neither given nor defined", fe.Field)
			}
			if fe.Message("vi", form) == "" || fe.Message("en", form) == "" {
				t.Fatalf("no message for %+v", fe)
			}
		}
		if len(errs) > 0 {
			return
		}
		for k, v := range clean {
			if _, defined := form.Field(k); !defined {
				t.Fatalf("accepted unknown field %q", k)
			}
			if s, ok := v.(string); ok && !utf8.ValidString(s) {
				t.Fatalf("accepted invalid UTF-8 in %q: %q", k, s)
			}
		}
	})
}
