package main

import (
	"math"
	"slices"
)

// Stat summarises one benchmark over the passes: the median of each metric.
type Stat struct {
	Pkg     string
	Name    string
	Samples int     // passes that measured it
	Ns      float64 // median ns/op
	Spread  float64 // ±half the (max − min) range of ns/op, as a share of the median
	Allocs  float64 // median allocs/op, NaN when not reported (Node)
	Bytes   float64 // median B/op, NaN when not reported
	Chars   float64 // median cookie length, NaN when not reported
}

// Median returns the median of xs (the mean of the middle two for an even
// count) without reordering xs, and NaN for no values.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// Spread returns ±half the (max − min) range of xs as a share of their
// median: 0.1 means the samples lie within about ±10% of the median.
func Spread(xs []float64) float64 {
	med := Median(xs)
	if len(xs) == 0 || med == 0 || math.IsNaN(med) {
		return math.NaN()
	}
	lo, hi := slices.Min(xs), slices.Max(xs)
	return (hi - lo) / 2 / med
}

// Aggregate groups the results of every pass by package and name and
// returns one Stat for each, in the order each benchmark first appeared.
func Aggregate(outs []Output) []Stat {
	type key struct{ pkg, name string }
	var order []key
	samples := map[key][]Result{}
	for _, o := range outs {
		for _, r := range o.Results {
			k := key{r.Pkg, r.Name}
			if _, seen := samples[k]; !seen {
				order = append(order, k)
			}
			samples[k] = append(samples[k], r)
		}
	}
	stats := make([]Stat, 0, len(order))
	for _, k := range order {
		rs := samples[k]
		metric := func(unit string) float64 {
			var xs []float64
			for _, r := range rs {
				if v, ok := r.Metrics[unit]; ok {
					xs = append(xs, v)
				}
			}
			return Median(xs)
		}
		ns := make([]float64, len(rs))
		for i, r := range rs {
			ns[i] = r.Metrics["ns/op"]
		}
		stats = append(stats, Stat{
			Pkg:     k.pkg,
			Name:    k.name,
			Samples: len(rs),
			Ns:      Median(ns),
			Spread:  Spread(ns),
			Allocs:  metric("allocs/op"),
			Bytes:   metric("B/op"),
			Chars:   metric("chars"),
		})
	}
	return stats
}
