package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// openSQLiteBare opens a SQLite store (no migrations) with a table of
// blobs, and swaps its checkpointer for one with the test's settings;
// without one, it stops the checkpointer.
func openSQLiteBare(t *testing.T, tune func(c *checkpointer)) (*DB, string) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ckpt.db")
	db, err := Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.rw.ExecContext(ctx, `CREATE TABLE blobs (id INTEGER PRIMARY KEY, b BLOB)`); err != nil {
		t.Fatal(err)
	}
	if err := db.ckpt.stop(); err != nil {
		t.Fatal(err)
	}
	db.ckpt = nil
	if tune != nil {
		c, err := newCheckpointer(ctx, db.rw, "file:"+path, path)
		if err != nil {
			t.Fatal(err)
		}
		tune(c)
		db.ckpt = c
		c.start()
	}
	return db, path
}

// writeBlobs commits n transactions of one 4 KiB row each (two pages of
// WAL and more a commit), and answers the largest WAL file seen.
func writeBlobs(t *testing.T, db *DB, path string, n int) int64 {
	t.Helper()
	blob := make([]byte, 4096)
	var peak int64
	for i := range n {
		if _, err := db.rw.Exec(`INSERT INTO blobs (b) VALUES ($1)`, blob); err != nil {
			t.Fatal(err)
		}
		if i%50 == 0 {
			peak = max(peak, walFileSize(t, path))
		}
	}
	return max(peak, walFileSize(t, path))
}

func walFileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// TestWriterDoesNotCheckpoint: the writer's connection has automatic
// checkpoints off (they ran inside commits); the checkpointer's keeps
// SQLite's default, which never fires on a connection that does not write.
func TestWriterDoesNotCheckpoint(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.rw.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&n); err != nil || n != 0 {
		t.Errorf("writer's wal_autocheckpoint = %d (%v), want 0", n, err)
	}
	if err := db.ckpt.conn.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&n); err != nil || n == 0 {
		t.Errorf("checkpointer's wal_autocheckpoint = %d (%v), want SQLite's default", n, err)
	}
	var mode string
	if err := db.rw.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q (%v)", mode, err)
	}
}

// TestCheckpointerBoundsTheWAL: with the writer never checkpointing, the
// WAL grows with every commit unless the checkpointer copies it back; with
// the checkpointer running (small thresholds, so that the test writes
// little), it stays under its bound.
func TestCheckpointerBoundsTheWAL(t *testing.T) {
	const commits = 1500 // about 12 MiB of WAL without checkpoints
	const bound = 3 << 20
	for _, c := range []struct {
		name    string
		tune    func(c *checkpointer)
		bounded bool
	}{
		{"no checkpointer", nil, false},
		{"on time only", func(c *checkpointer) {
			c.every, c.poll, c.pages, c.capBytes = 5*time.Millisecond, time.Millisecond, 1<<40, 1<<20
		}, true},
		{"on time and growth", func(c *checkpointer) {
			c.every, c.poll, c.pages, c.capBytes = 20*time.Millisecond, time.Millisecond, 64, 1<<20
		}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			db, path := openSQLiteBare(t, c.tune)
			peak := writeBlobs(t, db, path, commits)
			t.Logf("WAL peak: %d bytes", peak)
			if c.bounded && peak > bound {
				t.Errorf("WAL reached %d bytes, want at most %d", peak, bound)
			}
			if !c.bounded && peak <= bound {
				t.Errorf("without a checkpointer the WAL stayed at %d bytes: the writer checkpoints on its own", peak)
			}
			var n int
			if err := db.ro.QueryRow(`SELECT COUNT(*) FROM blobs`).Scan(&n); err != nil || n != commits {
				t.Errorf("%d rows (%v), want %d", n, err, commits)
			}
		})
	}
}

// TestCheckpointerRestartsPastTheCap: a reader holding an old snapshot
// keeps passive checkpoints from copying the frames after it; once it is
// gone, a round past the cap copies everything and restarts the WAL, so
// that the next commit writes it from its start (the file stops growing).
func TestCheckpointerRestartsPastTheCap(t *testing.T) {
	ctx := context.Background()
	db, path := openSQLiteBare(t, nil)
	c, err := newCheckpointer(ctx, db.rw, "file:"+path, path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.conn.Close()
	c.every, c.capBytes = 0, 256<<10
	writeBlobs(t, db, path, 10)
	// A reader's snapshot, held open.
	rtx, err := db.ro.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := rtx.QueryRow(`SELECT COUNT(*) FROM blobs`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	writeBlobs(t, db, path, 200)
	res, ran, err := c.round(ctx, time.Now())
	if err != nil || !ran {
		t.Fatalf("round with a reader: ran %v, %v", ran, err)
	}
	if res.copied >= res.log {
		t.Fatalf("the checkpoint copied %d of %d frames past a reader's snapshot", res.copied, res.log)
	}
	rtx.Rollback()
	before := walFileSize(t, path)
	if _, _, err := c.round(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	writeBlobs(t, db, path, 20)
	if after := walFileSize(t, path); after != before {
		t.Errorf("WAL file %d bytes after the restart and 20 commits, want it reused at %d", after, before)
	}
	res, _, err = c.round(ctx, time.Now())
	if err != nil || res.log > 200 {
		t.Errorf("after the restart the WAL holds %d frames (%v), want only the last commits'", res.log, err)
	}
}
