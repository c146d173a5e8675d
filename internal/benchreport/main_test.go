package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestFormat(t *testing.T) {
	tests := []struct{ got, want string }{
		{fmtNs(0.5), "0.50 ns"},
		{fmtNs(873.6), "874 ns"},
		{fmtNs(2413), "2.41 µs"},
		{fmtNs(24130), "24.1 µs"},
		{fmtNs(6.68e6), "6.68 ms"},
		{fmtNs(1.5e9), "1.50 s"},
		{fmtNs(-2000), "−2.00 µs"},
		{fmtNs(math.NaN()), "—"},
		{fmtRatio(1.0449), "1.04×"},
		{fmtRatio(12.34), "12.3×"},
		{fmtRatio(4680.4), "4,680×"},
		{fmtRatio(0.004), "<0.01×"},
		{fmtRatio(0), "—"},
		{fmtRatio(math.Inf(1)), "—"},
		{fmtCount(1234567), "1,234,567"},
		{fmtCount(12.5), "12.5"},
		{fmtCount(math.NaN()), "—"},
		{fmtSpread(0.123), "±12%"},
		{group(-1234), "-1,234"},
		{fmtWall(48 * time.Second), "48s"},
		{fmtWall(192*time.Second + 400*time.Millisecond), "3m12s"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("case %d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}

func TestParseFlags(t *testing.T) {
	c, given, err := parseFlags([]string{"-passes", "3", "-node=off"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.passes != 3 || c.node != "off" || c.benchtime != "200ms" || c.nodeTimeMs != 300 {
		t.Errorf("config %+v", c)
	}
	if diff := cmp.Diff([]string{"-node=off", "-passes=3"}, given); diff != "" {
		t.Errorf("given flags (-want +got):\n%s", diff)
	}
	for _, bad := range [][]string{
		{"-passes=0"}, {"-passes=21"}, {"-node=maybe"}, {"-benchtime=fast"}, {"-node-time-ms=5"}, {"extra"},
	} {
		if _, _, err := parseFlags(bad, &bytes.Buffer{}); err == nil {
			t.Errorf("parseFlags(%q) accepted", bad)
		}
	}
	if _, _, err := parseFlags([]string{"-benchtime=100x"}, &bytes.Buffer{}); err != nil {
		t.Errorf("-benchtime=100x: %v", err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestBenchPackages(t *testing.T) {
	root := t.TempDir()
	bench := "package x\n\nfunc BenchmarkX(b *testing.B) {}\n"
	writeFile(t, filepath.Join(root, "go.mod"), "module example.com/m\n")
	writeFile(t, filepath.Join(root, "zeta", "z_test.go"), bench)
	writeFile(t, filepath.Join(root, "internal", "bench", "b_test.go"), bench)
	writeFile(t, filepath.Join(root, "sealed", "s_test.go"), bench)
	writeFile(t, filepath.Join(root, "cookie", "c_test.go"), "package cookie\n\nfunc TestX(t *testing.T) {}\n")
	writeFile(t, filepath.Join(root, "sealed", "testdata", "t_test.go"), bench)
	writeFile(t, filepath.Join(root, "internal", "node", "node_modules", "m", "m_test.go"), bench)
	writeFile(t, filepath.Join(root, "alpha", "a.go"), bench) // not a test file
	got, err := benchPackages(root)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"./sealed", "./internal/bench", "./zeta"}, got); diff != "" {
		t.Errorf("benchPackages (-want +got):\n%s", diff)
	}
}

func TestNeedsInstall(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "package.json"), "{}")
	writeFile(t, filepath.Join(dir, "package-lock.json"), "{}")
	if !needsInstall(dir) {
		t.Error("no node_modules: want an install")
	}
	stamp := filepath.Join(dir, "node_modules", ".package-lock.json")
	writeFile(t, stamp, "{}")
	old := time.Now().Add(-time.Hour)
	for _, f := range []string{"package.json", "package-lock.json"} {
		if err := os.Chtimes(filepath.Join(dir, f), old, old); err != nil {
			t.Fatal(err)
		}
	}
	if needsInstall(dir) {
		t.Error("installed after the lock file changed: want no install")
	}
	if err := os.Chtimes(stamp, old.Add(-time.Hour), old.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if !needsInstall(dir) {
		t.Error("lock file newer than node_modules: want an install")
	}
}

func TestClearRawRemovesOnlyItsFiles(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"go-1.txt", "go-all.txt", "node-2.txt", "benchstat.txt", "run.json", "keep.txt", "go.mod"} {
		writeFile(t, filepath.Join(dir, f), "x")
	}
	if err := clearRaw(dir); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, e := range entries {
		left = append(left, e.Name())
	}
	if diff := cmp.Diff([]string{"go.mod", "keep.txt"}, left); diff != "" {
		t.Errorf("left in the raw folder (-want +got):\n%s", diff)
	}
}

// A run saved with its raw output is rebuilt by -from-raw with the same statistics.
func TestSaveAndLoadRun(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "go-1.txt"), "pkg: "+module+"/internal/bench\nBenchmarkSeal/small/limit-2\t10\t900 ns/op\t334 chars\t352 B/op\t1 allocs/op\n")
	writeFile(t, filepath.Join(dir, "go-2.txt"), "pkg: "+module+"/internal/bench\nBenchmarkSeal/small/limit-2\t10\t700 ns/op\t334 chars\t352 B/op\t1 allocs/op\nFAIL\t"+module+"/httpx [build failed]\n")
	writeFile(t, filepath.Join(dir, "node-1.txt"), "pkg: internal/node\nnode: v20.20.2\nBenchmarkSeal/small/h3-node\t10\t6000000 ns/op\t505 chars\n")
	writeFile(t, filepath.Join(dir, "benchstat.txt"), "stats")
	r := &Run{Passes: 2, Benchtime: "200ms", Machine: Machine{Cores: 2, Node: "v20.20.2"}, Wall: time.Minute, Notes: []string{"n"}}
	if err := saveRun(dir, r); err != nil {
		t.Fatal(err)
	}
	got, err := loadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []Stat{
		{Pkg: "internal/bench", Name: "BenchmarkSeal/small/limit", Samples: 2, Ns: 800, Spread: 0.125, Allocs: 1, Bytes: 352, Chars: 334},
		{Pkg: "internal/node", Name: "BenchmarkSeal/small/h3-node", Samples: 1, Ns: 6e6, Spread: 0, Allocs: math.NaN(), Bytes: math.NaN(), Chars: 505},
	}
	if diff := cmp.Diff(want, got.Stats, cmpopts.EquateNaNs()); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Failure{{2, "httpx: build failed"}}, got.Failures); diff != "" {
		t.Errorf("failures (-want +got):\n%s", diff)
	}
	if got.Wall != time.Minute || got.Benchstat != "stats" || got.Machine.Node != "v20.20.2" || !strings.Contains(strings.Join(got.Notes, ""), "n") {
		t.Errorf("run not restored: %+v", got)
	}
}

func TestLoadRunWithoutPreviousRun(t *testing.T) {
	if _, err := loadRun(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no previous run") {
		t.Errorf("err = %v, want a clear error", err)
	}
}
