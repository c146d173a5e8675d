package interoptest

// The four disagreements of sharing sessions with the real h3, Nuxt and
// iron-session, walked live: what once logged a user out on one side, and
// what each side does now.

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
)

// TestEmptySessionThenPeerUpdates: a new session that Go saves without data
// (Touch of a map session) is one the peer then updates. h3 used to answer
// 500 on every update of the "data":null Go sealed; the control case seals
// that envelope by hand and shows the peer still does.
func TestEmptySessionThenPeerUpdates(t *testing.T) {
	nodeDir(t)
	sides := []struct {
		name string
		cfg  peerCfg
		job  job
	}{
		{"h3v2", peerCfg{kind: h3v2, pw: pw(h3Pw), maxAge: -1, idle: -1}, job{Lib: "h3v2", Password: h3Pw}},
		{"h3v1", peerCfg{kind: h3v1, pw: pw(h3v1Pw), maxAge: -1}, job{Lib: "h3v1", Password: h3v1Pw}},
		{"nuxt-auth-utils", peerCfg{kind: nuxtAuthUtils, pw: pw(nuxtPw), maxAge: -1}, job{Lib: "nuxt-auth-utils", Password: nuxtPw}},
		{"iron-session", peerCfg{kind: ironSession, name: ironName, pw: pw(h3Pw)}, job{Lib: "iron-session", Password: h3Pw, Name: ironName}},
		{"iron-session 9", peerCfg{kind: ironSession9, name: ironName, pw: pw(h3Pw)}, job{Lib: "iron-session9", Password: h3Pw, Name: ironName}},
	}
	for _, sd := range sides {
		t.Run(sd.name, func(t *testing.T) {
			p := newPeer(t, sd.cfg)
			touched := func(edit func(*session.Session[Data])) string {
				_, rec := p.do(t, t0, nil, edit)
				h := jar(t, "", rec.Header()["Set-Cookie"])
				if h == "" {
					t.Fatal("no cookie written")
				}
				return h
			}
			empty := touched(func(s *session.Session[Data]) { s.Touch() })
			nested := touched(func(s *session.Session[Data]) {
				s.Update(func(d *Data) { *d = Data{"cart": nil, "prefs": map[string]any(nil)} })
			})
			update := func(h string) job {
				j := sd.job
				j.Op, j.Now, j.Headers, j.Data = "update", t0+1000, map[string]string{"cookie": h}, Data{"k": "v"}
				return j
			}
			jobs := []job{update(empty), update(nested)}
			nullData := sd.cfg.kind != ironSession && sd.cfg.kind != ironSession9
			if nullData { // the control: h3's envelope with "data":null, as Go sealed it before
				jobs = append(jobs, update(sealNullData(t, sd.cfg, p.m.Name())))
			}
			res := run(t, jobs...)
			for i, want := range []Data{{"k": "v"}, {"k": "v", "cart": nil, "prefs": nil}} {
				r := res[i]
				if !r.OK || r.Fresh {
					t.Errorf("%s on our session %d: status %d, fresh %v: %s%s", sd.job.Lib, i, r.Status, r.Fresh, r.Error, r.Reason)
					continue
				}
				if diff := cmp.Diff(want, sessionOf(t, sd.cfg.kind, r.Session).Data); diff != "" {
					t.Errorf("%s's update of our session %d (-want +got):\n%s", sd.job.Lib, i, diff)
				}
				// And we read what the peer wrote back.
				after := jar(t, jobs[i].Headers["cookie"], r.SetCookie)
				if s, _ := p.do(t, t0+2000, cookie(after), nil); s.IsNew() || s.Data()["k"] != "v" {
					t.Errorf("we did not read %s's update: %v", sd.job.Lib, p.takeErrors())
				}
			}
			if nullData {
				if r := res[2]; r.OK || r.Status != http.StatusInternalServerError || !strings.Contains(r.Error, "null to object") {
					t.Errorf("control: %s on \"data\":null answered %d %q; the disagreement this test guards is gone from the peer", sd.job.Lib, r.Status, r.Error)
				}
			}
		})
	}
}

