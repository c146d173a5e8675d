package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// writeModule writes a small module whose packages pass, skip, fail, panic,
// fail to build and have no tests, and returns its directory.
func writeModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.test/m\n\ngo 1.26\n",
		"ok/ok_test.go": `package ok
import "testing"
func TestFine(t *testing.T) { t.Log("a log line of a passing test") }
`,
		"skips/skips_test.go": `package skips
import "testing"
func TestNeedsX(t *testing.T) { t.Skip("needs X (install it)") }
func TestTable(t *testing.T) {
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		t.Run(n, func(t *testing.T) { t.Skip("same reason") })
	}
}
func TestNoReason(t *testing.T) { t.SkipNow() }
func TestRuns(t *testing.T) {}
`,
		"fails/fails_test.go": `package fails
import "testing"
func TestGood(t *testing.T) { t.Log("a log line that stays hidden") }
func TestBad(t *testing.T) { t.Errorf("wanted 1, got %d", 2) }
func TestSub(t *testing.T) {
	t.Run("fine", func(t *testing.T) {})
	t.Run("broken", func(t *testing.T) { t.Fatal("the broken subtest") })
}
`,
		"panics/panics_test.go": `package panics
import "testing"
func TestPanic(t *testing.T) { panic("boom in the test") }
`,
		"buildfail/b_test.go": `package buildfail
import "testing"
func TestX(t *testing.T) { undefinedThing() }
`,
		"notests/n.go": "package notests\n",
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func goCommand(t *testing.T) string {
	t.Helper()
	g, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH")
	}
	return g
}

// TestReportRealRun runs go test on the module through testreport: the
// output is what plain go test shows, a failure is never hidden, the exit
// status is go test's, and the summary lists every skip and why.
func TestReportRealRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test on a module")
	}
	dir := writeModule(t)
	var out, errOut bytes.Buffer
	code := run([]string{"-go", goCommand(t), "--", "-C " + dir + " test -count=1 ./..."}, &out, &errOut)
	got := out.String() + errOut.String()
	if code != 1 {
		t.Errorf("exit %d, want go test's 1", code)
	}
	for _, want := range []string{
		"ok  \texample.test/m/ok\t",
		"ok  \texample.test/m/skips\t",
		"?   \texample.test/m/notests\t[no test files]",
		"--- FAIL: TestBad", "wanted 1, got 2",
		"--- FAIL: TestSub/broken", "the broken subtest",
		"FAIL\texample.test/m/fails\t",
		"panic: boom in the test", "FAIL\texample.test/m/panics\t",
		"undefined: undefinedThing", "FAIL\texample.test/m/buildfail [build failed]",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the output lacks %q:\n%s", want, got)
		}
	}
	for _, hidden := range []string{"a log line of a passing test", "a log line that stays hidden", "--- FAIL: TestSub/fine", "=== RUN   TestFine"} {
		if strings.Contains(got, hidden) {
			t.Errorf("the output shows %q, which plain go test hides:\n%s", hidden, got)
		}
	}
	// The summary ends the output.
	_, summary, ok := strings.Cut(out.String(), "\nskipped: ")
	if !ok {
		t.Fatalf("no summary:\n%s", got)
	}
	summary = regexp.MustCompile(`_test\.go:\d+`).ReplaceAllString(summary, "_test.go:N")
	failed := regexp.MustCompile(`FAIL: .*\n$`).FindString(summary)
	summary = strings.TrimSuffix(summary, failed)
	want := `7 tests, and why
  example.test/m/skips
    TestNeedsX: skips_test.go:N: needs X (install it)
    TestTable/a, TestTable/b and 3 more: skips_test.go:N: same reason
    TestNoReason: (no reason given)
packages: 2 ok, 3 failed, 1 without tests
`
	if diff := cmp.Diff(want, summary); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	for _, pkg := range []string{"example.test/m/fails", "example.test/m/panics", "example.test/m/buildfail"} {
		if !strings.Contains(failed, pkg) {
			t.Errorf("the last line %q does not name the failed package %s", failed, pkg)
		}
	}
}

// TestReportPassing: a passing run exits 0 and says nothing was skipped;
// several command lines make one summary.
func TestReportPassing(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test on a module")
	}
	dir := writeModule(t)
	var out, errOut bytes.Buffer
	g := goCommand(t)
	code := run([]string{"-go", g, "--", "-C " + dir + " test -count=1 ./ok", "-C " + dir + " test -count=1 ./notests"}, &out, &errOut)
	if code != 0 {
		t.Errorf("exit %d, want 0:\n%s%s", code, out.String(), errOut.String())
	}
	if !strings.HasSuffix(out.String(), "\nskipped: none\npackages: 1 ok, 0 failed, 1 without tests\n") || strings.Count(out.String(), "skipped:") != 1 {
		t.Errorf("output:\n%s", out.String())
	}
}

// TestReportStreams covers what a real run rarely shows: lines that are not
// events, a stream cut short, and -v.
func TestReportStreams(t *testing.T) {
	stream := `not JSON: printed as it is
{"Action":"start","Package":"p"}
{"Action":"run","Package":"p","Test":"TestA"}
{"Action":"output","Package":"p","Test":"TestA","Output":"=== RUN   TestA\n"}
{"Action":"output","Package":"p","Test":"TestA","Output":"    a_test.go:3: half way\n"}
`
	var out bytes.Buffer
	r := newReport(&out)
	if err := r.read(strings.NewReader(stream)); err != nil {
		t.Fatal(err)
	}
	r.summary()
	want := "not JSON: printed as it is\n\nskipped: none\npackages: 0 ok, 1 failed, 0 without tests\nFAIL: p (no result: go test stopped)\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("a stream cut short (-want +got):\n%s", diff)
	}

	out.Reset()
	r = newReport(&out)
	r.verbose = true
	r.read(strings.NewReader(stream + `{"Action":"pass","Package":"p","Test":"TestA"}
{"Action":"output","Package":"p","Output":"ok  \tp\t0.1s\n"}
{"Action":"pass","Package":"p"}
`))
	if want := "not JSON: printed as it is\n=== RUN   TestA\n    a_test.go:3: half way\nok  \tp\t0.1s\n"; out.String() != want {
		t.Errorf("-v: %q, want %q", out.String(), want)
	}
}

func TestRunUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"vet ./..."}, {"-nope"}} {
		var out bytes.Buffer
		if code := run(args, &out, &out); code != 2 {
			t.Errorf("run(%q): exit %d, want 2", args, code)
		}
	}
}
