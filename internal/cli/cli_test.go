package cli_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/cli"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// Real data files, relative to this package's directory.
const (
	units2019   = "../demo/data/hanoi-units-2019.csv"
	units2025   = "../demo/data/hanoi-units-2025.csv"
	mapping2025 = "../demo/data/hanoi-units-2019-to-2025.csv"
	procedures  = "../catalog/demodata/procedures.json"
)

var scheme = org.CodeScheme{Suffix: "H26"}

// untilDeadline is a context that ends shortly before the test binary's
// -timeout does, so that a hang fails the test with its output instead of
// the whole binary with a stack dump, while a slow but live run on a
// loaded machine gets all the time the suite itself allows.
func untilDeadline(t *testing.T) context.Context {
	t.Helper()
	ctx := context.Background()
	if dl, ok := t.Deadline(); ok {
		// Keep a margin to report in: a twentieth of what is left, at
		// least a second and at most half a minute.
		margin := min(max(time.Until(dl)/20, time.Second), 30*time.Second)
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, dl.Add(-margin))
		t.Cleanup(cancel)
	}
	return ctx
}

// lockedBuffer is a bytes.Buffer safe for a server goroutine writing while
// the test reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type result struct {
	code           int
	stdout, stderr string
}

// run calls cli.Run in-process; args exclude the program name.
func run(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	// A bound, so that a store deadlock fails the test instead of hanging it.
	code := cli.Run(untilDeadline(t), append([]string{"motcua"}, args...),
		cli.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb})
	return result{code, out.String(), errb.String()}
}

// mustRun runs a command that must succeed.
func mustRun(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	r := run(t, stdin, args...)
	if r.code != 0 {
		t.Fatalf("motcua %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// eachEngine runs body once per store engine, in parallel subtests.
func eachEngine(t *testing.T, body func(t *testing.T, e store.Dialect)) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			body(t, e)
		})
	}
}

func rawDB(t *testing.T, e store.Dialect, dsn string) *sql.DB {
	t.Helper()
	driver, src := "pgx", dsn
	if e == store.SQLite {
		driver, src = "sqlite", strings.TrimPrefix(dsn, "sqlite:")
	}
	db, err := sql.Open(driver, src)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func countUnits(t *testing.T, db *store.DB) map[org.Kind]int {
	t.Helper()
	c, err := db.CountUnits(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func countProcedures(t *testing.T, db *store.DB) int {
	t.Helper()
	ctx := context.Background()
	n, cursor := 0, ""
	for {
		ps, next, err := db.Procedures(ctx, store.ProcedureFilter{Limit: 200, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		n += len(ps)
		if next == "" {
			return n
		}
		cursor = next
	}
}

// unitCode finds the code of the one unit named name.
func unitCode(t *testing.T, db *store.DB, name string) string {
	t.Helper()
	us, err := db.Units(context.Background(), store.UnitFilter{Q: name})
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, u := range us {
		if u.Name == name {
			codes = append(codes, u.Code)
		}
	}
	if len(codes) != 1 {
		t.Fatalf("units named %q: %v", name, codes)
	}
	return codes[0]
}

func TestCommandLine(t *testing.T) {
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "never.db")
	tests := []struct {
		name           string
		args           []string
		code           int
		stdout, stderr string // substrings expected
		noStdout       bool
	}{
		{"version", []string{"version"}, 0, "motcua dev\n", "", false},
		{"--version", []string{"--version"}, 0, "motcua dev", "", false},
		{"help", []string{"help"}, 0, "Usage:", "", false},
		{"no args", nil, 2, "", "Usage:", true},
		{"unknown command", []string{"frobnicate"}, 2, "", "Usage:", true},
		{"user without add", []string{"user"}, 2, "", "Usage:", true},
		{"user other", []string{"user", "delete", "--db", dsn}, 2, "", "Usage:", true},
		{"units without import", []string{"units"}, 2, "", "Usage:", true},
		{"units export", []string{"units", "export", "--db", dsn}, 2, "", "Usage:", true},
		{"catalog without import", []string{"catalog"}, 2, "", "Usage:", true},
		{"migrate -h", []string{"migrate", "-h"}, 0, "", "-db", true},
		{"unknown flag", []string{"migrate", "--nope"}, 2, "", "flag provided but not defined", true},
		{"bad db scheme", []string{"migrate", "--db", "mysql://x"}, 1, "", "--db must start with sqlite: or postgres://", true},
		{"bad log level", []string{"migrate", "--db", dsn, "--log-level", "loud"}, 1, "", "--log-level", true},
		{"bad agency suffix", []string{"migrate", "--db", dsn, "--agency-suffix", "h2"}, 1, "", "--agency-suffix", true},
		{"bench reuse and keep", []string{"bench", "--reuse", t.TempDir(), "--keep", filepath.Join(t.TempDir(), "new")}, 1, "", "cannot also --keep", true},
		{"bench reuse of no store", []string{"bench", "--reuse", filepath.Join(t.TempDir(), "none")}, 1, "", "--reuse wants the directory of a kept store", true},
		{"bench reuse of a bad schema name", []string{"bench", "--db", "postgres://postgres@127.0.0.1:1/x", "--reuse", "Bad-Name"}, 1, "", "is not a schema name", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, "", tc.args...)
			if r.code != tc.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tc.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, tc.stdout) {
				t.Errorf("stdout %q does not contain %q", r.stdout, tc.stdout)
			}
			if !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("stderr %q does not contain %q", r.stderr, tc.stderr)
			}
			if tc.noStdout && r.stdout != "" {
				t.Errorf("stdout not empty: %q", r.stdout)
			}
		})
	}
	if _, err := os.Stat(strings.TrimPrefix(dsn, "sqlite:")); err == nil {
		t.Errorf("a command refused on its command line created the database")
	}
}

