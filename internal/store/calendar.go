package store

import (
	"context"
	"fmt"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
)

// CalendarOverrides returns every administrator override of the calendar,
// deployment-wide and per unit (with the unit's identifier and path).
func (db *DB) CalendarOverrides(ctx context.Context) ([]calendar.Override, error) {
	rows, err := db.query(ctx, `SELECT o.day, o.kind, o.reason, o.unit_id, COALESCE(u.code, ''), COALESCE(u.path, '')
		FROM calendar_overrides o LEFT JOIN units u ON u.id = o.unit_id ORDER BY o.day, o.unit_id`)
	if err != nil {
		return nil, fmt.Errorf("reading calendar overrides: %w", err)
	}
	defer rows.Close()
	var out []calendar.Override
	for rows.Next() {
		var o calendar.Override
		var kind string
		if err := rows.Scan(&o.Date, &kind, &o.Reason, &o.UnitID, &o.Unit, &o.UnitPath); err != nil {
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

// SetCalendarOverride adds or replaces the override of one day, for the
// whole deployment (o.UnitID 0) or for one unit; the change is recorded in
// the audit log with its actor.
func (db *DB) SetCalendarOverride(ctx context.Context, o calendar.Override, by dossier.Actor) error {
	return db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO calendar_overrides (unit_id, day, kind, reason) VALUES ($1, $2, $3, $4)
			ON CONFLICT (unit_id, day) DO UPDATE SET kind = excluded.kind, reason = excluded.reason`, o.UnitID, o.Date, string(o.Kind), o.Reason)
		if err != nil {
			return fmt.Errorf("saving calendar override: %w", err)
		}
		err = tx.AppendAudit(ctx, AuditEntry{ActorID: by.AccountID, ActorName: by.Name, Action: "calendar.set",
			Subject: calendarSubject(o.UnitID, o.Date), Detail: map[string]any{"unit_id": o.UnitID, "day": o.Date, "kind": string(o.Kind), "reason": o.Reason}})
		if err != nil {
			return err
		}
		return bumpCalendar(ctx, tx)
	})
}

// DeleteCalendarOverride removes the override of one day made for the unit
// (0: the deployment-wide one); the change is recorded in the audit log.
func (db *DB) DeleteCalendarOverride(ctx context.Context, unitID int64, day string, by dossier.Actor) error {
	return db.inTx(ctx, func(tx *Tx) error {
		r, err := tx.ExecContext(ctx, `DELETE FROM calendar_overrides WHERE unit_id = $1 AND day = $2`, unitID, day)
		if err != nil {
			return fmt.Errorf("deleting calendar override: %w", err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "override_not_found", "Không có ngày điều chỉnh này trong lịch bạn quản lý.", "There is no such day in the calendar you manage.")
		}
		err = tx.AppendAudit(ctx, AuditEntry{ActorID: by.AccountID, ActorName: by.Name, Action: "calendar.delete",
			Subject: calendarSubject(unitID, day), Detail: map[string]any{"unit_id": unitID, "day": day}})
		if err != nil {
			return err
		}
		return bumpCalendar(ctx, tx)
	})
}

// calendarSubject names an override in the audit log.
func calendarSubject(unitID int64, day string) string {
	return fmt.Sprintf("calendar:%d:%s", unitID, day)
}

func bumpCalendar(ctx context.Context, tx *Tx) error {
	_, err := tx.ExecContext(ctx, `UPDATE calendar_generation SET n = n + 1 WHERE id = 1`)
	return err
}
