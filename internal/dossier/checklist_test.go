package dossier

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/org"
)

// TestChecklist: a required document is ticked or excused by a note; the
// list comes back complete in the published order with the catalogue's
// names and counts; anything else is a 400 naming the document.
func TestChecklist(t *testing.T) {
	v := testVersion() // to_khai required (1 original), cccd optional (1 copy)
	scan := func(key string) []Document { return []Document{{Kind: DocApplication, DocKey: key}} }
	tests := []struct {
		name   string
		lines  []ReceivedDocument
		scans  []Document
		code   string   // error code, "" for accepted
		fields []string // fields named by the error
		want   []ReceivedDocument
	}{
		{name: "required ticked, counts from the catalogue",
			lines: []ReceivedDocument{{Key: "to_khai", Received: true}},
			want:  []ReceivedDocument{{Key: "to_khai", Name: "Tờ khai", Received: true, Originals: 1}, {Key: "cccd", Name: "CCCD"}}},
		{name: "counts as the officer counted them, in any order",
			lines: []ReceivedDocument{{Key: "cccd", Received: true, Copies: 2}, {Key: "to_khai", Received: true, Originals: 1, Copies: 1}},
			scans: scan("cccd"),
			want:  []ReceivedDocument{{Key: "to_khai", Name: "Tờ khai", Received: true, Originals: 1, Copies: 1}, {Key: "cccd", Name: "CCCD", Received: true, Copies: 2}}},
		{name: "required excused by a note",
			lines: []ReceivedDocument{{Key: "to_khai", Originals: 3, Note: "  Người nộp   khai tại chỗ; bổ sung sau "}},
			want:  []ReceivedDocument{{Key: "to_khai", Name: "Tờ khai", Note: "Người nộp khai tại chỗ; bổ sung sau"}, {Key: "cccd", Name: "CCCD"}}},
		{name: "nothing sent", code: "checklist_invalid", fields: []string{"doc.to_khai"}},
		{name: "required unticked without a note", lines: []ReceivedDocument{{Key: "to_khai"}, {Key: "cccd", Received: true}},
			code: "checklist_invalid", fields: []string{"doc.to_khai"}},
		{name: "blank note", lines: []ReceivedDocument{{Key: "to_khai", Note: "   "}}, code: "checklist_invalid", fields: []string{"doc.to_khai"}},
		{name: "unknown document", lines: []ReceivedDocument{{Key: "to_khai", Received: true}, {Key: "so_do", Received: true}}, code: "document_not_in_list"},
		{name: "twice", lines: []ReceivedDocument{{Key: "to_khai", Received: true}, {Key: "to_khai", Received: true}}, code: "document_repeated"},
		{name: "negative count", lines: []ReceivedDocument{{Key: "to_khai", Received: true, Copies: -1}}, code: "checklist_invalid", fields: []string{"doc.to_khai"}},
		{name: "too many copies", lines: []ReceivedDocument{{Key: "to_khai", Received: true, Originals: 100}}, code: "checklist_invalid", fields: []string{"doc.to_khai"}},
		{name: "note too long", lines: []ReceivedDocument{{Key: "to_khai", Received: true, Note: strings.Repeat("a", 501)}}, code: "checklist_invalid", fields: []string{"doc.to_khai"}},
		{name: "scan of a document not received", lines: []ReceivedDocument{{Key: "to_khai", Received: true}}, scans: scan("cccd"),
			code: "checklist_invalid", fields: []string{"doc.cccd"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := checklist(v, tt.lines, tt.scans)
			if tt.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, tt.want) {
					t.Fatalf("got %+v\nwant %+v", got, tt.want)
				}
				return
			}
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.Invalid || e.Code != tt.code {
				t.Fatalf("error %v, want 400 %s", err, tt.code)
			}
			if e.VI == "" || e.EN == "" || e.VI == e.EN {
				t.Errorf("message not in both languages: %q / %q", e.VI, e.EN)
			}
			var names []string
			for _, f := range e.Fields {
				names = append(names, f.Name)
				if f.Message == "" || f.MessageEN == "" {
					t.Errorf("field %s without both messages", f.Name)
				}
			}
			if !slices.Equal(names, tt.fields) {
				t.Errorf("fields %v, want %v", names, tt.fields)
			}
		})
	}
}

// TestWalkInApplicant: a walk-in record needs the name; the ID number is
// checked only when given.
func TestWalkInApplicant(t *testing.T) {
	now := time.Date(2025, 3, 3, 9, 0, 0, 0, ict)
	for _, c := range []struct {
		name   string
		app    Applicant
		fields []string
	}{
		{"name only", Applicant{FullName: "Phạm  Văn Đức"}, nil},
		{"name and ID", Applicant{FullName: "Phạm Văn Đức", IDNumber: "001085012345"}, nil},
		{"no name", Applicant{Phone: "0904123456"}, []string{"applicant.full_name"}},
		{"bad ID", Applicant{FullName: "Phạm Văn Đức", IDNumber: "12345"}, []string{"applicant.id_number"}},
		{"bad phone", Applicant{FullName: "Phạm Văn Đức", Phone: "12"}, []string{"applicant.phone"}},
	} {
		got, err := walkInApplicant(c.app, now)
		var names []string
		if e, ok := apperr.As(err); ok {
			for _, f := range e.Fields {
				names = append(names, f.Name)
			}
		} else if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !slices.Equal(names, c.fields) {
			t.Errorf("%s: fields %v, want %v", c.name, names, c.fields)
		}
		if err == nil && got.FullName != "Phạm Văn Đức" {
			t.Errorf("%s: name not normalised: %q", c.name, got.FullName)
		}
	}
}

// TestWalkInRoles: only the unit's receptionists and leaders record a
// walk-in; any role in the unit reads it.
func TestWalkInRoles(t *testing.T) {
	for _, c := range []struct {
		a           Actor
		desk, staff bool
	}{
		{staff(1, unitX, org.RoleReceptionist), true, true},
		{staff(2, unitX, org.RoleLeader), true, true},
		{staff(3, unitX, org.RoleSpecialist), false, true},
		{staff(4, unitY, org.RoleReceptionist), false, false},
		{Actor{AccountID: owner, Citizen: true}, false, false},
		{SystemActor("job"), false, false},
	} {
		if got := c.a.mayDesk(unitX); got != c.desk {
			t.Errorf("%s mayDesk = %v", c.a.Name, got)
		}
		if got := c.a.staffOf(unitX); got != c.staff {
			t.Errorf("%s staffOf = %v", c.a.Name, got)
		}
	}
}
