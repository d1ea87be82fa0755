package store

// Tamper evidence.
//
// Every event of a dossier is chained: it stores its position in the
// dossier's history (seq, from 1), the hash of the previous event of the
// same dossier (prev_hash) and its own hash, a SHA-256 over a canonical
// encoding of its content and prev_hash (eventHash). The dossier row keeps
// the head of its chain (events_count, events_head), written in the same
// transaction as the event. Editing an event breaks its hash, deleting or
// inserting one breaks the sequence, the links or the head.
//
// Someone who can write the database could recompute every hash of a
// dossier after changing it. Anchors (anchor.go) bound that: each one
// commits, chained to the previous anchor, to the head of every chain that
// moved since; its hash is logged and printed, and once copied off the
// machine (a log collector, the paper journal) a rewritten history no
// longer reproduces it.
//
// Changes outside dossiers (the calendar, accounts) go to audit_log, one
// chain for the whole deployment, with the same construction.

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/motcua/motcua/internal/dossier"
)

// canonicalJSON re-encodes a JSON document so that the same value always
// gives the same bytes, whatever produced it: PostgreSQL's JSONB reorders
// keys and drops whitespace, a Go struct orders fields its own way.
// encoding/json sorts map keys; numbers go through float64 on both sides.
// Empty input (SQL NULL) is null.
func canonicalJSON(b []byte) (json.RawMessage, error) {
	if len(b) == 0 {
		return json.RawMessage("null"), nil
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("decoding JSON for hashing: %w", err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encoding JSON for hashing: %w", err)
	}
	return out, nil
}

// canonicalValue is canonicalJSON of a Go value.
func canonicalValue(v any) (json.RawMessage, error) {
	if v == nil {
		return json.RawMessage("null"), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encoding JSON for hashing: %w", err)
	}
	return canonicalJSON(b)
}

// hashTime is the canonical form of a stored time: UTC, microseconds
// (what both engines keep).
func hashTime(t time.Time) string { return utc(t).Format(time.RFC3339Nano) }

// eventContent is what an event's hash covers, in a fixed field order.
type eventContent struct {
	Dossier     string          `json:"dossier"`
	Seq         int64           `json:"seq"`
	Prev        string          `json:"prev"`
	At          string          `json:"at"`
	ActorID     int64           `json:"actor_id"`
	ActorName   string          `json:"actor_name"`
	Role        string          `json:"role"`
	UnitID      int64           `json:"unit_id"`
	Action      string          `json:"action"`
	From        int             `json:"from"`
	To          int             `json:"to"`
	Note        string          `json:"note"`
	StepKey     string          `json:"step_key"`
	BudgetHours float64         `json:"budget_hours"`
	SpentHours  float64         `json:"spent_hours"`
	Verdict     string          `json:"verdict"`
	Data        json.RawMessage `json:"data"`
}

// eventHash returns the hex SHA-256 of an event of the dossier code at
// position seq after the event hashed prev ("" for the first); data is the
// event's data as stored (JSON or empty).
func eventHash(code string, seq int64, prev string, ev *dossier.Event, data []byte) (string, error) {
	cd, err := canonicalJSON(data)
	if err != nil {
		return "", err
	}
	c := eventContent{
		Dossier: code, Seq: seq, Prev: prev, At: hashTime(ev.At), ActorID: ev.ActorID, ActorName: ev.ActorName,
		Role: ev.Role, UnitID: ev.UnitID, Action: string(ev.Action), From: int(ev.From), To: int(ev.To), Note: ev.Note,
		StepKey: ev.StepKey, BudgetHours: ev.BudgetHours, SpentHours: ev.SpentHours, Verdict: ev.Verdict, Data: cd,
	}
	return sumJSON("motcua-event-v1", c)
}

// sumJSON hashes a domain label and the JSON encoding of v.
func sumJSON(label string, v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encoding for hashing: %w", err)
	}
	h := sha256.New()
	h.Write([]byte(label))
	h.Write([]byte{'\n'})
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// eventData is an event's data as it is stored: JSON, or nil (NULL).
func eventData(ev *dossier.Event) ([]byte, error) {
	if ev.Data == nil {
		return nil, nil
	}
	b, err := json.Marshal(ev.Data)
	if err != nil {
		return nil, fmt.Errorf("encoding event data: %w", err)
	}
	return b, nil
}

// AuditProblem is one finding of a verification: a dossier whose history
// was changed, a broken audit log or an anchor that no longer reproduces.
type AuditProblem struct {
	// Dossier is the dossier's code; empty for the audit log and anchors.
	Dossier string
	// Seq is the position in the chain the problem was found at (0: the
	// chain as a whole).
	Seq int64
	// Reason says what was found, in English, for operators.
	Reason string
}

// String is the line `motcua audit verify` prints.
func (p AuditProblem) String() string {
	subject := p.Dossier
	if subject == "" {
		subject = "-"
	}
	return subject + ": " + p.Reason
}

// AuditReport is the outcome of VerifyAudit.
type AuditReport struct {
	Dossiers, Events int64
	LogEntries       int64
	Anchors          int64
	// LastAnchor is the newest anchor, to compare with a copy kept elsewhere.
	LastAnchor *Anchor
	Problems   []AuditProblem
}

// OK reports whether nothing was found.
func (r *AuditReport) OK() bool { return len(r.Problems) == 0 }

// chainEvent is an event as read back for verification.
type chainEvent struct {
	id, seq    int64
	prev, hash string
	ev         dossier.Event
	data       []byte
}

const chainEventCols = `e.id, e.dossier_id, e.seq, e.prev_hash, e.hash, e.at, e.actor_id, e.actor_name, e.role, e.unit_id,
	e.action, e.from_status, e.to_status, e.note, e.data, e.step_key, e.budget_hours, e.spent_hours, e.verdict`

func scanChainEvent(sc interface{ Scan(...any) error }) (int64, chainEvent, error) {
	var c chainEvent
	var dossierID int64
	var actor, unit sql.NullInt64
	var action string
	var from, to int
	err := sc.Scan(&c.id, &dossierID, &c.seq, &c.prev, &c.hash, &c.ev.At, &actor, &c.ev.ActorName, &c.ev.Role, &unit,
		&action, &from, &to, &c.ev.Note, &c.data, &c.ev.StepKey, &c.ev.BudgetHours, &c.ev.SpentHours, &c.ev.Verdict)
	if err != nil {
		return 0, c, err
	}
	c.ev.ActorID, c.ev.UnitID = actor.Int64, unit.Int64
	c.ev.Action, c.ev.From, c.ev.To = dossier.Action(action), dossier.Status(from), dossier.Status(to)
	return dossierID, c, nil
}

// verifyChain checks one dossier's events against each other and against
// the head stored on the dossier row.
func verifyChain(code string, count int64, head string, evs []chainEvent) ([]AuditProblem, error) {
	slices.SortStableFunc(evs, func(a, b chainEvent) int {
		if a.seq != b.seq {
			return int(a.seq - b.seq)
		}
		return int(a.id - b.id)
	})
	var out []AuditProblem
	add := func(seq int64, format string, args ...any) {
		out = append(out, AuditProblem{Dossier: code, Seq: seq, Reason: fmt.Sprintf(format, args...)})
	}
	want, prev := int64(1), ""
	for _, e := range evs {
		switch {
		case e.seq > want && e.seq == want+1:
			add(want, "event %d is missing (deleted)", want)
		case e.seq > want:
			add(want, "events %d to %d are missing (deleted)", want, e.seq-1)
		case e.seq < want:
			add(e.seq, "event %d appears twice or out of order (inserted)", e.seq)
		default:
			if e.prev != prev {
				add(e.seq, "event %d does not follow the event before it (link broken)", e.seq)
			}
		}
		h, err := eventHash(code, e.seq, e.prev, &e.ev, e.data)
		if err != nil {
			return nil, fmt.Errorf("hashing event %d of %s: %w", e.seq, code, err)
		}
		if h != e.hash {
			add(e.seq, "event %d does not match its hash (content changed)", e.seq)
		}
		prev, want = e.hash, max(want, e.seq)+1
	}
	if n := int64(len(evs)); n != count || prev != head {
		add(0, "the dossier records %d events ending in %s but its history holds %d ending in %s (events deleted or added at the end)",
			count, short(head), n, short(prev))
	}
	return out, nil
}

func short(h string) string {
	if h == "" {
		return "nothing"
	}
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// VerifyDossier checks the history of one dossier (the back office does it
// when a dossier's page opens) and returns what it found, nil when intact.
func (db *DB) VerifyDossier(ctx context.Context, dossierID int64) ([]AuditProblem, error) {
	var code, head string
	var count int64
	err := db.queryRow(ctx, `SELECT code, events_count, events_head FROM dossiers WHERE id = $1`, dossierID).Scan(&code, &count, &head)
	if err != nil {
		return nil, fmt.Errorf("reading dossier %d for verification: %w", dossierID, err)
	}
	rows, err := db.query(ctx, `SELECT `+chainEventCols+` FROM events e WHERE e.dossier_id = $1 ORDER BY e.id`, dossierID)
	if err != nil {
		return nil, fmt.Errorf("reading events for verification: %w", err)
	}
	defer rows.Close()
	var evs []chainEvent
	for rows.Next() {
		_, c, err := scanChainEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("reading events for verification: %w", err)
		}
		evs = append(evs, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading events for verification: %w", err)
	}
	return verifyChain(code, count, head, evs)
}

// VerifyAudit walks every dossier's chain, the audit log and the anchors,
// and reports every dossier whose history was changed.
func (db *DB) VerifyAudit(ctx context.Context) (*AuditReport, error) {
	rep := &AuditReport{}
	type headRow struct {
		code  string
		count int64
		head  string
		seen  bool
	}
	heads := map[int64]*headRow{}
	var order []int64
	rows, err := db.query(ctx, `SELECT id, code, events_count, events_head FROM dossiers ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("reading dossiers for verification: %w", err)
	}
	for rows.Next() {
		var id int64
		h := &headRow{}
		if err := rows.Scan(&id, &h.code, &h.count, &h.head); err != nil {
			rows.Close()
			return nil, fmt.Errorf("reading dossiers for verification: %w", err)
		}
		heads[id] = h
		order = append(order, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading dossiers for verification: %w", err)
	}
	rep.Dossiers = int64(len(order))
	rows, err = db.query(ctx, `SELECT `+chainEventCols+` FROM events e ORDER BY e.dossier_id, e.id`)
	if err != nil {
		return nil, fmt.Errorf("reading events for verification: %w", err)
	}
	var cur int64 = -1
	var group []chainEvent
	flush := func() error {
		if cur < 0 {
			return nil
		}
		h := heads[cur]
		if h == nil {
			rep.Problems = append(rep.Problems, AuditProblem{Reason: fmt.Sprintf("%d events belong to no dossier (id %d)", len(group), cur)})
			return nil
		}
		h.seen = true
		ps, err := verifyChain(h.code, h.count, h.head, group)
		rep.Problems = append(rep.Problems, ps...)
		return err
	}
	for rows.Next() {
		id, c, err := scanChainEvent(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("reading events for verification: %w", err)
		}
		rep.Events++
		if id != cur {
			if err := flush(); err != nil {
				rows.Close()
				return nil, err
			}
			cur, group = id, group[:0]
		}
		group = append(group, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading events for verification: %w", err)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	for _, id := range order {
		if h := heads[id]; !h.seen && (h.count != 0 || h.head != "") {
			ps, err := verifyChain(h.code, h.count, h.head, nil)
			if err != nil {
				return nil, err
			}
			rep.Problems = append(rep.Problems, ps...)
		}
	}
	if err := db.verifyLog(ctx, rep); err != nil {
		return nil, err
	}
	if err := db.verifyAnchors(ctx, rep); err != nil {
		return nil, err
	}
	return rep, nil
}

// backfillChains hashes the events written before chaining existed, once:
// migration 00011 marks a store with events as not yet backfilled, and
// Migrate calls this until it is. It is deterministic, so a run cut short
// is simply run again.
func (db *DB) backfillChains(ctx context.Context) (bool, error) {
	var done int
	if err := db.rw.QueryRowContext(ctx, `SELECT backfilled FROM audit_state WHERE id = 1`).Scan(&done); err != nil {
		return false, fmt.Errorf("reading audit state: %w", err)
	}
	if done == 1 {
		return false, nil
	}
	const batch = 500
	var after int64
	for {
		more := false
		err := db.inTx(ctx, func(tx *Tx) error {
			rows, err := tx.QueryContext(ctx, `SELECT id, code FROM dossiers WHERE id > $1 ORDER BY id LIMIT $2`, after, batch)
			if err != nil {
				return fmt.Errorf("reading dossiers: %w", err)
			}
			type ds struct {
				id   int64
				code string
			}
			var list []ds
			for rows.Next() {
				var d ds
				if err := rows.Scan(&d.id, &d.code); err != nil {
					rows.Close()
					return err
				}
				list = append(list, d)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if len(list) == 0 {
				return nil
			}
			more, after = true, list[len(list)-1].id
			for _, d := range list {
				if err := rechain(ctx, tx, d.id, d.code); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return false, fmt.Errorf("hashing existing events: %w", err)
		}
		if !more {
			break
		}
	}
	if _, err := db.rw.ExecContext(ctx, `UPDATE audit_state SET backfilled = 1 WHERE id = 1`); err != nil {
		return false, fmt.Errorf("saving audit state: %w", err)
	}
	return true, nil
}

// rechain numbers and hashes one dossier's events in id order and stores
// the head on the dossier.
func rechain(ctx context.Context, tx *Tx, dossierID int64, code string) error {
	rows, err := tx.QueryContext(ctx, `SELECT `+chainEventCols+` FROM events e WHERE e.dossier_id = $1 ORDER BY e.id`, dossierID)
	if err != nil {
		return fmt.Errorf("reading events of %s: %w", code, err)
	}
	var evs []chainEvent
	for rows.Next() {
		_, c, err := scanChainEvent(rows)
		if err != nil {
			rows.Close()
			return fmt.Errorf("reading events of %s: %w", code, err)
		}
		evs = append(evs, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading events of %s: %w", code, err)
	}
	prev := ""
	for i, e := range evs {
		seq := int64(i + 1)
		h, err := eventHash(code, seq, prev, &e.ev, e.data)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE events SET seq = $1, prev_hash = $2, hash = $3 WHERE id = $4`, seq, prev, h, e.id); err != nil {
			return fmt.Errorf("hashing events of %s: %w", code, err)
		}
		prev = h
	}
	if _, err := tx.ExecContext(ctx, `UPDATE dossiers SET events_count = $1, events_head = $2 WHERE id = $3`, len(evs), prev, dossierID); err != nil {
		return fmt.Errorf("saving chain head of %s: %w", code, err)
	}
	return nil
}

// AuditEntry is one change recorded in the audit log: who did what to
// which subject, with details.
type AuditEntry struct {
	ID        int64
	Seq       int64
	At        time.Time
	ActorID   int64
	ActorName string
	// Action names the change, e.g. "calendar.set", "account.create".
	Action string
	// Subject names what changed, e.g. "calendar:0:2025-03-03", "account:hangtrong.tiepnhan".
	Subject string
	// Detail is any JSON-encodable value (a map, a struct); it is stored as
	// JSON and read back as decoded JSON (maps, slices, float64...).
	Detail   any
	PrevHash string
	Hash     string
}

// logContent is what an audit entry's hash covers.
type logContent struct {
	Seq       int64           `json:"seq"`
	Prev      string          `json:"prev"`
	At        string          `json:"at"`
	ActorID   int64           `json:"actor_id"`
	ActorName string          `json:"actor_name"`
	Action    string          `json:"action"`
	Subject   string          `json:"subject"`
	Detail    json.RawMessage `json:"detail"`
}

func logHash(e *AuditEntry, detail []byte) (string, error) {
	cd, err := canonicalJSON(detail)
	if err != nil {
		return "", err
	}
	return sumJSON("motcua-audit-v1", logContent{Seq: e.Seq, Prev: e.PrevHash, At: hashTime(e.At), ActorID: e.ActorID,
		ActorName: e.ActorName, Action: e.Action, Subject: e.Subject, Detail: cd})
}

// AppendAudit records a change in the audit log, in the transaction of the
// change itself. Entries are chained in one sequence for the deployment.
func (t *Tx) AppendAudit(ctx context.Context, e AuditEntry) error {
	if e.Action == "" || e.Subject == "" {
		return errors.New("appending to the audit log: action and subject are required")
	}
	if e.At.IsZero() {
		e.At = time.Now()
	}
	var detail any
	var raw []byte
	if e.Detail != nil {
		b, err := canonicalValue(e.Detail)
		if err != nil {
			return fmt.Errorf("appending to the audit log: %w", err)
		}
		if string(b) != "null" {
			raw, detail = b, string(b)
		}
	}
	// The single-row head serialises appenders: the UPDATE waits for a
	// concurrent one and then sees its head.
	err := t.QueryRowContext(ctx, `UPDATE audit_state SET log_count = log_count + 1 WHERE id = 1 RETURNING log_count, log_head`).
		Scan(&e.Seq, &e.PrevHash)
	if err != nil {
		return fmt.Errorf("appending to the audit log: %w", err)
	}
	h, err := logHash(&e, raw)
	if err != nil {
		return err
	}
	_, err = t.ExecContext(ctx, `INSERT INTO audit_log (seq, at, actor_id, actor_name, action, subject, detail, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		e.Seq, utc(e.At), nint64(e.ActorID), e.ActorName, e.Action, e.Subject, detail, e.PrevHash, h)
	if err != nil {
		return fmt.Errorf("appending to the audit log: %w", err)
	}
	if _, err := t.ExecContext(ctx, `UPDATE audit_state SET log_head = $1 WHERE id = 1`, h); err != nil {
		return fmt.Errorf("appending to the audit log: %w", err)
	}
	return nil
}

// AppendAudit records a change in the audit log in a transaction of its own.
func (db *DB) AppendAudit(ctx context.Context, e AuditEntry) error {
	return db.inTx(ctx, func(tx *Tx) error { return tx.AppendAudit(ctx, e) })
}

// AuditFilter selects audit log entries; zero fields select everything.
type AuditFilter struct {
	Action  string
	Subject string
	// Before is a cursor: only entries with a smaller seq.
	Before int64
	// Limit bounds the page (default 100, at most 1000).
	Limit int
}

// AuditLog returns audit entries, newest first.
func (db *DB) AuditLog(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	q := `SELECT id, seq, at, actor_id, actor_name, action, subject, detail, prev_hash, hash FROM audit_log WHERE 1 = 1`
	if f.Action != "" {
		q += " AND action = " + arg(f.Action)
	}
	if f.Subject != "" {
		q += " AND subject = " + arg(f.Subject)
	}
	if f.Before > 0 {
		q += " AND seq < " + arg(f.Before)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	q += " ORDER BY seq DESC LIMIT " + arg(min(limit, 1000))
	entries, err := db.scanAudit(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	for i := range entries {
		if len(entries[i].raw) > 0 {
			if err := json.Unmarshal(entries[i].raw, &entries[i].Detail); err != nil {
				return nil, fmt.Errorf("decoding audit detail: %w", err)
			}
		}
	}
	out := make([]AuditEntry, len(entries))
	for i := range entries {
		out[i] = entries[i].AuditEntry
	}
	return out, nil
}

type rawAudit struct {
	AuditEntry
	raw []byte
}

func (db *DB) scanAudit(ctx context.Context, q string, args ...any) ([]rawAudit, error) {
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("reading the audit log: %w", err)
	}
	defer rows.Close()
	var out []rawAudit
	for rows.Next() {
		var e rawAudit
		var actor sql.NullInt64
		if err := rows.Scan(&e.ID, &e.Seq, &e.At, &actor, &e.ActorName, &e.Action, &e.Subject, &e.raw, &e.PrevHash, &e.Hash); err != nil {
			return nil, fmt.Errorf("reading the audit log: %w", err)
		}
		e.At, e.ActorID = local(e.At), actor.Int64
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the audit log: %w", err)
	}
	return out, nil
}

// verifyLog checks the audit log's chain and its head.
func (db *DB) verifyLog(ctx context.Context, rep *AuditReport) error {
	var count int64
	var head string
	if err := db.queryRow(ctx, `SELECT log_count, log_head FROM audit_state WHERE id = 1`).Scan(&count, &head); err != nil {
		return fmt.Errorf("reading the audit log head: %w", err)
	}
	entries, err := db.scanAudit(ctx, `SELECT id, seq, at, actor_id, actor_name, action, subject, detail, prev_hash, hash FROM audit_log ORDER BY seq, id`)
	if err != nil {
		return err
	}
	add := func(format string, args ...any) {
		rep.Problems = append(rep.Problems, AuditProblem{Reason: "audit log: " + fmt.Sprintf(format, args...)})
	}
	want, prev := int64(1), ""
	for _, e := range entries {
		switch {
		case e.Seq > want:
			add("entries %d to %d are missing (deleted)", want, e.Seq-1)
		case e.Seq < want:
			add("entry %d appears twice (inserted)", e.Seq)
		case e.PrevHash != prev:
			add("entry %d does not follow the entry before it (link broken)", e.Seq)
		}
		h, err := logHash(&e.AuditEntry, e.raw)
		if err != nil {
			return err
		}
		if h != e.Hash {
			add("entry %d (%s %s) does not match its hash (content changed)", e.Seq, e.Action, e.Subject)
		}
		prev, want = e.Hash, max(want, e.Seq)+1
	}
	rep.LogEntries = int64(len(entries))
	if rep.LogEntries != count || prev != head {
		add("the head records %d entries ending in %s but the log holds %d ending in %s (entries deleted or added at the end)",
			count, short(head), rep.LogEntries, short(prev))
	}
	return nil
}
