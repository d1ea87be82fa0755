// Package app wires a motcua process together: the store, the calendar, the
// dossier service, the file store and the HTTP handlers.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/motcua/motcua/internal/api"
	"github.com/motcua/motcua/internal/backoffice"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/config"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/files"
	"github.com/motcua/motcua/internal/portal"
	"github.com/motcua/motcua/internal/server"
	"github.com/motcua/motcua/internal/store"
)

// App is one assembled motcua process.
type App struct {
	Config   config.Config
	DB       *store.DB
	Files    files.Store
	Calendar *calendar.Source
	Dossiers *dossier.Service
	API      *api.Handler
	Server   *server.Server
	Log      *slog.Logger
}

// Options override parts of the assembly (tests use them).
type Options struct {
	Now func() time.Time
}

// OpenStore opens and migrates the store named by the config.
func OpenStore(ctx context.Context, cfg config.Config, log *slog.Logger) (*store.DB, error) {
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	n, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if n > 0 {
		log.InfoContext(ctx, "applied migrations", "count", n, "dialect", db.Dialect())
	}
	return db, nil
}

// New assembles the process on an open store.
func New(ctx context.Context, cfg config.Config, db *store.DB, log *slog.Logger, opts Options) (*App, error) {
	fs, err := files.NewLocal(cfg.FilesDir)
	if err != nil {
		return nil, err
	}
	src := calendar.NewSource(calendar.DefaultConfig(), db)
	if _, err := src.Calendar(ctx); err != nil {
		return nil, fmt.Errorf("loading calendar: %w", err)
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	svc := &dossier.Service{
		Store: db, Catalog: db, Directory: db, Now: now,
		Clock: func(ctx context.Context, path string) (dossier.Clock, error) { return src.ForUnit(ctx, path) },
	}
	h := &api.Handler{
		Store: db, Dossiers: svc, Files: fs, Clock: src.ForUnit, Log: log, Now: now, Slips: db, BaseURL: cfg.BaseURL,
		Limits: api.Limits{JSONBody: 1 << 20, FileSize: int64(cfg.MaxFileMB) << 20, DossierSize: int64(cfg.MaxDossierMB) << 20},
	}
	// One session manager for the portal and the back office: staff log in
	// at the portal's /dang-nhap.
	sessions := portal.NewSessions(db.Sessions())
	ph, err := portal.New(db, svc, db, sessions, log, now)
	if err != nil {
		return nil, err
	}
	bo, err := backoffice.New(db, svc, fs, sessions, log, now)
	if err != nil {
		return nil, err
	}
	bo.BaseURL, ph.BaseURL = cfg.BaseURL, cfg.BaseURL
	bo.Limits = files.Limits{Field: 64 << 10, File: h.Limits.FileSize, Dossier: h.Limits.DossierSize}
	ph.Dossiers, ph.Files = svc, fs
	ph.Limits = files.Limits{Field: h.Limits.JSONBody, File: h.Limits.FileSize, Dossier: h.Limits.DossierSize}
	srv := server.New(server.Options{
		Addr: cfg.Addr, Log: log, Health: db,
		Register: []func(*http.ServeMux){h.Register, ph.Register, bo.Register},
	})
	return &App{Config: cfg, DB: db, Files: fs, Calendar: src, Dossiers: svc, API: h, Server: srv, Log: log}, nil
}
