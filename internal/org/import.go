package org

import (
	"bufio"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/internal/vn"
)

// ImportRow is one data line of an import file as read, before validation.
type ImportRow struct {
	Line   int      // 1-based physical line number; the header is line 1
	Raw    string   // the line as it stands in the file, without the line end
	Fields []string // CSV fields, trimmed and NFC-normalised
}

// Rejected is an input line an importer refused, with the reason, so that an
// administrator can fix the file: nothing is dropped silently.
type Rejected struct {
	Source string `json:"source"` // which input: "units" or "mapping"
	Line   int    `json:"line"`
	Raw    string `json:"raw"`
	Reason string `json:"reason"`
}

// ImportResult is what an importer loaded and what it refused. Units are in
// parent-before-child order, ready to insert one by one.
type ImportResult struct {
	Units    []Unit
	Rejected []Rejected
}

// Sources named in Rejected.Source.
const (
	SourceUnits   = "units"
	SourceMapping = "mapping"
)

var (
	header2019    = []string{"gso_code", "kind", "name", "parent_gso_code"}
	header2025    = []string{"code", "name", "parent_code"}
	headerMapping = []string{"old_gso_code", "old_name", "old_district_name", "new_code", "new_name"}
)

// readCSV reads a one-record-per-line CSV file with the given header. Lines
// are read one by one (rather than with csv.Reader over the whole stream) so
// that every rejection can quote the raw line and its number; the unit files
// have no multi-line fields. Blank lines are skipped. Lines that are not
// UTF-8, not valid CSV or have the wrong number of columns are returned as
// rejected; only an unreadable stream or a wrong header is an error.
func readCSV(r io.Reader, source string, header []string) ([]ImportRow, []Rejected, error) {
	br := bufio.NewReader(r)
	var rows []ImportRow
	var rejected []Rejected
	reject := func(line int, raw, format string, args ...any) {
		rejected = append(rejected, Rejected{Source: source, Line: line,
			Raw: strings.ReplaceAll(strings.ToValidUTF8(raw, "\uFFFD"), "\x00", "\uFFFD"), Reason: fmt.Sprintf(format, args...)})
	}
	for n := 1; ; n++ {
		line, err := br.ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, nil, fmt.Errorf("org: reading %s file, line %d: %w", source, n, err)
		}
		if line == "" && err != nil { // end of input
			if n == 1 {
				return nil, nil, fmt.Errorf("org: %s file is empty, want header %s", source, strings.Join(header, ","))
			}
			break
		}
		line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		if n == 1 {
			if err := checkHeader(strings.TrimPrefix(line, "\uFEFF"), header); err != nil {
				return nil, nil, fmt.Errorf("org: %s file: %w", source, err)
			}
			continue
		}
		switch {
		case strings.TrimSpace(line) == "":
			// Blank lines carry no data; editors leave them at the end.
		case !utf8.ValidString(line):
			reject(n, line, "not valid UTF-8 (save the file as UTF-8)")
		case strings.IndexByte(line, 0) >= 0:
			reject(n, line, "holds a NUL byte")
		default:
			fields, perr := parseLine(line)
			switch {
			case perr != nil:
				reject(n, line, "malformed CSV: %v", perr)
			case len(fields) != len(header):
				reject(n, line, "%d columns, want %d (%s)", len(fields), len(header), strings.Join(header, ","))
			default:
				rows = append(rows, ImportRow{Line: n, Raw: line, Fields: fields})
			}
		}
		if err != nil { // io.EOF after a last line without newline
			break
		}
	}
	return rows, rejected, nil
}

// parseLine splits one CSV line and cleans its fields.
func parseLine(line string) ([]string, error) {
	cr := csv.NewReader(strings.NewReader(line))
	cr.FieldsPerRecord = -1 // the caller reports the count with the line
	fields, err := cr.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, err
	}
	for i, f := range fields {
		// Collapse inner runs of spaces too: names typed in spreadsheets
		// often carry doubled spaces that would defeat exact lookups.
		fields[i] = vn.NFC(strings.Join(strings.Fields(f), " "))
	}
	return fields, nil
}

