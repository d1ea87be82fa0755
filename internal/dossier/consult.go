package dossier

import (
	"slices"
	"time"

	"github.com/motcua/motcua/internal/apperr"
)

// Consultation is one request for another unit's opinion (inter-agency
// consultation, "lấy ý kiến"): the dossier stays with the unit that asks,
// the unit asked reads it and answers in writing.
type Consultation struct {
	ID         int64     `json:"id"`
	FromUnitID int64     `json:"-"`
	FromUnit   string    `json:"from_unit"`
	FromName   string    `json:"from_unit_name"`
	ToUnitID   int64     `json:"-"`
	ToUnit     string    `json:"to_unit"`
	ToUnitName string    `json:"to_unit_name"`
	Question   string    `json:"question"`
	AskedBy    string    `json:"asked_by"`
	AskedAt    time.Time `json:"asked_at"`
	// ReplyDays is the number of working days the unit asked was given
	// to answer, ReplyBy the end of the last one, on the calendar of the
	// unit that asks (the dossier's clock). Both are unset on
	// consultations opened before reply-by dates existed.
	ReplyDays  int        `json:"reply_days,omitempty"`
	ReplyBy    *time.Time `json:"reply_by,omitempty"`
	Answer     string     `json:"answer,omitempty"`
	AnsweredBy string     `json:"answered_by,omitempty"`
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
	// Verdict judges the answer against ReplyBy (early, on_time, late).
	// It is the consulted unit's: a late answer is its delay, not the
	// holder's.
	Verdict string `json:"verdict,omitempty"`
	// Changed marks a consultation the last Apply created or answered, for
	// the store to write.
	Changed bool `json:"-"`
}

// Open reports whether the consultation still awaits its answer.
func (c Consultation) Open() bool { return c.AnsweredAt == nil }

// Late reports whether the consulted unit is late at now: it answered
// after its reply-by date, or it has not answered and the date is past.
func (c Consultation) Late(now time.Time) bool {
	if !c.Open() {
		return c.Verdict == VerdictLate
	}
	return c.ReplyBy != nil && now.After(*c.ReplyBy)
}

// maxConsultText bounds a question or an answer.
const maxConsultText = 4000

// DefaultConsultDays is the time a consulted unit is given to answer, in
// working days, when neither the officer asking nor the deployment
// (Service.ConsultDays) says otherwise. The one-stop decrees leave it to
// the agencies: five working days is what the asking unit usually writes.
const DefaultConsultDays = 5

// MaxConsultDays bounds the time given to answer: beyond six weeks a
// consultation holds up a dossier whose whole legal time is rarely longer.
const MaxConsultDays = 30

// consult opens a consultation of cmd's resolved unit, to be answered
// within cmd.ReplyDays working days (DefaultConsultDays if 0) counted on
// the dossier's clock.
func consult(n *Dossier, a Actor, cmd Command, question string, now time.Time, ev *Event, clk Clock) error {
	if cmd.ResolvedUnitID == 0 {
		return invalid("to_unit_required", "Vui lòng chọn đơn vị được xin ý kiến.", "Choose the unit to consult.")
	}
	if cmd.ResolvedUnitID == n.UnitID {
		return invalid("same_unit", "Không thể xin ý kiến chính đơn vị đang giải quyết.", "The dossier is already at that unit.")
	}
	if question == "" {
		return invalid("question_required", "Vui lòng nêu nội dung cần xin ý kiến.", "Say what the unit is asked.")
	}
	if len([]rune(question)) > maxConsultText {
		return invalid("text_too_long", "Nội dung quá dài (tối đa 4000 ký tự).", "The text is too long (4000 characters at most).")
	}
	days := cmd.ReplyDays
	if days == 0 {
		days = DefaultConsultDays
	}
	if days < 1 || days > MaxConsultDays {
		return apperr.Newf(apperr.Invalid, "reply_days_invalid", "Thời hạn trả lời phải từ 1 đến %d ngày làm việc.",
			"The time to answer must be 1 to %d working days.", MaxConsultDays)
	}
	for _, c := range n.Consultations {
		if c.Open() && c.ToUnitID == cmd.ResolvedUnitID {
			return unprocessable("already_consulting", "Đơn vị này đang được xin ý kiến về hồ sơ và chưa trả lời.", "That unit was already asked and has not answered yet.")
		}
	}
	// Counted like a time limit: the day asked is not counted, the last
	// working day is counted to its close.
	by, err := clk.Due(now, days, "working_days", "")
	if err != nil {
		return err
	}
	by = by.UTC().Truncate(time.Second)
	cs := make([]Consultation, 0, len(n.Consultations)+1)
	cs = append(cs, n.Consultations...)
	n.Consultations = append(cs, Consultation{FromUnitID: n.UnitID, FromUnit: n.UnitCode, FromName: n.UnitName, ToUnitID: cmd.ResolvedUnitID,
		ToUnit: cmd.ResolvedUnitCode, ToUnitName: cmd.ResolvedUnitName, Question: question, AskedBy: a.Name, AskedAt: now,
		ReplyDays: days, ReplyBy: &by, Changed: true})
	n.Substate = SubConsulting
	ev.Note = question
	ev.Data = ConsultData{ToUnit: cmd.ResolvedUnitCode, ReplyDays: days, ReplyBy: &by}
	return nil
}

