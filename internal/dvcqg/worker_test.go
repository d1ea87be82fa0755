package dvcqg_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/calendar"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/dvcqg"
	"github.com/motcua/motcua/internal/jobs"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

var ict = time.FixedZone("ICT", 7*3600)

// portal plays the national portal: it records every call and answers
// from a script (one answer per call, then "thành công").
type portal struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	calls  []call
	script []answer
	// gate, when set, holds every call until it is closed; entered
	// receives a value as each call arrives.
	gate    chan struct{}
	entered chan struct{}
}

type call struct {
	endpoint string
	hoso     []dvcqg.HoSo
	log      []dvcqg.QuaTrinh
}

type answer struct {
	status int
	body   string
	delay  time.Duration
}

func newPortal(t *testing.T) *portal {
	p := &portal{t: t}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *portal) serve(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer out-token" {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	b, _ := io.ReadAll(r.Body)
	c := call{endpoint: strings.TrimPrefix(r.URL.Path, "/")}
	var err error
	if c.endpoint == "progress" {
		err = json.Unmarshal(b, &c.log)
	} else {
		err = json.Unmarshal(b, &c.hoso)
	}
	if err != nil {
		p.t.Errorf("portal: bad body: %v", err)
	}
	p.mu.Lock()
	p.calls = append(p.calls, c)
	a := answer{status: 200, body: `{"error_code":"0","message":"Đồng bộ thành công"}`}
	if len(p.script) > 0 {
		a, p.script = p.script[0], p.script[1:]
	}
	gate, entered := p.gate, p.entered
	p.mu.Unlock()
	if entered != nil {
		entered <- struct{}{}
	}
	if gate != nil {
		<-gate
	}
	if a.delay > 0 {
		select {
		case <-time.After(a.delay):
		case <-r.Context().Done():
		}
	}
	w.WriteHeader(a.status)
	io.WriteString(w, a.body)
}

func (p *portal) answer(as ...answer) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.script = append(p.script, as...)
}

// taken returns the calls so far and forgets them.
func (p *portal) taken() []call {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.calls
	p.calls = nil
	return out
}

func endpoints(cs []call) string {
	var s []string
	for _, c := range cs {
		s = append(s, c.endpoint)
	}
	return strings.Join(s, ",")
}

type fixture struct {
	db      *store.DB
	svc     *dossier.Service
	now     time.Time
	citizen dossier.Actor
	rec     dossier.Actor
	unit    *org.Unit
	portal  *portal
	cfg     dvcqg.Config
}

