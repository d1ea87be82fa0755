package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/stats"
)

// The seeds' measure of real use: services offered online against services
// that received online dossiers (stats.RealUse).
//
// A service offered online is a (unit, procedure) pair of the catalogue's
// offers (procedure_units) whose procedure version in force at the
// period's end is at level 3 or 4; it is used when the unit's desk received
// at least one online dossier of the procedure in the period. The dossier
// counts are those of the report's Received.Offered and OfferedOnline:
// dossiers received in the period whose own version was offered online.

// RealUse returns both tables of the measure over the subtree of unit:
// byUnit, one row per unit that offers a service online or received a
// dossier of one, by unit name (then code); byProc, one row per procedure
// offered online there or with a dossier received there, by procedure code
// (Offered and Used count units). The services offered and used are
// probed once for both.
func (db *DB) RealUse(ctx context.Context, unit *org.Unit, from, to, now time.Time) (byUnit, byProc []stats.RealUse, err error) {
	return db.realUse(ctx, unit, from, to, now, true)
}

// ScanRealUse is RealUse's table by unit (by procedure with byProcedure)
// counted from the dossiers themselves, without the summary: for checking
// the summary.
func (db *DB) ScanRealUse(ctx context.Context, unit *org.Unit, from, to, now time.Time, byProcedure bool) ([]stats.RealUse, error) {
	byUnit, byProc, err := db.realUse(ctx, unit, from, to, now, false)
	if byProcedure {
		return byProc, err
	}
	return byUnit, err
}

