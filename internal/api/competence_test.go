package api_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/stats"
)

// anywhereCode is a procedure of the department that any desk may receive
// at the counter (receive_anywhere, Decree 118/2025/NĐ-CP).
const anywhereCode = "2.000488"

func importAnywhere(t *testing.T, env *apptest.Env) {
	t.Helper()
	s := apptest.Spec(anywhereCode, "Cấp Phiếu lý lịch tư pháp cho công dân", catalog.LevelProvince, "Sở Tư pháp", 10)
	s.Version.ReceiveAnywhere, s.Version.ReceiveAnywhereBasis = true, "Nghị định 118/2025/NĐ-CP"
	if rep, err := env.DB.ImportCatalogue(context.Background(), []catalog.Spec{s}); err != nil || len(rep.Rejected) > 0 {
		t.Fatalf("import: %v %v", err, rep.Rejected)
	}
}

// counterBody is a counter intake of procedure at unit, as JSON.
func counterBody(procedure, unit string) map[string]any {
	return map[string]any{"procedure": procedure, "unit": unit, "form": apptest.MarriageForm(),
		"applicant": map[string]any{"full_name": "Phạm Văn Đức", "id_number": "001085012345", "phone": "0904123456"},
		"received":  apptest.MarriageReceived()}
}

// TestTransferOnlyToCompetentUnit checks over the API on both engines that
// a transfer to a unit that does not offer the dossier's procedure is
// refused with 422 not_competent, in Vietnamese and English, and changes
// nothing; the same transfer to a unit that offers it goes through.
func TestTransferOnlyToCompetentUnit(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env) {
		rec := env.Login("ht.receptionist")
		d := env.Login(apptest.CitizenA).Submit(apptest.HangTrong)
		rec.MustAct(&d, "receive", nil)
		var before apptest.Dossier
		if st := rec.Do("GET", "/api/v1/dossiers/"+d.Code, nil, &before); st != 200 {
			t.Fatalf("get: %d", st)
		}
		if !slices.Contains(before.NextActions, "transfer") {
			t.Fatalf("the desk is not offered the transfer: %v", before.NextActions)
		}
		for _, lang := range []string{"vi", "en"} {
			rec.Lang = lang
			r := rec.Act(&d, "transfer", map[string]any{"to_unit": apptest.SoTuPhap, "reason": "Thuộc thẩm quyền của Sở"})
			e := r.DecodeError(t)
			want := map[string]string{"vi": "«Sở Tư pháp» không giải quyết thủ tục «Đăng ký kết hôn»",
				"en": `Sở Tư pháp does not offer "Đăng ký kết hôn"`}[lang]
			if r.Status != 422 || e.Error.Code != "not_competent" || !strings.Contains(e.Error.Message, want) {
				t.Fatalf("%s: transfer to a unit that does not offer the procedure: %d %s", lang, r.Status, r.Body)
			}
		}
		rec.Lang = ""
		var after apptest.Dossier
		if st := rec.Do("GET", "/api/v1/dossiers/"+d.Code, nil, &after); st != 200 {
			t.Fatalf("get: %d", st)
		}
		if after.Unit != apptest.HangTrong || after.Status != 2 || after.Version != before.Version || len(after.Events) != len(before.Events) {
			t.Fatalf("a refused transfer changed the dossier: unit %s status %d version %d→%d events %d→%d",
				after.Unit, after.Status, before.Version, after.Version, len(before.Events), len(after.Events))
		}
		// Once the department offers the procedure, the same transfer goes.
		env.OfferMarriageAlso("Sở Tư pháp")
		rec.MustAct(&d, "transfer", map[string]any{"to_unit": apptest.SoTuPhap, "reason": "Thuộc thẩm quyền của Sở"})
		if d.Unit != apptest.SoTuPhap || d.Status != 4 {
			t.Fatalf("after the transfer: unit %s status %d", d.Unit, d.Status)
		}
	})
}

