package session_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/internal/testkit"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
)

const (
	pw1 = "session test password one, 32+ bytes long"
	pw2 = "session test password two, 32+ bytes long"
)

var (
	key1 = sealed.Key{ID: 1, Password: pw1}
	key2 = sealed.Key{ID: 2, Password: pw2}
	t0   = time.UnixMilli(1767225600000) // 2026-01-01T00:00:00Z
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
	Epoch int      `json:"epoch,omitempty"`
}

type fixture struct {
	m   *session.Manager[User]
	clk *clock
	log *errLog
}

func newFixture(t *testing.T, edit func(*session.Config[User])) *fixture {
	t.Helper()
	f := &fixture{clk: newClock(), log: &errLog{}}
	c := session.Config[User]{
		Name:    "app",
		Keys:    []sealed.Key{key1},
		Clock:   f.clk.Now,
		OnError: f.log.Hook,
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

func TestNewValidation(t *testing.T) {
	tests := []struct {
		name    string
		cfg     session.Config[User]
		wantErr string
	}{
		{"no keys", session.Config[User]{}, "Keys"},
		{"short password", session.Config[User]{Keys: []sealed.Key{{ID: 1, Password: "short"}}}, "password too short"},
		{"negative max age", session.Config[User]{Keys: []sealed.Key{key1}, MaxAge: -time.Second}, "MaxAge"},
		{"max age over 400 days", session.Config[User]{Keys: []sealed.Key{key1}, MaxAge: 401 * 24 * time.Hour}, "400"},
		{"bad header name", session.Config[User]{Keys: []sealed.Key{key1}, Header: "X Session"}, "header"},
		{"__Host- with a domain", session.Config[User]{Keys: []sealed.Key{key1}, Name: "__Host-s", Cookie: cookie.Attributes{Domain: "example.com"}}, "Domain"},
		{"__Host- insecure", session.Config[User]{Keys: []sealed.Key{key1}, Name: "__Host-s", Cookie: cookie.Attributes{InsecureDevelopment: true}}, "Secure"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := session.New(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want one mentioning %q", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), pw1) {
				t.Errorf("error leaks a password: %v", err)
			}
		})
	}
	if _, err := session.New(session.Config[User]{Keys: []sealed.Key{{ID: 1, Password: "short"}}}); !errors.Is(err, sealed.ErrShortPassword) {
		t.Errorf("short password error %v does not wrap sealed.ErrShortPassword", err)
	}
}

func TestDefaults(t *testing.T) {
	tests := []struct {
		name       string
		cfg        session.Config[User]
		wantName   string
		wantHeader string
	}{
		{"zero", session.Config[User]{}, "__Host-session", "X-Session-Session"},
		{"insecure development", session.Config[User]{Cookie: cookie.Attributes{InsecureDevelopment: true}}, "session", "X-Session-Session"},
		{"domain", session.Config[User]{Cookie: cookie.Attributes{Domain: "example.com"}}, "session", "X-Session-Session"},
		{"named", session.Config[User]{Name: "h3"}, "h3", "X-H3-Session"},
		{"secure prefix", session.Config[User]{Name: "__Secure-cart"}, "__Secure-cart", "X-Cart-Session"},
		{"custom header", session.Config[User]{Name: "a", Header: "x-my-token"}, "a", "X-My-Token"},
		{"header disabled", session.Config[User]{Name: "a", DisableHeader: true}, "a", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Keys = []sealed.Key{key1}
			m, err := session.New(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if m.Name() != tc.wantName || m.HeaderName() != tc.wantHeader {
				t.Errorf("name %q header %q, want %q %q", m.Name(), m.HeaderName(), tc.wantName, tc.wantHeader)
			}
		})
	}
	// Zero durations mean the documented defaults: a value sealed now expires
	// at the earlier of createdAt+24h and lastSeenAt+2h.
	f := newFixture(t, nil)
	rec := f.do(t, newReq(), func(s *session.Session[User]) { s.Update(func(u *User) { u.Name = "ada" }) })
	c := onlyCookie(t, rec, "app")
	if want := t0.Add((2 * time.Hour)); !c.Expires.Equal(want) || c.MaxAge != int((2*time.Hour).Seconds()) {
		t.Errorf("Expires %v Max-Age %d, want %v and %d", c.Expires, c.MaxAge, want, int((2 * time.Hour).Seconds()))
	}
	if !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" {
		t.Errorf("cookie attributes not secure by default: %+v", c)
	}
}

