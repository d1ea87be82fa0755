package dossier

import (
	"errors"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/vn"
)

// Action names a lifecycle transition.
type Action string

// Lifecycle actions: the steps of the one-stop process (Decree
// 61/2018/NĐ-CP, Decree 118/2025/NĐ-CP).
const (
	ActSubmit            Action = "submit" // recorded at creation only
	ActReceive           Action = "receive"
	ActRefuse            Action = "refuse"
	ActRequestSupplement Action = "request_supplement"
	ActSupplement        Action = "supplement"
	ActAssign            Action = "assign"
	ActTransfer          Action = "transfer"
	ActRequestFee        Action = "request_fee"
	ActFeePaid           Action = "fee_paid"
	ActDraftResult       Action = "draft_result"  // specialist drafts the result for approval
	ActApproveDraft      Action = "approve_draft" // the head of office approves the draft for the leader
	ActReturnDraft       Action = "return_draft"  // leader (or head of office) sends the draft back with a reason
	ActFinish            Action = "finish"        // leader approves and issues the result
	ActReturnResult      Action = "return_result" // the processing unit hands the result back to the desk
	ActConsult           Action = "consult"       // ask another unit's opinion, keeping the dossier
	ActAnswerConsult     Action = "answer_consult"
	ActDeliver           Action = "deliver"
	ActStop              Action = "stop"
	ActWithdraw          Action = "withdraw"
	ActReschedule        Action = "reschedule"
	ActRate              Action = "rate"
	// ActRevokeResult withdraws an electronic result issued in error: the
	// verification page says so from then on; the status stays.
	ActRevokeResult Action = "revoke_result"
)

// Clock is what the lifecycle needs from the working-day calendar.
type Clock interface {
	Due(start time.Time, amount int, kind string, sameDayCutoff string) (time.Time, error)
	WorkingHoursBetween(a, b time.Time) float64
	AddWorkingHours(t time.Time, hours float64) time.Time
	IsWorkingDay(t time.Time) bool
	DayCounter
}

// DayCounter counts working days, for the rules that speak in them.
type DayCounter interface {
	AddWorkingDays(t time.Time, n int) time.Time
	Location() *time.Location
}

// Command is one requested transition with its arguments, as decoded from
// the API or a form. Resolved* fields are filled by the service from the
// store before Apply runs.
type Command struct {
	Action    Action   `json:"action"`
	Version   int      `json:"version"`
	Reason    string   `json:"reason,omitempty"`
	Documents []string `json:"documents,omitempty"` // request_supplement: keys of missing/wrong documents
	Assignee  string   `json:"assignee,omitempty"`  // assign: staff username
	ToUnit    string   `json:"to_unit,omitempty"`   // transfer, consult: agency identifier
	Amount    int64    `json:"amount,omitempty"`    // request_fee, VND
	Result    *Result  `json:"result,omitempty"`    // draft_result; finish (optional over a draft)
	Method    string   `json:"method,omitempty"`    // deliver: in_person, post, online
	NewDue    string   `json:"new_due,omitempty"`   // reschedule: YYYY-MM-DD or RFC 3339
	Rating    string   `json:"rating,omitempty"`    // rate
	Comment   string   `json:"comment,omitempty"`   // rate

	// ReplyDays (consult) is the working days the unit asked has to
	// answer; 0 leaves it to the service's default.
	ReplyDays int `json:"reply_days,omitempty"`

	ResolvedAssigneeID   int64  `json:"-"`
	ResolvedAssigneeName string `json:"-"`
	ResolvedUnitID       int64  `json:"-"`
	ResolvedUnitCode     string `json:"-"`
	ResolvedUnitName     string `json:"-"`
	ResolvedUnitPath     string `json:"-"`
	// ResolvedUnitCompetent says the resolved unit offers the dossier's
	// procedure: a transfer goes only to such a unit.
	ResolvedUnitCompetent bool `json:"-"`
}

// rule says from which statuses an action may run and who may run it.
type rule struct {
	from  []Status
	roles []string // org roles, or RoleApplicant
	// rolesAt overrides roles for a given from-status.
	rolesAt map[Status][]string
	// system lets a system actor (SystemActor) take the action; no other
	// action is open to it.
	system bool
}

const (
	rReception = string(org.RoleReceptionist)
	rSpecial   = string(org.RoleSpecialist)
	rLeader    = string(org.RoleLeader)
	rHead      = string(org.RoleHead)
)

