package h3_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/h3"
)

// checkConfigErr fails unless err mentions want, and checks that it quotes
// no password.
func checkConfigErr(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want one mentioning %q", err, want)
	}
	for _, pw := range []string{ironPw1, nativeKey.Password} {
		if strings.Contains(err.Error(), pw) {
			t.Errorf("error leaks a password: %v", err)
		}
	}
}

func TestConfigValidation(t *testing.T) {
	pw := plainPw(ironPw1)
	tests := []struct {
		name    string
		cfg     h3.Config
		wantErr string
	}{
		{"without a password", h3.Config{}, "Password"},
		{"short password", h3.Config{Password: plainPw("short")}, "at least 32"},
		{"max age over 400 days", h3.Config{Password: pw, MaxAge: 401 * 24 * time.Hour}, "400"},
		{"v1 with an idle timeout", h3.Config{Version: 1, Password: pw, IdleTimeout: time.Hour}, "idle"},
		{"v1 without legacy fallback", h3.Config{Version: 1, Password: pw, NoLegacySealFallback: true}, "NoLegacySealFallback"},
		{"unknown version", h3.Config{Version: 3, Password: pw}, "Version"},
		{"negative version", h3.Config{Version: -1, Password: pw}, "Version"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := h3.New(tc.cfg)
			if f != nil {
				t.Errorf("h3.New returned a format with an error")
			}
			checkConfigErr(t, err, tc.wantErr)
		})
	}
	if _, err := h3.New(h3.Config{Password: plainPw("short")}); !errors.Is(err, sealed.ErrShortPassword) {
		t.Errorf("short password error %v does not wrap sealed.ErrShortPassword", err)
	}
	for _, c := range []h3.Config{
		{Version: 1, Password: pw, IdleTimeout: -1},
		{Version: 2, Password: pw, MaxAge: 400 * 24 * time.Hour, NoLegacySealFallback: true},
		{Password: pw, MaxAge: -1, IdleTimeout: -1},
	} {
		if _, err := h3.New(c); err != nil {
			t.Errorf("h3.New(%+v): %v", c, err)
		}
	}
}

// What session.New refuses with an h3 format: the lifetimes are the
// format's, keys are the native format's, and h3 1.x reads one cookie.
func TestManagerConfigValidation(t *testing.T) {
	v2 := newFormat(t, h3.Config{})
	v1 := newFormat(t, h3.Config{Version: 1})
	tests := []struct {
		name    string
		cfg     session.Config[User]
		wantErr string
	}{
		{"with keys", session.Config[User]{Format: v2, Keys: []sealed.Key{nativeKey}}, "Keys"},
		{"with a max age", session.Config[User]{Format: v2, MaxAge: time.Hour}, "MaxAge"},
		{"with a negative max age", session.Config[User]{Format: v2, MaxAge: -1}, "MaxAge"},
		{"with an idle timeout", session.Config[User]{Format: v2, IdleTimeout: time.Hour}, "IdleTimeout"},
		{"with a negative idle timeout", session.Config[User]{Format: v2, IdleTimeout: -1}, "IdleTimeout"},
		{"with a refresh", session.Config[User]{Format: v2, RefreshAfter: time.Minute}, "RefreshAfter"},
		{"with a clock skew", session.Config[User]{Format: v2, ClockSkew: time.Second}, "ClockSkew"},
		{"with a negative clock skew", session.Config[User]{Format: v2, ClockSkew: -1}, "ClockSkew"},
		{"v1 with chunks", session.Config[User]{Format: v1, Cookie: cookie.Attributes{MaxChunks: 2}}, "MaxChunks"},
		{"v1 with a max age", session.Config[User]{Format: v1, MaxAge: time.Hour}, "MaxAge"},
		{"with another cookie name", session.Config[User]{Format: v2, Name: "other"}, "Config.Name \"other\" differs"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := session.New(tc.cfg)
			checkConfigErr(t, err, tc.wantErr)
		})
	}
	if _, err := session.New(session.Config[User]{Format: v1, Cookie: cookie.Attributes{MaxChunks: 1}}); err != nil {
		t.Errorf("v1 with MaxChunks 1: %v", err)
	}
}

