package interoptest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	scookie "github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/internal/vectors"
	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/h3"
	"github.com/sealcookie/sealcookie/session/ironsession"
)

// pinned are the versions internal/node/package.json pins (by the name they
// are installed under), and nestedPinned those its lockfile pins inside them.
var (
	pinned = map[string]string{
		"h3": "2.0.8", "h3v1": "1.15.11", "iron-session": "8.0.4",
		"iron-session9": "9.0.1", "nuxt-auth-utils": "0.5.30",
	}
	nestedPinned = map[string]string{"nuxt-auth-utils/h3": "1.15.11"}
)

// nodeTimeout bounds one run of verify.mjs.
const nodeTimeout = 60 * time.Second

// job is one request to verify.mjs (see its header comment).
type job struct {
	Op          string            `json:"op"`  // read, update, clear, replace (nuxt-auth-utils)
	Lib         string            `json:"lib"` // h3v2, h3v1, iron-session, iron-session9, nuxt-auth-utils
	Password    any               `json:"password"`
	Name        string            `json:"name,omitempty"`
	MaxAge      int64             `json:"maxAge,omitempty"`
	IdleTimeout int64             `json:"idleTimeout,omitempty"`
	TTL         int64             `json:"ttl,omitempty"`
	Config      map[string]any    `json:"config,omitempty"`
	Now         int64             `json:"now,omitempty"`
	Headers     map[string]string `json:"headers,omitempty"`
	Data        map[string]any    `json:"data,omitempty"`
}

// result is verify.mjs's answer to a job.
type result struct {
	OK        bool            `json:"ok"`
	Error     string          `json:"error"`
	Status    int             `json:"status"`
	Session   json.RawMessage `json:"session"`
	Fresh     bool            `json:"fresh"`
	Reason    string          `json:"reason"`
	SetCookie []string        `json:"setCookie"`
	Body      json.RawMessage `json:"body"` // nuxt-auth-utils: the route's or utility's answer
}

var (
	versionsOnce sync.Once
	versionsErr  error
)

// nodeDir returns internal/node when node and the pinned packages are
// there. Otherwise it fails the test in CI and skips it elsewhere, saying why.
func nodeDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(vectors.ModuleRoot(t), "internal", "node")
	missing := ""
	if _, err := exec.LookPath("node"); err != nil {
		missing = "node is not on PATH"
	} else {
		for pkg := range pinned {
			if _, err := os.Stat(filepath.Join(dir, "node_modules", pkg, "package.json")); err != nil {
				missing = "internal/node/node_modules has no " + pkg + " (run: npm ci --prefix internal/node)"
				break
			}
		}
	}
	if missing != "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("live interop round trips with h3 and iron-session cannot run in CI: %s", missing)
		}
		t.Skipf("skipping the live interop round trips with h3 and iron-session: %s (in CI this fails)", missing)
	}
	versionsOnce.Do(func() { versionsErr = checkVersions(dir) })
	if versionsErr != nil {
		t.Fatal(versionsErr)
	}
	return dir
}

func checkVersions(dir string) error {
	out, err := runScript(dir, nil, "--versions")
	if err != nil {
		return err
	}
	var got map[string]string
	if err := json.Unmarshal(out, &got); err != nil {
		return fmt.Errorf("verify.mjs --versions: %v", err)
	}
	for pkg, want := range mapsJoin(pinned, nestedPinned) {
		if got[pkg] != want {
			return fmt.Errorf("internal/node has %s %s installed, package.json pins %s: run npm ci --prefix internal/node", pkg, got[pkg], want)
		}
	}
	return nil
}

func mapsJoin(a, b map[string]string) map[string]string {
	m := maps.Clone(a)
	maps.Copy(m, b)
	return m
}

