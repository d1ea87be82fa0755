package cli

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/config"
	"github.com/motcua/motcua/internal/demo"
	"github.com/motcua/motcua/internal/files"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/store"
)

func serve(ctx context.Context, args []string, env Env) error {
	cfg := config.Default()
	fs := newFlagSet("serve", env)
	cfg.ServeFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	level, _ := cfg.Level()
	log := logger(level, env.Stderr)
	db, err := app.OpenStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	if cfg.Demo {
		fs, err := files.NewLocal(cfg.FilesDir)
		if err != nil {
			return err
		}
		rep, err := demo.Load(ctx, db, demo.Options{Scheme: org.CodeScheme{Suffix: cfg.AgencySuffix}, Log: log, Files: fs})
		if err != nil {
			return fmt.Errorf("loading demo data: %w", err)
		}
		if rep.Skipped {
			log.InfoContext(ctx, "demo data not loaded: the store is not empty")
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", cfg.Addr, err)
	}
	if cfg.BaseURL == "http://"+cfg.Addr {
		// No --base-url: the address actually listened on (a port 0
		// chosen by the system), which the demo's sandboxes redirect to
		// and call back.
		cfg.BaseURL = "http://" + ln.Addr().String()
	}
	a, err := app.New(ctx, cfg, db, log, app.Options{})
	if err != nil {
		ln.Close()
		return err
	}
	if cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("listening on %s for /metrics: %w", cfg.MetricsAddr, err)
		}
		go func() { _ = a.Server.ServeMetrics(ctx, mln) }()
		log.InfoContext(ctx, "metrics are served", "url", "http://"+mln.Addr().String()+"/metrics")
	}
	// The job queue: notices, sync, webhooks, and the periodic
	// housekeeping, file sweep and audit anchors.
	stopJobs, err := a.StartJobs(ctx)
	if err != nil {
		ln.Close()
		return err
	}
	defer func() {
		if err := stopJobs(); err != nil {
			log.ErrorContext(ctx, "stopping the job queue", "err", err)
		}
	}()
	log.InfoContext(ctx, "motcua is serving", "url", "http://"+ln.Addr().String()+"/", "db", db.Dialect(), "version", Version)
	fmt.Fprintf(env.Stdout, "motcua %s — open http://%s/\n", Version, ln.Addr())
	if env.Ready != nil {
		env.Ready(ln.Addr())
	}
	return a.Server.Serve(ctx, ln)
}

func openStore(ctx context.Context, name string, args []string, env Env, extra func(*config.Config, *flag.FlagSet)) (*store.DB, *config.Config, []string, error) {
	cfg := config.Default()
	fs := newFlagSet(name, env)
	cfg.StoreFlags(fs)
	if extra != nil {
		extra(&cfg, fs)
	}
	if err := parseFlags(fs, args); err != nil {
		return nil, nil, nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, nil, nil, err
	}
	level, _ := cfg.Level()
	db, err := app.OpenStore(ctx, cfg, logger(level, env.Stderr))
	if err != nil {
		return nil, nil, nil, err
	}
	return db, &cfg, fs.Args(), nil
}

