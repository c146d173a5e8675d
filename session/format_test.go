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
	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
)

const (
	ironPw1 = "iron test password one, at least 32 chars"
	ironPw2 = "iron test password two, at least 32 chars"
)

func plainPw(p string) iron.PasswordOption { return iron.PasswordOption{Plain: p} }

// newFormatFixture is newFixture for an iron format: Keys is replaced by
// IronPassword, and the durations are h3's defaults (unset) unless edit
// says otherwise.
func newFormatFixture(t *testing.T, format session.Format, edit func(*session.Config[User])) *fixture {
	t.Helper()
	return newFixture(t, func(c *session.Config[User]) {
		c.Keys = nil
		c.Format = format
		c.IronPassword = plainPw(ironPw1)
		c.Name = ""
		if format == session.FormatIronSession {
			c.Name = "app"
		}
		if edit != nil {
			edit(c)
		}
	})
}

func TestFormatConfigValidation(t *testing.T) {
	pw := plainPw(ironPw1)
	tests := []struct {
		name    string
		cfg     session.Config[User]
		wantErr string
	}{
		{"native with an iron password", session.Config[User]{Keys: []sealed.Key{key1}, IronPassword: pw}, "IronPassword"},
		{"native with NoLegacySealFallback", session.Config[User]{Keys: []sealed.Key{key1}, NoLegacySealFallback: true}, "NoLegacySealFallback"},
		{"h3 with keys", session.Config[User]{Format: session.FormatH3, Keys: []sealed.Key{key1}, IronPassword: pw}, "Keys"},
		{"h3 without a password", session.Config[User]{Format: session.FormatH3}, "IronPassword"},
		{"h3 short password", session.Config[User]{Format: session.FormatH3, IronPassword: plainPw("short")}, "at least 32"},
		{"h3 with a clock skew", session.Config[User]{Format: session.FormatH3, IronPassword: pw, ClockSkew: time.Second}, "ClockSkew"},
		{"h3 max age over 400 days", session.Config[User]{Format: session.FormatH3, IronPassword: pw, MaxAge: 401 * 24 * time.Hour}, "400"},
		{"h3v1 with an idle timeout", session.Config[User]{Format: session.FormatH3V1, IronPassword: pw, IdleTimeout: time.Hour}, "idle"},
		{"h3v1 with chunks", session.Config[User]{Format: session.FormatH3V1, IronPassword: pw, Cookie: cookie.Attributes{MaxChunks: 2}}, "MaxChunks"},
		{"h3v1 without legacy fallback", session.Config[User]{Format: session.FormatH3V1, IronPassword: pw, NoLegacySealFallback: true}, "FormatH3 only"},
		{"iron-session without a name", session.Config[User]{Format: session.FormatIronSession, IronPassword: pw}, "cookieName"},
		{"iron-session with an idle timeout", session.Config[User]{Format: session.FormatIronSession, Name: "s", IronPassword: pw, IdleTimeout: time.Hour}, "idle"},
		{"iron-session ttl of a minute", session.Config[User]{Format: session.FormatIronSession, Name: "s", IronPassword: pw, MaxAge: time.Minute}, "over 60"},
		{"iron-session ttl with a fraction", session.Config[User]{Format: session.FormatIronSession, Name: "s", IronPassword: pw, MaxAge: 90*time.Second + time.Millisecond}, "whole number"},
		{"iron-session non-numeric id", session.Config[User]{Format: session.FormatIronSession, Name: "s", IronPassword: iron.PasswordOption{Object: map[string]string{"a": ironPw1}}}, "IronPassword"},
		{"unknown format", session.Config[User]{Format: 42, IronPassword: pw}, "Format"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := session.New(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want one mentioning %q", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), ironPw1) {
				t.Errorf("error leaks a password: %v", err)
			}
		})
	}
	if _, err := session.New(session.Config[User]{Format: session.FormatH3, IronPassword: plainPw("short")}); !errors.Is(err, sealed.ErrShortPassword) {
		t.Errorf("short password error %v does not wrap sealed.ErrShortPassword", err)
	}
}

