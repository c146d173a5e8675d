package main

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var nsOp = regexp.MustCompile(`([0-9.]+) ns/op`)

// sixPasses reads the captured outputs as six passes, each pass's times
// scaled by its own factor, as a machine that drifts between passes would.
func sixPasses(t *testing.T, files ...string) *Data {
	t.Helper()
	d := NewData()
	d.Passes = 6
	for pass, f := range []float64{1.00, 1.10, 0.95, 1.20, 1.05, 0.90} {
		for _, name := range files {
			b, err := os.ReadFile("testdata/" + name)
			if err != nil {
				t.Fatal(err)
			}
			scaled := nsOp.ReplaceAllStringFunc(string(b), func(m string) string {
				v, _ := strconv.ParseFloat(strings.Fields(m)[0], 64)
				return strconv.FormatFloat(v*f, 'f', 4, 64) + " ns/op"
			})
			if err := d.Add(pass+1, strings.NewReader(scaled), name); err != nil {
				t.Fatal(err)
			}
		}
	}
	return d
}

func testMeta() *Meta {
	return &Meta{
		Command: "go run . -passes=6", Benchtime: "200ms", Go: "go1.26.8 linux/amd64", LoadStart: "0.10 0.20 0.30", LoadEnd: "1.00 1.10 1.20",
		NodeMs: "300", Passes: 6, Cores: 2, Date: time.Date(2026, 12, 1, 15, 4, 0, 0, time.UTC), Wall: 4*time.Minute + 12*time.Second,
		Payloads: map[string]string{small: "210", large: "3,063"},
	}
}

func render(d *Data, m *Meta) string {
	var b strings.Builder
	WriteMarkdown(&b, d, m)
	return b.String()
}

