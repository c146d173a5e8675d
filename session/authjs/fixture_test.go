package authjs_test

// The fixture of this package's tests: a Manager in the Auth.js format with
// an injected clock, and a cookie jar that stands in for the browser.

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/internal/testkit"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/authjs"
)

const (
	secret1 = "authjs test secret one, at least 32 bytes"
	secret2 = "authjs test secret two, at least 32 bytes"
)

var t0 = time.UnixMilli(1768471200000) // 2026-01-15T10:00:00Z

func at(t time.Time) *testkit.Clock { return testkit.NewClock(t) }

// newFormat is authjs.New(c), with secret1 when c names no secret.
func newFormat(t testing.TB, c authjs.Config) session.Format {
	t.Helper()
	if c.Secrets == nil {
		c.Secrets = []string{secret1}
	}
	f, err := authjs.New(c)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// newManager is a Manager of Claims in the format of c, on clock.
func newManager(t testing.TB, c authjs.Config, clock *testkit.Clock) *session.Manager[Claims] {
	t.Helper()
	return newManagerOf[Claims](t, c, clock, nil)
}

func newManagerOf[T any](t testing.TB, c authjs.Config, clock *testkit.Clock, errs *testkit.ErrLog) *session.Manager[T] {
	t.Helper()
	// Auth.js chunks long tokens; so may the Go side of these tests.
	cfg := session.Config[T]{Format: newFormat(t, c), Clock: clock.Now, Cookie: cookie.Attributes{Budget: cookie.NoBudget}}
	if errs != nil {
		cfg.OnError = errs.Hook
	}
	m, err := session.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// jar is a browser's cookie jar for https://app.example/.
type jar struct {
	j *cookiejar.Jar
	u *url.URL
}

func newJar(t testing.TB) *jar {
	t.Helper()
	j, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse("https://app.example/")
	return &jar{j, u}
}

// apply stores Set-Cookie lines as a browser would. The tests' clocks are
// not the jar's (the real one), so an Expires attribute is dropped: the
// session's expiry is the token's, checked on the test's clock.
func (j *jar) apply(t testing.TB, lines []string) {
	t.Helper()
	var cs []*http.Cookie
	for _, l := range lines {
		c, err := http.ParseSetCookie(l)
		if err != nil {
			t.Fatalf("Set-Cookie line: %v", err)
		}
		c.Expires = time.Time{}
		cs = append(cs, c)
	}
	j.j.SetCookies(j.u, cs)
}

// header is the jar's Cookie header lines for a request.
func (j *jar) header() []string {
	r := &http.Request{Header: http.Header{}}
	for _, c := range j.j.Cookies(j.u) {
		r.AddCookie(c)
	}
	return r.Header["Cookie"]
}

// names are the sorted names of the cookies in the jar.
func (j *jar) names() []string {
	var n []string
	for _, c := range j.j.Cookies(j.u) {
		n = append(n, c.Name)
	}
	slices.Sort(n)
	return n
}
