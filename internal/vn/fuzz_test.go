package vn

import (
	"strings"
	"testing"
	"time"
)

// FuzzCheckIDNumber: the ID-number parser never panics, and a number it
// accepts is 12 ASCII digits of a known province, born no later than now,
// whose year, sex and province the helpers read.
func FuzzCheckIDNumber(f *testing.F) {
	for _, s := range []string{
		"001090001234", " 001195004321 ", "079300000001", "001990001234", "999090001234",
		"00109000123", "0010900012345", "00109000123a", "００１090001234", "001090001234\x00",
		"\xff\xfe", "", "   ", "012345678", "٠٠١٠٩٠٠٠١٢٣٤", "001-090-001234",
	} {
		f.Add(s)
	}
	now := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, id string) {
		err := CheckIDNumber(id, now)
		year, sex, prov := IDBirthYear(id), IDSex(id), IDProvince(id)
		_ = MaskID(id)
		if err != nil {
			if _, ok := err.(*IDError); !ok {
				t.Fatalf("error %T %v, want *IDError", err, err)
			}
			return
		}
		s := strings.TrimSpace(id)
		if len(s) != 12 || !allDigits(s) {
			t.Fatalf("accepted %q", id)
		}
		if year < 1900 || year > now.Year() || (sex != "male" && sex != "female") || prov == "" {
			t.Fatalf("accepted %q: year %d sex %q province %q", id, year, sex, prov)
		}
	})
}