func TestFormatDefaults(t *testing.T) {
	pw := plainPw(ironPw1)
	tests := []struct {
		name       string
		cfg        session.Config[User]
		wantName   string
		wantHeader string
		wantChunks int
	}{
		{"h3", session.Config[User]{Format: session.FormatH3}, "h3", "X-H3-Session", cookie.DefaultMaxChunks},
		{"h3 named like h3 does it", session.Config[User]{Format: session.FormatH3, Name: "AppSession"}, "AppSession", "X-Appsession-Session", cookie.DefaultMaxChunks},
		{"h3 no prefix stripping", session.Config[User]{Format: session.FormatH3, Name: "__Host-s"}, "__Host-s", "X-__host-S-Session", cookie.DefaultMaxChunks},
		{"h3 sessionHeader string", session.Config[User]{Format: session.FormatH3, Header: "x-token"}, "h3", "X-Token", cookie.DefaultMaxChunks},
		{"h3 sessionHeader false", session.Config[User]{Format: session.FormatH3, DisableHeader: true}, "h3", "", cookie.DefaultMaxChunks},
		{"h3v1", session.Config[User]{Format: session.FormatH3V1}, "h3", "X-H3-Session", 1},
		{"iron-session", session.Config[User]{Format: session.FormatIronSession, Name: "my_app"}, "my_app", "", 1},
		{"iron-session with a header", session.Config[User]{Format: session.FormatIronSession, Name: "my_app", Header: "x-my-app"}, "my_app", "X-My-App", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.IronPassword = pw
			m, err := session.New(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if m.Name() != tc.wantName || m.HeaderName() != tc.wantHeader || m.Cookie().Attributes().MaxChunks != tc.wantChunks {
				t.Errorf("name %q header %q chunks %d, want %q %q %d", m.Name(), m.HeaderName(), m.Cookie().Attributes().MaxChunks,
					tc.wantName, tc.wantHeader, tc.wantChunks)
			}
		})
	}
	for f, want := range map[session.Format]string{session.FormatNative: "native", session.FormatH3: "h3",
		session.FormatH3V1: "h3v1", session.FormatIronSession: "iron-session", 9: "Format(9)"} {
		if f.String() != want {
			t.Errorf("Format(%d).String() = %q, want %q", int(f), f.String(), want)
		}
	}
}

// openIron unseals a cookie value with a Codec configured like the peer.
func openIron(t *testing.T, cfg iron.Config, err error, value string, now time.Time) ([]byte, iron.Info) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	c, err := iron.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	pt, info, err := c.Unseal(value, now)
	if err != nil {
		t.Fatalf("the peer's codec cannot open our value: %v", err)
	}
	return pt, info
}

func TestH3RoundTrip(t *testing.T) {
	f := newFormatFixture(t, session.FormatH3, func(c *session.Config[User]) {
		c.MaxAge, c.IdleTimeout = 3*time.Hour, time.Hour
		c.GenerateID = func() string { return "id-1" }
	})
	rec := f.do(t, newReq(), func(s *session.Session[User]) { s.Update(func(u *User) { u.Name = "ada" }) })
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

func TestH3Expiry(t *testing.T) {
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
		{"defaults apply when zero", 0, 0, session.DefaultIdleTimeout + time.Millisecond, session.ErrIdle},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFormatFixture(t, session.FormatH3, func(c *session.Config[User]) { c.MaxAge, c.IdleTimeout = tc.maxAge, tc.idle })
			rec := f.do(t, newReq(), func(s *session.Session[User]) { s.Update(func(u *User) { u.Views = 1 }) })
			c := onlyCookie(t, rec, "h3")
			if tc.maxAge < 0 && tc.idle < 0 && (!c.Expires.IsZero() || c.MaxAge != 0) {
				t.Errorf("unset limits: Expires %v Max-Age %d, want a session cookie", c.Expires, c.MaxAge)
			}
			f.clk.Advance(tc.advance)
			_, err := f.m.Decode(c.Value)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("Decode: %v, want %v", err, tc.want)
			}
		})
	}
	t.Run("createdAt in the future is accepted, as in h3", func(t *testing.T) {
		f := newFormatFixture(t, session.FormatH3, nil)
		v, err := f.m.Encode(session.Envelope[User]{ID: "x", CreatedAt: t0.Add(time.Hour).UnixMilli()})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.m.Decode(v); err != nil {
			t.Errorf("Decode: %v", err)
		}
	})
}

func TestH3SlideOnlyFromCookie(t *testing.T) {
	f := newFormatFixture(t, session.FormatH3, func(c *session.Config[User]) { c.IdleTimeout = 30 * time.Minute })
	c := onlyCookie(t, f.do(t, newReq(), func(s *session.Session[User]) { s.Update(func(u *User) { u.Name = "ada" }) }), "h3")
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
	got, err := f.m.Decode(c2.Value)
	if err != nil || got.LastSeenAt != t0.Add(15*time.Minute+time.Millisecond).UnixMilli() {
		t.Errorf("slid session %+v, %v", got, err)
	}
}

