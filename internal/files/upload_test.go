package files

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"mime/multipart"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/apperr"
)

var testPDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n%%EOF\n")

var testLimits = Limits{Field: 1 << 10, File: 4 << 10, Dossier: 64 << 10}

// filesIn lists every file under dir.
func filesIn(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

type part struct{ name, filename, content string }

func body(parts ...part) (string, []byte) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for _, p := range parts {
		if p.filename != "" {
			fw, _ := w.CreateFormFile(p.name, p.filename)
			fw.Write([]byte(p.content))
		} else {
			w.WriteField(p.name, p.content)
		}
	}
	w.Close()
	return w.FormDataContentType(), b.Bytes()
}

func read(t testing.TB, st Store, ct string, b []byte, keepGoing bool) (*Multipart, error) {
	r := httptest.NewRequest("POST", "/", bytes.NewReader(b))
	r.Header.Set("Content-Type", ct)
	return ReadMultipart(httptest.NewRecorder(), r, st, testLimits, keepGoing)
}

// TestReadMultipartRefuses: each broken or excessive body is the right
// 4xx and leaves nothing in the store.
func TestReadMultipartRefuses(t *testing.T) {
	pdf := string(testPDF)
	files := func(n int, name string) []part {
		var ps []part
		for i := range n {
			ps = append(ps, part{name, fmt.Sprintf("%d.pdf", i), pdf + fmt.Sprint(i)})
		}
		return ps
	}
	ok, good := body(part{"a", "", "x"}, part{"doc.x", "a.pdf", pdf})
	for _, tc := range []struct {
		name string
		ct   string
		body []byte
		code string
	}{
		{"not multipart", "text/plain", []byte("x"), "bad_multipart"},
		{"unterminated after a field", ok, good[:len(good)-len("--\r\n")-40], "bad_multipart"},
		{"cut inside a file", ok, good[:bytes.Index(good, []byte("%%EOF"))], "bad_multipart"},
		{"garbled headers", "multipart/form-data; boundary=X", []byte("--X\r\nno colon\r\n\r\nx\r\n--X--\r\n"), "bad_multipart"},
		{"NUL in a value", "", nil, "bad_text"},
		{"invalid UTF-8 in a name", "", nil, "bad_text"},
		{"NUL in a file name", "", nil, "bad_multipart"}, // the part's header does not parse
		{"eleven files for one document", "", nil, "too_many_files"},
		{"fifty-one files", "", nil, "too_many_files"},
		{"too many fields", "", nil, "too_many_fields"},
		{"file too large", "", nil, "file_too_large"},
		{"files too large together", "", nil, "dossier_too_large"},
		{"not a PDF", "", nil, "file_type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ct, b := tc.ct, tc.body
			switch tc.name {
			case "NUL in a value":
				ct, b = body(part{"doc.x", "a.pdf", pdf}, part{"note", "", "a\x00b"})
			case "invalid UTF-8 in a name":
				ct, b = body(part{"doc.x", "a.pdf", pdf}, part{"n\xff", "", "a"})
			case "NUL in a file name":
				ct, b = body(part{"doc.x", "a.pdf", pdf}, part{"doc.y", "b\x00.pdf", pdf})
			case "eleven files for one document":
				ct, b = body(files(MaxPerDocument+1, "doc.x")...)
			case "fifty-one files":
				var ps []part
				for i := range MaxPerDossier + 1 {
					ps = append(ps, part{fmt.Sprintf("doc.%d", i), "a.pdf", pdf})
				}
				ct, b = body(ps...)
			case "too many fields":
				var ps []part
				for i := range MaxFields + 1 {
					ps = append(ps, part{fmt.Sprint(i), "", "v"})
				}
				ct, b = body(ps...)
			case "file too large":
				ct, b = body(part{"doc.x", "a.pdf", pdf}, part{"doc.y", "b.pdf", pdf + strings.Repeat(" ", 5<<10)})
			case "files too large together":
				ps := []part{}
				for i := range 17 {
					ps = append(ps, part{fmt.Sprintf("doc.%d", i), "a.pdf", pdf + strings.Repeat(" ", 3<<10+900+i)})
				}
				ct, b = body(ps...)
			case "not a PDF":
				ct, b = body(part{"doc.x", "a.pdf", pdf}, part{"doc.y", "b.pdf", "plain text"})
			}
			dir := t.TempDir()
			l, _ := NewLocal(dir)
			for _, keepGoing := range []bool{false, true} {
				m, err := read(t, l, ct, b, keepGoing)
				if keepGoing && (tc.code == "file_too_large" || tc.code == "file_type") {
					// Recorded, reading goes on; the good file is staged.
					if err != nil || m.Rejected["doc.y"] == nil {
						t.Fatalf("keepGoing: %v %v", err, m)
					}
					m.Discard()
				} else {
					e, isApp := apperr.As(err)
					if !isApp || e.Code != tc.code {
						t.Fatalf("keepGoing %v: error %v, want %s", keepGoing, err, tc.code)
					}
				}
				if left := filesIn(t, dir); len(left) > 0 {
					t.Fatalf("keepGoing %v: left %v", keepGoing, left)
				}
			}
		})
	}
}

