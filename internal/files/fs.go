package files

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// FS is what Local does to the disk that durability depends on: creating,
// naming, removing and syncing. Reads (open, stat, listing) go to the os
// package directly, so an FS acts on the real file system; a test wraps OS
// to record these calls or make them fail.
type FS interface {
	CreateTemp(dir, pattern string) (*os.File, error)
	Rename(oldpath, newpath string) error
	Remove(name string) error
	Mkdir(name string, perm fs.FileMode) error
	// Fsync makes a file's content, or a directory's entries, durable.
	Fsync(name string) error
	// SyncFS makes everything written on the file system that holds the
	// open directory root durable (syncfs(2)); errors.ErrUnsupported where
	// the platform has no such call.
	SyncFS(root *os.File) error
}

// OS is the FS of the operating system, Local's default.
type OS struct{}

// FsyncEach is the OS without syncfs: a round fsyncs each file staged and
// each directory touched since the last one. syncfs writes back every
// dirty page of the file system, whoever wrote it: beside a busy
// neighbour on the same file system (a database's log or checkpoints)
// a round waits for the neighbour's data too.
type FsyncEach struct{ OS }

// SyncFS answers errors.ErrUnsupported, so that Local fsyncs file by file.
func (FsyncEach) SyncFS(*os.File) error { return errors.ErrUnsupported }

// The ways Local makes its writes durable (NewLocalSync).
const (
	SyncFSMode = "syncfs" // one syncfs(2) of the file system a round
	FsyncMode  = "fsync"  // one fsync a file and directory a round
)

// CheckSyncMode reports whether mode names a way NewLocalSync knows.
func CheckSyncMode(mode string) error {
	if mode != SyncFSMode && mode != FsyncMode {
		return fmt.Errorf("unknown sync mode %q: %s or %s", mode, SyncFSMode, FsyncMode)
	}
	return nil
}

// NewLocalSync is NewLocal making its writes durable the given way
// (SyncFSMode or FsyncMode).
func NewLocalSync(dir, mode string) (*Local, error) {
	if err := CheckSyncMode(mode); err != nil {
		return nil, fmt.Errorf("file store %s: %w", dir, err)
	}
	if mode == FsyncMode {
		return NewLocalFS(dir, FsyncEach{})
	}
	return NewLocalFS(dir, OS{})
}

// CreateTemp is os.CreateTemp.
func (OS) CreateTemp(dir, pattern string) (*os.File, error) { return os.CreateTemp(dir, pattern) }

// Rename is os.Rename.
func (OS) Rename(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }

// Remove is os.Remove.
func (OS) Remove(name string) error { return os.Remove(name) }

// Mkdir is os.Mkdir.
func (OS) Mkdir(name string, perm fs.FileMode) error { return os.Mkdir(name, perm) }

// Fsync opens name and fsyncs it. Opening afresh is enough: Linux reports
// to a new descriptor a write-back error no one has seen yet.
func (OS) Fsync(name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// SyncFS syncs the file system holding root (see syncFS).
func (OS) SyncFS(root *os.File) error { return syncFS(root) }
