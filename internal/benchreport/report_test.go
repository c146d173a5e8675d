package main

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// stat builds a Stat; chars and allocs are NaN unless given.
func stat(pkg, name string, ns float64, chars ...float64) Stat {
	s := Stat{Pkg: pkg, Name: name, Samples: 5, Ns: ns, Spread: 0.05, Allocs: 1, Bytes: 100, Chars: math.NaN()}
	if len(chars) > 0 {
		s.Chars = chars[0]
	}
	if pkg == pkgNode {
		s.Allocs, s.Bytes = math.NaN(), math.NaN()
	}
	return s
}

// fullRun has every row the targets need, each meeting its goal.
func fullRun() *Run {
	return &Run{
		Passes:     5,
		Benchtime:  "200ms",
		NodeTimeMs: 300,
		Packages:   []string{"./sealed", "./session", "./httpx", "./internal/bench"},
		Machine: Machine{
			CPU: "Test CPU", Cores: 2, Go: "go1.24.0 linux/amd64", Node: "v20.20.2",
			NodePkgs: map[string]string{"h3": "2.0.8", "h3v1": "1.15.11", "iron-session": "8.0.4"},
			Date:     time.Date(2026, 11, 22, 15, 0, 0, 0, time.UTC),
		},
		Wall:     3 * time.Minute,
		Payloads: map[string]int{small: 210, large: 3063},
		RawDir:   "internal/benchreport/raw",
		SVG:      "benchmarks.svg",
		Stats: []Stat{
			stat(pkgSealed, "BenchmarkSeal/small/sealcookie", 900, 347),
			stat(pkgSealed, "BenchmarkSeal/small/limit", 850, 334), // sealed's copy: hidden behind internal/bench's
			stat(pkgSealed, "BenchmarkOpen/small/sealcookie", 700, 347),
			stat(pkgIron, "BenchmarkUnseal/h3-8192/cached/small", 3000),
			stat(pkgIron, "BenchmarkSeal/h3-8192/reuse/small", 2700),
			stat(pkgSession, "BenchmarkEncode/small/sealcookie", 1200),
			stat(pkgSession, "BenchmarkDecode/small/sealcookie", 2800, 347),
			stat(pkgSession, "BenchmarkEncode/large/sealcookie", 20000),
			stat(pkgSession, "BenchmarkDecode/large/sealcookie", 60000, 4151),
			stat(pkgSession, "BenchmarkLoad/small/sealcookie", 3300),
			stat(pkgSession, "BenchmarkLoad/small/limit-json", 2900),
			stat(pkgSession, "BenchmarkSave/small/sealcookie", 1900),
			stat(pkgHTTPX, "BenchmarkRequest/none/untouched", 1000),
			stat(pkgHTTPX, "BenchmarkRequest/small/sealcookie", 5000, 347),
			stat(pkgHTTPX, "BenchmarkRequest/small/bare", 1000),
			stat(pkgHTTPX, "BenchmarkRequest/large/bare", 1000),
			stat(pkgHTTPX, "BenchmarkRequest/large/sealcookie", 70000, 4151),
			stat(pkgBench, "BenchmarkSeal/small/limit", 800, 334),
			stat(pkgBench, "BenchmarkSeal/small/limit-json", 1000, 334),
			stat(pkgBench, "BenchmarkSeal/small/gorilla-json", 3500, 464),
			stat(pkgBench, "BenchmarkSeal/small/gorilla-gob", 9000, 832),
			stat(pkgBench, "BenchmarkSeal/large/limit", 5000, 4138),
			stat(pkgBench, "BenchmarkOpen/small/limit-json", 2500, 334),
			stat(pkgBench, "BenchmarkOpen/small/gorilla-json", 6000, 464),
			stat(pkgBench, "BenchmarkOpen/small/gorilla-gob", 23000, 832),
			stat(pkgBench, "BenchmarkRoundtrip/small/limit-json", 3600, 334),
			stat(pkgBench, "BenchmarkRequest/small/bare", 4000),
			stat(pkgBench, "BenchmarkRequest/small/limit-json", 4500, 334),
			stat(pkgBench, "BenchmarkRequest/small/gorilla-sessions", 40000, 1016),
			stat(pkgNode, "BenchmarkSeal/small/h3-node", 6.5e6, 505),
			stat(pkgNode, "BenchmarkOpen/small/h3-node", 6.4e6, 505),
			stat(pkgNode, "BenchmarkRequest/none/h3-node", 15000),
			stat(pkgNode, "BenchmarkRequest/small/h3-node", 13e6, 505),
			stat(pkgNode, "BenchmarkSeal/small/iron-session-node", 340000, 521),
			stat("cookie", "BenchmarkWrite/340B", 505),
		},
	}
}

