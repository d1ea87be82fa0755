// Package store implements every Store interface of the domain packages on
// SQL, for embedded SQLite and for PostgreSQL, with the same migrations
// numbers and the same queries wherever the two engines agree.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Asia/Ho_Chi_Minh wherever the binary or tests run

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/vn"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names the SQL engine behind a DB.
type Dialect string

// Supported engines.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is the storage of one motcua deployment.
type DB struct {
	dialect Dialect
	// rw takes every write. On SQLite it has a single connection so that
	// writers queue in Go instead of spinning on the busy handler.
	rw *sql.DB
	// ro serves reads, from a pool of its own on both engines.
	ro  *sql.DB
	dsn string
	sub *submitter
	// roStmts and rwStmts cache prepared statements (SQLite only).
	roStmts, rwStmts *stmtCache
	// versions caches decoded procedure versions, which are immutable.
	versions sync.Map
	// dirs is the in-memory directory of units and the catalogue.
	dirs dirCache
	// reports, when set, takes the report queries (replica.go).
	reports *sql.DB
	// onEvent runs inside every transaction that writes a dossier event
	// (see OnEvent).
	onEvent EventHook
	// tokens caches bearer-token answers (tokencache.go).
	tokens *tokenCache
	// track batches tracking lookups (trackbatch.go).
	track *trackBatcher
	// onEvents, in its place, runs once before each commit of a
	// transaction that wrote events (see OnEvents).
	onEvents EventsHook
	// ckpt checkpoints SQLite's WAL in the background (checkpoint.go).
	ckpt *checkpointer
}

// pgWriteConns is the size of the PostgreSQL write pool.
const pgWriteConns = 32

// sqliteReadConns is the size of the SQLite read pool.
const sqliteReadConns = 8

// pgReadConns sizes the PostgreSQL read pool: four connections a core,
// between 8 and pgWriteConns.
func pgReadConns() int { return min(max(4*runtime.GOMAXPROCS(0), 8), pgWriteConns) }

// DefaultSQLiteMmapMB is the size of each SQLite connection's memory map
// of the database file, in MiB, unless Options say otherwise.
const DefaultSQLiteMmapMB = 2048

// DefaultSQLiteReadCacheMB is the size of each SQLite read connection's
// page cache, in MiB, unless Options say otherwise. Small on purpose: a
// reader's cache is emptied at its first read after any commit, which in
// a city is all day; the pages within the memory map need none, and past
// it (a file over 2 GiB) freeing a large cache at every commit cost more
// than reading pages again. At 10M dossiers (9.6 GB), the city's
// dashboard for a year: 105–111 ms with 2 MiB, 168 ms with 8, 176–187 ms
// with 32 (BENCHMARKS.md, fourth pass).
const DefaultSQLiteReadCacheMB = 2

// sqliteWriteCacheMB is the writer's page cache. The writer's pages stay
// valid (no other connection writes); a reader's whole cache is dropped
// at its first read after any commit.
const sqliteWriteCacheMB = 32

// Options tune how Open connects.
type Options struct {
	// SQLiteMmapMB sizes each SQLite connection's memory map of the file
	// (MiB; 0 reads with system calls only). Reads through the map skip a
	// system call per page, but the kernel counts a mapped page in the
	// process's RSS once per connection that touched it: see
	// docs/scaling.md on memory.
	SQLiteMmapMB int
	// SQLiteReadCacheMB sizes each SQLite read connection's page cache
	// (MiB, at least 1). Pages read through the map need none; the others
	// do, and SQLite empties a reader's cache at its first read after any
	// commit, freeing every page of it.
	SQLiteReadCacheMB int
}

