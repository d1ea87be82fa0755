package dossier

import (
	"encoding/json"
	"fmt"
	"time"
)

// EventData is the typed payload of an event, one type per action that
// records details beyond its note; nil for the others. Each type encodes
// to the JSON the event log has always held (the same keys, in the same
// order), so stored rows stay readable and the bytes stay stable.
type EventData interface {
	eventData()
}

// SupplementData: request_supplement, the documents asked for and, for a
// request after reception, its rank (2 and more are further requests).
type SupplementData struct {
	Documents []string `json:"documents"`
	Nth       int      `json:"nth,omitempty"`
}

// AssignData: assign, the specialist's name.
type AssignData struct {
	Assignee string `json:"assignee"`
}

// UnitData: transfer and return_result, the agency identifier of the unit
// the dossier goes to.
type UnitData struct {
	ToUnit string `json:"to_unit"`
}

// ConsultData: consult, the agency identifier of the unit asked and the
// time it was given to answer: a number of working days and the end of the
// last one (RFC 3339 in UTC, to the second). Consultations recorded before
// reply-by dates existed hold only to_unit. The keys are in alphabetical
// order, as a map of them encodes.
type ConsultData struct {
	ReplyBy   *time.Time `json:"reply_by,omitempty"`
	ReplyDays int        `json:"reply_days,omitempty"`
	ToUnit    string     `json:"to_unit"`
}

// AnswerData: answer_consult, the agency identifier of the unit that asked.
type AnswerData struct {
	FromUnit string `json:"from_unit"`
}

// FeeData: request_fee, the amount in VND.
type FeeData struct {
	Amount int64 `json:"amount"`
}

// ResultData: draft_result, approve_draft and finish, the result's number and outcome.
type ResultData struct {
	Granted      bool   `json:"granted"`
	ResultNumber string `json:"result_number"`
}

// DeliverData: deliver, how the result was handed over.
type DeliverData struct {
	Method string `json:"method"`
}

// RescheduleData: reschedule, the due date before and after (encoded as
// RFC 3339 in UTC, to the second).
type RescheduleData struct {
	NewDue time.Time `json:"new_due"`
	OldDue time.Time `json:"old_due"`
}

// MarshalJSON writes both dates as RFC 3339 in UTC, to the second.
func (d RescheduleData) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		NewDue string `json:"new_due"`
		OldDue string `json:"old_due"`
	}{d.NewDue.UTC().Format(time.RFC3339), d.OldDue.UTC().Format(time.RFC3339)})
}

// RatingData: rate, the level chosen and, for a rating the desk recorded
// on its screen for the applicant at the counter, the channel "kiosk"
// (empty for the applicant's own online rating, so older rows encode
// unchanged).
type RatingData struct {
	Channel string `json:"channel,omitempty"`
	Rating  string `json:"rating"`
}

// RatingChannelKiosk marks a rating recorded on the desk's screen.
const RatingChannelKiosk = "kiosk"

// SubmitData: submit, where the form values the platform filled came from
// (field → origin), for the values the citizen kept as filled.
type SubmitData struct {
	Sources map[string]Origin `json:"sources"`
}

// RawData is a stored payload of an action that has no type (yet): kept as
// it was, so that reading an old row never fails.
type RawData json.RawMessage

// MarshalJSON writes the payload back unchanged.
func (d RawData) MarshalJSON() ([]byte, error) { return json.RawMessage(d).MarshalJSON() }

func (SupplementData) eventData() {}
func (AssignData) eventData()     {}
func (UnitData) eventData()       {}
func (ConsultData) eventData()    {}
func (AnswerData) eventData()     {}
func (FeeData) eventData()        {}
func (ResultData) eventData()     {}
func (DeliverData) eventData()    {}
func (RescheduleData) eventData() {}
func (RatingData) eventData()     {}
func (SubmitData) eventData()     {}
func (RawData) eventData()        {}

// eventDataTypes says which payload each action records.
var eventDataTypes = map[Action]func([]byte) (EventData, error){
	ActRequestSupplement: decodeAs[SupplementData],
	ActAssign:            decodeAs[AssignData],
	ActTransfer:          decodeAs[UnitData],
	ActReturnResult:      decodeAs[UnitData],
	ActConsult:           decodeAs[ConsultData],
	ActAnswerConsult:     decodeAs[AnswerData],
	ActRequestFee:        decodeAs[FeeData],
	ActDraftResult:       decodeAs[ResultData],
	ActApproveDraft:      decodeAs[ResultData],
	ActFinish:            decodeAs[ResultData],
	ActDeliver:           decodeAs[DeliverData],
	ActReschedule:        decodeAs[RescheduleData],
	ActRate:              decodeAs[RatingData],
	ActReceive:           decodeAs[ReceiveData],
	ActSubmit:            decodeAs[SubmitData],
}

func decodeAs[T EventData](raw []byte) (EventData, error) {
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	return v, nil
}

// DecodeEventData reads the stored payload of an event of the action: the
// action's type, RawData for an action without one, nil for no payload.
func DecodeEventData(act Action, raw []byte) (EventData, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	dec, ok := eventDataTypes[act]
	if !ok {
		return RawData(append([]byte(nil), raw...)), nil
	}
	d, err := dec(raw)
	if err != nil {
		return nil, fmt.Errorf("decoding %s event data: %w", act, err)
	}
	return d, nil
}

// UnmarshalJSON reads an event with its typed payload.
func (e *Event) UnmarshalJSON(b []byte) error {
	type plain Event
	var aux struct {
		plain
		Data json.RawMessage `json:"data,omitempty"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	d, err := DecodeEventData(aux.Action, aux.Data)
	if err != nil {
		return err
	}
	*e = Event(aux.plain)
	e.Data = d
	return nil
}
