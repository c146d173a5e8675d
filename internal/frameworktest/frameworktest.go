// Package frameworktest is the scenario set every framework integration of
// sealcookie is tested with (the adapters under httpx/, each a module of its
// own, and the examples for routers that take the middleware as it is): the
// same scenarios as httpx's own tests, driven over a real loopback
// connection by a client with a real cookie jar.
//
// A server under test serves these routes for a session of type [Data], with
// the handlers written the way that framework's users write them (its own
// context, its own response calls), and the session work done by this
// package's helpers:
//
//	POST /login?name=N   Login, then answer 200 (any body)
//	GET  /count?via=V    Count, then answer 200 through write path V (see Target.Via;
//	                     without via, the framework's usual way)
//	POST /blob?n=N       SetBlob, then answer 200
//	GET  /me             answer 200 with Me(session) as the body
//	POST /logout         Session.Clear, then answer 200
//	GET  /stream         Count, then send "a", flush, "b", flush, "c" (a streamed response)
//	GET  /late           start the response with "early" (sent or flushed), then Count:
//	                     too late, so OnError must hear session.ErrLateChange
//
// [Run] runs every scenario as a subtest; [Measure] runs them and returns
// what each found, for measuring a setup that is expected to fail some (a
// framework with the plain middleware, say).
package frameworktest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/internal/testkit"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
)

// Data is the session data of the scenarios.
type Data struct {
	Name   string `json:"name,omitempty"`
	Visits int    `json:"visits,omitempty"`
	Blob   string `json:"blob,omitempty"`
}

// Password is the test password of NewManager's Manager.
const Password = "frameworktest password, at least 32 bytes long"

// NewManager returns the Manager of the scenarios (the default name,
// __Host-session, and the default lifetimes; no cookie budget, so that the
// chunked scenario can chunk) whose OnError records into the returned log.
func NewManager() (*session.Manager[Data], *testkit.ErrLog, error) {
	log := &testkit.ErrLog{}
	m, err := session.New(session.Config[Data]{
		Keys:    []sealed.Key{{ID: 1, Password: Password}},
		Cookie:  cookie.Attributes{Budget: cookie.NoBudget},
		OnError: log.Hook,
	})
	return m, log, err
}

// Login is POST /login: a new id at every login, and the name.
func Login(s *session.Session[Data], name string) error {
	s.Regenerate()
	return s.Update(func(d *Data) { d.Name = name })
}

// Count is GET /count's (and /stream's, /late's) change: one more visit.
func Count(s *session.Session[Data]) error {
	return s.Update(func(d *Data) { d.Visits++ })
}

// SetBlob is POST /blob: a value of n characters, so the session needs
// chunked cookies once n is over about 3000.
func SetBlob(s *session.Session[Data], n int) error {
	return s.Update(func(d *Data) { d.Blob = strings.Repeat("x", n) })
}

// Me is GET /me's body: what the session holds.
func Me(s *session.Session[Data]) string {
	d := s.Data()
	return fmt.Sprintf("id=%s name=%s visits=%d blob=%d new=%t", s.ID(), d.Name, d.Visits, len(d.Blob), s.IsNew())
}

// Target is a running server under test.
type Target struct {
	// URL is the server's base URL (http://127.0.0.1:PORT or https://...).
	URL string
	// Client is the client to copy for each scenario (its TLS trust, say);
	// nil means http.DefaultClient. Each scenario gets its own cookie jar.
	Client *http.Client
	// Manager is the server's Manager, from NewManager.
	Manager *session.Manager[Data]
	// Errors is the log its OnError records into.
	Errors *testkit.ErrLog
	// Via lists the write paths GET /count answers through (?via=V), each a
	// scenario of its own; none means a single scenario without ?via.
	Via []string
}

// Outcome is what one scenario found: Err is nil when it passed.
type Outcome struct {
	Name string
	Err  error
}

type scenario struct {
	name string
	run  func(*client) error
}

func (tg Target) scenarios() []scenario {
	sc := []scenario{
		{"login gives a new id", loginNewID},
	}
	if len(tg.Via) == 0 {
		sc = append(sc, scenario{"counter across requests", func(c *client) error { return counter(c, "") }})
	}
	for _, v := range tg.Via {
		sc = append(sc, scenario{"counter via " + v, func(c *client) error { return counter(c, v) }})
	}
	return append(sc,
		scenario{"chunked session", chunked},
		scenario{"clear", clear},
		scenario{"tampered cookie", tampered},
		scenario{"streamed response", streamed},
		scenario{"late change reported", late},
		scenario{"session header, no cookie", headerSession},
	)
}

