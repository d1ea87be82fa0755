package catalog

import (
	"fmt"
	"strings"
)

// Source names where a form field's value can be filled from, so that a
// citizen is not asked again for what the state already holds (Decree
// 69/2024: "do not ask again"). A form definition sets it per field
// ("source": "identity.full_name"); the portal fills the field from the
// verified identity or the account, and from a population-database lookup
// the citizen consents to; the desk fills it from a lookup by ID number.
type Source string

// The sources a field may name. Identity sources come from the citizen's
// verified identity (the national e-ID or the desk's check); account
// sources from what the citizen keeps in the account; population sources
// from the national population database (population.Citizen.Attribute,
// with the "population." prefix removed).
const (
	SourceFullName  Source = "identity.full_name"
	SourceIDNumber  Source = "identity.id_number"
	SourceBirthDate Source = "identity.birth_date"
	SourcePhone     Source = "account.phone"
	SourceEmail     Source = "account.email"

	SourceSex                Source = "population.sex"
	SourceEthnicity          Source = "population.ethnicity"
	SourceNationality        Source = "population.nationality"
	SourceMaritalStatus      Source = "population.marital_status"
	SourcePermanentResidence Source = "population.permanent_residence"
	SourceCurrentResidence   Source = "population.current_residence"
	SourceHomeTown           Source = "population.home_town"
	SourceFatherName         Source = "population.father.full_name"
	SourceFatherID           Source = "population.father.id_number"
	SourceMotherName         Source = "population.mother.full_name"
	SourceMotherID           Source = "population.mother.id_number"
	SourceSpouseName         Source = "population.spouse.full_name"
	SourceSpouseID           Source = "population.spouse.id_number"
	SourceHouseholdHead      Source = "population.household.full_name"
	SourceHouseholdRelation  Source = "population.household.relation"
	SourceHouseholdBook      Source = "population.household_book"
)

// Sources lists every known source, identity and account ones first.
var Sources = []Source{
	SourceFullName, SourceIDNumber, SourceBirthDate, SourcePhone, SourceEmail,
	SourceSex, SourceEthnicity, SourceNationality, SourceMaritalStatus,
	SourcePermanentResidence, SourceCurrentResidence, SourceHomeTown,
	SourceFatherName, SourceFatherID, SourceMotherName, SourceMotherID,
	SourceSpouseName, SourceSpouseID, SourceHouseholdHead, SourceHouseholdRelation, SourceHouseholdBook,
}

// populationPrefix starts the sources read from the population database.
const populationPrefix = "population."

// Valid reports whether s is a known source.
func (s Source) Valid() bool {
	for _, k := range Sources {
		if s == k {
			return true
		}
	}
	return false
}

// Population reports whether s is read from the population database, and
// the attribute it names there ("father.full_name").
func (s Source) Population() (attr string, ok bool) {
	return strings.CutPrefix(string(s), populationPrefix)
}

// checkSource returns why fd may not take its source, or "".
func checkSource(fd Field) string {
	if fd.Source == "" {
		return ""
	}
	if !fd.Source.Valid() {
		return fmt.Sprintf("unknown source %q", fd.Source)
	}
	switch fd.Source {
	case SourceBirthDate:
		if fd.Type != FieldDate {
			return fmt.Sprintf("source %s on a %s field (want date)", fd.Source, fd.Type)
		}
	case SourcePhone:
		if fd.Type != FieldPhone && fd.Type != FieldText {
			return fmt.Sprintf("source %s on a %s field", fd.Source, fd.Type)
		}
	case SourceEmail:
		if fd.Type != FieldEmail && fd.Type != FieldText {
			return fmt.Sprintf("source %s on a %s field", fd.Source, fd.Type)
		}
	case SourceIDNumber, SourceFatherID, SourceMotherID, SourceSpouseID:
		if fd.Type != FieldIDNumber && fd.Type != FieldText {
			return fmt.Sprintf("source %s on a %s field (want id_number)", fd.Source, fd.Type)
		}
	default:
		if fd.Type != FieldText && fd.Type != FieldTextarea && fd.Type != FieldSelect {
			return fmt.Sprintf("source %s on a %s field", fd.Source, fd.Type)
		}
	}
	return ""
}
