package main

import (
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// addFile adds a captured output file from testdata as one pass.
func addFile(t *testing.T, d *Data, pass int, name string) {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := d.Add(pass, f, name); err != nil {
		t.Fatal(err)
	}
}

var nanEqual = cmpopts.EquateNaNs()

func TestAddCapturedOutput(t *testing.T) {
	d := NewData()
	d.Passes = 1
	for _, f := range []string{"go.txt", "go-jsonv2.txt", "node.txt"} {
		addFile(t, d, 1, f)
	}
	type got struct {
		NS                  []float64
		Allocs, Bytes, Char float64
	}
	for ref, want := range map[string]got{
		// GOMAXPROCS suffix ("-2") and module path gone; ns/op back from benchfmt's sec/op.
		"sealed Seal/small/sealcookie":           {[]float64{805.7}, 1, 352, 347},
		"sealed/iron Unseal/h3-8192/cold/small":  {[]float64{4758174}, 35, 3465, math.NaN()}, // payload last; MB/s ignored
		"session Encode/large/sealcookie-jsonv2": {[]float64{11750}, 3, 8144, 4151},
		"httpx Request/small/sealcookie":         {[]float64{10523}, 41, 9031, math.NaN()},
		// bench.mjs: no suffix, no allocations.
		"internal/node Seal/small/h3-node": {[]float64{7344302}, math.NaN(), math.NaN(), 505},
		"cookie Delete":                    {[]float64{6484}, 11, 1520, math.NaN()},
	} {
		g := got{d.Get(ref, ""), d.Unit(ref, "", "allocs/op"), d.Unit(ref, "", "B/op"), d.Unit(ref, "", "chars")}
		if diff := cmp.Diff(want, g, nanEqual); diff != "" {
			t.Errorf("%s (-want +got):\n%s", ref, diff)
		}
	}
	if diff := cmp.Diff([]string{"sealed Seal/small/sealcookie", "sealed Seal/small/sealcookie-append", "sealed Seal/small/limit"}, d.order[:3]); diff != "" {
		t.Errorf("first benchmarks (-want +got):\n%s", diff)
	}
	if n := len(d.order); n != 134+4+15 {
		t.Errorf("%d benchmarks, want 153 (134 Go, 4 JSONv2, 15 Node)", n)
	}
	wantCfg := map[string]string{"cpu": "AMD EPYC", "goos": "linux", "node": "v20.20.2", "h3": "2.0.8", "h3v1": "1.15.11", "iron-session": "8.0.4"}
	for k, v := range wantCfg {
		if d.Config[k] != v {
			t.Errorf("Config[%q] = %q, want %q", k, d.Config[k], v)
		}
	}
}

func TestAddPasses(t *testing.T) {
	d := NewData()
	add := func(pass int, text string) {
		t.Helper()
		d.Passes = max(d.Passes, pass)
		if err := d.Add(pass, strings.NewReader(text), "test"); err != nil {
			t.Fatal(err)
		}
	}
	add(1, "pkg: github.com/sealcookie/sealcookie/sealed\nBenchmarkX-2 10 100 ns/op\nBenchmarkX-2 10 999 ns/op\n--- FAIL: BenchmarkY\nnot a benchmark line\n")
	add(2, "pkg: github.com/sealcookie/sealcookie/sealed\nBenchmarkX-2 10 110 ns/op\n")
	d.Passes = 3 // the third pass printed nothing
	if diff := cmp.Diff([]float64{100, 110, math.NaN()}, d.Get("sealed X", ""), nanEqual); diff != "" {
		t.Errorf("per pass, the first result of each (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]float64{math.NaN(), math.NaN(), math.NaN()}, d.Get("sealed Y", ""), nanEqual); diff != "" {
		t.Errorf("a benchmark never measured (-want +got):\n%s", diff)
	}
}

func TestGetAdded(t *testing.T) {
	d := NewData()
	d.Passes = 2
	for pass, ns := range [][]int{{1000, 1100, 2000, 10000, 50000, 20050000, 10}, {1500, 1650, 3000, 15000, 75000, 30075000, 15}} {
		text := fmt.Sprintf(`pkg: github.com/sealcookie/sealcookie/httpx
BenchmarkRequest/none/bare-2 1 %d ns/op
BenchmarkRequest/none/untouched-2 1 %d ns/op
BenchmarkRequest/small/bare-2 1 %d ns/op
BenchmarkRequest/small/sealcookie-2 1 %d ns/op
pkg: internal/node
BenchmarkRequest/none/h3-node 1 %d ns/op
BenchmarkRequest/small/h3-node 1 %d ns/op
pkg: github.com/sealcookie/sealcookie/cookie
BenchmarkRequest/small/x 1 %d ns/op
`, ns[0], ns[1], ns[2], ns[3], ns[4], ns[5], ns[6])
		if err := d.Add(pass+1, strings.NewReader(text), "test"); err != nil {
			t.Fatal(err)
		}
	}
	nan := []float64{math.NaN(), math.NaN()}
	for ref, want := range map[string][]float64{
		"+httpx Request/%s/sealcookie":       {8000, 12000},
		"+httpx Request/none/untouched":      {100, 150},
		"+httpx Request/%s/bare":             nan, // a baseline adds nothing to itself
		"+internal/node Request/%s/h3-node":  {20000000, 30000000},
		"+cookie Request/%s/x":               nan, // no baseline in that package
		"+httpx Request/large/sealcookie":    nan, // not measured
		"httpx Request/%s/sealcookie":        {10000, 15000},
		"internal/node Request/none/h3-node": {50000, 75000},
	} {
		if diff := cmp.Diff(want, d.Get(ref, small), nanEqual); diff != "" {
			t.Errorf("Get(%q) (-want +got):\n%s", ref, diff)
		}
	}
}

func TestEstimate(t *testing.T) {
	inf := math.Inf(1)
	for _, c := range []struct {
		in   []float64
		want Est
	}{
		// With 6 samples the 95% interval is the smallest to the largest.
		{[]float64{6, 1, 5, 2, 4, 3}, Est{3.5, 1, 6, 6}},
		// NaN (a pass that did not measure it) is left out.
		{[]float64{6, 1, math.NaN(), 5, 2, 4, 3}, Est{3.5, 1, 6, 6}},
		// 9 samples: the second smallest to the second largest.
		{[]float64{1, 2, 3, 4, 5, 6, 7, 8, 9}, Est{5, 2, 8, 9}},
		// Too few for 95%: no lower bound.
		{[]float64{1, 2, 3, 4, 5}, Est{3, -inf, 5, 5}},
		{nil, Est{math.NaN(), math.NaN(), math.NaN(), 0}},
	} {
		if diff := cmp.Diff(c.want, Estimate(c.in), nanEqual); diff != "" {
			t.Errorf("Estimate(%v) (-want +got):\n%s", c.in, diff)
		}
	}
	if got := ranks(6); got.Lo != 1 || got.Hi != 6 {
		t.Errorf("ranks(6) = %v, want 1 to 6", got)
	}
}

func TestDivPairsPasses(t *testing.T) {
	got := Div([]float64{2, 4, math.NaN(), 8, 3}, []float64{1, 2, 2, 0, -1})
	if diff := cmp.Diff([]float64{2, 2, math.NaN(), math.NaN(), math.NaN()}, got, nanEqual); diff != "" {
		t.Errorf("Div (-want +got):\n%s", diff)
	}
}
