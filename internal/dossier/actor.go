package dossier

import (
	"strings"

	"github.com/motcua/motcua/internal/org"
)

// Grant is one role a staff member holds in one unit.
type Grant struct {
	UnitID   int64    `json:"-"`
	UnitCode string   `json:"unit"`
	UnitName string   `json:"unit_name"`
	UnitPath string   `json:"-"`
	Role     org.Role `json:"role"`
}

// Actor is whoever calls: a citizen (or business representative) acting on
// their own dossiers, a staff member with roles in units, or the system
// itself (see SystemActor).
type Actor struct {
	AccountID int64
	Username  string
	Name      string
	Citizen   bool
	IDNumber  string
	// Verified is set for a citizen whose identity was checked (at the desk
	// or by the national e-ID): only such a citizen follows the dossiers
	// taken at the counter or by post under their ID number.
	Verified bool
	Grants   []Grant
	// System marks an actor without an account: a payment gateway, a job.
	System bool
}

// owns reports whether the actor is the citizen the dossier belongs to. A
// self-declared account owns only what it submitted online itself, even if
// a counter dossier was ever attached to it.
func (a Actor) owns(d *Dossier) bool {
	if !a.Citizen || d.OwnerID == 0 || d.OwnerID != a.AccountID {
		return false
	}
	return a.Verified || d.Channel == ChannelOnline
}

// RoleApplicant is the pseudo-role recorded in events for the applicant.
const RoleApplicant = "applicant"

// RoleSystem is the pseudo-role recorded in events for a system actor.
const RoleSystem = "system"

// SystemActor is the process acting on its own account: a payment gateway
// confirming a fee, a scheduled job. It has no account and no unit; the
// lifecycle lets it take only the actions its rules name (recording a fee
// paid) and refuses every other with 403. It is made in code only, never
// from a request's credentials, and may read any dossier it is handed.
func SystemActor(name string) Actor {
	return Actor{Name: name, Username: "system:" + name, System: true}
}

// rolesIn returns the actor's roles held directly in the unit.
func (a Actor) rolesIn(unitID int64) []org.Role {
	var rs []org.Role
	for _, g := range a.Grants {
		if g.UnitID == unitID {
			rs = append(rs, g.Role)
		}
	}
	return rs
}

// CanSee reports whether the actor may read the dossier: a citizen their own,
// staff those their unit holds, received or was consulted on (the caller
// loads d.Consultations), roles that see a subtree those below, and a
// system actor any.
func (a Actor) CanSee(d *Dossier) bool {
	if a.System {
		return true
	}
	if a.Citizen {
		return a.owns(d)
	}
	for _, g := range a.Grants {
		if g.UnitID == d.UnitID || g.UnitID == d.ReceivedUnitID || d.consultedBy(g.UnitID) {
			return true
		}
		if g.Role.SeesSubtree() && g.UnitPath != "" && strings.HasPrefix(d.UnitPath, g.UnitPath) {
			return true
		}
	}
	return false
}

// Holds reports whether the actor is staff with a role in the unit that
// holds the dossier now (not only reading it from above or as a consulted
// unit).
func (a Actor) Holds(d *Dossier) bool {
	return !a.Citizen && !a.System && len(a.rolesIn(d.UnitID)) > 0
}

// ScopePaths returns the unit paths whose whole subtree the actor may read,
// and the unit IDs it may read directly; the store turns them into a filter.
func (a Actor) ScopePaths() (paths []string, units []int64) {
	for _, g := range a.Grants {
		if g.Role.SeesSubtree() {
			paths = append(paths, g.UnitPath)
		} else {
			units = append(units, g.UnitID)
		}
	}
	return paths, units
}

// HasRole reports whether the actor holds role r in any unit.
func (a Actor) HasRole(r org.Role) bool {
	for _, g := range a.Grants {
		if g.Role == r {
			return true
		}
	}
	return false
}

// CanEditCalendar reports whether the actor may change the working-day
// calendar of the unit (unitID 0: the city-wide calendar every unit shares):
// city administrators keep the city-wide days and may change any unit's; a
// unit administrator only their own unit's. The API and the back office both
// ask here.
func (a Actor) CanEditCalendar(unitID int64) bool {
	for _, g := range a.Grants {
		if g.Role == org.RoleCityAdmin || unitID != 0 && g.Role == org.RoleUnitAdmin && g.UnitID == unitID {
			return true
		}
	}
	return false
}
