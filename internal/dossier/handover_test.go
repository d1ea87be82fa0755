package dossier

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/org"
)

// TestStepActionsAreActions keeps the catalogue's step actions the names
// of lifecycle actions: a template names the hand-over that ends a step
// by the action's own name.
func TestStepActionsAreActions(t *testing.T) {
	for _, a := range catalog.StepActions {
		if _, ok := rules[Action(a)]; !ok {
			t.Errorf("catalog step action %q is not a lifecycle action", a)
		}
	}
}

// TestHandOverStepsOfDemoTemplates drives a dossier of every demo
// procedure through its hand-overs (through the transfer to another unit
// and back where the template has a transfer step) and checks that each
// hand-over ends the step that belongs to it, by the step's name as slip
// 06 prints it: the assignment is "Phân công xử lý", never the signature.
// Every step is ended exactly once and the budgets add up to the whole
// template.
func TestHandOverStepsOfDemoTemplates(t *testing.T) {
	specs, err := catalog.DemoCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) != 90 {
		t.Fatalf("%d demo procedures, want 90", len(specs))
	}
	clk := testClock(t)
	// wantName says what the name of the step a hand-over ends looks like;
	// "" means the hand-over ends no step of the demo templates.
	wantName := map[Action]func(string) bool{
		ActReceive:      func(n string) bool { return strings.HasPrefix(n, "Tiếp nhận") },
		ActTransfer:     func(n string) bool { return n == "Chuyển hồ sơ đến bộ phận giải quyết" },
		ActAssign:       func(n string) bool { return n == "Phân công xử lý" },
		ActDraftResult:  func(n string) bool { return strings.Contains(strings.ToLower(n), "xử lý hồ sơ") },
		ActApproveDraft: func(n string) bool { return strings.HasPrefix(n, "Trưởng phòng") },
		ActFinish:       func(n string) bool { return strings.HasSuffix(strings.ToLower(n), "ký kết quả") },
		ActReturnResult: func(n string) bool { return n == "" },
		ActDeliver:      func(n string) bool { return strings.HasSuffix(n, "trả kết quả") },
	}
	for _, sp := range specs {
		t.Run(sp.Code+"/"+string(sp.UnitLevel), func(t *testing.T) {
			v := &sp.Version
			hasTransfer := slices.ContainsFunc(v.Process, func(s catalog.Step) bool { return s.Action == catalog.StepTransfer })
			at := time.Date(2025, 3, 3, 8, 0, 0, 0, ict)
			d := dossierIn(StatusSubmitted)
			d.SubmittedAt, d.StepStartedAt = at, at
			work := int64(unitX) // the unit that processes
			if hasTransfer {
				work = unitY
			}
			steps := []struct {
				a   Actor
				cmd Command
			}{
				{staff(1, unitX, org.RoleReceptionist), Command{Action: ActReceive}},
				{staff(1, unitX, org.RoleReceptionist), Command{Action: ActTransfer, Reason: "Chuyển xử lý", ResolvedUnitID: unitY, ResolvedUnitCode: "Y", ResolvedUnitPath: "/1/20/", ResolvedUnitCompetent: true}},
				{staff(3, work, org.RoleLeader), Command{Action: ActAssign, ResolvedAssigneeID: 2, ResolvedAssigneeName: "Chuyên viên"}},
				{staff(3, work, org.RoleLeader), Command{Action: ActAssign, ResolvedAssigneeID: 2, ResolvedAssigneeName: "Chuyên viên"}},
				{staff(2, work, org.RoleSpecialist), Command{Action: ActDraftResult, Result: &Result{Number: "1/QĐ", Summary: "Chấp thuận", Granted: true}}},
				{staff(11, work, org.RoleHead), Command{Action: ActApproveDraft}},
				{staff(3, work, org.RoleLeader), Command{Action: ActFinish}},
				{staff(2, work, org.RoleSpecialist), Command{Action: ActReturnResult, ResolvedUnitID: unitX, ResolvedUnitCode: "X", ResolvedUnitPath: "/1/10/"}},
				{staff(1, unitX, org.RoleReceptionist), Command{Action: ActDeliver, Method: "in_person"}},
			}
			var ended []string
			var budget float64
			assigned := false
			for _, st := range steps {
				if !hasTransfer && (st.cmd.Action == ActTransfer || st.cmd.Action == ActReturnResult) {
					continue
				}
				if st.cmd.Action == ActApproveDraft && !v.HasStep(catalog.StepApproveDraft) {
					continue
				}
				at = at.Add(2 * time.Hour)
				st.cmd.Version = d.Version
				ev, err := Apply(d, v, st.a, st.cmd, at, clk)
				if err != nil {
					t.Fatalf("%s: %v", st.cmd.Action, err)
				}
				name := ""
				if ev.StepKey != "" {
					i := slices.IndexFunc(v.Process, func(s catalog.Step) bool { return s.Key == ev.StepKey })
					name = v.Process[i].Name
					ended = append(ended, ev.StepKey)
					budget += ev.BudgetHours
				}
				want := wantName[st.cmd.Action]
				if st.cmd.Action == ActAssign && assigned {
					// A second assignment ends no step: the examination runs on.
					want = func(n string) bool { return n == "" }
				}
				assigned = assigned || st.cmd.Action == ActAssign
				if !want(name) {
					t.Errorf("%s ends step %q (%q)", st.cmd.Action, ev.StepKey, name)
				}
			}
			var total float64
			var keys []string
			for _, s := range v.Process {
				total += s.BudgetHours
				if s.Action != "" {
					keys = append(keys, s.Key)
				}
			}
			if !slices.Equal(ended, keys) {
				t.Errorf("steps ended %v, want %v", ended, keys)
			}
			if math.Abs(budget-total) > 1e-9 {
				t.Errorf("budgets of the steps ended add up to %g h, the template's to %g h", budget, total)
			}
		})
	}
}
