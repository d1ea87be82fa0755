package store

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/motcua/motcua/internal/dossier"
)

// submitter commits concurrent dossier submissions in groups: each worker
// takes every submission waiting, writes them in one transaction (one
// savepoint each, so one bad submission does not sink the others) and
// commits once. Every caller gets its answer only after that commit, so a
// 201 is always durable, and one disk sync serves the whole group.
type submitter struct {
	db   *DB
	reqs chan *submitReq
	quit chan struct{}
	wg   sync.WaitGroup
}

type submitReq struct {
	ctx  context.Context
	in   *dossier.NewDossier
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
	r := &submitReq{ctx: ctx, in: in, done: make(chan submitRes, 1)}
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
	results := make([]submitRes, len(group))
	// A background context: the group must not die because one caller left.
	ctx := context.Background()
	err := s.db.inTx(ctx, func(tx *Tx) error {
		for i, r := range group {
			results[i] = s.one(ctx, tx, r.in, i)
		}
		return nil
	})
	for i, r := range group {
		if err != nil {
			results[i] = submitRes{err: fmt.Errorf("committing submissions: %w", err)}
		}
		r.done <- results[i]
	}
}

// one writes a single submission under its own savepoint.
func (s *submitter) one(ctx context.Context, tx *Tx, in *dossier.NewDossier, i int) submitRes {
	sp := fmt.Sprintf("s%d", i)
	if _, err := tx.ExecContext(ctx, "SAVEPOINT "+sp); err != nil {
		return submitRes{err: fmt.Errorf("savepoint: %w", err)}
	}
	// Work on a copy so that a rolled-back attempt leaves no code behind.
	cp := *in.Dossier
	in2 := *in
	in2.Dossier = &cp
	d, replayed, err := createDossierTx(ctx, tx, &in2)
	if err != nil {
		if _, rbErr := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+sp); rbErr != nil {
			return submitRes{err: fmt.Errorf("rolling back savepoint: %w", rbErr)}
		}
		if errors.Is(err, errIdemRace) {
			// Another server committed the same key first: answer its dossier.
			var id int64
			var hash string
			err := tx.QueryRowContext(ctx, qSelectIdem,
				in.IdemAccount, in.IdemKey).Scan(&id, &hash)
			if err != nil {
				return submitRes{err: fmt.Errorf("reading idempotency key after race: %w", err)}
			}
			if hash != in.RequestHash {
				return submitRes{err: errIdemReused}
			}
			d, err := dossierByID(ctx, tx, id)
			return submitRes{d: d, replayed: true, err: err}
		}
		return submitRes{err: err}
	}
	if _, err := tx.ExecContext(ctx, "RELEASE SAVEPOINT "+sp); err != nil {
		return submitRes{err: fmt.Errorf("releasing savepoint: %w", err)}
	}
	return submitRes{d: d, replayed: replayed}
}
