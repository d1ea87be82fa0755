package bench

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"mime/multipart"
	"strings"
	"sync/atomic"
	"time"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/demo"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/vn"
)

// fixture is what the measures need from the loaded data.
type fixture struct {
	proc        catalog.Procedure
	form        map[string]any
	communes    []org.Unit
	districts   []org.Unit
	units       []org.Unit
	city        *org.Unit // the city, whose figures the reports time
	procs       []catalog.Procedure
	sampleCodes []string
	// scans numbers the submissions' scans, so that each is new content
	// (the file store keeps the same content once).
	scans atomic.Int64
}

func loadFixture(ctx context.Context, db *store.DB) (*fixture, error) {
	rep, err := demo.Load(ctx, db, demo.Options{Scheme: org.CodeScheme{Suffix: "H26"}, Dossiers: -1})
	if err != nil {
		return nil, err
	}
	if rep.Skipped {
		return nil, fmt.Errorf("the benchmark needs an empty store")
	}
	return fixtureOf(ctx, db)
}

// fixtureOf reads the fixture's units and procedures from a store
// loadFixture filled (a kept store, measured again: Options.Reuse).
func fixtureOf(ctx context.Context, db *store.DB) (*fixture, error) {
	fx := &fixture{}
	var err error
	if fx.units, err = db.Units(ctx, store.UnitFilter{Limit: 1000}); err != nil {
		return nil, err
	}
	for i, u := range fx.units {
		switch u.Kind {
		case org.KindCommune:
			fx.communes = append(fx.communes, u)
		case org.KindDistrict:
			fx.districts = append(fx.districts, u)
		case org.KindCity:
			fx.city = &fx.units[i]
		}
	}
	if fx.city == nil {
		return nil, fmt.Errorf("the fixture has no city")
	}
	p, err := db.Procedure(ctx, "1.000894", time.Now())
	if err != nil {
		return nil, err
	}
	fx.proc = *p
	// The submissions measure is of requests carrying scans, as citizens
	// send them: refuse to measure a procedure that takes fewer.
	uploads := 0
	for _, d := range p.Current.Documents {
		if d.Upload() {
			uploads++
		}
	}
	if uploads < 2 {
		return nil, fmt.Errorf("procedure %s takes %d uploaded documents; the submissions measure sends two scans", p.Code, uploads)
	}
	fx.form = demo.SampleForm(p.Current.Form, rand.New(rand.NewPCG(1, 2)))
	cursor := ""
	for {
		ps, next, err := db.Procedures(ctx, store.ProcedureFilter{Limit: 200, Cursor: cursor})
		if err != nil {
			return nil, err
		}
		fx.procs = append(fx.procs, ps...)
		if next == "" {
			break
		}
		cursor = next
	}
	return fx, nil
}

// citizenTokens makes citizen accounts with API tokens for the load.
func citizenTokens(ctx context.Context, db *store.DB, fx *fixture) ([]string, error) {
	var out []string
	now := time.Now()
	// The run's own names: a kept store holds the last runs' accounts.
	run := now.UnixNano() / 1000 % 1000
	for i := range 32 {
		a := &account.Account{Kind: account.KindCitizen, Username: fmt.Sprintf("0010%03d%05d", run, i), FullName: "Công dân thử " + fmt.Sprint(i), PasswordHash: "-"}
		if err := db.CreateAccount(ctx, a); err != nil {
			return nil, err
		}
		tok, hash, err := account.NewToken()
		if err != nil {
			return nil, err
		}
		if err := db.SaveToken(ctx, hash, a.ID, now, now.Add(24*time.Hour)); err != nil {
			return nil, err
		}
		out = append(out, tok)
	}
	return out, nil
}

// staffToken makes a staff account holding role in unit, with a token.
func staffToken(ctx context.Context, db *store.DB, u org.Unit, role org.Role) (string, error) {
	// The run's own name: a kept store holds the last run's accounts.
	a := &account.Account{Kind: account.KindStaff, Username: fmt.Sprintf("bench.%s.%s.%d", role, u.Code, time.Now().UnixNano()%1e9), FullName: "Cán bộ thử", PasswordHash: "-"}
	if err := db.CreateStaff(ctx, a, u.Code, role); err != nil {
		return "", err
	}
	tok, hash, err := account.NewToken()
	if err != nil {
		return "", err
	}
	now := time.Now()
	return tok, db.SaveToken(ctx, hash, a.ID, now, now.Add(24*time.Hour))
}

