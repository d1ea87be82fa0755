package dossier

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/org"
)

var ict = time.FixedZone("ICT", 7*3600)

func testClock(t *testing.T) *calendar.Calendar {
	t.Helper()
	c, err := calendar.New(calendar.DefaultConfig(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func testVersion() *catalog.Version {
	return &catalog.Version{ID: 7, LegacyLevel: 4, Class: catalog.ClassFull, LimitAmount: 5, LimitKind: catalog.WorkingDays,
		SupplementPolicy: catalog.SupplementRestart,
		Documents:        []catalog.Document{{Key: "to_khai", Name: "Tờ khai", Originals: 1, Required: true}, {Key: "cccd", Name: "CCCD", Copies: 1}},
		Process: []catalog.Step{{Key: "tiep_nhan", Role: "receptionist", Action: "receive", BudgetHours: 4}, {Key: "phan_cong", Role: "leader", Action: "assign", BudgetHours: 4},
			{Key: "tham_dinh", Role: "specialist", Action: "draft_result", BudgetHours: 24}, {Key: "phe_duyet", Role: "leader", Action: "finish", BudgetHours: 4},
			{Key: "tra_ket_qua", Role: "receptionist", Action: "deliver", BudgetHours: 4}}}
}

const (
	unitX = 10
	unitY = 20
	owner = 100
)

func staff(id int64, unit int64, role org.Role) Actor {
	return Actor{AccountID: id, Name: string(role), Grants: []Grant{{UnitID: unit, UnitCode: "X", UnitPath: fmt.Sprintf("/1/%d/", unit), Role: role}}}
}

func dossierIn(s Status) *Dossier {
	recv := time.Date(2025, 3, 3, 9, 0, 0, 0, ict) // a Monday
	due := time.Date(2025, 3, 10, 17, 0, 0, 0, ict)
	d := &Dossier{ID: 1, Code: "X-250303-0001", UnitID: unitX, UnitPath: "/1/10/", ReceivedUnitID: unitX, OwnerID: owner,
		Channel: ChannelOnline, Status: s, Version: 3, SubmittedAt: recv, StepStartedAt: recv}
	if s != StatusSubmitted && s != StatusRefused {
		d.ReceivedAt, d.LegalDueAt = &recv, &due
	}
	if s == StatusSupplement {
		d.Supplement = &SupplementRequest{Documents: []string{"cccd"}, Reason: "mờ", FromStatus: StatusProcessing, RequestedAt: recv}
		d.PausedAt = &recv
	}
	return d
}

// goodCommand gives each action the arguments it needs.
func goodCommand(act Action) Command {
	c := Command{Action: act, Version: 3, Reason: "lý do"}
	switch act {
	case ActRequestSupplement:
		c.Documents = []string{"cccd"}
	case ActAssign:
		c.ResolvedAssigneeID, c.ResolvedAssigneeName = 55, "Chuyên viên"
	case ActTransfer:
		c.ResolvedUnitID, c.ResolvedUnitCode, c.ResolvedUnitPath = unitY, "Y", "/1/20/"
		c.ResolvedUnitCompetent = true
	case ActRequestFee:
		c.Amount = 50000
	case ActFinish, ActDraftResult:
		c.Result = &Result{Number: "12/QĐ", Summary: "Cấp giấy", Granted: true}
	case ActConsult:
		c.ResolvedUnitID, c.ResolvedUnitCode, c.ResolvedUnitPath = unitY, "Y", "/1/20/"
	case ActReturnResult:
		c.ResolvedUnitID, c.ResolvedUnitCode, c.ResolvedUnitPath = unitY, "Y", "/1/20/"
	case ActDeliver:
		c.Method = "in_person"
	case ActReschedule:
		c.NewDue = "2025-03-20"
	case ActRate:
		c.Rating = RatingSatisfied
	}
	return c
}

// prepare puts a dossier in the sub-state an action needs beside its
// status: a draft awaiting approval, a result away from the desk (Y's desk
// received it, X processed it), an open consultation of unit Y.
func prepare(act Action, d *Dossier) {
	switch act {
	case ActReturnDraft, ActApproveDraft:
		// Under the head of office's review, where both the head and the
		// leader may return it (TestHeadReview covers the other cases).
		d.Substate = SubReviewPending
		d.Result = &Result{Number: "12/QĐ", Summary: "Cấp giấy", DraftedBy: "specialist"}
	case ActReturnResult:
		d.ReceivedUnitID = unitY
	case ActAnswerConsult:
		d.Consultations = []Consultation{{ID: 1, FromUnitID: unitX, ToUnitID: unitY, ToUnit: "Y", Question: "?"}}
		d.Substate = SubConsulting
	case ActRate:
		d.Substate = SubDeliveredInPerson
	case ActRevokeResult:
		d.Documents = []Document{{Kind: DocResult, Filename: "ket-qua.pdf"}}
	}
}

// TestTransitions checks every action from every status: allowed pairs end
// in the status the one-stop decrees give (Decree 61/2018/NĐ-CP,
// Decree 118/2025/NĐ-CP); every other pair is refused with
// 422 and changes nothing.
func TestTransitions(t *testing.T) {
	allowed := map[Action]map[Status]Status{
		ActReceive:           {StatusSubmitted: StatusReceived},
		ActRefuse:            {StatusSubmitted: StatusRefused},
		ActRequestSupplement: {StatusSubmitted: StatusSupplement, StatusReceived: StatusSupplement, StatusProcessing: StatusSupplement},
		ActSupplement:        {StatusSupplement: StatusProcessing},
		ActAssign:            {StatusReceived: StatusProcessing, StatusProcessing: StatusProcessing},
		ActTransfer:          {StatusReceived: StatusProcessing, StatusProcessing: StatusProcessing},
		ActRequestFee:        {StatusProcessing: StatusFee},
		ActFeePaid:           {StatusFee: StatusProcessing},
		ActFinish:            {StatusProcessing: StatusFinished},
		ActDraftResult:       {StatusProcessing: StatusProcessing},
		ActReturnDraft:       {StatusProcessing: StatusProcessing},
		ActApproveDraft:      {StatusProcessing: StatusProcessing},
		ActReturnResult:      {StatusFinished: StatusFinished},
		ActConsult:           {StatusProcessing: StatusProcessing},
		ActAnswerConsult:     {StatusReceived: StatusReceived, StatusProcessing: StatusProcessing, StatusSupplement: StatusSupplement, StatusFee: StatusFee},
		ActDeliver:           {StatusFinished: StatusDelivered},
		ActStop:              {StatusReceived: StatusStopped, StatusProcessing: StatusStopped, StatusSupplement: StatusStopped, StatusFee: StatusStopped},
		ActWithdraw:          {StatusSubmitted: StatusWithdrawn, StatusReceived: StatusWithdrawn, StatusProcessing: StatusWithdrawn, StatusSupplement: StatusWithdrawn, StatusFee: StatusWithdrawn},
		ActReschedule:        {StatusReceived: StatusReceived, StatusProcessing: StatusProcessing, StatusSupplement: StatusSupplement, StatusFee: StatusFee},
		ActRate:              {StatusDelivered: StatusDelivered},
		ActRevokeResult:      {StatusFinished: StatusFinished, StatusDelivered: StatusDelivered},
	}
	// Someone entitled to each action (the role is tested separately).
	doer := map[Action]Actor{
		ActReceive: staff(1, unitX, org.RoleReceptionist), ActRefuse: staff(1, unitX, org.RoleReceptionist),
		ActRequestSupplement: staff(3, unitX, org.RoleLeader), ActSupplement: {AccountID: owner, Citizen: true},
		ActAssign: staff(3, unitX, org.RoleLeader), ActTransfer: staff(3, unitX, org.RoleLeader),
		ActRequestFee: staff(2, unitX, org.RoleSpecialist), ActFeePaid: staff(1, unitX, org.RoleReceptionist),
		ActFinish: staff(3, unitX, org.RoleLeader), ActDeliver: staff(1, unitX, org.RoleReceptionist),
		ActStop: staff(3, unitX, org.RoleLeader), ActWithdraw: {AccountID: owner, Citizen: true},
		ActReschedule: staff(3, unitX, org.RoleLeader), ActRate: {AccountID: owner, Citizen: true},
		ActDraftResult: staff(2, unitX, org.RoleSpecialist), ActReturnDraft: staff(3, unitX, org.RoleLeader),
		ActApproveDraft: staff(11, unitX, org.RoleHead),
		ActReturnResult: staff(2, unitX, org.RoleSpecialist), ActConsult: staff(2, unitX, org.RoleSpecialist),
		ActAnswerConsult: staff(9, unitY, org.RoleSpecialist), ActRevokeResult: staff(3, unitX, org.RoleLeader),
	}
	clk := testClock(t)
	now := time.Date(2025, 3, 5, 10, 0, 0, 0, ict)
	for _, act := range Actions {
		for s := StatusSubmitted; s <= StatusDelivered; s++ {
			t.Run(fmt.Sprintf("%s/from_%d", act, s), func(t *testing.T) {
				d := dossierIn(s)
				prepare(act, d)
				before := *d
				ev, err := Apply(d, testVersion(), doer[act], goodCommand(act), now, clk)
				want, ok := allowed[act][s]
				if !ok {
					if !apperr.Is(err, apperr.Unprocessable) {
						t.Fatalf("want 422 invalid_transition, got %v", err)
					}
					if d.Status != before.Status || d.Version != before.Version {
						t.Fatal("a refused transition changed the dossier")
					}
					return
				}
				if err != nil {
					t.Fatalf("allowed transition failed: %v", err)
				}
				if d.Status != want || ev.To != want || ev.From != s || ev.Action != act {
					t.Fatalf("status %d, event %d→%d; want →%d", d.Status, ev.From, ev.To, want)
				}
				if d.Version != 4 {
					t.Errorf("version %d, want 4", d.Version)
				}
			})
		}
	}
}

// TestRoles checks who may take each action on a dossier of unit X in a
// status that allows it; everyone else gets 403 (staff of X) or is not the
// owner. Staff of another unit, and leaders seeing X's subtree, may not act.
func TestRoles(t *testing.T) {
	from := map[Action]Status{ActReceive: 1, ActRefuse: 1, ActRequestSupplement: 4, ActSupplement: 5, ActAssign: 2,
		ActTransfer: 4, ActRequestFee: 4, ActFeePaid: 6, ActFinish: 4, ActDeliver: 9, ActStop: 4, ActWithdraw: 4,
		ActReschedule: 4, ActRate: 10, ActDraftResult: 4, ActReturnDraft: 4, ActReturnResult: 9, ActConsult: 4,
		ActAnswerConsult: 4, ActApproveDraft: 4, ActRevokeResult: 10}
	who := map[Action][]string{
		ActReceive: {"receptionist", "leader"}, ActRefuse: {"receptionist", "leader"},
		ActRequestSupplement: {"specialist", "leader"}, ActSupplement: {"owner", "receptionist"},
		ActAssign: {"leader"}, ActTransfer: {"specialist", "leader"}, ActRequestFee: {"specialist", "leader"},
		ActFeePaid: {"receptionist", "specialist", "leader", "payment_gateway"}, ActFinish: {"leader"}, ActDeliver: {"receptionist", "leader"},
		ActStop: {"receptionist", "specialist", "leader"}, ActWithdraw: {"owner", "receptionist"},
		ActReschedule: {"leader"}, ActRate: {"owner", "receptionist", "leader"},
		ActDraftResult: {"specialist", "leader"}, ActReturnDraft: {"leader", "head"}, ActApproveDraft: {"head"},
		ActReturnResult: {"receptionist", "specialist", "leader"}, ActConsult: {"specialist", "leader"},
		ActAnswerConsult: {"leader_of_y", "specialist_y"}, ActRevokeResult: {"leader"},
	}
	actors := map[string]Actor{
		"receptionist":   staff(1, unitX, org.RoleReceptionist),
		"specialist":     staff(2, unitX, org.RoleSpecialist),
		"leader":         staff(3, unitX, org.RoleLeader),
		"head":           staff(11, unitX, org.RoleHead),
		"unit_admin":     staff(4, unitX, org.RoleUnitAdmin),
		"city_admin":     {AccountID: 5, Grants: []Grant{{UnitID: 1, UnitPath: "/1/", Role: org.RoleCityAdmin}}},
		"owner":          {AccountID: owner, Citizen: true},
		"other_citizen":  {AccountID: owner + 1, Citizen: true},
		"leader_of_y":    staff(6, unitY, org.RoleLeader),
		"parent_leader":  {AccountID: 7, Grants: []Grant{{UnitID: 1, UnitPath: "/1/", Role: org.RoleLeader}}},
		"receptionist_y": staff(8, unitY, org.RoleReceptionist),
		"specialist_y":   staff(9, unitY, org.RoleSpecialist),
		// The system (a payment gateway, a job): no account, no unit.
		"payment_gateway": SystemActor("VNPay"),
	}
	clk := testClock(t)
	now := time.Date(2025, 3, 5, 10, 0, 0, 0, ict)
	for _, act := range Actions {
		ok := map[string]bool{}
		for _, r := range who[act] {
			ok[r] = true
		}
		for name, a := range actors {
			t.Run(string(act)+"/"+name, func(t *testing.T) {
				d := dossierIn(from[act])
				prepare(act, d)
				_, err := Apply(d, testVersion(), a, goodCommand(act), now, clk)
				if ok[name] {
					if err != nil {
						t.Fatalf("entitled actor refused: %v", err)
					}
					return
				}
				if !apperr.Is(err, apperr.Forbidden) {
					t.Fatalf("want 403, got %v", err)
				}
				if d.Version != 3 {
					t.Fatal("a forbidden action changed the dossier")
				}
			})
		}
	}
}

// TestSystemActor: a system actor may record a fee paid and nothing else,
// from any status; what it records names it with the system role.
func TestSystemActor(t *testing.T) {
	sys := SystemActor("VNPay")
	clk := testClock(t)
	now := time.Date(2025, 3, 5, 10, 0, 0, 0, ict)
	for _, act := range append(Actions, ActSubmit) {
		for _, st := range Statuses() {
			d := dossierIn(st)
			prepare(act, d)
			ev, err := Apply(d, testVersion(), sys, goodCommand(act), now, clk)
			switch {
			case act == ActFeePaid && st == StatusFee:
				if err != nil {
					t.Fatalf("fee_paid by the system: %v", err)
				}
				if ev.Role != RoleSystem || ev.ActorName != "VNPay" || ev.ActorID != 0 || d.Status != StatusProcessing || d.FeePaidAt == nil {
					t.Fatalf("fee_paid by the system recorded %+v, dossier %+v", ev, d)
				}
			case act == ActFeePaid:
				if !apperr.Is(err, apperr.Unprocessable) {
					t.Errorf("fee_paid from %d: want 422, got %v", st, err)
				}
			case act == ActSubmit:
				if err == nil {
					t.Errorf("submit from %d by the system accepted", st)
				}
			default:
				if !apperr.Is(err, apperr.Forbidden) {
					t.Errorf("%s from %d by the system: want 403, got %v", act, st, err)
				}
				if d.Version != 3 {
					t.Errorf("%s from %d by the system changed the dossier", act, st)
				}
			}
		}
	}
	d := dossierIn(StatusFee)
	if got := NextActions(d, sys); len(got) != 1 || got[0] != ActFeePaid {
		t.Errorf("NextActions of the system = %v", got)
	}
}

func TestVisibility(t *testing.T) {
	d := dossierIn(StatusProcessing)
	tests := []struct {
		name string
		a    Actor
		want bool
	}{
		{"owner", Actor{AccountID: owner, Citizen: true}, true},
		{"other citizen", Actor{AccountID: owner + 1, Citizen: true}, false},
		{"specialist of X", staff(2, unitX, org.RoleSpecialist), true},
		{"specialist of Y", staff(2, unitY, org.RoleSpecialist), false},
		{"leader of parent", Actor{Grants: []Grant{{UnitID: 1, UnitPath: "/1/", Role: org.RoleLeader}}}, true},
		{"specialist of parent", Actor{Grants: []Grant{{UnitID: 1, UnitPath: "/1/", Role: org.RoleSpecialist}}}, false},
		{"leader of sibling with prefix-like path", Actor{Grants: []Grant{{UnitID: 1, UnitPath: "/1/1/", Role: org.RoleLeader}}}, false},
		{"nobody", Actor{}, false},
		{"system", SystemActor("job"), true},
	}
	for _, tt := range tests {
		if got := tt.a.CanSee(d); got != tt.want {
			t.Errorf("%s: CanSee = %v, want %v", tt.name, got, tt.want)
		}
	}
	// A counter dossier is followed only by a verified account, even if
	// its owner field names a self-declared one.
	counter := dossierIn(StatusProcessing)
	counter.Channel = ChannelCounter
	for _, tt := range []struct {
		name string
		a    Actor
		want bool
	}{
		{"self-declared owner", Actor{AccountID: owner, Citizen: true}, false},
		{"verified owner", Actor{AccountID: owner, Citizen: true, Verified: true}, true},
		{"verified other citizen", Actor{AccountID: owner + 1, Citizen: true, Verified: true}, false},
	} {
		if got := tt.a.CanSee(counter); got != tt.want {
			t.Errorf("counter dossier, %s: CanSee = %v, want %v", tt.name, got, tt.want)
		}
		if role, _ := Allowed(counter, tt.a, ActWithdraw); (role != "") != tt.want {
			t.Errorf("counter dossier, %s: may withdraw = %v, want %v", tt.name, role != "", tt.want)
		}
	}
}

func TestStaleVersion(t *testing.T) {
	d := dossierIn(StatusSubmitted)
	cmd := goodCommand(ActReceive)
	cmd.Version = 2
	_, err := Apply(d, testVersion(), staff(1, unitX, org.RoleReceptionist), cmd, time.Now(), testClock(t))
	if !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("want 409, got %v", err)
	}
}

func TestArgumentChecks(t *testing.T) {
	clk := testClock(t)
	now := time.Date(2025, 3, 5, 10, 0, 0, 0, ict)
	leader := staff(3, unitX, org.RoleLeader)
	tests := []struct {
		name string
		from Status
		a    Actor
		cmd  Command
		code string
	}{
		{"refuse without reason", 1, leader, Command{Action: ActRefuse}, "reason_required"},
		{"supplement request without documents", 4, leader, Command{Action: ActRequestSupplement, Reason: "x"}, "documents_required"},
		{"supplement request beyond the published list", 4, leader, Command{Action: ActRequestSupplement, Reason: "x", Documents: []string{"so_ho_khau"}}, "document_not_in_list"},
		{"assign without assignee", 2, leader, Command{Action: ActAssign}, "assignee_required"},
		{"transfer to itself", 4, leader, Command{Action: ActTransfer, ResolvedUnitID: unitX}, "same_unit"},
		{"transfer without reason (slip 06 prints it)", 4, leader, Command{Action: ActTransfer, ResolvedUnitID: unitY, ResolvedUnitCode: "Y", ResolvedUnitCompetent: true}, "reason_required"},
		{"fee of zero", 4, leader, Command{Action: ActRequestFee}, "amount_required"},
		{"finish without result", 4, leader, Command{Action: ActFinish}, "result_required"},
		{"deliver by pigeon", 9, leader, Command{Action: ActDeliver, Method: "pigeon"}, "method_invalid"},
		{"stop without reason", 4, leader, Command{Action: ActStop}, "reason_required"},
		{"withdrawal without reason", 4, Actor{AccountID: owner, Citizen: true}, Command{Action: ActWithdraw, Reason: "  "}, "reason_required"},
		{"withdrawal at the desk without reason", 1, staff(4, unitX, org.RoleReceptionist), Command{Action: ActWithdraw}, "reason_required"},
		{"reschedule to an earlier date", 4, leader, Command{Action: ActReschedule, Reason: "x", NewDue: "2025-03-07"}, "new_due_not_later"},
		{"reschedule with a bad date", 4, leader, Command{Action: ActReschedule, Reason: "x", NewDue: "next week"}, "new_due_invalid"},
		{"rate with a made-up value", 10, Actor{AccountID: owner, Citizen: true}, Command{Action: ActRate, Rating: "meh"}, "rating_invalid"},
		{"unknown action", 4, leader, Command{Action: "teleport"}, "unknown_action"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := dossierIn(tt.from)
			tt.cmd.Version = 3
			_, err := Apply(d, testVersion(), tt.a, tt.cmd, now, clk)
			e, ok := apperr.As(err)
			if !ok || e.Code != tt.code {
				t.Fatalf("want %s, got %v", tt.code, err)
			}
			if d.Version != 3 {
				t.Fatal("a refused command changed the dossier")
			}
		})
	}
}

func TestRescheduleOnlyOnceAndBeforeDue(t *testing.T) {
	clk := testClock(t)
	leader := staff(3, unitX, org.RoleLeader)
	d := dossierIn(StatusProcessing)
	now := time.Date(2025, 3, 5, 10, 0, 0, 0, ict)
	cmd := Command{Action: ActReschedule, Version: 3, Reason: "Cần xác minh", NewDue: "2025-03-20"}
	if _, err := Apply(d, testVersion(), leader, cmd, now, clk); err != nil {
		t.Fatal(err)
	}
	// Only the appointment moves; the statutory date stays.
	if !d.Rescheduled || d.AppointedDueAt.In(ict).Format("2006-01-02 15:04") != "2025-03-20 17:00" ||
		d.LegalDueAt.In(ict).Format("2006-01-02 15:04") != "2025-03-10 17:00" {
		t.Fatalf("legal %v appointed %v rescheduled %v", d.LegalDueAt, d.AppointedDueAt, d.Rescheduled)
	}
	cmd.Version, cmd.NewDue = d.Version, "2025-03-25"
	if _, err := Apply(d, testVersion(), leader, cmd, now, clk); err == nil || err.(*apperr.Error).Code != "already_rescheduled" {
		t.Fatalf("second reschedule: %v", err)
	}
}

// The apology rules of Decree 107/2021/NĐ-CP. The dossier falls due on
// Monday 10/3/2025 17:00, so the last day for the apology is Friday 7/3.
func TestRescheduleApologyRules(t *testing.T) {
	clk := testClock(t)
	leader := staff(3, unitX, org.RoleLeader)
	for _, c := range []struct {
		name   string
		now    time.Time
		newDue string
		code   string
	}{
		{"two working days before", time.Date(2025, 3, 6, 10, 0, 0, 0, ict), "2025-03-14", ""},
		{"the last day, late afternoon", time.Date(2025, 3, 7, 16, 30, 0, 0, ict), "2025-03-14", ""},
		{"on the weekend before the due date", time.Date(2025, 3, 8, 9, 0, 0, 0, ict), "2025-03-14", "apology_too_late"},
		{"on the due date", time.Date(2025, 3, 10, 8, 0, 0, 0, ict), "2025-03-14", "apology_too_late"},
		{"after the due date", time.Date(2025, 3, 11, 9, 0, 0, 0, ict), "2025-03-14", "apology_too_late"},
		{"new date on a Saturday", time.Date(2025, 3, 5, 9, 0, 0, 0, ict), "2025-03-15", "new_due_not_working_day"},
		{"new date on Reunification Day", time.Date(2025, 3, 5, 9, 0, 0, 0, ict), "2025-04-30", "new_due_not_working_day"},
		{"new date before the old one", time.Date(2025, 3, 5, 9, 0, 0, 0, ict), "2025-03-07", "new_due_not_later"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := dossierIn(StatusProcessing)
			_, err := Apply(d, testVersion(), leader, Command{Action: ActReschedule, Version: 3, Reason: "x", NewDue: c.newDue}, c.now, clk)
			if c.code == "" {
				if err != nil || !d.Rescheduled {
					t.Fatalf("reschedule: %v", err)
				}
				return
			}
			if e, _ := apperr.As(err); e == nil || e.Code != c.code {
				t.Fatalf("got %v, want %s", err, c.code)
			}
			if d.Rescheduled || d.AppointedDueAt != nil {
				t.Fatalf("a refused reschedule changed the dossier: %+v", d)
			}
		})
	}
}

