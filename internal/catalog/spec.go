package catalog

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Unit selectors of Spec.OfferedBy that are not department names.
const (
	OfferAllCommunes  = "all_communes"  // every commune, ward and township
	OfferAllDistricts = "all_districts" // every district (until 30/6/2025)
)

// Step roles: who performs a process step (the staff roles of package org
// that take part in processing).
const (
	RoleReceptionist = "receptionist"
	RoleSpecialist   = "specialist"
	RoleLeader       = "leader"
	// RoleHead is the head of a specialised office, whose step
	// (StepApproveDraft) checks the draft before the leader's.
	RoleHead = "head"
)

// Spec is a procedure as written in a catalogue file: the procedure, one
// version, the units that offer it and the life events it belongs to. The
// demo catalogue and the "catalog import FILE" command both read Specs.
type Spec struct {
	Procedure
	Version    Version  `json:"version"` // shadows Procedure.Current in JSON
	OfferedBy  []string `json:"offered_by"`
	LifeEvents []string `json:"life_events,omitempty"`
}

var (
	// procedureCode is a national catalogue code, optionally with a
	// provincial suffix: 1.000894, 1.000948.H38.
	procedureCode = regexp.MustCompile(`^\d\.\d{6}(\.[A-Z]\d{2})?$`)
	// key is the shape of document keys, step keys and life events.
	key = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	// clock is an "HH:MM" time of day.
	clock = regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d$`)
)

// HoursPerDay is the length of a working day in the process budgets.
const HoursPerDay = 8

// Check validates everything in the spec and returns every problem found,
// joined, each prefixed with the procedure code:
//
//   - code matches ^\d\.\d{6}(\.[A-Z]\d{2})?$; name and field are non-empty,
//     trimmed NFC text, the name a Vietnamese sentence (letters, at least two
//     words); unit level known;
//   - version number ≥ 1, effective_from set and before effective_to;
//   - legacy level 1–4 consistent with the class: full→4, partial→3, info→1
//     or 2;
//   - time-limit kind known and amount ≥ 0; an amount of 0 (same-day) only in
//     working days; same_day_cutoff ("HH:MM") only on same-day procedures;
//   - supplement policy restart or pause, with its legal basis; fee ≥ 0;
//   - receive_anywhere only with its legal basis (receive_anywhere_basis,
//     trimmed NFC text), and that basis only with the flag;
//   - at least one document, keys unique, each asking for at least one
//     original or copy; a document is shown at the desk (present) or is
//     the declaration, not both; at most one declaration, and only in a
//     version whose form has fields (the online form stands for it);
//   - the form passes Form.Check and, unless the class is info, has fields
//     (levels 3–4 are filled in online);
//   - at least one process step, keys unique, roles among receptionist,
//     specialist, head and leader, budgets > 0, and budgets that fit the limit (see
//     checkBudget);
//   - every step's action, if any, one of StepActions, each at most once and
//     in lifecycle order; a step for each of RequiredStepActions (receive,
//     assign, draft_result, finish, deliver), so that every hand-over of a
//     dossier ends the step it belongs to; the last step names an action
//     (a step without one ends with the next step that has one); a step
//     for approve_draft (optional) has the role head;
//   - offered_by non-empty, with at least one selector of the spec's own
//     level (all_communes, all_districts, or a department name for the
//     province); selectors of other levels may follow, since some procedures
//     (certification) are offered at several levels;
//   - life events are snake-case keys.
func (s Spec) Check() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", s.Code, fmt.Sprintf(format, args...)))
	}
	if !procedureCode.MatchString(s.Code) {
		bad("code does not match %s", procedureCode)
	}
	if err := checkText(s.Name); err != nil {
		bad("name: %v", err)
	} else if len(strings.Fields(s.Name)) < 2 || !unicode.IsUpper([]rune(s.Name)[0]) {
		bad("name %q is not a procedure name (capitalised, several words)", s.Name)
	}
	if err := checkText(s.Field); err != nil {
		bad("field: %v", err)
	}
	switch s.UnitLevel {
	case LevelProvince, LevelDistrict, LevelCommune:
	default:
		bad("unknown unit_level %q", s.UnitLevel)
	}

	v := s.Version
	if v.Number < 1 {
		bad("version number %d < 1", v.Number)
	}
	if v.EffectiveFrom.IsZero() {
		bad("version has no effective_from")
	} else if v.EffectiveTo != nil && !v.EffectiveTo.After(v.EffectiveFrom) {
		bad("effective_to is not after effective_from")
	}
	switch v.Class {
	case ClassFull:
		if v.LegacyLevel != 4 {
			bad("class full needs level 4, not %d", v.LegacyLevel)
		}
	case ClassPartial:
		if v.LegacyLevel != 3 {
			bad("class partial needs level 3, not %d", v.LegacyLevel)
		}
	case ClassInfo:
		if v.LegacyLevel != 1 && v.LegacyLevel != 2 {
			bad("class info needs level 1 or 2, not %d", v.LegacyLevel)
		}
	default:
		bad("unknown class %q", v.Class)
	}
	switch v.LimitKind {
	case WorkingDays, CalendarDays, WorkingHours:
	default:
		bad("unknown time_limit_kind %q", v.LimitKind)
	}
	switch {
	case v.LimitAmount < 0:
		bad("negative time_limit %d", v.LimitAmount)
	case v.LimitAmount == 0 && v.LimitKind != WorkingDays:
		bad("a same-day limit (0) must be counted in working_days")
	}
	if v.SameDayCutoff != "" {
		if !clock.MatchString(v.SameDayCutoff) {
			bad("same_day_cutoff %q is not HH:MM", v.SameDayCutoff)
		}
		if v.LimitAmount != 0 {
			bad("same_day_cutoff set on a procedure that is not same-day")
		}
	}
	switch v.SupplementPolicy {
	case SupplementRestart, SupplementPause:
	default:
		bad("unknown supplement_policy %q", v.SupplementPolicy)
	}
	// The clock's treatment of supplementation is a legal rule: it must
	// say where it comes from.
	if strings.TrimSpace(v.SupplementBasis) == "" {
		bad("supplement_basis is empty: give the legal basis of the supplement_policy")
	}
	if v.FeeVND < 0 {
		bad("negative fee %d", v.FeeVND)
	}
	for _, why := range v.checkFees() {
		bad("%s", why)
	}
	// Receiving outside the unit's competence departs from the rule that
	// a unit receives what it decides: like the supplementation policy, it
	// must say where the exception comes from, and a basis without the
	// flag is a misspelt intention.
	switch {
	case v.ReceiveAnywhere && strings.TrimSpace(v.ReceiveAnywhereBasis) == "":
		bad("receive_anywhere_basis is empty: give the legal basis of receive_anywhere")
	case v.ReceiveAnywhere:
		if err := checkText(v.ReceiveAnywhereBasis); err != nil {
			bad("receive_anywhere_basis: %v", err)
		}
	case v.ReceiveAnywhereBasis != "":
		bad("receive_anywhere_basis set but receive_anywhere is false")
	}

	if len(v.Documents) == 0 {
		bad("no documents")
	}
	docs := make(map[string]bool, len(v.Documents))
	declarations := 0
	for i, d := range v.Documents {
		switch {
		case !key.MatchString(d.Key):
			bad("document %d: key %q does not match %s", i+1, d.Key, key)
		case docs[d.Key]:
			bad("document %d: duplicate key %q", i+1, d.Key)
		}
		docs[d.Key] = true
		if err := checkText(d.Name); err != nil {
			bad("document %q: name: %v", d.Key, err)
		}
		if d.Originals < 0 || d.Copies < 0 || d.Originals+d.Copies == 0 {
			bad("document %q: needs originals ≥ 0, copies ≥ 0 and at least one of them", d.Key)
		}
		switch {
		case d.Present && d.Declaration:
			bad("document %q: present and declaration both set: a paper shown at the desk is not the declaration", d.Key)
		case d.Declaration && len(v.Form.Fields) == 0:
			bad("document %q: declaration set but the version has no form fields to stand for it", d.Key)
		case d.Declaration:
			declarations++
		}
	}
	if declarations > 1 {
		bad("%d documents marked declaration: the online form stands for one", declarations)
	}

	if err := v.Form.Check(); err != nil {
		bad("%v", err)
	}
	if v.Class != ClassInfo && len(v.Form.Fields) == 0 {
		bad("an online (%s) procedure needs form fields", v.Class)
	}

	if len(v.Process) == 0 {
		bad("no process steps")
	}
	steps := make(map[string]bool, len(v.Process))
	var total float64
	for i, st := range v.Process {
		switch {
		case !key.MatchString(st.Key):
			bad("step %d: key %q does not match %s", i+1, st.Key, key)
		case steps[st.Key]:
			bad("step %d: duplicate key %q", i+1, st.Key)
		}
		steps[st.Key] = true
		if err := checkText(st.Name); err != nil {
			bad("step %q: name: %v", st.Key, err)
		}
		switch st.Role {
		case RoleReceptionist, RoleSpecialist, RoleHead, RoleLeader:
		default:
			bad("step %q: unknown role %q", st.Key, st.Role)
		}
		if !(st.BudgetHours > 0) || math.IsInf(st.BudgetHours, 0) {
			bad("step %q: budget_hours must be > 0", st.Key)
		}
		total += st.BudgetHours
	}
	for _, p := range checkStepActions(v.Process) {
		bad("«%s»: %s", s.Name, p)
	}
	if len(v.Process) > 0 {
		if err := checkBudget(v.LimitKind, v.LimitAmount, total); err != nil {
			bad("%v", err)
		}
	}

	if len(s.OfferedBy) == 0 {
		bad("offered_by is empty")
	}
	ownLevel := false
	for _, sel := range s.OfferedBy {
		lvl, err := selectorLevel(sel)
		if err != nil {
			bad("offered_by: %v", err)
		}
		ownLevel = ownLevel || lvl == s.UnitLevel
	}
	if len(s.OfferedBy) > 0 && !ownLevel {
		bad("offered_by names no unit of level %s", s.UnitLevel)
	}
	for _, e := range s.LifeEvents {
		if !key.MatchString(e) {
			bad("life event %q does not match %s", e, key)
		}
	}
	return errors.Join(errs...)
}

// checkBudget applies the rule tying the step budgets (working hours) to the
// legal limit, so that a dossier whose every step keeps its budget is on time:
//
//   - working_days, amount > 0: the budgets add up to exactly amount × 8 h
//     (the process template is the whole legal time, split);
//   - working_days, amount 0 (same day): at most one working day, 8 h;
//   - working_hours: exactly amount hours;
//   - calendar_days: at most amount × 8 h. How many working days a span of
//     calendar days holds depends on the start date and holidays, so only
//     the upper bound can be checked here.
func checkBudget(kind LimitKind, amount int, total float64) error {
	const eps = 1e-9
	limit := float64(amount * HoursPerDay)
	switch {
	case kind == WorkingDays && amount > 0 && math.Abs(total-limit) > eps:
		return fmt.Errorf("step budgets add up to %gh, want %gh (%d working days)", total, limit, amount)
	case kind == WorkingDays && amount == 0 && total > HoursPerDay+eps:
		return fmt.Errorf("step budgets add up to %gh, more than one working day for a same-day procedure", total)
	case kind == WorkingHours && math.Abs(total-float64(amount)) > eps:
		return fmt.Errorf("step budgets add up to %gh, want %dh", total, amount)
	case kind == CalendarDays && total > limit+eps:
		return fmt.Errorf("step budgets add up to %gh, more than %gh (%d calendar days)", total, limit, amount)
	}
	return nil
}

// selectorLevel returns the unit level an offered_by selector designates: the
// two "all_" selectors, or a department name ("Sở Tư pháp") for the province.
func selectorLevel(sel string) (UnitLevel, error) {
	switch sel {
	case OfferAllCommunes:
		return LevelCommune, nil
	case OfferAllDistricts:
		return LevelDistrict, nil
	}
	if err := checkText(sel); err != nil {
		return "", fmt.Errorf("selector %q: %v", sel, err)
	}
	if strings.HasPrefix(sel, "all_") || !unicode.IsUpper([]rune(sel)[0]) {
		return "", fmt.Errorf("selector %q is neither %s, %s nor a department name", sel, OfferAllCommunes, OfferAllDistricts)
	}
	return LevelProvince, nil
}

// checkText accepts non-empty, trimmed, valid UTF-8 text in Unicode NFC:
// Vietnamese typed on different systems must compare equal byte for byte.
func checkText(s string) error {
	switch {
	case strings.TrimSpace(s) == "":
		return errors.New("empty")
	case s != strings.TrimSpace(s):
		return errors.New("surrounding white space")
	case !norm.NFC.IsNormalString(s):
		return errors.New("not in Unicode NFC")
	case strings.ContainsFunc(s, unicode.IsControl):
		return errors.New("control characters")
	}
	return nil
}

// ParseSpecs reads a catalogue file: a JSON array of Specs. Unknown keys are
// errors (a misspelt key would otherwise silently drop data), every spec must
// pass Check and codes must be unique within the file. It returns all
// problems at once so that a file can be fixed in one pass; on error no spec
// is returned, making an import all or nothing.
func ParseSpecs(r io.Reader) ([]Spec, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var specs []Spec
	if err := dec.Decode(&specs); err != nil {
		return nil, fmt.Errorf("catalog: parse specs: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("catalog: parse specs: data after the JSON array")
	}
	var errs []error
	seen := make(map[string]int, len(specs))
	for i, s := range specs {
		if err := s.Check(); err != nil {
			errs = append(errs, fmt.Errorf("spec %d: %w", i+1, err))
		}
		if j, dup := seen[s.Code]; dup {
			errs = append(errs, fmt.Errorf("spec %d: code %s already used by spec %d", i+1, s.Code, j))
		}
		seen[s.Code] = i + 1
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("catalog: invalid specs:\n%w", err)
	}
	return specs, nil
}

//go:embed demodata/procedures.json
var demoFS embed.FS

// DemoCatalogue returns the demo catalogue: real procedures of the national
// catalogue as offered in Hà Nội, with best-known codes, time limits and fees
// (see demodata/README.md).
func DemoCatalogue() ([]Spec, error) {
	b, err := demoFS.ReadFile("demodata/procedures.json")
	if err != nil {
		return nil, fmt.Errorf("catalog: demo catalogue: %w", err)
	}
	return ParseSpecs(bytes.NewReader(b))
}
