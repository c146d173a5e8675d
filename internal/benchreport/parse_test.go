package main

import (
	"bufio"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const goOutput = `goos: linux
goarch: amd64
pkg: github.com/sealcookie/sealcookie/sealed
cpu: AMD EPYC
BenchmarkSeal/small/sealcookie-2         	  125578	       939.1 ns/op	 223.62 MB/s	       347.0 chars	     352 B/op	       1 allocs/op
BenchmarkSeal/small/iron-2-2             	    1000	      5000 ns/op	       0 B/op	       0 allocs/op
BenchmarkBroken-2   	--- FAIL: BenchmarkBroken-2
    sealed_test.go:12: boom
--- FAIL: BenchmarkCodec/securecookie/Encode-2
    codec_test.go:448: gob: type not registered
FAIL
exit status 1
FAIL	github.com/sealcookie/sealcookie/sealed	0.664s
# github.com/sealcookie/sealcookie/httpx
httpx/middleware.go:12:3: undefined: foo
FAIL	github.com/sealcookie/sealcookie/httpx [build failed]
goos: linux
pkg: github.com/sealcookie/sealcookie/internal/bench
cpu: Other CPU
BenchmarkRequest/none/net-http-2   	   23919	      4462 ns/op	    5672 B/op	      15 allocs/op
BenchmarkNoNs-2   	   100	      5 B/op	      1 allocs/op
PASS
ok  	github.com/sealcookie/sealcookie/internal/bench	4.050s
`

func TestParseGoOutput(t *testing.T) {
	got, err := Parse(strings.NewReader(goOutput), 2, module)
	if err != nil {
		t.Fatal(err)
	}
	want := Output{
		Header: map[string]string{"goos": "linux", "goarch": "amd64", "cpu": "AMD EPYC"},
		Results: []Result{
			{Pkg: "sealed", Name: "BenchmarkSeal/small/sealcookie", N: 125578, Metrics: map[string]float64{
				"ns/op": 939.1, "MB/s": 223.62, "chars": 347, "B/op": 352, "allocs/op": 1,
			}},
			// Only the GOMAXPROCS suffix goes: the scheme's own "-2" stays.
			{Pkg: "sealed", Name: "BenchmarkSeal/small/iron-2", N: 1000, Metrics: map[string]float64{
				"ns/op": 5000, "B/op": 0, "allocs/op": 0,
			}},
			{Pkg: "internal/bench", Name: "BenchmarkRequest/none/net-http", N: 23919, Metrics: map[string]float64{
				"ns/op": 4462, "B/op": 5672, "allocs/op": 15,
			}},
		},
		Failures: []string{
			"sealed BenchmarkBroken: failed",
			"sealed BenchmarkCodec/securecookie/Encode: failed",
			"sealed: failed",
			"httpx: build failed",
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Parse (-want +got):\n%s", diff)
	}
}

// bench.mjs prints names without a GOMAXPROCS suffix; with procs 0 nothing
// is removed, even a name that ends in a dash and digits.
func TestParseNodeOutput(t *testing.T) {
	const in = "pkg: internal/node\nnode: v20.20.2\nh3: 2.0.8\niron-session: 8.0.4\n" +
		"BenchmarkSeal/small/h3-node\t45\t6680000 ns/op\t505 chars\n" +
		"BenchmarkOpen/small/x-2\t10\t100.5 ns/op\n" +
		"--- FAIL: BenchmarkRequest/small/h3-node\n    Error: status 500\n" +
		"ok\tinternal/node\t5.511s\n"
	got, err := Parse(strings.NewReader(in), 0, module)
	if err != nil {
		t.Fatal(err)
	}
	want := Output{
		Header: map[string]string{"node": "v20.20.2", "h3": "2.0.8", "iron-session": "8.0.4"},
		Results: []Result{
			{Pkg: "internal/node", Name: "BenchmarkSeal/small/h3-node", N: 45, Metrics: map[string]float64{"ns/op": 6680000, "chars": 505}},
			{Pkg: "internal/node", Name: "BenchmarkOpen/small/x-2", N: 10, Metrics: map[string]float64{"ns/op": 100.5}},
		},
		Failures: []string{"internal/node BenchmarkRequest/small/h3-node: failed"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Parse (-want +got):\n%s", diff)
	}
}

func TestParseSkipsMalformedLines(t *testing.T) {
	for _, line := range []string{
		"BenchmarkX-2 abc 12 ns/op",      // iterations not a number
		"BenchmarkX-2 0 12 ns/op",        // no iterations
		"BenchmarkX-2 10 twelve ns/op",   // value not a number
		"BenchmarkX-2 10 12",             // odd field count
		"BenchmarkX-2 10 12 B/op",        // no ns/op
		"BenchmarkX-2",                   // name only (benchmark still running when output stopped)
		"    x_test.go:1: Benchmark 1 2", // a log line
	} {
		got, err := Parse(strings.NewReader(line+"\n"), 2, module)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Results) != 0 {
			t.Errorf("%q parsed as %+v", line, got.Results)
		}
	}
}

func TestParseLineTooLong(t *testing.T) {
	in := "BenchmarkX-2 1 " + strings.Repeat("9", maxLine) + " ns/op\n"
	_, err := Parse(strings.NewReader(in), 2, module)
	if !errors.Is(err, bufio.ErrTooLong) {
		t.Errorf("err = %v, want bufio.ErrTooLong", err)
	}
}

func TestSplitName(t *testing.T) {
	tests := []struct {
		name                string
		op, payload, scheme string
		ok                  bool
	}{
		{"BenchmarkSeal/small/limit", "Seal", "small", "limit", true},
		{"BenchmarkRequest/none/untouched", "Request", "none", "untouched", true},
		{"BenchmarkEncode/large/sealcookie-jsonv2", "Encode", "large", "sealcookie-jsonv2", true},
		{"BenchmarkSeal/h3-8192/reuse/small", "Seal", "small", "h3-8192/reuse", true},
		{"BenchmarkUnseal/iron-1/cold/large", "Unseal", "large", "iron-1/cold", true},
		{"BenchmarkSeal/small/a/b", "Seal", "small", "a/b", true},
		{"BenchmarkWrite/4KB/chunked", "Write", "4KB", "chunked", true},
		{"BenchmarkCodec/Encode", "", "", "", false},
		{"BenchmarkDelete", "", "", "", false},
		{"BenchmarkSeal//x", "", "", "", false},
		{"TestSeal/small/x", "", "", "", false},
	}
	for _, tt := range tests {
		op, payload, scheme, ok := SplitName(tt.name)
		got := []any{op, payload, scheme, ok}
		want := []any{tt.op, tt.payload, tt.scheme, tt.ok}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("SplitName(%q) (-want +got):\n%s", tt.name, diff)
		}
	}
}