func TestMigrate(t *testing.T) {
	eachEngine(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		db, dsn := storetest.OpenDSN(t, e)
		_, latest, err := db.SchemaVersions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("schema at version %d (latest known %d)\n", latest, latest)
		r := mustRun(t, "", "migrate", "--db", dsn)
		if r.stdout != want {
			t.Errorf("stdout %q, want %q", r.stdout, want)
		}
		// Idempotent.
		if r := mustRun(t, "", "migrate", "--db", dsn); r.stdout != want {
			t.Errorf("second migrate: stdout %q, want %q", r.stdout, want)
		}

		// A database migrated by a newer binary is refused, not touched.
		raw := rawDB(t, e, dsn)
		if _, err := raw.ExecContext(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES ($1, $2)`, latest+1, true); err != nil {
			t.Fatal(err)
		}
		r = run(t, "", "migrate", "--db", dsn)
		if r.code != 1 || !strings.Contains(r.stderr, "upgrade motcua") || r.stdout != "" {
			t.Errorf("newer schema: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
		}
		// Every command that opens the store refuses it.
		r = run(t, "", "units", "import", "--db", dsn, units2019)
		if r.code != 1 || !strings.Contains(r.stderr, "upgrade motcua") {
			t.Errorf("units import on newer schema: exit %d\nstderr: %s", r.code, r.stderr)
		}
		if n := countUnits(t, db); len(n) != 0 {
			t.Errorf("units imported into a newer schema: %v", n)
		}
	})
}

func TestMigrateEnv(t *testing.T) {
	// Not parallel: t.Setenv.
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			db, dsn := storetest.OpenDSN(t, e)
			_, latest, err := db.SchemaVersions(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			t.Setenv("MOTCUA_DB", dsn)
			r := mustRun(t, "", "migrate")
			if want := fmt.Sprintf("schema at version %d (latest known %d)\n", latest, latest); r.stdout != want {
				t.Errorf("stdout %q, want %q", r.stdout, want)
			}
			// A flag beats the environment.
			t.Setenv("MOTCUA_DB", "mysql://nowhere")
			if r := run(t, "", "migrate"); r.code != 1 || !strings.Contains(r.stderr, "mysql://nowhere") {
				t.Errorf("MOTCUA_DB not used: exit %d, stderr %s", r.code, r.stderr)
			}
			mustRun(t, "", "migrate", "--db", dsn)
		})
	}
	t.Run("fresh sqlite via env", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "sub", "env.db")
		t.Setenv("MOTCUA_DB", "sqlite:"+path)
		t.Setenv("MOTCUA_LOG_LEVEL", "warn")
		r := mustRun(t, "", "migrate")
		if !regexp.MustCompile(`^schema at version (\d+) \(latest known (\d+)\)\n$`).MatchString(r.stdout) {
			t.Errorf("stdout %q", r.stdout)
		}
		if _, err := os.Stat(path); err != nil {
			t.Errorf("database not created at MOTCUA_DB: %v", err)
		}
		if strings.Contains(r.stderr, "applied migrations") {
			t.Errorf("MOTCUA_LOG_LEVEL=warn ignored: %s", r.stderr)
		}
		t.Setenv("MOTCUA_LOG_LEVEL", "loud")
		if r := run(t, "", "migrate"); r.code != 1 || !strings.Contains(r.stderr, "--log-level") {
			t.Errorf("bad MOTCUA_LOG_LEVEL: exit %d, stderr %s", r.code, r.stderr)
		}
	})
}

func TestUnitsImport(t *testing.T) {
	eachEngine(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		db, dsn := storetest.OpenDSN(t, e)

		// Errors first, on the empty store: nothing may be imported.
		errs := []struct {
			name   string
			args   []string
			stderr string
		}{
			{"no file", []string{}, "needs a CSV file"},
			{"missing file", []string{filepath.Join(t.TempDir(), "nope.csv")}, "no such file"},
			{"wrong header", []string{writeFile(t, "bad.csv", "id,name\n01,Hà Nội\n")}, "header"},
			{"empty file", []string{writeFile(t, "empty.csv", "")}, "empty"},
			{"2019 file as 2025", []string{"--format", "2025", units2019}, "header"},
			{"2025 file as 2019", []string{"--format", "2019", units2025}, "header"},
			{"unknown format", []string{"--format", "2030", units2019}, "--format must be 2019 or 2025"},
			{"missing mapping", []string{"--format", "2025", units2025, filepath.Join(t.TempDir(), "nope.csv")}, "no such file"},
			{"wrong mapping header", []string{"--format", "2025", units2025, units2019}, "header"},
		}
		for _, tc := range errs {
			args := append([]string{"units", "import", "--db", dsn}, tc.args...)
			r := run(t, "", args...)
			if r.code != 1 || !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("%s: exit %d, stderr %q, want 1 and %q", tc.name, r.code, r.stderr, tc.stderr)
			}
			if strings.Contains(r.stdout, "imported") {
				t.Errorf("%s: reports an import: %s", tc.name, r.stdout)
			}
		}
		if n := countUnits(t, db); len(n) != 0 {
			t.Fatalf("failed imports stored units: %v", n)
		}

		// The real 2019 list: 1 city, 30 districts, 584 communes.
		r := mustRun(t, "", "units", "import", "--db", dsn, "--format", "2019", units2019)
		if want := "imported 615 units, rejected 0 rows\n"; r.stdout != want {
			t.Errorf("2019 import: stdout %q, want %q", r.stdout, want)
		}
		want2019 := map[org.Kind]int{org.KindCity: 1, org.KindDistrict: 30, org.KindCommune: 584}
		if got := countUnits(t, db); fmt.Sprint(got) != fmt.Sprint(want2019) {
			t.Errorf("after 2019: %v, want %v", got, want2019)
		}
		// Re-importing the same file updates in place.
		mustRun(t, "", "units", "import", "--db", dsn, units2019)
		if got := countUnits(t, db); fmt.Sprint(got) != fmt.Sprint(want2019) {
			t.Errorf("after re-import: %v, want %v", got, want2019)
		}

		// The 2025 structure with the published mapping: the city row updates
		// the existing city; the 126 communes are new; the mapping rows the
		// importer cannot use are reported with their reasons.
		r = mustRun(t, "", "units", "import", "--db", dsn, "--format", "2025", units2025, mapping2025)
		lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
		if want := "imported 127 units, rejected 87 rows"; lines[0] != want {
			t.Errorf("2025 import: first line %q, want %q", lines[0], want)
		}
		rejectedRe := regexp.MustCompile(`^  rejected mapping line \d+: \S.*$`)
		nRejected := 0
		for _, l := range lines[1:] {
			if !rejectedRe.MatchString(l) {
				t.Errorf("unexpected output line %q", l)
				continue
			}
			nRejected++
		}
		if nRejected != 87 {
			t.Errorf("%d rejected lines printed, want 87", nRejected)
		}
		if !strings.Contains(r.stdout, "empty old_gso_code") && !strings.Contains(r.stdout, "is not a commune of the 2025 list") {
			t.Errorf("rejection reasons missing:\n%s", r.stdout)
		}
		want := map[org.Kind]int{org.KindCity: 1, org.KindDistrict: 30, org.KindCommune: 584 + 126}
		if got := countUnits(t, db); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("after 2025: %v, want %v", got, want)
		}
		us, err := db.Units(ctx, store.UnitFilter{Q: "Phường Ba Đình"})
		if err != nil {
			t.Fatal(err)
		}
		if len(us) != 1 {
			t.Fatalf("Phường Ba Đình: %+v", us)
		}
		ba := us[0]
		if ba.Code != scheme.Commune2025(1) || ba.Kind != org.KindCommune || ba.ParentCode != scheme.City() ||
			ba.ValidFrom == nil || !ba.ValidFrom.Equal(time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("Phường Ba Đình: %+v", ba)
		}
		if !containsAll(ba.PredecessorGSO, "00004", "00013") {
			t.Errorf("Phường Ba Đình predecessors %v, want 00004 (Trúc Bạch) and 00013 (Quán Thánh) among them", ba.PredecessorGSO)
		}

		// A file with a bad row: the rest is imported, the row reported.
		bad := writeFile(t, "rows.csv", "gso_code,kind,name,parent_gso_code\n"+
			"01,Thành phố Trung ương,Thành phố Hà Nội,\n"+
			"001,Quận,Quận Ba Đình,01\n"+
			"0x1,Quận,Quận Lạ,01\n")
		r = mustRun(t, "", "units", "import", "--db", dsn, bad)
		if !strings.HasPrefix(r.stdout, "imported 2 units, rejected 1 rows\n  rejected units line 4: ") ||
			!strings.Contains(r.stdout, "not all digits") {
			t.Errorf("bad row: stdout %q", r.stdout)
		}
	})
}

func containsAll(have []string, want ...string) bool {
	set := map[string]bool{}
	for _, h := range have {
		set[h] = true
	}
	for _, w := range want {
		if !set[w] {
			return false
		}
	}
	return true
}

func TestCatalogImport(t *testing.T) {
	eachEngine(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		db, dsn := storetest.OpenDSN(t, e)

		// Invalid files on the empty store.
		invalid := []struct {
			name, file, stderr string
		}{
			{"missing", filepath.Join(t.TempDir(), "nope.json"), "no such file"},
			{"syntax", writeFile(t, "syntax.json", `[{"code": "1.000894",`), "parse specs"},
			{"not an array", writeFile(t, "obj.json", `{"code": "1.000894"}`), "parse specs"},
			{"trailing data", writeFile(t, "trail.json", `[] []`), "data after the JSON array"},
		}
		for _, tc := range invalid {
			r := run(t, "", "catalog", "import", "--db", dsn, tc.file)
			if r.code != 1 || !strings.Contains(r.stderr, tc.stderr) || r.stdout != "" {
				t.Errorf("%s: exit %d, stdout %q, stderr %q, want 1 and %q", tc.name, r.code, r.stdout, r.stderr, tc.stderr)
			}
		}
		if r := run(t, "", "catalog", "import", "--db", dsn); r.code != 1 || !strings.Contains(r.stderr, "needs a JSON file") {
			t.Errorf("no file: exit %d, stderr %q", r.code, r.stderr)
		}
		if n := countProcedures(t, db); n != 0 {
			t.Fatalf("invalid files imported %d procedures", n)
		}

		// Units and departments, so that the offering units resolve.
		mustRun(t, "", "units", "import", "--db", dsn, "--format", "2019", units2019)
		if err := db.UpsertUnits(ctx, org.Departments(scheme)); err != nil {
			t.Fatal(err)
		}

		r := mustRun(t, "", "catalog", "import", "--db", dsn, procedures)
		m := regexp.MustCompile(`^imported 90 procedures \(90 new versions, (\d+) unit links\), rejected 0\n$`).FindStringSubmatch(r.stdout)
		if m == nil || m[1] == "0" {
			t.Fatalf("catalog import: stdout %q\nstderr: %s", r.stdout, r.stderr)
		}
		if n := countProcedures(t, db); n != 90 {
			t.Errorf("%d procedures in force, want 90", n)
		}
		ps, _, err := db.Procedures(ctx, store.ProcedureFilter{Q: "kết hôn"})
		if err != nil {
			t.Fatal(err)
		}
		if !hasProcedure(ps, "1.000894") {
			t.Errorf("1.000894 not found by «kết hôn»")
		}
		// Re-import: same procedures, no new versions.
		r = mustRun(t, "", "catalog", "import", "--db", dsn, procedures)
		if !strings.HasPrefix(r.stdout, "imported 90 procedures (0 new versions, ") {
			t.Errorf("re-import: stdout %q", r.stdout)
		}

		// A file whose first spec is valid (and renames a procedure) and whose
		// second is not: rejected as a whole, nothing is changed.
		full, err := os.ReadFile(procedures)
		if err != nil {
			t.Fatal(err)
		}
		half := strings.Replace(string(full), `"code": "1.000894",`, `"code": "1.000894", "bogus_field": 1,`, 1)
		if half == string(full) {
			t.Fatal("could not corrupt the catalogue")
		}
		before, _, err := db.Procedures(ctx, store.ProcedureFilter{Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		r = run(t, "", "catalog", "import", "--db", dsn, writeFile(t, "half.json", half))
		if r.code != 1 || !strings.Contains(r.stderr, "bogus_field") || r.stdout != "" {
			t.Errorf("unknown field: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
		}
		after, _, err := db.Procedures(ctx, store.ProcedureFilter{Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(before) {
			t.Errorf("procedures %d → %d after a refused import", len(before), len(after))
		}
	})
}

func hasProcedure(ps []catalog.Procedure, code string) bool {
	for _, p := range ps {
		if p.Code == code {
			return true
		}
	}
	return false
}

func TestUserAdd(t *testing.T) {
	eachEngine(t, func(t *testing.T, e store.Dialect) {
		ctx := context.Background()
		db, dsn := storetest.OpenDSN(t, e)
		mustRun(t, "", "units", "import", "--db", dsn, units2019)
		hangTrong := unitCode(t, db, "Phường Hàng Trống")

		add := func(username, role, unit string) []string {
			return []string{"user", "add", "--db", dsn, "--username", username, "--full-name", "Nguyễn Văn A", "--role", role, "--unit", unit}
		}
		r := mustRun(t, "secret-password\n", add("u1", "leader", hangTrong)...)
		if want := fmt.Sprintf("added u1 (Nguyễn Văn A) as leader of %s\n", hangTrong); r.stdout != want {
			t.Errorf("stdout %q, want %q", r.stdout, want)
		}
		if strings.Contains(r.stdout+r.stderr, "secret-password") {
			t.Errorf("the password is echoed")
		}
		a, err := db.AccountByUsername(ctx, "u1")
		if err != nil {
			t.Fatal(err)
		}
		if a.Kind != account.KindStaff || a.FullName != "Nguyễn Văn A" || a.Disabled {
			t.Errorf("account %+v", a)
		}
		if ok, err := account.VerifyPassword(a.PasswordHash, "secret-password"); !ok || err != nil {
			t.Errorf("stored hash does not verify the password: %v %v", ok, err)
		}
		if ok, _ := account.VerifyPassword(a.PasswordHash, "secret-password\n"); ok {
			t.Errorf("the line end is part of the password")
		}
		gs, err := db.Grants(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(gs) != 1 || gs[0].Role != org.RoleLeader || gs[0].UnitCode != hangTrong || gs[0].UnitName != "Phường Hàng Trống" {
			t.Errorf("grants %+v", gs)
		}
		log, err := db.AuditLog(ctx, store.AuditFilter{Action: "account.create"})
		if err != nil || len(log) != 1 || log[0].Subject != "account:u1" || !strings.HasPrefix(log[0].ActorName, "motcua user add") {
			t.Errorf("audit log %+v %v", log, err)
		}
		if d, _ := log[0].Detail.(map[string]any); d["role"] != "leader" || d["unit"] != hangTrong {
			t.Errorf("audit detail %#v", log[0].Detail)
		}

		// The head of a specialised office is granted like any other role.
		mustRun(t, "head-password-1\n", add("u-head", "head", hangTrong)...)
		if h, err := db.AccountByUsername(ctx, "u-head"); err != nil {
			t.Fatal(err)
		} else if gs, err := db.Grants(ctx, h.ID); err != nil || len(gs) != 1 || gs[0].Role != org.RoleHead || gs[0].UnitCode != hangTrong {
			t.Errorf("head's grants %+v %v", gs, err)
		}

		// Other accepted forms: CRLF, exactly 10 characters, no final newline,
		// 10 Vietnamese characters (runes, not bytes, count).
		ok := []struct{ user, stdin string }{
			{"u-crlf", "crlf-password\r\n"},
			{"u-ten", "q7-w9-e2-r\n"},
			{"u-noeol", "no-newline-pw"},
			{"u-viet", "mậtkhẩuvớt"},
		}
		for _, tc := range ok {
			mustRun(t, tc.stdin, add(tc.user, "specialist", hangTrong)...)
			a, err := db.AccountByUsername(ctx, tc.user)
			if err != nil {
				t.Fatalf("%s: %v", tc.user, err)
			}
			pw := strings.TrimRight(tc.stdin, "\r\n")
			if ok, err := account.VerifyPassword(a.PasswordHash, pw); !ok || err != nil {
				t.Errorf("%s: password %q does not verify: %v", tc.user, pw, err)
			}
		}

		errs := []struct {
			name, stdin string
			args        []string
			stderr      string
		}{
			{"unknown role", "secret-password\n", add("u2", "boss", hangTrong), "unknown role"},
			{"unknown role lists head", "secret-password\n", add("u2", "boss", hangTrong), "specialist, head, leader"},
			{"unknown unit", "secret-password\n", add("u2", "leader", "999.99.99.H26"), "999.99.99.H26"},
			{"short password", "short77\n", add("u2", "leader", hangTrong), "10 to 128 characters"},
			{"empty stdin", "", add("u2", "leader", hangTrong), "10 to 128 characters"},
			{"common password", "password123\n", add("u2", "leader", hangTrong), "too common"},
			{"long password", strings.Repeat("x", 129) + "\n", add("u2", "leader", hangTrong), "10 to 128 characters"},
			{"duplicate username", "other-password\n", add("u1", "specialist", hangTrong), "adding user u1"},
			{"missing username", "secret-password\n", []string{"user", "add", "--db", dsn, "--full-name", "X", "--role", "leader", "--unit", hangTrong}, "needs --username"},
			{"missing full name", "secret-password\n", []string{"user", "add", "--db", dsn, "--username", "u2", "--role", "leader", "--unit", hangTrong}, "--full-name"},
			{"missing role", "secret-password\n", []string{"user", "add", "--db", dsn, "--username", "u2", "--full-name", "X", "--unit", hangTrong}, "--role"},
			{"missing unit", "secret-password\n", []string{"user", "add", "--db", dsn, "--username", "u2", "--full-name", "X", "--role", "leader"}, "--unit"},
			{"no flags", "secret-password\n", []string{"user", "add", "--db", dsn}, "user add needs"},
		}
		for _, tc := range errs {
			r := run(t, tc.stdin, tc.args...)
			if r.code != 1 || !strings.Contains(r.stderr, tc.stderr) || r.stdout != "" {
				t.Errorf("%s: exit %d, stdout %q, stderr %q; want 1 and %q", tc.name, r.code, r.stdout, r.stderr, tc.stderr)
			}
		}
		if _, err := db.AccountByUsername(ctx, "u2"); err == nil {
			t.Errorf("a refused user add created u2")
		}
		// The duplicate did not replace the first account or add a grant.
		a2, err := db.AccountByUsername(ctx, "u1")
		if err != nil {
			t.Fatal(err)
		}
		if a2.PasswordHash != a.PasswordHash {
			t.Errorf("duplicate user add changed the password")
		}
		if gs, err := db.Grants(ctx, a.ID); err != nil || len(gs) != 1 {
			t.Errorf("grants after duplicate: %+v %v", gs, err)
		}
	})
}

func TestServe(t *testing.T) {
	t.Run("invalid db", func(t *testing.T) {
		r := run(t, "", "serve", "--addr", "127.0.0.1:0", "--db", "mysql://x", "--files", t.TempDir())
		if r.code != 1 || !strings.Contains(r.stderr, "--db must start with sqlite: or postgres://") || r.stdout != "" {
			t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
		}
	})
	t.Run("bad limits", func(t *testing.T) {
		r := run(t, "", "serve", "--addr", "127.0.0.1:0", "--db", "sqlite:"+filepath.Join(t.TempDir(), "x.db"),
			"--files", t.TempDir(), "--max-file-mb", "20", "--max-dossier-mb", "10")
		if r.code != 1 || !strings.Contains(r.stderr, "--max-file-mb") {
			t.Errorf("exit %d, stderr %q", r.code, r.stderr)
		}
	})
	t.Run("address in use", func(t *testing.T) {
		// Listen on a port, then ask serve for the same one.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Skip(err)
		}
		defer ln.Close()
		r := run(t, "", "serve", "--addr", ln.Addr().String(), "--db", "sqlite:"+filepath.Join(t.TempDir(), "x.db"), "--files", t.TempDir())
		if r.code != 1 || !strings.Contains(r.stderr, "listening on") {
			t.Errorf("exit %d, stderr %q", r.code, r.stderr)
		}
	})
	for _, e := range storetest.Engines {
		t.Run(string(e)+" demo", func(t *testing.T) {
			t.Parallel()
			_, dsn := storetest.OpenDSN(t, e)
			serveDemo(t, dsn)
		})
	}
}

func serveDemo(t *testing.T, dsn string) {
	// Every wait below is bounded by the test binary's own deadline, not by
	// a budget of seconds that a busy machine exceeds.
	bound := untilDeadline(t)
	ctx, cancel := context.WithCancel(bound)
	defer cancel()
	var stdout, stderr lockedBuffer
	done := make(chan int, 1)
	ready := make(chan net.Addr, 1)
	start := time.Now()
	// A free port for /metrics (taken and given back: a tiny race with
	// other processes, acceptable in a test).
	mln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	metricsAddr := mln.Addr().String()
	mln.Close()
	go func() {
		done <- cli.Run(ctx, []string{"motcua", "serve", "--addr", "127.0.0.1:0", "--db", dsn, "--files", t.TempDir(), "--demo", "--log-level", "warn",
			"--metrics-addr", metricsAddr},
			cli.Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Ready: func(a net.Addr) { ready <- a }})
	}()

	var base string
	select {
	case a := <-ready:
		base = "http://" + a.String()
	case code := <-done:
		t.Fatalf("serve exited with %d before serving\nstdout: %s\nstderr: %s", code, stdout.String(), stderr.String())
	case <-bound.Done():
		t.Fatalf("serve not ready after %v, at the test's deadline\nstdout: %s\nstderr: %s",
			time.Since(start).Round(time.Second), stdout.String(), stderr.String())
	}
	t.Logf("serving at %s after %v", base, time.Since(start).Round(time.Millisecond))

	getAt := func(base, path string) (int, string) {
		t.Helper()
		req, err := http.NewRequestWithContext(bound, http.MethodGet, base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		return resp.StatusCode, string(body)
	}
	get := func(path string) (int, string) { t.Helper(); return getAt(base, path) }
	if code, body := get("/healthz"); code != http.StatusOK {
		t.Errorf("/healthz: %d %s", code, body)
	}
	if code, body := get("/api/v1/procedures?q=ket+hon"); code != http.StatusOK || !strings.Contains(body, "1.000894") {
		t.Errorf("/api/v1/procedures?q=ket+hon: %d %.500s", code, body)
	}
	// /metrics is on --metrics-addr only, never on the public address.
	if code, _ := get("/metrics"); code != http.StatusNotFound {
		t.Errorf("/metrics on the public address: %d", code)
	}
	if code, body := getAt("http://"+metricsAddr, "/metrics"); code != http.StatusOK || !strings.Contains(body, "motcua_http_requests_total") {
		t.Errorf("/metrics on --metrics-addr: %d %.300s", code, body)
	}

	demoEIDJourney(t, bound, base)
	demoPayJourney(t, bound, base)
	demoOutboundJourney(t, bound, base)
	demoStatsJourney(t, bound, base)

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve returned %d after cancel\nstderr: %s", code, stderr.String())
		}
	case <-bound.Done():
		t.Fatalf("serve did not return after cancel, at the test's deadline\nstderr: %s", stderr.String())
	}
	if !strings.HasPrefix(stdout.String(), "motcua dev — open http://127.0.0.1:") {
		t.Errorf("stdout %q", stdout.String())
	}
}
