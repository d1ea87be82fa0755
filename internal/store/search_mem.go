package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/vn"
)

// This file serves the catalogue's searches and pages from the in-memory
// directory (directory.go): the catalogue is small and read on every
// search, where decoding each version body and a LIKE over every name with
// a correlated subquery per row cost most of the time (issue 14). The
// answers are those of the SQL the tests keep as the oracle
// (search_sql_test.go); another process's import shows within
// directoryTTL, as for submissions.

// encodedCache holds, for one directory generation, what was encoded of
// the versions in force: list items and procedure pages, keyed by version
// id (a version belongs to one procedure).
type encodedCache struct {
	items   sync.Map // int64 → *listItem
	details sync.Map // int64 → []byte
}

type listItem struct {
	sum  catalog.Summary
	json []byte
}

// memQuery is a PortalFilter made ready to test the procedures of one
// directory.
type memQuery struct {
	groups    [][]string
	unitID    int64 // the unit that must offer it; 0 for any
	noUnit    bool  // the filter names a unit the directory lacks
	field     string
	unitLevel string
	lifeEvent string
	level     string // as given: a number 1–4 or a class
	levelN    int
	byNumber  bool
	at        time.Time
}

func (d *directory) prepare(f PortalFilter) *memQuery {
	q := &memQuery{groups: catalog.SearchTerms(f.Q), field: f.Field, unitLevel: f.UnitLevel, lifeEvent: f.LifeEvent, level: f.Level, at: f.At}
	if q.at.IsZero() {
		q.at = time.Now()
	}
	q.at = utc(q.at) // what the SQL compared: microseconds
	if f.Unit != "" {
		if u, ok := d.unitByCode[f.Unit]; ok {
			q.unitID = u.ID
		} else {
			q.noUnit = true
		}
	}
	if f.Level != "" {
		if n, err := strconv.Atoi(f.Level); err == nil {
			q.levelN, q.byNumber = n, true
		}
	}
	return q
}

// match returns the id of p's version in force when p meets q, else 0.
func (d *directory) match(q *memQuery, p *dirProc) int64 {
	if q.noUnit || q.field != "" && p.field != q.field || q.unitLevel != "" && p.unitLevel != q.unitLevel {
		return 0
	}
	if q.lifeEvent != "" && !hasListKey(p.lifeEvents, q.lifeEvent) {
		return 0
	}
	if q.unitID != 0 {
		if _, ok := d.offers[[2]int64{p.id, q.unitID}]; !ok {
			return 0
		}
	}
	v := p.inForceVersion(q.at)
	if v == nil {
		return 0
	}
	if q.level != "" && (q.byNumber && v.level != q.levelN || !q.byNumber && v.class != q.level) {
		return 0
	}
	for _, group := range q.groups {
		found := false
		for _, term := range group {
			if strings.Contains(p.nameFolded, term) {
				found = true
				break
			}
		}
		if !found {
			return 0
		}
	}
	return v.id
}

// hasListKey reports whether the comma-separated list holds key whole, as
// the SQL's (',' || list || ',') LIKE '%,key,%' did.
func hasListKey(list, key string) bool {
	for i := 0; i+len(key) <= len(list); {
		j := strings.Index(list[i:], key)
		if j < 0 {
			return false
		}
		j += i
		if (j == 0 || list[j-1] == ',') && (j+len(key) == len(list) || list[j+len(key)] == ',') {
			return true
		}
		i = j + 1
	}
	return false
}

// memHit is a procedure found with its version in force.
type memHit struct {
	p   *dirProc
	vid int64
}

// search returns the page of procedures after cursor meeting q, in code
// order, and the cursor of the next page ("" on the last).
func (d *directory) search(q *memQuery, cursor string, limit int) ([]memHit, string) {
	limit = clampLimit(limit)
	start := 0
	if cursor != "" {
		start = sort.Search(len(d.procs), func(i int) bool { return d.procs[i].code > cursor })
	}
	var hits []memHit
	for _, p := range d.procs[start:] {
		if vid := d.match(q, p); vid != 0 {
			hits = append(hits, memHit{p, vid})
			if len(hits) > limit {
				return hits[:limit], hits[limit-1].p.code
			}
		}
	}
	return hits, ""
}