// sealNullData seals {"id","createdAt","data":null} in the format of cfg.
func sealNullData(t *testing.T, cfg peerCfg, name string) string {
	t.Helper()
	var c iron.Config
	var err error
	if cfg.kind == h3v2 {
		c, err = iron.H3Config(cfg.pw, 0)
	} else {
		c, err = iron.H3V1Config(cfg.pw, 0)
	}
	if err != nil {
		t.Fatal(err)
	}
	c.Budget = unlimited
	k, err := iron.NewKeyring(c)
	if err != nil {
		t.Fatal(err)
	}
	v, err := k.Seal([]byte(fmt.Sprintf(`{"id":"null-data","createdAt":%d,"data":null}`, t0)), time.UnixMilli(t0))
	if err != nil {
		t.Fatal(err)
	}
	return name + "=" + v
}

// TestPeerValuesOverChunkSize: h3 1.x (and nuxt-auth-utils on it) writes one
// cookie of any length, iron-session up to a 4096-byte Set-Cookie line.
// Values between 4001 and 4096 − len(name) characters are kept by browsers,
// and we read them now (we refused anything over 4000).
func TestPeerValuesOverChunkSize(t *testing.T) {
	nodeDir(t)
	sides := []struct {
		name string
		cfg  peerCfg
		job  job
	}{
		{"h3v1", peerCfg{kind: h3v1, pw: pw(h3v1Pw), maxAge: -1}, job{Lib: "h3v1", Password: h3v1Pw}},
		{"nuxt-auth-utils", peerCfg{kind: nuxtAuthUtils, pw: pw(nuxtPw), maxAge: -1}, job{Lib: "nuxt-auth-utils", Password: nuxtPw}},
		{"iron-session", peerCfg{kind: ironSession, name: ironName, pw: pw(h3Pw)}, job{Lib: "iron-session", Password: h3Pw, Name: ironName}},
		{"iron-session 9", peerCfg{kind: ironSession9, name: ironName, pw: pw(h3Pw)}, job{Lib: "iron-session9", Password: h3Pw, Name: ironName}},
	}
	for _, sd := range sides {
		t.Run(sd.name, func(t *testing.T) {
			p := newPeer(t, sd.cfg)
			limit := 4096 - len(p.m.Name())
			// Pads around the sizes where the value crosses 4000: a seal grows
			// in steps of 16 plaintext bytes (about 21 characters).
			var jobs []job
			for pad := 2780; pad <= 2960; pad += 12 {
				j := sd.job
				j.Op, j.Now, j.Data = "update", t0, Data{"pad": strings.Repeat("p", pad)}
				jobs = append(jobs, j)
			}
			found := 0
			for _, r := range run(t, jobs...) {
				if !r.OK || len(r.SetCookie) == 0 {
					continue // iron-session refuses a Set-Cookie line over 4096 bytes
				}
				h := jar(t, "", r.SetCookie)
				_, value, _ := strings.Cut(h, "=")
				if len(value) <= 4000 || len(value) > limit || strings.Contains(value, ";") {
					continue
				}
				found++
				s, _ := p.do(t, t0+1000, cookie(h), nil)
				if s.IsNew() {
					t.Errorf("we refused %s's %d-character cookie: %v", sd.job.Lib, len(value), p.takeErrors())
				} else if diff := cmp.Diff(sessionOf(t, sd.cfg.kind, r.Session).Data, s.Data()); diff != "" {
					t.Errorf("%d-character cookie (-%s +ours):\n%s", len(value), sd.job.Lib, diff)
				}
			}
			if found == 0 {
				t.Fatalf("%s wrote no value between 4001 and %d characters: adjust the pads", sd.job.Lib, limit)
			}
			t.Logf("%s: read %d values between 4001 and %d characters", sd.job.Lib, found, limit)
		})
	}
}

