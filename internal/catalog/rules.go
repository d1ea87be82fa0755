package catalog

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/vn"
)

// RuleKind names a check across fields of a form.
type RuleKind string

// Rule kinds.
const (
	// RuleIDMatchesPerson: the century-and-sex digit and the year digits of
	// a 12-digit personal identification number agree with the person's
	// stated date of birth and, when known, sex (the codes of Circular
	// 07/2016/TT-BCA, kept by Circular 59/2021/TT-BCA: digit 4 encodes the
	// century and sex, digits 5–6 the birth year; see package vn).
	RuleIDMatchesPerson RuleKind = "id_matches_person"
	// RuleMinAge: the person has reached a statutory age on the day of
	// submission (marriage: a man from 20, a woman from 18, Law on Marriage
	// and Family 2014, Art. 8).
	RuleMinAge RuleKind = "min_age"
)

// Rule is one check across fields of a form, kept as data with its legal
// basis so that every surface that validates the form applies it.
type Rule struct {
	Kind RuleKind `json:"kind"`
	// IDField is the id_number field (RuleIDMatchesPerson).
	IDField string `json:"id_field,omitempty"`
	// BirthField is the date of birth (both kinds).
	BirthField string `json:"birth_field,omitempty"`
	// Sex is "male" or "female" when the form fixes it (husband, wife);
	// SexField names a select field giving it instead.
	Sex      string `json:"sex,omitempty"`
	SexField string `json:"sex_field,omitempty"`
	// Years is the statutory age (RuleMinAge).
	Years int `json:"years,omitempty"`
	// Basis cites the law, shown in the message.
	Basis string `json:"basis,omitempty"`
}

// Field error codes of the rules.
const (
	CodeIDBirthMismatch = "id_birth_mismatch" // the ID number's century/year digits do not match the date of birth
	CodeIDSexMismatch   = "id_sex_mismatch"   // the ID number's sex digit does not match the stated sex
	CodeUnderAge        = "under_age"         // younger than the statutory age
)

// SexOf reads a select value as "male" or "female" (the option values
// forms use: nam/nu or male/female), or "" for anything else.
func SexOf(v string) string {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "nam", "male":
		return "male"
	case "nu", "nữ", "female":
		return "female"
	}
	return ""
}

// checkRules verifies the rules' definitions against the form's fields.
func (f Form) checkRules() error {
	var errs []error
	bad := func(i int, format string, args ...any) {
		errs = append(errs, fmt.Errorf("form rule %d: %s", i+1, fmt.Sprintf(format, args...)))
	}
	typed := func(i int, name string, want FieldType) {
		fd, ok := f.Field(name)
		switch {
		case name == "":
			bad(i, "a %s field is required", want)
		case !ok:
			bad(i, "no field %q", name)
		case fd.Type != want:
			bad(i, "field %q is a %s field, not %s", name, fd.Type, want)
		}
	}
	for i, r := range f.Rules {
		switch r.Kind {
		case RuleIDMatchesPerson:
			typed(i, r.IDField, FieldIDNumber)
			typed(i, r.BirthField, FieldDate)
			if r.Sex != "" && r.SexField != "" {
				bad(i, "sex and sex_field together")
			}
			if r.Sex != "" && r.Sex != "male" && r.Sex != "female" {
				bad(i, "sex must be male or female, not %q", r.Sex)
			}
			if r.SexField != "" {
				typed(i, r.SexField, FieldSelect)
				if fd, ok := f.Field(r.SexField); ok {
					for _, o := range fd.Options {
						if SexOf(o.Value) == "" {
							bad(i, "option %q of %q is neither male (nam) nor female (nu)", o.Value, r.SexField)
						}
					}
				}
			}
		case RuleMinAge:
			typed(i, r.BirthField, FieldDate)
			if r.Years < 1 || r.Years > 150 {
				bad(i, "years must be 1 to 150, not %d", r.Years)
			}
			if strings.TrimSpace(r.Basis) == "" {
				bad(i, "a statutory age needs its legal basis")
			}
		default:
			bad(i, "unknown kind %q", r.Kind)
		}
	}
	return errors.Join(errs...)
}

// ageOn is the age in full years on day of someone born on birth.
func ageOn(birth, day time.Time) int {
	age := day.Year() - birth.Year()
	if day.Month() < birth.Month() || (day.Month() == birth.Month() && day.Day() < birth.Day()) {
		age--
	}
	return age
}

// applyRules checks clean (Validate's cleaned values, every field valid)
// against the form's rules.
func (f Form) applyRules(clean map[string]any, now time.Time) FieldErrors {
	var errs FieldErrors
	date := func(name string) (time.Time, bool) {
		s, _ := clean[name].(string)
		t, err := time.Parse("2006-01-02", s)
		return t, err == nil
	}
	for _, r := range f.Rules {
		birth, ok := date(r.BirthField)
		if !ok {
			continue // an optional date left empty: nothing to compare
		}
		switch r.Kind {
		case RuleIDMatchesPerson:
			id, _ := clean[r.IDField].(string)
			if id == "" {
				continue
			}
			if vn.IDBirthYear(id) != birth.Year() {
				errs = append(errs, FieldError{Field: r.IDField, Code: CodeIDBirthMismatch})
				continue
			}
			sex := r.Sex
			if r.SexField != "" {
				s, _ := clean[r.SexField].(string)
				sex = SexOf(s)
			}
			if sex != "" && vn.IDSex(id) != sex {
				errs = append(errs, FieldError{Field: r.IDField, Code: CodeIDSexMismatch})
			}
		case RuleMinAge:
			if ageOn(birth, now.In(vnZone)) < r.Years {
				errs = append(errs, FieldError{Field: r.BirthField, Code: CodeUnderAge})
			}
		}
	}
	return errs
}

// ruleFor finds the rule behind an error of a field, for its message.
func (f Form) ruleFor(field string, kind RuleKind) (Rule, bool) {
	for _, r := range f.Rules {
		if r.Kind == kind && (r.BirthField == field || r.IDField == field) {
			return r, true
		}
	}
	return Rule{}, false
}
