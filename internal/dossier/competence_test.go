package dossier

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/org"
)

// TestTransferCompetence checks that a transfer goes only to a unit that
// offers the dossier's procedure (the service resolves
// Command.ResolvedUnitCompetent): any other target is refused with 422
// not_competent, naming the unit and the procedure in both languages, and
// the dossier is left as it was.
func TestTransferCompetence(t *testing.T) {
	clk := testClock(t)
	now := time.Date(2025, 3, 5, 10, 0, 0, 0, ict)
	tests := []struct {
		name      string
		from      Status
		outside   bool // the holder does not offer the procedure
		who       Actor
		competent bool
		code      string // "" = transferred
	}{
		{"desk to a competent unit", StatusReceived, false, staff(1, unitX, org.RoleReceptionist), true, ""},
		{"desk to a unit that does not offer it", StatusReceived, false, staff(1, unitX, org.RoleReceptionist), false, "not_competent"},
		{"processing unit to a unit that does not offer it", StatusProcessing, false, staff(3, unitX, org.RoleLeader), false, "not_competent"},
		{"desk outside competence to a competent unit", StatusReceived, true, staff(1, unitX, org.RoleReceptionist), true, ""},
		{"desk outside competence to another such unit", StatusReceived, true, staff(1, unitX, org.RoleReceptionist), false, "not_competent"},
		{"processing outside competence to a competent unit", StatusProcessing, true, staff(2, unitX, org.RoleSpecialist), true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := dossierIn(tc.from)
			d.ProcedureName, d.UnitName, d.OutsideCompetence = "Cấp Phiếu lý lịch tư pháp", "Phường X", tc.outside
			before := *d
			cmd := Command{Action: ActTransfer, Version: d.Version, Reason: "Thẩm quyền của Sở",
				ResolvedUnitID: unitY, ResolvedUnitCode: "Y", ResolvedUnitName: "Phường Y", ResolvedUnitPath: "/1/20/",
				ResolvedUnitCompetent: tc.competent}
			ev, err := Apply(d, testVersion(), tc.who, cmd, now, clk)
			if tc.code == "" {
				if err != nil {
					t.Fatalf("transfer refused: %v", err)
				}
				if d.UnitID != unitY || d.Status != StatusProcessing || d.OutsideCompetence || ev.Action != ActTransfer {
					t.Fatalf("after the transfer: unit %d status %d outside %v", d.UnitID, d.Status, d.OutsideCompetence)
				}
				return
			}
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.Unprocessable || e.Code != tc.code {
				t.Fatalf("want 422 %s, got %v", tc.code, err)
			}
			for _, want := range []struct{ lang, text string }{{"vi", "«Phường Y» không giải quyết thủ tục «Cấp Phiếu lý lịch tư pháp»"},
				{"en", `Phường Y does not offer "Cấp Phiếu lý lịch tư pháp"`}} {
				if msg := e.Message(want.lang); !strings.Contains(msg, want.text) {
					t.Errorf("%s message %q lacks %q", want.lang, msg, want.text)
				}
			}
			if !reflect.DeepEqual(*d, before) {
				t.Fatal("a refused transfer changed the dossier")
			}
		})
	}
}

