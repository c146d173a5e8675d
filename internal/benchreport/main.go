// Command benchreport is what `make bench` runs: it measures sealcookie
// beside its limits and peers and writes BENCHMARKS.md and benchmarks.svg at
// the module root.
//
// It runs P alternating passes (-passes, default 5). Each pass is one
// `go test -p 1 -run='^$' -bench=. -benchmem -count=1 -benchtime=200ms` over
// every package of the module that has benchmarks, then one run of
// internal/node/bench.mjs (h3 2.0.8 and iron-session, timed by Node) when
// node is on PATH; `npm ci` runs first in internal/node when its
// node_modules is missing or older than its lock file. Machine drift thus
// hits every scheme alike. The report shows the median of each benchmark
// over the passes, computed ratios and the targets, met or not;
// rows that were not measured say so. The raw output of every pass stays in
// internal/benchreport/raw (git-ignored), with benchstat's summary when
// benchstat is on PATH (it is never downloaded).
//
// Usage:
//
//	go run ./internal/benchreport [-passes 5] [-benchtime 200ms] [-node auto|off]
//	go run ./internal/benchreport -from-raw   # rewrite the report from the last run's raw output
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

const module = "github.com/sealcookie/sealcookie"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// config is benchreport's command line.
type config struct {
	passes     int
	benchtime  string
	node       string // auto or off
	nodeTimeMs int
	out        string // folder of BENCHMARKS.md and benchmarks.svg, relative to the module root
	raw        string // folder of the raw output, relative to the module root
	fromRaw    bool
	budget     time.Duration // the whole run's time limit
	goCmd      string        // the go command
}

func parseFlags(args []string, stderr io.Writer) (config, []string, error) {
	var c config
	fl := flag.NewFlagSet("benchreport", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.IntVar(&c.passes, "passes", 5, "alternating passes (Go then Node), 1 to 20")
	fl.StringVar(&c.benchtime, "benchtime", "200ms", "go test -benchtime for each benchmark in each pass")
	fl.StringVar(&c.node, "node", "auto", "auto: measure the Node peers when node is on PATH; off: skip them")
	fl.IntVar(&c.nodeTimeMs, "node-time-ms", 300, "bench.mjs time per operation per pass, in milliseconds")
	fl.StringVar(&c.out, "out", ".", "folder for BENCHMARKS.md and benchmarks.svg, relative to the module root")
	fl.StringVar(&c.raw, "raw", filepath.Join("internal", "benchreport", "raw"), "folder for raw output, relative to the module root")
	fl.BoolVar(&c.fromRaw, "from-raw", false, "do not measure: rewrite the report from the raw output of the last run")
	fl.StringVar(&c.goCmd, "go", "go", "the go command that runs the benchmarks")
	fl.DurationVar(&c.budget, "budget", 9*time.Minute, "time limit of the whole run: no pass starts that would not finish in it, and a pass still running then is stopped")
	if err := fl.Parse(args); err != nil {
		return c, nil, err
	}
	if fl.NArg() > 0 {
		return c, nil, fmt.Errorf("benchreport: unexpected argument %q", fl.Arg(0))
	}
	if c.passes < 1 || c.passes > 20 {
		return c, nil, errors.New("benchreport: -passes must be between 1 and 20")
	}
	if c.node != "auto" && c.node != "off" {
		return c, nil, errors.New("benchreport: -node must be auto or off")
	}
	if c.nodeTimeMs < 10 || c.nodeTimeMs > 10000 {
		return c, nil, errors.New("benchreport: -node-time-ms must be between 10 and 10000")
	}
	if _, err := time.ParseDuration(c.benchtime); err != nil && !strings.HasSuffix(c.benchtime, "x") {
		return c, nil, fmt.Errorf("benchreport: -benchtime: %w", err)
	}
	// The flags as given, for the report's "exact command" line.
	var given []string
	fl.Visit(func(f *flag.Flag) { given = append(given, "-"+f.Name+"="+f.Value.String()) })
	return c, given, nil
}

func run(args []string, stdout, stderr io.Writer) int {
	c, given, err := parseFlags(args, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stderr, err)
		}
		return 2
	}
	root, err := moduleRoot()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	rawDir := inRoot(root, c.raw)
	var r *Run
	if c.fromRaw {
		r, err = loadRun(rawDir)
	} else {
		r, err = measure(c, root, rawDir, stdout, stderr)
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if !c.fromRaw {
		r.Args = given
	}
	r.RawDir = filepath.ToSlash(c.raw)
	r.SVG = "benchmarks.svg"
	if err := writeReport(r, inRoot(root, c.out)); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if !c.fromRaw {
		if err := saveRun(rawDir, r); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
	}
	fmt.Fprintf(stdout, "wrote %s and %s (%s, %s)\n",
		filepath.Join(c.out, "BENCHMARKS.md"), filepath.Join(c.out, r.SVG), plural(r.Passes, "pass", "passes"), fmtWall(r.Wall))
	return 0
}

