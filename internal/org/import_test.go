package org

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

// dataDir holds the shared unit files; /work/shared sits beside the module.
// dataDir holds the committed copies of shared/data (embedded by the demo).
const dataDir = "../demo/data"

// open opens a shared data file; a missing file fails the test, because the
// importers exist for exactly these files.
func open(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join(dataDir, name))
	if err != nil {
		t.Fatalf("shared data missing: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func import2019(t *testing.T) ImportResult {
	t.Helper()
	res, err := Import2019(open(t, "hanoi-units-2019.csv"), hanoi)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func import2025(t *testing.T, withMapping bool) ImportResult {
	t.Helper()
	var m *os.File
	if withMapping {
		m = open(t, "hanoi-units-2019-to-2025.csv")
	}
	var res ImportResult
	var err error
	if m == nil {
		res, err = Import2025(open(t, "hanoi-units-2025.csv"), nil, hanoi)
	} else {
		res, err = Import2025(open(t, "hanoi-units-2025.csv"), m, hanoi)
	}
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func countKinds(units []Unit) map[Kind]int {
	n := map[Kind]int{}
	for _, u := range units {
		n[u.Kind]++
	}
	return n
}

// checkTree verifies codes are unique and valid and that every parent comes
// before its children.
func checkTree(t *testing.T, units []Unit) map[string]Unit {
	t.Helper()
	byCode := map[string]Unit{}
	for _, u := range units {
		if err := CheckCode(u.Code, nil); err != nil {
			t.Errorf("%s: %v", u.Name, err)
		}
		if _, dup := byCode[u.Code]; dup {
			t.Errorf("duplicate code %s (%s)", u.Code, u.Name)
		}
		if u.ParentCode != "" {
			if _, ok := byCode[u.ParentCode]; !ok {
				t.Errorf("%s: parent %s not loaded before it", u.Name, u.ParentCode)
			}
		}
		byCode[u.Code] = u
	}
	return byCode
}

func TestImport2019RealFile(t *testing.T) {
	res := import2019(t)
	if len(res.Rejected) != 0 {
		t.Errorf("rejected %d rows, first: %+v", len(res.Rejected), res.Rejected[0])
	}
	n := countKinds(res.Units)
	if n[KindCity] != 1 || n[KindDistrict] != 30 || n[KindCommune] != 584 || len(res.Units) != 615 {
		t.Errorf("counts %v, total %d; want 1 city, 30 districts, 584 communes", n, len(res.Units))
	}
	byCode := checkTree(t, res.Units)
	byName := map[string]Unit{}
	for _, u := range res.Units {
		byName[u.Name] = u
		switch u.Kind {
		case KindCity:
			if u.Code != hanoi.City() || u.GSOCode != "01" || u.ValidTo != nil || u.ParentCode != "" {
				t.Errorf("city: %+v", u)
			}
		case KindDistrict, KindCommune:
			if u.ValidTo == nil || !u.ValidTo.Equal(reorgLastDay) || u.ValidFrom != nil {
				t.Errorf("%s: validity %v–%v", u.Name, u.ValidFrom, u.ValidTo)
			}
		}
		if u.Kind == KindCommune && byCode[u.ParentCode].Kind != KindDistrict {
			t.Errorf("%s: parent %s is not a district", u.Name, u.ParentCode)
		}
	}
	ht, hk := byName["Phường Hàng Trống"], byName["Quận Hoàn Kiếm"]
	if ht.Code == "" || hk.Code == "" || ht.ParentCode != hk.Code {
		t.Errorf("Phường Hàng Trống (%s, parent %s) not under Quận Hoàn Kiếm (%s)", ht.Code, ht.ParentCode, hk.Code)
	}
	// Order in the file: Ba Đình is district 1, Phúc Xá (00001) its first ward.
	if u := byName["Quận Ba Đình"]; u.Code != "000.00.01.H26" || u.GSOCode != "001" {
		t.Errorf("Quận Ba Đình: %+v", u)
	}
	if u := byName["Phường Phúc Xá"]; u.Code != "000.01.01.H26" || u.GSOCode != "00001" {
		t.Errorf("Phường Phúc Xá: %+v", u)
	}
}

func TestImport2025RealFiles(t *testing.T) {
	res := import2025(t, true)
	n := countKinds(res.Units)
	if n[KindCity] != 1 || n[KindCommune] != 126 || len(res.Units) != 127 {
		t.Errorf("counts %v; want 1 city, 126 communes", n)
	}
	checkTree(t, res.Units)
	if res.Units[0].Code != hanoi.City() || res.Units[0].Kind != KindCity {
		t.Errorf("first unit %+v, want the city with code %s", res.Units[0], hanoi.City())
	}
	preds := 0
	for _, u := range res.Units[1:] {
		if u.ParentCode != hanoi.City() || u.ValidFrom == nil || !u.ValidFrom.Equal(reorgFirstDay) || u.ValidTo != nil {
			t.Errorf("%s: parent %s, validity %v–%v", u.Name, u.ParentCode, u.ValidFrom, u.ValidTo)
		}
		if len(u.PredecessorGSO) == 0 {
			t.Errorf("%s has no predecessor", u.Name)
		}
		preds += len(u.PredecessorGSO)
	}
	// The README: 613 mapping rows, 87 of them invalid.
	var unitRej, empty, unknownNew, padded int
	for _, r := range res.Rejected {
		if r.Source != SourceMapping {
			unitRej++
			continue
		}
		if r.Reason == "" || r.Raw == "" || r.Line < 2 {
			t.Errorf("incomplete rejection %+v", r)
		}
		if strings.Contains(r.Reason, "empty old_gso_code") {
			empty++
		}
		if strings.Contains(r.Reason, "is not a commune of the 2025 list") {
			unknownNew++
		}
		if strings.Contains(r.Reason, "without its leading zeros") {
			padded++
		}
	}
	if unitRej != 0 {
		t.Errorf("%d unit rows rejected", unitRej)
	}
	if got := len(res.Rejected); got != 87 || empty != 87 || unknownNew != 58 || preds != 613-87 {
		t.Errorf("rejected %d (empty old %d, unknown new %d), predecessors %d; want 87 (87, 58), 526", got, empty, unknownNew, preds)
	}
	if padded == 0 {
		t.Error("no hint about codes that lost their leading zeros")
	}
	for _, u := range res.Units {
		if u.Name == "Phường Hoàn Kiếm" && !contains(u.PredecessorGSO, "00070") {
			t.Errorf("Phường Hoàn Kiếm predecessors %v lack Hàng Trống (00070)", u.PredecessorGSO)
		}
	}

	// Without the mapping: the same units, no links, nothing rejected.
	bare := import2025(t, false)
	if len(bare.Units) != 127 || len(bare.Rejected) != 0 {
		t.Errorf("without mapping: %d units, %d rejected", len(bare.Units), len(bare.Rejected))
	}
	for i, u := range bare.Units {
		if u.Code != res.Units[i].Code || u.PredecessorGSO != nil {
			t.Errorf("without mapping, unit %d: %+v", i, u)
		}
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TestBothStructuresTogether loads 2019, departments and 2025 into one set, as
// a deployment does, and checks the identifiers stay unique (the city shared).
func TestBothStructuresTogether(t *testing.T) {
	old, nu := import2019(t), import2025(t, true)
	seen := map[string]string{}
	all := append(append(append([]Unit{}, old.Units...), Departments(hanoi)...), nu.Units...)
	for _, u := range all {
		if prev, ok := seen[u.Code]; ok {
			if u.Code == hanoi.City() && u.Kind == KindCity {
				continue // the same city in both files, by design
			}
			t.Errorf("code %s used by %s and %s", u.Code, prev, u.Name)
		}
		seen[u.Code] = u.Name
	}
	if len(seen) != 615+18+126 {
		t.Errorf("%d distinct codes, want %d", len(seen), 615+18+126)
	}

	unknown := LinkPredecessors(old.Units, nu.Units)
	if len(unknown) != 0 {
		t.Errorf("unknown predecessors %v", unknown)
	}
	oldByCode := map[string]Unit{}
	successors := 0
	for _, u := range old.Units {
		oldByCode[u.Code] = u
		if u.Successor != "" {
			successors++
		}
	}
	if successors != 526 {
		t.Errorf("%d old communes have a successor, want 526", successors)
	}
	for _, u := range nu.Units[1:] {
		if len(u.Predecessors) != len(u.PredecessorGSO) {
			t.Errorf("%s: %d predecessors for %d GSO codes", u.Name, len(u.Predecessors), len(u.PredecessorGSO))
		}
		for k, code := range u.Predecessors {
			p := oldByCode[code]
			if p.Kind != KindCommune || p.GSOCode != u.PredecessorGSO[k] || p.Successor != u.Code {
				t.Errorf("%s: predecessor %s is %+v", u.Name, code, p)
			}
		}
		if (u.Predecessor != "") != (len(u.Predecessors) == 1) {
			t.Errorf("%s: Predecessor %q with %d predecessors", u.Name, u.Predecessor, len(u.Predecessors))
		}
	}
}

func TestLinkPredecessorsUnknown(t *testing.T) {
	prev := []Unit{{Code: "a", GSOCode: "00001", Kind: KindCommune}, {Code: "d", GSOCode: "001", Kind: KindDistrict}}
	next := []Unit{
		{Code: "x", PredecessorGSO: []string{"00001", "99999"}},
		{Code: "y", PredecessorGSO: []string{"00001", "001"}},
	}
	unknown := LinkPredecessors(prev, next)
	if strings.Join(unknown, ",") != "001,99999" {
		t.Errorf("unknown = %v", unknown)
	}
	if prev[0].Successor != "" {
		t.Errorf("a commune split into two units got Successor %q", prev[0].Successor)
	}
	if next[0].Predecessor != "a" || next[1].Predecessor != "a" {
		t.Errorf("Predecessor = %q, %q", next[0].Predecessor, next[1].Predecessor)
	}
}

func TestImport2019Rejections(t *testing.T) {
	csv := strings.Join([]string{
		"\uFEFFgso_code,kind,name,parent_gso_code",  // 1 header with BOM
		"01,Thành phố Trung ương,Thành phố Hà Nội,", // 2 ok
		"001,Quận,Quận Ba Đình,01",                  // 3 ok
		"00001,Phường,Phường Phúc Xá,001",           // 4 ok
		"00004,Phường,,001",                         // 5 empty name
		"00007,Phố,Phố Lạ,001",                      // 6 unknown kind
		"00008,Phường,Phường Mồ Côi,999",            // 7 parent unknown
		"00001,Phường,Phường Trùng,001",             // 8 duplicate code
		"00010,Phường,Phường Thiếu Cột",             // 9 column count
		"",                              // 10 blank: skipped
		"002,Quận,Quận Hoàn Kiếm,00001", // 11 parent is a commune
		"0ab12,Phường,Phường Chữ,001",   // 12 code not digits
		"0001,Phường,Phường Ngắn,001",   // 13 code too short
		`00013,Phường,"Phường Quán Thánh,001`,        // 14 bad quotes
		"02,Thành phố Trung ương,Thành phố Thứ Hai,", // 15 second city
		"003,Quận,Quận Tây Hồ,01",                    // 16 ok
		"00100,Xã,Xã Bị Bỏ,004",                      // 17 parent not in file
		"004,Quận,,01",                               // 18 rejected district
		"00103,Xã,Xã Con,004",                        // 19 parent was rejected
		"00104,Phường,  Phường   Thừa Dấu Cách ,003", // 20 ok, trimmed
		"00105,Phường,Phường Xấu\xff,003",            // 21 not UTF-8
		"00106,Thị trấn,Thị trấn Chót,003",           // 22 ok, no newline at end
	}, "\r\n")
	res, err := Import2019(strings.NewReader(csv), hanoi)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		line   int
		reason string
	}{
		{5, "empty name"},
		{6, "unknown kind"},
		{7, `parent "999" is not in the file`},
		{8, "duplicate code \"00001\" (first at line 4)"},
		{9, "3 columns, want 4"},
		{11, "is a commune, not a city"},
		{12, "not all digits"},
		{13, "has 4 digits"},
		{14, "malformed CSV"},
		{15, "second city row"},
		{17, `parent "004" was itself rejected`},
		{18, "empty name"},
		{19, `parent "004" was itself rejected`},
		{21, "not valid UTF-8"},
	}
	if len(res.Rejected) != len(want) {
		for _, r := range res.Rejected {
			t.Logf("%d: %s", r.Line, r.Reason)
		}
		t.Fatalf("got %d rejections, want %d", len(res.Rejected), len(want))
	}
	for i, w := range want {
		r := res.Rejected[i]
		if r.Line != w.line || !strings.Contains(r.Reason, w.reason) || r.Source != SourceUnits {
			t.Errorf("rejection %d = line %d %q, want line %d containing %q", i, r.Line, r.Reason, w.line, w.reason)
		}
	}
	if res.Rejected[2].Raw != "00008,Phường,Phường Mồ Côi,999" {
		t.Errorf("raw line %q", res.Rejected[2].Raw)
	}
	var names []string
	for _, u := range res.Units {
		names = append(names, u.Name+"="+u.Code)
	}
	got := strings.Join(names, " | ")
	wantUnits := "Thành phố Hà Nội=000.00.00.H26 | Quận Ba Đình=000.00.01.H26 | Quận Tây Hồ=000.00.02.H26 | " +
		"Phường Phúc Xá=000.01.01.H26 | Phường Thừa Dấu Cách=000.01.02.H26 | Thị trấn Chót=000.02.02.H26"
	if got != wantUnits {
		t.Errorf("units\n got %s\nwant %s", got, wantUnits)
	}
}

func TestImport2019ChildBeforeParent(t *testing.T) {
	csv := "gso_code,kind,name,parent_gso_code\n00001,Phường,Phường Phúc Xá,001\n001,Quận,Quận Ba Đình,01\n01,Thành phố Trung ương,Thành phố Hà Nội,\n"
	res, err := Import2019(strings.NewReader(csv), hanoi)
	if err != nil || len(res.Rejected) != 0 || len(res.Units) != 3 {
		t.Fatalf("err %v, rejected %v, %d units", err, res.Rejected, len(res.Units))
	}
	if res.Units[0].Kind != KindCity || res.Units[1].Kind != KindDistrict || res.Units[2].Kind != KindCommune {
		t.Errorf("order %v", res.Units)
	}
}

func TestImportErrors(t *testing.T) {
	tests := []struct {
		name string
		run  func() error
	}{
		{"2019 empty", func() error { _, err := Import2019(strings.NewReader(""), hanoi); return err }},
		{"2019 wrong header", func() error {
			_, err := Import2019(strings.NewReader("code,name,parent_code\n01,Thành phố Hà Nội,\n"), hanoi)
			return err
		}},
		{"2019 read error", func() error {
			_, err := Import2019(iotest.TimeoutReader(strings.NewReader("gso_code,kind,name,parent_gso_code\n01,Thành phố Trung ương,Thành phố Hà Nội,\n")), hanoi)
			return err
		}},
		{"2019 bad scheme", func() error {
			_, err := Import2019(strings.NewReader("gso_code,kind,name,parent_gso_code\n"), CodeScheme{})
			return err
		}},
		{"2025 wrong header", func() error {
			_, err := Import2025(strings.NewReader("gso_code,kind,name,parent_gso_code\n"), nil, hanoi)
			return err
		}},
		{"2025 mapping wrong header", func() error {
			_, err := Import2025(strings.NewReader("code,name,parent_code\n"), strings.NewReader("old,new\n"), hanoi)
			return err
		}},
		{"2025 mapping unreadable", func() error {
			_, err := Import2025(strings.NewReader("code,name,parent_code\n"), iotest.ErrReader(errors.New("disk")), hanoi)
			return err
		}},
	}
	for _, tt := range tests {
		if err := tt.run(); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
	// A header alone is a valid, empty file.
	res, err := Import2019(strings.NewReader("gso_code,kind,name,parent_gso_code\n"), hanoi)
	if err != nil || len(res.Units) != 0 || len(res.Rejected) != 0 {
		t.Errorf("header only: %v %+v", err, res)
	}
}

func TestImport2025Rejections(t *testing.T) {
	units := strings.Join([]string{
		"code,name,parent_code",
		"01,Thành phố Hà Nội,",    // 2
		"00004,Phường Ba Đình,01", // 3 ok: 001
		"00008,Phường Ngọc Hà,01", // 4 ok: 002
		"00009,Khu Lạ,01",         // 5 kind unknown
		"00004,Phường Trùng,01",   // 6 duplicate
		"00010,Xã Mồ Côi,02",      // 7 parent unknown
		"00011,,01",               // 8 empty name
		"00012,Xã Thiếu Cột",      // 9 columns
		"00013,Đặc khu Đảo,01",    // 10 ok: 003
		"0014,Phường Ngắn,01",     // 11 code length
		"15,Thành phố Con,01",     // 12 city with a parent
	}, "\n")
	mapping := strings.Join([]string{
		"old_gso_code,old_name,old_district_name,new_code,new_name",
		"00001,Phường Phúc Xá,Quận Ba Đình,00004,Phường Ba Đình",      // 2 ok
		"00004,Phường Trúc Bạch,Quận Ba Đình,00004,Phường Ba Đình",    // 3 ok
		",Phường Nguyễn Trung Trực,Quận Ba Đình,00004,Phường Ba Đình", // 4 empty old
		",Phường Cầu Dền,Quận Hai Bà Trưng,8,Phường Ngọc Hà",          // 5 empty old + unknown new (padded hint)
		"00001,Phường Phúc Xá,Quận Ba Đình,00004,Phường Ba Đình",      // 6 duplicate pair
		"00007,Phường Cống Vị,Quận Ba Đình,00008,Phường Khác",         // 7 name mismatch
		"00007,Phường Cống Vị,Quận Ba Đình,00009,Khu Lạ",              // 8 new code rejected above
		"7,Phường Cống Vị,Quận Ba Đình,00008,Phường Ngọc Hà",          // 9 old code format
		"00020,Phường Cống Vị,Quận Ba Đình,,",                         // 10 empty new
		"00021,Phường Liễu Giai,Quận Ba Đình,00008,phuong ngoc ha",    // 11 ok: folded name matches
		"00021,Phường Liễu Giai,Quận Ba Đình,00008",                   // 12 columns
	}, "\n")
	res, err := Import2025(strings.NewReader(units), strings.NewReader(mapping), hanoi)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		source string
		line   int
		reason string
	}{
		{SourceUnits, 5, "cannot tell the kind"},
		{SourceUnits, 6, `duplicate code "00004"`},
		{SourceUnits, 7, `parent "02" is not in the file`},
		{SourceUnits, 8, "empty name"},
		{SourceUnits, 9, "2 columns, want 3"},
		{SourceUnits, 11, "has 4 digits"},
		{SourceUnits, 12, "has no parent"},
		{SourceMapping, 4, "empty old_gso_code"},
		{SourceMapping, 5, `empty old_gso_code; new_code "8" is not a commune of the 2025 list ("00008" without its leading zeros?)`},
		{SourceMapping, 6, "duplicate mapping 00001 → 00004 (first at line 2)"},
		{SourceMapping, 7, "does not match"},
		{SourceMapping, 8, `new_code "00009" is not a commune`},
		{SourceMapping, 9, "not a 5-digit"},
		{SourceMapping, 10, "empty new_code"},
		{SourceMapping, 12, "4 columns, want 5"},
	}
	if len(res.Rejected) != len(want) {
		for _, r := range res.Rejected {
			t.Logf("%s %d: %s", r.Source, r.Line, r.Reason)
		}
		t.Fatalf("got %d rejections, want %d", len(res.Rejected), len(want))
	}
	for i, w := range want {
		r := res.Rejected[i]
		if r.Source != w.source || r.Line != w.line || !strings.Contains(r.Reason, w.reason) {
			t.Errorf("rejection %d = %s line %d %q, want %s line %d containing %q", i, r.Source, r.Line, r.Reason, w.source, w.line, w.reason)
		}
	}
	var got []string
	for _, u := range res.Units {
		got = append(got, u.Code+" "+u.Name+" "+strings.Join(u.PredecessorGSO, "+"))
	}
	wantUnits := "000.00.00.H26 Thành phố Hà Nội  | 001.00.00.H26 Phường Ba Đình 00001+00004 | " +
		"002.00.00.H26 Phường Ngọc Hà 00021 | 003.00.00.H26 Đặc khu Đảo "
	if s := strings.Join(got, " | "); s != wantUnits {
		t.Errorf("units\n got %s\nwant %s", s, wantUnits)
	}
}