// Run runs every scenario against tg as a subtest.
func Run(t *testing.T, tg Target) {
	t.Helper()
	for _, sc := range tg.scenarios() {
		t.Run(sc.name, func(t *testing.T) {
			if err := sc.run(tg.newClient(t.Context())); err != nil {
				t.Error(err)
			}
		})
	}
}

// Measure runs every scenario against tg and returns what each found, in
// order, without failing anything.
func Measure(ctx context.Context, tg Target) []Outcome {
	var out []Outcome
	for _, sc := range tg.scenarios() {
		out = append(out, Outcome{sc.name, sc.run(tg.newClient(ctx))})
	}
	return out
}

// Failed returns the names of the outcomes that failed.
func Failed(outcomes []Outcome) []string {
	var names []string
	for _, o := range outcomes {
		if o.Err != nil {
			names = append(names, o.Name)
		}
	}
	return names
}

// Table formats outcomes as one line each, for a test's log.
func Table(outcomes []Outcome) string {
	var b strings.Builder
	for _, o := range outcomes {
		res := "works"
		if o.Err != nil {
			res = "FAILS: " + o.Err.Error()
		}
		fmt.Fprintf(&b, "  %-40s %s\n", o.Name, res)
	}
	return b.String()
}

// client is one browser-like client: its own jar, no automatic redirects,
// bounded time.
type client struct {
	tg   Target
	ctx  context.Context
	http *http.Client
	base *url.URL
}

// requestTimeout bounds every request of the scenarios; lateWait is how long
// a scenario waits for an error a carrier reports after its answer.
const (
	requestTimeout = 10 * time.Second
	lateWait       = 2 * time.Second
)

func (tg Target) newClient(ctx context.Context) *client {
	hc := http.Client{}
	if tg.Client != nil {
		hc = *tg.Client
	}
	jar, _ := cookiejar.New(nil) // never fails without options
	hc.Jar = jar
	hc.Timeout = requestTimeout
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	base, _ := url.Parse(tg.URL)
	tg.Errors.Take() // each scenario hears only its own errors
	return &client{tg: tg, ctx: ctx, http: &hc, base: base}
}

// response is what a scenario looks at in an answer.
type response struct {
	status        int
	header        http.Header
	body          string
	contentLength int64
}

// do sends a request; headers are "Name: value" strings.
func (c *client) do(method, path string, headers ...string) (response, error) {
	req, err := http.NewRequestWithContext(c.ctx, method, c.tg.URL+path, nil)
	if err != nil {
		return response{}, err
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(k, strings.TrimSpace(v))
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return response{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return response{}, fmt.Errorf("%s %s: reading the body: %w", method, path, err)
	}
	r := response{resp.StatusCode, resp.Header, string(b), resp.ContentLength}
	if r.status != http.StatusOK {
		return r, fmt.Errorf("%s %s: status %d, want 200 (body %.80q)", method, path, r.status, r.body)
	}
	return r, nil
}

// me fetches GET /me and parses it.
func (c *client) me(headers ...string) (map[string]string, error) {
	r, err := c.do(http.MethodGet, "/me", headers...)
	if err != nil {
		return nil, err
	}
	fields := map[string]string{}
	for _, f := range strings.Fields(r.body) {
		k, v, _ := strings.Cut(f, "=")
		fields[k] = v
	}
	if _, ok := fields["new"]; !ok {
		return nil, fmt.Errorf("GET /me: body %.80q is not Me's", r.body)
	}
	return fields, nil
}

// want compares fields of GET /me with wanted "key=value" pairs.
func (c *client) want(step string, wants ...string) (map[string]string, error) {
	got, err := c.me()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", step, err)
	}
	for _, w := range wants {
		k, v, _ := strings.Cut(w, "=")
		if got[k] != v {
			return got, fmt.Errorf("%s: GET /me has %s=%s, want %s", step, k, got[k], v)
		}
	}
	return got, nil
}

