package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/stats"
	"github.com/motcua/motcua/internal/store"
)

// TestStatsReceivedAtDeskDecidedAtUnit checks by hand, on both engines, that
// II.06a counts a dossier as received at the desk that received it and as
// finished or in progress at the unit that decides or holds it, and that a
// dossier waiting for the applicant's supplementation is within the
// deadline even past its due date.
func TestStatsReceivedAtDeskDecidedAtUnit(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		leadDep := f.staff(t, "lead.dep", f.dep, org.RoleLeader)
		// The department decides the dossiers it is handed: it offers the
		// procedure too (a transfer goes only to such a unit).
		also := marriageSpec()
		also.OfferedBy = append(also.OfferedBy, f.dep.Name)
		if rep, err := f.db.ImportCatalogue(ctx, []catalog.Spec{also}); err != nil || len(rep.Rejected) > 0 {
			t.Fatalf("import: %v %v", err, rep.Rejected)
		}
		counter := func() *dossier.Dossier {
			d, _, err := f.svc.Submit(ctx, f.recX, dossier.SubmitInput{Procedure: "1.000894", Unit: f.cx.Code,
				Form:      map[string]any{"chong_ho_ten": "Phạm Văn Đức", "vo_ho_ten": "Hoàng Thị Én"},
				Applicant: &dossier.Applicant{FullName: "Phạm Văn Đức", IDNumber: "001085012345", Phone: "0904123456"}, Received: marriageReceived()})
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		// Monday 3/3/2025, all received at commune X, all due 10/3.
		// d1 online, transferred to the department, left open there.
		d1 := f.act(t, f.recX, f.submitOnline(t, f.citizenA, f.cx.Code), dossier.Command{Action: dossier.ActReceive})
		f.act(t, f.recX, d1, dossier.Command{Action: dossier.ActTransfer, ToUnit: f.dep.Code, Reason: "Thuộc thẩm quyền Sở"})
		// d2 at the counter, transferred, decided early by the department
		// (4/3), its result returned to the commune's desk and delivered.
		d2 := f.act(t, f.recX, counter(), dossier.Command{Action: dossier.ActTransfer, ToUnit: f.dep.Code, Reason: "Thuộc thẩm quyền Sở"})
		f.now = time.Date(2025, 3, 4, 10, 0, 0, 0, ict)
		d2 = f.act(t, leadDep, d2, dossier.Command{Action: dossier.ActFinish, Result: &dossier.Result{Summary: "Cấp"}})
		d2 = f.act(t, leadDep, d2, dossier.Command{Action: dossier.ActReturnResult})
		if d2.UnitID != f.cx.ID {
			t.Fatalf("returned result at unit %d, want the commune", d2.UnitID)
		}
		f.act(t, f.recX, d2, dossier.Command{Action: dossier.ActDeliver, Method: "in_person"})
		// d3 online, waiting for the applicant's supplementation since 5/3.
		f.now = time.Date(2025, 3, 3, 9, 30, 0, 0, ict)
		d3 := f.act(t, f.recX, f.submitOnline(t, f.citizenB, f.cx.Code), dossier.Command{Action: dossier.ActReceive})
		f.now = time.Date(2025, 3, 5, 10, 0, 0, 0, ict)
		f.act(t, f.specX, d3, dossier.Command{Action: dossier.ActRequestSupplement, Reason: "Thiếu giấy xác nhận",
			Documents: []string{"xac_nhan_hon_nhan"}})
		// d4 at the counter, kept by the commune and overdue.
		f.now = time.Date(2025, 3, 3, 9, 40, 0, 0, ict)
		counter()
		f.now = time.Date(2025, 3, 12, 10, 0, 0, 0, ict)

		from, to := time.Date(2025, 3, 1, 0, 0, 0, 0, ict), time.Date(2025, 4, 1, 0, 0, 0, 0, ict)
		get := func(u *org.Unit, own bool) stats.Report {
			r, err := f.db.Stats(ctx, u, from, to, f.now, own)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		check := func(name string, r stats.Report, rec stats.Received, fin stats.Finished, prog stats.InProgress) {
			t.Helper()
			if r.Received != rec || r.Finished != fin || r.InProgress != prog {
				t.Errorf("%s:\n got received %+v finished %+v in progress %+v\nwant received %+v finished %+v in progress %+v",
					name, r.Received, r.Finished, r.InProgress, rec, fin, prog)
			}
		}
		commune := stats.Received{Total: 4, Online: 2, Counter: 2, Offered: 4, OfferedOnline: 2}
		check("commune X", get(f.cx, false), commune, stats.Finished{},
			stats.InProgress{Total: 2, Within: 1, Overdue: 1})
		check("department", get(f.dep, false), stats.Received{},
			stats.Finished{Total: 1, Early: 1}, stats.InProgress{Total: 1, Overdue: 1})
		check("district", get(f.district, false), commune, stats.Finished{},
			stats.InProgress{Total: 2, Within: 1, Overdue: 1})
		check("district level", get(f.district, true), stats.Received{}, stats.Finished{}, stats.InProgress{})
		city := get(f.city, false)
		check("city", city, commune, stats.Finished{Total: 1, Early: 1}, stats.InProgress{Total: 3, Within: 1, Overdue: 2})
		if city.OnlineRate != 50 || city.OnlineRateOffered != 50 || city.OnTimeRate != 100 {
			t.Errorf("city rates %v %v %v", city.OnlineRate, city.OnlineRateOffered, city.OnTimeRate)
		}
		// Judged on 4/3, before the supplementation request and the due
		// date, everything open is within.
		early, err := f.db.Stats(ctx, f.city, from, to, time.Date(2025, 3, 4, 12, 0, 0, 0, ict), false)
		if err != nil {
			t.Fatal(err)
		}
		if early.InProgress != (stats.InProgress{Total: 3, Within: 3}) {
			t.Errorf("on 4/3: %+v", early.InProgress)
		}

		// The department receives one of its own procedures at its desk
		// (12/3): rows by level part the commune's procedure from the
		// department's, filters keep one procedure or level.
		recDep := f.staff(t, "rec.dep", f.dep, org.RoleReceptionist)
		if _, _, err := f.svc.Submit(ctx, recDep, dossier.SubmitInput{Procedure: "2.000908", Unit: f.dep.Code,
			Form:      map[string]any{"chong_ho_ten": "Phạm Văn Đức", "vo_ho_ten": "Hoàng Thị Én"},
			Applicant: &dossier.Applicant{FullName: "Phạm Văn Đức", IDNumber: "001085012345"}, Received: marriageReceived()}); err != nil {
			t.Fatal(err)
		}
		filtered := func(u *org.Unit, flt stats.Filter) stats.Report {
			r, err := f.db.StatsFiltered(ctx, u, from, to, f.now, false, flt)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		depOwn := stats.Received{Total: 1, Counter: 1, Offered: 1}
		check("department, its procedure", filtered(f.dep, stats.Filter{Procedure: "2.000908"}), depOwn, stats.Finished{},
			stats.InProgress{Total: 1, Within: 1})
		check("department, commune level", filtered(f.dep, stats.Filter{Level: "commune"}), stats.Received{},
			stats.Finished{Total: 1, Early: 1}, stats.InProgress{Total: 1, Overdue: 1})
		check("city, field", filtered(f.city, stats.Filter{Field: "Hộ tịch"}), stats.Received{Total: 5, Online: 2, Counter: 3, Offered: 5, OfferedOnline: 2},
			stats.Finished{Total: 1, Early: 1}, stats.InProgress{Total: 4, Within: 2, Overdue: 2})
		check("city, no such field", filtered(f.city, stats.Filter{Field: "Đất đai"}), stats.Received{}, stats.Finished{}, stats.InProgress{})
		byLevel, err := f.db.StatsRows(ctx, f.city, from, to, f.now, false, stats.Filter{}, "level")
		if err != nil || len(byLevel) != 2 || byLevel[0].Level != "commune" || byLevel[1].Level != "province" {
			t.Fatalf("by level: %+v %v", byLevel, err)
		}
		// Rows by the procedure's level: the marriage dossiers the department
		// decides or holds stay on the commune row.
		check("commune level row", byLevel[0], commune, stats.Finished{Total: 1, Early: 1}, stats.InProgress{Total: 3, Within: 1, Overdue: 2})
		check("province level row", byLevel[1], depOwn, stats.Finished{}, stats.InProgress{Total: 1, Within: 1})
		byField, err := f.db.StatsRows(ctx, f.dep, from, to, f.now, false, stats.Filter{}, "field")
		if err != nil || len(byField) != 1 || byField[0].Field != "Hộ tịch" || byField[0].Received != depOwn {
			t.Fatalf("by field: %+v %v", byField, err)
		}
	})
}

// TestStatsJudgeTheStatutoryDate checks by hand, on both engines, that an
// apology and a new appointment do not make a dossier timely: finished
// after its statutory date it is late, open past it it is overdue (in the
// statistics, the dashboard and the overdue list), and a further
// supplementation request is counted.
func TestStatsJudgeTheStatutoryDate(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		// Monday 3/3/2025: three online dossiers received at commune X,
		// due Monday 10/3 17:00.
		receive := func(a dossier.Actor) *dossier.Dossier {
			return f.act(t, f.recX, f.submitOnline(t, a, f.cx.Code), dossier.Command{Action: dossier.ActReceive})
		}
		d1, d2, d3 := receive(f.citizenA), receive(f.citizenB), receive(f.citizenA)
		// Wednesday 5/3: the leader apologises for d1 and d2 and sets 20/3.
		f.now = time.Date(2025, 3, 5, 10, 0, 0, 0, ict)
		for _, d := range []**dossier.Dossier{&d1, &d2} {
			*d = f.act(t, f.leadX, *d, dossier.Command{Action: dossier.ActReschedule, Reason: "Cần xác minh", NewDue: "2025-03-20"})
			if (*d).LegalDueAt == nil || (*d).AppointedDueAt == nil || !(*d).LegalDueAt.Before(*(*d).AppointedDueAt) {
				t.Fatalf("after rescheduling: legal %v appointed %v", (*d).LegalDueAt, (*d).AppointedDueAt)
			}
		}
		// d3: asked once by the specialist (answered), then again by the leader.
		d3 = f.act(t, f.specX, d3, dossier.Command{Action: dossier.ActRequestSupplement, Reason: "Thiếu", Documents: []string{"to_khai"}})
		d3 = f.act(t, f.citizenA, d3, dossier.Command{Action: dossier.ActSupplement})
		d3 = f.act(t, f.leadX, d3, dossier.Command{Action: dossier.ActRequestSupplement, Reason: "Sai thông tin", Documents: []string{"xac_nhan_hon_nhan"}})
		// Wednesday 12/3, after the statutory date and before the new
		// appointment: d1 is finished.
		f.now = time.Date(2025, 3, 12, 10, 0, 0, 0, ict)
		d1 = f.act(t, f.leadX, d1, dossier.Command{Action: dossier.ActAssign, Assignee: "spec.x"})
		d1 = f.act(t, f.leadX, d1, dossier.Command{Action: dossier.ActFinish, Result: &dossier.Result{Summary: "Cấp", Number: "1/GCN"}})
		if d1.Verdict != dossier.VerdictLate {
			t.Fatalf("d1 verdict %s", d1.Verdict)
		}
		got, err := f.db.Stats(ctx, f.cx, time.Date(2025, 3, 1, 0, 0, 0, 0, ict), time.Date(2025, 4, 1, 0, 0, 0, 0, ict), f.now, false)
		if err != nil {
			t.Fatal(err)
		}
		if got.Finished != (stats.Finished{Total: 1, Late: 1}) || got.InProgress != (stats.InProgress{Total: 2, Within: 1, Overdue: 1}) ||
			got.FurtherSupplementRequests != 1 {
			t.Errorf("finished %+v in progress %+v further requests %d", got.Finished, got.InProgress, got.FurtherSupplementRequests)
		}
		sc := store.UnitScope{ID: f.cx.ID, Path: f.cx.Path}
		counts, err := f.db.BackofficeCounts(ctx, sc, f.now)
		if err != nil || counts.Overdue != 1 {
			t.Errorf("dashboard overdue %d (%v), want 1", counts.Overdue, err)
		}
		list, _, err := f.db.ListDossiers(ctx, f.leadX, dossier.Filter{Overdue: true, Now: f.now, Limit: 10})
		if err != nil || len(list) != 1 || list[0].Code != d2.Code {
			t.Errorf("overdue list %v (%v), want only %s", codes(list), err, d2.Code)
		}
		// Read back, the dossier keeps both dates and the count.
		back, err := f.db.DossierByCode(ctx, d3.Code)
		if err != nil || back.SupplementRequests != 2 {
			t.Fatalf("d3 read back: %+v %v", back, err)
		}
	})
}

