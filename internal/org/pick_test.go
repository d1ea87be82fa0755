package org_test

import (
	"reflect"
	"testing"

	"github.com/motcua/motcua/internal/org"
)

// hanoi2019 is a slice of the 2019 tree in tree order: three wards named
// Quang Trung in three districts, and a department under the city.
var hanoi2019 = []org.Choice{
	{Code: "DD", Name: "Quận Đống Đa", Kind: org.KindDistrict, ParentCode: "HN", ParentName: "Thành phố Hà Nội", ParentIsRoot: true},
	{Code: "DD-QT", Name: "Phường Quang Trung", Kind: org.KindCommune, ParentCode: "DD", ParentName: "Quận Đống Đa"},
	{Code: "DD-TL", Name: "Phường Trung Liệt", Kind: org.KindCommune, ParentCode: "DD", ParentName: "Quận Đống Đa"},
	{Code: "HD-QT", Name: "Phường Quang Trung", Kind: org.KindCommune, ParentCode: "HD", ParentName: "Quận Hà Đông"},
	{Code: "HD-VQ", Name: "Phường Vạn Phúc", Kind: org.KindCommune, ParentCode: "HD", ParentName: "Quận Hà Đông"},
	{Code: "ST-QT", Name: "Phường Quang Trung", Kind: org.KindCommune, ParentCode: "ST", ParentName: "Thị xã Sơn Tây"},
	{Code: "ST-HM", Name: "Xã Đường Lâm", Kind: org.KindCommune, ParentCode: "ST", ParentName: "Thị xã Sơn Tây"},
	{Code: "000.00.41.H26", Name: "Sở Tư pháp", Kind: org.KindDepartment, ParentCode: "HN", ParentName: "Thành phố Hà Nội", ParentIsRoot: true},
}

// hanoi2025 is the two-level tree: communes right under the city.
var hanoi2025 = []org.Choice{
	{Code: "BD", Name: "Phường Ba Đình", Kind: org.KindCommune, ParentCode: "HN", ParentName: "Thành phố Hà Nội", ParentIsRoot: true},
	{Code: "HM", Name: "Phường Hoàn Kiếm", Kind: org.KindCommune, ParentCode: "HN", ParentName: "Thành phố Hà Nội", ParentIsRoot: true},
	{Code: "HMY", Name: "Xã Hoà Mỹ", Kind: org.KindCommune, ParentCode: "HN", ParentName: "Thành phố Hà Nội", ParentIsRoot: true},
}

func codes(cs []org.Choice) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.Code)
	}
	return out
}

func TestChoiceFullName(t *testing.T) {
	for _, c := range []struct {
		c    org.Choice
		want string
	}{
		{hanoi2019[1], "Phường Quang Trung, Quận Đống Đa"},
		{hanoi2019[3], "Phường Quang Trung, Quận Hà Đông"},
		{hanoi2019[5], "Phường Quang Trung, Thị xã Sơn Tây"},
		{hanoi2019[0], "Quận Đống Đa"},   // under the city: the city goes without saying
		{hanoi2019[7], "Sở Tư pháp"},     // a department
		{hanoi2025[0], "Phường Ba Đình"}, // 2025: communes under the city
		{org.Choice{Code: "HN", Name: "Thành phố Hà Nội"}, "Thành phố Hà Nội"},
	} {
		if got := c.c.FullName(); got != c.want {
			t.Errorf("FullName of %s = %q, want %q", c.c.Code, got, c.want)
		}
	}
}

