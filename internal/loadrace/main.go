// Command loadrace races sealcookie against its peers end to end: the same
// route (read the session, count the visit, write the session back) served by
// sealcookie's middleware, gorilla/securecookie JSON in a hand-written
// handler, gorilla/sessions' CookieStore (gob), h3 2.x and iron-session on
// Node, and the same Go server with no session at all. One closed-loop load
// generator drives every server alike: a fixed number of connections, each
// with its own cookie jar, every latency recorded (exact percentiles), and
// the server's CPU time read from /proc. Server and generator are pinned to
// different cores with taskset when the machine has two or more. Rounds
// alternate the servers; the table gives each figure's median over rounds.
//
//	go run ./internal/loadrace [-duration 10s] [-conns 8] [-rounds 3] [-out file.json]
//
// Loopback only, bounded in time and requests.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/internal/testpayload"
)

// schemes are the servers of the race, in the order of the table.
var schemes = []struct{ name, node string }{
	{"go-none", ""},
	{"sealcookie", ""},
	{"securecookie-json", ""},
	{"gorilla-sessions-gob", ""},
	{"iron-session-node", "iron-session"},
	{"h3-node", "h3"},
}

func cookieAttrs() cookie.Attributes { return cookie.Attributes{InsecureDevelopment: true} }