// A rescheduled dossier finished after its statutory date but before its
// new appointment is late: the apology does not make it timely.
func TestRescheduledThenLateIsLate(t *testing.T) {
	clk := testClock(t)
	leader := staff(3, unitX, org.RoleLeader)
	d := dossierIn(StatusProcessing)
	if _, err := Apply(d, testVersion(), leader, Command{Action: ActReschedule, Version: 3, Reason: "x", NewDue: "2025-03-20"},
		time.Date(2025, 3, 5, 10, 0, 0, 0, ict), clk); err != nil {
		t.Fatal(err)
	}
	done := time.Date(2025, 3, 12, 10, 0, 0, 0, ict)
	if !d.Overdue(done) {
		t.Fatal("a rescheduled dossier past its statutory date is not overdue")
	}
	if _, err := Apply(d, testVersion(), leader, Command{Action: ActFinish, Version: d.Version, Result: &Result{Summary: "Cấp", Number: "1/QĐ", Granted: true}},
		done, clk); err != nil {
		t.Fatal(err)
	}
	if d.Verdict != VerdictLate {
		t.Fatalf("verdict %s, want late", d.Verdict)
	}
}

func TestApologyWarning(t *testing.T) {
	clk := testClock(t)
	d := dossierIn(StatusProcessing) // due Monday 10/3/2025 17:00
	for _, c := range []struct {
		now  time.Time
		want bool
	}{
		{time.Date(2025, 3, 4, 10, 0, 0, 0, ict), false},  // Tuesday: three working days before
		{time.Date(2025, 3, 6, 10, 0, 0, 0, ict), true},   // Thursday: two working days before
		{time.Date(2025, 3, 8, 10, 0, 0, 0, ict), true},   // Saturday
		{time.Date(2025, 3, 10, 18, 0, 0, 0, ict), false}, // already overdue
	} {
		if got := ApologyWarning(d, c.now, clk); got != c.want {
			t.Errorf("at %s: warned %v, want %v", c.now.Format(time.DateTime), got, c.want)
		}
	}
	d.Rescheduled = true
	if ApologyWarning(d, time.Date(2025, 3, 6, 10, 0, 0, 0, ict), clk) {
		t.Error("a rescheduled dossier is warned again")
	}
}

