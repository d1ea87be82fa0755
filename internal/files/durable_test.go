package files

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/apperr"
)

// op is one call recFS saw.
type op struct{ kind, path string }

// recFS is the OS file system, recording the calls durability depends on
// in their order (a sync both when it begins and when it has ended); it can
// hide syncfs (the fallback), fail syncs, and hold each syncfs until the
// test lets it go.
type recFS struct {
	OS
	noSyncFS bool

	mu   sync.Mutex
	ops  []op
	fail []error // the next syncs' errors, one each (syncfs or fsync)
	// failOn fails the next fsync of a path, once.
	failOn map[string]error

	entered chan string   // if set, a sync tells it has begun…
	hold    chan struct{} // …and waits for this

	// beforeRename, if set, runs before each rename (another process
	// acting between a check and the rename).
	beforeRename func(oldpath, newpath string)
}

func (f *recFS) rec(kind, path string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ops = append(f.ops, op{kind, path})
}

func (f *recFS) takeFail() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.fail) == 0 {
		return nil
	}
	err := f.fail[0]
	f.fail = f.fail[1:]
	return err
}

func (f *recFS) wait(what string) {
	if f.entered != nil {
		f.entered <- what
		<-f.hold
	}
}

func (f *recFS) CreateTemp(dir, pattern string) (*os.File, error) {
	tf, err := f.OS.CreateTemp(dir, pattern)
	if err == nil {
		f.rec("create", tf.Name())
	}
	return tf, err
}

func (f *recFS) Rename(oldpath, newpath string) error {
	f.rec("rename-from", oldpath)
	f.rec("rename", newpath)
	if f.beforeRename != nil {
		f.beforeRename(oldpath, newpath)
	}
	return f.OS.Rename(oldpath, newpath)
}

func (f *recFS) Mkdir(name string, perm fs.FileMode) error {
	err := f.OS.Mkdir(name, perm)
	if err == nil {
		f.rec("mkdir", name)
	}
	return err
}

func (f *recFS) Remove(name string) error {
	err := f.OS.Remove(name)
	if err == nil {
		f.rec("remove", name)
	}
	return err
}

func (f *recFS) Fsync(name string) error {
	f.rec("fsync", name)
	f.mu.Lock()
	err, ok := f.failOn[name]
	delete(f.failOn, name)
	f.mu.Unlock()
	if ok {
		return err
	}
	if err := f.takeFail(); err != nil {
		return err
	}
	err = f.OS.Fsync(name)
	if err == nil {
		f.rec("fsynced", name) // ended: what the round waits for
	}
	return err
}

func (f *recFS) SyncFS(root *os.File) error {
	if f.noSyncFS {
		return errors.ErrUnsupported
	}
	f.rec("syncfs", root.Name())
	f.wait("syncfs")
	if err := f.takeFail(); err != nil {
		return err
	}
	err := f.OS.SyncFS(root)
	f.rec("synced", root.Name()) // the round's end, for the order of commits
	return err
}

// stuck bounds the tests' waits on each other, so that a broken barrier
// fails them instead of hanging the run; it is no speed limit.
const stuck = 10 * time.Second

func recv[T any](t *testing.T, what string, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(stuck):
		t.Fatalf("still waiting for %s", what)
		panic("unreachable")
	}
}

// waitNextRound waits until n of who wait for the next sync round.
func waitNextRound(t *testing.T, l *Local, n int, who string) {
	t.Helper()
	for deadline := time.Now().Add(stuck); ; time.Sleep(time.Millisecond) {
		l.g.mu.Lock()
		waiting := 0
		if l.g.next != nil {
			waiting = l.g.next.waiters
		}
		l.g.mu.Unlock()
		if waiting == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d %s wait for the next round", waiting, n, who)
		}
	}
}

// release lets a held sync go on.
func (f *recFS) release(t *testing.T) {
	t.Helper()
	select {
	case f.hold <- struct{}{}:
	case <-time.After(stuck):
		t.Fatal("no sync is held")
	}
}

