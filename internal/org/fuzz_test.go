package org

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzImport2019 feeds the CSV importer arbitrary rows under the right
// header: it never panics, and what it loads is clean — valid UTF-8 names
// without NUL, unique identifiers, parents that were loaded too — while
// every other row is rejected with a reason.
func FuzzImport2019(f *testing.F) {
	for _, s := range []string{
		"01,Thành phố Trung ương,Thành phố Hà Nội,\n001,Quận,Quận Ba Đình,01\n00001,Phường,Phường Phúc Xá,001\n",
		"01,Thành phố Trung ương,Thành phố Hà Nội,\n001,Quận,Quận Ba Đình,01\n00001,Phường,Phường Phúc Xá,001\n00001,Phường,Phường Trùng,001\n",
		"00001,Phường,Phường Phúc Xá,001\n001,Quận,Quận Ba Đình,01\n01,Thành phố Trung ương,Thành phố Hà Nội,\n",
		"01,Thành phố Trung ương,\"Thành phố \"\"Hà Nội\"\"\",\n",
		"01,Thành phố Trung ương,Thành phố Hà Nội\x00,\n",
		"01,Thành phố Trung ương,Thành phố H\xe0 N\xf4i,\n",
		"01,Thành phố Trung ương,\"unterminated,\n",
		"01,Khu Lạ,Khu,\n\n\n",
		"1,Quận,Quận Con,01\r\n",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, rows string) {
		res, err := Import2019(strings.NewReader("gso_code,kind,name,parent_gso_code\n"+rows), hanoi)
		if err != nil {
			return // an unreadable stream or header only
		}
		codes := map[string]bool{}
		for _, u := range res.Units {
			if codes[u.Code] {
				t.Fatalf("identifier %s loaded twice", u.Code)
			}
			codes[u.Code] = true
			if !utf8.ValidString(u.Name) || strings.IndexByte(u.Name, 0) >= 0 || strings.TrimSpace(u.Name) == "" {
				t.Fatalf("loaded name %q", u.Name)
			}
		}
		for _, u := range res.Units {
			if u.ParentCode != "" && !codes[u.ParentCode] {
				t.Fatalf("%s hangs under %s, not loaded", u.Code, u.ParentCode)
			}
		}
		for _, r := range res.Rejected {
			if r.Reason == "" || !utf8.ValidString(r.Raw) || strings.IndexByte(r.Raw, 0) >= 0 {
				t.Fatalf("rejection %+v", r)
			}
		}
	})
}