// The law allows one supplementation request after reception; a further
// one is the leader's decision, and counted.
func TestFurtherSupplementRequestNeedsLeader(t *testing.T) {
	clk := testClock(t)
	v := testVersion()
	spec := staff(2, unitX, org.RoleSpecialist)
	leader := staff(3, unitX, org.RoleLeader)
	d := dossierIn(StatusProcessing)
	req := Command{Action: ActRequestSupplement, Version: 3, Reason: "Bản sao mờ", Documents: []string{"cccd"}}
	if _, err := Apply(d, v, spec, req, time.Date(2025, 3, 4, 9, 0, 0, 0, ict), clk); err != nil {
		t.Fatal(err)
	}
	if d.SupplementRequests != 1 {
		t.Fatalf("requests %d", d.SupplementRequests)
	}
	if _, err := Apply(d, v, Actor{AccountID: owner, Citizen: true}, Command{Action: ActSupplement, Version: d.Version},
		time.Date(2025, 3, 5, 9, 0, 0, 0, ict), clk); err != nil {
		t.Fatal(err)
	}
	req.Version = d.Version
	if slices.Contains(NextActions(d, spec), ActRequestSupplement) {
		t.Error("the specialist is offered a further request")
	}
	_, err := Apply(d, v, spec, req, time.Date(2025, 3, 6, 9, 0, 0, 0, ict), clk)
	if e, _ := apperr.As(err); e == nil || e.Code != "further_request_needs_leader" || e.Kind != apperr.Forbidden {
		t.Fatalf("specialist's further request: %v", err)
	}
	ev, err := Apply(d, v, leader, req, time.Date(2025, 3, 6, 9, 0, 0, 0, ict), clk)
	if err != nil {
		t.Fatal(err)
	}
	if d.SupplementRequests != 2 || ev.Data.(SupplementData).Nth != 2 {
		t.Fatalf("requests %d, event %+v", d.SupplementRequests, ev.Data)
	}
	// The desk's request before reception is not one of them.
	s := dossierIn(StatusSubmitted)
	if _, err := Apply(s, v, staff(1, unitX, org.RoleReceptionist), req2(), time.Date(2025, 3, 3, 9, 0, 0, 0, ict), clk); err != nil {
		t.Fatal(err)
	}
	if s.SupplementRequests != 0 {
		t.Fatalf("desk request counted: %d", s.SupplementRequests)
	}
}

