package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/motcua/motcua/internal/org"
)

// directoryTTL is how stale another process's change to units or the
// catalogue may look here; this process's own changes show at once.
const directoryTTL = time.Second

// directory is an in-memory copy of the read-mostly tables every
// submission, tracking lookup and catalogue search needs (units,
// procedures and their versions' dates and levels, which unit offers
// what). The database stays the truth:
// the copy is reloaded when catalog_generation moves.
type directory struct {
	gen int64
	// checked is when gen was last found current (Unix nanoseconds),
	// read without the cache's lock.
	checked    atomic.Int64
	unitByCode map[string]*org.Unit
	unitByID   map[int64]*org.Unit
	procByCode map[string]*dirProc
	procByID   map[int64]*dirProc
	offers     map[[2]int64]struct{}
	// procs are the procedures in code order (byte order, as the keyset
	// cursor compares them): what catalogue searches walk (search_mem.go).
	procs []*dirProc
	// encoded caches what lists and pages send of a version, for this
	// generation only: the procedure's name, field or units may change.
	encoded encodedCache
}

type dirProc struct {
	id                int64
	code, name, field string
	unitLevel         string
	// nameFolded is procedures.name_folded (the folded name and code) and
	// lifeEvents procedures.life_events: what searches match.
	nameFolded, lifeEvents string
	versions               []dirVersion
	units                  []int64 // ids of the units offering it
}

type dirVersion struct {
	id     int64
	number int
	from   time.Time
	to     *time.Time
	level  int    // procedure_versions.level
	class  string // procedure_versions.class
}

// inForce returns the id of the version in force at t, the newest number
// winning, or 0.
func (p *dirProc) inForce(t time.Time) int64 {
	if v := p.inForceVersion(t); v != nil {
		return v.id
	}
	return 0
}

// inForceVersion returns the version in force at t, the newest number
// winning, or nil.
func (p *dirProc) inForceVersion(t time.Time) *dirVersion {
	var best *dirVersion
	for i := range p.versions {
		v := &p.versions[i]
		if v.from.After(t) || v.to != nil && !v.to.After(t) {
			continue
		}
		if best == nil || v.number > best.number {
			best = v
		}
	}
	return best
}

type dirCache struct {
	mu  sync.Mutex // serialises checks and reloads
	cur atomic.Pointer[directory]
}

// invalidate drops the copy after a local change. It takes the lock so
// that a reload begun before the change cannot install its copy after.
func (c *dirCache) invalidate() {
	c.mu.Lock()
	c.cur.Store(nil)
	c.mu.Unlock()
}

// fresh returns the copy if it was found current within directoryTTL.
func (c *dirCache) fresh(now time.Time) *directory {
	if d := c.cur.Load(); d != nil && now.Sub(time.Unix(0, d.checked.Load())) < directoryTTL {
		return d
	}
	return nil
}

// dir returns a current copy of the directory. Within directoryTTL of the
// last check it takes no lock: every search and submission asks.
func (db *DB) dir(ctx context.Context) (*directory, error) {
	c := &db.dirs
	if d := c.fresh(time.Now()); d != nil {
		return d, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	if d := c.fresh(now); d != nil {
		return d, nil // checked by another caller meanwhile
	}
	var gen int64
	if err := db.queryRow(ctx, `SELECT n FROM catalog_generation WHERE id = 1`).Scan(&gen); err != nil {
		return nil, fmt.Errorf("reading catalogue generation: %w", err)
	}
	if d := c.cur.Load(); d != nil && d.gen == gen {
		d.checked.Store(now.UnixNano())
		return d, nil
	}
	d, err := db.loadDirectory(ctx, gen)
	if err != nil {
		return nil, err
	}
	d.checked.Store(now.UnixNano())
	c.cur.Store(d)
	return d, nil
}

func (db *DB) loadDirectory(ctx context.Context, gen int64) (*directory, error) {
	d := &directory{gen: gen, unitByCode: map[string]*org.Unit{}, unitByID: map[int64]*org.Unit{},
		procByCode: map[string]*dirProc{}, procByID: map[int64]*dirProc{}, offers: map[[2]int64]struct{}{}}
	rows, err := db.query(ctx, `SELECT `+unitCols+` FROM units u LEFT JOIN units p ON p.id = u.parent_id`)
	if err != nil {
		return nil, fmt.Errorf("loading units: %w", err)
	}
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("loading units: %w", err)
		}
		d.unitByCode[u.Code], d.unitByID[u.ID] = u, u
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("loading units: %w", err)
	}
	rows, err = db.query(ctx, `SELECT p.id, p.code, p.name, p.field, p.unit_level, p.name_folded, p.life_events,
			v.id, v.number, v.effective_from, v.effective_to, v.level, v.class
		FROM procedures p JOIN procedure_versions v ON v.procedure_id = p.id ORDER BY p.id, v.number`)
	if err != nil {
		return nil, fmt.Errorf("loading procedures: %w", err)
	}
	for rows.Next() {
		var p dirProc
		var v dirVersion
		var to sql.NullTime
		if err := rows.Scan(&p.id, &p.code, &p.name, &p.field, &p.unitLevel, &p.nameFolded, &p.lifeEvents,
			&v.id, &v.number, &v.from, &to, &v.level, &v.class); err != nil {
			rows.Close()
			return nil, fmt.Errorf("loading procedures: %w", err)
		}
		v.to = ntime(to)
		cur := d.procByID[p.id]
		if cur == nil {
			cur = &p
			d.procByID[p.id], d.procByCode[p.code] = cur, cur
			d.procs = append(d.procs, cur)
		}
		cur.versions = append(cur.versions, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("loading procedures: %w", err)
	}
	rows, err = db.query(ctx, `SELECT procedure_id, unit_id FROM procedure_units`)
	if err != nil {
		return nil, fmt.Errorf("loading offers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k [2]int64
		if err := rows.Scan(&k[0], &k[1]); err != nil {
			return nil, fmt.Errorf("loading offers: %w", err)
		}
		d.offers[k] = struct{}{}
		if p := d.procByID[k[0]]; p != nil {
			p.units = append(p.units, k[1])
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("loading offers: %w", err)
	}
	sort.Slice(d.procs, func(i, j int) bool { return d.procs[i].code < d.procs[j].code })
	return d, nil
}

// bumpCatalog marks units or the catalogue changed, for every process.
func bumpCatalog(ctx context.Context, tx *Tx) error {
	_, err := tx.ExecContext(ctx, `UPDATE catalog_generation SET n = n + 1 WHERE id = 1`)
	return err
}