// limitOf returns the longest value m writes, from the ErrTooLarge that
// Update returns for a session over every limit.
func limitOf(t *testing.T, m *session.Manager[User]) int {
	t.Helper()
	s := m.Get(newReq())
	err := s.Update(func(u *User) { u.Name = strings.Repeat("x", 40000) })
	if !errors.Is(err, session.ErrTooLarge) {
		t.Fatalf("Update of 40000 bytes: %v", err)
	}
	var limit int
	_, after, _ := strings.Cut(err.Error(), "the limit is ")
	if _, serr := fmt.Sscanf(after, "%d characters", &limit); serr != nil {
		t.Fatalf("no limit in %q: %v", err, serr)
	}
	return limit
}

func TestDefaults(t *testing.T) {
	tests := []struct {
		name       string
		format     h3.Config
		cfg        session.Config[User]
		wantName   string
		wantHeader string
		wantChunks int
	}{
		{"h3", h3.Config{}, session.Config[User]{}, "h3", "X-H3-Session", cookie.DefaultMaxChunks},
		{"named like h3 does it", h3.Config{Name: "AppSession"}, session.Config[User]{}, "AppSession", "X-Appsession-Session", cookie.DefaultMaxChunks},
		{"no prefix stripping", h3.Config{Name: "__Host-s"}, session.Config[User]{}, "__Host-s", "X-__host-S-Session", cookie.DefaultMaxChunks},
		{"sessionHeader string", h3.Config{}, session.Config[User]{Header: "x-token"}, "h3", "X-Token", cookie.DefaultMaxChunks},
		{"sessionHeader false", h3.Config{}, session.Config[User]{DisableHeader: true}, "h3", "", cookie.DefaultMaxChunks},
		{"version 2", h3.Config{Version: 2}, session.Config[User]{}, "h3", "X-H3-Session", cookie.DefaultMaxChunks},
		{"v1", h3.Config{Version: 1}, session.Config[User]{}, "h3", "X-H3-Session", 1},
		{"v1 named", h3.Config{Version: 1, Name: "Nuxt"}, session.Config[User]{Name: "Nuxt"}, "Nuxt", "X-Nuxt-Session", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Format = newFormat(t, tc.format)
			tc.cfg.Cookie.Budget = cookie.NoBudget // the chunk cap alone
			m, err := session.New(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			chunks := limitOf(t, m) / cookie.ChunkSize
			if m.Name() != tc.wantName || m.HeaderName() != tc.wantHeader || chunks != tc.wantChunks {
				t.Errorf("name %q header %q chunks %d, want %q %q %d", m.Name(), m.HeaderName(), chunks,
					tc.wantName, tc.wantHeader, tc.wantChunks)
			}
		})
	}
}

// The rules the h3 formats give session.New, as h3 applies them.
func TestRules(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  h3.Config
		want session.Rules
	}{
		{"v2 defaults", h3.Config{}, session.Rules{Name: "h3", Peer: true, MaxAge: 24 * time.Hour, IdleTimeout: 2 * time.Hour}},
		{"v2 unset", h3.Config{MaxAge: -1, IdleTimeout: -1}, session.Rules{Name: "h3", Peer: true}},
		{"v2 set", h3.Config{MaxAge: time.Hour, IdleTimeout: time.Minute}, session.Rules{Name: "h3", Peer: true, MaxAge: time.Hour, IdleTimeout: time.Minute}},
		{"v1 defaults", h3.Config{Version: 1}, session.Rules{Name: "h3", Peer: true, SingleCookie: true, MaxAge: 24 * time.Hour}},
		{"v1 unset", h3.Config{Version: 1, MaxAge: -1, IdleTimeout: -1}, session.Rules{Name: "h3", Peer: true, SingleCookie: true}},
		{"read-only", h3.Config{Password: iron.PasswordOption{Object: map[string]string{"1": ironPw1}}},
			session.Rules{Name: "h3", Peer: true, MaxAge: 24 * time.Hour, IdleTimeout: 2 * time.Hour, ReadOnly: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := newFormat(t, tc.cfg).Rules()
			if got.Header == nil {
				t.Fatal("no Header rule")
			}
			for name, want := range map[string]string{"h3": "x-h3-session", "AppSession": "x-appsession-session", "__Host-S": "x-__host-s-session"} {
				if h := got.Header(name); h != want {
					t.Errorf("Header(%q) = %q, want %q", name, h, want)
				}
			}
			got.Header = nil
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Rules (-want +got):\n%s", diff)
			}
		})
	}
}

