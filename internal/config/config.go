// Package config holds the settings of a motcua process, filled from
// command-line flags and MOTCUA_* environment variables and checked at start.
package config

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/files"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/web"
)

// Config is every setting of a server process.
type Config struct {
	Addr     string
	DB       string
	Demo     bool
	FilesDir string
	// FilesSync is how the file store makes a round of writes durable:
	// "syncfs" or "fsync" (files.NewLocalSync).
	FilesSync    string
	AgencySuffix string // last block of agency identifiers, e.g. "H26"
	LogLevel     string
	MaxFileMB    int
	MaxDossierMB int
	// BaseURL is where citizens reach the portal (QR codes, e-mails).
	BaseURL string
	// SelfRegistration is "on", "off" or "" (on with --demo, else off):
	// whether citizens may open accounts with a password.
	SelfRegistration string
	// TrustedProxies are the CIDRs whose X-Forwarded-For/-Proto are
	// believed, comma-separated.
	TrustedProxies string
	// MetricsAddr, when set, is where /metrics is served (never on Addr).
	MetricsAddr string
	// DBReplica is a PostgreSQL hot standby that takes the report queries.
	DBReplica string
	// SQLiteMmapMB sizes each SQLite connection's memory map (MiB).
	SQLiteMmapMB int
	// SQLiteReadCacheMB sizes each SQLite read connection's page cache (MiB).
	SQLiteReadCacheMB int
	// ConsultDays is the time a consulted unit is given to answer, in
	// working days, when the officer asking gives none.
	ConsultDays int
	// OIDC is the citizens' national e-ID (or the city's) OpenID provider;
	// off while its issuer is empty.
	OIDC OIDC
	// StaffOIDC is the city's single sign-on for officers; StaffClaim the
	// claims carrying their motcua username (comma-separated).
	StaffOIDC  OIDC
	StaffClaim string
	// StaffPasswordLogin is "on" (the default) or "off".
	StaffPasswordLogin string
	// Population is the population-database lookup (config/population.go).
	Population Population
	// VNPay is the VNPay merchant account (payments.go).
	VNPay VNPay
	// Paygov is the national payment platform (payments.go).
	Paygov Paygov
	// Signing is the units' keys for electronic results (payments.go).
	Signing Signing
	// Notices, DVCQG and Jobs are what leaves the building (outbound.go).
	Notices Notices
	DVCQG   DVCQG
	Jobs    Jobs
}

// OIDC is an OpenID Connect provider's relying-party settings. The claim
// lists are comma-separated names tried in order; empty keeps the e-ID's
// names, then the standard ones (eid.DefaultClaims).
type OIDC struct {
	Issuer, ClientID, ClientSecret, Scopes               string
	ClaimIDNumber, ClaimName, ClaimBirth, ClaimAssurance string
}

// List splits a comma- or space-separated setting.
func List(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })
}

// SelfRegistrationOn reports whether self-registration is on: as set, or
// by default only for the demo (production citizens come through the
// national e-ID, and an account anyone can open for any ID number is a
// squatting risk).
func (c Config) SelfRegistrationOn() bool {
	switch c.SelfRegistration {
	case "on":
		return true
	case "off":
		return false
	}
	return c.Demo
}

// HTTPS reports whether the public address is https: cookies are then
// Secure and HSTS is sent.
func (c Config) HTTPS() bool { return strings.HasPrefix(strings.ToLower(c.BaseURL), "https://") }

// Default returns the defaults: SQLite in ./data, local files, demo off.
func Default() Config {
	return Config{
		Addr:              "127.0.0.1:8080",
		DB:                "sqlite:data/motcua.db",
		FilesDir:          "data/files",
		FilesSync:         files.SyncFSMode,
		AgencySuffix:      "H26",
		LogLevel:          "info",
		MaxFileMB:         10,
		MaxDossierMB:      50,
		ConsultDays:       dossier.DefaultConsultDays,
		SQLiteMmapMB:      store.DefaultSQLiteMmapMB,
		SQLiteReadCacheMB: store.DefaultSQLiteReadCacheMB,
	}
}

// env reads MOTCUA_<NAME>.
func env(name string) (string, bool) {
	return os.LookupEnv("MOTCUA_" + name)
}