var rules = map[Action]rule{
	ActReceive:           {from: []Status{StatusSubmitted}, roles: []string{rReception, rLeader}},
	ActRefuse:            {from: []Status{StatusSubmitted}, roles: []string{rReception, rLeader}},
	ActRequestSupplement: {from: []Status{StatusSubmitted, StatusReceived, StatusProcessing}, roles: []string{rSpecial, rLeader}, rolesAt: map[Status][]string{StatusSubmitted: {rReception, rLeader}}},
	ActSupplement:        {from: []Status{StatusSupplement}, roles: []string{RoleApplicant, rReception}},
	ActAssign:            {from: []Status{StatusReceived, StatusProcessing}, roles: []string{rLeader}},
	// The desk hands a received dossier to the processing unit; in
	// processing, the unit itself passes it on.
	ActTransfer:   {from: []Status{StatusReceived, StatusProcessing}, roles: []string{rLeader, rSpecial}, rolesAt: map[Status][]string{StatusReceived: {rReception, rLeader, rSpecial}}},
	ActRequestFee: {from: []Status{StatusProcessing}, roles: []string{rSpecial, rLeader}},
	// A payment gateway records the fee paid as the system.
	ActFeePaid:     {from: []Status{StatusFee}, roles: []string{rReception, rSpecial, rLeader}, system: true},
	ActDraftResult: {from: []Status{StatusProcessing}, roles: []string{rSpecial, rLeader}},
	// The head of office checks the draft where the template has the step
	// (catalog.StepApproveDraft); either the head or the leader may send
	// a draft back.
	ActApproveDraft:  {from: []Status{StatusProcessing}, roles: []string{rHead}},
	ActReturnDraft:   {from: []Status{StatusProcessing}, roles: []string{rLeader, rHead}},
	ActFinish:        {from: []Status{StatusProcessing}, roles: []string{rLeader}},
	ActReturnResult:  {from: []Status{StatusFinished}, roles: []string{rSpecial, rLeader, rReception}},
	ActDeliver:       {from: []Status{StatusFinished}, roles: []string{rReception, rLeader}},
	ActConsult:       {from: []Status{StatusProcessing}, roles: []string{rSpecial, rLeader}},
	ActAnswerConsult: {from: []Status{StatusReceived, StatusProcessing, StatusSupplement, StatusFee}, roles: []string{rSpecial, rLeader}},
	ActStop:          {from: []Status{StatusReceived, StatusProcessing, StatusSupplement, StatusFee}, roles: []string{rLeader, rSpecial, rReception}},
	ActWithdraw:      {from: []Status{StatusSubmitted, StatusReceived, StatusProcessing, StatusSupplement, StatusFee}, roles: []string{RoleApplicant, rReception}},
	ActReschedule:    {from: []Status{StatusReceived, StatusProcessing, StatusSupplement, StatusFee}, roles: []string{rLeader}},
	// The applicant rates online; at the counter, the desk that handed the
	// result over records the applicant's own choice on its screen (the
	// rating kiosk), for applicants without an account.
	ActRate: {from: []Status{StatusDelivered}, roles: []string{RoleApplicant, rReception, rLeader}},
	// The leader who decides may revoke the electronic result.
	ActRevokeResult: {from: []Status{StatusFinished, StatusDelivered}, roles: []string{rLeader}},
}

// Actions lists every action a caller may request, in lifecycle order.
var Actions = []Action{ActReceive, ActRefuse, ActRequestSupplement, ActSupplement, ActAssign, ActTransfer,
	ActConsult, ActAnswerConsult, ActRequestFee, ActFeePaid, ActDraftResult, ActApproveDraft, ActReturnDraft, ActFinish,
	ActReturnResult, ActDeliver, ActStop, ActWithdraw, ActReschedule, ActRate, ActRevokeResult}

// Allowed reports which of the actor's roles permits the action on the
// dossier in its current status; "" if none does. It checks role, unit and
// status but not the arguments.
func Allowed(d *Dossier, a Actor, act Action) (role string, statusOK bool) {
	r, ok := rules[act]
	if !ok {
		return "", false
	}
	for _, s := range r.from {
		if s == d.Status {
			statusOK = true
		}
	}
	roles := r.roles
	if rs, ok := r.rolesAt[d.Status]; ok {
		roles = rs
	}
	if a.System {
		// A system actor has no account and no unit: only the actions its
		// rules name.
		if r.system {
			return RoleSystem, statusOK
		}
		return "", statusOK
	}
	var mine []string
	if a.Citizen {
		if a.owns(d) {
			mine = []string{RoleApplicant}
		}
	} else if act == ActAnswerConsult {
		// A consultation is answered by the unit asked, not the holder.
		for _, c := range d.Consultations {
			if c.Open() {
				for _, r := range a.rolesIn(c.ToUnitID) {
					mine = append(mine, string(r))
				}
			}
		}
	} else {
		// Staff act only in the unit currently holding the dossier; seeing
		// a subtree is read-only.
		for _, r := range a.rolesIn(d.UnitID) {
			mine = append(mine, string(r))
		}
	}
	for _, want := range roles {
		for _, have := range mine {
			if want == have {
				return have, statusOK
			}
		}
	}
	return "", statusOK
}

// NextActions lists the actions the actor may take on the dossier now:
// allowed by role, unit and status, and not ruled out by the dossier's
// sub-state (a draft awaiting approval, a result not yet back at the desk…).
func NextActions(d *Dossier, a Actor) []Action {
	var out []Action
	for _, act := range Actions {
		if role, ok := Allowed(d, a, act); ok && role != "" && precondition(d, a, role, act) == nil {
			out = append(out, act)
		}
	}
	return out
}

