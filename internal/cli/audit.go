package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/backup"
	"github.com/motcua/motcua/internal/config"
	"github.com/motcua/motcua/internal/files"
	"github.com/motcua/motcua/internal/store"
)

// errAuditFailed is the outcome of a verification that found changes; the
// findings are already printed.
var errAuditFailed = errors.New("the history was changed")

func auditCmd(ctx context.Context, args []string, env Env) error {
	if len(args) < 1 {
		return errUsage
	}
	switch args[0] {
	case "verify":
		return auditVerify(ctx, args[1:], env)
	case "anchor":
		return auditAnchor(ctx, args[1:], env)
	}
	return errUsage
}

// auditVerify walks every chain and anchor and names every dossier whose
// history was changed.
func auditVerify(ctx context.Context, args []string, env Env) error {
	db, _, _, err := openStore(ctx, "audit verify", args, env, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	return printVerification(ctx, db, env)
}

func printVerification(ctx context.Context, db *store.DB, env Env) error {
	rep, err := db.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(env.Stdout, p)
	}
	if rep.LastAnchor != nil {
		fmt.Fprintf(env.Stdout, "last anchor: %d at %s, %s\n", rep.LastAnchor.ID, rep.LastAnchor.At.Format(time.RFC3339), rep.LastAnchor.HeadHash)
	}
	if !rep.OK() {
		fmt.Fprintf(env.Stdout, "CHANGED: %d findings over %d dossiers, %d events, %d audit log entries, %d anchors\n",
			len(rep.Problems), rep.Dossiers, rep.Events, rep.LogEntries, rep.Anchors)
		return errAuditFailed
	}
	fmt.Fprintf(env.Stdout, "OK: %d dossiers, %d events, %d audit log entries, %d anchors\n", rep.Dossiers, rep.Events, rep.LogEntries, rep.Anchors)
	return nil
}

// auditAnchor writes an anchor now and prints its hash, to be kept
// somewhere the database's administrators cannot write.
func auditAnchor(ctx context.Context, args []string, env Env) error {
	db, _, _, err := openStore(ctx, "audit anchor", args, env, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	a, _, err := db.WriteAnchor(ctx, time.Now(), 0)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "anchor %d at %s: %d dossiers, %d events, %s\n", a.ID, a.At.Format(time.RFC3339), a.Dossiers, a.Events, a.HeadHash)
	return nil
}

// backupCmd copies the database and its files into a directory.
func backupCmd(ctx context.Context, args []string, env Env) error {
	var to string
	db, cfg, _, err := openStore(ctx, "backup", args, env, func(c *config.Config, fs *flag.FlagSet) {
		fs.StringVar(&to, "to", "", "directory to write the backup into (must not exist or be empty)")
		c.FilesFlag(fs)
	})
	if err != nil {
		return err
	}
	defer db.Close()
	if to == "" {
		return errors.New("backup needs --to DIR")
	}
	fstore, err := files.NewLocal(cfg.FilesDir)
	if err != nil {
		return err
	}
	m, err := backup.Take(ctx, db, fstore, to, Version)
	if err != nil {
		return fmt.Errorf("backing up: %w", err)
	}
	fmt.Fprintf(env.Stdout, "backed up %s (schema %d): %d dossiers, %d events, %d documents, %d files into %s\n",
		m.Engine, m.SchemaVersion, m.Dossiers, m.Events, m.Documents, len(m.Files)-1, to)
	return nil
}

// restoreCmd brings a backup back into an empty store and file directory.
func restoreCmd(ctx context.Context, args []string, env Env) error {
	cfg := config.Default()
	var from string
	var force bool
	fs := newFlagSet("restore", env)
	cfg.StoreFlags(fs)
	cfg.FilesFlag(fs)
	fs.StringVar(&from, "from", "", "backup directory (written by motcua backup)")
	fs.BoolVar(&force, "force", false, "replace a database that is not empty")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	if from == "" {
		return errors.New("restore needs --from DIR")
	}
	m, err := backup.RestoreDB(ctx, from, cfg.DB, force)
	if err != nil {
		return err
	}
	level, _ := cfg.Level()
	db, err := app.OpenStore(ctx, cfg, logger(level, env.Stderr))
	if err != nil {
		return err
	}
	defer db.Close()
	fstore, err := files.NewLocal(cfg.FilesDir)
	if err != nil {
		return err
	}
	n, err := backup.RestoreFiles(ctx, from, m, fstore)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "restored %s backup of %s: %d dossiers, %d events, %d files\n",
		m.Engine, m.CreatedAt.Format(time.RFC3339), m.Dossiers, m.Events, n)
	return printVerification(ctx, db, env)
}
