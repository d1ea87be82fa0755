package dossier

import (
	"context"
	"time"
)

// NewDossier is everything needed to create a dossier in one transaction:
// the dossier (code and ID are assigned by the store), its documents, its
// first event and, when the caller sent one, its idempotency key.
type NewDossier struct {
	Dossier   *Dossier
	UnitCode  string // agency identifier of the receiving unit, the code prefix
	Documents []Document
	Event     *Event
	// IdemAccount and IdemKey identify a retry; RequestHash detects a key
	// reused for a different request.
	IdemAccount int64
	IdemKey     string
	RequestHash string
	// ExternalCode is the national portal's code of a dossier that came
	// from it (SubmitExternal); unique among dossiers, "" for our own.
	ExternalCode string
	// Durable, if set, makes the documents' staged files durable: the
	// store runs it before the COMMIT that stores the dossier, and
	// commits nothing if it fails (see Durable).
	Durable Durable
}

// Durable makes durable what a new dossier refers to outside the database:
// its documents' staged files (files.Multipart.Durable). The store's group
// commit runs Sync once for all the submissions of a group holding equal
// Durables when it takes the group, before the group's transaction; a
// failure fails those submissions with its error, whatever others of the
// group commit. So a request waits for one sync round shared with its
// group, not for one of its own and then for a worker.
type Durable interface {
	Sync(ctx context.Context) error
}

// Filter selects dossiers for a worklist or a citizen's list. The store
// always applies the actor's scope on top of it.
type Filter struct {
	Statuses   []Status
	UnitCode   string // restrict to this unit's subtree
	Overdue    bool
	Q          string // code, applicant name (accent-insensitive), ID number or phone
	AssigneeID int64
	Procedure  string
	Substate   string // exact sub-state, e.g. SubResultDrafted
	DueBefore  *time.Time
	// ApologyDue keeps the dossiers a leader is warned of (ApologyWarning):
	// open, clock running, not rescheduled, statutory date not passed at
	// Now; DueBefore ends the window.
	ApologyDue bool
	Now        time.Time
	Cursor     int64 // keyset: continue below this id
	Limit      int
}

// Store is what the dossier service needs from storage.
type Store interface {
	CreateDossier(ctx context.Context, in *NewDossier) (d *Dossier, replayed bool, err error)
	DossierByCode(ctx context.Context, code string) (*Dossier, error)
	// TrackDossier reads the public fields only (codes, status, dates).
	TrackDossier(ctx context.Context, code string) (*Dossier, error)
	UpdateDossier(ctx context.Context, d *Dossier, oldVersion int, ev *Event, docs []Document) error
	ListDossiers(ctx context.Context, a Actor, f Filter) ([]Dossier, int64, error)
	Events(ctx context.Context, dossierID int64) ([]Event, error)
	Documents(ctx context.Context, dossierID int64) ([]Document, error)
	// Consultations returns the dossier's consultations, oldest first.
	Consultations(ctx context.Context, dossierID int64) ([]Consultation, error)
}
