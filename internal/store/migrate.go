package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

//go:embed migrations
var migrations embed.FS

func (db *DB) provider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+string(db.dialect))
	if err != nil {
		return nil, err
	}
	d := goose.DialectSQLite3
	if db.dialect == Postgres {
		d = goose.DialectPostgres
	}
	return goose.NewProvider(d, db.rw, sub)
}

// SchemaVersions returns the version the database is at and the newest one
// this binary knows.
func (db *DB) SchemaVersions(ctx context.Context) (current, latest int64, err error) {
	p, err := db.provider()
	if err != nil {
		return 0, 0, fmt.Errorf("loading migrations: %w", err)
	}
	srcs := p.ListSources()
	if len(srcs) > 0 {
		latest = srcs[len(srcs)-1].Version
	}
	current, err = p.GetDBVersion(ctx)
	if err != nil {
		return 0, latest, fmt.Errorf("reading schema version: %w", err)
	}
	return current, latest, nil
}

// level4Migration is the migration that creates the level-4 counters'
// tables (00035), which Migrate fills.
const level4Migration = 35

// Migrate applies pending migrations. A database migrated by a newer binary
// is refused rather than touched.
func (db *DB) Migrate(ctx context.Context) (applied int, err error) {
	p, err := db.provider()
	if err != nil {
		return 0, fmt.Errorf("loading migrations: %w", err)
	}
	srcs := p.ListSources()
	latest := srcs[len(srcs)-1].Version
	if cur, err := p.GetDBVersion(ctx); err == nil && cur > latest {
		return 0, fmt.Errorf("the database schema is at version %d but this motcua binary knows only up to %d: upgrade motcua before using this database", cur, latest)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return 0, fmt.Errorf("applying migrations: %w", err)
	}
	for _, r := range res {
		if r.Source != nil && r.Source.Version == level4Migration {
			// The level-4 counters' tables start empty: filled once from
			// the dossiers and payments already there, so that an upgraded
			// city's figures do not drop to zero until a manual rebuild.
			if err := db.inTx(ctx, func(tx *Tx) error { return db.rebuildLevel4(ctx, tx) }); err != nil {
				return len(res), fmt.Errorf("filling the level-4 counters: %w", err)
			}
		}
	}
	// River's tables (internal/jobs) migrate with motcua's.
	if err := db.migrateRiver(ctx); err != nil {
		return len(res), err
	}
	if _, err := db.backfillChains(ctx); err != nil {
		return len(res), err
	}
	if err := db.prepareWrites(ctx); err != nil {
		return len(res), err
	}
	return len(res), nil
}
