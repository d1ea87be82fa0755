package dossier

import (
	"io"
	"strconv"
	"time"
)

// ApplicantKind says who files a dossier.
type ApplicantKind string

// Applicant kinds.
const (
	ApplicantCitizen      ApplicantKind = "citizen"
	ApplicantBusiness     ApplicantKind = "business"
	ApplicantOrganisation ApplicantKind = "organisation"
)

// Party is someone a representative acts for.
type Party struct {
	Kind     ApplicantKind `json:"kind"`
	Name     string        `json:"name"`
	IDNumber string        `json:"id_number,omitempty"`
	TaxCode  string        `json:"tax_code,omitempty"`
}

// Applicant is the snapshot of who filed the dossier, taken at submission:
// later changes to an account never rewrite a filed dossier.
type Applicant struct {
	Kind     ApplicantKind `json:"kind"`
	FullName string        `json:"full_name"` // the person acting
	IDNumber string        `json:"id_number"`
	Phone    string        `json:"phone,omitempty"`
	Email    string        `json:"email,omitempty"`
	Address  string        `json:"address,omitempty"`
	TaxCode  string        `json:"tax_code,omitempty"` // business
	OrgName  string        `json:"org_name,omitempty"` // business or organisation name
	// OnBehalfOf is set when the person acting represents someone else.
	OnBehalfOf *Party `json:"on_behalf_of,omitempty"`
}

// DisplayName is the name a register or a slip shows for the applicant.
func (a Applicant) DisplayName() string {
	if a.OrgName != "" {
		return a.OrgName
	}
	return a.FullName
}

