package dossier

import (
	"testing"
	"time"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/org"
)

// TestDeskRating checks the one rating rule for the applicant online and
// for the desk recording the applicant's choice at the counter: once,
// only a delivered dossier, and at the desk only a result handed over in
// person; the desk's rating names the officer as its actor and keeps the
// channel "kiosk" in the event.
func TestDeskRating(t *testing.T) {
	clk := testClock(t)
	now := time.Date(2025, 3, 12, 10, 0, 0, 0, ict)
	citizen := Actor{AccountID: owner, Citizen: true, Name: "Nguyễn Văn An"}
	rec := staff(1, unitX, org.RoleReceptionist)
	tests := []struct {
		name     string
		status   Status
		substate string
		rated    string
		a        Actor
		kind     apperr.Kind // zero: accepted
		code     string
		channel  string
	}{
		{"applicant online", StatusDelivered, "delivered_online", "", citizen, 0, "", ""},
		{"applicant after delivery in person", StatusDelivered, SubDeliveredInPerson, "", citizen, 0, "", ""},
		{"desk after delivery in person", StatusDelivered, SubDeliveredInPerson, "", rec, 0, "", RatingChannelKiosk},
		{"leader at the desk", StatusDelivered, SubDeliveredInPerson, "", staff(3, unitX, org.RoleLeader), 0, "", RatingChannelKiosk},
		{"desk, result sent by post", StatusDelivered, "delivered_post", "", rec, apperr.Unprocessable, "not_delivered_at_desk", ""},
		{"desk, result returned online", StatusDelivered, "delivered_online", "", rec, apperr.Unprocessable, "not_delivered_at_desk", ""},
		{"desk, already rated", StatusDelivered, SubDeliveredInPerson, RatingSatisfied, rec, apperr.Unprocessable, "already_rated", ""},
		{"applicant, already rated", StatusDelivered, SubDeliveredInPerson, RatingSatisfied, citizen, apperr.Unprocessable, "already_rated", ""},
		{"desk, not delivered yet", StatusFinished, SubAtDesk, "", rec, apperr.Unprocessable, "invalid_transition", ""},
		{"specialist of the unit", StatusDelivered, SubDeliveredInPerson, "", staff(2, unitX, org.RoleSpecialist), apperr.Forbidden, "role_not_allowed", ""},
		{"receptionist of another unit", StatusDelivered, SubDeliveredInPerson, "", staff(8, unitY, org.RoleReceptionist), apperr.Forbidden, "role_not_allowed", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := dossierIn(tt.status)
			d.Substate, d.Rating = tt.substate, tt.rated
			ev, err := Apply(d, testVersion(), tt.a, Command{Action: ActRate, Version: 3, Rating: RatingVerySatisfied, Comment: " Nhanh "}, now, clk)
			if tt.kind != 0 {
				e, ok := apperr.As(err)
				if !ok || e.Kind != tt.kind || e.Code != tt.code {
					t.Fatalf("want %v %s, got %v", tt.kind, tt.code, err)
				}
				if d.Version != 3 || d.Rating != tt.rated {
					t.Fatal("a refused rating changed the dossier")
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if d.Rating != RatingVerySatisfied || d.RatingComment != "Nhanh" || d.Status != StatusDelivered {
				t.Fatalf("dossier after rating: %q %q %d", d.Rating, d.RatingComment, d.Status)
			}
			data, ok := ev.Data.(RatingData)
			if !ok || data.Rating != RatingVerySatisfied || data.Channel != tt.channel {
				t.Fatalf("event data %#v, want channel %q", ev.Data, tt.channel)
			}
			if ev.ActorID != tt.a.AccountID || ev.ActorName != tt.a.Name {
				t.Fatalf("event actor %d %q, want the one who recorded it", ev.ActorID, ev.ActorName)
			}
		})
	}
}

// TestHolds: only staff with a role in the unit holding the dossier hold
// it; a citizen, a leader reading the subtree and the receiving unit of a
// transferred dossier do not.
func TestHolds(t *testing.T) {
	d := dossierIn(StatusDelivered)
	d.ReceivedUnitID = unitY
	for _, tt := range []struct {
		name string
		a    Actor
		want bool
	}{
		{"receptionist of the unit", staff(1, unitX, org.RoleReceptionist), true},
		{"specialist of the unit", staff(2, unitX, org.RoleSpecialist), true},
		{"receiving unit, no longer holding", staff(8, unitY, org.RoleReceptionist), false},
		{"leader reading the subtree", Actor{AccountID: 7, Grants: []Grant{{UnitID: 1, UnitPath: "/1/", Role: org.RoleLeader}}}, false},
		{"owner", Actor{AccountID: owner, Citizen: true}, false},
		{"system", SystemActor("job"), false},
	} {
		if got := tt.a.Holds(d); got != tt.want {
			t.Errorf("%s: Holds = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestCheck: Check gives the error Apply gives, arguments and version
// aside, and nil when the action is open.
func TestCheck(t *testing.T) {
	clk := testClock(t)
	now := time.Date(2025, 3, 12, 10, 0, 0, 0, ict)
	rec := staff(1, unitX, org.RoleReceptionist)
	for _, tt := range []struct {
		name     string
		status   Status
		substate string
		a        Actor
		act      Action
	}{
		{"open", StatusDelivered, SubDeliveredInPerson, rec, ActRate},
		{"role", StatusDelivered, SubDeliveredInPerson, staff(2, unitX, org.RoleSpecialist), ActRate},
		{"status", StatusFinished, SubAtDesk, rec, ActRate},
		{"sub-state", StatusDelivered, "delivered_post", rec, ActRate},
		{"unknown", StatusDelivered, "", rec, "teleport"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := dossierIn(tt.status)
			d.Substate = tt.substate
			got := Check(d, tt.a, tt.act)
			_, want := Apply(d, testVersion(), tt.a, Command{Action: tt.act, Version: d.Version, Rating: RatingSatisfied}, now, clk)
			ge, _ := apperr.As(got)
			we, _ := apperr.As(want)
			if (got == nil) != (want == nil) || got != nil && (ge.Code != we.Code || ge.Message("vi") != we.Message("vi")) {
				t.Fatalf("Check %v, Apply %v", got, want)
			}
		})
	}
}