func newFixture(t *testing.T, engine store.Dialect) *fixture {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t, engine)
	f := &fixture{db: db, now: time.Date(2025, 12, 1, 9, 0, 0, 0, ict)}
	units := []org.Unit{
		{Code: "000.00.00.H26", Name: "Thành phố Hà Nội", Kind: org.KindCity},
		{Code: "000.01.02.H26", Name: "Phường Hàng Trống", Kind: org.KindCommune, ParentCode: "000.00.00.H26"},
	}
	if err := db.UpsertUnits(ctx, units); err != nil {
		t.Fatal(err)
	}
	u, err := db.UnitByCode(ctx, "000.01.02.H26")
	if err != nil {
		t.Fatal(err)
	}
	f.unit = u
	spec := catalog.Spec{
		Procedure: catalog.Procedure{Code: "1.000894", Name: "Đăng ký kết hôn", Field: "Hộ tịch", UnitLevel: catalog.LevelCommune},
		Version: catalog.Version{Number: 1, EffectiveFrom: time.Date(2024, 1, 1, 0, 0, 0, 0, ict), LegacyLevel: 4, Class: catalog.ClassFull,
			LimitAmount: 5, LimitKind: catalog.WorkingDays, SupplementPolicy: catalog.SupplementRestart,
			SupplementBasis: "Nghị định 61/2018/NĐ-CP (sửa đổi bởi Nghị định 107/2021/NĐ-CP)",
			Documents:       []catalog.Document{{Key: "to_khai", Name: "Tờ khai đăng ký kết hôn", Originals: 1, Required: true}},
			Form: catalog.Form{Fields: []catalog.Field{
				{Name: "chong_ho_ten", Label: "Họ và tên chồng", Type: "text", Required: true},
				{Name: "vo_ho_ten", Label: "Họ và tên vợ", Type: "text", Required: true},
			}},
			Process: []catalog.Step{{Key: "tiep_nhan", Name: "Tiếp nhận", Role: "receptionist", Action: "receive", BudgetHours: 4},
				{Key: "phan_cong", Name: "Phân công", Role: "leader", Action: "assign", BudgetHours: 4},
				{Key: "tham_dinh", Name: "Thẩm định", Role: "specialist", Action: "draft_result", BudgetHours: 24},
				{Key: "phe_duyet", Name: "Phê duyệt", Role: "leader", Action: "finish", BudgetHours: 4},
				{Key: "tra_ket_qua", Name: "Trả kết quả", Role: "receptionist", Action: "deliver", BudgetHours: 4}}},
		OfferedBy: []string{"all_communes"},
	}
	if rep, err := db.ImportCatalogue(ctx, []catalog.Spec{spec}); err != nil || len(rep.Rejected) > 0 {
		t.Fatalf("import: %v %v", err, rep.Rejected)
	}
	acct := &account.Account{Kind: account.KindCitizen, Username: "001090001234", FullName: "Nguyễn Văn An", PasswordHash: "x"}
	if err := db.CreateAccount(ctx, acct); err != nil {
		t.Fatal(err)
	}
	f.citizen = dossier.Actor{AccountID: acct.ID, Username: acct.Username, Name: acct.FullName, Citizen: true, IDNumber: acct.Username}
	staff := &account.Account{Kind: account.KindStaff, Username: "rec", FullName: "Cán bộ Lan", PasswordHash: "x"}
	if err := db.CreateStaff(ctx, staff, u.Code, org.RoleReceptionist); err != nil {
		t.Fatal(err)
	}
	g, err := db.Grants(ctx, staff.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.rec = dossier.Actor{AccountID: staff.ID, Username: "rec", Name: staff.FullName, Grants: g}
	cal, err := calendar.New(calendar.DefaultConfig(), nil)
	if err != nil {
		t.Fatal(err)
	}
	f.svc = &dossier.Service{Store: db, Catalog: db, Directory: db, Now: func() time.Time { return f.now },
		Clock: func(context.Context, string) (dossier.Clock, error) { return cal, nil }}
	f.portal = newPortal(t)
	f.cfg = dvcqg.Config{URL: f.portal.srv.URL, CreatePath: "create", UpdatePath: "update", ProgressPath: "progress",
		Token: "out-token", Timeout: 300 * time.Millisecond, FieldCodes: map[string]string{"Hộ tịch": "G22-HT"}}
	return f
}

func (f *fixture) submit(t *testing.T) *dossier.Dossier {
	t.Helper()
	d, _, err := f.svc.Submit(context.Background(), f.citizen, dossier.SubmitInput{Procedure: "1.000894", Unit: f.unit.Code,
		Form:    map[string]any{"chong_ho_ten": "Nguyễn Văn An", "vo_ho_ten": "Lê Thị Cúc"},
		Account: &dossier.Applicant{FullName: f.citizen.Name, IDNumber: f.citizen.IDNumber},
		Documents: []dossier.Document{{Kind: dossier.DocApplication, DocKey: "to_khai", Filename: "to_khai.pdf", ContentType: "application/pdf",
			Size: 1000, SHA256: strings.Repeat("a", 64), StorageKey: strings.Repeat("a", 64), UploadedAt: f.now}}})
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	return d
}

