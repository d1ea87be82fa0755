package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

func each(t *testing.T, body func(t *testing.T, env *apptest.Env)) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) { body(t, apptest.Start(t, e, app.Options{})) })
	}
}

// countDossiers counts every stored dossier, straight from the store.
func countDossiers(t *testing.T, env *apptest.Env) int {
	t.Helper()
	admin := dossier.Actor{Grants: []dossier.Grant{{UnitPath: "/", Role: "city_admin"}}}
	n, cursor := 0, int64(0)
	for {
		ds, next, err := env.DB.ListDossiers(context.Background(), admin, dossier.Filter{Limit: 200, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		n += len(ds)
		if next == 0 {
			return n
		}
		cursor = next
	}
}

func TestRegisterSubmitTrack(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env) {
		anon := env.Anon()
		st := anon.Do("POST", "/api/v1/citizens", map[string]string{"id_number": "079203001122", "full_name": "  Lê   Minh Châu ",
			"phone": "0901234567", "email": "chau@example.vn", "password": "mot-mat-khau-dai"}, nil)
		if st != 201 {
			t.Fatalf("register: %d", st)
		}
		// The same ID number twice is a conflict.
		if st := anon.Do("POST", "/api/v1/citizens", map[string]string{"id_number": "079203001122", "full_name": "X",
			"phone": "0901234567", "password": "mot-mat-khau-dai"}, nil); st != 409 {
			t.Fatalf("second registration: %d", st)
		}
		var tok struct{ Token string }
		if st := anon.Do("POST", "/api/v1/auth/token", map[string]string{"username": "079203001122", "password": "mot-mat-khau-dai"}, &tok); st != 200 || tok.Token == "" {
			t.Fatalf("token: %d", st)
		}
		if st := anon.Do("POST", "/api/v1/auth/token", map[string]string{"username": "079203001122", "password": "sai"}, nil); st != 401 {
			t.Fatalf("wrong password: %d", st)
		}
		c := env.Anon()
		c.Token = tok.Token
		d := c.Submit(apptest.HangTrong)
		if d.Status != 1 || d.StatusLabel != "Mới đăng ký" || d.Version != 1 || d.Channel != "online" || !strings.HasPrefix(d.Code, apptest.HangTrong+"-") {
			t.Fatalf("submitted: %+v", d)
		}
		var got apptest.Dossier
		if st := c.Do("GET", "/api/v1/dossiers/"+d.Code, nil, &got); st != 200 || got.Code != d.Code || len(got.Events) != 1 {
			t.Fatalf("get: %d %+v", st, got)
		}
		r := env.Anon().Raw("GET", "/api/v1/track/"+d.Code, "", nil, nil)
		if r.Status != 200 || !strings.Contains(string(r.Body), d.Code) {
			t.Fatalf("track: %d %s", r.Status, r.Body)
		}
		for _, personal := range []string{"079203001122", "0901234567", "Châu", "chau@example.vn", "Cúc"} {
			if strings.Contains(string(r.Body), personal) {
				t.Errorf("public tracking leaks %q: %s", personal, r.Body)
			}
		}
		var lst struct {
			Items      []apptest.Dossier `json:"items"`
			NextCursor *string           `json:"next_cursor"`
		}
		if st := c.Do("GET", "/api/v1/dossiers", nil, &lst); st != 200 || len(lst.Items) != 1 || lst.NextCursor != nil {
			t.Fatalf("list: %d %+v", st, lst)
		}
		// Personal data never reaches the logs.
		for _, personal := range []string{"079203001122", "0901234567", "chau@example.vn"} {
			if strings.Contains(env.Logs.String(), personal) {
				t.Errorf("log holds personal data %q", personal)
			}
		}
	})
}