// measure runs the passes and returns the run with its statistics.
func measure(c config, root, rawDir string, stdout, stderr io.Writer) (*Run, error) {
	start := time.Now()
	// Every command runs under the run's deadline, so that the whole run
	// ends in time even if a benchmark hangs.
	ctx, cancel := context.WithTimeout(context.Background(), c.budget)
	defer cancel()
	r := &Run{
		Benchtime: c.benchtime,
		Machine: Machine{
			Cores:     runtime.NumCPU(),
			Go:        runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH,
			Date:      start.UTC().Truncate(time.Second),
			LoadStart: loadAverage(),
		},
		Payloads: payloadSizes(root),
	}
	if err := clearRaw(rawDir); err != nil {
		return nil, err
	}

	nodeOK := false
	if c.node == "auto" {
		var note string
		nodeOK, note = prepareNode(ctx, filepath.Join(root, "internal", "node"), stdout, stderr)
		if note != "" {
			r.Notes = append(r.Notes, note)
			fmt.Fprintln(stdout, "benchreport: "+note)
		}
	} else {
		r.Notes = append(r.Notes, "Node peers skipped (-node=off).")
	}

	pkgs, err := benchPackages(root)
	if err != nil {
		return nil, err
	}
	r.Packages = pkgs
	fmt.Fprintf(stdout, "benchreport: %d passes over %s%s\n", c.passes, strings.Join(pkgs, " "), map[bool]string{true: " + Node", false: ""}[nodeOK])

	procs := runtime.GOMAXPROCS(0)
	if s := os.Getenv("GOMAXPROCS"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			procs = n
		}
	}
	var outs []Output
	var goAll, nodeAll bytes.Buffer
	var lastPass time.Duration
	for pass := 1; pass <= c.passes; pass++ {
		if pass > 1 && time.Since(start)+lastPass > c.budget {
			r.Notes = append(r.Notes, fmt.Sprintf("Stopped after %d of %d passes: another would not have finished within the %s budget.", pass-1, c.passes, c.budget))
			break
		}
		t0 := time.Now()
		goOut, err := runGo(ctx, c.goCmd, root, c.benchtime, pkgs, stderr)
		if ctx.Err() != nil {
			r.Notes = append(r.Notes, fmt.Sprintf("Pass %d was cut short by the %s budget.", pass, c.budget))
		}
		if err != nil {
			fmt.Fprintf(stderr, "benchreport: pass %d: go test: %v (results so far are kept)\n", pass, err)
		}
		if err := os.WriteFile(filepath.Join(rawDir, fmt.Sprintf("go-%d.txt", pass)), goOut, 0o644); err != nil {
			return nil, fmt.Errorf("benchreport: %w", err)
		}
		goAll.Write(goOut)
		o, err := Parse(bytes.NewReader(goOut), procs, module)
		if err != nil {
			return nil, err
		}
		outs = append(outs, o)
		r.addFailures(pass, o.Failures)
		if r.Machine.CPU == "" {
			r.Machine.CPU = o.Header["cpu"]
		}
		if slices.Contains(pkgs, "./session") {
			// session's codec rows built with encoding/json/v2 (session.JSONv2).
			v2Out, err := runGoJSONv2(ctx, c.goCmd, root, c.benchtime, stderr)
			if err != nil {
				fmt.Fprintf(stderr, "benchreport: pass %d: go test with GOEXPERIMENT=jsonv2: %v\n", pass, err)
			}
			if err := os.WriteFile(filepath.Join(rawDir, fmt.Sprintf("go-jsonv2-%d.txt", pass)), v2Out, 0o644); err != nil {
				return nil, fmt.Errorf("benchreport: %w", err)
			}
			vo, err := Parse(bytes.NewReader(v2Out), procs, module)
			if err != nil {
				return nil, err
			}
			outs = append(outs, onlyJSONv2(vo))
			goAll.Write(v2Out) // its bench filter leaves only the JSONv2 rows, for -from-raw
			r.addFailures(pass, vo.Failures)
		}
		goTime := time.Since(t0)

		var nodeTime time.Duration
		if nodeOK {
			t1 := time.Now()
			nodeOut, err := runNode(ctx, filepath.Join(root, "internal", "node"), c.nodeTimeMs, stderr)
			if err != nil {
				fmt.Fprintf(stderr, "benchreport: pass %d: node bench.mjs: %v\n", pass, err)
			}
			if err := os.WriteFile(filepath.Join(rawDir, fmt.Sprintf("node-%d.txt", pass)), nodeOut, 0o644); err != nil {
				return nil, fmt.Errorf("benchreport: %w", err)
			}
			nodeAll.Write(nodeOut)
			no, err := Parse(bytes.NewReader(nodeOut), 0, module)
			if err != nil {
				return nil, err
			}
			outs = append(outs, no)
			r.addFailures(pass, no.Failures)
			if r.Machine.Node == "" {
				r.Machine.Node = no.Header["node"]
				r.Machine.NodePkgs = map[string]string{}
				for _, k := range []string{"h3", "h3v1", "iron-session"} {
					if v := no.Header[k]; v != "" {
						r.Machine.NodePkgs[k] = v
					}
				}
			}
			nodeTime = time.Since(t1)
		}
		r.Passes = pass
		lastPass = time.Since(t0)
		fmt.Fprintf(stdout, "benchreport: pass %d/%d: go %s, node %s (%s so far)\n", pass, c.passes,
			goTime.Round(100*time.Millisecond), nodeTime.Round(100*time.Millisecond), fmtWall(time.Since(start)))
	}
	if nodeOK {
		r.NodeTimeMs = c.nodeTimeMs
	}
	if r.Machine.CPU == "" {
		r.Machine.CPU = cpuModel()
	}
	if err := os.WriteFile(filepath.Join(rawDir, "go-all.txt"), goAll.Bytes(), 0o644); err != nil {
		return nil, fmt.Errorf("benchreport: %w", err)
	}
	if nodeAll.Len() > 0 {
		if err := os.WriteFile(filepath.Join(rawDir, "node-all.txt"), nodeAll.Bytes(), 0o644); err != nil {
			return nil, fmt.Errorf("benchreport: %w", err)
		}
	}
	r.Benchstat = runBenchstat(ctx, rawDir, nodeAll.Len() > 0)
	if r.Benchstat != "" {
		if err := os.WriteFile(filepath.Join(rawDir, "benchstat.txt"), []byte(r.Benchstat), 0o644); err != nil {
			return nil, fmt.Errorf("benchreport: %w", err)
		}
	}
	r.Stats = Aggregate(outs)
	r.Machine.LoadEnd = loadAverage()
	r.Wall = time.Since(start)
	return r, nil
}

