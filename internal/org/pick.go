package org

import (
	"sort"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/motcua/motcua/internal/vn"
)

// Choice is a unit as a person picks it from a list. Names repeat across
// the tree (Hà Nội's 2019 list has a "Phường Quang Trung" in Đống Đa, in
// Hà Đông and in Sơn Tây), so a choice carries the unit it belongs to and
// is shown by its full name. Every surface that lets someone choose a unit
// (the portal's submission form, the back office's transfer and
// consultation forms) lists, groups and searches choices with the
// functions below, so that they all find the same units the same way.
type Choice struct {
	Code string
	Name string
	Kind Kind
	// ParentCode and ParentName are the unit above; empty for a root.
	ParentCode string
	ParentName string
	// ParentIsRoot is set when the unit above is a root (the city or
	// province): its name goes without saying in a one-city deployment, and
	// after the 2025 reform every commune sits right under it.
	ParentIsRoot bool
}

// FullName is the name that tells a unit from its namesakes: the unit's
// own name followed by the unit above it, "Phường Quang Trung, Quận Đống
// Đa", except where the unit above is the root (a department, a 2025
// commune) or there is none.
func (c Choice) FullName() string {
	if c.ParentName == "" || c.ParentIsRoot {
		return c.Name
	}
	return c.Name + ", " + c.ParentName
}

// GroupCode is the group a choice is listed under when a person first
// picks the district (or department, or city) and then the unit: the unit
// above it, or the unit itself for a root.
func (c Choice) GroupCode() string {
	if c.ParentCode == "" {
		return c.Code
	}
	return c.ParentCode
}

// Group is one entry of the first step of a two-step choice: a unit that
// has units to choose below it, with how many.
type Group struct {
	Code string
	Name string
	N    int
}

// Groups lists the groups of cs in the order they first appear (the
// caller lists choices in tree order, so districts come in tree order).
// One group means there is nothing to pick first: the two-level tree of
// 2025, where every commune sits under the city, lists communes directly.
func Groups(cs []Choice) []Group {
	var out []Group
	at := map[string]int{}
	for _, c := range cs {
		g := c.GroupCode()
		i, ok := at[g]
		if !ok {
			name := c.ParentName
			if c.ParentCode == "" {
				name = c.Name
			}
			i = len(out)
			at[g] = i
			out = append(out, Group{Code: g, Name: name})
		}
		out[i].N++
	}
	return out
}

// InGroup keeps the choices of group code; "" keeps them all.
func InGroup(cs []Choice, code string) []Choice {
	if code == "" {
		return cs
	}
	var out []Choice
	for _, c := range cs {
		if c.GroupCode() == code {
			out = append(out, c)
		}
	}
	return out
}

// SameGroup reports whether every choice belongs to one group: then their
// own names are enough to tell them apart.
func SameGroup(cs []Choice) bool {
	for _, c := range cs[min(1, len(cs)):] {
		if c.GroupCode() != cs[0].GroupCode() {
			return false
		}
	}
	return true
}

// Sort orders choices as people read a list: by group (the district,
// department or city they belong to), then by name, both in Vietnamese
// alphabetical order (Đ after D, accents after the bare letter). The
// tree's own order follows row ids, which say nothing to a citizen.
func Sort(cs []Choice) {
	col := collate.New(language.Vietnamese)
	groupName := func(c Choice) string {
		if c.ParentCode == "" {
			return c.Name
		}
		return c.ParentName
	}
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if d := col.CompareString(groupName(a), groupName(b)); d != 0 {
			return d < 0
		}
		if a.GroupCode() != b.GroupCode() {
			return a.GroupCode() < b.GroupCode()
		}
		if d := col.CompareString(a.Name, b.Name); d != 0 {
			return d < 0
		}
		return a.Code < b.Code
	})
}

// Search keeps the choices that match q, accents and case optional: every
// word of q must begin a word of the unit's name, of the name of the unit
// above it, or of its code ("quang trung dong da", "Quang Trung, Đống Đa",
// "000.12"). A word ending in i or y matches either spelling ("Hoà Mỹ"
// and "hoa mi"). Units whose own name holds every word come first (a
// search for "dong da" puts Quận Đống Đa before its wards); otherwise the
// order of cs is kept. An empty q keeps every choice.
func Search(cs []Choice, q string) []Choice {
	words := strings.Fields(vn.Fold(strings.NewReplacer(",", " ", ";", " ").Replace(q)))
	if len(words) == 0 {
		return cs
	}
	type hit struct {
		c   Choice
		own bool
	}
	var hits []hit
	for _, c := range cs {
		own := strings.Fields(vn.Fold(c.Name))
		all := append(append(own[:len(own):len(own)], strings.Fields(vn.Fold(c.ParentName))...), strings.ToLower(c.Code))
		if !matchAll(words, all) {
			continue
		}
		hits = append(hits, hit{c, matchAll(words, own)})
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].own && !hits[j].own })
	out := make([]Choice, len(hits))
	for i, h := range hits {
		out[i] = h.c
	}
	return out
}

// matchAll reports whether every query word begins one of the words.
func matchAll(query, words []string) bool {
	for _, q := range query {
		found := false
		for _, v := range vn.SpellingVariants(q) {
			for _, w := range words {
				if strings.HasPrefix(w, v) {
					found = true
					break
				}
			}
			if found {
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
