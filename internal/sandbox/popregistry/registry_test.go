package popregistry_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/population"
	"github.com/motcua/motcua/internal/sandbox/popregistry"
)

var people = []popregistry.Person{{
	Citizen: population.Citizen{IDNumber: "001090001234", Name: population.Name{Last: "Nguyễn", Middle: "Văn", First: "An"},
		Sex: "Nam", Ethnicity: "Kinh", Nationality: "Việt Nam", MaritalStatus: "Đã kết hôn",
		PermanentResidence: population.Address{ProvinceCode: "01", DistrictCode: "002", ProvinceName: "Thành phố Hà Nội",
			DistrictName: "Quận Hoàn Kiếm", WardName: "Phường Hàng Trống", Detail: "Số 5 phố Lý Quốc Sư", Country: "VN"},
		Father: population.Relative{FullName: "Nguyễn Văn Hùng", IDNumber: "001060003456"},
		Spouse: population.Relative{FullName: "Phạm Thị Hoa", IDNumber: "001192007788"}},
	BirthDate: "15/03/1990",
}}

func start(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(popregistry.New("sandbox-token", people))
	t.Cleanup(srv.Close)
	return srv
}

// TestRoundTrip: the real client, pointed at the sandbox, finds the person
// and reads back every field; a wrong name or year is "not found", as the
// platform matches.
func TestRoundTrip(t *testing.T) {
	srv := start(t)
	cl := &population.Client{URL: srv.URL + "/sandbox/dan-cu", Token: "sandbox-token", IntegrationCode: "MOTCUA-DEMO"}
	q := population.Query{IDNumber: "001090001234", FullName: "Nguyễn Văn An", ServiceCode: "1.000894", OfficerCode: "rec", RequestID: "r1"}
	c, err := cl.Lookup(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	for attr, want := range map[string]string{
		"full_name": "Nguyễn Văn An", "birth_date": "1990-03-15", "sex": "Nam", "spouse.full_name": "Phạm Thị Hoa",
		"father.id_number":    "001060003456",
		"permanent_residence": "Số 5 phố Lý Quốc Sư, Phường Hàng Trống, Quận Hoàn Kiếm, Thành phố Hà Nội",
	} {
		if got, ok := c.Attribute(attr); !ok || got != want {
			t.Errorf("%s = %q, want %q", attr, got, want)
		}
	}
	for _, tc := range []struct {
		name string
		edit func(*population.Query)
	}{
		{"another name", func(q *population.Query) { q.FullName = "Nguyễn Văn Ân Khác" }},
		{"another year", func(q *population.Query) { q.BirthYear = 1991 }},
		{"unknown number", func(q *population.Query) { q.IDNumber = "001195004321" }},
	} {
		q2 := q
		tc.edit(&q2)
		if _, err := cl.Lookup(context.Background(), q2); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("%s: %v, want not found", tc.name, err)
		}
	}
	// The name matches without diacritics and whatever the case.
	q3 := q
	q3.FullName = "nguyen van an"
	if _, err := cl.Lookup(context.Background(), q3); err != nil {
		t.Errorf("folded name: %v", err)
	}
}

// TestRefusals: a bad token is 401, a request without MaDVC 400, and the
// client reports both as the platform being unavailable.
func TestRefusals(t *testing.T) {
	srv := start(t)
	post := func(auth, body string) int {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/sandbox/dan-cu", strings.NewReader(body))
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	body := `{"HoVaTen":"NGUYEN VAN AN","SoDinhDanh":"001090001234","Nam":"1990","MaDVC":"1.000894","MaYeuCau":"r"}`
	for _, tc := range []struct {
		name, auth, body string
		want             int
	}{
		{"good", "Bearer sandbox-token", body, 200},
		{"no token", "", body, 401},
		{"wrong token", "Bearer other", body, 401},
		{"basic instead", "Basic dTpw", body, 401},
		{"no MaDVC", "Bearer sandbox-token", strings.Replace(body, `"MaDVC":"1.000894"`, `"MaDVC":" "`, 1), 400},
		{"not JSON", "Bearer sandbox-token", "HoVaTen=x", 400},
	} {
		if got := post(tc.auth, tc.body); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
	cl := &population.Client{URL: srv.URL, Token: "wrong"}
	_, err := cl.Lookup(context.Background(), population.Query{IDNumber: "001090001234", FullName: "Nguyễn Văn An", ServiceCode: "x", RequestID: "r"})
	if !apperr.Is(err, apperr.Unavailable) {
		t.Errorf("client with a wrong token: %v", err)
	}
}

// TestPage: the GET page lists the people and says, in both languages,
// that this is not the national database.
func TestPage(t *testing.T) {
	srv := start(t)
	res, err := http.Get(srv.URL + "/sandbox/dan-cu")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	page := string(b)
	for _, want := range []string{"MÔI TRƯỜNG THỬ NGHIỆM — không phải Cơ sở dữ liệu quốc gia về dân cư",
		"SANDBOX — not the national population database", "Nguyễn Văn An", "001090001234", "15/03/1990", "Phường Hàng Trống"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if res.StatusCode != 200 || res.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("status %d headers %v", res.StatusCode, res.Header)
	}
}