// jsonv2Bench selects session's benchmarks of the codec backed by
// encoding/json/v2, which only builds with GOEXPERIMENT=jsonv2.
const jsonv2Bench = "^Benchmark(Encode|Decode)$/^(small|large)$/^sealcookie-jsonv2$"

// runGoJSONv2 runs session's JSONv2 codec benchmarks in a build with
// GOEXPERIMENT=jsonv2 (Go 1.25 or later; older toolchains fail the build,
// which the report lists as a failure and nothing else).
func runGoJSONv2(ctx context.Context, goCmd, root, benchtime string, stderr io.Writer) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goCmd, "test", "-p", "1", "-run", "^$", "-bench", jsonv2Bench, "-benchmem",
		"-count", "1", "-benchtime", benchtime, "-timeout", "3m", "./session")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOEXPERIMENT=jsonv2")
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = io.MultiWriter(&out, stderr)
	err := cmd.Run()
	return out.Bytes(), err
}

// onlyJSONv2 keeps the JSONv2 codec's rows of a GOEXPERIMENT=jsonv2 run:
// in that build encoding/json itself runs on the v2 engine, so its other rows
// would not measure what the rest of the report does.
func onlyJSONv2(o Output) Output {
	kept := o.Results[:0]
	for _, r := range o.Results {
		if strings.HasSuffix(r.Name, "/sealcookie-jsonv2") {
			kept = append(kept, r)
		}
	}
	o.Results = kept
	return o
}

