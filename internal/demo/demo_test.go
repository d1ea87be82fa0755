package demo

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/files"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestBatchMatchesDirect loads the same demo twice, once writing every
// submission and action as it happens (as in use) and once through
// store.Batch (as Load does), and compares what the stores hold: the
// batch must be only faster, never different.
func TestBatchMatchesDirect(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dump := func(direct bool) (map[string][]string, Report) {
				db := storetest.Open(t, e)
				start := time.Now()
				fs, err := files.NewLocal(t.TempDir())
				if err != nil {
					t.Fatal(err)
				}
				rep, err := Load(ctx, db, Options{Scheme: org.CodeScheme{Suffix: "H26"}, Dossiers: 150, Now: now, Seed: 7, direct: direct, Files: fs})
				if err != nil {
					t.Fatalf("direct=%v: %v", direct, err)
				}
				t.Logf("direct=%v: %d dossiers in %v", direct, rep.Dossiers, time.Since(start).Round(time.Millisecond))
				// Either way every history is chained and verifies.
				if ar, err := db.VerifyAudit(ctx); err != nil || !ar.OK() || ar.Dossiers != int64(rep.Dossiers) {
					t.Fatalf("direct=%v: audit verify: %+v %v", direct, ar, err)
				}
				out := map[string][]string{}
				for _, table := range []string{"dossiers", "events", "documents", "consultations", "code_counters"} {
					order := "id"
					if table == "code_counters" {
						order = "unit_id, day"
					}
					out[table] = rows(t, db.ReadDB(), `SELECT * FROM `+table+` ORDER BY `+order)
				}
				return out, rep
			}
			direct, drep := dump(true)
			batch, brep := dump(false)
			if fmt.Sprintf("%+v", drep) != fmt.Sprintf("%+v", brep) {
				t.Errorf("reports differ: direct %+v, batch %+v", drep, brep)
			}
			if len(direct["consultations"]) == 0 || len(direct["events"]) <= len(direct["dossiers"]) {
				t.Errorf("the sample exercises too little: %d dossiers, %d events, %d consultations",
					len(direct["dossiers"]), len(direct["events"]), len(direct["consultations"]))
			}
			// The templates with the head of office's step get reviews.
			if !slices.ContainsFunc(direct["events"], func(row string) bool { return strings.Contains(row, "approve_draft") }) {
				t.Error("no demo dossier went through the head of office's review")
			}
			for table, want := range direct {
				got := batch[table]
				if len(got) != len(want) {
					t.Errorf("%s: %d rows in the batch, %d direct", table, len(got), len(want))
					continue
				}
				bad := 0
				for i := range want {
					if got[i] != want[i] && bad < 3 {
						bad++
						t.Errorf("%s row %d:\nbatch  %s\ndirect %s", table, i, got[i], want[i])
					}
				}
			}
		})
	}
}

func rows(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rs, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	cols, _ := rs.Columns()
	var out []string
	for rs.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for i, v := range vals {
			if tm, ok := v.(time.Time); ok {
				v = tm.UTC().Format(time.RFC3339Nano)
			}
			if bs, ok := v.([]byte); ok {
				v = string(bs)
			}
			fmt.Fprintf(&b, "%s=%v ", cols[i], v)
		}
		out = append(out, b.String())
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
