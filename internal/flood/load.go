package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// phaseConfig is one measured phase: a legitimate client at a steady pace,
// and, in a flood, forged requests at Rate a second over Conns connections.
type phaseConfig struct {
	Name          string
	Duration      time.Duration
	LegitInterval time.Duration
	Rate          int // forged requests a second; 0: quiet
	Conns         int
}

// phaseResult is what a phase measured.
type phaseResult struct {
	Config phaseConfig
	Wall   time.Duration
	// Legit holds the legitimate client's latencies, sorted.
	Legit []time.Duration
	// LegitFailures counts legitimate requests that failed or came back
	// without the client's own session.
	LegitFailures int
	// Forged counts the forged requests sent, answered 200 with a fresh
	// session, and failed.
	ForgedSent, ForgedAnswered, ForgedFailed int64
	Before, After                            stats
	LoadAvg                                  string // /proc/loadavg when the phase ended
}

// merge adds a later run of the same phase to p: latencies pooled, counts
// and wall time summed, server counters spanning both (the phases between
// them are subtracted out).
func (p *phaseResult) merge(q phaseResult) {
	p.Wall += q.Wall
	p.Legit = append(p.Legit, q.Legit...)
	slices.Sort(p.Legit)
	p.LegitFailures += q.LegitFailures
	p.ForgedSent += q.ForgedSent
	p.ForgedAnswered += q.ForgedAnswered
	p.ForgedFailed += q.ForgedFailed
	p.After = p.After.plus(q.After.minus(q.Before))
	p.LoadAvg = q.LoadAvg
}

func (s stats) plus(d stats) stats {
	s.CPU += d.CPU
	s.Budget.Derivations += d.Budget.Derivations
	s.Budget.Refused += d.Budget.Refused
	s.Budget.Spent += d.Budget.Spent
	s.OverBudget += d.OverBudget
	s.NotAuthentic += d.NotAuthentic
	s.OtherErrors += d.OtherErrors
	return s
}

func (s stats) minus(b stats) stats {
	s.CPU -= b.CPU
	s.Budget.Derivations -= b.Budget.Derivations
	s.Budget.Refused -= b.Budget.Refused
	s.Budget.Spent -= b.Budget.Spent
	s.OverBudget -= b.OverBudget
	s.NotAuthentic -= b.NotAuthentic
	s.OtherErrors -= b.OtherErrors
	return s
}

// forger sends a flood's forged requests: in the report, a process of its
// own (this program with -forge), so that it shares no Go scheduler with
// the legitimate client; in tests, a goroutine.
// It closes started when its schedule begins.
type forger func(ctx context.Context, base, template string, pc phaseConfig, started chan<- struct{}) (forgedCounts, error)

// forgedCounts is what a forger did.
type forgedCounts struct {
	Sent, Answered, Failed int64
}

// runPhase runs one phase against base, the server's URL: the legitimate
// client with cookie ("h3=…", its session) and, in a flood, forge with
// forgeries of that cookie's seal. Every loop stops at the phase's end;
// every request has a 5-second timeout.
func runPhase(ctx context.Context, base, cookie string, pc phaseConfig, forge forger) (phaseResult, error) {
	res := phaseResult{Config: pc}
	stats := func() (stats, error) { return getStats(ctx, base) }
	var err error
	if res.Before, err = stats(); err != nil {
		return res, err
	}
	_, value, ok := strings.Cut(cookie, "=")
	if !ok || strings.Count(value, "*") != 7 {
		return res, errors.New("the login cookie is not an h3 seal")
	}

	var forged forgedCounts
	var forgeErr error
	var wg sync.WaitGroup
	if pc.Rate > 0 {
		started := make(chan struct{})
		wg.Add(1)
		go func() {
			defer wg.Done()
			forged, forgeErr = forge(ctx, base, value, pc, started)
		}()
		select {
		case <-started:
		case <-ctx.Done():
			wg.Wait()
			return res, ctx.Err()
		}
	}
	start := time.Now()
	end := start.Add(pc.Duration)
	legitClient := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}, Timeout: 5 * time.Second}
	defer legitClient.CloseIdleConnections()
	for i := 0; ; i++ {
		next := start.Add(time.Duration(i) * pc.LegitInterval)
		if !next.Before(end) || ctx.Err() != nil {
			break
		}
		time.Sleep(time.Until(next))
		t := time.Now()
		body, err := get(ctx, legitClient, base+"/", cookie)
		lat := time.Since(t)
		if err != nil || body != "hello, legit\n" {
			res.LegitFailures++
			continue
		}
		res.Legit = append(res.Legit, lat)
	}
	wg.Wait()
	if forgeErr != nil {
		return res, forgeErr
	}
	res.Wall = time.Since(start)
	res.ForgedSent, res.ForgedAnswered, res.ForgedFailed = forged.Sent, forged.Answered, forged.Failed
	slices.Sort(res.Legit)
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		res.LoadAvg = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	res.After, err = stats()
	return res, err
}

