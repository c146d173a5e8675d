package revoke_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sealcookie/sealcookie/internal/testkit"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/h3"
	"github.com/sealcookie/sealcookie/session/ironsession"
	"github.com/sealcookie/sealcookie/session/revoke"
)

var (
	key = sealed.Key{ID: 1, Password: "revoke-test-password-0123456789abcdef"}
	t0  = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
)

type Account struct {
	User  string `json:"user,omitempty"`
	Theme string `json:"theme,omitempty"`
}

// rig is a Manager with a Revoker on an injected clock: "servers" whose
// clocks differ are the same Manager with the clock moved.
type rig struct {
	m   *session.Manager[Account]
	rv  *revoke.Revoker[Account]
	mem *revoke.Memory
	clk *testkit.Clock
	log *testkit.ErrLog
}

func newRig(t *testing.T, edit func(*session.Config[Account], *revoke.Config[Account])) *rig {
	t.Helper()
	g := &rig{clk: testkit.NewClock(t0), log: &testkit.ErrLog{}}
	g.mem = revoke.NewMemory(revoke.MemoryConfig{Clock: g.clk.Now})
	sc := session.Config[Account]{Name: "app", Keys: []sealed.Key{key}, Clock: g.clk.Now, OnError: g.log.Hook, IdleTimeout: -1}
	rc := revoke.Config[Account]{User: func(a Account) string { return a.User }, Store: g.mem}
	if edit != nil {
		edit(&sc, &rc)
	}
	rv, err := revoke.New(&sc, rc)
	if err != nil {
		t.Fatal(err)
	}
	m, err := session.New(sc)
	if err != nil {
		t.Fatal(err)
	}
	g.m, g.rv = m, rv
	return g
}

