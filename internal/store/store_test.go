package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

func openStore(t *testing.T, engine store.Dialect) *store.DB { return storetest.Open(t, engine) }

// each runs the test body once per engine: the one conformance suite.
func each(t *testing.T, body func(t *testing.T, engine store.Dialect)) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) { body(t, e) })
	}
}

func TestMigrations(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		db, dsn := storetest.OpenDSN(t, e)
		if n, err := db.Migrate(ctx); err != nil || n != 0 {
			t.Fatalf("second migrate applied %d: %v", n, err)
		}
		cur, latest, err := db.SchemaVersions(ctx)
		if err != nil || cur != latest || cur < 1 {
			t.Fatalf("versions %d/%d: %v", cur, latest, err)
		}
		// A database migrated by a newer binary is refused, not touched.
		raw := rawDB(t, e, dsn)
		if _, err := raw.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES ($1, $2)`, latest+1, true); err != nil {
			t.Fatal(err)
		}
		_, err = db.Migrate(ctx)
		if err == nil || !strings.Contains(err.Error(), "upgrade motcua") {
			t.Fatalf("newer schema not refused: %v", err)
		}
	})
}

func rawDB(t *testing.T, e store.Dialect, dsn string) *sql.DB {
	t.Helper()
	driver, src := "pgx", dsn
	if e == store.SQLite {
		driver, src = "sqlite", strings.TrimPrefix(dsn, "sqlite:")
	}
	db, err := sql.Open(driver, src)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestUnitsAndCatalogue(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		kids, err := f.db.Units(ctx, store.UnitFilter{Parent: f.district.Code})
		if err != nil || len(kids) != 2 {
			t.Fatalf("children: %v %v", kids, err)
		}
		found, err := f.db.Units(ctx, store.UnitFilter{Q: "hang trong"})
		if err != nil || len(found) != 1 || found[0].Name != "Phường Hàng Trống" {
			t.Fatalf("accent-insensitive unit search: %v %v", found, err)
		}
		if !strings.HasPrefix(f.cx.Path, f.district.Path) || f.cx.ParentCode != f.district.Code {
			t.Fatalf("paths %q %q", f.cx.Path, f.district.Path)
		}
		if _, err := f.db.UnitByCode(ctx, "nope"); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("unknown unit: %v", err)
		}
		for _, q := range []string{"dang ky ket hon", "ĐĂNG KÝ KẾT HÔN", "ket hon", "1.000894"} {
			ps, _, err := f.db.Procedures(ctx, store.ProcedureFilter{Q: q, At: f.now})
			if err != nil || len(ps) != 1 || ps[0].Code != "1.000894" {
				t.Errorf("search %q: %v %v", q, ps, err)
			}
		}
		ps, _, err := f.db.Procedures(ctx, store.ProcedureFilter{Unit: f.dep.Code, At: f.now})
		if err != nil || len(ps) != 1 || ps[0].Code != "2.000908" {
			t.Fatalf("by unit: %v %v", ps, err)
		}
		ps, next, err := f.db.Procedures(ctx, store.ProcedureFilter{Limit: 1, At: f.now})
		if err != nil || len(ps) != 1 || next == "" {
			t.Fatalf("page 1: %v %q %v", ps, next, err)
		}
		ps2, next2, err := f.db.Procedures(ctx, store.ProcedureFilter{Limit: 1, Cursor: next, At: f.now})
		if err != nil || len(ps2) != 1 || next2 != "" || ps2[0].Code == ps[0].Code {
			t.Fatalf("page 2: %v %q %v", ps2, next2, err)
		}
		if ps, _, _ := f.db.Procedures(ctx, store.ProcedureFilter{Level: "3", At: f.now}); len(ps) != 0 {
			t.Fatalf("level filter: %v", ps)
		}
		p, err := f.db.Procedure(ctx, "1.000894", f.now)
		if err != nil || len(p.Units) != 2 || p.Current.LimitAmount != 5 || len(p.Current.Form.Fields) != 3 {
			t.Fatalf("procedure: %+v %v", p, err)
		}
		// A new version takes over from its date; the old one stays as it
		// was for the dossiers that pinned it.
		v2 := marriageSpec()
		v2.Version.Number = 2
		v2.Version.EffectiveFrom = time.Date(2025, 7, 1, 0, 0, 0, 0, ict)
		v2.Version.LimitAmount = 3
		v2.Version.Process[2].BudgetHours = 8
		if rep, err := f.db.ImportCatalogue(ctx, []catalog.Spec{v2}); err != nil || rep.Versions != 1 || len(rep.Rejected) != 0 {
			t.Fatalf("v2: %+v %v", rep, err)
		}
		old, _ := f.db.Procedure(ctx, "1.000894", f.now)
		cur, _ := f.db.Procedure(ctx, "1.000894", time.Date(2025, 8, 1, 0, 0, 0, 0, ict))
		if old.Current.LimitAmount != 5 || cur.Current.LimitAmount != 3 || old.Current.ID == cur.Current.ID {
			t.Fatalf("versions: old %d cur %d", old.Current.LimitAmount, cur.Current.LimitAmount)
		}
		if _, err := f.db.ProcedureInForce(ctx, "1.000894", time.Date(2020, 1, 1, 0, 0, 0, 0, ict)); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("no version in force yet: %v", err)
		}
		if p, err := f.db.ProcedureInForce(ctx, "1.000894", time.Date(2025, 8, 1, 0, 0, 0, 0, ict)); err != nil || p.Current.LimitAmount != 3 {
			t.Fatalf("in force: %v %v", p, err)
		}
		pinned, err := f.db.Version(ctx, old.Current.ID)
		if err != nil || pinned.LimitAmount != 5 {
			t.Fatalf("pinned: %v %v", pinned, err)
		}
	})
}

func TestAccountsAndTokens(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		dup := &account.Account{Kind: account.KindCitizen, Username: "001090001234", FullName: "X", PasswordHash: "x"}
		if err := f.db.CreateAccount(ctx, dup); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("duplicate: %v", err)
		}
		now := time.Now()
		if err := f.db.SaveToken(ctx, "h1", f.citizenA.AccountID, now, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		a, err := f.db.AccountByToken(ctx, "h1", now)
		if err != nil || a.ID != f.citizenA.AccountID {
			t.Fatalf("token: %v %v", a, err)
		}
		if _, err := f.db.AccountByToken(ctx, "h1", now.Add(2*time.Hour)); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("expired token accepted: %v", err)
		}
		if _, err := f.db.AccountByToken(ctx, "nope", now); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("unknown token: %v", err)
		}
		if _, _, err := f.db.StaffWithRole(ctx, "spec.x", f.cy.ID, "specialist"); !apperr.Is(err, apperr.Invalid) {
			t.Fatalf("specialist of another unit accepted: %v", err)
		}
		if id, _, err := f.db.StaffWithRole(ctx, "spec.x", f.cx.ID, "specialist"); err != nil || id != f.specX.AccountID {
			t.Fatalf("specialist: %v", err)
		}
	})
}

var codeRE = regexp.MustCompile(`^000\.01\.02\.H26-250303-(\d{4,})$`)

func TestDossierLifecycleStored(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		d := f.submitOnline(t, f.citizenA, f.cx.Code)
		if m := codeRE.FindStringSubmatch(d.Code); m == nil || m[1] != "0001" {
			t.Fatalf("code %q", d.Code)
		}
		if d.Status != dossier.StatusSubmitted || d.Channel != dossier.ChannelOnline || d.Applicant.IDNumber != "001090001234" {
			t.Fatalf("submitted: %+v", d)
		}
		f.now = f.now.Add(time.Hour)
		d = f.act(t, f.recX, d, dossier.Command{Action: dossier.ActReceive})
		f.now = f.now.Add(time.Hour)
		d = f.act(t, f.leadX, d, dossier.Command{Action: dossier.ActAssign, Assignee: "spec.x"})
		f.now = f.now.Add(time.Hour)
		d = f.act(t, f.specX, d, dossier.Command{Action: dossier.ActRequestSupplement, Documents: []string{"xac_nhan_hon_nhan"}, Reason: "Giấy xác nhận đã hết hạn."})
		f.now = f.now.Add(24 * time.Hour)
		doc := dossier.Document{Kind: dossier.DocSupplement, DocKey: "xac_nhan_hon_nhan", Filename: "xn.pdf", ContentType: "application/pdf", Size: 3, SHA256: strings.Repeat("a", 64), StorageKey: strings.Repeat("a", 64), UploadedAt: f.now}
		d2, _, err := f.svc.Act(ctx, f.citizenA, d.Code, dossier.Command{Action: dossier.ActSupplement, Version: d.Version}, []dossier.Document{doc})
		if err != nil {
			t.Fatal(err)
		}
		d = d2
		d = f.act(t, f.leadX, d, dossier.Command{Action: dossier.ActFinish, Result: &dossier.Result{Number: "15/2025/TP-HT", Summary: "Cấp giấy chứng nhận kết hôn", Granted: true}})
		d = f.act(t, f.recX, d, dossier.Command{Action: dossier.ActDeliver, Method: "in_person"})
		d = f.act(t, f.citizenA, d, dossier.Command{Action: dossier.ActRate, Rating: dossier.RatingVerySatisfied, Comment: "Nhanh gọn"})

		got, err := f.svc.Get(ctx, f.citizenA, d.Code)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != dossier.StatusDelivered || got.Rating != dossier.RatingVerySatisfied || got.Result == nil || got.Result.Number != "15/2025/TP-HT" {
			t.Fatalf("final: %+v", got)
		}
		if got.Verdict != dossier.VerdictEarly || got.FinishedAt == nil || got.DeliveredAt == nil || got.Version != 8 {
			t.Fatalf("verdict %q version %d", got.Verdict, got.Version)
		}
		var actions []string
		for _, ev := range got.Events {
			actions = append(actions, string(ev.Action))
		}
		want := "submit receive assign request_supplement supplement finish deliver rate"
		if strings.Join(actions, " ") != want {
			t.Fatalf("events %v", actions)
		}
		// The submission's two documents, then the supplement.
		if len(got.Documents) != 3 || got.Documents[2].DocKey != "xac_nhan_hon_nhan" || got.Documents[2].Kind != dossier.DocSupplement {
			t.Fatalf("documents %+v", got.Documents)
		}
		if got.Events[1].StepKey != "tiep_nhan" || got.Events[1].Verdict == "" {
			t.Fatalf("step verdict missing: %+v", got.Events[1])
		}
	})
}

func TestStaleWriteChangesNothing(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		d := f.submitOnline(t, f.citizenA, f.cx.Code)
		// Two officers load version 1; the first receives it.
		if _, _, err := f.svc.Act(ctx, f.recX, d.Code, dossier.Command{Action: dossier.ActReceive, Version: 1}, nil); err != nil {
			t.Fatal(err)
		}
		_, _, err := f.svc.Act(ctx, f.recX, d.Code, dossier.Command{Action: dossier.ActRefuse, Version: 1, Reason: "x"}, nil)
		if !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("stale action: %v", err)
		}
		// Straight at the store: an update at a stale version writes neither
		// the dossier nor its event.
		cur, _ := f.db.DossierByCode(ctx, d.Code)
		stale := *cur
		stale.Status = dossier.StatusRefused
		stale.Version = cur.Version + 1
		err = f.db.UpdateDossier(ctx, &stale, cur.Version-1, &dossier.Event{At: f.now, ActorName: "x", Role: "x", Action: "refuse", From: 2, To: 3}, nil)
		if !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("store stale update: %v", err)
		}
		evs, _ := f.db.Events(ctx, cur.ID)
		after, _ := f.db.DossierByCode(ctx, d.Code)
		if len(evs) != 2 || after.Status != dossier.StatusReceived || after.Version != 2 {
			t.Fatalf("stale write leaked: %d events, status %d", len(evs), after.Status)
		}
	})
}

func TestConcurrentSubmissionsGetDistinctCodes(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		const n = 200
		codes := make([]string, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a := f.citizenA
				if i%2 == 1 {
					a = f.citizenB
				}
				d, _, err := f.svc.Submit(ctx, a, f.onlineInput(a, f.cx.Code))
				errs[i] = err
				if d != nil {
					codes[i] = d.Code
				}
			}()
		}
		wg.Wait()
		seen := map[string]bool{}
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("submission %d: %v", i, errs[i])
			}
			if seen[codes[i]] {
				t.Fatalf("duplicate code %s", codes[i])
			}
			seen[codes[i]] = true
			if !codeRE.MatchString(codes[i]) {
				t.Fatalf("code %q", codes[i])
			}
		}
		// The counter is dense: 0001…0200, no gaps.
		for i := 1; i <= n; i++ {
			if !seen[fmt.Sprintf("000.01.02.H26-250303-%04d", i)] {
				t.Fatalf("code %04d missing", i)
			}
		}
		// Another unit and another day start their own counters.
		dy := f.submitOnline(t, f.citizenA, f.cy.Code)
		f.now = f.now.AddDate(0, 0, 1)
		dx := f.submitOnline(t, f.citizenA, f.cx.Code)
		if !strings.HasSuffix(dy.Code, "-250303-0001") || dx.Code != "000.01.02.H26-250304-0001" {
			t.Fatalf("counters: %s %s", dy.Code, dx.Code)
		}
	})
}

func TestIdempotentSubmission(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		in := f.onlineInput(f.citizenA, f.cx.Code)
		in.IdemKey, in.RequestHash = "key-1", "hash-1"
		var wg sync.WaitGroup
		codes := make([]string, 20)
		replays := 0
		var mu sync.Mutex
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d, replayed, err := f.svc.Submit(ctx, f.citizenA, in)
				if err != nil {
					t.Error(err)
					return
				}
				codes[i] = d.Code
				mu.Lock()
				if replayed {
					replays++
				}
				mu.Unlock()
			}()
		}
		wg.Wait()
		for _, c := range codes {
			if c != codes[0] {
				t.Fatalf("retries made different dossiers: %v", codes)
			}
		}
		if replays != len(codes)-1 {
			t.Fatalf("%d replays, want %d", replays, len(codes)-1)
		}
		list, _, err := f.db.ListDossiers(ctx, f.citizenA, dossier.Filter{})
		if err != nil || len(list) != 1 {
			t.Fatalf("%d dossiers stored: %v", len(list), err)
		}
		// The same key for another request is refused; another citizen's
		// identical key is theirs alone.
		in.RequestHash = "hash-2"
		if _, _, err := f.svc.Submit(ctx, f.citizenA, in); !apperr.Is(err, apperr.Unprocessable) {
			t.Fatalf("reused key: %v", err)
		}
		inB := f.onlineInput(f.citizenB, f.cx.Code)
		inB.IdemKey, inB.RequestHash = "key-1", "hash-1"
		dB, replayed, err := f.svc.Submit(ctx, f.citizenB, inB)
		if err != nil || replayed || dB.Code == codes[0] {
			t.Fatalf("other citizen's key: %v %v", replayed, err)
		}
	})
}

func TestListScopeAndPagination(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		for i := 0; i < 5; i++ {
			f.submitOnline(t, f.citizenA, f.cx.Code)
		}
		for i := 0; i < 3; i++ {
			f.submitOnline(t, f.citizenB, f.cy.Code)
		}
		count := func(a dossier.Actor, fl dossier.Filter) int {
			t.Helper()
			ds, _, err := f.db.ListDossiers(ctx, a, fl)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range ds {
				if !a.CanSee(&d) {
					t.Fatalf("listed a dossier the actor may not see: %s", d.Code)
				}
			}
			return len(ds)
		}
		cases := []struct {
			name string
			a    dossier.Actor
			f    dossier.Filter
			want int
		}{
			{"citizen A sees own", f.citizenA, dossier.Filter{}, 5},
			{"citizen B sees own", f.citizenB, dossier.Filter{}, 3},
			{"receptionist X", f.recX, dossier.Filter{}, 5},
			{"receptionist Y", f.recY, dossier.Filter{}, 3},
			{"district leader sees subtree", f.districtLeader, dossier.Filter{}, 8},
			{"district specialist sees only the district's own", f.districtSpc, dossier.Filter{}, 0},
			{"district leader filters a commune", f.districtLeader, dossier.Filter{UnitCode: f.cy.Code}, 3},
			{"receptionist X cannot widen with a filter", f.recX, dossier.Filter{UnitCode: f.cy.Code}, 0},
			{"status filter", f.recX, dossier.Filter{Statuses: []dossier.Status{dossier.StatusReceived}}, 0},
			{"search by folded name", f.recX, dossier.Filter{Q: "nguyen van"}, 5},
			{"search by ID number", f.districtLeader, dossier.Filter{Q: "001195004321"}, 3},
		}
		for _, c := range cases {
			if got := count(c.a, c.f); got != c.want {
				t.Errorf("%s: %d, want %d", c.name, got, c.want)
			}
		}
		// Keyset pagination walks every dossier once, newest first.
		var seen []string
		cursor := int64(0)
		for {
			ds, next, err := f.db.ListDossiers(ctx, f.districtLeader, dossier.Filter{Limit: 3, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range ds {
				seen = append(seen, d.Code)
			}
			if next == 0 {
				break
			}
			cursor = next
		}
		if len(seen) != 8 {
			t.Fatalf("pagination saw %d", len(seen))
		}
		uniq := map[string]bool{}
		for _, c := range seen {
			uniq[c] = true
		}
		if len(uniq) != 8 {
			t.Fatalf("pagination repeated: %v", seen)
		}
	})
}

func TestOverdueAndStats(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		f := newFixture(t, e)
		// Monday 3/3/2025: two online, one counter, all received; due 10/3.
		var ds []*dossier.Dossier
		for _, a := range []dossier.Actor{f.citizenA, f.citizenB} {
			d := f.submitOnline(t, a, f.cx.Code)
			ds = append(ds, f.act(t, f.recX, d, dossier.Command{Action: dossier.ActReceive}))
		}
		counter, _, err := f.svc.Submit(ctx, f.recX, dossier.SubmitInput{Procedure: "1.000894", Unit: f.cx.Code,
			Form:      map[string]any{"chong_ho_ten": "Phạm Văn Đức", "vo_ho_ten": "Hoàng Thị Én"},
			Applicant: &dossier.Applicant{FullName: "Phạm Văn Đức", IDNumber: "001085012345", Phone: "0904123456"}, Received: marriageReceived()})
		if err != nil {
			t.Fatal(err)
		}
		if counter.Status != dossier.StatusReceived || counter.Channel != dossier.ChannelCounter || counter.LegalDueAt == nil {
			t.Fatalf("counter intake: %+v", counter)
		}
		// One refused online dossier, never counted.
		r := f.submitOnline(t, f.citizenA, f.cx.Code)
		f.act(t, f.recX, r, dossier.Command{Action: dossier.ActRefuse, Reason: "Không thuộc thẩm quyền"})
		// Finish the first early (Thursday 6/3), the second late (Wed 12/3).
		f.now = time.Date(2025, 3, 6, 10, 0, 0, 0, ict)
		d0 := f.act(t, f.leadX, ds[0], dossier.Command{Action: dossier.ActAssign, Assignee: "spec.x"})
		f.act(t, f.leadX, d0, dossier.Command{Action: dossier.ActFinish, Result: &dossier.Result{Summary: "Cấp"}})
		f.now = time.Date(2025, 3, 12, 10, 0, 0, 0, ict)
		d1 := f.act(t, f.leadX, ds[1], dossier.Command{Action: dossier.ActAssign, Assignee: "spec.x"})
		f.act(t, f.leadX, d1, dossier.Command{Action: dossier.ActFinish, Result: &dossier.Result{Summary: "Cấp"}})
		// The counter dossier is still open on 12/3, past its due date.
		over, _, err := f.db.ListDossiers(ctx, f.recX, dossier.Filter{Overdue: true, Now: f.now})
		if err != nil || len(over) != 1 || over[0].Code != counter.Code {
			t.Fatalf("overdue: %v %v", over, err)
		}
		from := time.Date(2025, 3, 1, 0, 0, 0, 0, ict)
		to := time.Date(2025, 4, 1, 0, 0, 0, 0, ict)
		rep, err := f.db.Stats(ctx, f.district, from, to, f.now, false)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Received.Total != 3 || rep.Received.Online != 2 || rep.Received.Counter != 1 || rep.Received.CarriedOver != 0 {
			t.Errorf("received %+v", rep.Received)
		}
		if rep.Finished.Total != 2 || rep.Finished.Early != 1 || rep.Finished.Late != 1 {
			t.Errorf("finished %+v", rep.Finished)
		}
		if rep.InProgress.Total != 1 || rep.InProgress.Overdue != 1 {
			t.Errorf("in progress %+v", rep.InProgress)
		}
		if rep.OnlineRate != 66.67 || rep.OnTimeRate != 50 {
			t.Errorf("rates %v %v", rep.OnlineRate, rep.OnTimeRate)
		}
		// Next month: the open dossier is carried over, nothing new.
		apr, err := f.db.Stats(ctx, f.district, to, to.AddDate(0, 1, 0), f.now, false)
		if err != nil || apr.Received.CarriedOver != 1 || apr.Received.Online != 0 || apr.Finished.Total != 0 {
			t.Errorf("april %+v %v", apr, err)
		}
		// The sibling commune has nothing.
		ry, _ := f.db.Stats(ctx, f.cy, from, to, f.now, false)
		if ry.Received.Total != 0 {
			t.Errorf("sibling %+v", ry)
		}
	})
}

func TestCalendarOverrides(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		db := openStore(t, e)
		src := calendar.NewSource(calendar.DefaultConfig(), db)
		c1, err := src.Calendar(ctx)
		if err != nil {
			t.Fatal(err)
		}
		mon := time.Date(2025, 3, 3, 9, 0, 0, 0, ict)
		if !c1.IsWorkingDay(mon) {
			t.Fatal("3/3/2025 should be a working day")
		}
		if err := db.SetCalendarOverride(ctx, calendar.Override{Date: "2025-03-03", Kind: calendar.DayOff, Reason: "Nghỉ đột xuất"}, dossier.Actor{AccountID: 0, Name: "Quản trị"}); err != nil {
			t.Fatal(err)
		}
		c2, err := src.Calendar(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c2.IsWorkingDay(mon) {
			t.Fatal("override not used at once")
		}
		if err := db.DeleteCalendarOverride(ctx, 0, "2025-03-03", dossier.Actor{Name: "Quản trị"}); err != nil {
			t.Fatal(err)
		}
		c3, _ := src.Calendar(ctx)
		if !c3.IsWorkingDay(mon) {
			t.Fatal("deleted override still used")
		}
	})
}

// TestDirectorySeesOtherProcesses: units and procedures added through one
// store handle are found at once through another on the same database.
func TestDirectorySeesOtherProcesses(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		db1, dsn := storetest.OpenDSN(t, e)
		db2, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db2.Close()
		if err := db1.UpsertUnits(ctx, []org.Unit{{Code: "000.00.00.H26", Name: "Thành phố Hà Nội", Kind: org.KindCity}}); err != nil {
			t.Fatal(err)
		}
		// db2 loads its directory now, before the next changes.
		if _, err := db2.UnitByCode(ctx, "000.00.00.H26"); err != nil {
			t.Fatal(err)
		}
		if err := db1.UpsertUnits(ctx, []org.Unit{{Code: "000.01.02.H26", Name: "Phường Hàng Trống", Kind: org.KindCommune, ParentCode: "000.00.00.H26"}}); err != nil {
			t.Fatal(err)
		}
		if u, err := db2.UnitByCode(ctx, "000.01.02.H26"); err != nil || u.Name != "Phường Hàng Trống" {
			t.Fatalf("unit added elsewhere: %v %v", u, err)
		}
		if _, err := db1.ImportCatalogue(ctx, []catalog.Spec{marriageSpec()}); err != nil {
			t.Fatal(err)
		}
		p, err := db2.ProcedureInForce(ctx, "1.000894", time.Now())
		if err != nil || p.Current == nil {
			t.Fatalf("procedure added elsewhere: %v", err)
		}
		u, _ := db2.UnitByCode(ctx, "000.01.02.H26")
		if ok, err := db2.Offers(ctx, p.ID, u.ID); err != nil || !ok {
			t.Fatalf("offer added elsewhere: %v %v", ok, err)
		}
		if _, err := db2.ProcedureInForce(ctx, "9.999999", time.Now()); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("unknown procedure: %v", err)
		}
	})
}

// TestOfficeHoursAndYearConfirmation: a district's office hours change the
// same-day cut-off of the district and its communes only, a commune may
// have its own, deleting them inherits again; a year without an announced
// Tết is confirmed once, audited; an announced year cannot be.
func TestOfficeHoursAndYearConfirmation(t *testing.T) {
	each(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		db := openStore(t, e)
		if err := db.UpsertUnits(ctx, []org.Unit{
			{Code: "000.00.00.H26", Name: "Thành phố Hà Nội", Kind: org.KindCity},
			{Code: "000.00.01.H26", Name: "Quận Hoàn Kiếm", Kind: org.KindDistrict, ParentCode: "000.00.00.H26"},
			{Code: "000.01.01.H26", Name: "Phường Hàng Trống", Kind: org.KindCommune, ParentCode: "000.00.01.H26"},
			{Code: "000.00.02.H26", Name: "Quận Ba Đình", Kind: org.KindDistrict, ParentCode: "000.00.00.H26"},
		}); err != nil {
			t.Fatal(err)
		}
		unit := func(code string) *org.Unit {
			u, err := db.UnitByCode(ctx, code)
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		district, commune, other := unit("000.00.01.H26"), unit("000.01.01.H26"), unit("000.00.02.H26")
		admin := dossier.Actor{AccountID: 1, Name: "Quản trị"}
		if err := db.SetOfficeHours(ctx, calendar.OfficeHours{UnitID: district.ID, Morning: [2]string{"12:00", "08:00"}, Afternoon: [2]string{"13:00", "16:00"}}, admin); err == nil {
			t.Fatal("windows out of order accepted")
		}
		if err := db.SetOfficeHours(ctx, calendar.OfficeHours{UnitID: district.ID, Morning: [2]string{"08:00", "12:00"}, Afternoon: [2]string{"13:00", "16:00"}}, admin); err != nil {
			t.Fatal(err)
		}
		src := calendar.NewSource(calendar.DefaultConfig(), db)
		start := time.Date(2025, 3, 12, 16, 30, 0, 0, ict) // Wednesday
		due := func(path string) string {
			c, err := src.ForUnit(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			d, err := c.Due(start, 0, "working_days", "")
			if err != nil {
				t.Fatal(err)
			}
			return d.Format("2006-01-02 15:04")
		}
		for _, tc := range []struct{ path, want string }{
			{district.Path, "2025-03-13 16:00"}, {commune.Path, "2025-03-13 16:00"},
			{other.Path, "2025-03-13 17:00"}, {"", "2025-03-13 17:00"},
		} {
			if got := due(tc.path); got != tc.want {
				t.Errorf("%s: due %s, want %s", tc.path, got, tc.want)
			}
		}
		if err := db.DeleteOfficeHours(ctx, district.ID, admin); err != nil {
			t.Fatal(err)
		}
		if got := due(commune.Path); got != "2025-03-13 17:00" {
			t.Errorf("after delete: due %s, want the city default", got)
		}
		if err := db.DeleteOfficeHours(ctx, district.ID, admin); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("second delete: %v", err)
		}

		if c, err := db.CalendarYear(ctx, 2027); err != nil || c != nil {
			t.Fatalf("2027 before: %v %v", c, err)
		}
		at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		if err := db.ConfirmCalendarYear(ctx, 2027, at, admin); err != nil {
			t.Fatal(err)
		}
		c, err := db.CalendarYear(ctx, 2027)
		if err != nil || c == nil || c.ConfirmedBy != "Quản trị" || !c.ConfirmedAt.Equal(at) {
			t.Fatalf("2027 after: %+v %v", c, err)
		}
		if got := calendar.Tet(2027, c).Status; got != calendar.TetConfirmed {
			t.Errorf("status %s", got)
		}
		if err := db.ConfirmCalendarYear(ctx, 2027, at, admin); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("second confirmation: %v", err)
		}
		if err := db.ConfirmCalendarYear(ctx, 2025, at, admin); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("announced year: %v", err)
		}
		for _, action := range []string{"calendar.confirm_year", "office_hours.set", "office_hours.delete"} {
			log, err := db.AuditLog(ctx, store.AuditFilter{Action: action})
			if err != nil || len(log) != 1 {
				t.Errorf("audit %s: %d entries, %v", action, len(log), err)
			}
		}
	})
}