func statuses(ts []Target) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Status.String())
	}
	return out
}

func TestTargetsAllMet(t *testing.T) {
	r := fullRun()
	ts := Targets(newIndex(r.Stats), r)
	want := []string{"met", "met", "met", "met", "met", "met", "met", "met", "met", "met"}
	if diff := cmp.Diff(want, statuses(ts)); diff != "" {
		t.Fatalf("statuses (-want +got):\n%s", diff)
	}
	measured := map[string]string{}
	for _, tt := range ts {
		measured[tt.Name] = tt.Measured
	}
	for name, want := range map[string]string{
		"Seal (struct → cookie) ≤ 1.30× the full limit (JSON + AEAD + base64url)":                                    "1.20× (1.20 µs vs 1.00 µs; session)",
		"Open (cookie → struct) ≥ 8.00× faster than gorilla/securecookie gob":                                        "8.21× (23.0 µs vs 2.80 µs; session)",
		"Full middleware request that reads and re-seals: time it adds ≤ 2× the full limit's open + seal round trip": "1.11× (4.00 µs added vs 3.60 µs; the whole request, 5.00 µs, is 1.39× the round trip and 1.11× the full limit written as a handler)",
		"Time a request's session adds ≥ 1000× less than h3 2.0.8's":                                                 "3,246× (h3 adds 13.0 ms, sealcookie 4.00 µs)",
		"Cookie length ≤ the bare AEAD + base64url value + 16 characters":                                            "+13 (347 vs 334 chars; session)",
		"`make bench` takes under 10 minutes (this run, 2 cores)":                                                    "3m00s",
	} {
		if got := measured[name]; got != want {
			t.Errorf("%s: measured %q, want %q", name, got, want)
		}
	}
}

// A miss says what bounds it: the bare limit against the same peer, the
// limit measured in our own test binary, and the JSONv2 codec.
func TestTargetMissExplained(t *testing.T) {
	x := newIndex([]Stat{
		stat(pkgSession, "BenchmarkDecode/small/sealcookie", 5000),
		stat(pkgSession, "BenchmarkDecode/small/limit-json", 4600),
		stat(pkgSession, "BenchmarkDecode/small/sealcookie-jsonv2", 2400),
		stat(pkgBench, "BenchmarkOpen/small/limit-json", 4000),
		stat(pkgBench, "BenchmarkOpen/small/gorilla-json", 7600),
		stat(pkgBench, "BenchmarkOpen/small/gorilla-gob", 40000),
	})
	measured := map[string]string{}
	for _, tt := range Targets(x, &Run{}) {
		measured[tt.Name] = tt.Measured
	}
	for name, want := range map[string]string{
		"Open (cookie → struct) ≤ 1.20× the full limit (JSON + AEAD + base64url)": "1.25× (5.00 µs vs 4.00 µs; session); 1.09× the limit measured in the same test binary",
		"Open (cookie → struct) ≥ 2.00× faster than gorilla/securecookie JSON":    "1.52× (7.60 µs vs 5.00 µs; session); the bare limit itself: 1.90×; with session.JSONv2: 3.17×",
		"Open (cookie → struct) ≥ 8.00× faster than gorilla/securecookie gob":     "8.00× (40.0 µs vs 5.00 µs; session)",
	} {
		if got := measured[name]; got != want {
			t.Errorf("%s:\n got %q\nwant %q", name, got, want)
		}
	}
}

