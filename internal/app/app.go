// Package app wires a motcua process together: the store, the calendar, the
// dossier service, the file store and the HTTP handlers.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/api"
	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/backoffice"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/config"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/eid"
	"github.com/motcua/motcua/internal/files"
	"github.com/motcua/motcua/internal/jobs"
	"github.com/motcua/motcua/internal/notice"
	"github.com/motcua/motcua/internal/payment"
	"github.com/motcua/motcua/internal/population"
	"github.com/motcua/motcua/internal/portal"
	"github.com/motcua/motcua/internal/receipt"
	"github.com/motcua/motcua/internal/result"
	"github.com/motcua/motcua/internal/server"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/web"
)

// App is one assembled motcua process.
type App struct {
	Config   config.Config
	DB       *store.DB
	Files    files.Store
	Calendar *calendar.Source
	Dossiers *dossier.Service
	Auth     *auth.Service
	API      *api.Handler
	Server   *server.Server
	Log      *slog.Logger
	// Population is the population-database lookup service (population.go).
	Population *population.Service
	// Payments is the payment service (payments.go).
	Payments *payment.Service
	// Jobs is the job queue; Notices tells citizens of their dossiers
	// (outbound.go).
	Jobs    *jobs.Queue
	Notices *notice.Service
	// Portal is the public portal; the daily job computes its index's
	// figures (indexjob.go).
	Portal *portal.Handler
	// Backoffice is the staff's pages (tests swap its file store).
	Backoffice *backoffice.Handler
	nowFn      func() time.Time
}

func (a *App) now() time.Time { return a.nowFn() }

// Options override parts of the assembly (tests use them).
type Options struct {
	Now func() time.Time
	// LoginSleep replaces the delay of suspicious logins (tests).
	LoginSleep func(ctx context.Context, d time.Duration) error
}

// OpenStore opens and migrates the store named by the config.
func OpenStore(ctx context.Context, cfg config.Config, log *slog.Logger) (*store.DB, error) {
	db, err := store.OpenWith(ctx, cfg.DB, store.Options{SQLiteMmapMB: cfg.SQLiteMmapMB, SQLiteReadCacheMB: cfg.SQLiteReadCacheMB})
	if err != nil {
		return nil, err
	}
	n, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if cfg.DBReplica != "" {
		if err := db.UseReplica(ctx, cfg.DBReplica); err != nil {
			db.Close()
			return nil, err
		}
		log.InfoContext(ctx, "reports read from the replica")
	}
	if n > 0 {
		log.InfoContext(ctx, "applied migrations", "count", n, "dialect", db.Dialect())
	}
	return db, nil
}

