package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/stats"
)

// IndexSnapshot is one table of the public index (/chi-so) as computed
// for a day: the figures over the 12 months of whole days ending at Day,
// kept so that the day's visitors, in every process, read them instead of
// computing them again (migration 00038).
type IndexSnapshot struct {
	// Day is the period's end, the start of a day in Zone; only its date
	// is stored.
	Day time.Time
	// Key names the table within the day (the portal's: the units ranked
	// together, or one unit's procedures).
	Key        string
	Rows       []stats.IndexRow
	ComputedAt time.Time
}

// indexDay is the stored form of a snapshot's day: its date in Zone.
func indexDay(day time.Time) string { return day.In(Zone).Format(time.DateOnly) }

// IndexSnapshot reads the snapshot of key for day; ok is false when none
// is stored.
func (db *DB) IndexSnapshot(ctx context.Context, day time.Time, key string) (s IndexSnapshot, ok bool, err error) {
	var figures string
	err = db.queryRow(ctx, `SELECT figures, computed_at FROM public_index_snapshots WHERE day = $1 AND key = $2`,
		indexDay(day), key).Scan(&figures, &s.ComputedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return IndexSnapshot{}, false, nil
	}
	if err != nil {
		return IndexSnapshot{}, false, fmt.Errorf("reading the public index's snapshot %q of %s: %w", key, indexDay(day), err)
	}
	if err := json.Unmarshal([]byte(figures), &s.Rows); err != nil {
		return IndexSnapshot{}, false, fmt.Errorf("decoding the public index's snapshot %q of %s: %w", key, indexDay(day), err)
	}
	y, m, d := day.In(Zone).Date()
	s.Day, s.Key, s.ComputedAt = time.Date(y, m, d, 0, 0, 0, 0, Zone), key, s.ComputedAt.UTC()
	return s, true, nil
}

// SaveIndexSnapshot stores s, replacing the snapshot of the same day and
// key: two processes computing the same day's figures at once both write
// them, and the later one is kept.
func (db *DB) SaveIndexSnapshot(ctx context.Context, s IndexSnapshot) error {
	figures, err := json.Marshal(s.Rows)
	if err != nil {
		return fmt.Errorf("encoding the public index's snapshot %q of %s: %w", s.Key, indexDay(s.Day), err)
	}
	_, err = db.rw.ExecContext(ctx, `INSERT INTO public_index_snapshots (day, key, figures, computed_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (day, key) DO UPDATE SET figures = excluded.figures, computed_at = excluded.computed_at`,
		indexDay(s.Day), s.Key, string(figures), utc(s.ComputedAt))
	if err != nil {
		return fmt.Errorf("saving the public index's snapshot %q of %s: %w", s.Key, indexDay(s.Day), err)
	}
	return nil
}

// PurgeIndexSnapshots deletes the snapshots of the days before before's
// date (in Zone) and reports how many went: only the current day's are
// read.
func (db *DB) PurgeIndexSnapshots(ctx context.Context, before time.Time) (int64, error) {
	r, err := db.rw.ExecContext(ctx, `DELETE FROM public_index_snapshots WHERE day < $1`, indexDay(before))
	if err != nil {
		return 0, fmt.Errorf("purging the public index's snapshots before %s: %w", indexDay(before), err)
	}
	n, err := r.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("purging the public index's snapshots before %s: %w", indexDay(before), err)
	}
	return n, nil
}
