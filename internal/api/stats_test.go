package api_test

import (
	"testing"

	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/stats"
)

// TestStatsTransferredDossier checks by hand, through GET /api/v1/stats on
// both engines: two dossiers submitted online at Hàng Trống, received there
// and transferred to Sở Tư pháp, one finished by the department, count as
// received (online) at the ward and as finished or in progress at the
// department, which shows no intake of its own.
func TestStatsTransferredDossier(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env) {
		citizen := env.Login(apptest.CitizenA)
		rec := env.Login("ht.receptionist")
		stp := env.Login("stp.leader")
		var ds []apptest.Dossier
		for range 2 {
			d := citizen.Submit(apptest.HangTrong)
			rec.MustAct(&d, "receive", nil)
			rec.MustAct(&d, "transfer", map[string]any{"to_unit": apptest.SoTuPhap, "reason": "Thuộc thẩm quyền của Sở"})
			ds = append(ds, d)
		}
		stp.MustAct(&ds[0], "finish", map[string]any{"result": map[string]any{"summary": "Cấp phiếu", "granted": true}})
		get := func(c *apptest.Client, q string) stats.Report {
			t.Helper()
			var rep stats.Report
			if st := c.Do("GET", "/api/v1/stats?"+q, nil, &rep); st != 200 {
				t.Fatalf("stats?%s: %d", q, st)
			}
			return rep
		}
		ward := get(env.Login("ht.leader"), "unit="+apptest.HangTrong)
		if ward.Received != (stats.Received{Total: 2, Online: 2, Offered: 2, OfferedOnline: 2}) ||
			ward.Finished.Total != 0 || ward.InProgress.Total != 0 || ward.OnlineRate != 100 || ward.OnlineRateOffered != 100 {
			t.Errorf("ward: %+v", ward)
		}
		dep := get(stp, "unit="+apptest.SoTuPhap)
		if dep.Received != (stats.Received{}) || dep.Finished.Total != 1 || dep.Finished.Late != 0 ||
			dep.InProgress != (stats.InProgress{Total: 1, Within: 1}) || dep.OnTimeRate != 100 {
			t.Errorf("department: %+v", dep)
		}
		city := get(env.Login("city.admin"), "unit="+apptest.City+"&by=child")
		if city.Received.Total != 2 || city.Finished.Total != 1 || city.InProgress.Total != 1 || len(city.Children) != 2 {
			t.Fatalf("city: %+v", city)
		}
		for _, c := range city.Children {
			switch c.Unit {
			case apptest.HoanKiem:
				if c.Received.Online != 2 || c.Finished.Total != 0 || c.InProgress.Total != 0 {
					t.Errorf("district: %+v", c)
				}
			case apptest.SoTuPhap:
				if c.Received.Total != 0 || c.Finished.Total != 1 || c.InProgress.Total != 1 {
					t.Errorf("department child: %+v", c)
				}
			default:
				t.Errorf("unexpected child %s", c.Unit)
			}
		}
	})
}
