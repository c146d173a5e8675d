package interoptest

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
)

const (
	h3Pw     = "correct-horse-battery-staple-h3-session-0001"
	h3v1Pw   = "h3-version-one-password-at-least-32-chars"
	oldPw    = "rotation-key-one-0123456789-abcdefghijkl"
	newPw    = "rotation-key-two-0123456789-abcdefghijkl"
	ironName = "iron_app_session"
	// nuxtPw is shaped as nuxt-auth-utils generates NUXT_SESSION_PASSWORD in
	// development: a UUID without dashes, 32 characters.
	nuxtPw = "3f2c1a9e8b7d4c6a9e0f1b2c3d4e5f60"
)

// nuxtUser is nuxt-auth-utils's session shape: user (sent to the browser by
// its session route), secure (server only) and anything else.
var nuxtUser = Data{"user": Data{"id": 42.0, "login": "ada", "name": "Ada Lovelace"}, "secure": Data{"apiToken": "tok-42"}, "loggedInAt": 1768471200000.0}

// roundTrip is one configuration shared by both sides.
type roundTrip struct {
	name string
	cfg  peerCfg // ours
	job  job     // the library's (Op, Now and Headers are set per step)
	data Data
	// viaHeader sends our value in the session header instead of the cookie.
	viaHeader bool
}

func roundTrips() []roundTrip {
	big := strings.Repeat("chunked session data ", 400) // about 8 KB: three h3 chunks
	rotating, rotatingJS := pwObject("1", oldPw, "2", newPw, "id", "2", "secret", newPw)
	isMap, isMapJS := pwObject("1", oldPw, "2", newPw)
	user := Data{"user": Data{"id": 42.0, "name": "Ada Lovelace", "roles": []any{"admin", "editor"}}, "theme": "dark", "visits": 3.0}
	return []roundTrip{
		{name: "h3v2 defaults",
			cfg:  peerCfg{kind: h3v2, pw: pw(h3Pw), maxAge: -1, idle: -1},
			job:  job{Lib: "h3v2", Password: h3Pw},
			data: user},
		{name: "h3v2 maxAge and idleTimeout",
			cfg:  peerCfg{kind: h3v2, pw: pw(h3Pw), maxAge: time.Hour, idle: 30 * time.Minute},
			job:  job{Lib: "h3v2", Password: h3Pw, MaxAge: 3600, IdleTimeout: 1800},
			data: Data{"cart": []any{Data{"sku": "A-1", "qty": 2.0}}, "locale": "en-GB"}},
		{name: "h3v2 custom name through the session header",
			cfg:       peerCfg{kind: h3v2, name: "AppSession", pw: pw(h3Pw), idle: -1},
			job:       job{Lib: "h3v2", Password: h3Pw, Name: "AppSession", MaxAge: 86400},
			data:      Data{"greeting": "héllo wörld — こんにちは — 🎉"},
			viaHeader: true},
		{name: "h3v2 chunked",
			cfg:  peerCfg{kind: h3v2, pw: pw(h3Pw), maxAge: -1, idle: -1},
			job:  job{Lib: "h3v2", Password: h3Pw},
			data: Data{"blob": big}},
		{name: "h3v2 password id",
			cfg:  peerCfg{kind: h3v2, pw: rotating, maxAge: -1, idle: -1},
			job:  job{Lib: "h3v2", Password: rotatingJS},
			data: user},
		{name: "h3v1",
			cfg:  peerCfg{kind: h3v1, pw: pw(h3v1Pw), maxAge: -1},
			job:  job{Lib: "h3v1", Password: h3v1Pw},
			data: user},
		{name: "h3v1 maxAge through the session header",
			cfg:       peerCfg{kind: h3v1, pw: pw(h3v1Pw), maxAge: time.Hour},
			job:       job{Lib: "h3v1", Password: h3v1Pw, MaxAge: 3600},
			data:      user,
			viaHeader: true},
		{name: "iron-session password map",
			cfg:  peerCfg{kind: ironSession, name: ironName, pw: isMap},
			job:  job{Lib: "iron-session", Password: isMapJS, Name: ironName},
			data: Data{"user": Data{"id": 7.0, "name": "Zoë", "admin": false}, "csrf": "b6f1c0"}},
		{name: "iron-session string password and ttl",
			cfg:  peerCfg{kind: ironSession, name: ironName, pw: pw(h3Pw), maxAge: time.Hour},
			job:  job{Lib: "iron-session", Password: h3Pw, Name: ironName, TTL: 3600},
			data: Data{"sub": "user-7", "scope": []any{"read", "write"}}},
		{name: "iron-session 9 password map",
			cfg:  peerCfg{kind: ironSession9, name: ironName, pw: isMap},
			job:  job{Lib: "iron-session9", Password: isMapJS, Name: ironName},
			data: Data{"user": Data{"id": 7.0, "name": "Zoë", "admin": false}, "csrf": "b6f1c0"}},
		{name: "iron-session 9 string password and ttl",
			cfg:  peerCfg{kind: ironSession9, name: ironName, pw: pw(h3Pw), maxAge: time.Hour},
			job:  job{Lib: "iron-session9", Password: h3Pw, Name: ironName, TTL: 3600},
			data: Data{"sub": "user-7", "scope": []any{"read", "write"}}},
		// nuxt-auth-utils's defaults: no maxAge, SameSite=Lax (ours too).
		{name: "nuxt-auth-utils defaults",
			cfg:  peerCfg{kind: nuxtAuthUtils, pw: pw(nuxtPw), maxAge: -1},
			job:  job{Lib: "nuxt-auth-utils", Password: nuxtPw},
			data: nuxtUser},
		{name: "nuxt-auth-utils maxAge",
			cfg:  peerCfg{kind: nuxtAuthUtils, pw: pw(nuxtPw), maxAge: 7 * 24 * time.Hour},
			job:  job{Lib: "nuxt-auth-utils", Password: nuxtPw, Config: map[string]any{"maxAge": 7 * 24 * 3600}},
			data: nuxtUser},
	}
}

