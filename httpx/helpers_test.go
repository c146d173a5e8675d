package httpx_test

import (
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sealcookie/sealcookie/internal/testkit"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
)

const testPassword = "httpx test password, at least 32 bytes"

var testKeys = []sealed.Key{{ID: 1, Password: testPassword}}

// User is the session data of most tests.
type User struct {
	ID    string `json:"id,omitempty"`
	Name  string `json:"name,omitempty"`
	Role  string `json:"role,omitempty"`
	CSRF  string `json:"csrf,omitempty"`
	Count int    `json:"count,omitempty"`
	Blob  string `json:"blob,omitempty"`
}

func signedIn(u User) bool { return u.ID != "" }

// clock and errLog are the shared test helpers of internal/testkit.
type (
	clock  = testkit.Clock
	errLog = testkit.ErrLog
)

func newClock() *clock { return testkit.NewClock(time.UnixMilli(time.Now().UnixMilli())) }

// newManager returns a Manager for User named name ("" for the default) whose
// errors go to the returned log and whose clock is the returned clock; edit
// adjusts the config first.
func newManager(t testing.TB, name string, edit func(*session.Config[User])) (*session.Manager[User], *errLog, *clock) {
	t.Helper()
	log, clk := &errLog{}, newClock()
	c := session.Config[User]{Name: name, Keys: testKeys, OnError: log.Hook, Clock: clk.Now}
	if edit != nil {
		edit(&c)
	}
	m, err := session.New(c)
	if err != nil {
		t.Fatal(err)
	}
	return m, log, clk
}

// newServer starts h on a TLS test server (HTTP/2 when h2) whose error log
// is discarded (the panic tests make it talk).
func newServer(t testing.TB, h http.Handler, h2 bool) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.EnableHTTP2 = h2
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// client is a browser-like client of one server: its own cookie jar, no
// automatic redirects, a bounded timeout.
type client struct {
	t   testing.TB
	srv *httptest.Server
	c   *http.Client
	jar *cookiejar.Jar
}

func newClient(t testing.TB, srv *httptest.Server) *client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := *srv.Client() // a copy: srv.Client() is shared
	c.Jar = jar
	c.Timeout = 10 * time.Second
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &client{t: t, srv: srv, c: &c, jar: jar}
}

// response is what a test looks at in an answer.
type response struct {
	Status int
	Header http.Header
	Body   string
}

// do sends a request for path (relative to the server) with the given
// headers ("Name: value" lines) and body.
func (c *client) do(method, path, body string, headers ...string) response {
	c.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.srv.URL+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Add(k, strings.TrimSpace(v))
	}
	resp, err := c.c.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		c.t.Fatalf("%s %s: reading the body: %v", method, path, err)
	}
	return response{resp.StatusCode, resp.Header, string(b)}
}

func (c *client) get(path string, headers ...string) response {
	c.t.Helper()
	return c.do(http.MethodGet, path, "", headers...)
}

// cookies returns the names of the cookies the jar would send to the server.
func (c *client) cookies() []string {
	u, _ := url.Parse(c.srv.URL)
	var names []string
	for _, ck := range c.jar.Cookies(u) {
		names = append(names, ck.Name)
	}
	return names
}

// origin is the server's origin, what a same-origin browser request sends.
func (c *client) origin() string { return c.srv.URL }

// setCookieNames returns the cookie names of a response's Set-Cookie lines.
func setCookieNames(h http.Header) []string {
	var names []string
	for _, line := range h.Values("Set-Cookie") {
		ck, err := http.ParseSetCookie(line)
		if err != nil {
			names = append(names, "unparseable")
			continue
		}
		names = append(names, ck.Name)
	}
	return names
}

// jsonBody decodes a response body into a map.
func jsonBody(t testing.TB, r response) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.Body), &m); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", r.Body, err)
	}
	return m
}
