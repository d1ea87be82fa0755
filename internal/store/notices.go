package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/motcua/motcua/internal/dossier"
)

// Notice is one change to a citizen's dossier made by someone else: the
// message of the notifications inbox (e-mail and SMS will send the same).
type Notice struct {
	Event              dossier.Event
	Code               string
	ProcedureName      string
	ProcedureVersionID int64
	Unseen             bool
}

// internalActions lists dossier.InternalActions as SQL literals: the
// administration's internal steps (drafts, consultations) are not told to
// the applicant.
var internalActions = func() string {
	quoted := make([]string, len(dossier.InternalActions))
	for i, a := range dossier.InternalActions {
		quoted[i] = "'" + string(a) + "'"
	}
	return strings.Join(quoted, ", ")
}()

// noticeWhere selects the events of the account's dossiers that the account
// did not make itself, leaving out the internal ones.
var (
	noticeFrom  = ` FROM events e JOIN dossiers d ON d.id = e.dossier_id `
	noticeWhere = ` WHERE d.owner_id = $1 AND (e.actor_id IS NULL OR e.actor_id <> $1) AND e.action NOT IN (` + internalActions + `)`
)

// Notices lists the account's notices, newest first, with keyset
// pagination on the event id (0 = from the newest).
func (db *DB) Notices(ctx context.Context, accountID, before int64, limit int) ([]Notice, int64, error) {
	limit = clampLimit(limit)
	var seen int64
	if err := db.queryRow(ctx, `SELECT notices_seen_id FROM accounts WHERE id = $1`, accountID).Scan(&seen); err != nil {
		return nil, 0, fmt.Errorf("reading notices: %w", err)
	}
	if before <= 0 {
		before = 1<<62 - 1
	}
	rows, err := db.query(ctx, `SELECT e.id, e.at, e.action, e.from_status, e.to_status, e.note, e.data, d.code, p.name, d.procedure_version_id
		`+noticeFrom+` JOIN procedures p ON p.id = d.procedure_id`+noticeWhere+` AND e.id < $2 ORDER BY e.id DESC LIMIT $3`, accountID, before, limit+1)
	if err != nil {
		return nil, 0, fmt.Errorf("reading notices: %w", err)
	}
	defer rows.Close()
	var out []Notice
	for rows.Next() {
		var n Notice
		var action string
		var from, to int
		var data []byte
		if err := rows.Scan(&n.Event.ID, &n.Event.At, &action, &from, &to, &n.Event.Note, &data, &n.Code, &n.ProcedureName, &n.ProcedureVersionID); err != nil {
			return nil, 0, fmt.Errorf("reading notices: %w", err)
		}
		n.Event.At = local(n.Event.At)
		n.Event.Action, n.Event.From, n.Event.To = dossier.Action(action), dossier.Status(from), dossier.Status(to)
		if len(data) > 0 {
			var err error
			if n.Event.Data, err = dossier.DecodeEventData(n.Event.Action, data); err != nil {
				return nil, 0, fmt.Errorf("decoding notice data: %w", err)
			}
		}
		n.Unseen = n.Event.ID > seen
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("reading notices: %w", err)
	}
	var next int64
	if len(out) > limit {
		out = out[:limit]
		next = out[limit-1].Event.ID
	}
	return out, next, nil
}

// UnseenNotices counts the notices newer than what the account has seen.
func (db *DB) UnseenNotices(ctx context.Context, accountID int64) (int, error) {
	var n int
	err := db.queryRow(ctx, `SELECT COUNT(*)`+noticeFrom+noticeWhere+` AND e.id > (SELECT notices_seen_id FROM accounts WHERE id = $1)`, accountID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("counting notices: %w", err)
	}
	return n, nil
}

// MarkNoticesSeen records that the account has seen notices up to the
// event id (never moving backwards).
func (db *DB) MarkNoticesSeen(ctx context.Context, accountID, upTo int64) error {
	return db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE accounts SET notices_seen_id = $2 WHERE id = $1 AND notices_seen_id < $2`, accountID, upTo)
		if err != nil {
			return fmt.Errorf("marking notices seen: %w", err)
		}
		return nil
	})
}