func TestFullLifecycleOverHTTP(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env) {
		citizen := env.Login(apptest.CitizenA)
		rec, lead, spec := env.Login("ht.receptionist"), env.Login("ht.leader"), env.Login("ht.specialist")
		d := citizen.Submit(apptest.HangTrong)
		rec.MustAct(&d, "receive", nil)
		if d.Status != 2 || d.LegalDueAt == nil || d.ReceivedAt == nil {
			t.Fatalf("received: %+v", d)
		}
		lead.MustAct(&d, "assign", map[string]any{"assignee": "ht.specialist"})
		spec.MustAct(&d, "request_supplement", map[string]any{"documents": []string{"giay_xac_nhan"}, "reason": "Giấy xác nhận đã quá 6 tháng."})
		// The citizen answers with the missing document, as multipart.
		cmd, _ := json.Marshal(map[string]any{"action": "supplement", "version": d.Version})
		ct, body := apptest.Multipart(map[string]string{"command": string(cmd)}, []apptest.File{{Field: "doc.giay_xac_nhan", Name: "xac-nhan.pdf", Content: apptest.PDF("xac nhan", 2000)}})
		r := citizen.Raw("POST", "/api/v1/dossiers/"+d.Code+"/actions", ct, body, nil)
		if r.Status != 200 {
			t.Fatalf("supplement: %d %s", r.Status, r.Body)
		}
		_ = json.Unmarshal(r.Body, &d)
		// The two application documents of the submission, then the supplement.
		if d.Status != 4 || len(d.Documents) != 3 || d.Documents[2].Kind != "supplement" {
			t.Fatalf("after supplement: %+v", d)
		}
		spec.MustAct(&d, "request_fee", map[string]any{"amount": 50000})
		rec.MustAct(&d, "fee_paid", nil)
		// Marked paid at the desk through the API: a cash payment with its
		// receipt, as on the back office's page.
		var rcs struct {
			Receipts []struct {
				Total  int64  `json:"total"`
				Method string `json:"method"`
			} `json:"receipts"`
		}
		if st := citizen.Do("GET", "/api/v1/dossiers/"+d.Code+"/receipts", nil, &rcs); st != 200 || len(rcs.Receipts) != 1 ||
			rcs.Receipts[0].Total != 50000 || rcs.Receipts[0].Method != "cash" {
			t.Fatalf("receipts after fee_paid: %d %+v", st, rcs)
		}
		lead.MustAct(&d, "reschedule", map[string]any{"reason": "Cần xác minh thêm", "new_due": "2099-01-05"})
		if r := lead.Act(&d, "reschedule", map[string]any{"reason": "lần hai", "new_due": "2099-02-05"}); r.Status != 422 {
			t.Fatalf("second reschedule: %d", r.Status)
		}
		lead.MustAct(&d, "finish", map[string]any{"result": map[string]any{"number": "12/2025/GCNKH", "summary": "Cấp Giấy chứng nhận kết hôn", "granted": true}})
		// No electronic result was attached: it cannot go online.
		if r := rec.Act(&d, "deliver", map[string]any{"method": "online"}); r.Status != 422 || !strings.Contains(string(r.Body), "result_file_required") {
			t.Fatalf("online delivery without a result file: %d %s", r.Status, r.Body)
		}
		rec.MustAct(&d, "deliver", map[string]any{"method": "in_person"})
		citizen.MustAct(&d, "rate", map[string]any{"rating": "very_satisfied", "comment": "Rất nhanh"})
		if d.Status != 10 {
			t.Fatalf("final status %d", d.Status)
		}
		var actions []string
		for _, e := range d.Events {
			actions = append(actions, e.Action)
		}
		want := "submit receive assign request_supplement supplement request_fee fee_paid reschedule finish deliver rate"
		if strings.Join(actions, " ") != want {
			t.Fatalf("events: %v", actions)
		}
	})
}

func TestConcurrencyAndErrorsOnActions(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env) {
		citizen := env.Login(apptest.CitizenA)
		rec1, rec2 := env.Login("ht.receptionist"), env.Login("ht.leader")
		d := citizen.Submit(apptest.HangTrong)
		// Two officers act on version 1 at once: exactly one wins; the other
		// gets 409 and the dossier shows one reception event.
		statuses := make([]int, 2)
		var wg sync.WaitGroup
		for i, c := range []*apptest.Client{rec1, rec2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				dd := d
				args := map[string]any{}
				action := "receive"
				if i == 1 {
					action, args["reason"] = "refuse", "Không thuộc thẩm quyền"
				}
				statuses[i] = c.Act(&dd, action, args).Status
			}()
		}
		wg.Wait()
		if !(statuses[0] == 200 && statuses[1] == 409 || statuses[0] == 409 && statuses[1] == 200) {
			t.Fatalf("concurrent actions: %v", statuses)
		}
		var got apptest.Dossier
		rec1.Do("GET", "/api/v1/dossiers/"+d.Code, nil, &got)
		if got.Version != 2 || len(got.Events) != 2 {
			t.Fatalf("after race: version %d, %d events", got.Version, len(got.Events))
		}
		// A forbidden transition is 422 with the reason; a wrong role 403.
		r := rec1.Act(&got, "deliver", map[string]any{"method": "in_person"})
		if r.Status != 422 || !strings.Contains(r.DecodeError(t).Error.Message, "trạng thái") {
			t.Fatalf("forbidden transition: %d %s", r.Status, r.Body)
		}
		if got.Status == 2 {
			if r := rec1.Act(&got, "assign", map[string]any{"assignee": "ht.specialist"}); r.Status != 403 {
				t.Fatalf("receptionist assigning: %d", r.Status)
			}
		}
		// Assigning someone who is not a specialist of the unit is refused.
		if got.Status == 2 {
			lead := env.Login("ht.leader")
			if r := lead.Act(&got, "assign", map[string]any{"assignee": "hb.specialist"}); r.Status != 400 {
				t.Fatalf("assigning another unit's specialist: %d %s", r.Status, r.Body)
			}
		}
	})
}