// Sub-states set by the processing steps: they live beside the ten
// canonical statuses of the national portal sync, not as extra ones.
const (
	SubResultDrafted = "result_drafted" // a draft awaits the leader's approval
	// SubReviewPending: a draft awaits the head of office's review, where
	// the template has that step; once approved it is SubResultDrafted.
	SubReviewPending = "review_pending"
	SubDraftReturned = "draft_returned" // the leader or the head of office sent the draft back
	SubConsulting    = "consulting"     // at least one consultation is unanswered
	SubConsulted     = "consulted"      // every consultation is answered
	SubAtDesk        = "returned_to_desk"
	// SubDeliveredInPerson: the result was handed over at the desk (deliver
	// with method in_person), the only case where the applicant stands at
	// the counter to rate on the desk's screen.
	SubDeliveredInPerson = "delivered_in_person"
)

// outsideCompetence are the actions a unit that does not offer the
// dossier's procedure may not take while it holds the dossier: deciding
// it is the competent unit's (Decree 118/2025/NĐ-CP). What remains is
// handing it on (transfer), refusing it (refuse), the applicant's own
// steps (withdraw, supplement, rate), answering a consultation, recording
// a fee already paid, and delivering a result returned to the desk.
var outsideCompetence = map[Action]bool{
	ActReceive: true, ActRequestSupplement: true, ActAssign: true, ActRequestFee: true, ActDraftResult: true,
	ActApproveDraft: true, ActReturnDraft: true, ActFinish: true, ActConsult: true, ActStop: true, ActReschedule: true,
	ActRevokeResult: true,
}

// precondition checks what the status alone does not: the dossier's
// sub-state and who holds it. It answers 422 (or 403 for a specialist who
// is not the assignee) and is also what hides an action from NextActions.
func precondition(d *Dossier, a Actor, role string, act Action) error {
	if d.OutsideCompetence && outsideCompetence[act] {
		return apperr.Newf(apperr.Unprocessable, "must_transfer",
			"«%s» không giải quyết thủ tục «%s»: hồ sơ phải được chuyển đến đơn vị có thẩm quyền giải quyết (hoặc từ chối, hoặc rút).",
			"%s does not offer %q: the dossier must be transferred to a unit that does (or be refused or withdrawn).",
			d.UnitName, d.ProcedureName)
	}
	switch act {
	case ActDraftResult:
		if d.Substate == SubResultDrafted {
			return unprocessable("draft_pending", "Dự thảo kết quả đang chờ lãnh đạo phê duyệt.", "A draft result is awaiting the leader's approval.")
		}
		if d.Substate == SubReviewPending {
			return errReviewPending()
		}
		if role == rSpecial && d.AssigneeID != 0 && d.AssigneeID != a.AccountID {
			return apperr.New(apperr.Forbidden, "not_assignee", "Chỉ chuyên viên được phân công mới được dự thảo kết quả.", "Only the assigned specialist may draft the result.")
		}
	case ActRequestSupplement:
		// The unit asks once, in one written request listing every item
		// (Decree 61/2018/NĐ-CP as amended); a further request is the
		// leader's own decision, and counted.
		if d.Status != StatusSubmitted && d.SupplementRequests >= 1 && role != rLeader {
			return apperr.New(apperr.Forbidden, "further_request_needs_leader",
				"Hồ sơ đã được yêu cầu bổ sung một lần; yêu cầu bổ sung lần nữa phải do lãnh đạo đơn vị quyết định.",
				"A supplementation request was already made; a further one must be decided by the unit's leader.")
		}
	case ActConsult:
		// Once the draft is with the leader, it is approved or returned
		// first: a question now would leave the draft hanging.
		if d.Substate == SubResultDrafted {
			return unprocessable("draft_pending", "Dự thảo kết quả đang chờ lãnh đạo phê duyệt.", "A draft result is awaiting the leader's approval.")
		}
		if d.Substate == SubReviewPending {
			return errReviewPending()
		}
	case ActFinish:
		// Where the template puts the head of office's review before the
		// leader's, a draft the head has not approved is not signed, nor
		// replaced by a result of the leader's own while it waits: the
		// leader returns it first (docs/approval.md).
		if d.Substate == SubReviewPending {
			return unprocessable("review_pending", "Dự thảo kết quả chưa được trưởng phòng duyệt; lãnh đạo chỉ phê duyệt sau khi trưởng phòng đã duyệt dự thảo.",
				"The head of office has not approved the draft result yet; the leader approves only a draft the head has approved.")
		}
		// The result is decided once every unit asked has answered: the
		// answer may change it (the consulted unit's delay is its own).
		for _, c := range d.Consultations {
			if c.Open() {
				return unprocessable("consultation_open", "Còn ý kiến của đơn vị được xin ý kiến chưa trả lời; chưa thể phê duyệt kết quả.",
					"A unit consulted has not answered yet; the result cannot be approved.")
			}
		}
	case ActApproveDraft:
		if d.Substate != SubReviewPending {
			return unprocessable("no_draft_to_review", "Hồ sơ không có dự thảo kết quả chờ trưởng phòng duyệt.", "There is no draft result awaiting the head of office's review.")
		}
	case ActReturnDraft:
		// The head of office returns a draft under review; once approved,
		// the draft is with the leader, who may return it at either stage.
		if d.Substate != SubReviewPending && (role == rHead || d.Substate != SubResultDrafted) {
			return unprocessable("no_draft", "Hồ sơ chưa có dự thảo kết quả chờ phê duyệt.", "There is no draft result awaiting approval.")
		}
	case ActReturnResult:
		if d.UnitID == d.ReceivedUnitID {
			return unprocessable("already_at_desk", "Kết quả đã ở bộ phận một cửa của đơn vị tiếp nhận.", "The result is already at the receiving desk.")
		}
	case ActDeliver:
		if d.UnitID != d.ReceivedUnitID {
			return unprocessable("not_at_desk", "Kết quả phải được chuyển về bộ phận một cửa đã tiếp nhận hồ sơ trước khi trả.", "The result must first be returned to the desk that received the dossier.")
		}
	case ActReschedule:
		if d.Rescheduled {
			return unprocessable("already_rescheduled", "Hồ sơ đã được gia hạn một lần; không được gia hạn lần nữa.", "The due date may be reset only once.")
		}
	case ActRevokeResult:
		if !d.hasResultFile() {
			return unprocessable("no_electronic_result", "Hồ sơ không có kết quả điện tử để thu hồi.", "The dossier has no electronic result to revoke.")
		}
		if d.ResultRevoked() != nil {
			return unprocessable("result_revoked", "Kết quả điện tử của hồ sơ đã bị thu hồi.", "The dossier's electronic result was already revoked.")
		}
	case ActRate:
		if d.Rating != "" {
			if role != RoleApplicant {
				return unprocessable("already_rated", "Hồ sơ này đã được đánh giá; mỗi hồ sơ chỉ được đánh giá một lần.", "This dossier has already been rated; a dossier is rated once.")
			}
			return unprocessable("already_rated", "Bạn đã đánh giá hồ sơ này.", "You have already rated this dossier.")
		}
		// A rating the desk records is the applicant's own choice, made at
		// the counter: a result sent by post or online leaves nobody there
		// to choose, and an officer must not rate their own work.
		if role != RoleApplicant && d.Substate != SubDeliveredInPerson {
			return unprocessable("not_delivered_at_desk", "Chỉ ghi nhận đánh giá tại quầy cho hồ sơ đã trả kết quả trực tiếp tại bộ phận một cửa.",
				"The desk records a rating only for a result handed over in person at the desk.")
		}
	}
	return nil
}