// issue seals a session of user issued now (by the rig's clock).
func (g *rig) issue(t *testing.T, user string) string {
	t.Helper()
	v, err := g.m.Encode(session.Envelope[Account]{Data: Account{User: user}})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// read is a request's read of v: nil when the session is accepted.
func (g *rig) read(v string) error {
	_, err := g.m.Decode(context.Background(), v)
	return err
}

// TestEpochRules: which sessions a revocation ends, by when they were issued
// and whose they are, and what the clock-skew margin does.
func TestEpochRules(t *testing.T) {
	type step struct {
		at    time.Duration // clock offset from t0 when the session is issued
		user  string
		label string
	}
	tests := []struct {
		name   string
		skew   time.Duration // revoke.Config.ClockSkew
		issued []step
		revoke func(g *rig, vs map[string]string) error // at t0 + 1 min
		want   map[string]error                         // label → error (nil: accepted), read at t0 + 2 min
	}{
		{
			name: "log out everywhere ends the user's sessions issued before it, not after",
			issued: []step{
				{0, "ada", "ada-laptop"}, {30 * time.Second, "ada", "ada-phone"}, {10 * time.Second, "bob", "bob"},
				{61 * time.Second, "ada", "ada-login-within-skew"}, {90 * time.Second, "ada", "ada-login-after"},
				{0, "", "anonymous"},
			},
			revoke: func(g *rig, _ map[string]string) error { return g.rv.RevokeUser(context.Background(), "ada") },
			want: map[string]error{
				"ada-laptop": revoke.ErrUserRevoked, "ada-phone": revoke.ErrUserRevoked, "bob": nil,
				"ada-login-within-skew": revoke.ErrUserRevoked, "ada-login-after": nil, "anonymous": nil,
			},
		},
		{
			name: "with no skew, a session issued the millisecond after the revocation stands",
			skew: -1,
			issued: []step{
				{60 * time.Second, "ada", "ada-same-ms"}, {60*time.Second + time.Millisecond, "ada", "ada-next-ms"},
				{59 * time.Second, "ada", "ada-before"},
			},
			revoke: func(g *rig, _ map[string]string) error { return g.rv.RevokeUser(context.Background(), "ada") },
			want:   map[string]error{"ada-same-ms": revoke.ErrUserRevoked, "ada-next-ms": nil, "ada-before": revoke.ErrUserRevoked},
		},
		{
			// A server whose clock runs 3 s ahead issued a session 1 s before
			// the revocation: its createdAt reads 2 s after the cutoff's instant.
			name:   "a fast clock's session issued before the revocation is caught by the skew margin",
			issued: []step{{62 * time.Second, "ada", "ada-fast-clock"}},
			revoke: func(g *rig, _ map[string]string) error { return g.rv.RevokeUser(context.Background(), "ada") },
			want:   map[string]error{"ada-fast-clock": revoke.ErrUserRevoked},
		},
		{
			name:   "and escapes it without a margin: why the margin exists",
			skew:   -1,
			issued: []step{{62 * time.Second, "ada", "ada-fast-clock"}},
			revoke: func(g *rig, _ map[string]string) error { return g.rv.RevokeUser(context.Background(), "ada") },
			want:   map[string]error{"ada-fast-clock": nil},
		},
		{
			name:   "logging out one session ends it and its copies, not the user's others",
			issued: []step{{0, "ada", "ada-laptop"}, {0, "ada", "ada-phone"}, {0, "", "anonymous"}},
			revoke: func(g *rig, vs map[string]string) error {
				for _, label := range []string{"ada-laptop", "anonymous"} {
					e, err := g.m.Decode(context.Background(), vs[label])
					if err != nil {
						return err
					}
					if err := g.rv.RevokeSession(context.Background(), e.ID, time.UnixMilli(e.CreatedAt)); err != nil {
						return err
					}
				}
				return nil
			},
			want: map[string]error{"ada-laptop": revoke.ErrSessionRevoked, "ada-phone": nil, "anonymous": revoke.ErrSessionRevoked},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := newRig(t, func(_ *session.Config[Account], rc *revoke.Config[Account]) { rc.ClockSkew = tc.skew })
			values := map[string]string{}
			var later []step
			for _, st := range tc.issued {
				if st.at > time.Minute {
					later = append(later, st)
					continue
				}
				g.clk.Set(t0.Add(st.at))
				values[st.label] = g.issue(t, st.user)
			}
			g.clk.Set(t0.Add(time.Minute))
			if err := tc.revoke(g, values); err != nil {
				t.Fatal(err)
			}
			for _, st := range later {
				g.clk.Set(t0.Add(st.at))
				values[st.label] = g.issue(t, st.user)
			}
			g.clk.Set(t0.Add(2 * time.Minute))
			for label, want := range tc.want {
				err := g.read(values[label])
				switch {
				case want == nil && err != nil:
					t.Errorf("%s: refused (%v), want accepted", label, err)
				case want != nil && !errors.Is(err, want):
					t.Errorf("%s: err = %v, want %v", label, err, want)
				case want != nil && !errors.Is(err, session.ErrRevoked):
					t.Errorf("%s: err = %v does not wrap session.ErrRevoked", label, err)
				}
			}
		})
	}
}

