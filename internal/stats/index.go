package stats

// The public service index (/chi-so): a few figures per unit and per
// procedure, published without login, each withheld when it rests on too
// few dossiers, and units ranked among their peers.

import (
	"sort"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/org"
)

// MinBase is the fewest dossiers (or ratings) a published figure may rest
// on: below it a rate says more about chance than about the unit, and a
// figure about one or two dossiers comes close to naming the applicants.
const MinBase = 5

// Figure names one figure of the index; it is also the value of the
// page's sort parameter.
type Figure string

// The figures of the index.
const (
	FigOnTime       Figure = "dung-han"   // on-time rate
	FigOnline       Figure = "truc-tuyen" // online rate
	FigSolvedOnline Figure = "giai-quyet-truc-tuyen"
	FigSatisfaction Figure = "hai-long"
	FigMedianDays   Figure = "thoi-gian" // median processing time, lower is better
)

// Figures lists the figures in the order the index shows them.
var Figures = []Figure{FigOnTime, FigOnline, FigSolvedOnline, FigSatisfaction, FigMedianDays}

// ErrBadSort answers a sort parameter that names no figure.
var ErrBadSort = apperr.New(apperr.Invalid, "bad_sort",
	"Tham số sắp xếp phải là dung-han, truc-tuyen, giai-quyet-truc-tuyen, hai-long hoặc thoi-gian.",
	"sort must be dung-han, truc-tuyen, giai-quyet-truc-tuyen, hai-long or thoi-gian.")

// ParseFigure reads a sort parameter; "" is the on-time rate.
func ParseFigure(s string) (Figure, error) {
	if s == "" {
		return FigOnTime, nil
	}
	for _, f := range Figures {
		if string(f) == s {
			return f, nil
		}
	}
	return "", ErrBadSort
}

// IndexTimes are the index's figures the II.06a report does not hold, for
// one unit's subtree or one procedure: of the dossiers decided in the
// period (finished, stopped or delivered; withdrawn ones are not
// decisions), how many, how many of them were submitted online, and the
// median time from reception to decision in calendar days.
type IndexTimes struct {
	Decided      int     `json:"decided"`
	SolvedOnline int     `json:"solved_online"`
	MedianDays   float64 `json:"median_days"`
}

// IndexRow is one line of the index: a unit or a procedure.
type IndexRow struct {
	Code string
	Name string
	// Kind and Parent place a unit among its peers (same parent, same
	// kind); empty for a procedure.
	Kind   org.Kind
	Parent string
	// The bases and parts of the figures.
	Finished, OnTime   int // finished in the period, of which early or on time
	Received, Online   int // received in the period (online + counter), of which online
	Ratings, Satisfied int // ratings given, of which satisfied or very satisfied
	Times              IndexTimes
	// Rank is the row's rank among its peers on each figure it has (1 is
	// best, ties share a rank) and Peers how many peers were ranked on it;
	// nil until RankPeers.
	Rank  map[Figure]int
	Peers map[Figure]int
}

// NewIndexRow builds a row from a unit's (or procedure's) report and its
// times. Totals are summed from their parts, so that a report not yet
// finished (Report.Finish) gives the same row.
func NewIndexRow(code, name string, rep Report, t IndexTimes) IndexRow {
	return IndexRow{
		Code: code, Name: name,
		Finished: rep.Finished.Early + rep.Finished.OnTime + rep.Finished.Late, OnTime: rep.Finished.Early + rep.Finished.OnTime,
		Received: rep.Received.Online + rep.Received.Counter, Online: rep.Received.Online,
		Ratings: rep.Satisfaction.VerySatisfied + rep.Satisfaction.Satisfied + rep.Satisfaction.Dissatisfied, Satisfied: rep.Satisfaction.VerySatisfied + rep.Satisfaction.Satisfied,
		Times: t,
	}
}

// Value is the row's figure f, and false when it rests on fewer than
// MinBase dossiers or ratings (the page then shows "—"). Rates are in
// percent with two decimals; the median in days.
func (r IndexRow) Value(f Figure) (float64, bool) {
	switch f {
	case FigOnTime:
		return Percent(r.OnTime, r.Finished), r.Finished >= MinBase
	case FigOnline:
		return Percent(r.Online, r.Received), r.Received >= MinBase
	case FigSolvedOnline:
		// A count, not a rate: published once the unit has decided
		// enough dossiers for it not to point at anyone.
		return float64(r.Times.SolvedOnline), r.Times.Decided >= MinBase
	case FigSatisfaction:
		return Percent(r.Satisfied, r.Ratings), r.Ratings >= MinBase
	case FigMedianDays:
		return r.Times.MedianDays, r.Times.Decided >= MinBase
	}
	return 0, false
}

// Base is the number of dossiers (or ratings) figure f rests on.
func (r IndexRow) Base(f Figure) int {
	switch f {
	case FigOnTime:
		return r.Finished
	case FigOnline:
		return r.Received
	case FigSatisfaction:
		return r.Ratings
	case FigSolvedOnline, FigMedianDays:
		return r.Times.Decided
	}
	return 0
}

// better reports whether a is a better value of f than b.
func better(f Figure, a, b float64) bool {
	if f == FigMedianDays {
		return a < b
	}
	return a > b
}

// RankPeers ranks every row among its peers (same Parent and same Kind)
// on each figure: 1 is best, equal values share a rank (1, 2, 2, 4), and
// a row whose figure is withheld is not ranked on it nor counted in Peers.
func RankPeers(rows []IndexRow) {
	type peerKey struct {
		parent string
		kind   org.Kind
	}
	groups := map[peerKey][]int{}
	for i := range rows {
		k := peerKey{rows[i].Parent, rows[i].Kind}
		groups[k] = append(groups[k], i)
		rows[i].Rank, rows[i].Peers = map[Figure]int{}, map[Figure]int{}
	}
	for _, idx := range groups {
		for _, f := range Figures {
			var ranked []int
			for _, i := range idx {
				if _, ok := rows[i].Value(f); ok {
					ranked = append(ranked, i)
				}
			}
			for _, i := range ranked {
				vi, _ := rows[i].Value(f)
				rank := 1
				for _, j := range ranked {
					if vj, _ := rows[j].Value(f); better(f, vj, vi) {
						rank++
					}
				}
				rows[i].Rank[f], rows[i].Peers[f] = rank, len(ranked)
			}
		}
	}
}

// SortIndex orders rows by figure f, best first; rows whose figure is
// withheld come last; ties and withheld rows keep their order (by name).
func SortIndex(rows []IndexRow, f Figure) {
	sort.SliceStable(rows, func(i, j int) bool {
		vi, oki := rows[i].Value(f)
		vj, okj := rows[j].Value(f)
		if oki != okj {
			return oki
		}
		return oki && better(f, vi, vj)
	})
}
