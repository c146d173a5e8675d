package ironsession_test

// The fixture of this package's tests: a Manager in the iron-session format
// with an injected clock and an OnError recorder.

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/internal/testkit"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/ironsession"
)

const (
	ironPw1 = "iron test password one, at least 32 chars"
	ironPw2 = "iron test password two, at least 32 chars"
)

var t0 = time.UnixMilli(1767225600000) // 2026-01-01T00:00:00Z

// clock and errLog are the shared test helpers of internal/testkit.
type (
	clock  = testkit.Clock
	errLog = testkit.ErrLog
)

func newClock() *clock { return testkit.NewClock(t0) }

type User struct {
	Name  string `json:"name,omitempty"`
	Views int    `json:"views"`
}

func plainPw(p string) iron.PasswordOption { return iron.PasswordOption{Plain: p} }

// newFormat is ironsession.New(c), with the cookie name "app" and ironPw1
// when c names none.
func newFormat(t testing.TB, c ironsession.Config) session.Format {
	t.Helper()
	if c.CookieName == "" {
		c.CookieName = "app"
	}
	if c.Password.Plain == "" && c.Password.Object == nil {
		c.Password = plainPw(ironPw1)
	}
	f, err := ironsession.New(c)
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
// log; edit, if set, changes the configuration before New.
func newFixture(t *testing.T, format session.Format, edit func(*session.Config[User])) *fixture {
	t.Helper()
	f := &fixture{clk: newClock(), log: &errLog{}}
	// The formats' tests hold them to their peers' chunking, which knows no
	// cookie budget; the budget has tests of its own in package session.
	c := session.Config[User]{Format: format, Clock: f.clk.Now, OnError: f.log.Hook, Cookie: cookie.Attributes{Budget: cookie.NoBudget}}
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

// onlyCookie returns rec's one Set-Cookie for name.
func onlyCookie(t *testing.T, rec *httptest.ResponseRecorder, name string) *http.Cookie {
	t.Helper()
	var out []*http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == name {
			out = append(out, c)
		}
	}
	if len(out) != 1 {
		t.Fatalf("want 1 Set-Cookie for %s, got %v", name, rec.Header()["Set-Cookie"])
	}
	return out[0]
}

// wouldSave reports whether Save would write anything for s: it saves into
// a scratch header and reports what it wrote. Save forgets what it wrote, so
// call it only where nothing should be pending.
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
