package dvcqg

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/motcua/motcua/internal/dossier"
)

func TestParseInbound(t *testing.T) {
	cases := []struct {
		name string
		body string
		n    int
		code string
	}{
		{"one dossier, codes as strings", `[{"MaHoSo":"A-1","MaTTHC":"1.000894","LoaiDoiTuong":"1"}]`, 1, ""},
		{"codes as numbers", `[{"MaHoSo":"A-1","LoaiDoiTuong":1,"TrangThaiHoSo":1,"KenhThucHien":2}]`, 1, ""},
		{"unknown fields are ignored", `[{"MaHoSo":"A-1","TruongMoi":{"x":1}}]`, 1, ""},
		{"surrounding space", " \n[{\"MaHoSo\":\"A-1\"},{\"MaHoSo\":\"A-2\"}]\n", 2, ""},
		{"not JSON", `[{`, 0, "bad_json"},
		{"an object", `{"MaHoSo":"A-1"}`, 0, "bad_json"},
		{"empty", ``, 0, "bad_json"},
		{"empty array", `[]`, 0, "bad_json"},
		{"trailing data", `[{"MaHoSo":"A-1"}] []`, 0, "bad_json"},
		{"a code of the wrong type", `[{"MaHoSo":"A-1","LoaiDoiTuong":true}]`, 0, "bad_json"},
		{"a string where a list goes", `[{"MaHoSo":"A-1","DinhDanhCHS":"x"}]`, 0, "bad_json"},
		{"NUL in a string", `[{"MaHoSo":"A\u0000"}]`, 0, "bad_json"},
		{"invalid UTF-8", "[{\"MaHoSo\":\"A\xff\"}]", 0, "bad_json"},
		{"101 dossiers", "[" + strings.TrimSuffix(strings.Repeat(`{"MaHoSo":"A"},`, 101), ",") + "]", 0, "too_many"},
		{"100 dossiers", "[" + strings.TrimSuffix(strings.Repeat(`{"MaHoSo":"A"},`, 100), ",") + "]", 100, ""},
	}
	for _, c := range cases {
		got, err := ParseInbound([]byte(c.body))
		var ie *InboundError
		switch {
		case c.code == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.code != "" && (!errors.As(err, &ie) || ie.Code != c.code || ie.VI == "" || ie.EN == ""):
			t.Errorf("%s: %v, want %s", c.name, err, c.code)
		case len(got) != c.n:
			t.Errorf("%s: %d dossiers, want %d", c.name, len(got), c.n)
		}
	}
	got, err := ParseInbound([]byte(`[{"MaHoSo":"A-1","LoaiDoiTuong":4,"KenhThucHien":"2"}]`))
	if err != nil || got[0].LoaiDoiTuong != "4" || got[0].KenhThucHien != "2" {
		t.Fatalf("codes read as %+v, %v", got, err)
	}
}

func TestFromHoSo(t *testing.T) {
	base := HoSo{MaHoSo: " A-1 ", MaTTHC: "1.000894", ChuHoSo: "Lê Thị Hoa", SoGiayToChuHoSo: "001185006789",
		DonViXuLy: "000.12.02.H26", NoiNopHoSo: "000.00.00.G22", SoDienThoai: "0901234567", TrichYeuHoSo: "Kết hôn"}
	cases := []struct {
		name    string
		edit    func(*HoSo)
		unit    string
		kind    dossier.ApplicantKind
		id, org string
		tax     string
	}{
		{"citizen, ID from the owner's document", func(*HoSo) {}, "000.12.02.H26", dossier.ApplicantCitizen, "001185006789", "", ""},
		{"citizen, 12-digit ID preferred", func(h *HoSo) {
			h.DinhDanhCHS = []DinhDanh{{"2", "012345678"}, {"1", "001090001234"}}
		}, "000.12.02.H26", dossier.ApplicantCitizen, "001090001234", "", ""},
		{"no DonViXuLy: NoiNopHoSo", func(h *HoSo) { h.DonViXuLy = " " }, "000.00.00.G22", dossier.ApplicantCitizen, "001185006789", "", ""},
		{"business", func(h *HoSo) {
			h.LoaiDoiTuong, h.ChuHoSo, h.SoGiayToChuHoSo = "2", "Công ty A", "0101234567"
			h.DinhDanhCHS = []DinhDanh{{"1", "001090001234"}}
		}, "000.12.02.H26", dossier.ApplicantBusiness, "001090001234", "Công ty A", "0101234567"},
		{"other organisation", func(h *HoSo) { h.LoaiDoiTuong, h.ChuHoSo = "4", "Hội B" }, "000.12.02.H26", dossier.ApplicantOrganisation, "001185006789", "Hội B", ""},
		{"unknown kind", func(h *HoSo) { h.LoaiDoiTuong = "9" }, "000.12.02.H26", "LoaiDoiTuong 9", "", "", ""},
	}
	for _, c := range cases {
		h := base
		c.edit(&h)
		in := FromHoSo(h)
		if in.ExternalCode != "A-1" || in.Procedure != "1.000894" || in.Unit != c.unit || in.Applicant.Kind != c.kind ||
			in.Applicant.IDNumber != c.id || in.Applicant.OrgName != c.org || in.Applicant.TaxCode != c.tax || in.Source != Inbound {
			t.Errorf("%s: %+v", c.name, in)
		}
	}
}

// FuzzParseInbound: no body panics the parser or the mapping, and what is
// accepted is 1 to MaxInbound dossiers that encode again.
func FuzzParseInbound(f *testing.F) {
	f.Add([]byte(`[{"MaHoSo":"A-1","MaTTHC":"1.000894","LoaiDoiTuong":"2","DinhDanhCHS":[{"LoaiDinhDanh":1,"SoDinhDanh":"001090001234"}]}]`))
	f.Add([]byte(`[{"MaHoSo":1}]`))
	f.Add([]byte(`[null, {}]`))
	f.Add([]byte(`{"a":[1,2]}`))
	f.Add([]byte("[{\"TrichYeuHoSo\":\"\xe1\xba\xa3\"}]"))
	f.Fuzz(func(t *testing.T, body []byte) {
		items, err := ParseInbound(body)
		if err != nil {
			var ie *InboundError
			if !errors.As(err, &ie) || ie.Code == "" || ie.VI == "" || ie.EN == "" {
				t.Fatalf("error without its codes and messages: %v", err)
			}
			return
		}
		if len(items) == 0 || len(items) > MaxInbound {
			t.Fatalf("%d dossiers accepted", len(items))
		}
		for _, h := range items {
			in := FromHoSo(h)
			if len([]rune(in.Note)) > MaxSummary {
				t.Fatalf("note of %d characters", len([]rune(in.Note)))
			}
			if _, err := json.Marshal(h); err != nil {
				t.Fatalf("an accepted dossier does not encode: %v", err)
			}
		}
	})
}