// StoreFlags registers the flags every command that opens the store needs.
func (c *Config) StoreFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.DB, "db", envOr("DB", c.DB), "database: sqlite:PATH or postgres://… (env MOTCUA_DB)")
	fs.StringVar(&c.AgencySuffix, "agency-suffix", envOr("AGENCY_SUFFIX", c.AgencySuffix), "last block of the deployment's agency identifiers (env MOTCUA_AGENCY_SUFFIX)")
	fs.StringVar(&c.LogLevel, "log-level", envOr("LOG_LEVEL", c.LogLevel), "debug, info, warn or error (env MOTCUA_LOG_LEVEL)")
}

// ServeFlags registers the flags of the serve command.
func (c *Config) ServeFlags(fs *flag.FlagSet) {
	c.StoreFlags(fs)
	fs.IntVar(&c.SQLiteMmapMB, "sqlite-mmap-mb", envInt("SQLITE_MMAP_MB", c.SQLiteMmapMB), "SQLite: MiB of the database file each connection maps; 0 for none (env MOTCUA_SQLITE_MMAP_MB; RSS counts mapped pages once per connection, see docs/scaling.md)")
	fs.IntVar(&c.SQLiteReadCacheMB, "sqlite-read-cache-mb", envInt("SQLITE_READ_CACHE_MB", c.SQLiteReadCacheMB), "SQLite: MiB of page cache each read connection keeps (env MOTCUA_SQLITE_READ_CACHE_MB; see docs/scaling.md)")
	fs.StringVar(&c.DBReplica, "db-replica", envOr("DB_REPLICA", c.DBReplica), "read-only PostgreSQL replica (postgres://…) for statistics, reports and dashboards (env MOTCUA_DB_REPLICA; default: the primary)")
	fs.StringVar(&c.Addr, "addr", envOr("ADDR", c.Addr), "listen address (env MOTCUA_ADDR)")
	fs.BoolVar(&c.Demo, "demo", envBool("DEMO", c.Demo), "load Hà Nội demo data into an empty store (env MOTCUA_DEMO)")
	c.FilesFlag(fs)
	fs.IntVar(&c.MaxFileMB, "max-file-mb", envInt("MAX_FILE_MB", c.MaxFileMB), "largest accepted file, MB (env MOTCUA_MAX_FILE_MB)")
	fs.IntVar(&c.MaxDossierMB, "max-dossier-mb", envInt("MAX_DOSSIER_MB", c.MaxDossierMB), "largest total of one dossier's files, MB (env MOTCUA_MAX_DOSSIER_MB)")
	fs.StringVar(&c.BaseURL, "base-url", envOr("BASE_URL", c.BaseURL), "public URL of the portal, for QR codes (env MOTCUA_BASE_URL; default http://ADDR)")
	fs.StringVar(&c.SelfRegistration, "self-registration", envOr("SELF_REGISTRATION", c.SelfRegistration), "on or off: citizens open accounts with a password (env MOTCUA_SELF_REGISTRATION; default on with --demo, else off)")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", envOr("TRUSTED_PROXIES", c.TrustedProxies), "CIDRs of reverse proxies whose X-Forwarded-For/-Proto are believed, comma-separated (env MOTCUA_TRUSTED_PROXIES)")
	fs.IntVar(&c.ConsultDays, "consult-days", envInt("CONSULT_DAYS", c.ConsultDays), "working days a consulted unit has to answer, unless the officer says otherwise (env MOTCUA_CONSULT_DAYS)")
	fs.StringVar(&c.OIDC.Issuer, "oidc-issuer", envOr("OIDC_ISSUER", c.OIDC.Issuer), "issuer URL of the citizens' e-ID OpenID provider; the e-ID login is off without it (env MOTCUA_OIDC_ISSUER)")
	fs.StringVar(&c.OIDC.ClientID, "oidc-client-id", envOr("OIDC_CLIENT_ID", c.OIDC.ClientID), "motcua's client id at the e-ID provider (env MOTCUA_OIDC_CLIENT_ID)")
	fs.StringVar(&c.OIDC.ClientSecret, "oidc-client-secret", envOr("OIDC_CLIENT_SECRET", c.OIDC.ClientSecret), "motcua's client secret at the e-ID provider (env MOTCUA_OIDC_CLIENT_SECRET)")
	fs.StringVar(&c.OIDC.Scopes, "oidc-scopes", envOr("OIDC_SCOPES", c.OIDC.Scopes), "scopes asked besides openid, comma-separated (env MOTCUA_OIDC_SCOPES)")
	fs.StringVar(&c.OIDC.ClaimIDNumber, "oidc-claim-id-number", envOr("OIDC_CLAIM_ID_NUMBER", c.OIDC.ClaimIDNumber), "claims carrying the 12-digit ID number, in order (env MOTCUA_OIDC_CLAIM_ID_NUMBER; default SoDinhDanh)")
	fs.StringVar(&c.OIDC.ClaimName, "oidc-claim-name", envOr("OIDC_CLAIM_NAME", c.OIDC.ClaimName), "claims carrying the full name (env MOTCUA_OIDC_CLAIM_NAME; default HoVaTen,name)")
	fs.StringVar(&c.OIDC.ClaimBirth, "oidc-claim-birthdate", envOr("OIDC_CLAIM_BIRTHDATE", c.OIDC.ClaimBirth), "claims carrying the date of birth (env MOTCUA_OIDC_CLAIM_BIRTHDATE; default NgayThangNamSinh,birthdate)")
	fs.StringVar(&c.OIDC.ClaimAssurance, "oidc-claim-assurance", envOr("OIDC_CLAIM_ASSURANCE", c.OIDC.ClaimAssurance), "claims carrying the level of assurance (env MOTCUA_OIDC_CLAIM_ASSURANCE; default loAs,acr)")
	fs.StringVar(&c.StaffOIDC.Issuer, "staff-oidc-issuer", envOr("STAFF_OIDC_ISSUER", c.StaffOIDC.Issuer), "issuer URL of the officers' single sign-on; off without it (env MOTCUA_STAFF_OIDC_ISSUER)")
	fs.StringVar(&c.StaffOIDC.ClientID, "staff-oidc-client-id", envOr("STAFF_OIDC_CLIENT_ID", c.StaffOIDC.ClientID), "motcua's client id at the single sign-on (env MOTCUA_STAFF_OIDC_CLIENT_ID)")
	fs.StringVar(&c.StaffOIDC.ClientSecret, "staff-oidc-client-secret", envOr("STAFF_OIDC_CLIENT_SECRET", c.StaffOIDC.ClientSecret), "motcua's client secret at the single sign-on (env MOTCUA_STAFF_OIDC_CLIENT_SECRET)")
	fs.StringVar(&c.StaffOIDC.Scopes, "staff-oidc-scopes", envOr("STAFF_OIDC_SCOPES", c.StaffOIDC.Scopes), "scopes asked besides openid (env MOTCUA_STAFF_OIDC_SCOPES)")
	fs.StringVar(&c.StaffClaim, "staff-oidc-claim-username", envOr("STAFF_OIDC_CLAIM_USERNAME", c.StaffClaim), "claims carrying the officer's motcua username, in order (env MOTCUA_STAFF_OIDC_CLAIM_USERNAME; default preferred_username)")
	fs.StringVar(&c.StaffPasswordLogin, "staff-password-login", envOr("STAFF_PASSWORD_LOGIN", c.StaffPasswordLogin), "on or off: officers may log in with a password (env MOTCUA_STAFF_PASSWORD_LOGIN; default on)")
	c.populationFlags(fs) // --population-*, see population.go
	c.paymentFlags(fs)    // --vnpay-*, see payments.go
	c.signingFlags(fs)    // --sign-*, see payments.go
	c.paygovFlags(fs)     // --paygov-*, see payments.go
	c.outboundFlags(fs)   // --smtp-*, --sms-*, --zalo-*, --dvcqg-*, --jobs-*, see outbound.go
	fs.StringVar(&c.MetricsAddr, "metrics-addr", envOr("METRICS_ADDR", c.MetricsAddr), "listen address of /metrics (env MOTCUA_METRICS_ADDR; default: not served)")
}