// Document is one file attached to a dossier.
type Document struct {
	ID          int64     `json:"id"`
	Kind        string    `json:"kind"` // "application", "supplement", "result"
	DocKey      string    `json:"doc_key,omitempty"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	StorageKey  string    `json:"-"`
	UploadedAt  time.Time `json:"uploaded_at"`
	// Content, set by the surface for a file uploaded with the action and
	// not stored yet, reads it (the result issuer checks and signs an
	// uploaded result).
	Content func() (io.ReadCloser, error) `json:"-"`
}

// Document kinds.
const (
	DocApplication = "application"
	DocSupplement  = "supplement"
	DocResult      = "result"
)

// SupplementRequest is the one written request listing every missing or
// wrong document with the reason (Decree 61/2018/NĐ-CP, Decree
// 118/2025/NĐ-CP; slip 02 of Circular 03/2025/TT-VPCP).
type SupplementRequest struct {
	Documents   []string  `json:"documents"`
	Reason      string    `json:"reason"`
	RequestedAt time.Time `json:"requested_at"`
	// FromStatus is where the dossier returns when the applicant answers.
	FromStatus Status `json:"from_status"`
}

// Result is the decision: drafted by the specialist (IssuedAt zero), then
// approved and issued by the leader when processing finishes.
type Result struct {
	Number    string    `json:"number,omitempty"`
	Summary   string    `json:"summary"`
	DraftedBy string    `json:"drafted_by,omitempty"`
	SignedBy  string    `json:"signed_by,omitempty"`
	Granted   bool      `json:"granted"`
	IssuedAt  time.Time `json:"issued_at"`
}

// Rating values: the three levels of satisfaction of Decision
// 766/QĐ-TTg (2022).
const (
	RatingVerySatisfied = "very_satisfied"
	RatingSatisfied     = "satisfied"
	RatingDissatisfied  = "dissatisfied"
)

// Dossier is one application from submission to delivered result.
type Dossier struct {
	ID                 int64     `json:"-"`
	Code               string    `json:"code"`
	ProcedureCode      string    `json:"procedure"`
	ProcedureName      string    `json:"procedure_name"`
	ProcedureVersionID int64     `json:"-"`
	UnitID             int64     `json:"-"`
	UnitCode           string    `json:"unit"`
	UnitName           string    `json:"unit_name"`
	UnitPath           string    `json:"-"`
	ReceivedUnitID     int64     `json:"-"` // unit that received it; stays when transferred
	OwnerID            int64     `json:"-"` // citizen account that may see it; 0 if none
	Applicant          Applicant `json:"applicant"`
	Channel            Channel   `json:"channel"`
	// Delivery is how the applicant chose to receive the result.
	Delivery    Delivery       `json:"delivery"`
	Form        map[string]any `json:"form"`
	Status      Status         `json:"status"`
	StatusLabel string         `json:"status_label"`
	Substate    string         `json:"substate,omitempty"`
	AssigneeID  int64          `json:"-"`
	Assignee    string         `json:"assignee,omitempty"`
	SubmittedAt time.Time      `json:"submitted_at"`
	ReceivedAt  *time.Time     `json:"received_at"`
	// LegalDueAt is the statutory due date: set at reception and moved
	// only by the statute's own supplementation rule (pause or restart).
	// Early, on time and late are judged against it.
	LegalDueAt *time.Time `json:"legal_due_at"`
	// AppointedDueAt is the date given to the applicant: the statutory one
	// until a rescheduling with apology (slip 04) moves it.
	AppointedDueAt *time.Time `json:"appointed_due_at"`
	FinishedAt     *time.Time `json:"finished_at,omitempty"`
	DeliveredAt    *time.Time `json:"delivered_at,omitempty"`
	PausedAt       *time.Time `json:"paused_at,omitempty"`
	Rescheduled    bool       `json:"rescheduled"`
	// SupplementRequests counts the supplementation requests made after
	// reception: the law allows one; a further one needs the leader and is
	// an indicator of its own.
	SupplementRequests int                `json:"supplement_requests"`
	FeeVND             int64              `json:"fee"`
	FeePaidAt          *time.Time         `json:"fee_paid_at,omitempty"`
	Supplement         *SupplementRequest `json:"supplement_request,omitempty"`
	Result             *Result            `json:"result,omitempty"`
	Consultations      []Consultation     `json:"consultations,omitempty"`
	Rating             string             `json:"rating,omitempty"`
	RatingComment      string             `json:"rating_comment,omitempty"`
	// Verdict is early, on_time or late, judged when processing ends.
	Verdict       string     `json:"verdict,omitempty"`
	StepIndex     int        `json:"step_index"`
	StepStartedAt time.Time  `json:"-"`
	Version       int        `json:"version"`
	UpdatedAt     time.Time  `json:"updated_at"`
	Documents     []Document `json:"documents,omitempty"`
	Events        []Event    `json:"events,omitempty"`

	// OutsideCompetence is set by the service when the unit holding the
	// dossier does not offer its procedure: a desk received it at the
	// counter under catalog.Version.ReceiveAnywhere, or the unit has since
	// stopped offering it. Such a unit does not process the dossier; it
	// transfers it to a unit that offers the procedure (or it is refused or
	// withdrawn), and delivers the result once it is back at its desk
	// (docs/competence.md). Computed on load, never stored.
	OutsideCompetence bool `json:"outside_competence,omitempty"`
}

// Overdue reports whether the dossier is still open after its statutory
// due time: an apology and a new appointment do not make it timely.
func (d *Dossier) Overdue(now time.Time) bool {
	return d.Status.Open() && !d.Paused() && d.LegalDueAt != nil && now.After(*d.LegalDueAt)
}

// Paused reports whether the dossier's clock is stopped: it waits for the
// applicant's supplement, or for a fee where the procedure says waiting for
// it stops the clock. A paused dossier is counted within its time, never
// overdue (report form II.06a).
func (d *Dossier) Paused() bool {
	return d.Status == StatusSupplement || (d.Status == StatusFee && d.PausedAt != nil)
}

// Appointment is the date the applicant was told: the appointed date, or
// the statutory one where none was set apart.
func (d *Dossier) Appointment() *time.Time {
	if d.AppointedDueAt != nil {
		return d.AppointedDueAt
	}
	return d.LegalDueAt
}

// Event is one row of the append-only event log: who did what, from which
// status to which, and how the step fared against its time budget.
type Event struct {
	ID          int64     `json:"id"`
	At          time.Time `json:"at"`
	ActorID     int64     `json:"-"`
	ActorName   string    `json:"actor"`
	Role        string    `json:"role"`
	UnitCode    string    `json:"unit,omitempty"`
	UnitID      int64     `json:"-"`
	Action      Action    `json:"action"`
	From        Status    `json:"from"`
	To          Status    `json:"to"`
	Note        string    `json:"note,omitempty"`
	Data        EventData `json:"data,omitempty"`
	StepKey     string    `json:"step,omitempty"`
	BudgetHours float64   `json:"budget_hours,omitempty"`
	SpentHours  float64   `json:"spent_hours,omitempty"`
	Verdict     string    `json:"verdict,omitempty"` // early, on_time, late
}

// Verdicts of a step or a whole dossier against its time limit.
const (
	VerdictEarly  = "early"
	VerdictOnTime = "on_time"
	VerdictLate   = "late"
)

// Document finds one of the dossier's loaded documents by its id as it
// appears in a URL.
func (d *Dossier) Document(id string) (*Document, bool) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return nil, false
	}
	for i := range d.Documents {
		if d.Documents[i].ID == n {
			return &d.Documents[i], true
		}
	}
	return nil, false
}