func req2() Command {
	return Command{Action: ActRequestSupplement, Version: 3, Reason: "Thiếu tờ khai", Documents: []string{"to_khai"}}
}

// Whether waiting for a fee stops the clock is set per procedure.
func TestFeeWaitStopsClockPerProcedure(t *testing.T) {
	clk := testClock(t)
	spec := staff(2, unitX, org.RoleSpecialist)
	desk := staff(1, unitX, org.RoleReceptionist)
	asked := time.Date(2025, 3, 6, 9, 0, 0, 0, ict) // Thursday
	paid := time.Date(2025, 3, 11, 9, 0, 0, 0, ict) // Tuesday, past the due date (10/3 17:00)
	for _, stops := range []bool{false, true} {
		v := testVersion()
		v.FeeStopsClock = stops
		d := dossierIn(StatusProcessing)
		if _, err := Apply(d, v, spec, Command{Action: ActRequestFee, Version: 3, Amount: 50000}, asked, clk); err != nil {
			t.Fatal(err)
		}
		if got := d.Overdue(paid); got == stops {
			t.Errorf("stops=%v: overdue while waiting for the fee = %v", stops, got)
		}
		if _, err := Apply(d, v, desk, Command{Action: ActFeePaid, Version: d.Version}, paid, clk); err != nil {
			t.Fatal(err)
		}
		want := "2025-03-10 17:00"
		if stops {
			// Thu 09:00 → Tue 09:00 is three working days (24 h): due
			// moves from Mon 10/3 17:00 to Thu 13/3 17:00.
			want = "2025-03-13 17:00"
		}
		if got := d.LegalDueAt.In(ict).Format("2006-01-02 15:04"); got != want || d.PausedAt != nil {
			t.Errorf("stops=%v: due %s paused %v, want %s", stops, got, d.PausedAt, want)
		}
	}
}

