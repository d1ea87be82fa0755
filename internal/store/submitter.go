package store

import (
	"reflect"
	"slices"
	"sort"
	"time"

	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/jackc/pgx/v5/pgconn"
	"sync"

	"github.com/motcua/motcua/internal/dossier"
)

// submitter commits concurrent dossier submissions in groups: each worker
// takes every submission waiting, writes them in one transaction (a bad
// one is dropped and the rest written again) and commits once. Every caller gets its answer only after that commit, so a
// 201 is always durable, and one disk sync serves the whole group. The
// submissions' files (NewDossier.Durable) sync in one round when the worker
// takes the group, before its transaction (syncFiles), so that a request
// waits for one round shared with its group, where it waited for a round
// of its own and then for a worker.
type submitter struct {
	db   *DB
	reqs chan *submitReq
	quit chan struct{}
	wg   sync.WaitGroup
}

type submitReq struct {
	ctx  context.Context
	sub  *submission
	done chan submitRes
}

type submitRes struct {
	d        *dossier.Dossier
	replayed bool
	err      error
}

// maxGroup bounds a group so that one transaction stays short.
const maxGroup = 128

func newSubmitter(db *DB) *submitter {
	s := &submitter{db: db, reqs: make(chan *submitReq, 1024), quit: make(chan struct{})}
	workers := 1 // SQLite has one writer anyway
	if db.dialect == Postgres {
		workers = 4
	}
	for range workers {
		s.wg.Add(1)
		go s.loop()
	}
	return s
}

func (s *submitter) stop() {
	close(s.quit)
	s.wg.Wait()
}

func (s *submitter) submit(ctx context.Context, in *dossier.NewDossier) (*dossier.Dossier, bool, error) {
	// Encoding and folding are done here, in the caller's goroutine, not
	// in the worker that holds the transaction.
	sub, err := prepareSubmission(in)
	if err != nil {
		return nil, false, err
	}
	r := &submitReq{ctx: ctx, sub: sub, done: make(chan submitRes, 1)}
	select {
	case s.reqs <- r:
	case <-ctx.Done():
		return nil, false, ctx.Err()
	case <-s.quit:
		return nil, false, errors.New("store is closing")
	}
	// Once queued, wait for the outcome even if the caller gives up: the
	// dossier may be committed, and an idempotent retry will find it.
	res := <-r.done
	return res.d, res.replayed, res.err
}

func (s *submitter) loop() {
	defer s.wg.Done()
	for {
		var first *submitReq
		select {
		case first = <-s.reqs:
		case <-s.quit:
			// Answer whatever is still queued before leaving.
			for {
				select {
				case r := <-s.reqs:
					r.done <- submitRes{err: errors.New("store is closing")}
				default:
					return
				}
			}
		}
		group := []*submitReq{first}
	drain:
		for len(group) < maxGroup {
			select {
			case r := <-s.reqs:
				group = append(group, r)
			default:
				break drain
			}
		}
		s.commit(group)
	}
}

