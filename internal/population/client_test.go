package population

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/apperr"
)

// sample is the synthetic answer in testdata.
func sample(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/congdan.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// envelopeJSON wraps a CongdanCollection body in the envelope, JSON-encoded.
func envelopeJSON(collection string) string {
	xml := `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>` +
		collection + `</soapenv:Body></soapenv:Envelope>`
	b, _ := json.Marshal(xml)
	return string(b)
}

var query = Query{IDNumber: "001090012345", FullName: "Nguyễn  Văn Đức", BirthYear: 1990,
	ServiceCode: "1.001612", OfficerCode: "cb01", RequestID: "req-42"}

// TestLookupRequest checks the request the platform receives, field by
// field, with each way of passing the credential.
func TestLookupRequest(t *testing.T) {
	for _, c := range []struct {
		name   string
		client Client
		q      Query
		header string // header checked
		value  string // its expected value
		nam    string
	}{
		{"bearer token", Client{Token: "tok", IntegrationCode: "HNI-MC"}, query, "Authorization", "Bearer tok", "1990"},
		{"token in own header", Client{Token: "tok", Header: "X-Api-Key", IntegrationCode: "HNI-MC"}, query, "X-Api-Key", "tok", "1990"},
		{"basic user and password", Client{Username: "u", Password: "p", IntegrationCode: "HNI-MC"}, query, "Authorization", "Basic dTpw", "1990"},
		{"year from the ID number", Client{Token: "tok", IntegrationCode: "HNI-MC"},
			func() Query { q := query; q.BirthYear = 0; return q }(), "Authorization", "Bearer tok", "1990"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got map[string]any
			var hdr http.Header
			var method, ctype string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				method, ctype, hdr = r.Method, r.Header.Get("Content-Type"), r.Header.Clone()
				b, _ := io.ReadAll(r.Body)
				if err := json.Unmarshal(b, &got); err != nil {
					t.Errorf("request body %q: %v", b, err)
				}
				w.Write(sample(t))
			}))
			defer srv.Close()
			cl := c.client
			cl.URL = srv.URL
			if _, err := cl.Lookup(context.Background(), c.q); err != nil {
				t.Fatalf("Lookup: %v", err)
			}
			if method != http.MethodPost || !strings.HasPrefix(ctype, "application/json") {
				t.Errorf("method %s content type %q", method, ctype)
			}
			if v := hdr.Get(c.header); v != c.value {
				t.Errorf("header %s = %q, want %q", c.header, v, c.value)
			}
			want := map[string]any{
				"HoVaTen":    "NGUYEN VAN DUC",
				"SoDinhDanh": "001090012345",
				"Nam":        c.nam,
				"MaTichHop":  "HNI-MC",
				"MaDVC":      "1.001612",
				"MaCanBo":    "cb01",
				"MaYeuCau":   "req-42",
			}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%s = %#v, want %#v", k, got[k], v)
				}
			}
			if len(got) != len(want) {
				t.Errorf("request has %d fields, want %d: %v", len(got), len(want), got)
			}
		})
	}
}

