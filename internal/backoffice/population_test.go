package backoffice_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/config"
	"github.com/motcua/motcua/internal/population"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// copyProcedure is a procedure whose form names the sources of its fields.
const copyProcedure = "9.000123"

func sourcedSpec() catalog.Spec {
	s := apptest.Spec(copyProcedure, "Cấp bản sao trích lục hộ tịch", catalog.LevelCommune, "all_communes", 3)
	s.Version.Form = catalog.Form{Fields: []catalog.Field{
		{Name: "nyc_ho_ten", Label: "Họ và tên người yêu cầu", Type: "text", Required: true, Source: catalog.SourceFullName},
		{Name: "nyc_ngay_sinh", Label: "Ngày sinh", Type: "date", Required: true, Source: catalog.SourceBirthDate},
		{Name: "nyc_so_dinh_danh", Label: "Số định danh", Type: "id_number", Required: true, Source: catalog.SourceIDNumber},
		{Name: "nyc_cu_tru", Label: "Nơi cư trú", Type: "text", Required: true, Source: catalog.SourcePermanentResidence},
		{Name: "nyc_gioi_tinh", Label: "Giới tính", Type: "select", Source: catalog.SourceSex,
			Options: []catalog.Option{{Value: "Nam", Label: "Nam"}, {Value: "Nữ", Label: "Nữ"}}},
		{Name: "vo_chong", Label: "Họ tên vợ/chồng", Type: "text", Source: catalog.SourceSpouseName},
		{Name: "muc_dich", Label: "Mục đích", Type: "text"},
	}}
	return s
}