func TestNewSessionAndRoundTrip(t *testing.T) {
	f := newFixture(t, nil)
	var id string
	rec := f.do(t, newReq(), func(s *session.Session[User]) {
		if !s.IsNew() {
			t.Errorf("IsNew %v on an empty request", s.IsNew())
		}
		if !s.CreatedAt().Equal(t0) || len(s.ID()) != 36 {
			t.Errorf("new session: createdAt %v id %q", s.CreatedAt(), s.ID())
		}
		id = s.ID()
		if err := s.Update(func(u *User) { u.Name, u.Views = "ada", 1 }); err != nil {
			t.Fatal(err)
		}
	})
	c := onlyCookie(t, rec, "app")
	f.clk.Advance(time.Minute)
	f.do(t, newReq(c), func(s *session.Session[User]) {
		if s.IsNew() || s.ID() != id {
			t.Errorf("second request: new %v id %q (want %q)", s.IsNew(), s.ID(), id)
		}
		if diff := cmp.Diff(User{Name: "ada", Views: 1}, s.Data()); diff != "" {
			t.Errorf("data (-want +got):\n%s", diff)
		}
		if !s.CreatedAt().Equal(t0) || !s.LastSeenAt().Equal(t0) {
			t.Errorf("createdAt %v lastSeenAt %v, want both %v", s.CreatedAt(), s.LastSeenAt(), t0)
		}
	})
	if errs := f.log.Take(); len(errs) != 0 {
		t.Errorf("OnError heard %v", errs)
	}
}

func TestUntouchedNewSessionWritesNothing(t *testing.T) {
	f := newFixture(t, nil)
	rec := f.do(t, newReq(), func(s *session.Session[User]) { _ = s.Data() })
	if got := rec.Header()["Set-Cookie"]; len(got) != 0 {
		t.Errorf("untouched new session wrote %v", got)
	}
}

func TestHeaderOverCookie(t *testing.T) {
	f := newFixture(t, nil)
	cookieVal := onlyCookie(t, f.do(t, newReq(), func(s *session.Session[User]) { s.Update(func(u *User) { u.Name = "cookie" }) }), "app")
	headerVal := onlyCookie(t, f.do(t, newReq(), func(s *session.Session[User]) { s.Update(func(u *User) { u.Name = "header" }) }), "app")

	t.Run("header wins", func(t *testing.T) {
		r := newReq(cookieVal)
		r.Header.Set("X-App-Session", headerVal.Value)
		rec := f.do(t, r, func(s *session.Session[User]) {
			if s.Data().Name != "header" {
				t.Errorf("got %q, want the header's session", s.Data().Name)
			}
			s.Update(func(u *User) { u.Views++ })
		})
		// The new value goes back in the same header, and in the cookie.
		back := rec.Header().Get("X-App-Session")
		if back == "" || back == headerVal.Value {
			t.Fatalf("response header = %q, want a fresh seal", back)
		}
		got, err := f.m.Decode(t.Context(), back)
		if err != nil || got.Data.Views != 1 || got.Data.Name != "header" {
			t.Errorf("response header decodes to %+v, %v", got, err)
		}
	})
	t.Run("empty header ignored", func(t *testing.T) {
		r := newReq(cookieVal)
		r.Header.Set("X-App-Session", "")
		f.do(t, r, func(s *session.Session[User]) {
			if s.Data().Name != "cookie" {
				t.Errorf("got %q, want the cookie's session", s.Data().Name)
			}
		})
	})
	t.Run("garbage header wins over a valid cookie", func(t *testing.T) {
		r := newReq(cookieVal)
		r.Header.Set("X-App-Session", "garbage")
		rec := f.do(t, r, func(s *session.Session[User]) {
			if !s.IsNew() || s.Data().Name != "" {
				t.Errorf("garbage header: new %v data %+v; want a fresh session", s.IsNew(), s.Data())
			}
		})
		// Nothing leaks and the valid cookie is not deleted for the header's fault.
		if sc := rec.Header()["Set-Cookie"]; len(sc) != 0 {
			t.Errorf("Set-Cookie %v after a rejected header", sc)
		}
		errs := f.log.Take()
		if len(errs) != 1 || !errors.Is(errs[0], sealed.ErrMalformed) || strings.Contains(errs[0].Error(), "garbage") {
			t.Errorf("OnError heard %v; want one malformed error without the value", errs)
		}
	})
	t.Run("header disabled", func(t *testing.T) {
		g := newFixture(t, func(c *session.Config[User]) { c.DisableHeader = true })
		cv := onlyCookie(t, g.do(t, newReq(), func(s *session.Session[User]) { s.Update(func(u *User) { u.Name = "cookie" }) }), "app")
		r := newReq(cv)
		r.Header.Set("X-App-Session", "garbage")
		g.do(t, r, func(s *session.Session[User]) {
			if s.Data().Name != "cookie" {
				t.Errorf("with the header disabled, got %+v", s.Data())
			}
		})
	})
	t.Run("clear through the header", func(t *testing.T) {
		r := newReq()
		r.Header.Set("X-App-Session", headerVal.Value)
		rec := f.do(t, r, func(s *session.Session[User]) { s.Clear() })
		if v, ok := rec.Header()["X-App-Session"]; !ok || len(v) != 1 || v[0] != "" {
			t.Errorf("cleared header session: response header %q, want present and empty", v)
		}
	})
}

