package portal_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/portal"
	"github.com/motcua/motcua/internal/stats"
	"github.com/motcua/motcua/internal/store"
)

// countingIndex is the index's store as another process sees it,
// counting the medians' scans (the costly part of a computation) and the
// snapshots written. With hide set it reads no snapshot and stores none:
// every table is computed live.
type countingIndex struct {
	portal.IndexStore
	hide  bool
	mu    sync.Mutex
	scans int
	saved map[string][]stats.IndexRow
}

func (c *countingIndex) IndexTimesByUnit(ctx context.Context, units []org.Unit, from, to time.Time) (map[string]stats.IndexTimes, error) {
	c.mu.Lock()
	c.scans++
	c.mu.Unlock()
	return c.IndexStore.IndexTimesByUnit(ctx, units, from, to)
}

func (c *countingIndex) IndexTimesByProcedure(ctx context.Context, unit *org.Unit, from, to time.Time) (map[string]stats.IndexTimes, error) {
	c.mu.Lock()
	c.scans++
	c.mu.Unlock()
	return c.IndexStore.IndexTimesByProcedure(ctx, unit, from, to)
}

func (c *countingIndex) IndexSnapshot(ctx context.Context, day time.Time, key string) (store.IndexSnapshot, bool, error) {
	if c.hide {
		return store.IndexSnapshot{}, false, nil
	}
	return c.IndexStore.IndexSnapshot(ctx, day, key)
}

func (c *countingIndex) SaveIndexSnapshot(ctx context.Context, s store.IndexSnapshot) error {
	c.mu.Lock()
	if c.saved == nil {
		c.saved = map[string][]stats.IndexRow{}
	}
	c.saved[s.Key] = s.Rows
	c.mu.Unlock()
	if c.hide {
		return nil
	}
	return c.IndexStore.SaveIndexSnapshot(ctx, s)
}

func (c *countingIndex) counts() (scans, saved int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.scans, len(c.saved)
}

