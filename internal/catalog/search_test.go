package catalog

import (
	"fmt"
	"testing"
)

func TestSynonymsParse(t *testing.T) {
	rules, err := parseSynonyms(synonymsText)
	if err != nil || len(rules) < 10 {
		t.Fatalf("embedded synonyms: %d rules, %v", len(rules), err)
	}
	for i := 1; i < len(rules); i++ {
		if len(rules[i].from) > len(rules[i-1].from) {
			t.Fatal("rules are not longest phrase first")
		}
	}
	for _, bad := range []string{"giay khai sinh", "=> khai sinh", "giay =>"} {
		if _, err := parseSynonyms(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestSearchTerms(t *testing.T) {
	for _, tc := range []struct{ q, want string }{
		{"Đăng ký kết hôn", "[[dang] [ky ki] [ket] [hon]]"},
		{"dang ki ket hon", "[[dang] [ki ky] [ket] [hon]]"},
		{"GIẤY KHAI SINH", "[[giay khai sinh khai sinh]]"},
		{"xin giay khai sinh cho con", "[[xin] [giay khai sinh khai sinh] [cho] [con]]"},
		{"lam so do", "[[lam so do cap giay chung nhan quyen su dung dat]]"},
		{"so do", "[[so do giay chung nhan quyen su dung dat]]"},
		{"cccd", "[[cccd can cuoc]]"},
		{"can cuoc", "[[can cuoc]]"},
		{"quy hoach", "[[quy qui] [hoach]]"},
		{"", "[]"},
	} {
		if got := fmt.Sprint(SearchTerms(tc.q)); got != tc.want {
			t.Errorf("%q: %s, want %s", tc.q, got, tc.want)
		}
	}
}