func TestExpiryRules(t *testing.T) {
	seal := func(t *testing.T, cfg func(*session.Config[User]), e session.Envelope[User]) (string, *fixture) {
		f := newFixture(t, cfg)
		v, err := f.m.Encode(e)
		if err != nil {
			t.Fatal(err)
		}
		return v, f
	}
	hour := time.Hour
	tests := []struct {
		name    string
		sealCfg func(*session.Config[User]) // config of the server that sealed
		readCfg func(*session.Config[User]) // config of the server that reads
		env     session.Envelope[User]
		advance time.Duration
		want    error // nil: accepted
	}{
		{"fresh", nil, nil, session.Envelope[User]{}, time.Minute, nil},
		{"within idle", nil, nil, session.Envelope[User]{}, 2*hour - time.Second, nil},
		{"idle + skew - 1ms accepted", nil, nil, session.Envelope[User]{}, 2*hour + 5*time.Second - time.Millisecond, nil},
		{"idle + skew rejected by the seal's expiry", nil, nil, session.Envelope[User]{}, 2*hour + 5*time.Second, sealed.ErrExpired},
		{"max age shortened since", func(c *session.Config[User]) { c.IdleTimeout = -1 },
			func(c *session.Config[User]) { c.MaxAge = hour; c.IdleTimeout = -1 }, session.Envelope[User]{}, 2 * hour, session.ErrExpired},
		{"idle shortened since", nil, func(c *session.Config[User]) { c.IdleTimeout = 10 * time.Minute },
			session.Envelope[User]{}, 11 * time.Minute, session.ErrIdle},
		{"createdAt in the future", nil, nil, session.Envelope[User]{CreatedAt: t0.Add(time.Minute).UnixMilli()}, 0, session.ErrInvalid},
		{"createdAt within skew", nil, nil, session.Envelope[User]{CreatedAt: t0.Add(4 * time.Second).UnixMilli()}, 0, nil},
		{"no skew configured", nil, func(c *session.Config[User]) { c.ClockSkew = -1 }, session.Envelope[User]{CreatedAt: t0.Add(4 * time.Second).UnixMilli()}, 0, session.ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, _ := seal(t, tc.sealCfg, tc.env)
			r := newFixture(t, tc.readCfg)
			r.clk.Advance(tc.advance)
			_, err := r.m.Decode(t.Context(), v)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			// Through a request the same value gives a fresh session and a hook call.
			r.do(t, newReq(&http.Cookie{Name: "app", Value: v}), func(s *session.Session[User]) {
				if !s.IsNew() {
					t.Error("rejected value gave a non-new session")
				}
			})
			if errs := r.log.Take(); len(errs) != 1 || !errors.Is(errs[0], tc.want) {
				t.Errorf("OnError heard %v, want %v", errs, tc.want)
			}
		})
	}
}

func TestCookieExpiresFollowsEarlierLimit(t *testing.T) {
	f := newFixture(t, func(c *session.Config[User]) { c.MaxAge = 3 * time.Hour; c.IdleTimeout = time.Hour })
	c1 := onlyCookie(t, f.do(t, newReq(), func(s *session.Session[User]) { s.Update(func(u *User) { u.Views = 1 }) }), "app")
	if !c1.Expires.Equal(t0.Add(time.Hour)) || c1.MaxAge != 3600 {
		t.Errorf("idle-bound cookie: Expires %v Max-Age %d", c1.Expires, c1.MaxAge)
	}
	// 2.5 hours in (touching every 50 minutes), max age is the nearer limit.
	c := c1
	for range 3 {
		f.clk.Advance(50 * time.Minute)
		c = onlyCookie(t, f.do(t, newReq(c), func(s *session.Session[User]) { s.Touch() }), "app")
	}
	if !c.Expires.Equal(t0.Add(3*time.Hour)) || c.MaxAge != int((30*time.Minute).Seconds()) {
		t.Errorf("max-age-bound cookie: Expires %v Max-Age %d, want %v and 1800", c.Expires, c.MaxAge, t0.Add(3*time.Hour))
	}
}