// cookies returns the jar's cookies for the server, by name.
func (c *client) cookies() map[string]string {
	out := map[string]string{}
	for _, ck := range c.http.Jar.Cookies(c.base) {
		out[ck.Name] = ck.Value
	}
	return out
}

// sessionCookies returns the sorted names of the session's cookies in the jar.
func (c *client) sessionCookies() []string {
	name := c.tg.Manager.Name()
	var names []string
	for n := range c.cookies() {
		if n == name || strings.HasPrefix(n, name+".") {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

// noErrors fails when OnError heard anything.
func (c *client) noErrors(step string) error {
	if errs := c.tg.Errors.Take(); len(errs) != 0 {
		return fmt.Errorf("%s: OnError heard %v", step, errs)
	}
	return nil
}

// awaitError waits, for a bounded time, until OnError has heard an error
// matching target (a carrier may report after the client has its answer),
// and fails if it hears anything else.
func (c *client) awaitError(step string, target error) error {
	deadline := time.Now().Add(lateWait)
	var heard []error
	for {
		heard = append(heard, c.tg.Errors.Take()...)
		for _, err := range heard {
			if !errors.Is(err, target) {
				return fmt.Errorf("%s: OnError heard %v, want only %v", step, heard, target)
			}
		}
		if len(heard) != 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: OnError heard nothing within %v, want %v", step, lateWait, target)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func loginNewID(c *client) error {
	before, err := c.want("before login", "new=true", "name=")
	if err != nil {
		return err
	}
	if len(c.sessionCookies()) != 0 {
		return fmt.Errorf("before login: reading a new session set cookies %v", c.sessionCookies())
	}
	if _, err := c.do(http.MethodPost, "/login?name=ada"); err != nil {
		return err
	}
	first, err := c.want("after login", "new=false", "name=ada")
	if err != nil {
		return err
	}
	if first["id"] == "" || first["id"] == before["id"] {
		return fmt.Errorf("after login: id %q, want a new one (before: %q)", first["id"], before["id"])
	}
	if _, err := c.do(http.MethodPost, "/login?name=grace"); err != nil {
		return err
	}
	second, err := c.want("after a second login", "new=false", "name=grace")
	if err != nil {
		return err
	}
	if second["id"] == first["id"] {
		return fmt.Errorf("a second login kept the id %q", first["id"])
	}
	return c.noErrors("login")
}

func counter(c *client, via string) error {
	path := "/count"
	if via != "" {
		path += "?via=" + url.QueryEscape(via)
	}
	for i := 1; i <= 3; i++ {
		if _, err := c.do(http.MethodGet, path); err != nil {
			return err
		}
		if _, err := c.want(fmt.Sprintf("after visit %d", i), fmt.Sprintf("visits=%d", i)); err != nil {
			return err
		}
	}
	return c.noErrors("counter")
}

func chunked(c *client) error {
	name := c.tg.Manager.Name()
	if _, err := c.do(http.MethodPost, "/blob?n=9000"); err != nil {
		return err
	}
	got := c.sessionCookies()
	want := []string{name}
	for i := 1; i < len(got); i++ {
		want = append(want, name+"."+strconv.Itoa(i))
	}
	if len(got) < 3 || !slices.Equal(got, want) {
		return fmt.Errorf("after a 9000-character value: cookies %v, want %s and its chunks %s.1, %s.2, ...", got, name, name, name)
	}
	if _, err := c.want("chunked", "blob=9000", "new=false"); err != nil {
		return err
	}
	if _, err := c.do(http.MethodPost, "/blob?n=10"); err != nil {
		return err
	}
	if got := c.sessionCookies(); !slices.Equal(got, []string{name}) {
		return fmt.Errorf("after shrinking: cookies %v, want the stale chunks deleted", got)
	}
	if _, err := c.want("shrunk", "blob=10", "new=false"); err != nil {
		return err
	}
	return c.noErrors("chunked")
}

func clear(c *client) error {
	if _, err := c.do(http.MethodPost, "/login?name=ada"); err != nil {
		return err
	}
	if len(c.sessionCookies()) == 0 {
		return errors.New("login set no cookie")
	}
	if _, err := c.do(http.MethodPost, "/logout"); err != nil {
		return err
	}
	if got := c.sessionCookies(); len(got) != 0 {
		return fmt.Errorf("after logout: cookies %v, want none", got)
	}
	if _, err := c.want("after logout", "new=true", "name="); err != nil {
		return err
	}
	return c.noErrors("clear")
}

func tampered(c *client) error {
	if _, err := c.do(http.MethodPost, "/login?name=ada"); err != nil {
		return err
	}
	name := c.tg.Manager.Name()
	v := c.cookies()[name]
	if len(v) < 20 {
		return fmt.Errorf("login set no usable cookie (%d characters)", len(v))
	}
	b := []byte(v)
	i := len(b) - 10 // inside the ciphertext and its tag
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	c.http.Jar.SetCookies(c.base, []*http.Cookie{{Name: name, Value: string(b), Path: "/"}})
	r, err := c.do(http.MethodGet, "/me")
	if err != nil {
		return fmt.Errorf("a tampered cookie: %w", err)
	}
	if !strings.Contains(r.body, "new=true") || !strings.Contains(r.body, "name= ") {
		return fmt.Errorf("a tampered cookie: GET /me %q, want a fresh session", r.body)
	}
	errs := c.tg.Errors.Take()
	if len(errs) != 1 || !errors.Is(errs[0], sealed.ErrNotAuthentic) {
		return fmt.Errorf("a tampered cookie: OnError heard %v, want one sealed.ErrNotAuthentic", errs)
	}
	if strings.Contains(errs[0].Error(), string(b)) {
		return errors.New("a tampered cookie: OnError's error holds the cookie value")
	}
	if got := c.sessionCookies(); len(got) != 0 {
		return fmt.Errorf("a tampered cookie: the answer left cookies %v, want it deleted", got)
	}
	return nil
}

func streamed(c *client) error {
	r, err := c.do(http.MethodGet, "/stream")
	if err != nil {
		return err
	}
	if r.body != "abc" {
		return fmt.Errorf("GET /stream: body %q, want \"abc\"", r.body)
	}
	if r.contentLength != -1 {
		return fmt.Errorf("GET /stream: Content-Length %d: the response was buffered, not streamed", r.contentLength)
	}
	if _, err := c.want("after the stream", "visits=1", "new=false"); err != nil {
		return err
	}
	return c.noErrors("stream")
}

func late(c *client) error {
	r, err := c.do(http.MethodGet, "/late")
	if err != nil {
		return err
	}
	if r.body != "early" {
		return fmt.Errorf("GET /late: body %q, want \"early\"", r.body)
	}
	if err := c.awaitError("GET /late", session.ErrLateChange); err != nil {
		return err
	}
	if got := c.sessionCookies(); len(got) != 0 {
		return fmt.Errorf("GET /late set cookies %v", got)
	}
	if _, err := c.want("after /late", "visits=0", "new=true"); err != nil {
		return err
	}
	return c.noErrors("late")
}

// headerSession: a client without cookies carries the session in the
// session header and gets the new value back in it, never a Set-Cookie.
func headerSession(c *client) error {
	if _, err := c.do(http.MethodPost, "/login?name=ada"); err != nil {
		return err
	}
	m := c.tg.Manager
	v := c.cookies()[m.Name()]
	if v == "" {
		return errors.New("login set no cookie")
	}
	rpc := *c.http
	rpc.Jar = nil
	hc := &client{tg: c.tg, ctx: c.ctx, http: &rpc, base: c.base}
	r, err := hc.do(http.MethodGet, "/count", m.HeaderName()+": "+v)
	if err != nil {
		return err
	}
	if sc := r.header.Values("Set-Cookie"); len(sc) != 0 {
		return fmt.Errorf("a session from the header got Set-Cookie %q", sc)
	}
	next := r.header.Get(m.HeaderName())
	if next == "" || next == v {
		return fmt.Errorf("the answer's %s header is %.20q, want the new value", m.HeaderName(), next)
	}
	if vary := strings.Join(r.header.Values("Vary"), ","); !strings.Contains(vary, "Cookie") || !strings.Contains(vary, m.HeaderName()) {
		return fmt.Errorf("Vary %q, want Cookie and %s", vary, m.HeaderName())
	}
	got, err := hc.me(m.HeaderName() + ": " + next)
	if err != nil {
		return err
	}
	if got["name"] != "ada" || got["visits"] != "1" {
		return fmt.Errorf("the new header value holds name=%s visits=%s, want ada and 1", got["name"], got["visits"])
	}
	return c.noErrors("session header")
}
