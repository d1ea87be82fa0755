// Package apptest starts the real motcua server on a test store (SQLite or
// PostgreSQL) with a small Hà Nội fixture, and offers a typed API v1 client
// for integration tests.
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/config"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/store/storetest"
)

// Unit codes of the fixture.
const (
	City       = "000.00.00.H26"
	HoanKiem   = "000.00.02.H26"
	HangTrong  = "000.12.02.H26"
	HangBac    = "000.11.02.H26"
	SoTuPhap   = "000.00.41.H26"
	Password   = "mat-khau-thu"
	CitizenA   = "001090001234"
	CitizenB   = "001195004321"
	Marriage   = "1.000894"
	CriminalRc = "2.000908"
)

// Env is a running server with its store.
type Env struct {
	T      testing.TB
	URL    string
	DB     *store.DB
	DSN    string
	App    *app.App
	Server *httptest.Server
	// Logs holds everything the server logged, to check for personal data.
	Logs *SafeBuffer
}

// SafeBuffer is a bytes.Buffer safe for concurrent writers.
type SafeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SafeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written.
func (s *SafeBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Spec returns a catalogue spec fit for tests.
func Spec(code, name string, level catalog.UnitLevel, offered string, days int) catalog.Spec {
	steps := []catalog.Step{{Key: "tiep_nhan", Name: "Tiếp nhận", Role: "receptionist", Action: "receive", BudgetHours: 4},
		{Key: "phan_cong", Name: "Phân công", Role: "leader", Action: "assign", BudgetHours: 4},
		{Key: "tham_dinh", Name: "Thẩm định", Role: "specialist", Action: "draft_result", BudgetHours: float64(days*8 - 16)},
		{Key: "phe_duyet", Name: "Phê duyệt", Role: "leader", Action: "finish", BudgetHours: 4},
		{Key: "tra_ket_qua", Name: "Trả kết quả", Role: "receptionist", Action: "deliver", BudgetHours: 4}}
	return catalog.Spec{
		Procedure: catalog.Procedure{Code: code, Name: name, Field: "Hộ tịch", UnitLevel: level},
		Version: catalog.Version{Number: 1, EffectiveFrom: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), LegacyLevel: 4, Class: catalog.ClassFull,
			LimitAmount: days, LimitKind: catalog.WorkingDays, SupplementPolicy: catalog.SupplementRestart, SupplementBasis: "Nghị định 61/2018/NĐ-CP", FeeVND: 0,
			Documents: []catalog.Document{{Key: "to_khai", Name: "Tờ khai", Originals: 1, Required: true},
				{Key: "giay_xac_nhan", Name: "Giấy xác nhận tình trạng hôn nhân", Originals: 1, Required: true}},
			Form: catalog.Form{Fields: []catalog.Field{
				{Name: "chong_ho_ten", Label: "Họ và tên chồng", LabelEN: "Husband's full name", Type: "text", Required: true},
				{Name: "vo_ho_ten", Label: "Họ và tên vợ", LabelEN: "Wife's full name", Type: "text", Required: true},
				{Name: "so_ban_sao", Label: "Số bản sao", LabelEN: "Number of copies", Type: "number", Min: ptr(1.0), Max: ptr(10.0),
					Help: "Số bản sao trích lục cần cấp (1–10)."},
			}},
			Process: steps},
		OfferedBy: []string{offered},
	}
}

func ptr[T any](v T) *T { return &v }

// Start runs the server on a fresh store of the engine with the fixture:
// the city, Quận Hoàn Kiếm with Hàng Trống and Hàng Bạc, Sở Tư pháp; the
// marriage procedure (communes) and a department procedure; staff of every
// role in Hàng Trống (ht.*), Hàng Bạc (hb.*) and the district (hk.*), a
// city admin and citizens A and B, all with Password.
func Start(t testing.TB, engine store.Dialect, opts app.Options) *Env {
	t.Helper()
	return StartConfig(t, engine, opts, nil)
}

