package catalog

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// FieldType is the kind of value a form field takes. It decides both how the
// field is rendered and how Validate cleans the submitted value.
type FieldType string

// Field types.
const (
	FieldText     FieldType = "text"      // one line of text
	FieldTextarea FieldType = "textarea"  // several lines of text
	FieldNumber   FieldType = "number"    // a decimal number, stored as float64
	FieldDate     FieldType = "date"      // a calendar date, stored as "YYYY-MM-DD"
	FieldSelect   FieldType = "select"    // one of Field.Options
	FieldCheckbox FieldType = "checkbox"  // yes/no, stored as bool
	FieldIDNumber FieldType = "id_number" // 12-digit personal identification number (CCCD)
	FieldPhone    FieldType = "phone"     // Vietnamese phone number, stored in national form
	FieldEmail    FieldType = "email"     // e-mail address
)

// FieldTypes lists every field type, in the order forms editors offer them.
var FieldTypes = []FieldType{
	FieldText, FieldTextarea, FieldNumber, FieldDate, FieldSelect,
	FieldCheckbox, FieldIDNumber, FieldPhone, FieldEmail,
}

// Valid reports whether t is a known field type.
func (t FieldType) Valid() bool {
	for _, x := range FieldTypes {
		if x == t {
			return true
		}
	}
	return false
}

// Default maximum lengths, in characters (runes), of text fields that set no
// MaxLength. They bound what a single dossier can make the store hold.
const (
	DefaultTextMaxLength     = 500
	DefaultTextareaMaxLength = 5000
)

// Option is one choice of a select field.
type Option struct {
	Value   string `json:"value"`
	Label   string `json:"label"`
	LabelEN string `json:"label_en,omitempty"`
}

// Field is one input of a procedure's form.
type Field struct {
	Name      string    `json:"name"`
	Label     string    `json:"label"`
	LabelEN   string    `json:"label_en,omitempty"`
	Type      FieldType `json:"type"`
	Required  bool      `json:"required"`
	Options   []Option  `json:"options"`
	MaxLength int       `json:"max_length,omitempty"`
	Min       *float64  `json:"min,omitempty"`
	Max       *float64  `json:"max,omitempty"`
	Help      string    `json:"help,omitempty"`
	// Source, when set, is where the field is filled from (the verified
	// identity, the account or the population database); the citizen
	// may still change the value.
	Source Source `json:"source,omitempty"`
}

// MarshalJSON writes Options as [] rather than null when there are none, so
// that API clients can iterate without a nil check.
func (f Field) MarshalJSON() ([]byte, error) {
	type plain Field // drops the method, avoiding recursion
	p := plain(f)
	if p.Options == nil {
		p.Options = []Option{}
	}
	return json.Marshal(p)
}

// LabelIn returns the field's label in lang: English when lang is "en" (or
// "en-…") and an English label exists, Vietnamese otherwise.
func (f Field) LabelIn(lang string) string {
	if isEnglish(lang) && f.LabelEN != "" {
		return f.LabelEN
	}
	return f.Label
}

// MaxLen returns the effective maximum length in characters of a text or
// textarea field (its MaxLength, or the default for its type), and 0 for
// other types.
func (f Field) MaxLen() int {
	switch {
	case f.Type != FieldText && f.Type != FieldTextarea:
		return 0
	case f.MaxLength > 0:
		return f.MaxLength
	case f.Type == FieldTextarea:
		return DefaultTextareaMaxLength
	default:
		return DefaultTextMaxLength
	}
}

// Form is the typed form a procedure version asks the applicant to fill in.
// The same definition renders the HTML form, documents the JSON API and
// validates submissions from both.
type Form struct {
	Fields []Field `json:"fields"`
	// Rules are checks across fields (an ID number against the date of
	// birth, a statutory age), applied once every field is valid.
	Rules []Rule `json:"rules,omitempty"`
}

// MarshalJSON writes Fields as [] rather than null for an empty form.
func (f Form) MarshalJSON() ([]byte, error) {
	type plain Form
	p := plain(f)
	if p.Fields == nil {
		p.Fields = []Field{}
	}
	return json.Marshal(p)
}

// Field returns the field called name, if the form has one.
func (f Form) Field(name string) (Field, bool) {
	for _, fd := range f.Fields {
		if fd.Name == name {
			return fd, true
		}
	}
	return Field{}, false
}

// fieldName is the shape of field names: they become JSON keys, HTML input
// names and template identifiers, so they stay plain ASCII snake case.
var fieldName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Check verifies that the form definition is sane: field names non-empty,
// unique and matching ^[a-z][a-z0-9_]*$; labels present; types known; select
// fields with unique, labelled options; length and range settings only on the
// types that use them. It returns every problem found, joined.
func (f Form) Check() error {
	var errs []error
	bad := func(i int, fd Field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("form field %d (%q): %s", i+1, fd.Name, fmt.Sprintf(format, args...)))
	}
	seen := make(map[string]bool, len(f.Fields))
	for i, fd := range f.Fields {
		switch {
		case fd.Name == "":
			bad(i, fd, "empty name")
		case !fieldName.MatchString(fd.Name):
			bad(i, fd, "name must match %s", fieldName)
		case seen[fd.Name]:
			bad(i, fd, "duplicate name")
		}
		seen[fd.Name] = true
		if strings.TrimSpace(fd.Label) == "" {
			bad(i, fd, "empty label")
		} else if !norm.NFC.IsNormalString(fd.Label) {
			bad(i, fd, "label is not in Unicode NFC")
		}
		if !fd.Type.Valid() {
			bad(i, fd, "unknown type %q", fd.Type)
		}
		if fd.Type == FieldSelect {
			if len(fd.Options) == 0 {
				bad(i, fd, "select field has no options")
			}
			vals := make(map[string]bool, len(fd.Options))
			for j, o := range fd.Options {
				if strings.TrimSpace(o.Value) == "" || o.Value != strings.TrimSpace(o.Value) {
					bad(i, fd, "option %d: empty or untrimmed value", j+1)
				} else if vals[o.Value] {
					bad(i, fd, "option %d: duplicate value %q", j+1, o.Value)
				}
				vals[o.Value] = true
				if strings.TrimSpace(o.Label) == "" {
					bad(i, fd, "option %d: empty label", j+1)
				}
			}
		} else if len(fd.Options) > 0 {
			bad(i, fd, "options on a %s field", fd.Type)
		}
		if fd.MaxLength < 0 {
			bad(i, fd, "negative max_length")
		} else if fd.MaxLength > 0 && fd.Type != FieldText && fd.Type != FieldTextarea {
			bad(i, fd, "max_length on a %s field", fd.Type)
		}
		if (fd.Min != nil || fd.Max != nil) && fd.Type != FieldNumber {
			bad(i, fd, "min/max on a %s field", fd.Type)
		}
		if fd.Min != nil && fd.Max != nil && *fd.Min > *fd.Max {
			bad(i, fd, "min %v greater than max %v", *fd.Min, *fd.Max)
		}
		if why := checkSource(fd); why != "" {
			bad(i, fd, "%s", why)
		}
	}
	if err := f.checkRules(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// isEnglish reports whether lang asks for English ("en", "en-GB", "EN_us");
// anything else, including "", means Vietnamese, the platform's default.
func isEnglish(lang string) bool {
	l := strings.ToLower(strings.TrimSpace(lang))
	return l == "en" || strings.HasPrefix(l, "en-") || strings.HasPrefix(l, "en_")
}