// TestReadMultipartKeep: accepted uploads are staged until kept; Discard
// after Keep changes nothing; a long Vietnamese name is cut between
// characters.
func TestReadMultipartKeep(t *testing.T) {
	dir := t.TempDir()
	l, _ := NewLocal(dir)
	long := strings.Repeat("ễ", 100) + ".pdf" // 304 bytes
	ct, b := body(part{"note", "", "Ghi chú"}, part{"doc.x", long, string(testPDF)}, part{"doc.y", "b.pdf", string(testPDF) + " "})
	m, err := read(t, l, ct, b, false)
	if err != nil {
		t.Fatal(err)
	}
	if m.Fields["note"] != "Ghi chú" || len(m.Uploads) != 2 {
		t.Fatalf("read %+v", m)
	}
	if fn := m.Uploads[0].Filename; len(fn) > MaxFilename || !utf8.ValidString(fn) || fn != strings.Repeat("ễ", 66) {
		t.Errorf("file name cut to %q (%d bytes)", fn, len(fn))
	}
	if _, err := l.Open(context.Background(), m.Uploads[0].Key); err != ErrNotFound {
		t.Errorf("a staged file is readable before Keep: %v", err)
	}
	if err := m.KeepSome(context.Background(), func(u Upload) bool { return u.Field == "doc.x" }); err != nil {
		t.Fatal(err)
	}
	m.Discard()
	rc, err := l.Open(context.Background(), m.Uploads[0].Key)
	if err != nil {
		t.Fatalf("kept file: %v", err)
	}
	rc.Close()
	if left := filesIn(t, dir); len(left) != 1 {
		t.Errorf("files %v, want the kept one only", left)
	}
}

func TestCutUTF8(t *testing.T) {
	for _, tc := range []struct {
		s    string
		max  int
		want string
	}{
		{"abc", 5, "abc"},
		{"abc", 2, "ab"},
		{"aễ", 3, "a"}, // ễ is 3 bytes
		{"aễ", 4, "aễ"},
		{"ễễ", 5, "ễ"},
		{"", 0, ""},
	} {
		if got := apperr.CutUTF8(tc.s, tc.max); got != tc.want {
			t.Errorf("CutUTF8(%q, %d) = %q, want %q", tc.s, tc.max, got, tc.want)
		}
	}
}

