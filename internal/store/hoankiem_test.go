package store_test

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/stats"
	"github.com/motcua/motcua/internal/store"
)

// TestHoanKiemFigures reproduces, from dossiers driven through the real
// service, the figures the district reported: Hoàn Kiếm's 18 wards received 1,843
// dossiers for level-3 justice services, 1,262 of them online (68.5%); the
// district level received 52, 50 online (96.15%).
func TestHoanKiemFigures(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		db := openStore(t, e)
		f, err := os.Open("../demo/data/hanoi-units-2019.csv")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		res, err := org.Import2019(f, org.CodeScheme{Suffix: "H26"})
		if err != nil {
			t.Fatal(err)
		}
		// The city, Quận Hoàn Kiếm and its wards.
		var units []org.Unit
		var hk org.Unit
		for _, u := range res.Units {
			if u.Name == "Quận Hoàn Kiếm" {
				hk = u
			}
		}
		for _, u := range res.Units {
			if u.Kind == org.KindCity || u.Code == hk.Code || u.ParentCode == hk.Code {
				u.ValidTo = nil
				units = append(units, u)
			}
		}
		if len(units) != 20 {
			t.Fatalf("expected the city, the district and 18 wards, got %d units", len(units))
		}
		if err := db.UpsertUnits(ctx, units); err != nil {
			t.Fatal(err)
		}
		ward := marriageSpec()
		ward.Version.EffectiveFrom = time.Date(2018, 7, 1, 0, 0, 0, 0, ict)
		ward.Version.LegacyLevel, ward.Version.Class = 3, catalog.ClassPartial
		district := marriageSpec()
		district.Code, district.Name, district.UnitLevel = "2.000528", "Cấp bản sao trích lục hộ tịch", catalog.LevelDistrict
		district.Version.LegacyLevel, district.Version.Class = 3, catalog.ClassPartial
		district.OfferedBy = []string{"all_districts"}
		district.Version.EffectiveFrom = ward.Version.EffectiveFrom
		if rep, err := db.ImportCatalogue(ctx, []catalog.Spec{ward, district}); err != nil || len(rep.Rejected) > 0 {
			t.Fatal(err, rep.Rejected)
		}
		cal, _ := calendar.New(calendar.DefaultConfig(), nil)
		now := time.Date(2019, 5, 6, 9, 0, 0, 0, ict)
		svc := &dossier.Service{Store: db, Catalog: db, Directory: db, Now: func() time.Time { return now },
			Clock: func(context.Context, string) (dossier.Clock, error) { return cal, nil }}
		fx := &fixture{db: db}
		citizen := fx.citizen(t, "001090001234", "Nguyễn Văn An")
		hkUnit, _ := db.UnitByCode(ctx, hk.Code)
		var wards []*org.Unit
		for _, u := range units {
			if u.ParentCode == hk.Code {
				w, _ := db.UnitByCode(ctx, u.Code)
				wards = append(wards, w)
			}
		}
		desks := map[string]dossier.Actor{}
		for _, u := range append(wards, hkUnit) {
			desks[u.Code] = fx.staff(t, "tn."+u.Code, u, org.RoleReceptionist)
		}
		type job struct {
			unit, proc string
			online     bool
		}
		var jobs []job
		for i := 0; i < 1843; i++ {
			jobs = append(jobs, job{wards[i%len(wards)].Code, ward.Code, i < 1262})
		}
		for i := 0; i < 52; i++ {
			jobs = append(jobs, job{hk.Code, district.Code, i < 50})
		}
		form := map[string]any{"chong_ho_ten": "Nguyễn Văn An", "vo_ho_ten": "Lê Thị Cúc"}
		work := make(chan job)
		errs := make(chan error, len(jobs))
		var wg sync.WaitGroup
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range work {
					desk := desks[j.unit]
					if j.online {
						d, _, err := svc.Submit(ctx, citizen, dossier.SubmitInput{Procedure: j.proc, Unit: j.unit, Form: form,
							Account: &dossier.Applicant{FullName: citizen.Name, IDNumber: citizen.IDNumber}, Documents: marriageScans()})
						if err == nil {
							_, _, err = svc.Act(ctx, desk, d.Code, dossier.Command{Action: dossier.ActReceive, Version: d.Version}, nil)
						}
						errs <- err
						continue
					}
					_, _, err := svc.Submit(ctx, desk, dossier.SubmitInput{Procedure: j.proc, Unit: j.unit, Form: form,
						Applicant: &dossier.Applicant{FullName: "Trần Văn Bình", IDNumber: "001085012345"}, Received: marriageReceived()})
					errs <- err
				}
			}()
		}
		for _, j := range jobs {
			work <- j
		}
		close(work)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		from, to := time.Date(2019, 5, 1, 0, 0, 0, 0, ict), time.Date(2019, 6, 1, 0, 0, 0, 0, ict)
		var wardsTotal stats.Received
		for _, w := range wards {
			r, err := db.Stats(ctx, w, from, to, now, false)
			if err != nil {
				t.Fatal(err)
			}
			wardsTotal.Online += r.Received.Online
			wardsTotal.Counter += r.Received.Counter
		}
		if got := wardsTotal.Online + wardsTotal.Counter; got != 1843 || wardsTotal.Online != 1262 {
			t.Fatalf("wards received %d, online %d", got, wardsTotal.Online)
		}
		// Published as 68.5% (one decimal); rates now carry two decimals.
		if rate := stats.Percent(wardsTotal.Online, 1843); rate != 68.48 {
			t.Fatalf("wards online rate %v, want 68.48", rate)
		}
		own, err := db.Stats(ctx, hkUnit, from, to, now, true)
		if err != nil {
			t.Fatal(err)
		}
		// Level-3 services: every dossier is of a procedure offered online,
		// so both rates are the published 96.15%.
		if own.Received.Total != 52 || own.Received.Online != 50 || own.OnlineRate != 96.15 ||
			own.Received.Offered != 52 || own.Received.OfferedOnline != 50 || own.OnlineRateOffered != 96.15 {
			t.Fatalf("district level: %+v, rates %v %v", own.Received, own.OnlineRate, own.OnlineRateOffered)
		}
		all, _ := db.Stats(ctx, hkUnit, from, to, now, false)
		if all.Received.Total != 1895 || all.Received.Online != 1312 || all.InProgress.Total != 1895 {
			t.Fatalf("district subtree: %+v %+v", all.Received, all.InProgress)
		}
	})
}
