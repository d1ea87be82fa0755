package dossier

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/vn"
)

// WalkInOutcome is how a visit at the desk ended without a received
// dossier.
type WalkInOutcome string

// Walk-in outcomes: the applicant is guided to complete the papers (slip
// 02, "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ") or the desk refuses to
// receive them (slip 03, "Phiếu từ chối tiếp nhận giải quyết hồ sơ").
const (
	WalkInGuidance WalkInOutcome = "guidance"
	WalkInRefusal  WalkInOutcome = "refusal"
)

// WalkInDocument is one document of a guidance, with what to add or fix.
type WalkInDocument struct {
	Key    string `json:"key"`
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// WalkIn is the record of a walk-in applicant whose papers the desk did
// not receive: no dossier and no dossier code exist, but the guidance or
// refusal is kept for register 07 and for printing its slip again.
type WalkIn struct {
	ID                 int64            `json:"id"`
	Outcome            WalkInOutcome    `json:"outcome"`
	UnitID             int64            `json:"-"`
	UnitCode           string           `json:"unit"`
	UnitName           string           `json:"unit_name"`
	UnitPath           string           `json:"-"`
	ProcedureCode      string           `json:"procedure"`
	ProcedureName      string           `json:"procedure_name"`
	ProcedureVersionID int64            `json:"-"`
	Applicant          Applicant        `json:"applicant"`
	Documents          []WalkInDocument `json:"documents,omitempty"` // guidance
	Reason             string           `json:"reason,omitempty"`    // refusal
	OfficerID          int64            `json:"-"`
	Officer            string           `json:"officer"`
	At                 time.Time        `json:"at"`
}

// WalkInInput is a guidance or refusal as the officer records it.
type WalkInInput struct {
	Procedure string           `json:"procedure"`
	Unit      string           `json:"unit"`
	Outcome   WalkInOutcome    `json:"outcome"`
	Applicant Applicant        `json:"applicant"`
	Documents []WalkInDocument `json:"documents,omitempty"` // guidance: key and reason
	Reason    string           `json:"reason,omitempty"`    // refusal
}

// WalkInStore keeps walk-in records.
type WalkInStore interface {
	CreateWalkIn(ctx context.Context, w *WalkIn) error
	// WalkIn reads one record; apperr.ErrNotFound if there is none.
	WalkIn(ctx context.Context, id int64) (*WalkIn, error)
	// UnitWalkIns lists the unit's records, newest first, at most limit.
	UnitWalkIns(ctx context.Context, unitID int64, limit int) ([]WalkIn, error)
}

// Bounds of a walk-in record.
const (
	maxWalkInReason = 2000
	maxWalkInDocs   = 100
)

// RecordWalkIn records the guidance or refusal given at the desk to a
// walk-in applicant, without creating a dossier. Only the unit's
// receptionists and leaders record them, as they take counter dossiers.
// A guidance names at least one document of the procedure's published list
// (asking for anything beyond it is forbidden), each with its reason, and
// concerns a procedure the unit offers; a refusal states its reasons and
// may concern a procedure the unit does not offer (that is a reason to
// refuse). The applicant's name is required; an ID number, phone or e-mail
// is checked when given.
func (s *Service) RecordWalkIn(ctx context.Context, a Actor, in WalkInInput) (*WalkIn, error) {
	if s.WalkIns == nil {
		return nil, fmt.Errorf("dossier service: no walk-in store")
	}
	now := s.now()
	if in.Outcome != WalkInGuidance && in.Outcome != WalkInRefusal {
		return nil, badInput("outcome_invalid", "Kết quả phải là hướng dẫn bổ sung hoặc từ chối tiếp nhận.",
			"The outcome must be guidance or refusal.")
	}
	if strings.TrimSpace(in.Procedure) == "" {
		return nil, badInput("procedure_required", "Vui lòng chọn thủ tục.", "The procedure is required.")
	}
	if strings.TrimSpace(in.Unit) == "" {
		return nil, badInput("unit_required", "Vui lòng chọn đơn vị tiếp nhận.", "The unit is required.")
	}
	u, err := s.Directory.UnitByCode(ctx, in.Unit)
	if apperr.Is(err, apperr.NotFound) {
		return nil, badInput("unknown_unit", "Không có đơn vị «%s».", "There is no unit %q.", in.Unit)
	}
	if err != nil {
		return nil, fmt.Errorf("loading unit: %w", err)
	}
	if !a.mayDesk(u.ID) {
		return nil, apperr.New(apperr.Forbidden, "not_receptionist",
			"Chỉ cán bộ tiếp nhận hoặc lãnh đạo của đơn vị mới được hướng dẫn, từ chối tiếp nhận hồ sơ.",
			"Only the unit's receptionists and leaders guide or refuse walk-in applicants.")
	}
	p, err := s.Catalog.ProcedureInForce(ctx, in.Procedure, now)
	if apperr.Is(err, apperr.NotFound) {
		return nil, badInput("unknown_procedure", "Không có thủ tục «%s».", "There is no procedure %q.", in.Procedure)
	}
	if err != nil {
		return nil, fmt.Errorf("loading procedure: %w", err)
	}
	app, err := walkInApplicant(in.Applicant, now)
	if err != nil {
		return nil, err
	}
	w := &WalkIn{Outcome: in.Outcome, UnitID: u.ID, UnitCode: u.Code, UnitName: u.Name, UnitPath: u.Path,
		ProcedureCode: p.Code, ProcedureName: p.Name, ProcedureVersionID: p.Current.ID, Applicant: app,
		OfficerID: a.AccountID, Officer: a.Name, At: now}
	switch in.Outcome {
	case WalkInGuidance:
		ok, err := s.Catalog.Offers(ctx, p.ID, u.ID)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, apperr.Newf(apperr.Unprocessable, "not_offered",
				"«%s» không giải quyết thủ tục «%s»: hãy từ chối tiếp nhận thay vì hướng dẫn bổ sung.",
				"%s does not offer %q: refuse the papers instead of guiding.", u.Name, p.Name)
		}
		if len(in.Documents) == 0 {
			return nil, badInput("documents_required", "Vui lòng ghi rõ giấy tờ cần bổ sung, hoàn thiện và lý do.",
				"Name the documents to add or fix, each with its reason.")
		}
		if len(in.Documents) > maxWalkInDocs {
			return nil, badInput("checklist_too_long", "Danh sách giấy tờ quá dài.", "The list of documents is too long.")
		}
		e := apperr.New(apperr.Invalid, "guidance_invalid", "Mỗi giấy tờ cần bổ sung, hoàn thiện phải có lý do.",
			"Each document to add or fix needs its reason.")
		seen := map[string]bool{}
		for _, doc := range in.Documents {
			key := strings.TrimSpace(doc.Key)
			cat := findDoc(p.Current, key)
			if cat == nil {
				return nil, badInput("document_not_in_list", "Giấy tờ «%s» không thuộc thành phần hồ sơ của thủ tục.",
					"Document %q is not part of this procedure.", key)
			}
			if seen[key] {
				return nil, badInput("document_repeated", "Giấy tờ «%s» được kê khai hai lần.", "Document %q is listed twice.", key)
			}
			seen[key] = true
			reason := strings.Join(strings.Fields(vn.NFC(doc.Reason)), " ")
			switch n := len([]rune(reason)); {
			case n == 0:
				e.Fields = append(e.Fields, apperr.Field{Name: "doc." + key, Code: "reason_required",
					Message:   fmt.Sprintf("Vui lòng ghi lý do cần bổ sung, hoàn thiện «%s».", cat.Name),
					MessageEN: fmt.Sprintf("Write why “%s” must be added or fixed.", cat.Name)})
			case n > maxDocNote:
				e.Fields = append(e.Fields, apperr.Field{Name: "doc." + key, Code: "note_too_long",
					Message:   fmt.Sprintf("Lý do về «%s» dài quá %d ký tự.", cat.Name, maxDocNote),
					MessageEN: fmt.Sprintf("The reason for “%s” is longer than %d characters.", cat.Name, maxDocNote)})
			}
			w.Documents = append(w.Documents, WalkInDocument{Key: key, Name: cat.Name, Reason: reason})
		}
		if len(e.Fields) > 0 {
			return nil, e
		}
	case WalkInRefusal:
		if len(in.Documents) > 0 {
			return nil, badInput("documents_not_allowed", "Phiếu từ chối tiếp nhận không kê giấy tờ; vui lòng ghi lý do từ chối.",
				"A refusal lists no documents; write the reasons for refusing.")
		}
		w.Reason = strings.TrimSpace(vn.NFC(in.Reason))
		if w.Reason == "" || len([]rune(w.Reason)) > maxWalkInReason {
			e := apperr.Newf(apperr.Invalid, "reason_required", "Vui lòng ghi rõ lý do từ chối tiếp nhận (tối đa %d ký tự).",
				"Write the reasons for refusing (%d characters at most).", maxWalkInReason)
			e.Fields = []apperr.Field{{Name: "reason", Code: "reason_required", Message: e.VI, MessageEN: e.EN}}
			return nil, e
		}
	}
	if err := s.WalkIns.CreateWalkIn(ctx, w); err != nil {
		return nil, fmt.Errorf("storing walk-in record: %w", err)
	}
	return w, nil
}

