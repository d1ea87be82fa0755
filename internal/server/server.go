// Package server assembles the HTTP server: the root mux, middleware
// (recovery, logging, metrics, security headers), /healthz and /metrics.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Pinger checks a dependency for /healthz.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Options configure the server.
type Options struct {
	Addr   string
	Log    *slog.Logger
	Health Pinger
	// Register adds the application's routes.
	Register []func(mux *http.ServeMux)
	// Outer, when set, wraps everything (the trusted-proxy rewrite of the
	// client address, which every other layer must see).
	Outer func(http.Handler) http.Handler
	// HSTS sends Strict-Transport-Security (the public address is https).
	HSTS bool
	// Guard, if set, wraps the routes: it sees every request before any
	// handler does (the checks of text at the boundary).
	Guard func(next http.Handler) http.Handler
}

// Server is the running HTTP server.
type Server struct {
	http     *http.Server
	log      *slog.Logger
	Handler  http.Handler
	registry *prometheus.Registry
}

// New builds the server with its routes and middleware.
func New(opts Options) *Server {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := newMetrics(reg)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if opts.Health != nil {
			if err := opts.Health.Ping(ctx); err != nil {
				opts.Log.ErrorContext(ctx, "health check failed", "err", err)
				http.Error(w, "store unavailable", http.StatusServiceUnavailable)
				return
			}
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	for _, reg := range opts.Register {
		reg(mux)
	}
	var routes http.Handler = mux
	if opts.Guard != nil {
		routes = opts.Guard(mux)
	}
	h := recoverer(opts.Log, m.wrap(routes, opts.Log))
	h = securityHeaders(h, opts.HSTS)
	if opts.Outer != nil {
		h = opts.Outer(h)
	}
	s := &Server{log: opts.Log, Handler: h, registry: reg}
	s.http = &http.Server{
		Addr:              opts.Addr,
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // large scans on slow mobile links
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(opts.Log.Handler(), slog.LevelWarn),
	}
	return s
}

// Serve listens on ln until ctx is done, then shuts down gracefully.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- s.http.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := s.http.Shutdown(shutdown); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func recoverer(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				log.ErrorContext(r.Context(), "panic serving request", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				w.WriteHeader(http.StatusInternalServerError)
				_, _ = w.Write([]byte(`{"error":{"code":"internal","message":"Hệ thống đang gặp sự cố. Vui lòng thử lại sau."}}` + "\n"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// Metrics serves /metrics. It is not on the public mux: the process serves
// it only on --metrics-addr, so that it is never public by accident.
func (s *Server) Metrics() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{}))
	return mux
}

// ServeMetrics serves Metrics on ln until ctx is done.
func (s *Server) ServeMetrics(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: s.Metrics(), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdown)
	return nil
}

func securityHeaders(next http.Handler, hsts bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if hsts {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "motcua_http_requests_total", Help: "HTTP requests by route pattern and status.",
		}, []string{"route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "motcua_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// wrap records metrics per route pattern (never the raw path, which holds
// dossier codes) and logs each request without query strings, which may
// hold personal data.
func (m *metrics) wrap(mux http.Handler, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		mux.ServeHTTP(sw, r)
		// ServeMux records the matched pattern on the request it served.
		pattern := r.Pattern
		if pattern == "" {
			pattern = "unmatched"
		}
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		d := time.Since(start)
		m.requests.WithLabelValues(pattern, strconv.Itoa(sw.status)).Inc()
		m.duration.WithLabelValues(pattern).Observe(d.Seconds())
		if sw.status >= 500 {
			log.WarnContext(r.Context(), "request", "method", r.Method, "route", pattern, "status", sw.status, "duration", d)
		} else {
			log.DebugContext(r.Context(), "request", "method", r.Method, "route", pattern, "status", sw.status, "duration", d)
		}
	})
}
