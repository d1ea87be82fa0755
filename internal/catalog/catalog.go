// Package catalog owns administrative procedures, their dated versions, the
// typed form each version asks for and the validation of submitted form data.
//
// # Process templates and hand-overs
//
// A version's process is a list of steps, each with the role that performs
// it and a budget in working hours. Each step names the hand-over that ends
// it (Step.Action): receive, transfer, assign, draft_result, approve_draft,
// finish, return_result or deliver, the lifecycle actions of package dossier. When
// a dossier is handed over, the lifecycle ends the first step at or after
// the current one that names that action; steps before it end with it
// (their budgets add up), and a hand-over with no such step ahead ends
// none. The control slip (06) prints each hand-over under the name of the
// step it ended. The mapping is written in the template, not guessed from
// the roles: a guess made the leader's assignment end the signature step
// ("Ký kết quả") of templates that had no assignment step.
//
// A step may name no action when nothing in the lifecycle ends it on its
// own: the leader's review before signing ends with the signature, a
// consultation step with the draft or the approval. Import (Spec.Check)
// refuses a template that lacks a step for receive, assign, draft_result,
// finish or deliver, names them out of order or twice, or ends with a step
// that no hand-over ends. Transfer and return_result are optional: a unit
// that receives and processes a dossier itself hands it over to no one.
// approve_draft is optional too: a template that has it (a step with the
// role head) puts the head of the specialised office's review of the
// draft before the leader's signature, and the dossier lifecycle then
// refuses finish over a draft the head has not approved (docs/approval.md).
// Versions stored before steps named their hand-overs are read with the
// hand-overs inferred from the roles (Version.StepEndedBy).
package catalog

import "time"

// Class is the Decree 42/2022 classification of an online service.
type Class string

// Service classes.
const (
	ClassInfo    Class = "info"
	ClassPartial Class = "partial"
	ClassFull    Class = "full"
)

// LimitKind says how a procedure's time limit is counted.
type LimitKind string

// Time limit kinds.
const (
	WorkingDays  LimitKind = "working_days"
	CalendarDays LimitKind = "calendar_days"
	WorkingHours LimitKind = "working_hours"
)

// SupplementPolicy says what a supplementation request does to the clock.
type SupplementPolicy string

// Supplementation policies: the one-stop decrees (Decree 61/2018/NĐ-CP,
// Decree 118/2025/NĐ-CP) restart the time limit when the complete dossier
// arrives; some procedures pause and extend it instead.
const (
	SupplementRestart SupplementPolicy = "restart"
	SupplementPause   SupplementPolicy = "pause"
)

// UnitLevel is the level of government that offers a procedure.
type UnitLevel string

// Unit levels as used in the catalogue.
const (
	LevelProvince UnitLevel = "province"
	LevelDistrict UnitLevel = "district"
	LevelCommune  UnitLevel = "commune"
)

// Procedure is one administrative procedure of the national catalogue, with
// the version in force and, when listed, the units that offer it.
type Procedure struct {
	ID        int64     `json:"-"`
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	Field     string    `json:"field"`
	UnitLevel UnitLevel `json:"unit_level"`
	Current   *Version  `json:"version,omitempty"`
	Units     []string  `json:"units,omitempty"` // agency identifiers
}

