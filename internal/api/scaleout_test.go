package api_test

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/motcua/motcua/internal/app/apptest"
)

// TestTwoServersShareOneStore runs two server processes' worth of state
// (each its own pools, caches and group-commit workers) on one store:
// codes stay unique, tokens, idempotency keys and the calendar are shared.
func TestTwoServersShareOneStore(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env) {
		srv2 := env.SecondServer()
		// A token issued by server 1 is honoured by server 2.
		a1 := env.Login(apptest.CitizenA)
		b1 := env.Login(apptest.CitizenB)
		env2 := *env
		env2.URL = srv2.URL
		a2c, b2c := env2.WithToken(a1.Token), env2.WithToken(b1.Token)
		a2c.HTTP, b2c.HTTP = srv2.Client(), srv2.Client()
		const n = 200
		codes := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := []*apptest.Client{a1, b1, a2c, b2c}[i%4]
				ct, body := apptest.SubmitBody(apptest.HangTrong)
				r := c.Raw("POST", "/api/v1/dossiers", ct, body, nil)
				var d apptest.Dossier
				if r.Status != 201 || json.Unmarshal(r.Body, &d) != nil {
					t.Errorf("submission %d: %d %s", i, r.Status, r.Body)
					return
				}
				codes[i] = d.Code
			}()
		}
		wg.Wait()
		if t.Failed() {
			for _, l := range strings.Split(env.Logs.String(), "\n") {
				if strings.Contains(l, "ERROR") {
					t.Log(l)
					break
				}
			}
		}
		seen := map[string]bool{}
		for _, c := range codes {
			if c == "" || seen[c] {
				t.Fatalf("missing or duplicate code %q", c)
			}
			seen[c] = true
		}
		// An idempotent retry that lands on the other server gets the first answer.
		h := map[string]string{"Idempotency-Key": "mobile-retry-1"}
		retry := map[string]string{"procedure": "1.000894", "unit": apptest.HangTrong, "form": `{"chong_ho_ten":"C","vo_ho_ten":"D"}`}
		ct1, body1 := apptest.Multipart(retry, apptest.MarriageDocuments())
		ct2, body2 := apptest.Multipart(retry, apptest.MarriageDocuments())
		r1 := a1.Raw("POST", "/api/v1/dossiers", ct1, body1, h)
		r2 := a2c.Raw("POST", "/api/v1/dossiers", ct2, body2, h)
		var d1, d2 apptest.Dossier
		_ = json.Unmarshal(r1.Body, &d1)
		_ = json.Unmarshal(r2.Body, &d2)
		if r1.Status != 201 || r2.Status != 201 || d1.Code != d2.Code || r2.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("cross-server retry: %d %d %q %q", r1.Status, r2.Status, d1.Code, d2.Code)
		}
		// A calendar change made through server 1 moves server 2's deadlines.
		admin := env.Login("city.admin")
		anon2 := env2.Anon()
		anon2.HTTP = srv2.Client()
		var due struct {
			DueAt string `json:"due_at"`
		}
		anon2.Do("GET", "/api/v1/calendar/due?from=2025-04-25T09:00:00%2B07:00&amount=3", nil, &due)
		before := due.DueAt
		if st := admin.Do("PUT", "/api/v1/calendar/overrides/2025-04-28", map[string]string{"kind": "off", "reason": "Nghỉ đột xuất"}, nil); st != 200 {
			t.Fatalf("override: %d", st)
		}
		anon2.Do("GET", "/api/v1/calendar/due?from=2025-04-25T09:00:00%2B07:00&amount=3", nil, &due)
		if before != "2025-05-02T17:00:00+07:00" || due.DueAt != "2025-05-05T17:00:00+07:00" {
			t.Fatalf("server 2 due before %s after %s", before, due.DueAt)
		}
	})
}
