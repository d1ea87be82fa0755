package cli

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/bench"
	"github.com/motcua/motcua/internal/store"
)

// benchCmd measures the platform on a fresh store: a temporary SQLite file
// by default, or a new schema of the PostgreSQL given with --db (dropped
// afterwards).
func benchCmd(ctx context.Context, args []string, env Env) error {
	fs := newFlagSet("bench", env)
	dsn := fs.String("db", "sqlite", `"sqlite" (a temporary file) or postgres://… (a temporary schema is created there)`)
	dossiers := fs.Int("dossiers", 1_000_000, "dossiers seeded for the worklist measure")
	duration := fs.Duration("duration", 5*time.Second, "length of each throughput measure")
	conc := fs.Int("concurrency", 64, "concurrent clients")
	queries := fs.Int("queries", 2000, "worklist queries")
	keep := fs.String("keep", "", "keep the store afterwards (to time pieces on it again: see internal/bench/pieces_test.go): with SQLite, a new directory to create it in; with PostgreSQL, the name of a new schema")
	reuse := fs.String("reuse", "", "measure again a store an earlier run kept with --keep (its SQLite directory, or its PostgreSQL schema), as it is: no seeding; the store is migrated first (timed)")
	procs := fs.Bool("processes", false, "also measure submissions and tracking through one address in front of one, then two, `motcua serve` processes on the same store")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *reuse != "" && *keep != "" {
		return fmt.Errorf("--reuse measures a kept store: it cannot also --keep a new one")
	}
	tmp := *keep
	if *reuse != "" && !strings.HasPrefix(*dsn, "postgres") {
		if _, err := os.Stat(filepath.Join(*reuse, "bench.db")); err != nil {
			return fmt.Errorf("--reuse wants the directory of a kept store: %w", err)
		}
		tmp = *reuse
	} else if tmp == "" || strings.HasPrefix(*dsn, "postgres") {
		dir, err := os.MkdirTemp("", "motcua-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		tmp = dir
	} else if err := os.Mkdir(tmp, 0o755); err != nil {
		return fmt.Errorf("--keep wants a new directory: %w", err)
	}
	target := "sqlite:" + filepath.Join(tmp, "bench.db")
	if strings.HasPrefix(*dsn, "postgres") {
		schema := fmt.Sprintf("bench_%d", os.Getpid())
		for _, name := range []string{*keep, *reuse} {
			if name != "" {
				if !schemaName.MatchString(name) {
					return fmt.Errorf("%q is not a schema name (lower-case letters, digits, _)", name)
				}
				schema = name
			}
		}
		admin, err := sql.Open("pgx", *dsn)
		if err != nil {
			return err
		}
		defer admin.Close()
		switch {
		case *reuse != "":
			var n int
			if err := admin.QueryRowContext(ctx, `SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = $1`, schema).Scan(&n); err != nil {
				return fmt.Errorf("--reuse: looking for schema %s: %w", schema, err)
			}
			if n == 0 {
				return fmt.Errorf("--reuse: no schema %s", schema)
			}
		default:
			if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
				return fmt.Errorf("creating schema: %w", err)
			}
			if *keep == "" {
				defer admin.Exec("DROP SCHEMA " + schema + " CASCADE")
			} else {
				fmt.Fprintf(env.Stderr, "keeping the store in schema %s\n", schema)
			}
		}
		sep := "?"
		if strings.Contains(*dsn, "?") {
			sep = "&"
		}
		target = *dsn + sep + "search_path=" + schema
	}
	db, err := store.Open(ctx, target)
	if err != nil {
		return err
	}
	defer db.Close()
	t0 := time.Now()
	n, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	if *reuse != "" {
		fmt.Fprintf(env.Stderr, "migrating the kept store applied %d migrations in %.1f s\n", n, time.Since(t0).Seconds())
	}
	o := bench.Options{DB: db, FilesDir: filepath.Join(tmp, "files"), Dossiers: *dossiers,
		Duration: *duration, Concurrency: *conc, Queries: *queries, Log: env.Stderr, Reuse: *reuse != ""}
	if *procs {
		o.Spawn = func(ctx context.Context, n int) ([]string, func(), error) {
			return spawnServe(ctx, n, target, o.FilesDir)
		}
	}
	rep, err := bench.Run(ctx, o)
	if err != nil {
		return err
	}
	rep.Print(env.Stdout)
	return nil
}

// schemaName is what --keep may name a PostgreSQL schema.
var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// servingAt is the line serve prints once it listens.
var servingAt = regexp.MustCompile(`open (http://\S+)/`)

// spawnServe starts n `motcua serve` processes (this executable) on the
// store dsn and the files directory, each on a free loopback port, and
// waits until each serves.
func spawnServe(ctx context.Context, n int, dsn, filesDir string) ([]string, func(), error) {
	self, err := os.Executable()
	if err != nil {
		return nil, nil, err
	}
	var cmds []*exec.Cmd
	stop := func() {
		for _, c := range cmds {
			_ = c.Process.Signal(os.Interrupt)
		}
		for _, c := range cmds {
			_ = c.Wait()
		}
	}
	var urls []string
	for range n {
		cmd := exec.CommandContext(ctx, self, "serve", "--db", dsn, "--files", filesDir, "--addr", "127.0.0.1:0", "--log-level", "warn")
		cmd.Env = os.Environ()
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			stop()
			return nil, nil, err
		}
		if err := cmd.Start(); err != nil {
			stop()
			return nil, nil, fmt.Errorf("starting serve: %w", err)
		}
		cmds = append(cmds, cmd)
		found := make(chan string, 1)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				if m := servingAt.FindStringSubmatch(sc.Text()); m != nil {
					select {
					case found <- m[1]:
					default:
					}
				}
			}
			close(found)
		}()
		select {
		case u, ok := <-found:
			if !ok {
				stop()
				return nil, nil, fmt.Errorf("serve exited before serving")
			}
			urls = append(urls, u)
		case <-time.After(time.Minute):
			stop()
			return nil, nil, fmt.Errorf("serve not serving after a minute")
		}
	}
	return urls, stop, nil
}