func migrate(ctx context.Context, args []string, env Env) error {
	db, _, _, err := openStore(ctx, "migrate", args, env, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	cur, latest, err := db.SchemaVersions(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "schema at version %d (latest known %d)\n", cur, latest)
	return nil
}

// roleList names the staff roles for the command's help and errors, from
// org.Roles so that a new role is listed without editing them.
func roleList() string {
	names := make([]string, len(org.Roles))
	for i, r := range org.Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

func userAdd(ctx context.Context, args []string, env Env) error {
	var username, fullName, role, unit string
	db, _, _, err := openStore(ctx, "user add", args, env, func(_ *config.Config, fs *flag.FlagSet) {
		fs.StringVar(&username, "username", "", "login name")
		fs.StringVar(&fullName, "full-name", "", "full name")
		fs.StringVar(&role, "role", "", roleList())
		fs.StringVar(&unit, "unit", "", "agency identifier of the unit")
	})
	if err != nil {
		return err
	}
	defer db.Close()
	if username == "" || fullName == "" || role == "" || unit == "" {
		return fmt.Errorf("user add needs --username, --full-name, --role and --unit")
	}
	if !org.Role(role).Valid() {
		return fmt.Errorf("unknown role %q (roles: %s)", role, roleList())
	}
	pw, err := readPassword(env.Stdin)
	if err != nil {
		return err
	}
	hash, err := account.HashPassword(pw)
	if err != nil {
		return err
	}
	a := &account.Account{Kind: account.KindStaff, Username: username, FullName: fullName, PasswordHash: hash}
	if err := db.CreateStaff(ctx, a, unit, org.Role(role)); err != nil {
		return fmt.Errorf("adding user %s: %w", username, err)
	}
	// Accounts made at the command line have no actor in the application:
	// the operating-system user is recorded.
	by := "motcua user add"
	if u := os.Getenv("USER"); u != "" {
		by += " (" + u + ")"
	}
	err = db.AppendAudit(ctx, store.AuditEntry{ActorName: by, Action: "account.create", Subject: "account:" + username,
		Detail: map[string]any{"account_id": a.ID, "username": username, "role": role, "unit": unit}})
	if err != nil {
		return fmt.Errorf("recording the new user %s in the audit log: %w", username, err)
	}
	fmt.Fprintf(env.Stdout, "added %s (%s) as %s of %s\n", username, fullName, role, unit)
	return nil
}

// readPassword reads the first line of stdin.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("reading password from stdin: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if err := account.CheckPassword("password", pw, ""); err != nil {
		e, _ := apperr.As(err)
		return "", fmt.Errorf("the password (read from stdin) is refused: %s", e.Fields[0].MessageEN)
	}
	return pw, nil
}

func unitsImport(ctx context.Context, args []string, env Env) error {
	var format string
	db, cfg, rest, err := openStore(ctx, "units import", args, env, func(_ *config.Config, fs *flag.FlagSet) {
		fs.StringVar(&format, "format", "2019", "2019 (gso_code,kind,name,parent_gso_code) or 2025 (code,name,parent_code [+ mapping file])")
	})
	if err != nil {
		return err
	}
	defer db.Close()
	if len(rest) < 1 {
		return fmt.Errorf("units import needs a CSV file")
	}
	scheme := org.CodeScheme{Suffix: cfg.AgencySuffix}
	f, err := os.Open(rest[0])
	if err != nil {
		return err
	}
	defer f.Close()
	var res org.ImportResult
	switch format {
	case "2019":
		res, err = org.Import2019(f, scheme)
	case "2025":
		var mapping io.Reader
		if len(rest) > 1 {
			m, err := os.Open(rest[1])
			if err != nil {
				return err
			}
			defer m.Close()
			mapping = m
		}
		res, err = org.Import2025(f, mapping, scheme)
	default:
		return fmt.Errorf("--format must be 2019 or 2025")
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w", rest[0], err)
	}
	if err := db.UpsertUnits(ctx, res.Units); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "imported %d units, rejected %d rows\n", len(res.Units), len(res.Rejected))
	for _, r := range res.Rejected {
		fmt.Fprintf(env.Stdout, "  rejected %s line %d: %s\n", r.Source, r.Line, r.Reason)
	}
	return nil
}

func catalogImport(ctx context.Context, args []string, env Env) error {
	db, _, rest, err := openStore(ctx, "catalog import", args, env, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	if len(rest) < 1 {
		return fmt.Errorf("catalog import needs a JSON file")
	}
	f, err := os.Open(rest[0])
	if err != nil {
		return err
	}
	defer f.Close()
	specs, err := catalog.ParseSpecs(f)
	if err != nil {
		return fmt.Errorf("reading %s: %w", rest[0], err)
	}
	rep, err := db.ImportCatalogue(ctx, specs)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "imported %d procedures (%d new versions, %d unit links), rejected %d\n", rep.Procedures, rep.Versions, rep.Links, len(rep.Rejected))
	for _, r := range rep.Rejected {
		fmt.Fprintln(env.Stdout, "  rejected", r)
	}
	return nil
}