// TestOverlappingChunkWrites: requests A and B leave with the same chunked
// cookie; A grows the session to four chunks, B (answered last) writes two.
// The browser holds h3=__chunked__2, h3.1 … h3.4. h3 reads B's session from
// chunks 1–2; so do we now (we refused it for the stale h3.3 and h3.4),
// and the next save on either side leaves no stale chunk we cannot read past.
func TestOverlappingChunkWrites(t *testing.T) {
	nodeDir(t)
	cfg := peerCfg{kind: h3v2, pw: pw(h3Pw), maxAge: -1, idle: -1}
	a, b := strings.Repeat("a", 12000), strings.Repeat("b", 5000) // 4 and 2 chunks sealed
	for _, writer := range []string{"h3", "go"} {
		t.Run("written by "+writer, func(t *testing.T) {
			p := newPeer(t, cfg)
			start, _ := p.write(t, t0, Data{"v": "start"})
			var held string
			if writer == "h3" {
				res := run(t,
					job{Op: "update", Lib: "h3v2", Password: h3Pw, Now: t0 + 1000, Headers: map[string]string{"cookie": start}, Data: Data{"v": a}},
					job{Op: "update", Lib: "h3v2", Password: h3Pw, Now: t0 + 1000, Headers: map[string]string{"cookie": start}, Data: Data{"v": b}})
				held = jar(t, jar(t, start, res[0].SetCookie), res[1].SetCookie)
			} else {
				write := func(v string) []string {
					_, rec := p.do(t, t0+1000, cookie(start), func(s *session.Session[Data]) { session.Merge(s, Data{"v": v}) })
					return rec.Header()["Set-Cookie"]
				}
				ra, rb := write(a), write(b)
				held = jar(t, jar(t, start, ra), rb)
			}
			if !strings.Contains(held, "h3=__chunked__2") || !strings.Contains(held, "h3.4=") {
				t.Fatalf("the jar does not hold two live and two stale chunks: %.120s", held)
			}
			res := run(t, job{Op: "read", Lib: "h3v2", Password: h3Pw, Now: t0 + 2000, Headers: map[string]string{"cookie": held}})
			if r := res[0]; r.Fresh || envelope(t, r.Session).Data["v"] != b {
				t.Errorf("h3 did not read B's session: %s", r.Reason)
			}
			s, _ := p.do(t, t0+2000, cookie(held), nil)
			if s.IsNew() || s.Data()["v"] != b {
				t.Fatalf("we did not read B's session: %v", p.takeErrors())
			}
			// Our next save deletes the stale chunks.
			_, rec := p.do(t, t0+3000, cookie(held), func(s *session.Session[Data]) { session.Merge(s, Data{"n": 1.0}) })
			cleaned := jar(t, held, rec.Header()["Set-Cookie"])
			if strings.Contains(cleaned, "h3.3=") || strings.Contains(cleaned, "h3.4=") {
				t.Errorf("our save left stale chunks: %.160s", cleaned)
			}
			res = run(t, job{Op: "read", Lib: "h3v2", Password: h3Pw, Now: t0 + 4000, Headers: map[string]string{"cookie": cleaned}})
			if r := res[0]; r.Fresh || envelope(t, r.Session).Data["n"] != 1.0 {
				t.Errorf("h3 did not read our cleaned-up session: %s", r.Reason)
			}
		})
	}
}

