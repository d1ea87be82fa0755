package files

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
)

// group makes a Local's writes durable in rounds, as a database's group
// commit does: one round syncs at a time, and the callers that arrive while
// it runs wait together for the next round, which starts as soon as the
// running one ends. A caller cannot share the running round: it may have
// written after that round began.
type group struct {
	mu      sync.Mutex
	running bool
	next    *round // the round that callers arriving now wait for
	// What was staged, renamed into or created since the last round began:
	// the files and directories to fsync where syncfs is missing.
	files []string
	dirs  map[string]bool
	// failed is the last round's own error: the next round fails too,
	// because syncfs or fsync reports a write-back error once, to the
	// round that ran when it surfaced, which may not be the round of the
	// caller who wrote the data (that caller joined the next one).
	failed error

	// Only the running round touches these.
	root     *os.File // Dir, open for syncfs (see syncOnce)
	noSyncFS bool     // syncfs returned ErrUnsupported
}

type round struct {
	done    chan struct{}
	waiters int // callers waiting, for the tests
	err     error
}

// note records what a round must cover if it fsyncs file by file: a
// staged file (if any) and the directories whose entries changed.
func (g *group) note(file string, dirs ...string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if file != "" {
		g.files = append(g.files, file)
	}
	if g.dirs == nil {
		g.dirs = map[string]bool{}
	}
	for _, d := range dirs {
		g.dirs[d] = true
	}
}

// Sync makes durable every Stage and Keep that returned before it was
// called: the staged contents and the directory entries that renames and
// new directories made. Concurrent callers share rounds; one round is one
// syncfs of the store's file system where the platform has it, else one
// fsync of each file staged and each directory touched since the previous
// round. A request calls it once, after staging all its files and before
// committing anything that refers to them (ReadMultipart does, or the
// dossier's group commit it hands the sync to: DeferSync); the moves
// into place that follow the commit (Keep) ride on the next round, whoever
// calls it, and nobody waits for them.
func (l *Local) Sync(ctx context.Context) error {
	g := &l.g
	g.mu.Lock()
	r := g.next
	if r == nil {
		r = &round{done: make(chan struct{})}
		g.next = r
	}
	r.waiters++
	if !g.running {
		l.start()
	}
	g.mu.Unlock()
	select {
	case <-r.done:
		if r.err != nil {
			return fmt.Errorf("syncing file store: %w", r.err)
		}
		return nil
	case <-ctx.Done():
		// The round goes on without this caller; nothing of it is undone.
		return fmt.Errorf("waiting for the file store's sync: %w", ctx.Err())
	}
}

// start runs the next round in the background: a caller may leave when
// its context ends, the sync cannot. l.g.mu is held.
func (l *Local) start() {
	g := &l.g
	r, files, dirs := g.next, g.files, g.dirs
	g.next, g.files, g.dirs = nil, nil, nil
	g.running = true
	go l.run(r, files, dirs)
}

func (l *Local) run(r *round, files []string, dirs map[string]bool) {
	err := l.syncOnce(files, dirs)
	g := &l.g
	g.mu.Lock()
	defer g.mu.Unlock()
	prev := g.failed
	g.failed = err
	if err == nil && prev != nil {
		err = fmt.Errorf("the previous round failed while these files were written: %w", prev)
	}
	r.err = err
	close(r.done)
	g.running = false
	if g.next != nil {
		l.start()
	}
}

// syncOnce is one round's sync. syncfs comes first although it also
// writes back what others wrote on the file system: measured under the
// bench's submissions (issue 14), a round of it took 4–20 ms where the
// fsyncs of a round's 50–75 files and directories took 22–56 ms, and
// submissions were faster with it in 10 of 12 paired runs.
func (l *Local) syncOnce(files []string, dirs map[string]bool) error {
	fsys, g := l.fsys(), &l.g
	if !g.noSyncFS {
		if g.root == nil {
			// Kept open for the store's life: syncfs reports a write-back
			// error to a descriptor opened before it, even one another
			// process's syncfs has already seen.
			root, err := os.Open(l.Dir)
			if err != nil {
				return fmt.Errorf("opening %s: %w", l.Dir, err)
			}
			g.root = root
		}
		err := fsys.SyncFS(g.root)
		if !errors.Is(err, errors.ErrUnsupported) {
			return err
		}
		g.noSyncFS = true
	}
	// The fsyncs run side by side: the file system commits its journal
	// once for those that overlap, where one after the other each would
	// wait for its own commit.
	names := files
	for d := range dirs {
		names = append(names, d)
	}
	errs := make([]error, len(names))
	sem := make(chan struct{}, parallelFsyncs)
	var wg sync.WaitGroup
	for i, name := range names {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			err := fsys.Fsync(name)
			// A file discarded since it was staged needs nothing.
			if err != nil && (i >= len(files) || !errors.Is(err, fs.ErrNotExist)) {
				errs[i] = fmt.Errorf("syncing %s: %w", name, err)
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// parallelFsyncs bounds the fsyncs a round runs at once.
const parallelFsyncs = 16
