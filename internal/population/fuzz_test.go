package population

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParseAnswer: the answer parser never panics; it returns either
// citizens, each with a trimmed non-empty ID number and the full name
// joined from the parts, or an error, never both; and its error text never
// repeats the answer (which is personal data).
func FuzzParseAnswer(f *testing.F) {
	f.Add(sample(f), "")
	f.Add(sample(f), "Data")
	for _, s := range []string{
		envelopeJSON(`<CongdanCollection/>`),
		envelopeJSON(`<CongdanCollection><CongDan><SoDinhDanh>001090012345</SoDinhDanh><HoVaTen><Ho>Lê</Ho></HoVaTen></CongDan><CongDan/></CongdanCollection>`),
		envelopeJSON(`<Fault/>`),
		`{"Data":` + envelopeJSON(`<CongdanCollection><CongDan><SoDinhDanh>1</SoDinhDanh></CongDan></CongdanCollection>`) + `}`,
		`"<Envelope><Body>"`, `""`, `null`, `{}`, `[]`, `"\u0000"`, "\xff", `"<!DOCTYPE x [<!ENTITY a 'b'>]><Envelope/>"`,
	} {
		f.Add([]byte(s), "")
		f.Add([]byte(s), "Data")
	}
	f.Fuzz(func(t *testing.T, body []byte, field string) {
		people, err := parseAnswer(body, field)
		if err != nil {
			if people != nil {
				t.Fatalf("citizens and error %v", err)
			}
			if !errors.Is(err, errNoCitizen) && !strings.HasPrefix(err.Error(), "population: ") {
				t.Fatalf("unexpected error text %q", err)
			}
			return
		}
		if len(people) == 0 {
			t.Fatal("no citizens and no error")
		}
		for _, c := range people {
			if c.IDNumber == "" || c.IDNumber != strings.TrimSpace(c.IDNumber) {
				t.Fatalf("ID number %q", c.IDNumber)
			}
			if c.FullName != c.Name.Full() {
				t.Fatalf("full name %q, parts %+v", c.FullName, c.Name)
			}
		}
	})
}