// process is a new portal over env's store, as another server process
// would run it: its own handler and memo, the test's clock.
func process(t *testing.T, env *apptest.Env, clk *clock, idx *countingIndex) http.Handler {
	t.Helper()
	idx.IndexStore = env.DB
	h, err := portal.New(env.DB, env.App.Dossiers, env.DB, env.App.Auth, auth.NewSessions(env.DB.Sessions(), false), nil, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	h.Index = idx
	mux := http.NewServeMux()
	h.Register(mux)
	return mux
}

// tables are the texts of a page's table rows, one line each.
func tables(t *testing.T, h http.Handler, path string) string {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	if rec.Code != 200 {
		t.Fatalf("%s: status %d", path, rec.Code)
	}
	var out []string
	for _, tr := range regexp.MustCompile(`(?s)<tr>.*?</tr>`).FindAllString(rec.Body.String(), -1) {
		out = append(out, strings.Join(cells(tr), " | "))
	}
	if len(out) == 0 {
		t.Fatalf("%s: no table", path)
	}
	return strings.Join(out, "\n")
}

// TestPublicIndexSnapshot runs the daily job's work (every page it
// computes) and checks, on both engines, that another process then
// answers every index page from the stored snapshot without scanning a
// dossier, with the same figures a live computation gives; that a page
// the job does not compute (a ward's) is computed once by its first
// visitor and stored for the next process; and that the period ends at
// the start of the day: a decision at 23:59 counts from the next day, one
// at 00:00 the day after.
func TestPublicIndexSnapshot(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env, clk *clock) {
		ctx := context.Background()
		day := 24 * time.Hour
		// Just before midnight: 7 marriages decided at Hàng Trống.
		now := clk.now().In(store.Zone)
		y, m, d := now.Date()
		clk.advance(time.Date(y, m, d+2, 0, 0, 0, 0, store.Zone).Add(-30 * time.Second).Sub(now))
		citizen, rec, lead := env.Login(apptest.CitizenA), env.Login("ht.receptionist"), env.Login("ht.leader")
		var ds []apptest.Dossier
		for range 7 {
			dd := citizen.SubmitProcedure(apptest.Marriage, apptest.HangTrong)
			rec.MustAct(&dd, "receive", nil)
			lead.MustAct(&dd, "assign", map[string]any{"assignee": "ht.specialist"})
			ds = append(ds, dd)
		}
		for i := range ds[:5] {
			lead.MustAct(&ds[i], "finish", map[string]any{"result": map[string]any{"summary": "Cấp", "granted": true}})
		}
		if clk.now().In(store.Zone).Day() != time.Date(y, m, d+1, 0, 0, 0, 0, store.Zone).Day() {
			t.Skip("the decisions took past midnight") // the clock runs in real time too
		}
		clk.advance(30 * time.Second) // midnight: two more decided in the new day
		for i := range ds[5:] {
			lead.MustAct(&ds[5+i], "finish", map[string]any{"result": map[string]any{"summary": "Cấp", "granted": true}})
		}
		clk.advance(10 * time.Minute) // 00:10, the job's time
		today := clk.now().In(store.Zone).Format(time.DateOnly)

		pages, err := env.App.Portal.IndexPages(ctx, clk.now())
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"", apptest.City, apptest.HoanKiem, apptest.SoTuPhap}; !reflect.DeepEqual(sorted(pages), sorted(want)) {
			t.Fatalf("pages %q, want %q", pages, want)
		}
		for _, p := range pages {
			if ok, err := env.App.SnapshotIndexPage(ctx, today, p, clk.now()); err != nil || !ok {
				t.Fatalf("page %q: %v, %v", p, ok, err)
			}
		}
		// The periodic job enqueues a job per page, once a day.
		for i, want := range []int{len(pages), 0} {
			if n, err := env.App.EnqueueIndexSnapshot(ctx, env.App.Jobs, clk.now()); err != nil || n != want {
				t.Fatalf("enqueuing the pages, run %d: %d, %v; want %d", i+1, n, err, want)
			}
		}
		// A job of a day over does nothing.
		if ok, err := env.App.SnapshotIndexPage(ctx, "2000-01-01", "", clk.now()); err != nil || ok {
			t.Fatalf("a past day's job: %v, %v", ok, err)
		}

		// The stored snapshot is the live computation.
		stored, live := &countingIndex{}, &countingIndex{hide: true}
		b, l := process(t, env, clk, stored), process(t, env, clk, live)
		paths := []string{"/chi-so", "/chi-so?sort=thoi-gian&lang=en", "/chi-so/" + apptest.City, "/chi-so/" + apptest.HoanKiem, "/chi-so/" + apptest.SoTuPhap}
		for _, p := range paths {
			if got, want := tables(t, b, p), tables(t, l, p); got != want {
				t.Errorf("%s from the snapshot:\n%s\nlive:\n%s", p, got, want)
			}
		}
		if scans, saved := stored.counts(); scans != 0 || saved != 0 {
			t.Errorf("the second process scanned %d times and stored %d tables; want the stored snapshot read", scans, saved)
		}
		if scans, _ := live.counts(); scans == 0 {
			t.Fatalf("the live process did not compute")
		}
		to := time.Date(y, m, d+2, 0, 0, 0, 0, store.Zone) // today, the period's end
		for key, rows := range live.saved {
			s, ok, err := env.DB.IndexSnapshot(ctx, to, key)
			if err != nil || !ok {
				t.Fatalf("no stored snapshot %q: %v", key, err)
			}
			if !reflect.DeepEqual(s.Rows, rows) {
				t.Errorf("%s stored:\n%+v\nlive:\n%+v", key, s.Rows, rows)
			}
		}

		// The period ends at the start of today: the 5 of yesterday
		// count, not today's 2.
		s, ok, err := env.DB.IndexSnapshot(ctx, to, "procedures|"+apptest.HoanKiem)
		if err != nil || !ok || len(s.Rows) != 1 || s.Rows[0].Finished != 5 || s.Rows[0].Times.Decided != 5 {
			t.Fatalf("Hoàn Kiếm's procedures today: %+v, %v, %v; want yesterday's 5 decisions", s.Rows, ok, err)
		}

		// A ward's page: computed once by its first visitor, then read.
		ward := "/chi-so/" + apptest.HangTrong
		body := tables(t, b, ward)
		if scans, saved := stored.counts(); scans != 2 || saved != 2 {
			t.Errorf("a ward's first visit: %d scans, %d tables stored; want its two (its peers, its procedures) computed once", scans, saved)
		}
		contains(t, ward, body, []string{"Đăng ký kết hôn | 100,00 % | 100,00 % | 5"}, []string{apptest.CitizenA, "Nguyễn Văn An"})
		third := &countingIndex{}
		if got := tables(t, process(t, env, clk, third), ward); got != body {
			t.Errorf("%s in a third process:\n%s\nwant\n%s", ward, got, body)
		}
		if scans, saved := third.counts(); scans != 0 || saved != 0 {
			t.Errorf("a third process scanned %d times and stored %d tables", scans, saved)
		}

		// The next day counts the 2 decided at midnight; the memo of the
		// day before is not shown.
		clk.advance(day)
		tables(t, b, "/chi-so/"+apptest.HoanKiem)
		next := to.AddDate(0, 0, 1)
		if s, ok, err := env.DB.IndexSnapshot(ctx, next, "procedures|"+apptest.HoanKiem); err != nil || !ok || s.Rows[0].Finished != 7 {
			t.Fatalf("the next day: %+v, %v, %v; want 7 decisions", s.Rows, ok, err)
		}
	})
}

func sorted(s []string) []string {
	s = append([]string(nil), s...)
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}
