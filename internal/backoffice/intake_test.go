package backoffice_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/files"
	"github.com/motcua/motcua/internal/store/storetest"
)

func pdf(s string) []byte {
	return []byte("%PDF-1.4\n% " + s + "\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
}

func TestCounterIntake(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			rec := login(t, env, "ht.receptionist")
			const path = "/can-bo/tiep-nhan/truc-tiep"

			want(t, "choose procedure", rec.get(path), 200, "Tiếp nhận hồ sơ trực tiếp", `value="`+apptest.Marriage+`"`, "Đăng ký kết hôn")
			form := path + "?thu-tuc=" + apptest.Marriage
			want(t, "procedure form", rec.get(form), 200, `name="applicant.id_number"`, `name="chong_ho_ten"`,
				`name="doc.to_khai"`, `name="doc.giay_xac_nhan" type="file" accept="application/pdf,image/jpeg,image/png" multiple>`, `enctype="multipart/form-data"`)
			// The form's controls are the portal's (web.FormFields): a number
			// keeps its bounds, input mode and help.
			want(t, "form controls", rec.get(form), 200, `id="field-so_ban_sao" name="so_ban_sao" type="number"`,
				`inputmode="decimal"`, `min="1"`, `max="10"`, `id="field-so_ban_sao-hint"`, "Số bản sao trích lục cần cấp (1–10).",
				`aria-describedby="field-so_ban_sao-hint"`, `name="chong_ho_ten" type="text" value="" autocomplete="off" maxlength="500" required`)

			// The ID lookup fills in name, phone and e-mail of a citizen account.
			p := rec.get(form + "&tim=1&applicant.id_number=" + apptest.CitizenA)
			want(t, "lookup", p, 200, `value="Nguyễn Văn An"`, "Đã điền thông tin")
			want(t, "lookup unknown", rec.get(form+"&tim=1&applicant.id_number=001185006789"), 200, "Không có tài khoản công dân")

			fields := map[string]string{"thu-tuc": apptest.Marriage, "applicant.id_number": "001185006789",
				"applicant.full_name": "Phạm Thị Dung", "applicant.phone": "0901234567", "applicant.address": "12 Hàng Trống",
				"chong_ho_ten": "Đỗ Văn Em", "vo_ho_ten": "Phạm Thị Dung", "recv.to_khai": "1", "recv.giay_xac_nhan": "1"}
			docs := []apptest.File{{Field: "doc.to_khai", Name: "to-khai.pdf", Content: pdf("to khai")},
				{Field: "doc.giay_xac_nhan", Name: "xac-nhan.pdf", Content: pdf("xac nhan")}}

			// Invalid ID: error inline, nothing stored.
			bad := map[string]string{}
			for k, v := range fields {
				bad[k] = v
			}
			bad["applicant.id_number"] = "12345"
			want(t, "invalid id", rec.postMultipart(path, bad, docs), http.StatusBadRequest, "Thông tin người nộp hồ sơ chưa hợp lệ", `value="Phạm Thị Dung"`)
			// Missing form field and a file that is not a scan.
			bad["applicant.id_number"] = "001185006789"
			delete(bad, "vo_ho_ten")
			p = rec.postMultipart(path, bad, []apptest.File{{Field: "doc.to_khai", Name: "a.pdf", Content: []byte("plain text, not a scan")},
				{Field: "doc.giay_xac_nhan", Name: "b.pdf", Content: pdf("x")}})
			want(t, "bad file", p, http.StatusBadRequest, "không phải PDF, JPEG hoặc PNG")
			p = rec.postMultipart(path, bad, docs)
			want(t, "missing field", p, http.StatusBadRequest, "Thông tin trong tờ khai chưa hợp lệ")
			want(t, "nothing stored", rec.get("/can-bo/ho-so?loai=dang-xu-ly"), 200, "Không có hồ sơ nào.")

			// Two scans of one paper (front and back) are both kept.
			p = rec.postMultipart(path, fields, append(docs, apptest.File{Field: "doc.giay_xac_nhan", Name: "xac-nhan-mat-sau.pdf", Content: pdf("mat sau")}))
			loc := p.header.Get("Location")
			if p.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/can-bo/ho-so/") || !strings.HasSuffix(loc, "?xong=receive") {
				t.Fatalf("intake: %d to %q\n%s", p.status, loc, p.body)
			}
			code := strings.TrimSuffix(strings.TrimPrefix(loc, "/can-bo/ho-so/"), "?xong=receive")
			want(t, "received", rec.get(loc), 200, "Đã tiếp nhận hồ sơ.", "/can-bo/ho-so/"+code+"/phieu/01", "Phạm Thị Dung")
			d := dossierOf(t, env, code)
			if d.Status != 2 || d.LegalDueAt == nil || d.Channel != "counter" || len(d.Documents) != 3 || d.Unit != apptest.HangTrong {
				t.Fatalf("counter dossier: %+v", d)
			}
			slip := rec.get("/can-bo/ho-so/" + code + "/phieu/01")
			if slip.status != 200 || !strings.HasPrefix(slip.body, "%PDF") {
				t.Fatalf("slip 01: %d", slip.status)
			}

			// The unit is always the acting unit: Hàng Bạc's receptionist cannot act for Hàng Trống.
			hb := login(t, env, "hb.receptionist")
			want(t, "foreign unit", hb.get(path+"?don-vi="+apptest.HangTrong), http.StatusForbidden)
			want(t, "own unit", hb.get(path), 200, "Phường Hàng Bạc")
			spec := login(t, env, "ht.specialist")
			want(t, "specialist", spec.get(path), http.StatusForbidden)
			want(t, "specialist post", spec.postMultipart(path, fields, docs), http.StatusForbidden)

			// Cross-site POST.
			p = rec.do("POST", path, url.Values{"thu-tuc": {apptest.Marriage}}, map[string]string{"Sec-Fetch-Site": "cross-site"})
			want(t, "cross-site", p, http.StatusForbidden)
		})
	}
}

