// Package stats holds the figures of report form II.06a and the indicators
// leaders track, always measured from dossiers, never declared.
package stats

import (
	"math"
	"strconv"
	"strings"
)

// Received counts dossiers received in a period, at the unit that received
// them (the desk), whichever unit handles them afterwards.
type Received struct {
	Total       int `json:"total"`
	Online      int `json:"online"`
	CarriedOver int `json:"carried_over"`
	Counter     int `json:"counter"` // in person or by post
	// Post counts those of Counter received by post.
	Post int `json:"post"`
	// Offered and OfferedOnline count the dossiers received in the period
	// (online + counter) whose procedure version was offered online (level
	// 3 or 4), and of those the ones submitted online: the base of Decision
	// 766's online submission share.
	Offered       int `json:"offered"`
	OfferedOnline int `json:"offered_online"`
}

// Finished counts dossiers whose processing ended in the period, at the
// unit that decided them.
type Finished struct {
	Total  int `json:"total"`
	Early  int `json:"early"`
	OnTime int `json:"on_time"`
	Late   int `json:"late"`
}

// InProgress counts dossiers still open at the end of the period, at the
// unit that holds them. Dossiers waiting for the applicant's supplementation
// (status 5) are within the deadline.
type InProgress struct {
	Total   int `json:"total"`
	Within  int `json:"within"`
	Overdue int `json:"overdue"`
}

// Satisfaction counts the applicants' ratings on the three levels of
// Decision 766/QĐ-TTg given in the period, each at the unit that decided
// the dossier (as Finished counts it), with each level's share.
type Satisfaction struct {
	Total         int `json:"total"`
	VerySatisfied int `json:"very_satisfied"`
	Satisfied     int `json:"satisfied"`
	Dissatisfied  int `json:"dissatisfied"`
	// AtDesk counts those of them the desk recorded on its screen for an
	// applicant at the counter (the rating kiosk), so that oversight can
	// tell them from the applicants' own online ratings.
	AtDesk int `json:"at_desk"`
	// The shares of each level in the ratings, in percent with two
	// decimals, each rounded on its own (three equal thirds are 33.33).
	VerySatisfiedRate float64 `json:"very_satisfied_rate"`
	SatisfiedRate     float64 `json:"satisfied_rate"`
	DissatisfiedRate  float64 `json:"dissatisfied_rate"`
}

// Finish fills the total and the shares from the counts.
func (s *Satisfaction) Finish() {
	s.Total = s.VerySatisfied + s.Satisfied + s.Dissatisfied
	s.VerySatisfiedRate = Percent(s.VerySatisfied, s.Total)
	s.SatisfiedRate = Percent(s.Satisfied, s.Total)
	s.DissatisfiedRate = Percent(s.Dissatisfied, s.Total)
}

// Filter narrows a report to the dossiers of some procedures; empty fields
// do not filter.
type Filter struct {
	Field     string // the procedure's field (lĩnh vực), exactly
	Level     string // the level of government offering it: province, district, commune
	Procedure string // the procedure's code
}

// Report is one unit's II.06a figures with the headline rates.
type Report struct {
	Unit     string `json:"unit,omitempty"`
	UnitName string `json:"unit_name,omitempty"`
	// Field or Level names the row of a report by field or by level;
	// Procedure and ProcedureName the row of a report by procedure.
	Field         string     `json:"field,omitempty"`
	Level         string     `json:"level,omitempty"`
	Procedure     string     `json:"procedure,omitempty"`
	ProcedureName string     `json:"procedure_name,omitempty"`
	Received      Received   `json:"received"`
	Finished      Finished   `json:"finished"`
	InProgress    InProgress `json:"in_progress"`
	// OnlineRate is online received / received in the period (online +
	// counter, every procedure), in percent with two decimals.
	OnlineRate float64 `json:"online_rate"`
	// OnlineRateOffered is the same share over the dossiers of procedures
	// offered online only (Decision 766), in percent with two decimals.
	OnlineRateOffered float64 `json:"online_rate_offered"`
	// OnTimeRate is (early + on time) / finished, in percent with two
	// decimals.
	OnTimeRate float64 `json:"on_time_rate"`
	// FurtherSupplementRequests counts the dossiers decided or held in
	// scope that were asked for supplementation more than once after
	// reception (the law allows one request; each further one is the
	// leader's decision and an indicator of its own).
	FurtherSupplementRequests int `json:"further_supplement_requests"`
	// Satisfaction is the applicants' ratings given in the period.
	Satisfaction Satisfaction `json:"satisfaction"`
	// Level4 are the indicators of online payment and electronic results
	// (Decision 766), on the headline report.
	Level4   *Level4  `json:"level4,omitempty"`
	Children []Report `json:"children,omitempty"`
	// Rows are the report's rows by field, by level or by procedure
	// (by=field, by=level, by=procedure).
	Rows []Report `json:"rows,omitempty"`
}

