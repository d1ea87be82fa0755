package store

// On PostgreSQL a group commit's cost is its round trips. Each submission
// of a group is one statement (qSubmitPG: the code counter, the dossier,
// its documents and its first event, the event's hash computed by the
// server from the parts prepareSubmission encoded), and the group's
// statements go to the server as one pgx batch, on the connection of the
// group's transaction. What follows per submission (the event hook's
// collection, the summary's upkeep, the idempotency key) is as on SQLite
// (afterDossierTx).

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/motcua/motcua/internal/dossier"
)

// qSubmitPG writes one submission; it answers the dossier's id and code,
// the event's id and the documents' ids in their order. The code is
// $3 || the counter (four digits at least, as fmt's %04d), and the first
// event's hash is sha256($4 || those digits || $5): $4 and $5 are the bytes
// firstEventHash hashes around them.
const qSubmitPG = `
WITH c AS (
	INSERT INTO code_counters (unit_id, day, last) VALUES ($1, $2, 1)
	ON CONFLICT (unit_id, day) DO UPDATE SET last = code_counters.last + 1
	RETURNING CASE WHEN last < 10000 THEN lpad(last::text, 4, '0') ELSE last::text END AS n),
k AS (
	SELECT $3::text || n AS code, encode(sha256($4::bytea || convert_to(n, 'UTF8') || $5::bytea), 'hex') AS head FROM c),
d AS (
	INSERT INTO dossiers (code, procedure_id, procedure_version_id, unit_id, unit_path, received_unit_id, owner_id,
		applicant, applicant_name, applicant_folded, applicant_id_number, channel, form, status, substate,
		assignee_id, submitted_at, received_at, legal_due_at, appointed_due_at, step_index, step_started_at, fee, version, updated_at,
		events_count, events_head, delivery_method, delivery_address, external_code)
	VALUES ((SELECT code FROM k), (SELECT procedure_id FROM procedure_versions WHERE id = $6), $6, $7, $8, $1, $9,
		$10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27,
		1, (SELECT head FROM k), $28, $29, $30)
	RETURNING id, code),
e AS (
	INSERT INTO events (dossier_id, at, actor_id, actor_name, role, unit_id, action, from_status, to_status, note, data,
		step_key, budget_hours, spent_hours, verdict, seq, prev_hash, hash)
	VALUES ((SELECT id FROM d), $31, $32, $33, $34, $35, $36, $37, $38, $39, $40, $41, $42, $43, $44, 1, '', (SELECT head FROM k))
	RETURNING id),
f AS (
	INSERT INTO documents (dossier_id, kind, doc_key, filename, content_type, size, sha256, storage_key, uploaded_by, uploaded_at)
	SELECT (SELECT id FROM d), x.kind, x.doc_key, x.filename, x.content_type, x.size, x.sha256, x.storage_key, $45::bigint, x.uploaded_at
	FROM unnest($46::text[], $47::text[], $48::text[], $49::text[], $50::bigint[], $51::text[], $52::text[], $53::timestamptz[])
		WITH ORDINALITY AS x(kind, doc_key, filename, content_type, size, sha256, storage_key, uploaded_at, ord)
	ORDER BY x.ord
	RETURNING id)
SELECT d.id, d.code, e.id, ARRAY(SELECT id FROM f ORDER BY id) FROM d, e`