func TestIdleSlide(t *testing.T) {
	f := newFixture(t, func(c *session.Config[User]) { c.IdleTimeout = 30 * time.Minute })
	c := onlyCookie(t, f.do(t, newReq(), func(s *session.Session[User]) { s.Update(func(u *User) { u.Name = "ada" }) }), "app")

	f.clk.Advance(10 * time.Minute) // under half the window: nothing written
	if rec := f.do(t, newReq(c), nil); len(rec.Header()["Set-Cookie"]) != 0 {
		t.Errorf("read 10 minutes in wrote %v", rec.Header()["Set-Cookie"])
	}
	f.clk.Advance(6 * time.Minute) // 16 minutes: past half, re-sealed with lastSeenAt = now
	c2 := onlyCookie(t, f.do(t, newReq(c), func(s *session.Session[User]) {
		if !session.Pending(s) {
			t.Error("a read past half the idle window is not pending")
		}
		if want := t0.Add(16 * time.Minute); !s.LastSeenAt().Equal(want) {
			t.Errorf("handler sees lastSeenAt %v, want the slid %v", s.LastSeenAt(), want)
		}
	}), "app")
	got, err := f.m.Decode(t.Context(), c2.Value)
	if err != nil || got.LastSeenAt != t0.Add(16*time.Minute).UnixMilli() || got.Data.Name != "ada" {
		t.Fatalf("slid session %+v, %v", got, err)
	}
	f.clk.Advance(29 * time.Minute) // 45 minutes after creation, 29 after the slide
	f.do(t, newReq(c2), func(s *session.Session[User]) {
		if s.IsNew() {
			t.Error("slid session expired early")
		}
	})
	f.do(t, newReq(c), func(s *session.Session[User]) {
		if !s.IsNew() {
			t.Error("the un-slid cookie is still accepted after its idle timeout")
		}
	})

	t.Run("RefreshAfter", func(t *testing.T) {
		g := newFixture(t, func(c *session.Config[User]) { c.IdleTimeout = 30 * time.Minute; c.RefreshAfter = 5 * time.Minute })
		c := onlyCookie(t, g.do(t, newReq(), func(s *session.Session[User]) { s.Update(func(u *User) { u.Views = 1 }) }), "app")
		g.clk.Advance(4 * time.Minute)
		if rec := g.do(t, newReq(c), nil); len(rec.Header()["Set-Cookie"]) != 0 {
			t.Error("re-sealed before RefreshAfter")
		}
		g.clk.Advance(2 * time.Minute)
		if rec := g.do(t, newReq(c), nil); len(sessionCookies(rec, "app")) != 1 {
			t.Error("not re-sealed after RefreshAfter")
		}
	})
}

func TestRotation(t *testing.T) {
	old := newFixture(t, nil)
	c := onlyCookie(t, old.do(t, newReq(), func(s *session.Session[User]) { s.Update(func(u *User) { u.Name = "ada" }) }), "app")

	rotated := newFixture(t, func(cfg *session.Config[User]) { cfg.Keys = []sealed.Key{key2, key1} })
	rec := rotated.do(t, newReq(c), func(s *session.Session[User]) {
		if s.IsNew() || s.Data().Name != "ada" {
			t.Errorf("rotated server lost the session: %+v", s.Data())
		}
		if !session.Pending(s) {
			t.Error("old-key session not marked for re-sealing")
		}
	})
	c2 := onlyCookie(t, rec, "app")
	if h, err := sealed.Inspect(c2.Value); err != nil || h.KeyID != 2 {
		t.Errorf("re-sealed with key %d (%v), want 2", h.KeyID, err)
	}
	retired := newFixture(t, func(cfg *session.Config[User]) { cfg.Keys = []sealed.Key{key2} })
	retired.do(t, newReq(c2), func(s *session.Session[User]) {
		if s.IsNew() {
			t.Error("re-sealed session unreadable after the old key's removal")
		}
	})
	retired.do(t, newReq(c), func(s *session.Session[User]) {
		if !s.IsNew() {
			t.Error("old-key cookie accepted after the old key's removal")
		}
	})
	if errs := retired.log.Take(); len(errs) != 1 || !errors.Is(errs[0], sealed.ErrUnknownKey) {
		t.Errorf("OnError heard %v, want unknown key", errs)
	}
}

func TestUpdateTooLarge(t *testing.T) {
	f := newFixture(t, func(c *session.Config[User]) { c.Cookie.MaxChunks, c.Cookie.Budget = 1, cookie.NoBudget })
	c := onlyCookie(t, f.do(t, newReq(), func(s *session.Session[User]) { s.Update(func(u *User) { u.Name = "ada" }) }), "app")
	f.do(t, newReq(c), func(s *session.Session[User]) {
		err := s.Update(func(u *User) {
			u.Name = strings.Repeat("x", 5000)
			u.Roles = append(u.Roles, "admin")
		})
		if !errors.Is(err, session.ErrTooLarge) {
			t.Fatalf("err = %v, want ErrTooLarge", err)
		}
		if !strings.Contains(err.Error(), "4000") || !strings.Contains(err.Error(), "50") {
			t.Errorf("error %q does not give the size and the limit", err)
		}
		if diff := cmp.Diff(User{Name: "ada"}, s.Data()); diff != "" {
			t.Errorf("data not rolled back (-want +got):\n%s", diff)
		}
		if session.Pending(s) {
			t.Error("a failed update left the session pending")
		}
		// A later valid update still works and is saved.
		if err := s.Update(func(u *User) { u.Views = 7 }); err != nil {
			t.Fatal(err)
		}
	})
	f2 := newFixture(t, func(c *session.Config[User]) { c.Cookie.MaxChunks = 1 })
	f2.do(t, newReq(), func(s *session.Session[User]) {
		if err := s.Update(func(u *User) { u.Name = strings.Repeat("y", 5000) }); !errors.Is(err, session.ErrTooLarge) {
			t.Fatalf("err = %v", err)
		}
		if s.Data().Name != "" || session.Pending(s) {
			t.Errorf("fresh session after a failed update: %+v pending %v", s.Data(), session.Pending(s))
		}
	})
}

