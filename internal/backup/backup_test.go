package backup_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/backup"
	"github.com/motcua/motcua/internal/cli"
	"github.com/motcua/motcua/internal/files"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// testDeadline bounds the waits by the test binary's own deadline (less a
// margin to report), not by a budget a busy machine may exceed.
func testDeadline(t *testing.T) time.Time {
	d, ok := t.Deadline()
	if !ok {
		return time.Now().Add(10 * time.Minute)
	}
	return d.Add(-time.Until(d) / 20)
}

// motcua runs the command line in-process.
func motcua(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out bytes.Buffer
	ctx, cancel := context.WithDeadline(context.Background(), testDeadline(t))
	defer cancel()
	code := cli.Run(ctx, append([]string{"motcua"}, args...), cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out})
	return code, out.String()
}

// freshTarget returns the DSN of an empty store to restore into: a new
// SQLite file, or a new PostgreSQL database whose search_path names the
// schema the source lives in (a pg_dump restores the schema it dumped).
func freshTarget(t *testing.T, e store.Dialect, source string) string {
	t.Helper()
	if e == store.SQLite {
		return "sqlite:" + filepath.Join(t.TempDir(), "restored", "motcua.db")
	}
	src, err := url.Parse(source)
	if err != nil {
		t.Fatal(err)
	}
	schema := src.Query().Get("search_path")
	admin, err := sql.Open("pgx", storetest.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("restore_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9)
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
		admin.Close()
	})
	u, _ := url.Parse(storetest.PostgresURL())
	u.Path = "/" + name
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

type acked struct {
	code, sha string
}

// TestBackupRestoreUnderLoad submits dossiers with a file each from several
// clients, takes a backup while they go on, restores it into an empty
// store and file directory, and finds every dossier acknowledged before
// the backup began, with its file, and an intact history.
func TestBackupRestoreUnderLoad(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			citizen := env.Login(apptest.CitizenA)
			var mu sync.Mutex
			var done []acked
			var n atomic.Int64
			stop := make(chan struct{})
			var wg sync.WaitGroup
			var failures atomic.Int64
			for w := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						select {
						case <-stop:
							return
						default:
						}
						content := apptest.PDF(fmt.Sprintf("to khai %d-%d", w, n.Add(1)), 1200)
						ct, body := apptest.Multipart(map[string]string{"procedure": apptest.Marriage, "unit": apptest.HangTrong,
							"form": `{"chong_ho_ten":"Nguyễn Văn An","vo_ho_ten":"Lê Thị Cúc"}`},
							[]apptest.File{{Field: "doc.to_khai", Name: "to-khai.pdf", Content: content},
								{Field: "doc.giay_xac_nhan", Name: "xac-nhan.pdf", Content: apptest.PDF(fmt.Sprintf("xac nhan %d-%d", w, n.Add(1)), 600)}})
						r := citizen.Raw("POST", "/api/v1/dossiers", ct, body, nil)
						if r.Status != 201 {
							failures.Add(1)
							continue
						}
						var d apptest.Dossier
						if err := json.Unmarshal(r.Body, &d); err != nil || len(d.Documents) != 2 {
							failures.Add(1)
							continue
						}
						sum := sha256.Sum256(content)
						if d.Documents[0].SHA256 != hex.EncodeToString(sum[:]) {
							failures.Add(1)
						}
						mu.Lock()
						done = append(done, acked{d.Code, d.Documents[0].SHA256})
						mu.Unlock()
					}
				}()
			}
			waitFor := func(k int) {
				for deadline := testDeadline(t); ; time.Sleep(5 * time.Millisecond) {
					mu.Lock()
					got := len(done)
					mu.Unlock()
					if got >= k {
						return
					}
					if time.Now().After(deadline) {
						t.Fatalf("only %d submissions acknowledged", got)
					}
				}
			}
			waitFor(20)
			mu.Lock()
			before := append([]acked(nil), done...)
			mu.Unlock()
			dir := filepath.Join(t.TempDir(), "backup")
			code, out := motcua(t, "backup", "--db", env.DSN, "--files", env.App.Config.FilesDir, "--to", dir)
			mu.Lock()
			during := len(done) - len(before)
			mu.Unlock()
			waitFor(len(before) + during + 5)
			close(stop)
			wg.Wait()
			if code != 0 {
				t.Fatalf("backup: exit %d: %s", code, out)
			}
			if f := failures.Load(); f > 0 {
				t.Fatalf("%d submissions failed", f)
			}
			m, err := backup.ReadManifest(dir)
			if err != nil {
				t.Fatal(err)
			}
			if m.Engine != string(e) || m.Dossiers < int64(len(before)) || m.Documents != 2*m.Dossiers || len(m.Files) != int(m.Documents)+1 {
				t.Fatalf("manifest %+v (%d acknowledged before)", m, len(before))
			}
			t.Logf("%d dossiers acknowledged before the backup, %d during it; the backup holds %d", len(before), during, m.Dossiers)

			target, filesDir := freshTarget(t, e, env.DSN), filepath.Join(t.TempDir(), "files")
			code, out = motcua(t, "restore", "--from", dir, "--db", target, "--files", filesDir)
			if code != 0 || !strings.Contains(out, "OK: ") {
				t.Fatalf("restore: exit %d: %s", code, out)
			}
			if code, out := motcua(t, "restore", "--from", dir, "--db", target, "--files", filesDir); code != 1 || !strings.Contains(out, "not empty") {
				t.Errorf("a second restore over the first: exit %d: %s", code, out)
			}
			ctx := context.Background()
			db, err := store.Open(ctx, target)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			fs, err := files.NewLocal(filesDir)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range before {
				d, err := db.DossierByCode(ctx, a.code)
				if err != nil {
					t.Fatalf("acknowledged dossier %s is not in the restored store: %v", a.code, err)
				}
				docs, err := db.Documents(ctx, d.ID)
				if err != nil || len(docs) != 2 || docs[0].DocKey != "to_khai" || docs[0].SHA256 != a.sha {
					t.Fatalf("documents of %s: %+v %v", a.code, docs, err)
				}
				for _, doc := range docs {
					rc, err := fs.Open(ctx, doc.StorageKey)
					if err != nil {
						t.Fatalf("file of %s: %v", a.code, err)
					}
					h := sha256.New()
					_, _ = io.Copy(h, rc)
					rc.Close()
					if hex.EncodeToString(h.Sum(nil)) != doc.SHA256 {
						t.Fatalf("file of %s is damaged", a.code)
					}
				}
			}
			rep, err := db.VerifyAudit(ctx)
			if err != nil || !rep.OK() || rep.Dossiers != m.Dossiers || rep.Events != m.Events {
				t.Fatalf("restored store: %+v %v (manifest %d dossiers, %d events)", rep, err, m.Dossiers, m.Events)
			}
		})
	}
}