// count returns how many procedures meet q.
func (d *directory) count(q *memQuery) int {
	n := 0
	for _, p := range d.procs {
		if d.match(q, p) != 0 {
			n++
		}
	}
	return n
}

// searchDir runs a filter over the current directory.
func (db *DB) searchDir(ctx context.Context, f PortalFilter) (*directory, []memHit, string, error) {
	if err := CheckQuery(f.Q); err != nil {
		return nil, nil, "", err
	}
	d, err := db.dir(ctx)
	if err != nil {
		return nil, nil, "", err
	}
	hits, next := d.search(d.prepare(f), f.Cursor, f.Limit)
	return d, hits, next, nil
}

// procedures turns hits into procedures with their (shared, cached)
// versions in force.
func (db *DB) procedures(ctx context.Context, hits []memHit) ([]catalog.Procedure, error) {
	var out []catalog.Procedure
	for _, h := range hits {
		v, err := db.Version(ctx, h.vid)
		if err != nil {
			return nil, fmt.Errorf("listing procedures: %w", err)
		}
		out = append(out, catalog.Procedure{ID: h.p.id, Code: h.p.code, Name: h.p.name, Field: h.p.field,
			UnitLevel: catalog.UnitLevel(h.p.unitLevel), Current: v})
	}
	return out, nil
}

// Procedures lists procedures in force, by code, with keyset pagination.
// Their versions are shared with other callers: read-only.
func (db *DB) Procedures(ctx context.Context, f ProcedureFilter) ([]catalog.Procedure, string, error) {
	_, hits, next, err := db.searchDir(ctx, PortalFilter{ProcedureFilter: f})
	if err != nil {
		return nil, "", err
	}
	ps, err := db.procedures(ctx, hits)
	return ps, next, err
}

// SummaryPage is a page of procedure summaries.
type SummaryPage struct {
	Items []catalog.Summary
	// JSON holds each item encoded (no HTML escaping, no newline), cached
	// for the catalogue generation: the API writes it as is.
	JSON []json.RawMessage
	Next string // code to continue after; "" on the last page
}

// ProcedureSummaries is Procedures without the versions' documents, form
// and process: what the API's list sends.
func (db *DB) ProcedureSummaries(ctx context.Context, f ProcedureFilter) (SummaryPage, error) {
	d, hits, next, err := db.searchDir(ctx, PortalFilter{ProcedureFilter: f})
	if err != nil {
		return SummaryPage{}, err
	}
	page := SummaryPage{Items: make([]catalog.Summary, 0, len(hits)), JSON: make([]json.RawMessage, 0, len(hits)), Next: next}
	for _, h := range hits {
		it, err := db.listItem(ctx, d, h)
		if err != nil {
			return SummaryPage{}, err
		}
		page.Items, page.JSON = append(page.Items, it.sum), append(page.JSON, it.json)
	}
	return page, nil
}

func (db *DB) listItem(ctx context.Context, d *directory, h memHit) (*listItem, error) {
	if it, ok := d.encoded.items.Load(h.vid); ok {
		return it.(*listItem), nil
	}
	v, err := db.Version(ctx, h.vid)
	if err != nil {
		return nil, fmt.Errorf("listing procedures: %w", err)
	}
	p := catalog.Procedure{Code: h.p.code, Name: h.p.name, Field: h.p.field, UnitLevel: catalog.UnitLevel(h.p.unitLevel), Current: v}
	it := &listItem{sum: p.Summarize()}
	if it.json, err = encodeJSON(it.sum); err != nil {
		return nil, fmt.Errorf("encoding procedure %s: %w", h.p.code, err)
	}
	d.encoded.items.Store(h.vid, it)
	return it, nil
}

// PortalProcedures lists procedures in force, by code, with keyset
// pagination, like Procedures, and also filters by unit level and life
// event.
func (db *DB) PortalProcedures(ctx context.Context, f PortalFilter) ([]catalog.Procedure, string, error) {
	f.Field = vn.NFC(f.Field)
	_, hits, next, err := db.searchDir(ctx, f)
	if err != nil {
		return nil, "", err
	}
	ps, err := db.procedures(ctx, hits)
	return ps, next, err
}

