package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strconv"
)

// Bar is one scheme in a chart: a label and one value per series, in
// nanoseconds; NaN, zero or a negative value is drawn as "not measured".
type Bar struct {
	Label  string
	Values []float64
	Ours   bool // drawn with a bold label
}

// Chart is a horizontal bar chart on a log scale.
type Chart struct {
	Title    string
	Subtitle string
	Series   []string // legend, one per value of each bar
	Bars     []Bar
	Notes    []string // lines under the axis
}

// Layout of the chart, in SVG user units. The label column is as wide as
// the longest label needs (estimated from its length), then come the bars.
const (
	svgPlotW    = 450 // from the smallest decade to the largest
	svgValueW   = 90  // room for the value printed after the longest bar
	svgBarH     = 13
	svgBarGap   = 3
	svgGroupPad = 12
	svgTop      = 92
	svgCharW    = 7.6 // average advance of a 13-unit bold sans-serif character
)

// layout holds the horizontal positions of one chart.
type layout struct {
	labelX, plotX0, plotX1, width int
}

func newLayout(bars []Bar) layout {
	longest := 0
	for _, b := range bars {
		longest = max(longest, len([]rune(b.Label)))
	}
	labelX := max(200, 20+int(float64(longest)*svgCharW+0.5))
	l := layout{labelX: labelX, plotX0: labelX + 10}
	l.plotX1 = l.plotX0 + svgPlotW
	l.width = max(l.plotX1+svgValueW, 720)
	return l
}

var seriesColors = []string{"#2f6db5", "#8fb5e3", "#5a9e6f", "#c98a3a"}

// logDomain returns the decades that hold every positive finite value:
// [10^lo, 10^hi] with hi > lo. ok is false when there is no such value.
func logDomain(bars []Bar) (lo, hi int, ok bool) {
	minV, maxV := math.Inf(1), math.Inf(-1)
	for _, b := range bars {
		for _, v := range b.Values {
			if drawable(v) {
				minV = math.Min(minV, v)
				maxV = math.Max(maxV, v)
			}
		}
	}
	if math.IsInf(minV, 1) {
		return 0, 0, false
	}
	lo = int(math.Floor(math.Log10(minV)))
	hi = int(math.Ceil(math.Log10(maxV)))
	if hi <= lo {
		hi = lo + 1
	}
	return lo, hi, true
}

func drawable(v float64) bool { return v > 0 && !math.IsInf(v, 0) && !math.IsNaN(v) }

// xOf places v on the log axis between plotX0 (10^lo) and plotX1 (10^hi).
func (l layout) xOf(v float64, lo, hi int) float64 {
	f := (math.Log10(v) - float64(lo)) / float64(hi-lo)
	return float64(l.plotX0) + f*float64(l.plotX1-l.plotX0)
}

// decadeLabel names 10^k nanoseconds: "100 ns", "1 µs", "10 ms".
func decadeLabel(k int) string {
	units := []string{"ns", "µs", "ms", "s"}
	u := k / 3
	if k < 0 {
		return "10^" + strconv.Itoa(k) + " ns"
	}
	if u >= len(units) {
		u = len(units) - 1
	}
	return strconv.FormatFloat(math.Pow10(k-3*u), 'f', -1, 64) + " " + units[u]
}

// WriteSVG draws the chart as a self-contained SVG document.
func WriteSVG(w io.Writer, c Chart) error {
	var b bytes.Buffer
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	esc := func(s string) string {
		var e bytes.Buffer
		xml.EscapeText(&e, []byte(s)) // writes to a bytes.Buffer: cannot fail
		return e.String()
	}
	l := newLayout(c.Bars)
	series := max(len(c.Series), 1)
	groupH := series*svgBarH + (series-1)*svgBarGap + svgGroupPad
	plotH := len(c.Bars) * groupH
	if plotH == 0 {
		plotH = groupH
	}
	axisY := svgTop + plotH
	height := axisY + 40 + 18*len(c.Notes) + 10

	p(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" font-size="13">`+"\n",
		l.width, height, l.width, height)
	p(`<title>%s</title>`+"\n", esc(c.Title))
	p(`<rect width="100%%" height="100%%" fill="#ffffff"/>` + "\n")
	p(`<text x="20" y="30" font-size="18" font-weight="bold" fill="#111">%s</text>`+"\n", esc(c.Title))
	if c.Subtitle != "" {
		p(`<text x="20" y="52" fill="#444">%s</text>`+"\n", esc(c.Subtitle))
	}
	lx := l.plotX0
	for i, s := range c.Series {
		color := seriesColors[i%len(seriesColors)]
		p(`<rect x="%d" y="64" width="14" height="14" fill="%s"/>`+"\n", lx, color)
		p(`<text x="%d" y="76" fill="#222">%s</text>`+"\n", lx+20, esc(s))
		lx += 30 + 8*len([]rune(s))
	}

	lo, hi, ok := logDomain(c.Bars)
	if ok {
		for k := lo; k <= hi; k++ {
			x := l.xOf(math.Pow10(k), lo, hi)
			p(`<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#d0d0d0" stroke-width="1"/>`+"\n", x, svgTop-6, x, axisY)
			p(`<text x="%.1f" y="%d" text-anchor="middle" font-size="12" fill="#444">%s</text>`+"\n", x, axisY+18, esc(decadeLabel(k)))
		}
		p(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#888" stroke-width="1"/>`+"\n", l.plotX0, axisY, l.plotX1, axisY)
		p(`<text x="%d" y="%d" text-anchor="middle" font-size="12" fill="#444">time per request, log scale (lower is better)</text>`+"\n",
			(l.plotX0+l.plotX1)/2, axisY+34)
	}

	for i, bar := range c.Bars {
		y0 := svgTop + i*groupH
		mid := float64(y0) + float64(groupH-svgGroupPad)/2
		weight := ""
		if bar.Ours {
			weight = ` font-weight="bold"`
		}
		p(`<text x="%d" y="%.1f" text-anchor="end" dominant-baseline="middle" fill="#111"%s>%s</text>`+"\n", l.labelX, mid, weight, esc(bar.Label))
		for j := range series {
			v := math.NaN()
			if j < len(bar.Values) {
				v = bar.Values[j]
			}
			y := y0 + j*(svgBarH+svgBarGap)
			if !ok || !drawable(v) {
				p(`<text x="%d" y="%.1f" dominant-baseline="middle" font-size="11" fill="#888">not measured</text>`+"\n", l.plotX0+4, float64(y)+svgBarH/2.0)
				continue
			}
			wdt := math.Max(l.xOf(v, lo, hi)-float64(l.plotX0), 1)
			p(`<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"><title>%s</title></rect>`+"\n",
				l.plotX0, y, wdt, svgBarH, seriesColors[j%len(seriesColors)], esc(bar.Label+", "+seriesName(c, j)+": "+fmtNs(v)))
			p(`<text x="%.1f" y="%.1f" dominant-baseline="middle" font-size="11" fill="#222">%s</text>`+"\n", float64(l.plotX0)+wdt+4, float64(y)+svgBarH/2.0, esc(fmtNs(v)))
		}
	}
	for i, n := range c.Notes {
		p(`<text x="20" y="%d" font-size="12" fill="#555">%s</text>`+"\n", axisY+58+18*i, esc(n))
	}
	p("</svg>\n")
	_, err := w.Write(b.Bytes())
	return err
}

func seriesName(c Chart, j int) string {
	if j < len(c.Series) {
		return c.Series[j]
	}
	return ""
}