// forgeLoop sends forged requests to base at pc.Rate a second over
// pc.Conns connections for pc.Duration, each a copy of template (an h3
// seal) with a fresh random HMAC salt. The schedule is open-loop per
// connection: a request that is late goes at once, and a connection whose
// answers are slow falls behind, as a real client would.
func forgeLoop(ctx context.Context, base, template string, pc phaseConfig, started chan<- struct{}) forgedCounts {
	tr := &http.Transport{MaxIdleConnsPerHost: pc.Conns, MaxConnsPerHost: pc.Conns}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	period := time.Duration(pc.Conns) * time.Second / time.Duration(pc.Rate)
	start := time.Now()
	close(started)
	end := start.Add(pc.Duration)
	var sent, answered, failed atomic.Int64
	var wg sync.WaitGroup
	for w := range pc.Conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			offset := time.Duration(w) * period / time.Duration(pc.Conns)
			for k := 0; ; k++ {
				next := start.Add(offset + time.Duration(k)*period)
				if !next.Before(end) || ctx.Err() != nil {
					return
				}
				time.Sleep(time.Until(next))
				sent.Add(1)
				body, err := get(ctx, client, base+"/", "h3="+forge(template))
				if err != nil || body != "hello, visitor\n" {
					failed.Add(1)
					continue
				}
				answered.Add(1)
			}
		}()
	}
	wg.Wait()
	return forgedCounts{Sent: sent.Load(), Answered: answered.Load(), Failed: failed.Load()}
}

// inProcess is a forger that runs forgeLoop in this process.
func inProcess(ctx context.Context, base, template string, pc phaseConfig, started chan<- struct{}) (forgedCounts, error) {
	return forgeLoop(ctx, base, template, pc, started), nil
}

// forge replaces the HMAC salt of an h3 seal with a fresh random one: a
// well-formed value that never verifies, what an attacker without an
// account sends.
func forge(seal string) string {
	p := strings.Split(seal, "*")
	var salt [32]byte
	rand.Read(salt[:])
	p[6] = hex.EncodeToString(salt[:])
	return strings.Join(p, "*")
}

// get sends GET url with a Cookie header and returns the body.
func get(ctx context.Context, c *http.Client, url, cookie string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status %d", resp.StatusCode)
	}
	return string(b), nil
}

// login signs the legitimate client in and returns its session cookie.
func login(ctx context.Context, base string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/login", nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == "h3" && c.Value != "" {
			return c.Name + "=" + c.Value, nil
		}
	}
	return "", fmt.Errorf("login: status %d, no h3 cookie", resp.StatusCode)
}

func getStats(ctx context.Context, base string) (stats, error) {
	var s stats
	body, err := get(ctx, http.DefaultClient, base+"/stats", "")
	if err != nil {
		return s, fmt.Errorf("GET /stats: %w", err)
	}
	return s, json.Unmarshal([]byte(body), &s)
}

// percentile returns the latency at or below which permille thousandths of
// sorted fall, by the nearest-rank method (integer arithmetic, so p99 of 100
// samples is the 99th). 0 for none.
func percentile(sorted []time.Duration, permille int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := (permille*len(sorted) + 999) / 1000
	return sorted[min(max(rank, 1), len(sorted))-1]
}