func TestClockOnReceiveAndSupplement(t *testing.T) {
	clk := testClock(t)
	v := testVersion()
	// Received Monday 3/3/2025 09:00 with 5 working days → Monday 10/3 17:00.
	d := dossierIn(StatusSubmitted)
	now := time.Date(2025, 3, 3, 9, 0, 0, 0, ict)
	if _, err := Apply(d, v, staff(1, unitX, org.RoleReceptionist), goodCommand(ActReceive), now, clk); err != nil {
		t.Fatal(err)
	}
	if got := d.LegalDueAt.In(ict).Format("2006-01-02 15:04"); got != "2025-03-10 17:00" {
		t.Fatalf("due %s", got)
	}
	// Restart policy: supplement provided Wed 12/3 10:00 → 5 working days
	// from then: Wed 19/3 17:00.
	d2 := dossierIn(StatusSupplement)
	if _, err := Apply(d2, v, Actor{AccountID: owner, Citizen: true}, Command{Action: ActSupplement, Version: 3},
		time.Date(2025, 3, 12, 10, 0, 0, 0, ict), clk); err != nil {
		t.Fatal(err)
	}
	if got := d2.LegalDueAt.In(ict).Format("2006-01-02 15:04"); got != "2025-03-19 17:00" {
		t.Fatalf("restart due %s", got)
	}
	// Pause policy: paused Mon 3/3 09:00, resumed Tue 4/3 09:00 = 8 working
	// hours; due 10/3 17:00 + 8h → 11/3 17:00.
	v.SupplementPolicy = catalog.SupplementPause
	d3 := dossierIn(StatusSupplement)
	if _, err := Apply(d3, v, Actor{AccountID: owner, Citizen: true}, Command{Action: ActSupplement, Version: 3},
		time.Date(2025, 3, 4, 9, 0, 0, 0, ict), clk); err != nil {
		t.Fatal(err)
	}
	if got := d3.LegalDueAt.In(ict).Format("2006-01-02 15:04"); got != "2025-03-11 17:00" {
		t.Fatalf("pause due %s", got)
	}
	if d3.Status != StatusProcessing || d3.Supplement != nil || d3.PausedAt != nil {
		t.Fatalf("after supplement: %+v", d3)
	}
}

