package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// event is one line of go test -json (see go doc test2json), build
// events included.
type event struct {
	Action     string
	Package    string
	Test       string
	Output     string
	ImportPath string // build-output, build-fail
}

// testRun is what one test printed, and how it ended.
type testRun struct {
	name   string
	out    []string
	ended  bool
	failed bool
}

// pkgRun is a package's events until its end.
type pkgRun struct {
	out   []string // output outside any test: the ok / FAIL line, panics, TestMain
	tests map[string]*testRun
	order []*testRun // in the order they started
}

func (p *pkgRun) test(name string) *testRun {
	t := p.tests[name]
	if t == nil {
		t = &testRun{name: name}
		p.tests[name] = t
		p.order = append(p.order, t)
	}
	return t
}

// skip is one skipped test and why.
type skip struct{ pkg, test, reason string }

// report turns go test -json into plain go test's output and remembers the
// skips and failures for the summary.
type report struct {
	w          io.Writer
	verbose    bool
	pkgs       map[string]*pkgRun
	skips      []skip
	okPkgs     int
	noTests    int
	failedPkgs []string
}

func newReport(w io.Writer) *report {
	return &report{w: w, pkgs: map[string]*pkgRun{}}
}

// read consumes one go test -json stream. A line that is not an event is
// printed as it is.
func (r *report) read(in io.Reader) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &e) != nil || e.Action == "" {
			fmt.Fprintf(r.w, "%s\n", line)
			continue
		}
		r.event(&e)
	}
	return sc.Err()
}

func (r *report) pkg(name string) *pkgRun {
	p := r.pkgs[name]
	if p == nil {
		p = &pkgRun{tests: map[string]*testRun{}}
		r.pkgs[name] = p
	}
	return p
}

func (r *report) event(e *event) {
	switch e.Action {
	case "build-output":
		io.WriteString(r.w, e.Output)
		return
	case "build-fail":
		return
	}
	p := r.pkg(e.Package)
	if e.Test != "" {
		t := p.test(e.Test)
		switch e.Action {
		case "output":
			t.out = append(t.out, e.Output)
			if r.verbose {
				io.WriteString(r.w, e.Output)
			}
		case "pass":
			t.ended, t.out = true, nil
		case "skip":
			t.ended = true
			r.skips = append(r.skips, skip{e.Package, e.Test, reason(t.out)})
			t.out = nil
		case "fail":
			t.ended, t.failed = true, true
		}
		return
	}
	switch e.Action {
	case "output":
		p.out = append(p.out, e.Output)
		if r.verbose {
			io.WriteString(r.w, e.Output)
		}
	case "pass":
		if !r.verbose {
			for _, l := range p.out {
				if strings.HasPrefix(l, "ok ") {
					io.WriteString(r.w, l)
				}
			}
		}
		r.okPkgs++
		delete(r.pkgs, e.Package)
	case "skip": // no test files
		if !r.verbose {
			io.WriteString(r.w, strings.Join(p.out, ""))
		}
		r.noTests++
		delete(r.pkgs, e.Package)
	case "fail":
		if !r.verbose {
			// Failed tests, and tests cut short (a panic, a timeout), then
			// everything the package printed outside them.
			for _, t := range p.order {
				if t.failed || !t.ended {
					io.WriteString(r.w, strings.Join(t.out, ""))
				}
			}
			io.WriteString(r.w, strings.Join(p.out, ""))
		}
		r.failedPkgs = append(r.failedPkgs, e.Package)
		delete(r.pkgs, e.Package)
	}
}

// reason is what a skipped test printed, without the framing lines.
func reason(out []string) string {
	var parts []string
	for _, l := range out {
		s := strings.TrimSpace(l)
		if s == "" || strings.HasPrefix(s, "=== ") || strings.HasPrefix(s, "--- ") {
			continue
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return "(no reason given)"
	}
	return strings.Join(parts, " / ")
}

// summary prints the skipped tests grouped by package and reason, the
// package counts, and the failed packages again so that they are the last
// thing on the screen.
func (r *report) summary() {
	// A stream cut short leaves packages without an end: they count as failed.
	for name := range r.pkgs {
		if name != "" {
			r.failedPkgs = append(r.failedPkgs, name+" (no result: go test stopped)")
		}
	}
	var b strings.Builder
	if len(r.skips) > 0 {
		fmt.Fprintf(&b, "\nskipped: %d %s, and why\n", len(r.skips), plural(len(r.skips), "test", "tests"))
		type group struct {
			reason string
			tests  []string
		}
		var pkgs []string
		groups := map[string][]*group{}
		for _, s := range r.skips {
			if _, ok := groups[s.pkg]; !ok {
				pkgs = append(pkgs, s.pkg)
			}
			var g *group
			for _, x := range groups[s.pkg] {
				if x.reason == s.reason {
					g = x
				}
			}
			if g == nil {
				g = &group{reason: s.reason}
				groups[s.pkg] = append(groups[s.pkg], g)
			}
			g.tests = append(g.tests, s.test)
		}
		for _, p := range pkgs {
			fmt.Fprintf(&b, "  %s\n", p)
			for _, g := range groups[p] {
				names := strings.Join(g.tests, ", ")
				if len(g.tests) > 3 {
					names = fmt.Sprintf("%s and %d more", strings.Join(g.tests[:2], ", "), len(g.tests)-2)
				}
				fmt.Fprintf(&b, "    %s: %s\n", names, g.reason)
			}
		}
	} else {
		b.WriteString("\nskipped: none\n")
	}
	fmt.Fprintf(&b, "packages: %d ok, %d failed, %d without tests\n", r.okPkgs, len(r.failedPkgs), r.noTests)
	if len(r.failedPkgs) > 0 {
		fmt.Fprintf(&b, "FAIL: %s\n", strings.Join(r.failedPkgs, ", "))
	}
	io.WriteString(r.w, b.String())
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
