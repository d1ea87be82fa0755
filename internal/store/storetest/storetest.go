// Package storetest opens the stores the conformance suite runs against:
// SQLite always, PostgreSQL at MOTCUA_TEST_POSTGRES (default the local
// server). Without PostgreSQL the PostgreSQL half is skipped locally and
// fails under CI=true.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the pgx driver, for creating schemas

	"github.com/motcua/motcua/internal/store"
)

// DefaultPostgres is the local test server of the development machines.
const DefaultPostgres = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

var schemaSeq atomic.Int64

// PostgresURL returns the PostgreSQL URL for tests.
func PostgresURL() string {
	if u := os.Getenv("MOTCUA_TEST_POSTGRES"); u != "" {
		return u
	}
	return DefaultPostgres
}

// Engines lists the engines of the suite.
var Engines = []store.Dialect{store.SQLite, store.Postgres}

// Open returns a fresh, migrated, empty store of the given engine, removed
// when the test ends. PostgreSQL stores live in their own schema.
func Open(t testing.TB, engine store.Dialect) *store.DB {
	t.Helper()
	db, _ := OpenDSN(t, engine)
	return db
}

// OpenDSN is Open that also returns the DSN, so that a test may open a
// second connection to the same store (several server processes).
func OpenDSN(t testing.TB, engine store.Dialect) (*store.DB, string) {
	t.Helper()
	ctx := context.Background()
	var dsn string
	switch engine {
	case store.SQLite:
		dsn = "sqlite:" + filepath.Join(t.TempDir(), "motcua.db")
	case store.Postgres:
		dsn = postgresSchema(t)
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("opening %s: %v", engine, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrating %s: %v", engine, err)
	}
	return db, dsn
}

// postgresSchema creates a schema of its own for the test and returns a
// URL whose search_path points at it.
func postgresSchema(t testing.TB) string {
	t.Helper()
	base := PostgresURL()
	admin, err := sql.Open("pgx", base)
	if err == nil {
		// A server that is down refuses at once; the bound is only for a
		// black-holed address, and generous because a new backend on a
		// loaded machine takes a while to start.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err = admin.PingContext(ctx)
		cancel()
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL is required under CI=true but unreachable at %s: %v", base, err)
		}
		t.Skipf("PostgreSQL unreachable at %s (%v); set MOTCUA_TEST_POSTGRES", base, err)
	}
	name := fmt.Sprintf("t_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, schemaSeq.Add(1))
	if _, err := admin.Exec(`CREATE SCHEMA ` + name); err != nil {
		t.Fatalf("creating schema: %v", err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec(`DROP SCHEMA ` + name + ` CASCADE`)
		admin.Close()
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + name
}
