package config

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Population is the population-database lookup through the integration
// platform (population.Client); off while URL is empty.
type Population struct {
	// URL is the platform's lookup endpoint.
	URL string
	// Token is the platform's access token, sent in TokenHeader (empty:
	// "Authorization: Bearer <token>").
	Token, TokenHeader string
	// User and Password, when User is set, are sent as basic
	// authentication.
	User, Password string
	// IntegrationCode is the deployment's code on the platform (MaTichHop).
	IntegrationCode string
	// EnvelopeField is the member of a JSON object answer holding the XML;
	// empty means a bare JSON string.
	EnvelopeField string
	// Timeout bounds one lookup.
	Timeout time.Duration
}

// DefaultPopulationTimeout bounds a lookup when no --population-timeout is
// given: a person waits at the counter.
const DefaultPopulationTimeout = 10 * time.Second

// populationFlags registers the --population-* flags.
func (c *Config) populationFlags(fs *flag.FlagSet) {
	p := &c.Population
	fs.StringVar(&p.URL, "population-url", envOr("POPULATION_URL", p.URL), "lookup endpoint of the population database on the integration platform; lookups are off without it (env MOTCUA_POPULATION_URL)")
	fs.StringVar(&p.Token, "population-token", envOr("POPULATION_TOKEN", p.Token), "access token of the integration platform (env MOTCUA_POPULATION_TOKEN)")
	fs.StringVar(&p.TokenHeader, "population-token-header", envOr("POPULATION_TOKEN_HEADER", p.TokenHeader), "header carrying the token (env MOTCUA_POPULATION_TOKEN_HEADER; default Authorization: Bearer)")
	fs.StringVar(&p.User, "population-user", envOr("POPULATION_USER", p.User), "user for basic authentication at the platform (env MOTCUA_POPULATION_USER)")
	fs.StringVar(&p.Password, "population-password", envOr("POPULATION_PASSWORD", p.Password), "password for basic authentication at the platform (env MOTCUA_POPULATION_PASSWORD)")
	fs.StringVar(&p.IntegrationCode, "population-integration-code", envOr("POPULATION_INTEGRATION_CODE", p.IntegrationCode), "the deployment's integration code at the platform, MaTichHop (env MOTCUA_POPULATION_INTEGRATION_CODE)")
	fs.StringVar(&p.EnvelopeField, "population-envelope-field", envOr("POPULATION_ENVELOPE_FIELD", p.EnvelopeField), "member of the JSON answer holding the XML envelope; empty: the answer is a JSON string (env MOTCUA_POPULATION_ENVELOPE_FIELD)")
	fs.DurationVar(&p.Timeout, "population-timeout", envDuration("POPULATION_TIMEOUT", p.Timeout), "longest wait for one lookup (env MOTCUA_POPULATION_TIMEOUT; default 10s)")
}

func envDuration(name string, def time.Duration) time.Duration {
	if v, ok := env(name); ok {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
	}
	return def
}

// validatePopulation checks the --population-* settings and fills the
// timeout's default.
func (c *Config) validatePopulation() []error {
	p := &c.Population
	if p.Timeout == 0 {
		p.Timeout = DefaultPopulationTimeout
	}
	var errs []error
	if p.Timeout < 0 || p.Timeout > 5*time.Minute {
		errs = append(errs, fmt.Errorf("--population-timeout must be between 0 and 5m, got %s", p.Timeout))
	}
	if p.URL == "" {
		if p.Token != "" || p.User != "" {
			errs = append(errs, errors.New("--population-token or --population-user without --population-url"))
		}
		return errs
	}
	u, err := url.Parse(p.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// The URL is not echoed: it may hold a credential.
		errs = append(errs, errors.New("--population-url must be an http or https URL"))
	}
	if p.Password != "" && p.User == "" {
		errs = append(errs, errors.New("--population-password needs --population-user"))
	}
	if strings.ContainsAny(p.TokenHeader, " :\r\n") {
		errs = append(errs, errors.New("--population-token-header must be a header name"))
	}
	return errs
}