func (s *submitter) commit(group []*submitReq) {
	// Take code counters in one global order (unit, then day), so that
	// groups committing at once on several workers or servers never wait
	// on each other in a cycle.
	sort.SliceStable(group, func(i, j int) bool {
		a, b := group[i].sub, group[j].sub
		if ua, ub := a.in.Dossier.ReceivedUnitID, b.in.Dossier.ReceivedUnitID; ua != ub {
			return ua < ub
		}
		return a.day < b.day
	})
	results := make([]submitRes, len(group))
	// A background context: the group must not die because one caller left.
	ctx := context.Background()
	pending := syncFiles(ctx, group, results)
	// Optimistic: write the whole group without savepoints (round trips
	// are the cost that matters). If one submission fails, the transaction
	// is rolled back and the group written again without it; a transient
	// conflict (deadlock victim, concurrent idempotency key) retries it.
	for attempt := 0; len(pending) > 0; attempt++ {
		// A fresh copy each attempt: the writing sets ids and the code.
		subs := make([]*submission, len(pending))
		for k, i := range pending {
			subs[k] = group[i].sub.fresh()
		}
		failed, failErr := -1, error(nil)
		write := func(tx *Tx) error {
			for k, i := range pending {
				out, replayed, err := s.db.createDossierTx(ctx, tx, subs[k])
				if err != nil {
					failed, failErr = i, err
					return errGroupAborted
				}
				results[i] = submitRes{d: out, replayed: replayed}
			}
			return nil
		}
		var err error
		if s.db.dialect == Postgres {
			err = s.db.inConnTx(ctx, func(tx *Tx, conn *sql.Conn) error {
				k, err := s.db.writeGroupPG(ctx, tx, conn, subs, func(k int, r submitRes) { results[pending[k]] = r })
				if err != nil && k >= 0 {
					failed, failErr = pending[k], err
					return errGroupAborted
				}
				return err
			})
		} else {
			err = s.db.inTx(ctx, write)
		}
		switch {
		case err == nil:
			pending = nil
		case failed >= 0 && (retryable(failErr) || errors.Is(failErr, errIdemRace)) && attempt < 5:
			time.Sleep(time.Duration(attempt+1) * time.Millisecond)
		case failed >= 0:
			results[failed] = submitRes{err: failErr}
			pending = slices.DeleteFunc(pending, func(i int) bool { return i == failed })
		default:
			for _, i := range pending {
				results[i] = submitRes{err: fmt.Errorf("committing submissions: %w", err)}
			}
			pending = nil
		}
	}
	for i, r := range group {
		r.done <- results[i]
	}
}

var errGroupAborted = errors.New("group aborted")

// syncFiles makes the files of the group's submissions durable
// (NewDossier.Durable) and returns the indexes of those to write: one Sync
// for each distinct Durable (equal ones sync the same store, and one round
// covers every submission, all staged before they were queued; a process
// has one file store, so one Sync a group). A submission whose sync failed
// gets its error and is not written.
//
// The syncs end before BEGIN rather than while the group is written,
// measured (issue 14): on SQLite the one writer would hold every other
// write of the store behind the round (a writer of single rows beside 32
// submitting clients: p99 167–191 ms against 50–73 ms), on PostgreSQL the
// group's code counters, held until COMMIT, would make the other workers'
// groups of the same unit wait for its round (submissions 6–37 % slower in
// 3 of 4 pairs). Writing a group takes a few milliseconds of a round's 4–20.
func syncFiles(ctx context.Context, group []*submitReq, results []submitRes) []int {
	type synced struct {
		d   dossier.Durable
		err error
	}
	var done []synced
	pending := make([]int, 0, len(group))
	for i, r := range group {
		if d := r.sub.in.Durable; d != nil {
			k := slices.IndexFunc(done, func(s synced) bool { return sameDurable(s.d, d) })
			if k < 0 {
				done = append(done, synced{d, d.Sync(ctx)})
				k = len(done) - 1
			}
			if err := done[k].err; err != nil {
				results[i] = submitRes{err: err}
				continue
			}
		}
		pending = append(pending, i)
	}
	return pending
}

// sameDurable reports whether a and b are equal, without the panic of ==
// on values that cannot be compared (those are never the same).
func sameDurable(a, b dossier.Durable) bool {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	return va.Type() == vb.Type() && va.Comparable() && vb.Comparable() && a == b
}

// retryConflicts runs tx, a whole transaction, up to tries times while it
// fails with a transient conflict (retryable): PostgreSQL aborted it as a
// deadlock's victim or a serialization failure, and a new attempt goes
// through once the other transaction is done.
func retryConflicts(tries int, tx func() error) error {
	var err error
	for range tries {
		if err = tx(); !retryable(err) {
			return err
		}
	}
	return err
}

// retryable reports a transient conflict between transactions.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}