// realUse counts from the summary's reception counters (stats_monthly and
// stats_daily: recv_online says a (unit, procedure) received an online
// dossier in a month or on a day, recv_l3 and recv_l3_online are the
// dossiers of versions offered online) when the period is whole local
// days, or runs to now; from the dossiers otherwise, or without
// useSummary.
func (db *DB) realUse(ctx context.Context, unit *org.Unit, from, to, now time.Time, useSummary bool) (byUnit, byProc []stats.RealUse, err error) {
	at := to
	if now.Before(at) {
		at = now
	}
	// The versions in force at the period's last instant.
	at = at.Add(-time.Microsecond)
	units, procs := map[string]*stats.RealUse{}, map[string]*stats.RealUse{}
	row := func(byProcedure bool, k, n string) *stats.RealUse {
		m := units
		if byProcedure {
			m = procs
		}
		r := m[k]
		if r == nil {
			r = &stats.RealUse{}
			if byProcedure {
				r.Procedure, r.ProcedureName = k, n
			} else {
				r.Unit, r.UnitName = k, n
			}
			m[k] = r
		}
		return r
	}
	lo, hi := unit.Path, pathUpper(unit.Path)
	var f, t any = utc(from), utc(to)
	sumTo := summaryEnd(to, now)
	summary := useSummary && midnight(from) && midnight(sumTo)
	// A (unit, procedure) used: an online dossier received there in the
	// period. The offers' query takes the subtree, the period (when
	// usedSQL reads it from arguments), the instant of the versions in
	// force.
	usedSQL := `EXISTS (SELECT 1 FROM dossiers d WHERE d.received_unit_id = pu.unit_id AND d.procedure_id = pu.procedure_id
				AND d.channel = 'online' AND d.received_at >= $3 AND d.received_at < $4 AND d.status NOT IN (` + sqlUncounted + `))`
	offersArgs, atParam := []any{lo, hi, f, t, utc(at)}, "$5"
	if summary {
		usedSQL = usedSQLFor(dayOf(from), dayOf(sumTo), db.dialect) // its days are in its text
		offersArgs, atParam = []any{lo, hi, utc(at)}, "$3"
	}
	// Each offer probed once (materialised), counted by unit and by
	// procedure: the probes are the measure's cost (15,000 offers for the
	// city).
	rows, err := db.reportQuery(ctx, `
		WITH o AS MATERIALIZED (
			SELECT pu.unit_id, pu.procedure_id, CASE WHEN `+usedSQL+` THEN 1 ELSE 0 END AS used
			FROM procedure_units pu
			JOIN units u ON u.id = pu.unit_id
			WHERE u.path >= $1 AND u.path < $2
				AND pu.procedure_id IN (SELECT p.id FROM procedures p
					WHERE EXISTS (SELECT 1 FROM procedure_versions v WHERE v.id = `+versionInForce(atParam)+` AND v.level >= 3)))
		SELECT 0, u.code, u.name, x.n, x.used
		FROM (SELECT unit_id, COUNT(*) AS n, SUM(used) AS used FROM o GROUP BY unit_id) x JOIN units u ON u.id = x.unit_id
		UNION ALL
		SELECT 1, p.code, p.name, x.n, x.used
		FROM (SELECT procedure_id, COUNT(*) AS n, SUM(used) AS used FROM o GROUP BY procedure_id) x JOIN procedures p ON p.id = x.procedure_id`,
		offersArgs...)
	if err != nil {
		return nil, nil, fmt.Errorf("counting the services offered online in %s: %w", unit.Code, err)
	}
	defer rows.Close()
	for rows.Next() {
		var byProcedure int
		var k, n string
		var offered, used int
		if err := rows.Scan(&byProcedure, &k, &n, &offered, &used); err != nil {
			return nil, nil, fmt.Errorf("counting the services offered online in %s: %w", unit.Code, err)
		}
		r := row(byProcedure == 1, k, n)
		r.Offered, r.Used = offered, used
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("counting the services offered online in %s: %w", unit.Code, err)
	}
	rows.Close()
	// The dossiers of versions offered online, and of them those received
	// online: the report's Received.Offered and OfferedOnline.
	dossiers := func(byProcedure bool, q string, args ...any) error {
		rows, err := db.reportQuery(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("counting the dossiers of services offered online in %s: %w", unit.Code, err)
		}
		defer rows.Close()
		for rows.Next() {
			var k, n string
			var total, online int
			if err := rows.Scan(&k, &n, &total, &online); err != nil {
				return fmt.Errorf("counting the dossiers of services offered online in %s: %w", unit.Code, err)
			}
			r := row(byProcedure, k, n)
			r.Dossiers, r.Online = total, online
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("counting the dossiers of services offered online in %s: %w", unit.Code, err)
		}
		return nil
	}
	if summary {
		// By unit: each unit's own receptions (ownReceptionsSQL). By
		// procedure over the subtree: the subtree's counters by procedure.
		if err := dossiers(false, ownReceptionsSQL(dayOf(from), dayOf(sumTo)), lo, hi); err != nil {
			return nil, nil, err
		}
		reps, err := db.statsRows(ctx, unit, from, to, now, false, stats.Filter{}, sqlProcedureGroup)
		if err != nil {
			return nil, nil, fmt.Errorf("counting the dossiers of services offered online in %s: %w", unit.Code, err)
		}
		for _, rep := range reps {
			if rep.Received.Offered > 0 {
				r := row(true, rep.Procedure, rep.ProcedureName)
				r.Dossiers, r.Online = rep.Received.Offered, rep.Received.OfferedOnline
			}
		}
		return finishRealUse(units, false), finishRealUse(procs, true), nil
	}
	for _, byProcedure := range []bool{false, true} {
		key := "ru.code, ru.name"
		if byProcedure {
			key = "p.code, p.name"
		}
		if err := dossiers(byProcedure, `
		SELECT `+key+`, COUNT(*), COALESCE(SUM(CASE WHEN d.channel = 'online' THEN 1 ELSE 0 END), 0)
		FROM dossiers d
		JOIN units ru ON ru.id = d.received_unit_id
		JOIN procedures p ON p.id = d.procedure_id
		JOIN procedure_versions v ON v.id = d.procedure_version_id
		WHERE ru.path >= $1 AND ru.path < $2 AND v.level >= 3
			AND d.received_at >= $3 AND d.received_at < $4 AND d.status NOT IN (`+sqlUncounted+`)
		GROUP BY `+key, lo, hi, f, t); err != nil {
			return nil, nil, err
		}
	}
	return finishRealUse(units, false), finishRealUse(procs, true), nil
}

// finishRealUse computes the rates and orders the rows.
func finishRealUse(byKey map[string]*stats.RealUse, byProcedure bool) []stats.RealUse {
	out := make([]stats.RealUse, 0, len(byKey))
	for _, r := range byKey {
		r.Finish()
		out = append(out, *r)
	}
	// The same order on every engine, whatever the database's collation.
	sort.Slice(out, func(i, j int) bool {
		if byProcedure {
			return out[i].Procedure < out[j].Procedure
		}
		if out[i].UnitName != out[j].UnitName {
			return out[i].UnitName < out[j].UnitName
		}
		return out[i].Unit < out[j].Unit
	})
	return out
}