// reset forgets the calls seen so far.
func (f *recFS) reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ops = nil
}

func (f *recFS) seen() []op {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.ops)
}

// count counts the calls of a kind.
func count(ops []op, kind string) int {
	n := 0
	for _, o := range ops {
		if o.kind == kind {
			n++
		}
	}
	return n
}

// after returns the calls after the last of a kind.
func after(ops []op, kind string) []op {
	for i := len(ops) - 1; i >= 0; i-- {
		if ops[i].kind == kind {
			return ops[i+1:]
		}
	}
	return ops
}

// newRec returns a Local on a recording FS whose first round (the store's
// own directory) has run, so that the test sees its own calls only.
func newRec(t testing.TB, noSyncFS bool) (*Local, *recFS) {
	t.Helper()
	f := &recFS{noSyncFS: noSyncFS}
	l, err := NewLocalFS(t.TempDir(), f)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.reset()
	return l, f
}

var modes = []struct {
	name     string
	noSyncFS bool
}{{"syncfs", false}, {"fsync each", true}}

// TestReadMultipartSyncsOnce: a request with two documents is durable when
// ReadMultipart returns, with one sync after both files are named (syncfs),
// or one round fsyncing each file and the tmp directory once; a request
// without files syncs nothing.
func TestReadMultipartSyncsOnce(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			l, f := newRec(t, mode.noSyncFS)
			ct, b := body(part{"note", "", "x"}, part{"doc.x", "a.pdf", string(testPDF)}, part{"doc.y", "b.pdf", string(testPDF) + " "})
			m, err := read(t, l, ct, b, false)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Discard()
			ops := f.seen()
			if n := count(ops, "rename"); n != 2 {
				t.Fatalf("%d renames, want 2: %v", n, ops)
			}
			synced := after(ops, "rename") // what runs after both files are named
			if mode.noSyncFS {
				want := []string{m.Uploads[0].Staged.Temp, m.Uploads[1].Staged.Temp, l.tmpDir()}
				var got []string
				for _, o := range synced {
					if o.kind == "fsync" {
						got = append(got, o.path)
					}
				}
				slices.Sort(want)
				slices.Sort(got)
				if !slices.Equal(got, want) || count(ops, "fsync") != 3 {
					t.Errorf("fsynced %v after the renames (all: %v), want %v", got, ops, want)
				}
			} else if count(ops, "syncfs") != 1 || count(synced, "syncfs") != 1 || count(ops, "fsync") != 0 {
				t.Errorf("calls %v, want one syncfs after the renames and no fsync", ops)
			}

			f.reset()
			ct, b = body(part{"note", "", "x"})
			if _, err := read(t, l, ct, b, false); err != nil {
				t.Fatal(err)
			}
			if ops := f.seen(); len(ops) != 0 {
				t.Errorf("a request without files did %v", ops)
			}
		})
	}
}

// TestSyncGroups: callers arriving while a sync runs wait together for the
// next one, never the running one (they may have written after it began):
// nine requests of two files each cost two syncs.
func TestSyncGroups(t *testing.T) {
	ctx := context.Background()
	l, f := newRec(t, false)
	f.entered, f.hold = make(chan string), make(chan struct{})
	request := func(i int) error {
		for j := range 2 {
			if _, err := l.Stage(ctx, strings.NewReader(fmt.Sprintf("request %d file %d", i, j))); err != nil {
				return err
			}
		}
		return l.Sync(ctx)
	}
	first := make(chan error, 1)
	go func() { first <- request(-1) }()
	recv(t, "the first round", f.entered) // it runs, held

	const n = 8
	results := make(chan error, n)
	for i := range n {
		go func() { results <- request(i) }()
	}
	// All of them wait for the next round.
	waitNextRound(t, l, n, "callers")
	f.release(t)                           // the first round ends…
	recv(t, "the second round", f.entered) // …and the second begins, held
	if err := recv(t, "the first caller", first); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-results:
		t.Fatalf("a caller returned before its round (%v)", err)
	default:
	}
	f.release(t)
	for range n {
		if err := recv(t, "the callers of the second round", results); err != nil {
			t.Fatal(err)
		}
	}
	if got := count(f.seen(), "syncfs"); got != 2 {
		t.Errorf("%d syncs for %d requests, want 2", got, n+1)
	}
}

