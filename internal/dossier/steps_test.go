package dossier

import (
	"testing"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/org"
)

// mustApply applies a command at the dossier's current version and fails
// the test on error.
func mustApply(t *testing.T, d *Dossier, a Actor, cmd Command, now time.Time) *Event {
	t.Helper()
	cmd.Version = d.Version
	ev, err := Apply(d, testVersion(), a, cmd, now, testClock(t))
	if err != nil {
		t.Fatalf("%s: %v", cmd.Action, err)
	}
	return ev
}

// refused applies a command that must fail with the given kind and code
// and leave the dossier unchanged.
func refused(t *testing.T, d *Dossier, a Actor, cmd Command, now time.Time, kind apperr.Kind, code string) {
	t.Helper()
	cmd.Version = d.Version
	before := *d
	_, err := Apply(d, testVersion(), a, cmd, now, testClock(t))
	e, ok := apperr.As(err)
	if !ok || e.Kind != kind || e.Code != code {
		t.Fatalf("%s: want %v %s, got %v", cmd.Action, kind, code, err)
	}
	if d.Version != before.Version || d.Substate != before.Substate || d.Status != before.Status {
		t.Fatalf("%s: a refused action changed the dossier", cmd.Action)
	}
}

func has(acts []Action, want Action) bool {
	for _, a := range acts {
		if a == want {
			return true
		}
	}
	return false
}

// TestDraftThenApprove walks the specialist's draft, the leader's return
// with a reason, the second draft and the leader's approval, checking who
// may do what at each point and what the steps of slip 06 record.
func TestDraftThenApprove(t *testing.T) {
	spec, other, lead := staff(2, unitX, org.RoleSpecialist), staff(12, unitX, org.RoleSpecialist), staff(3, unitX, org.RoleLeader)
	d := dossierIn(StatusProcessing)
	d.AssigneeID, d.StepIndex = 2, 2 // assigned: the examination step runs
	now := time.Date(2025, 3, 5, 10, 0, 0, 0, ict)
	draft := Command{Action: ActDraftResult, Result: &Result{Number: "15/GCNKH", Summary: "Cấp giấy chứng nhận kết hôn", Granted: true}}

	refused(t, d, other, draft, now, apperr.Forbidden, "not_assignee")
	if has(NextActions(d, other), ActDraftResult) {
		t.Error("a specialist who is not the assignee is offered the draft")
	}
	refused(t, d, spec, Command{Action: ActDraftResult, Result: &Result{Number: "15/GCNKH"}}, now, apperr.Invalid, "result_required")
	refused(t, d, lead, Command{Action: ActReturnDraft, Reason: "sai"}, now, apperr.Unprocessable, "no_draft")

	ev := mustApply(t, d, spec, draft, now)
	if d.Status != StatusProcessing || d.Substate != SubResultDrafted || d.Result == nil || d.Result.DraftedBy != "specialist" || !d.Result.IssuedAt.IsZero() {
		t.Fatalf("after the draft: status %d substate %q result %+v", d.Status, d.Substate, d.Result)
	}
	if ev.StepKey != "tham_dinh" || ev.Verdict == "" {
		t.Errorf("the draft closes step %q with verdict %q, want tham_dinh with a verdict", ev.StepKey, ev.Verdict)
	}
	if d.FinishedAt != nil || d.Verdict != "" {
		t.Error("a draft finished the dossier")
	}
	refused(t, d, spec, draft, now, apperr.Unprocessable, "draft_pending")
	refused(t, d, spec, Command{Action: ActConsult, Reason: "?", ResolvedUnitID: unitY, ResolvedUnitCode: "Y"}, now, apperr.Unprocessable, "draft_pending")
	if got := NextActions(d, lead); !has(got, ActFinish) || !has(got, ActReturnDraft) {
		t.Errorf("the leader is offered %v, want finish and return_draft", got)
	}

	refused(t, d, lead, Command{Action: ActReturnDraft}, now, apperr.Invalid, "reason_required")
	mustApply(t, d, lead, Command{Action: ActReturnDraft, Reason: "Sai số giấy chứng nhận"}, now.Add(time.Hour))
	if d.Substate != SubDraftReturned || d.Result == nil {
		t.Fatalf("after the return: substate %q, draft %v", d.Substate, d.Result)
	}
	if !has(NextActions(d, spec), ActDraftResult) {
		t.Error("the specialist may not redraft after the return")
	}
	draft.Result.Number = "16/GCNKH"
	mustApply(t, d, spec, draft, now.Add(2*time.Hour))

	// The leader approves the draft as it stands.
	ev = mustApply(t, d, lead, Command{Action: ActFinish}, now.Add(3*time.Hour))
	if d.Status != StatusFinished || d.Result.Number != "16/GCNKH" || d.Result.SignedBy != "leader" || d.Result.DraftedBy != "specialist" || d.Result.IssuedAt.IsZero() {
		t.Fatalf("after approval: status %d result %+v", d.Status, d.Result)
	}
	if ev.StepKey != "phe_duyet" || d.Verdict == "" || d.FinishedAt == nil {
		t.Errorf("approval closed step %q, verdict %q", ev.StepKey, d.Verdict)
	}
}

