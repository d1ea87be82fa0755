package backoffice_test

import (
	"context"
	"database/sql"
	"net/http"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestTamperedHistoryWarning: a dossier whose events were changed in the
// database shows a warning on its page, in Vietnamese and in English; an
// intact one does not.
func TestTamperedHistoryWarning(t *testing.T) {
	cases := []struct {
		name, q string
	}{
		{"edited", `UPDATE events SET actor_name = 'Người khác' WHERE dossier_id = (SELECT id FROM dossiers WHERE code = $1)`},
		{"deleted", `DELETE FROM events WHERE seq = 2 AND dossier_id = (SELECT id FROM dossiers WHERE code = $1)`},
	}
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			citizen := env.Login(apptest.CitizenA)
			rec := env.Login("ht.receptionist")
			intact := citizen.Submit(apptest.HangTrong)
			b := login(t, env, "ht.receptionist")
			for _, c := range cases {
				d := citizen.Submit(apptest.HangTrong)
				rec.MustAct(&d, "receive", nil)
				p := b.get("/can-bo/ho-so/" + d.Code)
				if want(t, c.name+" before", p, http.StatusOK); strings.Contains(p.body, `id="tampered"`) {
					t.Fatalf("%s: warning before any change", c.name)
				}
				err := env.DB.WriteTx(context.Background(), func(tx *sql.Tx) error {
					_, err := tx.Exec(c.q, d.Code)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				want(t, c.name, b.get("/can-bo/ho-so/"+d.Code), http.StatusOK,
					`id="tampered"`, "Cảnh báo: quá trình xử lý của hồ sơ này đã bị sửa hoặc xóa trực tiếp trong cơ sở dữ liệu.")
				want(t, c.name+" in English", b.get("/can-bo/ho-so/"+d.Code+"?lang=en"), http.StatusOK,
					"Warning: this dossier's history was changed or deleted directly in the database.")
				b.get("/can-bo/ho-so/" + d.Code + "?lang=vi")
			}
			if p := b.get("/can-bo/ho-so/" + intact.Code); p.status != http.StatusOK || strings.Contains(p.body, `id="tampered"`) {
				t.Fatalf("intact dossier: %d, warning shown: %v", p.status, strings.Contains(p.body, `id="tampered"`))
			}
		})
	}
}