func runScript(dir string, stdin []byte, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), nodeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append([]string{"verify.mjs"}, args...)...)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("node verify.mjs %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// run runs jobs in one Node process and returns their results.
func run(t *testing.T, jobs ...job) []result {
	t.Helper()
	dir := nodeDir(t)
	in, err := json.Marshal(jobs)
	if err != nil {
		t.Fatal(err)
	}
	out, err := runScript(dir, in)
	if err != nil {
		t.Fatal(err)
	}
	var res []result
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("verify.mjs output: %v", err)
	}
	if len(res) != len(jobs) {
		t.Fatalf("verify.mjs answered %d jobs of %d", len(res), len(jobs))
	}
	return res
}

// run1 runs one job and fails the test if the library threw.
func run1(t *testing.T, j job) result {
	t.Helper()
	r := run(t, j)[0]
	if !r.OK {
		t.Fatalf("%s %s: %s", j.Lib, j.Op, r.Error)
	}
	return r
}

// Data is the session type of the round trips: any JSON object.
type Data = map[string]any

// t0 is the clock both sides see, Unix milliseconds.
const t0 = int64(1768471200000) // 2026-01-15T10:00:00Z

// clock is a settable clock for a Manager.
type clock struct {
	mu sync.Mutex
	ms int64
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.UnixMilli(c.ms)
}

func (c *clock) set(ms int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ms = ms
}

// peer is our side: a Manager with its clock and what OnError heard.
type peer struct {
	m    *session.Manager[Data]
	clk  *clock
	mu   sync.Mutex
	errs []error
}

// peerKind names the format our side of a walk speaks.
type peerKind int

const (
	h3v2 peerKind = iota + 1
	h3v1
	ironSession
	ironSession9
	nuxtAuthUtils // h3 1.x under nuxt-auth-utils: cookie nuxt-session, SameSite=Lax
)

// peerCfg is our side's configuration: the format with its password and
// lifetimes in the JavaScript library's terms (a negative duration for an
// option the library leaves unset), the cookie name ("" for the format's)
// and attributes.
type peerCfg struct {
	kind         peerKind
	name         string
	pw           iron.PasswordOption
	maxAge, idle time.Duration
	attrs        scookie.Attributes
}

// unlimited is the derivation budget of every peer here: these tests read
// dozens of values the libraries sealed, each with salts not seen before,
// far more than the process-wide budget allows (it has tests of its own).
var unlimited = func() *iron.Budget {
	b, err := iron.NewBudget(iron.BudgetConfig{CPU: -1, Concurrency: -1})
	if err != nil {
		panic(err)
	}
	return b
}()

// config builds the session.Config of c.
func (c peerCfg) config(t *testing.T) session.Config[Data] {
	t.Helper()
	var f session.Format
	var err error
	switch c.kind {
	case h3v2, h3v1:
		v := 2
		if c.kind == h3v1 {
			v = 1
		}
		f, err = h3.New(h3.Config{Version: v, Name: c.name, Password: c.pw, MaxAge: c.maxAge, IdleTimeout: c.idle, Budget: unlimited})
	case nuxtAuthUtils:
		name := c.name
		if name == "" {
			name = "nuxt-session"
		}
		f, err = h3.New(h3.Config{Version: 1, Name: name, Password: c.pw, MaxAge: c.maxAge, Budget: unlimited})
	case ironSession, ironSession9:
		v := 8
		if c.kind == ironSession9 {
			v = 9
		}
		f, err = ironsession.New(ironsession.Config{CookieName: c.name, Password: c.pw, TTL: c.maxAge, Version: v, Budget: unlimited})
	default:
		t.Fatalf("unknown peer kind %d", c.kind)
	}
	if err != nil {
		t.Fatal(err)
	}
	// The JavaScript peers chunk without a cookie budget; so does the Go
	// side of these round trips (the budget has tests of its own).
	attrs := c.attrs
	if attrs.Budget == 0 {
		attrs.Budget = scookie.NoBudget
	}
	return session.Config[Data]{Format: f, Cookie: attrs}
}

