package store_test

import (
	"context"
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
		db, err := store.OpenWith(ctx, "sqlite:"+filepath.Join(t.TempDir(), "m.db"), store.Options{SQLiteMmapMB: tc.mb})
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
	if db, err := store.OpenWith(ctx, "sqlite:"+filepath.Join(t.TempDir(), "m.db"), store.Options{SQLiteMmapMB: -1}); err == nil {
		db.Close()
		t.Error("a negative memory map was accepted")
	}
}
