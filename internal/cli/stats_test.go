package cli_test

import (
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/cli"
	"github.com/motcua/motcua/internal/store"
)

func TestStatsRebuild(t *testing.T) {
	eachEngine(t, func(t *testing.T, e store.Dialect) {
		env := apptest.Start(t, e, app.Options{})
		citizen := env.Login(apptest.CitizenA)
		a, b := citizen.Submit(apptest.HangTrong), citizen.Submit(apptest.HangTrong)
		citizen.Submit(apptest.HangTrong) // not received: not counted
		rec := env.Login("ht.receptionist")
		rec.MustAct(&a, "receive", nil)
		rec.MustAct(&b, "receive", nil)

		r := mustRun(t, "", "stats", "rebuild", "--db", env.DSN)
		if !strings.HasPrefix(r.stdout, "OK: summary rebuilt from 2 counted dossiers") {
			t.Fatalf("rebuild: %q", r.stdout)
		}
	})
}

func TestStatsUsage(t *testing.T) {
	for _, args := range [][]string{{"stats"}, {"stats", "rebuilt"}} {
		var out, errw strings.Builder
		if code := cli.Run(t.Context(), append([]string{"motcua"}, args...), cli.Env{Stdout: &out, Stderr: &errw}); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