// New assembles the process on an open store.
func New(ctx context.Context, cfg config.Config, db *store.DB, log *slog.Logger, opts Options) (*App, error) {
	fs, err := files.NewLocalSync(cfg.FilesDir, cfg.FilesSync)
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
		Store: db, Catalog: db, Directory: db, WalkIns: db, Now: now,
		Clock:       func(ctx context.Context, path string) (dossier.Clock, error) { return src.ForUnit(ctx, path) },
		ConsultDays: cfg.ConsultDays,
	}
	issuer, roots, err := resultSigning(cfg, fs)
	if err != nil {
		return nil, err
	}
	if issuer != nil {
		svc.Results = issuer
	}
	au := &auth.Service{Store: db, Log: log, Now: now, SelfRegistration: cfg.SelfRegistrationOn(), Sleep: opts.LoginSleep,
		NoStaffPasswords: cfg.StaffPasswordLogin == "off"}
	proxies, err := web.ParseProxies(cfg.TrustedProxies)
	if err != nil {
		return nil, fmt.Errorf("--trusted-proxies: %w", err)
	}
	h := &api.Handler{
		Store: db, Auth: au, Dossiers: svc, Files: fs, Clock: src.ForUnit, Log: log, Now: now, Slips: db, BaseURL: cfg.BaseURL,
		Limits: api.Limits{JSONBody: 1 << 20, FileSize: int64(cfg.MaxFileMB) << 20, DossierSize: int64(cfg.MaxDossierMB) << 20},
	}
	// One session manager for the portal and the back office: staff log in
	// at the portal's /dang-nhap.
	sessions := auth.NewSessions(db.Sessions(), cfg.HTTPS())
	ph, err := portal.New(db, svc, db, au, sessions, log, now)
	if err != nil {
		return nil, err
	}
	bo, err := backoffice.New(db, svc, fs, au, sessions, log, now)
	if err != nil {
		return nil, err
	}
	bo.BaseURL, ph.BaseURL = cfg.BaseURL, cfg.BaseURL
	// --- population lookup (population.go) ---
	pop, popSandbox, err := populationService(cfg, db, log, now)
	if err != nil {
		return nil, fmt.Errorf("the population lookup: %w", err)
	}
	bo.Population = backoffice.PopulationDesk{Service: pop, Log: db}
	h.Population = pop
	if pop.Enabled() {
		ph.Population = citizenPopulation{pop}
	}
	// --- end population lookup ---
	// --- payments (payments.go) ---
	pay, err := paymentService(cfg, db, svc, log, now)
	if err != nil {
		return nil, fmt.Errorf("the payments: %w", err)
	}
	pays := pay.svc
	svc.Fees = pays
	ph.Payments, bo.Payments = pays, pays
	receipts := &receipt.Access{Store: db, Dossiers: svc, Issuer: pay.receipts}
	h.Receipts, ph.Receipts, bo.Receipts = receipts, receipts, receipts
	if len(pays.Gateways) > 0 {
		h.Payments, h.VNPayIPN, h.PaygovConfirm = pays, pay.ipn, pay.confirm
	}
	if pay.confirm != nil {
		ph.Gateways = append(ph.Gateways, portal.Gateway{Name: "paygov", Label: "Nền tảng thanh toán quốc gia (PayGov)"})
	}
	if pay.vnpay != nil {
		ph.Gateways = append(ph.Gateways, portal.Gateway{Name: "vnpay", Label: "VNPay"})
		ph.PaymentReturn = pay.vnpay
	}
	// The verification page always answers: slip 01's QR leads there.
	ph.Verifier = &result.Checker{Records: db, Files: fs, Roots: roots}
	// --- end payments ---
	var sandbox http.Handler
	if cfg.Demo && cfg.OIDC.Issuer == "" {
		// The demo's own e-ID provider, under /sandbox/vneid, speaking
		// the real protocol to the same relying-party code.
		var o config.OIDC
		if sandbox, o, err = demoEID(cfg.BaseURL); err != nil {
			log.WarnContext(ctx, "the demo's sandbox e-ID is off", "err", err)
		} else {
			cfg.OIDC = o
		}
	}
	if o := cfg.StaffOIDC; o.Issuer != "" {
		claim := config.List(cfg.StaffClaim)
		if len(claim) == 0 {
			claim = []string{"preferred_username"}
		}
		ph.StaffSSO, err = eid.New(eid.Config{Issuer: o.Issuer, ClientID: o.ClientID, ClientSecret: o.ClientSecret,
			RedirectURL: strings.TrimRight(cfg.BaseURL, "/") + "/dang-nhap/can-bo/callback", Scopes: config.List(o.Scopes),
			Claims: eid.Claims{Username: claim}, Secure: cfg.HTTPS(), Now: now}, "motcua_sso")
		if err != nil {
			return nil, fmt.Errorf("the staff single sign-on: %w", err)
		}
	}
	if cfg.OIDC.Issuer != "" {
		o := cfg.OIDC
		ph.EID, err = eid.New(eid.Config{Issuer: o.Issuer, ClientID: o.ClientID, ClientSecret: o.ClientSecret,
			RedirectURL: strings.TrimRight(cfg.BaseURL, "/") + "/dang-nhap/vneid/callback", Scopes: config.List(o.Scopes),
			Claims: eid.Claims{IDNumber: config.List(o.ClaimIDNumber), FullName: config.List(o.ClaimName),
				BirthDate: config.List(o.ClaimBirth), Assurance: config.List(o.ClaimAssurance)},
			Secure: cfg.HTTPS(), Now: now}, "motcua_eid")
		if err != nil {
			return nil, fmt.Errorf("the e-ID login: %w", err)
		}
	}
	var outSandboxes outboundSandboxes
	if cfg.Demo {
		if outSandboxes, err = demoOutbound(ctx, &cfg, log); err != nil {
			return nil, err
		}
	}
	h.DVCQGInboundToken = cfg.DVCQG.InboundToken
	bo.Limits = files.Limits{Field: 64 << 10, File: h.Limits.FileSize, Dossier: h.Limits.DossierSize}
	ph.Dossiers, ph.Files, ph.Index = svc, fs, db
	ph.Limits = files.Limits{Field: h.Limits.JSONBody, File: h.Limits.FileSize, Dossier: h.Limits.DossierSize}
	srv := server.New(server.Options{
		Addr: cfg.Addr, Log: log, Health: db, Outer: proxies.Wrap, HSTS: cfg.HTTPS(),
		Register: []func(*http.ServeMux){h.Register, ph.Register, bo.Register, func(mux *http.ServeMux) {
			if sandbox != nil {
				mux.Handle(sandboxEIDPath+"/", sandbox)
			}
			if popSandbox != nil {
				mux.Handle(sandboxPopulationPath, popSandbox)
			}
			if pay.sandbox != nil {
				mux.Handle(sandboxVNPayPath+"/", pay.sandbox)
			}
			outSandboxes.register(mux)
		}},
		Guard: func(next http.Handler) http.Handler {
			return web.CheckRequest(next, func(w http.ResponseWriter, r *http.Request, err error) {
				switch {
				case strings.HasPrefix(r.URL.Path, "/api/"):
					h.Refuse(w, r, err)
				case strings.HasPrefix(r.URL.Path, "/can-bo/"):
					bo.Refuse(w, r, err)
				default:
					ph.Refuse(w, r, err)
				}
			})
		},
	})
	a := &App{Config: cfg, DB: db, Files: fs, Calendar: src, Dossiers: svc, Auth: au, API: h, Server: srv, Log: log, Population: pop, Payments: pays, Portal: ph, Backoffice: bo, nowFn: now}
	// --- outbound (outbound.go) ---
	out, err := newOutbound(cfg, a)
	if err != nil {
		return nil, fmt.Errorf("the notices: %w", err)
	}
	if err := out.start(cfg, a); err != nil {
		return nil, err
	}
	a.Jobs, a.Notices = out.queue, out.notices
	bo.Jobs, bo.Notices, bo.Webhooks = out.queue, db, out.webhooks
	if a.Config.DVCQG.On() {
		bo.Sync = db
	}
	// --- end outbound ---
	return a, nil
}

// Sweeping of the file store: files older than SweepAge that no request
// settles any more go, every SweepEvery.
const (
	SweepAge   = time.Hour
	SweepEvery = time.Hour
)

// sweeper is a file store that can sweep itself (files.Local).
type sweeper interface {
	Sweep(ctx context.Context, olderThan time.Duration, referenced files.Referenced) (files.SweepReport, error)
}

// SweepFiles removes, once, the temporary files older than olderThan and
// the stored files no dossier or draft refers to (files.Local.Sweep).
func (a *App) SweepFiles(ctx context.Context, olderThan time.Duration) (files.SweepReport, error) {
	sw, ok := a.Files.(sweeper)
	if !ok {
		return files.SweepReport{}, nil
	}
	rep, err := sw.Sweep(ctx, olderThan, a.DB.ReferencedFiles)
	if err != nil {
		return rep, fmt.Errorf("sweeping files: %w", err)
	}
	return rep, nil
}

// AnchorEvery is how often the server anchors every dossier's history
// (see store.Anchor); the audit_anchor job looks every hour.
const AnchorEvery = 24 * time.Hour
