package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
)

// ProcessesRun is the load measured through one address in front of N
// serve processes.
type ProcessesRun struct {
	N                     int
	Submissions, Tracking Throughput
}

// processes starts n serve processes (Options.Spawn) on the store the run
// seeded, puts one address in front of them (a round-robin reverse proxy,
// as a load balancer would be) and measures submissions and tracking
// through it. On one machine the processes share its cores with the
// proxy, the clients and the database: the figure shows that several
// processes on one database work together and what they cost, not the
// gain of more machines.
func processes(ctx context.Context, o Options, n int, tokens, codes []string, body func(int) (string, []byte)) (ProcessesRun, error) {
	pr := ProcessesRun{N: n}
	urls, stop, err := o.Spawn(ctx, n)
	if err != nil {
		return pr, fmt.Errorf("starting %d serve processes: %w", n, err)
	}
	defer stop()
	targets := make([]*url.URL, len(urls))
	for i, u := range urls {
		if targets[i], err = url.Parse(u); err != nil {
			return pr, err
		}
	}
	var next atomic.Uint64
	tr := &http.Transport{MaxIdleConnsPerHost: o.Concurrency * 2, MaxConnsPerHost: o.Concurrency * 2}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(targets[next.Add(1)%uint64(len(targets))])
		},
		Transport: tr,
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return pr, err
	}
	srv := &http.Server{Handler: proxy}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: o.Concurrency * 2, MaxConnsPerHost: o.Concurrency * 2}}
	do := func(req *http.Request, want int) error {
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			return fmt.Errorf("%s %s answered %d", req.Method, req.URL.Path, resp.StatusCode)
		}
		return nil
	}
	if pr.Submissions, err = loadLat(ctx, o, func(worker, i int) error {
		ct, b := body(worker*7919 + i + 1_000_003*n)
		req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/dossiers", bytes.NewReader(b))
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Authorization", "Bearer "+tokens[worker%len(tokens)])
		return do(req, 201)
	}); err != nil {
		return pr, fmt.Errorf("submissions through %d processes: %w", n, err)
	}
	if pr.Tracking, err = loadLat(ctx, o, func(worker, i int) error {
		req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/track/"+codes[(worker*104729+i*31)%len(codes)], nil)
		return do(req, 200)
	}); err != nil {
		return pr, fmt.Errorf("tracking through %d processes: %w", n, err)
	}
	return pr, nil
}
