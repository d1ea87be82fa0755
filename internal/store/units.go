package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/vn"
)

// UpsertUnits inserts or updates units by code, parents before children, in
// one transaction, and keeps materialised paths right.
func (db *DB) UpsertUnits(ctx context.Context, units []org.Unit) error {
	defer db.dirs.invalidate()
	return db.inTx(ctx, func(tx *Tx) error {
		// Parents usually come earlier in the list: remember what was
		// written instead of reading it back (a round trip a unit).
		written := map[string]unitRef{}
		moved := false
		for _, u := range units {
			m, err := upsertUnit(ctx, tx, u, written)
			if err != nil {
				return fmt.Errorf("saving unit %s (%s): %w", u.Code, u.Name, err)
			}
			moved = moved || m
		}
		if moved {
			// The statistics summed by subtree follow the tree.
			if err := db.refreshSubtrees(ctx, tx); err != nil {
				return err
			}
			if err := db.refreshLevel4Subtrees(ctx, tx); err != nil {
				return err
			}
		}
		return bumpCatalog(ctx, tx)
	})
}

// unitRef is the id and path of a unit written in the same transaction.
type unitRef struct {
	id   int64
	path string
}

// upsertUnit writes u and reports whether it moved: an existing unit whose
// path changed.
func upsertUnit(ctx context.Context, tx *Tx, u org.Unit, written map[string]unitRef) (bool, error) {
	var parentID sql.NullInt64
	parentPath := "/"
	if p, ok := written[u.ParentCode]; ok && u.ParentCode != "" {
		parentID, parentPath = sql.NullInt64{Int64: p.id, Valid: true}, p.path
	} else if u.ParentCode != "" {
		var pp string
		err := tx.QueryRowContext(ctx, `SELECT id, path FROM units WHERE code = $1`, u.ParentCode).Scan(&parentID, &pp)
		if errors.Is(err, sql.ErrNoRows) {
			return false, fmt.Errorf("parent %s not found", u.ParentCode)
		}
		if err != nil {
			return false, err
		}
		parentPath = pp
	}
	pred := strings.Join(u.PredecessorGSO, ",")
	var id int64
	var oldPath string // the upsert leaves path as it was: '' for a new unit
	err := tx.QueryRowContext(ctx, `
		INSERT INTO units (code, gso_code, name, name_folded, kind, parent_id, valid_from, valid_to, predecessor_gso)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (code) DO UPDATE SET gso_code = excluded.gso_code, name = excluded.name,
			name_folded = excluded.name_folded, kind = excluded.kind, parent_id = excluded.parent_id,
			valid_from = excluded.valid_from, valid_to = excluded.valid_to, predecessor_gso = excluded.predecessor_gso
		RETURNING id, path`,
		u.Code, u.GSOCode, vn.NFC(u.Name), vn.Fold(u.Name), string(u.Kind), parentID, nutc(u.ValidFrom), nutc(u.ValidTo), pred).Scan(&id, &oldPath)
	if err != nil {
		return false, err
	}
	path := fmt.Sprintf("%s%d/", parentPath, id)
	written[u.Code] = unitRef{id, path}
	if _, err = tx.ExecContext(ctx, `UPDATE units SET path = $1 WHERE id = $2`, path, id); err != nil {
		return false, err
	}
	moved := oldPath != "" && oldPath != path
	if moved {
		if err := movePaths(ctx, tx, oldPath, path); err != nil {
			return false, fmt.Errorf("moving the paths below: %w", err)
		}
		for code, r := range written {
			if strings.HasPrefix(r.path, oldPath) && r.id != id {
				written[code] = unitRef{r.id, path + strings.TrimPrefix(r.path, oldPath)}
			}
		}
	}
	return moved, nil
}

// pathTables are the tables that copy a unit's path beside its id (so
// that a subtree's rows are one range of an index): the dossiers, the walk-in
// counts and the population lookups.
var pathTables = []string{"dossiers", "walkins", "population_lookups"}

// movePaths rewrites the paths under a moved unit, from old to new: the
// units below it and the rows of pathTables held by it or below, so that a
// subtree's worklists, statistics and reports follow the tree.
func movePaths(ctx context.Context, tx *Tx, old, new string) error {
	n := len(old) // paths are ASCII: bytes and characters agree
	if _, err := tx.ExecContext(ctx, `UPDATE units SET path = $1 || substr(path, $2) WHERE path > $3 AND path < $4`,
		new, n+1, old, pathUpper(old)); err != nil {
		return fmt.Errorf("units: %w", err)
	}
	for _, t := range pathTables {
		if _, err := tx.ExecContext(ctx, `UPDATE `+t+` SET unit_path = $1 || substr(unit_path, $2) WHERE unit_path >= $3 AND unit_path < $4`,
			new, n+1, old, pathUpper(old)); err != nil {
			return fmt.Errorf("%s: %w", t, err)
		}
	}
	return nil
}

const unitCols = `u.id, u.code, u.gso_code, u.name, u.kind, u.parent_id, COALESCE(p.code, ''), u.path, u.valid_from, u.valid_to, u.predecessor_gso`

