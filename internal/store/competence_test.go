package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/stats"
	"github.com/motcua/motcua/internal/store"
)

// anywhereSpec is a department procedure any desk may receive at the
// counter (receive_anywhere, Decree 118/2025/NĐ-CP).
func anywhereSpec() catalog.Spec {
	s := deptSpec()
	s.Code, s.Name = "2.000488", "Cấp Phiếu lý lịch tư pháp cho công dân"
	s.Version.ReceiveAnywhere, s.Version.ReceiveAnywhereBasis = true, "Nghị định 118/2025/NĐ-CP"
	return s
}

// TestReceiveAnywhereStore checks on both engines what the store keeps of
// receive_anywhere: the flag survives in the stored version, the counter's
// procedure list of a commune adds such procedures (marked as not
// offered) and no other, and OffersProcedure answers by code.
func TestReceiveAnywhereStore(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		if rep, err := f.db.ImportCatalogue(ctx, []catalog.Spec{anywhereSpec()}); err != nil || len(rep.Rejected) > 0 {
			t.Fatalf("import: %v %v", err, rep.Rejected)
		}
		p, err := f.db.ProcedureInForce(ctx, "2.000488", f.now)
		if err != nil {
			t.Fatal(err)
		}
		if !p.Current.ReceiveAnywhere || p.Current.ReceiveAnywhereBasis == "" {
			t.Fatalf("stored version lost the flag: %+v", p.Current)
		}
		got, err := f.db.UnitProcedures(ctx, f.cx.ID, f.now)
		if err != nil {
			t.Fatal(err)
		}
		want := []store.ProcedureChoice{{Code: "2.000488", Name: "Cấp Phiếu lý lịch tư pháp cho công dân"},
			{Code: "1.000894", Name: "Đăng ký kết hôn", Offered: true}}
		if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
			t.Fatalf("commune's counter procedures: %+v, want %+v", got, want)
		}
		// Before the version takes effect, the procedure is not listed.
		if got, err := f.db.UnitProcedures(ctx, f.cx.ID, time.Date(2023, 1, 1, 0, 0, 0, 0, ict)); err != nil || len(got) != 1 || got[0].Code != "1.000894" {
			t.Fatalf("before the version is in force: %+v %v", got, err)
		}
		for _, tc := range []struct {
			code string
			unit int64
			want bool
		}{{"1.000894", f.cx.ID, true}, {"1.000894", f.dep.ID, false}, {"2.000488", f.cx.ID, false},
			{"2.000488", f.dep.ID, true}, {"9.999999", f.cx.ID, false}} {
			if ok, err := f.db.OffersProcedure(ctx, tc.code, tc.unit); err != nil || ok != tc.want {
				t.Errorf("OffersProcedure(%s, %d) = %v %v, want %v", tc.code, tc.unit, ok, err, tc.want)
			}
		}
	})
}

// TestReceiveAnywhereFlow runs the rule through the dossier service on
// both engines: commune X's desk receives at the counter a department
// procedure any desk may receive; it may not decide it nor hand it to the
// district (which does not offer it either), and a refusal writes
// nothing; transferred to the department, the dossier stays in the
// commune's received count and is in progress at the department.
func TestReceiveAnywhereFlow(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		if rep, err := f.db.ImportCatalogue(ctx, []catalog.Spec{anywhereSpec()}); err != nil || len(rep.Rejected) > 0 {
			t.Fatalf("import: %v %v", err, rep.Rejected)
		}
		in := func(code string) dossier.SubmitInput {
			return dossier.SubmitInput{Procedure: code, Unit: f.cx.Code,
				Form:      map[string]any{"chong_ho_ten": "Phạm Văn Đức", "vo_ho_ten": "Hoàng Thị Én"},
				Applicant: &dossier.Applicant{FullName: "Phạm Văn Đức", IDNumber: "001085012345", Phone: "0904123456"},
				Received:  marriageReceived()}
		}
		if _, _, err := f.svc.Submit(ctx, f.recX, in("2.000908")); !isCode(err, "not_offered") {
			t.Fatalf("counter intake of a department procedure without the flag: %v", err)
		}
		d, _, err := f.svc.Submit(ctx, f.recX, in("2.000488"))
		if err != nil {
			t.Fatal(err)
		}
		if d.UnitID != f.cx.ID || d.ReceivedUnitID != f.cx.ID || d.Status != dossier.StatusReceived || !d.OutsideCompetence {
			t.Fatalf("received: unit %d received at %d status %d outside %v", d.UnitID, d.ReceivedUnitID, d.Status, d.OutsideCompetence)
		}
		events := func() int {
			evs, err := f.db.Events(ctx, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			return len(evs)
		}
		n := events()
		for _, tc := range []struct {
			name string
			a    dossier.Actor
			cmd  dossier.Command
			code string
		}{
			{"assign at the commune", f.leadX, dossier.Command{Action: dossier.ActAssign, Assignee: "spec.x"}, "must_transfer"},
			{"stop at the commune", f.leadX, dossier.Command{Action: dossier.ActStop, Reason: "x"}, "must_transfer"},
			{"transfer to the district", f.recX, dossier.Command{Action: dossier.ActTransfer, ToUnit: f.district.Code, Reason: "x"}, "not_competent"},
		} {
			tc.cmd.Version = d.Version
			if _, _, err := f.svc.Act(ctx, tc.a, d.Code, tc.cmd, nil); !isCode(err, tc.code) {
				t.Errorf("%s: want %s, got %v", tc.name, tc.code, err)
			}
		}
		if got, err := f.svc.Get(ctx, f.recX, d.Code); err != nil || got.Version != d.Version || got.UnitID != f.cx.ID || events() != n {
			t.Fatalf("refusals wrote something: %+v %v", got, err)
		}
		d, _, err = f.svc.Act(ctx, f.recX, d.Code, dossier.Command{Action: dossier.ActTransfer, Version: d.Version, ToUnit: f.dep.Code, Reason: "Thuộc thẩm quyền Sở"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if d.UnitID != f.dep.ID || d.ReceivedUnitID != f.cx.ID || d.OutsideCompetence {
			t.Fatalf("transferred: unit %d received at %d outside %v", d.UnitID, d.ReceivedUnitID, d.OutsideCompetence)
		}
		from, to := time.Date(2025, 3, 1, 0, 0, 0, 0, ict), time.Date(2025, 4, 1, 0, 0, 0, 0, ict)
		commune, err := f.db.Stats(ctx, f.cx, from, to, f.now, false)
		if err != nil {
			t.Fatal(err)
		}
		if commune.Received != (stats.Received{Total: 1, Counter: 1, Offered: 1}) || commune.InProgress.Total != 0 {
			t.Errorf("commune: received %+v in progress %+v", commune.Received, commune.InProgress)
		}
		dep, err := f.db.Stats(ctx, f.dep, from, to, f.now, false)
		if err != nil {
			t.Fatal(err)
		}
		if dep.Received != (stats.Received{}) || dep.InProgress.Total != 1 {
			t.Errorf("department: received %+v in progress %+v", dep.Received, dep.InProgress)
		}
	})
}

func isCode(err error, code string) bool {
	e, ok := apperr.As(err)
	return ok && e.Code == code && (e.Kind == apperr.Unprocessable)
}
