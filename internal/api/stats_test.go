package api_test

import (
	"fmt"
	"net/url"
	"testing"
	"time"

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
		env.OfferMarriageAlso("Sở Tư pháp")
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

		// Filters, rows by field and level, named periods.
		admin := env.Login("city.admin")
		all := "unit=" + apptest.City
		for _, q := range []string{"procedure=" + apptest.Marriage, "level=commune", "field=" + url.QueryEscape("Hộ tịch")} {
			if r := get(admin, all+"&"+q); r.Received.Total != 2 || r.Finished.Total != 1 || r.InProgress.Total != 1 {
				t.Errorf("%s: %+v", q, r)
			}
		}
		for _, q := range []string{"procedure=" + apptest.CriminalRc, "level=province", "field=" + url.QueryEscape("Đất đai")} {
			if r := get(admin, all+"&"+q); r.Received.Total != 0 || r.Finished.Total != 0 || r.InProgress.Total != 0 {
				t.Errorf("%s: %+v", q, r)
			}
		}
		byLevel := get(admin, all+"&by=level")
		if len(byLevel.Rows) != 1 || byLevel.Rows[0].Level != "commune" || byLevel.Rows[0].Received.Online != 2 || byLevel.Rows[0].Finished.Total != 1 {
			t.Errorf("by level: %+v", byLevel.Rows)
		}
		byField := get(admin, all+"&by=field")
		if len(byField.Rows) != 1 || byField.Rows[0].Field != "Hộ tịch" || byField.Rows[0].InProgress.Total != 1 {
			t.Errorf("by field: %+v", byField.Rows)
		}
		now := time.Now().In(time.FixedZone("ICT", 7*3600))
		y, m := now.Year(), int(now.Month())
		for _, p := range []string{fmt.Sprintf("%d-%02d", y, m), fmt.Sprintf("%d-Q%d", y, (m-1)/3+1), fmt.Sprintf("%d-H%d", y, (m-1)/6+1), fmt.Sprint(y)} {
			if r := get(admin, all+"&period="+p); r.Received.Online != 2 || r.Finished.Total != 1 || r.InProgress.Total != 1 {
				t.Errorf("period %s: %+v", p, r)
			}
		}
		if r := get(admin, all+fmt.Sprintf("&period=%d", y-1)); r.Received.Total != 0 || r.Finished.Total != 0 {
			t.Errorf("last year: %+v", r)
		}
		for q, code := range map[string]string{"period=2025-Q5": "bad_period", "period=2025-13": "bad_period", "period=25": "bad_period",
			"period=2025&from=2025-01-01": "bad_period", "level=ward": "bad_level", "by=unit": "bad_by"} {
			r := admin.Raw("GET", "/api/v1/stats?"+all+"&"+q, "", nil, nil)
			if r.Status != 400 || r.DecodeError(t).Error.Code != code {
				t.Errorf("%s: %d %s, want 400 %s", q, r.Status, r.Body, code)
			}
		}
	})
}
