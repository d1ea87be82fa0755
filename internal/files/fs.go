package files

import (
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
