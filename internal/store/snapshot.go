package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Snapshot describes a consistent copy of the database written by
// SnapshotTo.
type Snapshot struct {
	// File is the copy's name in the directory: db.sqlite (SQLite) or
	// db.dump (PostgreSQL, pg_dump custom format).
	File string
	// Schema is the PostgreSQL schema that was dumped (empty for SQLite).
	Schema        string
	SchemaVersion int64
	Dossiers      int64
	Events        int64
	Documents     int64
	// FileKeys are the storage keys of every document the copy references.
	FileKeys []string
}

// Snapshot file names.
const (
	SQLiteSnapshot   = "db.sqlite"
	PostgresSnapshot = "db.dump"
)

// SnapshotTo writes a consistent copy of the database into dir while
// writers go on: SQLite through VACUUM INTO on a read connection (one read
// transaction), PostgreSQL through pg_dump on a snapshot exported by a
// repeatable-read transaction, in which the counts and the referenced files
// are read too.
func (db *DB) SnapshotTo(ctx context.Context, dir string) (*Snapshot, error) {
	cur, _, err := db.SchemaVersions(ctx)
	if err != nil {
		return nil, err
	}
	snap := &Snapshot{SchemaVersion: cur}
	switch db.dialect {
	case SQLite:
		snap.File = SQLiteSnapshot
		path := filepath.Join(dir, snap.File)
		if _, err := db.ro.ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
			return nil, fmt.Errorf("copying the SQLite database: %w", err)
		}
		copyDB, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
		if err != nil {
			return nil, fmt.Errorf("opening the copy: %w", err)
		}
		defer copyDB.Close()
		tx, err := copyDB.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return nil, fmt.Errorf("reading the copy: %w", err)
		}
		defer tx.Rollback()
		if err := snap.describe(ctx, tx); err != nil {
			return nil, err
		}
	case Postgres:
		snap.File = PostgresSnapshot
		tx, err := db.rw.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
		if err != nil {
			return nil, fmt.Errorf("beginning the snapshot: %w", err)
		}
		defer tx.Rollback()
		var id string
		if err := tx.QueryRowContext(ctx, `SELECT pg_export_snapshot()`).Scan(&id); err != nil {
			return nil, fmt.Errorf("exporting the snapshot: %w", err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&snap.Schema); err != nil {
			return nil, fmt.Errorf("reading the schema: %w", err)
		}
		conn, _, err := libpqURL(db.dsn)
		if err != nil {
			return nil, err
		}
		args := []string{"--format=custom", "--no-owner", "--snapshot=" + id, "--file=" + filepath.Join(dir, snap.File)}
		if snap.Schema != "public" {
			args = append(args, "--schema="+snap.Schema)
		}
		if err := runPG(ctx, "pg_dump", append(args, conn)...); err != nil {
			return nil, err
		}
		if err := snap.describe(ctx, tx); err != nil {
			return nil, err
		}
	}
	return snap, nil
}

// describe reads the counts and referenced files of the copy.
func (s *Snapshot) describe(ctx context.Context, tx *sql.Tx) error {
	for _, c := range []struct {
		table string
		n     *int64
	}{{"dossiers", &s.Dossiers}, {"events", &s.Events}, {"documents", &s.Documents}} {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+c.table).Scan(c.n); err != nil {
			return fmt.Errorf("counting %s in the copy: %w", c.table, err)
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT storage_key FROM documents ORDER BY storage_key`)
	if err != nil {
		return fmt.Errorf("listing the copy's files: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return fmt.Errorf("listing the copy's files: %w", err)
		}
		s.FileKeys = append(s.FileKeys, k)
	}
	return rows.Err()
}

// ErrTargetNotEmpty refuses to restore over a store that holds data.
var ErrTargetNotEmpty = errors.New("the target database is not empty")

// RestoreSnapshot loads the copy file (written by SnapshotTo, of the given
// engine and schema) into the store named by dsn, which must be empty
// unless force is set (then what is there is replaced). The caller
// migrates the store afterwards.
func RestoreSnapshot(ctx context.Context, dsn, file, schema string, force bool) error {
	isPG := strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
	switch {
	case !isPG && filepath.Base(file) != SQLiteSnapshot, isPG && filepath.Base(file) != PostgresSnapshot:
		return fmt.Errorf("the backup holds %s, which cannot be restored into %s", filepath.Base(file), strings.SplitN(dsn, ":", 2)[0])
	case !isPG:
		return restoreSQLite(ctx, dsn, file, force)
	}
	conn, target, err := libpqURL(dsn)
	if err != nil {
		return err
	}
	if target != schema {
		return fmt.Errorf("the backup holds schema %q but the target is %q: restore into a database whose search_path is %q", schema, target, schema)
	}
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return fmt.Errorf("opening the target: %w", err)
	}
	defer pool.Close()
	var tables int
	err = pool.QueryRowContext(ctx, `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = $1`, target).Scan(&tables)
	if err != nil {
		return fmt.Errorf("inspecting the target: %w", err)
	}
	args := []string{"--no-owner", "--single-transaction", "--exit-on-error", "--dbname=" + conn}
	if tables > 0 {
		if !force {
			return fmt.Errorf("%w: schema %q has %d tables (use --force to replace them)", ErrTargetNotEmpty, target, tables)
		}
		args = append(args, "--clean", "--if-exists")
	}
	return runPG(ctx, "pg_restore", append(args, file)...)
}

func restoreSQLite(ctx context.Context, dsn, file string, force bool) error {
	path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "//")
	if st, err := os.Stat(path); err == nil && st.Size() > 0 {
		if !force {
			return fmt.Errorf("%w: %s exists (use --force to replace it)", ErrTargetNotEmpty, path)
		}
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("creating database directory: %w", err)
		}
	}
	tmp := path + ".restoring"
	if err := copyFile(ctx, file, tmp); err != nil {
		return err
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("removing the old journal: %w", err)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("moving the restored database into place: %w", err)
	}
	return nil
}

func copyFile(ctx context.Context, from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return fmt.Errorf("reading %s: %w", from, err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("creating %s: %w", to, err)
	}
	if _, err := dst.ReadFrom(src); err != nil {
		dst.Close()
		return fmt.Errorf("copying to %s: %w", to, err)
	}
	if err := dst.Sync(); err != nil {
		dst.Close()
		return fmt.Errorf("syncing %s: %w", to, err)
	}
	return dst.Close()
}

// libpqURL turns a pgx URL into one the PostgreSQL tools accept (they
// refuse search_path) and returns the schema it names (default public).
func libpqURL(dsn string) (string, string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", "", fmt.Errorf("reading the database URL: %w", err)
	}
	q := u.Query()
	schema := q.Get("search_path")
	q.Del("search_path")
	if i := strings.IndexByte(schema, ','); i >= 0 {
		schema = schema[:i]
	}
	if schema = strings.TrimSpace(schema); schema == "" {
		schema = "public"
	}
	u.RawQuery = q.Encode()
	return u.String(), schema, nil
}

// runPG runs a PostgreSQL client tool (on PATH, or in the Debian
// /usr/lib/postgresql/*/bin directories).
func runPG(ctx context.Context, tool string, args ...string) error {
	path, err := exec.LookPath(tool)
	if err != nil {
		matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + tool)
		if len(matches) == 0 {
			return fmt.Errorf("%s is needed for PostgreSQL backups and was not found: install the PostgreSQL client tools", tool)
		}
		path = matches[len(matches)-1]
	}
	cmd := exec.CommandContext(ctx, path, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("running %s: %w: %s", tool, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}
