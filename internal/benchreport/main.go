// Command benchreport is what `make bench` runs: it measures sealcookie
// beside its limits and peers and writes BENCHMARKS.md and benchmarks.svg at
// the repository root. A module of its own (its golang.org/x/perf stays out
// of the library's go.mod), it imports none of the library's packages: each
// of its alternating passes runs the suite's `go test` commands in the root,
// then internal/node/bench.mjs. Both print the Go benchmark format; the raw
// output of every pass stays in internal/benchreport/raw (git-ignored).
//
// Usage, from this folder: go run . -root ../.. [-passes 6] [-benchtime 200ms]
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// suite is what each pass runs with `go test`, in the repository root, in
// this order. When benchmarks move, update it and the refs in tables.go: a
// package that does not exist is skipped with a note, and a row the report
// expects but no command printed is shown as missing.
var suite = []goRun{
	{"go", nil, ".", "", []string{"./sealed", "./sealed/iron", "./cookie", "./session", "./httpx", "./internal/bench", "./session/gorilla", "./session/h3", "./session/revoke"}},
	// session's codec over encoding/json/v2 only builds with GOEXPERIMENT=jsonv2,
	// where encoding/json runs on the v2 engine too: only its rows are selected.
	{"go-jsonv2", []string{"GOEXPERIMENT=jsonv2"}, "^Benchmark(Encode|Decode)$/^(small|large)$/^sealcookie-jsonv2$", "", []string{"./session"}},
	// The Redis revocation store, a module of its own; its benchmarks start
	// a redis-server on loopback (and skip without one).
	{"go-redis", nil, ".", "session/revoke/redis", []string{"."}},
}

type goRun struct {
	file  string   // raw output: raw/<file>-<pass>.txt
	env   []string // added to the environment
	bench string   // go test -bench
	dir   string   // where go test runs, relative to the root: a module of its own; "" is the root
	pkgs  []string // package directories, relative to dir
}

// nodeDir holds bench.mjs (with its node_modules: `make bench` runs npm ci).
const nodeDir = "internal/node"

const nodeTimeMs = "300" // bench.mjs --time-ms: time per operation per pass

