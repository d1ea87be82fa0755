// Package org owns the tree of administrative units and the roles staff hold
// in them.
package org

import "time"

// Kind is what sort of unit a node of the tree is.
type Kind string

// Unit kinds.
const (
	KindCity       Kind = "city"       // province-level city (Thành phố trực thuộc Trung ương) or province
	KindDistrict   Kind = "district"   // quận, huyện, thị xã (until 30/6/2025)
	KindCommune    Kind = "commune"    // phường, xã, thị trấn
	KindDepartment Kind = "department" // sở, ban, ngành
)

// Unit is one node of the administrative tree. Code (the agency identifier)
// names it everywhere: API, CLI, URLs and dossier codes.
type Unit struct {
	ID          int64      `json:"-"`
	Code        string     `json:"code"`
	GSOCode     string     `json:"gso_code,omitempty"`
	Name        string     `json:"name"`
	Kind        Kind       `json:"kind"`
	ParentCode  string     `json:"parent,omitempty"`
	ValidFrom   *time.Time `json:"valid_from,omitempty"`
	ValidTo     *time.Time `json:"valid_to,omitempty"`
	Predecessor string     `json:"predecessor,omitempty"` // code of the unit it replaced
	ParentID    int64      `json:"-"`
	Path        string     `json:"-"` // materialised path "/1/7/42/" for subtree queries

	// Predecessors are the agency identifiers (Code) of every unit this one
	// replaced, e.g. the 2019 communes merged into a 2025 commune. They are
	// filled by LinkPredecessors once the old units are known, because 2019
	// identifiers depend on the scheme and the 2019 file.
	Predecessors []string `json:"predecessors,omitempty"`
	// PredecessorGSO are the GSO codes of the replaced units, as the official
	// mapping states them; Import2025 fills them.
	PredecessorGSO []string `json:"predecessor_gso,omitempty"`
	// Successor is the Code of the unit that took this one over, when there is
	// exactly one (a 2019 commune merged into a 2025 commune).
	Successor string `json:"successor,omitempty"`
}

// Role is what a staff member may do in a unit.
type Role string

// Staff roles.
const (
	RoleReceptionist Role = "receptionist"
	RoleSpecialist   Role = "specialist"
	RoleLeader       Role = "leader"
	// RoleHead is the head of a specialised office (trưởng phòng chuyên
	// môn), who checks and initials the specialist's draft before the
	// leader signs, where the procedure's process has that step.
	RoleHead      Role = "head"
	RoleUnitAdmin Role = "unit_admin"
	RoleCityAdmin Role = "city_admin"
)

// Roles lists every staff role.
var Roles = []Role{RoleReceptionist, RoleSpecialist, RoleHead, RoleLeader, RoleUnitAdmin, RoleCityAdmin}

// Valid reports whether r is a known staff role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// SeesSubtree reports whether the role may read dossiers of the units below
// its own (leaders of a district see its communes; city admins see the city).
func (r Role) SeesSubtree() bool {
	return r == RoleLeader || r == RoleCityAdmin || r == RoleUnitAdmin
}
