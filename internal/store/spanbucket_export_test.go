package store

import (
	"context"
	"fmt"
)

// SpanBuckets is spanBuckets, for the tests.
func SpanBuckets(recv, fin, due int) (dueBucket, lateBucket int) { return spanBuckets(recv, fin, due) }

// DayPlus is dayPlus, for the tests.
func DayPlus(day, n int) int { return dayPlus(day, n) }

// InsertSumState writes a state of stats_dossiers with the given days (the
// other columns arbitrary), as the summary's upkeep writes it.
func (db *DB) InsertSumState(ctx context.Context, id int64, recv, fin, due int) error {
	s := &sumState{ProcedureID: 1, RecvUnit: 1, HeldUnit: 1, RecvDay: recv, FinDay: fin, DueDay: due, Verdict: ""}
	_, err := db.rw.ExecContext(ctx, qInsertSumState, s.args(id)...)
	return err
}

// SpanBucketsStored reads the span buckets of every state, by dossier.
func (db *DB) SpanBucketsStored(ctx context.Context) (map[int64][2]int, error) {
	rows, err := db.rw.QueryContext(ctx, `SELECT dossier_id, due_bucket, late_bucket FROM stats_dossiers`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][2]int{}
	for rows.Next() {
		var id int64
		var b [2]int
		if err := rows.Scan(&id, &b[0], &b[1]); err != nil {
			return nil, err
		}
		out[id] = b
	}
	return out, rows.Err()
}

// RedoMigration undoes the migrations down to version-1 and applies them
// all again, so that a test sees what version's migration does to the
// rows already there.
func (db *DB) RedoMigration(ctx context.Context, version int64) error {
	p, err := db.provider()
	if err != nil {
		return err
	}
	if _, err := p.DownTo(ctx, version-1); err != nil {
		return fmt.Errorf("undoing down to %d: %w", version-1, err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("applying again: %w", err)
	}
	return nil
}
