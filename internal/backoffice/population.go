package backoffice

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/population"
	"github.com/motcua/motcua/internal/store"
	"github.com/motcua/motcua/internal/vn"
	"github.com/motcua/motcua/internal/web"
)

func init() {
	for k, v := range populationMessages {
		if _, dup := messages[k]; dup {
			panic("backoffice: duplicate message " + k)
		}
		messages[k] = v
	}
}

var populationMessages = web.Messages{
	"bo.nav.lookups":        {"Nhật ký tra cứu dân cư", "Population lookups"},
	"pl.title":              {"Nhật ký tra cứu Cơ sở dữ liệu quốc gia về dân cư", "National population database lookups"},
	"pl.hint":               {"Mọi lần tra cứu, kể cả lần bị từ chối hoặc không thành công. Số định danh được che bớt.", "Every lookup, refused and failed ones included. ID numbers are masked."},
	"pl.scope.city":         {"Phạm vi: toàn thành phố, gồm cả công dân tự tra cứu.", "Scope: the whole city, citizens' own lookups included."},
	"pl.scope.unit":         {"Phạm vi: %s và các đơn vị trực thuộc.", "Scope: %s and the units below."},
	"pl.from":               {"Từ ngày", "From"},
	"pl.to":                 {"Đến ngày", "To"},
	"pl.outcome":            {"Kết quả", "Outcome"},
	"pl.outcome.all":        {"— Tất cả —", "— All —"},
	"pl.filter":             {"Lọc", "Filter"},
	"pl.empty":              {"Không có lần tra cứu nào.", "No lookup."},
	"pl.more":               {"Trang sau", "Next page"},
	"pl.first":              {"Trang đầu", "First page"},
	"pl.col.at":             {"Thời gian", "Time"},
	"pl.col.who":            {"Người tra cứu", "Requested by"},
	"pl.col.unit":           {"Đơn vị", "Unit"},
	"pl.col.purpose":        {"Mục đích (thủ tục / hồ sơ)", "Purpose (procedure / dossier)"},
	"pl.col.request":        {"Mã yêu cầu", "Request id"},
	"pl.col.id":             {"Số định danh", "ID number"},
	"pl.col.outcome":        {"Kết quả", "Outcome"},
	"pl.kind.citizen":       {"công dân", "citizen"},
	"pl.kind.officer":       {"cán bộ", "officer"},
	"pl.none":               {"(không có)", "(none)"},
	"pl.o.found":            {"Tìm thấy", "Found"},
	"pl.o.not_found":        {"Không tìm thấy", "Not found"},
	"pl.o.unavailable":      {"Hệ thống không phản hồi", "Unavailable"},
	"pl.o.refused":          {"Bị từ chối", "Refused"},
	"pl.bad_date":           {"Ngày lọc không hợp lệ; nhập theo dạng ngày/tháng/năm.", "The filter date is not valid; write day/month/year."},
	"in.pop.lookup":         {"Tra cứu CSDL dân cư", "Look up the population database"},
	"in.pop.hint":           {"Nhập số định danh và họ tên người nộp rồi bấm «Tra cứu CSDL dân cư»: mục đích tra cứu là thủ tục đang tiếp nhận.", "Enter the applicant's ID number and full name, then press “Look up the population database”: the purpose is the procedure being received."},
	"in.pop.source":         {"Từ CSDL quốc gia về dân cư", "From the national population database"},
	"in.pop.found":          {"Đã điền thông tin từ Cơ sở dữ liệu quốc gia về dân cư (%s, sinh ngày %s). Cán bộ vẫn có thể sửa các ô đã điền.", "Filled in from the national population database (%s, born %s). You can still change the filled fields."},
	"in.pop.found.nobirth":  {"Đã điền thông tin từ Cơ sở dữ liệu quốc gia về dân cư (%s). Cán bộ vẫn có thể sửa các ô đã điền.", "Filled in from the national population database (%s). You can still change the filled fields."},
	"in.pop.not_configured": {"Chức năng tra cứu cơ sở dữ liệu quốc gia về dân cư chưa được kết nối.", "The population database lookup is not configured."},
}

// PopulationLookup is the population service as the desk uses it
// (population.Service).
type PopulationLookup interface {
	Enabled() bool
	Lookup(ctx context.Context, who population.Requester, q population.Query, dossierCode string) (*population.Citizen, error)
}

// LookupLister reads the lookup log (store.DB).
type LookupLister interface {
	Lookups(ctx context.Context, f store.LookupFilter) ([]population.Lookup, int64, error)
}

// PopulationDesk is the population-database lookup of the counter intake
// and the log its administrators read. The zero value has no lookup.
type PopulationDesk struct {
	Service PopulationLookup
	Log     LookupLister
}

