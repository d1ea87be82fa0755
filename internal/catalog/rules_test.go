package catalog

import (
	"strings"
	"testing"
	"time"
)

func marriageForm() Form {
	basis := "Điều 8 Luật Hôn nhân và gia đình số 52/2014/QH13"
	return Form{
		Fields: []Field{
			{Name: "husband_birth_date", Label: "Ngày sinh của chồng", Type: FieldDate, Required: true},
			{Name: "husband_id_number", Label: "Số định danh của chồng", Type: FieldIDNumber, Required: true},
			{Name: "wife_birth_date", Label: "Ngày sinh của vợ", Type: FieldDate, Required: true},
			{Name: "wife_id_number", Label: "Số định danh của vợ", Type: FieldIDNumber, Required: true},
			{Name: "child_birth_date", Label: "Ngày sinh của con", Type: FieldDate},
			{Name: "child_id_number", Label: "Số định danh của con", Type: FieldIDNumber},
			{Name: "child_sex", Label: "Giới tính", Type: FieldSelect, Options: []Option{{Value: "nam", Label: "Nam"}, {Value: "nu", Label: "Nữ"}}},
		},
		Rules: []Rule{
			{Kind: RuleIDMatchesPerson, IDField: "husband_id_number", BirthField: "husband_birth_date", Sex: "male"},
			{Kind: RuleIDMatchesPerson, IDField: "wife_id_number", BirthField: "wife_birth_date", Sex: "female"},
			{Kind: RuleMinAge, BirthField: "husband_birth_date", Years: 20, Basis: basis},
			{Kind: RuleMinAge, BirthField: "wife_birth_date", Years: 18, Basis: basis},
			{Kind: RuleIDMatchesPerson, IDField: "child_id_number", BirthField: "child_birth_date", SexField: "child_sex"},
		},
	}
}

// TestFormRules: the ID number's century/sex/year digits against the date
// of birth and sex, and the statutory marriage ages (man 20, woman 18,
// Law on Marriage and Family 2014 Art. 8), counted in full years on the
// day of submission in Vietnam.
func TestFormRules(t *testing.T) {
	f := marriageForm()
	if err := f.Check(); err != nil {
		t.Fatal(err)
	}
	// 10:00 on 15/06/2026 in Vietnam.
	now := time.Date(2026, 6, 15, 3, 0, 0, 0, time.UTC)
	ok := map[string]any{
		"husband_birth_date": "1990-04-02", "husband_id_number": "001090001234",
		"wife_birth_date": "1995-08-30", "wife_id_number": "001195004321",
	}
	with := func(kv ...string) map[string]any {
		m := map[string]any{}
		for k, v := range ok {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name        string
		data        map[string]any
		field, code string
	}{
		{"all agree", ok, "", ""},
		{"year digits differ", with("husband_id_number", "001091001234"), "husband_id_number", CodeIDBirthMismatch},
		{"century digit differs", with("wife_birth_date", "2005-01-01", "wife_id_number", "001105004321"), "wife_id_number", CodeIDBirthMismatch},
		{"a woman's digit on the husband", with("husband_id_number", "001190001234"), "husband_id_number", CodeIDSexMismatch},
		{"a man's digit on the wife", with("wife_id_number", "001095004321"), "wife_id_number", CodeIDSexMismatch},
		{"2000s woman", with("wife_birth_date", "2007-06-15", "wife_id_number", "001307004321"), "", ""}, // 18 today
		{"woman one day short of 18", with("wife_birth_date", "2008-06-16", "wife_id_number", "001308004321"), "wife_birth_date", CodeUnderAge},
		{"man of 19", with("husband_birth_date", "2006-12-31", "husband_id_number", "001206001234"), "husband_birth_date", CodeUnderAge},
		{"man 20 today", with("husband_birth_date", "2006-06-15", "husband_id_number", "001206001234"), "", ""},
		{"child by the sex field", with("child_birth_date", "2020-02-02", "child_id_number", "001320000001", "child_sex", "nam"), "child_id_number", CodeIDSexMismatch},
		{"child agrees", with("child_birth_date", "2020-02-02", "child_id_number", "001320000001", "child_sex", "nu"), "", ""},
		{"optional date empty: nothing to compare", with("child_id_number", "001320000001"), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clean, errs := f.Validate(tt.data, now)
			if tt.code == "" {
				if len(errs) > 0 || clean == nil {
					t.Fatalf("refused: %v", errs)
				}
				return
			}
			if len(errs) != 1 || errs[0].Field != tt.field || errs[0].Code != tt.code || clean != nil {
				t.Fatalf("errors %v, want %s on %s", errs, tt.code, tt.field)
			}
			vi, en := errs[0].Message("vi", f), errs[0].Message("en", f)
			if vi == "" || en == "" || vi == en {
				t.Fatalf("messages %q / %q", vi, en)
			}
			if tt.code == CodeUnderAge && (!strings.Contains(vi, "Điều 8 Luật Hôn nhân và gia đình") || !strings.Contains(en, "under ")) {
				t.Fatalf("the age message names neither the age nor the law: %q / %q", vi, en)
			}
		})
	}
}

// TestFormRulesChecked: a rule naming a missing field, a field of the
// wrong type, an unknown kind or an age without its legal basis is refused
// when the catalogue is imported.
func TestFormRulesChecked(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Form)
		want string
	}{
		{"unknown kind", func(f *Form) { f.Rules[0].Kind = "sixth_sense" }, "unknown kind"},
		{"missing field", func(f *Form) { f.Rules[0].IDField = "nobody_id_number" }, `no field "nobody_id_number"`},
		{"wrong type", func(f *Form) { f.Rules[0].IDField = "wife_birth_date" }, "is a date field, not id_number"},
		{"age without basis", func(f *Form) { f.Rules[2].Basis = " " }, "legal basis"},
		{"absurd age", func(f *Form) { f.Rules[2].Years = 0 }, "years must be"},
		{"sex and sex field", func(f *Form) { f.Rules[4].Sex = "male" }, "sex and sex_field"},
		{"bad sex", func(f *Form) { f.Rules[0].Sex = "m" }, "sex must be male or female"},
		{"sex field with other options", func(f *Form) {
			f.Fields[6].Options = append(f.Fields[6].Options, Option{Value: "khac", Label: "Khác"})
		}, `option "khac"`},
	} {
		f := marriageForm()
		f.Rules = append([]Rule(nil), f.Rules...)
		f.Fields = append([]Field(nil), f.Fields...)
		tc.edit(&f)
		if err := f.Check(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}
