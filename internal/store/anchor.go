package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Anchor is a periodic commitment to every dossier's history.
//
// An anchor covers the events up to LastEventID. Its HeadHash is the
// SHA-256 of the previous anchor's HeadHash and of the head (code, seq,
// hash) of every dossier whose chain moved since the previous anchor, in
// dossier order; Dossiers and Events are the running totals of chains and
// events. So each anchor commits, through the previous ones, to the head of
// every chain at its time. `motcua audit verify` recomputes every anchor
// from the events: an event deleted, inserted or rewritten (even with
// recomputed hashes) before an anchor makes that anchor irreproducible.
// What an anchor proves against someone who can also rewrite audit_anchors
// depends on a copy of its hash kept elsewhere: it is logged when written
// and printed by `motcua audit anchor` and `motcua audit verify`.
type Anchor struct {
	ID          int64
	At          time.Time
	LastEventID int64
	Dossiers    int64
	Events      int64
	PrevHash    string
	HeadHash    string
}

type anchorHead struct {
	Code string `json:"code"`
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

type anchorContent struct {
	Prev     string       `json:"prev"`
	Dossiers int64        `json:"dossiers"`
	Events   int64        `json:"events"`
	Heads    []anchorHead `json:"heads"`
}

// anchorDelta accumulates the events between two anchors, read in id order.
type anchorDelta struct {
	order  []int64
	heads  map[int64]*anchorHead
	events int64
	chains int64
}

func newAnchorDelta() *anchorDelta { return &anchorDelta{heads: map[int64]*anchorHead{}} }

func (d *anchorDelta) add(dossierID int64, code string, seq int64, hash string) {
	d.events++
	if seq == 1 {
		d.chains++
	}
	h := d.heads[dossierID]
	if h == nil {
		h = &anchorHead{Code: code}
		d.heads[dossierID] = h
		d.order = append(d.order, dossierID)
	}
	h.Seq, h.Hash = seq, hash
}

// seal computes the anchor following prev (nil for the first).
func (d *anchorDelta) seal(prev *Anchor) (dossiers, events int64, head string, err error) {
	var c anchorContent
	if prev != nil {
		c.Prev, c.Dossiers, c.Events = prev.HeadHash, prev.Dossiers, prev.Events
	}
	c.Dossiers += d.chains
	c.Events += d.events
	ids := append([]int64(nil), d.order...)
	slices.Sort(ids)
	c.Heads = make([]anchorHead, 0, len(ids))
	for _, id := range ids {
		c.Heads = append(c.Heads, *d.heads[id])
	}
	head, err = sumJSON("motcua-anchor-v1", c)
	return c.Dossiers, c.Events, head, err
}

const anchorCols = `id, at, last_event_id, dossiers, events, prev_hash, head_hash`

func scanAnchor(sc interface{ Scan(...any) error }) (*Anchor, error) {
	var a Anchor
	if err := sc.Scan(&a.ID, &a.At, &a.LastEventID, &a.Dossiers, &a.Events, &a.PrevHash, &a.HeadHash); err != nil {
		return nil, err
	}
	a.At = local(a.At)
	return &a, nil
}

// WriteAnchor writes a new anchor at now, unless the newest one is younger
// than minAge (then it returns that one and false). Writers wait while it
// reads the events since the previous anchor, so that no event committed
// later can carry a smaller id.
func (db *DB) WriteAnchor(ctx context.Context, now time.Time, minAge time.Duration) (*Anchor, bool, error) {
	// A cheap look first: the server asks every hour, and taking the locks
	// below only to find a young anchor would make writers wait for nothing.
	if minAge > 0 {
		last, err := scanAnchor(db.queryRow(ctx, `SELECT `+anchorCols+` FROM audit_anchors ORDER BY id DESC LIMIT 1`))
		if err == nil && now.Sub(last.At) < minAge {
			return last, false, nil
		}
	}
	var out *Anchor
	wrote := false
	err := db.inTx(ctx, func(tx *Tx) error {
		if db.dialect == Postgres {
			// One anchor writer at a time; then no event writer in flight.
			if _, err := tx.ExecContext(ctx, `LOCK TABLE audit_anchors IN EXCLUSIVE MODE`); err != nil {
				return fmt.Errorf("locking anchors: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `LOCK TABLE events IN SHARE MODE`); err != nil {
				return fmt.Errorf("locking events: %w", err)
			}
		}
		prev, err := scanAnchor(tx.QueryRowContext(ctx, `SELECT `+anchorCols+` FROM audit_anchors ORDER BY id DESC LIMIT 1`))
		if errors.Is(err, sql.ErrNoRows) {
			prev, err = nil, nil
		}
		if err != nil {
			return fmt.Errorf("reading the last anchor: %w", err)
		}
		if prev != nil && minAge > 0 && now.Sub(prev.At) < minAge {
			out = prev
			return nil
		}
		var from int64
		if prev != nil {
			from = prev.LastEventID
		}
		var last int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM events`).Scan(&last); err != nil {
			return fmt.Errorf("reading the last event: %w", err)
		}
		last = max(last, from)
		rows, err := tx.QueryContext(ctx, `SELECT e.dossier_id, d.code, e.seq, e.hash FROM events e JOIN dossiers d ON d.id = e.dossier_id
			WHERE e.id > $1 AND e.id <= $2 ORDER BY e.id`, from, last)
		if err != nil {
			return fmt.Errorf("reading events to anchor: %w", err)
		}
		d := newAnchorDelta()
		for rows.Next() {
			var id, seq int64
			var code, hash string
			if err := rows.Scan(&id, &code, &seq, &hash); err != nil {
				rows.Close()
				return fmt.Errorf("reading events to anchor: %w", err)
			}
			d.add(id, code, seq, hash)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("reading events to anchor: %w", err)
		}
		a := &Anchor{At: local(utc(now)), LastEventID: last}
		if prev != nil {
			a.PrevHash = prev.HeadHash
		}
		a.Dossiers, a.Events, a.HeadHash, err = d.seal(prev)
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO audit_anchors (at, last_event_id, dossiers, events, prev_hash, head_hash)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, utc(now), a.LastEventID, a.Dossiers, a.Events, a.PrevHash, a.HeadHash).Scan(&a.ID)
		if err != nil {
			return fmt.Errorf("saving anchor: %w", err)
		}
		out, wrote = a, true
		return nil
	})
	return out, wrote, err
}

// verifyAnchors recomputes every anchor from the events, in id order.
func (db *DB) verifyAnchors(ctx context.Context, rep *AuditReport) error {
	rows, err := db.query(ctx, `SELECT `+anchorCols+` FROM audit_anchors ORDER BY id`)
	if err != nil {
		return fmt.Errorf("reading anchors: %w", err)
	}
	var anchors []*Anchor
	for rows.Next() {
		a, err := scanAnchor(rows)
		if err != nil {
			rows.Close()
			return fmt.Errorf("reading anchors: %w", err)
		}
		anchors = append(anchors, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading anchors: %w", err)
	}
	rep.Anchors = int64(len(anchors))
	if len(anchors) == 0 {
		return nil
	}
	rep.LastAnchor = anchors[len(anchors)-1]
	evs, err := db.query(ctx, `SELECT e.id, e.dossier_id, d.code, e.seq, e.hash FROM events e JOIN dossiers d ON d.id = e.dossier_id
		WHERE e.id <= $1 ORDER BY e.id`, rep.LastAnchor.LastEventID)
	if err != nil {
		return fmt.Errorf("reading events for the anchors: %w", err)
	}
	defer evs.Close()
	var prev *Anchor
	pending := false
	var pid, pdossier, pseq int64
	var pcode, phash string
	for _, a := range anchors {
		d := newAnchorDelta()
		for {
			if !pending {
				if !evs.Next() {
					break
				}
				if err := evs.Scan(&pid, &pdossier, &pcode, &pseq, &phash); err != nil {
					return fmt.Errorf("reading events for the anchors: %w", err)
				}
				pending = true
			}
			if pid > a.LastEventID {
				break
			}
			d.add(pdossier, pcode, pseq, phash)
			pending = false
		}
		dossiers, events, head, err := d.seal(prev)
		if err != nil {
			return err
		}
		wantPrev := ""
		if prev != nil {
			wantPrev = prev.HeadHash
		}
		switch {
		case a.PrevHash != wantPrev:
			rep.Problems = append(rep.Problems, AuditProblem{Reason: fmt.Sprintf("anchor %d (%s) does not follow the anchor before it", a.ID, a.At.Format(time.RFC3339))})
		case head != a.HeadHash || dossiers != a.Dossiers || events != a.Events:
			rep.Problems = append(rep.Problems, AuditProblem{Reason: fmt.Sprintf(
				"anchor %d (%s) recorded %d dossiers, %d events, hash %s; the history now gives %d dossiers, %d events, hash %s",
				a.ID, a.At.Format(time.RFC3339), a.Dossiers, a.Events, short(a.HeadHash), dossiers, events, short(head))})
		}
		// Chain the recorded anchor, so that one bad anchor is reported once.
		prev = a
	}
	return evs.Err()
}
