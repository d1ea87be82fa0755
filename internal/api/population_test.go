package api_test

import (
	"context"
	"testing"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/config"
	"github.com/motcua/motcua/internal/population"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestPopulationLookupOverAPI: with the demo's sandbox registry, an officer
// looks a person up for a procedure and gets the attributes; the service's
// rules answer their 4xx (no purpose, another unit, a citizen's other
// number, nobody found), each attempt is in the log; without a registry
// the answer is 503.
func TestPopulationLookupOverAPI(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.StartConfig(t, e, app.Options{}, func(c *config.Config) { c.Demo = true })
			rec, citizenA, citizenB := env.Login("ht.receptionist"), env.Login(apptest.CitizenA), env.Login(apptest.CitizenB)
			body := func(edit func(map[string]any)) map[string]any {
				b := map[string]any{"id_number": apptest.CitizenA, "full_name": "Nguyễn Văn An", "procedure": apptest.Marriage, "dossier": "D-1"}
				if edit != nil {
					edit(b)
				}
				return b
			}
			var got struct {
				RequestID  string            `json:"request_id"`
				Source     string            `json:"source"`
				Attributes map[string]string `json:"attributes"`
			}
			if st := rec.Do("POST", "/api/v1/population/lookups", body(nil), &got); st != 200 {
				t.Fatalf("lookup: %d", st)
			}
			if got.Source != "population" || len(got.RequestID) != 32 || got.Attributes["birth_date"] != "1990-03-15" ||
				got.Attributes["full_name"] != "Nguyễn Văn An" || got.Attributes["permanent_residence"] == "" || got.Attributes["spouse.full_name"] == "" {
				t.Fatalf("answer: %+v", got)
			}
			for _, c := range []struct {
				name   string
				who    *apptest.Client
				body   map[string]any
				status int
				code   string
			}{
				{"no purpose", rec, body(func(b map[string]any) { delete(b, "procedure") }), 400, population.CodeQueryInvalid},
				{"bad number", rec, body(func(b map[string]any) { b["id_number"] = "123" }), 400, population.CodeQueryInvalid},
				{"another unit", rec, body(func(b map[string]any) { b["unit"] = apptest.HangBac }), 403, population.CodeNoRole},
				{"nobody so", rec, body(func(b map[string]any) { b["full_name"] = "Nguyễn Văn Anh" }), 404, population.CodeNotFound},
				{"citizen, another number", citizenA, body(func(b map[string]any) { b["id_number"] = apptest.CitizenB }), 403, population.CodeNotOwn},
				{"unverified citizen", citizenB, body(func(b map[string]any) { b["id_number"], b["full_name"] = apptest.CitizenB, "Trần Thị Bình" }), 403, population.CodeNotOwn},
			} {
				r := c.who.Raw("POST", "/api/v1/population/lookups?lang=en", "application/json", jsonBody(c.body), nil)
				e := r.DecodeError(t)
				if r.Status != c.status || e.Error.Code != c.code || e.Error.Message == "" {
					t.Errorf("%s: %d %s %q, want %d %s", c.name, r.Status, e.Error.Code, e.Error.Message, c.status, c.code)
				}
			}
			if st := citizenA.Do("POST", "/api/v1/population/lookups", body(nil), &got); st != 200 || got.Attributes["id_number"] != apptest.CitizenA {
				t.Errorf("citizen's own lookup: %d %+v", st, got)
			}
			if st := rec.Do("POST", "/api/v1/population/lookups", map[string]any{"id_number": apptest.CitizenA, "extra": 1}, nil); st != 400 {
				t.Errorf("unknown field: %d", st)
			}
			lines, _, err := env.DB.Lookups(context.Background(), store.LookupFilter{})
			if err != nil || len(lines) != 8 {
				t.Fatalf("log: %d lines (%v)", len(lines), err)
			}
			if l := lines[len(lines)-1]; l.Outcome != population.OutcomeFound || l.DossierCode != "D-1" || l.UnitCode != apptest.HangTrong || l.OfficerCode != "ht.receptionist" {
				t.Errorf("first line: %+v", l)
			}
		})
	}
	plain := apptest.Start(t, storetest.Engines[0], app.Options{})
	r := plain.Login("ht.receptionist").Raw("POST", "/api/v1/population/lookups", "application/json",
		jsonBody(map[string]any{"id_number": apptest.CitizenA, "full_name": "Nguyễn Văn An", "procedure": apptest.Marriage}), nil)
	if e := r.DecodeError(t); r.Status != 503 || e.Error.Code != population.CodeNotConfigured {
		t.Errorf("not configured: %d %s", r.Status, e.Error.Code)
	}
}