func TestClearAndRegenerate(t *testing.T) {
	f := newFixture(t, nil)
	c := onlyCookie(t, f.do(t, newReq(), func(s *session.Session[User]) { s.Update(func(u *User) { u.Name = "ada" }) }), "app")
	var oldID string
	rec := f.do(t, newReq(c), func(s *session.Session[User]) {
		oldID = s.ID()
		s.Clear()
		if !s.IsNew() || s.ID() == oldID || s.Data().Name != "" {
			t.Errorf("after Clear: new %v id %q data %+v", s.IsNew(), s.ID(), s.Data())
		}
	})
	del := onlyCookie(t, rec, "app")
	if del.MaxAge >= 0 || del.Value != "" {
		t.Errorf("Clear wrote %+v, want a deletion", del)
	}

	// Clear then Update: the new session replaces the deletion, one line.
	rec = f.do(t, newReq(c), func(s *session.Session[User]) {
		s.Clear()
		s.Update(func(u *User) { u.Name = "bob" })
	})
	if got := onlyCookie(t, rec, "app"); got.MaxAge <= 0 || got.Value == "" {
		t.Errorf("Clear+Update wrote %+v, want the new session", got)
	}

	f.clk.Advance(time.Minute)
	c2 := onlyCookie(t, f.do(t, newReq(c), func(s *session.Session[User]) {
		s.Regenerate()
		if s.ID() == oldID || s.Data().Name != "ada" || !s.CreatedAt().Equal(t0.Add(time.Minute)) {
			t.Errorf("after Regenerate: id %q data %+v createdAt %v", s.ID(), s.Data(), s.CreatedAt())
		}
	}), "app")
	if got, err := f.m.Decode(t.Context(), c2.Value); err != nil || got.ID == oldID {
		t.Errorf("regenerated cookie: %+v %v", got, err)
	}
}

func TestTouch(t *testing.T) {
	f := newFixture(t, nil)
	c := onlyCookie(t, f.do(t, newReq(), func(s *session.Session[User]) { s.Update(func(u *User) { u.Views = 3 }) }), "app")
	f.clk.Advance(time.Minute)
	c2 := onlyCookie(t, f.do(t, newReq(c), func(s *session.Session[User]) { s.Touch() }), "app")
	got, err := f.m.Decode(t.Context(), c2.Value)
	if err != nil || got.LastSeenAt != t0.Add(time.Minute).UnixMilli() || got.Data.Views != 3 || got.CreatedAt != t0.UnixMilli() {
		t.Errorf("touched session %+v, %v", got, err)
	}
}

func TestRejectedCookieIsDeleted(t *testing.T) {
	f := newFixture(t, nil)
	c := onlyCookie(t, f.do(t, newReq(), func(s *session.Session[User]) { s.Update(func(u *User) { u.Name = "ada" }) }), "app")
	tampered := []byte(c.Value)
	mid := len(tampered) / 2 // inside the ciphertext: still valid base64url
	if tampered[mid] = 'A'; c.Value[mid] == 'A' {
		tampered[mid] = 'B'
	}
	rec := f.do(t, newReq(&http.Cookie{Name: "app", Value: string(tampered)}), func(s *session.Session[User]) {
		if !s.IsNew() {
			t.Error("tampered cookie accepted")
		}
	})
	if del := onlyCookie(t, rec, "app"); del.MaxAge >= 0 {
		t.Errorf("rejected cookie not deleted: %+v", del)
	}
	errs := f.log.Take()
	if len(errs) != 1 || !errors.Is(errs[0], sealed.ErrNotAuthentic) {
		t.Fatalf("OnError heard %v", errs)
	}
	if strings.Contains(errs[0].Error(), string(tampered[:20])) {
		t.Errorf("error %q contains the value", errs[0])
	}
}

