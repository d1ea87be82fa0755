package api_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/app/apptest"
)

// TestWithdrawalNeedsReason: the lifecycle, not a form, requires the
// reason for a withdrawal, so the API refuses one without it (the
// applicant's and the desk's alike) and changes nothing.
func TestWithdrawalNeedsReason(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env) {
		citizen, rec := env.Login(apptest.CitizenA), env.Login("ht.receptionist")
		d := citizen.Submit(apptest.HangTrong)
		for _, c := range []struct {
			name string
			who  *apptest.Client
			args map[string]any
		}{
			{"applicant, no reason", citizen, nil},
			{"applicant, blank reason", citizen, map[string]any{"reason": "   "}},
			{"desk, no reason", rec, nil},
		} {
			r := c.who.Act(&d, "withdraw", c.args)
			if r.Status != 400 {
				t.Fatalf("%s: %d %s", c.name, r.Status, r.Body)
			}
			if e := r.DecodeError(t); e.Error.Code != "reason_required" {
				t.Fatalf("%s: code %q", c.name, e.Error.Code)
			}
		}
		var got apptest.Dossier
		if st := citizen.Do("GET", "/api/v1/dossiers/"+d.Code, nil, &got); st != 200 || got.Status != 1 || got.Version != d.Version {
			t.Fatalf("after refused withdrawals: %d %+v", st, got)
		}
		citizen.MustAct(&d, "withdraw", map[string]any{"reason": "Nộp nhầm thủ tục"})
		if d.Status != 7 {
			t.Fatalf("withdrawn: status %d", d.Status)
		}
	})
}

// TestOnlineSubmissionNeedsRequiredDocuments: the dossier service, not a
// form, refuses an online submission without a file for every required
// document, naming each missing one; nothing is stored. The API accepted
// it before (201) while the portal refused it.
func TestOnlineSubmissionNeedsRequiredDocuments(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env) {
		citizen := env.Login(apptest.CitizenA)
		form := map[string]any{"procedure": apptest.Marriage, "unit": apptest.HangTrong, "form": apptest.MarriageForm()}
		r := citizen.Raw("POST", "/api/v1/dossiers", "application/json", jsonBody(form), nil)
		if r.Status != 400 {
			t.Fatalf("no documents: %d %s", r.Status, r.Body)
		}
		e := r.DecodeError(t)
		if e.Error.Code != "documents_missing" || !strings.Contains(e.Error.Message, "«Tờ khai»") ||
			!strings.Contains(e.Error.Message, "«Giấy xác nhận tình trạng hôn nhân»") {
			t.Fatalf("no documents: %+v", e.Error)
		}
		var fields []string
		for _, f := range e.Error.Fields {
			fields = append(fields, f.Field+"="+f.Code)
		}
		if strings.Join(fields, ",") != "doc.to_khai=document_required,doc.giay_xac_nhan=document_required" {
			t.Fatalf("fields: %v", fields)
		}
		// One of the two: only the other is named (in English when asked).
		citizen.Lang = "en"
		ct, body := apptest.Multipart(map[string]string{"procedure": apptest.Marriage, "unit": apptest.HangTrong,
			"form": `{"chong_ho_ten":"A","vo_ho_ten":"B"}`}, apptest.MarriageDocuments()[:1])
		r = citizen.Raw("POST", "/api/v1/dossiers", ct, body, nil)
		if e := r.DecodeError(t); r.Status != 400 || len(e.Error.Fields) != 1 || e.Error.Fields[0].Field != "doc.giay_xac_nhan" ||
			!strings.Contains(e.Error.Message, "Required documents are not attached") {
			t.Fatalf("one document: %d %s", r.Status, r.Body)
		}
		if n := countDossiers(t, env); n != 0 {
			t.Fatalf("%d dossiers stored after refused submissions", n)
		}
		// With both, it is filed; counter intake is the desk's business
		// (the receptionist holds the papers) and is not refused for scans.
		if d := citizen.Submit(apptest.HangTrong); d.Status != 1 || len(d.Documents) != 2 {
			t.Fatalf("with both documents: %+v", d)
		}
		rec := env.Login("ht.receptionist")
		counter := map[string]any{"procedure": apptest.Marriage, "unit": apptest.HangTrong, "form": apptest.MarriageForm(),
			"applicant": map[string]string{"id_number": "001185006789", "full_name": "Phạm Thị Dung"}, "received": apptest.MarriageReceived()}
		if st := rec.Do("POST", "/api/v1/dossiers", counter, nil); st != 201 {
			t.Fatalf("counter intake: %d", st)
		}
	})
}