// sessionOf is what the library returned, as the envelope we compare:
// h3's {id, createdAt, data, lastSeenAt?}, or iron-session's data alone.
func sessionOf(t *testing.T, format peerKind, raw []byte) session.Envelope[Data] {
	t.Helper()
	if format == ironSession || format == ironSession9 {
		return session.Envelope[Data]{Data: data(t, raw)}
	}
	return envelope(t, raw)
}

func headersFor(p *peer, rt roundTrip, cookieHeader string) map[string]string {
	if rt.viaHeader {
		name, value, _ := strings.Cut(cookieHeader, "=")
		if name != p.m.Name() || strings.Contains(value, ";") {
			panic("viaHeader needs a single, unchunked cookie")
		}
		return map[string]string{p.m.HeaderName(): value}
	}
	return cookie(cookieHeader)
}

// TestGoSealsLibraryReads: a session we write is the session the real
// library reads, through the cookie (chunks included) or the session header.
func TestGoSealsLibraryReads(t *testing.T) {
	nodeDir(t) // skip, or fail in CI, before any work
	rts := roundTrips()
	jobs := make([]job, len(rts))
	wants := make([]session.Envelope[Data], len(rts))
	for i, rt := range rts {
		p := newPeer(t, rt.cfg)
		h, s := p.write(t, t0, rt.data)
		if rt.name == "h3v2 chunked" && !strings.Contains(h, "h3.3=") {
			t.Fatalf("%s: not chunked into three cookies: %.60s…", rt.name, h)
		}
		wants[i] = envelopeOf(s)
		j := rt.job
		j.Op, j.Now = "read", t0+5000
		j.Headers = map[string]string{}
		for k, v := range headersFor(p, rt, h) {
			j.Headers[strings.ToLower(k)] = v
		}
		jobs[i] = j
	}
	for i, r := range run(t, jobs...) {
		rt := rts[i]
		t.Run(rt.name, func(t *testing.T) {
			if !r.OK || r.Fresh {
				t.Fatalf("%s did not read our session: %s%s", rt.job.Lib, r.Error, r.Reason)
			}
			if diff := cmp.Diff(wants[i], sessionOf(t, rt.cfg.kind, r.Session)); diff != "" {
				t.Errorf("session (-ours +%s):\n%s", rt.job.Lib, diff)
			}
			if len(r.SetCookie) != 0 {
				t.Errorf("%s re-wrote our session: %q", rt.job.Lib, r.SetCookie)
			}
		})
	}
}