// TestSyncCancel: a caller whose context ends stops waiting; the round
// goes on and serves the others.
func TestSyncCancel(t *testing.T) {
	l, f := newRec(t, false)
	f.entered, f.hold = make(chan string), make(chan struct{})
	other := make(chan error, 1)
	go func() { other <- l.Sync(context.Background()) }()
	recv(t, "the first round", f.entered)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.Sync(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Sync with a canceled context: %v", err)
	}
	f.release(t)
	recv(t, "the canceled caller's round", f.entered) // it still runs
	f.release(t)
	if err := recv(t, "the other caller", other); err != nil {
		t.Fatal(err)
	}
}

// TestKeepRidesNextRound: keeping a request's files renames them into
// place and syncs nothing (the request has committed already, its staged
// copies durable); the next round, whoever calls it, makes the renames
// durable: one syncfs, or the fsyncs of the destination directories, the
// tmp directory and (for a new directory) the store's own.
func TestKeepRidesNextRound(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			l, f := newRec(t, mode.noSyncFS)
			ct, b := body(part{"doc.x", "a.pdf", string(testPDF)}, part{"doc.y", "b.pdf", string(testPDF) + " "})
			m, err := read(t, l, ct, b, false)
			if err != nil {
				t.Fatal(err)
			}
			f.reset()
			if err := m.Keep(context.Background()); err != nil {
				t.Fatal(err)
			}
			ops := f.seen()
			var dsts []string
			for _, u := range m.Uploads {
				dst := l.path(u.Key)
				if !slices.Contains(ops, op{"rename", dst}) {
					t.Errorf("no rename to %s: %v", dst, ops)
				}
				dsts = append(dsts, filepath.Dir(dst))
			}
			if n := count(ops, "syncfs") + count(ops, "fsync"); n != 0 {
				t.Fatalf("Keep synced (%v): the request waits for a second round", ops)
			}
			// Another request's round.
			f.reset()
			if err := l.Sync(context.Background()); err != nil {
				t.Fatal(err)
			}
			ops = f.seen()
			if !mode.noSyncFS {
				if count(ops, "syncfs") != 1 {
					t.Errorf("calls %v, want one syncfs", ops)
				}
				return
			}
			want := append([]string{l.tmpDir(), l.Dir}, dsts...)
			slices.Sort(want)
			want = slices.Compact(want)
			var got []string
			for _, o := range ops {
				if o.kind == "fsync" {
					got = append(got, o.path)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("the next round fsynced %v, want each of %v once", got, want)
			}
		})
	}
}

// submitOne is one request with two documents as the API runs it: read
// (stage and sync), commit (recorded in f's log), keep.
func submitOne(t *testing.T, l *Local, f *recFS, i int) (*Multipart, error) {
	ct, b := body(part{"doc.x", "a.pdf", fmt.Sprintf("%s request %d x", testPDF, i)}, part{"doc.y", "b.pdf", fmt.Sprintf("%s request %d y", testPDF, i)})
	m, err := read(t, l, ct, b, false)
	if err != nil {
		return nil, err
	}
	defer m.Discard()
	f.rec("commit", fmt.Sprint(i))
	return m, m.Keep(context.Background())
}

// committedAfterRound checks, in ops, that request i's commit comes after
// a whole round (syncfs … synced) that began after both its files were
// staged (named in tmp), and that nothing of the request syncs after its
// commit.
func committedAfterRound(t *testing.T, ops []op, i int, m *Multipart) {
	t.Helper()
	commit := slices.Index(ops, op{"commit", fmt.Sprint(i)})
	staged := -1
	for _, u := range m.Uploads {
		staged = max(staged, slices.Index(ops, op{"rename", u.Staged.Temp}))
	}
	if commit < 0 || staged < 0 || len(m.Uploads) != 2 {
		t.Fatalf("request %d: commit at %d, staged at %d in %v", i, commit, staged, ops)
	}
	start := -1
	for j := staged + 1; j < commit; j++ {
		if ops[j].kind == "syncfs" {
			start = j
			break
		}
	}
	if start < 0 || !slices.Contains(ops[start:commit], op{"synced", ops[start].path}) {
		t.Errorf("request %d committed without a whole round after its files were staged: %v", i, ops)
	}
}

