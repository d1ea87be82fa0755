package app_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/config"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/population"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestDemoSandboxPopulation: with --demo and no --population-url, motcua
// serves its sandbox registry under /sandbox/dan-cu, labelled as such, and
// its population service is the platform's client pointed there over
// HTTP: a lookup finds the demo citizen, the desk's lookup fills the
// intake form, and both are logged. Without --demo there is neither.
func TestDemoSandboxPopulation(t *testing.T) {
	env := apptest.StartConfig(t, storetest.Engines[0], app.Options{}, func(c *config.Config) { c.Demo = true })
	res, err := http.Get(env.URL + "/sandbox/dan-cu")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(b), "MÔI TRƯỜNG THỬ NGHIỆM — không phải Cơ sở dữ liệu quốc gia về dân cư") ||
		!strings.Contains(string(b), "Lê Thị Cúc") || !strings.Contains(string(b), "02/09/1999") {
		t.Fatalf("sandbox page: %d\n%s", res.StatusCode, b)
	}
	// An unauthenticated lookup is refused by the sandbox.
	res, err = http.Post(env.URL+"/sandbox/dan-cu", "application/json", strings.NewReader(`{"SoDinhDanh":"001090001234","MaDVC":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("lookup without the token: %d", res.StatusCode)
	}

	pop := env.App.Population
	cl, ok := pop.Registry.(*population.Client)
	if !ok || cl.URL != env.URL+"/sandbox/dan-cu" || cl.Token == "" || !pop.Enabled() {
		t.Fatalf("demo registry: %#v", pop.Registry)
	}
	ctx := context.Background()
	u, err := env.DB.UnitByCode(ctx, apptest.HangTrong)
	if err != nil {
		t.Fatal(err)
	}
	who := population.Requester{AccountID: 1, Name: "Cán bộ", Kind: population.KindOfficer, UnitID: u.ID, UnitCode: u.Code,
		UnitPath: u.Path, Roles: []org.Role{org.RoleReceptionist}, OfficerCode: "ht.receptionist"}
	c, err := pop.Lookup(ctx, who, population.Query{IDNumber: "001199012345", FullName: "Lê Thị Cúc", ServiceCode: apptest.Marriage}, "")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := c.Attribute("birth_date"); v != "1999-09-02" {
		t.Errorf("birth date %q: not the e-ID sandbox's", v)
	}
	if v, _ := c.Attribute("permanent_residence"); !strings.Contains(v, "Thành phố Hà Nội") {
		t.Errorf("residence %q", v)
	}

	// The desk's button, through the same client.
	br := env.Browser()
	form := url.Values{"username": {"ht.receptionist"}, "password": {apptest.Password}}
	if p := br.Do("POST", "/dang-nhap", form, br.SameSite()); p.Status != http.StatusSeeOther {
		t.Fatalf("login: %d", p.Status)
	}
	p := br.PostMultipart("/can-bo/tiep-nhan/truc-tiep", map[string]string{"thu-tuc": apptest.Marriage, "outcome": "lookup",
		"applicant.id_number": apptest.CitizenA, "applicant.full_name": "Nguyễn Văn An"}, nil, br.SameSite())
	if p.Status != 200 || !strings.Contains(p.Body, "sinh ngày 15/03/1990") || !strings.Contains(p.Body, `id="source-applicant.full_name"`) {
		t.Fatalf("desk lookup: %d\n%s", p.Status, p.Body)
	}
	lines, _, err := env.DB.Lookups(ctx, store.LookupFilter{Outcome: population.OutcomeFound})
	if err != nil || len(lines) != 2 || lines[0].IDNumber != apptest.CitizenA || lines[1].IDNumber != "001199012345" {
		t.Fatalf("log: %+v %v", lines, err)
	}

	plain := apptest.Start(t, storetest.Engines[0], app.Options{})
	res, err = http.Get(plain.URL + "/sandbox/dan-cu")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound || plain.App.Population.Enabled() {
		t.Fatalf("without --demo: sandbox %d, lookups enabled %v", res.StatusCode, plain.App.Population.Enabled())
	}
}