func TestTargetsNotMetAndNotMeasured(t *testing.T) {
	r := fullRun()
	var stats []Stat
	for _, s := range r.Stats {
		switch {
		case s.Pkg == pkgHTTPX, s.Pkg == pkgNode:
			continue // not measured
		case s.Pkg == pkgSession && strings.HasPrefix(s.Name, "BenchmarkEncode"):
			s.Ns = 2000 // 2× the full limit: too slow on every seal target
		}
		stats = append(stats, s)
	}
	r.Stats = stats
	r.Wall = 11 * time.Minute
	ts := Targets(newIndex(r.Stats), r)
	want := []string{
		"**not met**", "**not met**", "**not met**", // seal: limit, JSON, gob
		"met", "met", "met", // open
		"not measured", "not measured", // request, h3
		"met",         // chars
		"**not met**", // wall time
	}
	if diff := cmp.Diff(want, statuses(ts)); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	if got := ts[6].Measured; got != "the httpx request and its bare baseline not measured" {
		t.Errorf("request target measured %q", got)
	}
}

// Without session, the struct-level rows of sealed stand in, and say so.
func TestTargetsFallBackToSealed(t *testing.T) {
	r := fullRun()
	var stats []Stat
	for _, s := range r.Stats {
		if s.Pkg != pkgSession {
			stats = append(stats, s)
		}
	}
	stats = append(stats, stat(pkgSealed, "BenchmarkSeal/small/sealcookie-json", 1100))
	r.Stats = stats
	ts := Targets(newIndex(r.Stats), r)
	if got, want := ts[0].Measured, "1.10× (1.10 µs vs 1.00 µs; sealed + encoding/json; session not measured)"; got != want {
		t.Errorf("seal target measured %q, want %q", got, want)
	}
	if got := ts[3].Status; got != unmeasured {
		t.Errorf("open target %v, want not measured (no open row of ours)", got)
	}
	if got, want := ts[8].Measured, "+13 (347 vs 334 chars; sealed; session not measured)"; got != want {
		t.Errorf("chars target measured %q, want %q", got, want)
	}
}

