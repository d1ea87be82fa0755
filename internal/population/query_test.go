package population

import (
	"slices"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/apperr"
)

func TestQueryCheck(t *testing.T) {
	now := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	ok := Query{IDNumber: "001090012345", FullName: "Nguyễn Văn Đức", BirthYear: 1990,
		ServiceCode: "1.001612", OfficerCode: "cb01", RequestID: "req-1"}
	for _, c := range []struct {
		name   string
		edit   func(*Query)
		fields []string // invalid fields, in order; nil = valid
	}{
		{"valid", func(*Query) {}, nil},
		{"valid without year or officer", func(q *Query) { q.BirthYear, q.OfficerCode = 0, "" }, nil},
		{"id surrounded by spaces", func(q *Query) { q.IDNumber = " 001090012345 " }, nil},
		{"no id", func(q *Query) { q.IDNumber = "" }, []string{"id_number"}},
		{"legacy 9-digit id", func(q *Query) { q.IDNumber = "012345678" }, []string{"id_number"}},
		{"id with letter", func(q *Query) { q.IDNumber = "00109001234a" }, []string{"id_number"}},
		{"id of no province", func(q *Query) { q.IDNumber = "999090012345" }, []string{"id_number"}},
		{"no name", func(q *Query) { q.FullName = "  " }, []string{"full_name"}},
		{"name of marks only", func(q *Query) { q.FullName = "\u0301\u0300" }, []string{"full_name"}},
		{"name with NUL", func(q *Query) { q.FullName = "An\x00" }, []string{"full_name"}},
		{"year in the future", func(q *Query) { q.BirthYear = 2027 }, []string{"birth_year"}},
		{"year too old", func(q *Query) { q.BirthYear = 1899 }, []string{"birth_year"}},
		{"no purpose", func(q *Query) { q.ServiceCode = " " }, []string{"service_code"}},
		{"no request id", func(q *Query) { q.RequestID = "" }, []string{"request_id"}},
		{"officer with bad UTF-8", func(q *Query) { q.OfficerCode = "\xff" }, []string{"officer_code"}},
		{"empty query lists every field", func(q *Query) { *q = Query{} },
			[]string{"id_number", "full_name", "service_code", "request_id"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			q := ok
			c.edit(&q)
			err := q.check(now)
			if c.fields == nil {
				if err != nil {
					t.Fatalf("check: %v", err)
				}
				return
			}
			e, isApp := apperr.As(err)
			if !isApp || e.Kind != apperr.Invalid || e.Code != CodeQueryInvalid {
				t.Fatalf("check = %v, want Invalid %s", err, CodeQueryInvalid)
			}
			var got []string
			for _, f := range e.Fields {
				got = append(got, f.Name)
				if f.Message == "" || f.MessageEN == "" || f.Message == f.MessageEN {
					t.Errorf("field %s: messages vi %q en %q", f.Name, f.Message, f.MessageEN)
				}
			}
			if !slices.Equal(got, c.fields) {
				t.Errorf("fields = %v, want %v", got, c.fields)
			}
			if e.VI == "" || e.EN == "" {
				t.Errorf("messages vi %q en %q", e.VI, e.EN)
			}
		})
	}
}

func TestPlatformName(t *testing.T) {
	for in, want := range map[string]string{
		"Nguyễn Văn Đức":       "NGUYEN VAN DUC",
		"  trần   thị  ánh  ":  "TRAN THI ANH",
		"Nguye\u0302\u0303n Ð": "NGUYEN D", // decomposed marks, look-alike eth
		"Hồ Thị Kỹ":            "HO THI KY",
	} {
		if got := platformName(in); got != want {
			t.Errorf("platformName(%q) = %q, want %q", in, got, want)
		}
	}
}