func TestVerdict(t *testing.T) {
	due := time.Date(2025, 3, 10, 17, 0, 0, 0, ict)
	tests := []struct {
		done time.Time
		want string
	}{
		{time.Date(2025, 3, 7, 16, 0, 0, 0, ict), VerdictEarly},
		{time.Date(2025, 3, 10, 8, 0, 0, 0, ict), VerdictOnTime},
		{time.Date(2025, 3, 10, 17, 0, 0, 0, ict), VerdictOnTime},
		{time.Date(2025, 3, 10, 17, 0, 1, 0, ict), VerdictLate},
		{time.Date(2025, 3, 12, 9, 0, 0, 0, ict), VerdictLate},
	}
	for _, tt := range tests {
		if got := Verdict(&due, tt.done, ict); got != tt.want {
			t.Errorf("Verdict(%v) = %s, want %s", tt.done, got, tt.want)
		}
	}
	if Verdict(nil, time.Now(), ict) != VerdictOnTime {
		t.Error("no due date should be on time")
	}
}

func TestStepVerdictsOnHandOver(t *testing.T) {
	clk := testClock(t)
	v := testVersion()
	d := dossierIn(StatusSubmitted)
	// Reception budget 4 working hours from 09:00 Monday: received at 16:00
	// the same day is 5 working hours (2.5 + 2.5) (lunch excluded) → late.
	ev, err := Apply(d, v, staff(1, unitX, org.RoleReceptionist), goodCommand(ActReceive), time.Date(2025, 3, 3, 16, 0, 0, 0, ict), clk)
	if err != nil {
		t.Fatal(err)
	}
	if ev.StepKey != "tiep_nhan" || ev.Verdict != VerdictLate || ev.SpentHours != 5 {
		t.Fatalf("step %q verdict %q spent %v", ev.StepKey, ev.Verdict, ev.SpentHours)
	}
	// Assignment budget 4h from 16:00 Monday ends Tuesday 10:30; done
	// Tuesday 08:00 → on time (same day as the step's deadline).
	cmd := goodCommand(ActAssign)
	cmd.Version = d.Version
	ev, err = Apply(d, v, staff(3, unitX, org.RoleLeader), cmd, time.Date(2025, 3, 4, 8, 0, 0, 0, ict), clk)
	if err != nil {
		t.Fatal(err)
	}
	if ev.StepKey != "phan_cong" || ev.Verdict != VerdictOnTime {
		t.Fatalf("step %q verdict %q", ev.StepKey, ev.Verdict)
	}
	// The leader's approval ends the specialist's examination too: the
	// step is phe_duyet with both budgets (24 + 4 hours).
	cmd = goodCommand(ActFinish)
	cmd.Version = d.Version
	ev, err = Apply(d, v, staff(3, unitX, org.RoleLeader), cmd, time.Date(2025, 3, 6, 9, 0, 0, 0, ict), clk)
	if err != nil {
		t.Fatal(err)
	}
	if ev.StepKey != "phe_duyet" || ev.BudgetHours != 28 || ev.Verdict != VerdictEarly {
		t.Fatalf("approval: step %q budget %v verdict %q", ev.StepKey, ev.BudgetHours, ev.Verdict)
	}
	cmd = goodCommand(ActDeliver)
	cmd.Version = d.Version
	ev, err = Apply(d, v, staff(1, unitX, org.RoleReceptionist), cmd, time.Date(2025, 3, 6, 10, 0, 0, 0, ict), clk)
	if err != nil {
		t.Fatal(err)
	}
	if ev.StepKey != "tra_ket_qua" || ev.BudgetHours != 4 {
		t.Fatalf("delivery: step %q budget %v", ev.StepKey, ev.BudgetHours)
	}
	if errors.Is(err, apperr.ErrNotFound) {
		t.Fatal("unreachable")
	}
}

