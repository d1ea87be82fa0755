package catalog

import (
	"bufio"
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/motcua/motcua/internal/vn"
)

//go:embed searchdata/synonyms.txt
var synonymsText string

// synonym is one rule of searchdata/synonyms.txt: a folded phrase people
// type and the folded words official names use for it.
type synonym struct{ from, to []string }

var (
	synonymsOnce sync.Once
	synonyms     []synonym
	synonymsErr  error
)

// parseSynonyms reads the rules ("phrase => words", # comments), longest
// phrase first so that "giay khai sinh" wins over "khai sinh".
func parseSynonyms(text string) ([]synonym, error) {
	var out []synonym
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		from, to, ok := strings.Cut(line, "=>")
		f, t := strings.Fields(vn.Fold(from)), strings.Fields(vn.Fold(to))
		if !ok || len(f) == 0 || len(t) == 0 {
			return nil, fmt.Errorf("synonyms line %d: want \"phrase => words\", got %q", n, line)
		}
		out = append(out, synonym{f, t})
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].from) > len(out[j].from) })
	return out, sc.Err()
}

func loadSynonyms() []synonym {
	synonymsOnce.Do(func() { synonyms, synonymsErr = parseSynonyms(synonymsText) })
	if synonymsErr != nil {
		panic(synonymsErr) // embedded data, checked by TestSynonymsParse
	}
	return synonyms
}

// SearchTerms turns a catalogue query into what a procedure's folded name
// must contain: every group must match, any term of a group may. Words are
// folded (no case, no diacritics); a word spelt with i or y after a
// consonant ("ki"/"ky", "li"/"ly") matches both spellings; a phrase people
// use for a procedure ("giay khai sinh") also matches the words of its
// official name ("khai sinh").
func SearchTerms(q string) [][]string {
	words := strings.Fields(vn.Fold(q))
	var groups [][]string
	for i := 0; i < len(words); {
		matched := false
		for _, s := range loadSynonyms() {
			if i+len(s.from) <= len(words) && equalWords(words[i:i+len(s.from)], s.from) {
				phrase := strings.Join(s.from, " ")
				groups = append(groups, unique([]string{phrase, strings.Join(s.to, " ")}))
				i += len(s.from)
				matched = true
				break
			}
		}
		if !matched {
			groups = append(groups, vn.SpellingVariants(words[i]))
			i++
		}
	}
	return groups
}

func equalWords(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func unique(s []string) []string {
	if len(s) == 2 && s[0] == s[1] {
		return s[:1]
	}
	return s
}
