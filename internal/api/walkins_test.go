package api_test

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/app/apptest"
)

// TestWalkInsOverAPI: staff record a guidance or a refusal at the desk
// through the API with the back office's rules (the dossier service's):
// no dossier is created, bad input answers 4xx in both languages, the
// unit's staff read the record and its slip, others get 404, and the
// register of the period lists it.
func TestWalkInsOverAPI(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env) {
		rec, spec, lead := env.Login("ht.receptionist"), env.Login("ht.specialist"), env.Login("ht.leader")
		countAll := func() int {
			var n int
			if err := env.DB.ReadDB().QueryRow(`SELECT COUNT(*) FROM dossiers`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := countAll()
		guidance := map[string]any{"procedure": apptest.Marriage, "unit": apptest.HangTrong, "outcome": "guidance",
			"applicant": map[string]string{"full_name": "Phạm Thị Dung", "phone": "0901234567"},
			"documents": []map[string]string{{"key": "giay_xac_nhan", "reason": "Giấy xác nhận đã quá 6 tháng"}}}
		for _, c := range []struct {
			name   string
			who    *apptest.Client
			edit   func(map[string]any)
			status int
			code   string
		}{
			{"no reason for a document", rec, func(b map[string]any) {
				b["documents"] = []map[string]string{{"key": "giay_xac_nhan", "reason": " "}}
			}, 400, "guidance_invalid"},
			{"document beyond the published list", rec, func(b map[string]any) {
				b["documents"] = []map[string]string{{"key": "so_ho_khau", "reason": "Thiếu"}}
			}, 400, "document_not_in_list"},
			{"no document", rec, func(b map[string]any) { delete(b, "documents") }, 400, "documents_required"},
			{"guidance for a procedure not offered", rec, func(b map[string]any) { b["procedure"] = apptest.CriminalRc }, 422, "not_offered"},
			{"refusal without reasons", rec, func(b map[string]any) { b["outcome"], b["documents"] = "refusal", nil }, 400, "reason_required"},
			{"unknown outcome", rec, func(b map[string]any) { b["outcome"] = "maybe" }, 400, "outcome_invalid"},
			{"no name", rec, func(b map[string]any) { b["applicant"] = map[string]string{"id_number": "001185006789"} }, 400, "applicant_invalid"},
			{"specialist", spec, func(map[string]any) {}, 403, "not_receptionist"},
			{"other unit", env.Login("hb.receptionist"), func(map[string]any) {}, 403, "not_receptionist"},
			{"citizen", env.Login(apptest.CitizenA), func(map[string]any) {}, 403, "not_receptionist"},
		} {
			b := map[string]any{}
			for k, v := range guidance {
				b[k] = v
			}
			c.edit(b)
			body, _ := json.Marshal(b)
			for _, lang := range []string{"vi", "en"} {
				r := c.who.Raw("POST", "/api/v1/walkins", "application/json", bytes.NewReader(body), map[string]string{"Accept-Language": lang})
				if r.Status != c.status {
					t.Fatalf("%s (%s): %d %s", c.name, lang, r.Status, r.Body)
				}
				if e := r.DecodeError(t); e.Error.Code != c.code || e.Error.Message == "" {
					t.Fatalf("%s (%s): %s", c.name, lang, r.Body)
				}
			}
		}
		var g struct {
			ID        int64  `json:"id"`
			Outcome   string `json:"outcome"`
			Procedure string `json:"procedure"`
			Officer   string `json:"officer"`
			Documents []struct {
				Name, Reason string
			} `json:"documents"`
		}
		if st := rec.Do("POST", "/api/v1/walkins", guidance, &g); st != 201 || g.ID == 0 || g.Outcome != "guidance" ||
			len(g.Documents) != 1 || g.Documents[0].Name != "Giấy xác nhận tình trạng hôn nhân" || g.Officer == "" {
			t.Fatalf("guidance: %d %+v", st, g)
		}
		refusal := map[string]any{"procedure": apptest.CriminalRc, "unit": apptest.HangTrong, "outcome": "refusal",
			"applicant": map[string]string{"full_name": "Đặng Văn Hùng", "id_number": "001085012345"},
			"reason":    "Thủ tục thuộc thẩm quyền của Sở Tư pháp."}
		var rf struct {
			ID int64 `json:"id"`
		}
		if st := lead.Do("POST", "/api/v1/walkins", refusal, &rf); st != 201 {
			t.Fatalf("refusal of a procedure the ward does not offer: %d", st)
		}
		if n := countAll(); n != before {
			t.Fatalf("walk-ins created dossiers: %d, then %d", before, n)
		}

		path := "/api/v1/walkins/" + strconv.FormatInt(g.ID, 10)
		if st := spec.Do("GET", path, nil, &g); st != 200 || g.Procedure != apptest.Marriage {
			t.Fatalf("the unit's specialist reads it: %d", st)
		}
		r := spec.Raw("GET", path+"/slip", "", nil, nil)
		if r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("slip: %d", r.Status)
		}
		if text := pdfText(t, r.Body); !strings.Contains(text, "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ") || !strings.Contains(text, "Giấy xác nhận đã quá 6 tháng") {
			t.Errorf("slip 02:\n%s", text)
		}
		if text := pdfText(t, rec.Raw("GET", "/api/v1/walkins/"+strconv.FormatInt(rf.ID, 10)+"/slip", "", nil, nil).Body); !strings.Contains(text, "PHIẾU TỪ CHỐI TIẾP NHẬN") {
			t.Errorf("slip 03:\n%s", text)
		}
		for _, c := range []*apptest.Client{env.Login("hb.receptionist"), env.Login("hk.leader"), env.Login(apptest.CitizenA)} {
			for _, p := range []string{path, path + "/slip", "/api/v1/walkins/999999", "/api/v1/walkins/abc"} {
				if r := c.Raw("GET", p, "", nil, nil); r.Status != 404 {
					t.Fatalf("outsider on %s: %d", p, r.Status)
				}
			}
		}
		// Register 07 of the ward lists both walk-ins.
		text := pdfText(t, lead.Raw("GET", "/api/v1/registers/07?unit="+apptest.HangTrong, "", nil, nil).Body)
		for _, w := range []string{"Phạm Thị Dung", "Đặng Văn Hùng", "Hướng dẫn bổ sung,", "Từ chối tiếp nhận"} {
			if !strings.Contains(strings.Join(strings.Fields(text), " "), w) {
				t.Errorf("register 07 lacks %q\n%s", w, text)
			}
		}
	})
}