// openIron unseals a cookie value with a Codec configured like the peer.
func openIron(t *testing.T, cfg iron.Config, err error, value string, now time.Time) ([]byte, iron.Info) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	cfg.Budget = testBudget
	c, err := iron.NewKeyring(cfg)
	if err != nil {
		t.Fatal(err)
	}
	pt, info, err := c.Unseal(value, now)
	if err != nil {
		t.Fatalf("the peer's codec cannot open our value: %v", err)
	}
	return pt, info
}

func TestRoundTrip(t *testing.T) {
	f := newFixture(t, newFormat(t, h3.Config{MaxAge: 3 * time.Hour, IdleTimeout: time.Hour}), func(c *session.Config[User]) {
		c.GenerateID = func() string { return "id-1" }
	})
	rec := f.do(t, newReq(), func(s *session.Session[User]) { update(t, s, func(u *User) { u.Name = "ada" }) })
	c := onlyCookie(t, rec, "h3")
	// Expires = min(createdAt + maxAge, lastSeenAt + idle); no Max-Age.
	if !c.Expires.Equal(t0.Add(time.Hour)) || c.MaxAge != 0 || strings.Contains(rec.Header().Get("Set-Cookie"), "Max-Age") {
		t.Errorf("cookie Expires %v Max-Age %d (%q)", c.Expires, c.MaxAge, rec.Header().Get("Set-Cookie"))
	}
	if !strings.HasPrefix(c.Value, "Fe26.2**") {
		t.Errorf("value %q is not an unnamed Fe26.2 seal", c.Value[:20])
	}
	// The plaintext is h3's envelope, sealed at 8192 iterations with ttl = maxAge.
	cfg, err := iron.H3Config(plainPw(ironPw1), 0)
	cfg.FallbackIterations = 0
	pt, info := openIron(t, cfg, err, c.Value, t0)
	want := `{"id":"id-1","createdAt":1767225600000,"data":{"name":"ada","views":0},"lastSeenAt":1767225600000}`
	if string(pt) != want || info.Iterations != iron.H3Iterations || !info.Expires.Equal(t0.Add(3*time.Hour)) {
		t.Errorf("plaintext %s, %d iterations, expires %v", pt, info.Iterations, info.Expires)
	}
	f.clk.Advance(time.Minute)
	f.do(t, newReq(c), func(s *session.Session[User]) {
		if s.IsNew() || s.ID() != "id-1" || s.Data().Name != "ada" || !s.ExpiresAt().Equal(t0.Add(time.Hour)) {
			t.Errorf("read back: new %v id %q data %+v expires %v", s.IsNew(), s.ID(), s.Data(), s.ExpiresAt())
		}
	})
	if errs := f.log.Take(); len(errs) != 0 {
		t.Errorf("OnError heard %v", errs)
	}
}

func TestExpiry(t *testing.T) {
	tests := []struct {
		name    string
		maxAge  time.Duration
		idle    time.Duration
		advance time.Duration // after the seal
		want    error         // nil: accepted
	}{
		{"max age: exactly at the limit", time.Hour, -1, time.Hour, nil},
		{"max age: 1 ms past", time.Hour, -1, time.Hour + time.Millisecond, session.ErrExpired},
		{"max age: sub-millisecond past is not past", time.Hour, -1, time.Hour + time.Millisecond - time.Nanosecond, nil},
		{"idle: exactly at the limit", -1, time.Hour, time.Hour, nil},
		{"idle: 1 ms past", -1, time.Hour, time.Hour + time.Millisecond, session.ErrIdle},
		{"both unset: never expires", -1, -1, 10 * 365 * 24 * time.Hour, nil},
		{"defaults apply when zero", 0, 0, 2*time.Hour + time.Millisecond, session.ErrIdle},
		{"default max age when zero", 0, -1, 24*time.Hour + time.Millisecond, session.ErrExpired},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, newFormat(t, h3.Config{MaxAge: tc.maxAge, IdleTimeout: tc.idle}), nil)
			rec := f.do(t, newReq(), func(s *session.Session[User]) { update(t, s, func(u *User) { u.Views = 1 }) })
			c := onlyCookie(t, rec, "h3")
			if tc.maxAge < 0 && tc.idle < 0 && (!c.Expires.IsZero() || c.MaxAge != 0) {
				t.Errorf("unset limits: Expires %v Max-Age %d, want a session cookie", c.Expires, c.MaxAge)
			}
			f.clk.Advance(tc.advance)
			_, err := f.m.Decode(t.Context(), c.Value)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("Decode: %v, want %v", err, tc.want)
			}
		})
	}
	t.Run("createdAt in the future is accepted, as in h3", func(t *testing.T) {
		f := newFixture(t, newFormat(t, h3.Config{}), nil)
		v, err := f.m.Encode(session.Envelope[User]{ID: "x", CreatedAt: t0.Add(time.Hour).UnixMilli()})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.m.Decode(t.Context(), v); err != nil {
			t.Errorf("Decode: %v", err)
		}
	})
}

