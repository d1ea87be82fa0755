package api_test

import (
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
			"applicant": map[string]string{"id_number": "001185006789", "full_name": "Phạm Thị Dung"}}
		if st := rec.Do("POST", "/api/v1/dossiers", counter, nil); st != 201 {
			t.Fatalf("counter intake: %d", st)
		}
	})
}