// TestCanEditCalendar: city administrators keep the city-wide days (and may
// change any unit's); a unit administrator their own unit's only; nobody
// else any.
func TestCanEditCalendar(t *testing.T) {
	cityAdmin := Actor{AccountID: 5, Grants: []Grant{{UnitID: 1, UnitPath: "/1/", Role: org.RoleCityAdmin}}}
	unitAdmin := staff(4, unitX, org.RoleUnitAdmin)
	tests := []struct {
		name string
		a    Actor
		unit int64
		want bool
	}{
		{"city admin, city-wide", cityAdmin, 0, true},
		{"city admin, a unit", cityAdmin, unitX, true},
		{"unit admin, own unit", unitAdmin, unitX, true},
		{"unit admin, city-wide", unitAdmin, 0, false},
		{"unit admin, another unit", unitAdmin, unitY, false},
		{"leader, own unit", staff(3, unitX, org.RoleLeader), unitX, false},
		{"receptionist, city-wide", staff(1, unitX, org.RoleReceptionist), 0, false},
		{"citizen", Actor{AccountID: owner, Citizen: true}, unitX, false},
		{"system", SystemActor("job"), 0, false},
	}
	for _, tt := range tests {
		if got := tt.a.CanEditCalendar(tt.unit); got != tt.want {
			t.Errorf("%s: CanEditCalendar(%d) = %v, want %v", tt.name, tt.unit, got, tt.want)
		}
	}
}

