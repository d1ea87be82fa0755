package catalog

import (
	"strings"
	"testing"
)

func TestFieldSource(t *testing.T) {
	tests := []struct {
		name  string
		field Field
		want  string // part of the error, "" for none
	}{
		{"none", Field{Name: "a", Label: "A", Type: FieldText}, ""},
		{"name from the identity", Field{Name: "a", Label: "A", Type: FieldText, Source: SourceFullName}, ""},
		{"birth date on a date", Field{Name: "a", Label: "A", Type: FieldDate, Source: SourceBirthDate}, ""},
		{"birth date on text", Field{Name: "a", Label: "A", Type: FieldText, Source: SourceBirthDate}, "want date"},
		{"ID number on id_number", Field{Name: "a", Label: "A", Type: FieldIDNumber, Source: SourceIDNumber}, ""},
		{"father's ID on a number", Field{Name: "a", Label: "A", Type: FieldNumber, Source: SourceFatherID}, "want id_number"},
		{"residence on text", Field{Name: "a", Label: "A", Type: FieldText, Source: SourcePermanentResidence}, ""},
		{"residence on a checkbox", Field{Name: "a", Label: "A", Type: FieldCheckbox, Source: SourcePermanentResidence}, "on a checkbox field"},
		{"unknown", Field{Name: "a", Label: "A", Type: FieldText, Source: "population.salary"}, "unknown source"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Form{Fields: []Field{tt.field}}.Check()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Check = %v, want an error with %q", err, tt.want)
			}
		})
	}
	if attr, ok := SourceFatherName.Population(); !ok || attr != "father.full_name" {
		t.Errorf("SourceFatherName.Population() = %q, %v", attr, ok)
	}
	if _, ok := SourcePhone.Population(); ok {
		t.Error("account.phone read as a population source")
	}
}

// Every demo procedure that asks for the applicant's name says where it
// comes from, so the demo shows the prefill.
func TestDemoFormsNameSources(t *testing.T) {
	specs, err := DemoCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range specs {
		for _, f := range s.Version.Form.Fields {
			if f.Name == "applicant_full_name" {
				n++
				if f.Source != SourceFullName {
					t.Errorf("%s: applicant_full_name has source %q", s.Code, f.Source)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no demo form asks for applicant_full_name")
	}
}
