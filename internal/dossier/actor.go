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
// their own dossiers, or a staff member with roles in units.
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
// loads d.Consultations), and roles that see a subtree those below.
func (a Actor) CanSee(d *Dossier) bool {
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