// TestLeaderIssuesWithoutDraft keeps the small unit's path: the leader
// records and signs the result in one action.
func TestLeaderIssuesWithoutDraft(t *testing.T) {
	lead := staff(3, unitX, org.RoleLeader)
	d := dossierIn(StatusProcessing)
	now := time.Date(2025, 3, 5, 10, 0, 0, 0, ict)
	refused(t, d, lead, Command{Action: ActFinish}, now, apperr.Invalid, "result_required")
	mustApply(t, d, lead, Command{Action: ActFinish, Result: &Result{Summary: "Cấp giấy", Granted: true}}, now)
	if d.Status != StatusFinished || d.Result.SignedBy != "leader" {
		t.Fatalf("status %d result %+v", d.Status, d.Result)
	}
}

// TestConsultation opens consultations of two units, refuses a second
// open one to the same unit, lets only the unit asked answer, and keeps
// the dossier (and its clock) with the unit that asked.
func TestConsultation(t *testing.T) {
	spec := staff(2, unitX, org.RoleSpecialist)
	specY, recY := staff(9, unitY, org.RoleSpecialist), staff(8, unitY, org.RoleReceptionist)
	leadZ := staff(11, 30, org.RoleLeader)
	d := dossierIn(StatusProcessing)
	due := *d.LegalDueAt
	now := time.Date(2025, 3, 5, 10, 0, 0, 0, ict)
	ask := func(unit int64, code string) Command {
		return Command{Action: ActConsult, Reason: "Đề nghị cho ý kiến về nguồn gốc đất.", ResolvedUnitID: unit, ResolvedUnitCode: code}
	}

	if specY.CanSee(d) {
		t.Fatal("unit Y sees the dossier before it is consulted")
	}
	refused(t, d, spec, Command{Action: ActConsult, ResolvedUnitID: unitY, ResolvedUnitCode: "Y"}, now, apperr.Invalid, "question_required")
	refused(t, d, spec, ask(unitX, "X"), now, apperr.Invalid, "same_unit")
	refused(t, d, spec, Command{Action: ActConsult, Reason: "?"}, now, apperr.Invalid, "to_unit_required")
	ev := mustApply(t, d, spec, ask(unitY, "Y"), now)
	if d.Status != StatusProcessing || d.UnitID != unitX || d.Substate != SubConsulting || !d.LegalDueAt.Equal(due) {
		t.Fatalf("consulting moved the dossier: status %d unit %d substate %q due %v", d.Status, d.UnitID, d.Substate, d.LegalDueAt)
	}
	if len(d.Consultations) != 1 || !d.Consultations[0].Changed || ev.Data.(ConsultData).ToUnit != "Y" || d.Consultations[0].ReplyDays != DefaultConsultDays {
		t.Fatalf("consultations %+v, event %+v", d.Consultations, ev.Data)
	}
	d.Consultations[0].ID, d.Consultations[0].Changed = 1, false // as stored
	refused(t, d, spec, ask(unitY, "Y"), now, apperr.Unprocessable, "already_consulting")
	mustApply(t, d, spec, ask(30, "Z"), now)
	d.Consultations[1].ID, d.Consultations[1].Changed = 2, false

	if !specY.CanSee(d) || !leadZ.CanSee(d) {
		t.Fatal("a consulted unit cannot read the dossier")
	}
	if got := NextActions(d, specY); len(got) != 1 || got[0] != ActAnswerConsult {
		t.Errorf("unit Y's specialist is offered %v, want only answer_consult", got)
	}
	refused(t, d, recY, Command{Action: ActAnswerConsult, Reason: "Đồng ý"}, now, apperr.Forbidden, "role_not_allowed")
	refused(t, d, specY, Command{Action: ActAnswerConsult}, now, apperr.Invalid, "answer_required")
	refused(t, d, specY, Command{Action: ActAssign, ResolvedAssigneeID: 9}, now, apperr.Forbidden, "role_not_allowed")

	ev = mustApply(t, d, specY, Command{Action: ActAnswerConsult, Reason: "Đất có nguồn gốc hợp pháp."}, now.Add(time.Hour))
	if ev.UnitID != unitY || ev.UnitCode != "Y" || ev.Note != "Đất có nguồn gốc hợp pháp." {
		t.Errorf("the answer is recorded as %+v, want under unit Y", ev)
	}
	c := d.Consultations[0]
	if c.Open() || c.Answer == "" || c.AnsweredBy != "specialist" || !c.Changed || d.Consultations[1].Changed {
		t.Fatalf("after Y's answer: %+v", d.Consultations)
	}
	if d.Substate != SubConsulting {
		t.Errorf("substate %q while Z has not answered", d.Substate)
	}
	d.Consultations[0].Changed = false
	refused(t, d, specY, Command{Action: ActAnswerConsult, Reason: "Lần nữa"}, now, apperr.Forbidden, "role_not_allowed")
	mustApply(t, d, leadZ, Command{Action: ActAnswerConsult, Reason: "Không có ý kiến khác."}, now.Add(2*time.Hour))
	if d.Substate != SubConsulted || d.Status != StatusProcessing || d.UnitID != unitX {
		t.Errorf("after every answer: substate %q status %d unit %d", d.Substate, d.Status, d.UnitID)
	}
	if !specY.CanSee(d) {
		t.Error("unit Y lost sight of the dossier it answered on")
	}
}