func main() {
	if len(os.Args) > 2 && os.Args[1] == "-serve" {
		if err := serve(os.Args[2], "127.0.0.1:0"); err != nil {
			fmt.Fprintln(os.Stderr, "loadrace:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "loadrace:", err)
		os.Exit(1)
	}
}

// Result is one server's figures in one round.
type Result struct {
	Scheme     string  `json:"scheme"`
	Requests   int     `json:"requests"`
	Errors     int     `json:"errors"`
	Seconds    float64 `json:"seconds"`
	PerSecond  float64 `json:"perSecond"`
	P50Micros  float64 `json:"p50Micros"`
	P99Micros  float64 `json:"p99Micros"`
	CPUMicros  float64 `json:"cpuMicrosPerRequest"` // server CPU (user+system) per request
	SetCookies int     `json:"setCookies"`          // responses that set a cookie
}

// Report is what -out writes: every round of every scheme, and the medians.
type Report struct {
	Date     time.Time         `json:"date"`
	Go       string            `json:"go"`
	Node     string            `json:"node"`
	Cores    int               `json:"cores"`
	Pinned   bool              `json:"pinned"`
	Conns    int               `json:"conns"`
	Duration string            `json:"duration"`
	Rounds   [][]Result        `json:"rounds"`
	Median   map[string]Result `json:"median"`
	Notes    []string          `json:"notes,omitempty"`
	// LimitMicros is the full limit's open + seal round trip (see limitRoundTrip).
	LimitMicros float64             `json:"limitMicros"`
	Skipped     map[string]string   `json:"skipped,omitempty"`
	raw         map[string][]Result // per scheme, every round
}

func run(args []string) error {
	fl := flag.NewFlagSet("loadrace", flag.ContinueOnError)
	duration := fl.Duration("duration", 10*time.Second, "how long each server is driven in each round")
	conns := fl.Int("conns", 8, "connections, each with its own cookie jar")
	rounds := fl.Int("rounds", 3, "rounds; the servers alternate within each")
	maxReq := fl.Int("max-requests", 2_000_000, "stop a run after this many requests, whatever the duration")
	out := fl.String("out", "", "write the results as JSON to this file")
	md := fl.String("benchmarks", "", "replace (or append) the end-to-end section of this Markdown file, with its chart beside it")
	only := fl.String("only", "", "comma-separated schemes to run (default: all)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *duration <= 0 || *duration > time.Minute || *conns < 1 || *conns > 256 || *rounds < 1 || *rounds > 9 {
		return errors.New("bounds: 0 < -duration <= 1m, 1 <= -conns <= 256, 1 <= -rounds <= 9")
	}
	root, err := testpayload.ModuleRoot()
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	rep := &Report{Date: time.Now().UTC(), Go: runtime.Version(), Cores: runtime.NumCPU(), Conns: *conns,
		Duration: duration.String(), Median: map[string]Result{}, Skipped: map[string]string{}, raw: map[string][]Result{}}
	taskset, _ := exec.LookPath("taskset")
	rep.Pinned = taskset != "" && runtime.NumCPU() >= 2
	if rep.Pinned {
		// The generator on core 0 (this process, from now on), servers on core 1.
		if err := exec.Command(taskset, "-p", "-c", "0", strconv.Itoa(os.Getpid())).Run(); err != nil {
			rep.Pinned = false
			rep.Notes = append(rep.Notes, "taskset failed; nothing pinned: "+err.Error())
		}
	} else {
		rep.Notes = append(rep.Notes, "not pinned: taskset missing or a single core")
	}
	node, nodeErr := exec.LookPath("node")
	if nodeErr == nil {
		if v, err := exec.Command(node, "--version").Output(); err == nil {
			rep.Node = strings.TrimSpace(string(v))
		}
	}
	nodeDir := filepath.Join(root, "internal", "node")
	if _, err := os.Stat(filepath.Join(nodeDir, "node_modules", "h3")); err != nil && nodeErr == nil {
		nodeErr = errors.New("internal/node/node_modules is missing: run npm ci --prefix internal/node")
	}
	want := map[string]bool{}
	for _, s := range strings.Split(*only, ",") {
		if s != "" {
			want[s] = true
		}
	}
	for r := 0; r < *rounds; r++ {
		var round []Result
		for _, s := range schemes {
			if len(want) > 0 && !want[s.name] {
				continue
			}
			var cmd *exec.Cmd
			switch {
			case s.node == "":
				cmd = exec.Command(self, "-serve", s.name)
				cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
			case nodeErr != nil:
				rep.Skipped[s.name] = nodeErr.Error()
				continue
			default:
				cmd = exec.Command(node, filepath.Join(nodeDir, "loadserver.mjs"), s.node)
			}
			cmd.Dir = root
			if rep.Pinned {
				cmd.Args = append([]string{taskset, "-c", "1"}, cmd.Args...)
				cmd.Path = taskset
			}
			res, err := race(cmd, s.name, *conns, *duration, *maxReq)
			if err != nil {
				return fmt.Errorf("%s: %w", s.name, err)
			}
			fmt.Fprintf(os.Stderr, "round %d %-22s %8.0f req/s  p50 %7.0f µs  p99 %7.0f µs  cpu %7.1f µs/req  errors %d\n",
				r+1, s.name, res.PerSecond, res.P50Micros, res.P99Micros, res.CPUMicros, res.Errors)
			round = append(round, res)
			rep.raw[s.name] = append(rep.raw[s.name], res)
		}
		rep.Rounds = append(rep.Rounds, round)
	}
	for name, rs := range rep.raw {
		rep.Median[name] = median(name, rs)
	}
	seed, err := seedData()
	if err != nil {
		return err
	}
	if rep.LimitMicros, err = limitRoundTrip(seed); err != nil {
		return err
	}
	fmt.Print(rep.markdown())
	if *md != "" {
		chart := strings.TrimSuffix(*md, filepath.Ext(*md)) + "-e2e.svg"
		if err := rep.writeSection(*md, chart, filepath.Base(chart)); err != nil {
			return err
		}
	}
	if *out != "" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		return os.WriteFile(*out, append(b, '\n'), 0o644)
	}
	return nil
}

// race starts a server, seeds one session per connection, drives it for d
// (or max requests), and stops it.
func race(cmd *exec.Cmd, scheme string, conns int, d time.Duration, maxReq int) (Result, error) {
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return Result{}, err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return Result{}, err
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	addr, err := listening(stdout, 20*time.Second)
	if err != nil {
		return Result{}, fmt.Errorf("%w (stderr: %.300s)", err, stderr.String())
	}
	base := "http://" + addr
	clients := make([]*http.Client, conns)
	for i := range clients {
		jar, _ := cookiejar.New(nil)
		clients[i] = &http.Client{Jar: jar, Timeout: 5 * time.Second,
			Transport: &http.Transport{MaxIdleConnsPerHost: 1, MaxConnsPerHost: 1, DisableCompression: true}}
		if _, _, err := get(clients[i], base+"/seed"); err != nil {
			return Result{}, fmt.Errorf("seeding: %w", err)
		}
		// One warm-up request per connection.
		if _, _, err := get(clients[i], base+"/"); err != nil {
			return Result{}, fmt.Errorf("warm-up: %w", err)
		}
	}
	cpu0, err := cpuTime(cmd.Process.Pid)
	if err != nil {
		return Result{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		lat       []time.Duration
		errs, set int
		budget    = make(chan struct{}, maxReq)
	)
	for range maxReq {
		budget <- struct{}{}
	}
	start := time.Now()
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var my []time.Duration
			myErrs, mySet := 0, 0
			for ctx.Err() == nil {
				select {
				case <-budget:
				default:
					cancel()
					continue
				}
				t := time.Now()
				setCookie, ok, err := get(c, base+"/")
				if err != nil || !ok {
					myErrs++
					continue
				}
				my = append(my, time.Since(t))
				if setCookie {
					mySet++
				}
			}
			mu.Lock()
			lat = append(lat, my...)
			errs += myErrs
			set += mySet
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu1, err := cpuTime(cmd.Process.Pid)
	if err != nil {
		return Result{}, err
	}
	for _, c := range clients {
		c.CloseIdleConnections()
	}
	if len(lat) == 0 {
		return Result{}, fmt.Errorf("no request succeeded (%d errors)", errs)
	}
	slices.Sort(lat)
	n := len(lat)
	return Result{
		Scheme: scheme, Requests: n, Errors: errs, Seconds: elapsed.Seconds(), SetCookies: set,
		PerSecond: float64(n) / elapsed.Seconds(),
		P50Micros: micros(lat[(n-1)*50/100]), P99Micros: micros(lat[(n-1)*99/100]),
		CPUMicros: micros(cpu1-cpu0) / float64(n),
	}, nil
}

// get fetches url and reports whether the response set a cookie and was 200.
func get(c *http.Client, url string) (setCookie, ok bool, err error) {
	resp, err := c.Get(url)
	if err != nil {
		return false, false, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return len(resp.Header["Set-Cookie"]) > 0, resp.StatusCode == http.StatusOK, nil
}

// listening waits for the server's "listening <addr>" line.
func listening(r io.Reader, within time.Duration) (string, error) {
	line := make(chan string, 1)
	go func() {
		var b [256]byte
		var acc []byte
		for {
			n, err := r.Read(b[:])
			acc = append(acc, b[:n]...)
			if i := bytes.IndexByte(acc, '\n'); i >= 0 {
				line <- string(acc[:i])
				io.Copy(io.Discard, r)
				return
			}
			if err != nil {
				line <- ""
				return
			}
		}
	}()
	select {
	case l := <-line:
		addr, ok := strings.CutPrefix(strings.TrimSpace(l), "listening ")
		if !ok {
			return "", fmt.Errorf("the server did not say where it listens (%q)", l)
		}
		if _, _, err := net.SplitHostPort(addr); err != nil {
			return "", err
		}
		return addr, nil
	case <-time.After(within):
		return "", errors.New("the server did not start in time")
	}
}

// cpuTime is a process's user plus system CPU time, all threads, from
// /proc/<pid>/stat (in clock ticks of 10 ms, the Linux USER_HZ).
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	i := bytes.LastIndexByte(b, ')')
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, errors.New("short /proc stat")
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}

func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// median is each figure's median over rounds.
func median(name string, rs []Result) Result {
	pick := func(f func(Result) float64) float64 {
		v := make([]float64, len(rs))
		for i, r := range rs {
			v[i] = f(r)
		}
		slices.Sort(v)
		if len(v)%2 == 1 {
			return v[len(v)/2]
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	out := Result{Scheme: name}
	for _, r := range rs {
		out.Requests += r.Requests
		out.Errors += r.Errors
		out.SetCookies += r.SetCookies
	}
	out.PerSecond = pick(func(r Result) float64 { return r.PerSecond })
	out.P50Micros = pick(func(r Result) float64 { return r.P50Micros })
	out.P99Micros = pick(func(r Result) float64 { return r.P99Micros })
	out.CPUMicros = pick(func(r Result) float64 { return r.CPUMicros })
	return out
}

// markdown is the table of medians, with each session's added CPU per
// request over the Go server without sessions.
func (rep *Report) markdown() string {
	var b strings.Builder
	pinned := "server and generator pinned to one core each"
	if !rep.Pinned {
		pinned = "not pinned"
	}
	fmt.Fprintf(&b, "End to end, %d connections with a cookie jar each, %s per server per round, median of %d rounds; %s; %s, Node %s, %d cores.\n\n",
		rep.Conns, rep.Duration, len(rep.Rounds), pinned, rep.Go, rep.Node, rep.Cores)
	b.WriteString("| server | req/s | p50 | p99 | server CPU per request | responses with Set-Cookie | errors |\n|---|---|---|---|---|---|---|\n")
	none, hasNone := rep.Median["go-none"]
	for _, s := range schemes {
		r, ok := rep.Median[s.name]
		if !ok {
			if why, skipped := rep.Skipped[s.name]; skipped {
				fmt.Fprintf(&b, "| %s | skipped: %s | | | | | |\n", s.name, why)
			}
			continue
		}
		added := ""
		if hasNone && s.name != "go-none" {
			added = fmt.Sprintf(" (+%.1f µs)", r.CPUMicros-none.CPUMicros)
		}
		fmt.Fprintf(&b, "| %s | %.0f | %.0f µs | %.0f µs | %.1f µs%s | %.0f%% | %d |\n", s.name, r.PerSecond, r.P50Micros, r.P99Micros, r.CPUMicros, added,
			100*float64(r.SetCookies)/float64(max(r.Requests, 1)), r.Errors)
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(&b, "\nNote: %s\n", n)
	}
	return b.String()
}
