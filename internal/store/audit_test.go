package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/store"
)

// historyFixture submits two dossiers and drives the first through a few
// steps (events with data, step budgets, verdicts).
func historyFixture(t *testing.T, e store.Dialect) (*fixture, *dossier.Dossier, *dossier.Dossier) {
	t.Helper()
	f := newFixture(t, e)
	d := f.submitOnline(t, f.citizenA, f.cx.Code)
	f.now = f.now.Add(time.Hour)
	d = f.act(t, f.recX, d, dossier.Command{Action: dossier.ActReceive})
	f.now = f.now.Add(time.Hour)
	d = f.act(t, f.leadX, d, dossier.Command{Action: dossier.ActAssign, Assignee: "spec.x"})
	f.now = f.now.Add(time.Hour)
	d = f.act(t, f.specX, d, dossier.Command{Action: dossier.ActRequestSupplement, Documents: []string{"xac_nhan_hon_nhan"}, Reason: "Giấy xác nhận đã hết hạn."})
	other := f.submitOnline(t, f.citizenB, f.cx.Code)
	return f, d, other
}

func tamper(t *testing.T, db *store.DB, q string, args ...any) {
	t.Helper()
	err := db.WriteTx(context.Background(), func(tx *sql.Tx) error {
		r, err := tx.Exec(q, args...)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return fmt.Errorf("tampering changed no row: %s", q)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAuditVerifyNamesTamperedDossiers(t *testing.T) {
	cases := []struct {
		name   string
		tamper func(t *testing.T, db *store.DB, id int64)
		reason string
	}{
		{"untouched", func(*testing.T, *store.DB, int64) {}, ""},
		{"note edited", func(t *testing.T, db *store.DB, id int64) {
			tamper(t, db, `UPDATE events SET note = 'đã sửa' WHERE dossier_id = $1 AND seq = 2`, id)
		}, "event 2 does not match its hash"},
		{"data edited", func(t *testing.T, db *store.DB, id int64) {
			tamper(t, db, `UPDATE events SET data = NULL WHERE dossier_id = $1 AND seq = 4`, id)
		}, "event 4 does not match its hash"},
		{"actor edited", func(t *testing.T, db *store.DB, id int64) {
			tamper(t, db, `UPDATE events SET actor_name = 'Người khác' WHERE dossier_id = $1 AND seq = 1`, id)
		}, "event 1 does not match its hash"},
		{"time edited", func(t *testing.T, db *store.DB, id int64) {
			tamper(t, db, `UPDATE events SET at = $1 WHERE dossier_id = $2 AND seq = 3`, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), id)
		}, "event 3 does not match its hash"},
		{"middle event deleted", func(t *testing.T, db *store.DB, id int64) {
			tamper(t, db, `DELETE FROM events WHERE dossier_id = $1 AND seq = 2`, id)
		}, "event 2 is missing"},
		{"last event deleted", func(t *testing.T, db *store.DB, id int64) {
			tamper(t, db, `DELETE FROM events WHERE dossier_id = $1 AND seq = 4`, id)
		}, "the dossier records 4 events"},
		{"every event deleted", func(t *testing.T, db *store.DB, id int64) {
			tamper(t, db, `DELETE FROM events WHERE dossier_id = $1`, id)
		}, "the dossier records 4 events"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			each(t, func(t *testing.T, e store.Dialect) {
				ctx := context.Background()
				f, d, other := historyFixture(t, e)
				c.tamper(t, f.db, d.ID)
				rep, err := f.db.VerifyAudit(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if rep.Dossiers != 2 {
					t.Fatalf("verified %d dossiers", rep.Dossiers)
				}
				one, err := f.db.VerifyDossier(ctx, d.ID)
				if err != nil {
					t.Fatal(err)
				}
				if c.reason == "" {
					if !rep.OK() || len(one) != 0 || rep.Events != 5 {
						t.Fatalf("untouched store: %+v %v", rep, one)
					}
					return
				}
				if rep.OK() || len(one) == 0 {
					t.Fatalf("tampering not found: %+v", rep)
				}
				for _, p := range rep.Problems {
					if p.Dossier != d.Code {
						t.Errorf("problem named %q, want only %s: %s", p.Dossier, d.Code, p)
					}
				}
				if !strings.Contains(fmt.Sprint(rep.Problems), c.reason) || !strings.Contains(fmt.Sprint(one), c.reason) {
					t.Errorf("problems %v, want %q", rep.Problems, c.reason)
				}
				if ps, err := f.db.VerifyDossier(ctx, other.ID); err != nil || len(ps) != 0 {
					t.Errorf("the other dossier: %v %v", ps, err)
				}
			})
		})
	}
}

// TestAuditAnchors: a history rewritten with recomputed
// hashes passes the chain check but not the anchor taken before.
func TestAuditAnchors(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f, d, _ := historyFixture(t, e)
		a1, wrote, err := f.db.WriteAnchor(ctx, f.now, 24*time.Hour)
		if err != nil || !wrote || a1.Dossiers != 2 || a1.Events != 5 || a1.PrevHash != "" {
			t.Fatalf("first anchor: %+v %v %v", a1, wrote, err)
		}
		if again, wrote, err := f.db.WriteAnchor(ctx, f.now.Add(time.Hour), 24*time.Hour); err != nil || wrote || again.ID != a1.ID {
			t.Fatalf("a younger anchor than a day was written: %+v %v %v", again, wrote, err)
		}
		f.now = f.now.Add(time.Hour)
		f.submitOnline(t, f.citizenB, f.cy.Code)
		a2, wrote, err := f.db.WriteAnchor(ctx, f.now.Add(25*time.Hour), 24*time.Hour)
		if err != nil || !wrote || a2.Dossiers != 3 || a2.Events != 6 || a2.PrevHash != a1.HeadHash {
			t.Fatalf("second anchor: %+v %v %v", a2, wrote, err)
		}
		rep, err := f.db.VerifyAudit(ctx)
		if err != nil || !rep.OK() || rep.Anchors != 2 || rep.LastAnchor.HeadHash != a2.HeadHash {
			t.Fatalf("verify: %+v %v", rep, err)
		}
		// Someone deletes the last event and rewrites the head: the chain
		// holds, the first anchor no longer reproduces.
		var head string
		if err := f.db.ReadDB().QueryRow(`SELECT hash FROM events WHERE dossier_id = $1 AND seq = 3`, d.ID).Scan(&head); err != nil {
			t.Fatal(err)
		}
		tamper(t, f.db, `DELETE FROM events WHERE dossier_id = $1 AND seq = 4`, d.ID)
		tamper(t, f.db, `UPDATE dossiers SET events_count = 3, events_head = $1 WHERE id = $2`, head, d.ID)
		if ps, err := f.db.VerifyDossier(ctx, d.ID); err != nil || len(ps) != 0 {
			t.Fatalf("the rewritten chain should hold on its own: %v %v", ps, err)
		}
		rep, err = f.db.VerifyAudit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0].Reason, fmt.Sprintf("anchor %d", a1.ID)) {
			t.Fatalf("problems %v", rep.Problems)
		}
	})
}