func TestAuthorizationMatrix(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env) {
		a, b := env.Login(apptest.CitizenA), env.Login(apptest.CitizenB)
		d := a.Submit(apptest.HangTrong)
		ct, body := apptest.Multipart(map[string]string{"procedure": apptest.Marriage, "unit": apptest.HangTrong,
			"form": `{"chong_ho_ten":"Nguyễn Văn An","vo_ho_ten":"Lê Thị Cúc"}`},
			[]apptest.File{{Field: "doc.to_khai", Name: "to-khai.pdf", Content: apptest.PDF("to khai", 1500)},
				{Field: "doc.giay_xac_nhan", Name: "xac-nhan.pdf", Content: apptest.PDF("xac nhan", 1500)}})
		r := a.Raw("POST", "/api/v1/dossiers", ct, body, nil)
		if r.Status != 201 {
			t.Fatalf("multipart submit: %d %s", r.Status, r.Body)
		}
		var withDoc apptest.Dossier
		_ = json.Unmarshal(r.Body, &withDoc)
		docPath := fmt.Sprintf("/api/v1/dossiers/%s/documents/%d", withDoc.Code, withDoc.Documents[0].ID)

		unknown := env.Anon()
		unknown.Token = b.Token
		notFound := b.Raw("GET", "/api/v1/dossiers/"+apptest.HangTrong+"-000101-9999", "", nil, nil)
		if notFound.Status != 404 {
			t.Fatalf("unknown code: %d", notFound.Status)
		}
		type probe struct {
			who    string
			c      *apptest.Client
			get    int
			doc    int
			listed int
		}
		probes := []probe{
			{"owner", a, 200, 200, 2},
			{"other citizen", b, 404, 404, 0},
			{"receptionist of the unit", env.Login("ht.receptionist"), 200, 200, 2},
			{"specialist of the unit", env.Login("ht.specialist"), 200, 200, 2},
			{"receptionist of another commune", env.Login("hb.receptionist"), 404, 404, 0},
			{"leader of another commune", env.Login("hb.leader"), 404, 404, 0},
			{"district leader (subtree, read-only)", env.Login("hk.leader"), 200, 200, 2},
			{"district specialist (own unit only)", env.Login("hk.specialist"), 404, 404, 0},
			{"department receptionist", env.Login("stp.receptionist"), 404, 404, 0},
			{"city admin", env.Login("city.admin"), 200, 200, 2},
		}
		for _, p := range probes {
			t.Run(p.who, func(t *testing.T) {
				r := p.c.Raw("GET", "/api/v1/dossiers/"+d.Code, "", nil, nil)
				if r.Status != p.get {
					t.Fatalf("GET: %d, want %d", r.Status, p.get)
				}
				if p.get == 404 && !bytes.Equal(r.Body, notFound.Body) {
					t.Fatalf("forbidden and unknown answer differently: %s vs %s", r.Body, notFound.Body)
				}
				if dr := p.c.Raw("GET", docPath, "", nil, nil); dr.Status != p.doc {
					t.Fatalf("document: %d, want %d", dr.Status, p.doc)
				} else if dr.Status == 200 {
					sum := sha256.Sum256(dr.Body)
					if hex.EncodeToString(sum[:]) != withDoc.Documents[0].SHA256 || dr.Header.Get("Content-Type") != "application/pdf" {
						t.Fatal("document bytes or type differ")
					}
				}
				var lst struct{ Items []apptest.Dossier }
				if st := p.c.Do("GET", "/api/v1/dossiers", nil, &lst); st != 200 || len(lst.Items) != p.listed {
					t.Fatalf("list: %d items, want %d", len(lst.Items), p.listed)
				}
				// Nobody but the unit's desk may receive it; outsiders get 404.
				dd := d
				ar := p.c.Act(&dd, "receive", nil)
				switch {
				case p.get == 404 && ar.Status != 404:
					t.Fatalf("action by outsider: %d", ar.Status)
				case p.who == "district leader (subtree, read-only)" || p.who == "city admin" || p.who == "owner" || p.who == "specialist of the unit":
					if ar.Status != 403 {
						t.Fatalf("read-only actor acting: %d %s", ar.Status, ar.Body)
					}
				}
			})
		}
		// Without a token: 401.
		if r := env.Anon().Raw("GET", "/api/v1/dossiers/"+d.Code, "", nil, nil); r.Status != 401 {
			t.Fatalf("anonymous: %d", r.Status)
		}
		// Statistics: staff of their own scope only.
		if st := b.Do("GET", "/api/v1/stats", nil, nil); st != 403 {
			t.Fatalf("citizen stats: %d", st)
		}
		if st := env.Login("hb.leader").Do("GET", "/api/v1/stats?unit="+apptest.HangTrong, nil, nil); st != 404 {
			t.Fatalf("stats of another commune: %d", st)
		}
		var rep struct {
			Received struct{ Total, Online int }
			Children []struct{ Unit string } `json:"children"`
		}
		if st := env.Login("hk.leader").Do("GET", "/api/v1/stats?unit="+apptest.HoanKiem+"&by=child", nil, &rep); st != 200 || len(rep.Children) != 2 {
			t.Fatalf("district stats: %d %+v", st, rep)
		}
	})
}