// TestCounterIntakeDossierLimit: the files of a counter dossier are bounded
// one by one by the file limit and together by the dossier limit (1 MB and
// 3 MB in apptest), not together by the file limit.
func TestCounterIntakeDossierLimit(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			rec := login(t, env, "ht.receptionist")
			const path = "/can-bo/tiep-nhan/truc-tiep"
			fields := map[string]string{"thu-tuc": apptest.Marriage, "applicant.id_number": "001185006789",
				"applicant.full_name": "Phạm Thị Dung", "chong_ho_ten": "Đỗ Văn Em", "vo_ho_ten": "Phạm Thị Dung",
				"recv.to_khai": "1", "recv.giay_xac_nhan": "1"}
			const size = 700 << 10 // each under 1 MB, both over it
			docs := []apptest.File{{Field: "doc.to_khai", Name: "to-khai.pdf", Content: apptest.PDF("to khai", size)},
				{Field: "doc.giay_xac_nhan", Name: "xac-nhan.pdf", Content: apptest.PDF("xac nhan", size)}}
			p := rec.postMultipart(path, fields, docs)
			if p.status != http.StatusSeeOther {
				t.Fatalf("two files of 700 kB: %d\n%s", p.status, p.body)
			}
			code := strings.TrimSuffix(strings.TrimPrefix(p.header.Get("Location"), "/can-bo/ho-so/"), "?xong=receive")
			if d := dossierOf(t, env, code); len(d.Documents) != 2 {
				t.Fatalf("documents stored: %d", len(d.Documents))
			}
			// One file over the file limit is still refused.
			big := []apptest.File{docs[0], {Field: "doc.giay_xac_nhan", Name: "xac-nhan.pdf", Content: apptest.PDF("lon", 1<<20+1)}}
			want(t, "file too large", rec.postMultipart(path, fields, big), http.StatusBadRequest, "xac-nhan.pdf")
		})
	}
}

