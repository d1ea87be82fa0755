package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

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

// OfficeHours returns every unit's own office hours and the city default
// (UnitID 0), with the units' identifiers and paths.
func (db *DB) OfficeHours(ctx context.Context) ([]calendar.OfficeHours, error) {
	rows, err := db.query(ctx, `SELECT h.unit_id, COALESCE(u.code, ''), COALESCE(u.path, ''),
		h.morning_start, h.morning_end, h.afternoon_start, h.afternoon_end
		FROM office_hours h LEFT JOIN units u ON u.id = h.unit_id ORDER BY h.unit_id`)
	if err != nil {
		return nil, fmt.Errorf("reading office hours: %w", err)
	}
	defer rows.Close()
	var out []calendar.OfficeHours
	for rows.Next() {
		var o calendar.OfficeHours
		if err := rows.Scan(&o.UnitID, &o.Unit, &o.UnitPath, &o.Morning[0], &o.Morning[1], &o.Afternoon[0], &o.Afternoon[1]); err != nil {
			return nil, fmt.Errorf("reading office hours: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// SetOfficeHours sets the office hours of a unit (o.UnitID 0: the city
// default) after checking them; the change is audited and every process
// rebuilds its calendars.
func (db *DB) SetOfficeHours(ctx context.Context, o calendar.OfficeHours, by dossier.Actor) error {
	if err := o.Validate(); err != nil {
		return apperr.New(apperr.Invalid, "bad_office_hours", "Giờ làm việc không hợp lệ: giờ phải có dạng HH:MM, buổi sáng trước buổi chiều.", "Invalid office hours: times are HH:MM, the morning before the afternoon.")
	}
	return db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO office_hours (unit_id, morning_start, morning_end, afternoon_start, afternoon_end)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (unit_id) DO UPDATE SET morning_start = excluded.morning_start,
			morning_end = excluded.morning_end, afternoon_start = excluded.afternoon_start, afternoon_end = excluded.afternoon_end`,
			o.UnitID, o.Morning[0], o.Morning[1], o.Afternoon[0], o.Afternoon[1])
		if err != nil {
			return fmt.Errorf("saving office hours: %w", err)
		}
		err = tx.AppendAudit(ctx, AuditEntry{ActorID: by.AccountID, ActorName: by.Name, Action: "office_hours.set",
			Subject: fmt.Sprintf("office_hours:%d", o.UnitID), Detail: map[string]any{"unit_id": o.UnitID,
				"morning": o.Morning[0] + "-" + o.Morning[1], "afternoon": o.Afternoon[0] + "-" + o.Afternoon[1]}})
		if err != nil {
			return err
		}
		return bumpCalendar(ctx, tx)
	})
}

// DeleteOfficeHours removes a unit's own office hours (0: the city
// default), so that it inherits again; audited.
func (db *DB) DeleteOfficeHours(ctx context.Context, unitID int64, by dossier.Actor) error {
	return db.inTx(ctx, func(tx *Tx) error {
		r, err := tx.ExecContext(ctx, `DELETE FROM office_hours WHERE unit_id = $1`, unitID)
		if err != nil {
			return fmt.Errorf("deleting office hours: %w", err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "office_hours_not_found", "Đơn vị chưa đặt giờ làm việc riêng.", "The unit has no office hours of its own.")
		}
		err = tx.AppendAudit(ctx, AuditEntry{ActorID: by.AccountID, ActorName: by.Name, Action: "office_hours.delete",
			Subject: fmt.Sprintf("office_hours:%d", unitID), Detail: map[string]any{"unit_id": unitID}})
		if err != nil {
			return err
		}
		return bumpCalendar(ctx, tx)
	})
}

// CalendarYear returns the administrator's confirmation of a year's
// computed calendar, nil if there is none.
func (db *DB) CalendarYear(ctx context.Context, year int) (*calendar.YearConfirmation, error) {
	var c calendar.YearConfirmation
	var at int64
	err := db.queryRow(ctx, `SELECT year, confirmed_at, confirmed_by FROM calendar_years WHERE year = $1`, year).Scan(&c.Year, &at, &c.ConfirmedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the confirmation of %d: %w", year, err)
	}
	c.ConfirmedAt = time.Unix(at, 0).UTC()
	return &c, nil
}

// ConfirmCalendarYear records that an administrator confirmed the computed
// calendar (Tết by the rule) of a year with no announced Tết; audited.
// Confirming again is a conflict.
func (db *DB) ConfirmCalendarYear(ctx context.Context, year int, at time.Time, by dossier.Actor) error {
	if _, ok := calendar.AnnouncedTet(year); ok {
		return apperr.New(apperr.Conflict, "year_announced", "Lịch nghỉ Tết năm này đã được công bố, không cần xác nhận.", "This year's Tết holiday was announced; it needs no confirmation.")
	}
	return db.inTx(ctx, func(tx *Tx) error {
		r, err := tx.ExecContext(ctx, `INSERT INTO calendar_years (year, confirmed_at, confirmed_by, confirmed_by_id) VALUES ($1, $2, $3, $4)
			ON CONFLICT (year) DO NOTHING`, year, at.Unix(), by.Name, by.AccountID)
		if err != nil {
			return fmt.Errorf("confirming the calendar of %d: %w", year, err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "year_confirmed", "Lịch năm này đã được xác nhận.", "This year's calendar is already confirmed.")
		}
		err = tx.AppendAudit(ctx, AuditEntry{ActorID: by.AccountID, ActorName: by.Name, Action: "calendar.confirm_year",
			Subject: fmt.Sprintf("calendar_year:%d", year), Detail: map[string]any{"year": year}})
		if err != nil {
			return err
		}
		return bumpCalendar(ctx, tx)
	})
}
