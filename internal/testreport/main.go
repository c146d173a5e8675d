// Command testreport runs go test with -json and prints what plain go test
// prints (an "ok" line per passing package; the output of failed tests, and
// everything their package printed, at each failure; build errors), then a
// short summary of the tests that were skipped and why. It exits with go
// test's status, so it hides no failure: make test runs it.
//
// Usage:
//
//	go run ./internal/testreport [-go GO] -- 'test -race ./...' ['-C dir test ./...' ...]
//
// Each argument is one go command line (split on spaces) with "test" in it;
// -json is added after "test". They run in order, and one summary ends them.
// With -v among a line's flags, every test's output is printed as it comes.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strings"
)

func main() {
	// Ctrl-C reaches go test too (the terminal signals the whole process
	// group): wait for it to stop, and still print what it said.
	signal.Ignore(os.Interrupt)
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("testreport", flag.ContinueOnError)
	fs.SetOutput(stderr)
	goCmd := fs.String("go", "go", "the go `command` to run")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "testreport: give at least one go command line, such as 'test ./...'")
		return 2
	}
	rep := newReport(stdout)
	status := 0
	for _, line := range fs.Args() {
		args := strings.Fields(line)
		i := slices.Index(args, "test")
		if i < 0 {
			fmt.Fprintf(stderr, "testreport: %q is not a go test command line\n", line)
			return 2
		}
		args = slices.Insert(args, i+1, "-json")
		rep.verbose = slices.Contains(args[i+1:], "-v")
		code, err := runGo(*goCmd, args, rep, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "testreport: %s %s: %v\n", *goCmd, strings.Join(args, " "), err)
			code = 2
		}
		if status == 0 {
			status = code
		}
	}
	rep.summary()
	if status == 0 && len(rep.failedPkgs) > 0 {
		status = 1 // a failure go test's status did not carry
	}
	return status
}

// runGo runs the go command with args, feeding its standard output to rep,
// and returns its exit status.
func runGo(goCmd string, args []string, rep *report, stderr io.Writer) (int, error) {
	cmd := exec.Command(goCmd, args...)
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	readErr := rep.read(out)
	err = cmd.Wait()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return max(ee.ExitCode(), 1), readErr
	case err != nil:
		return 0, err
	}
	return 0, readErr
}
