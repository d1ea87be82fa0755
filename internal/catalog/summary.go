package catalog

import "time"

// Summary is how a procedure appears in a list: what a citizen compares
// results by, without the version's documents, form and process (kilobytes
// each, read on the procedure's own page).
type Summary struct {
	Code      string         `json:"code"`
	Name      string         `json:"name"`
	Field     string         `json:"field"`
	UnitLevel UnitLevel      `json:"unit_level"`
	Version   VersionSummary `json:"version"`
}

// VersionSummary is the part of the version in force a list shows; its
// fields are named as in Version, so a client reads both alike.
type VersionSummary struct {
	Number          int        `json:"number"`
	EffectiveFrom   time.Time  `json:"effective_from"`
	EffectiveTo     *time.Time `json:"effective_to,omitempty"`
	LegacyLevel     int        `json:"level"`
	Class           Class      `json:"class"`
	LimitAmount     int        `json:"time_limit"`
	LimitKind       LimitKind  `json:"time_limit_kind"`
	FeeVND          int64      `json:"fee"`
	ReceiveAnywhere bool       `json:"receive_anywhere,omitempty"`
}

// Summarize returns the list view of a procedure with its version in force
// (p.Current must be set).
func (p *Procedure) Summarize() Summary {
	v := p.Current
	return Summary{Code: p.Code, Name: p.Name, Field: p.Field, UnitLevel: p.UnitLevel, Version: VersionSummary{
		Number: v.Number, EffectiveFrom: v.EffectiveFrom, EffectiveTo: v.EffectiveTo, LegacyLevel: v.LegacyLevel,
		Class: v.Class, LimitAmount: v.LimitAmount, LimitKind: v.LimitKind, FeeVND: v.FeeVND, ReceiveAnywhere: v.ReceiveAnywhere,
	}}
}
