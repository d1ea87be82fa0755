package config

import (
	"flag"
	"strings"
	"testing"
	"time"
)

func TestSelfRegistrationDefault(t *testing.T) {
	for _, tc := range []struct {
		set  string
		demo bool
		want bool
	}{
		{"", false, false}, {"", true, true}, {"on", false, true}, {"off", true, false},
	} {
		c := Config{SelfRegistration: tc.set, Demo: tc.demo}
		if got := c.SelfRegistrationOn(); got != tc.want {
			t.Errorf("set %q demo %v: %v, want %v", tc.set, tc.demo, got, tc.want)
		}
	}
}

func TestValidateSecuritySettings(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want string // "" = valid
	}{
		{"defaults", func(*Config) {}, ""},
		{"self-registration typo", func(c *Config) { c.SelfRegistration = "yes" }, "--self-registration"},
		{"bad proxy", func(c *Config) { c.TrustedProxies = "10.0.0.0/99" }, "--trusted-proxies"},
		{"good proxies", func(c *Config) { c.TrustedProxies = "10.0.0.0/8,127.0.0.1" }, ""},
		{"metrics on the public address", func(c *Config) { c.MetricsAddr = c.Addr }, "--metrics-addr"},
		{"metrics elsewhere", func(c *Config) { c.MetricsAddr = "127.0.0.1:9090" }, ""},
		{"consultations in 10 days", func(c *Config) { c.ConsultDays = 10 }, ""},
		{"consultations in no time", func(c *Config) { c.ConsultDays = 0 }, "--consult-days"},
		{"consultations in 31 days", func(c *Config) { c.ConsultDays = 31 }, "--consult-days"},
		{"e-ID without a client", func(c *Config) { c.OIDC.Issuer = "https://id.example" }, "--oidc-client-id"},
		{"e-ID", func(c *Config) { c.OIDC = OIDC{Issuer: "https://id.example", ClientID: "motcua"} }, ""},
		{"staff SSO without a client", func(c *Config) { c.StaffOIDC.Issuer = "https://sso.example" }, "--staff-oidc-client-id"},
		{"staff passwords off without SSO", func(c *Config) { c.StaffPasswordLogin = "off" }, "--staff-password-login off needs"},
		{"staff passwords typo", func(c *Config) { c.StaffPasswordLogin = "no" }, "--staff-password-login must be"},
		{"staff passwords off with SSO", func(c *Config) {
			c.StaffPasswordLogin, c.StaffOIDC = "off", OIDC{Issuer: "https://sso.example", ClientID: "motcua"}
		}, ""},
	} {
		c := Default()
		tc.edit(&c)
		err := c.Validate()
		if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	c := Default()
	c.BaseURL = "https://dvc.example.vn"
	if !c.HTTPS() {
		t.Error("https base URL not seen")
	}
}

// TestValidatePopulation: the lookup's URL, credentials and timeout.
func TestValidatePopulation(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    Population
		want string // "" = valid
	}{
		{"off", Population{}, ""},
		{"https with a token", Population{URL: "https://lgsp.example.vn/dancu/tracuu", Token: "t"}, ""},
		{"http with a user", Population{URL: "http://10.0.0.5:8080/tracuu", User: "u", Password: "p"}, ""},
		{"not a URL", Population{URL: "lgsp.example.vn"}, "--population-url must be"},
		{"ftp", Population{URL: "ftp://lgsp.example.vn/x"}, "--population-url must be"},
		{"token without URL", Population{Token: "t"}, "without --population-url"},
		{"password without user", Population{URL: "https://x.example", Password: "p"}, "--population-password needs"},
		{"header with a colon", Population{URL: "https://x.example", TokenHeader: "X-Key: a"}, "header name"},
		{"negative timeout", Population{URL: "https://x.example", Timeout: -1}, "--population-timeout"},
	} {
		c := Default()
		c.Population = tc.p
		err := c.Validate()
		if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
		if err == nil && c.Population.Timeout == 0 {
			t.Errorf("%s: no default timeout", tc.name)
		}
	}
	c := Default()
	c.Population.URL = "https://u:secret@x.example/%zz"
	if err := c.Validate(); err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("bad URL with a credential: %v", err)
	}
}

// TestPopulationFlagsAndEnv: the settings come from MOTCUA_POPULATION_*
// and the flags override them.
func TestPopulationFlagsAndEnv(t *testing.T) {
	t.Setenv("MOTCUA_POPULATION_URL", "https://lgsp.example.vn/dancu")
	t.Setenv("MOTCUA_POPULATION_TOKEN", "from-env")
	t.Setenv("MOTCUA_POPULATION_INTEGRATION_CODE", "HNI-MC")
	t.Setenv("MOTCUA_POPULATION_TIMEOUT", "3s")
	c := Default()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.ServeFlags(fs)
	if err := fs.Parse([]string{"--population-token", "from-flag", "--population-token-header", "X-Api-Key"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	want := Population{URL: "https://lgsp.example.vn/dancu", Token: "from-flag", TokenHeader: "X-Api-Key", IntegrationCode: "HNI-MC", Timeout: 3 * time.Second}
	if c.Population != want {
		t.Errorf("population = %+v, want %+v", c.Population, want)
	}
}
