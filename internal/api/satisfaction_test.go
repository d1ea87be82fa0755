package api_test

import (
	"testing"

	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/stats"
)

// TestStatsSatisfaction checks by hand, through the API on both engines,
// three ratings of Hàng Trống's dossiers, one on each level: one by the
// applicant online, two recorded by the ward's desk for applicants at the
// counter. GET /api/v1/stats gives each level a third (33.33) at the ward,
// per child unit and per procedure; the desk records a rating once, only
// for a result handed over in person, and another ward's desk sees 404.
func TestStatsSatisfaction(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env) {
		citizen := env.Login(apptest.CitizenA)
		rec := env.Login("ht.receptionist")
		lead := env.Login("ht.leader")
		delivered := func(method string) apptest.Dossier {
			t.Helper()
			d := citizen.Submit(apptest.HangTrong)
			rec.MustAct(&d, "receive", nil)
			lead.MustAct(&d, "assign", map[string]any{"assignee": "ht.specialist"})
			lead.MustAct(&d, "finish", map[string]any{"result": map[string]any{"summary": "Cấp giấy chứng nhận kết hôn", "granted": true}})
			rec.MustAct(&d, "deliver", map[string]any{"method": method})
			return d
		}
		d1, d2, d3 := delivered("post"), delivered("in_person"), delivered("in_person")
		citizen.MustAct(&d1, "rate", map[string]any{"rating": "very_satisfied"})
		rec.MustAct(&d2, "rate", map[string]any{"rating": "satisfied"})

		// Another ward's desk: the same 404 as an unknown dossier.
		if r := env.Login("hb.receptionist").Act(&d3, "rate", map[string]any{"rating": "satisfied"}); r.Status != 404 {
			t.Fatalf("other ward's desk: %d %s", r.Status, r.Body)
		}
		// The desk does not rate a result it sent by post.
		d4 := delivered("post")
		if r := rec.Act(&d4, "rate", map[string]any{"rating": "very_satisfied"}); r.Status != 422 || r.DecodeError(t).Error.Code != "not_delivered_at_desk" {
			t.Fatalf("desk rating of an online delivery: %d %s", r.Status, r.Body)
		}
		lead.MustAct(&d3, "rate", map[string]any{"rating": "dissatisfied"})
		// Once: neither the desk nor the applicant rates it again.
		if r := rec.Act(&d3, "rate", map[string]any{"rating": "very_satisfied"}); r.Status != 422 || r.DecodeError(t).Error.Code != "already_rated" {
			t.Fatalf("second desk rating: %d %s", r.Status, r.Body)
		}
		if r := citizen.Act(&d3, "rate", map[string]any{"rating": "very_satisfied"}); r.Status != 422 || r.DecodeError(t).Error.Code != "already_rated" {
			t.Fatalf("applicant after the desk: %d %s", r.Status, r.Body)
		}
		// The desk's rating names the officer and the kiosk.
		var got struct {
			Rating string `json:"rating"`
			Events []struct {
				Action, Actor, Role string
				Data                map[string]any
			} `json:"events"`
		}
		if st := rec.Do("GET", "/api/v1/dossiers/"+d2.Code, nil, &got); st != 200 {
			t.Fatalf("reading %s: %d", d2.Code, st)
		}
		last := got.Events[len(got.Events)-1]
		if got.Rating != "satisfied" || last.Action != "rate" || last.Role != "receptionist" || last.Actor != "Cán bộ ht receptionist" ||
			last.Data["channel"] != "kiosk" || last.Data["rating"] != "satisfied" {
			t.Fatalf("desk rating event: %+v (rating %q)", last, got.Rating)
		}

		thirds := stats.Satisfaction{Total: 3, VerySatisfied: 1, Satisfied: 1, Dissatisfied: 1, AtDesk: 2,
			VerySatisfiedRate: 33.33, SatisfiedRate: 33.33, DissatisfiedRate: 33.33}
		get := func(q string) stats.Report {
			t.Helper()
			var rep stats.Report
			if st := env.Login("city.admin").Do("GET", "/api/v1/stats?"+q, nil, &rep); st != 200 {
				t.Fatalf("stats?%s: %d", q, st)
			}
			return rep
		}
		if r := get("unit=" + apptest.HangTrong); r.Satisfaction != thirds {
			t.Errorf("ward: %+v", r.Satisfaction)
		}
		if r := get("unit=" + apptest.HangBac); r.Satisfaction != (stats.Satisfaction{}) {
			t.Errorf("other ward: %+v", r.Satisfaction)
		}
		district := get("unit=" + apptest.HoanKiem + "&by=child")
		if district.Satisfaction != thirds || len(district.Children) != 2 {
			t.Fatalf("district: %+v", district)
		}
		for _, c := range district.Children {
			want := stats.Satisfaction{}
			if c.Unit == apptest.HangTrong {
				want = thirds
			}
			if c.Satisfaction != want {
				t.Errorf("child %s: %+v", c.Unit, c.Satisfaction)
			}
		}
		byProc := get("unit=" + apptest.City + "&by=procedure")
		if len(byProc.Rows) != 1 || byProc.Rows[0].Procedure != apptest.Marriage || byProc.Rows[0].ProcedureName != "Đăng ký kết hôn" ||
			byProc.Rows[0].Satisfaction != thirds || byProc.Rows[0].Finished.Total != 4 {
			t.Fatalf("by procedure: %+v", byProc.Rows)
		}
		if r := get("unit=" + apptest.City + "&procedure=" + apptest.CriminalRc); r.Satisfaction != (stats.Satisfaction{}) {
			t.Errorf("other procedure: %+v", r.Satisfaction)
		}
	})
}
