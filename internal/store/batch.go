package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/vn"
)

// Batch runs fn with a dossier.Store that keeps the submissions and
// actions of fn in memory, answering reads as the store would, and then
// writes them all in one transaction with a few multi-row statements: the
// dossiers in their final state, their events and consultations, and the
// code counters. It is for loaders that drive many dossiers through the
// real lifecycle (the demo): the domain runs unchanged, while the store
// takes a handful of round trips instead of several and a commit per
// action, which on a busy machine is minutes against seconds.
//
// The batch store takes submissions and actions only: no documents, no
// idempotency keys, no listings. Codes continue the store's counters as
// they were when Batch started, so nothing else may submit meanwhile.
// Nothing is written if fn fails. The statistics summary is rebuilt after
// the batch (the batch does not keep it per event).
func (db *DB) Batch(ctx context.Context, fn func(dossier.Store) error) error {
	b := &batch{dialect: db.dialect, counters: map[counterKey]int64{}, touched: map[counterKey]bool{}, byID: map[int64]*batchDossier{}, byCode: map[string]*batchDossier{}}
	rows, err := db.query(ctx, `SELECT unit_id, day, last FROM code_counters`)
	if err != nil {
		return fmt.Errorf("reading code counters: %w", err)
	}
	for rows.Next() {
		var k counterKey
		var n int64
		if err := rows.Scan(&k.unit, &k.day, &n); err != nil {
			rows.Close()
			return fmt.Errorf("reading code counters: %w", err)
		}
		b.counters[k] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading code counters: %w", err)
	}
	if err := fn(b); err != nil {
		return err
	}
	if len(b.dossiers) == 0 {
		return nil
	}
	if err := db.inTx(ctx, b.write); err != nil {
		return err
	}
	// The batch writes rows without the per-event upkeep of the
	// statistics summary: recompute it once, for the whole store.
	if _, err := db.RebuildSummary(ctx); err != nil {
		return fmt.Errorf("rebuilding the statistics summary after the batch: %w", err)
	}
	return nil
}

type counterKey struct {
	unit int64
	day  string
}

// batch is the in-memory dossier.Store of Batch.
type batch struct {
	dialect  Dialect
	counters map[counterKey]int64
	touched  map[counterKey]bool
	order    []counterKey // touched, in the order first used
	dossiers []*batchDossier
	byID     map[int64]*batchDossier
	byCode   map[string]*batchDossier
	lastID   int64 // ids handed out in memory; the rows get the store's own
	lastCons int64
	lastEv   int64
}

type batchDossier struct {
	// app and form are the applicant and form as submitted: an update
	// never rewrites them.
	app, form []byte
	cur       *dossier.Dossier // current state, as stored
	events    []dossier.Event
	cons      []dossier.Consultation
	// docs and docsBy are the documents of the submission and who
	// uploaded them.
	docs   []dossier.Document
	docsBy int64
}

var errBatchUnsupported = errors.New("store: not available in a batch")

// stored is d as a read from the store returns it: its own copy, times
// at the store's precision in the display zone, JSON fields decoded anew.
func stored(d *dossier.Dossier, app, form []byte) (*dossier.Dossier, error) {
	c := *d
	c.Consultations, c.Documents, c.Events = nil, nil, nil
	c.StatusLabel = c.Status.Label("vi")
	c.SubmittedAt, c.StepStartedAt, c.UpdatedAt = local(utc(c.SubmittedAt)), local(utc(c.StepStartedAt)), local(utc(c.UpdatedAt))
	for _, p := range []**time.Time{&c.ReceivedAt, &c.LegalDueAt, &c.AppointedDueAt, &c.FinishedAt, &c.DeliveredAt, &c.PausedAt, &c.FeePaidAt} {
		if *p != nil {
			t := local(utc(**p))
			*p = &t
		}
	}
	c.Applicant = dossier.Applicant{}
	if err := json.Unmarshal(app, &c.Applicant); err != nil {
		return nil, err
	}
	c.Form = nil
	if err := json.Unmarshal(form, &c.Form); err != nil {
		return nil, err
	}
	if d.Supplement != nil {
		c.Supplement = new(dossier.SupplementRequest)
		if err := roundTrip(d.Supplement, c.Supplement); err != nil {
			return nil, err
		}
	}
	if d.Result != nil {
		c.Result = new(dossier.Result)
		if err := roundTrip(d.Result, c.Result); err != nil {
			return nil, err
		}
	}
	return &c, nil
}