func invalid(code, vi, en string) error { return apperr.New(apperr.Invalid, code, vi, en) }

// errReviewPending refuses what would leave a draft under the head of
// office's review hanging (a new draft, a consultation).
func errReviewPending() error {
	return unprocessable("review_pending_head", "Dự thảo kết quả đang chờ trưởng phòng duyệt.", "A draft result is awaiting the head of office's review.")
}

func unprocessable(code, vi, en string) error {
	return apperr.New(apperr.Unprocessable, code, vi, en)
}

// Apply checks the command against the dossier's status, the actor's role in
// the dossier's unit and the command's arguments, then changes the dossier
// and returns the event to append. On error the dossier is unchanged.
func Apply(d *Dossier, v *catalog.Version, a Actor, cmd Command, now time.Time, clk Clock) (*Event, error) {
	r, known := rules[cmd.Action]
	if !known {
		return nil, apperr.Newf(apperr.Invalid, "unknown_action", "Thao tác «%s» không tồn tại.", "Unknown action %q.", cmd.Action)
	}
	_ = r
	role, statusOK := Allowed(d, a, cmd.Action)
	if role == "" {
		return nil, errRole(cmd.Action)
	}
	// A stale page gets 409 before any status check: what it showed is gone.
	if cmd.Version != d.Version {
		return nil, apperr.Newf(apperr.Conflict, "stale_version",
			"Hồ sơ đã được người khác thay đổi (phiên bản %d, bạn gửi %d). Vui lòng tải lại.",
			"The dossier was changed by someone else (version %d, you sent %d). Reload it.", d.Version, cmd.Version)
	}
	if !statusOK {
		return nil, errTransition(cmd.Action, d.Status)
	}
	if err := precondition(d, a, role, cmd.Action); err != nil {
		return nil, err
	}
	// Work on a copy so that a failed check leaves d untouched.
	n := *d
	ev := &Event{At: now, ActorID: a.AccountID, ActorName: a.Name, Role: role, UnitID: d.UnitID,
		UnitCode: d.UnitCode, Action: cmd.Action, From: d.Status}
	reason := strings.TrimSpace(cmd.Reason)
	needReason := func() error {
		if reason == "" {
			return invalid("reason_required", "Vui lòng nêu lý do.", "A reason is required.")
		}
		ev.Note = reason
		return nil
	}
	handOver := false
	switch cmd.Action {
	case ActReceive:
		due, err := clk.Due(now, v.LimitAmount, string(v.LimitKind), v.SameDayCutoff)
		if err != nil {
			return nil, err
		}
		n.Status = StatusReceived
		n.ReceivedAt = &now
		n.LegalDueAt, n.AppointedDueAt = &due, &due
		ev.Note = reason
		handOver = true
	case ActRefuse:
		if err := needReason(); err != nil {
			return nil, err
		}
		n.Status = StatusRefused
	case ActRequestSupplement:
		if err := needReason(); err != nil {
			return nil, err
		}
		if len(cmd.Documents) == 0 {
			return nil, invalid("documents_required", "Vui lòng chọn các giấy tờ cần bổ sung.", "List the documents to supplement.")
		}
		for _, k := range cmd.Documents {
			if !hasDocument(v, k) {
				// The law forbids asking for papers beyond the published list.
				return nil, apperr.Newf(apperr.Invalid, "document_not_in_list",
					"Giấy tờ «%s» không có trong thành phần hồ sơ đã công bố.",
					"Document %q is not in the procedure's published list.", k)
			}
		}
		n.Supplement = &SupplementRequest{Documents: cmd.Documents, Reason: reason, RequestedAt: now, FromStatus: d.Status}
		n.Status = StatusSupplement
		n.Substate = "awaiting_applicant"
		if d.Status != StatusSubmitted {
			n.PausedAt = &now
			n.SupplementRequests = d.SupplementRequests + 1
		}
		ev.Data = SupplementData{Documents: cmd.Documents, Nth: n.SupplementRequests}
	case ActSupplement:
		if d.Supplement == nil {
			return nil, unprocessable("no_request", "Hồ sơ không có yêu cầu bổ sung.", "There is no supplementation request.")
		}
		back := d.Supplement.FromStatus
		if back == StatusReceived {
			back = StatusProcessing
		}
		if back != StatusSubmitted && d.LegalDueAt != nil {
			if v.SupplementPolicy == catalog.SupplementPause && d.PausedAt != nil {
				resume(&n, d, clk, now)
			} else {
				// The law mostly restarts the clock when the complete
				// dossier arrives: a new appointment with it.
				due, err := clk.Due(now, v.LimitAmount, string(v.LimitKind), v.SameDayCutoff)
				if err != nil {
					return nil, err
				}
				n.LegalDueAt, n.AppointedDueAt = &due, &due
			}
		}
		n.Status = back
		n.Supplement = nil
		n.PausedAt = nil
		n.Substate = "supplemented"
		ev.Note = reason
	case ActAssign:
		if cmd.ResolvedAssigneeID == 0 {
			return nil, invalid("assignee_required", "Vui lòng chọn chuyên viên xử lý thuộc đơn vị.", "Choose a specialist of this unit.")
		}
		n.Status = StatusProcessing
		n.AssigneeID = cmd.ResolvedAssigneeID
		n.Assignee = cmd.ResolvedAssigneeName
		n.Substate = ""
		ev.Data = AssignData{Assignee: cmd.ResolvedAssigneeName}
		ev.Note = reason
		handOver = true
	case ActTransfer:
		if cmd.ResolvedUnitID == 0 {
			return nil, invalid("to_unit_required", "Vui lòng chọn đơn vị nhận hồ sơ.", "Choose the unit to transfer to.")
		}
		if cmd.ResolvedUnitID == d.UnitID {
			return nil, invalid("same_unit", "Không thể chuyển hồ sơ cho chính đơn vị đang xử lý.", "The dossier is already at that unit.")
		}
		// Slip 06 prints why the dossier changed hands: the reason is the
		// officer's to give, on every surface.
		if err := needReason(); err != nil {
			return nil, err
		}
		// Competence: only a unit that offers the procedure may take the
		// dossier to decide it.
		if !cmd.ResolvedUnitCompetent {
			return nil, apperr.Newf(apperr.Unprocessable, "not_competent",
				"«%s» không giải quyết thủ tục «%s»; chỉ được chuyển hồ sơ đến đơn vị có thẩm quyền giải quyết thủ tục.",
				"%s does not offer %q; the dossier may only be transferred to a unit that does.",
				cmd.ResolvedUnitName, d.ProcedureName)
		}
		n.OutsideCompetence = false
		// One code, one clock: the due date is kept.
		n.UnitID, n.UnitCode, n.UnitName, n.UnitPath = cmd.ResolvedUnitID, cmd.ResolvedUnitCode, cmd.ResolvedUnitName, cmd.ResolvedUnitPath
		n.Status = StatusProcessing
		n.AssigneeID, n.Assignee = 0, ""
		n.Substate = "transferred"
		ev.Data = UnitData{ToUnit: cmd.ResolvedUnitCode}
		ev.Note = reason
		// The desk's hand-over to the processing unit is a step of its own
		// where the template has one (closeStep finds none otherwise, or
		// once the dossier is past it); the receiving unit goes on with the
		// same step.
		handOver = true
	case ActRequestFee:
		if cmd.Amount == 0 {
			// The version's fees say what is owed before processing.
			cmd.Amount = catalog.Total(v.FeesDue(string(d.Channel), d.Form), catalog.CollectBefore)
		}
		if cmd.Amount <= 0 {
			return nil, invalid("amount_required", "Số tiền phí, lệ phí phải lớn hơn 0.", "The fee amount must be positive.")
		}
		n.Status = StatusFee
		n.FeeVND = cmd.Amount
		if v.FeeStopsClock {
			// The procedure stops the clock while the applicant pays.
			n.PausedAt = &now
		}
		ev.Data = FeeData{Amount: cmd.Amount}
		ev.Note = reason
	case ActFeePaid:
		n.Status = StatusProcessing
		n.FeePaidAt = &now
		if d.PausedAt != nil {
			resume(&n, d, clk, now)
			n.PausedAt = nil
		}
		ev.Note = reason
	case ActDraftResult:
		res, err := checkResult(cmd.Result)
		if err != nil {
			return nil, err
		}
		res.DraftedBy = a.Name
		n.Result = &res
		n.Substate = SubResultDrafted
		if v.HasStep(catalog.StepApproveDraft) {
			// Every draft, a redraft too, goes to the head of office first.
			n.Substate = SubReviewPending
		}
		ev.Note = reason
		ev.Data = ResultData{ResultNumber: res.Number, Granted: res.Granted}
		// The first draft ends the examination; a redraft after the
		// leader's return is within the approval step (closeStep finds no
		// draft step ahead).
		handOver = true
	case ActApproveDraft:
		// The draft goes on to the leader as it stands; the head's note,
		// if any, is kept with the event.
		n.Substate = SubResultDrafted
		ev.Note = reason
		if d.Result != nil {
			ev.Data = ResultData{ResultNumber: d.Result.Number, Granted: d.Result.Granted}
		}
		// The first approval ends the head's step; one after a return
		// (by the head or the leader) ends none: the approval step runs on.
		handOver = true
	case ActReturnDraft:
		if err := needReason(); err != nil {
			return nil, err
		}
		n.Substate = SubDraftReturned
	case ActFinish:
		if v.HasStep(catalog.StepApproveDraft) && d.Substate != SubResultDrafted {
			// The template puts the head of office's review before the
			// signature: the leader signs a draft the head approved, not a
			// result of their own that no head has seen (docs/approval.md).
			return nil, unprocessable("review_required", "Quy trình của thủ tục yêu cầu trưởng phòng duyệt dự thảo kết quả trước khi lãnh đạo phê duyệt; chưa có dự thảo được duyệt.",
				"The procedure's process has the head of office approve the draft result before the leader signs; there is no approved draft.")
		}
		// The leader approves the draft as it stands, or issues a result of
		// their own (which replaces any draft).
		var res Result
		if cmd.Result == nil && d.Substate == SubResultDrafted && d.Result != nil {
			res = *d.Result
		} else {
			var err error
			if res, err = checkResult(cmd.Result); err != nil {
				return nil, err
			}
			if d.Result != nil {
				res.DraftedBy = d.Result.DraftedBy
			}
		}
		res.IssuedAt = now.In(clk.Location())
		res.SignedBy = a.Name
		n.Result = &res
		n.Status = StatusFinished
		n.FinishedAt = &now
		n.Substate = ""
		// Judged against the statutory date: an apology and a new
		// appointment do not make a late result timely.
		ev.Verdict = Verdict(d.LegalDueAt, now, clk.Location())
		n.Verdict = ev.Verdict
		ev.Data = ResultData{ResultNumber: res.Number, Granted: res.Granted}
		ev.Note = reason
		handOver = true
	case ActReturnResult:
		if cmd.ResolvedUnitID != d.ReceivedUnitID {
			return nil, errors.New("return_result: the receiving unit was not resolved")
		}
		n.UnitID, n.UnitCode, n.UnitName, n.UnitPath = cmd.ResolvedUnitID, cmd.ResolvedUnitCode, cmd.ResolvedUnitName, cmd.ResolvedUnitPath
		n.Substate = SubAtDesk
		ev.Data = UnitData{ToUnit: cmd.ResolvedUnitCode}
		ev.Note = reason
		// A step of its own only where the template has one.
		handOver = true
	case ActConsult:
		if err := consult(&n, a, cmd, reason, now, ev, clk); err != nil {
			return nil, err
		}
	case ActAnswerConsult:
		if err := answerConsult(&n, a, reason, now, ev, clk); err != nil {
			return nil, err
		}
	case ActDeliver:
		method := cmd.Method
		if method == "" {
			// As the applicant chose at submission.
			method = d.Delivery.Method
		}
		switch method {
		case DeliverInPerson, DeliverPost:
		case DeliverOnline:
			// An electronic result is a file: without one there is
			// nothing to deliver online.
			if !d.hasResultFile() {
				return nil, unprocessable("result_file_required", "Chưa có tệp kết quả điện tử; không thể trả kết quả trực tuyến.",
					"There is no electronic result file; the result cannot be delivered online.")
			}
		default:
			return nil, invalid("method_invalid", "Hình thức trả kết quả phải là trực tiếp, bưu chính hoặc trực tuyến.", "Delivery method must be in_person, post or online.")
		}
		n.Status = StatusDelivered
		n.DeliveredAt = &now
		n.Substate = "delivered_" + method
		ev.Data = DeliverData{Method: method}
		handOver = true
	case ActStop:
		if err := needReason(); err != nil {
			return nil, err
		}
		n.Status = StatusStopped
		n.FinishedAt = &now
		// Stopped and withdrawn dossiers count as on time (report form
		// II.06a, Circular 01/2020/TT-VPCP).
		n.Verdict = VerdictOnTime
	case ActWithdraw:
		if err := CheckWithdrawal(reason); err != nil {
			return nil, err
		}
		ev.Note = reason
		n.Status = StatusWithdrawn
		if d.ReceivedAt != nil {
			n.FinishedAt = &now
			n.Verdict = VerdictOnTime
		}
	case ActReschedule:
		if err := needReason(); err != nil {
			return nil, err
		}
		old := d.Appointment()
		if old == nil {
			return nil, unprocessable("no_due_date", "Hồ sơ chưa có ngày hẹn trả.", "The dossier has no due date yet.")
		}
		if err := CheckApologyInTime(*old, now, clk); err != nil {
			return nil, err
		}
		newDue, err := parseNewDue(cmd.NewDue, clk.Location())
		if err != nil {
			return nil, err
		}
		if !newDue.After(*old) {
			return nil, invalid("new_due_not_later", "Ngày hẹn mới phải sau ngày hẹn hiện tại.", "The new date must be after the current due date.")
		}
		if !clk.IsWorkingDay(newDue) {
			return nil, invalid("new_due_not_working_day", "Ngày hẹn mới phải là ngày làm việc (không phải thứ Bảy, Chủ nhật hoặc ngày nghỉ lễ, Tết).",
				"The new date must be a working day (not a weekend or a public holiday).")
		}
		ev.Data = RescheduleData{OldDue: old.UTC().Truncate(time.Second), NewDue: newDue.UTC().Truncate(time.Second)}
		// Only the appointment moves: the statutory date, and so the
		// verdict, stay (Decree 107/2021/NĐ-CP).
		n.AppointedDueAt = &newDue
		n.Rescheduled = true
	case ActRevokeResult:
		if strings.TrimSpace(cmd.Reason) == "" {
			return nil, invalid("reason_required", "Vui lòng ghi lý do thu hồi kết quả.", "Give the reason the result is revoked.")
		}
		ev.Note = strings.TrimSpace(cmd.Reason)
	case ActRate:
		switch cmd.Rating {
		case RatingVerySatisfied, RatingSatisfied, RatingDissatisfied:
		default:
			return nil, invalid("rating_invalid", "Mức đánh giá phải là: rất hài lòng, hài lòng hoặc không hài lòng.", "Rating must be very_satisfied, satisfied or dissatisfied.")
		}
		c := strings.TrimSpace(cmd.Comment)
		if len([]rune(c)) > 2000 {
			return nil, invalid("comment_too_long", "Nhận xét quá dài (tối đa 2000 ký tự).", "The comment is too long (2000 characters at most).")
		}
		n.Rating, n.RatingComment = cmd.Rating, c
		data := RatingData{Rating: cmd.Rating}
		if role != RoleApplicant {
			// The officer is the event's actor (who recorded it); the
			// channel says the choice was the applicant's, at the kiosk.
			data.Channel = RatingChannelKiosk
		}
		ev.Data = data
		ev.Note = c
	}
	if handOver {
		closeStep(&n, v, ev, now, clk)
	}
	ev.To = n.Status
	n.Version = d.Version + 1
	n.UpdatedAt = now
	n.StatusLabel = n.Status.Label("vi")
	*d = n
	return ev, nil
}

