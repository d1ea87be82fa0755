package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/motcua/motcua/internal/dossier"
)

// EventRef is a dossier event written in a transaction, with its dossier
// as written (ids set).
type EventRef struct {
	Dossier *dossier.Dossier
	Event   *dossier.Event
}

// EventsHook is the batch form of EventHook: it is called once in each
// transaction that wrote dossier events, just before the commit, with all
// of them (a group commit's submissions, or the one event of an update).
// Whatever it writes on tx commits or rolls back with the events; an error
// rolls the transaction back.
type EventsHook func(ctx context.Context, tx *sql.Tx, evs []EventRef) error

// OnEvents installs a batch event hook in place of any EventHook (one or
// the other runs); call it before serving. Nil removes it.
func (db *DB) OnEvents(h EventsHook) { db.onEvent, db.onEvents = nil, h }

// eventWritten is called after each event's row: with a batch hook the
// event waits in tx for flushEvents, otherwise the event hook runs now.
func (db *DB) eventWritten(ctx context.Context, tx *Tx, d *dossier.Dossier, ev *dossier.Event) error {
	if db.onEvents != nil {
		tx.events = append(tx.events, EventRef{Dossier: d, Event: ev})
		return nil
	}
	return db.eventHook(ctx, tx, d, ev)
}

// flushEvents runs the batch hook on the events tx wrote; inTx calls it
// before every commit, so that no path writing an event can forget it.
func (db *DB) flushEvents(ctx context.Context, tx *Tx) error {
	evs := tx.events
	tx.events = nil
	if len(evs) == 0 || db.onEvents == nil {
		return nil
	}
	if err := db.onEvents(ctx, tx.tx, evs); err != nil {
		return fmt.Errorf("enqueuing what %d events send: %w", len(evs), err)
	}
	return nil
}