// TestLookupParsesFullAnswer reads every field of the synthetic answer.
func TestLookupParsesFullAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(sample(t))
	}))
	defer srv.Close()
	c, err := (&Client{URL: srv.URL}).Lookup(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	home := Address{ProvinceCode: "01", DistrictCode: "005", WardCode: "00160", ProvinceName: "Thành phố Hà Nội",
		DistrictName: "Quận Cầu Giấy", WardName: "Phường Dịch Vọng", Detail: "Số 12 ngõ 34 phố Trần Thái Tông", Country: "VN"}
	want := Citizen{
		IDNumber: "001090012345", LegacyID: "012345678",
		Name: Name{Last: "Nguyễn", Middle: "Văn", First: "Đức"}, FullName: "Nguyễn Văn Đức",
		Sex: "1", Ethnicity: "01", Religion: "00", MaritalStatus: "2", BloodGroup: "1",
		Birth: BirthDay{Year: "1990", Date: "19900315"},
		BirthRegistration: Address{ProvinceCode: "01", DistrictCode: "001", WardCode: "00001", ProvinceName: "Thành phố Hà Nội",
			DistrictName: "Quận Ba Đình", WardName: "Phường Phúc Xá", Country: "VN"},
		HomeTown: Address{ProvinceCode: "36", DistrictCode: "356", WardCode: "13654", ProvinceName: "Tỉnh Nam Định",
			DistrictName: "Huyện Giao Thủy", WardName: "Xã Giao Tiến", Detail: "Xóm 3", Country: "VN"},
		PermanentResidence: home, CurrentResidence: home,
		Nationality:     "VN",
		Father:          Relative{FullName: "Nguyễn Văn Bình", Nationality: "VN", IDNumber: "036060001111", LegacyID: "160000111"},
		Mother:          Relative{FullName: "Trần Thị Cúc", Nationality: "VN", IDNumber: "036162002222", LegacyID: "160000222"},
		Spouse:          Relative{FullName: "Lê Thị Dung", Nationality: "VN", IDNumber: "001192003333"},
		HeadOfHousehold: Household{Relation: "Chủ hộ", IDNumber: "001090012345", LegacyID: "012345678", FullName: "Nguyễn Văn Đức"},
		HouseholdBook:   "010123456",
	}
	if *c != want {
		t.Errorf("citizen =\n%+v\nwant\n%+v", *c, want)
	}
}

// TestLookupErrors covers each way the platform can fail, and checks that
// no error text carries the person's data.
func TestLookupErrors(t *testing.T) {
	const found = `<ns1:CongdanCollection xmlns:ns1="urn:x"><ns1:CongDan><ns1:SoDinhDanh>001090012345</ns1:SoDinhDanh></ns1:CongDan></ns1:CongdanCollection>`
	for _, c := range []struct {
		name    string
		status  int
		body    string
		delay   time.Duration
		field   string
		kind    apperr.Kind
		code    string
		wantNil bool // Lookup succeeds
	}{
		{"empty collection", 200, envelopeJSON(`<CongdanCollection/>`), 0, "", apperr.NotFound, CodeNotFound, false},
		{"no collection", 200, envelopeJSON(``), 0, "", apperr.NotFound, CodeNotFound, false},
		{"empty CongDan", 200, envelopeJSON(`<CongdanCollection><CongDan><SoDinhDanh> </SoDinhDanh></CongDan></CongdanCollection>`), 0, "", apperr.NotFound, CodeNotFound, false},
		{"another person", 200, envelopeJSON(strings.Replace(found, "001090012345", "001090099999", 1)), 0, "", UnavailableKind, CodeBadAnswer, false},
		{"SOAP fault", 200, envelopeJSON(`<soapenv:Fault><faultstring>x</faultstring></soapenv:Fault>`), 0, "", UnavailableKind, CodeBadAnswer, false},
		{"HTTP 500", 500, `{"error":"NGUYEN VAN DUC 001090012345"}`, 0, "", UnavailableKind, CodeUnavailable, false},
		{"HTTP 401", 401, ``, 0, "", UnavailableKind, CodeUnavailable, false},
		{"timeout", 200, envelopeJSON(found), 2 * time.Second, "", UnavailableKind, CodeUnavailable, false},
		{"malformed JSON", 200, `{"Envelope":`, 0, "", UnavailableKind, CodeBadAnswer, false},
		{"JSON but no string", 200, `{"Envelope":{}}`, 0, "", UnavailableKind, CodeBadAnswer, false},
		{"malformed XML", 200, `"<Envelope><Body><CongdanCollection><CongDan><SoDinhDanh>001090012345</CongDan>"`, 0, "", UnavailableKind, CodeBadAnswer, false},
		{"XML not an envelope", 200, `"<html>001090012345</html>"`, 0, "", UnavailableKind, CodeBadAnswer, false},
		{"empty body", 200, ``, 0, "", UnavailableKind, CodeBadAnswer, false},
		{"too large", 200, `"` + strings.Repeat("a", maxAnswer) + `"`, 0, "", UnavailableKind, CodeBadAnswer, false},
		{"object with envelope member", 200, `{"Data":` + envelopeJSON(found) + `}`, 0, "Data", 0, "", true},
		{"object without the member", 200, `{"Other":` + envelopeJSON(found) + `}`, 0, "Data", UnavailableKind, CodeBadAnswer, false},
		{"bare string when a member is expected", 200, envelopeJSON(found), 0, "Data", 0, "", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			stop := make(chan struct{})
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if c.delay > 0 {
					select {
					case <-time.After(c.delay):
					case <-r.Context().Done():
					case <-stop:
					}
				}
				w.WriteHeader(c.status)
				io.WriteString(w, c.body)
			}))
			defer srv.Close()
			defer close(stop)
			cl := &Client{URL: srv.URL, EnvelopeField: c.field, HTTP: &http.Client{Timeout: 200 * time.Millisecond}}
			got, err := cl.Lookup(context.Background(), query)
			if c.wantNil {
				if err != nil || got == nil || got.IDNumber != query.IDNumber {
					t.Fatalf("Lookup = %+v, %v", got, err)
				}
				return
			}
			if got != nil {
				t.Errorf("Lookup returned %+v with an error expected", got)
			}
			e, ok := apperr.As(err)
			if !ok || e.Kind != c.kind || e.Code != c.code {
				t.Fatalf("Lookup error = %v, want kind %d code %s", err, c.kind, c.code)
			}
			if e.VI == "" || e.EN == "" || e.VI == e.EN {
				t.Errorf("messages vi %q en %q", e.VI, e.EN)
			}
			if c.kind == UnavailableKind {
				var pe *Error
				if !errors.As(err, &pe) || pe.Cause == nil {
					t.Errorf("error %v does not wrap its cause", err)
				}
			}
			for _, secret := range []string{"001090012345", "090012", "NGUYEN", "Nguyễn", "Đức"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error text %q holds personal data %q", err.Error(), secret)
				}
			}
		})
	}
}

