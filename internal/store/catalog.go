package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/vn"
)

// ImportReport says what a catalogue import did.
type ImportReport struct {
	Procedures int
	Versions   int
	Links      int
	Rejected   []string
}

// ImportCatalogue stores procedure specs: a new procedure, or a new version
// when the spec's version number is not stored yet (existing versions are
// never rewritten: dossiers pin them). Offering units are resolved from the
// spec's selectors; unknown selectors are reported, not fatal.
func (db *DB) ImportCatalogue(ctx context.Context, specs []catalog.Spec) (ImportReport, error) {
	var rep ImportReport
	defer db.dirs.invalidate()
	err := db.inTx(ctx, func(tx *Tx) error {
		for _, s := range specs {
			if err := s.Check(); err != nil {
				rep.Rejected = append(rep.Rejected, fmt.Sprintf("%s: %v", s.Code, err))
				continue
			}
			var pid int64
			err := tx.QueryRowContext(ctx, `
				INSERT INTO procedures (code, name, name_folded, field, unit_level, life_events) VALUES ($1, $2, $3, $4, $5, $6)
				ON CONFLICT (code) DO UPDATE SET name = excluded.name, name_folded = excluded.name_folded,
					field = excluded.field, unit_level = excluded.unit_level, life_events = excluded.life_events
				RETURNING id`, s.Code, vn.NFC(s.Name), vn.Fold(s.Name+" "+s.Code), s.Field, string(s.UnitLevel), strings.Join(s.LifeEvents, ",")).Scan(&pid)
			if err != nil {
				return fmt.Errorf("saving procedure %s: %w", s.Code, err)
			}
			rep.Procedures++
			v := s.Version
			if v.Number == 0 {
				v.Number = 1
			}
			body, err := json.Marshal(v)
			if err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `
				INSERT INTO procedure_versions (procedure_id, number, effective_from, effective_to, level, class, body, receive_anywhere)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (procedure_id, number) DO NOTHING`,
				pid, v.Number, utc(v.EffectiveFrom), nutc(v.EffectiveTo), v.LegacyLevel, string(v.Class), string(body), v.ReceiveAnywhere)
			if err != nil {
				return fmt.Errorf("saving version of %s: %w", s.Code, err)
			}
			if n, _ := res.RowsAffected(); n > 0 {
				rep.Versions++
			}
			for _, sel := range s.OfferedBy {
				var q string
				var args = []any{pid}
				switch sel {
				case "all_communes":
					q = `SELECT id FROM units WHERE kind = 'commune'`
				case "all_districts":
					q = `SELECT id FROM units WHERE kind = 'district'`
				default:
					q = `SELECT id FROM units WHERE name = $2 OR code = $2`
					args = append(args, sel)
				}
				res, err := tx.ExecContext(ctx, `INSERT INTO procedure_units (procedure_id, unit_id) SELECT $1, id FROM (`+q+`) x WHERE true ON CONFLICT DO NOTHING`, args...)
				if err != nil {
					return fmt.Errorf("linking %s to %s: %w", s.Code, sel, err)
				}
				n, _ := res.RowsAffected()
				if n == 0 {
					var exists int
					_ = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM procedure_units WHERE procedure_id = $1`, pid).Scan(&exists)
					if exists == 0 {
						rep.Rejected = append(rep.Rejected, fmt.Sprintf("%s: no unit matches %q", s.Code, sel))
					}
				}
				rep.Links += int(n)
			}
		}
		return bumpCatalog(ctx, tx)
	})
	return rep, err
}

// ProcedureFilter selects procedures for listing.
type ProcedureFilter struct {
	Q      string
	Unit   string // agency identifier offering it
	Field  string
	Level  string // "1".."4", or a class: info, partial, full
	At     time.Time
	Cursor string // code after which to continue
	Limit  int
}

const procCols = `p.id, p.code, p.name, p.field, p.unit_level, v.id, v.body`

// versionInForce is the correlated subquery picking a procedure's version in
// force at the time bound as the given placeholder.
func versionInForce(at string) string {
	return `(SELECT vv.id FROM procedure_versions vv WHERE vv.procedure_id = p.id AND vv.effective_from <= ` + at +
		` AND (vv.effective_to IS NULL OR vv.effective_to > ` + at + `) ORDER BY vv.number DESC LIMIT 1)`
}

func scanProcedure(sc interface{ Scan(...any) error }) (*catalog.Procedure, error) {
	var p catalog.Procedure
	var v catalog.Version
	var lvl string
	var body []byte
	if err := sc.Scan(&p.ID, &p.Code, &p.Name, &p.Field, &lvl, &v.ID, &body); err != nil {
		return nil, err
	}
	p.UnitLevel = catalog.UnitLevel(lvl)
	id := v.ID
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, fmt.Errorf("decoding version of %s: %w", p.Code, err)
	}
	v.ID = id
	p.Current = &v
	return &p, nil
}

// Procedures lists procedures in force, by code, with keyset pagination.
func (db *DB) Procedures(ctx context.Context, f ProcedureFilter) ([]catalog.Procedure, string, error) {
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
	return db.procedurePage(ctx, where, args, f.Limit)
}

// procedurePage runs a procedure list query (versions in force joined as v)
// ordered by code, one row more than the page to tell if another follows.
func (db *DB) procedurePage(ctx context.Context, where []string, args []any, limit int) ([]catalog.Procedure, string, error) {
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

func clampLimit(n int) int {
	if n <= 0 {
		return 50
	}
	if n > 200 {
		return 200
	}
	return n
}

// Procedure returns one procedure with the version in force at `at` and the
// units that offer it.
func (db *DB) Procedure(ctx context.Context, code string, at time.Time) (*catalog.Procedure, error) {
	p, err := scanProcedure(db.queryRow(ctx, `SELECT `+procCols+` FROM procedures p JOIN procedure_versions v ON v.procedure_id = p.id
		WHERE p.code = $1 AND v.id = `+versionInForce("$2"), code, utc(at)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Newf(apperr.NotFound, "procedure_not_found", "Không tìm thấy thủ tục «%s».", "Procedure %q not found.", code)
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

// Offers reports whether the unit offers the procedure.
func (db *DB) Offers(ctx context.Context, procedureID, unitID int64) (bool, error) {
	d, err := db.dir(ctx)
	if err != nil {
		return false, err
	}
	if _, ok := d.offers[[2]int64{procedureID, unitID}]; ok {
		return true, nil
	}
	// Not in the copy: ask the table, in case another process just added it.
	var n int
	err = db.queryRow(ctx, `SELECT COUNT(*) FROM procedure_units WHERE procedure_id = $1 AND unit_id = $2`, procedureID, unitID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("checking offer: %w", err)
	}
	return n > 0, nil
}

// OffersProcedure reports whether the unit offers the procedure with the
// code (unknown codes are offered nowhere): what the dossier service asks
// of a dossier, which carries its procedure's code.
func (db *DB) OffersProcedure(ctx context.Context, code string, unitID int64) (bool, error) {
	d, err := db.dir(ctx)
	if err != nil {
		return false, err
	}
	if p, ok := d.procByCode[code]; ok {
		return db.Offers(ctx, p.id, unitID)
	}
	var id int64
	err = db.queryRow(ctx, `SELECT id FROM procedures WHERE code = $1`, code).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading procedure %s: %w", code, err)
	}
	return db.Offers(ctx, id, unitID)
}

// ProcedureInForce returns a procedure with its version in force at `at`,
// without the list of offering units: what a submission needs. It reads
// the in-memory directory (see directory.go).
func (db *DB) ProcedureInForce(ctx context.Context, code string, at time.Time) (*catalog.Procedure, error) {
	d, err := db.dir(ctx)
	if err != nil {
		return nil, err
	}
	dp, ok := d.procByCode[code]
	if !ok {
		// Perhaps imported by another process within directoryTTL: reload
		// only if the table has it, so unknown codes cannot force reloads.
		var n int
		if err := db.queryRow(ctx, `SELECT COUNT(*) FROM procedures WHERE code = $1`, code).Scan(&n); err != nil {
			return nil, fmt.Errorf("reading procedure %s: %w", code, err)
		}
		if n > 0 {
			db.dirs.invalidate()
			if d, err = db.dir(ctx); err != nil {
				return nil, err
			}
			dp, ok = d.procByCode[code]
		}
	}
	var vid int64
	if ok {
		vid = dp.inForce(at)
	}
	// A procedure with no version in force at `at` is as good as unknown.
	if vid == 0 {
		return nil, apperr.Newf(apperr.NotFound, "procedure_not_found", "Không tìm thấy thủ tục «%s».", "Procedure %q not found.", code)
	}
	p := &catalog.Procedure{ID: dp.id, Code: dp.code, Name: dp.name, Field: dp.field, UnitLevel: catalog.UnitLevel(dp.unitLevel)}
	if p.Current, err = db.Version(ctx, vid); err != nil {
		return nil, err
	}
	return p, nil
}

// Version returns a stored procedure version by id (what a dossier pins).
// Stored versions are never rewritten, so decoded ones are kept in memory;
// callers must treat the result as read-only.
func (db *DB) Version(ctx context.Context, id int64) (*catalog.Version, error) {
	if v, ok := db.versions.Load(id); ok {
		return v.(*catalog.Version), nil
	}
	var body []byte
	err := db.queryRow(ctx, `SELECT body FROM procedure_versions WHERE id = $1`, id).Scan(&body)
	if err != nil {
		return nil, fmt.Errorf("reading procedure version %d: %w", id, err)
	}
	var v catalog.Version
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, fmt.Errorf("decoding procedure version %d: %w", id, err)
	}
	v.ID = id
	db.versions.Store(id, &v)
	return &v, nil
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