func checkHeader(line string, want []string) error {
	got, err := parseLine(line)
	if err == nil && len(got) == len(want) {
		for i := range got {
			if strings.ToLower(got[i]) != want[i] {
				err = errors.New("mismatch")
				break
			}
		}
		if err == nil {
			return nil
		}
	}
	return fmt.Errorf("header %q, want %s", line, strings.Join(want, ","))
}

// unitRow is a row that passed the checks that need no other row.
type unitRow struct {
	ImportRow
	code, name, parent string
	kind               Kind
}

// tree tracks what an importer accepted and refused, to explain refusals of
// children precisely.
type tree struct {
	valid    map[string]*unitRow // by GSO code: rows that passed the row checks
	accepted map[string]bool     // GSO codes of loaded rows
	refused  map[string]bool     // GSO codes of rejected rows
	rejected []Rejected
}

func newTree() *tree {
	return &tree{valid: map[string]*unitRow{}, accepted: map[string]bool{}, refused: map[string]bool{}}
}

func (t *tree) reject(row ImportRow, code string, reasons ...string) {
	t.rejected = append(t.rejected, Rejected{Source: SourceUnits, Line: row.Line, Raw: row.Raw,
		Reason: strings.Join(reasons, "; ")})
	if code != "" {
		t.refused[code] = true
	}
}

// dedupe rejects a row whose code an earlier valid row already used; the
// first occurrence wins so that the result does not depend on later lines.
func (t *tree) dedupe(u *unitRow) bool {
	if first, ok := t.valid[u.code]; ok {
		t.reject(u.ImportRow, "", fmt.Sprintf("duplicate code %q (first at line %d)", u.code, first.Line))
		return false
	}
	t.valid[u.code] = u
	return true
}

// parentProblem explains why parent is not an accepted unit of kind want, or
// returns "" when it is. Levels are loaded top down, so a parent of the right
// kind has been decided before its children are looked at.
func (t *tree) parentProblem(parent string, want Kind) string {
	if parent == "" {
		return fmt.Sprintf("empty parent code, a %s is expected", want)
	}
	if p, ok := t.valid[parent]; ok && p.kind != want {
		return fmt.Sprintf("parent %q (%s) is a %s, not a %s", parent, p.name, p.kind, want)
	}
	if t.accepted[parent] {
		return ""
	}
	if t.refused[parent] || t.valid[parent] != nil {
		return fmt.Sprintf("parent %q was itself rejected", parent)
	}
	return fmt.Sprintf("parent %q is not in the file", parent)
}

// acceptCity accepts the first city row without a parent and rejects the
// others; it returns the accepted row, or nil.
func (t *tree) acceptCity(rows []*unitRow) *unitRow {
	var city *unitRow
	for _, u := range rows {
		switch {
		case u.kind != KindCity:
		case u.parent != "":
			t.reject(u.ImportRow, u.code, fmt.Sprintf("a province-level city has no parent, got %q", u.parent))
		case city != nil:
			t.reject(u.ImportRow, u.code, fmt.Sprintf("second city row (the city is at line %d)", city.Line))
		default:
			city = u
			t.accepted[u.code] = true
		}
	}
	return city
}

func (t *tree) sortedRejected(extra []Rejected) []Rejected {
	all := append(extra, t.rejected...)
	slices.SortStableFunc(all, func(a, b Rejected) int { return cmp.Compare(a.Line, b.Line) })
	return all
}

// kinds2019 maps the GSO kind labels (folded) to unit kinds. "Thành phố"
// alone is a provincial city, a district-level unit; Hà Nội has none.
var kinds2019 = map[string]Kind{
	"thanh pho trung uong": KindCity,
	"tinh":                 KindCity,
	"quan":                 KindDistrict,
	"huyen":                KindDistrict,
	"thi xa":               KindDistrict,
	"thanh pho":            KindDistrict,
	"phuong":               KindCommune,
	"xa":                   KindCommune,
	"thi tran":             KindCommune,
}

// gsoDigits is the length of a GSO code per kind of unit.
var gsoDigits = map[Kind]int{KindCity: 2, KindDistrict: 3, KindCommune: 5}