func (f *fixture) receive(t *testing.T, d *dossier.Dossier) *dossier.Dossier {
	t.Helper()
	out, _, err := f.svc.Act(context.Background(), f.rec, d.Code, dossier.Command{Action: dossier.ActReceive, Version: d.Version}, nil)
	if err != nil {
		t.Fatalf("receive: %v", err)
	}
	return out
}

func (f *fixture) worker() *dvcqg.Worker {
	w := dvcqg.NewWorker(f.db, dvcqg.NewClient(f.cfg, nil), f.cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	w.Now = func() time.Time { return f.now }
	return w
}

var jobIDs struct {
	sync.Mutex
	n int64
}

func job(d *dossier.Dossier, seq int64) *river.Job[dvcqg.SyncArgs] {
	jobIDs.Lock()
	jobIDs.n++
	id := jobIDs.n
	jobIDs.Unlock()
	return &river.Job[dvcqg.SyncArgs]{JobRow: &rivertype.JobRow{ID: id, Attempt: 1, Kind: "dvcqg_sync"}, Args: dvcqg.SyncArgs{DossierID: d.ID, Seq: seq}}
}

func (f *fixture) state(t *testing.T, d *dossier.Dossier) *store.SyncStatus {
	t.Helper()
	st, err := f.db.SyncState(context.Background(), d.ID)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func each(t *testing.T, body func(t *testing.T, f *fixture)) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) { body(t, newFixture(t, e)) })
	}
}

func TestWorkerPushes(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		w := f.worker()
		d := f.submit(t)
		if err := w.Work(ctx, job(d, 1)); err != nil {
			t.Fatal(err)
		}
		cs := f.portal.taken()
		if endpoints(cs) != "create,progress" {
			t.Fatalf("calls %s, want create,progress", endpoints(cs))
		}
		h := cs[0].hoso[0]
		if h.MaHoSo != d.Code || h.TrangThaiHoSo != "1" || h.KenhThucHien != "2" || h.MaLinhVuc != "G22-HT" || h.NoiNopHoSo != f.unit.Code {
			t.Fatalf("pushed %+v", h)
		}
		if len(cs[1].log) != 1 || cs[1].log[0].TrangThai != "1" {
			t.Fatalf("process log %+v", cs[1].log)
		}
		if st := f.state(t, d); !st.UpToDate() || st.SyncedSeq != 1 || st.LeaseUntil != nil {
			t.Fatalf("state %+v", st)
		}

		// The next change is an update with the new log entry only.
		d = f.receive(t, d)
		if err := w.Work(ctx, job(d, 2)); err != nil {
			t.Fatal(err)
		}
		cs = f.portal.taken()
		if endpoints(cs) != "update,progress" || cs[0].hoso[0].TrangThaiHoSo != "2" || len(cs[1].log) != 1 || cs[1].log[0].TrangThai != "2" {
			t.Fatalf("second push: %s %+v", endpoints(cs), cs)
		}
		// The first job, retried late, finds nothing to do.
		if err := w.Work(ctx, job(d, 1)); err != nil {
			t.Fatal(err)
		}
		if cs := f.portal.taken(); len(cs) != 0 {
			t.Fatalf("a stale job called the portal: %s", endpoints(cs))
		}
		if st := f.state(t, d); !st.UpToDate() || st.SyncedSeq != 2 || st.LeaseUntil != nil {
			t.Fatalf("state %+v", st)
		}
	})
}

func TestWorkerAlreadyExists(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		d := f.submit(t)
		f.portal.answer(answer{status: 200, body: `{"error_code":"3","message":"Hồ sơ đã tồn tại"}`})
		if err := f.worker().Work(context.Background(), job(d, 1)); err != nil {
			t.Fatal(err)
		}
		if cs := f.portal.taken(); endpoints(cs) != "create,update,progress" {
			t.Fatalf("calls %s", endpoints(cs))
		}
		if st := f.state(t, d); !st.UpToDate() {
			t.Fatalf("state %+v", st)
		}
	})
}