// CheckApologyInTime applies Decree 61/2018/NĐ-CP as amended by Decree
// 107/2021/NĐ-CP: the apology letter with its new appointment is sent
// at the latest one working day before the due date, so the last day for it
// is the working day before the due date's day.
func CheckApologyInTime(due, now time.Time, clk DayCounter) error {
	loc := clk.Location()
	last := ApologyLastDay(due, clk)
	ly, lm, ld := last.In(loc).Date()
	if now.In(loc).After(time.Date(ly, lm, ld, 23, 59, 59, 0, loc)) {
		return apperr.Newf(apperr.Unprocessable, "apology_too_late",
			"Văn bản xin lỗi và hẹn lại phải gửi chậm nhất 01 ngày làm việc trước ngày hết hạn (Nghị định 107/2021/NĐ-CP), tức là trong ngày %s.",
			"The apology and new date must be sent at least one working day before the due date (Decree 107/2021/NĐ-CP), that is by %s.",
			last.In(loc).Format("02/01/2006"))
	}
	return nil
}

// ApologyLastDay is the last day on which the apology for a dossier due at
// due may be sent: the working day before the due date's day.
func ApologyLastDay(due time.Time, clk DayCounter) time.Time {
	return clk.AddWorkingDays(due, -1)
}

// ApologyWarning reports whether a leader should be warned about an open
// dossier at now: its statutory date falls within two working days and it
// has not been rescheduled yet (so an apology can still be sent in time).
func ApologyWarning(d *Dossier, now time.Time, clk DayCounter) bool {
	if !d.Status.Open() || d.Rescheduled || d.LegalDueAt == nil || d.Paused() || now.After(*d.LegalDueAt) {
		return false
	}
	return d.LegalDueAt.Before(WarnUntil(now, clk))
}