// runGo runs one Go pass and returns everything it printed. -p 1 keeps two
// packages' benchmarks from running at the same time on the 2 cores.
func runGo(ctx context.Context, goCmd, root, benchtime string, pkgs []string, stderr io.Writer) ([]byte, error) {
	if len(pkgs) == 0 {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 6*time.Minute)
	defer cancel()
	// A test binary that outlives a killed go command stops at its own -timeout.
	timeout := 6 * time.Minute
	if d, ok := ctx.Deadline(); ok {
		timeout = max(time.Until(d), time.Second)
	}
	args := append([]string{"test", "-p", "1", "-run", "^$", "-bench", ".", "-benchmem", "-count", "1",
		"-benchtime", benchtime, "-timeout", timeout.Round(time.Second).String()}, pkgs...)
	cmd := exec.CommandContext(ctx, goCmd, args...)
	cmd.Dir = root
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = io.MultiWriter(&out, stderr) // build errors: kept and shown
	err := cmd.Run()
	return out.Bytes(), err
}

// runNode runs bench.mjs once and returns what it printed on stdout.
func runNode(ctx context.Context, dir string, timeMs int, stderr io.Writer) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "bench.mjs", "--time-ms", strconv.Itoa(timeMs))
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = stderr
	err := cmd.Run()
	return out.Bytes(), err
}

// prepareNode reports whether bench.mjs can run, after `npm ci` if
// node_modules is missing or older than the lock file; note says why not.
func prepareNode(ctx context.Context, dir string, stdout, stderr io.Writer) (ok bool, note string) {
	if _, err := exec.LookPath("node"); err != nil {
		return false, "node is not on PATH: the Node peers (h3, iron-session) are not measured."
	}
	if !needsInstall(dir) {
		return true, ""
	}
	if _, err := exec.LookPath("npm"); err != nil {
		return false, "npm is not on PATH and internal/node has no installed node_modules: the Node peers are not measured."
	}
	fmt.Fprintln(stdout, "benchreport: npm ci in internal/node")
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = dir
	cmd.Stdout = stderr
	cmd.Stderr = stderr
	if err := cmd.Run(); err != nil {
		return false, fmt.Sprintf("npm ci in internal/node failed (%v): the Node peers are not measured.", err)
	}
	return true, ""
}

// needsInstall reports whether node_modules is missing or older than the
// package files (npm ci writes node_modules/.package-lock.json).
func needsInstall(dir string) bool {
	inst, err := os.Stat(filepath.Join(dir, "node_modules", ".package-lock.json"))
	if err != nil {
		return true
	}
	for _, f := range []string{"package.json", "package-lock.json"} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil || st.ModTime().After(inst.ModTime()) {
			return true
		}
	}
	return false
}

// benchPackages lists the module's packages that have benchmarks, as
// "./path", in a stable order: the report's packages first.
func benchPackages(root string) ([]string, error) {
	found := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, "_test.go") {
			return nil
		}
		has, err := hasBenchmark(path)
		if err != nil {
			return err
		}
		if has {
			rel, err := filepath.Rel(root, filepath.Dir(path))
			if err != nil {
				return err
			}
			found["./"+filepath.ToSlash(rel)] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("benchreport: looking for benchmarks: %w", err)
	}
	order := []string{"./sealed", "./sealed/iron", "./cookie", "./session", "./httpx", "./internal/bench"}
	var pkgs []string
	for _, p := range order {
		if found[p] {
			pkgs = append(pkgs, p)
			delete(found, p)
		}
	}
	var rest []string
	for p := range found {
		rest = append(rest, p)
	}
	slices.Sort(rest)
	return append(pkgs, rest...), nil
}

func hasBenchmark(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "func Benchmark") {
			return true, nil
		}
	}
	return false, sc.Err()
}

