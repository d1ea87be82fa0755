package portal_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/org"
)

// TestUnitPicker: with wards of the same name in several districts, the
// submission page offers the district first, then the ward, or a search
// by name (accents optional) that shows full names; the server-side
// "filter" button keeps what was typed and attached; the dossier is filed
// at the ward chosen.
func TestUnitPicker(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env, clk *clock) {
		env.AddNamesakes(t)
		path := "/thu-tuc/" + apptest.Marriage + "/nop-ho-so"
		a := newBrowser(t, env)
		wantRedirect(t, "login", a.post("/dang-nhap", login(apptest.CitizenA)), http.StatusSeeOther, "/ho-so")
		opt := func(code, label string) string { return `<option value="` + code + `">` + label + `</option>` }
		chosen := func(code, label string) string { return `<option value="` + code + `" selected>` + label + `</option>` }

		t.Run("the picker", func(t *testing.T) {
			p := a.get(path)
			checkHTML(t, path, p, "vi")
			wantPage(t, "picker", p, 200, []string{
				`<select id="unit_group" name="unit_group">`, opt(apptest.HoanKiem, "Quận Hoàn Kiếm"), opt(apptest.DongDa, "Quận Đống Đa"),
				opt(apptest.HaDong, "Quận Hà Đông"), opt(apptest.SonTay, "Thị xã Sơn Tây"),
				`name="unit_q"`, `name="pick_unit"`, `formnovalidate`, "6 đơn vị trong danh sách.",
				// Every ward by its full name: the three Quang Trung differ.
				opt(apptest.QuangTrungDD, "Phường Quang Trung, Quận Đống Đa"), opt(apptest.QuangTrungHD, "Phường Quang Trung, Quận Hà Đông"),
				opt(apptest.QuangTrungST, "Phường Quang Trung, Thị xã Sơn Tây"), opt(apptest.HangTrong, "Phường Hàng Trống, Quận Hoàn Kiếm"),
			}, []string{opt(apptest.QuangTrungDD, "Phường Quang Trung")})
			if strings.Index(p.body, `id="unit_group"`) > strings.Index(p.body, `id="unit"`) {
				t.Error("the district comes after the ward")
			}
			// English, in a browser of its own (the choice is remembered).
			b := newBrowser(t, env)
			wantRedirect(t, "login", b.post("/dang-nhap", login(apptest.CitizenA)), http.StatusSeeOther, "/ho-so")
			en, _ := b.do("GET", path+"?lang=en", nil, nil)
			checkHTML(t, path+"?lang=en", en, "en")
			wantPage(t, "english picker", en, 200, []string{"District or town (or the office above)", "6 offices in the list.", "Filter the list"}, nil)
		})

		t.Run("district then ward", func(t *testing.T) {
			p := a.get(path + "?unit_group=" + url.QueryEscape(apptest.DongDa))
			wantPage(t, "Đống Đa", p, 200, []string{
				`<option value="` + apptest.DongDa + `" selected>Quận Đống Đa</option>`, "2 đơn vị trong danh sách.",
				opt(apptest.QuangTrungDD, "Phường Quang Trung"), opt(apptest.TrungLiet, "Phường Trung Liệt"),
			}, []string{apptest.QuangTrungHD, apptest.QuangTrungST, apptest.HangTrong})
			// The htmx refresh names the unit chosen so far: kept at the
			// top of the list, by its full name, when another district
			// is chosen.
			p = a.get(path + "?unit_group=" + url.QueryEscape(apptest.SonTay) + "&unit=" + url.QueryEscape(apptest.QuangTrungDD))
			wantPage(t, "Sơn Tây, Đống Đa's ward chosen", p, 200, []string{
				chosen(apptest.QuangTrungDD, "Phường Quang Trung, Quận Đống Đa"), opt(apptest.QuangTrungST, "Phường Quang Trung"),
				"1 đơn vị trong danh sách.",
			}, []string{apptest.QuangTrungHD + `"`})
			// A group that is not one: the whole list, no error.
			wantPage(t, "unknown group", a.get(path+"?unit_group=nope"), 200, []string{"6 đơn vị trong danh sách."}, nil)
		})

		t.Run("search", func(t *testing.T) {
			for q, want := range map[string][]string{
				"quang trung":               {apptest.QuangTrungDD, apptest.QuangTrungHD, apptest.QuangTrungST},
				"QUANG TRUNG dong da":       {apptest.QuangTrungDD},
				"Quang Trung, Quận Đống Đa": {apptest.QuangTrungDD},
				"son tay":                   {apptest.QuangTrungST},
			} {
				p := a.get(path + "?unit_q=" + url.QueryEscape(q))
				if p.status != 200 {
					t.Fatalf("search %q: %d", q, p.status)
				}
				for _, code := range []string{apptest.QuangTrungDD, apptest.QuangTrungHD, apptest.QuangTrungST, apptest.TrungLiet, apptest.HangBac} {
					listed := strings.Contains(p.body, `<option value="`+code+`">`)
					if listed != slices.Contains(want, code) {
						t.Errorf("search %q: %s listed %v, want %v", q, code, listed, !listed)
					}
				}
			}
			p := a.get(path + "?unit_q=quang+trung")
			wantPage(t, "full names", p, 200, []string{opt(apptest.QuangTrungHD, "Phường Quang Trung, Quận Hà Đông"), "3 đơn vị trong danh sách."}, nil)
			wantPage(t, "nothing found", a.get(path+"?unit_q=cau+giay"), 200, []string{"Không có đơn vị nào khớp"}, nil)
		})

		t.Run("filter keeps what was typed and attached", func(t *testing.T) {
			fields := map[string]string{"unit_q": "quang trung dong da", "pick_unit": "1",
				"chong_ho_ten": "Nguyễn Văn An", "vo_ho_ten": "Lê Thị Bích", "so_ban_sao": "2"}
			files := []apptest.File{{Field: "doc.to_khai", Name: "to-khai.pdf", Content: apptest.PDF("to khai", 0)}}
			p := a.postMultipart(path, fields, files, nil)
			wantPage(t, "filtered", p, 200, []string{
				`value="quang trung dong da"`, opt(apptest.QuangTrungDD, "Phường Quang Trung, Quận Đống Đa"), "1 đơn vị trong danh sách.",
				`value="Nguyễn Văn An"`, `value="Lê Thị Bích"`, `value="2"`,
				`name="keep.doc.to_khai"`, "Giữ tệp đã đính kèm: to-khai.pdf",
			}, []string{`class="error-summary"`, apptest.QuangTrungHD + `"`})
			checkHTML(t, "filtered", p, "vi")
			if n := len(dossiersOf(t, env, apptest.CitizenA)); n != 0 {
				t.Fatalf("%d dossiers filed by filtering", n)
			}
			// Choose the ward, keep the file, add the other: review, then
			// confirm; the dossier is at Đống Đa's Quang Trung.
			m := tokenRE.FindStringSubmatch(p.body)
			if m == nil {
				t.Fatal("no token")
			}
			delete(fields, "pick_unit")
			fields["unit"], fields["keep.doc.to_khai"], fields["token"] = apptest.QuangTrungDD, "1", m[1]
			p = a.postMultipart(path, fields, []apptest.File{{Field: "doc.giay_xac_nhan", Name: "xac-nhan.pdf", Content: apptest.PDF("xac nhan", 0)}}, nil)
			wantPage(t, "review", p, 200, []string{"Phường Quang Trung, Quận Đống Đa", "to-khai.pdf", "xac-nhan.pdf"}, nil)
			if p = confirmReview(t, a, p); p.status != http.StatusSeeOther {
				t.Fatalf("confirm: %d\n%s", p.status, p.body)
			}
			ds := dossiersOf(t, env, apptest.CitizenA)
			if len(ds) != 1 || ds[0].UnitCode != apptest.QuangTrungDD {
				t.Fatalf("dossiers after confirming: %+v", ds)
			}
		})

		t.Run("two levels (2025): communes listed directly", func(t *testing.T) {
			// The 2019 wards and districts end on 30/6/2025; the 2025
			// communes sit right under the city.
			ctx := context.Background()
			gone, from := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC), time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
			var units []org.Unit
			for _, code := range []string{apptest.HoanKiem, apptest.HangTrong, apptest.HangBac, apptest.DongDa, apptest.QuangTrungDD,
				apptest.TrungLiet, apptest.HaDong, apptest.QuangTrungHD, apptest.SonTay, apptest.QuangTrungST} {
				u, err := env.DB.UnitByCode(ctx, code)
				if err != nil {
					t.Fatal(err)
				}
				u.ValidTo = &gone
				units = append(units, *u)
			}
			units = append(units,
				org.Unit{Code: "000.01.00.H26", Name: "Phường Ba Đình", Kind: org.KindCommune, ParentCode: apptest.City, ValidFrom: &from},
				org.Unit{Code: "000.02.00.H26", Name: "Phường Hoàn Kiếm", Kind: org.KindCommune, ParentCode: apptest.City, ValidFrom: &from},
				org.Unit{Code: "000.03.00.H26", Name: "Xã Sóc Sơn", Kind: org.KindCommune, ParentCode: apptest.City, ValidFrom: &from})
			if err := env.DB.UpsertUnits(ctx, units); err != nil {
				t.Fatal(err)
			}
			spec := apptest.Spec(apptest.Marriage, "Đăng ký kết hôn", catalog.LevelCommune, "all_communes", 5)
			if rep, err := env.DB.ImportCatalogue(ctx, []catalog.Spec{spec}); err != nil || len(rep.Rejected) > 0 {
				t.Fatalf("catalogue: %v %v", err, rep.Rejected)
			}
			p := a.get(path)
			wantPage(t, "2025 communes", p, 200, []string{opt("000.01.00.H26", "Phường Ba Đình"), opt("000.02.00.H26", "Phường Hoàn Kiếm"),
				opt("000.03.00.H26", "Xã Sóc Sơn")}, []string{`id="unit_group"`, `name="pick_unit"`, apptest.QuangTrungDD, apptest.HangTrong})
		})

		t.Run("a unit that does not offer it", func(t *testing.T) {
			fields := map[string]string{"unit": apptest.DongDa, "chong_ho_ten": "Nguyễn Văn An", "vo_ho_ten": "Lê Thị Bích"}
			p := a.postMultipart(path, fields, nil, nil)
			wantPage(t, "district chosen", p, 400, []string{"Vui lòng chọn đơn vị tiếp nhận hồ sơ."}, nil)
			p = a.postMultipart(path+"?lang=en", fields, nil, nil)
			defer a.get(path + "?lang=vi")
			wantPage(t, "district chosen (en)", p, 400, []string{"Choose the office to submit to."}, nil)
		})
	})
}