// GetWalkIn returns a walk-in record to the staff of the unit that made it;
// anyone else, as for an unknown record, gets apperr.ErrNotFound.
func (s *Service) GetWalkIn(ctx context.Context, a Actor, id int64) (*WalkIn, error) {
	if s.WalkIns == nil || id <= 0 {
		return nil, apperr.ErrNotFound
	}
	w, err := s.WalkIns.WalkIn(ctx, id)
	if err != nil {
		return nil, err
	}
	if !a.staffOf(w.UnitID) {
		return nil, apperr.ErrNotFound
	}
	return w, nil
}

// UnitWalkIns lists the unit's walk-in records, newest first, for its own
// staff; anyone else gets apperr.ErrNotFound.
func (s *Service) UnitWalkIns(ctx context.Context, a Actor, unitID int64, limit int) ([]WalkIn, error) {
	if s.WalkIns == nil || !a.staffOf(unitID) {
		return nil, apperr.ErrNotFound
	}
	return s.WalkIns.UnitWalkIns(ctx, unitID, limit)
}

// mayDesk reports whether the actor works the unit's desk: a receptionist
// or a leader there, who take counter dossiers.
func (a Actor) mayDesk(unitID int64) bool {
	if a.Citizen || a.System {
		return false
	}
	for _, r := range a.rolesIn(unitID) {
		if r == org.RoleReceptionist || r == org.RoleLeader {
			return true
		}
	}
	return false
}

// staffOf reports whether the actor holds any role in the unit itself.
func (a Actor) staffOf(unitID int64) bool {
	return !a.Citizen && !a.System && len(a.rolesIn(unitID)) > 0
}

// walkInApplicant checks the applicant of a walk-in record: the name is
// required, the ID number only checked when given (the desk may guide
// someone without taking their card).
func walkInApplicant(app Applicant, now time.Time) (Applicant, error) {
	noID := strings.TrimSpace(app.IDNumber) == ""
	out, err := checkApplicant(app, now)
	if err == nil || !noID {
		return out, err
	}
	e, ok := apperr.As(err)
	if !ok {
		return out, err
	}
	var rest []apperr.Field
	for _, f := range e.Fields {
		if f.Name != "applicant.id_number" {
			rest = append(rest, f)
		}
	}
	if len(rest) == 0 {
		return out, nil
	}
	e.Fields = rest
	return out, e
}