// TestSweep: old temporary files go, young ones stay; a stored file no one
// refers to goes once old; a referenced one stays; a staged file whose key
// is referenced but missing in place is moved there, durably, even a young
// one (the server restarting right after a power cut that lost the move of
// a committed dossier's file); a young staged file no one refers to yet
// stays for its request.
func TestSweep(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	f := &recFS{}
	l, _ := NewLocalFS(dir, f)
	old := time.Now().Add(-2 * time.Hour)
	age := func(p string) {
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	put := func(s string) string {
		k, _, _, err := l.Put(ctx, strings.NewReader(s))
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	orphan, kept, young := put("orphan"), put("referenced"), put("young orphan")
	age(l.path(orphan))
	age(l.path(kept))
	crashed := filepath.Join(dir, "tmp", "up-123")
	os.WriteFile(crashed, []byte("half"), 0o600)
	age(crashed)
	fresh := filepath.Join(dir, "tmp", "up-456")
	os.WriteFile(fresh, []byte("in flight"), 0o600)
	lost, err := l.Stage(ctx, strings.NewReader("committed before a crash"))
	if err != nil {
		t.Fatal(err)
	}
	age(lost.Temp)
	unref, err := l.Stage(ctx, strings.NewReader("refused before a crash"))
	if err != nil {
		t.Fatal(err)
	}
	age(unref.Temp)
	youngLost, err := l.Stage(ctx, strings.NewReader("committed just before a power cut"))
	if err != nil {
		t.Fatal(err)
	}
	inFlight, err := l.Stage(ctx, strings.NewReader("its request is still running"))
	if err != nil {
		t.Fatal(err)
	}
	// A crash cut the copy of another request (same content, never
	// committed) short: it must not be recovered in place of the whole one.
	torn := filepath.Join(dir, "tmp", stagedPrefix+lost.Key+"-0")
	os.WriteFile(torn, []byte("committed"), 0o600)
	age(torn)
	f.reset()
	refs := map[string]bool{kept: true, lost.Key: true, youngLost.Key: true}
	rep, err := l.Sweep(ctx, time.Hour, func(_ context.Context, keys []string) (map[string]bool, error) {
		out := map[string]bool{}
		for _, k := range keys {
			out[k] = refs[k]
		}
		return out, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep != (SweepReport{Temporary: 3, Orphans: 1, Recovered: 2}) {
		t.Errorf("report %+v", rep)
	}
	if ops := f.seen(); !slices.Contains(ops, op{"rename", l.path(lost.Key)}) || count(after(ops, "rename"), "syncfs") != 1 {
		t.Errorf("recovery without a sync after its rename: %v", ops)
	}
	exists := func(p string) bool { _, err := os.Stat(p); return err == nil }
	for p, want := range map[string]bool{
		l.path(orphan): false, l.path(kept): true, l.path(young): true,
		crashed: false, fresh: true, lost.Temp: false, l.path(lost.Key): true, unref.Temp: false, torn: false,
		youngLost.Temp: false, l.path(youngLost.Key): true, inFlight.Temp: true, l.path(inFlight.Key): false,
	} {
		if exists(p) != want {
			t.Errorf("%s exists %v, want %v", p, !want, want)
		}
	}
	if b, _ := os.ReadFile(l.path(lost.Key)); string(b) != "committed before a crash" {
		t.Errorf("recovered %q", b)
	}
}

// TestKeepAfterSweep: Sweep may move a committed dossier's staged file
// into place before its request keeps it, or while Keep runs (between its
// look at the place and its rename); keeping it then is no error.
func TestKeepAfterSweep(t *testing.T) {
	ctx := context.Background()
	for _, during := range []bool{false, true} {
		f := &recFS{}
		l, _ := NewLocalFS(t.TempDir(), f)
		s, err := l.Stage(ctx, strings.NewReader("committed, not kept yet"))
		if err != nil {
			t.Fatal(err)
		}
		sweep := func() {
			rep, err := l.Sweep(ctx, time.Hour, func(_ context.Context, keys []string) (map[string]bool, error) {
				return map[string]bool{s.Key: true}, nil
			})
			if err != nil || rep.Recovered != 1 {
				t.Fatalf("sweep: %+v %v", rep, err)
			}
		}
		if during {
			f.beforeRename = func(oldpath, _ string) {
				if oldpath == s.Temp {
					f.beforeRename = nil
					sweep()
				}
			}
		} else {
			sweep()
		}
		if err := l.Keep(ctx, s); err != nil {
			t.Errorf("Keep with the sweep moving the file (during %v): %v", during, err)
		}
		if b, err := os.ReadFile(l.path(s.Key)); err != nil || string(b) != "committed, not kept yet" {
			t.Errorf("in place: %q %v", b, err)
		}
	}
}
