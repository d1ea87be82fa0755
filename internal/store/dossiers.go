package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/vn"
)

// codeZone is where a dossier's code date is read: codes carry the local
// date of Vietnam whatever the server's zone.
var codeZone = time.FixedZone("ICT", 7*3600)

// The statements of the write path, prepared once at start (see warm).
const (
	qSelectIdem = `SELECT dossier_id, request_hash FROM idempotency_keys WHERE account_id = $1 AND key = $2`
	qNextCode   = `
		INSERT INTO code_counters (unit_id, day, last) VALUES ($1, $2, 1)
		ON CONFLICT (unit_id, day) DO UPDATE SET last = code_counters.last + 1
		RETURNING last`
	qInsertDossier = `
		INSERT INTO dossiers (code, procedure_id, procedure_version_id, unit_id, unit_path, received_unit_id, owner_id,
			applicant, applicant_name, applicant_folded, applicant_id_number, channel, form, status, substate,
			assignee_id, submitted_at, received_at, legal_due_at, appointed_due_at, step_index, step_started_at, fee, version, updated_at,
			events_count, events_head, delivery_method, delivery_address, external_code)
		VALUES ($1, (SELECT procedure_id FROM procedure_versions WHERE id = $2), $2, $3, $4, $5, $6,
			$7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, 1, $25, $26, $27, $28)
		RETURNING id`
	qInsertIdem     = `INSERT INTO idempotency_keys (account_id, key, request_hash, dossier_id, created_at) VALUES ($1, $2, $3, $4, $5)`
	qInsertDocument = `
		INSERT INTO documents (dossier_id, kind, doc_key, filename, content_type, size, sha256, storage_key, uploaded_by, uploaded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`
	qInsertEvent = `
		INSERT INTO events (dossier_id, at, actor_id, actor_name, role, unit_id, action, from_status, to_status, note, data,
			step_key, budget_hours, spent_hours, verdict, seq, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id`
	qUpdateDossier = `
			UPDATE dossiers SET unit_id = $1, unit_path = $2, status = $3, substate = $4, assignee_id = $5,
				received_at = $6, legal_due_at = $7, finished_at = $8, delivered_at = $9, paused_at = $10, rescheduled = $11,
				fee = $12, fee_paid_at = $13, supplement = $14, result = $15, rating = $16, rating_comment = $17,
				step_index = $18, step_started_at = $19, version = $20, updated_at = $21, verdict = $22,
				appointed_due_at = $25, supplement_requests = $26, events_count = events_count + 1
			WHERE id = $23 AND version = $24
			RETURNING events_count, events_head`
	qSetEventsHead = `UPDATE dossiers SET events_head = $1 WHERE id = $2`
)

// writeStatements lists them for warm.
var writeStatements = []string{qSelectIdem, qNextCode, qInsertDossier, qInsertIdem, qInsertDocument, qInsertEvent, qUpdateDossier, qSetEventsHead}

// CreateDossier stores a new dossier with a fresh code, its documents, its
// first event and its idempotency key, atomically. Concurrent submissions are
// committed in groups (see submitter) so that one disk sync serves many.
func (db *DB) CreateDossier(ctx context.Context, in *dossier.NewDossier) (*dossier.Dossier, bool, error) {
	return db.sub.submit(ctx, in)
}

