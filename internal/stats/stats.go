// Package stats holds the figures of report form II.06a and the indicators
// leaders track, always measured from dossiers, never declared.
package stats

import "math"

// Received counts dossiers received in a period.
type Received struct {
	Total       int `json:"total"`
	Online      int `json:"online"`
	CarriedOver int `json:"carried_over"`
	Counter     int `json:"counter"` // in person or by post
}

// Finished counts dossiers whose processing ended in the period.
type Finished struct {
	Total  int `json:"total"`
	Early  int `json:"early"`
	OnTime int `json:"on_time"`
	Late   int `json:"late"`
}

// InProgress counts dossiers still open at the end of the period.
type InProgress struct {
	Total   int `json:"total"`
	Within  int `json:"within"`
	Overdue int `json:"overdue"`
}

// Report is one unit's II.06a figures with the two headline rates.
type Report struct {
	Unit       string     `json:"unit,omitempty"`
	UnitName   string     `json:"unit_name,omitempty"`
	Received   Received   `json:"received"`
	Finished   Finished   `json:"finished"`
	InProgress InProgress `json:"in_progress"`
	// OnlineRate is online received / received in the period, in percent.
	OnlineRate float64 `json:"online_rate"`
	// OnTimeRate is (early + on time) / finished, in percent.
	OnTimeRate float64  `json:"on_time_rate"`
	Children   []Report `json:"children,omitempty"`
}

// Finish fills the totals and rates from the counted parts.
func (r *Report) Finish() {
	r.Received.Total = r.Received.Online + r.Received.Counter + r.Received.CarriedOver
	r.Finished.Total = r.Finished.Early + r.Finished.OnTime + r.Finished.Late
	r.InProgress.Total = r.InProgress.Within + r.InProgress.Overdue
	r.OnlineRate = Percent(r.Received.Online, r.Received.Online+r.Received.Counter)
	r.OnTimeRate = Percent(r.Finished.Early+r.Finished.OnTime, r.Finished.Total)
}

// Percent returns part/whole in percent rounded to one decimal; 0 when the
// whole is 0.
func Percent(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return math.Round(float64(part)*1000/float64(whole)) / 10
}