func TestSlideOnlyFromCookie(t *testing.T) {
	f := newFixture(t, newFormat(t, h3.Config{IdleTimeout: 30 * time.Minute}), nil)
	c := onlyCookie(t, f.do(t, newReq(), func(s *session.Session[User]) { update(t, s, func(u *User) { u.Name = "ada" }) }), "h3")
	f.clk.Advance(15 * time.Minute) // exactly half: h3 slides only past it
	if rec := f.do(t, newReq(c), nil); len(rec.Header()["Set-Cookie"]) != 0 {
		t.Errorf("re-sealed at exactly half the idle window")
	}
	f.clk.Advance(time.Millisecond)
	r := newReq()
	r.Header.Set("X-H3-Session", c.Value)
	if rec := f.do(t, r, nil); len(rec.Header()["Set-Cookie"]) != 0 || rec.Header().Get("X-H3-Session") != "" {
		t.Errorf("a session from the header was re-sealed: %v", rec.Header())
	}
	c2 := onlyCookie(t, f.do(t, newReq(c), nil), "h3")
	got, err := f.m.Decode(t.Context(), c2.Value)
	if err != nil || got.LastSeenAt != t0.Add(15*time.Minute+time.Millisecond).UnixMilli() {
		t.Errorf("slid session %+v, %v", got, err)
	}
}

func TestLegacySeals(t *testing.T) {
	v1 := newFixture(t, newFormat(t, h3.Config{Version: 1}), nil)
	c := onlyCookie(t, v1.do(t, newReq(), func(s *session.Session[User]) { update(t, s, func(u *User) { u.Name = "ada" }) }), "h3")

	v2 := newFixture(t, newFormat(t, h3.Config{}), nil)
	// From the header: read, not re-sealed.
	r := newReq()
	r.Header.Set("X-H3-Session", c.Value)
	if rec := v2.do(t, r, func(s *session.Session[User]) {
		if s.IsNew() || s.Data().Name != "ada" {
			t.Errorf("legacy seal from the header not read: %+v", s.Data())
		}
	}); len(rec.Header()["Set-Cookie"]) != 0 {
		t.Error("legacy seal from the header re-sealed")
	}
	// From the cookie: re-sealed at 8192 iterations, which h3 1.x cannot read.
	up := onlyCookie(t, v2.do(t, newReq(c), nil), "h3")
	cfg, err := iron.H3Config(plainPw(ironPw1), 0)
	cfg.FallbackIterations = 0
	if _, info := openIron(t, cfg, err, up.Value, t0); info.Iterations != iron.H3Iterations {
		t.Errorf("upgraded at %d iterations", info.Iterations)
	}
	v1.do(t, newReq(up), func(s *session.Session[User]) {
		if !s.IsNew() {
			t.Error("h3 1.x reads an 8192-iteration seal")
		}
	})
	strict := newFixture(t, newFormat(t, h3.Config{NoLegacySealFallback: true}), nil)
	strict.do(t, newReq(c), func(s *session.Session[User]) {
		if !s.IsNew() {
			t.Error("NoLegacySealFallback read a 1-iteration seal")
		}
	})
	if errs := strict.log.Take(); len(errs) != 1 || !errors.Is(errs[0], sealed.ErrNotAuthentic) {
		t.Errorf("OnError heard %v", errs)
	}
}