// TestSubmissionOneRound: a request with two documents syncs once, before
// its commit, after both files are staged; keeping them after the commit
// renames them into place and syncs nothing (the second round issue 14
// removed). File by file, the round fsyncs both files and the tmp
// directory before the commit.
func TestSubmissionOneRound(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			l, f := newRec(t, mode.noSyncFS)
			m, err := submitOne(t, l, f, 1)
			if err != nil {
				t.Fatal(err)
			}
			ops := f.seen()
			commit := slices.Index(ops, op{"commit", "1"})
			before, after := ops[:commit], ops[commit+1:]
			if mode.noSyncFS {
				want := []string{m.Uploads[0].Staged.Temp, m.Uploads[1].Staged.Temp, l.tmpDir()}
				for _, p := range want {
					if !slices.Contains(before, op{"fsync", p}) {
						t.Errorf("%s not fsynced before the commit: %v", p, ops)
					}
				}
			} else {
				committedAfterRound(t, ops, 1, m)
				if n := count(ops, "syncfs"); n != 1 {
					t.Errorf("%d syncfs for one request, want 1: %v", n, ops)
				}
			}
			if n := count(after, "syncfs") + count(after, "fsync"); n != 0 {
				t.Errorf("synced after the commit: %v", after)
			}
			for _, u := range m.Uploads {
				if !slices.Contains(after, op{"rename", l.path(u.Key)}) {
					t.Errorf("%s not moved into place after the commit: %v", u.Key, after)
				}
			}
		})
	}
}

// TestSubmissionGroupRounds: requests arriving while a round runs share
// the next one: nine requests of two documents each, committed and kept,
// cost two syncs in all (one round each before its commit, none after),
// where each syncing twice cost three or more.
func TestSubmissionGroupRounds(t *testing.T) {
	l, f := newRec(t, false)
	f.entered, f.hold = make(chan string), make(chan struct{})
	type res struct {
		i   int
		m   *Multipart
		err error
	}
	results := make(chan res, 9)
	go func() { m, err := submitOne(t, l, f, 0); results <- res{0, m, err} }()
	recv(t, "the first round", f.entered) // held
	const n = 8
	for i := 1; i <= n; i++ {
		go func() { m, err := submitOne(t, l, f, i); results <- res{i, m, err} }()
	}
	waitNextRound(t, l, n, "requests")
	f.release(t)
	recv(t, "the second round", f.entered)
	f.release(t)
	ms := map[int]*Multipart{}
	for range n + 1 {
		r := recv(t, "the requests", results)
		if r.err != nil {
			t.Fatalf("request %d: %v", r.i, r.err)
		}
		ms[r.i] = r.m
	}
	ops := f.seen()
	for i, m := range ms {
		committedAfterRound(t, ops, i, m)
	}
	if got := count(ops, "syncfs"); got != 2 {
		t.Errorf("%d syncs for %d requests, want 2: %v", got, n+1, ops)
	}
}

// TestPutDurable: Put syncs the content before renaming it into place and
// the rename after; so does a Put of content already stored.
func TestPutDurable(t *testing.T) {
	l, f := newRec(t, false)
	for i := range 2 {
		f.reset()
		if _, _, _, err := l.Put(context.Background(), strings.NewReader("same content")); err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, o := range f.seen() {
			if o.kind == "rename" || o.kind == "syncfs" {
				kinds = append(kinds, o.kind)
			}
		}
		want := []string{"rename", "syncfs", "rename", "syncfs"}
		if i == 1 {
			want = []string{"rename", "syncfs", "syncfs"} // the copy is removed, not renamed
		}
		if !slices.Equal(kinds, want) {
			t.Errorf("Put %d: %v, want %v", i+1, kinds, want)
		}
	}
}