// line returns the report's first line that starts with prefix.
func line(t *testing.T, md, prefix string) string {
	t.Helper()
	for _, l := range strings.Split(md, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	t.Errorf("no line starts with %q", prefix)
	return ""
}

func TestWriteMarkdown(t *testing.T) {
	d := sixPasses(t, "go.txt", "go-jsonv2.txt", "go-redis.txt", "node.txt")
	m := testMeta()
	m.note("The `go` command failed (exit status 1) in some pass.")
	md := render(d, m)

	for prefix, want := range map[string]string{
		"**Machine:**": "**Machine:** AMD EPYC, 2 cores; go1.26.8 linux/amd64; Node v20.20.2 (h3 2.0.8, h3 1.15.11, iron-session 8.0.4); 2026-12-01 15:04 UTC; load average 0.10 0.20 0.30 at the start, 1.00 1.10 1.20 at the end; 6 passes, 4m12s in all.",
		// Both sides drift alike in every pass: the per-pass ratio does not move.
		"| Seal (struct → cookie) ≤ 1.3×": "| Seal (struct → cookie) ≤ 1.3× the full limit (JSON + AEAD + base64url) | ≤ 1.30× | 1.13× [1.13×, 1.13×] (1.35 µs vs 1.19 µs) | met |",
		"| Open ≥ 8× faster":              "| Open ≥ 8× faster than gorilla/securecookie gob | ≥ 8.00× | 7.35× [7.35×, 7.35×] (20.7 µs vs 2.81 µs) | **not met** |",
		"| Time a request's session":      "| Time a request's session adds ≥ 1000× less than h3 2's | ≥ 1,000× | 1,858× [1,858×, 1,858×] (14.4 ms vs 7.73 µs) | met |",
		"| Cookie length":                 "| Cookie length ≤ the bare AEAD + base64url value + 16 characters | ≤ +16 chars | +13 (347 vs 334 chars) | met |",
		"| `make bench`":                  "| `make bench` takes under 10 minutes (this run, 2 cores) | < 10m0s | 4m12s | met |",
		// Times: the median over the passes and its interval (smallest to largest of 6).
		"| small | **sealcookie** | session: struct": "| small | **sealcookie** | session: struct → cookie value (Manager.Encode) | 1.35 µs ±17% | 3 | 347 | 1.75× ±0% | 1.13× ±0% | 2.38× ±0% | 7.77× ±0% | 278× ±0% | 5,585× ±0% |",
		"| small | **sealcookie** | httpx":           "| small | **sealcookie** | httpx middleware: read, change, re-seal | 10.8 µs ±17% | 41 | — | 7.73 µs ±17% | 1.87× ±0% | 1.33× ±0% | 5.77× ±0% | 1,858× ±0% |",
		"| cookie | Delete":                          "| cookie | Delete | 6.65 µs ±17% | 11 | 1,520 | — |",
		"- Targets:":                                 "- Targets: 7 of 17 met; not met: Seal ≥ 2.5× faster than gorilla/securecookie JSON; Open (cookie → struct) ≤ 1.2× the full limit; Open ≥ 2× faster than gorilla/securecookie JSON; Open ≥ 8× faster than gorilla/securecookie gob; Load (Cookie header with 3 other cookies → struct) ≤ 1.2× its bare counterpart; Middleware request that reads and re-seals: time it adds ≤ 1.5× the full limit's open + seal round trip; A session read with revocation on (embedded store) ≤ 1.1× the same read without it; A session read with revocation on (Redis store, copy fresh) ≤ 1.1× the same read without it; `session Load/small/sealcookie`: at most 2 allocations more than its bare counterpart; A route that never touches the session: the middleware adds ≤ 150 ns and ≤ 1 allocation (table below).",
		// The revocation table: small payload and no-payload rows only, × off against the row's own package.
		"| small | **memory-check**": "| small | **memory-check** | the check alone (Revoker.Check): what a read adds, embedded store | 257 ns ±17% | 0 | — | 0.03× ±0% |",
		"| small | **redis-check**":  "| small | **redis-check** | the check alone (Revoker.Check): what a read adds, Redis store, copy fresh | 319 ns ±17% | 0 | — | 0.07× ±0% |",
		"| none | **memory-64** ":    "| none | **memory-64** | embedded store: Cutoff under 64 goroutines | 290 ns ±17% | 0 | — | — |",
		"- The `go` command failed":  "- The `go` command failed (exit status 1) in some pass.",
		"- *median ± 95% CI*":        "",
	} {
		if got := line(t, md, prefix); want != "" && got != want {
			t.Errorf("line %q:\n%s", prefix, cmp.Diff(want, got))
		}
	}
	if strings.Contains(md, "*missing*") || strings.Contains(md, "**Missing**") {
		t.Error("a complete run reports missing rows")
	}
	if !strings.Contains(md, "With 6 passes it spans sorted passes #1 to #6") {
		t.Error("the method does not say which passes bound the interval")
	}
	checkTables(t, md)
}

// checkTables checks that every table row has as many cells as its header,
// and that no format verb went wrong.
func checkTables(t *testing.T, md string) {
	t.Helper()
	if strings.Contains(md, "%!") {
		t.Errorf("a format verb went wrong:\n%s", md)
	}
	width := 0
	for _, l := range strings.Split(md, "\n") {
		switch n := strings.Count(strings.ReplaceAll(l, `\|`, ""), "|"); {
		case !strings.HasPrefix(l, "|"):
			width = 0
		case width == 0:
			width = n
		case n != width:
			t.Errorf("%d cells, want %d: %s", n-1, width-1, l)
		}
	}
}

func TestWriteMarkdownMissing(t *testing.T) {
	// No JSONv2 run, no Node: their rows are missing, and say so.
	d := sixPasses(t, "go.txt")
	m := testMeta()
	m.NodeMs = ""
	md := render(d, m)
	for _, want := range []string{
		"| small | **sealcookie-jsonv2** | session with the JSONv2 codec (encoding/json/v2, GOEXPERIMENT=jsonv2) | *missing* | — | — | — | — | — | — | — | — |",
		"| small | h3-node | h3 2 sealSession (iron, PBKDF2 ×8192) | *missing* |",
		"Node not run;",
		"| Time a request's session adds ≥ 1000× less than h3 2's | ≥ 1,000× | `internal/node Request/small/h3-node` or `httpx Request/small/sealcookie` missing | not measured |",
		"- Targets: 6 of 17 met;",
		"and h3 2 adds — (— as much as sealcookie)",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	missing := line(t, md, "- **Missing**")
	for _, ref := range []string{"`session Encode/small/sealcookie-jsonv2`", "`internal/node Request/none/h3-node`", "`internal/node Open/large/iron-session-node`"} {
		if !strings.Contains(missing, ref) {
			t.Errorf("the missing line lacks %s: %s", ref, missing)
		}
	}
	checkTables(t, md)

	// Nothing measured at all: still a report, every row missing.
	empty := NewData()
	empty.Passes = 1
	md = render(empty, testMeta())
	if !strings.Contains(md, "- Targets: 1 of 17 met") || strings.Contains(md, "## Other benchmarks") {
		t.Errorf("empty run:\n%s", md)
	}
	checkTables(t, md)
}

func TestTargetStatus(t *testing.T) {
	// The interval of the per-pass ratios holds the goal: the status says so.
	d := NewData()
	d.Passes = 6
	for pass, ratio := range []float64{1.25, 1.27, 1.35, 1.29, 1.31, 1.2} {
		text := "pkg: github.com/sealcookie/sealcookie/session\nBenchmarkEncode/small/sealcookie-2 1 " + strconv.FormatFloat(1000*ratio, 'f', 1, 64) + " ns/op\n" +
			"pkg: github.com/sealcookie/sealcookie/internal/bench\nBenchmarkSeal/small/limit-json-2 1 1000 ns/op\n"
		if err := d.Add(pass+1, strings.NewReader(text), "test"); err != nil {
			t.Fatal(err)
		}
	}
	want := "| Seal (struct → cookie) ≤ 1.3× the full limit (JSON + AEAD + base64url) | ≤ 1.30× | 1.28× [1.20×, 1.35×] (1.28 µs vs 1.00 µs) | met (the interval holds the goal) |"
	if got := line(t, render(d, testMeta()), "| Seal (struct → cookie)"); got != want {
		t.Error(cmp.Diff(want, got))
	}
}

func TestWriteSVG(t *testing.T) {
	d := sixPasses(t, "go.txt", "node.txt") // no JSONv2 run: its bar is missing
	var b bytes.Buffer
	WriteSVG(&b, d, testMeta())
	var bars, missing int
	dec := xml.NewDecoder(&b)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if tok.Name.Local == "title" {
				bars++
			}
		case xml.CharData:
			if string(tok) == "missing" {
				missing++
			}
		}
	}
	// One bar per payload for each scheme, but the two JSONv2 ones.
	if want := 2*len(chartBars) - 2; bars != want || missing != 2 {
		t.Errorf("%d bars and %d missing, want %d and 2", bars, missing, want)
	}
}

func TestWriteToolchain(t *testing.T) {
	d := sixPasses(t, "go.txt")
	var b strings.Builder
	WriteToolchain(&b, d, testMeta(), "go1.27.3")
	md := b.String()
	for _, want := range []string{"## On go1.27.3\n", "`GOTOOLCHAIN=go1.27.3`", "| target | goal | measured | status |", "- Sealing the typical session"} {
		if !strings.Contains(md, want) {
			t.Errorf("toolchain section lacks %q:\n%s", want, md)
		}
	}
	if got := line(t, md, "- Targets:"); !strings.HasSuffix(got, "of 17 met.") {
		t.Errorf("targets line %q", got)
	}
	checkTables(t, md)
}