func TestH3LegacySeals(t *testing.T) {
	v1 := newFormatFixture(t, session.FormatH3V1, nil)
	c := onlyCookie(t, v1.do(t, newReq(), func(s *session.Session[User]) { s.Update(func(u *User) { u.Name = "ada" }) }), "h3")

	v2 := newFormatFixture(t, session.FormatH3, nil)
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
	strict := newFormatFixture(t, session.FormatH3, func(c *session.Config[User]) { c.NoLegacySealFallback = true })
	strict.do(t, newReq(c), func(s *session.Session[User]) {
		if !s.IsNew() {
			t.Error("NoLegacySealFallback read a 1-iteration seal")
		}
	})
	if errs := strict.log.Take(); len(errs) != 1 || !errors.Is(errs[0], sealed.ErrNotAuthentic) {
		t.Errorf("OnError heard %v", errs)
	}
}

func TestIronRejectedCookieLeftAlone(t *testing.T) {
	for _, format := range []session.Format{session.FormatH3, session.FormatH3V1, session.FormatIronSession} {
		t.Run(format.String(), func(t *testing.T) {
			f := newFormatFixture(t, format, nil)
			name := f.m.Name()
			c := onlyCookie(t, f.do(t, newReq(), func(s *session.Session[User]) { s.Update(func(u *User) { u.Name = "ada" }) }), name)
			other := newFormatFixture(t, format, func(c *session.Config[User]) { c.IronPassword = plainPw(ironPw2) })
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

func TestH3PasswordRotation(t *testing.T) {
	old := newFormatFixture(t, session.FormatH3, func(c *session.Config[User]) {
		c.IronPassword = iron.PasswordOption{Object: map[string]string{"1": ironPw1, "id": "1", "secret": ironPw1}}
	})
	c := onlyCookie(t, old.do(t, newReq(), func(s *session.Session[User]) { s.Update(func(u *User) { u.Name = "ada" }) }), "h3")
	if !strings.HasPrefix(c.Value, "Fe26.2*1*") {
		t.Fatalf("sealed with %q, want password id 1", c.Value[:10])
	}
	rotated := newFormatFixture(t, session.FormatH3, func(cfg *session.Config[User]) {
		cfg.IronPassword = iron.PasswordOption{Object: map[string]string{"1": ironPw1, "2": ironPw2, "id": "2", "secret": ironPw2}}
	})
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
	ro := newFormatFixture(t, session.FormatH3, func(cfg *session.Config[User]) {
		cfg.IronPassword = iron.PasswordOption{Object: map[string]string{"1": ironPw1, "2": ironPw2}}
		cfg.IdleTimeout = time.Minute
	})
	ro.clk.Advance(50 * time.Second) // past half the idle window: no re-seal attempted
	s := ro.m.Get(newReq(c2))
	if s.IsNew() || s.Pending() {
		t.Errorf("read-only manager: new %v pending %v", s.IsNew(), s.Pending())
	}
	s.Touch()
	if err := s.Save(&discardWriter{h: http.Header{}}); !errors.Is(err, iron.ErrConfig) {
		t.Errorf("Save with a read-only password: %v", err)
	}
}

func TestIronSessionFormat(t *testing.T) {
	pws := iron.PasswordOption{Object: map[string]string{"1": ironPw1, "2": ironPw2}}
	f := newFormatFixture(t, session.FormatIronSession, func(c *session.Config[User]) { c.IronPassword = pws })
	rec := f.do(t, newReq(), func(s *session.Session[User]) {
		if s.ID() != "" || !s.CreatedAt().IsZero() || !s.LastSeenAt().IsZero() || !s.ExpiresAt().IsZero() {
			t.Errorf("iron-session session with id %q created %v", s.ID(), s.CreatedAt())
		}
		s.Update(func(u *User) { u.Name = "zoë" })
	})
	c := onlyCookie(t, rec, "app")
	if !strings.HasPrefix(c.Value, "Fe26.2*2*") || !strings.HasSuffix(c.Value, "~2") {
		t.Errorf("value %q…%q: want password 2 (the highest) and the ~2 suffix", c.Value[:10], c.Value[len(c.Value)-3:])
	}
	// Max-Age = ttl − 60 s (14 days by default), no Expires.
	if c.MaxAge != 14*24*3600-60 || !c.Expires.IsZero() {
		t.Errorf("Max-Age %d Expires %v", c.MaxAge, c.Expires)
	}
	cfg, err := iron.IronSessionConfig(pws, 0)
	seal, _, _ := iron.SplitIronSessionValue(c.Value)
	pt, info := openIron(t, cfg, err, seal, t0)
	if string(pt) != `{"name":"zoë","views":0}` || !info.Expires.Equal(t0.Add(iron.IronSessionDefaultTTL)) {
		t.Errorf("plaintext %s expires %v", pt, info.Expires)
	}
	f.clk.Advance(time.Hour)
	f.do(t, newReq(c), func(s *session.Session[User]) {
		if s.IsNew() || s.Data().Name != "zoë" || s.ID() != "" {
			t.Errorf("read back: %+v", s.Envelope())
		}
		s.Regenerate() // nothing to regenerate: only marks it for saving
		if !s.Pending() || s.ID() != "" {
			t.Errorf("Regenerate: pending %v id %q", s.Pending(), s.ID())
		}
	})
	// ttl: 0 (MaxAge negative): no expiration, iron-session's 2147483647 Max-Age.
	g := newFormatFixture(t, session.FormatIronSession, func(c *session.Config[User]) { c.MaxAge = -1 })
	c0 := onlyCookie(t, g.do(t, newReq(), func(s *session.Session[User]) { s.Update(func(u *User) { u.Views = 1 }) }), "app")
	if parts := strings.Split(c0.Value, "*"); c0.MaxAge != 2147483647 || len(parts) != 8 || parts[5] != "" {
		t.Errorf("ttl 0: Max-Age %d, %d fields, expiration %q", c0.MaxAge, len(parts), parts[min(5, len(parts)-1)])
	}
	g.clk.Advance(10 * 365 * 24 * time.Hour)
	if got, err := g.m.Decode(c0.Value); err != nil || got.Data.Views != 1 {
		t.Errorf("ttl 0 seal after ten years: %+v %v", got, err)
	}
	// A seal without "~2" is an iron-session < 8 seal: data under "persistent".
	ic, err := iron.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	old, err := ic.Seal([]byte(`{"persistent":{"name":"old"}}`), f.clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	if got, err := f.m.Decode(old); err != nil || got.Data.Name != "old" {
		t.Errorf("pre-v8 seal: %+v %v", got, err)
	}
}

func TestIronUpdateTooLarge(t *testing.T) {
	big := strings.Repeat("x", 3500) // fits in 4000 characters as JSON, not once sealed
	for _, format := range []session.Format{session.FormatH3V1, session.FormatIronSession} {
		t.Run(format.String(), func(t *testing.T) {
			f := newFormatFixture(t, format, nil)
			f.do(t, newReq(), func(s *session.Session[User]) {
				err := s.Update(func(u *User) { u.Name = big })
				if !errors.Is(err, session.ErrTooLarge) || !strings.Contains(err.Error(), "4000") {
					t.Fatalf("err = %v, want ErrTooLarge with the limit", err)
				}
				if s.Data().Name != "" || s.Pending() {
					t.Errorf("not rolled back: %+v pending %v", s.Data(), s.Pending())
				}
				if err := s.Update(func(u *User) { u.Name = big[:2000] }); err != nil {
					t.Errorf("a session that fits: %v", err)
				}
			})
		})
	}
	t.Run("h3 chunks", func(t *testing.T) {
		f := newFormatFixture(t, session.FormatH3, nil)
		rec := f.do(t, newReq(), func(s *session.Session[User]) { s.Update(func(u *User) { u.Name = strings.Repeat("y", 7000) }) })
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

// The native format is untouched by the iron formats: same names, purpose
// binding, skew.
func TestNativeStillDefault(t *testing.T) {
	f := newFixture(t, nil)
	v, err := f.m.Encode(session.Envelope[User]{Data: User{Name: "ada"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sealed.Inspect(v); err != nil {
		t.Errorf("zero Format did not seal natively: %v", err)
	}
	h3 := newFormatFixture(t, session.FormatH3, nil)
	if _, err := h3.m.Decode(v); !errors.Is(err, sealed.ErrMalformed) {
		t.Errorf("an h3 manager decoding a native value: %v", err)
	}
	got, err := f.m.Decode(v)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(User{Name: "ada"}, got.Data); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// A legacy session (gorilla, say) migrates into an iron format as into the
// native one, under that format's rules.
func TestIronLegacyMigration(t *testing.T) {
	for _, format := range []session.Format{session.FormatH3, session.FormatIronSession} {
		t.Run(format.String(), func(t *testing.T) {
			legacy := &fakeLegacy{}
			f := newFormatFixture(t, format, func(c *session.Config[User]) { c.Legacy = legacy })
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
			got, err := f.m.Decode(c.Value)
			if err != nil || got.Data.Name != "migrated" {
				t.Fatalf("re-sealed session %+v, %v", got, err)
			}
			if format == session.FormatH3 && got.CreatedAt != t0.UnixMilli() {
				t.Errorf("createdAt %d, want the legacy session's %d", got.CreatedAt, t0.UnixMilli())
			}
			if format == session.FormatIronSession && (got.ID != "" || got.CreatedAt != 0) {
				t.Errorf("iron-session envelope %+v carries an id or a time", got)
			}
		})
	}
}