// createDossierTx is the body of one submission inside a (group)
// transaction; s was prepared outside it (prepareSubmission).
func (db *DB) createDossierTx(ctx context.Context, tx *Tx, s *submission) (*dossier.Dossier, bool, error) {
	in := s.in
	d := in.Dossier
	if in.IdemKey != "" {
		prev, err := idemReplay(ctx, tx, in)
		if prev != nil || err != nil {
			return prev, prev != nil, err
		}
	}
	var n int64
	err := tx.QueryRowContext(ctx, qNextCode, d.ReceivedUnitID, s.day).Scan(&n)
	if err != nil {
		return nil, false, fmt.Errorf("allocating dossier code: %w", err)
	}
	d.Code = fmt.Sprintf("%s-%s-%04d", in.UnitCode, s.day, n)
	// The first event is hashed before the dossier row is written, so that
	// the row carries the head of its chain from the start.
	head, err := firstEventHash(d.Code, s.evTail)
	if err != nil {
		return nil, false, err
	}
	err = tx.QueryRowContext(ctx, qInsertDossier,
		d.Code, d.ProcedureVersionID, d.UnitID, d.UnitPath, d.ReceivedUnitID, nint64(d.OwnerID),
		s.applicant, s.name, s.folded, d.Applicant.IDNumber,
		string(d.Channel), s.form, int(d.Status), d.Substate, nint64(d.AssigneeID),
		utc(d.SubmittedAt), nutc(d.ReceivedAt), nutc(d.LegalDueAt), nutc(d.AppointedDueAt), d.StepIndex, utc(d.StepStartedAt), d.FeeVND, d.Version, utc(d.UpdatedAt), head,
		deliveryMethod(d), d.Delivery.Address, externalCode(in)).Scan(&d.ID)
	if err != nil {
		return nil, false, fmt.Errorf("inserting dossier: %w", err)
	}
	for i := range in.Documents {
		if err := insertDocument(ctx, tx, d.ID, &in.Documents[i], in.Event.ActorID); err != nil {
			return nil, false, err
		}
	}
	d.Documents = in.Documents
	if err := insertEvent(ctx, tx, d.ID, in.Event, s.evData, 1, "", head); err != nil {
		return nil, false, err
	}
	d.Events = []dossier.Event{*in.Event}
	if err := db.afterDossierTx(ctx, tx, in); err != nil {
		return nil, false, err
	}
	return d, false, nil
}

// afterDossierTx is the rest of a submission once its rows are written
// (createDossierTx, or the batch of writeGroupPG): the event hook, the
// summary's upkeep and the idempotency key.
func (db *DB) afterDossierTx(ctx context.Context, tx *Tx, in *dossier.NewDossier) error {
	d := in.Dossier
	if err := db.eventWritten(ctx, tx, d, in.Event); err != nil {
		return err
	}
	// A new dossier has no summary state yet: an online submission
	// (not counted) writes nothing and reads nothing; and no level-4
	// figure until it is finished or paid.
	if d.Status.Counted() && d.ReceivedAt != nil {
		if err := db.upkeepSummary(ctx, tx, d, in.Event); err != nil {
			return err
		}
	}
	if d.FinishedAt != nil {
		if err := db.upkeepLevel4Dossier(ctx, tx, d); err != nil {
			return err
		}
	}
	if in.IdemKey != "" {
		_, err := tx.ExecContext(ctx, qInsertIdem,
			in.IdemAccount, in.IdemKey, in.RequestHash, d.ID, utc(d.SubmittedAt))
		if err != nil {
			// A concurrent twin won the race; the group is written again
			// and the twin's dossier answered (see submitter).
			if isUnique(err) {
				return errIdemRace
			}
			return fmt.Errorf("saving idempotency key: %w", err)
		}
	}
	return nil
}

// idemReplay looks for the submission's idempotency key: a dossier
// already filed under it is answered (replayed), the key reused for
// another request refused.
func idemReplay(ctx context.Context, tx *Tx, in *dossier.NewDossier) (*dossier.Dossier, error) {
	var id int64
	var hash string
	err := tx.QueryRowContext(ctx, qSelectIdem, in.IdemAccount, in.IdemKey).Scan(&id, &hash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("reading idempotency key: %w", err)
	case hash != in.RequestHash:
		return nil, errIdemReused
	}
	return dossierByID(ctx, tx, id)
}

var errIdemRace = errors.New("idempotency key taken concurrently")

var errIdemReused = apperr.New(apperr.Unprocessable, "idempotency_key_reused",
	"Khóa Idempotency-Key đã được dùng cho một yêu cầu khác.", "The Idempotency-Key was already used for a different request.")