// TestMaxAgeCleanup: a revocation is kept exactly as long as a session
// issued before it can be valid, then dropped; by then such a session is
// refused as expired anyway.
func TestMaxAgeCleanup(t *testing.T) {
	const maxAge = time.Hour
	g := newRig(t, func(sc *session.Config[Account], _ *revoke.Config[Account]) { sc.MaxAge = maxAge })
	old := g.issue(t, "ada") // issued at t0
	g.clk.Advance(time.Minute)
	if err := g.rv.RevokeUser(t.Context(), "ada"); err != nil {
		t.Fatal(err)
	}
	skew := 5 * time.Second // the session default the Revoker took
	cutoff := t0.Add(time.Minute + skew)

	// Just before the record may go, it is still there, and old is still refused by it.
	g.clk.Set(cutoff.Add(maxAge + 2*skew - time.Millisecond))
	if n := g.mem.Len(); n != 1 {
		t.Fatalf("Len = %d just before the record may be dropped, want 1", n)
	}
	// Last instant the session's own MaxAge would let old through: the record refuses it.
	g.clk.Set(t0.Add(maxAge + skew - time.Millisecond))
	if err := g.read(old); !errors.Is(err, revoke.ErrUserRevoked) {
		t.Errorf("old session within its MaxAge: err = %v, want ErrUserRevoked", err)
	}
	g.clk.Set(cutoff.Add(maxAge + 2*skew))
	if n := g.mem.Len(); n != 0 {
		t.Errorf("Len = %d once no session issued before the cutoff can be valid, want 0", n)
	}
	if err := g.read(old); !errors.Is(err, sealed.ErrExpired) && !errors.Is(err, session.ErrExpired) {
		t.Errorf("old session after the record was dropped: err = %v, want it expired", err)
	}
}

