package api_test

import (
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