func roundTrip(from, to any) error {
	b, err := json.Marshal(from)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, to)
}

func storedConsultation(c dossier.Consultation) dossier.Consultation {
	c.Changed = false
	c.AskedAt = local(utc(c.AskedAt))
	if c.AnsweredAt != nil {
		t := local(utc(*c.AnsweredAt))
		c.AnsweredAt = &t
	}
	if c.ReplyBy != nil {
		t := local(utc(*c.ReplyBy))
		c.ReplyBy = &t
	}
	return c
}

func (b *batch) CreateDossier(_ context.Context, in *dossier.NewDossier) (*dossier.Dossier, bool, error) {
	if in.IdemKey != "" {
		return nil, false, fmt.Errorf("submitting with an idempotency key: %w", errBatchUnsupported)
	}
	if in.Durable != nil {
		// A batch commits when its loader says, not per dossier.
		return nil, false, fmt.Errorf("submitting with files to make durable: %w", errBatchUnsupported)
	}
	d := *in.Dossier
	ev := *in.Event
	k := counterKey{d.ReceivedUnitID, d.SubmittedAt.In(codeZone).Format("060102")}
	if !b.touched[k] {
		b.touched[k] = true
		b.order = append(b.order, k)
	}
	b.counters[k]++
	d.Code = fmt.Sprintf("%s-%s-%04d", in.UnitCode, k.day, b.counters[k])
	b.lastID++
	d.ID = b.lastID
	app, err := json.Marshal(d.Applicant)
	if err != nil {
		return nil, false, err
	}
	form, err := json.Marshal(d.Form)
	if err != nil {
		return nil, false, err
	}
	b.lastEv++
	ev.ID = b.lastEv
	d.Documents = nil
	d.Events = []dossier.Event{ev}
	cur, err := stored(&d, app, form)
	if err != nil {
		return nil, false, err
	}
	bd := &batchDossier{app: app, form: form, cur: cur, events: []dossier.Event{ev},
		docs: append([]dossier.Document(nil), in.Documents...), docsBy: ev.ActorID}
	b.dossiers = append(b.dossiers, bd)
	b.byID[d.ID], b.byCode[d.Code] = bd, bd
	return &d, false, nil
}

func (b *batch) DossierByCode(_ context.Context, code string) (*dossier.Dossier, error) {
	bd := b.byCode[code]
	if bd == nil {
		return nil, apperr.ErrNotFound
	}
	return stored(bd.cur, bd.app, bd.form)
}

func (b *batch) Consultations(_ context.Context, dossierID int64) ([]dossier.Consultation, error) {
	bd := b.byID[dossierID]
	if bd == nil {
		return nil, nil
	}
	var out []dossier.Consultation
	for _, c := range bd.cons {
		out = append(out, storedConsultation(c))
	}
	return out, nil
}

// UpdateDossier does what the store's does (see UpdateDossier and
// writeConsultations), in memory.
func (b *batch) UpdateDossier(_ context.Context, d *dossier.Dossier, oldVersion int, ev *dossier.Event, docs []dossier.Document) error {
	if len(docs) > 0 {
		return fmt.Errorf("acting with documents: %w", errBatchUnsupported)
	}
	if ev.Action == dossier.ActFinish && d.Result != nil && d.Result.Number == "" {
		// The register's numbering is the store's (assignResultNumber).
		return fmt.Errorf("signing a result without its number: %w", errBatchUnsupported)
	}
	bd := b.byID[d.ID]
	if bd == nil || bd.cur.Version != oldVersion {
		return apperr.New(apperr.Conflict, "stale_version",
			"Hồ sơ vừa được người khác thay đổi. Vui lòng tải lại và thử lại.",
			"The dossier was just changed by someone else. Reload and try again.")
	}
	for i := range d.Consultations {
		c := &d.Consultations[i]
		if !c.Changed {
			continue
		}
		if c.ID == 0 {
			b.lastCons++
			c.ID = b.lastCons
			bd.cons = append(bd.cons, storedConsultation(*c))
		} else {
			j := -1
			for k := range bd.cons {
				if bd.cons[k].ID == c.ID && bd.cons[k].AnsweredAt == nil {
					j = k
				}
			}
			if j < 0 {
				return fmt.Errorf("consultation %d of %s is not open", c.ID, d.Code)
			}
			bd.cons[j].Answer, bd.cons[j].AnsweredBy, bd.cons[j].Verdict = c.Answer, c.AnsweredBy, c.Verdict
			if c.AnsweredAt != nil {
				t := local(utc(*c.AnsweredAt))
				bd.cons[j].AnsweredAt = &t
			}
		}
		c.Changed = false
	}
	cur, err := stored(d, bd.app, bd.form)
	if err != nil {
		return err
	}
	b.lastEv++
	ev.ID = b.lastEv
	bd.cur = cur
	bd.events = append(bd.events, *ev)
	return nil
}

