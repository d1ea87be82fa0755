package store_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/store"
)

// dueCase is a dossier set by hand into one situation of the digest.
type dueCase struct {
	name        string
	status      dossier.Status
	assignee    int64 // 0: unassigned
	legal       time.Time
	appointed   *time.Time // nil: NULL
	rescheduled bool
	paused      bool
	want        bool // listed by DueDigest
}

// forceDossier sets a submitted dossier's columns to the case's.
func forceDossier(t *testing.T, db *store.DB, code string, c dueCase) {
	t.Helper()
	var assignee, appointed, paused any
	if c.assignee != 0 {
		assignee = c.assignee
	}
	if c.appointed != nil {
		appointed = c.appointed.UTC()
	}
	if c.paused {
		paused = c.legal.AddDate(0, 0, -3).UTC()
	}
	err := db.WriteTx(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE dossiers SET status = $1, assignee_id = $2, legal_due_at = $3, appointed_due_at = $4,
			rescheduled = $5, paused_at = $6, received_at = $7 WHERE code = $8`,
			int(c.status), assignee, c.legal.UTC(), appointed, c.rescheduled, paused, c.legal.AddDate(0, 0, -10).UTC(), code)
		return err
	})
	if err != nil {
		t.Fatalf("setting %s: %v", c.name, err)
	}
}

func setAccount(t *testing.T, db *store.DB, id int64, email string, disabled bool) {
	t.Helper()
	err := db.WriteTx(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE accounts SET email = $1, disabled = $2 WHERE id = $3`, email, disabled, id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDueDigest(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		f := newFixture(t, e)
		ctx := context.Background()
		// Monday 3 March 2025, 07:00; the next working day ends at
		// midnight after Tuesday the 4th.
		now := time.Date(2025, 3, 3, 7, 0, 0, 0, ict)
		end := time.Date(2025, 3, 5, 0, 0, 0, 0, ict)
		yesterday := time.Date(2025, 2, 28, 17, 0, 0, 0, ict) // the Friday before
		today := time.Date(2025, 3, 3, 17, 0, 0, 0, ict)
		tomorrow := time.Date(2025, 3, 4, 17, 0, 0, 0, ict)
		later := time.Date(2025, 3, 5, 17, 0, 0, 0, ict)
		spec, district, leader := f.specX.AccountID, f.districtSpc.AccountID, f.leadX.AccountID
		setAccount(t, f.db, spec, "spec.x@example.gov.vn", false)
		setAccount(t, f.db, district, "", false)
		setAccount(t, f.db, leader, "lead.x@example.gov.vn", true)

		cases := []dueCase{
			{name: "overdue, processing", status: dossier.StatusProcessing, assignee: spec, legal: yesterday, appointed: &yesterday, want: true},
			{name: "due tomorrow", status: dossier.StatusProcessing, assignee: spec, legal: tomorrow, appointed: &tomorrow, want: true},
			{name: "due today, received", status: dossier.StatusReceived, assignee: spec, legal: today, appointed: &today, want: true},
			{name: "due later", status: dossier.StatusProcessing, assignee: spec, legal: later, appointed: &later},
			{name: "finished", status: dossier.StatusFinished, assignee: spec, legal: yesterday, appointed: &yesterday},
			{name: "delivered", status: dossier.StatusDelivered, assignee: spec, legal: yesterday, appointed: &yesterday},
			{name: "waiting for supplementation", status: dossier.StatusSupplement, assignee: spec, legal: yesterday, appointed: &yesterday},
			{name: "fee, clock paused", status: dossier.StatusFee, assignee: spec, legal: yesterday, appointed: &yesterday, paused: true},
			{name: "fee, clock running", status: dossier.StatusFee, assignee: spec, legal: tomorrow, appointed: &tomorrow, want: true},
			// The statutory date passed; the appointment after the
			// apology is later, and beyond the window.
			{name: "rescheduled to later", status: dossier.StatusProcessing, assignee: spec, legal: yesterday, appointed: &later, rescheduled: true},
			{name: "rescheduled to tomorrow", status: dossier.StatusProcessing, assignee: spec, legal: yesterday, appointed: &tomorrow, rescheduled: true, want: true},
			{name: "no appointment, statutory tomorrow", status: dossier.StatusProcessing, assignee: spec, legal: tomorrow, want: true},
			{name: "unassigned", status: dossier.StatusProcessing, legal: yesterday, appointed: &yesterday},
			{name: "other officer, no e-mail", status: dossier.StatusReceived, assignee: district, legal: yesterday, appointed: &yesterday, want: true},
			{name: "disabled officer", status: dossier.StatusProcessing, assignee: leader, legal: yesterday, appointed: &yesterday},
		}
		codes := map[string]dueCase{}
		byName := map[string]string{}
		for _, c := range cases {
			d := f.submitOnline(t, f.citizenA, f.cx.Code)
			forceDossier(t, f.db, d.Code, c)
			codes[d.Code] = c
			byName[c.name] = d.Code
		}

		got, err := f.db.DueDigest(ctx, now, end)
		if err != nil {
			t.Fatal(err)
		}
		// Checked by hand: the officer with the smaller id (spec.x) first,
		// each officer's dossiers by effective due date.
		want := []string{"overdue, processing", "due today, received", "due tomorrow", "fee, clock running",
			"rescheduled to tomorrow", "no appointment, statutory tomorrow", "other officer, no e-mail"}
		var names []string
		for _, r := range got {
			names = append(names, codes[r.Code].name)
		}
		// Equal due dates (17:00 on the 4th) keep the dossier order.
		if strings.Join(names, "|") != strings.Join(want, "|") {
			t.Fatalf("listed:\n %s\nwant:\n %s", strings.Join(names, "\n "), strings.Join(want, "\n "))
		}
		for _, r := range got {
			c := codes[r.Code]
			wantDue := c.legal
			if c.appointed != nil {
				wantDue = *c.appointed
			}
			if !r.Due.Equal(wantDue) || r.Status != c.status || r.Rescheduled != c.rescheduled || r.AccountID != c.assignee {
				t.Errorf("%s: due %v status %d rescheduled %v account %d; want %v %d %v %d",
					c.name, r.Due, r.Status, r.Rescheduled, r.AccountID, wantDue, c.status, c.rescheduled, c.assignee)
			}
			if r.ProcedureName != "Đăng ký kết hôn" || r.UnitPath != f.cx.Path || r.DossierID == 0 {
				t.Errorf("%s: procedure %q, unit path %q (want %q), id %d", c.name, r.ProcedureName, r.UnitPath, f.cx.Path, r.DossierID)
			}
			wantMail, wantName := "spec.x@example.gov.vn", "Cán bộ spec.x"
			if c.assignee == district {
				wantMail, wantName = "", "Cán bộ spec.district"
			}
			if r.Email != wantMail || r.AccountName != wantName {
				t.Errorf("%s: officer %q <%s>, want %q <%s>", c.name, r.AccountName, r.Email, wantName, wantMail)
			}
			if r.Due.Location().String() != store.Zone.String() {
				t.Errorf("%s: due date in %v, want %v", c.name, r.Due.Location(), store.Zone)
			}
		}

		// One officer's list, read again at send time.
		mine, err := f.db.DueDigestOf(ctx, district, now, end)
		if err != nil {
			t.Fatal(err)
		}
		if len(mine) != 1 || mine[0].Code != byName["other officer, no e-mail"] {
			t.Errorf("the district specialist's list: %v", mine)
		}
		// A window ending earlier leaves out what falls due after it.
		early, err := f.db.DueDigestOf(ctx, spec, now, today.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if len(early) != 2 || early[0].Code != byName["overdue, processing"] || early[1].Code != byName["due today, received"] {
			t.Errorf("spec.x's list to today: %v", early)
		}
		// A finished dossier is gone at once.
		forceDossier(t, f.db, byName["due tomorrow"], dueCase{name: "due tomorrow", status: dossier.StatusFinished, assignee: spec, legal: tomorrow})
		after, err := f.db.DueDigestOf(ctx, spec, now, end)
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != 5 {
			t.Errorf("after one finished, spec.x has %d dossiers, want 5", len(after))
		}
		for _, r := range after {
			if r.Code == byName["due tomorrow"] {
				t.Errorf("the finished dossier is still listed")
			}
		}
	})
}

func TestDueDigestBadInput(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		db := openStore(t, e)
		ctx := context.Background()
		now := time.Date(2025, 3, 3, 7, 0, 0, 0, ict)
		for _, tc := range []struct {
			name    string
			run     func() ([]store.DueDossier, error)
			wantErr string
		}{
			{"window before now", func() ([]store.DueDossier, error) { return db.DueDigest(ctx, now, now.Add(-time.Hour)) }, "before the digest's time"},
			{"empty window", func() ([]store.DueDossier, error) { return db.DueDigest(ctx, now, now) }, "before the digest's time"},
			{"no account", func() ([]store.DueDossier, error) { return db.DueDigestOf(ctx, 0, now, now.Add(time.Hour)) }, "no account"},
			{"one officer, window before now", func() ([]store.DueDossier, error) { return db.DueDigestOf(ctx, 1, now, now.Add(-time.Hour)) }, "before the digest's time"},
		} {
			got, err := tc.run()
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: %v, %v; want an error saying %q", tc.name, got, err, tc.wantErr)
			}
		}
		// An empty store lists nothing, without error.
		got, err := db.DueDigest(ctx, now, now.Add(48*time.Hour))
		if err != nil || len(got) != 0 {
			t.Errorf("empty store: %v, %v", got, err)
		}
	})
}
