package reminder

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/jobs"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// dueStore is the store's transactions with the dossiers falling due set
// by the test (the query itself is tested in internal/store): rows are
// the open dossiers with an assignee, as DueDigest would read them.
type dueStore struct {
	*store.DB
	mu   sync.Mutex
	rows []store.DueDossier
}

func (s *dueStore) DueDigest(_ context.Context, now, end time.Time) ([]store.DueDossier, error) {
	return s.DueDigestOf(context.Background(), 0, now, end)
}

func (s *dueStore) DueDigestOf(_ context.Context, account int64, _, end time.Time) ([]store.DueDossier, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []store.DueDossier
	for _, r := range s.rows {
		if (account == 0 || r.AccountID == account) && r.Due.Before(end) {
			out = append(out, r)
		}
	}
	return out, nil
}

// finish takes a dossier out of the open ones.
func (s *dueStore) finish(code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rows = slices.DeleteFunc(s.rows, func(r store.DueDossier) bool { return r.Code == code })
}

// unitCalendars gives units under "/9/" a day off on Tuesday 8 April 2025.
type unitCalendars struct{ base, closedTuesday *calendar.Calendar }

func (u unitCalendars) ForUnit(_ context.Context, path string) (*calendar.Calendar, error) {
	if strings.HasPrefix(path, "/9/") {
		return u.closedTuesday, nil
	}
	return u.base, nil
}

// fakeMailer records the mails; it fails while err is set.
type fakeMailer struct {
	mu    sync.Mutex
	mails []Mail
	err   error
}

func (m *fakeMailer) Mail(_ context.Context, mail Mail) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return "", m.err
	}
	m.mails = append(m.mails, mail)
	return "msg-" + mail.Ref, nil
}

func (m *fakeMailer) sent() []Mail {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Mail(nil), m.mails...)
}

// The officers of the tests: Lan and Minh have e-mail addresses, Hòa none.
const (
	lan  = int64(11)
	minh = int64(12)
	hoa  = int64(13)
)

func due(account int64, code string, d time.Time, status dossier.Status, rescheduled bool, unitPath string) store.DueDossier {
	names := map[int64]string{lan: "Nguyễn Thị Lan", minh: "Trần Văn Minh", hoa: "Lê Hòa"}
	mails := map[int64]string{lan: "lan@example.gov.vn", minh: "minh@example.gov.vn"}
	return store.DueDossier{AccountID: account, AccountName: names[account], Email: mails[account], DossierID: int64(len(code)),
		Code: code, ProcedureName: "Đăng ký kết hôn", UnitPath: unitPath, Due: d, Status: status, Rescheduled: rescheduled}
}

// friday is the digest's time of the tests: Friday 4 April 2025, 07:00,
// before the weekend and Hùng Kings' day (Monday the 7th).
var friday = at(2025, 4, 4, 7, 0)

func sampleRows() []store.DueDossier {
	return []store.DueDossier{
		due(lan, "000.01.02.H26-250320-0001", at(2025, 4, 2, 17, 0), dossier.StatusProcessing, false, "/1/2/"),
		due(lan, "000.01.02.H26-250321-0002", at(2025, 4, 3, 17, 0), dossier.StatusReceived, true, "/1/2/"),
		due(lan, "000.01.02.H26-250325-0003", at(2025, 4, 4, 17, 0), dossier.StatusProcessing, false, "/1/2/"),
		due(lan, "000.01.02.H26-250326-0004", at(2025, 4, 8, 17, 0), dossier.StatusProcessing, false, "/1/2/"),
		due(lan, "000.01.02.H26-250326-0005", at(2025, 4, 8, 17, 0), dossier.StatusFee, true, "/1/2/"),
		due(lan, "000.01.02.H26-250327-0006", at(2025, 4, 9, 17, 0), dossier.StatusProcessing, false, "/1/2/"),
		due(minh, "000.00.41.H26-250327-0001", at(2025, 4, 9, 17, 0), dossier.StatusProcessing, false, "/9/41/"),
		due(hoa, "000.02.02.H26-250301-0001", at(2025, 4, 1, 17, 0), dossier.StatusProcessing, false, "/1/3/"),
	}
}

type env struct {
	db     *store.DB
	st     *dueStore
	q      *jobs.Queue
	mailer *fakeMailer
	svc    *Service
	now    time.Time
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	q, err := jobs.New(db, jobs.Config{Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{db: db, st: &dueStore{DB: db, rows: sampleRows()}, q: q, mailer: &fakeMailer{}, now: friday}
	cals := unitCalendars{base: defaultCalendar(t),
		closedTuesday: defaultCalendar(t, calendar.Override{Date: "2025-04-08", Kind: calendar.DayOff, Reason: "Nghỉ riêng"})}
	e.svc = &Service{Store: e.st, Calendars: cals, Queue: q, Mailer: e.mailer, BaseURL: "https://motcua.example.gov.vn/",
		Log: quiet, Now: func() time.Time { return e.now }}
	return e
}

func codes(items []Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Code)
	}
	return out
}