func TestBadInput(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env) {
		citizen := env.Login(apptest.CitizenA)
		rec := env.Login("ht.receptionist")
		anon := env.Anon()
		valid := `{"procedure":"1.000894","unit":"` + apptest.HangTrong + `","form":{"chong_ho_ten":"A","vo_ho_ten":"B"}}`
		big := `{"procedure":"1.000894","unit":"x","form":{"chong_ho_ten":"` + strings.Repeat("a", 2<<20) + `"}}`
		pdf := apptest.PDF("ok", 1000)
		tooBig := apptest.PDF("big", 1<<20+10)
		mp := func(files ...apptest.File) (string, *bytes.Buffer) {
			return apptest.Multipart(map[string]string{"procedure": apptest.Marriage, "unit": apptest.HangTrong,
				"form": `{"chong_ho_ten":"A","vo_ho_ten":"B"}`}, files)
		}
		cases := []struct {
			name   string
			c      *apptest.Client
			method string
			path   string
			ct     string
			body   func() *bytes.Buffer
			status int
			code   string
		}{
			{"malformed JSON", citizen, "POST", "/api/v1/dossiers", "application/json", str(`{"procedure":`), 400, "bad_json"},
			{"unknown JSON field", citizen, "POST", "/api/v1/dossiers", "application/json", str(`{"procedure":"1.000894","unit":"x","form":{},"hack":1}`), 400, "bad_json"},
			{"trailing data", citizen, "POST", "/api/v1/dossiers", "application/json", str(valid + `{}`), 400, "bad_json"},
			{"wrong content type", citizen, "POST", "/api/v1/dossiers", "text/plain", str(valid), 415, "content_type"},
			{"oversized body", citizen, "POST", "/api/v1/dossiers", "application/json", str(big), 413, "body_too_large"},
			{"unknown procedure", citizen, "POST", "/api/v1/dossiers", "application/json", str(strings.Replace(valid, "1.000894", "9.999999", 1)), 400, "unknown_procedure"},
			{"unknown unit", citizen, "POST", "/api/v1/dossiers", "application/json", str(strings.Replace(valid, apptest.HangTrong, "000.99.99.H26", 1)), 400, "unknown_unit"},
			{"procedure not offered by the unit", citizen, "POST", "/api/v1/dossiers", "application/json", str(strings.Replace(valid, apptest.HangTrong, apptest.SoTuPhap, 1)), 422, "not_offered"},
			{"missing form field", citizen, "POST", "/api/v1/dossiers", "application/json", str(`{"procedure":"1.000894","unit":"` + apptest.HangTrong + `","form":{"chong_ho_ten":"A"}}`), 400, "form_invalid"},
			{"ill-typed form field", citizen, "POST", "/api/v1/dossiers", "application/json", str(`{"procedure":"1.000894","unit":"` + apptest.HangTrong + `","form":{"chong_ho_ten":"A","vo_ho_ten":"B","so_ban_sao":"nhiều"}}`), 400, "form_invalid"},
			{"unknown form field", citizen, "POST", "/api/v1/dossiers", "application/json", str(`{"procedure":"1.000894","unit":"` + apptest.HangTrong + `","form":{"chong_ho_ten":"A","vo_ho_ten":"B","x":1}}`), 400, "form_invalid"},
			{"counter intake with an invalid ID number", rec, "POST", "/api/v1/dossiers", "application/json", str(`{"procedure":"1.000894","unit":"` + apptest.HangTrong + `","form":{"chong_ho_ten":"A","vo_ho_ten":"B"},"applicant":{"id_number":"999123456789","full_name":"Lê Văn C","phone":"0912345678"}}`), 400, "applicant_invalid"},
			{"counter intake without applicant", rec, "POST", "/api/v1/dossiers", "application/json", str(valid), 400, "applicant_required"},
			{"counter intake at another unit", env.Login("hb.receptionist"), "POST", "/api/v1/dossiers", "application/json", str(`{"procedure":"1.000894","unit":"` + apptest.HangTrong + `","form":{"chong_ho_ten":"A","vo_ho_ten":"B"},"applicant":{"id_number":"001090001234","full_name":"Lê Văn C"}}`), 403, "not_receptionist"},
			{"file that is not a PDF", citizen, "POST", "/api/v1/dossiers", "", func() *bytes.Buffer {
				_, b := mp(apptest.File{Field: "doc.to_khai", Name: "to-khai.pdf", Content: []byte("just text pretending to be a pdf")})
				return b
			}, 415, "file_type"},
			{"file too large", citizen, "POST", "/api/v1/dossiers", "", func() *bytes.Buffer {
				_, b := mp(apptest.File{Field: "doc.to_khai", Name: "to-khai.pdf", Content: tooBig})
				return b
			}, 413, "file_too_large"},
			{"dossier too large", citizen, "POST", "/api/v1/dossiers", "", func() *bytes.Buffer {
				_, b := mp(apptest.File{Field: "doc.to_khai", Name: "1.pdf", Content: apptest.PDF("1", 1<<20-100)},
					apptest.File{Field: "doc.to_khai", Name: "2.pdf", Content: apptest.PDF("2", 1<<20-100)},
					apptest.File{Field: "doc.giay_xac_nhan", Name: "3.pdf", Content: apptest.PDF("3", 1<<20-100)},
					apptest.File{Field: "doc.giay_xac_nhan", Name: "4.pdf", Content: apptest.PDF("4", 1<<20-100)})
				return b
			}, 413, ""},
			{"online submission without its required documents", citizen, "POST", "/api/v1/dossiers", "application/json", str(valid), 400, "documents_missing"},
			{"files incomplete: one of two required documents", citizen, "POST", "/api/v1/dossiers", "", func() *bytes.Buffer {
				_, b := mp(apptest.File{Field: "doc.to_khai", Name: "to-khai.pdf", Content: pdf})
				return b
			}, 400, "documents_missing"},
			{"file for a document not in the list", citizen, "POST", "/api/v1/dossiers", "", func() *bytes.Buffer {
				_, b := mp(apptest.File{Field: "doc.so_ho_khau", Name: "shk.pdf", Content: pdf})
				return b
			}, 400, "document_not_in_list"},
			{"register with a bad ID number", anon, "POST", "/api/v1/citizens", "application/json", str(`{"id_number":"12345","full_name":"A","phone":"0912345678","password":"12345678"}`), 400, "registration_invalid"},
			{"register with a future birth year", anon, "POST", "/api/v1/citizens", "application/json", str(`{"id_number":"001299001234","full_name":"A","phone":"0912345678","password":"12345678"}`), 400, "registration_invalid"},
			{"register with a short password", anon, "POST", "/api/v1/citizens", "application/json", str(`{"id_number":"001090009999","full_name":"A","phone":"0912345678","password":"123"}`), 400, "registration_invalid"},
			{"no token", anon, "GET", "/api/v1/dossiers", "", nil, 401, "unauthorized"},
			{"bad token", env.WithToken("not-a-token"), "GET", "/api/v1/dossiers", "", nil, 401, "unauthorized"},
			{"bad status filter", rec, "GET", "/api/v1/dossiers?status=x", "", nil, 400, "bad_status"},
			{"status out of range", rec, "GET", "/api/v1/dossiers?status=11", "", nil, 400, "bad_status"},
			{"bad limit", rec, "GET", "/api/v1/dossiers?limit=0", "", nil, 400, "bad_limit"},
			{"bad cursor", rec, "GET", "/api/v1/dossiers?cursor=abc", "", nil, 400, "bad_cursor"},
			{"bad overdue", rec, "GET", "/api/v1/dossiers?overdue=maybe", "", nil, 400, "bad_overdue"},
			{"action without version", rec, "POST", "/api/v1/dossiers/x/actions", "application/json", str(`{"action":"receive"}`), 400, "version_required"},
			{"unknown action", rec, "POST", "/api/v1/dossiers/x/actions", "application/json", str(`{"action":"x","version":1}`), 404, "not_found"},
			{"bad calendar year", anon, "GET", "/api/v1/calendar/abc", "", nil, 400, "bad_year"},
			{"bad due time", anon, "GET", "/api/v1/calendar/due?from=yesterday&amount=3", "", nil, 400, "bad_from"},
			{"bad due amount", anon, "GET", "/api/v1/calendar/due?from=2025-03-03T09:00:00%2B07:00&amount=-1", "", nil, 400, "bad_amount"},
			{"bad due kind", anon, "GET", "/api/v1/calendar/due?from=2025-03-03T09:00:00%2B07:00&amount=1&kind=weeks", "", nil, 400, "bad_kind"},
			{"bad procedure level", anon, "GET", "/api/v1/procedures?level=9", "", nil, 400, "bad_level"},
			{"unknown parent unit", anon, "GET", "/api/v1/units?parent=nope", "", nil, 404, "unit_not_found"},
			{"unknown route", anon, "GET", "/api/v1/nothing", "", nil, 404, "no_route"},
			{"calendar change by a non-admin", rec, "PUT", "/api/v1/calendar/overrides/2025-03-03", "application/json", str(`{"kind":"off","reason":"x"}`), 403, "city_admin_only"},
		}
		before := countDossiers(t, env)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				for _, lang := range []string{"", "en"} {
					tc.c.Lang = lang
					ct := tc.ct
					var body *bytes.Buffer
					if tc.body != nil {
						body = tc.body()
					}
					if strings.HasPrefix(tc.name, "file") || strings.HasPrefix(tc.name, "dossier too") {
						ct, body = rebuild(tc.body)
					}
					var r apptest.Response
					if body == nil {
						r = tc.c.Raw(tc.method, tc.path, ct, nil, nil)
					} else {
						r = tc.c.Raw(tc.method, tc.path, ct, body, nil)
					}
					if r.Status != tc.status {
						t.Fatalf("status %d, want %d: %s", r.Status, tc.status, r.Body)
					}
					e := r.DecodeError(t)
					if tc.code != "" && e.Error.Code != tc.code {
						t.Fatalf("code %q, want %q (%s)", e.Error.Code, tc.code, e.Error.Message)
					}
					if e.Error.Message == "" {
						t.Fatal("empty message")
					}
					vietnamese := strings.ContainsAny(e.Error.Message, "ăâđêôơưáàảãạếềểễệóòỏõọíìỉĩịúùủũụ")
					if lang == "" && !vietnamese {
						t.Errorf("default message not Vietnamese: %q", e.Error.Message)
					}
					if lang == "en" && vietnamese && tc.code != "bad_json" && tc.code != "not_offered" && tc.code != "documents_missing" {
						t.Errorf("English message has Vietnamese: %q", e.Error.Message)
					}
				}
				tc.c.Lang = ""
			})
		}
		if after := countDossiers(t, env); after != before {
			t.Fatalf("bad input stored dossiers: %d → %d", before, after)
		}
	})
}