func TestBatch(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			citizen := env.Login(apptest.CitizenA)
			ds := []apptest.Dossier{citizen.Submit(apptest.HangTrong), citizen.Submit(apptest.HangTrong), citizen.Submit(apptest.HangTrong)}
			rec := login(t, env, "ht.receptionist")
			want(t, "queue with checkboxes", rec.get("/can-bo/tiep-nhan"), 200, `name="codes" value="`+ds[0].Code+`"`,
				`name="v.`+ds[0].Code+`" value="1"`, "Tiếp nhận các hồ sơ đã chọn")

			// One is received meanwhile: its version is stale.
			if p := rec.post("/can-bo/ho-so/"+ds[1].Code, act("receive", ds[1].Version, nil)); p.status != http.StatusSeeOther {
				t.Fatalf("receive: %d", p.status)
			}
			f := url.Values{"action": {"receive"}}
			for _, d := range ds {
				f.Add("codes", d.Code)
				f.Set("v."+d.Code, "1")
			}
			p := rec.post("/can-bo/hang-loat", f)
			want(t, "batch receive", p, 200, "2 thành công, 1 không thực hiện được", "Hồ sơ đã được người khác thay đổi")
			for _, d := range ds {
				if s := statusOf(t, env, d.Code); s != 2 {
					t.Fatalf("%s status %d", d.Code, s)
				}
			}

			// Cross-site batch.
			want(t, "cross-site", rec.do("POST", "/can-bo/hang-loat", f, map[string]string{"Sec-Fetch-Site": "cross-site"}), http.StatusForbidden)

			// A specialist may not assign.
			a := url.Values{"action": {"assign"}, "assignee": {"ht.specialist"}}
			for _, d := range ds[:2] {
				a.Add("codes", d.Code)
				a.Set("v."+d.Code, "2")
			}
			spec := login(t, env, "ht.specialist")
			p = spec.post("/can-bo/hang-loat", a)
			want(t, "specialist batch", p, http.StatusForbidden, "không được phép")
			if strings.Count(p.body, "không được phép") < 2 {
				t.Fatalf("forbidden per row:\n%s", p.body)
			}

			leader := login(t, env, "ht.leader")
			want(t, "assign tab", leader.get("/can-bo/viec-can-lam?ds=can-phan-cong"), 200, `name="codes" value="`+ds[0].Code+`"`,
				"Phân công cho", `value="ht.specialist"`)
			p = leader.post("/can-bo/hang-loat", a)
			want(t, "batch assign", p, 200, "2 thành công, 0 không thực hiện được")
			for _, d := range ds[:2] {
				got := dossierOf(t, env, d.Code)
				if got.Status != 4 {
					t.Fatalf("%s after assign: %+v", d.Code, got)
				}
			}
			want(t, "assigned", leader.get("/can-bo/viec-can-lam?ds=da-phan-cong"), 200, ds[0].Code, ds[1].Code, "Đang xử lý (đã phân công)")

			// Batch approval issues each dossier's own draft; a dossier
			// without a draft is reported on its row.
			for i, d := range ds[:1] {
				p := spec.postMultipart("/can-bo/ho-so/"+d.Code, map[string]string{"action": "draft_result", "version": itoa(dossierOf(t, env, d.Code).Version),
					"result_number": fmt.Sprintf("%d/GCNKH", 20+i), "summary": "Cấp Giấy chứng nhận kết hôn", "granted": "yes"}, nil)
				if p.status != http.StatusSeeOther {
					t.Fatalf("draft: %d\n%s", p.status, p.body)
				}
			}
			want(t, "approve tab", leader.get("/can-bo/viec-can-lam?ds=cho-phe-duyet"), 200, ds[0].Code, `value="finish"`, "Phê duyệt")
			fin := url.Values{"action": {"finish"}}
			for _, d := range ds[:2] {
				fin.Add("codes", d.Code)
				fin.Set("v."+d.Code, itoa(dossierOf(t, env, d.Code).Version))
			}
			want(t, "batch approve", leader.post("/can-bo/hang-loat", fin), 200, "1 thành công, 1 không thực hiện được", "Vui lòng nhập kết quả giải quyết")
			if got := dossierOf(t, env, ds[0].Code); got.Status != 9 || got.Result == nil || got.Result.Number != "20/GCNKH" {
				t.Fatalf("%s after batch approval: %+v", ds[0].Code, got)
			}
			if got := dossierOf(t, env, ds[1].Code); got.Status != 4 {
				t.Fatalf("%s without a draft was approved: %+v", ds[1].Code, got)
			}

			// Too many codes.
			many := url.Values{"action": {"receive"}}
			for i := 0; i < 101; i++ {
				many.Add("codes", "X"+strings.Repeat("0", 3)+string(rune('a'+i%26))+string(rune('a'+i/26)))
			}
			want(t, "too many", rec.post("/can-bo/hang-loat", many), http.StatusBadRequest)
		})
	}
}

