package dossier

import (
	"fmt"
	"strings"

	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/vn"
)

// Origin says where a form value came from when the platform filled it,
// so that an officer knows which values the state vouches for and the
// citizen sees why a field is already filled ("do not ask again", Decree
// 69/2024).
type Origin string

// Origins of prefilled values.
const (
	// OriginIdentity is the citizen's verified identity: the national
	// e-ID, or the desk's check of the ID card.
	OriginIdentity Origin = "identity"
	// OriginAccount is what the citizen declared in the account (contact
	// details, or the identity of an account not yet verified).
	OriginAccount Origin = "account"
	// OriginPopulation is a lookup in the national population database
	// the citizen consented to (or the desk made) for this dossier.
	OriginPopulation Origin = "population"
)

// Known is what the platform holds about the applicant when a form is
// filled: the account's identity and contact details, whether that
// identity was verified, and values read from the population database for
// this dossier, keyed by form field (which fill the identity's fields too
// where there is no account, at the desk).
type Known struct {
	FullName, IDNumber string
	// BirthDate is YYYY-MM-DD, "" when unknown.
	BirthDate    string
	Phone, Email string
	// Verified is set when the identity was checked (e-ID or desk).
	Verified bool
	// Population holds, per form field, the value a population lookup
	// gave for the field's source.
	Population map[string]string
}

// Prefilled is one value the platform fills a form field with.
type Prefilled struct {
	Value  string
	Origin Origin
}

// Prefill returns the value of every field of f whose source the platform
// holds a value for, with its origin. Fields without a source, or whose
// source has no value, are absent: the citizen types them.
func Prefill(f catalog.Form, k Known) map[string]Prefilled {
	out := map[string]Prefilled{}
	idOrigin := OriginAccount
	if k.Verified {
		idOrigin = OriginIdentity
	}
	for _, fd := range f.Fields {
		var p Prefilled
		switch fd.Source {
		case "":
			continue
		case catalog.SourceFullName:
			p = Prefilled{k.FullName, idOrigin}
		case catalog.SourceIDNumber:
			p = Prefilled{k.IDNumber, idOrigin}
		case catalog.SourceBirthDate:
			p = Prefilled{k.BirthDate, idOrigin}
		case catalog.SourcePhone:
			p = Prefilled{k.Phone, OriginAccount}
		case catalog.SourceEmail:
			p = Prefilled{k.Email, OriginAccount}
		default:
			if _, ok := fd.Source.Population(); ok {
				p = Prefilled{k.Population[fd.Name], OriginPopulation}
			}
		}
		if p.Value = strings.TrimSpace(p.Value); p.Value == "" {
			// At the desk there is no account: the lookup gives the
			// identity too.
			p = Prefilled{strings.TrimSpace(k.Population[fd.Name]), OriginPopulation}
		}
		if p.Value != "" {
			out[fd.Name] = p
		}
	}
	return out
}

// Sources returns, for each field of the validated form data whose value
// is still the one the platform filled, where it came from: a value the
// citizen changed is the citizen's and has no origin. The result is what
// the submission's event records (SubmitData).
func Sources(f catalog.Form, form map[string]any, k Known) map[string]Origin {
	pre := Prefill(f, k)
	if len(pre) == 0 {
		return nil
	}
	out := map[string]Origin{}
	for name, p := range pre {
		v, ok := form[name]
		if !ok || v == nil {
			continue
		}
		if sameValue(fmt.Sprint(v), p.Value) {
			out[name] = p.Origin
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// sameValue compares a submitted value with a prefilled one as a person
// reads them: Unicode composition, spacing and letter case aside.
func sameValue(a, b string) bool {
	norm := func(s string) string { return strings.Join(strings.Fields(vn.NFC(s)), " ") }
	return strings.EqualFold(norm(a), norm(b))
}

// FormSources returns where the form values the platform filled came
// from, as the dossier's first event (the online submission, or the
// counter's reception) recorded them; nil when none was recorded or the
// events are not loaded.
func (d *Dossier) FormSources() map[string]Origin {
	for _, ev := range d.Events {
		switch data := ev.Data.(type) {
		case SubmitData:
			return data.Sources
		case ReceiveData:
			if ev.From == 0 {
				return data.Sources
			}
		}
		if ev.Action == ActSubmit || ev.Action == ActReceive {
			return nil
		}
	}
	return nil
}
