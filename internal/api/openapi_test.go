package api

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/server"
	"github.com/motcua/motcua/internal/vn"
)

// documentedRoute is one method and path the OpenAPI document must describe.
type documentedRoute struct {
	method, path string
	auth         bool // registered with h.auth: bearer token required
	// token marks routes that check a configured token of their own (the
	// national portal's inbound deliveries), documented as their scheme.
	token string
	// outside marks routes the server itself registers (not Handler.Register).
	outside bool
}

// documentedRoutes lists every route of Handler.Register (and the server's
// own /healthz and /metrics). Keep it in step with Register: the tests below
// check it against the mux and against openapi.json both ways.
var documentedRoutes = []documentedRoute{
	{method: "GET", path: "/api/v1/openapi.json"},
	{method: "POST", path: "/api/v1/citizens"},
	{method: "POST", path: "/api/v1/auth/token"},
	{method: "DELETE", path: "/api/v1/auth/token", auth: true},
	{method: "GET", path: "/api/v1/units"},
	{method: "GET", path: "/api/v1/units/{code}"},
	{method: "GET", path: "/api/v1/procedures"},
	{method: "GET", path: "/api/v1/procedures/{code}"},
	{method: "GET", path: "/api/v1/track/{code}"},
	{method: "GET", path: "/api/v1/calendar/due"},
	{method: "GET", path: "/api/v1/calendar/{year}"},
	{method: "PUT", path: "/api/v1/calendar/overrides/{date}", auth: true},
	{method: "DELETE", path: "/api/v1/calendar/overrides/{date}", auth: true},
	{method: "GET", path: "/api/v1/me", auth: true},
	{method: "PATCH", path: "/api/v1/me", auth: true},
	{method: "POST", path: "/api/v1/dossiers", auth: true},
	{method: "GET", path: "/api/v1/dossiers", auth: true},
	{method: "GET", path: "/api/v1/dossiers/{code}", auth: true},
	{method: "POST", path: "/api/v1/dossiers/{code}/actions", auth: true},
	{method: "GET", path: "/api/v1/dossiers/{code}/documents/{id}", auth: true},
	{method: "GET", path: "/api/v1/stats", auth: true},
	{method: "GET", path: "/api/v1/reports/ii06a", auth: true},
	{method: "GET", path: "/api/v1/reports/766", auth: true},
	{method: "GET", path: "/api/v1/dossiers/{code}/slips/{no}", auth: true},
	{method: "GET", path: "/api/v1/registers/07", auth: true},
	{method: "POST", path: "/api/v1/walkins", auth: true},
	{method: "GET", path: "/api/v1/walkins/{id}", auth: true},
	{method: "GET", path: "/api/v1/walkins/{id}/slip", auth: true},
	{method: "POST", path: "/api/v1/population/lookups", auth: true},
	{method: "POST", path: "/api/v1/dossiers/{code}/payments", auth: true},
	{method: "GET", path: "/api/v1/dossiers/{code}/payments", auth: true},
	{method: "GET", path: "/api/v1/dossiers/{code}/receipts", auth: true},
	{method: "GET", path: "/api/v1/dossiers/{code}/receipts/{id}", auth: true},
	{method: "GET", path: "/api/v1/payments/vnpay/ipn"},
	{method: "POST", path: "/api/v1/payments/paygov/confirm"},
	{method: "POST", path: "/api/v1/inbound/dvcqg", token: "dvcqgInbound"},
	{method: "GET", path: "/healthz", outside: true},
	{method: "GET", path: "/metrics", outside: true},
}

// samplePath fills the path parameters with plausible values.
func samplePath(p string) string {
	return strings.NewReplacer("{code}", "X-250101-0001", "{id}", "1", "{year}", "2025", "{date}", "2025-01-01", "{no}", "01").Replace(p)
}

func loadOpenAPI(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(openAPIDoc)
	if err != nil {
		t.Fatalf("loading openapi.json: %v", err)
	}
	return doc
}

func TestOpenAPIDocumentValid(t *testing.T) {
	doc := loadOpenAPI(t)
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI document: %v", err)
	}
	if doc.OpenAPI != "3.0.3" || doc.Info.Title != "motcua API" || doc.Info.Version != "1" {
		t.Errorf("openapi %q, title %q, version %q", doc.OpenAPI, doc.Info.Title, doc.Info.Version)
	}
	if doc.Components.SecuritySchemes["bearerAuth"] == nil {
		t.Error("no bearerAuth security scheme")
	}
}

