package portal_test

import (
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/web"
)

// indexRow returns the table row of the page naming name, "" if none.
func indexRow(body, name string) string {
	for _, tr := range regexp.MustCompile(`(?s)<tr>.*?</tr>`).FindAllString(body, -1) {
		if strings.Contains(tr, ">"+name+"<") {
			return tr
		}
	}
	return ""
}

// cells are the texts of a row's cells, in order, tags dropped.
func cells(tr string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`(?s)<t[hd][^>]*>(.*?)</t[hd]>`).FindAllStringSubmatch(tr, -1) {
		out = append(out, html.UnescapeString(strings.TrimSpace(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[1], ""))))
	}
	return out
}

// TestPublicIndex checks /chi-so by hand on both engines. In the last 12
// months Hàng Trống decided 5 online dossiers after 1, 1, 2, 3 and 30 days
// (4 on time: 80 %; median 2 days), each delivered and rated by the
// applicant (3 very satisfied, 1 satisfied, 1 dissatisfied: 80 %); Hàng
// Bạc decided 5 after a day (100 %, median 1 day, no ratings); Sở Tư pháp
// decided 2, too few for any figure. A dossier decided 13 months ago is
// out of the period. The district ranks its wards; nobody's name, ID
// number or dossier code appears.
func TestPublicIndex(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env, clk *clock) {
		day := 24 * time.Hour
		var codes []string
		decide := func(unit, prefix, procedure string, n int) []apptest.Dossier {
			t.Helper()
			citizen, rec, lead := env.Login(apptest.CitizenA), env.Login(prefix+".receptionist"), env.Login(prefix+".leader")
			var ds []apptest.Dossier
			for range n {
				d := citizen.SubmitProcedure(procedure, unit)
				rec.MustAct(&d, "receive", nil)
				lead.MustAct(&d, "assign", map[string]any{"assignee": prefix + ".specialist"})
				ds = append(ds, d)
				codes = append(codes, d.Code)
			}
			return ds
		}
		finish := func(prefix string, ds []apptest.Dossier) {
			t.Helper()
			lead := env.Login(prefix + ".leader")
			for i := range ds {
				lead.MustAct(&ds[i], "finish", map[string]any{"result": map[string]any{"summary": "Cấp giấy chứng nhận", "granted": true}})
			}
		}
		// 13 months ago: out of the period.
		old := decide(apptest.HangTrong, "ht", apptest.Marriage, 1)
		clk.advance(day)
		finish("ht", old)
		clk.advance(395 * day)

		ht := decide(apptest.HangTrong, "ht", apptest.Marriage, 5)
		hb := decide(apptest.HangBac, "hb", apptest.Marriage, 5)
		stp := decide(apptest.SoTuPhap, "stp", apptest.CriminalRc, 2)
		clk.advance(day)
		finish("ht", ht[0:2])
		finish("hb", hb)
		finish("stp", stp)
		clk.advance(day)
		finish("ht", ht[2:3])
		clk.advance(day)
		finish("ht", ht[3:4])
		clk.advance(27 * day)
		finish("ht", ht[4:5])
		rec, citizen := env.Login("ht.receptionist"), env.Login(apptest.CitizenA)
		for i, rating := range []string{"very_satisfied", "very_satisfied", "very_satisfied", "satisfied", "dissatisfied"} {
			rec.MustAct(&ht[i], "deliver", map[string]any{"method": "post"})
			citizen.MustAct(&ht[i], "rate", map[string]any{"rating": rating})
		}
		// The index counts whole days up to the start of today: today's
		// decisions and ratings show from tomorrow.
		if body := get(t, env, "/chi-so/"+apptest.HangTrong, nil).body; !strings.Contains(indexRow(body, "Đúng hạn"), "—") {
			t.Errorf("today's decisions are in the index already: %q", cells(indexRow(body, "Đúng hạn")))
		}
		clk.advance(day)

		personal := append([]string{apptest.CitizenA, apptest.CitizenB, "Nguyễn Văn An", "Trần Thị Bình", "Lê Thị Cúc", "Cán bộ"}, codes...)
		fetch := func(path string, status int) string {
			t.Helper()
			p := get(t, env, path, nil)
			if p.status != status {
				t.Fatalf("%s: status %d, want %d", path, p.status, status)
			}
			if status == 200 {
				lang := "vi"
				if strings.Contains(path, "lang=en") {
					lang = "en"
				}
				checkHTML(t, path, p, lang)
				want := "public, max-age=300"
				if len(p.header.Values("Set-Cookie")) > 0 {
					want = "private, max-age=300" // the lang cookie: not for shared caches
				}
				if cc := p.header.Get("Cache-Control"); cc != want {
					t.Errorf("%s: Cache-Control %q, want %q", path, cc, want)
				}
			} else if cc := p.header.Get("Cache-Control"); strings.Contains(cc, "public") {
				t.Errorf("%s: error page cacheable: %q", path, cc)
			}
			contains(t, path, p.body, nil, personal)
			return p.body
		}
		checkRow := func(path, body, name string, want ...string) {
			t.Helper()
			got := cells(indexRow(body, name))
			if strings.Join(got, " | ") != strings.Join(append([]string{name}, want...), " | ") {
				t.Errorf("%s, row %s:\n got %q\nwant %q", path, name, got, append([]string{name}, want...))
			}
		}

		// Columns: name, rank (on the sorted figure), on time, online,
		// solved online, satisfied, median time.
		body := fetch("/chi-so", 200)
		// The lead names the period: a year to yesterday inclusive.
		y, m, dd := clk.now().In(store.Zone).Date()
		contains(t, "/chi-so", body, []string{"từ ngày " + web.Date(time.Date(y-1, m, dd, 0, 0, 0, 0, store.Zone)) + " đến hết ngày " + web.Date(time.Date(y, m, dd-1, 0, 0, 0, 0, store.Zone)),
			"cập nhật hằng ngày"}, nil)
		contains(t, "/chi-so", body, []string{"Chỉ số phục vụ người dân", "Sở, ban, ngành", "Quận, huyện, thị xã", `href="/chi-so/` + apptest.HoanKiem + `"`, "ngày lịch"}, nil)
		checkRow("/chi-so", body, "Quận Hoàn Kiếm", "1/1", "90,00 %", "100,00 %", "10", "80,00 % (5 lượt đánh giá)", "1 ngày")
		checkRow("/chi-so", body, "Sở Tư pháp", "—", "—", "—", "—", "—", "—")
		if strings.Contains(body, "Phường Hàng Trống") {
			t.Errorf("/chi-so lists a ward")
		}
		if !strings.Contains(get(t, env, "/thu-tuc", nil).body, `<a href="/chi-so">`) {
			t.Errorf("the footer has no link to /chi-so")
		}

		// The city's own page ranks the same units, and its own figures
		// have no peers.
		city := "/chi-so/" + apptest.City
		body = fetch(city, 200)
		checkRow(city, body, "Quận Hoàn Kiếm", "1/1", "90,00 %", "100,00 %", "10", "80,00 % (5 lượt đánh giá)", "1 ngày")
		checkRow(city, body, "Đúng hạn", "91,67 %", "1/1") // 11 of 12 with Sở Tư pháp's two

		hk := "/chi-so/" + apptest.HoanKiem
		body = fetch(hk, 200)
		checkRow(hk, body, "Phường Hàng Bạc", "1/2", "100,00 %", "100,00 %", "5", "—", "1 ngày")
		checkRow(hk, body, "Phường Hàng Trống", "2/2", "80,00 %", "100,00 %", "5", "80,00 % (5 lượt đánh giá)", "2 ngày")
		if strings.Index(body, "Phường Hàng Bạc") > strings.Index(body, "Phường Hàng Trống") {
			t.Errorf("%s: wards not sorted by the on-time rate", hk)
		}
		// The district's own figures and its rank among the districts.
		checkRow(hk, body, "Đúng hạn", "90,00 %", "1/1")
		checkRow(hk, body, "Đăng ký kết hôn", "90,00 %", "100,00 %", "10", "80,00 % (5 lượt đánh giá)", "1 ngày")

		// Sorted by median time, shortest first; by satisfaction, the
		// ward without ratings last and unranked.
		body = fetch(hk+"?sort=thoi-gian", 200)
		contains(t, hk, body, []string{`aria-sort="ascending"><a href="/chi-so/` + apptest.HoanKiem + `?sort=thoi-gian"`}, []string{`aria-sort="descending"`})
		checkRow(hk, body, "Phường Hàng Bạc", "1/2", "100,00 %", "100,00 %", "5", "—", "1 ngày")
		body = fetch(hk+"?sort=hai-long", 200)
		checkRow(hk, body, "Phường Hàng Trống", "1/1", "80,00 %", "100,00 %", "5", "80,00 % (5 lượt đánh giá)", "2 ngày")
		checkRow(hk, body, "Phường Hàng Bạc", "—", "100,00 %", "100,00 %", "5", "—", "1 ngày")
		if strings.Index(body, "Phường Hàng Trống") > strings.Index(body, "Phường Hàng Bạc") {
			t.Errorf("%s?sort=hai-long: not sorted by satisfaction", hk)
		}

		ward := "/chi-so/" + apptest.HangTrong
		body = fetch(ward, 200)
		checkRow(ward, body, "Thời gian giải quyết (trung vị)", "2 ngày", "2/2")
		checkRow(ward, body, "Hài lòng", "80,00 % (5 lượt đánh giá)", "1/1")
		checkRow(ward, body, "Đăng ký kết hôn", "80,00 %", "100,00 %", "5", "80,00 % (5 lượt đánh giá)", "2 ngày")
		contains(t, ward, body, []string{`href="/chi-so/` + apptest.HoanKiem + `"`}, nil)

		dep := "/chi-so/" + apptest.SoTuPhap
		body = fetch(dep, 200)
		checkRow(dep, body, "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam", "—", "—", "—", "—", "—")
		checkRow(dep, body, "Đúng hạn", "—", "—")

		if p := get(t, env, hk+"?lang=en", nil); len(p.header.Values("Set-Cookie")) == 0 || p.header.Get("Cache-Control") != "private, max-age=300" {
			t.Errorf("%s?lang=en: Set-Cookie %q with Cache-Control %q, want private", hk, p.header.Values("Set-Cookie"), p.header.Get("Cache-Control"))
		}
		body = fetch(hk+"?lang=en", 200)
		contains(t, hk, body, []string{"Public service index", "calendar days", "computed once a day"}, nil)
		checkRow(hk, body, "Phường Hàng Trống", "2 of 2", "80.00%", "100.00%", "5", "80.00% (5 ratings)", "2 days")

		fetch("/chi-so/000.99.99.H26", 404)
		fetch("/chi-so?sort=on_time", 400)
		fetch(hk+"?sort=x", 400)
	})
}
