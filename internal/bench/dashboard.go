package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/store"
)

// PageTiming is how long one page or report took, over several requests.
type PageTiming struct {
	Name     string
	Runs     int
	Min, P50 time.Duration
}

func (p PageTiming) String() string {
	return fmt.Sprintf("%-58s best %8s, median %8s (%d requests)", p.Name, p.Min.Round(10*time.Microsecond), p.P50.Round(10*time.Microsecond), p.Runs)
}

// dashboards times what a city administrator opens, through the whole
// application (session, page or API, rendering): the statistics dashboard
// of the city for last calendar year (headline, a table per child unit
// and per procedure, 12-month trends, real use), and form II.06a of the
// same year as JSON and .xlsx; then the public index (no login), both
// when its day's figures must be computed (no stored snapshot: what the
// daily job or the day's first visitor waits for) and when a new process
// reads them from the stored snapshot.
func dashboards(ctx context.Context, db *store.DB, fx *fixture, o Options, rep *Report) error {
	city := fx.city
	a, err := newApp(ctx, db, o.FilesDir, o.Log)
	if err != nil {
		return err
	}
	ts := httptest.NewServer(a.Server.Handler)
	defer ts.Close()
	const password = "Bench-city-admin-2026!"
	hash, err := account.HashPassword(password)
	if err != nil {
		return err
	}
	// A name of its own each run: a kept store already holds the last
	// run's administrator.
	admin := &account.Account{Kind: account.KindStaff, Username: fmt.Sprintf("bench.city.admin.%d", time.Now().UnixNano()%1e9), FullName: "Quản trị thành phố (thử)", PasswordHash: hash}
	if err := db.CreateStaff(ctx, admin, city.Code, org.RoleCityAdmin); err != nil {
		return fmt.Errorf("creating the city administrator: %w", err)
	}
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.PostForm(ts.URL+"/dang-nhap", url.Values{"username": {admin.Username}, "password": {password}, "next": {"/can-bo/"}})
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("the city administrator's login answered %d", resp.StatusCode)
	}
	tok, err := staffToken(ctx, db, *city, org.RoleLeader)
	if err != nil {
		return err
	}
	year := strconv.Itoa(time.Now().In(store.Zone).Year() - 1)
	anon := &http.Client{}
	get := func(c *http.Client, path, bearer string) error {
		req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+path, nil)
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		resp, err := c.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			return err
		}
		if resp.StatusCode != 200 {
			return fmt.Errorf("GET %s answered %d", path, resp.StatusCode)
		}
		return nil
	}
	for _, m := range []struct {
		name   string
		c      *http.Client
		path   string
		bearer string
	}{
		{"city dashboard, last year (/can-bo/thong-ke)", browser, "/can-bo/thong-ke?ky=" + year + "&unit=" + url.QueryEscape(city.Code), ""},
		{"city II.06a, last year, JSON", anon, "/api/v1/reports/ii06a?format=json&period=" + year + "&unit=" + url.QueryEscape(city.Code), tok},
		{"city II.06a, last year, .xlsx", anon, "/api/v1/reports/ii06a?format=xlsx&period=" + year + "&unit=" + url.QueryEscape(city.Code), tok},
		{"city dashboard, this month to now (/can-bo/thong-ke)", browser, "/can-bo/thong-ke?unit=" + url.QueryEscape(city.Code), ""},
	} {
		runs := 5
		var lat []time.Duration
		for range runs {
			t0 := time.Now()
			if err := get(m.c, m.path, m.bearer); err != nil {
				return fmt.Errorf("%s: %w", m.name, err)
			}
			lat = append(lat, time.Since(t0))
		}
		slices.Sort(lat)
		rep.Pages = append(rep.Pages, PageTiming{Name: m.name, Runs: runs, Min: lat[0], P50: percentile(lat, 0.5)})
	}
	return publicIndex(ctx, db, o, rep, anon, ts.URL)
}

// publicIndex times /chi-so computed (today's stored snapshot removed
// first, as a kept store holds the last run's; once, since the visit
// stores it) and then read from the stored snapshot by new processes,
// each with its own empty memo, as after a restart or on another server.
func publicIndex(ctx context.Context, db *store.DB, o Options, rep *Report, anon *http.Client, first string) error {
	y, m, d := time.Now().In(store.Zone).Date()
	if _, err := db.PurgeIndexSnapshots(ctx, time.Date(y, m, d+1, 0, 0, 0, 0, store.Zone)); err != nil {
		return err
	}
	t0 := time.Now()
	if err := getAt(ctx, anon, first+"/chi-so"); err != nil {
		return fmt.Errorf("public index, computed: %w", err)
	}
	lat := time.Since(t0)
	rep.Pages = append(rep.Pages, PageTiming{Name: "public index /chi-so, computed (no stored snapshot)", Runs: 1, Min: lat, P50: lat})
	var lats []time.Duration
	for range 3 {
		a, err := newApp(ctx, db, o.FilesDir, o.Log)
		if err != nil {
			return err
		}
		ts := httptest.NewServer(a.Server.Handler)
		t0 := time.Now()
		err = getAt(ctx, anon, ts.URL+"/chi-so")
		lats = append(lats, time.Since(t0))
		ts.Close()
		if err != nil {
			return fmt.Errorf("public index, from the snapshot: %w", err)
		}
	}
	slices.Sort(lats)
	rep.Pages = append(rep.Pages, PageTiming{Name: "public index /chi-so, stored snapshot (new process)", Runs: len(lats), Min: lats[0], P50: percentile(lats, 0.5)})
	return nil
}

// getAt reads url to the end and wants 200.
func getAt(ctx context.Context, c *http.Client, url string) error {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != 200 {
		return fmt.Errorf("GET %s answered %d", url, resp.StatusCode)
	}
	return nil
}
