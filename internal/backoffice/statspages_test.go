package backoffice_test

import (
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/store/storetest"
)

// figureLinks are the figures of a dashboard that link to their dossiers.
var figureLinks = regexp.MustCompile(`<a href="(/can-bo/thong-ke/ho-so\?[^"]+)">([0-9.]+)</a>`)

// TestStatsPages builds by hand, over the API, dossiers in February and
// March 2025 and checks the leaders' dashboards on both engines: who may
// read which unit, the figures, that every figure's drill-down lists as
// many dossiers as the figure says, the trends with their tables, and the
// measure of real use.
func TestStatsPages(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env, clk := startMonday(t, e)
			citizen := env.Login(apptest.CitizenA)
			rec := env.Login("ht.receptionist")
			finish := func(d *apptest.Dossier) {
				t.Helper()
				lead := env.Login("ht.leader") // a token lives hours, the clock moves days
				lead.MustAct(d, "assign", map[string]any{"assignee": "ht.specialist"})
				lead.MustAct(d, "finish", map[string]any{"result": map[string]any{"summary": "Cấp Giấy chứng nhận kết hôn", "granted": true}})
			}
			// February: d1 received and finished early, d2 received and
			// left open (due 17/02, overdue in March).
			clk.Set(time.Date(2025, 2, 10, 9, 0, 0, 0, vn))
			citizen, rec = env.Login(apptest.CitizenA), env.Login("ht.receptionist")
			d1 := citizen.Submit(apptest.HangTrong)
			rec.MustAct(&d1, "receive", nil)
			finish(&d1)
			d2 := citizen.Submit(apptest.HangTrong)
			rec.MustAct(&d2, "receive", nil)
			// March: d3 online, finished early; d4 by post, open.
			clk.Set(time.Date(2025, 3, 3, 9, 0, 0, 0, vn))
			citizen, rec = env.Login(apptest.CitizenA), env.Login("ht.receptionist")
			d3 := citizen.Submit(apptest.HangTrong)
			rec.MustAct(&d3, "receive", nil)
			var d4 apptest.Dossier
			if st := rec.Do("POST", "/api/v1/dossiers", map[string]any{"procedure": apptest.Marriage, "unit": apptest.HangTrong, "channel": "post",
				"form": apptest.MarriageForm(), "applicant": map[string]any{"id_number": apptest.CitizenB, "full_name": "Trần Thị Bình"},
				"received": apptest.MarriageReceived()}, &d4); st != 201 {
				t.Fatalf("post intake: %d", st)
			}
			clk.Set(time.Date(2025, 3, 4, 10, 0, 0, 0, vn))
			finish(&d3)
			clk.Set(time.Date(2025, 3, 5, 10, 0, 0, 0, vn))

			// Who reads: every member, the units stats.CanRead allows (as
			// the API and the reports): the desk its own ward, not above.
			recB := login(t, env, "ht.receptionist")
			want(t, "receptionist's nav", recB.get("/can-bo/"), 200, `href="/can-bo/thong-ke"`)
			want(t, "receptionist", recB.get("/can-bo/thong-ke?ky=2025-03"), 200, "Phường Hàng Trống", `id="h-online"`)
			want(t, "receptionist reads the district", recB.get("/can-bo/thong-ke?unit="+apptest.HoanKiem), 404)
			want(t, "receptionist drills into the district", recB.get("/can-bo/thong-ke/ho-so?loai=overdue&unit="+apptest.HoanKiem), 404)
			htLead := login(t, env, "ht.leader")
			want(t, "ward leader's nav", htLead.get("/can-bo/"), 200, `href="/can-bo/thong-ke"`)
			want(t, "ward leader", htLead.get("/can-bo/thong-ke?ky=2025-03"), 200, "Phường Hàng Trống", `id="h-online"`)
			want(t, "ward leader reads the district", htLead.get("/can-bo/thong-ke?unit="+apptest.HoanKiem), 404)
			hk := login(t, env, "hk.leader")
			want(t, "district leader reads a ward", hk.get("/can-bo/thong-ke?ky=2025-03&unit="+apptest.HangTrong), 200, `id="stats-up"`)
			want(t, "district leader reads the department", hk.get("/can-bo/thong-ke?unit="+apptest.SoTuPhap), 404)
			want(t, "district leader drills into the department", hk.get("/can-bo/thong-ke/ho-so?loai=overdue&unit="+apptest.SoTuPhap), 404)
			want(t, "unknown unit", hk.get("/can-bo/thong-ke?unit=nope"), 404)

			admin := login(t, env, "city.admin")
			// Bad input is a clear 400.
			want(t, "bad date", admin.get("/can-bo/thong-ke?from=31/02/2025"), 400, "ngày/tháng/năm")
			want(t, "bad period", admin.get("/can-bo/thong-ke?ky=2025-13"), 400)
			want(t, "bad sort", admin.get("/can-bo/thong-ke?sap-xep=x"), 400)
			want(t, "bad kind", admin.get("/can-bo/thong-ke/ho-so?loai=x"), 400)
			for _, c := range []string{"-1", "12", "x.1", "20250301.0", "20250301.-5", "-1.3"} {
				want(t, "bad cursor "+c, admin.get("/can-bo/thong-ke/ho-so?loai=overdue&sau="+c), 400, "Trang không hợp lệ")
			}

			p := admin.get("/can-bo/thong-ke?ky=2025-03&sap-xep=qua-han")
			want(t, "city", p, 200, "Thành phố Hà Nội", "Từ 01/03/2025 đến 31/03/2025",
				`id="h-received">2</dd>`, `id="h-online"><a href=`, `id="unit-`+apptest.HoanKiem+`"`, `id="unit-`+apptest.SoTuPhap+`"`,
				`id="proc-`+apptest.Marriage+`"`, `id="h-online-rate">50,00 %</dd>`, `id="h-on-time-rate">100,00 %</dd>`,
				// The trends: an image with its title, and the table.
				`role="img"`, `<title id="chart-received-title">`, `<table class="chart-table" id="chart-received-table">`,
				`<tr><th scope="row">02/2025</th><td>2</td><td>0</td></tr>`, `<tr><th scope="row">03/2025</th><td>1</td><td>1</td></tr>`,
				`<tr><th scope="row">02/2025</th><td>100,00 %</td></tr>`,
				// Real use: the ward used its service, Hàng Bạc and the
				// department did not.
				`id="unused-`+apptest.HangBac+`"`, `id="unused-`+apptest.SoTuPhap+`"`, `id="ru-used">1</dd>`, `id="ru-offered">3</dd>`)
			if strings.Contains(p.body, `id="unused-`+apptest.HangTrong+`"`) {
				t.Fatal("Hàng Trống listed as unused")
			}
			// Sorted by overdue, Hoàn Kiếm (1) comes before Sở Tư pháp (0).
			if i, j := strings.Index(p.body, `id="unit-`+apptest.HoanKiem+`"`), strings.Index(p.body, `id="unit-`+apptest.SoTuPhap+`"`); i > j {
				t.Error("sorted by overdue, the department comes first")
			}
			want(t, "by name", admin.get("/can-bo/thong-ke?ky=2025-03&sap-xep=ten"), 200)

			// The current month by default; dates typed as people write
			// them.
			want(t, "default period", admin.get("/can-bo/thong-ke"), 200, "Từ 01/03/2025 đến 31/03/2025", `<option value="2025-03" selected>`)
			feb := admin.get("/can-bo/thong-ke?from=01/02/2025&to=28/02/2025")
			want(t, "February", feb, 200, "Từ 01/02/2025 đến 28/02/2025", `id="h-received">2</dd>`, `value="01/02/2025"`)

			// Every figure equals the dossiers behind it, on the headline
			// and on each row, for a preset period and for typed dates.
			kinds := map[string]bool{}
			links := append(figureLinks.FindAllStringSubmatch(p.body, -1), figureLinks.FindAllStringSubmatch(feb.body, -1)...)
			if len(links) < 40 {
				t.Fatalf("%d figure links", len(links))
			}
			for _, m := range links {
				href, n := html.UnescapeString(m[1]), m[2]
				dp := admin.get(href)
				want(t, href, dp, 200, `id="drill-count">`+n+" hồ sơ</strong>")
				if n != "0" {
					kinds[href[strings.Index(href, "loai=")+5:][:strings.IndexAny(href[strings.Index(href, "loai=")+5:]+"&", "&")]] = true
				}
				if got := strings.Count(dp.body, `class="drill-row"`); figureNumber(n) != got {
					t.Errorf("%s: %d rows listed, the figure is %s", href, got, n)
				}
			}
			for _, k := range []string{"received_online", "received_counter", "received_post", "carried_over", "finished_early", "within", "overdue"} {
				if !kinds[k] {
					t.Errorf("no dossier behind %s: the set does not test it", k)
				}
			}
			// The overdue dossier: the unit holding it, its step, its link.
			want(t, "overdue", admin.get("/can-bo/thong-ke/ho-so?ky=2025-03&loai=overdue"), 200,
				`id="drill-`+d2.Code+`"`, `href="/can-bo/ho-so/`+d2.Code+`"`, "Phường Hàng Trống", "Đơn vị đang giữ", "2. Được tiếp nhận")
			want(t, "english", admin.get("/can-bo/thong-ke/ho-so?ky=2025-03&loai=overdue&lang=en"), 200, "Unit holding it", "in progress and overdue")
			// The cursor (the day and id of the last dossier shown) goes
			// on after it: after every day, nothing; before every day,
			// the overdue dossier.
			last := admin.get("/can-bo/thong-ke/ho-so?ky=2025-03&loai=overdue&sau=99991231.999999999")
			want(t, "after every day", last, 200, `id="drill-first"`)
			if strings.Contains(last.body, `id="drill-`+d2.Code+`"`) {
				t.Error("the page after every day lists the overdue dossier")
			}
			want(t, "before every day", admin.get("/can-bo/thong-ke/ho-so?ky=2025-03&loai=overdue&sau=19000101.1"), 200,
				`id="drill-`+d2.Code+`"`, `id="drill-first"`)
			admin.get("/can-bo/?lang=vi")
		})
	}
}