// answerConsult answers the open consultation of the actor's unit and
// judges the answer against its reply-by date. The event is recorded under
// the answering unit, with that verdict: a late answer is the consulted
// unit's delay (slip 06 and the back office name it), not the holder's.
func answerConsult(n *Dossier, a Actor, answer string, now time.Time, ev *Event, clk Clock) error {
	if answer == "" {
		return invalid("answer_required", "Vui lòng nhập ý kiến trả lời.", "Write the answer.")
	}
	if len([]rune(answer)) > maxConsultText {
		return invalid("text_too_long", "Nội dung quá dài (tối đa 4000 ký tự).", "The text is too long (4000 characters at most).")
	}
	cs := make([]Consultation, len(n.Consultations))
	copy(cs, n.Consultations)
	idx := -1
	for i, c := range cs {
		if c.Open() && len(a.rolesIn(c.ToUnitID)) > 0 {
			idx = i
			break
		}
	}
	if idx < 0 {
		return apperr.New(apperr.Forbidden, "not_consulted", "Đơn vị của bạn không được xin ý kiến về hồ sơ này.", "Your unit was not consulted on this dossier.")
	}
	c := &cs[idx]
	at := now
	c.Answer, c.AnsweredBy, c.AnsweredAt, c.Changed = answer, a.Name, &at, true
	if c.ReplyBy != nil {
		c.Verdict = Verdict(c.ReplyBy, now, clk.Location())
		ev.Verdict = c.Verdict
	}
	n.Consultations = cs
	open := false
	for _, c := range cs {
		open = open || c.Open()
	}
	if !open && n.Substate == SubConsulting {
		n.Substate = SubConsulted
	}
	ev.UnitID, ev.UnitCode = c.ToUnitID, c.ToUnit
	ev.Note = answer
	ev.Data = AnswerData{FromUnit: c.FromUnit}
	return nil
}

// consultedBy reports whether the unit was ever consulted on the dossier.
func (d *Dossier) consultedBy(unitID int64) bool {
	for _, c := range d.Consultations {
		if c.ToUnitID == unitID {
			return true
		}
	}
	return false
}

// ResultReleased reports whether the applicant may see the result: only
// once the leader has issued it, never a draft.
func (d *Dossier) ResultReleased() bool {
	return d.Status == StatusFinished || d.Status == StatusDelivered
}

// InternalActions are the administration's own business, not told to the
// applicant: drafts, their review and return, consultations.
var InternalActions = []Action{ActDraftResult, ActApproveDraft, ActReturnDraft, ActConsult, ActAnswerConsult}

// Internal reports whether the action is one of InternalActions.
func (a Action) Internal() bool { return slices.Contains(InternalActions, a) }

// HideUnreleased removes what the applicant may not see: the internal
// events, the consultations, and a result (with its files) not yet issued.
func (d *Dossier) HideUnreleased() {
	d.Consultations = nil
	evs := d.Events[:0:0]
	for _, ev := range d.Events {
		if !ev.Action.Internal() {
			evs = append(evs, ev)
		}
	}
	if d.Events != nil {
		d.Events = evs
	}
	if d.ResultReleased() {
		return
	}
	d.Result = nil
	docs := d.Documents[:0:0]
	for _, doc := range d.Documents {
		if doc.Kind != DocResult {
			docs = append(docs, doc)
		}
	}
	if d.Documents != nil {
		d.Documents = docs
	}
}
