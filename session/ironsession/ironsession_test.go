package ironsession_test

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
	"github.com/sealcookie/sealcookie/session/ironsession"
)

// checkConfigErr fails unless err mentions want, and checks that it quotes
// no password.
func checkConfigErr(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want one mentioning %q", err, want)
	}
	if strings.Contains(err.Error(), ironPw1) {
		t.Errorf("error leaks a password: %v", err)
	}
}

func TestConfigValidation(t *testing.T) {
	pw := plainPw(ironPw1)
	tests := []struct {
		name    string
		cfg     ironsession.Config
		wantErr string
	}{
		{"without a name", ironsession.Config{Password: pw}, "cookieName"},
		{"without a password", ironsession.Config{CookieName: "s"}, "Password"},
		{"short password", ironsession.Config{CookieName: "s", Password: plainPw("short")}, "at least 32"},
		{"ttl of a minute", ironsession.Config{CookieName: "s", Password: pw, TTL: time.Minute}, "over 60"},
		{"ttl under a minute", ironsession.Config{CookieName: "s", Password: pw, TTL: time.Second}, "over 60"},
		{"ttl with a fraction", ironsession.Config{CookieName: "s", Password: pw, TTL: 90*time.Second + time.Millisecond}, "whole number"},
		{"ttl over 400 days", ironsession.Config{CookieName: "s", Password: pw, TTL: 401 * 24 * time.Hour}, "400"},
		{"non-numeric id", ironsession.Config{CookieName: "s", Password: iron.PasswordOption{Object: map[string]string{"a": ironPw1}}}, "Password"},
		{"version 7", ironsession.Config{CookieName: "s", Password: pw, Version: 7}, "Version 7: want 8 or 9"},
		{"version 10", ironsession.Config{CookieName: "s", Password: pw, Version: 10}, "Version 10: want 8 or 9"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ironsession.New(tc.cfg)
			if f != nil {
				t.Errorf("ironsession.New returned a format with an error")
			}
			checkConfigErr(t, err, tc.wantErr)
		})
	}
	if _, err := ironsession.New(ironsession.Config{CookieName: "s", Password: plainPw("short")}); !errors.Is(err, sealed.ErrShortPassword) {
		t.Errorf("short password error %v does not wrap sealed.ErrShortPassword", err)
	}
	for _, c := range []ironsession.Config{
		{CookieName: "s", Password: pw, TTL: 61 * time.Second},
		{CookieName: "s", Password: pw, TTL: 400 * 24 * time.Hour},
		{CookieName: "s", Password: pw, TTL: -1},
		{CookieName: "s", Password: pw, Version: 8},
		{CookieName: "s", Password: pw, Version: 9},
	} {
		if _, err := ironsession.New(c); err != nil {
			t.Errorf("ironsession.New(ttl %v): %v", c.TTL, err)
		}
	}
}

// What session.New refuses with the iron-session format: its ttl is the
// format's (session.Config.MaxAge is no longer the ttl), there is no idle
// timeout, and iron-session reads one cookie.
func TestManagerConfigValidation(t *testing.T) {
	f := newFormat(t, ironsession.Config{})
	tests := []struct {
		name    string
		cfg     session.Config[User]
		wantErr string
	}{
		{"with keys", session.Config[User]{Format: f, Keys: []sealed.Key{{ID: 1, Password: ironPw2}}}, "Keys"},
		{"ttl as max age", session.Config[User]{Format: f, MaxAge: time.Hour}, "MaxAge"},
		{"never as max age", session.Config[User]{Format: f, MaxAge: -1}, "MaxAge"},
		{"with an idle timeout", session.Config[User]{Format: f, IdleTimeout: time.Hour}, "IdleTimeout"},
		{"with a negative idle timeout", session.Config[User]{Format: f, IdleTimeout: -1}, "IdleTimeout"},
		{"with a refresh", session.Config[User]{Format: f, RefreshAfter: time.Minute}, "RefreshAfter"},
		{"with a clock skew", session.Config[User]{Format: f, ClockSkew: time.Second}, "ClockSkew"},
		{"with chunks", session.Config[User]{Format: f, Cookie: cookie.Attributes{MaxChunks: 2}}, "MaxChunks"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := session.New(tc.cfg)
			checkConfigErr(t, err, tc.wantErr)
		})
	}
}