// figureNumber reads a figure as the page writes it ("1.234").
func figureNumber(s string) int {
	n := 0
	for _, c := range s {
		if c >= '0' && c <= '9' {
			n = n*10 + int(c-'0')
		}
	}
	return n
}

// TestDashboardCountsSubtree: a city administrator's dashboard (and that of
// any reader of a subtree) counts the overdue dossiers of every unit below,
// in two branches (a ward and a department), as many as the city's
// statistics say are overdue; a desk counts its own unit's.
func TestDashboardCountsSubtree(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env, clk := startMonday(t, e)
			citizen := env.Login(apptest.CitizenA)
			rec := env.Login("ht.receptionist")
			stp := env.Login("stp.receptionist")
			var codes []string
			for range 2 {
				d := citizen.Submit(apptest.HangTrong)
				rec.MustAct(&d, "receive", nil)
				d2 := citizen.SubmitProcedure(apptest.CriminalRc, apptest.SoTuPhap)
				stp.MustAct(&d2, "receive", nil)
				codes = append(codes, d.Code, d2.Code)
			}
			// A month later every one of them is overdue.
			clk.Set(time.Date(2025, 4, 1, 10, 0, 0, 0, vn))
			for _, tc := range []struct {
				who     string
				overdue string
				listed  int
			}{
				{"city.admin", "4", 4}, {"hk.unit_admin", "2", 2}, {"hk.leader", "2", 2}, {"stp.leader", "2", 2},
				{"ht.receptionist", "2", 2}, {"hk.receptionist", "0", 0},
			} {
				p := login(t, env, tc.who).get("/can-bo/")
				want(t, tc.who, p, 200, `id="count-overdue">`+tc.overdue+`</a>`, `id="due-overdue">`+tc.overdue+`</dd>`)
				if got := strings.Count(p.body, `<tr id="overdue-`); got != tc.listed {
					t.Errorf("%s: %d overdue dossiers listed, want %d", tc.who, got, tc.listed)
				}
			}
			p := login(t, env, "city.admin").get("/can-bo/")
			for _, c := range codes {
				if !strings.Contains(p.body, `id="overdue-`+c+`"`) {
					t.Errorf("the city's overdue list misses %s", c)
				}
			}
			// The statistics say the same of the city.
			want(t, "city statistics", login(t, env, "city.admin").get("/can-bo/thong-ke?ky=2025-04"), 200, `id="h-overdue"><a href="`, `">4</a></dd>`)
		})
	}
}

