package files

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"
)

// fsyncOnly is the OS without syncfs: Local fsyncs file by file.
type fsyncOnly struct{ OS }

func (fsyncOnly) SyncFS(*os.File) error { return errors.ErrUnsupported }

// BenchmarkStageTwo stages two small scans per operation, as a submission
// with two documents does, and makes them durable, from parallel callers:
// each file fsynced on its own (the store before issue 14), or Sync's
// rounds shared with the callers beside (syncfs, or fsync of each file and
// of the tmp directory). The staged files are discarded after. Vary the
// callers with -cpu:
//
//	go test -run '^$' -bench StageTwo -cpu 1,4,16 ./internal/files/
func BenchmarkStageTwo(b *testing.B) {
	scan := bytes.Repeat([]byte("%PDF-1.4 scan "), 32<<10/14) // ≈ 32 KiB
	for _, bc := range []struct {
		name    string
		fs      FS
		perFile bool
	}{
		{"per-file-fsync", OS{}, true},
		{"group-syncfs", OS{}, false},
		{"group-fsync-each", fsyncOnly{}, false},
	} {
		b.Run(bc.name, func(b *testing.B) {
			l, err := NewLocalFS(b.TempDir(), bc.fs)
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.SetBytes(int64(2 * len(scan)))
			b.RunParallel(func(pb *testing.PB) {
				var staged [2]Staged
				for pb.Next() {
					for i := range staged {
						s, err := l.Stage(ctx, bytes.NewReader(scan))
						if err != nil {
							b.Fatal(err)
						}
						if bc.perFile {
							if err := bc.fs.Fsync(s.Temp); err != nil {
								b.Fatal(err)
							}
						}
						staged[i] = s
					}
					if !bc.perFile {
						if err := l.Sync(ctx); err != nil {
							b.Fatal(err)
						}
					}
					for _, s := range staged {
						if err := l.Discard(s); err != nil {
							b.Fatal(err)
						}
					}
				}
			})
		})
	}
}