// TestSameSiteChoice: h3 1.x writes no SameSite; we write Lax unless
// Cookie.OmitSameSite is chosen, and then our attributes are h3 1.x's.
// nuxt-auth-utils sets sameSite: "lax", as our default does.
func TestSameSiteChoice(t *testing.T) {
	nodeDir(t)
	res := run(t,
		job{Op: "update", Lib: "h3v1", Password: h3v1Pw, Now: t0, Data: Data{"k": "v"}},
		job{Op: "update", Lib: "nuxt-auth-utils", Password: nuxtPw, Now: t0, Data: Data{"k": "v"}})
	attrs := func(line string) []string {
		parts := strings.Split(line, ";")[1:]
		var names []string
		for _, p := range parts {
			k, _, _ := strings.Cut(strings.TrimSpace(p), "=")
			names = append(names, strings.ToLower(k))
		}
		return names
	}
	ours := func(pc peerCfg) []string {
		p := newPeer(t, pc)
		_, rec := p.do(t, t0, nil, func(s *session.Session[Data]) { session.Merge(s, Data{"k": "v"}) })
		return attrs(rec.Header().Get("Set-Cookie"))
	}
	h3Line := res[0].SetCookie[0]
	if strings.Contains(strings.ToLower(h3Line), "samesite") {
		t.Fatalf("h3 1.x wrote SameSite: %q", h3Line)
	}
	omit := peerCfg{kind: h3v1, pw: pw(h3v1Pw), maxAge: -1}
	omit.attrs.OmitSameSite = true
	if diff := cmp.Diff(attrs(h3Line), ours(omit)); diff != "" {
		t.Errorf("attributes with OmitSameSite (-h3 1.x +ours):\n%s", diff)
	}
	if got := ours(peerCfg{kind: h3v1, pw: pw(h3v1Pw), maxAge: -1}); !strings.Contains(strings.Join(got, " "), "samesite") {
		t.Errorf("our default attributes %v lack SameSite", got)
	}
	if diff := cmp.Diff(attrs(res[1].SetCookie[0]), ours(peerCfg{kind: nuxtAuthUtils, pw: pw(nuxtPw), maxAge: -1})); diff != "" {
		t.Errorf("attributes (-nuxt-auth-utils +ours):\n%s", diff)
	}
}

// TestNuxtAuthUtils: the user session of a Nuxt app, walked both ways with
// nuxt-auth-utils's own utilities and routes: its session route hides
// "secure" from the browser and adds the id; setUserSession merges into
// what we wrote; its logout clears our cookie and ours clears its.
func TestNuxtAuthUtils(t *testing.T) {
	nodeDir(t)
	p := newPeer(t, peerCfg{kind: nuxtAuthUtils, pw: pw(nuxtPw), maxAge: 7 * 24 * time.Hour})
	nuxt := job{Lib: "nuxt-auth-utils", Password: nuxtPw, Config: map[string]any{"maxAge": 7 * 24 * 3600}}
	at := func(op string, ms int64, h string, d Data) job {
		j := nuxt
		j.Op, j.Now, j.Data = op, ms, d
		if h != "" {
			j.Headers = map[string]string{"cookie": h}
		}
		return j
	}
	ours, s := p.write(t, t0, nuxtUser)
	res := run(t,
		at("read", t0+1000, ours, nil),
		at("update", t0+1000, ours, Data{"user": Data{"name": "Ada King"}}),
		at("clear", t0+1000, ours, nil),
		at("update", t0, "", nuxtUser))
	var body Data
	if err := jsonUnmarshal(res[0].Body, &body); err != nil || res[0].Fresh {
		t.Fatalf("nuxt-auth-utils did not read our session: %v %s", err, res[0].Reason)
	}
	want := Data{"id": s.ID(), "user": nuxtUser["user"], "loggedInAt": nuxtUser["loggedInAt"]}
	if diff := cmp.Diff(want, body); diff != "" {
		t.Errorf("GET /api/_auth/session on our session (-want +got):\n%s", diff)
	}
	merged := jar(t, ours, res[1].SetCookie)
	got, _ := p.do(t, t0+2000, cookie(merged), nil)
	wantData := Data{"user": Data{"id": 42.0, "login": "ada", "name": "Ada King"}, "secure": nuxtUser["secure"], "loggedInAt": nuxtUser["loggedInAt"]}
	if diff := cmp.Diff(wantData, got.Data()); diff != "" || got.ID() != s.ID() {
		t.Errorf("setUserSession merged into our session (id %q, -want +got):\n%s", got.ID(), diff)
	}
	if cleared := jar(t, ours, res[2].SetCookie); cleared != "" {
		t.Errorf("its logout left %.60s", cleared)
	}
	theirs := jar(t, "", res[3].SetCookie)
	_, rec := p.do(t, t0+1000, cookie(theirs), func(s *session.Session[Data]) {
		if s.IsNew() || !cmp.Equal(nuxtUser, s.Data()) {
			t.Errorf("we did not read nuxt-auth-utils's session: %v %v", s.Data(), p.takeErrors())
		}
		s.Clear()
	})
	if cleared := jar(t, theirs, rec.Header()["Set-Cookie"]); cleared != "" {
		t.Errorf("our clear left %.60s", cleared)
	}
}

