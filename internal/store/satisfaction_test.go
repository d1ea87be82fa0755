package store_test

import (
	"context"
	"github.com/motcua/motcua/internal/catalog"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/stats"
	"github.com/motcua/motcua/internal/store"
)

// TestStatsSatisfaction checks by hand, on both engines, the satisfaction
// shares of Decision 766: each rating counts at the unit that decided the
// dossier (a result returned to the commune's desk and rated there counts
// at the department that decided it), in the period the rating was given,
// per unit, per procedure and with the filters; desk-recorded ratings are
// counted apart as well.
func TestStatsSatisfaction(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		leadDep := f.staff(t, "lead.dep", f.dep, org.RoleLeader)
		recDep := f.staff(t, "rec.dep", f.dep, org.RoleReceptionist)
		f.staff(t, "spec.dep", f.dep, org.RoleSpecialist)
		// The department decides the marriage dossier it is handed: it
		// offers the procedure too (a transfer goes only to such a unit).
		also := marriageSpec()
		also.OfferedBy = append(also.OfferedBy, f.dep.Name)
		if rep, err := f.db.ImportCatalogue(ctx, []catalog.Spec{also}); err != nil || len(rep.Rejected) > 0 {
			t.Fatalf("import: %v %v", err, rep.Rejected)
		}
		counter := func(rec dossier.Actor, procedure string, u *org.Unit) *dossier.Dossier {
			d, _, err := f.svc.Submit(ctx, rec, dossier.SubmitInput{Procedure: procedure, Unit: u.Code,
				Form:      map[string]any{"chong_ho_ten": "Phạm Văn Đức", "vo_ho_ten": "Hoàng Thị Én"},
				Applicant: &dossier.Applicant{FullName: "Phạm Văn Đức", IDNumber: "001085012345"}, Received: marriageReceived()})
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		result := &dossier.Result{Number: "1/2025", Summary: "Cấp", Granted: true}
		// decide takes a received dossier of the commune through to a
		// result delivered in person at its desk.
		decide := func(d *dossier.Dossier, lead, rec dossier.Actor, assignee string) *dossier.Dossier {
			d = f.act(t, lead, d, dossier.Command{Action: dossier.ActAssign, Assignee: assignee})
			d = f.act(t, lead, d, dossier.Command{Action: dossier.ActFinish, Result: result})
			return f.act(t, rec, d, dossier.Command{Action: dossier.ActDeliver, Method: "in_person"})
		}
		rate := func(a dossier.Actor, d *dossier.Dossier, rating string) {
			f.act(t, a, d, dossier.Command{Action: dossier.ActRate, Rating: rating})
		}

		// March 2025. Commune X decides three marriage dossiers, rated once
		// on each level: online by the applicant, and twice at the desk.
		dA := decide(f.act(t, f.recX, f.submitOnline(t, f.citizenA, f.cx.Code), dossier.Command{Action: dossier.ActReceive}), f.leadX, f.recX, "spec.x")
		dB := decide(counter(f.recX, "1.000894", f.cx), f.leadX, f.recX, "spec.x")
		dC := decide(counter(f.recX, "1.000894", f.cx), f.leadX, f.recX, "spec.x")
		// The department decides a marriage dossier received at commune X,
		// whose desk delivers and records its rating; and one of its own
		// procedures, received and rated at its own desk.
		dD := f.act(t, f.recX, counter(f.recX, "1.000894", f.cx), dossier.Command{Action: dossier.ActTransfer, ToUnit: f.dep.Code, Reason: "Thuộc thẩm quyền Sở"})
		dD = f.act(t, leadDep, dD, dossier.Command{Action: dossier.ActFinish, Result: result})
		dD = f.act(t, leadDep, dD, dossier.Command{Action: dossier.ActReturnResult})
		dD = f.act(t, f.recX, dD, dossier.Command{Action: dossier.ActDeliver, Method: "in_person"})
		dE := decide(counter(recDep, "2.000908", f.dep), leadDep, recDep, "spec.dep")
		// A dossier decided and delivered in March, rated in April.
		dF := decide(f.act(t, f.recX, f.submitOnline(t, f.citizenB, f.cx.Code), dossier.Command{Action: dossier.ActReceive}), f.leadX, f.recX, "spec.x")
		f.now = time.Date(2025, 3, 5, 10, 0, 0, 0, ict)
		rate(f.citizenA, dA, dossier.RatingVerySatisfied)
		rate(f.recX, dB, dossier.RatingSatisfied)
		rate(f.leadX, dC, dossier.RatingDissatisfied)
		rate(f.recX, dD, dossier.RatingSatisfied)
		rate(recDep, dE, dossier.RatingVerySatisfied)
		f.now = time.Date(2025, 4, 2, 10, 0, 0, 0, ict)
		rate(f.citizenB, dF, dossier.RatingDissatisfied)

		march := [2]time.Time{time.Date(2025, 3, 1, 0, 0, 0, 0, ict), time.Date(2025, 4, 1, 0, 0, 0, 0, ict)}
		april := [2]time.Time{march[1], time.Date(2025, 5, 1, 0, 0, 0, 0, ict)}
		get := func(u *org.Unit, p [2]time.Time, own bool, flt stats.Filter) stats.Report {
			t.Helper()
			r, err := f.db.StatsFiltered(ctx, u, p[0], p[1], f.now, own, flt)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		sat := func(very, satisfied, dis, desk int, vr, sr, dr float64) stats.Satisfaction {
			return stats.Satisfaction{Total: very + satisfied + dis, VerySatisfied: very, Satisfied: satisfied, Dissatisfied: dis, AtDesk: desk,
				VerySatisfiedRate: vr, SatisfiedRate: sr, DissatisfiedRate: dr}
		}
		thirds := sat(1, 1, 1, 2, 33.33, 33.33, 33.33)
		none := stats.Satisfaction{}
		for _, c := range []struct {
			name string
			got  stats.Report
			want stats.Satisfaction
		}{
			{"commune X", get(f.cx, march, false, stats.Filter{}), thirds},
			{"commune X alone", get(f.cx, march, true, stats.Filter{}), thirds},
			{"commune Y", get(f.cy, march, false, stats.Filter{}), none},
			{"district", get(f.district, march, false, stats.Filter{}), thirds},
			{"district level", get(f.district, march, true, stats.Filter{}), none},
			{"department", get(f.dep, march, false, stats.Filter{}), sat(1, 1, 0, 2, 50, 50, 0)},
			{"city", get(f.city, march, false, stats.Filter{}), sat(2, 2, 1, 4, 40, 40, 20)},
			{"city, marriage", get(f.city, march, false, stats.Filter{Procedure: "1.000894"}), sat(1, 2, 1, 3, 25, 50, 25)},
			{"city, province level", get(f.city, march, false, stats.Filter{Level: "province"}), sat(1, 0, 0, 1, 100, 0, 0)},
			{"city, no such field", get(f.city, march, false, stats.Filter{Field: "Đất đai"}), none},
			{"commune X in April", get(f.cx, april, false, stats.Filter{}), sat(0, 0, 1, 0, 0, 0, 100)},
		} {
			if c.got.Satisfaction != c.want {
				t.Errorf("%s: satisfaction %+v\nwant %+v", c.name, c.got.Satisfaction, c.want)
			}
		}
		// The satisfaction alone, as the dashboard asks it per unit.
		for _, c := range []struct {
			name string
			u    *org.Unit
			own  bool
			want stats.Satisfaction
		}{{"commune X", f.cx, false, thirds}, {"district level", f.district, true, none}, {"city", f.city, false, sat(2, 2, 1, 4, 40, 40, 20)}} {
			got, err := f.db.Satisfaction(ctx, c.u, march[0], march[1], c.own)
			if err != nil || got != c.want {
				t.Errorf("Satisfaction of %s: %+v %v, want %+v", c.name, got, err, c.want)
			}
		}
		// The dossiers finished in March: the department decided two, the
		// commune four (the April rating is of a March decision).
		if r := get(f.cx, march, false, stats.Filter{}); r.Finished.Total != 4 {
			t.Errorf("commune X finished %d in March, want 4", r.Finished.Total)
		}

		// Per procedure: the city's rows name each procedure.
		rows, err := f.db.StatsRows(ctx, f.city, march[0], march[1], f.now, false, stats.Filter{}, "procedure")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || rows[0].Procedure != "1.000894" || rows[0].ProcedureName != "Đăng ký kết hôn" ||
			rows[1].Procedure != "2.000908" || rows[1].ProcedureName != "Cấp phiếu lý lịch tư pháp" {
			t.Fatalf("rows by procedure: %+v", rows)
		}
		if rows[0].Satisfaction != sat(1, 2, 1, 3, 25, 50, 25) || rows[1].Satisfaction != sat(1, 0, 0, 1, 100, 0, 0) {
			t.Errorf("satisfaction by procedure: %+v / %+v", rows[0].Satisfaction, rows[1].Satisfaction)
		}
		if rows[0].Finished.Total != 5 || rows[1].Finished.Total != 1 {
			t.Errorf("finished by procedure: %d / %d", rows[0].Finished.Total, rows[1].Finished.Total)
		}
		// A group with ratings and nothing else counted in the period
		// still has its row.
		rows, err = f.db.StatsRows(ctx, f.cx, april[0], april[1], f.now, false, stats.Filter{}, "procedure")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].Procedure != "1.000894" || rows[0].Satisfaction != sat(0, 0, 1, 0, 0, 0, 100) || rows[0].Finished.Total != 0 {
			t.Fatalf("April rows by procedure: %+v", rows)
		}
	})
}