// Finish fills the totals and rates from the counted parts.
func (r *Report) Finish() {
	r.Received.Total = r.Received.Online + r.Received.Counter + r.Received.CarriedOver
	r.Finished.Total = r.Finished.Early + r.Finished.OnTime + r.Finished.Late
	r.InProgress.Total = r.InProgress.Within + r.InProgress.Overdue
	r.OnlineRate = Percent(r.Received.Online, r.Received.Online+r.Received.Counter)
	r.OnlineRateOffered = Percent(r.Received.OfferedOnline, r.Received.Offered)
	r.OnTimeRate = Percent(r.Finished.Early+r.Finished.OnTime, r.Finished.Total)
	r.Satisfaction.Finish()
}

// Percent returns part/whole in percent rounded half away from zero to two
// decimals, as the reports publish them (50 of 52 is 96.15); 0 when the
// whole is 0. The rounding is done in integers so that no binary fraction
// tips a half the wrong way.
func Percent(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	n, d := int64(part)*10000, int64(whole)
	neg := (n < 0) != (d < 0)
	if n < 0 {
		n = -n
	}
	if d < 0 {
		d = -d
	}
	q := (2*n + d) / (2 * d) // hundredths of a percent, half up
	if neg {
		q = -q
	}
	return float64(q) / 100
}

// FormatPercent writes a rate with two decimals the way the language writes
// it: "96,15 %" in Vietnamese, "96.15%" in English.
func FormatPercent(rate float64, lang string) string {
	s := strconv.FormatFloat(math.Round(rate*100)/100, 'f', 2, 64)
	if lang == "en" {
		return s + "%"
	}
	return strings.ReplaceAll(s, ".", ",") + " %"
}

// Level4 are the indicators that level-4 service makes possible
// (Decision 766/QĐ-TTg): fees paid online, online transactions, results
// issued electronically, dossiers solved fully online.
type Level4 struct {
	// FeesPaid counts the fee requests paid in the period; FeesPaidOnline
	// those paid through a gateway, and FeesPaidOnlineRate the share.
	FeesPaid           int     `json:"fees_paid"`
	FeesPaidOnline     int     `json:"fees_paid_online"`
	FeesPaidOnlineRate float64 `json:"fees_paid_online_rate"`
	// OnlineTransactions and OnlineAmount (VND) are the payments made
	// through gateways in the period.
	OnlineTransactions int   `json:"online_transactions"`
	OnlineAmount       int64 `json:"online_amount"`
	// Finished counts the dossiers finished in the period;
	// ResultsElectronic those with an electronic result, and
	// ResultsElectronicRate the share.
	Finished              int     `json:"finished"`
	ResultsElectronic     int     `json:"results_electronic"`
	ResultsElectronicRate float64 `json:"results_electronic_rate"`
	// SolvedFullyOnline counts the finished dossiers submitted online,
	// whose fee (if any) was paid online and whose result was delivered
	// online; SolvedFullyOnlineRate its share of Finished.
	SolvedFullyOnline     int     `json:"solved_fully_online"`
	SolvedFullyOnlineRate float64 `json:"solved_fully_online_rate"`
}

// Finish fills the shares from the counts.
func (l *Level4) Finish() {
	l.FeesPaidOnlineRate = Percent(l.FeesPaidOnline, l.FeesPaid)
	l.ResultsElectronicRate = Percent(l.ResultsElectronic, l.Finished)
	l.SolvedFullyOnlineRate = Percent(l.SolvedFullyOnline, l.Finished)
}
