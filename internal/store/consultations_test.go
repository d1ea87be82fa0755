package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/store"
)

// TestConsultationReplyByStored keeps a consultation's reply-by date, the
// number of working days it was given (the officer's, or the deployment's
// default) and its answer's verdict, on both engines; the consulted unit's
// open consultations past that date count as its own delay.
func TestConsultationReplyByStored(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		f.svc.ConsultDays = 3
		specY := f.staff(t, "spec.y", f.cy, org.RoleSpecialist)
		specDep := f.staff(t, "spec.dep", f.dep, org.RoleSpecialist)
		d := f.submitOnline(t, f.citizenA, f.cx.Code)
		d = f.act(t, f.recX, d, dossier.Command{Action: dossier.ActReceive})
		d = f.act(t, f.leadX, d, dossier.Command{Action: dossier.ActAssign, Assignee: "spec.x"})
		f.now = time.Date(2025, 3, 3, 14, 0, 0, 0, ict) // Monday
		d = f.act(t, f.specX, d, dossier.Command{Action: dossier.ActConsult, ToUnit: f.cy.Code, Reason: "Xác nhận nơi cư trú?", ReplyDays: 2})
		d = f.act(t, f.specX, d, dossier.Command{Action: dossier.ActConsult, ToUnit: f.dep.Code, Reason: "Ý kiến về hộ tịch?"})

		cs, err := f.db.Consultations(ctx, d.ID)
		if err != nil || len(cs) != 2 {
			t.Fatalf("consultations %+v, %v", cs, err)
		}
		wantBy := []time.Time{time.Date(2025, 3, 5, 17, 0, 0, 0, ict), time.Date(2025, 3, 6, 17, 0, 0, 0, ict)}
		for i, days := range []int{2, 3} {
			if cs[i].ReplyDays != days || cs[i].ReplyBy == nil || !cs[i].ReplyBy.Equal(wantBy[i]) || cs[i].Verdict != "" {
				t.Errorf("consultation %d: %d days, by %v, verdict %q; want %d days by %v", i, cs[i].ReplyDays, cs[i].ReplyBy, cs[i].Verdict, days, wantBy[i])
			}
		}
		rows, _, err := f.db.OpenConsultations(ctx, f.cy.ID, 0, 10)
		if err != nil || len(rows) != 1 || rows[0].ReplyBy == nil || !rows[0].ReplyBy.Equal(wantBy[0]) {
			t.Fatalf("Y's open consultations %+v, %v", rows, err)
		}

		// Thursday morning: Y is late (by Wednesday), the department not yet.
		f.now = time.Date(2025, 3, 6, 9, 0, 0, 0, ict)
		for _, c := range []struct {
			unit *org.Unit
			late int
		}{{f.cy, 1}, {f.dep, 0}, {f.cx, 0}} {
			n, err := f.db.BackofficeCounts(ctx, store.UnitScope{ID: c.unit.ID, Path: c.unit.Path}, f.now)
			if err != nil {
				t.Fatal(err)
			}
			if n.ConsultsLate != c.late {
				t.Errorf("%s: %d late consultations, want %d", c.unit.Name, n.ConsultsLate, c.late)
			}
		}
		d = f.act(t, specY, d, dossier.Command{Action: dossier.ActAnswerConsult, Reason: "Có cư trú tại phường."})
		f.now = time.Date(2025, 3, 6, 10, 0, 0, 0, ict)
		d = f.act(t, specDep, d, dossier.Command{Action: dossier.ActAnswerConsult, Reason: "Không có ý kiến khác."})

		got, err := f.svc.Get(ctx, f.specX, d.Code)
		if err != nil {
			t.Fatal(err)
		}
		if v := []string{got.Consultations[0].Verdict, got.Consultations[1].Verdict}; v[0] != dossier.VerdictLate || v[1] != dossier.VerdictOnTime {
			t.Errorf("verdicts %v, want late (Y), on_time (department)", v)
		}
		var answers []dossier.Event
		for _, ev := range got.Events {
			if ev.Action == dossier.ActAnswerConsult {
				answers = append(answers, ev)
			}
			if ev.Action == dossier.ActConsult {
				if data, ok := ev.Data.(dossier.ConsultData); !ok || data.ReplyBy == nil || data.ReplyDays == 0 {
					t.Errorf("consult event data %#v", ev.Data)
				}
			}
		}
		if len(answers) != 2 || answers[0].Verdict != dossier.VerdictLate || answers[0].UnitCode != f.cy.Code || answers[1].Verdict != dossier.VerdictOnTime {
			t.Errorf("answer events %+v", answers)
		}
		n, err := f.db.BackofficeCounts(ctx, store.UnitScope{ID: f.cy.ID, Path: f.cy.Path}, f.now)
		if err != nil || n.Consults != 0 || n.ConsultsLate != 0 {
			t.Errorf("after the answer Y counts %+v, %v", n, err)
		}
		if problems, err := f.db.VerifyDossier(ctx, d.ID); err != nil || len(problems) > 0 {
			t.Errorf("the history does not verify: %v %v", problems, err)
		}
	})
}