func TestDigests(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	e := newEnv(t, db)
	ds, err := e.svc.Digests(context.Background(), friday)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 3 {
		t.Fatalf("%d digests, want Lan's, Minh's and Hòa's", len(ds))
	}
	l, m, h := ds[0], ds[1], ds[2]
	if l.AccountID != lan || m.AccountID != minh || h.AccountID != hoa {
		t.Fatalf("digests of %d, %d, %d", l.AccountID, m.AccountID, h.AccountID)
	}
	for _, tc := range []struct {
		name      string
		got, want []string
	}{
		{"Lan's overdue", codes(l.Overdue), []string{"000.01.02.H26-250320-0001", "000.01.02.H26-250321-0002"}},
		// Due today (too late for an apology) and rescheduled already.
		{"Lan's due soon", codes(l.DueSoon), []string{"000.01.02.H26-250325-0003", "000.01.02.H26-250326-0005"}},
		{"Lan's apologies", codes(l.Apology), []string{"000.01.02.H26-250326-0004"}},
		// Due Wednesday, at a unit closed on Tuesday: its next working day.
		{"Minh's apologies", codes(m.Apology), []string{"000.00.41.H26-250327-0001"}},
		{"Minh's others", append(codes(m.Overdue), codes(m.DueSoon)...), nil},
		{"Hòa's overdue", codes(h.Overdue), []string{"000.02.02.H26-250301-0001"}},
	} {
		if !slices.Equal(tc.got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	if l.Len() != 5 || !l.Day.Equal(at(2025, 4, 4, 0, 0)) || !l.NextDay.Equal(at(2025, 4, 8, 0, 0)) {
		t.Errorf("Lan's digest: %d dossiers, day %v, next %v", l.Len(), l.Day, l.NextDay)
	}
}

// countSends counts the SendDigestArgs jobs in River's table, by
// "account/day".
func countSends(t *testing.T, db *store.DB) map[string]int {
	t.Helper()
	// River keeps args as JSONB: binary on SQLite, which json() reads out.
	col := "json(args)"
	if db.Dialect() == store.Postgres {
		col = "args::text"
	}
	rows, err := db.ReadDB().QueryContext(context.Background(), `SELECT `+col+` FROM river_job WHERE kind = $1`, SendDigestArgs{}.Kind())
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			t.Fatal(err)
		}
		var a SendDigestArgs
		if err := json.Unmarshal([]byte(raw), &a); err != nil {
			t.Fatalf("decoding %s: %v", raw, err)
		}
		out[fmt.Sprintf("%d/%s", a.AccountID, a.Day)]++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDigestEnqueuedOnceADay(t *testing.T) {
	for _, eng := range storetest.Engines {
		t.Run(string(eng), func(t *testing.T) {
			ctx := context.Background()
			db, dsn := storetest.OpenDSN(t, eng)
			e := newEnv(t, db)
			w := &DigestWorker{S: e.svc}
			job := &river.Job[DigestArgs]{JobRow: &rivertype.JobRow{}}
			if err := w.Work(ctx, job); err != nil {
				t.Fatal(err)
			}
			// Lan and Minh; Hòa has no e-mail address.
			want := map[string]int{"11/2025-04-04": 1, "12/2025-04-04": 1}
			if got := countSends(t, db); !maps.Equal(got, want) {
				t.Fatalf("after one run: %v, want %v", got, want)
			}

			// The periodic job again the same day (a restart runs it), and
			// from a second serve process on the same database.
			e.now = friday.Add(5 * time.Hour)
			if err := w.Work(ctx, job); err != nil {
				t.Fatal(err)
			}
			other, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			e2 := newEnv(t, other)
			res, err := e2.svc.EnqueueDigests(ctx, friday.Add(time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			if res.Inserted != 0 || res.Duplicates != 2 || res.NoEmail != 1 {
				t.Errorf("second process: %+v, want 2 duplicates and 1 without e-mail", res)
			}
			if got := countSends(t, db); !maps.Equal(got, want) {
				t.Fatalf("after three runs: %v, want %v", got, want)
			}

			// The next working day (Tuesday, after the weekend and the
			// holiday) has digests of its own.
			res, err = e.svc.EnqueueDigests(ctx, at(2025, 4, 8, 7, 0))
			if err != nil {
				t.Fatal(err)
			}
			if res.Inserted != 2 {
				t.Errorf("Tuesday: %+v, want 2 inserted", res)
			}
			if n := len(countSends(t, db)); n != 4 {
				t.Errorf("%d distinct digests, want 4", n)
			}
		})
	}
}

func TestDigestSkipped(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	e := newEnv(t, db)
	for _, tc := range []struct {
		name string
		now  time.Time
		why  string
	}{
		{"Saturday", at(2025, 4, 5, 7, 0), "not a working day"},
		{"Hùng Kings' day", at(2025, 4, 7, 7, 0), "not a working day"},
		{"a process started at dawn", at(2025, 4, 4, 6, 59), "before the digest's hour"},
	} {
		res, err := e.svc.EnqueueDigests(context.Background(), tc.now)
		if err != nil || res.Skipped != tc.why || res.Inserted != 0 {
			t.Errorf("%s: %+v, %v; want skipped for %q", tc.name, res, err, tc.why)
		}
	}
	if got := countSends(t, db); len(got) != 0 {
		t.Errorf("jobs inserted on skipped days: %v", got)
	}
}

// A failing insert rolls the whole day back: no officer gets a digest
// while another's insert failed.
func TestDigestEnqueuedInOneTransaction(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	e := newEnv(t, db)
	e.svc.Queue = &failSecond{q: e.q}
	_, err := e.svc.EnqueueDigests(context.Background(), friday)
	if err == nil || !strings.Contains(err.Error(), "account 12") {
		t.Fatalf("error %v, want Minh's insert failing", err)
	}
	if got := countSends(t, db); len(got) != 0 {
		t.Errorf("jobs left after the rollback: %v", got)
	}
}

// failSecond refuses the second insert.
type failSecond struct {
	q *jobs.Queue
	n int
}

func (f *failSecond) Enqueue(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) (jobs.Inserted, error) {
	f.n++
	if f.n == 2 {
		return jobs.Inserted{}, errors.New("the queue is full")
	}
	return f.q.Enqueue(ctx, tx, args, opts)
}