func TestPurposeBinding(t *testing.T) {
	a := newFixture(t, func(c *session.Config[User]) { c.Name = "a" })
	b := newFixture(t, func(c *session.Config[User]) { c.Name = "b" })
	v, err := a.m.Encode(session.Envelope[User]{Data: User{Name: "ada"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.m.Decode(t.Context(), v); !errors.Is(err, sealed.ErrNotAuthentic) {
		t.Errorf("value sealed for a, decoded by b: err = %v", err)
	}
}

func TestValidateRevocation(t *testing.T) {
	epoch := map[string]int{"ada": 2} // the application's store
	f := newFixture(t, func(c *session.Config[User]) {
		c.Validate = func(_ context.Context, e *session.Envelope[User]) error {
			if e.Data.Name != "" && e.Data.Epoch != epoch[e.Data.Name] {
				return fmt.Errorf("epoch %d is stale", e.Data.Epoch)
			}
			return nil
		}
	})
	c := onlyCookie(t, f.do(t, newReq(), func(s *session.Session[User]) { s.Update(func(u *User) { u.Name, u.Epoch = "ada", 2 }) }), "app")
	f.do(t, newReq(c), func(s *session.Session[User]) {
		if s.IsNew() {
			t.Error("valid epoch refused")
		}
	})
	epoch["ada"] = 3 // logout everywhere
	f.do(t, newReq(c), func(s *session.Session[User]) {
		if !s.IsNew() {
			t.Error("revoked session accepted")
		}
	})
	if errs := f.log.Take(); len(errs) != 1 || !errors.Is(errs[0], session.ErrRevoked) || !strings.Contains(errs[0].Error(), "stale") {
		t.Errorf("OnError heard %v, want ErrRevoked wrapping the application's reason", errs)
	}
}

// TestValidateUnavailable: a check that cannot be made refuses the session
// for the request but keeps its cookie, which counts again once the check
// can be made; a revocation deletes it.
func TestValidateUnavailable(t *testing.T) {
	var verdict error // what the application's store answers
	f := newFixture(t, func(c *session.Config[User]) {
		c.Validate = func(context.Context, *session.Envelope[User]) error { return verdict }
	})
	c := onlyCookie(t, f.do(t, newReq(), func(s *session.Session[User]) { s.Update(func(u *User) { u.Name = "ada" }) }), "app")

	verdict = fmt.Errorf("store down: %w", session.ErrUnavailable)
	rec := f.do(t, newReq(c), func(s *session.Session[User]) {
		if !s.IsNew() || s.Data().Name != "" {
			t.Error("a session whose check could not be made was accepted")
		}
	})
	if got := rec.Header()["Set-Cookie"]; len(got) != 0 {
		t.Errorf("the unchecked session's cookie was touched: %q", got)
	}
	if errs := f.log.Take(); len(errs) != 1 || !errors.Is(errs[0], session.ErrUnavailable) || errors.Is(errs[0], session.ErrRevoked) {
		t.Errorf("OnError heard %v, want ErrUnavailable, not ErrRevoked", errs)
	}

	verdict = nil // the store answers again: the same cookie counts
	f.do(t, newReq(c), func(s *session.Session[User]) {
		if s.IsNew() || s.Data().Name != "ada" {
			t.Error("the kept cookie did not count again once the check could be made")
		}
	})

	verdict = errors.New("logged out everywhere")
	if cs := sessionCookies(f.do(t, newReq(c), nil), "app"); len(cs) != 1 || cs[0].MaxAge >= 0 {
		t.Errorf("a revoked session's cookie was not deleted: %v", cs)
	}
	if errs := f.log.Take(); len(errs) != 1 || !errors.Is(errs[0], session.ErrRevoked) {
		t.Errorf("OnError heard %v, want ErrRevoked", errs)
	}
}

// jsonCodec is encoding/json, the default Encoding, spelled out.
type jsonCodec struct{}

func (jsonCodec) Marshal(v any) ([]byte, error)      { return json.Marshal(v) }
func (jsonCodec) Unmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }

// countingCodec counts Unmarshal calls, to prove a session is decoded once.
type countingCodec struct {
	jsonCodec
	mu sync.Mutex
	n  int
}

func (c *countingCodec) Unmarshal(data []byte, v any) error {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	return c.jsonCodec.Unmarshal(data, v)
}

func TestDecodedOncePerAttachedRequest(t *testing.T) {
	codec := &countingCodec{}
	f := newFixture(t, func(c *session.Config[User]) { c.Encoding = codec })
	c := onlyCookie(t, f.do(t, newReq(), func(s *session.Session[User]) { s.Update(func(u *User) { u.Name = "ada" }) }), "app")

	r := session.Attach(f.m, newReq(c))
	if session.Attach(f.m, r) != r {
		t.Error("attaching twice made a new request")
	}
	if _, ok := session.Loaded(f.m, r.Context()); ok {
		t.Error("Loaded reports a session nobody asked for")
	}
	s1 := f.m.Get(r)
	s2 := f.m.Get(r)
	s3, ok := f.m.From(r.Context())
	if s1 != s2 || s1 != s3 || !ok {
		t.Error("Get/From returned different sessions for one request")
	}
	if codec.n != 1 {
		t.Errorf("decoded %d times, want 1", codec.n)
	}
	if s, ok := session.Loaded(f.m, r.Context()); !ok || s != s1 {
		t.Error("Loaded does not report the loaded session")
	}
	// Without Attach every Get decodes again (documented).
	codec.n = 0
	plain := newReq(c)
	f.m.Get(plain)
	f.m.Get(plain)
	if codec.n != 2 {
		t.Errorf("unattached: decoded %d times, want 2", codec.n)
	}
	if _, ok := f.m.From(plain.Context()); ok {
		t.Error("From found a session on an unattached request")
	}
}

func TestTwoManagersSideBySide(t *testing.T) {
	clk := newClock()
	mk := func(name string) *session.Manager[User] {
		m, err := session.New(session.Config[User]{Name: name, Keys: []sealed.Key{key1}, Clock: clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	a, b := mk("a"), mk("b")
	r := session.Attach(b, session.Attach(a, newReq()))
	rec := httptest.NewRecorder()
	a.Get(r).Update(func(u *User) { u.Name = "from a" })
	b.Get(r).Update(func(u *User) { u.Name = "from b" })
	a.Get(r).Save(rec.Header())
	b.Get(r).Save(rec.Header())
	ca, cb := onlyCookie(t, rec, "a"), onlyCookie(t, rec, "b")
	r2 := newReq(ca, cb)
	if a.Get(r2).Data().Name != "from a" || b.Get(r2).Data().Name != "from b" {
		t.Error("two named sessions on one request interfere")
	}
}

func TestMerge(t *testing.T) {
	m, err := session.New(session.Config[map[string]any]{Name: "m", Keys: []sealed.Key{key1}, Clock: newClock().Now})
	if err != nil {
		t.Fatal(err)
	}
	s := m.Get(newReq())
	if err := session.Merge(s, map[string]any{"a": 1.0, "b": "x"}); err != nil {
		t.Fatal(err)
	}
	if err := session.Merge(s, map[string]any{"b": "y", "c": true}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]any{"a": 1.0, "b": "y", "c": true}, s.Data()); diff != "" {
		t.Errorf("merged data (-want +got):\n%s", diff)
	}
	rec := httptest.NewRecorder()
	s.Save(rec.Header())
	got := m.Get(newReq(rec.Result().Cookies()[0])).Data()
	if diff := cmp.Diff(map[string]any{"a": 1.0, "b": "y", "c": true}, got); diff != "" {
		t.Errorf("after a round trip (-want +got):\n%s", diff)
	}
}

func TestConcurrentUpdatesWithinRequest(t *testing.T) {
	f := newFixture(t, nil)
	r := session.Attach(f.m, newReq())
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				f.m.Get(r).Update(func(u *User) { u.Views++ })
			}
		}()
	}
	wg.Wait()
	if got := f.m.Get(r).Data().Views; got != 800 {
		t.Errorf("views = %d after 800 concurrent updates", got)
	}
}

// fakeLegacy is a LegacyReader for an old cookie named "old": "valid" holds
// {Name: "migrated"} written at t0, "old" the same written 25 hours earlier,
// "banned" {Name: "banned"}, anything else is refused.
type fakeLegacy struct{ reads, deletes int }

func (l *fakeLegacy) Read(cookies []string) (session.LegacySession[User], error) {
	l.reads++
	r := http.Request{Header: http.Header{"Cookie": cookies}}
	c, err := r.Cookie("old")
	if err != nil {
		return session.LegacySession[User]{}, session.ErrNoLegacy
	}
	switch c.Value {
	case "valid":
		return session.LegacySession[User]{Data: User{Name: "migrated"}, CreatedAt: t0}, nil
	case "old":
		return session.LegacySession[User]{Data: User{Name: "migrated"}, CreatedAt: t0.Add(-25 * time.Hour)}, nil
	case "banned":
		return session.LegacySession[User]{Data: User{Name: "banned"}}, nil
	}
	return session.LegacySession[User]{}, sealed.ErrNotAuthentic
}

func (l *fakeLegacy) Delete(h http.Header, _ []string) {
	l.deletes++
	h.Add("Set-Cookie", (&http.Cookie{Name: "old", MaxAge: -1}).String())
}

func TestLegacyMigration(t *testing.T) {
	legacy := &fakeLegacy{}
	f := newFixture(t, func(c *session.Config[User]) {
		c.Legacy = legacy
		c.Validate = func(_ context.Context, e *session.Envelope[User]) error {
			if e.Data.Name == "banned" {
				return errors.New("banned user")
			}
			return nil
		}
	})
	f.clk.Advance(time.Hour)
	rec := f.do(t, newReq(&http.Cookie{Name: "old", Value: "valid"}), func(s *session.Session[User]) {
		if s.IsNew() || s.Data().Name != "migrated" {
			t.Errorf("legacy session not migrated: new %v data %+v", s.IsNew(), s.Data())
		}
		if !s.CreatedAt().Equal(t0) {
			t.Errorf("migrated createdAt %v, want the legacy timestamp %v", s.CreatedAt(), t0)
		}
	})
	c := onlyCookie(t, rec, "app")
	if legacy.deletes != 1 || len(sessionCookies(rec, "old")) != 1 {
		t.Errorf("legacy cookie deleted %d times", legacy.deletes)
	}
	if got, err := f.m.Decode(t.Context(), c.Value); err != nil || got.Data.Name != "migrated" || got.CreatedAt != t0.UnixMilli() {
		t.Errorf("migrated session re-sealed as %+v, %v", got, err)
	}
	if errs := f.log.Take(); len(errs) != 0 {
		t.Errorf("OnError heard %v on a good migration", errs)
	}

	// Refused legacy sessions give a fresh session, a reason, and a deletion:
	// forged, past our MaxAge counted from their own timestamp, revoked.
	for _, tc := range []struct {
		value string
		want  error
	}{
		{"forged", sealed.ErrNotAuthentic},
		{"old", session.ErrExpired},
		{"banned", session.ErrRevoked},
	} {
		legacy.deletes = 0
		rec := f.do(t, newReq(&http.Cookie{Name: "old", Value: tc.value}), func(s *session.Session[User]) {
			if !s.IsNew() || s.Data().Name != "" {
				t.Errorf("%s legacy session migrated: %+v", tc.value, s.Data())
			}
		})
		if legacy.deletes != 1 || len(sessionCookies(rec, "app")) != 0 {
			t.Errorf("%s: legacy cookie deleted %d times, our cookie lines %v", tc.value, legacy.deletes, sessionCookies(rec, "app"))
		}
		if errs := f.log.Take(); len(errs) != 1 || !errors.Is(errs[0], tc.want) {
			t.Errorf("%s: OnError heard %v, want %v", tc.value, errs, tc.want)
		}
	}

	// Our own cookie wins over a legacy one, which is then not even read.
	legacy.deletes, legacy.reads = 0, 0
	f.do(t, newReq(c, &http.Cookie{Name: "old", Value: "valid"}), nil)
	if legacy.reads != 0 {
		t.Error("legacy reader consulted although our cookie was present")
	}
	if legacy.deletes != 0 {
		t.Error("legacy cookie deleted although it was not read")
	}
	// Clearing a migrated session deletes the legacy cookie too.
	f.do(t, newReq(&http.Cookie{Name: "old", Value: "valid"}), func(s *session.Session[User]) { s.Clear() })
	if legacy.deletes != 1 {
		t.Errorf("Clear of a migrated session deleted the legacy cookie %d times", legacy.deletes)
	}
}

// A type mismatch across a fleet says where, never what: the number in the
// data must not reach OnError (encoding/json's own message quotes it).
func TestDecodeErrorQuotesNoData(t *testing.T) {
	w, err := session.New(session.Config[map[string]any]{Name: "app", Keys: []sealed.Key{key1}, Clock: newClock().Now})
	if err != nil {
		t.Fatal(err)
	}
	v, err := w.Encode(session.Envelope[map[string]any]{Data: map[string]any{"views": 123456789.5}})
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, nil) // reads User{Views int}
	_, err = f.m.Decode(t.Context(), v)
	if !errors.Is(err, session.ErrInvalid) || strings.Contains(err.Error(), "123456789") {
		t.Fatalf("Decode error %v: want ErrInvalid without the data", err)
	}
}

