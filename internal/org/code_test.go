package org

import (
	"testing"
	"time"

	"github.com/motcua/motcua/internal/vn"
)

var hanoi = CodeScheme{Suffix: "H26"}

func TestCodeScheme(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"city", hanoi.City(), "000.00.00.H26"},
		{"district 1", hanoi.District(1), "000.00.01.H26"},
		{"district 30", hanoi.District(30), "000.00.30.H26"},
		{"district 40", hanoi.District(40), "000.00.40.H26"},
		{"district 0", hanoi.District(0), ""},
		{"district 41", hanoi.District(41), ""},
		{"department 1", hanoi.Department(1), "000.00.41.H26"},
		{"department 18", hanoi.Department(18), "000.00.58.H26"},
		{"department 59", hanoi.Department(59), "000.00.99.H26"},
		{"department 60", hanoi.Department(60), ""},
		{"department 0", hanoi.Department(0), ""},
		{"commune 1/1", hanoi.Commune(1, 1), "000.01.01.H26"},
		{"commune 2/18", hanoi.Commune(2, 18), "000.18.02.H26"},
		{"commune 30/99", hanoi.Commune(30, 99), "000.99.30.H26"},
		{"commune 30/100", hanoi.Commune(30, 100), ""},
		{"commune 0/1", hanoi.Commune(0, 1), ""},
		{"commune 41/1", hanoi.Commune(41, 1), ""},
		{"commune2025 1", hanoi.Commune2025(1), "001.00.00.H26"},
		{"commune2025 126", hanoi.Commune2025(126), "126.00.00.H26"},
		{"commune2025 999", hanoi.Commune2025(999), "999.00.00.H26"},
		{"commune2025 0", hanoi.Commune2025(0), ""},
		{"commune2025 1000", hanoi.Commune2025(1000), ""},
		{"other province", CodeScheme{Suffix: "H56"}.Commune(22, 17), "000.17.22.H56"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
		if tt.got != "" {
			if err := CheckCode(tt.got, nil); err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
		}
	}
}

func TestCodeSchemeNoCollisions(t *testing.T) {
	seen := map[string]string{}
	add := func(code, what string) {
		if prev, ok := seen[code]; ok {
			t.Fatalf("%s and %s share %s", prev, what, code)
		}
		seen[code] = what
	}
	add(hanoi.City(), "city")
	for n := 1; n <= MaxDistricts; n++ {
		add(hanoi.District(n), "district")
		for c := 1; c <= MaxCommunes; c++ {
			add(hanoi.Commune(n, c), "commune")
		}
	}
	for n := 1; n <= MaxDepartments; n++ {
		add(hanoi.Department(n), "department")
	}
	for n := 1; n <= MaxCommunes2025; n++ {
		add(hanoi.Commune2025(n), "commune 2025")
	}
}

func TestCheckCode(t *testing.T) {
	tests := []struct {
		code string
		ok   bool
	}{
		{"000.00.00.H56", true},
		{"000.17.22.H56", true},
		{"000.00.00.G10", true},
		{"000.00.00.h56", false},
		{"00.00.00.H56", false},
		{"000.00.00.H5", false},
		{"000.00.00.H56 ", false},
		{"000-00-00-H56", false},
		{"", false},
	}
	for _, tt := range tests {
		if err := CheckCode(tt.code, nil); (err == nil) != tt.ok {
			t.Errorf("CheckCode(%q) = %v, want ok=%v", tt.code, err, tt.ok)
		}
	}
	if DefaultCodePattern() == DefaultCodePattern() {
		t.Error("DefaultCodePattern must return a fresh Regexp")
	}
}

func TestCodeSchemeValidate(t *testing.T) {
	tests := []struct {
		suffix string
		ok     bool
	}{
		{"H26", true}, {"G10", true}, {"", false}, {"h26", false}, {"H2", false}, {"H260", false}, {"26H", false},
	}
	for _, tt := range tests {
		if err := (CodeScheme{Suffix: tt.suffix}).Validate(); (err == nil) != tt.ok {
			t.Errorf("Validate(%q) = %v, want ok=%v", tt.suffix, err, tt.ok)
		}
	}
}

func TestLevel(t *testing.T) {
	tests := []struct {
		k     Kind
		want  string
		valid bool
	}{
		{KindCity, "province", true},
		{KindDepartment, "province", true},
		{KindDistrict, "district", true},
		{KindCommune, "commune", true},
		{"ward", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got := Level(tt.k); got != tt.want {
			t.Errorf("Level(%q) = %q, want %q", tt.k, got, tt.want)
		}
		if tt.k.Valid() != tt.valid {
			t.Errorf("Kind(%q).Valid() = %v", tt.k, !tt.valid)
		}
	}
}

func TestActiveOn(t *testing.T) {
	ict := time.FixedZone("ICT", 7*3600)
	old := Unit{ValidTo: ptr(reorgLastDay)}
	nu := Unit{ValidFrom: ptr(reorgFirstDay)}
	always := Unit{}
	tests := []struct {
		name string
		u    Unit
		at   time.Time
		want bool
	}{
		{"old on its last day, late evening in Hà Nội", old, time.Date(2025, 6, 30, 23, 59, 0, 0, ict), true},
		{"old the next morning in Hà Nội", old, time.Date(2025, 7, 1, 0, 1, 0, 0, ict), false},
		{"old in 2019", old, time.Date(2019, 10, 6, 0, 0, 0, 0, ict), true},
		{"new on its first day", nu, time.Date(2025, 7, 1, 0, 1, 0, 0, ict), true},
		{"new the day before", nu, time.Date(2025, 6, 30, 23, 59, 0, 0, ict), false},
		{"unbounded", always, time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), true},
	}
	for _, tt := range tests {
		if got := tt.u.ActiveOn(tt.at); got != tt.want {
			t.Errorf("%s: ActiveOn = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestDepartments(t *testing.T) {
	deps := Departments(hanoi)
	if len(deps) != 18 {
		t.Fatalf("got %d departments, want 18", len(deps))
	}
	if deps[0].Name != "Sở Tư pháp" || deps[0].Code != "000.00.41.H26" {
		t.Errorf("first department = %+v, want Sở Tư pháp 000.00.41.H26", deps[0])
	}
	seen := map[string]bool{}
	for i, d := range deps {
		if d.Kind != KindDepartment || d.ParentCode != hanoi.City() || Level(d.Kind) != "province" {
			t.Errorf("%d %s: kind %s parent %s", i, d.Name, d.Kind, d.ParentCode)
		}
		if d.Code != hanoi.Department(i+1) || CheckCode(d.Code, nil) != nil {
			t.Errorf("%s: code %q", d.Name, d.Code)
		}
		if seen[d.Code] || seen[d.Name] {
			t.Errorf("%s: duplicate", d.Name)
		}
		seen[d.Code], seen[d.Name] = true, true
		if d.Name != vn.NFC(d.Name) {
			t.Errorf("%s: name not NFC", d.Name)
		}
	}
	// Stable order: a second call gives the same identifiers.
	again := Departments(hanoi)
	for i := range deps {
		if again[i].Code != deps[i].Code || again[i].Name != deps[i].Name {
			t.Fatalf("order changed at %d", i)
		}
	}
}
