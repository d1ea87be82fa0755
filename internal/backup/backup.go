// Package backup takes a consistent copy of a motcua deployment (the
// database and every file it references) into a directory, and brings it
// back.
//
// A backup directory holds:
//
//	manifest.json   what was copied, with the SHA-256 of every file
//	db.sqlite       SQLite: a VACUUM INTO copy, or
//	db.dump         PostgreSQL: pg_dump --format=custom
//	files/XX/KEY    every document the copy references
//
// Files are copied after the database: a document's file is written before
// its dossier commits, so every file the copy references exists by then.
package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"time"

	"github.com/motcua/motcua/internal/files"
	"github.com/motcua/motcua/internal/store"
)

// Format is the version of the directory layout.
const Format = 1

// ManifestName is the manifest's file name in a backup directory.
const ManifestName = "manifest.json"

// Manifest describes a backup.
type Manifest struct {
	Format        int       `json:"format"`
	MotcuaVersion string    `json:"motcua_version"`
	CreatedAt     time.Time `json:"created_at"`
	Engine        string    `json:"engine"`
	// Schema is the PostgreSQL schema dumped.
	Schema        string `json:"schema,omitempty"`
	SchemaVersion int64  `json:"schema_version"`
	Database      string `json:"database"`
	Dossiers      int64  `json:"dossiers"`
	Events        int64  `json:"events"`
	Documents     int64  `json:"documents"`
	// Files maps every file of the backup (relative, slash-separated) to
	// its SHA-256.
	Files map[string]string `json:"files"`
}

var keyRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Take writes a backup of db and of the files it references (read from
// fs) into dir, which must not exist or be empty.
func Take(ctx context.Context, db *store.DB, fs files.Store, dir, version string) (*Manifest, error) {
	if err := emptyDir(dir); err != nil {
		return nil, err
	}
	snap, err := db.SnapshotTo(ctx, dir)
	if err != nil {
		return nil, fmt.Errorf("copying the database: %w", err)
	}
	m := &Manifest{Format: Format, MotcuaVersion: version, CreatedAt: time.Now().UTC(), Engine: string(db.Dialect()),
		Schema: snap.Schema, SchemaVersion: snap.SchemaVersion, Database: snap.File,
		Dossiers: snap.Dossiers, Events: snap.Events, Documents: snap.Documents, Files: map[string]string{}}
	sum, err := fileSHA256(filepath.Join(dir, snap.File))
	if err != nil {
		return nil, err
	}
	m.Files[snap.File] = sum
	for _, key := range snap.FileKeys {
		if !keyRE.MatchString(key) {
			return nil, fmt.Errorf("a document has an unexpected storage key %q", key)
		}
		rel := filepath.ToSlash(filepath.Join("files", key[:2], key))
		sum, err := copyOut(ctx, fs, key, filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			return nil, err
		}
		m.Files[rel] = sum
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := writeSynced(filepath.Join(dir, ManifestName), append(b, '\n')); err != nil {
		return nil, err
	}
	return m, nil
}

// ReadManifest reads and checks a backup directory: every file listed is
// present with its SHA-256.
func ReadManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		return nil, fmt.Errorf("reading the backup manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("reading the backup manifest: %w", err)
	}
	if m.Format != Format {
		return nil, fmt.Errorf("the backup has format %d; this motcua reads format %d", m.Format, Format)
	}
	if _, ok := m.Files[m.Database]; !ok || m.Database == "" {
		return nil, errors.New("the backup manifest names no database copy")
	}
	names := make([]string, 0, len(m.Files))
	for name := range m.Files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if !filepath.IsLocal(filepath.FromSlash(name)) {
			return nil, fmt.Errorf("the backup manifest names a file outside the backup: %q", name)
		}
		sum, err := fileSHA256(p)
		if err != nil {
			return nil, err
		}
		if sum != m.Files[name] {
			return nil, fmt.Errorf("%s does not match the manifest (SHA-256 %s, expected %s): the backup is damaged", name, sum, m.Files[name])
		}
	}
	return &m, nil
}

// RestoreDB checks the backup in dir and loads its database into the
// store named by dsn (empty unless force). The caller then opens and
// migrates the store.
func RestoreDB(ctx context.Context, dir, dsn string, force bool) (*Manifest, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	if err := store.RestoreSnapshot(ctx, dsn, filepath.Join(dir, m.Database), m.Schema, force); err != nil {
		return nil, fmt.Errorf("restoring the database: %w", err)
	}
	return m, nil
}

// RestoreFiles puts the backup's files into the file store, checking that
// each one's content matches its key.
func RestoreFiles(ctx context.Context, dir string, m *Manifest, fs files.Store) (int, error) {
	n := 0
	for name := range m.Files {
		if name == m.Database {
			continue
		}
		key := filepath.Base(filepath.FromSlash(name))
		f, err := os.Open(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return n, fmt.Errorf("reading %s: %w", name, err)
		}
		got, _, _, err := fs.Put(ctx, f)
		f.Close()
		if err != nil {
			return n, fmt.Errorf("restoring %s: %w", name, err)
		}
		if got != key {
			return n, fmt.Errorf("restoring %s: stored as %s", name, got)
		}
		n++
	}
	return n, nil
}

// emptyDir creates dir, or accepts it if it exists and is empty.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("creating the backup directory: %w", err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("reading the backup directory: %w", err)
	case len(entries) > 0:
		return fmt.Errorf("the backup directory %s is not empty", dir)
	}
	return nil
}

func copyOut(ctx context.Context, fs files.Store, key, to string) (string, error) {
	src, err := fs.Open(ctx, key)
	if err != nil {
		return "", fmt.Errorf("reading file %s: %w", key, err)
	}
	defer src.Close()
	if err := os.MkdirAll(filepath.Dir(to), 0o750); err != nil {
		return "", fmt.Errorf("creating %s: %w", filepath.Dir(to), err)
	}
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", fmt.Errorf("creating %s: %w", to, err)
	}
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(dst, h), src); err != nil {
		dst.Close()
		return "", fmt.Errorf("copying file %s: %w", key, err)
	}
	if err := dst.Sync(); err != nil {
		dst.Close()
		return "", fmt.Errorf("syncing %s: %w", to, err)
	}
	if err := dst.Close(); err != nil {
		return "", err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if sum != key {
		return "", fmt.Errorf("file %s in the file store is damaged (its content hashes to %s)", key, sum)
	}
	return sum, nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func writeSynced(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("syncing %s: %w", path, err)
	}
	return f.Close()
}
