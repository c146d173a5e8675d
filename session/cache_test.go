package session_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/session"
)

// update, s.Update that must succeed, is in budget_test.go.

// TestCacheControl checks that every response on which the middleware (or
// Save) writes the session is private for shared caches, whatever the
// handler set, and that responses that write nothing are left alone.
func TestCacheControl(t *testing.T) {
	f := newFixture(t, nil)
	valid := onlyCookie(t, f.do(t, newReq(), func(s *session.Session[User]) { update(t, s, func(u *User) { u.Name = "ada" }) }), "app")
	stale := valid // read 70 minutes later: past RefreshAfter (an hour), a read re-seals it

	type handler func(w http.ResponseWriter, s *session.Session[User])
	public := func(w http.ResponseWriter) { w.Header().Set("Cache-Control", "public, max-age=600, s-maxage=3600") }
	tests := []struct {
		name      string
		req       func() *http.Request
		advance   time.Duration
		h         handler
		keep      bool
		wantCC    string
		setCookie bool
	}{
		{"an update behind public", func() *http.Request { return newReq() }, 0,
			func(w http.ResponseWriter, s *session.Session[User]) {
				public(w)
				update(t, s, func(u *User) { u.Views++ })
			}, false, "private, max-age=600", true},
		{"a read that writes nothing keeps public", func() *http.Request { return newReq(valid) }, 0,
			func(w http.ResponseWriter, s *session.Session[User]) { public(w); _ = s.Data() }, false, "public, max-age=600, s-maxage=3600", false},
		{"a route that never asks keeps public", func() *http.Request { return newReq(valid) }, 0,
			func(w http.ResponseWriter, _ *session.Session[User]) { public(w) }, false, "public, max-age=600, s-maxage=3600", false},
		{"a sliding re-seal on read", func() *http.Request { return newReq(stale) }, 70 * time.Minute,
			func(w http.ResponseWriter, s *session.Session[User]) { public(w); _ = s.Data() }, false, "private, max-age=600", true},
		{"a logout's deletion", func() *http.Request { return newReq(valid) }, 0,
			func(w http.ResponseWriter, s *session.Session[User]) { public(w); s.Clear() }, false, "private, max-age=600", true},
		{"a rejected cookie's deletion", func() *http.Request {
			return newReq(&http.Cookie{Name: "app", Value: "garbage"})
		}, 0, func(w http.ResponseWriter, s *session.Session[User]) { public(w); _ = s.Data() }, false, "private, max-age=600", true},
		{"no-store is kept", func() *http.Request { return newReq() }, 0,
			func(w http.ResponseWriter, s *session.Session[User]) {
				w.Header().Set("Cache-Control", "no-store")
				update(t, s, func(u *User) { u.Views++ })
			}, false, "no-store", true},
		{"saved early, public set afterwards", func() *http.Request { return newReq() }, 0,
			func(w http.ResponseWriter, s *session.Session[User]) {
				update(t, s, func(u *User) { u.Views++ })
				if err := s.Save(w.Header()); err != nil {
					t.Error(err)
				}
				public(w)
			}, false, "private, max-age=600", true},
		{"KeepCacheControl leaves public", func() *http.Request { return newReq() }, 0,
			func(w http.ResponseWriter, s *session.Session[User]) {
				public(w)
				update(t, s, func(u *User) { u.Views++ })
			}, true, "public, max-age=600, s-maxage=3600", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newFixture(t, func(c *session.Config[User]) { c.KeepCacheControl = tt.keep })
			g.clk.Advance(tt.advance)
			rec := httptest.NewRecorder()
			g.m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.name == "a route that never asks keeps public" {
					tt.h(w, nil)
				} else {
					tt.h(w, g.m.Get(r))
				}
				_, _ = w.Write([]byte("page"))
			})).ServeHTTP(rec, tt.req())
			got := rec.Header()
			if diff := cmp.Diff(tt.wantCC, got.Get("Cache-Control")); diff != "" {
				t.Errorf("Cache-Control (-want +got):\n%s", diff)
			}
			if n := len(got["Set-Cookie"]); (n > 0) != tt.setCookie {
				t.Errorf("%d Set-Cookie lines, want some: %v", n, tt.setCookie)
			}
		})
	}
}

// TestCacheControlHeaderSession checks a session that came from the session
// header: the re-sealed value goes back in that header, and the response is
// private.
func TestCacheControlHeaderSession(t *testing.T) {
	f := newFixture(t, nil)
	v, err := f.m.Encode(session.Envelope[User]{Data: User{Name: "api"}})
	if err != nil {
		t.Fatal(err)
	}
	req := newReq()
	req.Header.Set("X-App-Session", v)
	rec := httptest.NewRecorder()
	f.m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public")
		update(t, f.m.Get(r), func(u *User) { u.Views++ })
	})).ServeHTTP(rec, req)
	if got := rec.Header().Get("X-App-Session"); got == "" {
		t.Fatal("the session header was not returned")
	}
	if got := rec.Header().Get("Cache-Control"); got != "private" {
		t.Errorf("Cache-Control %q, want private", got)
	}
}

// TestSaveMakesPrivate checks Save without the middleware: a carrier that
// copies the header map gets the Cache-Control with it.
func TestSaveMakesPrivate(t *testing.T) {
	f := newFixture(t, nil)
	s := f.m.Load(t.Context(), nil, "")
	update(t, s, func(u *User) { u.Name = "lambda" })
	h := http.Header{"Cache-Control": {"public, max-age=60"}}
	if err := s.Save(h); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"private, max-age=60"}, h["Cache-Control"]); diff != "" {
		t.Errorf("Cache-Control (-want +got):\n%s", diff)
	}
	// A second Save with nothing to write leaves the header map alone.
	h2 := http.Header{"Cache-Control": {"public"}}
	if err := s.Save(h2); err != nil {
		t.Fatal(err)
	}
	if got := h2.Get("Cache-Control"); got != "public" {
		t.Errorf("a Save that wrote nothing changed Cache-Control to %q", got)
	}
}
