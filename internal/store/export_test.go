package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/stats"
)

// ScanStatsRows exposes the scan behind StatsRows to the tests, which
// check that the summary answers the same.
func (db *DB) ScanStatsRows(ctx context.Context, unit *org.Unit, from, to, now time.Time, own bool, flt stats.Filter, by string) ([]stats.Report, error) {
	group := map[string]string{"": "", "field": "p.field", "level": "p.unit_level", "procedure": sqlProcedureGroup}[by]
	return db.scanStatsRows(ctx, unit, from, to, now, own, flt, group)
}

// MigrateDownTo rolls the schema back to version v (for tests of a
// migration's data step).
func (db *DB) MigrateDownTo(ctx context.Context, v int64) error {
	p, err := db.provider()
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, v)
	return err
}

// CommitGroup commits ins as one group of the submitter, as if they had
// been queued together, and returns each one's outcome in their order.
func (db *DB) CommitGroup(ins []*dossier.NewDossier) ([]*dossier.Dossier, []error) {
	group := make([]*submitReq, len(ins))
	for i, in := range ins {
		sub, err := prepareSubmission(in)
		if err != nil {
			panic(err)
		}
		group[i] = &submitReq{ctx: context.Background(), sub: sub, done: make(chan submitRes, 1)}
	}
	db.sub.commit(slices.Clone(group)) // commit sorts its group
	ds, errs := make([]*dossier.Dossier, len(ins)), make([]error, len(ins))
	for i, r := range group {
		res := <-r.done
		ds[i], errs[i] = res.d, res.err
	}
	return ds, errs
}

// RawDossier is a counted dossier as InsertRawDossiers writes it: held
// where it was received, no events, no documents.
type RawDossier struct {
	Code                   string
	ProcedureID, VersionID int64
	Unit                   *org.Unit
	Status                 dossier.Status
	Channel                dossier.Channel
	ReceivedAt             time.Time
	LegalDueAt, FinishedAt *time.Time
	PausedAt               *time.Time // of a dossier waiting for a supplement
	Verdict                string
}

// InsertRawDossiers writes ds straight into dossiers, as the bench's seed
// does, bypassing the lifecycle and the summary's upkeep (call
// RebuildSummary after): the tests of the summary's lists need many
// dossiers with chosen times, which the lifecycle would take long to make.
func (db *DB) InsertRawDossiers(ctx context.Context, ds []RawDossier) error {
	opt := func(t *time.Time) any {
		if t == nil {
			return nil
		}
		return utc(*t)
	}
	return db.WriteTx(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT INTO dossiers (code, procedure_id, procedure_version_id, unit_id, unit_path, received_unit_id,
			applicant, applicant_name, applicant_folded, applicant_id_number, channel, form, status, substate,
			submitted_at, received_at, legal_due_at, finished_at, delivered_at, paused_at, verdict, supplement_requests,
			step_index, step_started_at, version, updated_at)
			VALUES ($1, $2, $3, $4, $5, $4, $6, $7, $7, $8, $9, '{}', $10, '', $11, $11, $12, $13, $14, $15, $16, $17, 0, $11, 1, $11)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for i, d := range ds {
			var deliv *time.Time
			if d.Status == dossier.StatusDelivered && d.FinishedAt != nil {
				t := d.FinishedAt.Add(time.Hour)
				deliv = &t
			}
			supp := 0
			if d.Status == dossier.StatusSupplement {
				supp = 1
			}
			id := fmt.Sprintf("0010900%05d", i)
			app := fmt.Sprintf(`{"kind":"citizen","full_name":"Nguyen Van An","id_number":%q}`, id)
			if _, err := st.ExecContext(ctx, d.Code, d.ProcedureID, d.VersionID, d.Unit.ID, d.Unit.Path,
				app, "Nguyen Van An", id, string(d.Channel), int(d.Status), utc(d.ReceivedAt),
				opt(d.LegalDueAt), opt(d.FinishedAt), opt(deliv), opt(d.PausedAt), d.Verdict, supp); err != nil {
				return fmt.Errorf("inserting %s: %w", d.Code, err)
			}
		}
		return nil
	})
}