// WarnUntil is the end (exclusive) of the window in which leaders are
// warned of a dossier falling due: midnight after the second working day
// from now.
func WarnUntil(now time.Time, clk DayCounter) time.Time {
	loc := clk.Location()
	t := clk.AddWorkingDays(now, 2)
	y, m, dd := t.In(loc).Date()
	return time.Date(y, m, dd+1, 0, 0, 0, 0, loc)
}

// resume restarts a paused clock: the statutory date and the appointment
// move by the working time the dossier spent waiting.
func resume(n, d *Dossier, clk Clock, now time.Time) {
	if d.PausedAt == nil {
		return
	}
	waited := clk.WorkingHoursBetween(*d.PausedAt, now)
	if d.LegalDueAt != nil {
		due := clk.AddWorkingHours(*d.LegalDueAt, waited)
		n.LegalDueAt = &due
	}
	if a := d.Appointment(); a != nil {
		ap := clk.AddWorkingHours(*a, waited)
		n.AppointedDueAt = &ap
	}
}

// CheckWithdrawal checks the applicant's (or the desk's) reason for
// withdrawing a dossier: it is required, whichever surface asks. Forms call
// it to show every error at once; Apply calls it whatever the caller did.
func CheckWithdrawal(reason string) error {
	if strings.TrimSpace(reason) == "" {
		return invalid("reason_required", "Vui lòng nêu lý do rút hồ sơ.", "Give the reason for withdrawing the dossier.")
	}
	return nil
}

