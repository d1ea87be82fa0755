package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"time"

	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/store"
)

// worklist measures what staff open all day, through the HTTP API: the
// reception queue, the unit's newest dossiers, the overdue list, the second
// page of a list, a district leader's subtree and a name search.
func worklist(ctx context.Context, db *store.DB, fx *fixture, o Options, ts *httptest.Server, client *http.Client, rep *Report) error {
	r := rand.New(rand.NewPCG(7, 11))
	type desk struct{ commune, district string }
	var desks []desk
	for i := 0; i < 40; i++ {
		c := fx.communes[r.IntN(len(fx.communes))]
		tc, err := staffToken(ctx, db, c, org.RoleReceptionist)
		if err != nil {
			continue // the same commune drawn twice
		}
		var parent org.Unit
		for _, d := range fx.districts {
			if d.Code == c.ParentCode {
				parent = d
			}
		}
		td, err := staffToken(ctx, db, parent, org.RoleLeader)
		if err != nil {
			td = ""
		}
		desks = append(desks, desk{tc, td})
	}
	queries := []string{
		"/api/v1/dossiers?status=1&limit=50",
		"/api/v1/dossiers?limit=50",
		"/api/v1/dossiers?overdue=true&limit=50",
		"/api/v1/dossiers?status=2,4,5,6&limit=50",
		"/api/v1/dossiers?q=nguyen+van+an&limit=50",
	}
	get := func(tok, path string) (string, error) {
		req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := client.Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			b, _ := io.ReadAll(resp.Body)
			return "", fmt.Errorf("GET %s: %d %s", path, resp.StatusCode, b)
		}
		var l struct {
			NextCursor *string `json:"next_cursor"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&l); err != nil {
			return "", err
		}
		if l.NextCursor != nil {
			return *l.NextCursor, nil
		}
		return "", nil
	}
	var lat []time.Duration
	byKind := map[string][]time.Duration{}
	for i := 0; i < o.Queries; i++ {
		d := desks[r.IntN(len(desks))]
		tok, path, kind := d.commune, queries[i%len(queries)], queries[i%len(queries)]
		if i%7 == 6 && d.district != "" {
			tok, path, kind = d.district, "/api/v1/dossiers?limit=50", "district leader: /api/v1/dossiers?limit=50"
		}
		t0 := time.Now()
		next, err := get(tok, path)
		if err != nil {
			return err
		}
		lat = append(lat, time.Since(t0))
		byKind[kind] = append(byKind[kind], time.Since(t0))
		if next != "" && i%5 == 1 {
			t1 := time.Now()
			if _, err := get(tok, path+"&cursor="+next); err != nil {
				return err
			}
			lat = append(lat, time.Since(t1))
			byKind["next page"] = append(byKind["next page"], time.Since(t1))
		}
	}
	for k, l := range byKind {
		slices.Sort(l)
		rep.WorklistByKind = append(rep.WorklistByKind, fmt.Sprintf("%-50s n=%4d p50 %8s p95 %8s", k, len(l),
			percentile(l, 0.5).Round(10*time.Microsecond), percentile(l, 0.95).Round(10*time.Microsecond)))
	}
	slices.Sort(rep.WorklistByKind)
	slices.Sort(lat)
	rep.WorklistQueries = len(lat)
	rep.WorklistP50, rep.WorklistP95, rep.WorklistP99 = percentile(lat, 0.50), percentile(lat, 0.95), percentile(lat, 0.99)
	return nil
}