func TestRejectedCookieLeftAlone(t *testing.T) {
	for _, version := range []int{2, 1} {
		t.Run(fmt.Sprintf("v%d", version), func(t *testing.T) {
			f := newFixture(t, newFormat(t, h3.Config{Version: version}), nil)
			name := f.m.Name()
			c := onlyCookie(t, f.do(t, newReq(), func(s *session.Session[User]) { update(t, s, func(u *User) { u.Name = "ada" }) }), name)
			other := newFixture(t, newFormat(t, h3.Config{Version: version, Password: plainPw(ironPw2)}), nil)
			rec := other.do(t, newReq(c), func(s *session.Session[User]) {
				if !s.IsNew() {
					t.Error("read with the wrong password")
				}
			})
			if sc := rec.Header()["Set-Cookie"]; len(sc) != 0 {
				t.Errorf("a rejected cookie was touched: %v", sc)
			}
			if errs := other.log.Take(); len(errs) != 1 || !errors.Is(errs[0], sealed.ErrNotAuthentic) || strings.Contains(errs[0].Error(), c.Value[:30]) {
				t.Errorf("OnError heard %v", errs)
			}
		})
	}
}

func TestPasswordRotation(t *testing.T) {
	old := newFixture(t, newFormat(t, h3.Config{
		Password: iron.PasswordOption{Object: map[string]string{"1": ironPw1, "id": "1", "secret": ironPw1}},
	}), nil)
	c := onlyCookie(t, old.do(t, newReq(), func(s *session.Session[User]) { update(t, s, func(u *User) { u.Name = "ada" }) }), "h3")
	if !strings.HasPrefix(c.Value, "Fe26.2*1*") {
		t.Fatalf("sealed with %q, want password id 1", c.Value[:10])
	}
	rotated := newFixture(t, newFormat(t, h3.Config{
		Password: iron.PasswordOption{Object: map[string]string{"1": ironPw1, "2": ironPw2, "id": "2", "secret": ironPw2}},
	}), nil)
	// Read without a re-seal (as h3: a peer may not know password 2 yet) ...
	if rec := rotated.do(t, newReq(c), func(s *session.Session[User]) {
		if s.IsNew() || s.Data().Name != "ada" {
			t.Errorf("old password's session lost: %+v", s.Data())
		}
	}); len(rec.Header()["Set-Cookie"]) != 0 {
		t.Error("an old password's session was re-sealed on read")
	}
	// ... and sealed with password 2 at the next change.
	c2 := onlyCookie(t, rotated.do(t, newReq(c), func(s *session.Session[User]) { s.Touch() }), "h3")
	if !strings.HasPrefix(c2.Value, "Fe26.2*2*") {
		t.Errorf("re-sealed with %q, want password id 2", c2.Value[:10])
	}
	// A map without "secret" reads, but cannot seal (h3 cannot either).
	ro := newFixture(t, newFormat(t, h3.Config{
		Password:    iron.PasswordOption{Object: map[string]string{"1": ironPw1, "2": ironPw2}},
		IdleTimeout: time.Minute,
	}), nil)
	ro.clk.Advance(50 * time.Second) // past half the idle window: no re-seal attempted
	s := ro.m.Get(newReq(c2))
	if s.IsNew() || wouldSave(t, s) {
		t.Errorf("read-only manager: new %v, or Save wrote something", s.IsNew())
	}
	s.Touch()
	if err := s.Save(http.Header{}); !errors.Is(err, iron.ErrConfig) {
		t.Errorf("Save with a read-only password: %v", err)
	}
}

func TestUpdateTooLarge(t *testing.T) {
	big := strings.Repeat("x", 3500) // fits in 4000 characters as JSON, not once sealed
	t.Run("v1", func(t *testing.T) {
		f := newFixture(t, newFormat(t, h3.Config{Version: 1}), nil)
		f.do(t, newReq(), func(s *session.Session[User]) {
			err := s.Update(func(u *User) { u.Name = big })
			if !errors.Is(err, session.ErrTooLarge) || !strings.Contains(err.Error(), "4000") {
				t.Fatalf("err = %v, want ErrTooLarge with the limit", err)
			}
			if s.Data().Name != "" || wouldSave(t, s) {
				t.Errorf("not rolled back: %+v, or Save wrote something", s.Data())
			}
			if err := s.Update(func(u *User) { u.Name = big[:2000] }); err != nil {
				t.Errorf("a session that fits: %v", err)
			}
		})
	})
	t.Run("v2 chunks", func(t *testing.T) {
		f := newFixture(t, newFormat(t, h3.Config{}), nil)
		rec := f.do(t, newReq(), func(s *session.Session[User]) { update(t, s, func(u *User) { u.Name = strings.Repeat("y", 7000) }) })
		cs := sessionCookies(rec, "h3")
		if len(cs) != 4 || cs[0].Value != "__chunked__3" {
			t.Fatalf("want h3=__chunked__3 and 3 chunks, got %d cookies", len(cs))
		}
		f.do(t, newReq(cs...), func(s *session.Session[User]) {
			if s.IsNew() || len(s.Data().Name) != 7000 {
				t.Errorf("chunked h3 session not read back")
			}
		})
	})
}