func str(s string) func() *bytes.Buffer {
	return func() *bytes.Buffer { return bytes.NewBufferString(s) }
}

// rebuild makes a fresh multipart body with its content type; a body can be
// read once only.
func rebuild(f func() *bytes.Buffer) (string, *bytes.Buffer) {
	b := f()
	// The boundary is the first line of the body, minus its leading "--".
	line, _, _ := strings.Cut(b.String(), "\r\n")
	return "multipart/form-data; boundary=" + strings.TrimPrefix(line, "--"), b
}

func TestIdempotencyOverHTTP(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env) {
		c := env.Login(apptest.CitizenA)
		// The same request twice: the same form and the same scans.
		form := map[string]string{"procedure": "1.000894", "unit": apptest.HangTrong, "form": `{"chong_ho_ten":"A","vo_ho_ten":"B"}`}
		docs := apptest.MarriageDocuments()
		send := func(f map[string]string) apptest.Response {
			ct, b := apptest.Multipart(f, docs)
			return c.Raw("POST", "/api/v1/dossiers", ct, b, map[string]string{"Idempotency-Key": "retry-7"})
		}
		first, second := send(form), send(form)
		var d1, d2 apptest.Dossier
		_ = json.Unmarshal(first.Body, &d1)
		_ = json.Unmarshal(second.Body, &d2)
		if first.Status != 201 || second.Status != 201 || d1.Code != d2.Code || second.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("retry: %d %d %s %s", first.Status, second.Status, d1.Code, d2.Code)
		}
		other := map[string]string{"procedure": "1.000894", "unit": apptest.HangTrong, "form": `{"chong_ho_ten":"C","vo_ho_ten":"B"}`}
		if r := send(other); r.Status != 422 {
			t.Fatalf("key reused for another body: %d", r.Status)
		}
		if n := countDossiers(t, env); n != 1 {
			t.Fatalf("%d dossiers", n)
		}
	})
}