// TestLibrarySealsGoReads: a session the real library writes is the session
// we read.
func TestLibrarySealsGoReads(t *testing.T) {
	nodeDir(t) // skip, or fail in CI, before any work
	rts := roundTrips()
	jobs := make([]job, len(rts))
	for i, rt := range rts {
		j := rt.job
		j.Op, j.Now, j.Data = "update", t0, rt.data
		jobs[i] = j
	}
	for i, r := range run(t, jobs...) {
		rt := rts[i]
		t.Run(rt.name, func(t *testing.T) {
			if !r.OK {
				t.Fatalf("%s: %s", rt.job.Lib, r.Error)
			}
			p := newPeer(t, rt.cfg)
			h := jar(t, "", r.SetCookie)
			if rt.name == "h3v2 chunked" && !strings.Contains(h, "h3.3=") {
				t.Errorf("h3 did not chunk: %.60s…", h)
			}
			s, rec := p.do(t, t0+5000, headersFor(p, rt, h), nil)
			if s.IsNew() {
				t.Fatalf("we did not read %s's session: %v", rt.job.Lib, p.takeErrors())
			}
			if diff := cmp.Diff(sessionOf(t, rt.cfg.kind, r.Session), envelopeOf(s), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("session (-%s +ours):\n%s", rt.job.Lib, diff)
			}
			if sc := rec.Header()["Set-Cookie"]; len(sc) != 0 {
				t.Errorf("we re-wrote %s's session: %q", rt.job.Lib, sc)
			}
			if errs := p.takeErrors(); len(errs) != 0 {
				t.Errorf("OnError heard %v", errs)
			}
		})
	}
}

// TestPasswordRotation: sessions sealed with an old password id are read by
// the rotated side; new ones are sealed with the new id, which the
// rotated library reads and a library that lacks it does not.
func TestPasswordRotation(t *testing.T) {
	nodeDir(t) // skip, or fail in CI, before any work
	oldH3, oldH3JS := pwObject("1", oldPw, "id", "1", "secret", oldPw)
	newH3, newH3JS := pwObject("1", oldPw, "2", newPw, "id", "2", "secret", newPw)
	oldIS, oldISJS := pwObject("1", oldPw)
	newIS, newISJS := pwObject("1", oldPw, "2", newPw)
	sides := []struct {
		name                         string
		format                       peerKind
		lib, cookieName, wantIDField string
		oldGo, newGo                 peerCfg
		oldJS, newJS                 any
	}{
		{"h3v2", h3v2, "h3v2", "h3", "2",
			peerCfg{kind: h3v2, pw: oldH3},
			peerCfg{kind: h3v2, pw: newH3}, oldH3JS, newH3JS},
		{"iron-session", ironSession, "iron-session", ironName, "2",
			peerCfg{kind: ironSession, name: ironName, pw: oldIS},
			peerCfg{kind: ironSession, name: ironName, pw: newIS}, oldISJS, newISJS},
		{"iron-session 9", ironSession9, "iron-session9", ironName, "2",
			peerCfg{kind: ironSession9, name: ironName, pw: oldIS},
			peerCfg{kind: ironSession9, name: ironName, pw: newIS}, oldISJS, newISJS},
	}
	for _, sd := range sides {
		t.Run(sd.name, func(t *testing.T) {
			name := ""
			if sd.format == ironSession || sd.format == ironSession9 {
				name = sd.cookieName
			}
			// The library, not rotated yet, seals with password 1.
			sealedOld := run1(t, job{Op: "update", Lib: sd.lib, Password: sd.oldJS, Name: name, Now: t0, Data: Data{"who": "old"}})
			h := jar(t, "", sealedOld.SetCookie)
			if !strings.Contains(h, "=Fe26.2*1*") {
				t.Fatalf("the library did not seal with id 1: %.40s", h)
			}
			// We are rotated: we read it, and seal anew with password 2.
			p := newPeer(t, sd.newGo)
			var ours string
			_, rec := p.do(t, t0+1000, cookie(h), func(s *session.Session[Data]) {
				if s.IsNew() || s.Data()["who"] != "old" {
					t.Fatalf("rotated Go lost the old session: %v", p.takeErrors())
				}
				session.Merge(s, Data{"who": "new"})
			})
			ours = jar(t, h, rec.Header()["Set-Cookie"])
			if !strings.Contains(ours, "=Fe26.2*"+sd.wantIDField+"*") {
				t.Fatalf("we did not seal with id 2: %.40s", ours)
			}
			res := run(t,
				job{Op: "read", Lib: sd.lib, Password: sd.newJS, Name: name, Now: t0 + 2000, Headers: map[string]string{"cookie": ours}},
				job{Op: "read", Lib: sd.lib, Password: sd.oldJS, Name: name, Now: t0 + 2000, Headers: map[string]string{"cookie": ours}})
			rotated, stale := res[0], res[1]
			if !rotated.OK || rotated.Fresh {
				t.Fatalf("the rotated library did not read our new session: %s%s", rotated.Error, rotated.Reason)
			}
			if got := sessionOf(t, sd.format, rotated.Session).Data["who"]; got != "new" {
				t.Errorf("the rotated library read who=%v", got)
			}
			if !stale.Fresh {
				t.Errorf("a library without password 2 read our session: %s", stale.Session)
			}
			if sd.format == h3v2 && !strings.HasPrefix(stale.Reason, "Cannot find password") {
				t.Errorf("h3 without password 2 said %q", stale.Reason)
			}
			// Our old side (password 1 only) cannot read what the new side wrote.
			old := newPeer(t, sd.oldGo)
			if s, _ := old.do(t, t0+2000, cookie(ours), nil); !s.IsNew() {
				t.Error("Go without password 2 read the new session")
			}
			if errs := old.takeErrors(); len(errs) != 1 || !errors.Is(errs[0], sealed.ErrUnknownKey) {
				t.Errorf("OnError heard %v, want an unknown key", errs)
			}
		})
	}
}

