package vn

import (
	"strings"
	"unicode/utf8"
)

// Bounds of a search text (the q of the catalogue and of dossier lists):
// longer texts make the stores' LIKE patterns and expression trees grow
// past their limits.
const (
	MaxQueryRunes = 200
	MaxQueryWords = 20
)

// QueryFits reports whether the search text q stays within MaxQueryRunes
// characters and MaxQueryWords words.
func QueryFits(q string) bool {
	return utf8.RuneCountInString(q) <= MaxQueryRunes && len(strings.Fields(q)) <= MaxQueryWords
}

// ClipQuery cuts q to its first MaxQueryWords words and MaxQueryRunes
// characters.
func ClipQuery(q string) string {
	if QueryFits(q) {
		return q
	}
	if w := strings.Fields(q); len(w) > MaxQueryWords {
		q = strings.Join(w[:MaxQueryWords], " ")
	}
	if utf8.RuneCountInString(q) > MaxQueryRunes {
		q = string([]rune(q)[:MaxQueryRunes])
	}
	return q
}