// ownReceptionsSQL sums, for each unit of the subtree ($1, $2), the
// dossiers of versions offered online it received itself over the days
// [fd, td), and of them those received online (recv_l3, recv_l3_online),
// answering realUse's dossiersSQL columns by unit. The whole months of the
// period read the subtrees' rows of all procedures (procedure 0): a unit's
// own figure is its subtree's less those of the units right below it, a
// few rows a unit and month instead of a row per procedure and day. The
// days before the first whole month and after the last one read the
// subtrees' days of all procedures in the same way: a row a unit and day.
func ownReceptionsSQL(fd, td int) string {
	m1, m2, windows := wholeMonths(fd, td)
	// The bounds are integers of the query's text: a plan made for them.
	src := []string{fmt.Sprintf(`SELECT s.unit_id AS uid, s.recv_l3 AS l3, s.recv_l3_online AS l3o
			FROM stats_subtree_monthly s JOIN units u ON u.id = s.unit_id
			WHERE s.procedure_id = 0 AND u.path >= $1 AND u.path < $2 AND s.month >= %d AND s.month < %d`, m1, m2),
		fmt.Sprintf(`SELECT u.parent_id, -s.recv_l3, -s.recv_l3_online
			FROM stats_subtree_monthly s JOIN units u ON u.id = s.unit_id
			WHERE s.procedure_id = 0 AND u.path > $1 AND u.path < $2 AND s.month >= %d AND s.month < %d`, m1, m2)}
	if len(windows) > 0 {
		// The days, the same way from the subtrees' days.
		w := strings.Join(windows, " OR ")
		src = append(src, `SELECT s.unit_id, s.recv_l3, s.recv_l3_online
			FROM stats_subtree_daily s JOIN units u ON u.id = s.unit_id
			WHERE s.procedure_id = 0 AND u.path >= $1 AND u.path < $2 AND (`+w+`)`,
			`SELECT u.parent_id, -s.recv_l3, -s.recv_l3_online
			FROM stats_subtree_daily s JOIN units u ON u.id = s.unit_id
			WHERE s.procedure_id = 0 AND u.path > $1 AND u.path < $2 AND (`+w+`)`)
	}
	return `
		SELECT ru.code, ru.name, x.l3, x.l3o
		FROM (SELECT c.uid, SUM(c.l3) AS l3, SUM(c.l3o) AS l3o
			FROM (` + strings.Join(src, "\n\t\t\tUNION ALL ") + `) c
			GROUP BY c.uid HAVING SUM(c.l3) > 0) x
		JOIN units ru ON ru.id = x.uid`
}

// wholeMonths splits the days [fd, td) (yyyymmdd) into the whole months
// [m1, m2) (yyyymm; m1 = m2 = 0 when there is none) and the days outside
// them, as conditions on s.day ("(s.day >= lo AND s.day < hi)"; none when
// the days are whole months).
func wholeMonths(fd, td int) (m1, m2 int, windows []string) {
	m1 = fd / 100 // the first whole month
	if fd%100 != 1 {
		m1 = nextMonthFirst(fd) / 100
	}
	m2 = td / 100 // past the last whole month
	window := func(lo, hi int) {
		if lo < hi {
			windows = append(windows, fmt.Sprintf("(s.day >= %d AND s.day < %d)", lo, hi))
		}
	}
	if m1 >= m2 {
		// No whole month: the days.
		window(fd, td)
		return 0, 0, windows
	}
	window(fd, m1*100+1)
	window(m2*100+1, td)
	return m1, m2, windows
}

// usedSQLFor is realUse's test that the unit of the offer pu itself received an online
// dossier of the procedure p over the days [fd, td): over the whole months
// a probe of the unit's own months (stats_monthly's key, a row a month),
// over the days outside them one of its days along the index
// stats_daily_online. A calendar year reads no day: at ten million
// dossiers the daily rows' pages lie past the memory map, and 15,000
// probes of them (an offer each) cost the city's dashboard most of its
// time.
func usedSQLFor(fd, td int, d Dialect) string {
	m1, m2, windows := wholeMonths(fd, td)
	// The partial index of the months with an online reception holds a
	// few bytes an entry where the table's rows hold twenty counters;
	// SQLite's planner prefers the table's key (the same columns) unless
	// told.
	months := "stats_monthly s"
	if d == SQLite {
		months += " INDEXED BY stats_monthly_online"
	}
	var probes []string
	if m1 < m2 {
		probes = append(probes, fmt.Sprintf(`EXISTS (SELECT 1 FROM `+months+` WHERE s.unit_id = pu.unit_id AND s.procedure_id = pu.procedure_id
				AND s.month >= %d AND s.month < %d AND s.recv_online > 0)`, m1, m2))
	}
	for _, w := range windows {
		probes = append(probes, `EXISTS (SELECT 1 FROM stats_daily s WHERE s.unit_id = pu.unit_id AND s.procedure_id = pu.procedure_id
				AND `+w+` AND s.recv_online > 0)`)
	}
	if len(probes) == 0 {
		return "0 = 1" // no day: nothing received
	}
	return "(" + strings.Join(probes, " OR ") + ")"
}