// StartConfig is Start with the configuration changed by edit (after the
// test defaults: small upload limits, self-registration on).
func StartConfig(t testing.TB, engine store.Dialect, opts app.Options, edit func(*config.Config)) *Env {
	t.Helper()
	ctx := context.Background()
	db, dsn := storetest.OpenDSN(t, engine)
	units := []org.Unit{
		{Code: City, Name: "Thành phố Hà Nội", Kind: org.KindCity},
		{Code: HoanKiem, Name: "Quận Hoàn Kiếm", Kind: org.KindDistrict, ParentCode: City},
		{Code: HangTrong, Name: "Phường Hàng Trống", Kind: org.KindCommune, ParentCode: HoanKiem},
		{Code: HangBac, Name: "Phường Hàng Bạc", Kind: org.KindCommune, ParentCode: HoanKiem},
		{Code: SoTuPhap, Name: "Sở Tư pháp", Kind: org.KindDepartment, ParentCode: City},
	}
	if err := db.UpsertUnits(ctx, units); err != nil {
		t.Fatal(err)
	}
	rep, err := db.ImportCatalogue(ctx, []catalog.Spec{
		Spec(Marriage, "Đăng ký kết hôn", catalog.LevelCommune, "all_communes", 5),
		Spec(CriminalRc, "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam", catalog.LevelProvince, "Sở Tư pháp", 10),
	})
	if err != nil || len(rep.Rejected) > 0 {
		t.Fatalf("fixture catalogue: %v %v", err, rep.Rejected)
	}
	// One hash for every fixture account: argon2id is deliberately slow.
	hash, err := account.HashPassword(Password)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct {
		prefix, unit string
	}{{"ht", HangTrong}, {"hb", HangBac}, {"hk", HoanKiem}, {"stp", SoTuPhap}} {
		for _, r := range []org.Role{org.RoleReceptionist, org.RoleSpecialist, org.RoleLeader, org.RoleUnitAdmin} {
			a := &account.Account{Kind: account.KindStaff, Username: s.prefix + "." + string(r), FullName: "Cán bộ " + s.prefix + " " + string(r), PasswordHash: hash}
			if err := db.CreateStaff(ctx, a, s.unit, r); err != nil {
				t.Fatal(err)
			}
		}
	}
	admin := &account.Account{Kind: account.KindStaff, Username: "city.admin", FullName: "Quản trị thành phố", PasswordHash: hash}
	if err := db.CreateStaff(ctx, admin, City, org.RoleCityAdmin); err != nil {
		t.Fatal(err)
	}
	// Citizen A's identity was checked at the desk; B's is self-declared.
	verifiedAt := time.Date(2025, 1, 2, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		id, name, phone string
		verified        bool
	}{{CitizenA, "Nguyễn Văn An", "0912345678", true}, {CitizenB, "Trần Thị Bình", "0987654321", false}} {
		a := &account.Account{Kind: account.KindCitizen, Username: c.id, FullName: c.name, Phone: c.phone, PasswordHash: hash}
		if c.verified {
			a.Assurance, a.VerifiedAt, a.VerifiedHow = account.Verified, &verifiedAt, account.VerifiedAtDesk
		}
		if err := db.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	logs := &SafeBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := config.Default()
	cfg.DB = dsn
	cfg.FilesDir = t.TempDir()
	cfg.MaxFileMB, cfg.MaxDossierMB = 1, 3 // small limits keep the oversize tests cheap
	cfg.SelfRegistration = "on"
	// The server's address is known before the application is built, so
	// that addresses the application hands out (the e-ID callback) are
	// the test server's, unless the test sets its own base URL.
	srv := httptest.NewUnstartedServer(nil)
	t.Cleanup(srv.Close)
	if edit != nil {
		edit(&cfg)
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://" + srv.Listener.Addr().String()
	}
	if opts.LoginSleep == nil {
		// The throttle's delays are real seconds; tests that measure them
		// pass their own.
		opts.LoginSleep = func(context.Context, time.Duration) error { return nil }
	}
	a, err := app.New(ctx, cfg, db, log, opts)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = a.Server.Handler
	srv.Start()
	return &Env{T: t, URL: srv.URL, DB: db, DSN: dsn, App: a, Server: srv, Logs: logs}
}

// OfferMarriageAlso makes the units the selectors name (all_districts, a
// department's name) offer the fixture's marriage procedure besides the
// communes, for tests that transfer a marriage dossier there: a dossier
// goes only to a unit that offers its procedure (docs/competence.md).
func (e *Env) OfferMarriageAlso(selectors ...string) {
	e.T.Helper()
	s := Spec(Marriage, "Đăng ký kết hôn", catalog.LevelCommune, "all_communes", 5)
	s.OfferedBy = append(s.OfferedBy, selectors...)
	if rep, err := e.DB.ImportCatalogue(context.Background(), []catalog.Spec{s}); err != nil || len(rep.Rejected) > 0 {
		e.T.Fatalf("offering the marriage procedure at %v: %v %v", selectors, err, rep.Rejected)
	}
}

// Client is a typed API v1 client holding one bearer token.
type Client struct {
	env   *Env
	Token string
	Lang  string
	HTTP  *http.Client
}

// Anon returns a client without a token.
func (e *Env) Anon() *Client { return &Client{env: e, HTTP: e.Server.Client()} }

// WithToken returns a client presenting the given bearer token.
func (e *Env) WithToken(tok string) *Client {
	c := e.Anon()
	c.Token = tok
	return c
}

// Login returns a client logged in as username with the fixture's
// Password.
func (e *Env) Login(username string) *Client {
	e.T.Helper()
	return e.LoginWith(username, Password)
}

// LoginWith returns a client holding a bearer token of username, logged
// in with password; anything but 200 fails the test.
func (e *Env) LoginWith(username, password string) *Client {
	e.T.Helper()
	c := e.Anon()
	var tok struct {
		Token string `json:"token"`
	}
	if st := c.Do("POST", "/api/v1/auth/token", map[string]string{"username": username, "password": password}, &tok); st != 200 {
		e.T.Fatalf("login %s: status %d", username, st)
	}
	c.Token = tok.Token
	return c
}

// Response is a raw answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Raw sends a request with the given body and content type.
func (c *Client) Raw(method, path, contentType string, body io.Reader, header map[string]string) Response {
	c.env.T.Helper()
	req, err := http.NewRequest(method, c.env.URL+path, body)
	if err != nil {
		c.env.T.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	if c.Lang != "" {
		req.Header.Set("Accept-Language", c.Lang)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.env.T.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.env.T.Fatal(err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// Do sends v as JSON (if not nil) and decodes a 2xx answer into out.
func (c *Client) Do(method, path string, v any, out any) int {
	c.env.T.Helper()
	var body io.Reader
	ct := ""
	if v != nil {
		b, err := json.Marshal(v)
		if err != nil {
			c.env.T.Fatal(err)
		}
		body, ct = bytes.NewReader(b), "application/json"
	}
	r := c.Raw(method, path, ct, body, nil)
	if out != nil && r.Status < 300 {
		if err := json.Unmarshal(r.Body, out); err != nil {
			c.env.T.Fatalf("%s %s: decoding %s: %v", method, path, r.Body, err)
		}
	}
	return r.Status
}

// ErrorBody is the API's error shape.
type ErrorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Fields  []struct {
			Field   string `json:"field"`
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"fields"`
	} `json:"error"`
}

// DecodeError reads an error body.
func (r Response) DecodeError(t testing.TB) ErrorBody {
	t.Helper()
	var e ErrorBody
	if err := json.Unmarshal(r.Body, &e); err != nil || e.Error.Code == "" {
		t.Fatalf("not an error body (%d): %s", r.Status, r.Body)
	}
	return e
}

// Dossier is the part of a dossier the tests read.
type Dossier struct {
	Code           string   `json:"code"`
	Status         int      `json:"status"`
	StatusLabel    string   `json:"status_label"`
	Version        int      `json:"version"`
	Procedure      string   `json:"procedure"`
	Unit           string   `json:"unit"`
	Channel        string   `json:"channel"`
	ReceivedAt     *string  `json:"received_at"`
	LegalDueAt     *string  `json:"legal_due_at"`
	AppointedDueAt *string  `json:"appointed_due_at"`
	NextActions    []string `json:"next_actions"`
	Substate       string   `json:"substate"`
	Rating         string   `json:"rating"`
	Result         *struct {
		Number    string `json:"number"`
		Summary   string `json:"summary"`
		DraftedBy string `json:"drafted_by"`
		SignedBy  string `json:"signed_by"`
	} `json:"result"`
	Consultations []struct {
		ToUnit     string  `json:"to_unit"`
		Question   string  `json:"question"`
		Answer     string  `json:"answer"`
		AnsweredAt *string `json:"answered_at"`
		ReplyDays  int     `json:"reply_days"`
		ReplyBy    *string `json:"reply_by"`
		Verdict    string  `json:"verdict"`
	} `json:"consultations"`
	Documents []struct {
		ID     int64  `json:"id"`
		DocKey string `json:"doc_key"`
		SHA256 string `json:"sha256"`
		Kind   string `json:"kind"`
	} `json:"documents"`
	Events []struct {
		Action  string `json:"action"`
		Verdict string `json:"verdict"`
		Step    string `json:"step"`
	} `json:"events"`
}

// MarriageForm is a valid form for the fixture's marriage procedure.
func MarriageForm() map[string]any {
	return map[string]any{"chong_ho_ten": "Nguyễn Văn An", "vo_ho_ten": "Lê Thị Cúc"}
}

// MarriageReceived is the reception checklist of a counter intake of the
// fixture's procedures (JSON "received"): both required documents received
// on paper.
func MarriageReceived() []map[string]any {
	return []map[string]any{{"key": "to_khai", "received": true}, {"key": "giay_xac_nhan", "received": true}}
}

// MarriageDocuments are scans of the marriage procedure's two required
// documents, for an online submission.
func MarriageDocuments() []File {
	return []File{{Field: "doc.to_khai", Name: "to-khai.pdf", Content: PDF("to khai", 1200)},
		{Field: "doc.giay_xac_nhan", Name: "xac-nhan.pdf", Content: PDF("xac nhan", 1200)}}
}

// SubmitBody is the multipart body of an online submission of the marriage
// procedure at unit with its required documents, and its content type.
func SubmitBody(unit string) (string, *bytes.Buffer) {
	form, _ := json.Marshal(MarriageForm())
	return Multipart(map[string]string{"procedure": Marriage, "unit": unit, "form": string(form)}, MarriageDocuments())
}

// Submit submits the marriage procedure online at unit, with its required
// documents, and fails the test on anything but 201.
func (c *Client) Submit(unit string) Dossier {
	c.env.T.Helper()
	ct, body := SubmitBody(unit)
	r := c.Raw("POST", "/api/v1/dossiers", ct, body, nil)
	if r.Status != 201 {
		c.env.T.Fatalf("submit: status %d %s", r.Status, r.Body)
	}
	var d Dossier
	if err := json.Unmarshal(r.Body, &d); err != nil {
		c.env.T.Fatal(err)
	}
	return d
}

// Act posts an action with the given arguments at the dossier's version.
func (c *Client) Act(d *Dossier, action string, args map[string]any) Response {
	c.env.T.Helper()
	body := map[string]any{"action": action, "version": d.Version}
	for k, v := range args {
		body[k] = v
	}
	b, _ := json.Marshal(body)
	r := c.Raw("POST", "/api/v1/dossiers/"+d.Code+"/actions", "application/json", bytes.NewReader(b), nil)
	if r.Status == 200 {
		if err := json.Unmarshal(r.Body, d); err != nil {
			c.env.T.Fatal(err)
		}
	}
	return r
}

// MustAct is Act that fails the test on anything but 200.
func (c *Client) MustAct(d *Dossier, action string, args map[string]any) {
	c.env.T.Helper()
	if r := c.Act(d, action, args); r.Status != 200 {
		c.env.T.Fatalf("%s on %s: %d %s", action, d.Code, r.Status, r.Body)
	}
}

// File is one part of a multipart request.
type File struct {
	Field, Name string
	Content     []byte
}

// Multipart builds a multipart body of fields and files.
func Multipart(fields map[string]string, files []File) (string, *bytes.Buffer) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	for _, f := range files {
		part, _ := w.CreateFormFile(f.Field, f.Name)
		_, _ = part.Write(f.Content)
	}
	_ = w.Close()
	return w.FormDataContentType(), &buf
}

// PDF returns a small valid PDF whose text is s (padded to size bytes).
func PDF(s string, size int) []byte {
	body := fmt.Sprintf("%%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n%% %s\n", s)
	if size > len(body) {
		body += strings.Repeat(" ", size-len(body)-6)
	}
	return []byte(body + "%%EOF\n")
}

// SecondServer starts another application process over the same database
// (its own store connection, caches and file directory), as a second
// server behind a load balancer would be; it stops with the test.
func (e *Env) SecondServer() *httptest.Server {
	e.T.Helper()
	ctx := context.Background()
	db2, err := store.Open(ctx, e.DSN)
	if err != nil {
		e.T.Fatal(err)
	}
	e.T.Cleanup(func() { db2.Close() })
	if _, err := db2.Migrate(ctx); err != nil {
		e.T.Fatal(err)
	}
	cfg := config.Default()
	cfg.FilesDir = e.T.TempDir()
	cfg.SelfRegistration = "on"
	a2, err := app.New(ctx, cfg, db2, slog.New(slog.NewTextHandler(e.Logs, &slog.HandlerOptions{Level: slog.LevelDebug})), app.Options{
		LoginSleep: func(context.Context, time.Duration) error { return nil }})
	if err != nil {
		e.T.Fatal(err)
	}
	srv := httptest.NewServer(a2.Server.Handler)
	e.T.Cleanup(srv.Close)
	return srv
}

// StoredFiles lists every file under the server's file directory, the
// temporary ones included, by path relative to it.
func (e *Env) StoredFiles() []string {
	e.T.Helper()
	var out []string
	dir := e.App.Config.FilesDir
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		e.T.Fatal(err)
	}
	return out
}

// HeadReviewed is the code of a commune procedure, shaped like the
// fixture's marriage procedure (same form and documents), whose process
// puts the head of office's review (approve_draft) between the
// specialist's draft and the leader's signature. AddHeadReview imports it.
const HeadReviewed = "1.000656"

// HeadReviewStep is the name of that step, as slip 06 prints it.
const HeadReviewStep = "Trưởng phòng kiểm tra, duyệt dự thảo"

// AddHeadReview imports the HeadReviewed procedure (offered by every
// commune) and opens a head of office account in Hàng Trống and Hàng Bạc
// (ht.head, hb.head, with Password): the fixture itself has no head, so
// that every other test runs as before.
func (e *Env) AddHeadReview() {
	e.T.Helper()
	ctx := context.Background()
	s := Spec(HeadReviewed, "Đăng ký lại kết hôn", catalog.LevelCommune, "all_communes", 5)
	p := s.Version.Process
	p[2].BudgetHours -= 4
	s.Version.Process = append(append(append([]catalog.Step{}, p[:3]...),
		catalog.Step{Key: "truong_phong", Name: HeadReviewStep, Role: catalog.RoleHead, Action: catalog.StepApproveDraft, BudgetHours: 4}), p[3:]...)
	if rep, err := e.DB.ImportCatalogue(ctx, []catalog.Spec{s}); err != nil || len(rep.Rejected) > 0 {
		e.T.Fatalf("importing the head-reviewed procedure: %v %v", err, rep.Rejected)
	}
	hash, err := account.HashPassword(Password)
	if err != nil {
		e.T.Fatal(err)
	}
	for prefix, unit := range map[string]string{"ht": HangTrong, "hb": HangBac} {
		a := &account.Account{Kind: account.KindStaff, Username: prefix + ".head", FullName: "Trưởng phòng " + prefix, PasswordHash: hash}
		if err := e.DB.CreateStaff(ctx, a, unit, org.RoleHead); err != nil {
			e.T.Fatal(err)
		}
	}
}

// SubmitProcedure is Submit for another procedure of the fixture's shape
// (HeadReviewed): the marriage form and documents.
func (c *Client) SubmitProcedure(code, unit string) Dossier {
	c.env.T.Helper()
	form, _ := json.Marshal(MarriageForm())
	ct, body := Multipart(map[string]string{"procedure": code, "unit": unit, "form": string(form)}, MarriageDocuments())
	r := c.Raw("POST", "/api/v1/dossiers", ct, body, nil)
	if r.Status != 201 {
		c.env.T.Fatalf("submit %s: status %d %s", code, r.Status, r.Body)
	}
	var d Dossier
	if err := json.Unmarshal(r.Body, &d); err != nil {
		c.env.T.Fatal(err)
	}
	return d
}