// codeOf is the apperr code of err, "" for none.
func codeOf(err error) string {
	if e, ok := apperr.As(err); ok {
		return e.Code
	}
	return ""
}

// TestRevokeResult: the leader revokes an electronic result once, with a
// reason; without an electronic result there is nothing to revoke.
func TestRevokeResult(t *testing.T) {
	clk := testClock(t)
	now := time.Date(2025, 3, 5, 10, 0, 0, 0, ict)
	lead := staff(3, unitX, org.RoleLeader)
	d := dossierIn(StatusDelivered)
	if _, err := Apply(d, testVersion(), lead, goodCommand(ActRevokeResult), now, clk); codeOf(err) != "no_electronic_result" {
		t.Fatalf("no file: %v", err)
	}
	d.Documents = []Document{{Kind: DocResult, Filename: "ket-qua.pdf"}}
	cmd := goodCommand(ActRevokeResult)
	cmd.Reason = "  "
	if _, err := Apply(d, testVersion(), lead, cmd, now, clk); codeOf(err) != "reason_required" {
		t.Fatalf("no reason: %v", err)
	}
	ev, err := Apply(d, testVersion(), lead, goodCommand(ActRevokeResult), now, clk)
	if err != nil || ev.Note != "lý do" || d.Status != StatusDelivered {
		t.Fatalf("revoke: %v %+v", err, ev)
	}
	d.Events = append(d.Events, *ev)
	if d.ResultRevoked() == nil {
		t.Fatal("ResultRevoked after the revocation")
	}
	cmd = goodCommand(ActRevokeResult)
	cmd.Version = d.Version
	if _, err := Apply(d, testVersion(), lead, cmd, now, clk); codeOf(err) != "result_revoked" {
		t.Fatalf("twice: %v", err)
	}
}
