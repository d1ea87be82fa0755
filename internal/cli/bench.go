package cli

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
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
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "motcua-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	target := "sqlite:" + filepath.Join(tmp, "bench.db")
	if strings.HasPrefix(*dsn, "postgres") {
		schema := fmt.Sprintf("bench_%d", os.Getpid())
		admin, err := sql.Open("pgx", *dsn)
		if err != nil {
			return err
		}
		defer admin.Close()
		if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
			return fmt.Errorf("creating schema: %w", err)
		}
		defer admin.Exec("DROP SCHEMA " + schema + " CASCADE")
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
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	rep, err := bench.Run(ctx, bench.Options{DB: db, FilesDir: filepath.Join(tmp, "files"), Dossiers: *dossiers,
		Duration: *duration, Concurrency: *conc, Queries: *queries, Log: env.Stderr})
	if err != nil {
		return err
	}
	rep.Print(env.Stdout)
	return nil
}
