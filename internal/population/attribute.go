package population

import (
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/vn"
)

// Attribute returns the value of one population attribute of the citizen,
// named as a form field's source names it without the "population." prefix
// (catalog.Source.Population: "permanent_residence", "father.full_name"),
// plus "full_name", "id_number" and "birth_date". ok is false for an
// unknown name and for an attribute the database left empty, so a caller
// fills only what the state actually holds. The birth date is written
// yyyy-mm-dd, the form's date format, and only when the platform's date can
// be read; addresses are joined readably, empty parts skipped.
func (c *Citizen) Attribute(attr string) (value string, ok bool) {
	if c == nil {
		return "", false
	}
	switch attr {
	case "full_name":
		value = c.FullName
		if value == "" {
			value = c.Name.Full()
		}
	case "id_number":
		value = c.IDNumber
	case "birth_date":
		value = c.Birth.ISO()
	case "sex":
		value = c.Sex
	case "ethnicity":
		value = c.Ethnicity
	case "nationality":
		value = c.Nationality
	case "marital_status":
		value = c.MaritalStatus
	case "permanent_residence":
		value = c.PermanentResidence.String()
	case "current_residence":
		value = c.CurrentResidence.String()
	case "home_town":
		value = c.HomeTown.String()
	case "father.full_name":
		value = c.Father.FullName
	case "father.id_number":
		value = c.Father.IDNumber
	case "mother.full_name":
		value = c.Mother.FullName
	case "mother.id_number":
		value = c.Mother.IDNumber
	case "spouse.full_name":
		value = c.Spouse.FullName
	case "spouse.id_number":
		value = c.Spouse.IDNumber
	case "household.full_name":
		value = c.HeadOfHousehold.FullName
	case "household.relation":
		value = c.HeadOfHousehold.Relation
	case "household_book":
		value = c.HouseholdBook
	default:
		return "", false
	}
	value = strings.TrimSpace(value)
	return value, value != ""
}

// Attributes lists every name Attribute knows, for callers that fill a
// whole form and for the test that keeps the catalogue's list in step.
var Attributes = []string{
	"full_name", "id_number", "birth_date",
	"sex", "ethnicity", "nationality", "marital_status",
	"permanent_residence", "current_residence", "home_town",
	"father.full_name", "father.id_number", "mother.full_name", "mother.id_number",
	"spouse.full_name", "spouse.id_number", "household.full_name", "household.relation", "household_book",
}

// String joins the address as people read it: detail, ward, district,
// province ("Số 12 ngõ 34, Phường Dịch Vọng, Quận Cầu Giấy, Thành phố Hà
// Nội"), skipping empty parts. The country is left out: the database holds
// Vietnamese addresses and writes the country as a code.
func (a Address) String() string {
	var parts []string
	for _, p := range []string{a.Detail, a.WardName, a.DistrictName, a.ProvinceName} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// ISO returns the date of birth as yyyy-mm-dd, or "" when the platform's
// date cannot be read (a year alone, an unknown format). The platform's
// format is unverified: yyyymmdd (as in the sample answer) is tried first,
// then the shapes vn.ParseDate reads (dd/mm/yyyy, yyyy-mm-dd, ddmmyyyy).
func (b BirthDay) ISO() string {
	s := strings.TrimSpace(b.Date)
	if i := strings.IndexAny(s, "T "); i == len("2006-01-02") {
		s = s[:i] // a timestamp: its date part
	}
	if s == "" {
		return ""
	}
	if len(s) == 8 {
		if t, err := time.Parse("20060102", s); err == nil && t.Year() >= 1850 && t.Year() <= 2200 {
			return t.Format(time.DateOnly)
		}
	}
	t, err := vn.ParseDate(s, nil)
	if err != nil {
		return ""
	}
	return t.Format(time.DateOnly)
}

// FormValues returns the value c gives each field of f whose source is
// one of c's attributes (identity sources read full_name, id_number and
// birth_date; population sources their attribute), keyed by field name:
// what a lookup fills a form with, on the portal and at the desk alike. A
// select takes a value only when it is one of its options; a field with
// no value in the record is absent.
func (c *Citizen) FormValues(f catalog.Form) map[string]string {
	out := map[string]string{}
	for _, fd := range f.Fields {
		attr, ok := fd.Source.Population()
		if !ok {
			switch fd.Source {
			case catalog.SourceFullName:
				attr = "full_name"
			case catalog.SourceIDNumber:
				attr = "id_number"
			case catalog.SourceBirthDate:
				attr = "birth_date"
			default:
				continue
			}
		}
		val, ok := c.Attribute(attr)
		if !ok || val == "" {
			continue
		}
		if fd.Type == catalog.FieldSelect && !slices.ContainsFunc(fd.Options, func(o catalog.Option) bool { return o.Value == val }) {
			continue
		}
		out[fd.Name] = val
	}
	return out
}
