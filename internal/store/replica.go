package store

// A read-only replica for reports and dashboards (--db-replica): the
// figures leaders read scan far more rows than a desk's page, and a city
// that outgrows one machine moves them off the primary. Only the figures
// go there; pages that show what a request just wrote keep reading the
// primary, so replication lag can make a report a few seconds old but
// never hide a citizen's own change from them.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// UseReplica sends the report queries (statistics, II.06a, dashboards,
// the public index) to the PostgreSQL replica at dsn, a hot standby of
// this store's primary. The primary must be PostgreSQL too.
func (db *DB) UseReplica(ctx context.Context, dsn string) error {
	if db.dialect != Postgres {
		return errors.New("--db-replica needs a PostgreSQL primary (--db postgres://…)")
	}
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return errors.New("--db-replica must be a postgres:// URL")
	}
	pool, err := sql.Open("pgx", pgDSN(dsn))
	if err != nil {
		return fmt.Errorf("opening the replica: %w", err)
	}
	pool.SetMaxOpenConns(16)
	pool.SetMaxIdleConns(16)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return fmt.Errorf("connecting to the replica: %w", err)
	}
	db.reports = pool
	return nil
}

// reportQueryRow runs a report query returning one row.
func (db *DB) reportQueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if db.reports != nil {
		return db.reports.QueryRowContext(ctx, q, args...)
	}
	return db.queryRow(ctx, q, args...)
}

// reportQuery runs a report query.
func (db *DB) reportQuery(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if db.reports != nil {
		return db.reports.QueryContext(ctx, q, args...)
	}
	return db.query(ctx, q, args...)
}
