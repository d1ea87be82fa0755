package cli_test

import (
	"context"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/store"
)

func TestAuditVerify(t *testing.T) {
	eachEngine(t, func(t *testing.T, e store.Dialect) {
		env := apptest.Start(t, e, app.Options{})
		citizen := env.Login(apptest.CitizenA)
		edited, deleted, intact := citizen.Submit(apptest.HangTrong), citizen.Submit(apptest.HangTrong), citizen.Submit(apptest.HangTrong)
		rec := env.Login("ht.receptionist")
		rec.MustAct(&edited, "receive", nil)
		rec.MustAct(&deleted, "receive", nil)

		r := mustRun(t, "", "audit", "verify", "--db", env.DSN)
		if !strings.Contains(r.stdout, "OK: 3 dossiers, 5 events") {
			t.Fatalf("untouched store: %q", r.stdout)
		}
		r = mustRun(t, "", "audit", "anchor", "--db", env.DSN)
		if !strings.HasPrefix(r.stdout, "anchor 1 at ") || !strings.Contains(r.stdout, "3 dossiers, 5 events") {
			t.Fatalf("anchor: %q", r.stdout)
		}

		raw := rawDB(t, e, env.DSN)
		steps := []struct {
			name, q, code string
			want          []string
		}{
			{"edited", `UPDATE events SET note = 'sửa lại' WHERE seq = 1 AND dossier_id = (SELECT id FROM dossiers WHERE code = $1)`, edited.Code,
				[]string{edited.Code + ": event 1 does not match its hash"}},
			{"deleted", `DELETE FROM events WHERE seq = 2 AND dossier_id = (SELECT id FROM dossiers WHERE code = $1)`, deleted.Code,
				[]string{edited.Code + ": event 1 does not match its hash", deleted.Code + ": the dossier records 2 events", "-: anchor 1 "}},
		}
		for _, s := range steps {
			if _, err := raw.ExecContext(context.Background(), s.q, s.code); err != nil {
				t.Fatal(err)
			}
			r := run(t, "", "audit", "verify", "--db", env.DSN)
			if r.code != 1 || !strings.Contains(r.stdout, "CHANGED: ") {
				t.Fatalf("%s: exit %d: %s %s", s.name, r.code, r.stdout, r.stderr)
			}
			for _, w := range s.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("%s: output lacks %q:\n%s", s.name, w, r.stdout)
				}
			}
			if strings.Contains(r.stdout, intact.Code) {
				t.Errorf("%s: the intact dossier is named:\n%s", s.name, r.stdout)
			}
		}
	})
}
