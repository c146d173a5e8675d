package session_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/session"
)

// A carrier that is not net/http, as a serverless event is: cookies arrive as
// "name=value" strings and leave as Set-Cookie lines, the session header as a
// string. These tests use nothing else: no request, no response writer.

// jar keeps the cookies a browser would from Set-Cookie lines, in plain
// strings: a name=value per cookie, deleted by Max-Age=0.
type jar map[string]string

func (j jar) store(t *testing.T, lines []string) {
	t.Helper()
	for _, line := range lines {
		pair, attrs, _ := strings.Cut(line, ";")
		name, value, ok := strings.Cut(pair, "=")
		if !ok {
			t.Fatalf("Set-Cookie line without name=value: %q", line)
		}
		if strings.Contains(attrs, "Max-Age=0") {
			delete(j, name)
			continue
		}
		j[name] = value
	}
}

// header is the Cookie header the jar sends, as one line.
func (j jar) header() []string {
	if len(j) == 0 {
		return nil
	}
	var pairs []string
	for n, v := range j {
		pairs = append(pairs, n+"="+v)
	}
	return []string{strings.Join(pairs, "; ")}
}

func TestLoadAndSaveWithStringsOnly(t *testing.T) {
	f := newFixture(t, func(c *session.Config[User]) {
		c.IdleTimeout = 30 * time.Minute
		c.Cookie.Budget = cookie.NoBudget // chunked below
	})
	ctx := t.Context()
	j := jar{"_ga": "GA1.2.3", "theme": "dark"}

	// A new session, changed: one Set-Cookie line, the other cookies untouched.
	s := f.m.Load(ctx, j.header(), "")
	if !s.IsNew() {
		t.Fatal("a request without the session cookie loaded a session")
	}
	if err := s.Update(func(u *User) { u.Name = "ada" }); err != nil {
		t.Fatal(err)
	}
	out := http.Header{}
	if err := s.Save(out); err != nil {
		t.Fatal(err)
	}
	if got := len(out["Set-Cookie"]); got != 1 || !strings.HasPrefix(out["Set-Cookie"][0], "app=") {
		t.Fatalf("Set-Cookie lines %q, want one for app", out["Set-Cookie"])
	}
	j.store(t, out["Set-Cookie"])

	// Read back; a value over 4000 characters is chunked into several lines.
	f.clk.Advance(time.Minute)
	s = f.m.Load(ctx, j.header(), "")
	if s.IsNew() || s.Data().Name != "ada" {
		t.Fatalf("read back %+v new=%v; errors %v", s.Data(), s.IsNew(), f.log.Take())
	}
	if err := s.Update(func(u *User) { u.Roles = []string{strings.Repeat("r", 7000)} }); err != nil {
		t.Fatal(err)
	}
	out = http.Header{}
	if err := s.Save(out); err != nil {
		t.Fatal(err)
	}
	if got := len(out["Set-Cookie"]); got != 4 { // app=__chunked__3, app.1, app.2, app.3
		t.Fatalf("%d Set-Cookie lines, want 4: %.200q", got, out["Set-Cookie"])
	}
	j.store(t, out["Set-Cookie"])
	s = f.m.Load(ctx, j.header(), "")
	if diff := cmp.Diff(User{Name: "ada", Roles: []string{strings.Repeat("r", 7000)}}, s.Data()); diff != "" {
		t.Fatalf("chunked session read back (-want +got):\n%s", diff)
	}

	// Shrinking deletes the chunks the request carried.
	if err := s.Update(func(u *User) { u.Roles = nil }); err != nil {
		t.Fatal(err)
	}
	out = http.Header{}
	if err := s.Save(out); err != nil {
		t.Fatal(err)
	}
	j.store(t, out["Set-Cookie"])
	if diff := cmp.Diff(jar{"_ga": "GA1.2.3", "theme": "dark", "app": j["app"]}, j); diff != "" {
		t.Errorf("jar after shrinking (-want +got):\n%s", diff)
	}

	// The session header wins over the cookie, and the new value goes back in it.
	cookieOnly := f.m.Load(ctx, j.header(), "")
	byHeader := f.m.Load(ctx, []string{"app=garbage"}, j["app"])
	if byHeader.IsNew() || byHeader.ID() != cookieOnly.ID() {
		t.Fatalf("the header's session was not read: new=%v, errors %v", byHeader.IsNew(), f.log.Take())
	}
	byHeader.Touch()
	out = http.Header{}
	if err := byHeader.Save(out); err != nil {
		t.Fatal(err)
	}
	if v := out.Get(f.m.HeaderName()); v == "" || v == j["app"] {
		t.Errorf("response session header %q, want a fresh seal", v)
	}

	// Clear deletes the cookie; a tampered one gives a fresh session and is deleted.
	s = f.m.Load(ctx, j.header(), "")
	s.Clear()
	out = http.Header{}
	if err := s.Save(out); err != nil {
		t.Fatal(err)
	}
	j.store(t, out["Set-Cookie"])
	if _, ok := j["app"]; ok {
		t.Errorf("Clear left the cookie: %q", out["Set-Cookie"])
	}
	f.log.Take()
	s = f.m.Load(ctx, []string{"app=" + strings.Repeat("A", 300)}, "")
	out = http.Header{}
	if err := s.Save(out); err != nil {
		t.Fatal(err)
	}
	if !s.IsNew() || len(f.log.Take()) != 1 || len(out["Set-Cookie"]) != 1 || !strings.Contains(out["Set-Cookie"][0], "Max-Age=0") {
		t.Errorf("tampered value: new=%v, Set-Cookie %q", s.IsNew(), out["Set-Cookie"])
	}
}

// Load never caches: each call reads the cookie afresh.
func TestLoadIsNotCached(t *testing.T) {
	f := newFixture(t, nil)
	a := f.m.Load(t.Context(), nil, "")
	b := f.m.Load(t.Context(), nil, "")
	if a == b || a.ID() == b.ID() {
		t.Error("two Loads of an empty request shared a session")
	}
}
