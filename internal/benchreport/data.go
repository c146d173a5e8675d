package main

import (
	"io"
	"math"
	"slices"
	"strings"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
)

const module = "github.com/sealcookie/sealcookie"

// series is one benchmark over the passes.
type series struct {
	ns    []float64            // ns/op of each pass (index pass−1), NaN where a pass did not measure it
	units map[string][]float64 // every value of the other units: allocs/op, B/op, chars
}

// Data holds every pass's results by "package name": the package relative
// to the module, the name without "Benchmark" and the GOMAXPROCS suffix
// ("internal/bench Seal/small/limit").
type Data struct {
	Passes int               // passes so far
	Config map[string]string // first value of each file configuration key: cpu, node, h3, …
	order  []string
	by     map[string]*series
	used   map[string]bool // what Get was asked for: the rest is "other benchmarks"
}

func NewData() *Data {
	return &Data{Config: map[string]string{}, by: map[string]*series{}, used: map[string]bool{}}
}

// Add reads a command's output in the Go benchmark format (go test -bench,
// or bench.mjs, which prints the same) as pass number pass. A benchmark's
// first result in a pass is the one kept.
func (d *Data) Add(pass int, r io.Reader, file string) error {
	br := benchfmt.NewReader(r, file)
	for br.Scan() {
		res, ok := br.Result().(*benchfmt.Result) // else a line benchfmt cannot read; the raw file keeps it
		if !ok {
			continue
		}
		for _, c := range res.Config {
			if c.File && d.Config[c.Key] == "" {
				d.Config[c.Key] = string(c.Value)
			}
		}
		sec, ok := res.Value("sec/op") // benchfmt turns ns/op into sec/op: back, without float noise
		if !ok {
			continue
		}
		// A name's last "-digits" is GOMAXPROCS (bench.mjs prints none).
		base, parts := res.Name.Parts()
		name := string(base)
		for _, p := range parts {
			if p[0] == '/' {
				name += string(p)
			}
		}
		k := strings.TrimPrefix(strings.TrimPrefix(res.GetConfig("pkg"), module), "/") + " " + name
		s := d.by[k]
		if s == nil {
			s = &series{units: map[string][]float64{}}
			d.by[k] = s
			d.order = append(d.order, k)
		}
		s.ns = append(s.ns, slices.Repeat([]float64{math.NaN()}, max(pass-len(s.ns), 0))...)
		if math.IsNaN(s.ns[pass-1]) {
			s.ns[pass-1] = math.Round(sec*1e13) / 1e4
			for _, u := range []string{"allocs/op", "B/op", "chars"} {
				if v, ok := res.Value(u); ok {
					s.units[u] = append(s.units[u], v)
				}
			}
		}
	}
	return br.Err()
}

// at puts a payload into a name pattern: at("Seal/%s/limit", "small").
func at(pattern, payload string) string { return strings.Replace(pattern, "%s", payload, 1) }

// Get returns a ref's values in each pass, NaN where it was not measured
// (for an added time: either side, or the ref is a baseline or has none).
func (d *Data) Get(ref, payload string) []float64 {
	k, added := at(strings.TrimPrefix(ref, "+"), payload), strings.HasPrefix(ref, "+")
	d.used[k] = true
	out := slices.Repeat([]float64{math.NaN()}, d.Passes)
	if s := d.by[k]; s != nil {
		copy(out, s.ns)
	}
	if !added {
		return out
	}
	base := slices.Repeat([]float64{math.NaN()}, d.Passes) // for a baseline or a package without one
	pkg, name, _ := strings.Cut(k, " ")
	if b, ok := baselines[pkg]; ok && len(strings.Split(name, "/")) > 1 && at(b, strings.Split(name, "/")[1]) != name {
		base = d.Get(pkg+" "+at(b, strings.Split(name, "/")[1]), "")
	}
	return zip(out, base, func(a, b float64) float64 { return a - b })
}

// Unit is the median of a ref's values in another unit, or NaN.
func (d *Data) Unit(ref, payload, unit string) float64 {
	if s := d.by[at(strings.TrimPrefix(ref, "+"), payload)]; s != nil {
		return Estimate(s.units[unit]).Center
	}
	return math.NaN()
}

// Div divides pass by pass: the ratio of two benchmarks measured in the same
// pass, so that what drifts between passes cancels out. Only positive
// quotients of positive numbers count; anything else is NaN.
func Div(a, b []float64) []float64 {
	return zip(a, b, func(x, y float64) float64 {
		if x > 0 && y > 0 {
			return x / y
		}
		return math.NaN()
	})
}

// zip applies f pass by pass.
func zip(a, b []float64, f func(x, y float64) float64) []float64 {
	out := make([]float64, len(a))
	for i := range out {
		out[i] = f(a[i], b[i])
	}
	return out
}

// Est is a median and its 95% confidence interval [Lo, Hi] over N samples;
// Lo and Hi are ±Inf when N is too few for the level (a 95% interval needs 6).
type Est struct {
	Center, Lo, Hi float64
	N              int
}

// Estimate is benchmath.AssumeNothing over the samples that are numbers: the
// median, and an interval between two order statistics of the sample, which
// assumes nothing about the distribution.
func Estimate(xs []float64) Est {
	var v []float64
	for _, x := range xs {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			v = append(v, x)
		}
	}
	if len(v) == 0 {
		return Est{math.NaN(), math.NaN(), math.NaN(), 0}
	}
	s := benchmath.AssumeNothing.Summary(benchmath.NewSample(v, &benchmath.DefaultThresholds), 0.95)
	return Est{s.Center, s.Lo, s.Hi, len(v)}
}

func (e Est) ok() bool { return e.N > 0 }