// runBenchstat returns benchstat's time summary (sec/op) of the raw output,
// or "" when benchstat is not on PATH or fails. The raw files hold the rest.
func runBenchstat(ctx context.Context, rawDir string, withNode bool) string {
	bin, err := exec.LookPath("benchstat")
	if err != nil {
		return ""
	}
	files := []string{"go-all.txt"}
	if withNode {
		files = append(files, "node-all.txt")
	}
	var all []string
	for _, f := range files {
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		cmd := exec.CommandContext(ctx, bin, "-filter", ".unit:sec/op", f)
		cmd.Dir = rawDir
		out, err := cmd.Output()
		cancel()
		if err != nil {
			continue
		}
		all = append(all, "$ benchstat -filter .unit:sec/op "+f+"\n"+strings.TrimRight(string(out), "\n"))
	}
	return strings.Join(all, "\n\n")
}

// clearRaw empties the raw folder of a previous run's files (only those).
func clearRaw(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("benchreport: %w", err)
	}
	for _, pattern := range []string{"go-*.txt", "node-*.txt", "benchstat.txt", "run.json"} {
		matches, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			return fmt.Errorf("benchreport: %w", err)
		}
		for _, m := range matches {
			if err := os.Remove(m); err != nil {
				return fmt.Errorf("benchreport: %w", err)
			}
		}
	}
	return nil
}

// saveRun keeps the run's description beside the raw output, for -from-raw.
func saveRun(dir string, r *Run) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("benchreport: %w", err)
	}
	return os.WriteFile(filepath.Join(dir, "run.json"), append(b, '\n'), 0o644)
}

// loadRun rebuilds a run from the raw folder: run.json and every pass's output.
func loadRun(dir string) (*Run, error) {
	b, err := os.ReadFile(filepath.Join(dir, "run.json"))
	if err != nil {
		return nil, fmt.Errorf("benchreport: no previous run to rewrite the report from: %w", err)
	}
	var r Run
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("benchreport: %s: %w", filepath.Join(dir, "run.json"), err)
	}
	procs := r.Machine.Cores
	if procs == 0 {
		procs = runtime.GOMAXPROCS(0)
	}
	var outs []Output
	for pass := 1; pass <= r.Passes; pass++ {
		for _, f := range []struct {
			name  string
			procs int
		}{{fmt.Sprintf("go-%d.txt", pass), procs}, {fmt.Sprintf("node-%d.txt", pass), 0}} {
			data, err := os.ReadFile(filepath.Join(dir, f.name))
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("benchreport: %w", err)
			}
			o, err := Parse(bytes.NewReader(data), f.procs, module)
			if err != nil {
				return nil, err
			}
			outs = append(outs, o)
			r.addFailures(pass, o.Failures)
		}
	}
	r.Stats = Aggregate(outs)
	if b, err := os.ReadFile(filepath.Join(dir, "benchstat.txt")); err == nil {
		r.Benchstat = string(b)
	}
	return &r, nil
}

// writeReport writes BENCHMARKS.md and the chart into dir, each through a
// temporary file renamed into place.
func writeReport(r *Run, dir string) error {
	var md, svg bytes.Buffer
	if err := WriteMarkdown(&md, r); err != nil {
		return err
	}
	if err := WriteSVG(&svg, BuildChart(newIndex(r.Stats), r)); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		data []byte
	}{{"BENCHMARKS.md", md.Bytes()}, {r.SVG, svg.Bytes()}} {
		tmp := filepath.Join(dir, "."+f.name+".tmp")
		if err := os.WriteFile(tmp, f.data, 0o644); err != nil {
			return fmt.Errorf("benchreport: %w", err)
		}
		if err := os.Rename(tmp, filepath.Join(dir, f.name)); err != nil {
			return fmt.Errorf("benchreport: %w", err)
		}
	}
	return nil
}

// inRoot resolves a path given relative to the module root.
func inRoot(root, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(root, p)
}

// moduleRoot walks up from the working directory to the folder with go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("benchreport: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("benchreport: no go.mod above the working directory; run it inside the module")
		}
		dir = parent
	}
}

func payloadSizes(root string) map[string]int {
	m := map[string]int{}
	for _, n := range []string{small, large} {
		if st, err := os.Stat(filepath.Join(root, "testdata", "payloads", n+".json")); err == nil {
			m[n] = int(st.Size())
		}
	}
	return m
}

// loadAverage returns the 1, 5 and 15 minute load averages (Linux), or "".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// cpuModel reads the CPU model from /proc/cpuinfo (Linux), or "".
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