func TestDefaults(t *testing.T) {
	tests := []struct {
		name       string
		cfg        session.Config[User]
		wantName   string
		wantHeader string
	}{
		{"iron-session", session.Config[User]{}, "my_app", ""},
		{"with a header", session.Config[User]{Header: "x-my-app"}, "my_app", "X-My-App"},
		{"with a header disabled", session.Config[User]{Header: "x-my-app", DisableHeader: true}, "my_app", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Format = newFormat(t, ironsession.Config{CookieName: "my_app"})
			tc.cfg.Cookie.Budget = cookie.NoBudget // the one-cookie cap alone
			m, err := session.New(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if m.Name() != tc.wantName || m.HeaderName() != tc.wantHeader {
				t.Errorf("name %q header %q, want %q %q", m.Name(), m.HeaderName(), tc.wantName, tc.wantHeader)
			}
			// One cookie: the limit is one chunk's.
			err = m.Get(newReq()).Update(func(u *User) { u.Name = strings.Repeat("x", 5000) })
			if !errors.Is(err, session.ErrTooLarge) || !strings.Contains(err.Error(), "the limit is 4000 characters") {
				t.Errorf("Update over one cookie: %v, want ErrTooLarge with a 4000-character limit", err)
			}
		})
	}
}

// The rules the iron-session format gives session.New.
func TestRules(t *testing.T) {
	for _, tc := range []struct {
		name         string
		ttl          time.Duration
		cookieMaxAge int
	}{
		{"default ttl", 0, 14*24*3600 - 60},
		{"ttl of an hour", time.Hour, 3600 - 60},
		{"ttl of 61 seconds", 61 * time.Second, 1},
		{"ttl never", -1, 2147483647},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := newFormat(t, ironsession.Config{CookieName: "my_app", TTL: tc.ttl}).Rules()
			if got.Header == nil || got.Header("my_app") != "" {
				t.Error("the Header rule names a header; iron-session reads the cookie only")
			}
			got.Header = nil
			want := session.Rules{Name: "my_app", DataOnly: true, SingleCookie: true, Peer: true, CookieMaxAge: tc.cookieMaxAge}
			if diff := cmp.Diff(want, got); diff != "" {
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

func TestFormat(t *testing.T) {
	pws := iron.PasswordOption{Object: map[string]string{"1": ironPw1, "2": ironPw2}}
	f := newFixture(t, newFormat(t, ironsession.Config{Password: pws}), nil)
	rec := f.do(t, newReq(), func(s *session.Session[User]) {
		if s.ID() != "" || !s.CreatedAt().IsZero() || !s.LastSeenAt().IsZero() || !s.ExpiresAt().IsZero() {
			t.Errorf("iron-session session with id %q created %v", s.ID(), s.CreatedAt())
		}
		update(t, s, func(u *User) { u.Name = "zoë" })
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
	rec = f.do(t, newReq(c), func(s *session.Session[User]) {
		if s.IsNew() || s.Data().Name != "zoë" || s.ID() != "" {
			t.Errorf("read back: new %v id %q data %+v", s.IsNew(), s.ID(), s.Data())
		}
		s.Regenerate() // nothing to regenerate: only marks it for saving
		if s.ID() != "" {
			t.Errorf("Regenerate: id %q", s.ID())
		}
	})
	if c := onlyCookie(t, rec, "app"); c.Value == "" {
		t.Error("Regenerate did not mark the session for saving")
	}
	// ttl: 0 (TTL negative): no expiration, iron-session's 2147483647 Max-Age.
	g := newFixture(t, newFormat(t, ironsession.Config{TTL: -1}), nil)
	c0 := onlyCookie(t, g.do(t, newReq(), func(s *session.Session[User]) { update(t, s, func(u *User) { u.Views = 1 }) }), "app")
	if parts := strings.Split(c0.Value, "*"); c0.MaxAge != 2147483647 || len(parts) != 8 || parts[5] != "" {
		t.Errorf("ttl 0: Max-Age %d, %d fields, expiration %q", c0.MaxAge, len(parts), parts[min(5, len(parts)-1)])
	}
	g.clk.Advance(10 * 365 * 24 * time.Hour)
	if got, err := g.m.Decode(t.Context(), c0.Value); err != nil || got.Data.Views != 1 {
		t.Errorf("ttl 0 seal after ten years: %+v %v", got, err)
	}
	// A seal without "~2" is an iron-session < 8 seal: data under "persistent".
	cfg.TTL = iron.IronSessionDefaultTTL
	ic, err := iron.NewKeyring(cfg)
	if err != nil {
		t.Fatal(err)
	}
	old, err := ic.Seal([]byte(`{"persistent":{"name":"old"}}`), f.clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	if got, err := f.m.Decode(t.Context(), old); err != nil || got.Data.Name != "old" {
		t.Errorf("pre-v8 seal: %+v %v", got, err)
	}
	// Its envelope carries no id and no time.
	if got, err := f.m.Decode(t.Context(), c.Value); err != nil || got.ID != "" || got.CreatedAt != 0 || got.LastSeenAt != 0 {
		t.Errorf("Decode: %+v %v", got, err)
	}
}

func TestRejectedCookieLeftAlone(t *testing.T) {
	f := newFixture(t, newFormat(t, ironsession.Config{}), nil)
	c := onlyCookie(t, f.do(t, newReq(), func(s *session.Session[User]) { update(t, s, func(u *User) { u.Name = "ada" }) }), "app")
	other := newFixture(t, newFormat(t, ironsession.Config{Password: plainPw(ironPw2)}), nil)
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
}

// Reads never re-seal, even with an older password: iron-session does not.
func TestNoResealOnRead(t *testing.T) {
	old := newFixture(t, newFormat(t, ironsession.Config{Password: iron.PasswordOption{Object: map[string]string{"1": ironPw1}}}), nil)
	c := onlyCookie(t, old.do(t, newReq(), func(s *session.Session[User]) { update(t, s, func(u *User) { u.Name = "ada" }) }), "app")
	rotated := newFixture(t, newFormat(t, ironsession.Config{Password: iron.PasswordOption{Object: map[string]string{"1": ironPw1, "2": ironPw2}}}), nil)
	rotated.clk.Advance(13 * 24 * time.Hour)
	rec := rotated.do(t, newReq(c), func(s *session.Session[User]) {
		if s.IsNew() || s.Data().Name != "ada" {
			t.Errorf("old password's session lost: %+v", s.Data())
		}
	})
	if sc := rec.Header()["Set-Cookie"]; len(sc) != 0 {
		t.Errorf("re-sealed on read: %v", sc)
	}
	c2 := onlyCookie(t, rotated.do(t, newReq(c), func(s *session.Session[User]) { s.Touch() }), "app")
	if !strings.HasPrefix(c2.Value, "Fe26.2*2*") {
		t.Errorf("re-sealed with %q, want password id 2", c2.Value[:10])
	}
}

func TestUpdateTooLarge(t *testing.T) {
	big := strings.Repeat("x", 3500) // fits in 4000 characters as JSON, not once sealed
	f := newFixture(t, newFormat(t, ironsession.Config{}), nil)
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
}

// A legacy session (gorilla, say) migrates into the iron-session format as
// into the native one, under iron-session's rules: no id, no times.
func TestLegacyMigration(t *testing.T) {
	legacy := &fakeLegacy{}
	f := newFixture(t, newFormat(t, ironsession.Config{}), func(c *session.Config[User]) { c.Legacy = legacy })
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
	if got.ID != "" || got.CreatedAt != 0 {
		t.Errorf("iron-session envelope %+v carries an id or a time", got)
	}
}

// SealedLen, which Update uses to refuse a session before sealing it, is the
// exact length of the values the format writes, "~2" included.
func TestSealedLen(t *testing.T) {
	unnamed := plainPw(strings.Repeat("p", 32))
	named := iron.PasswordOption{Object: map[string]string{"12": strings.Repeat("p", 32)}}
	configs := map[string]ironsession.Config{
		"named, ttl":         {Password: named},
		"named, ttl never":   {Password: named, TTL: -1},
		"unnamed, ttl":       {Password: unnamed, TTL: time.Hour},
		"unnamed, ttl never": {Password: unnamed, TTL: -1},
	}
	now := t0
	for name, c := range configs {
		t.Run(name, func(t *testing.T) {
			c.CookieName = "s"
			f := newFormat(t, c)
			for n := range 100 {
				pt := []byte(strings.Repeat("d", n))
				v, err := f.Seal(pt, "s", time.Time{}, now)
				if err != nil {
					t.Fatal(err)
				}
				if got, want := len(v), f.SealedLen(n); got != want {
					t.Fatalf("plaintext of %d bytes: sealed to %d characters, SealedLen says %d", n, got, want)
				}
				back, _, err := f.Open(nil, v, "s", now)
				if err != nil || string(back) != string(pt) {
					t.Fatalf("plaintext of %d bytes: opened %q, %v", n, back, err)
				}
			}
		})
	}
}
