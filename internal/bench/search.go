package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"time"
)

// searchQueries are what citizens type into the catalogue's search, with
// and without accents, a phrase the synonyms know and a bare field.
var searchQueries = []string{
	"đăng ký kết hôn",
	"dang ky ket hon",
	"giấy khai sinh",
	"giay phep xay dung",
	"chứng thực bản sao",
	"ly lich tu phap",
	"đăng ký kinh doanh",
	"cap giay chung nhan",
	"hộ tịch",
	"dat dai",
}

// searchPath is the i-th search request.
func searchPath(i int) string {
	return "/api/v1/procedures?q=" + url.QueryEscape(searchQueries[i%len(searchQueries)])
}

// SearchFigures are the catalogue search's throughput and latencies at
// one number of clients.
type SearchFigures struct {
	Clients  int
	Rate     float64 // requests per second
	P50, P99 time.Duration
}

func (f SearchFigures) String() string {
	return fmt.Sprintf("%d client%s %.0f req/s p50 %s p99 %s", f.Clients, plural(f.Clients), f.Rate,
		f.P50.Round(10*time.Microsecond), f.P99.Round(10*time.Microsecond))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// search measures GET /api/v1/procedures?q= at one client and at
// o.Concurrency clients, through the same load helper as the other
// throughput figures, timing every request.
func search(ctx context.Context, o Options, baseURL string, client *http.Client) ([]SearchFigures, error) {
	var out []SearchFigures
	for _, clients := range []int{1, o.Concurrency} {
		lo := o
		lo.Concurrency = clients
		lat := make([][]time.Duration, clients) // one slice per worker: no lock
		rate, err := load(ctx, lo, func(worker, i int) error {
			p := searchPath(worker*7 + i)
			t0 := time.Now()
			resp, err := client.Get(baseURL + p)
			if err != nil {
				return err
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				return fmt.Errorf("GET %s answered %d", p, resp.StatusCode)
			}
			lat[worker] = append(lat[worker], time.Since(t0))
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("catalogue search with %d clients: %w", clients, err)
		}
		all := slices.Concat(lat...)
		slices.Sort(all)
		out = append(out, SearchFigures{Clients: clients, Rate: rate, P50: percentile(all, 0.50), P99: percentile(all, 0.99)})
	}
	return out, nil
}
