package main

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Result is one benchmark line of one pass.
type Result struct {
	Pkg     string             // package, relative to the module ("sealed", "internal/node")
	Name    string             // "BenchmarkSeal/small/limit", without the GOMAXPROCS suffix
	N       int64              // iterations
	Metrics map[string]float64 // by unit: "ns/op", "B/op", "allocs/op", "chars", "MB/s", …
}

// Output is what one `go test -bench` run or one bench.mjs run printed.
type Output struct {
	Header   map[string]string // "goos", "cpu", "node", "h3", …: the first value seen
	Results  []Result
	Failures []string // "sealed/iron: build failed", "internal/bench BenchmarkX: failed"
}

// maxLine caps one line of benchmark output; longer lines are an error.
const maxLine = 1 << 20

// Parse reads Go benchmark output (the format of `go test -bench`, which
// bench.mjs also prints). procs is the GOMAXPROCS the benchmarks ran with:
// when it is above 1, Go appends "-procs" to every name and Parse removes it;
// pass 0 for output without the suffix. module is the module path, removed
// from the front of "pkg:" lines. Lines Parse does not recognise are skipped.
func Parse(r io.Reader, procs int, module string) (Output, error) {
	out := Output{Header: map[string]string{}}
	suffix := ""
	if procs > 1 {
		suffix = "-" + strconv.Itoa(procs)
	}
	pkg := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		switch {
		case strings.HasPrefix(line, "Benchmark"):
			if i := strings.Index(line, "--- FAIL:"); i >= 0 {
				out.Failures = append(out.Failures, failure(pkg, line[i:], suffix))
				continue
			}
			res, ok := parseBenchLine(line, suffix)
			if !ok {
				continue
			}
			res.Pkg = pkg
			out.Results = append(out.Results, res)
		case strings.HasPrefix(line, "--- FAIL:"):
			out.Failures = append(out.Failures, failure(pkg, line, suffix))
		case strings.HasPrefix(line, "FAIL\t"):
			// "FAIL\tpkg [build failed]" or "FAIL\tpkg\t1.2s"
			rest := strings.TrimPrefix(line, "FAIL\t")
			name, after, _ := strings.Cut(rest, "\t")
			why := "failed"
			if strings.HasSuffix(name, " [build failed]") || strings.HasSuffix(name, " [setup failed]") {
				name, why, _ = strings.Cut(name, " [")
				why = strings.TrimSuffix(why, "]")
			} else if after == "" && strings.Contains(name, " ") {
				name, why, _ = strings.Cut(name, " ")
			}
			out.Failures = append(out.Failures, relPkg(name, module)+": "+why)
		default:
			key, val, ok := strings.Cut(line, ": ")
			if !ok || !isHeaderKey(key) {
				continue
			}
			val = strings.TrimSpace(val)
			if key == "pkg" {
				pkg = relPkg(val, module)
				continue
			}
			if _, seen := out.Header[key]; !seen {
				out.Header[key] = val
			}
		}
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("benchreport: reading benchmark output: %w", err)
	}
	return out, nil
}

// parseBenchLine reads "BenchmarkX-2  1000  873.6 ns/op  352 B/op  1 allocs/op".
func parseBenchLine(line, suffix string) (Result, bool) {
	f := strings.Fields(line)
	if len(f) < 4 || len(f)%2 != 0 {
		return Result{}, false
	}
	n, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil || n <= 0 {
		return Result{}, false
	}
	res := Result{Name: strings.TrimSuffix(f[0], suffix), N: n, Metrics: map[string]float64{}}
	for i := 2; i+1 < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return Result{}, false
		}
		res.Metrics[f[i+1]] = v
	}
	if _, ok := res.Metrics["ns/op"]; !ok {
		return Result{}, false
	}
	return res, true
}

func failure(pkg, line, suffix string) string {
	name := strings.TrimSpace(strings.TrimPrefix(line, "--- FAIL:"))
	if i := strings.IndexAny(name, " \t"); i >= 0 {
		name = name[:i]
	}
	name = strings.TrimSuffix(name, suffix)
	if pkg == "" {
		return name + ": failed"
	}
	return pkg + " " + name + ": failed"
}

// isHeaderKey reports whether k looks like a header key ("goos", "cpu",
// "iron-session"), so that compiler errors and panics are not taken for one.
func isHeaderKey(k string) bool {
	if k == "" || len(k) > 32 {
		return false
	}
	for _, c := range k {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// relPkg turns an import path into a path relative to the module.
func relPkg(path, module string) string {
	if module == "" {
		return path
	}
	if path == module {
		return "."
	}
	return strings.TrimPrefix(path, module+"/")
}

// SplitName splits "BenchmarkSeal/small/limit" into its operation, payload
// and scheme. The payload may also come last, as in sealed/iron's
// "BenchmarkSeal/h3-8192/reuse/small"; the scheme is then the parts between
// ("h3-8192/reuse"). ok is false for names of another shape.
func SplitName(name string) (op, payload, scheme string, ok bool) {
	rest, found := strings.CutPrefix(name, "Benchmark")
	if !found {
		return "", "", "", false
	}
	parts := strings.Split(rest, "/")
	if len(parts) < 3 || slices.Contains(parts, "") {
		return "", "", "", false
	}
	op = parts[0]
	if last := parts[len(parts)-1]; !isPayload(parts[1]) && isPayload(last) {
		return op, last, strings.Join(parts[1:len(parts)-1], "/"), true
	}
	return op, parts[1], strings.Join(parts[2:], "/"), true
}

// isPayload reports whether s names a reference payload or the request
// baselines' "none".
func isPayload(s string) bool { return s == "small" || s == "large" || s == "none" }