// TestIronSessionVersions: iron-session 8 and 9 read each other's cookies,
// and ours in either Version.
func TestIronSessionVersions(t *testing.T) {
	nodeDir(t)
	d := Data{"user": "ada"}
	res := run(t,
		job{Op: "update", Lib: "iron-session", Password: h3Pw, Name: ironName, Now: t0, Data: d},
		job{Op: "update", Lib: "iron-session9", Password: h3Pw, Name: ironName, Now: t0, Data: d})
	for i, lib := range []string{"iron-session", "iron-session9"} {
		h := jar(t, "", res[i].SetCookie)
		for _, kind := range []peerKind{ironSession, ironSession9} {
			p := newPeer(t, peerCfg{kind: kind, name: ironName, pw: pw(h3Pw)})
			if s, _ := p.do(t, t0+1000, cookie(h), nil); s.IsNew() || s.Data()["user"] != "ada" {
				t.Errorf("our Version %d did not read %s's cookie: %v", 8+int(kind-ironSession), lib, p.takeErrors())
			}
		}
		other := []string{"iron-session9", "iron-session"}[i]
		if r := run1(t, job{Op: "read", Lib: other, Password: h3Pw, Name: ironName, Now: t0 + 1000, Headers: map[string]string{"cookie": h}}); data(t, r.Session)["user"] != "ada" {
			t.Errorf("%s did not read %s's cookie", other, lib)
		}
	}
}