func (p PopulationDesk) enabled() bool { return p.Service != nil && p.Service.Enabled() }

const lookupsPath = "/can-bo/quan-tri/tra-cuu-dan-cu"

// registerPopulation adds the lookup log's page.
func (h *Handler) registerPopulation(mux *http.ServeMux) {
	mux.Handle("GET "+lookupsPath, h.page(h.lookupsPage))
}

// lookupScope says which lookups the member may read in the acting unit:
// all of them (a city administrator, path ""), the unit's subtree (a unit
// administrator), or none.
func lookupScope(s *staff) (path string, ok bool) {
	switch {
	case s.cityAdmin():
		return "", true
	case slices.Contains(s.rolesIn(s.Unit.UnitID), org.RoleUnitAdmin):
		return s.Unit.UnitPath, true
	}
	return "", false
}

// PopulationAdmin reports whether the member may read the lookup log in
// the acting unit, for the navigation's link.
func (f Frame) PopulationAdmin() bool {
	_, ok := lookupScope(f.Staff)
	return ok
}

var errLookupsForbidden = apperr.New(apperr.Forbidden, "lookups_admin_only",
	"Chỉ quản trị viên đơn vị hoặc quản trị viên thành phố được xem nhật ký tra cứu dân cư.",
	"Only unit or city administrators may read the population lookup log.")

type lookupRow struct {
	population.Lookup
	Masked  string
	Kind    string
	Outcome string
}

type lookupsView struct {
	Frame
	City              bool
	From, To, Outcome string
	Outcomes          []option
	Rows              []lookupRow
	Next              string // query of the next page, "" at the end
	First             string // query of the first page, when not on it
}

// lookupsPage serves /can-bo/quan-tri/tra-cuu-dan-cu?tu-ngay=&den-ngay=&ket-qua=&truoc=:
// the population lookups of the acting unit's subtree (all of them for a
// city administrator), newest first.
func (h *Handler) lookupsPage(w http.ResponseWriter, r *http.Request, s *staff) error {
	path, ok := lookupScope(s)
	if !ok {
		return errLookupsForbidden
	}
	if h.Population.Log == nil {
		return apperr.ErrNotFound
	}
	q := r.URL.Query()
	v := &lookupsView{Frame: Frame{s, lookupsPath}, City: path == "", From: q.Get("tu-ngay"), To: q.Get("den-ngay"), Outcome: q.Get("ket-qua")}
	f := store.LookupFilter{UnitPath: path, Limit: pageSize}
	for _, d := range []struct {
		in  string
		out *time.Time
		add int
	}{{v.From, &f.From, 0}, {v.To, &f.To, 1}} {
		if strings.TrimSpace(d.in) == "" {
			continue
		}
		t, err := vn.ParseDate(d.in, web.Zone)
		if err != nil {
			return apperr.New(apperr.Invalid, "bad_date", h.web.T("vi", "pl.bad_date"), h.web.T("en", "pl.bad_date"))
		}
		*d.out = t.AddDate(0, 0, d.add) // "to" includes its day
	}
	if v.Outcome != "" {
		if !population.Outcome(v.Outcome).Valid() {
			return apperr.New(apperr.Invalid, "bad_outcome", "Kết quả lọc không hợp lệ.", "The outcome filter is not valid.")
		}
		f.Outcome = population.Outcome(v.Outcome)
	}
	if b := q.Get("truoc"); b != "" {
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n <= 0 {
			return apperr.New(apperr.Invalid, "bad_cursor", "Trang không hợp lệ.", "The page is not valid.")
		}
		f.Before = n
	}
	lang := web.LangOf(r)
	v.Outcomes = append(v.Outcomes, option{Value: "", Label: h.web.T(lang, "pl.outcome.all")})
	for _, o := range population.Outcomes {
		v.Outcomes = append(v.Outcomes, option{Value: string(o), Label: h.web.T(lang, "pl.o."+string(o)), Selected: string(o) == v.Outcome})
	}
	list, next, err := h.Population.Log.Lookups(r.Context(), f)
	if err != nil {
		return err
	}
	for _, l := range list {
		row := lookupRow{Lookup: l, Masked: vn.MaskID(l.IDNumber), Kind: l.RequesterKind, Outcome: string(l.Outcome)}
		if h.web.Has("pl.kind." + l.RequesterKind) {
			row.Kind = h.web.T(lang, "pl.kind."+l.RequesterKind)
		}
		if h.web.Has("pl.o." + string(l.Outcome)) {
			row.Outcome = h.web.T(lang, "pl.o."+string(l.Outcome))
		}
		v.Rows = append(v.Rows, row)
	}
	keep := url.Values{}
	for _, k := range []string{"tu-ngay", "den-ngay", "ket-qua"} {
		if q.Get(k) != "" {
			keep.Set(k, q.Get(k))
		}
	}
	if f.Before > 0 {
		v.First = keep.Encode()
		if v.First == "" {
			v.First = "trang=1"
		}
	}
	if next > 0 {
		keep.Set("truoc", strconv.FormatInt(next, 10))
		v.Next = keep.Encode()
	}
	h.web.Render(w, r, web.View{Name: "lookups", NoIndex: true, Data: v})
	return nil
}