// closeStep judges the process step this hand-over ends and starts the
// next one (slip 06). The step ended is the one the template gives the
// action (catalog.Step.Action), at or after the current one; steps before
// it that have no hand-over of their own (a review, a consultation) or
// whose optional hand-over did not happen (a transfer) end with it, and
// their budgets add up. A hand-over with no step ahead (a second
// assignment, a redraft, a transfer between processing units) ends none:
// the current step runs on.
func closeStep(n *Dossier, v *catalog.Version, ev *Event, now time.Time, clk Clock) {
	end := v.StepEndedBy(string(ev.Action), n.StepIndex)
	if end < 0 {
		return
	}
	var budget float64
	for _, st := range v.Process[n.StepIndex : end+1] {
		budget += st.BudgetHours
	}
	ev.StepKey = v.Process[end].Key
	ev.BudgetHours = budget
	start := n.StepStartedAt
	if start.IsZero() {
		start = n.SubmittedAt
	}
	ev.SpentHours = round2(clk.WorkingHoursBetween(start, now))
	deadline := clk.AddWorkingHours(start, budget)
	ev.Verdict = Verdict(&deadline, now, clk.Location())
	n.StepIndex = end + 1
	n.StepStartedAt = now
}

func round2(f float64) float64 { return float64(int64(f*100+0.5)) / 100 }