// TestThousandConcurrentSubmissions sends 1,000 submissions at once through
// the HTTP API: 1,000 distinct codes, every one readable.
func TestThousandConcurrentSubmissions(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	each(t, func(t *testing.T, env *apptest.Env) {
		a, b := env.Login(apptest.CitizenA), env.Login(apptest.CitizenB)
		tr := env.Server.Client().Transport.(*http.Transport)
		tr.MaxIdleConnsPerHost = 200
		const n = 1000
		codes := make([]string, n)
		var wg sync.WaitGroup
		var mu sync.Mutex
		var failures []string
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := a
				if i%2 == 1 {
					c = b
				}
				ct, body := apptest.SubmitBody(apptest.HangTrong)
				r := c.Raw("POST", "/api/v1/dossiers", ct, body, nil)
				var d apptest.Dossier
				if r.Status != 201 || json.Unmarshal(r.Body, &d) != nil {
					mu.Lock()
					failures = append(failures, fmt.Sprintf("%d %s", r.Status, r.Body))
					mu.Unlock()
					return
				}
				codes[i] = d.Code
			}()
		}
		wg.Wait()
		if len(failures) > 0 {
			t.Fatalf("%d failures, first: %s", len(failures), failures[0])
		}
		seen := map[string]bool{}
		for _, c := range codes {
			if seen[c] {
				t.Fatalf("duplicate code %s", c)
			}
			seen[c] = true
		}
		rec := env.Login("ht.receptionist")
		for i, c := range codes {
			if i%10 != 0 && env.DB.Dialect() == store.SQLite {
				// Every code is checked through the store; one in ten also
				// through HTTP to keep the run short.
				if _, err := env.DB.DossierByCode(context.Background(), c); err != nil {
					t.Fatalf("%s unreadable: %v", c, err)
				}
				continue
			}
			if st := rec.Do("GET", "/api/v1/dossiers/"+c, nil, nil); st != 200 {
				t.Fatalf("%s: %d", c, st)
			}
		}
		if got := countDossiers(t, env); got != n {
			t.Fatalf("%d stored, want %d", got, n)
		}
	})
}

