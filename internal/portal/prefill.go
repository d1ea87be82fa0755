package portal

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/motcua/motcua/internal/account"
	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/auth"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/dossier"
	"github.com/motcua/motcua/internal/web"
)

// Population reads a citizen's own record in the national population
// database for a procedure (the lookup's purpose), logging the lookup.
// It refuses an account whose identity was not verified: nobody reads
// another person's record by typing their ID number into an account.
type Population interface {
	OwnRecord(ctx context.Context, a *account.Account, procedure string) (PopulationRecord, error)
}

// PopulationRecord gives the values a population record fills a form
// with, by field (population.Citizen.FormValues).
type PopulationRecord interface {
	FormValues(f catalog.Form) map[string]string
}

// originEdited marks a value the platform filled and the citizen changed.
const originEdited = "edited"

// known is what the platform holds about the citizen for this form: the
// account's identity and contact details and the population values the
// citizen's draft keeps from a lookup.
func known(a *account.Account, dr draft) dossier.Known {
	k := auth.KnownOf(a)
	k.Population = dr.Population
	return k
}

// prefillValues adds to values every field the platform can fill and the
// citizen has not touched yet (absent from values; a field the citizen
// emptied stays empty). A select is filled only with one of its options.
func prefillValues(f catalog.Form, k dossier.Known, values map[string]string) map[string]string {
	if values == nil {
		values = map[string]string{}
	}
	for name, p := range dossier.Prefill(f, k) {
		if _, typed := values[name]; typed {
			continue
		}
		if fd, ok := f.Field(name); ok && fd.Type == catalog.FieldSelect &&
			!slices.ContainsFunc(fd.Options, func(o catalog.Option) bool { return o.Value == p.Value }) {
			continue
		}
		values[name] = p.Value
	}
	return values
}

// markOrigins says, under each field the platform filled, where its value
// came from, or that the citizen changed it: the same rule the submission
// records (dossier.Sources), on the values as they validate now.
func (h *Handler) markOrigins(r *http.Request, v *submitView, a *account.Account, k dossier.Known, values map[string]string) {
	pre := dossier.Prefill(v.V.Form, k)
	if len(pre) == 0 {
		return
	}
	clean := v.V.Form.CleanEach(formData(v.V, values), h.now())
	kept := dossier.Sources(v.V.Form, clean, k)
	for i := range v.Fields {
		f := &v.Fields[i]
		if _, ok := pre[f.Name]; !ok {
			continue
		}
		switch o, ok := kept[f.Name]; {
		case ok:
			f.Origin, f.OriginNote = string(o), h.originNote(r, o, a)
		case values[f.Name] != "":
			f.Origin, f.OriginNote = originEdited, h.t(r, "submit.origin.edited")
		}
	}
}

// originNote says where a value came from, in words.
func (h *Handler) originNote(r *http.Request, o dossier.Origin, a *account.Account) string {
	switch o {
	case dossier.OriginIdentity:
		if a.VerifiedHow == account.VerifiedByVNeID {
			return h.t(r, "submit.origin.vneid")
		}
		return h.t(r, "submit.origin.verified")
	case dossier.OriginPopulation:
		return h.t(r, "submit.origin.population")
	default:
		return h.t(r, "submit.origin.account")
	}
}

// populationFields reports whether the form has a field the population
// database can fill.
func populationFields(f catalog.Form) bool {
	return slices.ContainsFunc(f.Fields, func(fd catalog.Field) bool {
		_, ok := fd.Source.Population()
		return ok
	})
}

// lookupPopulation reads the citizen's record for the procedure and
// fills, in values, each population field still empty or still holding
// what an earlier lookup gave; the draft then keeps the new values, by
// field, as the population's (dr.Population).
func (h *Handler) lookupPopulation(ctx context.Context, a *account.Account, f catalog.Form, procedure string, dr *draft, values map[string]string) error {
	rec, err := h.Population.OwnRecord(ctx, a, procedure)
	if err != nil {
		return err
	}
	got := map[string]string{}
	for name, val := range rec.FormValues(f) {
		if fd, _ := f.Field(name); !isPopulation(fd.Source) {
			continue // the identity is the account's, filled already
		}
		got[name] = val
		if cur := values[name]; cur == "" || cur == dr.Population[name] {
			values[name] = val
		}
	}
	now := h.now()
	dr.Population, dr.PopulationAt = got, &now
	return nil
}

// offerPopulation sets what the page says of the population database: the
// button with its consent box when a lookup is configured, the form has a
// field it fills and the account is verified; otherwise, for an account
// not verified, how to get there.
func (h *Handler) offerPopulation(v *submitView, a *account.Account) {
	if h.Population == nil || !populationFields(v.V.Form) {
		return
	}
	v.PopulationOffer = a.IsVerified()
	v.PopulationVerify = !a.IsVerified()
}

// populationPost answers the form's "fill from the population database"
// button: with the citizen's consent, the lookup fills the population
// fields; everything typed and attached stays, in the draft. A refusal
// (no consent, the database down, nobody found) says why on the form.
func (h *Handler) populationPost(w http.ResponseWriter, r *http.Request, a *account.Account, p *catalog.Procedure, n int,
	fields map[string]string, prev *draft, values map[string]string, pending []pendingFile, delivery dossier.Delivery, save func() error) error {
	lang := web.LangOf(r)
	if h.Population == nil || !populationFields(p.Current.Form) {
		return apperr.New(apperr.NotFound, "population_off", "Thủ tục này không tra cứu Cơ sở dữ liệu quốc gia về dân cư.",
			"This procedure does not look up the national population database.")
	}
	render := func(status int, notice, problem string) error {
		v, err := h.submitView(r, p, n, unitPickOf(func(k string) string { return fields[k] }), strings.TrimSpace(fields["unit"]), values)
		if err != nil {
			return err
		}
		if v.Token = fields["token"]; len(v.Token) != 32 {
			v.Token = newToken()
		}
		v.keep(pending, lang)
		v.setDelivery(delivery)
		h.markOrigins(r, v, a, known(a, *prev), values)
		h.offerPopulation(v, a)
		v.Notice = notice
		if problem != "" {
			v.PopulationError = problem
			v.Errors = append(v.Errors, formError{Field: "population-consent", Message: problem})
		}
		h.web.Render(w, r, web.View{Name: "submit", Nav: "procedures", NoIndex: true, Status: status, Data: v})
		return nil
	}
	status, notice, problem := http.StatusOK, h.t(r, "submit.population.done"), ""
	if fields["population_consent"] == "" {
		status, notice, problem = http.StatusBadRequest, "", h.t(r, "submit.population.consent_required")
	} else if err := h.lookupPopulation(r.Context(), a, p.Current.Form, p.Code, prev, values); err != nil {
		e, ok := apperr.As(err)
		if !ok {
			return err
		}
		status, notice, problem = e.Kind.Status(), "", e.Message(lang)
	}
	// What was typed and attached is kept whatever the lookup's outcome.
	if err := save(); err != nil {
		return err
	}
	return render(status, notice, problem)
}

// isPopulation reports whether a source is read from the population
// database (not the account's identity).
func isPopulation(s catalog.Source) bool {
	_, ok := s.Population()
	return ok
}