func (b *batch) TrackDossier(context.Context, string) (*dossier.Dossier, error) {
	return nil, errBatchUnsupported
}

func (b *batch) ListDossiers(context.Context, dossier.Actor, dossier.Filter) ([]dossier.Dossier, int64, error) {
	return nil, 0, errBatchUnsupported
}

func (b *batch) Events(context.Context, int64) ([]dossier.Event, error) {
	return nil, errBatchUnsupported
}

func (b *batch) Documents(context.Context, int64) ([]dossier.Document, error) {
	return nil, errBatchUnsupported
}

// insertRows runs INSERT head VALUES (…), (…) tail for rows of n columns,
// a chunk at a time (well under both engines' limit on parameters), and
// hands each chunk's result rows to scan when tail returns some. wrap
// turns the placeholder of a column into an expression (%s is the
// placeholder).
func (b *batch) insertRows(ctx context.Context, tx *Tx, head, tail string, n int, wrap map[int]string, rows [][]any, scan func(*sql.Rows) error) error {
	const maxParams = 8000
	per := max(1, maxParams/n)
	for len(rows) > 0 {
		chunk := rows[:min(per, len(rows))]
		rows = rows[len(chunk):]
		var q strings.Builder
		q.WriteString(head)
		q.WriteString(" VALUES ")
		args := make([]any, 0, len(chunk)*n)
		for i, r := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(")
			for j := range r {
				if j > 0 {
					q.WriteString(", ")
				}
				// SQLite looks numbered parameters up in a list, which
				// for thousands of them costs more than the insert.
				ph := "?"
				if b.dialect == Postgres {
					ph = fmt.Sprintf("$%d", len(args)+j+1)
				}
				if w, ok := wrap[j]; ok {
					ph = fmt.Sprintf(w, ph)
				}
				q.WriteString(ph)
			}
			q.WriteString(")")
			args = append(args, r...)
		}
		q.WriteString(tail)
		if scan == nil {
			if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
				return err
			}
			continue
		}
		rs, err := tx.QueryContext(ctx, q.String(), args...)
		if err != nil {
			return err
		}
		for rs.Next() {
			if err := scan(rs); err != nil {
				rs.Close()
				return err
			}
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return err
		}
	}
	return nil
}