func TestWorkerTemporaryFailures(t *testing.T) {
	cases := []struct {
		name string
		fail answer
	}{
		{"server error", answer{status: 503, body: "Service Unavailable"}},
		{"timeout", answer{status: 200, body: `{"error_code":"0","message":"thành công"}`, delay: 2 * time.Second}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			each(t, func(t *testing.T, f *fixture) {
				ctx := context.Background()
				w := f.worker()
				d := f.submit(t)
				f.portal.answer(c.fail)
				err := w.Work(ctx, job(d, 1))
				var cancel *rivertype.JobCancelError
				if err == nil || errors.As(err, &cancel) || dvcqg.IsPermanent(err) {
					t.Fatalf("err = %v, want a temporary error for River to retry", err)
				}
				st := f.state(t, d)
				if st.Created || st.Attempts != 1 || st.LastError == "" || st.LeaseUntil != nil || st.SyncedSeq != 0 {
					t.Fatalf("state after failure %+v", st)
				}
				f.portal.taken()
				// The retry succeeds and clears the failure.
				if err := w.Work(ctx, job(d, 1)); err != nil {
					t.Fatal(err)
				}
				if cs := f.portal.taken(); endpoints(cs) != "create,progress" {
					t.Fatalf("retry calls %s", endpoints(cs))
				}
				if st := f.state(t, d); !st.UpToDate() || st.Attempts != 0 {
					t.Fatalf("state after retry %+v", st)
				}
			})
		})
	}
}

func TestWorkerPermanentFailure(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		d := f.submit(t)
		f.portal.answer(answer{status: 200, body: `{"error_code":"-1","message":"Mã thủ tục không tồn tại trên Cổng"}`})
		err := f.worker().Work(context.Background(), job(d, 1))
		var cancel *rivertype.JobCancelError
		if !errors.As(err, &cancel) || !dvcqg.IsPermanent(err) {
			t.Fatalf("err = %v, want the job cancelled with the portal's refusal", err)
		}
		st := f.state(t, d)
		if st.Created || st.Attempts != 1 || !strings.Contains(st.LastError, "Mã thủ tục không tồn tại") || st.LeaseUntil != nil {
			t.Fatalf("state %+v", st)
		}
		backlog, err := f.db.SyncBacklog(context.Background(), 10)
		if err != nil || len(backlog) != 1 || backlog[0].Code != d.Code {
			t.Fatalf("backlog %+v %v", backlog, err)
		}
	})
}

// The portal took the dossier but not its log: the next run updates the
// dossier (never creates it again) and sends the whole pending log.
func TestWorkerProgressFailsAfterCreate(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		w := f.worker()
		d := f.submit(t)
		f.portal.answer(answer{status: 200, body: `{"error_code":"0","message":"thành công"}`}, answer{status: 500, body: "oops"})
		if err := w.Work(ctx, job(d, 1)); err == nil {
			t.Fatal("the log's failure was not reported")
		}
		if st := f.state(t, d); !st.Created || st.SyncedSeq != 0 || st.Attempts != 1 {
			t.Fatalf("state %+v", st)
		}
		f.portal.taken()
		d = f.receive(t, d)
		if err := w.Work(ctx, job(d, 2)); err != nil {
			t.Fatal(err)
		}
		cs := f.portal.taken()
		if endpoints(cs) != "update,progress" || len(cs[1].log) != 2 || cs[1].log[0].TrangThai != "1" || cs[1].log[1].TrangThai != "2" {
			t.Fatalf("calls %s %+v", endpoints(cs), cs)
		}
		if st := f.state(t, d); !st.UpToDate() || st.SyncedSeq != 2 {
			t.Fatalf("state %+v", st)
		}
	})
}

