// Package files keeps dossier attachments behind a small interface; the
// default keeps them in a local directory, addressed by their SHA-256.
//
// An upload is first staged: written under the store's tmp directory, where
// nothing refers to it. Only a request that is accepted keeps it (moves it
// into place); a refused one discards it. Sweep removes what a crash left
// behind: old temporary files, and stored files nothing refers to.
//
// Nothing is durable until Sync: a request stages all its files, syncs once
// (shared with the requests staging at the same time), commits, then keeps
// its files without waiting for another sync. A dossier's submission
// hands its sync to the store's group commit instead (DeferSync), which
// runs one round for the group before its transaction. A
// power cut never leaves a committed dossier referring to content the disk
// lost: the staged copy, named after its content, was durable before the
// commit; if the rename into place did not reach the disk (the next round,
// whoever's, makes it durable), Sweep, which runs when the server starts,
// moves the staged copy into place again.
package files

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Store keeps file contents.
type Store interface {
	// Put stores the content and returns its key, its SHA-256 and its size.
	Put(ctx context.Context, r io.Reader) (key, sum string, size int64, err error)
	// Open returns the content stored under key.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// Stage writes the content where nothing refers to it yet; Keep or
	// Discard settles it. The content is durable once Sync returns.
	Stage(ctx context.Context, r io.Reader) (Staged, error)
	// Keep moves a staged content into place under its key; the move is
	// durable once the next Sync returns, and need not be waited for: the
	// staged copy it moves was durable before anything referred to it.
	Keep(ctx context.Context, s Staged) error
	// Discard forgets a staged content.
	Discard(s Staged) error
	// Sync makes every Stage and Keep that returned before it durable.
	Sync(ctx context.Context) error
}

// Staged is content written by Stage, not yet kept.
type Staged struct {
	Key    string
	SHA256 string
	Size   int64
	// Temp is where the content waits (the store's own name for it).
	Temp string
}

// Local stores files under a directory, named by their SHA-256 so that the
// same scan uploaded twice is kept once.
type Local struct {
	Dir string
	fs  FS
	g   group
}

// NewLocal prepares dir and returns a Local store on it.
func NewLocal(dir string) (*Local, error) { return NewLocalFS(dir, OS{}) }

// NewLocalFS is NewLocal with the given file system operations (a test
// records or fails them).
func NewLocalFS(dir string, fsys FS) (*Local, error) {
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o750); err != nil {
		return nil, fmt.Errorf("creating file store %s: %w", dir, err)
	}
	l := &Local{Dir: dir, fs: fsys}
	// The first round makes the tmp directory's entry durable.
	l.g.note("", dir)
	return l, nil
}

func (l *Local) fsys() FS {
	if l.fs == nil {
		return OS{}
	}
	return l.fs
}

func (l *Local) tmpDir() string { return filepath.Join(l.Dir, "tmp") }

var keyRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Put stages the content and keeps it at once; it returns once both are
// durable. The content is synced before the rename into place, so that a
// crash never leaves a half-written file under a valid key.
func (l *Local) Put(ctx context.Context, r io.Reader) (string, string, int64, error) {
	s, err := l.Stage(ctx, r)
	if err != nil {
		return "", "", 0, err
	}
	if err := l.Sync(ctx); err != nil {
		_ = l.Discard(s)
		return "", "", 0, err
	}
	if err := l.Keep(ctx, s); err != nil {
		_ = l.Discard(s)
		return "", "", 0, err
	}
	if err := l.Sync(ctx); err != nil {
		return "", "", 0, err
	}
	return s.Key, s.SHA256, s.Size, nil
}

// stagedPrefix starts the name of a staged file: "st-<sha256>-<random>",
// so that Sweep can recover a staged file whose dossier was committed just
// before a crash.
const stagedPrefix = "st-"

