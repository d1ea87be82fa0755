// Package chart draws small server-rendered SVG charts (grouped bars, lines)
// for the back office's dashboards. Every chart comes with a table holding
// the same numbers: the SVG is a picture for sighted readers, the table is
// what screen readers and printers read, so nothing is only in the picture.
package chart

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Series is one named run of values, one per label of the chart.
type Series struct {
	Name   string
	Values []float64
}

// Chart is what a chart shows.
type Chart struct {
	// ID makes the ids of the title and table unique on the page; letters,
	// digits and "-" only.
	ID    string
	Title string
	// Labels name the categories (months) along the x axis.
	Labels []string
	Series []Series
	// Max is the top of the y axis; 0 takes the largest value, rounded up.
	Max float64
	// Format writes a value for the table and the axis; nil writes it with
	// as few decimals as it needs.
	Format func(float64) string
	// Corner is the table's top-left header (what the labels are, "Tháng").
	Corner string
}

// Geometry of every chart, in SVG user units.
const (
	width   = 640
	height  = 240
	left    = 48
	right   = 8
	top     = 12
	bottom  = 36
	plotW   = width - left - right
	plotH   = height - top - bottom
	ticks   = 4
	maxBars = 8
)

// colors are the series' colors, distinguishable in grey print and by the
// common colour-vision deficiencies (Okabe–Ito palette).
var colors = []string{"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"}

func (c Chart) format(v float64) string {
	if c.Format != nil {
		return c.Format(v)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// top returns the y axis's top: Max, or the largest value rounded up to a
// "nice" number, at least 1.
func (c Chart) top() float64 {
	if c.Max > 0 {
		return c.Max
	}
	m := 0.0
	for _, s := range c.Series {
		for _, v := range s.Values {
			if v > m && !math.IsInf(v, 0) {
				m = v
			}
		}
	}
	if m <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(m)))
	for _, f := range []float64{1, 2, 2.5, 5, 10} {
		if f*p >= m {
			return f * p
		}
	}
	return 10 * p
}

// value returns series s's value at i, 0 when missing or not a number.
func value(s Series, i int) float64 {
	if i >= len(s.Values) || math.IsNaN(s.Values[i]) || s.Values[i] < 0 {
		return 0
	}
	return s.Values[i]
}

func f1(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// Bars draws the chart as grouped vertical bars, with its table.
func Bars(c Chart) template.HTML { return c.figure(c.bars()) }

// Line draws the chart as lines with a dot at each value, with its table.
func Line(c Chart) template.HTML { return c.figure(c.lines()) }

func (c Chart) figure(body string) template.HTML {
	var b strings.Builder
	esc := template.HTMLEscapeString
	id := c.ID
	fmt.Fprintf(&b, `<figure class="chart" id="chart-%s">`+"\n", esc(id))
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="chart-%s-title" aria-describedby="chart-%s-table" preserveAspectRatio="xMidYMid meet">`+"\n",
		width, height, esc(id), esc(id))
	fmt.Fprintf(&b, `<title id="chart-%s-title">%s</title>`+"\n", esc(id), esc(c.Title))
	b.WriteString(c.axes())
	b.WriteString(body)
	b.WriteString(c.legend())
	b.WriteString("</svg>\n")
	b.WriteString(c.table())
	b.WriteString("</figure>\n")
	return template.HTML(b.String())
}

// axes draws the horizontal grid with the values on the left and the
// labels along the bottom.
func (c Chart) axes() string {
	var b strings.Builder
	t := c.top()
	b.WriteString(`<g class="chart-axes" font-size="11" fill="#333">` + "\n")
	for i := 0; i <= ticks; i++ {
		v := t * float64(i) / ticks
		y := top + plotH - plotH*float64(i)/ticks
		fmt.Fprintf(&b, `<line x1="%d" y1="%s" x2="%d" y2="%s" stroke="#ccc" stroke-width="1"/>`+"\n", left, f1(y), width-right, f1(y))
		fmt.Fprintf(&b, `<text x="%d" y="%s" text-anchor="end">%s</text>`+"\n", left-4, f1(y+4), template.HTMLEscapeString(c.format(v)))
	}
	n := len(c.Labels)
	for i, l := range c.Labels {
		x := left + plotW*(float64(i)+0.5)/float64(max(n, 1))
		fmt.Fprintf(&b, `<text x="%s" y="%d" text-anchor="middle">%s</text>`+"\n", f1(x), height-bottom+14, template.HTMLEscapeString(l))
	}
	b.WriteString("</g>\n")
	return b.String()
}

func (c Chart) y(v float64) float64 {
	t := c.top()
	if v > t {
		v = t
	}
	return top + plotH - plotH*v/t
}

func (c Chart) bars() string {
	var b strings.Builder
	n := max(len(c.Labels), 1)
	slot := float64(plotW) / float64(n)
	k := max(min(len(c.Series), maxBars), 1)
	bw := slot * 0.8 / float64(k)
	for si, s := range c.Series {
		if si >= maxBars {
			break
		}
		fmt.Fprintf(&b, `<g class="chart-series" fill="%s">`+"\n", colors[si%len(colors)])
		for i := range c.Labels {
			v := value(s, i)
			x := left + slot*float64(i) + slot*0.1 + bw*float64(si)
			y := c.y(v)
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s"/>`+"\n", f1(x), f1(y), f1(bw), f1(top+plotH-y))
		}
		b.WriteString("</g>\n")
	}
	return b.String()
}

