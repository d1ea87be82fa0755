package store

// River (the job queue, internal/jobs) keeps its tables next to motcua's so
// that a job is inserted in the same transaction as the change it announces.
// The store owns the choice of River driver per engine and runs River's own
// migrations with motcua's.

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// RiverDriver returns the River driver on the write pool: riversqlite on
// SQLite (the single writer connection, so River's own writes queue with
// motcua's instead of meeting SQLITE_BUSY) and riverdatabasesql on
// PostgreSQL. Both work on *sql.Tx, the transaction WriteTx hands out.
func (db *DB) RiverDriver() riverdriver.Driver[*sql.Tx] {
	if db.dialect == Postgres {
		return riverdatabasesql.New(db.rw)
	}
	return riversqlite.New(db.rw)
}

// migrateRiver applies River's pending migrations (tracked in its own
// river_migration table, apart from goose's); applying none is a no-op.
func (db *DB) migrateRiver(ctx context.Context) error {
	// River's default logger writes to stdout, and it says "no migrations to
	// apply" at every start: only its warnings go to the process logger.
	log := slog.New(warnOnly{slog.Default().Handler()})
	m, err := rivermigrate.New(db.RiverDriver(), &rivermigrate.Config{Logger: log})
	if err != nil {
		return fmt.Errorf("loading the job queue's migrations: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("applying the job queue's migrations: %w", err)
	}
	return nil
}

// warnOnly passes on warnings and errors only.
type warnOnly struct{ slog.Handler }

func (h warnOnly) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}

func (h warnOnly) WithAttrs(as []slog.Attr) slog.Handler { return warnOnly{h.Handler.WithAttrs(as)} }

func (h warnOnly) WithGroup(name string) slog.Handler { return warnOnly{h.Handler.WithGroup(name)} }
