package web

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/vn"
)

// FormField is one control of a procedure's form (catalog.Form) as a page
// renders it: the citizen portal's online submission and the back office's
// counter intake build theirs here, so both carry the same attributes
// (required, min/max, maxlength, inputmode, autocomplete, help).
type FormField struct {
	ID, Name  string
	Kind      string // catalog.FieldType
	InputType string // the <input type>, for single-line inputs
	Label     string
	Help      string
	Error     string
	Value     string
	Checked   bool
	Required  bool
	Options   []FormOption
	Min, Max  string // number fields
	MaxLen    int
	Mode      string // inputmode
	Auto      string // autocomplete
	// Placeholder and Pattern are set on date fields, typed as text.
	Placeholder, Pattern string
	// Origin says where a value the platform filled came from
	// (dossier.Origin, or "edited" when the person changed it), and
	// OriginNote says it in words; both empty for a typed value.
	Origin, OriginNote string
}

// FormOption is one choice of a select control.
type FormOption struct {
	Value, Label string
	Selected     bool
}

// Described lists the ids the control's aria-describedby names: its help,
// the format of a date (the hint with id ID-format) and its error.
func (f FormField) Described() string {
	var ids []string
	if f.Kind == string(catalog.FieldDate) {
		ids = append(ids, f.ID+"-format")
	}
	if f.Help != "" {
		ids = append(ids, f.ID+"-hint")
	}
	if f.OriginNote != "" {
		ids = append(ids, f.ID+"-origin")
	}
	if f.Error != "" {
		ids = append(ids, f.ID+"-error")
	}
	return strings.Join(ids, " ")
}

// FormFields builds the controls of form in lang with the values typed so
// far (by field name); choose labels a select's empty first option.
func FormFields(form catalog.Form, values map[string]string, lang, choose string) []FormField {
	out := make([]FormField, 0, len(form.Fields))
	for _, fd := range form.Fields {
		f := FormField{ID: "field-" + fd.Name, Name: fd.Name, Kind: string(fd.Type), InputType: "text", Label: fd.LabelIn(lang),
			Help: fd.Help, Required: fd.Required, Value: values[fd.Name], MaxLen: fd.MaxLen(), Auto: "off"}
		switch fd.Type {
		case catalog.FieldNumber:
			f.InputType, f.Mode = "number", "decimal"
			if fd.Min != nil {
				f.Min = strconv.FormatFloat(*fd.Min, 'f', -1, 64)
			}
			if fd.Max != nil {
				f.Max = strconv.FormatFloat(*fd.Max, 'f', -1, 64)
			}
		case catalog.FieldDate:
			// A text input, not type="date": the browser's date picker
			// shows and takes its own locale's order (mm/dd/yyyy in an
			// English browser); people here write dd/mm/yyyy, which
			// vn.ParseDate reads on the server.
			f.Mode, f.Placeholder, f.Pattern = "numeric", vn.DatePlaceholder, vn.DatePattern
			f.Value = vn.DisplayDate(f.Value)
		case catalog.FieldIDNumber:
			f.Mode, f.MaxLen = "numeric", 12
		case catalog.FieldPhone:
			f.InputType, f.Auto = "tel", "tel"
		case catalog.FieldEmail:
			f.InputType, f.Auto = "email", "email"
		case catalog.FieldCheckbox:
			b, ok := CheckboxOn(values[fd.Name])
			f.Checked = ok && b
		case catalog.FieldSelect:
			f.Options = append(f.Options, FormOption{Label: choose})
			for _, o := range fd.Options {
				label := o.Label
				if lang == EN && o.LabelEN != "" {
					label = o.LabelEN
				}
				f.Options = append(f.Options, FormOption{Value: o.Value, Label: label, Selected: o.Value == values[fd.Name]})
			}
		}
		out = append(out, f)
	}
	return out
}

// CheckboxOn reads a checkbox's submitted value: on is whether it is
// ticked, ok whether the value is one a checkbox sends at all.
func CheckboxOn(s string) (on, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "on", "true", "1", "yes":
		return true, true
	case "", "off", "false", "0", "no":
		return false, true
	}
	return false, false
}

// AnswerText is how an answer to a form field reads on a page: a select
// option's label, a date as dd/mm/yyyy, a checkbox as yes or no (yesNo
// gives the words in the page's language), anything else as given. The
// portal's review page and the back office's dossier page both use it.
func AnswerText(fd catalog.Field, val any, lang string, yesNo func(bool) string) string {
	if b, ok := val.(bool); ok {
		return yesNo(b)
	}
	s := strings.TrimSpace(fmt.Sprint(val))
	switch fd.Type {
	case catalog.FieldCheckbox:
		if on, ok := CheckboxOn(s); ok {
			return yesNo(on)
		}
	case catalog.FieldSelect:
		for _, o := range fd.Options {
			if o.Value == s {
				if lang == EN && o.LabelEN != "" {
					return o.LabelEN
				}
				return o.Label
			}
		}
	case catalog.FieldDate:
		return vn.DisplayDate(s)
	}
	return s
}