// TestOutsideCompetence checks every action on a dossier held by a unit
// that does not offer its procedure (a desk that received it under
// receive_anywhere): deciding it is refused with 422 must_transfer and
// hidden from NextActions; handing it on, refusing it, the applicant's own
// steps, a consultation's answer, a fee paid and the delivery of a result
// back at the desk remain.
func TestOutsideCompetence(t *testing.T) {
	from := map[Action]Status{ActReceive: 1, ActRefuse: 1, ActRequestSupplement: 2, ActSupplement: 5, ActAssign: 2,
		ActTransfer: 2, ActRequestFee: 4, ActFeePaid: 6, ActFinish: 4, ActDeliver: 9, ActStop: 2, ActWithdraw: 2,
		ActReschedule: 2, ActRate: 10, ActDraftResult: 4, ActReturnDraft: 4, ActReturnResult: 9, ActConsult: 4,
		ActAnswerConsult: 4, ActApproveDraft: 4, ActRevokeResult: 10}
	doer := map[Action]Actor{
		ActReceive: staff(1, unitX, org.RoleReceptionist), ActRefuse: staff(1, unitX, org.RoleReceptionist),
		ActRequestSupplement: staff(3, unitX, org.RoleLeader), ActSupplement: {AccountID: owner, Citizen: true},
		ActAssign: staff(3, unitX, org.RoleLeader), ActTransfer: staff(1, unitX, org.RoleReceptionist),
		ActRequestFee: staff(2, unitX, org.RoleSpecialist), ActFeePaid: SystemActor("vnpay"),
		ActFinish: staff(3, unitX, org.RoleLeader), ActDeliver: staff(1, unitX, org.RoleReceptionist),
		ActStop: staff(3, unitX, org.RoleLeader), ActWithdraw: staff(1, unitX, org.RoleReceptionist),
		ActReschedule: staff(3, unitX, org.RoleLeader), ActRate: {AccountID: owner, Citizen: true},
		ActDraftResult: staff(2, unitX, org.RoleSpecialist), ActReturnDraft: staff(3, unitX, org.RoleLeader),
		ActReturnResult: staff(2, unitX, org.RoleSpecialist), ActConsult: staff(2, unitX, org.RoleSpecialist),
		ActAnswerConsult: staff(9, unitY, org.RoleSpecialist), ActApproveDraft: staff(11, unitX, org.RoleHead),
		ActRevokeResult: staff(3, unitX, org.RoleLeader),
	}
	refused := map[Action]bool{ActRevokeResult: true, ActReceive: true, ActRequestSupplement: true, ActAssign: true, ActRequestFee: true,
		ActDraftResult: true, ActApproveDraft: true, ActReturnDraft: true, ActFinish: true, ActConsult: true, ActStop: true, ActReschedule: true}
	clk := testClock(t)
	now := time.Date(2025, 3, 5, 10, 0, 0, 0, ict)
	for _, act := range Actions {
		t.Run(string(act), func(t *testing.T) {
			d := dossierIn(from[act])
			prepare(act, d)
			d.OutsideCompetence = true
			d.ProcedureName, d.UnitName = "Cấp Phiếu lý lịch tư pháp", "Phường X"
			before := *d
			cmd := goodCommand(act)
			_, err := Apply(d, testVersion(), doer[act], cmd, now, clk)
			listed := slices.Contains(NextActions(&before, doer[act]), act)
			if !refused[act] {
				if err != nil {
					t.Fatalf("refused outside competence: %v", err)
				}
				if !listed && !doer[act].System {
					t.Error("not offered by NextActions")
				}
				return
			}
			if e, ok := apperr.As(err); !ok || e.Kind != apperr.Unprocessable || e.Code != "must_transfer" ||
				!strings.Contains(e.Message("vi"), "«Phường X» không giải quyết thủ tục «Cấp Phiếu lý lịch tư pháp»") ||
				!strings.Contains(e.Message("en"), "must be transferred") {
				t.Fatalf("want 422 must_transfer naming the unit and the procedure, got %v", err)
			}
			if !reflect.DeepEqual(*d, before) {
				t.Fatal("a refused action changed the dossier")
			}
			if listed {
				t.Error("offered by NextActions")
			}
			// The same action at a competent holder is not refused for
			// competence.
			d.OutsideCompetence = false
			if _, err := Apply(d, testVersion(), doer[act], cmd, now, clk); err != nil {
				if e, ok := apperr.As(err); ok && e.Code == "must_transfer" {
					t.Fatal("refused for competence at a competent unit")
				}
			}
		})
	}
}

// TestNextActionsAtAForeignDesk checks what a desk that received a dossier
// outside its competence is offered: transfer and withdrawal only.
func TestNextActionsAtAForeignDesk(t *testing.T) {
	d := dossierIn(StatusReceived)
	d.Channel = ChannelCounter
	d.OutsideCompetence = true
	for _, tc := range []struct {
		who  Actor
		want []Action
	}{
		{staff(1, unitX, org.RoleReceptionist), []Action{ActTransfer, ActWithdraw}},
		{staff(3, unitX, org.RoleLeader), []Action{ActTransfer}},
		{staff(2, unitX, org.RoleSpecialist), []Action{ActTransfer}},
	} {
		if got := NextActions(d, tc.who); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.who.Name, got, tc.want)
		}
	}
}
