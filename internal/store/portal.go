package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/org"
)

// This file holds the read queries of the citizen portal (internal/portal).

// PortalFilter selects procedures for the portal's catalogue: the API's
// filter plus the level of government and the life event.
type PortalFilter struct {
	ProcedureFilter
	UnitLevel string // province, district or commune
	LifeEvent string // a key of procedures.life_events, e.g. ket_hon
}

// ProcedureUse is a procedure in force with the number of dossiers
// submitted for it over a period.
type ProcedureUse struct {
	catalog.Procedure
	Dossiers int
}

// MostUsedProcedures returns up to limit procedures in force at `at` that
// had dossiers submitted since `since`: those a citizen can submit online
// (level 3–4) first, each group the most used first (ties by code), so that
// the portal's home page does not lead with what cannot be done there.
// It aggregates over the period's dossiers: callers should cache it.
func (db *DB) MostUsedProcedures(ctx context.Context, since, at time.Time, limit int) ([]ProcedureUse, error) {
	rows, err := db.query(ctx, `
		SELECT `+procCols+`, c.n
		FROM (SELECT procedure_id, COUNT(*) AS n FROM dossiers WHERE submitted_at >= $1 GROUP BY procedure_id) c
		JOIN procedures p ON p.id = c.procedure_id
		JOIN procedure_versions v ON v.procedure_id = p.id
		WHERE v.id = `+versionInForce("$2")+`
		ORDER BY CASE WHEN v.level >= 3 THEN 0 ELSE 1 END, c.n DESC, p.code LIMIT $3`, utc(since), utc(at), clampLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("counting dossiers per procedure: %w", err)
	}
	defer rows.Close()
	var out []ProcedureUse
	for rows.Next() {
		var u ProcedureUse
		var n int64
		p, err := scanProcedure(scanFunc(func(dest ...any) error { return rows.Scan(append(dest, &n)...) }))
		if err != nil {
			return nil, fmt.Errorf("counting dossiers per procedure: %w", err)
		}
		u.Procedure, u.Dossiers = *p, int(n)
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("counting dossiers per procedure: %w", err)
	}
	return out, nil
}

// scanFunc adapts a function to the Scan interface scanProcedure takes.
type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// FacetCount is one value of a catalogue facet with the number of
// procedures carrying it.
type FacetCount struct {
	Key string
	N   int
}

// CatalogueFacets summarises the procedures in force: how many there are,
// per field and per life event.
type CatalogueFacets struct {
	Total      int
	Fields     []FacetCount // by field name (byte order; sort for display)
	LifeEvents []FacetCount // by key
}

// PortalFacets counts the procedures in force at `at` per field and per
// life event.
func (db *DB) PortalFacets(ctx context.Context, at time.Time) (CatalogueFacets, error) {
	var out CatalogueFacets
	rows, err := db.query(ctx, `
		SELECT p.field, p.life_events FROM procedures p
		WHERE EXISTS (SELECT 1 FROM procedure_versions vv WHERE vv.procedure_id = p.id AND vv.effective_from <= $1
			AND (vv.effective_to IS NULL OR vv.effective_to > $1))`, utc(at))
	if err != nil {
		return out, fmt.Errorf("reading catalogue facets: %w", err)
	}
	defer rows.Close()
	fields, events := map[string]int{}, map[string]int{}
	for rows.Next() {
		var field, le string
		if err := rows.Scan(&field, &le); err != nil {
			return out, fmt.Errorf("reading catalogue facets: %w", err)
		}
		out.Total++
		fields[field]++
		for _, e := range strings.Split(le, ",") {
			if e = strings.TrimSpace(e); e != "" {
				events[e]++
			}
		}
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("reading catalogue facets: %w", err)
	}
	out.Fields, out.LifeEvents = facetList(fields), facetList(events)
	return out, nil
}

func facetList(m map[string]int) []FacetCount {
	out := make([]FacetCount, 0, len(m))
	for k, n := range m {
		out = append(out, FacetCount{Key: k, N: n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// OfferingUnits counts the units valid at `at` that offer the procedure
// and returns the names of the first `names` of them (in tree order).
func (db *DB) OfferingUnits(ctx context.Context, procedureID int64, at time.Time, names int) (int, []string, error) {
	const valid = `(u.valid_from IS NULL OR u.valid_from <= $2) AND (u.valid_to IS NULL OR u.valid_to >= $2)`
	var n int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM procedure_units pu JOIN units u ON u.id = pu.unit_id
		WHERE pu.procedure_id = $1 AND `+valid, procedureID, utc(at)).Scan(&n); err != nil {
		return 0, nil, fmt.Errorf("counting offering units: %w", err)
	}
	if n == 0 || names <= 0 {
		return n, nil, nil
	}
	rows, err := db.query(ctx, `SELECT u.name FROM procedure_units pu JOIN units u ON u.id = pu.unit_id
		WHERE pu.procedure_id = $1 AND `+valid+` ORDER BY u.path LIMIT $3`, procedureID, utc(at), names)
	if err != nil {
		return 0, nil, fmt.Errorf("naming offering units: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return 0, nil, fmt.Errorf("naming offering units: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return 0, nil, fmt.Errorf("naming offering units: %w", err)
	}
	return n, out, nil
}

// SubmissionUnits lists the units valid at `at` that offer the procedure,
// at most limit of them (the first in tree order), each with the unit
// above it (a citizen tells the three "Phường Quang Trung" apart by their
// districts), in reading order (org.Sort).
// Narrowing the list (by group, by a search) is org's, the same for every
// surface.
func (db *DB) SubmissionUnits(ctx context.Context, procedureID int64, at time.Time, limit int) ([]org.Choice, error) {
	rows, err := db.query(ctx, `SELECT u.code, u.name, u.kind, COALESCE(p.code, ''), COALESCE(p.name, ''),
			CASE WHEN p.id IS NOT NULL AND p.parent_id IS NULL THEN 1 ELSE 0 END
		FROM procedure_units pu JOIN units u ON u.id = pu.unit_id LEFT JOIN units p ON p.id = u.parent_id
		WHERE pu.procedure_id = $1 AND (u.valid_from IS NULL OR u.valid_from <= $2) AND (u.valid_to IS NULL OR u.valid_to >= $2)
		ORDER BY u.path LIMIT $3`, procedureID, utc(at), limit)
	if err != nil {
		return nil, fmt.Errorf("listing submission units: %w", err)
	}
	defer rows.Close()
	var out []org.Choice
	for rows.Next() {
		var c org.Choice
		var kind string
		var top int
		if err := rows.Scan(&c.Code, &c.Name, &kind, &c.ParentCode, &c.ParentName, &top); err != nil {
			return nil, fmt.Errorf("listing submission units: %w", err)
		}
		c.Kind, c.ParentIsRoot = org.Kind(kind), top == 1
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing submission units: %w", err)
	}
	org.Sort(out)
	return out, nil
}
