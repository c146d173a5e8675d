// Command instr counts the instructions one operation of a benchmark takes,
// with valgrind's callgrind, where wall time on a shared machine is too
// noisy to decide a target: each benchmark runs twice, for N and 3N
// iterations, and the difference divided by 2N is the instructions of one
// operation, start-up and warm-up cancelled out. Go runs under callgrind
// with asynchronous preemption off, one P and no GC, so the count is
// repeatable. It prints each pair's ratio.
//
//	go run ./internal/instr [-n 1000]
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
)

// pairs are sealcookie's request-path operations beside their bare
// counterparts in the same test binary (package session's benchmarks).
var pairs = []struct{ name, ours, bare string }{
	{"Decode (cookie value → struct)", "^BenchmarkDecode$/^small$/^sealcookie$", "^BenchmarkDecode$/^small$/^limit-json$"},
	{"Load (Cookie header → struct)", "^BenchmarkLoad$/^small$/^sealcookie$", "^BenchmarkLoad$/^small$/^limit-json$"},
	{"Encode (struct → cookie value)", "^BenchmarkEncode$/^small$/^sealcookie$", "^BenchmarkEncode$/^small$/^limit-json$"},
}

func main() {
	n := flag.Int("n", 1000, "iterations of the shorter run (the longer one runs 3n)")
	flag.Parse()
	if err := run(*n); err != nil {
		fmt.Fprintln(os.Stderr, "instr:", err)
		os.Exit(1)
	}
}

func run(n int) error {
	if _, err := exec.LookPath("valgrind"); err != nil {
		return errors.New("valgrind is not installed (apt-get install valgrind)")
	}
	dir, err := os.MkdirTemp("", "instr")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "session.test")
	if out, err := exec.Command("go", "test", "-c", "-o", bin, "./session").CombinedOutput(); err != nil {
		return fmt.Errorf("building session's tests: %v\n%s", err, out)
	}
	fmt.Printf("Instructions per operation (valgrind callgrind, %d and %d iterations, small payload)\n\n", n, 3*n)
	fmt.Println("| operation | sealcookie | bare counterpart | ratio |\n|---|---|---|---|")
	for _, p := range pairs {
		ours, err := perOp(bin, dir, p.ours, n)
		if err != nil {
			return err
		}
		bare, err := perOp(bin, dir, p.bare, n)
		if err != nil {
			return err
		}
		fmt.Printf("| %s | %.0f | %.0f | %.3f× |\n", p.name, ours, bare, ours/bare)
	}
	return nil
}

var collected = regexp.MustCompile(`Collected : (\d+)`)

// perOp is the instructions of one operation of bench.
func perOp(bin, dir, bench string, n int) (float64, error) {
	count := func(iters int) (float64, error) {
		cmd := exec.Command("valgrind", "--tool=callgrind", "--callgrind-out-file="+filepath.Join(dir, "cg.out"),
			bin, "-test.run=^$", "-test.bench="+bench, fmt.Sprintf("-test.benchtime=%dx", iters))
		cmd.Dir = "session" // the tests read testdata relative to their package
		cmd.Env = append(os.Environ(), "GODEBUG=asyncpreemptoff=1", "GOMAXPROCS=1", "GOGC=off")
		out, err := cmd.CombinedOutput()
		if err != nil {
			return 0, fmt.Errorf("%s: %v\n%.2000s", bench, err, out)
		}
		m := collected.FindSubmatch(out)
		if m == nil {
			return 0, fmt.Errorf("%s: no instruction count in valgrind's output", bench)
		}
		return strconv.ParseFloat(string(m[1]), 64)
	}
	a, err := count(n)
	if err != nil {
		return 0, err
	}
	b, err := count(3 * n)
	if err != nil {
		return 0, err
	}
	return (b - a) / float64(2*n), nil
}