func (c Chart) lines() string {
	var b strings.Builder
	n := max(len(c.Labels), 1)
	for si, s := range c.Series {
		col := colors[si%len(colors)]
		var pts []string
		for i := range c.Labels {
			x := left + plotW*(float64(i)+0.5)/float64(n)
			pts = append(pts, f1(x)+","+f1(c.y(value(s, i))))
		}
		fmt.Fprintf(&b, `<g class="chart-series" stroke="%s" fill="%s">`+"\n", col, col)
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke-width="2"/>`+"\n", strings.Join(pts, " "))
		for _, p := range pts {
			x, y, _ := strings.Cut(p, ",")
			fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="3"/>`+"\n", x, y)
		}
		b.WriteString("</g>\n")
	}
	return b.String()
}

// legend names the series under the axis, each with its colour.
func (c Chart) legend() string {
	var b strings.Builder
	b.WriteString(`<g class="chart-legend" font-size="11" fill="#333">` + "\n")
	x := left
	for si, s := range c.Series {
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="10" height="10" fill="%s"/>`+"\n", x, height-14, colors[si%len(colors)])
		fmt.Fprintf(&b, `<text x="%d" y="%d">%s</text>`+"\n", x+14, height-5, template.HTMLEscapeString(s.Name))
		x += 24 + 7*len([]rune(s.Name))
	}
	b.WriteString("</g>\n")
	return b.String()
}

// table writes the chart's numbers: a row per label, a column per series.
func (c Chart) table() string {
	var b strings.Builder
	esc := template.HTMLEscapeString
	fmt.Fprintf(&b, `<table class="chart-table" id="chart-%s-table">`+"\n", esc(c.ID))
	fmt.Fprintf(&b, "<caption>%s</caption>\n<thead><tr><th scope=\"col\">%s</th>", esc(c.Title), esc(c.Corner))
	for _, s := range c.Series {
		fmt.Fprintf(&b, `<th scope="col">%s</th>`, esc(s.Name))
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	for i, l := range c.Labels {
		fmt.Fprintf(&b, `<tr><th scope="row">%s</th>`, esc(l))
		for _, s := range c.Series {
			fmt.Fprintf(&b, `<td>%s</td>`, esc(c.format(value(s, i))))
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n</table>\n")
	return b.String()
}
