package store

import (
	"context"
	"fmt"

	"github.com/motcua/motcua/internal/calendar"
)

// CalendarOverrides returns every administrator override of the calendar
// and a stamp that changes whenever they change, so that every process can
// tell cheaply when to rebuild its calendar.
func (db *DB) CalendarOverrides(ctx context.Context) ([]calendar.Override, error) {
	rows, err := db.query(ctx, `SELECT day, kind, reason FROM calendar_overrides ORDER BY day`)
	if err != nil {
		return nil, fmt.Errorf("reading calendar overrides: %w", err)
	}
	defer rows.Close()
	var out []calendar.Override
	for rows.Next() {
		var o calendar.Override
		var kind string
		if err := rows.Scan(&o.Date, &kind, &o.Reason); err != nil {
			return nil, fmt.Errorf("reading calendar overrides: %w", err)
		}
		o.Kind = calendar.DayKind(kind)
		out = append(out, o)
	}
	return out, rows.Err()
}

// CalendarGeneration is bumped on every override change: a cheap read that
// tells every process when to rebuild its calendar.
func (db *DB) CalendarGeneration(ctx context.Context) (int64, error) {
	var n int64
	if err := db.queryRow(ctx, `SELECT n FROM calendar_generation WHERE id = 1`).Scan(&n); err != nil {
		return 0, fmt.Errorf("reading calendar generation: %w", err)
	}
	return n, nil
}

// SetCalendarOverride adds or replaces the override of one day.
func (db *DB) SetCalendarOverride(ctx context.Context, o calendar.Override) error {
	return db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO calendar_overrides (day, kind, reason) VALUES ($1, $2, $3)
			ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, reason = excluded.reason`, o.Date, string(o.Kind), o.Reason)
		if err != nil {
			return fmt.Errorf("saving calendar override: %w", err)
		}
		return bumpCalendar(ctx, tx)
	})
}

// DeleteCalendarOverride removes the override of one day.
func (db *DB) DeleteCalendarOverride(ctx context.Context, day string) error {
	return db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM calendar_overrides WHERE day = $1`, day); err != nil {
			return fmt.Errorf("deleting calendar override: %w", err)
		}
		return bumpCalendar(ctx, tx)
	})
}

func bumpCalendar(ctx context.Context, tx *Tx) error {
	_, err := tx.ExecContext(ctx, `UPDATE calendar_generation SET n = n + 1 WHERE id = 1`)
	return err
}
