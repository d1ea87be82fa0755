// Package cli implements the motcua command line: serve, migrate, user add,
// units import, catalog import, audit verify and anchor, backup, restore
// and version.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
)

// Version is set at build time with -ldflags "-X .../cli.Version=…".
var Version = "dev"

// Env is what a command may touch of the outside world.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Ready, if set, is called by serve once it listens on addr and any
	// demo data is loaded, just before it serves: whoever started it in
	// process (the tests) waits for this instead of polling the output.
	Ready func(addr net.Addr)
}

const usage = `motcua — one-stop-shop e-government platform

Usage:
  motcua serve [--addr 127.0.0.1:8080] [--db sqlite:data/motcua.db] [--demo]
  motcua migrate [--db …]
  motcua user add --username U --full-name N --role R --unit UNITCODE [--db …]   (password on stdin)
  motcua units import --format 2019|2025 FILE [MAPPING] [--db …]
  motcua catalog import FILE [--db …]
  motcua audit verify [--db …]       (exit 1 and the dossiers named if a history was changed)
  motcua audit anchor [--db …]       (write an anchor over every history now; the server does it daily)
  motcua backup --to DIR [--db …] [--files data/files]
  motcua restore --from DIR [--db …] [--files data/files] [--force]
  motcua stats rebuild [--db …]      (recompute the statistics summary, after a bulk load)
  motcua bench [--db sqlite|postgres://…] [--dossiers 1000000] [--duration 5s] [--concurrency 64] [--keep DIR|SCHEMA] [--reuse DIR|SCHEMA]
  motcua version

Every flag may also be set as MOTCUA_<NAME> (e.g. MOTCUA_DB, MOTCUA_ADDR, MOTCUA_DEMO).
Roles: receptionist, specialist, head (head of a specialised office), leader, unit_admin, city_admin.
`

// errUsage marks a wrong command line (exit code 2).
var errUsage = errors.New("usage")

// errBadFlag marks flags the flag package refused; it already said why.
var errBadFlag = errors.New("bad flag")

// parseFlags parses args, turning a refusal into errBadFlag (exit code 2).
func parseFlags(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		return errBadFlag
	}
	return err
}

// Run runs the command line and returns the process exit code.
func Run(ctx context.Context, args []string, env Env) int {
	err := run(ctx, args, env)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errBadFlag):
		return 2
	case errors.Is(err, errUsage):
		fmt.Fprint(env.Stderr, usage)
		return 2
	default:
		fmt.Fprintln(env.Stderr, "motcua:", err)
		return 1
	}
}

func run(ctx context.Context, args []string, env Env) error {
	if len(args) < 2 {
		return errUsage
	}
	rest := args[2:]
	switch args[1] {
	case "serve":
		return serve(ctx, rest, env)
	case "migrate":
		return migrate(ctx, rest, env)
	case "user":
		if len(rest) < 1 || rest[0] != "add" {
			return errUsage
		}
		return userAdd(ctx, rest[1:], env)
	case "units":
		if len(rest) < 1 || rest[0] != "import" {
			return errUsage
		}
		return unitsImport(ctx, rest[1:], env)
	case "catalog":
		if len(rest) < 1 || rest[0] != "import" {
			return errUsage
		}
		return catalogImport(ctx, rest[1:], env)
	case "audit":
		return auditCmd(ctx, rest, env)
	case "backup":
		return backupCmd(ctx, rest, env)
	case "restore":
		return restoreCmd(ctx, rest, env)
	case "bench":
		return benchCmd(ctx, rest, env)
	case "stats":
		return statsCmd(ctx, rest, env)
	case "version", "--version", "-v":
		fmt.Fprintln(env.Stdout, "motcua", Version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(env.Stdout, usage)
		return nil
	}
	return errUsage
}

func newFlagSet(name string, env Env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return fs
}

func logger(level slog.Level, w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}