// TestLegacyUpgrade: an h3 1.x cookie read by us in FormatH3 is re-sealed at
// 8192 iterations, exactly as h3 2.x does it: h3 2.x reads the result without
// its fallback, h3 1.x no longer reads it. Through the header it is read
// and left alone.
func TestLegacyUpgrade(t *testing.T) {
	nodeDir(t) // skip, or fail in CI, before any work
	v1 := run1(t, job{Op: "update", Lib: "h3v1", Password: h3Pw, Now: t0, Data: Data{"cart": "A-1"}})
	h := jar(t, "", v1.SetCookie)
	p := newPeer(t, peerCfg{kind: h3v2, pw: pw(h3Pw)})
	s, rec := p.do(t, t0+1000, cookie(h), nil)
	if s.IsNew() {
		t.Fatalf("h3 1.x cookie not read: %v", p.takeErrors())
	}
	upgraded := jar(t, h, rec.Header()["Set-Cookie"])
	if upgraded == h {
		t.Fatal("h3 1.x cookie not re-sealed")
	}
	value, _ := strings.CutPrefix(h, "h3=")
	if _, rec := p.do(t, t0+1000, map[string]string{"X-H3-Session": value}, nil); len(rec.Header()["Set-Cookie"]) != 0 {
		t.Error("h3 1.x value from the session header re-sealed")
	}
	res := run(t,
		job{Op: "read", Lib: "h3v2", Password: h3Pw, Config: map[string]any{"legacySealFallback": false}, Now: t0 + 2000, Headers: map[string]string{"cookie": upgraded}},
		job{Op: "read", Lib: "h3v1", Password: h3Pw, Now: t0 + 2000, Headers: map[string]string{"cookie": upgraded}},
		job{Op: "read", Lib: "h3v2", Password: h3Pw, Now: t0 + 1000, Headers: map[string]string{"cookie": h}})
	if r := res[0]; !r.OK || r.Fresh {
		t.Errorf("h3 2.x without its fallback did not read our upgrade: %s%s", r.Error, r.Reason)
	} else if diff := cmp.Diff(envelopeOf(s), envelope(t, r.Session)); diff != "" {
		t.Errorf("upgraded session (-ours +h3):\n%s", diff)
	}
	if r := res[1]; !r.Fresh || r.Reason != "Bad hmac value" {
		t.Errorf("h3 1.x on our 8192-iteration upgrade: fresh %v, %q", r.Fresh, r.Reason)
	}
	// h3 2.x upgrades the same cookie the same way: a Set-Cookie for h3.
	if r := res[2]; r.Fresh || len(r.SetCookie) != 1 || !strings.HasPrefix(r.SetCookie[0], "h3=Fe26.2**") {
		t.Errorf("h3 2.x on the h3 1.x cookie: fresh %v, Set-Cookie %q", r.Fresh, r.SetCookie)
	}
}