func TestAuditLog(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		admin := dossier.Actor{AccountID: f.leadX.AccountID, Name: "Quản trị viên"}
		// The fixture's accounts registered themselves: entries already.
		before, err := f.db.AuditLog(ctx, store.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.db.SetCalendarOverride(ctx, calendar.Override{Date: "2025-03-03", Kind: calendar.DayOff, Reason: "Nghỉ đột xuất"}, admin); err != nil {
			t.Fatal(err)
		}
		if err := f.db.DeleteCalendarOverride(ctx, 0, "2025-03-03", admin); err != nil {
			t.Fatal(err)
		}
		type detail struct {
			Username string   `json:"username"`
			Roles    []string `json:"roles"`
		}
		if err := f.db.AppendAudit(ctx, store.AuditEntry{ActorName: "motcua user add", Action: "account.create", Subject: "account:x",
			Detail: detail{Username: "x", Roles: []string{"leader"}}}); err != nil {
			t.Fatal(err)
		}
		log, err := f.db.AuditLog(ctx, store.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(log) != len(before)+3 || log[0].Action != "account.create" || log[2].Action != "calendar.set" ||
			log[2].ActorID != admin.AccountID || log[2].ActorName != "Quản trị viên" || log[2].Subject != "calendar:0:2025-03-03" {
			t.Fatalf("log %+v", log)
		}
		if d, _ := log[2].Detail.(map[string]any); d["reason"] != "Nghỉ đột xuất" || d["kind"] != "off" {
			t.Fatalf("detail %#v", log[2].Detail)
		}
		if log[1].PrevHash != log[2].Hash || log[0].PrevHash != log[1].Hash {
			t.Fatal("entries are not chained")
		}
		rep, err := f.db.VerifyAudit(ctx)
		n := len(before)
		if err != nil || !rep.OK() || rep.LogEntries != int64(n+3) {
			t.Fatalf("verify: %+v %v", rep, err)
		}
		for _, c := range []struct{ q, reason string }{
			{fmt.Sprintf(`UPDATE audit_log SET actor_name = 'Ai đó' WHERE seq = %d`, n+1), fmt.Sprintf("entry %d (calendar.set calendar:0:2025-03-03) does not match its hash", n+1)},
			{fmt.Sprintf(`DELETE FROM audit_log WHERE seq = %d`, n+3), fmt.Sprintf("the head records %d entries", n+3)},
		} {
			tamper(t, f.db, c.q)
			rep, err := f.db.VerifyAudit(ctx)
			if err != nil || !strings.Contains(fmt.Sprint(rep.Problems), c.reason) {
				t.Fatalf("after %s: %v %v", c.q, rep.Problems, err)
			}
		}
	})
}

// TestAuditBackfill: events written before chaining existed get their
// hashes when the store is migrated.
func TestAuditBackfill(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f, d, _ := historyFixture(t, e)
		tamper(t, f.db, `UPDATE events SET seq = 0, prev_hash = '', hash = ''`)
		tamper(t, f.db, `UPDATE dossiers SET events_count = 0, events_head = ''`)
		tamper(t, f.db, `UPDATE audit_state SET backfilled = 0`)
		if rep, err := f.db.VerifyAudit(ctx); err != nil || rep.OK() {
			t.Fatalf("unhashed events verified: %v", err)
		}
		if _, err := f.db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		rep, err := f.db.VerifyAudit(ctx)
		if err != nil || !rep.OK() || rep.Events != 5 {
			t.Fatalf("after backfill: %+v %v", rep, err)
		}
		// New events continue the backfilled chains.
		f.now = f.now.Add(time.Hour)
		f.act(t, f.citizenA, d, dossier.Command{Action: dossier.ActWithdraw, Reason: "Không cần nữa"})
		if rep, err := f.db.VerifyAudit(ctx); err != nil || !rep.OK() || rep.Events != 6 {
			t.Fatalf("after a new event: %+v %v", rep, err)
		}
	})
}
