package store

import (
	"testing"
	"time"

	"github.com/motcua/motcua/internal/dossier"
)

// TestFirstEventHashIsEventHash: the hash spliced from a tail prepared
// outside the transaction is the chain's hash (eventHash), which audit
// verification recomputes; a difference would break every new chain.
func TestFirstEventHashIsEventHash(t *testing.T) {
	at := time.Date(2025, 3, 3, 8, 30, 0, 123456789, Zone)
	for _, c := range []struct {
		name string
		code string
		ev   dossier.Event
	}{
		{"no data", "000.01.02.H26-250303-0001", dossier.Event{At: at, ActorID: 7, ActorName: "Nguyễn Văn A", Role: "citizen", Action: dossier.ActSubmit, To: 1}},
		{"data and a note to escape", "000.01.02.H26-250303-0042", dossier.Event{At: at, ActorName: "Trần <B> & C", Role: "receptionist", UnitID: 3,
			Action: dossier.ActFinish, From: 2, To: 6, Note: "ghi chú \"đặc biệt\"\n", Data: dossier.ResultData{Granted: true, ResultNumber: "1/2025"},
			StepKey: "tiep_nhan", BudgetHours: 8, SpentHours: 2.5, Verdict: dossier.VerdictEarly}},
		{"odd code", `X"Y\Z-250303-0001`, dossier.Event{At: at, Action: dossier.ActSubmit}},
	} {
		t.Run(c.name, func(t *testing.T) {
			data, err := eventData(&c.ev)
			if err != nil {
				t.Fatal(err)
			}
			want, err := eventHash(c.code, 1, "", &c.ev, data)
			if err != nil {
				t.Fatal(err)
			}
			tail, err := eventTail(1, "", &c.ev, data)
			if err != nil {
				t.Fatal(err)
			}
			got, err := firstEventHash(c.code, tail)
			if err != nil || got != want {
				t.Errorf("firstEventHash = %s (%v), eventHash = %s", got, err, want)
			}
		})
	}
}

// TestPrepareSubmission: the code's date is Vietnam's (a submission at
// 20:00 UTC on the 2nd is dated the 3rd), the name is the organisation's
// when there is one, folded for search, and the JSON columns are encoded.
func TestPrepareSubmission(t *testing.T) {
	for _, c := range []struct {
		name      string
		at        time.Time
		applicant dossier.Applicant
		day       string
		display   string
		folded    string
		appPrefix string
		withData  bool
	}{
		{"person, evening UTC", time.Date(2025, 3, 2, 20, 0, 0, 0, time.UTC), dossier.Applicant{FullName: "Nguyễn Thị Đào"}, "250303", "Nguyễn Thị Đào", "nguyen thi dao", `{"kind":"","full_name":"Nguyễn Thị Đào"`, false},
		{"organisation, morning", time.Date(2025, 3, 2, 1, 0, 0, 0, time.UTC), dossier.Applicant{FullName: "Lê Văn Ơn", OrgName: "Công ty Ánh Dương"}, "250302", "Công ty Ánh Dương", "cong ty anh duong", `{"kind":"","full_name":"Lê Văn Ơn"`, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			ev := &dossier.Event{At: c.at, Action: dossier.ActSubmit}
			if c.withData {
				ev.Data = dossier.ResultData{Granted: true}
			}
			in := &dossier.NewDossier{Dossier: &dossier.Dossier{SubmittedAt: c.at, Applicant: c.applicant, Form: map[string]any{"a": 1}}, Event: ev}
			s, err := prepareSubmission(in)
			if err != nil {
				t.Fatal(err)
			}
			if s.day != c.day || s.name != c.display || s.folded != c.folded {
				t.Errorf("day %q name %q folded %q, want %q %q %q", s.day, s.name, s.folded, c.day, c.display, c.folded)
			}
			if len(s.applicant) < len(c.appPrefix) || s.applicant[:len(c.appPrefix)] != c.appPrefix || s.form != `{"a":1}` {
				t.Errorf("applicant %s form %s", s.applicant, s.form)
			}
			if (s.evData != nil) != c.withData {
				t.Errorf("event data %q", s.evData)
			}
		})
	}
}