// TestSlidingIdleTimeout: past half the idle window, a cookie read by
// either side is re-sealed with lastSeenAt = now, and the other side honours
// the slid window.
func TestSlidingIdleTimeout(t *testing.T) {
	nodeDir(t) // skip, or fail in CI, before any work
	cfg := peerCfg{kind: h3v2, pw: pw(h3Pw), maxAge: -1, idle: 30 * time.Minute}
	h3 := job{Lib: "h3v2", Password: h3Pw, IdleTimeout: 1800}
	const (
		early = t0 + 900_000   // exactly half the window: no slide
		slide = t0 + 900_001   // past half: slide
		late  = t0 + 1_800_001 // past the original window; exactly half of the slid one, so no new slide
	)
	p := newPeer(t, cfg)
	ours, _ := p.write(t, t0, Data{"n": 1.0})

	theirs := h3
	theirs.Op, theirs.Now, theirs.Data = "update", t0, Data{"n": 2.0}
	readOurs := func(at int64) job {
		j := h3
		j.Op, j.Now, j.Headers = "read", at, map[string]string{"cookie": ours}
		return j
	}
	res := run(t, theirs, readOurs(early), readOurs(slide))
	if len(res[1].SetCookie) != 0 || res[1].Fresh {
		t.Errorf("h3 at exactly half the window: fresh %v, Set-Cookie %q", res[1].Fresh, res[1].SetCookie)
	}
	slidByH3 := jar(t, ours, res[2].SetCookie)
	if res[2].Fresh || slidByH3 == ours || envelope(t, res[2].Session).LastSeenAt != slide {
		t.Fatalf("h3 did not slide our session: %s", res[2].Session)
	}
	// We read h3's slide after our own window would have closed.
	if s, rec := p.do(t, late, cookie(slidByH3), nil); s.IsNew() || s.LastSeenAt().UnixMilli() != slide || len(rec.Header()["Set-Cookie"]) != 0 {
		t.Errorf("we did not honour h3's slide: new %v, lastSeenAt %v, %v", s.IsNew(), s.LastSeenAt(), p.takeErrors())
	}
	if s, _ := p.do(t, late, cookie(ours), nil); !s.IsNew() {
		t.Error("we read our un-slid cookie after its window")
	}
	if errs := p.takeErrors(); len(errs) != 1 || !errors.Is(errs[0], session.ErrIdle) {
		t.Errorf("OnError heard %v, want the idle timeout", errs)
	}

	// h3's session: we slide it, and h3 honours our slide.
	h3Cookie := jar(t, "", res[0].SetCookie)
	if s, rec := p.do(t, early, cookie(h3Cookie), nil); s.IsNew() || len(rec.Header()["Set-Cookie"]) != 0 {
		t.Errorf("we at exactly half the window: new %v, Set-Cookie %q", s.IsNew(), rec.Header()["Set-Cookie"])
	}
	_, rec := p.do(t, slide, cookie(h3Cookie), nil)
	slidByUs := jar(t, h3Cookie, rec.Header()["Set-Cookie"])
	if slidByUs == h3Cookie {
		t.Fatal("we did not slide h3's session")
	}
	readAt := func(h string) job {
		j := h3
		j.Op, j.Now, j.Headers = "read", late, map[string]string{"cookie": h}
		return j
	}
	res = run(t, readAt(slidByUs), readAt(h3Cookie))
	if r := res[0]; r.Fresh || len(r.SetCookie) != 0 || envelope(t, r.Session).LastSeenAt != slide || envelope(t, r.Session).Data["n"] != 2.0 {
		t.Errorf("h3 did not honour our slide: %s %s", r.Session, r.Reason)
	}
	if r := res[1]; !r.Fresh || r.Reason != "Session expired!" {
		t.Errorf("h3 on the un-slid cookie after its window: fresh %v, %q", r.Fresh, r.Reason)
	}
}

