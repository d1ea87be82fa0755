// Package files keeps dossier attachments behind a small interface; the
// default keeps them in a local directory, addressed by their SHA-256.
package files

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
)

// Store keeps file contents.
type Store interface {
	// Put stores the content and returns its key, its SHA-256 and its size.
	Put(ctx context.Context, r io.Reader) (key, sum string, size int64, err error)
	// Open returns the content stored under key.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
}

// Local stores files under a directory, named by their SHA-256 so that the
// same scan uploaded twice is kept once.
type Local struct{ Dir string }

// NewLocal prepares dir and returns a Local store on it.
func NewLocal(dir string) (*Local, error) {
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o750); err != nil {
		return nil, fmt.Errorf("creating file store %s: %w", dir, err)
	}
	return &Local{Dir: dir}, nil
}

var keyRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Put writes to a temporary file, syncs it, then renames it into place, so
// that a crash never leaves a half-written file under a valid key.
func (l *Local) Put(ctx context.Context, r io.Reader) (string, string, int64, error) {
	tmp, err := os.CreateTemp(filepath.Join(l.Dir, "tmp"), "up-*")
	if err != nil {
		return "", "", 0, fmt.Errorf("creating temporary file: %w", err)
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), r)
	if err != nil {
		tmp.Close()
		return "", "", 0, fmt.Errorf("writing file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", "", 0, fmt.Errorf("syncing file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", "", 0, fmt.Errorf("closing file: %w", err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	dst := l.path(sum)
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return "", "", 0, fmt.Errorf("creating file directory: %w", err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return "", "", 0, fmt.Errorf("moving file into place: %w", err)
	}
	return sum, sum, n, nil
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