// envelopeOf is s as h3's envelope (iron-session's data alone has no id
// and no times).
func envelopeOf(s *session.Session[Data]) session.Envelope[Data] {
	e := session.Envelope[Data]{ID: s.ID(), Data: s.Data()}
	if t := s.CreatedAt(); !t.IsZero() {
		e.CreatedAt = t.UnixMilli()
	}
	if t := s.LastSeenAt(); !t.IsZero() {
		e.LastSeenAt = t.UnixMilli()
	}
	return e
}

func newPeer(t *testing.T, pc peerCfg) *peer {
	t.Helper()
	c := pc.config(t)
	p := &peer{clk: &clock{ms: t0}}
	c.Clock = p.clk.now
	c.OnError = func(_ context.Context, err error) {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.errs = append(p.errs, err)
	}
	m, err := session.New(c)
	if err != nil {
		t.Fatal(err)
	}
	p.m = m
	return p
}

func (p *peer) takeErrors() []error {
	p.mu.Lock()
	defer p.mu.Unlock()
	e := p.errs
	p.errs = nil
	return e
}

// do runs one request at ms through the Manager: it gets the session,
// lets handle change it, saves, and returns the session and the Set-Cookie lines.
func (p *peer) do(t *testing.T, ms int64, headers map[string]string, handle func(*session.Session[Data])) (*session.Session[Data], *httptest.ResponseRecorder) {
	t.Helper()
	p.clk.set(ms)
	r := httptest.NewRequest("GET", "https://example.com/", nil)
	for k, v := range headers {
		r.Header.Set(k, v)
	}
	s := p.m.Get(r)
	if handle != nil {
		handle(s)
	}
	rec := httptest.NewRecorder()
	if err := s.Save(rec.Header()); err != nil {
		t.Fatalf("Save: %v", err)
	}
	return s, rec
}

// write saves data in a new session at ms and returns the Cookie header a
// browser sends back.
func (p *peer) write(t *testing.T, ms int64, data Data) (string, *session.Session[Data]) {
	t.Helper()
	s, rec := p.do(t, ms, nil, func(s *session.Session[Data]) {
		if err := s.Update(func(d *Data) { *d = data }); err != nil {
			t.Fatal(err)
		}
	})
	h := jar(t, "", rec.Header()["Set-Cookie"])
	if h == "" {
		t.Fatal("no session cookie written")
	}
	return h, s
}

func cookie(h string) map[string]string { return map[string]string{"Cookie": h} }

// jar applies Set-Cookie lines to a Cookie header, as a browser would.
func jar(t *testing.T, before string, lines []string) string {
	t.Helper()
	var names []string
	vals := map[string]string{}
	set := func(name, value string) {
		if _, ok := vals[name]; !ok {
			names = append(names, name)
		}
		vals[name] = value
	}
	for _, p := range strings.Split(before, ";") {
		if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok {
			set(k, v)
		}
	}
	for _, l := range lines {
		c, err := http.ParseSetCookie(l)
		if err != nil {
			t.Fatalf("Set-Cookie line: %v", err)
		}
		set(c.Name, c.Value)
		if c.Value == "" || c.MaxAge < 0 {
			delete(vals, c.Name)
		}
	}
	var parts []string
	for _, n := range names {
		if v, ok := vals[n]; ok {
			parts = append(parts, n+"="+v)
			delete(vals, n)
		}
	}
	return strings.Join(parts, "; ")
}

// envelope decodes h3's session JSON.
func envelope(t *testing.T, raw json.RawMessage) session.Envelope[Data] {
	t.Helper()
	var e session.Envelope[Data]
	if err := json.Unmarshal(raw, &e); err != nil {
		t.Fatalf("h3 session %s: %v", raw, err)
	}
	return e
}

func data(t *testing.T, raw json.RawMessage) Data {
	t.Helper()
	var d Data
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("iron-session data %s: %v", raw, err)
	}
	return d
}

func pw(p string) iron.PasswordOption { return iron.PasswordOption{Plain: p} }

func pwObject(kv ...string) (iron.PasswordOption, map[string]string) {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return iron.PasswordOption{Object: m}, m
}

func jsonUnmarshal(raw json.RawMessage, v any) error { return json.Unmarshal(raw, v) }