// TestSyncFails: a failing sync fails the request with a 503 that names
// the cause, and leaves nothing; the next round fails too (the error may
// have been its data's), the one after succeeds.
func TestSyncFails(t *testing.T) {
	disk := errors.New("disk on fire")
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			l, f := newRec(t, mode.noSyncFS)
			f.fail = []error{disk}
			ct, b := body(part{"doc.x", "a.pdf", string(testPDF)}, part{"doc.y", "b.pdf", string(testPDF) + " "})
			for i, want := range []bool{true, true, false} {
				m, err := read(t, l, ct, b, true)
				if !want {
					if err != nil {
						t.Fatalf("request %d: %v", i+1, err)
					}
					m.Discard()
					break
				}
				e, ok := apperr.As(err)
				if !ok || e.Code != "file_store_unavailable" || apperr.Status(err) != 503 || !errors.Is(err, disk) {
					t.Fatalf("request %d: %v, want file_store_unavailable caused by %v", i+1, err, disk)
				}
				if left := filesIn(t, l.Dir); len(left) > 0 {
					t.Fatalf("request %d left %v", i+1, left)
				}
			}
		})
	}
}

// TestSyncSkipsDiscarded: file by file, a staged file discarded before the
// round is no error.
func TestSyncSkipsDiscarded(t *testing.T) {
	ctx := context.Background()
	l, f := newRec(t, true)
	s, err := l.Stage(ctx, strings.NewReader("refused"))
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Discard(s); err != nil {
		t.Fatal(err)
	}
	if err := l.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(f.seen(), op{"fsync", s.Temp}) {
		t.Errorf("the round did not try the discarded file: %v", f.seen())
	}
}

// mustSync lists, from the calls in ops before index call (where the test
// called Sync), what a power cut must find on the disk once Sync returns,
// each with the index of its last change: every staged file still in tmp
// (its content) and every directory whose entries a rename, in or out, or
// a mkdir changed. A staged file moved or removed since needs nothing: it
// was synced before anything referred to it, and a leftover copy in tmp is
// harmless (Sweep removes it).
func mustSync(ops []op, call int, tmp string) map[string]int {
	need := map[string]int{}
	for j, o := range ops[:call] {
		switch o.kind {
		case "rename":
			need[filepath.Dir(o.path)] = j
			if filepath.Dir(o.path) == tmp {
				need[o.path] = j
			}
		case "rename-from", "remove":
			delete(need, o.path)
			if o.kind == "rename-from" {
				need[filepath.Dir(o.path)] = j
			}
		case "mkdir":
			need[filepath.Dir(o.path)] = j
		}
	}
	return need
}

// syncedBetween reports whether a sync of path (or of the whole file
// system) began after index from and ended before index to.
func syncedBetween(ops []op, path string, from, to int) bool {
	for k := from + 1; k < to; k++ {
		switch ops[k] {
		case op{"fsync", path}:
			if slices.Contains(ops[k+1:to], op{"fsynced", path}) {
				return true
			}
		case op{"syncfs", ops[k].path}:
			if slices.Contains(ops[k+1:to], op{"synced", ops[k].path}) {
				return true
			}
		}
	}
	return false
}

// syncChecked calls Sync between two marks in f's log and checks that
// everything mustSync names was synced after its change and before Sync
// returned; it returns the names, for the test to check that it asked
// for what it meant to.
func syncChecked(t *testing.T, l *Local, f *recFS, id string) []string {
	t.Helper()
	f.rec("call", id)
	if err := l.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.rec("returned", id)
	ops := f.seen()
	call, ret := slices.Index(ops, op{"call", id}), slices.Index(ops, op{"returned", id})
	var names []string
	for p, j := range mustSync(ops, call, l.tmpDir()) {
		names = append(names, p)
		if !syncedBetween(ops, p, j, ret) {
			t.Errorf("round %s: %s, changed at call %d, was not synced before Sync returned: %v", id, p, j, ops)
		}
	}
	slices.Sort(names)
	return names
}

