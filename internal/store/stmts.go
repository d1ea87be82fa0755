package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/motcua/motcua/internal/dossier"
)

// stmtCache keeps prepared statements per pool. The SQLite driver parses
// every query anew otherwise, which costs more than running it; pgx caches
// statements on its own, so PostgreSQL bypasses this.
type stmtCache struct {
	pool *sql.DB
	// fixed caches only what warm prepared: the SQLite writer has a single
	// connection, and preparing while a transaction holds it would wait
	// for ever.
	fixed bool
	m     sync.Map // query → *sql.Stmt
	n     atomic.Int64
}

// maxStmts bounds the cache: list queries are built from filters, so their
// shapes are many but few are hot.
const maxStmts = 512

func (c *stmtCache) get(ctx context.Context, q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	if s, ok := c.m.Load(q); ok {
		return s.(*sql.Stmt)
	}
	if c.fixed || c.n.Load() >= maxStmts {
		return nil
	}
	s, err := c.pool.PrepareContext(ctx, q)
	if err != nil {
		return nil // the unprepared call will report the error
	}
	if prev, loaded := c.m.LoadOrStore(q, s); loaded {
		s.Close()
		return prev.(*sql.Stmt)
	}
	c.n.Add(1)
	return s
}

// warm prepares the given queries now, outside any transaction.
func (c *stmtCache) warm(ctx context.Context, qs ...string) error {
	if c == nil {
		return nil
	}
	for _, q := range qs {
		if _, ok := c.m.Load(q); ok {
			continue
		}
		s, err := c.pool.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		c.m.Store(q, s)
		c.n.Add(1)
	}
	return nil
}

func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.m.Range(func(_, v any) bool { v.(*sql.Stmt).Close(); return true })
}

// queryRow runs a read on the read pool.
func (db *DB) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if s := db.roStmts.get(ctx, q); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return db.ro.QueryRowContext(ctx, q, args...)
}

// query runs a read on the read pool.
func (db *DB) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if s := db.roStmts.get(ctx, q); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return db.ro.QueryContext(ctx, q, args...)
}

// Tx is a write transaction whose statements are prepared once.
type Tx struct {
	tx *sql.Tx
	c  *stmtCache
	// events wait here for the batch event hook (eventbatch.go).
	events []EventRef
	// sum gathers the summary's counter changes of the transaction's
	// events, written once before the commit (runTx, applyDelta).
	sum sumDelta
}

// QueryRowContext runs a query returning one row in the transaction.
func (t *Tx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if s := t.c.get(ctx, q); s != nil {
		return t.tx.StmtContext(ctx, s).QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, q, args...)
}

// ExecContext runs a statement in the transaction.
func (t *Tx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if s := t.c.get(ctx, q); s != nil {
		return t.tx.StmtContext(ctx, s).ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, q, args...)
}

// QueryContext runs a query in the transaction.
func (t *Tx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if s := t.c.get(ctx, q); s != nil {
		return t.tx.StmtContext(ctx, s).QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, q, args...)
}

// Status lists in SQL, built from the sets the dossier package defines (a
// set is a method of dossier.Status, written once).
var (
	// sqlOpen: received and still in the administration's hands.
	sqlOpen = statusList(dossier.Status.Open)
	// sqlPending: awaiting reception, or open.
	sqlPending = statusList(dossier.Status.Pending)
	// sqlUncounted: never received, left out of form II.06a.
	sqlUncounted = statusList(func(s dossier.Status) bool { return !s.Counted() })
)

// sqlOverdue is the SQL of dossier.Dossier.Overdue for the dossier columns
// prefixed p ("d." or ""), at the time bound to the placeholder now: open,
// its clock running, and past its statutory due date.
func sqlOverdue(p, now string) string {
	return "(" + p + "status IN (" + sqlOpen + ") AND " + p + "legal_due_at < " + now + " AND NOT " + sqlPaused(p) + ")"
}

// sqlPaused is the SQL of dossier.Dossier.Paused.
func sqlPaused(p string) string {
	return "(" + p + "status = " + strconv.Itoa(int(dossier.StatusSupplement)) + " OR (" + p + "status = " +
		strconv.Itoa(int(dossier.StatusFee)) + " AND " + p + "paused_at IS NOT NULL))"
}

// statusList writes the statuses for which keep is true as an SQL list of
// integer literals, "2, 4, 5, 6".
func statusList(keep func(dossier.Status) bool) string {
	ss := dossier.StatusesWhere(keep)
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Itoa(int(s))
	}
	return strings.Join(out, ", ")
}