// The native format is untouched by the h3 formats: same names, purpose
// binding, skew.
func TestNativeStillDefault(t *testing.T) {
	f := newFixture(t, nil, nil)
	v, err := f.m.Encode(session.Envelope[User]{Data: User{Name: "ada"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sealed.Inspect(v); err != nil {
		t.Errorf("nil Format did not seal natively: %v", err)
	}
	h := newFixture(t, newFormat(t, h3.Config{}), nil)
	if _, err := h.m.Decode(t.Context(), v); !errors.Is(err, sealed.ErrMalformed) {
		t.Errorf("an h3 manager decoding a native value: %v", err)
	}
	got, err := f.m.Decode(t.Context(), v)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(User{Name: "ada"}, got.Data); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// A legacy session (gorilla, say) migrates into the h3 format as into the
// native one, under h3's rules.
func TestLegacyMigration(t *testing.T) {
	legacy := &fakeLegacy{}
	f := newFixture(t, newFormat(t, h3.Config{}), func(c *session.Config[User]) { c.Legacy = legacy })
	f.clk.Advance(time.Hour)
	rec := f.do(t, newReq(&http.Cookie{Name: "old", Value: "valid"}), func(s *session.Session[User]) {
		if s.IsNew() || s.Data().Name != "migrated" {
			t.Errorf("not migrated: new %v data %+v", s.IsNew(), s.Data())
		}
	})
	c := onlyCookie(t, rec, f.m.Name())
	if !strings.HasPrefix(c.Value, "Fe26.2*") || legacy.deletes != 1 {
		t.Errorf("migrated into %q…, legacy cookie deleted %d times", c.Value[:8], legacy.deletes)
	}
	got, err := f.m.Decode(t.Context(), c.Value)
	if err != nil || got.Data.Name != "migrated" {
		t.Fatalf("re-sealed session %+v, %v", got, err)
	}
	if got.CreatedAt != t0.UnixMilli() {
		t.Errorf("createdAt %d, want the legacy session's %d", got.CreatedAt, t0.UnixMilli())
	}
}

// SealedLen, which Update uses to refuse a session before sealing it, is the
// exact length of the values the h3 formats write.
func TestSealedLen(t *testing.T) {
	unnamed := plainPw(strings.Repeat("p", 32))
	named := iron.PasswordOption{Object: map[string]string{"key_7": strings.Repeat("p", 32), "id": "key_7", "secret": strings.Repeat("p", 32)}}
	configs := map[string]h3.Config{
		"v2 unnamed, no ttl": {Password: unnamed, MaxAge: -1, IdleTimeout: -1},
		"v2 unnamed, ttl":    {Password: unnamed},
		"v2 named, ttl":      {Password: named},
		"v2 named, no ttl":   {Password: named, MaxAge: -1, IdleTimeout: -1},
		"v2 idle ttl only":   {Password: unnamed, MaxAge: -1, IdleTimeout: time.Minute},
		"v1 unnamed, ttl":    {Version: 1, Password: unnamed},
		"v1 named, no ttl":   {Version: 1, Password: named, MaxAge: -1},
	}
	now := t0
	for name, c := range configs {
		t.Run(name, func(t *testing.T) {
			f := newFormat(t, c)
			for n := range 100 {
				pt := []byte(strings.Repeat("d", n))
				v, err := f.Seal(pt, "h3", time.Time{}, now)
				if err != nil {
					t.Fatal(err)
				}
				if got, want := len(v), f.SealedLen(n); got != want {
					t.Fatalf("plaintext of %d bytes: sealed to %d characters, SealedLen says %d", n, got, want)
				}
				back, _, err := f.Open(nil, v, "h3", now)
				if err != nil || string(back) != string(pt) {
					t.Fatalf("plaintext of %d bytes: opened %q, %v", n, back, err)
				}
			}
		})
	}
}