// write stores the batch, in the order the dossiers were submitted.
func (b *batch) write(tx *Tx) error {
	ctx := context.Background()
	var counters [][]any
	for _, k := range b.order {
		counters = append(counters, []any{k.unit, k.day, b.counters[k]})
	}
	if err := b.insertRows(ctx, tx, `INSERT INTO code_counters (unit_id, day, last)`,
		` ON CONFLICT (unit_id, day) DO UPDATE SET last = excluded.last`, 3, nil, counters, nil); err != nil {
		return fmt.Errorf("saving code counters: %w", err)
	}
	// Each dossier's history is chained as CreateDossier and Act chain it
	// (see audit.go): hashes are computed here, before the rows are built.
	type chained struct {
		data      any // as stored: JSON text or NULL
		seq       int64
		prev, sum string
	}
	chains := make([][]chained, len(b.dossiers))
	for i, bd := range b.dossiers {
		prev := ""
		for j := range bd.events {
			ev := &bd.events[j]
			data, err := eventData(ev)
			if err != nil {
				return err
			}
			sum, err := eventHash(bd.cur.Code, int64(j+1), prev, ev, data)
			if err != nil {
				return err
			}
			var stored any
			if data != nil {
				stored = string(data)
			}
			chains[i] = append(chains[i], chained{data: stored, seq: int64(j + 1), prev: prev, sum: sum})
			prev = sum
		}
	}
	var ds [][]any
	for i, bd := range b.dossiers {
		d := bd.cur
		head := ""
		if n := len(chains[i]); n > 0 {
			head = chains[i][n-1].sum
		}
		supp, res := stateColumns(d)
		var app dossier.Applicant
		if err := json.Unmarshal(bd.app, &app); err != nil {
			return err
		}
		ds = append(ds, []any{d.Code, d.ProcedureVersionID, d.ProcedureVersionID, d.UnitID, d.UnitPath, d.ReceivedUnitID, nint64(d.OwnerID),
			string(bd.app), app.DisplayName(), vn.Fold(app.DisplayName()), app.IDNumber, string(d.Channel), string(bd.form),
			int(d.Status), d.Substate, nint64(d.AssigneeID), utc(d.SubmittedAt), nutc(d.ReceivedAt), nutc(d.LegalDueAt), nutc(d.AppointedDueAt), d.SupplementRequests,
			nutc(d.FinishedAt), nutc(d.DeliveredAt), nutc(d.PausedAt), d.Rescheduled, d.FeeVND, nutc(d.FeePaidAt), supp, res,
			d.Rating, d.RatingComment, d.Verdict, d.StepIndex, utc(d.StepStartedAt), d.Version, utc(d.UpdatedAt),
			len(chains[i]), head, deliveryMethod(d), d.Delivery.Address})
	}
	ids := map[string]int64{}
	// procedure_id comes from the version, as in qInsertDossier.
	err := b.insertRows(ctx, tx, `INSERT INTO dossiers (code, procedure_id, procedure_version_id, unit_id, unit_path, received_unit_id, owner_id,
			applicant, applicant_name, applicant_folded, applicant_id_number, channel, form, status, substate, assignee_id,
			submitted_at, received_at, legal_due_at, appointed_due_at, supplement_requests, finished_at, delivered_at, paused_at, rescheduled, fee, fee_paid_at,
			supplement, result, rating, rating_comment, verdict, step_index, step_started_at, version, updated_at,
			events_count, events_head, delivery_method, delivery_address)`,
		` RETURNING id, code`, 40, map[int]string{1: `(SELECT procedure_id FROM procedure_versions WHERE id = %s)`}, ds, func(rs *sql.Rows) error {
			var id int64
			var code string
			if err := rs.Scan(&id, &code); err != nil {
				return err
			}
			ids[code] = id
			return nil
		})
	if err != nil {
		return fmt.Errorf("inserting dossiers: %w", err)
	}
	var evs, cons, docs [][]any
	for i, bd := range b.dossiers {
		id := ids[bd.cur.Code]
		if id == 0 {
			return fmt.Errorf("dossier %s was not inserted", bd.cur.Code)
		}
		for _, doc := range bd.docs {
			docs = append(docs, []any{id, doc.Kind, doc.DocKey, doc.Filename, doc.ContentType, doc.Size, doc.SHA256, doc.StorageKey,
				nint64(bd.docsBy), utc(doc.UploadedAt)})
		}
		for j, ev := range bd.events {
			c := chains[i][j]
			evs = append(evs, []any{id, utc(ev.At), nint64(ev.ActorID), ev.ActorName, ev.Role, nint64(ev.UnitID), string(ev.Action),
				int(ev.From), int(ev.To), ev.Note, c.data, ev.StepKey, ev.BudgetHours, ev.SpentHours, ev.Verdict, c.seq, c.prev, c.sum})
		}
		for _, c := range bd.cons {
			cons = append(cons, []any{id, c.FromUnitID, c.ToUnitID, c.Question, c.AskedBy, utc(c.AskedAt), c.Answer, c.AnsweredBy, nutc(c.AnsweredAt),
				c.ReplyDays, nutc(c.ReplyBy), c.Verdict})
		}
	}
	if err := b.insertRows(ctx, tx, `INSERT INTO events (dossier_id, at, actor_id, actor_name, role, unit_id, action, from_status, to_status,
			note, data, step_key, budget_hours, spent_hours, verdict, seq, prev_hash, hash)`, "", 18, nil, evs, nil); err != nil {
		return fmt.Errorf("inserting events: %w", err)
	}
	if err := b.insertRows(ctx, tx, `INSERT INTO documents (dossier_id, kind, doc_key, filename, content_type, size, sha256, storage_key,
			uploaded_by, uploaded_at)`, "", 10, nil, docs, nil); err != nil {
		return fmt.Errorf("inserting documents: %w", err)
	}
	if err := b.insertRows(ctx, tx, `INSERT INTO consultations (dossier_id, from_unit_id, to_unit_id, question, asked_by, asked_at,
			answer, answered_by, answered_at, reply_days, reply_by, verdict)`, "", 12, nil, cons, nil); err != nil {
		return fmt.Errorf("inserting consultations: %w", err)
	}
	return nil
}