// Two serve processes working jobs of one dossier at once push it once:
// the second waits (snoozes) while the first holds the lease, then finds
// it pushed.
func TestWorkerLease(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		d := f.submit(t)
		a, b := f.worker(), f.worker()
		gate, entered := make(chan struct{}), make(chan struct{}, 10)
		f.portal.mu.Lock()
		f.portal.gate, f.portal.entered = gate, entered
		f.portal.mu.Unlock()
		done := make(chan error, 1)
		go func() { done <- a.Work(ctx, job(d, 1)) }()
		<-entered // a is inside the portal's create
		err := b.Work(ctx, job(d, 1))
		var snooze *rivertype.JobSnoozeError
		if !errors.As(err, &snooze) {
			t.Fatalf("second worker: %v, want a snooze", err)
		}
		close(gate)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if err := b.Work(ctx, job(d, 1)); err != nil {
			t.Fatal(err)
		}
		if cs := f.portal.taken(); endpoints(cs) != "create,progress" {
			t.Fatalf("calls %s, want one create and one log", endpoints(cs))
		}
	})
}

// The job runs through the queue: inserted in the change's transaction,
// worked on the sync queue.
func TestWorkerThroughQueue(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		ws := jobs.NewWorkers()
		if err := jobs.Register(ws, f.worker()); err != nil {
			t.Fatal(err)
		}
		q, err := jobs.New(f.db, jobs.Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Workers: ws, PollInterval: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		stopped := make(chan error, 1)
		go func() { stopped <- q.Run(ctx, 5*time.Second) }()
		t.Cleanup(func() {
			cancel()
			if err := <-stopped; err != nil {
				t.Errorf("stopping the queue: %v", err)
			}
		})
		d := f.submit(t)
		if err := f.db.WriteTx(context.Background(), func(tx *sql.Tx) error {
			return dvcqg.Enqueue(context.Background(), q, tx, d.ID, 1)
		}); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(30 * time.Second)
		for !f.state(t, d).UpToDate() {
			if time.Now().After(deadline) {
				t.Fatalf("not pushed: %+v", f.state(t, d))
			}
			time.Sleep(20 * time.Millisecond)
		}
		if cs := f.portal.taken(); endpoints(cs) != "create,progress" {
			t.Fatalf("calls %s", endpoints(cs))
		}
	})
}

// The event fan-out plans one sync job per event, up to that event's seq;
// planning an event twice adds nothing.
func TestPlanner(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		q, err := jobs.New(f.db, jobs.Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		var got []dvcqg.SyncArgs
		var dups []bool
		enqueue := func(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error {
			ins, err := q.Enqueue(ctx, tx, args, opts)
			if err == nil {
				got, dups = append(got, args.(dvcqg.SyncArgs)), append(dups, ins.Duplicate)
			}
			return err
		}
		plan := dvcqg.Planner(enqueue, f.db)
		d := f.receive(t, f.submit(t))
		evs, err := f.db.Events(ctx, d.ID)
		if err != nil || len(evs) != 2 {
			t.Fatalf("events %v %v", evs, err)
		}
		for _, ev := range []dossier.Event{evs[0], evs[1], evs[1]} {
			if err := f.db.WriteTx(ctx, func(tx *sql.Tx) error { return plan(ctx, tx, d, &ev) }); err != nil {
				t.Fatal(err)
			}
		}
		want := []dvcqg.SyncArgs{{DossierID: d.ID, Seq: 1}, {DossierID: d.ID, Seq: 2}, {DossierID: d.ID, Seq: 2}}
		if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
			t.Fatalf("planned %+v, want %+v", got, want)
		}
		if dups[0] || dups[1] || !dups[2] {
			t.Fatalf("duplicates %v, want only the third", dups)
		}
		if err := f.db.WriteTx(ctx, func(tx *sql.Tx) error { return plan(ctx, tx, d, &dossier.Event{ID: 987654}) }); err == nil {
			t.Fatal("an unknown event was planned")
		}
	})
}
