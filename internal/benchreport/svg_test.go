package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// svgDoc is what the tests read back from WriteSVG's output.
type svgDoc struct {
	rects []svgRect
	texts []string
}

type svgRect struct {
	width float64
	title string
}

// readSVG parses the chart, failing the test if it is not well-formed XML
// with an <svg> root.
func readSVG(t *testing.T, data []byte) svgDoc {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	var doc svgDoc
	var stack []string
	var cur *svgRect
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, data)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 && el.Name.Local != "svg" {
				t.Fatalf("root element %q, want svg", el.Name.Local)
			}
			stack = append(stack, el.Name.Local)
			if el.Name.Local == "rect" {
				for _, a := range el.Attr {
					if a.Name.Local == "width" && !strings.HasSuffix(a.Value, "%") {
						w, err := strconv.ParseFloat(a.Value, 64)
						if err != nil {
							t.Fatalf("rect width %q: %v", a.Value, err)
						}
						doc.rects = append(doc.rects, svgRect{width: w})
						cur = &doc.rects[len(doc.rects)-1]
					}
				}
			}
		case xml.EndElement:
			if el.Name.Local == "rect" {
				cur = nil
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			s := strings.TrimSpace(string(el))
			if s == "" || len(stack) == 0 {
				continue
			}
			switch stack[len(stack)-1] {
			case "text":
				doc.texts = append(doc.texts, s)
			case "title":
				if cur != nil {
					cur.title = s
				}
			}
		}
	}
	return doc
}

func writeSVG(t *testing.T, c Chart) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteSVG(&b, c); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Bars are drawn on a log scale: each tenfold step adds the same width.
func TestWriteSVGLogScale(t *testing.T) {
	c := Chart{
		Title:  "t",
		Series: []string{"small"},
		Bars: []Bar{
			{Label: "a", Values: []float64{1e3}},
			{Label: "b", Values: []float64{1e4}},
			{Label: "c", Values: []float64{1e5}},
			{Label: "d", Values: []float64{3e5}},
		},
	}
	doc := readSVG(t, writeSVG(t, c))
	var bars []float64
	for _, r := range doc.rects {
		if r.title != "" {
			bars = append(bars, r.width)
		}
	}
	if len(bars) != 4 {
		t.Fatalf("%d bars drawn, want 4", len(bars))
	}
	step := bars[2] - bars[1]
	if step <= 0 || math.Abs(bars[1]-step) > 0.15 {
		t.Errorf("widths %v: tenfold steps are not equal", bars)
	}
	if want := bars[2] + step*math.Log10(3); math.Abs(bars[3]-want) > 0.15 {
		t.Errorf("3e5 drawn %.1f wide, want %.1f (log scale)", bars[3], want)
	}
	// The smallest value sits on the lowest decade, 1 µs: a 1-unit stub.
	if bars[0] != 1 {
		t.Errorf("smallest bar %.1f wide, want the 1-unit stub at its decade", bars[0])
	}
	for _, want := range []string{"1 µs", "10 µs", "100 µs", "1 ms", "1.00 µs", "300 µs"} {
		if !contains(doc.texts, want) {
			t.Errorf("no text %q in %q", want, doc.texts)
		}
	}
}

func TestWriteSVGNotMeasuredAndEscaping(t *testing.T) {
	c := Chart{
		Title:    `<h3> & "friends"`,
		Subtitle: "a < b",
		Series:   []string{"small", "large"},
		Bars: []Bar{
			{Label: "ours <fast> & small", Values: []float64{2500, math.NaN()}, Ours: true},
			{Label: "peer", Values: []float64{-5, 8e6}},
			{Label: "short", Values: []float64{1e4}}, // fewer values than series
		},
		Notes: []string{"note & more"},
	}
	data := writeSVG(t, c)
	doc := readSVG(t, data)
	var titles []string
	for _, r := range doc.rects {
		if r.title != "" {
			titles = append(titles, r.title)
		}
	}
	want := []string{"ours <fast> & small, small: 2.50 µs", "peer, large: 8.00 ms", "short, small: 10.0 µs"}
	if diff := cmp.Diff(want, titles); diff != "" {
		t.Errorf("bars drawn (-want +got):\n%s", diff)
	}
	n := 0
	for _, s := range doc.texts {
		if s == "not measured" {
			n++
		}
	}
	if n != 3 {
		t.Errorf("%d \"not measured\" marks, want 3 (NaN, negative, missing)", n)
	}
	for _, s := range []string{`<h3> & "friends"`, "note & more", "ours <fast> & small"} {
		if !contains(doc.texts, s) {
			t.Errorf("text %q missing after unescaping", s)
		}
	}
	if !bytes.Contains(data, []byte(`font-weight="bold">ours &lt;fast&gt; &amp; small<`)) {
		t.Error("our bar's label is not bold")
	}
}

func TestWriteSVGEmpty(t *testing.T) {
	doc := readSVG(t, writeSVG(t, Chart{Title: "nothing", Series: []string{"small"}}))
	if !contains(doc.texts, "nothing") {
		t.Error("title missing")
	}
}

func TestLogDomain(t *testing.T) {
	tests := []struct {
		vals   []float64
		lo, hi int
		ok     bool
	}{
		{[]float64{1500, 2e7}, 3, 8, true},
		{[]float64{1000}, 3, 4, true},
		{[]float64{999, math.NaN(), -1, math.Inf(1)}, 2, 3, true},
		{[]float64{math.NaN()}, 0, 0, false},
	}
	for _, tt := range tests {
		lo, hi, ok := logDomain([]Bar{{Values: tt.vals}})
		if lo != tt.lo || hi != tt.hi || ok != tt.ok {
			t.Errorf("logDomain(%v) = %d, %d, %v; want %d, %d, %v", tt.vals, lo, hi, ok, tt.lo, tt.hi, tt.ok)
		}
	}
}

func TestDecadeLabel(t *testing.T) {
	for k, want := range map[int]string{0: "1 ns", 2: "100 ns", 3: "1 µs", 5: "100 µs", 6: "1 ms", 7: "10 ms", 9: "1 s", 11: "100 s", 12: "1000 s"} {
		if got := decadeLabel(k); got != want {
			t.Errorf("decadeLabel(%d) = %q, want %q", k, got, want)
		}
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