// TestBackupRefusals: a damaged backup, a used directory and a non-empty
// target are refused.
func TestBackupRefusals(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			env.Login(apptest.CitizenA).Submit(apptest.HangTrong)
			dir := filepath.Join(t.TempDir(), "backup")
			if code, out := motcua(t, "backup", "--db", env.DSN, "--files", env.App.Config.FilesDir, "--to", dir); code != 0 {
				t.Fatalf("backup: %d %s", code, out)
			}
			if code, out := motcua(t, "backup", "--db", env.DSN, "--files", env.App.Config.FilesDir, "--to", dir); code != 1 || !strings.Contains(out, "not empty") {
				t.Errorf("backup into a used directory: %d %s", code, out)
			}
			if code, out := motcua(t, "restore", "--from", dir, "--db", env.DSN, "--files", t.TempDir()); code != 1 || !strings.Contains(out, "not empty") {
				t.Errorf("restore over the live store: %d %s", code, out)
			}
			m, err := backup.ReadManifest(dir)
			if err != nil {
				t.Fatal(err)
			}
			f, err := os.OpenFile(filepath.Join(dir, m.Database), os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = f.Write([]byte("x"))
			f.Close()
			target := freshTarget(t, e, env.DSN)
			if code, out := motcua(t, "restore", "--from", dir, "--db", target, "--files", t.TempDir()); code != 1 || !strings.Contains(out, "damaged") {
				t.Errorf("restore of a damaged backup: %d %s", code, out)
			}
		})
	}
}