// pgArgs are qSubmitPG's arguments for s.
func (s *submission) pgArgs() ([]any, error) {
	in, d, ev := s.in, s.in.Dossier, s.in.Event
	prefix := in.UnitCode + "-" + s.day + "-"
	q, err := json.Marshal(prefix)
	if err != nil {
		return nil, fmt.Errorf("encoding for hashing: %w", err)
	}
	// The quoted code without its closing quote, then the digits, then
	// the quote and the rest: firstEventHash's bytes.
	pre := append([]byte(`motcua-event-v1`+"\n"+`{"dossier":`), q[:len(q)-1]...)
	post := append([]byte(`"`), s.evTail...)
	var data any
	if s.evData != nil {
		data = string(s.evData)
	}
	n := len(in.Documents)
	kinds, keys, names, types, sums, storage := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	sizes, ats := make([]int64, n), make([]time.Time, n)
	for i, doc := range in.Documents {
		kinds[i], keys[i], names[i], types[i], sums[i], storage[i] = doc.Kind, doc.DocKey, doc.Filename, doc.ContentType, doc.SHA256, doc.StorageKey
		sizes[i], ats[i] = doc.Size, utc(doc.UploadedAt)
	}
	return []any{
		d.ReceivedUnitID, s.day, prefix, pre, post,
		d.ProcedureVersionID, d.UnitID, d.UnitPath, nint64(d.OwnerID),
		s.applicant, s.name, s.folded, d.Applicant.IDNumber, string(d.Channel), s.form, int(d.Status), d.Substate, nint64(d.AssigneeID),
		utc(d.SubmittedAt), nutc(d.ReceivedAt), nutc(d.LegalDueAt), nutc(d.AppointedDueAt), d.StepIndex, utc(d.StepStartedAt), d.FeeVND, d.Version, utc(d.UpdatedAt),
		deliveryMethod(d), d.Delivery.Address, externalCode(in),
		utc(ev.At), nint64(ev.ActorID), ev.ActorName, ev.Role, nint64(ev.UnitID), string(ev.Action), int(ev.From), int(ev.To), ev.Note, data,
		ev.StepKey, ev.BudgetHours, ev.SpentHours, ev.Verdict,
		nint64(ev.ActorID), kinds, keys, names, types, sizes, sums, storage, ats,
	}, nil
}

// writeGroupPG writes a group's submissions in tx, on conn: the
// idempotency keys looked up one by one (replays are answered without
// writing), the others' rows in one batch, then afterDossierTx for each.
// set receives each submission's outcome by its index in subs; on an
// error, writeGroupPG answers the index of the submission that failed, or
// -1 when the error is no one submission's.
func (db *DB) writeGroupPG(ctx context.Context, tx *Tx, conn *sql.Conn, subs []*submission, set func(k int, r submitRes)) (int, error) {
	var write []int // indexes in subs of the submissions to write
	for k, s := range subs {
		if s.in.IdemKey != "" {
			prev, err := idemReplay(ctx, tx, s.in)
			if err != nil {
				return k, err
			}
			if prev != nil {
				set(k, submitRes{d: prev, replayed: true})
				continue
			}
		}
		write = append(write, k)
	}
	if len(write) == 0 {
		return -1, nil
	}
	b := &pgx.Batch{}
	for _, k := range write {
		args, err := subs[k].pgArgs()
		if err != nil {
			return k, err
		}
		b.Queue(qSubmitPG, args...)
	}
	failed := -1
	err := conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("writing submissions: %T is not a pgx connection", dc)
		}
		br := c.Conn().SendBatch(ctx, b)
		for _, k := range write {
			in := subs[k].in
			d, ev := in.Dossier, in.Event
			var docIDs []int64
			if err := br.QueryRow().Scan(&d.ID, &d.Code, &ev.ID, &docIDs); err != nil {
				// The first error is the submission's; the statements after
				// it were not run (the transaction is aborted).
				failed = k
				br.Close()
				return fmt.Errorf("inserting dossier: %w", err)
			}
			if len(docIDs) != len(in.Documents) {
				failed = k
				br.Close()
				return fmt.Errorf("inserting documents: %d ids for %d documents", len(docIDs), len(in.Documents))
			}
			for i := range in.Documents {
				in.Documents[i].ID = docIDs[i]
			}
		}
		if err := br.Close(); err != nil {
			return fmt.Errorf("writing submissions: %w", err)
		}
		return nil
	})
	if err != nil {
		// failed < 0: not one submission's fault; the group fails.
		return failed, err
	}
	for _, k := range write {
		in := subs[k].in
		d := in.Dossier
		d.Documents = in.Documents
		d.Events = []dossier.Event{*in.Event}
		if err := db.afterDossierTx(ctx, tx, in); err != nil {
			return k, err
		}
		set(k, submitRes{d: d})
	}
	return -1, nil
}

// inConnTx is inTx on a connection of its own, which fn may also use
// directly (conn.Raw) inside the transaction.
func (db *DB) inConnTx(ctx context.Context, fn func(tx *Tx, conn *sql.Conn) error) error {
	conn, err := db.rw.Conn(ctx)
	if err != nil {
		return fmt.Errorf("taking a connection: %w", err)
	}
	defer conn.Close()
	stx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("beginning transaction: %w", err)
	}
	return db.runTx(ctx, stx, func(tx *Tx) error { return fn(tx, conn) })
}