func TestPublicEndpoints(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env) {
		anon := env.Anon()
		var due struct {
			DueAt string `json:"due_at"`
		}
		// Friday 25/4/2025 09:00 + 3 working days: 28/4, 29/4, then 30/4 and
		// 1/5 are holidays, 2/5 is the third → Friday 2/5 17:00.
		if st := anon.Do("GET", "/api/v1/calendar/due?from=2025-04-25T09:00:00%2B07:00&amount=3&kind=working_days", nil, &due); st != 200 || due.DueAt != "2025-05-02T17:00:00+07:00" {
			t.Fatalf("due: %d %s", st, due.DueAt)
		}
		var year struct {
			Year int
			Days []struct{ Date, Reason string }
		}
		if st := anon.Do("GET", "/api/v1/calendar/2025", nil, &year); st != 200 || year.Year != 2025 || len(year.Days) < 11 {
			t.Fatalf("year: %d %+v", st, year)
		}
		// A city admin's extra day off moves deadlines at once.
		admin := env.Login("city.admin")
		if st := admin.Do("PUT", "/api/v1/calendar/overrides/2025-04-28", map[string]string{"kind": "off", "reason": "Nghỉ bù theo thông báo"}, nil); st != 200 {
			t.Fatalf("override: %d", st)
		}
		if st := anon.Do("GET", "/api/v1/calendar/due?from=2025-04-25T09:00:00%2B07:00&amount=3", nil, &due); st != 200 || due.DueAt != "2025-05-05T17:00:00+07:00" {
			t.Fatalf("due after override: %d %s", st, due.DueAt)
		}
		if log, err := env.DB.AuditLog(context.Background(), store.AuditFilter{Action: "calendar.set"}); err != nil || len(log) != 1 ||
			log[0].Subject != "calendar:0:2025-04-28" || log[0].ActorName != "Quản trị thành phố" || log[0].ActorID == 0 {
			t.Fatalf("audit log of the override: %+v %v", log, err)
		}
		// A unit admin's day off applies to that unit (and below) only.
		ua := env.Login("ht.unit_admin")
		const dueURL = "/api/v1/calendar/due?from=2025-04-25T09:00:00%2B07:00&amount=3"
		for _, c := range []struct {
			method, path string
			want         int
		}{
			{"PUT", "/api/v1/calendar/overrides/2025-05-05", 403},                         // the common calendar
			{"PUT", "/api/v1/calendar/overrides/2025-05-05?unit=" + apptest.HangBac, 403}, // another unit
			{"PUT", "/api/v1/calendar/overrides/2025-05-05?unit=000.99.99.H26", 404},
			{"PUT", "/api/v1/calendar/overrides/2025-05-05?unit=" + apptest.HangTrong, 200},
		} {
			if st := ua.Do(c.method, c.path, map[string]string{"kind": "off", "reason": "Phường nghỉ"}, nil); st != c.want {
				t.Errorf("%s %s by the unit admin: %d, want %d", c.method, c.path, st, c.want)
			}
		}
		for unit, want := range map[string]string{"": "2025-05-05T17:00:00+07:00", apptest.HangTrong: "2025-05-06T17:00:00+07:00",
			apptest.HangBac: "2025-05-05T17:00:00+07:00"} {
			if st := anon.Do("GET", dueURL+"&unit="+unit, nil, &due); st != 200 || due.DueAt != want {
				t.Errorf("due at unit %q: %d %s, want %s", unit, st, due.DueAt, want)
			}
		}
		if st := ua.Do("DELETE", "/api/v1/calendar/overrides/2025-05-05?unit="+apptest.HangTrong, nil, nil); st != 204 {
			t.Fatalf("unit admin delete: %d", st)
		}
		if st := ua.Do("DELETE", "/api/v1/calendar/overrides/2025-05-05?unit="+apptest.HangTrong, nil, nil); st != 404 {
			t.Fatalf("second delete: %d", st)
		}
		var procs struct{ Items []struct{ Code string } }
		if st := anon.Do("GET", "/api/v1/procedures?q=dang+ky+ket+hon", nil, &procs); st != 200 || len(procs.Items) != 1 || procs.Items[0].Code != apptest.Marriage {
			t.Fatalf("procedure search: %d %+v", st, procs)
		}
		// The list sends summaries; the form is on the procedure's own page.
		var proc struct {
			Version struct {
				Form struct {
					Fields []struct {
						Name, Label, Type string
						Required          bool
						Options           []any
					}
				}
			}
		}
		if st := anon.Do("GET", "/api/v1/procedures/"+apptest.Marriage, nil, &proc); st != 200 || len(proc.Version.Form.Fields) == 0 {
			t.Fatalf("procedure: %d %+v", st, proc)
		}
		f := proc.Version.Form.Fields[0]
		if f.Name == "" || f.Label == "" || f.Type == "" || f.Options == nil {
			t.Fatalf("form field shape: %+v", f)
		}
		var units struct{ Items []struct{ Code, Name string } }
		if st := anon.Do("GET", "/api/v1/units?parent="+apptest.HoanKiem, nil, &units); st != 200 || len(units.Items) != 2 {
			t.Fatalf("units: %d %+v", st, units)
		}
		for _, p := range []string{"/healthz", "/api/v1/openapi.json"} {
			if r := anon.Raw("GET", p, "", nil, nil); r.Status != 200 {
				t.Fatalf("%s: %d", p, r.Status)
			}
		}
		// /metrics is served only on --metrics-addr.
		if r := anon.Raw("GET", "/metrics", "", nil, nil); r.Status != 404 {
			t.Fatalf("/metrics on the public address: %d", r.Status)
		}
		rec := httptest.NewRecorder()
		env.App.Server.Metrics().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), `motcua_http_requests_total{route="GET /api/v1/openapi.json",status="200"}`) {
			t.Fatalf("metrics lack the request counter: %d", rec.Code)
		}
	})
}

