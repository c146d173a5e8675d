// Command flood is what `make flood` runs: a bounded load run of forged h3
// 2.x cookies against a Go service that shares its session with an h3
// application, on loopback. It reports what a legitimate client's latency
// and the server's CPU become during the flood, for each way of bounding
// the cost of a forged cookie:
//
//	budget             the process-wide derivation budget (iron.Budget, the default)
//	issued-salts-only  h3.Config.IssuedSaltsOnly, for fleets where only Go seals
//	unbounded          no budget: the cost before either existed
//
// Each server runs in a process of its own (this program, re-run with
// -serve), so its CPU time is its own; it serves plain HTTP on 127.0.0.1 and
// answers GET /stats with its CPU time and its budget's counters. Against
// each, a legitimate client (a session cookie the server issued, one request
// every -legit-interval on its own connection) runs for -duration alone
// (quiet), then again beside forged requests at -rate a second over -conns
// connections (flood), each with a fresh random salt, as an attacker without
// an account sends them. Every loop stops at the end of its phase and every
// request has a 5-second timeout.
//
// The target checked (issue 13): at ≥ 1,000 forged requests a second, the
// legitimate client's p99 stays within 3× its quiet p99, and the time the
// budgeted server spends deriving keys stays within its budget. The client,
// the server and whatever else runs on the machine share its cores, so the
// report prints the load average beside every phase: compare figures from
// one run, not across machines.
//
// Usage: go run ./internal/flood [-duration 5s] [-rate 1000] [-conns 16]
// [-modes budget,issued-salts-only,unbounded] [-strict]
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sealcookie/sealcookie/sealed/iron"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// options are the command's flags.
type options struct {
	duration, unboundedDuration, legitInterval time.Duration
	rate, conns, rounds                        int
	modes                                      []string
	server                                     serverConfig
	strict                                     bool
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("flood", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	serve := fs.Bool("serve", false, "run one measured server (what the report starts) and print its address")
	forgeTarget := fs.String("forge", "", "send one flood's forged requests to this server URL (what the report starts), forging the seal read from stdin")
	fs.StringVar(&o.server.Mode, "mode", "budget", "with -serve: budget, issued-salts-only or unbounded")
	fs.DurationVar(&o.server.BudgetCPU, "budget-cpu", 0, "the budget's derivation time per second (0: iron.DefaultBudgetCPU)")
	fs.IntVar(&o.server.Concurrency, "concurrency", 0, "the budget's derivations at once (0: iron.DefaultBudgetConcurrency)")
	fs.DurationVar(&o.duration, "duration", 5*time.Second, "length of each phase")
	fs.DurationVar(&o.unboundedDuration, "unbounded-duration", 3*time.Second, "length of each phase against the unbounded server, which the flood saturates")
	fs.DurationVar(&o.legitInterval, "legit-interval", 5*time.Millisecond, "time between the legitimate client's requests")
	fs.IntVar(&o.rate, "rate", 1000, "forged requests a second during a flood")
	fs.IntVar(&o.conns, "conns", 16, "connections the forged requests share")
	fs.IntVar(&o.rounds, "rounds", 3, "quiet and flood phases alternate this many times per server, so that the machine's other load falls on both alike")
	modes := fs.String("modes", "budget,issued-salts-only,unbounded", "the servers to measure, in order")
	fs.BoolVar(&o.strict, "strict", false, "exit 1 when the target is missed")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *forgeTarget != "" {
		if err := forgeChild(*forgeTarget, o, stdin, stdout); err != nil {
			fmt.Fprintln(stderr, "flood -forge:", err)
			return 1
		}
		return 0
	}
	if *serve {
		if err := serveUntilEOF(o.server, stdin, stdout); err != nil {
			fmt.Fprintln(stderr, "flood -serve:", err)
			return 1
		}
		return 0
	}
	o.modes = strings.Split(*modes, ",")
	switch {
	case o.duration <= 0 || o.duration > 5*time.Minute, o.unboundedDuration <= 0 || o.unboundedDuration > o.duration:
		fmt.Fprintln(stderr, "flood: -duration must be in (0, 5m] and -unbounded-duration in (0, -duration]")
		return 2
	case o.rate < 0 || o.rate > 20000 || o.conns < 1 || o.conns > 256 || o.legitInterval < time.Millisecond || o.rounds < 1 || o.rounds > 20:
		fmt.Fprintln(stderr, "flood: -rate in [0, 20000], -conns in [1, 256], -legit-interval at least 1ms, -rounds in [1, 20]")
		return 2
	}
	ok, err := report(o, stdout)
	if err != nil {
		fmt.Fprintln(stderr, "flood:", err)
		return 1
	}
	if !ok && o.strict {
		return 1
	}
	return 0
}

// serveUntilEOF runs one measured server on a loopback port, prints its
// address, and stops when stdin closes (the report closes it, and a report
// that dies closes it too).
func serveUntilEOF(c serverConfig, stdin io.Reader, stdout io.Writer) error {
	_, h, err := newServer(c)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	fmt.Fprintf(stdout, "flood: listening on http://%s\n", l.Addr())
	_, _ = io.Copy(io.Discard, stdin)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// forgeChild is the -forge mode: it reads the seal to forge from stdin,
// prints "ready" when its schedule begins, runs one flood and prints what it
// did as JSON.
func forgeChild(target string, o options, stdin io.Reader, stdout io.Writer) error {
	template, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil {
		return fmt.Errorf("reading the seal to forge: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.duration+30*time.Second)
	defer cancel()
	started := make(chan struct{})
	go func() {
		<-started
		fmt.Fprintln(stdout, "ready")
	}()
	pc := phaseConfig{Name: "flood", Duration: o.duration, Rate: o.rate, Conns: o.conns}
	counts := forgeLoop(ctx, target, strings.TrimSpace(template), pc, started)
	return json.NewEncoder(stdout).Encode(counts)
}

// childForger runs a flood in a process of its own: this program with
// -forge.
func childForger(exe string) forger {
	return func(ctx context.Context, base, template string, pc phaseConfig, started chan<- struct{}) (forgedCounts, error) {
		var counts forgedCounts
		cmd := exec.CommandContext(ctx, exe, "-forge", base, "-duration", pc.Duration.String(),
			"-rate", fmt.Sprint(pc.Rate), "-conns", fmt.Sprint(pc.Conns))
		cmd.Stdin = strings.NewReader(template + "\n")
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			return counts, err
		}
		if err := cmd.Start(); err != nil {
			return counts, err
		}
		r := bufio.NewReader(out)
		line, err := r.ReadString('\n')
		if err != nil || line != "ready\n" {
			_ = cmd.Wait()
			return counts, fmt.Errorf("the forger did not start: %q %v", line, err)
		}
		close(started)
		if err := json.NewDecoder(r).Decode(&counts); err != nil {
			_ = cmd.Wait()
			return counts, fmt.Errorf("the forger's counts: %w", err)
		}
		return counts, cmd.Wait()
	}
}

// measured is one server's phases.
type measured struct {
	mode         string
	quiet, flood phaseResult
	budgetCPU    time.Duration // 0: none
	rounds       int
}

// report measures every mode and prints the table and the verdict; ok is
// false when the target is missed.
func report(o options, w io.Writer) (ok bool, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(len(o.modes))*(time.Duration(2*o.rounds)*(o.duration+5*time.Second)+30*time.Second))
	defer cancel()
	fmt.Fprintf(w, "flood: %s, GOMAXPROCS %d, %d CPUs; load average at start: %s\n",
		runtime.Version(), runtime.GOMAXPROCS(0), runtime.NumCPU(), loadAvg())
	fmt.Fprintf(w, "%d rounds of a quiet and a flood phase per server, each %v (unbounded: %v); legitimate client every %v; flood %d forged requests/s over %d connections\n\n",
		o.rounds, o.duration, o.unboundedDuration, o.legitInterval, o.rate, o.conns)
	var runs []measured
	for _, mode := range o.modes {
		m, err := measure(ctx, o, mode)
		if err != nil {
			return false, fmt.Errorf("%s: %w", mode, err)
		}
		runs = append(runs, m)
	}
	printTable(w, runs)
	ok = true
	fmt.Fprintln(w)
	for _, m := range runs {
		for _, c := range checks(m, o.rate) {
			mark := "met"
			if !c.ok {
				mark = "MISSED"
				if m.mode != "unbounded" {
					ok = false
				}
			}
			fmt.Fprintf(w, "%-18s %-6s %s\n", m.mode, mark, c.what)
		}
	}
	return ok, nil
}

// measure starts the server of mode in a process of its own, runs the quiet
// and the flood phase against it, and stops it.
func measure(ctx context.Context, o options, mode string) (measured, error) {
	m := measured{mode: mode, rounds: o.rounds}
	exe, err := os.Executable()
	if err != nil {
		return m, err
	}
	sc := o.server
	sc.Mode = mode
	if mode != "unbounded" {
		m.budgetCPU = sc.BudgetCPU
		if m.budgetCPU == 0 {
			m.budgetCPU = iron.DefaultBudgetCPU
		}
	}
	args := []string{"-serve", "-mode", mode, "-budget-cpu", sc.BudgetCPU.String(), "-concurrency", fmt.Sprint(sc.Concurrency)}
	cmd := exec.CommandContext(ctx, exe, args...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return m, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return m, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return m, err
	}
	defer func() {
		stdin.Close()
		_ = cmd.Wait()
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	base, found := strings.CutPrefix(strings.TrimSpace(line), "flood: listening on ")
	if err != nil || !found {
		return m, fmt.Errorf("the server did not start: %q %v", line, err)
	}
	cookie, err := login(ctx, base)
	if err != nil {
		return m, err
	}
	d := o.duration
	if mode == "unbounded" {
		d = o.unboundedDuration
	}
	for r := range o.rounds {
		pc := phaseConfig{Name: "quiet", Duration: d, LegitInterval: o.legitInterval, Conns: o.conns}
		q, err := runPhase(ctx, base, cookie, pc, childForger(exe))
		if err != nil {
			return m, err
		}
		pc.Name, pc.Rate = "flood", o.rate
		f, err := runPhase(ctx, base, cookie, pc, childForger(exe))
		if err != nil {
			return m, err
		}
		if r == 0 {
			m.quiet, m.flood = q, f
		} else {
			m.quiet.merge(q)
			m.flood.merge(f)
		}
	}
	return m, nil
}

// check is one criterion of the target.
type check struct {
	ok   bool
	what string
}

// checks applies the target to one server's phases: the flood reached rate,
// the legitimate client kept its session and a p99 within 3× the quiet one,
// and the derivation time stayed within the budget (each flood phase starts
// with a full second's allowance, refilled during the quiet phase before it,
// then gets the rate, and may overrun by the one derivation in flight).
func checks(m measured, rate int) []check {
	q, f := m.quiet, m.flood
	var out []check
	achieved := float64(f.ForgedSent) / f.Wall.Seconds()
	out = append(out, check{achieved >= 0.95*float64(rate) && f.ForgedFailed == 0,
		fmt.Sprintf("forged requests: %.0f/s sent (%d answered, %d failed), target %d/s", achieved, f.ForgedAnswered, f.ForgedFailed, rate)})
	qp, fp := percentile(q.Legit, 990), percentile(f.Legit, 990)
	out = append(out, check{q.LegitFailures == 0 && f.LegitFailures == 0 && len(f.Legit) > 0 && fp <= 3*qp,
		fmt.Sprintf("legitimate p99: quiet %v, flood %v (%.1f×, target ≤ 3×); failures %d + %d", ms(qp), ms(fp), ratio(fp, qp), q.LegitFailures, f.LegitFailures)})
	if m.budgetCPU > 0 {
		spent := f.After.Budget.Spent - f.Before.Budget.Spent
		derivations := f.After.Budget.Derivations - f.Before.Budget.Derivations
		// Each flood phase starts with a full second's allowance (refilled
		// during the quiet phase before it); past that, the rate, with 5%
		// for the derivation in flight when a phase ends.
		allowed := time.Duration(m.rounds)*m.budgetCPU + time.Duration(1.05*float64(m.budgetCPU)*f.Wall.Seconds())
		out = append(out, check{spent <= allowed,
			fmt.Sprintf("derivation time: %v over %v (%d derivations, %v/s), allowed %v (%v/s after each phase's first second's worth)",
				ms(spent), f.Wall.Round(time.Millisecond), derivations, ms(time.Duration(float64(spent)/f.Wall.Seconds())), ms(allowed), m.budgetCPU)})
	}
	return out
}

func printTable(w io.Writer, runs []measured) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "server\tphase\tlegit req\tp50\tp99\tmax\tforged/s\tserver CPU\tderivations\tderiving\trefused\tOnError: over budget / not authentic\tload avg\t")
	for _, m := range runs {
		for _, p := range []phaseResult{m.quiet, m.flood} {
			cpu := "n/a"
			if p.Before.CPU >= 0 && p.After.CPU >= 0 {
				cpu = fmt.Sprintf("%.2f cores", (p.After.CPU-p.Before.CPU).Seconds()/p.Wall.Seconds())
			}
			b0, b1 := p.Before.Budget, p.After.Budget
			fmt.Fprintf(tw, "%s\t%s\t%d\t%v\t%v\t%v\t%.0f\t%s\t%d\t%v/s\t%d\t%d / %d\t%s\t\n",
				m.mode, p.Config.Name, len(p.Legit),
				ms(percentile(p.Legit, 500)), ms(percentile(p.Legit, 990)), ms(percentile(p.Legit, 1000)),
				float64(p.ForgedSent)/p.Wall.Seconds(), cpu,
				b1.Derivations-b0.Derivations, ms(time.Duration(float64(b1.Spent-b0.Spent)/p.Wall.Seconds())), b1.Refused-b0.Refused,
				p.After.OverBudget-p.Before.OverBudget, p.After.NotAuthentic-p.Before.NotAuthentic, p.LoadAvg)
		}
	}
	tw.Flush()
}

// ms rounds a duration for the table: microseconds under 10 ms.
func ms(d time.Duration) time.Duration {
	if d < 10*time.Millisecond {
		return d.Round(time.Microsecond)
	}
	return d.Round(100 * time.Microsecond)
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "n/a"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}
