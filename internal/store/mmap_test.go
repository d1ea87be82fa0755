package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/motcua/motcua/internal/store"
)

// TestSQLiteMmap: the memory map a reader uses is the one asked for, 0
// turning it off (RSS then follows the heap); a negative size is refused.
func TestSQLiteMmap(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		mb   int
		want int64
	}{
		// SQLite caps the map at SQLITE_MAX_MMAP_SIZE, 0x7fff0000.
		{store.DefaultSQLiteMmapMB, 0x7fff0000},
		{256, 256 << 20},
		{0, 0},
	} {
		db, err := store.OpenWith(ctx, "sqlite:"+filepath.Join(t.TempDir(), "m.db"), store.Options{SQLiteMmapMB: tc.mb, SQLiteReadCacheMB: 1})
		if err != nil {
			t.Fatal(err)
		}
		var got int64
		if err := db.ReadDB().QueryRowContext(ctx, "PRAGMA mmap_size").Scan(&got); err != nil {
			t.Fatal(err)
		}
		db.Close()
		if got != tc.want {
			t.Errorf("--sqlite-mmap-mb %d: mmap_size %d, want %d", tc.mb, got, tc.want)
		}
	}
	if db, err := store.OpenWith(ctx, "sqlite:"+filepath.Join(t.TempDir(), "m.db"), store.Options{SQLiteMmapMB: -1, SQLiteReadCacheMB: 1}); err == nil {
		db.Close()
		t.Error("a negative memory map was accepted")
	}
}

// TestSQLiteReadCache: the readers keep the page cache asked for, the
// writer its own; a cache under 1 MiB is refused.
func TestSQLiteReadCache(t *testing.T) {
	ctx := context.Background()
	for _, mb := range []int{1, store.DefaultSQLiteReadCacheMB} {
		db, err := store.OpenWith(ctx, "sqlite:"+filepath.Join(t.TempDir(), "c.db"), store.Options{SQLiteMmapMB: 0, SQLiteReadCacheMB: mb})
		if err != nil {
			t.Fatal(err)
		}
		var got, writer int64
		if err := db.ReadDB().QueryRowContext(ctx, "PRAGMA cache_size").Scan(&got); err != nil {
			t.Fatal(err)
		}
		if err := db.WriteTx(ctx, func(tx *sql.Tx) error {
			return tx.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&writer)
		}); err != nil {
			t.Fatal(err)
		}
		db.Close()
		if got != int64(-mb<<10) {
			t.Errorf("--sqlite-read-cache-mb %d: a reader's cache_size %d, want %d", mb, got, -mb<<10)
		}
		if writer != -32<<10 {
			t.Errorf("--sqlite-read-cache-mb %d: the writer's cache_size %d, want %d", mb, writer, -32<<10)
		}
	}
	if db, err := store.OpenWith(ctx, "sqlite:"+filepath.Join(t.TempDir(), "c.db"), store.Options{SQLiteReadCacheMB: 0}); err == nil {
		db.Close()
		t.Error("a read cache of 0 MiB was accepted")
	}
}