// Open connects to the store named by dsn: "sqlite:PATH" (or a bare path)
// or "postgres://…", with the default options. It does not migrate; call
// Migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	return OpenWith(ctx, dsn, Options{SQLiteMmapMB: DefaultSQLiteMmapMB, SQLiteReadCacheMB: DefaultSQLiteReadCacheMB})
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, dsn string, o Options) (*DB, error) {
	if o.SQLiteMmapMB < 0 {
		return nil, fmt.Errorf("opening the store: a memory map of %d MiB", o.SQLiteMmapMB)
	}
	if o.SQLiteReadCacheMB < 1 {
		return nil, fmt.Errorf("opening the store: a read cache of %d MiB", o.SQLiteReadCacheMB)
	}
	db := &DB{dsn: dsn}
	var sqlitePath, sqliteBase string // the file and the readers' DSN
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		db.dialect = Postgres
		dsn := pgDSN(dsn)
		rw, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("opening postgres: %w", err)
		}
		rw.SetMaxOpenConns(pgWriteConns)
		rw.SetMaxIdleConns(pgWriteConns)
		rw.SetConnMaxIdleTime(5 * time.Minute)
		// Reads get a pool of their own, sized for the cores: more
		// connections than that only queue on the server's CPUs (pools of
		// 8 on 2 cores were 9-14 % faster for reads), while commits, which
		// wait on the disk, want the larger write pool. Reads in a
		// transaction go through the transaction, never through ro.
		ro, err := sql.Open("pgx", dsn)
		if err != nil {
			rw.Close()
			return nil, fmt.Errorf("opening postgres: %w", err)
		}
		n := pgReadConns()
		ro.SetMaxOpenConns(n)
		ro.SetMaxIdleConns(n)
		ro.SetConnMaxIdleTime(5 * time.Minute)
		db.rw, db.ro = rw, ro
	default:
		db.dialect = SQLite
		path := strings.TrimPrefix(dsn, "sqlite:")
		path = strings.TrimPrefix(path, "//")
		if path == "" {
			return nil, errors.New("opening sqlite: empty path")
		}
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("creating database directory: %w", err)
			}
		}
		// busy_timeout must come before journal_mode: switching to WAL may
		// itself have to wait for a lock.
		q := url.Values{}
		q.Add("_pragma", "busy_timeout(10000)")
		q.Add("_pragma", "journal_mode(WAL)")
		// FULL: a commit is on disk before it returns, so a 201 is durable;
		// group commit (submitter.go) keeps that affordable.
		q.Add("_pragma", "synchronous(FULL)")
		q.Add("_pragma", "foreign_keys(ON)")
		// Savepoints (one per submission in a group commit) journal to a
		// temporary file unless temporary storage is in memory.
		q.Add("_pragma", "temp_store(MEMORY)")
		// Reads through a memory map skip a system call per page.
		q.Add("_pragma", fmt.Sprintf("mmap_size(%d)", int64(o.SQLiteMmapMB)<<20))
		q.Add("_time_format", "sqlite")
		base := "file:" + path + "?" + q.Encode()
		// The writer never checkpoints: the checkpointer does, beside it
		// (checkpoint.go), so that no commit waits for one.
		rw, err := sql.Open("sqlite", base+"&"+url.Values{"_pragma": {"wal_autocheckpoint(0)", fmt.Sprintf("cache_size(%d)", -sqliteWriteCacheMB<<10)}}.Encode()+"&_txlock=immediate")
		if err != nil {
			return nil, fmt.Errorf("opening sqlite: %w", err)
		}
		rw.SetMaxOpenConns(1)
		rw.SetMaxIdleConns(1)
		rw.SetConnMaxLifetime(0)
		ro, err := sql.Open("sqlite", base+"&"+url.Values{"_pragma": {fmt.Sprintf("cache_size(%d)", -o.SQLiteReadCacheMB<<10)}}.Encode())
		if err != nil {
			rw.Close()
			return nil, fmt.Errorf("opening sqlite: %w", err)
		}
		ro.SetMaxOpenConns(sqliteReadConns)
		ro.SetMaxIdleConns(sqliteReadConns)
		db.rw, db.ro = rw, ro
		sqlitePath, sqliteBase = path, base
	}
	// Half the read pool batches tracking lookups: batches form while the
	// other half serves the other reads.
	db.track = newTrackBatcher(db, max(db.ro.Stats().MaxOpenConnections/2, 1))
	if err := db.rw.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connecting to %s store: %w", db.dialect, err)
	}
	if db.dialect == SQLite {
		db.roStmts, db.rwStmts = &stmtCache{pool: db.ro}, &stmtCache{pool: db.rw, fixed: true}
		c, err := newCheckpointer(ctx, db.rw, sqliteBase, sqlitePath)
		if err != nil {
			db.Close()
			return nil, err
		}
		db.ckpt = c
		c.start()
	}
	db.sub = newSubmitter(db)
	db.tokens = newTokenCache(db.dialect, dsn)
	return db, nil
}

// prepareWrites prepares the write path's statements on the writer
// connection; it runs after migrations, when the tables exist.
func (db *DB) prepareWrites(ctx context.Context) error {
	if err := db.rwStmts.warm(ctx, writeStatements...); err != nil {
		return fmt.Errorf("preparing statements: %w", err)
	}
	return nil
}

// Dialect reports the engine.
func (db *DB) Dialect() Dialect { return db.dialect }

// PoolStats are the read pool's and the write pool's figures, among them
// how often and how long callers waited for a connection (the bench
// reports the read pool's waits beside tracking).
func (db *DB) PoolStats() (read, write sql.DBStats) { return db.ro.Stats(), db.rw.Stats() }