// TestCounterIntakeShownPaper: a paper shown at the desk (xuất trình) and
// the declaration stay on the counter checklist: the card is marked as
// shown for comparison, and a dossier is received only once it is ticked
// (or excused by a note).
func TestCounterIntakeShownPaper(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			const birth = "1.001193"
			s := apptest.Spec(birth, "Đăng ký khai sinh", catalog.LevelCommune, "all_communes", 5)
			s.Version.Documents = []catalog.Document{
				{Key: "to_khai", Name: "Tờ khai đăng ký khai sinh", Originals: 1, Required: true, Declaration: true},
				{Key: "cccd", Name: "Thẻ căn cước (xuất trình)", Originals: 1, Required: true, Present: true},
			}
			if rep, err := env.DB.ImportCatalogue(context.Background(), []catalog.Spec{s}); err != nil || len(rep.Rejected) > 0 {
				t.Fatalf("import: %v %v", err, rep.Rejected)
			}
			rec := login(t, env, "ht.receptionist")
			const path = "/can-bo/tiep-nhan/truc-tiep"
			want(t, "form", rec.get(path+"?thu-tuc="+birth), 200, `name="recv.to_khai"`, `name="recv.cccd"`,
				`Thẻ căn cước (xuất trình) (bắt buộc) <span class="tag">xuất trình để đối chiếu</span>`)
			fields := map[string]string{"thu-tuc": birth, "applicant.id_number": "001185006789", "applicant.full_name": "Phạm Thị Dung",
				"chong_ho_ten": "Đỗ Văn Em", "vo_ho_ten": "Phạm Thị Dung", "recv.to_khai": "1"}
			want(t, "card not shown", rec.postMultipart(path, fields, nil), http.StatusBadRequest, "Chưa nhận giấy tờ bắt buộc «Thẻ căn cước (xuất trình)»")
			fields["recv.cccd"] = "1"
			if p := rec.postMultipart(path, fields, nil); p.status != http.StatusSeeOther {
				t.Fatalf("card shown: %d\n%s", p.status, p.body)
			}
		})
	}
}

// TestCounterIntakeSyncsFilesBeforeCommit: the counter intake hands its
// scans' sync to the dossier's group commit (files.DeferSync), so every
// sync of the file store happens before the dossier is committed; a
// failing sync stores no dossier and keeps no file. On both engines, the
// file store on a recording file system.
func TestCounterIntakeSyncsFilesBeforeCommit(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			fsys := &apptest.SyncRecorder{DB: env.DB}
			l, err := files.NewLocalFS(env.App.Config.FilesDir, fsys)
			if err != nil {
				t.Fatal(err)
			}
			env.App.Backoffice.Files = l
			count := func() int {
				var n int
				if err := env.DB.ReadDB().QueryRow(`SELECT COUNT(*) FROM dossiers`).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			rec := login(t, env, "ht.receptionist")
			const path = "/can-bo/tiep-nhan/truc-tiep"
			fields := map[string]string{"thu-tuc": apptest.Marriage, "applicant.id_number": "001185006789",
				"applicant.full_name": "Phạm Thị Dung", "applicant.phone": "0901234567", "applicant.address": "12 Hàng Trống",
				"chong_ho_ten": "Đỗ Văn Em", "vo_ho_ten": "Phạm Thị Dung", "recv.to_khai": "1", "recv.giay_xac_nhan": "1"}
			docs := []apptest.File{{Field: "doc.to_khai", Name: "to-khai.pdf", Content: pdf("to khai")},
				{Field: "doc.giay_xac_nhan", Name: "xac-nhan.pdf", Content: pdf("xac nhan")}}

			before := count()
			fsys.Take()
			p := rec.postMultipart(path, fields, docs)
			if p.status != http.StatusSeeOther {
				t.Fatalf("intake: %d\n%s", p.status, p.body)
			}
			if got := fsys.Take(); len(got) == 0 || slices.ContainsFunc(got, func(n int) bool { return n != before }) {
				t.Errorf("syncs saw %v dossiers committed, want %d each: the scans synced before the dossier's commit", got, before)
			}
			if n := count(); n != before+1 {
				t.Fatalf("%d dossiers after the intake, want %d", n, before+1)
			}

			fsys.Fail(errors.New("disk on fire"))
			stored := env.StoredFiles()
			other := []apptest.File{{Field: "doc.to_khai", Name: "to-khai.pdf", Content: pdf("to khai, lần hai")},
				{Field: "doc.giay_xac_nhan", Name: "xac-nhan.pdf", Content: pdf("xac nhan, lần hai")}}
			p = rec.postMultipart(path, fields, other)
			if p.status != http.StatusServiceUnavailable {
				t.Errorf("failing sync: %d, want 503\n%s", p.status, p.body)
			}
			if n := count(); n != before+1 {
				t.Errorf("%d dossiers after a failing sync, want %d", n, before+1)
			}
			if after := env.StoredFiles(); !slices.Equal(after, stored) {
				t.Errorf("files %v after a failing sync, want %v", after, stored)
			}
		})
	}
}