// TestCleanStartAtLogin plants a chunked session with data, as an attacker
// could in a victim's browser, then logs in the way Regenerate's doc says:
// Clear, then Update. Nothing planted survives, the id and createdAt are
// new, and the planted chunks are deleted.
func TestCleanStartAtLogin(t *testing.T) {
	f := newFixture(t, func(c *session.Config[User]) { c.Cookie.Budget = cookie.NoBudget }) // chunked

	planted := sessionCookies(f.do(t, newReq(), func(s *session.Session[User]) {
		update(t, s, func(u *User) { u.Roles, u.Views = []string{strings.Repeat("planted ", 800)}, 41 })
	}), "app")
	if len(planted) < 3 {
		t.Fatalf("want a chunked planted session, got %d cookies", len(planted))
	}
	f.clk.Advance(time.Minute)
	var plantedID string
	rec := f.do(t, newReq(planted...), func(s *session.Session[User]) {
		plantedID = s.ID()
		s.Clear()
		update(t, s, func(u *User) { u.Name = "ada" })
	})
	var value string
	deleted := 0
	for _, c := range sessionCookies(rec, "app") {
		switch {
		case c.Name == "app" && c.MaxAge > 0:
			value = c.Value
		case c.MaxAge < 0:
			deleted++
		}
	}
	if deleted != len(planted)-1 {
		t.Errorf("%d planted chunks deleted, want %d", deleted, len(planted)-1)
	}
	got, err := f.m.Decode(t.Context(), value)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID == plantedID || got.CreatedAt != t0.Add(time.Minute).UnixMilli() {
		t.Errorf("id %q (planted %q), createdAt %d: want new ones", got.ID, plantedID, got.CreatedAt)
	}
	if diff := cmp.Diff(User{Name: "ada"}, got.Data); diff != "" {
		t.Errorf("data after the login (-want +got):\n%s", diff)
	}
}