func jsonBody(v any) *bytes.Reader {
	b, _ := json.Marshal(v)
	return bytes.NewReader(b)
}

// TestCalendarTetStatus: GET /calendar/{year} tells an announced Tết with
// its source from a provisional one, which becomes confirmed once a city
// administrator confirms the year.
func TestCalendarTetStatus(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env) {
		anon := env.Anon()
		type tet struct {
			Status, First, Last, Source string
			MakeUp                      []string   `json:"make_up"`
			ConfirmedBy                 string     `json:"confirmed_by"`
			ConfirmedAt                 *time.Time `json:"confirmed_at"`
		}
		var year struct {
			Tet  tet
			Days []struct {
				Date      string
				Announced bool
			}
		}
		get := func(y string) {
			t.Helper()
			year.Tet, year.Days = tet{}, nil
			if st := anon.Do("GET", "/api/v1/calendar/"+y, nil, &year); st != 200 {
				t.Fatalf("GET %s: %d", y, st)
			}
		}
		get("2025")
		if year.Tet.Status != "announced" || year.Tet.First != "2025-01-25" || year.Tet.Last != "2025-02-02" || year.Tet.Source == "" || year.Tet.MakeUp == nil {
			t.Fatalf("2025: %+v", year.Tet)
		}
		announced := 0
		for _, d := range year.Days {
			if d.Announced {
				announced++
			}
		}
		if announced != 6 { // 27/1 (bridge) and the five statutory days 28/1–1/2
			t.Errorf("2025: %d announced days, want 6", announced)
		}
		get("2027")
		if year.Tet.Status != "provisional" || year.Tet.First != "2027-02-05" || year.Tet.ConfirmedAt != nil {
			t.Fatalf("2027 before: %+v", year.Tet)
		}
		if err := env.DB.ConfirmCalendarYear(context.Background(), 2027, time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC), dossier.Actor{AccountID: 1, Name: "Quản trị thành phố"}); err != nil {
			t.Fatal(err)
		}
		get("2027")
		if year.Tet.Status != "confirmed" || year.Tet.ConfirmedBy != "Quản trị thành phố" || year.Tet.ConfirmedAt == nil {
			t.Fatalf("2027 after: %+v", year.Tet)
		}
	})
}
