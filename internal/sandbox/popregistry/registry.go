// Package popregistry is a SANDBOX population registry that imitates the
// national population database's lookup on the integration platform, so
// that a newcomer running motcua with --demo sees the desk's and the
// portal's lookups work offline, with fictitious citizens.
//
// It is not the national population database (Cơ sở dữ liệu quốc gia về
// dân cư) and must never be reachable in production: motcua mounts it under
// /sandbox/dan-cu only with --demo and no --population-url. Its page says so
// in Vietnamese and English.
//
// It speaks the protocol population.Client speaks (integrations.md §2): a
// POST of a JSON object HoVaTen, SoDinhDanh, Nam, MaTichHop, MaDVC, MaCanBo,
// MaYeuCau with the bearer token, answered by a JSON string holding the SOAP
// envelope Envelope/Body/CongdanCollection/CongDan; nobody found is an empty
// CongdanCollection. So the client the app uses against it is the one
// production uses. Decisions of the sandbox: a wrong or missing token is
// 401; a request without MaDVC (the purpose) is 400; the person must match
// the ID number, the name (upper case without diacritics, as sent) and the
// birth year, as the platform matches; category values are names ("Nam",
// "Kinh"), not codes.
package popregistry

import (
	"crypto/subtle"
	"encoding/json"
	"encoding/xml"
	"html/template"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/motcua/motcua/internal/population"
	"github.com/motcua/motcua/internal/vn"
)

// Person is one fictitious citizen of the sandbox; BirthDate is dd/mm/yyyy
// (the form the e-ID sandbox uses for the same people).
type Person struct {
	population.Citizen
	BirthDate string
}

// Registry is the sandbox registry; it is an http.Handler serving its page
// on GET and lookups on POST, at whatever path it is mounted.
type Registry struct {
	token  string
	people []Person
	byID   map[string]Person
}

// New returns a registry holding people that answers lookups carrying
// token as "Authorization: Bearer <token>".
func New(token string, people []Person) *Registry {
	r := &Registry{token: token, byID: map[string]Person{}}
	for _, p := range people {
		p.Citizen.FullName = p.Citizen.Name.Full()
		p.Citizen.Birth = birth(p.BirthDate)
		r.people = append(r.people, p)
		r.byID[p.IDNumber] = p
	}
	return r
}

// birth is the date of birth as the sample answer of integrations.md
// writes it, yyyymmdd, with the year apart.
func birth(ddmmyyyy string) population.BirthDay {
	t, err := vn.ParseDate(ddmmyyyy, nil)
	if err != nil {
		return population.BirthDay{}
	}
	return population.BirthDay{Year: strconv.Itoa(t.Year()), Date: t.Format("20060102")}
}

// request is the platform's request body.
type request struct {
	HoVaTen    string `json:"HoVaTen"`
	SoDinhDanh string `json:"SoDinhDanh"`
	Nam        string `json:"Nam"`
	MaTichHop  string `json:"MaTichHop"`
	MaDVC      string `json:"MaDVC"`
	MaCanBo    string `json:"MaCanBo"`
	MaYeuCau   string `json:"MaYeuCau"`
}

// envelope is the SOAP answer, written with the soapenv prefix the
// platform uses.
type envelope struct {
	XMLName xml.Name `xml:"soapenv:Envelope"`
	NS      string   `xml:"xmlns:soapenv,attr"`
	Body    struct {
		Collection struct {
			CongDan []population.Citizen `xml:"CongDan"`
		} `xml:"CongdanCollection"`
	} `xml:"soapenv:Body"`
}

// ServeHTTP serves the page (GET) and lookups (POST).
func (reg *Registry) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		reg.page(w)
	case http.MethodPost:
		reg.lookup(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		fail(w, http.StatusMethodNotAllowed, "method not allowed")
	}
}

func fail(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

func (reg *Registry) lookup(w http.ResponseWriter, r *http.Request) {
	got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if reg.token == "" || subtle.ConstantTimeCompare([]byte(got), []byte(reg.token)) != 1 {
		w.Header().Set("WWW-Authenticate", `Bearer realm="sandbox"`)
		fail(w, http.StatusUnauthorized, "invalid token")
		return
	}
	var q request
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&q); err != nil {
		fail(w, http.StatusBadRequest, "body is not the lookup JSON")
		return
	}
	if strings.TrimSpace(q.MaDVC) == "" {
		fail(w, http.StatusBadRequest, "MaDVC (the purpose) is required")
		return
	}
	env := envelope{NS: "http://schemas.xmlsoap.org/soap/envelope/"}
	if p, ok := reg.byID[strings.TrimSpace(q.SoDinhDanh)]; ok && p.matches(q) {
		env.Body.Collection.CongDan = []population.Citizen{p.Citizen}
	}
	out, err := xml.Marshal(env)
	if err != nil {
		fail(w, http.StatusInternalServerError, "encoding the answer")
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(xml.Header + string(out))
}

// matches reports whether the request names p as the platform matches:
// the name folded and upper case, and the birth year.
func (p Person) matches(q request) bool {
	name := strings.Join(strings.Fields(strings.ToUpper(vn.Fold(q.HoVaTen))), " ")
	if name != strings.ToUpper(vn.Fold(p.FullName)) {
		return false
	}
	year, err := strconv.Atoi(strings.TrimSpace(q.Nam))
	return err == nil && strconv.Itoa(year) == p.Birth.Year
}

type row struct {
	FullName, IDNumber, BirthDate, Sex, Residence string
}

var pageTmpl = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="vi">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>CSDL dân cư thử nghiệm / Population registry sandbox</title>
<style>
body{font-family:system-ui,sans-serif;max-width:56rem;margin:2rem auto;padding:0 1rem}
.sandbox{background:#b00020;color:#fff;padding:1rem;font-weight:bold;border-radius:.3rem}
.en{color:#555;font-size:.95em}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.4rem;text-align:left}
</style></head>
<body>
<p class="sandbox" role="alert">MÔI TRƯỜNG THỬ NGHIỆM — không phải Cơ sở dữ liệu quốc gia về dân cư<br><span lang="en">SANDBOX — not the national population database</span></p>
<h1>Công dân trong môi trường thử nghiệm</h1>
<p class="en" lang="en">The sandbox's citizens (fictitious)</p>
<table>
<thead><tr><th>Họ và tên / Name</th><th>Số định danh / ID number</th><th>Ngày sinh / Born</th><th>Giới tính / Sex</th><th>Thường trú / Permanent residence</th></tr></thead>
<tbody>
{{range .}}<tr><td>{{.FullName}}</td><td>{{.IDNumber}}</td><td>{{.BirthDate}}</td><td>{{.Sex}}</td><td>{{.Residence}}</td></tr>
{{end}}</tbody>
</table>
</body></html>
`))

func (reg *Registry) page(w http.ResponseWriter) {
	var rows []row
	for _, p := range reg.people {
		rows = append(rows, row{p.FullName, p.IDNumber, p.BirthDate, p.Sex, p.PermanentResidence.String()})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	_ = pageTmpl.Execute(w, rows)
}