func TestOpenAPIRoutesMatchRegister(t *testing.T) {
	doc := loadOpenAPI(t)
	mux := http.NewServeMux()
	(&Handler{}).Register(mux)

	want := map[string]bool{}
	for _, rt := range documentedRoutes {
		key := rt.method + " " + rt.path
		want[key] = true
		item := doc.Paths.Value(rt.path)
		if item == nil || item.GetOperation(rt.method) == nil {
			t.Errorf("%s is not documented", key)
		}
		if rt.outside {
			continue
		}
		req := httptest.NewRequest(rt.method, samplePath(rt.path), nil)
		if _, pattern := mux.Handler(req); pattern != key {
			t.Errorf("%s: the mux routes %s to %q", key, req.URL.Path, pattern)
		}
	}
	// Sanity: something unregistered falls to the catch-all, not to a route.
	if _, pattern := mux.Handler(httptest.NewRequest("GET", "/api/v1/nothing", nil)); pattern != "/api/" {
		t.Errorf("unknown API path routed to %q", pattern)
	}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			if key := method + " " + path; !want[key] {
				t.Errorf("%s is documented but not in the route table", key)
			}
		}
	}
}

func TestOpenAPIOutsideRoutesServed(t *testing.T) {
	s := server.New(server.Options{Log: slog.New(slog.DiscardHandler)})
	for _, rt := range documentedRoutes {
		if !rt.outside {
			continue
		}
		h := s.Handler
		if rt.path == "/metrics" {
			// Served on --metrics-addr only, never on the public address.
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(rt.method, rt.path, nil))
			if rec.Code != http.StatusNotFound {
				t.Errorf("/metrics on the public handler: %d", rec.Code)
			}
			h = s.Metrics()
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(rt.method, rt.path, nil))
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
			t.Errorf("%s %s: status %d, content type %q", rt.method, rt.path, rec.Code, rec.Header().Get("Content-Type"))
		}
	}
}

// serve runs one request through the mux; a panic (the zero Handler has no
// store) counts as "got past authentication".
func serve(mux *http.ServeMux, req *http.Request) (rec *httptest.ResponseRecorder, panicked bool) {
	rec = httptest.NewRecorder()
	defer func() {
		if recover() != nil {
			panicked = true
		}
	}()
	mux.ServeHTTP(rec, req)
	return rec, false
}

func TestOpenAPISecurityMatchesAuth(t *testing.T) {
	doc := loadOpenAPI(t)
	errSchema := doc.Components.Schemas["Error"]
	if errSchema == nil {
		t.Fatal("no Error schema")
	}
	mux := http.NewServeMux()
	(&Handler{Log: slog.New(slog.DiscardHandler)}).Register(mux)
	for _, rt := range documentedRoutes {
		key := rt.method + " " + rt.path
		op := doc.Paths.Value(rt.path).GetOperation(rt.method)
		if op == nil {
			continue // reported by TestOpenAPIRoutesMatchRegister
		}
		hasBearer, hasToken := false, false
		if op.Security != nil {
			for _, req := range *op.Security {
				if _, ok := req["bearerAuth"]; ok {
					hasBearer = true
				}
				if _, ok := req[rt.token]; ok && rt.token != "" {
					hasToken = true
				}
			}
		}
		if hasToken != (rt.token != "") {
			t.Errorf("%s: documented %s %v", key, rt.token, hasToken)
		}
		if hasBearer != rt.auth {
			t.Errorf("%s: documented bearerAuth %v, want %v", key, hasBearer, rt.auth)
		}
		if (rt.auth || rt.token != "") && op.Responses.Value("401") == nil {
			t.Errorf("%s: no 401 response documented", key)
		}
		if rt.outside {
			continue
		}
		rec, panicked := serve(mux, httptest.NewRequest(rt.method, samplePath(rt.path), nil))
		got401 := !panicked && rec.Code == http.StatusUnauthorized
		if got401 != (rt.auth || rt.token != "") {
			t.Errorf("%s without a token: status %d (panicked %v); auth required %v", key, rec.Code, panicked, rt.auth)
		}
		if !got401 {
			continue
		}
		if rec.Header().Get("WWW-Authenticate") == "" {
			t.Errorf("%s: 401 without WWW-Authenticate", key)
		}
		var body any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Errorf("%s: 401 body: %v", key, err)
		} else if err := errSchema.Value.VisitJSON(body); err != nil {
			t.Errorf("%s: 401 body %s does not match the Error schema: %v", key, rec.Body.Bytes(), err)
		}
	}
}

func enumOf(t *testing.T, doc *openapi3.T, name string) []string {
	t.Helper()
	s := doc.Components.Schemas[name]
	if s == nil {
		t.Fatalf("no schema %s", name)
	}
	var out []string
	for _, v := range s.Value.Enum {
		out = append(out, fmt.Sprint(v))
	}
	return out
}