// TestReturnToDesk: a dossier received at Y's desk and processed at X
// goes back to Y before delivery; the result is delivered there only.
func TestReturnToDesk(t *testing.T) {
	spec, recX, recY := staff(2, unitX, org.RoleSpecialist), staff(1, unitX, org.RoleReceptionist), staff(8, unitY, org.RoleReceptionist)
	d := dossierIn(StatusFinished)
	d.ReceivedUnitID = unitY
	now := time.Date(2025, 3, 5, 10, 0, 0, 0, ict)
	refused(t, d, recX, Command{Action: ActDeliver, Method: "in_person"}, now, apperr.Unprocessable, "not_at_desk")
	if has(NextActions(d, recX), ActDeliver) || !has(NextActions(d, recX), ActReturnResult) {
		t.Errorf("X's desk is offered %v", NextActions(d, recX))
	}
	mustApply(t, d, spec, Command{Action: ActReturnResult, ResolvedUnitID: unitY, ResolvedUnitCode: "Y", ResolvedUnitPath: "/1/20/"}, now)
	if d.UnitID != unitY || d.Status != StatusFinished || d.Substate != SubAtDesk {
		t.Fatalf("after the return: unit %d status %d substate %q", d.UnitID, d.Status, d.Substate)
	}
	refused(t, d, recY, Command{Action: ActReturnResult, ResolvedUnitID: unitY}, now, apperr.Unprocessable, "already_at_desk")
	mustApply(t, d, recY, Command{Action: ActDeliver, Method: "post"}, now)
	if d.Status != StatusDelivered {
		t.Fatalf("status %d after delivery", d.Status)
	}
}

// TestHideUnreleased keeps a draft result and its file from the applicant
// until the leader issues it.
func TestHideUnreleased(t *testing.T) {
	for _, tc := range []struct {
		status Status
		shown  bool
	}{{StatusProcessing, false}, {StatusStopped, false}, {StatusFinished, true}, {StatusDelivered, true}} {
		d := dossierIn(tc.status)
		d.Result = &Result{Number: "1", Summary: "x"}
		d.Consultations = []Consultation{{ID: 1}}
		d.Documents = []Document{{ID: 1, Kind: DocApplication}, {ID: 2, Kind: DocResult}}
		d.Events = []Event{{Action: ActReceive}, {Action: ActConsult, Note: "câu hỏi nội bộ"}, {Action: ActDraftResult}, {Action: ActAnswerConsult}, {Action: ActReturnDraft}}
		d.HideUnreleased()
		if len(d.Events) != 1 || d.Events[0].Action != ActReceive {
			t.Errorf("status %d: the applicant sees events %v", tc.status, d.Events)
		}
		if got := d.Result != nil && len(d.Documents) == 2; got != tc.shown {
			t.Errorf("status %d: result shown %v, want %v", tc.status, got, tc.shown)
		}
		if len(d.Documents) == 0 || d.Consultations != nil {
			t.Errorf("status %d: documents %v consultations %v", tc.status, d.Documents, d.Consultations)
		}
	}
}

// TestFinishWaitsForConsultations: the leader cannot approve the result
// while a unit consulted has not answered; once it has, approval goes on.
func TestFinishWaitsForConsultations(t *testing.T) {
	lead := staff(3, unitX, org.RoleLeader)
	d := dossierIn(StatusProcessing)
	now := time.Date(2025, 3, 5, 10, 0, 0, 0, ict)
	d.Consultations = []Consultation{{FromUnitID: unitX, ToUnitID: unitY, Question: "Ý kiến về hộ tịch?", AskedAt: now.Add(-time.Hour)}}
	finish := Command{Action: ActFinish, Result: &Result{Summary: "Cấp giấy", Granted: true}}
	refused(t, d, lead, finish, now, apperr.Unprocessable, "consultation_open")
	for _, act := range NextActions(d, lead) {
		if act == ActFinish {
			t.Fatal("approval is offered while a consultation is open")
		}
	}
	answered := now.Add(-time.Minute)
	d.Consultations[0].Answer, d.Consultations[0].AnsweredAt = "Đủ điều kiện.", &answered
	mustApply(t, d, lead, finish, now)
	if d.Status != StatusFinished {
		t.Fatalf("status %d", d.Status)
	}
}