// Stage writes to a temporary file named after its content. It does not
// sync: Sync makes a whole group of staged files durable at once, where a
// sync per file would cap uploads at the disk's sync rate. On error
// nothing is left.
func (l *Local) Stage(ctx context.Context, r io.Reader) (Staged, error) {
	fsys := l.fsys()
	tmp, err := fsys.CreateTemp(l.tmpDir(), "up-*")
	if err != nil {
		return Staged{}, fmt.Errorf("creating temporary file: %w", err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), r)
	if err != nil {
		tmp.Close()
		fsys.Remove(tmp.Name())
		return Staged{}, fmt.Errorf("writing file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		fsys.Remove(tmp.Name())
		return Staged{}, fmt.Errorf("closing file: %w", err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	name := filepath.Join(l.tmpDir(), stagedPrefix+sum+"-"+strings.TrimPrefix(filepath.Base(tmp.Name()), "up-"))
	if err := fsys.Rename(tmp.Name(), name); err != nil {
		fsys.Remove(tmp.Name())
		return Staged{}, fmt.Errorf("naming staged file: %w", err)
	}
	l.g.note(name, l.tmpDir())
	return Staged{Key: sum, SHA256: sum, Size: n, Temp: name}, nil
}

// Keep moves a staged file into place; the next Sync, whoever calls it,
// makes the move (and the directory it may create) durable. A caller that
// synced the staged file before committing what refers to it need not wait
// for that: until the move is durable, a power cut leaves the staged copy,
// which Sweep moves into place. Content already stored is kept once: the
// staged copy is removed and the stored one's time renewed, so that Sweep
// sees it as fresh.
func (l *Local) Keep(ctx context.Context, s Staged) error {
	if !keyRE.MatchString(s.Key) || !l.isTemp(s.Temp) {
		return fmt.Errorf("keeping file: not a staged file of this store")
	}
	fsys := l.fsys()
	dst := l.path(s.Key)
	dir := filepath.Dir(dst)
	switch err := fsys.Mkdir(dir, 0o750); {
	case err == nil:
		l.g.note("", l.Dir)
	case !errors.Is(err, fs.ErrExist):
		return fmt.Errorf("creating file directory: %w", err)
	}
	// Both directories change: the file leaves tmp (or its copy does) and
	// arrives in dir (or, already there, must be durable for this key too).
	l.g.note("", dir, l.tmpDir())
	if _, err := os.Stat(dst); err == nil {
		now := time.Now()
		_ = os.Chtimes(dst, now, now)
		if err := fsys.Remove(s.Temp); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("removing staged copy: %w", err)
		}
		return nil
	}
	if err := fsys.Rename(s.Temp, dst); err != nil {
		// Sweep may have moved it first (its dossier is committed).
		if _, serr := os.Stat(dst); errors.Is(err, fs.ErrNotExist) && serr == nil {
			return nil
		}
		return fmt.Errorf("moving file into place: %w", err)
	}
	return nil
}

// Discard removes a staged file; one already gone is not an error.
func (l *Local) Discard(s Staged) error {
	if !l.isTemp(s.Temp) {
		return nil
	}
	if err := l.fsys().Remove(s.Temp); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("discarding staged file: %w", err)
	}
	return nil
}

func (l *Local) isTemp(name string) bool {
	return name != "" && filepath.Dir(name) == l.tmpDir()
}

// ErrNotFound is returned for an unknown key.
var ErrNotFound = errors.New("file not found")

// Open opens the file stored under key.
func (l *Local) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if !keyRE.MatchString(key) {
		return nil, ErrNotFound
	}
	f, err := os.Open(l.path(key))
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotFound
	}
	return f, err
}

func (l *Local) path(sum string) string { return filepath.Join(l.Dir, sum[:2], sum) }

// Referenced reports which of keys a dossier or a draft still refers to.
type Referenced func(ctx context.Context, keys []string) (map[string]bool, error)

// SweepReport counts what Sweep did.
type SweepReport struct {
	Temporary int // temporary files removed
	Orphans   int // stored files removed
	Recovered int // staged files moved into place because a dossier refers to them
}

// sweepBatch is how many keys Sweep asks about at once.
const sweepBatch = 500