func TestOpenAPIEnumsMatchCode(t *testing.T) {
	doc := loadOpenAPI(t)
	var statuses []string
	for s := dossier.Status(0); s <= 11; s++ {
		if s.Valid() {
			statuses = append(statuses, fmt.Sprint(int(s)))
		}
	}
	check := func(name string, want []string) {
		if got := enumOf(t, doc, name); !slices.Equal(got, want) {
			t.Errorf("%s enum %v, want %v", name, got, want)
		}
	}
	check("Status", statuses)
	var actions, types, roles []string
	for _, a := range dossier.Actions {
		actions = append(actions, string(a))
	}
	for _, f := range catalog.FieldTypes {
		types = append(types, string(f))
	}
	for _, r := range org.Roles {
		roles = append(roles, string(r))
	}
	check("Action", actions)
	var evActions []string
	for _, v := range doc.Components.Schemas["Event"].Value.Properties["action"].Value.Enum {
		evActions = append(evActions, fmt.Sprint(v))
	}
	if want := append([]string{string(dossier.ActSubmit)}, actions...); !slices.Equal(evActions, want) {
		t.Errorf("Event.action enum %v, want %v", evActions, want)
	}
	check("FieldType", types)
	check("Role", roles)
}

// TestOpenAPILifecycleRules checks the x-lifecycle-rules of the Command
// schema (and so the rules table in the docs) against dossier.Allowed.
func TestOpenAPILifecycleRules(t *testing.T) {
	var raw struct {
		Components struct {
			Schemas map[string]struct {
				Rules []struct {
					Action string   `json:"action"`
					From   []int    `json:"from"`
					Roles  []string `json:"roles"`
				} `json:"x-lifecycle-rules"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPIDoc, &raw); err != nil {
		t.Fatal(err)
	}
	documented := map[string][]string{} // "action status" → sorted roles
	for _, r := range raw.Components.Schemas["Command"].Rules {
		for _, s := range r.From {
			key := fmt.Sprintf("%s %d", r.Action, s)
			documented[key] = append(documented[key], r.Roles...)
			sort.Strings(documented[key])
		}
	}
	allRoles := []string{dossier.RoleApplicant}
	for _, r := range org.Roles {
		allRoles = append(allRoles, string(r))
	}
	actual := map[string][]string{}
	for _, act := range dossier.Actions {
		for s := dossier.Status(1); s <= 10; s++ {
			for _, role := range allRoles {
				// An open consultation of the unit, for answer_consult.
				d := &dossier.Dossier{Status: s, UnitID: 1, OwnerID: 42, Channel: dossier.ChannelOnline, Consultations: []dossier.Consultation{{ToUnitID: 1}}}
				a := dossier.Actor{AccountID: 7, Grants: []dossier.Grant{{UnitID: 1, Role: org.Role(role)}}}
				if role == dossier.RoleApplicant {
					a = dossier.Actor{AccountID: 42, Citizen: true}
				}
				if got, statusOK := dossier.Allowed(d, a, act); statusOK && got != "" {
					key := fmt.Sprintf("%s %d", act, s)
					actual[key] = append(actual[key], role)
					sort.Strings(actual[key])
				}
			}
		}
	}
	for key, roles := range actual {
		if !slices.Equal(documented[key], roles) {
			t.Errorf("%s: documented roles %v, lifecycle allows %v", key, documented[key], roles)
		}
	}
	for key, roles := range documented {
		if _, ok := actual[key]; !ok {
			t.Errorf("%s: documented roles %v, lifecycle allows none", key, roles)
		}
	}
}

// TestOpenAPIQueryLimits checks that every q parameter states the limits
// the store applies (vn.MaxQueryRunes, vn.MaxQueryWords).
func TestOpenAPIQueryLimits(t *testing.T) {
	doc := loadOpenAPI(t)
	n := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for _, p := range op.Parameters {
				if p.Value == nil || p.Value.Name != "q" {
					continue
				}
				n++
				s := p.Value.Schema.Value
				if s.MaxLength == nil || *s.MaxLength != uint64(vn.MaxQueryRunes) {
					t.Errorf("%s %s: q maxLength %v, want %d", method, path, s.MaxLength, vn.MaxQueryRunes)
				}
				if w, _ := s.Extensions["x-max-words"].(float64); int(w) != vn.MaxQueryWords {
					t.Errorf("%s %s: q x-max-words %v, want %d", method, path, s.Extensions["x-max-words"], vn.MaxQueryWords)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no q parameter found")
	}
}