// sameShard returns two contents whose keys share their directory and a
// third whose key does not.
func sameShard() (a, b, c string) {
	shard := func(s string) string { return fmt.Sprintf("%x", sha256.Sum256([]byte(s)))[:2] }
	seen := map[string]string{} // a key's directory → a content in it
	for i := 0; c == ""; i++ {
		s := fmt.Sprintf("scan %d", i)
		switch prev, ok := seen[shard(s)]; {
		case b == "" && ok:
			a, b = prev, s
		case b != "" && shard(s) != shard(a):
			c = s
		}
		seen[shard(s)] = s
	}
	return a, b, c
}

// TestEveryChangeSynced is the power-cut rule, checked call by call in
// both modes: when Sync returns, every file staged before it and every
// directory an earlier rename or mkdir changed (tmp for the staged files
// and for the moves out of it; each key's directory for the moves into
// it; the store's own for a new key directory) was synced by a round that
// began after the change. Round 1 stages; round 2 follows only keeps: two
// into one new directory, one into another, and one of content already
// stored (its staged copy removed).
func TestEveryChangeSynced(t *testing.T) {
	ctx := context.Background()
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			l, f := newRec(t, mode.noSyncFS)
			a, b, c := sameShard()
			var staged []Staged
			for _, s := range []string{a, b, c, a, "refused"} {
				st, err := l.Stage(ctx, strings.NewReader(s))
				if err != nil {
					t.Fatal(err)
				}
				staged = append(staged, st)
			}
			if err := l.Discard(staged[4]); err != nil {
				t.Fatal(err)
			}
			want := []string{l.tmpDir(), staged[0].Temp, staged[1].Temp, staged[2].Temp, staged[3].Temp}
			slices.Sort(want)
			if got := syncChecked(t, l, f, "1"); !slices.Equal(got, want) {
				t.Errorf("round 1 had to sync %v, want %v", got, want)
			}

			for _, st := range staged[:4] {
				if err := l.Keep(ctx, st); err != nil {
					t.Fatal(err)
				}
			}
			want = []string{l.Dir, l.tmpDir(), filepath.Dir(l.path(staged[0].Key)), filepath.Dir(l.path(staged[2].Key))}
			slices.Sort(want)
			if got := syncChecked(t, l, f, "2"); !slices.Equal(got, want) {
				t.Errorf("round 2 had to sync %v, want %v", got, want)
			}
			if n := count(f.seen(), "mkdir"); n != 2 {
				t.Errorf("%d directories made, want 2", n)
			}
		})
	}
}

// TestDirSyncFails: file by file, a directory whose fsync fails (a move
// into it may be lost) fails the round and the next one; the one after
// succeeds.
func TestDirSyncFails(t *testing.T) {
	ctx := context.Background()
	disk := errors.New("directory lost")
	l, f := newRec(t, true)
	st, err := l.Stage(ctx, strings.NewReader("scan"))
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := l.Keep(ctx, st); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(l.path(st.Key))
	f.failOn = map[string]error{dir: disk}
	for i, want := range []bool{true, true, false} {
		err := l.Sync(ctx)
		if got := errors.Is(err, disk); got != want {
			t.Errorf("round %d: %v, want failed %v (caused by %v)", i+1, err, want, disk)
		}
		if i == 0 && !slices.Contains(f.seen(), op{"fsync", dir}) {
			t.Errorf("the round did not fsync %s: %v", dir, f.seen())
		}
	}
}