// Version is one dated version of a procedure. A dossier pins the version in
// force when it was received.
type Version struct {
	ID               int64            `json:"-"`
	Number           int              `json:"number"`
	EffectiveFrom    time.Time        `json:"effective_from"`
	EffectiveTo      *time.Time       `json:"effective_to,omitempty"`
	Description      string           `json:"description,omitempty"`
	Applicants       string           `json:"applicants,omitempty"` // who may apply
	LegacyLevel      int              `json:"level"`                // 1–4 (Decree 43/2011)
	Class            Class            `json:"class"`
	LimitAmount      int              `json:"time_limit"`
	LimitKind        LimitKind        `json:"time_limit_kind"`
	SameDayCutoff    string           `json:"same_day_cutoff,omitempty"` // "15:00"; only for same-day procedures
	SupplementPolicy SupplementPolicy `json:"supplement_policy"`
	// SupplementBasis is the legal basis of the supplementation policy:
	// the provision that says the clock restarts or pauses.
	SupplementBasis string `json:"supplement_basis"`
	// FeeStopsClock says whether waiting for the applicant's fee (status 6)
	// stops the clock for this procedure.
	FeeStopsClock bool   `json:"fee_stops_clock,omitempty"`
	FeeVND        int64  `json:"fee"`
	FeeNote       string `json:"fee_note,omitempty"`
	// Fees are the version's fee items (FeesDue); a version without them
	// has FeeVND as one lệ phí collected before processing.
	Fees       []FeeItem  `json:"fees,omitempty"`
	LegalBasis []string   `json:"legal_basis,omitempty"`
	Documents  []Document `json:"documents"`
	Form       Form       `json:"form"`
	Process    []Step     `json:"process"`

	// ReceiveAnywhere says a one-stop desk may receive a dossier of this
	// version at the counter even where its unit does not offer the
	// procedure ("không phụ thuộc địa giới hành chính", Decree
	// 118/2025/NĐ-CP): the desk receives it, then transfers it to a unit
	// that does (see docs/competence.md). Online submissions still go to
	// an offering unit.
	ReceiveAnywhere bool `json:"receive_anywhere,omitempty"`
	// ReceiveAnywhereBasis is the legal basis of ReceiveAnywhere: the act
	// or published list that lets the procedure be received anywhere.
	ReceiveAnywhereBasis string `json:"receive_anywhere_basis,omitempty"`
}

// Document is one paper the applicant must provide.
type Document struct {
	Key       string `json:"key"`
	Name      string `json:"name"`
	Originals int    `json:"originals"`
	Copies    int    `json:"copies"`
	Required  bool   `json:"required"`
	Template  string `json:"template,omitempty"` // name of a downloadable template form, if any
	// Present marks a paper the applicant shows at the desk ("xuất
	// trình"), an identity card for instance, rather than hands in: the
	// desk compares it and ticks it on the reception checklist, nobody
	// uploads it online (docs/documents.md).
	Present bool `json:"present,omitempty"`
	// Declaration marks the applicant's declaration or application (tờ
	// khai, đơn) whose content is the version's form: online, the form
	// filled in is the declaration, so no file of it is asked for; at the
	// counter the paper is ticked as any other (docs/documents.md).
	Declaration bool `json:"declaration,omitempty"`
}

// Upload reports whether an online applicant attaches a file for the
// document: not for a paper shown at the desk, nor for the declaration
// the online form replaces.
func (d Document) Upload() bool { return !d.Present && !d.Declaration }

// Step is one step of the process template, with the role that performs it,
// the hand-over that ends it and its time budget in working hours (1
// working day = 8 hours).
type Step struct {
	Key  string `json:"key"`
	Name string `json:"name"`
	Role string `json:"role"`
	// Action is the lifecycle hand-over that ends the step (one of
	// StepActions), or "" for a step with no hand-over of its own (a
	// review, an inter-agency consultation): such a step ends with the
	// next step that has one, and their budgets add up. The control slip
	// (06) names each hand-over by the step it ends, so the mapping is
	// data of the template rather than a guess from the roles.
	Action      string  `json:"action,omitempty"`
	BudgetHours float64 `json:"budget_hours"`
}

// MissingDocuments lists, in the published order, the required documents
// for which has reports no file; optional documents are never missing, nor
// are those not uploaded online (Document.Upload: shown at the desk, or the
// declaration the online form replaces). The dossier service refuses an
// online submission with any missing, and the portal's form asks the same
// question to mark them all at once.
func (v *Version) MissingDocuments(has func(key string) bool) []Document {
	var out []Document
	for _, d := range v.Documents {
		if d.Required && d.Upload() && !has(d.Key) {
			out = append(out, d)
		}
	}
	return out
}