// FilesFlag registers --files, for the commands that read or write the
// uploaded documents (serve, backup, restore).
func (c *Config) FilesFlag(fs *flag.FlagSet) {
	fs.StringVar(&c.FilesDir, "files", envOr("FILES", c.FilesDir), "directory for uploaded documents (env MOTCUA_FILES)")
	fs.StringVar(&c.FilesSync, "files-sync", envOr("FILES_SYNC", c.FilesSync), "how a round of uploaded files is made durable: syncfs (one call for the file system; best when the files have a file system of their own) or fsync (each file and directory) (env MOTCUA_FILES_SYNC)")
}

func envOr(name, def string) string {
	if v, ok := env(name); ok {
		return v
	}
	return def
}

func envBool(name string, def bool) bool {
	if v, ok := env(name); ok {
		b, err := strconv.ParseBool(v)
		if err == nil {
			return b
		}
	}
	return def
}

func envInt(name string, def int) int {
	if v, ok := env(name); ok {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return def
}

// Validate checks the settings and fills derived defaults.
func (c *Config) Validate() error {
	var errs []error
	if !strings.HasPrefix(c.DB, "sqlite:") && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") {
		errs = append(errs, fmt.Errorf("--db must start with sqlite: or postgres://, got %q", c.DB))
	}
	if err := (org.CodeScheme{Suffix: c.AgencySuffix}).Validate(); err != nil {
		errs = append(errs, fmt.Errorf("--agency-suffix: %w", err))
	}
	if c.SQLiteMmapMB < 0 {
		errs = append(errs, fmt.Errorf("--sqlite-mmap-mb must be 0 or more, got %d", c.SQLiteMmapMB))
	}
	if err := files.CheckSyncMode(c.FilesSync); err != nil {
		errs = append(errs, fmt.Errorf("--files-sync: %w", err))
	}
	if c.SQLiteReadCacheMB < 1 {
		errs = append(errs, fmt.Errorf("--sqlite-read-cache-mb must be 1 or more, got %d", c.SQLiteReadCacheMB))
	}
	if c.MaxFileMB < 1 || c.MaxDossierMB < c.MaxFileMB {
		errs = append(errs, errors.New("--max-file-mb must be ≥ 1 and --max-dossier-mb ≥ --max-file-mb"))
	}
	if c.ConsultDays < 1 || c.ConsultDays > dossier.MaxConsultDays {
		errs = append(errs, fmt.Errorf("--consult-days must be 1 to %d working days, got %d", dossier.MaxConsultDays, c.ConsultDays))
	}
	if _, err := c.Level(); err != nil {
		errs = append(errs, err)
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	if c.SelfRegistration != "" && c.SelfRegistration != "on" && c.SelfRegistration != "off" {
		errs = append(errs, fmt.Errorf("--self-registration must be on or off, got %q", c.SelfRegistration))
	}
	if _, err := web.ParseProxies(c.TrustedProxies); err != nil {
		errs = append(errs, fmt.Errorf("--trusted-proxies: %w", err))
	}
	if c.StaffOIDC.Issuer != "" && c.StaffOIDC.ClientID == "" {
		errs = append(errs, errors.New("--staff-oidc-client-id is required with --staff-oidc-issuer"))
	}
	if c.StaffPasswordLogin != "" && c.StaffPasswordLogin != "on" && c.StaffPasswordLogin != "off" {
		errs = append(errs, fmt.Errorf("--staff-password-login must be on or off, got %q", c.StaffPasswordLogin))
	}
	if c.StaffPasswordLogin == "off" && c.StaffOIDC.Issuer == "" {
		errs = append(errs, errors.New("--staff-password-login off needs --staff-oidc-issuer: officers could not log in at all"))
	}
	if c.OIDC.Issuer != "" && c.OIDC.ClientID == "" {
		errs = append(errs, errors.New("--oidc-client-id is required with --oidc-issuer"))
	}
	if c.MetricsAddr != "" && c.MetricsAddr == c.Addr {
		errs = append(errs, errors.New("--metrics-addr must differ from --addr: /metrics is never public"))
	}
	errs = append(errs, c.validatePopulation()...) // see population.go
	errs = append(errs, c.validatePayments()...)   // see payments.go
	errs = append(errs, c.validateOutbound()...)   // see outbound.go
	errs = append(errs, c.validatePaygov()...)     // see payments.go
	return errors.Join(errs...)
}

// Level parses the log level.
func (c *Config) Level() (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return l, fmt.Errorf("--log-level: %w", err)
	}
	return l, nil
}
