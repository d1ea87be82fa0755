package store

import (
	"context"
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/stats"
)

// DrillDownAs is DrillDown over whole days with the scope's plan forced,
// whatever the subtree's size: "walk" (the day-led indexes, the unit
// checked) or "seek" (the unit-led indexes, the rows sorted), so that the
// tests check both plans on a small tree.
func (db *DB) DrillDownAs(ctx context.Context, plan string, unit *org.Unit, from, to, now time.Time, own bool, flt stats.Filter, kind DrillKind, after DrillCursor, limit int) ([]DrillRow, DrillCursor, error) {
	d, ok := drillDaysOf(from, summaryEnd(to, now), now)
	if !ok {
		return nil, DrillCursor{}, fmt.Errorf("not a period of whole days")
	}
	sc, err := db.drillScopeOf(ctx, unit, own, flt)
	if err != nil {
		return nil, DrillCursor{}, err
	}
	sc.all, sc.walk = false, plan == "walk"
	return db.drillSummary(ctx, sc, kind, d, after, clampLimit(limit))
}
