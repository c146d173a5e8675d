package main

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestMedian(t *testing.T) {
	tests := []struct {
		in   []float64
		want float64
	}{
		{[]float64{5}, 5},
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{10, 10, 10, 1000}, 10}, // one slow pass does not move it
		{[]float64{7, 7}, 7},
	}
	for _, tt := range tests {
		in := append([]float64(nil), tt.in...)
		if got := Median(in); got != tt.want {
			t.Errorf("Median(%v) = %v, want %v", tt.in, got, tt.want)
		}
		if diff := cmp.Diff(tt.in, in); diff != "" {
			t.Errorf("Median reordered its input (-want +got):\n%s", diff)
		}
	}
	if got := Median(nil); !math.IsNaN(got) {
		t.Errorf("Median(nil) = %v, want NaN", got)
	}
}

func TestSpread(t *testing.T) {
	tests := []struct {
		in   []float64
		want float64
	}{
		{[]float64{100}, 0},
		{[]float64{90, 100, 110}, 0.1},
		{[]float64{100, 100, 140, 60}, 0.4},
	}
	for _, tt := range tests {
		if got := Spread(tt.in); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("Spread(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
	if got := Spread(nil); !math.IsNaN(got) {
		t.Errorf("Spread(nil) = %v, want NaN", got)
	}
}

func TestAggregate(t *testing.T) {
	res := func(pkg, name string, m map[string]float64) Result {
		return Result{Pkg: pkg, Name: name, N: 1, Metrics: m}
	}
	pass1 := Output{Results: []Result{
		res("sealed", "BenchmarkSeal/small/sealcookie", map[string]float64{"ns/op": 900, "allocs/op": 1, "B/op": 352, "chars": 347}),
		res("internal/bench", "BenchmarkSeal/small/limit", map[string]float64{"ns/op": 800, "allocs/op": 1, "B/op": 352, "chars": 334}),
	}}
	pass2 := Output{Results: []Result{
		res("sealed", "BenchmarkSeal/small/sealcookie", map[string]float64{"ns/op": 1100, "allocs/op": 1, "B/op": 352, "chars": 347}),
		res("internal/bench", "BenchmarkSeal/small/limit", map[string]float64{"ns/op": 700, "allocs/op": 1, "B/op": 352, "chars": 334}),
		// Same name in another package: a different benchmark.
		res("internal/node", "BenchmarkSeal/small/sealcookie", map[string]float64{"ns/op": 5e6}),
	}}
	pass3 := Output{Results: []Result{
		res("sealed", "BenchmarkSeal/small/sealcookie", map[string]float64{"ns/op": 1000, "allocs/op": 2, "B/op": 400, "chars": 347}),
	}}
	got := Aggregate([]Output{pass1, pass2, pass3})
	nan := math.NaN()
	want := []Stat{
		{Pkg: "sealed", Name: "BenchmarkSeal/small/sealcookie", Samples: 3, Ns: 1000, Spread: 0.1, Allocs: 1, Bytes: 352, Chars: 347},
		{Pkg: "internal/bench", Name: "BenchmarkSeal/small/limit", Samples: 2, Ns: 750, Spread: 100.0 / 2 / 750, Allocs: 1, Bytes: 352, Chars: 334},
		{Pkg: "internal/node", Name: "BenchmarkSeal/small/sealcookie", Samples: 1, Ns: 5e6, Spread: 0, Allocs: nan, Bytes: nan, Chars: nan},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateNaNs(), cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("Aggregate (-want +got):\n%s", diff)
	}
}