// TestCutoffsMoveForward: a later revocation of the same user wins; an
// earlier cutoff recorded after it changes nothing.
func TestCutoffsMoveForward(t *testing.T) {
	mem := revoke.NewMemory(revoke.MemoryConfig{Clock: func() time.Time { return t0 }})
	k := revoke.Key{Kind: revoke.User, ID: "ada"}
	ctx := t.Context()
	for _, c := range []time.Duration{time.Minute, 3 * time.Minute, 2 * time.Minute} {
		if err := mem.Revoke(ctx, k, t0.Add(c), t0.Add(c+time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := mem.Cutoff(ctx, k); !got.Equal(t0.Add(3 * time.Minute)) {
		t.Errorf("cutoff = %v, want the latest, %v", got, t0.Add(3*time.Minute))
	}
	if got, _ := mem.Cutoff(ctx, revoke.Key{Kind: revoke.Session, ID: "ada"}); !got.IsZero() {
		t.Errorf("a session key with a user's id has cutoff %v: kinds must not mix", got)
	}
	if err := mem.Revoke(ctx, revoke.Key{Kind: revoke.User, ID: "old"}, t0.Add(-2*time.Hour), t0.Add(-time.Hour)); err != nil || mem.Len() != 1 {
		t.Errorf("a record already past its until: err = %v, Len = %d, want it not kept", err, mem.Len())
	}
}

// TestMemoryBounded: MaxEntries holds, expired records make room, and the
// refusal says so.
func TestMemoryBounded(t *testing.T) {
	clk := testkit.NewClock(t0)
	mem := revoke.NewMemory(revoke.MemoryConfig{MaxEntries: 100, Clock: clk.Now})
	ctx := t.Context()
	for i := range 100 {
		if err := mem.Revoke(ctx, revoke.Key{Kind: revoke.Session, ID: fmt.Sprint(i)}, t0, t0.Add(time.Duration(i+1)*time.Minute)); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
	err := mem.Revoke(ctx, revoke.Key{Kind: revoke.User, ID: "one-too-many"}, t0, t0.Add(time.Hour))
	if !errors.Is(err, revoke.ErrFull) {
		t.Fatalf("record 101: err = %v, want ErrFull", err)
	}
	// Updating a record already held needs no room.
	if err := mem.Revoke(ctx, revoke.Key{Kind: revoke.Session, ID: "7"}, t0.Add(time.Second), t0.Add(2*time.Hour)); err != nil {
		t.Errorf("updating a held record when full: %v", err)
	}
	clk.Advance(10 * time.Minute) // records 0..9 expire; 7 was extended
	if err := mem.Revoke(ctx, revoke.Key{Kind: revoke.User, ID: "one-too-many"}, t0, t0.Add(time.Hour)); err != nil {
		t.Errorf("after expiry made room: %v", err)
	}
	if n := mem.Len(); n != 92 {
		t.Errorf("Len = %d, want 92 (100 − 9 expired + 1)", n)
	}
	if got, _ := mem.Cutoff(ctx, revoke.Key{Kind: revoke.Session, ID: "7"}); !got.Equal(t0.Add(time.Second)) {
		t.Errorf("the extended record: cutoff %v, want %v", got, t0.Add(time.Second))
	}
}

// TestMemoryConcurrent: readers and writers at once, under -race; every
// revocation is visible to a read that starts after it returns.
func TestMemoryConcurrent(t *testing.T) {
	mem := revoke.NewMemory(revoke.MemoryConfig{})
	ctx := t.Context()
	now := time.Now()
	done := make(chan error, 8)
	for w := range 8 {
		go func() {
			for i := range 500 {
				k := revoke.Key{Kind: revoke.User, ID: fmt.Sprintf("u%d-%d", w, i)}
				if err := mem.Revoke(ctx, k, now, now.Add(time.Hour)); err != nil {
					done <- err
					return
				}
				if c, err := mem.Cutoff(ctx, k); err != nil || c.UnixMilli() != now.UnixMilli() {
					done <- fmt.Errorf("read after write of %v: %v, %v", k, c, err)
					return
				}
				mem.Cutoff(ctx, revoke.Key{Kind: revoke.User, ID: fmt.Sprintf("u%d-%d", (w+1)%8, i)})
			}
			done <- nil
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if n := mem.Len(); n != 4000 {
		t.Errorf("Len = %d, want 4000", n)
	}
}

// TestThroughTheManager: the carrier path, not Decode: a revoked session's
// cookie is deleted and OnError hears why, naming neither user nor session.
func TestThroughTheManager(t *testing.T) {
	g := newRig(t, nil)
	v := g.issue(t, "ada@example.com")
	cookies := []string{"app=" + v}
	if s := g.m.Load(t.Context(), cookies, ""); s.IsNew() {
		t.Fatal("fresh session refused")
	}
	g.clk.Advance(time.Minute)
	if err := g.rv.RevokeUser(t.Context(), "ada@example.com"); err != nil {
		t.Fatal(err)
	}
	s := g.m.Load(t.Context(), cookies, "")
	if !s.IsNew() || s.Data().User != "" {
		t.Fatal("revoked session accepted")
	}
	h := http.Header{}
	if err := s.Save(h); err != nil {
		t.Fatal(err)
	}
	if got := h.Get("Set-Cookie"); !strings.HasPrefix(got, "app=;") {
		t.Errorf("Set-Cookie = %q, want the revoked cookie deleted", got)
	}
	errs := g.log.Take()
	if len(errs) != 1 || !errors.Is(errs[0], session.ErrRevoked) || !errors.Is(errs[0], revoke.ErrUserRevoked) {
		t.Fatalf("OnError heard %v, want ErrRevoked wrapping ErrUserRevoked", errs)
	}
	if msg := errs[0].Error(); strings.Contains(msg, "ada") || strings.Contains(msg, v) {
		t.Errorf("OnError's error %q names the user or holds the value", msg)
	}
}

// downStore is a store whose backend does not answer: the shape of a shared
// store's refusal (session/revoke/redis tests the real one).
type downStore struct{ revoke.Store }

func (downStore) Cutoff(context.Context, revoke.Key) (time.Time, error) {
	return time.Time{}, fmt.Errorf("revoke test: backend down: %w", session.ErrUnavailable)
}

// TestUnavailableKeepsTheCookie: a store that cannot answer refuses the
// session for the request and keeps its cookie.
func TestUnavailableKeepsTheCookie(t *testing.T) {
	g := newRig(t, func(_ *session.Config[Account], rc *revoke.Config[Account]) { rc.Store = downStore{} })
	v := g.issue(t, "ada")
	s := g.m.Load(t.Context(), []string{"app=" + v}, "")
	h := http.Header{}
	if err := s.Save(h); err != nil {
		t.Fatal(err)
	}
	if !s.IsNew() || len(h["Set-Cookie"]) != 0 {
		t.Errorf("IsNew = %v, Set-Cookie = %q: want refused and the cookie left alone", s.IsNew(), h["Set-Cookie"])
	}
	if !g.log.Has(session.ErrUnavailable) || g.log.Has(session.ErrRevoked) {
		t.Errorf("OnError heard %v, want ErrUnavailable only", g.log.All())
	}
}

// TestValidateChained: a Validate already in the config runs first, and its
// refusal stands.
func TestValidateChained(t *testing.T) {
	errBanned := errors.New("banned")
	var calls []string
	g := newRig(t, func(sc *session.Config[Account], _ *revoke.Config[Account]) {
		sc.Validate = func(_ context.Context, e *session.Envelope[Account]) error {
			calls = append(calls, "app")
			if e.Data.User == "mallory" {
				return errBanned
			}
			return nil
		}
	})
	if err := g.read(g.issue(t, "mallory")); !errors.Is(err, errBanned) {
		t.Errorf("the application's Validate: err = %v, want its own", err)
	}
	if err := g.read(g.issue(t, "ada")); err != nil || len(calls) != 2 {
		t.Errorf("err = %v, application Validate calls = %d: want accepted, 2", err, len(calls))
	}
}

func TestNewRefuses(t *testing.T) {
	ironPw := iron.PasswordOption{Plain: "iron-password-for-the-revoke-tests-0123456789"}
	ironSession, err := ironsession.New(ironsession.Config{CookieName: "app", Password: ironPw})
	if err != nil {
		t.Fatal(err)
	}
	h3NoMaxAge, err := h3.New(h3.Config{Password: ironPw, MaxAge: -1})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		sc   *session.Config[Account]
		want string
	}{
		{"no session config", nil, "session.Config"},
		{"a DataOnly format", &session.Config[Account]{Format: ironSession}, "createdAt"},
		{"a Peer format with no MaxAge", &session.Config[Account]{Format: h3NoMaxAge}, "MaxAge"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rv, err := revoke.New(tc.sc, revoke.Config[Account]{})
			if rv != nil || err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New = %v, %v; want an error mentioning %q", rv, err, tc.want)
			}
		})
	}
	g := newRig(t, nil)
	if err := g.rv.RevokeUser(t.Context(), ""); err == nil {
		t.Error("RevokeUser with no user: no error")
	}
	if err := g.rv.RevokeSession(t.Context(), "", t0); err == nil {
		t.Error("RevokeSession with no id: no error")
	}
}

// TestDefaultsFollowSession holds the package's copy of the session
// defaults (MaxAge 24 h, ClockSkew 5 s) equal to what a Manager applies.
func TestDefaultsFollowSession(t *testing.T) {
	clk := testkit.NewClock(t0)
	m, err := session.New(session.Config[Account]{Keys: []sealed.Key{key}, Clock: clk.Now, IdleTimeout: -1})
	if err != nil {
		t.Fatal(err)
	}
	s := m.Load(t.Context(), nil, "")
	s.Touch()
	if got := s.ExpiresAt().Sub(s.CreatedAt()); got != 24*time.Hour {
		t.Errorf("the session's default MaxAge is %v; update sessionMaxAge", got)
	}
	for _, tc := range []struct {
		ahead time.Duration
		ok    bool
	}{{5*time.Second - time.Millisecond, true}, {5*time.Second + time.Millisecond, false}} {
		v, err := m.Encode(session.Envelope[Account]{CreatedAt: t0.Add(tc.ahead).UnixMilli()})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Decode(t.Context(), v); (err == nil) != tc.ok {
			t.Errorf("createdAt %v ahead: err = %v; the session's default ClockSkew is not 5s: update sessionClockSkew", tc.ahead, err)
		}
	}
}