// TestDashboardMoreOverdueKeepsTheSubtree: past a page of overdue dossiers
// the city's dashboard links to the whole list, and the link keeps the
// subtree (it once dropped it, and the city saw only its own dossiers).
func TestDashboardMoreOverdueKeepsTheSubtree(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env, clk := startMonday(t, e)
			citizen := env.Login(apptest.CitizenA)
			rec := env.Login("ht.receptionist")
			const pageSize = 50 // the back office's page
			var last string
			for range pageSize + 1 {
				d := citizen.Submit(apptest.HangTrong)
				rec.MustAct(&d, "receive", nil)
				last = d.Code
			}
			clk.Set(time.Date(2025, 4, 1, 10, 0, 0, 0, vn))
			admin := login(t, env, "city.admin")
			p := admin.get("/can-bo/")
			want(t, "city dashboard", p, 200, `id="count-overdue">51</a>`, `href="/can-bo/ho-so?loai=qua-han&pham-vi=cap-duoi" id="overdue-more"`)
			if got := strings.Count(p.body, `<tr id="overdue-`); got != pageSize {
				t.Errorf("%d overdue dossiers listed on the dashboard, want %d", got, pageSize)
			}
			// The link lists the ward's dossiers to the city.
			l := admin.get("/can-bo/ho-so?loai=qua-han&pham-vi=cap-duoi")
			want(t, "the whole overdue list", l, 200, last)
			// The ward's own dashboard has no subtree to keep.
			want(t, "ward dashboard", login(t, env, "ht.receptionist").get("/can-bo/"), 200, `href="/can-bo/ho-so?loai=qua-han" id="overdue-more"`)
		})
	}
}