// codeProblems checks a GSO code against the kind of its row.
func codeProblems(code string, k Kind) []string {
	switch {
	case code == "":
		return []string{"empty code"}
	case !isDigits(code):
		return []string{fmt.Sprintf("code %q is not all digits", code)}
	case k != "" && len(code) != gsoDigits[k]:
		return []string{fmt.Sprintf("code %q has %d digits, a %s code has %d", code, len(code), k, gsoDigits[k])}
	}
	return nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Import2019 loads the 2019 GSO list of a province (hanoi-units-2019.csv,
// columns gso_code,kind,name,parent_gso_code): the city, its districts and
// their communes. Identifiers come from s (districts numbered by order in the
// file, communes by order within their district); ParentCode is the parent's
// identifier; districts and communes get ValidTo 30/6/2025, the eve of the
// two-level reorganisation. Every row is validated (columns, code, name,
// kind, parent, duplicates); bad rows are returned in Rejected with a reason
// and the rest is loaded. The error is for an invalid scheme, an unreadable
// stream or a wrong header only.
func Import2019(r io.Reader, s CodeScheme) (ImportResult, error) {
	if err := s.Validate(); err != nil {
		return ImportResult{}, err
	}
	rows, bad, err := readCSV(r, SourceUnits, header2019)
	if err != nil {
		return ImportResult{}, err
	}
	t := newTree()
	var valid []*unitRow
	for _, row := range rows {
		u := &unitRow{ImportRow: row, code: row.Fields[0], name: row.Fields[2], parent: row.Fields[3]}
		var reasons []string
		k, ok := kinds2019[vn.Fold(row.Fields[1])]
		if !ok {
			reasons = append(reasons, fmt.Sprintf("unknown kind %q (want Thành phố Trung ương, Quận, Huyện, Thị xã, Phường, Xã or Thị trấn)", row.Fields[1]))
		}
		u.kind = k
		reasons = append(reasons, codeProblems(u.code, k)...)
		if u.name == "" {
			reasons = append(reasons, "empty name")
		}
		if len(reasons) > 0 {
			t.reject(row, u.code, reasons...)
			continue
		}
		if t.dedupe(u) {
			valid = append(valid, u)
		}
	}

	var res ImportResult
	city := t.acceptCity(valid)
	if city != nil {
		res.Units = append(res.Units, Unit{Code: s.City(), GSOCode: city.code, Name: city.name, Kind: KindCity})
	}
	// Districts, then communes: each level only needs the one above, so the
	// result is parent-before-child whatever the order of the file.
	districtN := map[string]int{} // district GSO code → its number
	districtCode := map[string]string{}
	for _, u := range valid {
		if u.kind != KindDistrict {
			continue
		}
		if p := t.parentProblem(u.parent, KindCity); p != "" {
			t.reject(u.ImportRow, u.code, p)
			continue
		}
		n := len(districtN) + 1
		if n > MaxDistricts {
			t.reject(u.ImportRow, u.code, fmt.Sprintf("more than %d districts: the code scheme has no room", MaxDistricts))
			continue
		}
		districtN[u.code] = n
		districtCode[u.code] = s.District(n)
		t.accepted[u.code] = true
		res.Units = append(res.Units, Unit{Code: s.District(n), GSOCode: u.code, Name: u.name,
			Kind: KindDistrict, ParentCode: s.City(), ValidTo: ptr(reorgLastDay)})
	}
	communes := map[string]int{} // district GSO code → communes so far
	for _, u := range valid {
		if u.kind != KindCommune {
			continue
		}
		if p := t.parentProblem(u.parent, KindDistrict); p != "" {
			t.reject(u.ImportRow, u.code, p)
			continue
		}
		n := communes[u.parent] + 1
		if n > MaxCommunes {
			t.reject(u.ImportRow, u.code, fmt.Sprintf("more than %d communes in district %q: the code scheme has no room", MaxCommunes, u.parent))
			continue
		}
		communes[u.parent] = n
		t.accepted[u.code] = true
		res.Units = append(res.Units, Unit{Code: s.Commune(districtN[u.parent], n), GSOCode: u.code, Name: u.name,
			Kind: KindCommune, ParentCode: districtCode[u.parent], ValidTo: ptr(reorgLastDay)})
	}
	res.Rejected = t.sortedRejected(bad)
	return res, nil
}

// kindFromName tells the kind of a 2025 unit from its name, since the 2025
// file has no kind column.
func kindFromName(name string) Kind {
	f := vn.Fold(name)
	for _, p := range []string{"thanh pho ", "tinh "} {
		if strings.HasPrefix(f, p) {
			return KindCity
		}
	}
	// Đặc khu (special zone) is the island form of commune since 2025;
	// thị trấn no longer exists but old exports still carry it.
	for _, p := range []string{"phuong ", "xa ", "dac khu ", "thi tran "} {
		if strings.HasPrefix(f, p) {
			return KindCommune
		}
	}
	return ""
}

// Import2025 loads the units of the two-level structure in force from
// 1/7/2025 (hanoi-units-2025.csv, columns code,name,parent_code) and, when
// mapping is not nil, which old communes each new one replaced
// (hanoi-units-2019-to-2025.csv, columns
// old_gso_code,old_name,old_district_name,new_code,new_name).
//
// The kind comes from the name (Thành phố/Tỉnh → city; Phường, Xã, Đặc khu →
// commune). Communes hang directly under the city, are numbered by order in
// the file (s.Commune2025) and are valid from 1/7/2025. The city row gets the
// same identifier, s.City(), as in Import2019: the city did not change, so
// importing 2025 on top of 2019 updates it instead of creating a second one.
//
// Each valid mapping row adds the old GSO code to the new commune's
// PredecessorGSO (sorted); LinkPredecessors turns them into identifiers. The
// published mapping has rows with an empty old code or a new code missing from
// the 2025 list (some lost their leading zeros): those, like any invalid row,
// are rejected with a reason, never dropped silently. The error is for an
// invalid scheme, an unreadable stream or a wrong header only.
func Import2025(units io.Reader, mapping io.Reader, s CodeScheme) (ImportResult, error) {
	if err := s.Validate(); err != nil {
		return ImportResult{}, err
	}
	rows, bad, err := readCSV(units, SourceUnits, header2025)
	if err != nil {
		return ImportResult{}, err
	}
	t := newTree()
	var valid []*unitRow
	for _, row := range rows {
		u := &unitRow{ImportRow: row, code: row.Fields[0], name: row.Fields[1], parent: row.Fields[2]}
		var reasons []string
		if u.name == "" {
			reasons = append(reasons, "empty name")
		} else if u.kind = kindFromName(u.name); u.kind == "" {
			reasons = append(reasons, fmt.Sprintf("cannot tell the kind from the name %q (want Thành phố, Tỉnh, Phường, Xã or Đặc khu first)", u.name))
		}
		reasons = append(reasons, codeProblems(u.code, u.kind)...)
		if len(reasons) > 0 {
			t.reject(row, u.code, reasons...)
			continue
		}
		if t.dedupe(u) {
			valid = append(valid, u)
		}
	}

	var res ImportResult
	if city := t.acceptCity(valid); city != nil {
		res.Units = append(res.Units, Unit{Code: s.City(), GSOCode: city.code, Name: city.name, Kind: KindCity})
	}
	index := map[string]int{} // commune GSO code → position in res.Units
	n := 0
	for _, u := range valid {
		if u.kind != KindCommune {
			continue
		}
		if p := t.parentProblem(u.parent, KindCity); p != "" {
			t.reject(u.ImportRow, u.code, p)
			continue
		}
		if n+1 > MaxCommunes2025 {
			t.reject(u.ImportRow, u.code, fmt.Sprintf("more than %d communes: the code scheme has no room", MaxCommunes2025))
			continue
		}
		n++
		t.accepted[u.code] = true
		index[u.code] = len(res.Units)
		res.Units = append(res.Units, Unit{Code: s.Commune2025(n), GSOCode: u.code, Name: u.name,
			Kind: KindCommune, ParentCode: s.City(), ValidFrom: ptr(reorgFirstDay)})
	}
	res.Rejected = t.sortedRejected(bad)

	if mapping == nil {
		return res, nil
	}
	mrows, mbad, err := readCSV(mapping, SourceMapping, headerMapping)
	if err != nil {
		return ImportResult{}, err
	}
	type pair struct{ old, new string }
	seen := map[pair]int{}
	for _, row := range mrows {
		oldCode, newCode, newName := row.Fields[0], row.Fields[3], row.Fields[4]
		var reasons []string
		switch {
		case oldCode == "":
			reasons = append(reasons, "empty old_gso_code")
		case !isDigits(oldCode) || len(oldCode) != 5:
			reasons = append(reasons, fmt.Sprintf("old_gso_code %q is not a 5-digit commune code", oldCode))
		}
		i, ok := index[newCode]
		switch {
		case newCode == "":
			reasons = append(reasons, "empty new_code")
		case !ok:
			r := fmt.Sprintf("new_code %q is not a commune of the 2025 list", newCode)
			if isDigits(newCode) && len(newCode) < 5 {
				// Spreadsheets eat leading zeros; say so rather than guess.
				padded := strings.Repeat("0", 5-len(newCode)) + newCode
				if _, ok := index[padded]; ok {
					r += fmt.Sprintf(" (%q without its leading zeros?)", padded)
				}
			}
			reasons = append(reasons, r)
		case newName != "" && vn.Fold(newName) != vn.Fold(res.Units[i].Name):
			reasons = append(reasons, fmt.Sprintf("new_name %q does not match %q, the name of new_code %q", newName, res.Units[i].Name, newCode))
		}
		if len(reasons) > 0 {
			mbad = append(mbad, Rejected{Source: SourceMapping, Line: row.Line, Raw: row.Raw, Reason: strings.Join(reasons, "; ")})
			continue
		}
		if first, dup := seen[pair{oldCode, newCode}]; dup {
			mbad = append(mbad, Rejected{Source: SourceMapping, Line: row.Line, Raw: row.Raw,
				Reason: fmt.Sprintf("duplicate mapping %s → %s (first at line %d)", oldCode, newCode, first)})
			continue
		}
		seen[pair{oldCode, newCode}] = row.Line
		res.Units[i].PredecessorGSO = append(res.Units[i].PredecessorGSO, oldCode)
	}
	for i := range res.Units {
		slices.Sort(res.Units[i].PredecessorGSO)
	}
	slices.SortStableFunc(mbad, func(a, b Rejected) int { return cmp.Compare(a.Line, b.Line) })
	res.Rejected = append(res.Rejected, mbad...)
	return res, nil
}

// LinkPredecessors resolves the PredecessorGSO codes of the units in next
// (typically from Import2025) against the communes in prev (from Import2019)
// and fills, in place: next[i].Predecessors with the old identifiers,
// next[i].Predecessor when there is exactly one, and prev[j].Successor when
// an old commune went into exactly one new unit. It returns the GSO codes
// that matched no commune of prev, sorted and without repeats.
func LinkPredecessors(prev, next []Unit) (unknown []string) {
	byGSO := map[string]int{}
	for j, u := range prev {
		if u.Kind == KindCommune && u.GSOCode != "" {
			byGSO[u.GSOCode] = j
		}
	}
	successors := map[int][]string{}
	for i := range next {
		u := &next[i]
		u.Predecessors = nil
		for _, g := range u.PredecessorGSO {
			j, ok := byGSO[g]
			if !ok {
				unknown = append(unknown, g)
				continue
			}
			u.Predecessors = append(u.Predecessors, prev[j].Code)
			successors[j] = append(successors[j], u.Code)
		}
		if len(u.Predecessors) == 1 {
			u.Predecessor = u.Predecessors[0]
		}
	}
	for j, s := range successors {
		if len(s) == 1 {
			prev[j].Successor = s[0]
		}
	}
	slices.Sort(unknown)
	return slices.Compact(unknown)
}

// ptr returns a pointer to a copy of t, so that units never share one.
func ptr(t time.Time) *time.Time { return &t }