// TestNoExpirationSeals: a seal without an expiration field is accepted by
// iron forever. h3 (and nuxt-auth-utils) without maxAge write one; the
// session's createdAt still ends it, on both sides at the same millisecond,
// for a reader with maxAge. iron-session writes one with ttl: 0 and reads it
// forever whatever its ttl; we refuse it when a TTL is configured.
func TestNoExpirationSeals(t *testing.T) {
	nodeDir(t)
	for _, sd := range []struct {
		name   string
		writer job
		kind   peerKind
		reader job
	}{
		{"h3v2", job{Lib: "h3v2", Password: h3Pw}, h3v2, job{Lib: "h3v2", Password: h3Pw, MaxAge: 3600}},
		{"h3v1", job{Lib: "h3v1", Password: h3v1Pw}, h3v1, job{Lib: "h3v1", Password: h3v1Pw, MaxAge: 3600}},
		{"nuxt-auth-utils", job{Lib: "nuxt-auth-utils", Password: nuxtPw}, nuxtAuthUtils, job{Lib: "nuxt-auth-utils", Password: nuxtPw, Config: map[string]any{"maxAge": 3600}}},
	} {
		t.Run(sd.name, func(t *testing.T) {
			w := sd.writer
			w.Op, w.Now, w.Data = "update", t0, Data{"k": "v"}
			theirs := jar(t, "", run1(t, w).SetCookie)
			if !strings.Contains(theirs, "**") || strings.Count(strings.SplitN(theirs, "=", 2)[1], "*") != 7 {
				t.Fatalf("not an iron seal: %.40s", theirs)
			}
			if f, err := iron.Parse(strings.SplitN(theirs, "=", 2)[1]); err != nil || !f.Expiration.IsZero() {
				t.Fatalf("%s without maxAge wrote an expiration (%v, %v)", sd.writer.Lib, f.Expiration, err)
			}
			pw := pw(h3Pw)
			switch sd.kind {
			case h3v1:
				pw = iron.PasswordOption{Plain: h3v1Pw}
			case nuxtAuthUtils:
				pw = iron.PasswordOption{Plain: nuxtPw}
			}
			p := newPeer(t, peerCfg{kind: sd.kind, pw: pw, maxAge: time.Hour, idle: -1})
			if sd.kind != h3v2 {
				p = newPeer(t, peerCfg{kind: sd.kind, pw: pw, maxAge: time.Hour})
			}
			last := t0 + 3_600_000
			read := func(ms int64) job {
				j := sd.reader
				j.Op, j.Now, j.Headers = "read", ms, map[string]string{"cookie": theirs}
				return j
			}
			res := run(t, read(last), read(last+1))
			if res[0].Fresh || !res[1].Fresh {
				t.Errorf("%s with maxAge: fresh at the last millisecond %v, one later %v (%q)", sd.writer.Lib, res[0].Fresh, res[1].Fresh, res[1].Reason)
			}
			if s, _ := p.do(t, last, cookie(theirs), nil); s.IsNew() {
				t.Errorf("we refused it at its last millisecond: %v", p.takeErrors())
			}
			if s, _ := p.do(t, last+1, cookie(theirs), nil); !s.IsNew() {
				t.Error("we read it one millisecond after createdAt + maxAge")
			}
			if errs := p.takeErrors(); len(errs) != 1 || !errors.Is(errs[0], session.ErrExpired) {
				t.Errorf("OnError heard %v, want the max age", errs)
			}
		})
	}
	for _, lib := range []string{"iron-session", "iron-session9"} {
		t.Run(lib, func(t *testing.T) {
			w := run1(t, job{Op: "update", Lib: lib, Password: h3Pw, Name: ironName, TTL: 0, Config: map[string]any{"ttl": 0}, Now: t0, Data: Data{"k": "v"}})
			theirs := jar(t, "", w.SetCookie)
			later := t0 + 10*365*24*3_600_000
			r := run1(t, job{Op: "read", Lib: lib, Password: h3Pw, Name: ironName, TTL: 3600, Now: later, Headers: map[string]string{"cookie": theirs}})
			if data(t, r.Session)["k"] != "v" {
				t.Fatalf("%s with ttl 3600 did not read a ttl: 0 seal ten years on; the documented difference is gone: %s", lib, r.Session)
			}
			kind := ironSession
			if lib == "iron-session9" {
				kind = ironSession9
			}
			strict := newPeer(t, peerCfg{kind: kind, name: ironName, pw: pw(h3Pw), maxAge: time.Hour})
			if s, _ := strict.do(t, t0+1000, cookie(theirs), nil); !s.IsNew() {
				t.Error("we read a seal without expiration under a TTL")
			}
			if errs := strict.takeErrors(); len(errs) != 1 || !errors.Is(errs[0], sealed.ErrExpired) {
				t.Errorf("OnError heard %v, want sealed.ErrExpired", errs)
			}
			forever := newPeer(t, peerCfg{kind: kind, name: ironName, pw: pw(h3Pw), maxAge: -1})
			if s, _ := forever.do(t, later, cookie(theirs), nil); s.IsNew() || s.Data()["k"] != "v" {
				t.Errorf("TTL negative (ttl: 0) did not read it: %v", forever.takeErrors())
			}
		})
	}
}
