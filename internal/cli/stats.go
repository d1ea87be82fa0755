package cli

import (
	"context"
	"fmt"
	"time"
)

// statsCmd runs the statistics commands: "stats rebuild".
func statsCmd(ctx context.Context, args []string, env Env) error {
	if len(args) < 1 || args[0] != "rebuild" {
		return errUsage
	}
	return statsRebuild(ctx, args[1:], env)
}

// statsRebuild recomputes the statistics summary from the dossiers and
// their events: after a bulk load (the demo's, a migration from another
// system) that did not go through the per-event upkeep.
func statsRebuild(ctx context.Context, args []string, env Env) error {
	db, _, _, err := openStore(ctx, "stats rebuild", args, env, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	n, err := db.RebuildSummary(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "OK: summary rebuilt from %d counted dossiers in %s\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}