// TestDueWindowsWarnLeaders: the leader's warning counts the dossiers due
// within two working days, not rescheduled and with the clock running.
func TestDueWindowsWarnLeaders(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		receive := func(a dossier.Actor) *dossier.Dossier {
			return f.act(t, f.recX, f.submitOnline(t, a, f.cx.Code), dossier.Command{Action: dossier.ActReceive})
		}
		// Received Monday 3/3, due Monday 10/3 17:00.
		receive(f.citizenA)
		d2 := receive(f.citizenB)
		d3 := receive(f.citizenA)
		f.now = time.Date(2025, 3, 5, 10, 0, 0, 0, ict)
		f.act(t, f.leadX, d2, dossier.Command{Action: dossier.ActReschedule, Reason: "x", NewDue: "2025-03-20"})
		f.act(t, f.specX, d3, dossier.Command{Action: dossier.ActRequestSupplement, Reason: "Thiếu", Documents: []string{"to_khai"}})
		sc := store.UnitScope{ID: f.cx.ID, Path: f.cx.Path}
		for _, c := range []struct {
			now  time.Time
			warn int
		}{{time.Date(2025, 3, 5, 10, 0, 0, 0, ict), 0}, {time.Date(2025, 3, 6, 10, 0, 0, 0, ict), 1}} {
			end := dossier.WarnUntil(c.now, f.cal)
			got, err := f.db.UnitDueCounts(ctx, sc, c.now, store.DueWindows{Today: c.now, OneDay: c.now, TwoDays: end})
			if err != nil || got.ToWarn != c.warn {
				t.Errorf("at %s: to warn %d (%v), want %d", c.now.Format(time.DateTime), got.ToWarn, err, c.warn)
			}
			list, _, err := f.db.ListDossiers(ctx, f.leadX, dossier.Filter{ApologyDue: true, DueBefore: &end, Now: c.now, Limit: 10})
			if err != nil || len(list) != c.warn {
				t.Errorf("at %s: warning list %v (%v)", c.now.Format(time.DateTime), codes(list), err)
			}
		}
	})
}

func codes(ds []dossier.Dossier) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Code)
	}
	return out
}
