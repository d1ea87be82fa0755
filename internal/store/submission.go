package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/vn"
)

// submission is a new dossier made ready for the writer: everything its
// rows need that does not depend on the transaction (the code's date, the
// JSON columns, the folded name, the first event's data and most of its
// hash) is computed by the submitting goroutine before it queues, so that
// the single writer (SQLite) or a group's transaction (PostgreSQL) spends
// its time on SQL only.
type submission struct {
	in *dossier.NewDossier
	// day is the code's date, yymmdd in Vietnam (also the group's sort key).
	day string
	// applicant and form are the JSON columns; name and folded the
	// applicant's display name and its search form.
	applicant, form string
	name, folded    string
	// evData is the first event's data as stored (nil: NULL).
	evData []byte
	// evTail is the JSON of the first event's hashed content after its
	// dossier's code, which only the transaction knows (see firstEventHash).
	evTail []byte
}

// prepareSubmission computes what a submission's rows need outside the
// writer's transaction.
func prepareSubmission(in *dossier.NewDossier) (*submission, error) {
	d := in.Dossier
	s := &submission{in: in, day: d.SubmittedAt.In(codeZone).Format("060102")}
	app, err := json.Marshal(d.Applicant)
	if err != nil {
		return nil, fmt.Errorf("encoding the applicant: %w", err)
	}
	form, err := json.Marshal(d.Form)
	if err != nil {
		return nil, fmt.Errorf("encoding the form: %w", err)
	}
	s.applicant, s.form = string(app), string(form)
	s.name = d.Applicant.DisplayName()
	s.folded = vn.Fold(s.name)
	if s.evData, err = eventData(in.Event); err != nil {
		return nil, err
	}
	if s.evTail, err = eventTail(1, "", in.Event, s.evData); err != nil {
		return nil, err
	}
	return s, nil
}

// eventTail is the JSON encoding of eventContent for ev at seq after prev,
// from the field after the dossier's code on: eventContent's first field is
// the code, so the whole encoding is `{"dossier":` + the quoted code + tail.
func eventTail(seq int64, prev string, ev *dossier.Event, data []byte) ([]byte, error) {
	cd, err := canonicalJSON(data)
	if err != nil {
		return nil, err
	}
	c := eventContent{
		Seq: seq, Prev: prev, At: hashTime(ev.At), ActorID: ev.ActorID, ActorName: ev.ActorName,
		Role: ev.Role, UnitID: ev.UnitID, Action: string(ev.Action), From: int(ev.From), To: int(ev.To), Note: ev.Note,
		StepKey: ev.StepKey, BudgetHours: ev.BudgetHours, SpentHours: ev.SpentHours, Verdict: ev.Verdict, Data: cd,
	}
	b, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("encoding for hashing: %w", err)
	}
	const empty = `{"dossier":""`
	if len(b) < len(empty) || string(b[:len(empty)]) != empty {
		return nil, fmt.Errorf("encoding for hashing: unexpected encoding %.20q", b)
	}
	return b[len(empty):], nil
}

// firstEventHash is eventHash for the event whose tail eventTail encoded,
// once its dossier's code is known: the same bytes hashed, the code spliced
// in.
func firstEventHash(code string, tail []byte) (string, error) {
	q, err := json.Marshal(code)
	if err != nil {
		return "", fmt.Errorf("encoding for hashing: %w", err)
	}
	h := sha256.New()
	h.Write([]byte("motcua-event-v1\n"))
	h.Write([]byte(`{"dossier":`))
	h.Write(q)
	h.Write(tail)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// fresh copies s for one attempt at writing it: the writing sets the
// dossier's, the documents' and the event's ids and the code.
func (s *submission) fresh() *submission {
	c := *s
	in := *s.in
	d := *in.Dossier
	in.Dossier = &d
	in.Documents = append([]dossier.Document(nil), in.Documents...)
	ev := *in.Event
	in.Event = &ev
	c.in = &in
	return &c
}
