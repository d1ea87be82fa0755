package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

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

func clampLimit(n int) int {
	if n <= 0 {
		return 50
	}
	if n > 200 {
		return 200
	}
	return n
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
	_, dp, err := db.dirProcedure(ctx, code)
	if err != nil {
		return nil, err
	}
	var vid int64
	if dp != nil {
		vid = dp.inForce(at)
	}
	// A procedure with no version in force at `at` is as good as unknown.
	if vid == 0 {
		return nil, procedureNotFound(code)
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
