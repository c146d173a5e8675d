package h3_test

// The fixture of this package's tests: a Manager in an h3 format (or the
// native one) with an injected clock and an OnError recorder.

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/internal/testkit"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/h3"
)

const (
	ironPw1 = "iron test password one, at least 32 chars"
	ironPw2 = "iron test password two, at least 32 chars"
)

var (
	// nativeKey is the native format's key, for comparisons with it.
	nativeKey = sealed.Key{ID: 1, Password: "native test password, 32+ bytes long"}
	t0        = time.UnixMilli(1767225600000) // 2026-01-01T00:00:00Z
)

// clock and errLog are the shared test helpers of internal/testkit.
type (
	clock  = testkit.Clock
	errLog = testkit.ErrLog
)

func newClock() *clock { return testkit.NewClock(t0) }

type User struct {
	Name  string   `json:"name,omitempty"`
	Views int      `json:"views"`
	Roles []string `json:"roles,omitempty"`
}

func plainPw(p string) iron.PasswordOption { return iron.PasswordOption{Plain: p} }

// testBudget never refuses: these tests derive keys far more often than the
// process-wide budget allows. budget_test.go tests the budget itself.
var testBudget = func() *iron.Budget {
	b, err := iron.NewBudget(iron.BudgetConfig{CPU: -1, Concurrency: -1})
	if err != nil {
		panic(err)
	}
	return b
}()

// newFormat is h3.New(c), with ironPw1 when c names no password and
// testBudget when it names no budget.
func newFormat(t testing.TB, c h3.Config) session.Format {
	t.Helper()
	if c.Password.Plain == "" && c.Password.Object == nil {
		c.Password = plainPw(ironPw1)
	}
	if c.Budget == nil {
		c.Budget = testBudget
	}
	f, err := h3.New(c)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

type fixture struct {
	m   *session.Manager[User]
	clk *clock
	log *errLog
}

// newFixture builds a Manager in format, with the fixture's clock and error
// log; a nil format is the native one, under nativeKey and the name "app".
// edit, if set, changes the configuration before New.
func newFixture(t *testing.T, format session.Format, edit func(*session.Config[User])) *fixture {
	t.Helper()
	f := &fixture{clk: newClock(), log: &errLog{}}
	// The formats' tests hold them to their peers' chunking, which knows no
	// cookie budget; the budget has tests of its own in package session.
	c := session.Config[User]{Format: format, Clock: f.clk.Now, OnError: f.log.Hook, Cookie: cookie.Attributes{Budget: cookie.NoBudget}}
	if format == nil {
		c.Name, c.Keys = "app", []sealed.Key{nativeKey}
	}
	if edit != nil {
		edit(&c)
	}
	m, err := session.New(c)
	if err != nil {
		t.Fatal(err)
	}
	f.m = m
	return f
}

// do runs one request through the Manager: handler gets the session, may
// change it, then Save runs. It returns the response recorder.
func (f *fixture) do(t *testing.T, req *http.Request, handler func(*session.Session[User])) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	s := f.m.Get(req)
	if handler != nil {
		handler(s)
	}
	if err := s.Save(rec.Header()); err != nil {
		t.Fatalf("Save: %v", err)
	}
	return rec
}

// update is s.Update that fails the test on an error.
func update(t *testing.T, s *session.Session[User], f func(*User)) {
	t.Helper()
	if err := s.Update(f); err != nil {
		t.Errorf("Update: %v", err)
	}
}

func newReq(cookies ...*http.Cookie) *http.Request {
	r := httptest.NewRequest("GET", "https://example.com/", nil)
	for _, c := range cookies {
		r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	return r
}

// sessionCookies returns the Set-Cookie lines of rec for name (and its chunks).
func sessionCookies(rec *httptest.ResponseRecorder, name string) []*http.Cookie {
	var out []*http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == name || strings.HasPrefix(c.Name, name+".") {
			out = append(out, c)
		}
	}
	return out
}

func onlyCookie(t *testing.T, rec *httptest.ResponseRecorder, name string) *http.Cookie {
	t.Helper()
	cs := sessionCookies(rec, name)
	if len(cs) != 1 {
		t.Fatalf("want 1 Set-Cookie for %s, got %d: %v", name, len(cs), rec.Header()["Set-Cookie"])
	}
	return cs[0]
}

// wouldSave reports whether Save would write anything for s: it saves into
// a scratch header and reports what it wrote. Save forgets what it wrote, so
// call it only where the old Session.Pending was asked.
func wouldSave(t *testing.T, s *session.Session[User]) bool {
	t.Helper()
	h := http.Header{}
	if err := s.Save(h); err != nil {
		t.Fatalf("Save: %v", err)
	}
	return len(h) != 0
}

// fakeLegacy is a LegacyReader for an old cookie named "old": "valid" holds
// {Name: "migrated"} written at t0, anything else is refused.
type fakeLegacy struct{ deletes int }

func (l *fakeLegacy) Read(cookies []string) (session.LegacySession[User], error) {
	r := &http.Request{Header: http.Header{"Cookie": cookies}}
	c, err := r.Cookie("old")
	if err != nil {
		return session.LegacySession[User]{}, session.ErrNoLegacy
	}
	if c.Value == "valid" {
		return session.LegacySession[User]{Data: User{Name: "migrated"}, CreatedAt: t0}, nil
	}
	return session.LegacySession[User]{}, sealed.ErrNotAuthentic
}

func (l *fakeLegacy) Delete(h http.Header, _ []string) {
	l.deletes++
	h.Add("Set-Cookie", (&http.Cookie{Name: "old", MaxAge: -1}).String())
}