// TestNewLocalSync: each mode gets its way of syncing; an unknown one is
// refused.
func TestNewLocalSync(t *testing.T) {
	for _, tc := range []struct {
		mode    string
		perFile bool
	}{{SyncFSMode, false}, {FsyncMode, true}} {
		l, err := NewLocalSync(t.TempDir(), tc.mode)
		if err != nil {
			t.Fatalf("%q: %v", tc.mode, err)
		}
		_, perFile := l.fsys().(FsyncEach)
		if perFile != tc.perFile {
			t.Errorf("%q: fsync file by file %v, want %v", tc.mode, perFile, tc.perFile)
		}
		if tc.perFile && !errors.Is(l.fsys().SyncFS(nil), errors.ErrUnsupported) {
			t.Errorf("%q: syncfs not refused", tc.mode)
		}
	}
	if _, err := NewLocalSync(t.TempDir(), "none"); err == nil {
		t.Error("an unknown sync mode was accepted")
	}
}

// TestDeferSync: with DeferSync, ReadMultipart stages without syncing;
// Durable hands over one round that covers the request's files (a
// failure is the same 503 ReadMultipart gives), equal for every request
// on the store so that a group commit syncs once; Keep refuses uploads
// whose sync was never handed over; nothing to sync is a nil Durable.
func TestDeferSync(t *testing.T) {
	ctx := context.Background()
	l, f := newRec(t, false)
	readDeferred := func(parts ...part) (*Multipart, error) {
		ct, b := body(parts...)
		r := httptest.NewRequest("POST", "/", bytes.NewReader(b))
		r.Header.Set("Content-Type", ct)
		return ReadMultipart(httptest.NewRecorder(), r, l, testLimits, false, DeferSync)
	}
	m1, err := readDeferred(part{"doc.x", "a.pdf", string(testPDF)})
	if err != nil {
		t.Fatal(err)
	}
	defer m1.Discard()
	m2, err := readDeferred(part{"doc.y", "b.pdf", string(testPDF) + " "})
	if err != nil {
		t.Fatal(err)
	}
	defer m2.Discard()
	if ops := f.seen(); count(ops, "syncfs")+count(ops, "fsync") != 0 || count(ops, "rename") != 2 {
		t.Fatalf("reading with DeferSync did %v, want the two files staged and no sync", ops)
	}
	if err := m1.Keep(ctx); !errors.Is(err, ErrSyncNotHandedOver) {
		t.Errorf("Keep of uploads whose sync was never handed over: %v, want ErrSyncNotHandedOver", err)
	}
	d1, d2 := m1.Durable(), m2.Durable()
	if d1 == nil || d1 != d2 {
		t.Fatalf("Durables %v and %v, want equal ones for one store", d1, d2)
	}
	if d := m1.Durable(); d != nil {
		t.Errorf("Durable handed over twice: %v", d)
	}
	if err := d1.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if ops := f.seen(); count(after(ops, "rename"), "syncfs") != 1 || count(ops, "syncfs") != 1 {
		t.Errorf("calls %v, want one syncfs after both files were staged", ops)
	}
	if err := m1.Keep(ctx); err != nil {
		t.Fatal(err)
	}

	// Nothing to sync: no files, or ReadMultipart synced them itself.
	m4, err := readDeferred(part{"note", "", "x"})
	if err != nil {
		t.Fatal(err)
	}
	if d := m4.Durable(); d != nil {
		t.Errorf("a request without files hands over %v", d)
	}
	ct, b := body(part{"doc.w", "d.pdf", string(testPDF) + "   "})
	m5, err := read(t, l, ct, b, false)
	if err != nil {
		t.Fatal(err)
	}
	if d := m5.Durable(); d != nil {
		t.Errorf("a request ReadMultipart synced hands over %v", d)
	}
	if err := m5.Keep(ctx); err != nil {
		t.Fatal(err)
	}

	// A failing round: the 503 of ReadMultipart, caused by the disk.
	disk := errors.New("disk on fire")
	f.fail = []error{disk}
	m3, err := readDeferred(part{"doc.z", "c.pdf", string(testPDF) + "  "})
	if err != nil {
		t.Fatal(err)
	}
	err = m3.Durable().Sync(ctx)
	if e, ok := apperr.As(err); !ok || e.Code != "file_store_unavailable" || apperr.Status(err) != 503 || !errors.Is(err, disk) {
		t.Errorf("failing sync: %v, want file_store_unavailable caused by %v", err, disk)
	}
	m3.Discard()
}
