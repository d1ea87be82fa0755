package api_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/motcua/motcua/internal/app"
	"github.com/motcua/motcua/internal/app/apptest"
	"github.com/motcua/motcua/internal/store/storetest"
)

// TestSearchCommonSpellings: the catalogue finds a procedure by the
// spellings and names people use ("dang ki" for "đăng ký", "giấy chứng
// nhận kết hôn" for the marriage registration), on both engines.
func TestSearchCommonSpellings(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			anon := env.Anon()
			for _, tc := range []struct {
				q    string
				want []string
			}{
				{"dang+ki+ket+hon", []string{apptest.Marriage}},
				{"%C4%91%C4%83ng+k%C3%AD+k%E1%BA%BFt+h%C3%B4n", []string{apptest.Marriage}}, // "đăng kí kết hôn"
				{"giay+chung+nhan+ket+hon", []string{apptest.Marriage}},
				{"ly+lich+tu+phap", []string{apptest.CriminalRc}},
				{"ket+hon+ly+lich", nil},
			} {
				var out struct{ Items []struct{ Code string } }
				if st := anon.Do("GET", "/api/v1/procedures?q="+tc.q, nil, &out); st != 200 {
					t.Fatalf("%s: %d", tc.q, st)
				}
				var got []string
				for _, p := range out.Items {
					got = append(got, p.Code)
				}
				if len(got) != len(tc.want) || (len(got) > 0 && got[0] != tc.want[0]) {
					t.Errorf("%s: %v, want %v", tc.q, got, tc.want)
				}
			}
			// The portal's catalogue uses the same terms.
			if p := env.Browser().Do("GET", "/thu-tuc?q=dang+ki+ket+hon", nil, nil); p.Status != 200 || !strings.Contains(p.Body, "Đăng ký kết hôn") {
				t.Errorf("portal search: %d", p.Status)
			}
		})
	}
}

// TestProcedureListSummaries: the list sends what openapi.json promises,
// summaries without documents, form and process, a cursor that leads to the
// next page, and the procedure's page the full version, on both engines.
func TestProcedureListSummaries(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			env := apptest.Start(t, e, app.Options{})
			anon := env.Anon()
			raw := anon.Raw("GET", "/api/v1/openapi.json", "", nil, nil)
			doc, err := openapi3.NewLoader().LoadFromData(raw.Body)
			if err != nil {
				t.Fatal(err)
			}
			schema := func(name string) *openapi3.Schema {
				s := doc.Components.Schemas[name]
				if s == nil {
					t.Fatalf("no schema %s", name)
				}
				return s.Value
			}
			var codes []string
			for path := "/api/v1/procedures?limit=1"; path != ""; {
				r := anon.Raw("GET", path, "", nil, nil)
				if r.Status != 200 || r.Header.Get("Content-Type") != "application/json; charset=utf-8" {
					t.Fatalf("%s: %d %s", path, r.Status, r.Header.Get("Content-Type"))
				}
				var body any
				if err := json.Unmarshal(r.Body, &body); err != nil {
					t.Fatalf("%s: %v %s", path, err, r.Body)
				}
				if err := schema("ProcedureList").VisitJSON(body); err != nil {
					t.Errorf("%s does not match ProcedureList: %v", r.Body, err)
				}
				var page struct {
					Items []struct {
						Code    string
						Version map[string]any
					}
					NextCursor *string `json:"next_cursor"`
				}
				if err := json.Unmarshal(r.Body, &page); err != nil || len(page.Items) != 1 {
					t.Fatalf("%s: %v %s", path, err, r.Body)
				}
				v := page.Items[0].Version
				for _, k := range []string{"documents", "form", "process"} {
					if _, ok := v[k]; ok {
						t.Errorf("%s: the list item has %s", page.Items[0].Code, k)
					}
				}
				for _, k := range []string{"level", "class", "time_limit", "fee"} {
					if _, ok := v[k]; !ok {
						t.Errorf("%s: the list item lacks %s", page.Items[0].Code, k)
					}
				}
				codes = append(codes, page.Items[0].Code)
				path = ""
				if page.NextCursor != nil {
					path = "/api/v1/procedures?limit=1&cursor=" + *page.NextCursor
				}
			}
			if len(codes) < 2 || !slices.IsSorted(codes) {
				t.Fatalf("pages: %v", codes)
			}
			r := anon.Raw("GET", "/api/v1/procedures/"+apptest.Marriage, "", nil, nil)
			var p map[string]any
			if err := json.Unmarshal(r.Body, &p); r.Status != 200 || err != nil {
				t.Fatalf("procedure: %d %v", r.Status, err)
			}
			if err := schema("Procedure").VisitJSON(p); err != nil {
				t.Errorf("%s does not match Procedure: %v", r.Body, err)
			}
			if v, _ := p["version"].(map[string]any); v == nil || v["form"] == nil || v["process"] == nil || p["units"] == nil {
				t.Errorf("the procedure's page lacks its version or units: %s", r.Body)
			}
		})
	}
}