// Sweep removes files last changed before now-olderThan that no request
// will settle any more: temporary files, and stored files that referenced
// does not report. Younger files are left alone: a request may still be
// using them. A staged file whose key is referenced but missing in place is
// moved there instead, however young: its dossier was committed and the
// move lost by a crash (or not made yet: Keep copes with finding it done).
func (l *Local) Sweep(ctx context.Context, olderThan time.Duration, referenced Referenced) (SweepReport, error) {
	var rep SweepReport
	cutoff := time.Now().Add(-olderThan)
	old := func(path string) bool {
		fi, err := os.Lstat(path)
		return err == nil && fi.ModTime().Before(cutoff)
	}
	// Temporary files.
	tmpDir := l.tmpDir()
	ents, err := os.ReadDir(tmpDir)
	if err != nil {
		return rep, fmt.Errorf("reading %s: %w", tmpDir, err)
	}
	staged := map[string][]string{} // key → staged files
	for _, e := range ents {
		p := filepath.Join(tmpDir, e.Name())
		if e.IsDir() {
			continue
		}
		// Staged files of any age: a young one may belong to a dossier
		// committed just before a power cut that lost its move into place.
		if rest, ok := strings.CutPrefix(e.Name(), stagedPrefix); ok && len(rest) > 64 && keyRE.MatchString(rest[:64]) {
			staged[rest[:64]] = append(staged[rest[:64]], p)
			continue
		}
		if !old(p) {
			continue
		}
		if err := l.fsys().Remove(p); err == nil {
			rep.Temporary++
		}
	}
	if len(staged) > 0 {
		keys := make([]string, 0, len(staged))
		for k := range staged {
			keys = append(keys, k)
		}
		refs, err := askBatched(ctx, referenced, keys)
		if err != nil {
			return rep, err
		}
		for k, paths := range staged {
			for _, p := range paths {
				// Only a staged file whose content matches its name is
				// recovered: Stage no longer syncs, so a crash may leave a
				// named file the disk kept only part of (its request never
				// committed; another, with the same content, may have).
				if refs[k] && sumOf(p) == k {
					if _, err := os.Stat(l.path(k)); errors.Is(err, os.ErrNotExist) {
						if err := l.Keep(ctx, Staged{Key: k, Temp: p}); err == nil {
							rep.Recovered++
							continue
						}
					}
				}
				if !old(p) {
					continue // its request may still keep or discard it
				}
				if err := l.fsys().Remove(p); err == nil {
					rep.Temporary++
				}
			}
		}
		if rep.Recovered > 0 {
			if err := l.Sync(ctx); err != nil {
				return rep, fmt.Errorf("recovering staged files: %w", err)
			}
		}
	}
	// Stored files.
	var candidates []string
	flush := func() error {
		refs, err := askBatched(ctx, referenced, candidates)
		if err != nil {
			return err
		}
		for _, k := range candidates {
			if !refs[k] && old(l.path(k)) {
				if err := l.fsys().Remove(l.path(k)); err == nil {
					rep.Orphans++
				}
			}
		}
		candidates = candidates[:0]
		return nil
	}
	err = filepath.WalkDir(l.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p == tmpDir {
				return filepath.SkipDir
			}
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		name := d.Name()
		if !keyRE.MatchString(name) || filepath.Dir(p) != filepath.Join(l.Dir, name[:2]) || !old(p) {
			return nil
		}
		candidates = append(candidates, name)
		if len(candidates) >= sweepBatch {
			return flush()
		}
		return nil
	})
	if err == nil && len(candidates) > 0 {
		err = flush()
	}
	if err != nil {
		return rep, fmt.Errorf("sweeping %s: %w", l.Dir, err)
	}
	return rep, nil
}

// sumOf returns the hex SHA-256 of a file's content, "" if unreadable.
func sumOf(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}

func askBatched(ctx context.Context, referenced Referenced, keys []string) (map[string]bool, error) {
	out := map[string]bool{}
	for len(keys) > 0 {
		n := min(len(keys), sweepBatch)
		refs, err := referenced(ctx, keys[:n])
		if err != nil {
			return nil, fmt.Errorf("asking which files are referenced: %w", err)
		}
		for k, v := range refs {
			out[k] = out[k] || v
		}
		keys = keys[n:]
	}
	return out, nil
}