// TestLookupContextAndTransport: a cancelled context and an unreachable
// platform are "unavailable", with the cause findable by errors.Is.
func TestLookupContextAndTransport(t *testing.T) {
	// stop releases the handler before srv.Close waits for it: the server
	// does not always notice the client hanging up.
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	defer srv.Close()
	defer close(stop)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := (&Client{URL: srv.URL}).Lookup(ctx, query)
	if !apperr.Is(err, UnavailableKind) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("deadline: %v", err)
	}

	closed := httptest.NewServer(http.NotFoundHandler())
	url := closed.URL
	closed.Close()
	_, err = (&Client{URL: url}).Lookup(context.Background(), query)
	if e, ok := apperr.As(err); !ok || e.Code != CodeUnavailable {
		t.Errorf("unreachable: %v", err)
	}

	_, err = (&Client{URL: "://bad"}).Lookup(context.Background(), query)
	if e, ok := apperr.As(err); !ok || e.Code != CodeUnavailable {
		t.Errorf("bad URL: %v", err)
	}
}

// TestLookupRefusedQuerySendsNothing: a query without a purpose never
// reaches the platform.
func TestLookupRefusedQuerySendsNothing(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.Write(sample(t))
	}))
	defer srv.Close()
	q := query
	q.ServiceCode = ""
	_, err := (&Client{URL: srv.URL}).Lookup(context.Background(), q)
	if !apperr.Is(err, apperr.Invalid) {
		t.Errorf("Lookup = %v, want Invalid", err)
	}
	if calls != 0 {
		t.Errorf("platform called %d times", calls)
	}
}