// TestExpiryBoundaries: both sides accept and reject at the same millisecond.
func TestExpiryBoundaries(t *testing.T) {
	nodeDir(t) // skip, or fail in CI, before any work
	tests := []struct {
		name                 string
		cfg                  peerCfg
		job                  job
		lastAccepted         int64
		want                 error // what we report one millisecond later
		libraryReason        string
		libraryReasonIronSes bool
	}{
		{"h3v2 maxAge", peerCfg{kind: h3v2, pw: pw(h3Pw), maxAge: time.Hour, idle: -1},
			job{Lib: "h3v2", Password: h3Pw, MaxAge: 3600}, t0 + 3_600_000, session.ErrExpired, "Session expired!", false},
		{"h3v2 idleTimeout", peerCfg{kind: h3v2, pw: pw(h3Pw), maxAge: -1, idle: 30 * time.Minute},
			job{Lib: "h3v2", Password: h3Pw, IdleTimeout: 1800}, t0 + 1_800_000, session.ErrIdle, "Session expired!", false},
		{"h3v1 maxAge", peerCfg{kind: h3v1, pw: pw(h3v1Pw), maxAge: time.Hour},
			job{Lib: "h3v1", Password: h3v1Pw, MaxAge: 3600}, t0 + 3_600_000, session.ErrExpired, "Session expired!", false},
		// iron-session's only limit is the seal's: ttl, plus iron's 60 s skew.
		{"iron-session ttl", peerCfg{kind: ironSession, name: ironName, pw: pw(h3Pw), maxAge: time.Hour},
			job{Lib: "iron-session", Password: h3Pw, Name: ironName, TTL: 3600}, t0 + 3_659_999, sealed.ErrExpired, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newPeer(t, tc.cfg)
			ours, _ := p.write(t, t0, Data{"k": "v"})
			seal := tc.job
			seal.Op, seal.Now, seal.Data = "update", t0, Data{"k": "v"}
			read := func(at int64) job {
				j := tc.job
				j.Op, j.Now, j.Headers = "read", at, map[string]string{"cookie": ours}
				return j
			}
			res := run(t, seal, read(tc.lastAccepted), read(tc.lastAccepted+1))
			if r := res[1]; r.Fresh {
				t.Errorf("%s rejected our session at its last valid millisecond: %s", tc.job.Lib, r.Reason)
			}
			if r := res[2]; !r.Fresh || !tc.libraryReasonIronSes && r.Reason != tc.libraryReason {
				t.Errorf("%s one millisecond later: fresh %v, %q", tc.job.Lib, r.Fresh, r.Reason)
			}
			theirs := jar(t, "", res[0].SetCookie)
			if s, _ := p.do(t, tc.lastAccepted, cookie(theirs), nil); s.IsNew() {
				t.Errorf("we rejected %s's session at its last valid millisecond: %v", tc.job.Lib, p.takeErrors())
			}
			if s, _ := p.do(t, tc.lastAccepted+1, cookie(theirs), nil); !s.IsNew() {
				t.Errorf("we accepted %s's session one millisecond too late", tc.job.Lib)
			}
			if errs := p.takeErrors(); len(errs) != 1 || !errors.Is(errs[0], tc.want) {
				t.Errorf("OnError heard %v, want %v", errs, tc.want)
			}
		})
	}
}