// TestConsultReplyBy: a consultation is given a number of working days to
// answer (5 unless the officer says otherwise), counted on the dossier's
// calendar from the day after it is asked; the answer is judged against
// that date and a late one is the consulted unit's, recorded under it.
func TestConsultReplyBy(t *testing.T) {
	spec, specY := staff(2, unitX, org.RoleSpecialist), staff(9, unitY, org.RoleSpecialist)
	asked := time.Date(2025, 3, 5, 10, 0, 0, 0, ict) // a Wednesday
	for _, c := range []struct {
		name     string
		days     int
		answered time.Time
		replyBy  time.Time
		verdict  string
	}{
		{"default, early", 0, time.Date(2025, 3, 11, 10, 0, 0, 0, ict), time.Date(2025, 3, 12, 17, 0, 0, 0, ict), VerdictEarly},
		{"default, on the day", 0, time.Date(2025, 3, 12, 16, 30, 0, 0, ict), time.Date(2025, 3, 12, 17, 0, 0, 0, ict), VerdictOnTime},
		{"default, late", 0, time.Date(2025, 3, 13, 9, 0, 0, 0, ict), time.Date(2025, 3, 12, 17, 0, 0, 0, ict), VerdictLate},
		{"two days over the weekend", 2, time.Date(2025, 3, 10, 8, 0, 0, 0, ict), time.Date(2025, 3, 7, 17, 0, 0, 0, ict), VerdictLate},
		{"ten days", 10, time.Date(2025, 3, 19, 17, 0, 0, 0, ict), time.Date(2025, 3, 19, 17, 0, 0, 0, ict), VerdictOnTime},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := dossierIn(StatusProcessing)
			ev := mustApply(t, d, spec, Command{Action: ActConsult, Reason: "Đề nghị cho ý kiến.", ResolvedUnitID: unitY,
				ResolvedUnitCode: "Y", ResolvedUnitName: "Phòng Y", ReplyDays: c.days}, asked)
			cs := d.Consultations[0]
			wantDays := c.days
			if wantDays == 0 {
				wantDays = DefaultConsultDays
			}
			if cs.ReplyDays != wantDays || cs.ReplyBy == nil || !cs.ReplyBy.Equal(c.replyBy) {
				t.Fatalf("reply in %d days by %v, want %d days by %v", cs.ReplyDays, cs.ReplyBy, wantDays, c.replyBy)
			}
			if data := ev.Data.(ConsultData); data.ReplyDays != wantDays || !data.ReplyBy.Equal(c.replyBy) || ev.Verdict != "" {
				t.Errorf("the consult event records %+v, verdict %q", data, ev.Verdict)
			}
			if cs.Late(c.replyBy) || !cs.Late(c.replyBy.Add(time.Minute)) {
				t.Error("an open consultation is late only after its reply-by date")
			}
			d.Consultations[0].ID, d.Consultations[0].Changed = 1, false
			ev = mustApply(t, d, specY, Command{Action: ActAnswerConsult, Reason: "Đồng ý."}, c.answered)
			cs = d.Consultations[0]
			if cs.Verdict != c.verdict || ev.Verdict != c.verdict || ev.UnitID != unitY || ev.UnitCode != "Y" {
				t.Errorf("answer judged %q (event %q under unit %d %s), want %q under Y", cs.Verdict, ev.Verdict, ev.UnitID, ev.UnitCode, c.verdict)
			}
			if cs.Late(c.answered.Add(1000*time.Hour)) != (c.verdict == VerdictLate) {
				t.Errorf("Late after the answer = %v with verdict %q", !(c.verdict == VerdictLate), c.verdict)
			}
			if ev.StepKey != "" || d.StepIndex != 0 {
				t.Errorf("the answer ended a step of the holder's process (%q)", ev.StepKey)
			}
		})
	}
	for _, days := range []int{-1, MaxConsultDays + 1} {
		d := dossierIn(StatusProcessing)
		refused(t, d, spec, Command{Action: ActConsult, Reason: "?", ResolvedUnitID: unitY, ResolvedUnitCode: "Y", ReplyDays: days}, asked,
			apperr.Invalid, "reply_days_invalid")
		if len(d.Consultations) != 0 {
			t.Errorf("%d days: a refused consultation was kept", days)
		}
	}
}