// intakeLookup answers the intake form's "Tra cứu CSDL dân cư" button:
// the applicant's ID number and name typed in the form are looked up, the
// purpose being the procedure received; on success the applicant's name
// and ID number and every form field whose source is an identity or
// population attribute are filled, each marked with its origin. Whatever
// the outcome, the page keeps what was typed and nothing is stored but the
// lookup's log line (the service's).
func (h *Handler) intakeLookup(w http.ResponseWriter, r *http.Request, s *staff, v *intakeView, values map[string]string) error {
	lang := web.LangOf(r)
	if !h.Population.enabled() {
		v.Error = h.t(r, "in.pop.not_configured")
		h.web.Render(w, r, web.View{Name: "intake", Status: http.StatusServiceUnavailable, NoIndex: true, Data: v})
		return nil
	}
	who := population.Requester{AccountID: s.Account.ID, Name: s.Account.FullName, Kind: population.KindOfficer,
		UnitID: s.Unit.UnitID, UnitCode: s.Unit.UnitCode, UnitPath: s.Unit.UnitPath, Roles: s.rolesIn(s.Unit.UnitID),
		OfficerCode: s.Account.Username}
	q := population.Query{IDNumber: strings.TrimSpace(v.Applicant.IDNumber), FullName: strings.TrimSpace(v.Applicant.FullName), ServiceCode: v.P.Code}
	c, err := h.Population.Service.Lookup(r.Context(), who, q, "")
	if err != nil {
		e, ok := apperr.As(err)
		if !ok || e.Kind == apperr.Internal {
			return err
		}
		v.Error = e.Message(lang)
		for _, f := range e.Fields {
			switch f.Name {
			case "id_number", "full_name":
				v.AppErrors[f.Name] = f.In(lang)
			}
		}
		h.web.Render(w, r, web.View{Name: "intake", Status: e.Kind.Status(), NoIndex: true, Data: v})
		return nil
	}
	filled := map[string]string{}
	for k, val := range values {
		filled[k] = val
	}
	filled["applicant.full_name"], filled["applicant.id_number"] = c.FullName, c.IDNumber
	marks := map[string]bool{"applicant.full_name": true, "applicant.id_number": true}
	got := c.FormValues(v.P.Current.Form)
	for name, val := range got {
		filled[name], marks[name] = val, true
	}
	// The values the lookup gave, kept in the officer's session so that
	// the reception records which ones the desk kept (dossier.Sources).
	if b, err := json.Marshal(intakeLookupResult{Procedure: v.P.Code, IDNumber: c.IDNumber, Values: got}); err == nil {
		h.Sessions.Put(r.Context(), sessionIntakeLookup, string(b))
	}
	nv, err := h.intakeView(r, s, v.P.Code, filled)
	if err != nil {
		return err
	}
	nv.Filled = marks
	if birth := c.Birth.ISO(); birth != "" {
		nv.Lookup = h.t(r, "in.pop.found", c.FullName, vn.DisplayDate(birth))
	} else {
		nv.Lookup = h.t(r, "in.pop.found.nobirth", c.FullName)
	}
	h.web.Render(w, r, web.View{Name: "intake", NoIndex: true, Data: nv})
	return nil
}

// sessionIntakeLookup is the session key of the desk's last population
// lookup (intakeLookupResult).
const sessionIntakeLookup = "intake_population"

// intakeLookupResult is what a desk lookup gave the form: the procedure
// and the person it was for, and the value of each sourced field.
type intakeLookupResult struct {
	Procedure string            `json:"procedure"`
	IDNumber  string            `json:"id_number"`
	Values    map[string]string `json:"values"`
}

// intakeKnown returns what the desk's last lookup gave for this procedure
// and applicant, as the dossier service reads it; nil when the lookup was
// for someone or something else, or there was none.
func (h *Handler) intakeKnown(r *http.Request, procedure, idNumber string) *dossier.Known {
	raw := h.Sessions.GetString(r.Context(), sessionIntakeLookup)
	if raw == "" {
		return nil
	}
	var res intakeLookupResult
	if json.Unmarshal([]byte(raw), &res) != nil || res.Procedure != procedure || res.IDNumber != strings.TrimSpace(idNumber) {
		return nil
	}
	return &dossier.Known{Population: res.Values}
}