// Verdict judges a completion time against a deadline as report form
// II.06a does (Circular 01/2020/TT-VPCP): early if done on a day before the
// deadline's day, on time if by the deadline, late after it. No deadline
// means on time.
func Verdict(due *time.Time, done time.Time, loc *time.Location) string {
	if due == nil {
		return VerdictOnTime
	}
	if done.After(*due) {
		return VerdictLate
	}
	dy, dm, dd := due.In(loc).Date()
	y, m, dday := done.In(loc).Date()
	if time.Date(y, m, dday, 0, 0, 0, 0, loc).Before(time.Date(dy, dm, dd, 0, 0, 0, 0, loc)) {
		return VerdictEarly
	}
	return VerdictOnTime
}

// checkResult validates a result as drafted or issued: a summary always.
// The number is the records office's: a draft may carry one reserved for
// it; a result signed without one gets the next of the unit's register
// when it is stored (store.assignResultNumber), not at the draft.
func checkResult(in *Result) (Result, error) {
	if in == nil || strings.TrimSpace(in.Summary) == "" {
		return Result{}, invalid("result_required", "Vui lòng nhập kết quả giải quyết (trích yếu).", "Give the result summary.")
	}
	res := Result{Number: strings.TrimSpace(in.Number), Summary: strings.TrimSpace(in.Summary), Granted: in.Granted}
	if len([]rune(res.Summary)) > 2000 || len([]rune(res.Number)) > 100 {
		return Result{}, invalid("result_too_long", "Trích yếu (tối đa 2000 ký tự) hoặc số ký hiệu (tối đa 100 ký tự) quá dài.", "The summary (2000 characters) or number (100 characters) is too long.")
	}
	return res, nil
}

func hasDocument(v *catalog.Version, key string) bool {
	for _, d := range v.Documents {
		if d.Key == key {
			return true
		}
	}
	return false
}

// parseNewDue reads a date as vn.ParseDate does (dd/mm/yyyy as the back
// office types it, yyyy-mm-dd from the API), due at the end of that office
// day, 17:00; or an RFC 3339 time.
func parseNewDue(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := vn.ParseDate(s, loc); err == nil {
		return t.Add(17 * time.Hour), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, invalid("new_due_invalid", "Ngày hẹn mới không hợp lệ: vui lòng nhập theo dạng ngày/tháng/năm, ví dụ 05/12/2026.",
		"The new date is invalid: enter it as day/month/year, for example 05/12/2026.")
}