func TestChoiceSearch(t *testing.T) {
	for _, c := range []struct {
		name string
		in   []org.Choice
		q    string
		want []string
	}{
		{"empty query keeps all", hanoi2019, "  ", codes(hanoi2019)},
		{"duplicates all found", hanoi2019, "quang trung", []string{"DD-QT", "HD-QT", "ST-QT"}},
		{"accents optional", hanoi2019, "QUANG trung dong da", []string{"DD-QT"}},
		{"with accents and comma", hanoi2019, "Phường Quang Trung, Quận Đống Đa", []string{"DD-QT"}},
		{"decomposed accents", hanoi2019, "Quang Trung, Ha\u0300 \u0110o\u0302ng", []string{"HD-QT"}},
		{"district name: the district first, then its wards", hanoi2019, "dong da", []string{"DD", "DD-QT", "DD-TL"}},
		{"word prefixes", hanoi2019, "qu tr son", []string{"ST-QT"}},
		{"not inside a word", hanoi2019, "rung", nil},
		{"by code", hanoi2019, "000.00.41", []string{"000.00.41.H26"}},
		{"department by name", hanoi2019, "tu phap", []string{"000.00.41.H26"}},
		{"đ typed as d", hanoi2019, "duong lam", []string{"ST-HM"}},
		{"no match", hanoi2019, "cau giay", nil},
		{"2025 two levels", hanoi2025, "hoan kiem", []string{"HM"}},
		{"i for y", hanoi2025, "hoa mi", []string{"HMY"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := codes(org.Search(c.in, c.q))
			want := c.want
			if want == nil {
				want = []string{}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Search(%q) = %v, want %v", c.q, got, want)
			}
		})
	}
}

func TestChoiceGroups(t *testing.T) {
	communes := org.InGroup(hanoi2019, "") // all
	if len(communes) != len(hanoi2019) {
		t.Fatalf("InGroup with no group kept %d of %d", len(communes), len(hanoi2019))
	}
	got := org.Groups(hanoi2019)
	// Quận Đống Đa and Sở Tư pháp are both under the city.
	want := []org.Group{{"HN", "Thành phố Hà Nội", 2}, {"DD", "Quận Đống Đa", 2}, {"HD", "Quận Hà Đông", 2},
		{"ST", "Thị xã Sơn Tây", 2}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Groups = %+v, want %+v", got, want)
	}
	if got := codes(org.InGroup(hanoi2019, "HD")); !reflect.DeepEqual(got, []string{"HD-QT", "HD-VQ"}) {
		t.Errorf("InGroup(HD) = %v", got)
	}
	if org.SameGroup(hanoi2019) || !org.SameGroup(org.InGroup(hanoi2019, "ST")) || !org.SameGroup(nil) {
		t.Error("SameGroup is wrong")
	}
	// 2025: one group, the communes are listed directly.
	if g := org.Groups(hanoi2025); len(g) != 1 || g[0].N != 3 || !org.SameGroup(hanoi2025) {
		t.Errorf("2025 groups: %+v", g)
	}
	// A root on its own is its own group.
	if g := org.Groups([]org.Choice{{Code: "HN", Name: "Thành phố Hà Nội"}}); len(g) != 1 || g[0].Code != "HN" || g[0].Name != "Thành phố Hà Nội" {
		t.Errorf("root group: %+v", g)
	}
}

func TestChoiceSort(t *testing.T) {
	cs := append([]org.Choice(nil), hanoi2019...)
	// Shuffled the way row ids put them.
	cs[0], cs[6] = cs[6], cs[0]
	cs[2], cs[5] = cs[5], cs[2]
	org.Sort(cs)
	// Groups by name: Quận Đống Đa, Quận Hà Đông, Thành phố Hà Nội (the
	// city's own units), Thị xã Sơn Tây; then names.
	want := []string{"DD-QT", "DD-TL", "HD-QT", "HD-VQ", "DD", "000.00.41.H26", "ST-QT", "ST-HM"}
	if got := codes(cs); !reflect.DeepEqual(got, want) {
		t.Errorf("Sort = %v, want %v", got, want)
	}
	// Vietnamese order within a group: Đ after D, Ư after U.
	ws := []org.Choice{
		{Code: "3", Name: "Xã Đông Anh", ParentCode: "P", ParentName: "Huyện X"},
		{Code: "4", Name: "Xã Ưng Hòe", ParentCode: "P", ParentName: "Huyện X"},
		{Code: "1", Name: "Xã Dục Tú", ParentCode: "P", ParentName: "Huyện X"},
		{Code: "2", Name: "Xã Uy Nỗ", ParentCode: "P", ParentName: "Huyện X"},
	}
	org.Sort(ws)
	if got := codes(ws); !reflect.DeepEqual(got, []string{"1", "3", "2", "4"}) {
		t.Errorf("Vietnamese order: %v", got)
	}
}
