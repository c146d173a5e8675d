package session_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/sealed"
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

// TestStaleChunksFromOverlappingRequests: in the native format too, two
// requests that leave with the same cookie and answer with four chunks (A)
// and then two (B) leave the browser with app=__chunked__2 beside app.1 …
// app.4. The session read is B's, from chunks 1–2, and B's next save deletes
// the stale app.3 and app.4.
func TestStaleChunksFromOverlappingRequests(t *testing.T) {
	f := newFixture(t, func(c *session.Config[User]) { c.Cookie.Budget = cookie.NoBudget })
	ctx := t.Context()
	j := jar{}
	s := f.m.Load(ctx, nil, "")
	if err := s.Update(func(u *User) { u.Name = "start" }); err != nil {
		t.Fatal(err)
	}
	save := func(s *session.Session[User]) []string {
		h := http.Header{}
		if err := s.Save(h); err != nil {
			t.Fatal(err)
		}
		return h["Set-Cookie"]
	}
	j.store(t, save(s))
	before := j.header()
	write := func(name string) []string {
		s := f.m.Load(ctx, before, "")
		if s.IsNew() {
			t.Fatalf("the starting session was not read: %v", f.log.Take())
		}
		if err := s.Update(func(u *User) { u.Name = name }); err != nil {
			t.Fatal(err)
		}
		return save(s)
	}
	a, b := write(strings.Repeat("a", 11000)), write(strings.Repeat("b", 5000))
	j.store(t, a)
	j.store(t, b)
	if j["app"] != "__chunked__2" || j["app.4"] == "" {
		t.Fatalf("the jar does not hold two live and two stale chunks: %d cookies, app=%.12s", len(j), j["app"])
	}
	s = f.m.Load(ctx, j.header(), "")
	if s.IsNew() || s.Data().Name != strings.Repeat("b", 5000) {
		t.Fatalf("read with stale chunks: new %v, %v", s.IsNew(), f.log.Take())
	}
	s.Touch()
	j.store(t, save(s))
	if _, ok := j["app.3"]; ok {
		t.Error("the save after the stale read left app.3")
	}
	if _, ok := j["app.4"]; ok {
		t.Error("the save after the stale read left app.4")
	}
	if s := f.m.Load(ctx, j.header(), ""); s.IsNew() || s.Data().Name != strings.Repeat("b", 5000) {
		t.Errorf("read after the clean-up: new %v, %v", s.IsNew(), f.log.Take())
	}
}

// TestNativeSealsAlwaysExpire: an iron seal may carry no expiration, which
// iron accepts forever; a native seal always carries one (sealed refuses to
// seal without), and MaxAge from createdAt is enforced besides.
func TestNativeSealsAlwaysExpire(t *testing.T) {
	ring, err := sealed.NewKeyring(key1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ring.SealString([]byte(`{}`), "app", time.Time{}); err == nil {
		t.Fatal("sealed sealed a value without an expiry")
	}
	// A seal that outlives its envelope: expiry in a year, createdAt now.
	v, err := ring.SealString([]byte(`{"id":"x","createdAt":1767225600000,"data":{"name":"ada"}}`), "app", t0.Add(365*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, func(c *session.Config[User]) { c.IdleTimeout = -1 })
	f.clk.Advance(24*time.Hour + 5*time.Second) // MaxAge (24 h) plus the clock skew
	if _, err := f.m.Decode(t.Context(), v); !errors.Is(err, session.ErrExpired) {
		t.Errorf("Decode after MaxAge: %v, want ErrExpired", err)
	}
}

// A session read from the session header is answered in that header only:
// its client keeps the session itself, so neither a change nor a clear sends
// a Set-Cookie, even when the request also carried a cookie.
func TestHeaderSessionGetsNoCookie(t *testing.T) {
	f := newFixture(t, nil)
	ctx := t.Context()
	value, err := f.m.Encode(session.Envelope[User]{Data: User{Name: "rpc"}})
	if err != nil {
		t.Fatal(err)
	}
	other, err := f.m.Encode(session.Envelope[User]{Data: User{Name: "browser"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name       string
		cookies    []string
		act        func(*session.Session[User]) error
		wantHeader bool // a non-empty session header in the answer
	}{
		{"update", nil, func(s *session.Session[User]) error { return s.Update(func(u *User) { u.Name = "rpc2" }) }, true},
		{"update beside a cookie", []string{"app=" + other}, func(s *session.Session[User]) error { return s.Update(func(u *User) { u.Name = "rpc2" }) }, true},
		{"regenerate", nil, func(s *session.Session[User]) error { s.Regenerate(); return nil }, true},
		{"clear", nil, func(s *session.Session[User]) error { s.Clear(); return nil }, false},
		{"clear beside a cookie", []string{"app=" + other}, func(s *session.Session[User]) error { s.Clear(); return nil }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := f.m.Load(ctx, tc.cookies, value)
			if s.IsNew() || s.Data().Name != "rpc" {
				t.Fatalf("the header's session was not read: %+v, errors %v", s.Data(), f.log.Take())
			}
			if err := tc.act(s); err != nil {
				t.Fatal(err)
			}
			out := http.Header{}
			if err := s.Save(out); err != nil {
				t.Fatal(err)
			}
			if sc := out["Set-Cookie"]; len(sc) != 0 {
				t.Errorf("Set-Cookie %q for a session from the header", sc)
			}
			got, ok := out[f.m.HeaderName()]
			if !ok || len(got) != 1 {
				t.Fatalf("response session header %q, want one value", got)
			}
			if (got[0] != "") != tc.wantHeader {
				t.Errorf("response session header %q, want non-empty %v", got[0], tc.wantHeader)
			}
			if tc.wantHeader {
				if e, err := f.m.Decode(ctx, got[0]); err != nil || e.Data.Name == "browser" {
					t.Errorf("response session header: %+v, %v", e, err)
				}
			}
		})
	}
	if errs := f.log.Take(); len(errs) != 0 {
		t.Errorf("OnError heard %v", errs)
	}
}
