package console

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Charts are drawn on the server as inline SVG (no script, nothing the page's
// Content-Security-Policy forbids: colours come from the stylesheet's classes, not from style
// attributes). Each chart is an image with a title and a description for screen readers; the
// same numbers are in the table next to it.

// barItem is one bar: its label and value.
type barItem struct {
	Label string
	Value int64
}

// chartText escapes text for SVG.
func chartText(s string) string { return template.HTMLEscapeString(s) }

// shorten cuts a label to n characters.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// barChart draws horizontal bars (long Vietnamese labels read best on a phone), each with its
// value written after it by format.
func barChart(id, title, desc string, items []barItem, format func(int64) string) template.HTML {
	const width, labelW, rowH, top = 640, 210, 30, 8
	barW := float64(width - labelW - 110)
	var peak int64
	for _, it := range items {
		peak = max(peak, it.Value)
	}
	height := top*2 + rowH*len(items)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart-svg" id="%s" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t %s-d" xmlns="http://www.w3.org/2000/svg">`, id, width, height, id, id)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, chartText(title), id, chartText(desc))
	for i, it := range items {
		y := top + i*rowH
		w := 0.0
		if peak > 0 && it.Value > 0 {
			w = math.Max(1, barW*float64(it.Value)/float64(peak))
		}
		fmt.Fprintf(&b, `<g class="bar-row"><title>%s: %s</title>`, chartText(it.Label), chartText(format(it.Value)))
		fmt.Fprintf(&b, `<text class="label" x="%d" y="%d" text-anchor="end">%s</text>`, labelW-8, y+19, chartText(shorten(it.Label, 28)))
		fmt.Fprintf(&b, `<rect class="bar s%d" x="%d" y="%d" width="%.1f" height="%d" rx="2"></rect>`, i%2+1, labelW, y+5, w, rowH-10)
		fmt.Fprintf(&b, `<text class="value" x="%.1f" y="%d">%s</text></g>`, float64(labelW)+w+6, y+19, chartText(format(it.Value)))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // built from escaped text and numbers
}

// lineSeries is one line: its name and a value per point.
type lineSeries struct {
	Name   string
	Values []int64
}

// lineChart draws lines over labelled points (months), with a value axis of round steps
// written by axis, a legend, and a dot per point.
func lineChart(id, title, desc string, xs []string, series []lineSeries, axis func(float64) string) template.HTML {
	const width, height, left, right, top, bottom = 640, 300, 78, 28, 40, 44
	plotW, plotH := float64(width-left-right), float64(height-top-bottom)
	var peak int64
	for _, s := range series {
		for _, v := range s.Values {
			peak = max(peak, v)
		}
	}
	step := niceStep(float64(peak) / 4)
	ceiling := step * 4
	y := func(v int64) float64 { return float64(top) + plotH - plotH*float64(v)/ceiling }
	x := func(i int) float64 {
		if len(xs) <= 1 {
			return float64(left) + plotW/2
		}
		return float64(left) + plotW*float64(i)/float64(len(xs)-1)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart-svg" id="%s" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t %s-d" xmlns="http://www.w3.org/2000/svg">`, id, width, height, id, id)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, chartText(title), id, chartText(desc))
	for i := 0; i <= 4; i++ {
		v := step * float64(i)
		gy := float64(top) + plotH - plotH*v/ceiling
		fmt.Fprintf(&b, `<line class="grid" x1="%d" x2="%d" y1="%.1f" y2="%.1f"></line><text class="axis" x="%d" y="%.1f" text-anchor="end">%s</text>`,
			left, width-right, gy, gy, left-6, gy+4, chartText(axis(v)))
	}
	every := max(1, (len(xs)+5)/6) // at most six labels: they never run into each other
	for i, l := range xs {
		if i%every == 0 {
			fmt.Fprintf(&b, `<text class="axis" x="%.1f" y="%d" text-anchor="middle">%s</text>`, x(i), height-bottom+18, chartText(l))
		}
	}
	for si, s := range series {
		pts := make([]string, len(s.Values))
		for i, v := range s.Values {
			pts[i] = strconv.FormatFloat(x(i), 'f', 1, 64) + "," + strconv.FormatFloat(y(v), 'f', 1, 64)
		}
		fmt.Fprintf(&b, `<polyline class="line s%d" points="%s"></polyline>`, si+1, strings.Join(pts, " "))
		for i, v := range s.Values {
			fmt.Fprintf(&b, `<circle class="dot s%d" cx="%.1f" cy="%.1f" r="3"><title>%s %s: %s</title></circle>`, si+1, x(i), y(v), chartText(s.Name), chartText(xs[i]), chartText(axis(float64(v))))
		}
		lx := left + si*220
		fmt.Fprintf(&b, `<rect class="key s%d" x="%d" y="12" width="14" height="14"></rect><text class="legend" x="%d" y="24">%s</text>`, si+1, lx, lx+20, chartText(s.Name))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // built from escaped text and numbers
}

// niceStep rounds a raw step up to 1, 2, 2.5 or 5 times a power of ten (at least 1).
func niceStep(raw float64) float64 {
	if raw <= 1 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if raw <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// compactVND writes an amount for an axis: 1,2 tỷ, 350 tr, 12 nghìn (bn, m, k in English).
func compactVND(lang string) func(float64) string {
	units := []struct {
		size   float64
		vi, en string
	}{{1e9, "tỷ", "bn"}, {1e6, "tr", "m"}, {1e3, "nghìn", "k"}}
	return func(v float64) string {
		for _, u := range units {
			if math.Abs(v) >= u.size {
				n := strconv.FormatFloat(v/u.size, 'f', -1, 64)
				if len(n) > 4 {
					n = strconv.FormatFloat(v/u.size, 'f', 1, 64)
				}
				name := u.vi
				if lang == "en" {
					name = u.en
				} else {
					n = strings.Replace(n, ".", ",", 1)
				}
				return n + " " + name
			}
		}
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
}