// CountPortalProcedures counts the procedures PortalProcedures would list
// over all its pages (the cursor and limit are ignored).
func (db *DB) CountPortalProcedures(ctx context.Context, f PortalFilter) (int, error) {
	if err := CheckQuery(f.Q); err != nil {
		return 0, err
	}
	d, err := db.dir(ctx)
	if err != nil {
		return 0, err
	}
	f.Field = vn.NFC(f.Field)
	return d.count(d.prepare(f)), nil
}

// dirProcedure finds a procedure in the directory by code, reloading it
// when the table has a code the copy lacks (imported by another process
// within directoryTTL; unknown codes cannot force reloads). dp is nil when
// the code is unknown.
func (db *DB) dirProcedure(ctx context.Context, code string) (*directory, *dirProc, error) {
	d, err := db.dir(ctx)
	if err != nil {
		return nil, nil, err
	}
	if dp, ok := d.procByCode[code]; ok {
		return d, dp, nil
	}
	var n int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM procedures WHERE code = $1`, code).Scan(&n); err != nil {
		return nil, nil, fmt.Errorf("reading procedure %s: %w", code, err)
	}
	if n == 0 {
		return d, nil, nil
	}
	db.dirs.invalidate()
	if d, err = db.dir(ctx); err != nil {
		return nil, nil, err
	}
	return d, d.procByCode[code], nil
}

func procedureNotFound(code string) error {
	return apperr.Newf(apperr.NotFound, "procedure_not_found", "Không tìm thấy thủ tục «%s».", "Procedure %q not found.", code)
}

// Procedure returns one procedure with the version in force at `at` and the
// units that offer it (agency identifiers, in tree order). The version is
// shared with other callers: read-only.
func (db *DB) Procedure(ctx context.Context, code string, at time.Time) (*catalog.Procedure, error) {
	d, dp, vid, err := db.versionInForceOf(ctx, code, at)
	if err != nil {
		return nil, err
	}
	return db.procedureWithUnits(ctx, d, dp, vid)
}

// versionInForceOf finds procedure code in the directory with the id of
// its version in force at `at`; NotFound when there is none.
func (db *DB) versionInForceOf(ctx context.Context, code string, at time.Time) (*directory, *dirProc, int64, error) {
	d, dp, err := db.dirProcedure(ctx, code)
	if err != nil {
		return nil, nil, 0, err
	}
	var vid int64
	if dp != nil {
		vid = dp.inForce(utc(at))
	}
	if vid == 0 {
		return nil, nil, 0, procedureNotFound(code)
	}
	return d, dp, vid, nil
}

func (db *DB) procedureWithUnits(ctx context.Context, d *directory, dp *dirProc, vid int64) (*catalog.Procedure, error) {
	v, err := db.Version(ctx, vid)
	if err != nil {
		return nil, err
	}
	p := &catalog.Procedure{ID: dp.id, Code: dp.code, Name: dp.name, Field: dp.field, UnitLevel: catalog.UnitLevel(dp.unitLevel), Current: v}
	var paths []string
	byPath := map[string]string{}
	for _, id := range dp.units {
		if u, ok := d.unitByID[id]; ok {
			paths = append(paths, u.Path)
			byPath[u.Path] = u.Code
		}
	}
	sort.Strings(paths)
	for _, path := range paths {
		p.Units = append(p.Units, byPath[path])
	}
	return p, nil
}

// ProcedureJSON is Procedure encoded as the API sends it (no HTML
// escaping, no newline), cached per version for the catalogue generation.
func (db *DB) ProcedureJSON(ctx context.Context, code string, at time.Time) ([]byte, error) {
	d, dp, vid, err := db.versionInForceOf(ctx, code, at)
	if err != nil {
		return nil, err
	}
	if b, ok := d.encoded.details.Load(vid); ok {
		return b.([]byte), nil
	}
	p, err := db.procedureWithUnits(ctx, d, dp, vid)
	if err != nil {
		return nil, err
	}
	b, err := encodeJSON(p)
	if err != nil {
		return nil, fmt.Errorf("encoding procedure %s: %w", code, err)
	}
	d.encoded.details.Store(vid, b)
	return b, nil
}

// encodeJSON encodes v without HTML escaping, as the API writes bodies.
func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
