package dossier

import (
	"testing"

	"github.com/motcua/motcua/internal/org"
)

// TestSuggested: the action a page shows first, for each status, sub-state
// and role, chosen among what NextActions really offers that actor.
func TestSuggested(t *testing.T) {
	const specialistID = 55
	reception := staff(1, unitX, org.RoleReceptionist)
	leader := staff(2, unitX, org.RoleLeader)
	specialist := staff(specialistID, unitX, org.RoleSpecialist)
	otherSpecialist := staff(56, unitX, org.RoleSpecialist)
	consulted := staff(3, unitY, org.RoleSpecialist)
	head := staff(7, unitX, org.RoleHead)
	with := func(s Status, change func(*Dossier)) *Dossier {
		d := dossierIn(s)
		if change != nil {
			change(d)
		}
		return d
	}
	assigned := func(d *Dossier) { d.AssigneeID = specialistID }
	drafted := func(d *Dossier) {
		d.AssigneeID, d.Substate = specialistID, SubResultDrafted
		d.Result = &Result{Number: "12/QĐ", Summary: "Cấp giấy", Granted: true, DraftedBy: "Chuyên viên"}
	}
	underReview := func(d *Dossier) { drafted(d); d.Substate = SubReviewPending }
	elsewhere := func(d *Dossier) { d.UnitID, d.UnitPath = unitY, "/1/20/" }
	asking := func(d *Dossier) {
		assigned(d)
		d.Consultations = []Consultation{{FromUnitID: unitX, ToUnitID: unitY, ToUnit: "Y", Question: "?"}}
	}
	tests := []struct {
		name  string
		d     *Dossier
		actor Actor
		want  Action
	}{
		{"submitted, desk: receive", with(StatusSubmitted, nil), reception, ActReceive},
		{"submitted, leader: receive", with(StatusSubmitted, nil), leader, ActReceive},
		{"received, leader: assign", with(StatusReceived, nil), leader, ActAssign},
		{"received, desk: waits for the leader", with(StatusReceived, nil), reception, ""},
		{"received, specialist: waits", with(StatusReceived, nil), specialist, ""},
		{"processing, no assignee, leader: assign", with(StatusProcessing, nil), leader, ActAssign},
		{"processing, assigned, specialist: draft", with(StatusProcessing, assigned), specialist, ActDraftResult},
		{"processing, assigned to another: nothing for this specialist", with(StatusProcessing, assigned), otherSpecialist, ""},
		{"processing, assigned, leader: waits for the draft", with(StatusProcessing, assigned), leader, ""},
		{"draft returned, specialist: draft again", with(StatusProcessing, func(d *Dossier) { assigned(d); d.Substate = SubDraftReturned }), specialist, ActDraftResult},
		{"drafted, leader: approve", with(StatusProcessing, drafted), leader, ActFinish},
		{"drafted, specialist: waits for the leader", with(StatusProcessing, drafted), specialist, ""},
		{"draft under review, head: approve the draft", with(StatusProcessing, underReview), head, ActApproveDraft},
		{"draft under review, leader: waits for the head", with(StatusProcessing, underReview), leader, ""},
		{"draft under review, specialist: waits", with(StatusProcessing, underReview), specialist, ""},
		{"drafted (reviewed), head: the leader's turn", with(StatusProcessing, drafted), head, ""},
		{"assigned, head: waits for the draft", with(StatusProcessing, assigned), head, ""},
		{"consultation, unit asked: answer", with(StatusProcessing, asking), consulted, ActAnswerConsult},
		{"consultation, asking specialist: still drafts", with(StatusProcessing, asking), specialist, ActDraftResult},
		{"fee requested, desk: fee paid", with(StatusFee, nil), reception, ActFeePaid},
		{"supplementation, desk: waits for the applicant", with(StatusSupplement, nil), reception, ""},
		{"supplementation, leader: nothing (not reschedule or stop)", with(StatusSupplement, nil), leader, ""},
		{"finished at the desk, desk: deliver", with(StatusFinished, nil), reception, ActDeliver},
		{"finished at the desk, leader: deliver", with(StatusFinished, nil), leader, ActDeliver},
		{"finished elsewhere, that unit: return to the desk", with(StatusFinished, elsewhere), staff(4, unitY, org.RoleSpecialist), ActReturnResult},
		{"delivered: nothing", with(StatusDelivered, nil), reception, ""},
		{"refused: nothing", with(StatusRefused, nil), leader, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			offered := NextActions(tt.d, tt.actor)
			got := Suggested(tt.d, tt.actor, offered)
			if got != tt.want {
				t.Fatalf("Suggested = %q, want %q (offered %v)", got, tt.want, offered)
			}
		})
	}
	// Only what is offered is suggested: a page that shows no form for an
	// action gets no suggestion of it.
	if got := Suggested(with(StatusSubmitted, nil), reception, []Action{ActRefuse}); got != "" {
		t.Errorf("Suggested without receive on offer = %q, want none", got)
	}
}
