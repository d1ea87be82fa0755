package api_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/files"
)

// TestSubmitSyncsFilesBeforeCommit, on both engines, through the API with
// the file store on a recording file system: a submission with documents
// syncs its files before its dossier is committed (every sync sees no new
// dossier); a failing sync answers 503 file_store_unavailable,
// commits no dossier and leaves none of the request's files, staged or
// kept.
func TestSubmitSyncsFilesBeforeCommit(t *testing.T) {
	each(t, func(t *testing.T, env *apptest.Env) {
		fsys := &apptest.SyncRecorder{DB: env.DB}
		l, err := files.NewLocalFS(env.App.Config.FilesDir, fsys)
		if err != nil {
			t.Fatal(err)
		}
		env.App.API.Files = l
		c := env.Login(apptest.CitizenA)
		before := countDossiers(t, env)

		d := c.Submit(apptest.HangTrong)
		if got := fsys.Take(); len(got) == 0 || slices.ContainsFunc(got, func(n int) bool { return n != before }) {
			t.Errorf("syncs saw %v dossiers committed, want %d each: the files synced before the commit", got, before)
		}
		if n := countDossiers(t, env); n != before+1 {
			t.Fatalf("%d dossiers after %s, want %d", n, d.Code, before+1)
		}

		disk := errors.New("disk on fire")
		fsys.Fail(disk)
		stored := env.StoredFiles()
		// Other contents than the first submission's, so that a file
		// kept in place would show.
		docs := apptest.MarriageDocuments()
		for i := range docs {
			docs[i].Content = append(slices.Clone(docs[i].Content), []byte("\n% lần hai\n")...)
		}
		form := `{"chong_ho_ten":"Nguyễn Văn An","vo_ho_ten":"Lê Thị Cúc"}`
		ct, body := apptest.Multipart(map[string]string{"procedure": apptest.Marriage, "unit": apptest.HangTrong, "form": form}, docs)
		r := c.Raw("POST", "/api/v1/dossiers", ct, body, nil)
		if r.Status != 503 || !strings.Contains(string(r.Body), "file_store_unavailable") {
			t.Fatalf("failing sync: %d %s, want 503 file_store_unavailable", r.Status, r.Body)
		}
		if len(fsys.Take()) == 0 {
			t.Error("the failing request synced nothing")
		}
		if n := countDossiers(t, env); n != before+1 {
			t.Errorf("%d dossiers after a failing sync, want %d", n, before+1)
		}
		if after := env.StoredFiles(); !slices.Equal(after, stored) {
			t.Errorf("files %v after a failing sync, want %v", after, stored)
		}
	})
}