func insertDocument(ctx context.Context, tx *Tx, dossierID int64, doc *dossier.Document, by int64) error {
	err := tx.QueryRowContext(ctx, qInsertDocument,
		dossierID, doc.Kind, doc.DocKey, doc.Filename, doc.ContentType, doc.Size, doc.SHA256, doc.StorageKey, nint64(by), utc(doc.UploadedAt)).Scan(&doc.ID)
	if err != nil {
		return fmt.Errorf("inserting document: %w", err)
	}
	return nil
}

// insertEvent writes an event at position seq of its dossier's chain, with
// its data as encoded by eventData and its hash from eventHash.
func insertEvent(ctx context.Context, tx *Tx, dossierID int64, ev *dossier.Event, evData []byte, seq int64, prev, hash string) error {
	var data any
	if evData != nil {
		data = string(evData)
	}
	err := tx.QueryRowContext(ctx, qInsertEvent,
		dossierID, utc(ev.At), nint64(ev.ActorID), ev.ActorName, ev.Role, nint64(ev.UnitID), string(ev.Action), int(ev.From), int(ev.To),
		ev.Note, data, ev.StepKey, ev.BudgetHours, ev.SpentHours, ev.Verdict, seq, prev, hash).Scan(&ev.ID)
	if err != nil {
		return fmt.Errorf("inserting event: %w", err)
	}
	return nil
}

const dossierCols = `d.id, d.code, p.code, p.name, d.procedure_version_id, d.unit_id, u.code, u.name, d.unit_path, d.received_unit_id,
	d.owner_id, d.applicant, d.channel, d.form, d.status, d.substate, d.assignee_id, COALESCE(a.full_name, ''),
	d.submitted_at, d.received_at, d.legal_due_at, d.appointed_due_at, d.finished_at, d.delivered_at, d.paused_at, d.rescheduled,
	d.supplement_requests, d.fee, d.fee_paid_at, d.delivery_method, d.delivery_address,
	d.supplement, d.result, d.rating, d.rating_comment, d.verdict, d.step_index, d.step_started_at, d.version, d.updated_at`

const dossierFrom = ` FROM dossiers d JOIN procedures p ON p.id = d.procedure_id JOIN units u ON u.id = d.unit_id
	LEFT JOIN accounts a ON a.id = d.assignee_id`

func scanDossier(sc interface{ Scan(...any) error }) (*dossier.Dossier, error) {
	var d dossier.Dossier
	var owner, assignee sql.NullInt64
	var app, form []byte
	var supp, res []byte
	var channel string
	var status int
	var recv, due, appointed, fin, deliv, paused, feePaid sql.NullTime
	err := sc.Scan(&d.ID, &d.Code, &d.ProcedureCode, &d.ProcedureName, &d.ProcedureVersionID, &d.UnitID, &d.UnitCode, &d.UnitName,
		&d.UnitPath, &d.ReceivedUnitID, &owner, &app, &channel, &form, &status, &d.Substate, &assignee, &d.Assignee,
		&d.SubmittedAt, &recv, &due, &appointed, &fin, &deliv, &paused, &d.Rescheduled, &d.SupplementRequests, &d.FeeVND, &feePaid, &d.Delivery.Method, &d.Delivery.Address,
		&supp, &res, &d.Rating, &d.RatingComment, &d.Verdict, &d.StepIndex, &d.StepStartedAt, &d.Version, &d.UpdatedAt)
	if err != nil {
		return nil, err
	}
	d.OwnerID, d.AssigneeID = owner.Int64, assignee.Int64
	d.Channel = dossier.Channel(channel)
	d.Status = dossier.Status(status)
	d.StatusLabel = d.Status.Label("vi")
	d.ReceivedAt, d.LegalDueAt, d.AppointedDueAt = ntime(recv), ntime(due), ntime(appointed)
	d.FinishedAt, d.DeliveredAt, d.PausedAt, d.FeePaidAt = ntime(fin), ntime(deliv), ntime(paused), ntime(feePaid)
	d.SubmittedAt, d.StepStartedAt, d.UpdatedAt = local(d.SubmittedAt), local(d.StepStartedAt), local(d.UpdatedAt)
	if err := json.Unmarshal(app, &d.Applicant); err != nil {
		return nil, fmt.Errorf("decoding applicant: %w", err)
	}
	if err := json.Unmarshal(form, &d.Form); err != nil {
		return nil, fmt.Errorf("decoding form: %w", err)
	}
	if len(supp) > 0 {
		d.Supplement = new(dossier.SupplementRequest)
		if err := json.Unmarshal(supp, d.Supplement); err != nil {
			return nil, fmt.Errorf("decoding supplementation request: %w", err)
		}
	}
	if len(res) > 0 {
		d.Result = new(dossier.Result)
		if err := json.Unmarshal(res, d.Result); err != nil {
			return nil, fmt.Errorf("decoding result: %w", err)
		}
	}
	return &d, nil
}