// TestChunkedShrinkAndClear: each side cleans up the other's chunks.
func TestChunkedShrinkAndClear(t *testing.T) {
	nodeDir(t) // skip, or fail in CI, before any work
	cfg := peerCfg{kind: h3v2, pw: pw(h3Pw), maxAge: -1, idle: -1}
	big := Data{"blob": strings.Repeat("x", 9000)}
	p := newPeer(t, cfg)
	ours, _ := p.write(t, t0, big)
	res := run(t,
		job{Op: "update", Lib: "h3v2", Password: h3Pw, Now: t0, Data: big},
		job{Op: "update", Lib: "h3v2", Password: h3Pw, Now: t0 + 1000, Headers: map[string]string{"cookie": ours}, Data: Data{"blob": "small"}},
		job{Op: "clear", Lib: "h3v2", Password: h3Pw, Now: t0 + 1000, Headers: map[string]string{"cookie": ours}})
	// h3 shrinks our chunked session: one plain cookie left, which we read.
	shrunk := jar(t, ours, res[1].SetCookie)
	if strings.Contains(shrunk, "h3.") || strings.Contains(shrunk, "__chunked__") {
		t.Errorf("h3's shrink left chunks: %.80s", shrunk)
	}
	if s, _ := p.do(t, t0+2000, cookie(shrunk), nil); s.IsNew() || s.Data()["blob"] != "small" {
		t.Errorf("we did not read h3's shrunk session: %v", p.takeErrors())
	}
	if cleared := jar(t, ours, res[2].SetCookie); cleared != "" {
		t.Errorf("h3's clear left %.80s", cleared)
	}
	// We shrink and clear h3's chunked session.
	theirs := jar(t, "", res[0].SetCookie)
	if !strings.Contains(theirs, "h3.3=") {
		t.Fatalf("h3 did not chunk: %.60s", theirs)
	}
	_, rec := p.do(t, t0+1000, cookie(theirs), func(s *session.Session[Data]) {
		if s.IsNew() {
			t.Fatalf("we did not read h3's chunked session: %v", p.takeErrors())
		}
		session.Merge(s, Data{"blob": "small"})
	})
	shrunk = jar(t, theirs, rec.Header()["Set-Cookie"])
	if strings.Contains(shrunk, "h3.") || strings.Contains(shrunk, "__chunked__") {
		t.Errorf("our shrink left chunks: %.80s", shrunk)
	}
	_, rec = p.do(t, t0+1000, cookie(theirs), func(s *session.Session[Data]) { s.Clear() })
	if cleared := jar(t, theirs, rec.Header()["Set-Cookie"]); cleared != "" {
		t.Errorf("our clear left %.80s", cleared)
	}
	res = run(t, job{Op: "read", Lib: "h3v2", Password: h3Pw, Now: t0 + 2000, Headers: map[string]string{"cookie": shrunk}})
	if r := res[0]; r.Fresh || envelope(t, r.Session).Data["blob"] != "small" {
		t.Errorf("h3 did not read our shrunk session: %s", r.Reason)
	}
}

// TestTamperedRejected: a flipped MAC character is "Bad hmac value" on both sides.
func TestTamperedRejected(t *testing.T) {
	nodeDir(t) // skip, or fail in CI, before any work
	p := newPeer(t, peerCfg{kind: h3v2, pw: pw(h3Pw)})
	ours, _ := p.write(t, t0, Data{"k": "v"})
	flip := func(h string) string {
		b := []byte(h)
		i := len(b) - 5
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	res := run(t,
		job{Op: "read", Lib: "h3v2", Password: h3Pw, Now: t0 + 1000, Headers: map[string]string{"cookie": flip(ours)}},
		job{Op: "update", Lib: "h3v2", Password: h3Pw, Now: t0, Data: Data{"k": "v"}})
	if r := res[0]; !r.Fresh || r.Reason != "Bad hmac value" {
		t.Errorf("h3 on our tampered cookie: fresh %v, %q", r.Fresh, r.Reason)
	}
	if s, _ := p.do(t, t0+1000, cookie(flip(jar(t, "", res[1].SetCookie))), nil); !s.IsNew() {
		t.Error("we read h3's tampered cookie")
	}
	if errs := p.takeErrors(); len(errs) != 1 || !errors.Is(errs[0], sealed.ErrNotAuthentic) {
		t.Errorf("OnError heard %v", errs)
	}
}