// TestCounterIntakeChecklist: the API's counter intake obeys the same
// reception checklist as the back office (the dossier service's rule): a
// required document unticked and without a note is refused in both
// languages, naming it, and nothing is stored; with the officer's note it
// is received, the checklist kept in the reception event; a scan of a
// document not ticked is refused.
func TestCounterIntakeChecklist(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env) {
		rec := env.Login("ht.receptionist")
		body := func(received any) map[string]any {
			return map[string]any{"procedure": apptest.Marriage, "unit": apptest.HangTrong, "form": apptest.MarriageForm(),
				"applicant": map[string]string{"id_number": "001185006789", "full_name": "Phạm Thị Dung"}, "received": received}
		}
		count := func() int {
			var lst struct {
				Items []apptest.Dossier `json:"items"`
			}
			if st := rec.Do("GET", "/api/v1/dossiers?limit=100", nil, &lst); st != 200 {
				t.Fatalf("list: %d", st)
			}
			return len(lst.Items)
		}
		before := count()
		unticked := []map[string]any{{"key": "to_khai", "received": true}, {"key": "giay_xac_nhan", "received": false}}
		for _, lang := range []string{"vi", "en"} {
			b, _ := json.Marshal(body(unticked))
			r := rec.Raw("POST", "/api/v1/dossiers", "application/json", bytes.NewReader(b), map[string]string{"Accept-Language": lang})
			if r.Status != 400 {
				t.Fatalf("%s: unticked required document: %d %s", lang, r.Status, r.Body)
			}
			e := r.DecodeError(t)
			if e.Error.Code != "checklist_invalid" || len(e.Error.Fields) != 1 || e.Error.Fields[0].Field != "doc.giay_xac_nhan" {
				t.Fatalf("%s: %s", lang, r.Body)
			}
			want := map[string]string{"vi": "Chưa nhận giấy tờ bắt buộc «Giấy xác nhận tình trạng hôn nhân»",
				"en": "The required document “Giấy xác nhận tình trạng hôn nhân” is not ticked"}[lang]
			if !strings.Contains(e.Error.Fields[0].Message, want) {
				t.Errorf("%s message: %q", lang, e.Error.Fields[0].Message)
			}
		}
		if st := rec.Do("POST", "/api/v1/dossiers", body(nil), nil); st != 400 {
			t.Fatalf("no checklist at all: %d", st)
		}
		// A scan of the unticked document, in a multipart request.
		form, _ := json.Marshal(apptest.MarriageForm())
		app, _ := json.Marshal(map[string]string{"id_number": "001185006789", "full_name": "Phạm Thị Dung"})
		recv, _ := json.Marshal([]map[string]any{{"key": "to_khai", "received": true}, {"key": "giay_xac_nhan", "note": "Cán bộ tra cứu"}})
		ct, mp := apptest.Multipart(map[string]string{"procedure": apptest.Marriage, "unit": apptest.HangTrong, "form": string(form),
			"applicant": string(app), "received": string(recv)}, apptest.MarriageDocuments())
		if r := rec.Raw("POST", "/api/v1/dossiers", ct, mp, nil); r.Status != 400 || r.DecodeError(t).Error.Code != "checklist_invalid" {
			t.Fatalf("scan of an unticked document: %d %s", r.Status, r.Body)
		}
		if n := count(); n != before {
			t.Fatalf("refused intakes stored dossiers: %d, then %d", before, n)
		}

		excused := []map[string]any{{"key": "to_khai", "received": true, "copies": 1},
			{"key": "giay_xac_nhan", "note": "Cán bộ tư pháp tra cứu cơ sở dữ liệu hộ tịch"}}
		var d struct {
			Code   string `json:"code"`
			Status int    `json:"status"`
			Events []struct {
				Action string `json:"action"`
				Data   struct {
					Documents []map[string]any `json:"documents"`
				} `json:"data"`
			} `json:"events"`
		}
		if st := rec.Do("POST", "/api/v1/dossiers", body(excused), &d); st != 201 || d.Status != 2 {
			t.Fatalf("excused by a note: %d %+v", st, d)
		}
		if len(d.Events) != 1 || d.Events[0].Action != "receive" || len(d.Events[0].Data.Documents) != 2 {
			t.Fatalf("reception event: %+v", d.Events)
		}
		got := d.Events[0].Data.Documents
		if got[0]["received"] != true || got[0]["copies"] != float64(1) || got[0]["name"] != "Tờ khai" ||
			got[1]["received"] != false || got[1]["note"] != "Cán bộ tư pháp tra cứu cơ sở dữ liệu hộ tịch" {
			t.Fatalf("stored checklist: %+v", got)
		}
		// Slip 01 lists the form only.
		text := pdfText(t, rec.Raw("GET", "/api/v1/dossiers/"+d.Code+"/slips/01", "", nil, nil).Body)
		if !strings.Contains(text, "Tờ khai") || strings.Contains(text, "Giấy xác nhận tình trạng hôn nhân") {
			t.Errorf("slip 01 of the excused intake:\n%s", text)
		}
	})
}