type querier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

func dossierByID(ctx context.Context, q querier, id int64) (*dossier.Dossier, error) {
	d, err := scanDossier(q.QueryRowContext(ctx, `SELECT `+dossierCols+dossierFrom+` WHERE d.id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("reading dossier %d: %w", id, err)
	}
	return d, nil
}

// DossierByCode reads a dossier (without events and documents). Unknown
// codes are apperr.ErrNotFound.
func (db *DB) DossierByCode(ctx context.Context, code string) (*dossier.Dossier, error) {
	d, err := scanDossier(db.queryRow(ctx, `SELECT `+dossierCols+dossierFrom+` WHERE d.code = $1`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("reading dossier: %w", err)
	}
	return d, nil
}

// stateColumns are the supplement and result columns of a dossier: JSON
// text, or NULL when there is none. (Both are plain structs: encoding them
// cannot fail.)
func stateColumns(d *dossier.Dossier) (supp, res any) {
	if d.Supplement != nil {
		b, _ := json.Marshal(d.Supplement)
		supp = string(b)
	}
	if d.Result != nil {
		b, _ := json.Marshal(d.Result)
		res = string(b)
	}
	return supp, res
}

// deliveryMethod is the stored method: at the desk unless chosen.
func deliveryMethod(d *dossier.Dossier) string {
	if d.Delivery.Method == "" {
		return dossier.DeliverInPerson
	}
	return d.Delivery.Method
}

// assignResultNumber gives a result signed without a number the next one
// of the unit's register for the year ("<n>/<year>"), inside the signing
// transaction, so that numbers have no gaps and no duplicates.
func assignResultNumber(ctx context.Context, tx *Tx, d *dossier.Dossier, ev *dossier.Event) error {
	year := d.Result.IssuedAt.In(Zone).Year()
	var n int
	err := tx.QueryRowContext(ctx, `INSERT INTO result_counters (unit_id, year, last) VALUES ($1, $2, 1)
		ON CONFLICT (unit_id, year) DO UPDATE SET last = result_counters.last + 1 RETURNING last`, d.UnitID, year).Scan(&n)
	if err != nil {
		return fmt.Errorf("numbering the result of %s: %w", d.Code, err)
	}
	d.Result.Number = fmt.Sprintf("%d/%d", n, year)
	if rd, ok := ev.Data.(dossier.ResultData); ok {
		rd.ResultNumber = d.Result.Number
		ev.Data = rd
	}
	return nil
}

// UpdateDossier writes the dossier's new state if it is still at oldVersion,
// with its event and any new documents, in one transaction. A concurrent
// change answers a Conflict and writes nothing.
func (db *DB) UpdateDossier(ctx context.Context, d *dossier.Dossier, oldVersion int, ev *dossier.Event, docs []dossier.Document) error {
	// Decided before the transaction: a retried transaction numbers again.
	number := ev.Action == dossier.ActFinish && d.Result != nil && d.Result.Number == ""
	// A deadlock victim (PostgreSQL aborts one of two transactions taking
	// the same summary counters in opposite orders) is written again.
	return retryConflicts(3, func() error { return db.updateDossierTx(ctx, d, oldVersion, ev, docs, number) })
}

// updateDossierTx is one attempt at UpdateDossier.
func (db *DB) updateDossierTx(ctx context.Context, d *dossier.Dossier, oldVersion int, ev *dossier.Event, docs []dossier.Document, number bool) error {
	return db.inTx(ctx, func(tx *Tx) error {
		if number {
			if err := assignResultNumber(ctx, tx, d, ev); err != nil {
				return err
			}
		}
		supp, res := stateColumns(d)
		evData, err := eventData(ev)
		if err != nil {
			return err
		}
		// The update locks the row and answers the chain's head: the new
		// event's position and the hash it follows.
		var seq int64
		var prev string
		err = tx.QueryRowContext(ctx, qUpdateDossier,
			d.UnitID, d.UnitPath, int(d.Status), d.Substate, nint64(d.AssigneeID),
			nutc(d.ReceivedAt), nutc(d.LegalDueAt), nutc(d.FinishedAt), nutc(d.DeliveredAt), nutc(d.PausedAt), d.Rescheduled,
			d.FeeVND, nutc(d.FeePaidAt), supp, res, d.Rating, d.RatingComment,
			d.StepIndex, utc(d.StepStartedAt), d.Version, utc(d.UpdatedAt), d.Verdict, d.ID, oldVersion,
			nutc(d.AppointedDueAt), d.SupplementRequests).Scan(&seq, &prev)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.Conflict, "stale_version",
				"Hồ sơ vừa được người khác thay đổi. Vui lòng tải lại và thử lại.",
				"The dossier was just changed by someone else. Reload and try again.")
		}
		if err != nil {
			return fmt.Errorf("updating dossier %s: %w", d.Code, err)
		}
		for i := range docs {
			if err := insertDocument(ctx, tx, d.ID, &docs[i], ev.ActorID); err != nil {
				return err
			}
		}
		if err := writeConsultations(ctx, tx, d); err != nil {
			return err
		}
		hash, err := eventHash(d.Code, seq, prev, ev, evData)
		if err != nil {
			return err
		}
		if err := insertEvent(ctx, tx, d.ID, ev, evData, seq, prev, hash); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, qSetEventsHead, hash, d.ID); err != nil {
			return fmt.Errorf("saving the history head of %s: %w", d.Code, err)
		}
		if err := db.upkeepSummary(ctx, tx, d, ev); err != nil {
			return err
		}
		if err := db.upkeepLevel4Dossier(ctx, tx, d); err != nil {
			return err
		}
		return db.eventWritten(ctx, tx, d, ev)
	})
}

// Events returns a dossier's event log, oldest first.
func (db *DB) Events(ctx context.Context, dossierID int64) ([]dossier.Event, error) {
	rows, err := db.query(ctx, `SELECT `+eventColumns+eventFrom+` WHERE e.dossier_id = $1 ORDER BY e.id`, dossierID)
	if err != nil {
		return nil, fmt.Errorf("reading events: %w", err)
	}
	defer rows.Close()
	var out []dossier.Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *e)
	}
	return out, rows.Err()
}

// Event returns one event of a dossier (jobs carry the event's id).
func (db *DB) Event(ctx context.Context, dossierID, eventID int64) (*dossier.Event, error) {
	e, err := scanEvent(db.queryRow(ctx, `SELECT `+eventColumns+eventFrom+` WHERE e.dossier_id = $1 AND e.id = $2`, dossierID, eventID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.ErrNotFound
	}
	return e, err
}

const (
	eventColumns = `e.id, e.at, e.actor_id, e.actor_name, e.role, e.unit_id, COALESCE(u.code, ''), e.action, e.from_status, e.to_status,
		e.note, e.data, e.step_key, e.budget_hours, e.spent_hours, e.verdict`
	eventFrom = ` FROM events e LEFT JOIN units u ON u.id = e.unit_id`
)

// scanEvent reads a row of eventColumns.
func scanEvent(sc interface{ Scan(...any) error }) (*dossier.Event, error) {
	var e dossier.Event
	var actor, unit sql.NullInt64
	var action string
	var from, to int
	var data []byte
	if err := sc.Scan(&e.ID, &e.At, &actor, &e.ActorName, &e.Role, &unit, &e.UnitCode, &action, &from, &to,
		&e.Note, &data, &e.StepKey, &e.BudgetHours, &e.SpentHours, &e.Verdict); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		return nil, fmt.Errorf("reading events: %w", err)
	}
	e.At = local(e.At)
	e.ActorID, e.UnitID = actor.Int64, unit.Int64
	e.Action, e.From, e.To = dossier.Action(action), dossier.Status(from), dossier.Status(to)
	if len(data) > 0 {
		var err error
		if e.Data, err = dossier.DecodeEventData(e.Action, data); err != nil {
			return nil, fmt.Errorf("decoding event data: %w", err)
		}
	}
	return &e, nil
}

// Documents returns a dossier's files, oldest first.
func (db *DB) Documents(ctx context.Context, dossierID int64) ([]dossier.Document, error) {
	rows, err := db.query(ctx, `
		SELECT id, kind, doc_key, filename, content_type, size, sha256, storage_key, uploaded_at
		FROM documents WHERE dossier_id = $1 ORDER BY id`, dossierID)
	if err != nil {
		return nil, fmt.Errorf("reading documents: %w", err)
	}
	defer rows.Close()
	var out []dossier.Document
	for rows.Next() {
		var d dossier.Document
		if err := rows.Scan(&d.ID, &d.Kind, &d.DocKey, &d.Filename, &d.ContentType, &d.Size, &d.SHA256, &d.StorageKey, &d.UploadedAt); err != nil {
			return nil, fmt.Errorf("reading documents: %w", err)
		}
		d.UploadedAt = local(d.UploadedAt)
		out = append(out, d)
	}
	return out, rows.Err()
}

// fanOutLimit is the most units a staff scope may span for the per-unit
// plan of ListDossiers; wider scopes (a city) read the newest rows directly.
const fanOutLimit = 64

// ListDossiers lists dossiers visible to the actor, newest first, with
// keyset pagination on the id. It returns the cursor of the next page, 0 at
// the end.
//
// Staff scopes of up to fanOutLimit units (a commune, a district with its
// communes) are read unit by unit along the (unit_id, status, id) and
// (unit_id, id) indexes and merged, so that a district leader's list does
// not sort the whole district; wider scopes walk the primary key.
func (db *DB) ListDossiers(ctx context.Context, a dossier.Actor, f dossier.Filter) ([]dossier.Dossier, int64, error) {
	if err := CheckQuery(f.Q); err != nil {
		return nil, 0, err
	}
	limit := clampLimit(f.Limit)
	var filterPath string
	if f.UnitCode != "" {
		err := db.queryRow(ctx, `SELECT path FROM units WHERE code = $1`, f.UnitCode).Scan(&filterPath)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, 0, apperr.Newf(apperr.Invalid, "unit_not_found", "Không tìm thấy đơn vị «%s».", "Unit %q not found.", f.UnitCode)
		}
		if err != nil {
			return nil, 0, fmt.Errorf("reading unit: %w", err)
		}
	}
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	var scope []string
	if a.Citizen {
		scope = append(scope, "d.owner_id = "+arg(a.AccountID))
		if !a.Verified {
			// dossier.Actor.CanSee's rule: self-declared accounts follow
			// only what they submitted online.
			scope = append(scope, "d.channel = "+arg(string(dossier.ChannelOnline)))
		}
	} else {
		units, wide, err := db.scopeUnits(ctx, a, filterPath)
		if err != nil {
			return nil, 0, err
		}
		if len(units) == 0 && !wide {
			return nil, 0, nil
		}
		if !wide {
			return db.listPerUnit(ctx, units, f, limit)
		}
		paths, direct := a.ScopePaths()
		var ors []string
		for _, p := range paths {
			ors = append(ors, "(d.unit_path >= "+arg(p)+" AND d.unit_path < "+arg(pathUpper(p))+")")
		}
		for _, u := range direct {
			ors = append(ors, "d.unit_id = "+arg(u))
		}
		scope = append(scope, "("+strings.Join(ors, " OR ")+")")
	}
	if filterPath != "" {
		scope = append(scope, "d.unit_path >= "+arg(filterPath)+" AND d.unit_path < "+arg(pathUpper(filterPath)))
	}
	where := append(scope, filterClauses(f, arg)...)
	q := `SELECT ` + dossierCols + dossierFrom + " WHERE " + strings.Join(where, " AND ") + " ORDER BY d.id DESC LIMIT " + arg(limit+1)
	out, err := db.scanDossiers(ctx, q, args...)
	if err != nil {
		return nil, 0, err
	}
	return page(out, limit)
}

// filterClauses turns the filter (not the scope) into WHERE clauses.
func filterClauses(f dossier.Filter, arg func(any) string) []string {
	var where []string
	if len(f.Statuses) > 0 {
		var ph []string
		for _, s := range f.Statuses {
			ph = append(ph, arg(int(s)))
		}
		where = append(where, "d.status IN ("+strings.Join(ph, ", ")+")")
	}
	if f.Overdue {
		now := f.Now
		if now.IsZero() {
			now = time.Now()
		}
		where = append(where, sqlOverdue("d.", arg(utc(now))))
	}
	if f.DueBefore != nil {
		where = append(where, "d.legal_due_at < "+arg(utc(*f.DueBefore)))
	}
	if f.ApologyDue {
		now := f.Now
		if now.IsZero() {
			now = time.Now()
		}
		where = append(where, "d.status IN ("+sqlOpen+") AND NOT "+sqlPaused("d.")+" AND NOT d.rescheduled AND d.legal_due_at >= "+arg(utc(now)))
	}
	if f.AssigneeID != 0 {
		where = append(where, "d.assignee_id = "+arg(f.AssigneeID))
	}
	if f.Substate != "" {
		where = append(where, "d.substate = "+arg(f.Substate))
	}
	if f.Procedure != "" {
		where = append(where, "d.procedure_id = (SELECT id FROM procedures WHERE code = "+arg(f.Procedure)+")")
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		folded := vn.Fold(q)
		byPhone := ""
		if vn.CheckPhone(q) == nil {
			// The applicant's phone, in the national form it is stored in;
			// ->> reads JSON alike on SQLite (3.38+) and PostgreSQL.
			byPhone = " OR (d.applicant ->> 'phone') = " + arg(vn.NormalizePhone(q))
		}
		where = append(where, "(d.code = "+arg(strings.ToUpper(q))+" OR d.applicant_id_number = "+arg(q)+
			" OR d.applicant_folded LIKE "+arg("%"+escapeLike(folded)+"%")+` ESCAPE '\'`+byPhone+")")
	}
	if f.Cursor > 0 {
		where = append(where, "d.id < "+arg(f.Cursor))
	}
	return where
}

// scopeUnits lists the units a staff member may read (narrowed to the
// filter's subtree), or reports the scope wide when it spans more than
// fanOutLimit units.
func (db *DB) scopeUnits(ctx context.Context, a dossier.Actor, filterPath string) ([]int64, bool, error) {
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	paths, direct := a.ScopePaths()
	var ors []string
	for _, p := range paths {
		ors = append(ors, "(path >= "+arg(p)+" AND path < "+arg(pathUpper(p))+")")
	}
	for _, u := range direct {
		ors = append(ors, "id = "+arg(u))
	}
	if len(ors) == 0 {
		return nil, false, nil
	}
	q := "SELECT id FROM units WHERE (" + strings.Join(ors, " OR ") + ")"
	if filterPath != "" {
		q += " AND path >= " + arg(filterPath) + " AND path < " + arg(pathUpper(filterPath))
	}
	q += " LIMIT " + arg(fanOutLimit+1)
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, false, fmt.Errorf("reading scope: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, false, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	if len(ids) > fanOutLimit {
		return nil, true, nil
	}
	return ids, false, nil
}

// listPerUnit reads the newest matching ids of each unit along its own
// index, merges them, then loads the page's rows.
func (db *DB) listPerUnit(ctx context.Context, units []int64, f dossier.Filter, limit int) ([]dossier.Dossier, int64, error) {
	var ids []int64
	for _, u := range units {
		var args []any
		arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
		where := append([]string{"d.unit_id = " + arg(u)}, filterClauses(f, arg)...)
		q := "SELECT d.id FROM dossiers d WHERE " + strings.Join(where, " AND ") + " ORDER BY d.id DESC LIMIT " + arg(limit+1)
		rows, err := db.query(ctx, q, args...)
		if err != nil {
			return nil, 0, fmt.Errorf("listing dossiers: %w", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, 0, err
			}
			ids = append(ids, id)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, 0, fmt.Errorf("listing dossiers: %w", err)
		}
	}
	if len(ids) == 0 {
		return nil, 0, nil
	}
	slices.SortFunc(ids, func(a, b int64) int { return cmp.Compare(b, a) })
	if len(ids) > limit+1 {
		ids = ids[:limit+1]
	}
	args := make([]any, len(ids))
	ph := make([]string, len(ids))
	for i, id := range ids {
		args[i] = id
		ph[i] = fmt.Sprintf("$%d", i+1)
	}
	out, err := db.scanDossiers(ctx, `SELECT `+dossierCols+dossierFrom+` WHERE d.id IN (`+strings.Join(ph, ", ")+`) ORDER BY d.id DESC`, args...)
	if err != nil {
		return nil, 0, err
	}
	return page(out, limit)
}

func (db *DB) scanDossiers(ctx context.Context, q string, args ...any) ([]dossier.Dossier, error) {
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("listing dossiers: %w", err)
	}
	defer rows.Close()
	var out []dossier.Dossier
	for rows.Next() {
		d, err := scanDossier(rows)
		if err != nil {
			return nil, fmt.Errorf("listing dossiers: %w", err)
		}
		out = append(out, *d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing dossiers: %w", err)
	}
	return out, nil
}

// page cuts a result read with one row too many and returns the cursor.
func page(out []dossier.Dossier, limit int) ([]dossier.Dossier, int64, error) {
	var next int64
	if len(out) > limit {
		out = out[:limit]
		next = out[limit-1].ID
	}
	return out, next, nil
}

// TrackDossier reads only what public tracking shows, without decoding the
// applicant or the form: it is the QR target, and the hottest read. Names of
// the procedure and unit come from the in-memory directory.
func (db *DB) TrackDossier(ctx context.Context, code string) (*dossier.Dossier, error) {
	dir, err := db.dir(ctx)
	if err != nil {
		return nil, err
	}
	t, err := db.track.lookup(ctx, code)
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, apperr.ErrNotFound
	}
	d := dossier.Dossier{Code: t.code, UnitID: t.unitID}
	p, pok := dir.procByID[t.procID]
	u, uok := dir.unitByID[d.UnitID]
	if !pok || !uok {
		// Changed by another process within directoryTTL: read the full row.
		return db.DossierByCode(ctx, code)
	}
	d.ProcedureCode, d.ProcedureName, d.UnitCode, d.UnitName = p.code, p.name, u.Code, u.Name
	d.Status = dossier.Status(t.status)
	d.SubmittedAt = local(t.submitted)
	d.ReceivedAt, d.LegalDueAt, d.AppointedDueAt, d.FinishedAt = ntime(t.recv), ntime(t.due), ntime(t.appointed), ntime(t.fin)
	return &d, nil
}