// TestIntakePopulationLookup: at the counter, the receptionist looks the
// applicant up; the applicant and every sourced field are filled and
// marked, what was typed elsewhere is kept; not found and the platform
// down give their message with the form kept; nothing is stored but the
// log's lines, which the unit's administrators read.
func TestIntakePopulationLookup(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			reg := apptest.StartRegistry(t)
			env := apptest.StartConfig(t, e, app.Options{}, func(c *config.Config) {
				c.Population = reg.Config()
			})
			if rep, err := env.DB.ImportCatalogue(context.Background(), []catalog.Spec{sourcedSpec()}); err != nil || len(rep.Rejected) > 0 {
				t.Fatalf("import: %v %v", err, rep.Rejected)
			}
			rec := login(t, env, "ht.receptionist")
			const path = "/can-bo/tiep-nhan/truc-tiep"
			want(t, "form", rec.get(path+"?thu-tuc="+copyProcedure), 200, `id="pop-lookup"`, "Tra cứu CSDL dân cư")

			typed := map[string]string{"thu-tuc": copyProcedure, "outcome": "lookup", "applicant.id_number": apptest.CitizenA,
				"applicant.full_name": "nguyen van an", "applicant.phone": "0912000111", "muc_dich": "Để bổ sung hồ sơ"}
			p := rec.postMultipart(path, typed, nil)
			want(t, "found", p, 200, "Đã điền thông tin từ Cơ sở dữ liệu quốc gia về dân cư (Nguyễn Văn An, sinh ngày 15/03/1990)",
				`name="applicant.full_name" type="text" value="Nguyễn Văn An"`,
				`name="nyc_ho_ten" type="text" value="Nguyễn Văn An"`, `id="source-nyc_ho_ten"`,
				`name="nyc_ngay_sinh" type="text" value="15/03/1990"`, `id="source-nyc_ngay_sinh"`,
				`name="nyc_so_dinh_danh" type="text" value="001090001234"`, `id="source-nyc_so_dinh_danh"`,
				`value="Số 5 phố Lý Quốc Sư, Phường Hàng Trống, Quận Hoàn Kiếm, Thành phố Hà Nội"`, `id="source-nyc_cu_tru"`,
				`<option value="Nam" selected>`, `id="source-nyc_gioi_tinh"`,
				`value="Phạm Thị Hoa"`, `id="source-vo_chong"`, `id="source-applicant.full_name"`,
				`value="0912000111"`, `value="Để bổ sung hồ sơ"`, "Từ CSDL quốc gia về dân cư")
			if strings.Contains(p.body, `id="source-muc_dich"`) || strings.Contains(p.body, `id="source-applicant.phone"`) {
				t.Error("a field without a source is marked")
			}

			typed["applicant.full_name"] = "Nguyễn Văn Bình"
			p = rec.postMultipart(path, typed, nil)
			want(t, "not found", p, http.StatusNotFound, "Không tìm thấy công dân", `value="Nguyễn Văn Bình"`, `value="Để bổ sung hồ sơ"`)
			if strings.Contains(p.body, `id="source-`) {
				t.Error("marks after a failed lookup")
			}
			reg.Down.Store(true)
			typed["applicant.full_name"] = "Nguyễn Văn An"
			p = rec.postMultipart(path, typed, nil)
			want(t, "down", p, http.StatusServiceUnavailable, "không phản hồi", "nhập thông tin thủ công", `value="Để bổ sung hồ sơ"`)
			typed["applicant.id_number"] = "12345"
			want(t, "bad number", rec.postMultipart(path, typed, nil), http.StatusBadRequest, `value="12345"`)
			want(t, "nothing stored", rec.get("/can-bo/ho-so?loai=dang-xu-ly"), 200, "Không có hồ sơ nào.")

			lines, _, err := env.DB.Lookups(context.Background(), store.LookupFilter{})
			if err != nil || len(lines) != 4 {
				t.Fatalf("log: %d lines, %v", len(lines), err)
			}
			for i, o := range []population.Outcome{population.OutcomeRefused, population.OutcomeUnavailable, population.OutcomeNotFound, population.OutcomeFound} {
				l := lines[i]
				if l.Outcome != o || l.UnitCode != apptest.HangTrong || l.ServiceCode != copyProcedure || l.OfficerCode != "ht.receptionist" ||
					l.RequesterKind != population.KindOfficer || l.RequestID == "" {
					t.Errorf("line %d: %+v, want %s", i, l, o)
				}
			}
			if lines[3].IDNumber != apptest.CitizenA {
				t.Errorf("found line's number %q", lines[3].IDNumber)
			}
			if strings.Contains(env.Logs.String(), apptest.CitizenA) {
				t.Error("the server log holds the ID number")
			}

			// The log: the ward's and the district's administrators and the
			// city's read it; another ward's, a department's and a
			// receptionist do not.
			const list = "/can-bo/quan-tri/tra-cuu-dan-cu"
			for _, who := range []string{"ht.unit_admin", "hk.unit_admin", "city.admin"} {
				b := login(t, env, who)
				p := b.get(list)
				want(t, who, p, 200, "Nhật ký tra cứu", "001******234", lines[3].RequestID, "Phường Hàng Trống", copyProcedure, "Tìm thấy", "Không tìm thấy", "Bị từ chối")
				if strings.Contains(p.body, apptest.CitizenA) {
					t.Errorf("%s: the list shows the whole number", who)
				}
				want(t, who+" nav", b.get("/can-bo/"), 200, `href="/can-bo/quan-tri/tra-cuu-dan-cu"`)
				want(t, who+" filter", b.get(list+"?ket-qua=found"), 200, "001******234")
				if p := b.get(list + "?ket-qua=not_found"); strings.Count(p.body, `class="lookup-row"`) != 1 {
					t.Errorf("%s: not_found filter shows %d rows", who, strings.Count(p.body, `class="lookup-row"`))
				}
			}
			for _, who := range []string{"hb.unit_admin", "stp.unit_admin"} {
				p := login(t, env, who).get(list)
				want(t, who, p, 200, "Không có lần tra cứu nào.")
				if strings.Contains(p.body, "001******234") {
					t.Errorf("%s reads another unit's lookups", who)
				}
			}
			p = rec.get(list)
			want(t, "receptionist", p, http.StatusForbidden)
			if strings.Contains(rec.get("/can-bo/").body, `href="/can-bo/quan-tri/tra-cuu-dan-cu"`) {
				t.Error("the receptionist's navigation links the log")
			}
			admin := login(t, env, "city.admin")
			want(t, "bad date", admin.get(list+"?tu-ngay=31/02/2026"), http.StatusBadRequest, "Ngày lọc không hợp lệ")
			want(t, "bad outcome", admin.get(list+"?ket-qua=maybe"), http.StatusBadRequest)
			want(t, "future period", admin.get(list+"?tu-ngay=01/01/2099"), 200, "Không có lần tra cứu nào.")

			// Received as filled, but for the spouse's name, which the
			// applicant corrects at the desk: the reception records the
			// values the lookup gave and the desk kept, and the dossier
			// page says so; the corrected name is the applicant's.
			reg.Down.Store(false)
			typed["applicant.id_number"], typed["applicant.full_name"] = apptest.CitizenA, "Nguyễn Văn An"
			want(t, "found again", rec.postMultipart(path, typed, nil), 200, `id="source-nyc_cu_tru"`)
			residence := "Số 5 phố Lý Quốc Sư, Phường Hàng Trống, Quận Hoàn Kiếm, Thành phố Hà Nội"
			fields := map[string]string{"thu-tuc": copyProcedure, "applicant.id_number": apptest.CitizenA, "applicant.full_name": "Nguyễn Văn An",
				"nyc_ho_ten": "Nguyễn Văn An", "nyc_ngay_sinh": "15/03/1990", "nyc_so_dinh_danh": apptest.CitizenA, "nyc_cu_tru": residence,
				"nyc_gioi_tinh": "Nam", "vo_chong": "Phạm Thị Hoà", "muc_dich": "Để bổ sung hồ sơ", "recv.to_khai": "1", "recv.giay_xac_nhan": "1"}
			p = rec.postMultipart(path, fields, []apptest.File{{Field: "doc.to_khai", Name: "to-khai.pdf", Content: apptest.PDF("to khai", 0)},
				{Field: "doc.giay_xac_nhan", Name: "xac-nhan.pdf", Content: apptest.PDF("xac nhan", 0)}})
			loc := p.header.Get("Location")
			if p.status != http.StatusSeeOther || !strings.HasSuffix(loc, "?xong=receive") {
				t.Fatalf("receive: %d to %q\n%s", p.status, loc, p.body)
			}
			page := rec.get(strings.TrimSuffix(loc, "?xong=receive"))
			want(t, "dossier page", page, 200, residence+` <span class="origin origin--population">(từ CSDL quốc gia về dân cư)</span>`,
				apptest.CitizenA+` <span class="origin origin--population">`, `15/03/1990 <span class="origin origin--population">`)
			if strings.Contains(page.body, `Phạm Thị Hoà <span class="origin`) || strings.Contains(page.body, `Để bổ sung hồ sơ <span class="origin`) {
				t.Error("a value the desk typed or corrected is marked as the database's")
			}
		})
	}
}

// TestIntakeWithoutPopulation: without --population-url the button is not
// shown, and a lookup posted anyway is a clear 503.
func TestIntakeWithoutPopulation(t *testing.T) {
	env := apptest.Start(t, storetest.Engines[0], app.Options{})
	rec := login(t, env, "ht.receptionist")
	const path = "/can-bo/tiep-nhan/truc-tiep"
	p := rec.get(path + "?thu-tuc=" + apptest.Marriage)
	want(t, "form", p, 200, `name="applicant.id_number"`)
	if strings.Contains(p.body, `id="pop-lookup"`) {
		t.Error("lookup button shown without a registry")
	}
	p = rec.postMultipart(path, map[string]string{"thu-tuc": apptest.Marriage, "outcome": "lookup",
		"applicant.id_number": apptest.CitizenA, "applicant.full_name": "Nguyễn Văn An"}, nil)
	want(t, "lookup", p, http.StatusServiceUnavailable, "chưa được kết nối", `value="Nguyễn Văn An"`)
}