func main() {
	if err := run(os.Args[1:]); err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fl := flag.NewFlagSet("benchreport", flag.ContinueOnError)
	root := fl.String("root", "../..", "the repository root: go test runs there, the report is written there")
	goCmd := fl.String("go", "go", "the go command that runs the benchmarks")
	benchtime := fl.String("benchtime", "200ms", "go test -benchtime of each benchmark in each pass")
	passes := fl.Int("passes", 6, "alternating passes (Go, then Node); 6 is the fewest with a 95% interval")
	budget := fl.Duration("budget", 9*time.Minute, "time limit: no pass starts that would not end within it")
	also := fl.String("also-toolchain", "", "a second Go toolchain (GOTOOLCHAIN value, e.g. go1.27.3) whose Go suites every pass also runs; the report gives its summary and targets too")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() > 0 || *passes < 1 {
		return errors.New("usage: go run . [-root dir] [-passes n] [-benchtime d] [-budget d]")
	}
	m := &Meta{Command: "go run .", Benchtime: *benchtime, Cores: runtime.NumCPU(), Payloads: map[string]string{small: "?", large: "?"},
		Go: runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH, Date: time.Now().UTC(), LoadStart: loadAverage()}
	fl.Visit(func(f *flag.Flag) { m.Command += " -" + f.Name + "=" + f.Value.String() })
	m.Also = *also
	raw := filepath.Join(*root, "internal", "benchreport", "raw") // git-ignored, ours alone
	if err := errors.Join(os.RemoveAll(raw), os.MkdirAll(raw, 0o755)); err != nil {
		return err
	}
	for _, p := range []string{small, large} {
		if st, err := os.Stat(filepath.Join(*root, "testdata", "payloads", p+".json")); err == nil {
			m.Payloads[p] = fmtCount(float64(st.Size()))
		}
	}
	_, err := exec.LookPath("node")
	node := err == nil
	if !node {
		m.note("node is not on PATH: the Node peers are not measured.")
	}

	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), *budget)
	defer cancel()
	d, d2 := NewData(), NewData()
	for pass, last := 1, time.Duration(0); pass <= *passes; pass++ {
		if time.Since(start)+last > *budget {
			m.note(fmt.Sprintf("Stopped after %d of %d passes: another would not have ended within the %s budget.", pass-1, *passes, *budget))
			break
		}
		t0 := time.Now()
		d.Passes, d2.Passes, m.Passes = pass, pass, pass
		for _, g := range suite {
			pkgs := slices.DeleteFunc(slices.Clone(g.pkgs), func(p string) bool {
				_, err := os.Stat(filepath.Join(*root, g.dir, p))
				if err != nil {
					if g.dir != "" {
						p = g.dir + " (" + p + ")"
					}
					m.note(fmt.Sprintf("`%s` does not exist: skipped.", p))
				}
				return err != nil
			})
			if len(pkgs) == 0 {
				continue
			}
			args := append([]string{"test", "-p", "1", "-run", "^$", "-bench", g.bench, "-benchmem", "-count", "1", "-benchtime", *benchtime, "-timeout", "6m"}, pkgs...)
			measure(ctx, []*Data{d}, m, pass, raw, g.file, filepath.Join(*root, g.dir), g.env, *goCmd, args...)
			if *also != "" {
				measure(ctx, []*Data{d2}, m, pass, raw, g.file+"-"+*also, filepath.Join(*root, g.dir), append(slices.Clone(g.env), "GOTOOLCHAIN="+*also), *goCmd, args...)
			}
		}
		if node {
			measure(ctx, []*Data{d, d2}, m, pass, raw, "node", filepath.Join(*root, nodeDir), nil, "node", "bench.mjs", "--time-ms", nodeTimeMs)
			m.NodeMs = nodeTimeMs
		}
		last = time.Since(t0)
		fmt.Printf("benchreport: pass %d/%d took %s (%s so far)\n", pass, *passes, last.Round(time.Second), time.Since(start).Round(time.Second))
	}
	m.Wall, m.LoadEnd = time.Since(start), loadAverage()

	var md, svg bytes.Buffer
	WriteMarkdown(&md, d, m)
	if *also != "" {
		WriteToolchain(&md, d2, m, *also)
	}
	// The end-to-end section (make e2e, internal/loadrace) is kept as it was.
	if old, err := os.ReadFile(filepath.Join(*root, "BENCHMARKS.md")); err == nil {
		if i, j := bytes.Index(old, []byte(e2eBegin)), bytes.Index(old, []byte(e2eEnd)); i >= 0 && j > i {
			md.WriteString("\n")
			md.Write(old[i : j+len(e2eEnd)])
			md.WriteString("\n")
		}
	}
	WriteSVG(&svg, d, m)
	return errors.Join(os.WriteFile(filepath.Join(*root, "BENCHMARKS.md"), md.Bytes(), 0o644),
		os.WriteFile(filepath.Join(*root, "benchmarks.svg"), svg.Bytes(), 0o644))
}

// The markers of BENCHMARKS.md's end-to-end section, which make e2e writes.
const e2eBegin, e2eEnd = "<!-- loadrace:begin -->", "<!-- loadrace:end -->"

// measure runs one command of a pass in dir, keeps its output in
// raw/<file>-<pass>.txt and adds its results to each of ds. A failure is a note in
// the report: the command's other results still count.
func measure(ctx context.Context, ds []*Data, m *Meta, pass int, raw, file, dir string, env []string, name string, args ...string) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir, cmd.Env = dir, append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		why := slices.DeleteFunc(strings.Split(out.String()+errOut.String(), "\n"), func(l string) bool {
			return !strings.HasPrefix(l, "--- FAIL") && !strings.HasPrefix(l, "FAIL\t") && !strings.Contains(l, ".go:")
		})
		m.note(fmt.Sprintf("The `%s` command failed (%v) in some pass; see `raw/%s-*.txt`: %s", file, err, file, strings.Join(why[:min(len(why), 4)], "; ")))
	}
	err := os.WriteFile(filepath.Join(raw, fmt.Sprintf("%s-%d.txt", file, pass)), out.Bytes(), 0o644)
	for _, d := range ds {
		err = errors.Join(err, d.Add(pass, bytes.NewReader(out.Bytes()), file))
	}
	if err != nil {
		m.note(fmt.Sprintf("Reading the `%s` output failed: %v", file, err))
	}
}

// loadAverage returns the 1, 5 and 15 minute load averages (Linux), or "".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return ""
}
