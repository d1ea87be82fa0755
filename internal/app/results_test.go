package app_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/config"
	"github.com/motcua/motcua/internal/result"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestUploadedResults: a result file uploaded with an action is checked:
// a signed PDF altered after signing is refused and nothing changes; a
// signed one is kept byte for byte; an unsigned one uploaded with the
// leader's decision is signed with the unit's key and stored signed.
func TestUploadedResults(t *testing.T) {
	env := apptest.StartConfig(t, storetest.Engines[0], app.Options{}, func(c *config.Config) { c.Demo = true })
	lead, spec := env.Login("ht.leader"), env.Login("ht.specialist")
	processing := func() apptest.Dossier {
		d := env.Login(apptest.CitizenA).Submit(apptest.HangTrong)
		env.Login("ht.receptionist").MustAct(&d, "receive", nil)
		lead.MustAct(&d, "assign", map[string]any{"assignee": "ht.specialist"})
		return d
	}
	// act posts an action with a result file, as multipart.
	act := func(c *apptest.Client, d *apptest.Dossier, action string, pdf []byte) apptest.Response {
		t.Helper()
		cmd, _ := json.Marshal(map[string]any{"action": action, "version": d.Version,
			"result": map[string]any{"number": "20/2026/KQ", "summary": "Đồng ý", "granted": true}})
		ct, body := apptest.Multipart(map[string]string{"command": string(cmd)}, []apptest.File{{Field: "result", Name: "ket-qua.pdf", Content: pdf}})
		r := c.Raw("POST", "/api/v1/dossiers/"+d.Code+"/actions", ct, body, nil)
		if r.Status == 200 {
			_ = json.Unmarshal(r.Body, d)
		}
		return r
	}
	// resultFile reads the dossier's last result document.
	resultFile := func(d apptest.Dossier) []byte {
		t.Helper()
		var got struct {
			Documents []struct {
				ID   int64  `json:"id"`
				Kind string `json:"kind"`
			} `json:"documents"`
		}
		if st := lead.Do("GET", "/api/v1/dossiers/"+d.Code, nil, &got); st != 200 {
			t.Fatalf("reading %s: %d", d.Code, st)
		}
		var id int64
		for _, doc := range got.Documents {
			if doc.Kind == "result" {
				id = doc.ID
			}
		}
		if id == 0 {
			t.Fatalf("%s has no result document", d.Code)
		}
		r := lead.Raw("GET", "/api/v1/dossiers/"+d.Code+"/documents/"+strconv.FormatInt(id, 10), "", nil, nil)
		if r.Status != 200 {
			t.Fatalf("the result of %s: %d", d.Code, r.Status)
		}
		return r.Body
	}
	sum := func(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

	// A result the platform signed.
	d1 := processing()
	lead.MustAct(&d1, "finish", map[string]any{"result": map[string]any{"number": "19/2026/KQ", "summary": "Đồng ý", "granted": true}})
	signed := resultFile(d1)

	// Altered after signing: refused, nothing changes.
	d2 := processing()
	altered := append([]byte(nil), signed...)
	altered[len(altered)/3] ^= 0x01
	if r := act(spec, &d2, "draft_result", altered); r.Status != 422 || !strings.Contains(string(r.Body), "result_signature_invalid") {
		t.Fatalf("an altered signed result: %d %s", r.Status, r.Body)
	}
	// Signed and intact: kept byte for byte.
	if r := act(spec, &d2, "draft_result", signed); r.Status != 200 {
		t.Fatalf("a signed result: %d %s", r.Status, r.Body)
	}
	if got := resultFile(d2); sum(got) != sum(signed) {
		t.Fatal("a signed result was not kept as uploaded")
	}

	// Unsigned, with the decision: signed with the ward's key.
	d3 := processing()
	plain, err := result.RenderResult(result.Metadata{Number: "21/2026/KQ", Title: "Giấy xác nhận", Agency: "Phường Hàng Trống",
		IssueDate: time.Now()}, []string{"Nội dung xác nhận."}, "")
	if err != nil {
		t.Fatal(err)
	}
	if r := act(lead, &d3, "finish", plain); r.Status != 200 {
		t.Fatalf("finish with an unsigned result: %d %s", r.Status, r.Body)
	}
	stored := resultFile(d3)
	if sum(stored) == sum(plain) {
		t.Fatal("the unsigned result was stored unsigned")
	}
	if out := apptest.PDFSig(t, stored); !strings.Contains(out, "Signature is Valid") || !strings.Contains(out, "Phường Hàng Trống") {
		t.Fatalf("pdfsig on the signed upload:\n%s", out)
	}
}
