package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/population"
)

// PopulationLookup is the population service as the API uses it
// (population.Service): its rules and its log are the desk's.
type PopulationLookup interface {
	Lookup(ctx context.Context, who population.Requester, q population.Query, dossierCode string) (*population.Citizen, error)
}

// populationLookupInput is the body of POST /api/v1/population/lookups.
type populationLookupInput struct {
	IDNumber  string `json:"id_number"`
	FullName  string `json:"full_name"`
	BirthYear int    `json:"birth_year"`
	// Procedure is the purpose: the code of the procedure being served.
	Procedure string `json:"procedure"`
	// Unit is the unit the officer acts for; optional when the officer
	// holds roles in one unit only.
	Unit    string `json:"unit"`
	Dossier string `json:"dossier"`
}

// populationLookupAnswer is what a found lookup answers: every attribute
// the database holds for the person, named as form sources name them.
type populationLookupAnswer struct {
	RequestID  string            `json:"request_id"`
	Source     string            `json:"source"`
	Attributes map[string]string `json:"attributes"`
}

// lookupPopulation serves POST /api/v1/population/lookups: an officer
// (or a verified citizen, for their own number) looks a person up in the
// national population database. The population service applies the rules
// and records the attempt, found or not.
func (h *Handler) lookupPopulation(w http.ResponseWriter, r *http.Request) error {
	if h.Population == nil {
		return population.NotConfigured()
	}
	var in populationLookupInput
	if err := h.decodeJSON(w, r, &in); err != nil {
		return err
	}
	a := actorFrom(r.Context())
	who := population.Requester{AccountID: a.AccountID, Name: a.Name}
	if a.Citizen {
		who.Kind, who.IDNumber, who.Verified = population.KindCitizen, a.IDNumber, a.Verified
	} else {
		who.Kind, who.OfficerCode = population.KindOfficer, a.Username
		code := strings.TrimSpace(in.Unit)
		if code == "" {
			seen := map[string]bool{}
			for _, g := range a.Grants {
				if !seen[g.UnitCode] {
					seen[g.UnitCode] = true
					code = g.UnitCode
				}
			}
			if len(seen) > 1 {
				return apperr.New(apperr.Invalid, "unit_required", "Vui lòng cho biết đơn vị thực hiện tra cứu (unit).",
					"Say which unit the lookup is made for (unit).")
			}
		}
		for _, g := range a.Grants {
			if g.UnitCode == code {
				who.UnitID, who.UnitCode, who.UnitPath = g.UnitID, g.UnitCode, g.UnitPath
				who.Roles = append(who.Roles, g.Role)
			}
		}
		if who.UnitID == 0 && code != "" {
			// Not the officer's unit: the service refuses and records it.
			if u, err := h.Store.UnitByCode(r.Context(), code); err == nil {
				who.UnitID, who.UnitCode, who.UnitPath = u.ID, u.Code, u.Path
			}
		}
	}
	q := population.Query{IDNumber: in.IDNumber, FullName: in.FullName, BirthYear: in.BirthYear, ServiceCode: in.Procedure,
		RequestID: population.NewRequestID()}
	c, err := h.Population.Lookup(r.Context(), who, q, in.Dossier)
	if err != nil {
		return err
	}
	out := populationLookupAnswer{RequestID: q.RequestID, Source: "population", Attributes: map[string]string{}}
	for _, attr := range population.Attributes {
		if v, ok := c.Attribute(attr); ok {
			out.Attributes[attr] = v
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
	return nil
}
