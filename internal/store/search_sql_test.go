package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/vn"
)

// The catalogue's searches as SQL: how they were served before the
// in-memory directory (search_mem.go), kept as the oracle the tests compare
// its answers with (TestSearchMemoryMatchesSQL), so the two cannot drift.

// ProceduresSQL is Procedures as it was asked of the database.
func (db *DB) ProceduresSQL(ctx context.Context, f ProcedureFilter) ([]catalog.Procedure, string, error) {
	if err := CheckQuery(f.Q); err != nil {
		return nil, "", err
	}
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	at := f.At
	if at.IsZero() {
		at = time.Now()
	}
	atp := arg(utc(at))
	where := []string{"v.id = " + versionInForce(atp)}
	where = append(where, nameMatches(f.Q, arg)...)
	if f.Unit != "" {
		where = append(where, "EXISTS (SELECT 1 FROM procedure_units pu JOIN units u ON u.id = pu.unit_id WHERE pu.procedure_id = p.id AND u.code = "+arg(f.Unit)+")")
	}
	if f.Field != "" {
		where = append(where, "p.field = "+arg(f.Field))
	}
	if f.Level != "" {
		if n, err := strconv.Atoi(f.Level); err == nil {
			where = append(where, "v.level = "+arg(n))
		} else {
			where = append(where, "v.class = "+arg(f.Level))
		}
	}
	if f.Cursor != "" {
		where = append(where, "p.code > "+arg(f.Cursor))
	}
	return db.procedurePageSQL(ctx, where, args, f.Limit)
}

// procedurePageSQL runs a procedure list query (versions in force joined as v)
// ordered by code, one row more than the page to tell if another follows.
func (db *DB) procedurePageSQL(ctx context.Context, where []string, args []any, limit int) ([]catalog.Procedure, string, error) {
	limit = clampLimit(limit)
	args = append(args, limit+1)
	q := `SELECT ` + procCols + ` FROM procedures p JOIN procedure_versions v ON v.procedure_id = p.id WHERE ` +
		strings.Join(where, " AND ") + fmt.Sprintf(` ORDER BY p.code LIMIT $%d`, len(args))
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, "", fmt.Errorf("listing procedures: %w", err)
	}
	defer rows.Close()
	var out []catalog.Procedure
	for rows.Next() {
		p, err := scanProcedure(rows)
		if err != nil {
			return nil, "", err
		}
		out = append(out, *p)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("listing procedures: %w", err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = out[limit-1].Code
	}
	return out, next, nil
}

// ProcedureSQL is Procedure as it was asked of the database.
func (db *DB) ProcedureSQL(ctx context.Context, code string, at time.Time) (*catalog.Procedure, error) {
	p, err := scanProcedure(db.queryRow(ctx, `SELECT `+procCols+` FROM procedures p JOIN procedure_versions v ON v.procedure_id = p.id
		WHERE p.code = $1 AND v.id = `+versionInForce("$2"), code, utc(at)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, procedureNotFound(code)
	}
	if err != nil {
		return nil, fmt.Errorf("reading procedure %s: %w", code, err)
	}
	rows, err := db.query(ctx, `SELECT u.code FROM procedure_units pu JOIN units u ON u.id = pu.unit_id WHERE pu.procedure_id = $1 ORDER BY u.path`, p.ID)
	if err != nil {
		return nil, fmt.Errorf("reading units of %s: %w", code, err)
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		p.Units = append(p.Units, c)
	}
	return p, rows.Err()
}

// nameMatches is the condition a procedure's folded name meets for a
// catalogue query: every group of catalog.SearchTerms, each by any of its
// terms. arg binds a value and returns its placeholder.
func nameMatches(q string, arg func(any) string) []string {
	var where []string
	for _, group := range catalog.SearchTerms(q) {
		var ors []string
		for _, term := range group {
			ors = append(ors, "p.name_folded LIKE "+arg("%"+escapeLike(term)+"%")+` ESCAPE '\'`)
		}
		where = append(where, "("+strings.Join(ors, " OR ")+")")
	}
	return where
}

// portalWhere builds the conditions of a PortalFilter; arg binds a value
// and returns its placeholder.
func portalWhere(f PortalFilter, arg func(any) string) []string {
	at := f.At
	if at.IsZero() {
		at = time.Now()
	}
	where := []string{"v.id = " + versionInForce(arg(utc(at)))}
	where = append(where, nameMatches(f.Q, arg)...)
	if f.Unit != "" {
		where = append(where, "EXISTS (SELECT 1 FROM procedure_units pu JOIN units u ON u.id = pu.unit_id WHERE pu.procedure_id = p.id AND u.code = "+arg(f.Unit)+")")
	}
	if f.Field != "" {
		where = append(where, "p.field = "+arg(vn.NFC(f.Field)))
	}
	if f.Level != "" {
		if n, err := strconv.Atoi(f.Level); err == nil {
			where = append(where, "v.level = "+arg(n))
		} else {
			where = append(where, "v.class = "+arg(f.Level))
		}
	}
	if f.UnitLevel != "" {
		where = append(where, "p.unit_level = "+arg(f.UnitLevel))
	}
	if f.LifeEvent != "" {
		// life_events is a comma-separated list of snake-case keys; framing
		// it with commas matches whole keys only.
		where = append(where, "(',' || p.life_events || ',') LIKE "+arg("%,"+escapeLike(f.LifeEvent)+",%")+` ESCAPE '\'`)
	}
	return where
}

// PortalProceduresSQL is PortalProcedures as it was asked of the database.
func (db *DB) PortalProceduresSQL(ctx context.Context, f PortalFilter) ([]catalog.Procedure, string, error) {
	if err := CheckQuery(f.Q); err != nil {
		return nil, "", err
	}
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	where := portalWhere(f, arg)
	if f.Cursor != "" {
		where = append(where, "p.code > "+arg(f.Cursor))
	}
	return db.procedurePageSQL(ctx, where, args, f.Limit)
}

// CountPortalProceduresSQL is CountPortalProcedures as it was asked of the
// database.
func (db *DB) CountPortalProceduresSQL(ctx context.Context, f PortalFilter) (int, error) {
	if err := CheckQuery(f.Q); err != nil {
		return 0, err
	}
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	where := portalWhere(f, arg)
	var n int
	err := db.queryRow(ctx, `SELECT COUNT(*) FROM procedures p JOIN procedure_versions v ON v.procedure_id = p.id WHERE `+
		strings.Join(where, " AND "), args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("counting portal procedures: %w", err)
	}
	return n, nil
}
