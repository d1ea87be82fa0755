package app

import (
	"context"
	"time"

	"github.com/motcua/motcua/internal/auth"
)

// maintainEvery is how often the housekeeping runs.
const maintainEvery = 10 * time.Minute

// Maintain runs the housekeeping at start and then every maintainEvery
// until ctx is done: expired login windows, device cookies and API tokens
// are purged so that those tables stay bounded.
func (a *App) Maintain(ctx context.Context) {
	t := time.NewTicker(maintainEvery)
	defer t.Stop()
	for {
		a.maintainOnce(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (a *App) maintainOnce(ctx context.Context) {
	now := time.Now()
	if n, err := a.DB.PurgeLogins(ctx, now.Add(-auth.Window), now); err != nil {
		if ctx.Err() == nil {
			a.Log.WarnContext(ctx, "purging login throttles", "err", err)
		}
	} else if n > 0 {
		a.Log.DebugContext(ctx, "purged login throttles", "count", n)
	}
	// Paid dossiers still waiting, and payments pending for too long.
	if a.Payments != nil {
		if err := a.Payments.Sweep(ctx); err != nil && ctx.Err() == nil {
			a.Log.WarnContext(ctx, "sweeping payments", "err", err)
		}
	}
}