// TestReceiveAnywhere checks counter intake outside the unit's competence
// over the API on both engines: a procedure any desk may receive is taken
// at a ward that does not offer it (received there, only transfer and
// withdrawal open), may not be processed there nor transferred to another
// unit that does not offer it, and goes to the department that does; the
// ward keeps it in its received count. Online, and without the flag, the
// ward still refuses it.
func TestReceiveAnywhere(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env) {
		importAnywhere(t, env)
		rec := env.Login("ht.receptionist")

		// Without the flag, and online with it, the ward does not receive.
		if r := rec.Raw("POST", "/api/v1/dossiers", "application/json", jsonBody(counterBody(apptest.CriminalRc, apptest.HangTrong)), nil); r.Status != 422 || r.DecodeError(t).Error.Code != "not_offered" {
			t.Fatalf("counter intake of a procedure the ward does not offer: %d %s", r.Status, r.Body)
		}
		form, _ := json.Marshal(apptest.MarriageForm())
		ct, body := apptest.Multipart(map[string]string{"procedure": anywhereCode, "unit": apptest.HangTrong, "form": string(form)}, apptest.MarriageDocuments())
		if r := env.Login(apptest.CitizenA).Raw("POST", "/api/v1/dossiers", ct, body, nil); r.Status != 422 || r.DecodeError(t).Error.Code != "not_offered" {
			t.Fatalf("online submission at a ward that does not offer the procedure: %d %s", r.Status, r.Body)
		}

		r := rec.Raw("POST", "/api/v1/dossiers", "application/json", jsonBody(counterBody(anywhereCode, apptest.HangTrong)), nil)
		if r.Status != 201 {
			t.Fatalf("counter intake of a receive_anywhere procedure: %d %s", r.Status, r.Body)
		}
		var d apptest.Dossier
		if err := json.Unmarshal(r.Body, &d); err != nil {
			t.Fatal(err)
		}
		var raw struct {
			Outside bool `json:"outside_competence"`
		}
		_ = json.Unmarshal(r.Body, &raw)
		if d.Unit != apptest.HangTrong || d.Status != 2 || d.Channel != "counter" || d.LegalDueAt == nil || !raw.Outside ||
			!slices.Equal(d.NextActions, []string{"transfer", "withdraw"}) {
			t.Fatalf("received: unit %s status %d channel %s due %v outside %v next %v", d.Unit, d.Status, d.Channel, d.LegalDueAt, raw.Outside, d.NextActions)
		}

		// The list offers the same actions as the dossier itself.
		var listed struct {
			Items []apptest.Dossier `json:"items"`
		}
		if st := env.Login("ht.leader").Do("GET", "/api/v1/dossiers?status=2", nil, &listed); st != 200 || len(listed.Items) != 1 ||
			!slices.Equal(listed.Items[0].NextActions, []string{"transfer"}) {
			t.Fatalf("list: %d %+v", st, listed.Items)
		}

		// The ward does not process it.
		lead := env.Login("ht.leader")
		if r := lead.Act(&d, "assign", map[string]any{"assignee": "ht.specialist"}); r.Status != 422 || r.DecodeError(t).Error.Code != "must_transfer" {
			t.Fatalf("assign at the ward: %d %s", r.Status, r.Body)
		}
		// Nor hands it to another unit that does not offer it.
		if r := rec.Act(&d, "transfer", map[string]any{"to_unit": apptest.HoanKiem, "reason": "?"}); r.Status != 422 || r.DecodeError(t).Error.Code != "not_competent" {
			t.Fatalf("transfer to the district: %d %s", r.Status, r.Body)
		}
		rec.MustAct(&d, "transfer", map[string]any{"to_unit": apptest.SoTuPhap, "reason": "Thuộc thẩm quyền của Sở Tư pháp"})
		if d.Unit != apptest.SoTuPhap || d.Status != 4 {
			t.Fatalf("after the transfer: unit %s status %d", d.Unit, d.Status)
		}
		stp := env.Login("stp.leader")
		stp.MustAct(&d, "assign", map[string]any{"assignee": "stp.specialist"})

		get := func(c *apptest.Client, unit string) stats.Report {
			t.Helper()
			var rep stats.Report
			if st := c.Do("GET", "/api/v1/stats?unit="+unit, nil, &rep); st != 200 {
				t.Fatalf("stats %s: %d", unit, st)
			}
			return rep
		}
		if ward := get(lead, apptest.HangTrong); ward.Received.Total != 1 || ward.Received.Counter != 1 || ward.InProgress.Total != 0 {
			t.Errorf("ward: received %+v in progress %+v", ward.Received, ward.InProgress)
		}
		if dep := get(stp, apptest.SoTuPhap); dep.Received.Total != 0 || dep.InProgress.Total != 1 {
			t.Errorf("department: received %+v in progress %+v", dep.Received, dep.InProgress)
		}
	})
}