func TestWriteMarkdownFull(t *testing.T) {
	var b bytes.Buffer
	r := fullRun()
	r.Args = []string{"-passes=5"}
	for i, st := range r.Stats {
		if st.Name == "BenchmarkRoundtrip/small/limit-json" {
			r.Stats[i].Samples = 4 // one pass did not measure it
		}
	}
	if err := WriteMarkdown(&b, r); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"Generated by `make bench`, which runs `go run ./internal/benchreport -passes=5`; do not edit by hand.",
		"**Machine:** Test CPU, 2 cores; go1.24.0 linux/amd64; Node v20.20.2 (h3 2.0.8, h3 1.15.11, iron-session 8.0.4); 2026-11-22 15:00 UTC; 5 passes, 3m00s in all.",
		"Targets: 10 of 10 met (table below).",
		"![Per-request session cost by scheme, log scale](benchmarks.svg)",
		// seal row of session: 1.2 µs ÷ 0.8 µs limit, ÷ 1 µs full limit; peers 3.5/1.2, 9/1.2, h3 6.5 ms/1.2 µs
		"| small | **sealcookie** | session: struct → cookie value (Manager.Encode) | 1.20 µs | ±5% | 1 | — | 1.50× | 1.20× | 2.92× | 7.50× | 283× | 5,417× |",
		// request row of httpx: added 4 µs; gorilla/sessions adds 36 µs (9×), h3 adds 12.985 ms
		"| small | **sealcookie** | httpx middleware: read, change, re-seal | 5.00 µs | ±5% | 1 | 347 | 4.00 µs | 1.11× | 1.11× | 9.00× | 3,246× |",
		"| none | **untouched** | httpx middleware, route that never touches the session | 1.00 µs |",
		"| small | bare | httpx's baseline: the handler without the middleware, cookie ignored | 1.00 µs | ±5% | 1 | — | — | — | — | — | — |",
		"| cookie | Write/340B | 505 ns |",
		"| small | limit-json | encoding/json + XChaCha20-Poly1305 + base64url, struct (the full limit) | 3.60 µs | ±5% (4 of 5) | 1 | 334 | 1.00× |",
		"benchstat was not on PATH",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// session's request paths have rows of their own, apart from its value rows.
	for _, want := range []string{
		"| small | **sealcookie-request** | session: request with the cookie → struct (Get: cookie parse, open, decode) | 3.30 µs |",
		"| small | **sealcookie-request** | session: changed session → Set-Cookie header (Get, Update, Save) | 1.90 µs |",
		"| small | limit-json-request | session's own reference row: limit-json-request | 2.90 µs |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// sealed's copy of the limit is left out where internal/bench has it.
	if strings.Contains(md, "sealed's copy of the limit") {
		t.Error("sealed's duplicate limit row is shown")
	}
	for _, bad := range []string{"NaN", "Inf", "Not measured:"} {
		if strings.Contains(md, bad) {
			t.Errorf("report contains %q", bad)
		}
	}
}

func TestWriteMarkdownNotMeasured(t *testing.T) {
	r := fullRun()
	var stats []Stat
	for _, s := range r.Stats {
		if s.Pkg != pkgHTTPX && s.Pkg != pkgNode && s.Pkg != pkgSession && s.Pkg != pkgIron {
			stats = append(stats, s)
		}
	}
	r.Stats = stats
	r.Packages = []string{"./sealed", "./httpx", "./internal/bench"}
	r.NodeTimeMs = 0
	r.Machine.Node, r.Machine.NodePkgs = "", nil
	r.Failures = []Failure{{1, "httpx: build failed"}, {2, "httpx: build failed"}, {2, "sealed BenchmarkX: failed"}}
	r.Notes = []string{"node is not on PATH: the Node peers (h3, iron-session) are not measured."}
	r.Benchstat = "name  time/op\nX  1µs"
	var b bytes.Buffer
	if err := WriteMarkdown(&b, r); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"Node not run",
		"- Not measured: session (struct ↔ cookie) — no benchmarks in the package yet\n",
		"- Not measured: httpx (full middleware request) — build failed\n",
		"- Not measured: Node peers (h3 2.0.8, iron-session) — Node did not run (see the notes)\n",
		"- Not measured: sealed/iron (iron codec, cold and cached) — no benchmarks in the package yet\n",
		"- Failed: `httpx: build failed` (passes 1, 2)\n",
		"- Failed: `sealed BenchmarkX: failed` (pass 2)\n",
		"- node is not on PATH",
		"The httpx middleware request is not measured in this run; for scale, the full limit's open + change + seal round trip takes 3.60 µs; to the same request, gorilla/sessions adds 36.0 µs.",
		"| Time a request's session adds ≥ 1000× less than h3 2.0.8's | ≥ 1,000× | the httpx request and its bare baseline and the h3 request and its baseline not measured | not measured |",
		"```\nname  time/op\nX  1µs\n```",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if n := strings.Count(md, "`httpx: build failed`"); n != 1 {
		t.Errorf("failure listed %d times, want once", n)
	}
	for _, bad := range []string{"| h3-node |", "httpx middleware: read", "NaN"} {
		if strings.Contains(md, bad) {
			t.Errorf("report contains %q although it was not measured", bad)
		}
	}
}

func TestBuildChart(t *testing.T) {
	r := fullRun()
	c := BuildChart(newIndex(r.Stats), r)
	var labels []string
	for _, b := range c.Bars {
		labels = append(labels, b.Label)
	}
	want := []string{
		"sealcookie httpx: request, added time",
		"sealcookie session: Decode + Encode",
		"sealcookie iron ×8192: cached keys, unseal + seal",
		"limit: JSON + XChaCha20-Poly1305 + b64, round trip",
		"gorilla/sessions CookieStore: request, added time",
		"h3 2.0.8: request (useSession + update), added time",
	}
	if diff := cmp.Diff(want, labels); diff != "" {
		t.Errorf("bars (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]float64{4000, 69000}, c.Bars[0].Values); diff != "" {
		t.Errorf("httpx bar: added time (-want +got):\n%s", diff)
	}
	if got := c.Bars[2].Values; got[0] != 5700 || !math.IsNaN(got[1]) {
		t.Errorf("iron bar values %v, want [5700 NaN]", got)
	}
	if got := c.Bars[1].Values[0]; got != 4000 {
		t.Errorf("session bar %v, want decode + encode = 4000", got)
	}
	notes := strings.Join(c.Notes, "\n")
	for _, want := range []string{"gorilla/securecookie gob: round trip", "iron-session 8.0.4: unseal + seal"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes %q do not list %q as not measured", notes, want)
		}
	}
}
