// Package report builds the periodic reports the city files: form II.06a
// (dossiers received, finished and in progress, by field and level of
// government) and the Decision 766/QĐ-TTg score, from the figures of
// stats.Service, and writes them as .xlsx, PDF and JSON. It counts nothing
// itself: every number is one stats.Report or store figure, so a report
// always agrees with /api/v1/stats for the same unit and period.
package report

import (
	"context"
	"fmt"
	"time"

	"github.com/motcua/motcua/internal/org"
	"github.com/motcua/motcua/internal/stats"
)

// Levels are the levels of government of II.06a's groups, in the form's
// order.
var Levels = []string{"province", "district", "commune"}

// levelNames name the groups of rows, in Vietnamese and English.
var levelNames = map[string][2]string{
	"province": {"Cấp tỉnh", "Province level"},
	"district": {"Cấp huyện", "District level"},
	"commune":  {"Cấp xã", "Commune level"},
}

// Row kinds of II.06a.
const (
	RowTotal = "total" // the whole unit
	RowLevel = "level" // one level of government, sum of its fields
	RowField = "field" // one field of one level
)

// Cells are columns 3–13 of II.06a, in the form's order.
type Cells struct {
	Received        int `json:"received"`            // 3 = 4 + 5 + 6
	ReceivedOnline  int `json:"received_online"`     // 4
	CarriedOver     int `json:"carried_over"`        // 5
	ReceivedCounter int `json:"received_in_person"`  // 6 in person and by post
	Finished        int `json:"finished"`            // 7 = 8 + 9 + 10
	Early           int `json:"finished_early"`      // 8
	OnTime          int `json:"finished_on_time"`    // 9, withdrawn included
	Late            int `json:"finished_late"`       // 10
	InProgress      int `json:"in_progress"`         // 11 = 12 + 13
	Within          int `json:"in_progress_within"`  // 12, awaiting supplementation included
	Overdue         int `json:"in_progress_overdue"` // 13
}

// Values are the cells in column order (columns 3 to 13).
func (c Cells) Values() []int {
	return []int{c.Received, c.ReceivedOnline, c.CarriedOver, c.ReceivedCounter,
		c.Finished, c.Early, c.OnTime, c.Late, c.InProgress, c.Within, c.Overdue}
}

// Zero reports whether every cell is 0.
func (c Cells) Zero() bool { return c == Cells{} }

// CellsOf takes the II.06a cells from a stats report.
func CellsOf(r stats.Report) Cells {
	return Cells{
		Received: r.Received.Total, ReceivedOnline: r.Received.Online, CarriedOver: r.Received.CarriedOver, ReceivedCounter: r.Received.Counter,
		Finished: r.Finished.Total, Early: r.Finished.Early, OnTime: r.Finished.OnTime, Late: r.Finished.Late,
		InProgress: r.InProgress.Total, Within: r.InProgress.Within, Overdue: r.InProgress.Overdue,
	}
}

// Row is one row of II.06a.
type Row struct {
	Kind string `json:"kind"` // RowTotal, RowLevel, RowField
	// No is column 1: the level's Roman numeral, the field's number within
	// its level; empty on the total row.
	No string `json:"no"`
	// Level is the level of government (level and field rows); Field the
	// procedures' field (field rows).
	Level string `json:"level,omitempty"`
	Field string `json:"field,omitempty"`
	Cells
}

// Name is column 2 in the language.
func (r Row) Name(lang string) string {
	i := 0
	if lang == "en" {
		i = 1
	}
	switch r.Kind {
	case RowTotal:
		return [2]string{"Tổng cộng", "Total"}[i]
	case RowLevel:
		if n, ok := levelNames[r.Level]; ok {
			return n[i]
		}
		return r.Level
	}
	return r.Field
}

// II06a is form II.06a of one unit (its subtree, or with Own the unit
// alone) for the period [From, To).
type II06a struct {
	Unit     string    `json:"unit"`
	UnitName string    `json:"unit_name"`
	Own      bool      `json:"own,omitempty"`
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	// Rows are the level rows, each followed by its field rows, then the
	// total row last, as the form prints them.
	Rows []Row `json:"rows"`
	// Total is the last row again, for readers of the JSON.
	Total Row `json:"total"`
}

// Query names the unit, period and scope of a report.
type Query struct {
	Unit     *org.Unit
	From, To time.Time
	Own      bool
}

// BuildII06a computes form II.06a from svc: the headline report is the
// total row, one report per level its level rows, and the same report by
// field the field rows. Levels without a counted dossier and fields whose
// cells are all 0 (a field with ratings only) have no row.
func BuildII06a(ctx context.Context, svc *stats.Service, q Query) (*II06a, error) {
	if q.Unit == nil {
		return nil, fmt.Errorf("building II.06a: no unit")
	}
	// The form has no level-4 column: NoLevel4 spares the count of
	// electronic results and payments, which reads the dossiers.
	head, err := svc.Report(ctx, stats.Query{Unit: q.Unit, From: q.From, To: q.To, Own: q.Own, By: "level", NoLevel4: true})
	if err != nil {
		return nil, fmt.Errorf("building II.06a of %s: %w", q.Unit.Code, err)
	}
	rep := &II06a{Unit: q.Unit.Code, UnitName: q.Unit.Name, Own: q.Own, From: q.From, To: q.To, Rows: []Row{}}
	// The form's levels first, then any other level the catalogue holds,
	// so that the level rows always add up to the total.
	order := append([]string{}, Levels...)
	for _, lr := range head.Rows {
		if _, known := levelNames[lr.Level]; !known {
			order = append(order, lr.Level)
		}
	}
	roman := []string{"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"}
	n := 0
	for _, lvl := range order {
		var found bool
		for _, lr := range head.Rows {
			found = found || lr.Level == lvl && !CellsOf(lr).Zero()
		}
		if !found {
			continue
		}
		lq := stats.Query{Unit: q.Unit, From: q.From, To: q.To, Own: q.Own, Filter: stats.Filter{Level: lvl}, By: "field"}
		if _, known := levelNames[lvl]; !known {
			// stats.Service accepts the form's levels only as a filter:
			// another level is shown as one row without its fields.
			for _, lr := range head.Rows {
				if lr.Level == lvl {
					rep.Rows = append(rep.Rows, Row{Kind: RowLevel, No: romanAt(roman, n), Level: lvl, Cells: CellsOf(lr)})
				}
			}
			n++
			continue
		}
		lrep, err := svc.Report(ctx, lq)
		if err != nil {
			return nil, fmt.Errorf("building II.06a of %s, level %s: %w", q.Unit.Code, lvl, err)
		}
		rep.Rows = append(rep.Rows, Row{Kind: RowLevel, No: romanAt(roman, n), Level: lvl, Cells: CellsOf(lrep)})
		n++
		i := 0
		for _, fr := range lrep.Rows {
			c := CellsOf(fr)
			if c.Zero() {
				continue
			}
			i++
			rep.Rows = append(rep.Rows, Row{Kind: RowField, No: fmt.Sprint(i), Level: lvl, Field: fr.Field, Cells: c})
		}
	}
	rep.Total = Row{Kind: RowTotal, Cells: CellsOf(head)}
	rep.Rows = append(rep.Rows, rep.Total)
	return rep, nil
}

func romanAt(r []string, i int) string {
	if i < len(r) {
		return r[i]
	}
	return fmt.Sprint(i + 1)
}