func scanUnit(sc interface{ Scan(...any) error }) (*org.Unit, error) {
	var u org.Unit
	var parent sql.NullInt64
	var from, to sql.NullTime
	var kind, pred string
	if err := sc.Scan(&u.ID, &u.Code, &u.GSOCode, &u.Name, &kind, &parent, &u.ParentCode, &u.Path, &from, &to, &pred); err != nil {
		return nil, err
	}
	u.Kind = org.Kind(kind)
	u.ParentID = parent.Int64
	u.ValidFrom, u.ValidTo = ntime(from), ntime(to)
	if pred != "" {
		u.PredecessorGSO = strings.Split(pred, ",")
	}
	return &u, nil
}

// UnitByCode finds a unit by its agency identifier.
// It reads the in-memory directory, falling back to the table for a unit
// another process added within the last directoryTTL.
func (db *DB) UnitByCode(ctx context.Context, code string) (*org.Unit, error) {
	d, err := db.dir(ctx)
	if err != nil {
		return nil, err
	}
	if u, ok := d.unitByCode[code]; ok {
		cp := *u
		return &cp, nil
	}
	u, err := scanUnit(db.queryRow(ctx, `SELECT `+unitCols+` FROM units u LEFT JOIN units p ON p.id = u.parent_id WHERE u.code = $1`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Newf(apperr.NotFound, "unit_not_found", "Không tìm thấy đơn vị «%s».", "Unit %q not found.", code)
	}
	if err != nil {
		return nil, fmt.Errorf("reading unit %s: %w", code, err)
	}
	return u, nil
}

// UnitByID finds a unit by its row id.
func (db *DB) UnitByID(ctx context.Context, id int64) (*org.Unit, error) {
	u, err := scanUnit(db.queryRow(ctx, `SELECT `+unitCols+` FROM units u LEFT JOIN units p ON p.id = u.parent_id WHERE u.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "unit_not_found", "Không tìm thấy đơn vị.", "Unit not found.")
	}
	if err != nil {
		return nil, fmt.Errorf("reading unit %d: %w", id, err)
	}
	return u, nil
}

// UnitFilter selects units for listing.
type UnitFilter struct {
	Parent string // agency identifier of the parent; "" for all
	Roots  bool   // only units without parent
	Q      string // accent-insensitive name search
	At     time.Time
	Limit  int
}

// Units lists units ordered by name.
func (db *DB) Units(ctx context.Context, f UnitFilter) ([]org.Unit, error) {
	if err := CheckQuery(f.Q); err != nil {
		return nil, err
	}
	var (
		where []string
		args  []any
	)
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if f.Parent != "" {
		where = append(where, "p.code = "+arg(f.Parent))
	} else if f.Roots {
		where = append(where, "u.parent_id IS NULL")
	}
	if q := vn.Fold(f.Q); q != "" {
		where = append(where, "u.name_folded LIKE "+arg("%"+escapeLike(q)+"%")+` ESCAPE '\'`)
	}
	if !f.At.IsZero() {
		a := arg(utc(f.At))
		where = append(where, "(u.valid_from IS NULL OR u.valid_from <= "+a+") AND (u.valid_to IS NULL OR u.valid_to >= "+a+")")
	}
	q := `SELECT ` + unitCols + ` FROM units u LEFT JOIN units p ON p.id = u.parent_id`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	q += " ORDER BY u.path LIMIT " + arg(limit)
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("listing units: %w", err)
	}
	defer rows.Close()
	var out []org.Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, fmt.Errorf("listing units: %w", err)
		}
		out = append(out, *u)
	}
	return out, rows.Err()
}

// UnitChoices lists every unit valid at `at`, in reading order (org.Sort), each with the
// unit above it: the candidates of the back office's transfer and
// consultation pickers, which org.Search narrows. It reads the in-memory
// directory: a search as the officer types costs no query.
func (db *DB) UnitChoices(ctx context.Context, at time.Time) ([]org.Choice, error) {
	d, err := db.dir(ctx)
	if err != nil {
		return nil, err
	}
	units := make([]*org.Unit, 0, len(d.unitByID))
	for _, u := range d.unitByID {
		if u.ActiveOn(at) {
			units = append(units, u)
		}
	}
	out := make([]org.Choice, 0, len(units))
	for _, u := range units {
		c := org.Choice{Code: u.Code, Name: u.Name, Kind: u.Kind}
		if p := d.unitByID[u.ParentID]; p != nil {
			c.ParentCode, c.ParentName, c.ParentIsRoot = p.Code, p.Name, p.ParentID == 0
		}
		out = append(out, c)
	}
	org.Sort(out)
	return out, nil
}

// CountUnits counts units by kind.
func (db *DB) CountUnits(ctx context.Context) (map[org.Kind]int, error) {
	rows, err := db.query(ctx, `SELECT kind, COUNT(*) FROM units GROUP BY kind`)
	if err != nil {
		return nil, fmt.Errorf("counting units: %w", err)
	}
	defer rows.Close()
	out := map[org.Kind]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[org.Kind(k)] = n
	}
	return out, rows.Err()
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
