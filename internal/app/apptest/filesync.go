package apptest

import (
	"os"
	"sync"

	"github.com/motcua/motcua/internal/files"
	"github.com/motcua/motcua/internal/store"
)

// SyncRecorder is the OS file system recording, at each sync of a file
// store on it, how many dossiers were committed; it fails the syncs while
// Fail says so. The tests that a surface makes its files durable before
// the dossier that names them use it (files.NewLocalFS).
type SyncRecorder struct {
	files.OS
	DB *store.DB

	mu   sync.Mutex
	seen []int
	fail error
}

func (f *SyncRecorder) sync() error {
	var n int
	if err := f.DB.ReadDB().QueryRow(`SELECT COUNT(*) FROM dossiers`).Scan(&n); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seen = append(f.seen, n)
	return f.fail
}

// SyncFS records, then syncs.
func (f *SyncRecorder) SyncFS(root *os.File) error {
	if err := f.sync(); err != nil {
		return err
	}
	return f.OS.SyncFS(root)
}

// Fsync records, then syncs.
func (f *SyncRecorder) Fsync(name string) error {
	if err := f.sync(); err != nil {
		return err
	}
	return f.OS.Fsync(name)
}

// Fail makes the syncs fail with err from now on (nil: succeed again).
func (f *SyncRecorder) Fail(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = err
}

// Take answers the dossiers committed at each sync since the last Take.
func (f *SyncRecorder) Take() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.seen
	f.seen = nil
	return s
}
