package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestSweepFiles, on both engines: the sweeper keeps the files of dossiers
// and drafts, removes an old orphan and an old temporary file, and leaves
// young files alone; the periodic file_sweep job runs it as soon as the
// job queue starts.
func TestSweepFiles(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			ctx := context.Background()
			citizen := env.Login(apptest.CitizenA)
			ct, body := apptest.Multipart(map[string]string{"procedure": apptest.Marriage, "unit": apptest.HangTrong, "form": `{"chong_ho_ten":"A","vo_ho_ten":"B"}`},
				[]apptest.File{{Field: "doc.to_khai", Name: "a.pdf", Content: apptest.PDF("dossier", 500)},
					{Field: "doc.giay_xac_nhan", Name: "b.pdf", Content: apptest.PDF("xac nhan", 500)}})
			if r := citizen.Raw("POST", "/api/v1/dossiers", ct, body, nil); r.Status != 201 {
				t.Fatalf("submit: %d %s", r.Status, r.Body)
			}
			put := func(s string) string {
				k, _, _, err := env.App.Files.Put(ctx, strings.NewReader(s))
				if err != nil {
					t.Fatal(err)
				}
				return k
			}
			drafted, orphan, young := put("in a draft"), put("orphan"), put("young orphan")
			// Account 1 exists in the fixture; the draft refers to drafted.
			if err := env.DB.SaveDraft(ctx, 1, apptest.Marriage, []byte(`{"files":[{"key":"`+drafted+`"}]}`), time.Now()); err != nil {
				t.Fatal(err)
			}
			dir := env.App.Config.FilesDir
			crashed := filepath.Join(dir, "tmp", "up-crashed")
			if err := os.WriteFile(crashed, []byte("half"), 0o600); err != nil {
				t.Fatal(err)
			}
			old := time.Now().Add(-2 * app.SweepAge)
			for _, f := range env.StoredFiles() {
				if !strings.Contains(f, young) {
					if err := os.Chtimes(filepath.Join(dir, f), old, old); err != nil {
						t.Fatal(err)
					}
				}
			}
			before := len(env.StoredFiles())
			stop, err := env.App.StartJobs(ctx)
			if err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(30 * time.Second)
			for len(env.StoredFiles()) != before-2 && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
			}
			if err := stop(); err != nil {
				t.Fatal(err)
			}
			left := strings.Join(env.StoredFiles(), " ")
			for name, want := range map[string]bool{drafted: true, young: true, orphan: false, "up-crashed": false} {
				if strings.Contains(left, name) != want {
					t.Errorf("%s kept %v, want %v (files: %s)", name, !want, want, left)
				}
			}
			if len(env.StoredFiles()) != before-2 {
				t.Errorf("files %s, want the dossier's, the draft's and the young one", left)
			}
		})
	}
}