var surnames = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ"}
var given = []string{"Văn An", "Thị Bình", "Minh Châu", "Đức Dũng", "Thu Hà", "Quang Huy", "Ngọc Lan", "Xuân Long", "Thanh Mai", "Hữu Nam"}

// seed bulk-loads n dossiers over the three years before today, spread over
// every unit (communes most), mostly finished as in a real archive, with a
// realistic tail of open and overdue ones. It bypasses the lifecycle: the
// worklist measure needs volume, not history.
func seed(ctx context.Context, db *store.DB, fx *fixture, n int) error {
	r := rand.New(rand.NewPCG(2017, 2019))
	loc := time.FixedZone("ICT", 7*3600)
	now := time.Now()
	today := now.In(loc)
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, loc)
	start := today.AddDate(-3, 0, 0)
	span := today.Add(-time.Minute).Sub(start)
	byLevel := map[catalog.UnitLevel][]catalog.Procedure{}
	for _, p := range fx.procs {
		byLevel[p.UnitLevel] = append(byLevel[p.UnitLevel], p)
	}
	var others []org.Unit
	for _, u := range fx.units {
		if u.Kind != org.KindCommune {
			others = append(others, u)
		}
	}
	counters := map[string]int{}
	const cols = 24
	const perStmt = 400
	const perTx = 10
	statuses := []int{10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 9, 4, 4, 1, 2, 5, 6, 3, 7, 8}
	stmtHead := `INSERT INTO dossiers (code, procedure_id, procedure_version_id, unit_id, unit_path, received_unit_id,
		applicant, applicant_name, applicant_folded, applicant_id_number, channel, form, status, substate,
		submitted_at, received_at, legal_due_at, finished_at, delivered_at, verdict, step_index, step_started_at, version, updated_at) VALUES `
	perStmtRows := perStmt
	if db.Dialect() == store.SQLite {
		// The SQLite driver binds parameters by name, which is slow on huge
		// statements: one prepared single-row insert is faster there.
		perStmtRows = 1
	}
	done := 0
	for done < n {
		err := db.WriteTx(ctx, func(tx *sql.Tx) error {
			var prepared *sql.Stmt
			for s := 0; s < perTx*perStmt/perStmtRows && done < n; s++ {
				rows := min(perStmtRows, n-done)
				var sb strings.Builder
				sb.WriteString(stmtHead)
				args := make([]any, 0, rows*cols)
				for i := range rows {
					k := done + i
					// Submission times grow with the id, as in real use.
					at := start.Add(time.Duration(float64(span) * float64(k) / float64(n))).Add(time.Duration(r.IntN(600)) * time.Second)
					if !at.Before(today) {
						// Today's codes belong to the live counters.
						at = today.Add(-time.Second)
					}
					var u org.Unit
					var level catalog.UnitLevel
					if r.IntN(10) < 7 {
						u, level = fx.communes[r.IntN(len(fx.communes))], catalog.LevelCommune
					} else {
						u = others[r.IntN(len(others))]
						level = catalog.LevelDistrict
						if u.Kind != org.KindDistrict {
							level = catalog.LevelProvince
						}
					}
					ps := byLevel[level]
					p := ps[r.IntN(len(ps))]
					day := at.In(loc).Format("060102")
					counters[u.Code+day]++
					code := fmt.Sprintf("%s-%s-%04d", u.Code, day, counters[u.Code+day])
					status := statuses[r.IntN(len(statuses))]
					name := surnames[r.IntN(len(surnames))] + " " + given[r.IntN(len(given))]
					id := fmt.Sprintf("001%d%02d%06d", r.IntN(2), 50+r.IntN(50), r.IntN(1000000))
					channel := "counter"
					if r.IntN(10) < 6 {
						channel = "online"
					}
					var recv, due, fin, deliv any
					verdict := ""
					if status != 1 && status != 3 {
						recv = at
						due = at.AddDate(0, 0, 7)
						if status >= 7 {
							f := at.AddDate(0, 0, r.IntN(9))
							switch {
							case !f.Before(now):
								// Not finished yet: nothing finishes in
								// the future. (Before, some 27,000 of 10M
								// dossiers received in the last eight
								// days had, which a live store never
								// has, and the in-progress lists read
								// them all.)
								status = int(dossier.StatusProcessing)
							case status == 10 && !f.Add(time.Hour).Before(now):
								status = int(dossier.StatusFinished)
							}
							if status >= 7 {
								fin = f
								verdict = "on_time"
								if f.After(at.AddDate(0, 0, 7)) {
									verdict = "late"
								} else if f.Before(at.AddDate(0, 0, 6)) {
									verdict = "early"
								}
							}
							if status == 10 {
								deliv = f.Add(time.Hour)
							}
						}
					}
					if i > 0 {
						sb.WriteString(",")
					}
					sb.WriteString("(")
					for c := range cols {
						if c > 0 {
							sb.WriteString(",")
						}
						fmt.Fprintf(&sb, "$%d", len(args)+c+1)
					}
					sb.WriteString(")")
					app := fmt.Sprintf(`{"kind":"citizen","full_name":%q,"id_number":%q}`, name, id)
					args = append(args, code, p.ID, p.Current.ID, u.ID, u.Path, u.ID,
						app, name, vn.Fold(name), id, channel, `{}`, status, "",
						at.UTC(), utcOrNil(recv), utcOrNil(due), utcOrNil(fin), utcOrNil(deliv), verdict, 0, at.UTC(), 1, at.UTC())
					if k%(n/200+1) == 0 {
						fx.sampleCodes = append(fx.sampleCodes, code)
					}
				}
				done += rows
				if rows == 1 {
					if prepared == nil {
						var err error
						if prepared, err = tx.PrepareContext(ctx, sb.String()); err != nil {
							return err
						}
					}
					if _, err := prepared.ExecContext(ctx, args...); err != nil {
						return err
					}
					continue
				}
				if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if db.Dialect() == store.SQLite {
		// No ANALYZE on SQLite: with STAT4 statistics the driver re-prepares
		// a statement whenever its bound values change, which costs more
		// than the query; the indexes alone give the plans we want.
		return nil
	}
	return db.WriteTx(ctx, func(tx *sql.Tx) error {
		// Fresh statistics, as a production database would have, of the
		// bench's own schema only: a plain ANALYZE takes every table of
		// the database in turn, other schemas' too, where it held one
		// table while waiting for another that a second bench's summary
		// rebuild had locked, and that rebuild died a deadlock's victim.
		rows, err := tx.QueryContext(ctx, `SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = current_schema()`)
		if err != nil {
			return err
		}
		var tables []string
		for rows.Next() {
			var t string
			if err := rows.Scan(&t); err != nil {
				rows.Close()
				return err
			}
			tables = append(tables, t)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(tables) == 0 {
			return err
		}
		_, err = tx.ExecContext(ctx, "ANALYZE "+strings.Join(tables, ", "))
		return err
	})
}

func utcOrNil(v any) any {
	if t, ok := v.(time.Time); ok {
		return t.UTC().Truncate(time.Microsecond)
	}
	return nil
}

// submission is the multipart body of an online submission of the
// fixture's procedure at unit, with a sample scan, new content each time,
// for every document a citizen uploads (the required ones among them: an
// online submission needs them all), and its content type. The marriage
// procedure's required documents are not uploads (the form, the identity
// paper): without the optional ones the measure sent no file at all.
func (fx *fixture) submission(unit string) (string, []byte) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	form, _ := json.Marshal(fx.form)
	_ = w.WriteField("procedure", fx.proc.Code)
	_ = w.WriteField("unit", unit)
	_ = w.WriteField("form", string(form))
	for _, d := range fx.proc.Current.Documents {
		if !d.Upload() {
			continue
		}
		part, _ := w.CreateFormFile("doc."+d.Key, d.Key+".pdf")
		_, _ = part.Write(demo.SamplePDF(fmt.Sprintf("Ban quet mau: %s %d", d.Key, fx.scans.Add(1))))
	}
	_ = w.Close()
	return w.FormDataContentType(), buf.Bytes()
}

// storedSample reads about n codes of the dossiers of a kept store, spread
// over their ids (the seed's sample, for a store measured again).
func storedSample(ctx context.Context, db *store.DB, n int) ([]string, int, error) {
	var last int64
	rdb := db.ReadDB()
	if err := rdb.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM dossiers`).Scan(&last); err != nil {
		return nil, 0, fmt.Errorf("reading the kept store's dossiers: %w", err)
	}
	var codes []string
	for i := range int64(n) {
		var code string
		err := rdb.QueryRowContext(ctx, `SELECT code FROM dossiers WHERE id >= $1 ORDER BY id LIMIT 1`, 1+last*i/int64(n)).Scan(&code)
		if err != nil {
			return nil, 0, fmt.Errorf("sampling the kept store's dossiers: %w", err)
		}
		codes = append(codes, code)
	}
	// The ids are the seed's rows and the runs' submissions: the last is
	// about the count, without counting ten million rows.
	return codes, int(last), nil
}