// Close stops background work and closes the connections.
func (db *DB) Close() error {
	if db.sub != nil {
		db.sub.stop()
	}
	if db.tokens != nil {
		db.tokens.stop()
	}
	if db.track != nil {
		db.track.stop()
	}
	var ckErr error
	if db.ckpt != nil {
		ckErr = db.ckpt.stop()
	}
	db.roStmts.close()
	db.rwStmts.close()
	err := db.rw.Close()
	if err == nil {
		err = ckErr
	}
	if db.ro != db.rw {
		if e := db.ro.Close(); err == nil {
			err = e
		}
	}
	if db.reports != nil {
		if e := db.reports.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Ping checks the store answers (for /healthz).
func (db *DB) Ping(ctx context.Context) error { return db.ro.PingContext(ctx) }

// inTx runs fn in a write transaction: it commits if fn returns nil and
// rolls back on error or panic.
func (db *DB) inTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	stx, err := db.rw.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("beginning transaction: %w", err)
	}
	return db.runTx(ctx, stx, fn)
}

// runTx runs fn in stx: it commits if fn returns nil, after the batch
// event hook, and rolls back on error or panic.
func (db *DB) runTx(ctx context.Context, stx *sql.Tx, fn func(tx *Tx) error) (err error) {
	tx := &Tx{tx: stx, c: db.rwStmts}
	defer func() {
		if p := recover(); p != nil {
			_ = stx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = stx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if len(tx.sum) > 0 {
		if err = applyDelta(ctx, tx, tx.sum, db.dialect == Postgres); err != nil {
			return fmt.Errorf("updating the statistics summary: %w", err)
		}
		tx.sum = nil
	}
	if err = db.flushEvents(ctx, tx); err != nil {
		return err
	}
	if err = stx.Commit(); err != nil {
		return fmt.Errorf("committing: %w", err)
	}
	return nil
}

// WriteTx runs fn in a write transaction, for tools that load data in bulk
// (the demo, the benchmark); the domain goes through the typed methods.
func (db *DB) WriteTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return db.inTx(ctx, func(tx *Tx) error { return fn(tx.tx) })
}

// ReadDB is the read pool, for tools that measure queries.
func (db *DB) ReadDB() *sql.DB { return db.ro }

// isUnique reports whether err is a unique-constraint violation.
func isUnique(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// utc normalises a time for storage: UTC, microsecond precision (what
// PostgreSQL keeps), so that text comparison on SQLite orders correctly.
func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// Zone is where times are computed and shown: Asia/Ho_Chi_Minh (the
// binary embeds the time zone database, see cmd/motcua).
var Zone = mustZone("Asia/Ho_Chi_Minh")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// Vietnam has kept UTC+7 without daylight saving since 1975.
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}

// local converts a stored (UTC) time for showing: stored in UTC, shown in
// Vietnam's zone.
func local(t time.Time) time.Time { return t.In(Zone) }

// nutc is utc for optional times.
func nutc(t *time.Time) any {
	if t == nil {
		return nil
	}
	return utc(*t)
}

// ntime converts a scanned nullable time.
func ntime(n sql.NullTime) *time.Time {
	if !n.Valid {
		return nil
	}
	t := local(n.Time)
	return &t
}

// nint64 stores 0 as NULL for optional references.
func nint64(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

// pathUpper is the exclusive upper bound of a materialised-path prefix
// range: paths end in '/', and '0' is the next byte.
func pathUpper(prefix string) string {
	return strings.TrimSuffix(prefix, "/") + "0"
}

// CheckQuery refuses a search text longer than vn.MaxQueryRunes characters
// or vn.MaxQueryWords words (400 query_too_long, field q). Every search of
// the store checks it, so every surface states the same limits.
func CheckQuery(q string) error {
	if vn.QueryFits(q) {
		return nil
	}
	e := apperr.Newf(apperr.Invalid, "query_too_long",
		"Từ khóa tìm kiếm quá dài (tối đa %d ký tự và %d từ).",
		"The search text is too long (%d characters and %d words at most).", vn.MaxQueryRunes, vn.MaxQueryWords)
	e.Fields = []apperr.Field{{Name: "q", Code: "query_too_long", Message: e.VI, MessageEN: e.EN}}
	return e
}

// pgDSN is a PostgreSQL connection string with the session settings motcua
// wants unless it sets them itself: no JIT compilation (the report queries'
// estimated costs made PostgreSQL spend 30-40 ms compiling a query that
// then ran in a few: JIT pays for long analytic queries, not for these).
func pgDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn // pgx reports it
	}
	q := u.Query()
	if q.Has("jit") {
		return dsn
	}
	q.Set("jit", "off")
	u.RawQuery = q.Encode()
	return u.String()
}
