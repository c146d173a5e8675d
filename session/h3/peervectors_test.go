package h3_test

// Every case of testdata/interop/peers.json (produced by the real h3 2.0.8,
// h3 1.15.11, nuxt-auth-utils 0.5.30, iron-session 8.0.4 and 9.0.1 through
// internal/node/gen-peers.mjs; see testdata/interop/README.md) through a
// Manager in the matching format, at the step's clock: the cases where we
// once disagreed with the peer, and the peers added beside h3 and
// iron-session 8.

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/internal/vectors"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/h3"
	"github.com/sealcookie/sealcookie/session/ironsession"
)

// peerManager is a Manager configured as a step's library was, with its
// clock at the step's instant. attrs are the cookie attributes.
func peerManager(t *testing.T, s *vectors.PeerStep, attrs cookie.Attributes) (*session.Manager[vecData], *errLog) {
	t.Helper()
	o := s.Options
	pw := iron.PasswordOption{Plain: o.Password.Plain, Object: o.Password.Object}
	seconds := func(n int64) time.Duration {
		if n == 0 {
			return -1 // unset in the library
		}
		return time.Duration(n) * time.Second
	}
	var f session.Format
	var err error
	switch s.Lib {
	case "h3v1":
		f, err = h3.New(h3.Config{Version: 1, Name: o.Name, Password: pw, MaxAge: seconds(o.MaxAge), Budget: testBudget})
	case "h3v2":
		f, err = h3.New(h3.Config{Version: 2, Name: o.Name, Password: pw, MaxAge: seconds(o.MaxAge), IdleTimeout: seconds(o.IdleTimeout), Budget: testBudget})
	case "nuxt-auth-utils":
		name := o.Name
		if name == "" {
			name = "nuxt-session"
		}
		maxAge, _ := o.Config["maxAge"].(float64) // runtimeConfig.session.maxAge
		f, err = h3.New(h3.Config{Version: 1, Name: name, Password: pw, MaxAge: seconds(int64(maxAge)), Budget: testBudget})
	case "iron-session", "iron-session9":
		var ttl time.Duration // nil: iron-session's default
		if o.TTL != nil {
			ttl = seconds(*o.TTL)
		}
		v := 8
		if s.Lib == "iron-session9" {
			v = 9
		}
		f, err = ironsession.New(ironsession.Config{CookieName: o.Name, Password: pw, TTL: ttl, Version: v, Budget: testBudget})
	default:
		t.Fatalf("unknown lib %q", s.Lib)
	}
	if err != nil {
		t.Fatal(err)
	}
	log := &errLog{}
	m, err := session.New(session.Config[vecData]{Format: f, Cookie: attrs, OnError: log.Hook, Clock: func() time.Time { return time.UnixMilli(s.At) }})
	if err != nil {
		t.Fatal(err)
	}
	return m, log
}

// readAs reads the session in a Cookie header with m.
func readAs(m *session.Manager[vecData], cookieHeader string) *session.Session[vecData] {
	return m.Load(context.Background(), []string{cookieHeader}, "")
}

// libData is the data of a step's response session: h3's envelope's, or
// iron-session's data itself.
func libData(t *testing.T, s *vectors.PeerStep) vecData {
	t.Helper()
	var d vecData
	if strings.HasPrefix(s.Lib, "iron-session") {
		if err := json.Unmarshal(s.Response.Session, &d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	var e session.Envelope[vecData]
	if err := json.Unmarshal(s.Response.Session, &e); err != nil {
		t.Fatal(err)
	}
	return e.Data
}

func TestPeerVectors(t *testing.T) {
	f := vectors.LoadPeers(t)
	for i := range f.Cases {
		c := &f.Cases[i]
		t.Run(c.Name, func(t *testing.T) {
			switch c.Kind {
			case vectors.PeerEmptySession:
				testPeerEmpty(t, c)
			case vectors.PeerLargeValue:
				testPeerReads(t, &c.Steps[0], c.Steps[0].CookieHeader, &c.Steps[0])
			case vectors.PeerStaleChunks:
				last := &c.Steps[len(c.Steps)-1]
				if last.Response.Fresh || last.Request.Cookie != c.CookieHeader {
					t.Fatalf("the case's h3 did not read the stale-chunk jar")
				}
				if !strings.Contains(c.CookieHeader, "h3.4=") || !strings.Contains(c.CookieHeader, "h3=__chunked__2") {
					t.Fatalf("no stale chunks in the case's jar: %.80s", c.CookieHeader)
				}
				testPeerReads(t, last, c.CookieHeader, last)
			case vectors.PeerSameSite:
				testPeerAttributes(t, &c.Steps[0])
			case vectors.PeerNuxtAuthUtils:
				testPeerNuxt(t, c)
			case vectors.PeerIronSession9:
				for j := range c.Steps {
					s := &c.Steps[j]
					if s.Op == "read" {
						testPeerReads(t, s, s.Request.Cookie, s)
					} else {
						testPeerReads(t, s, s.CookieHeader, s)
					}
				}
			case vectors.PeerNoExpiration:
				testPeerNoExpiration(t, c)
			default:
				t.Fatalf("unknown kind %q", c.Kind)
			}
		})
	}
}

// testPeerReads: our Manager, configured as step cfg's library, reads the
// Cookie header h at cfg's instant and gets the data the library had in want.
func testPeerReads(t *testing.T, cfg *vectors.PeerStep, h string, want *vectors.PeerStep) {
	t.Helper()
	m, log := peerManager(t, cfg, cookie.Attributes{})
	s := readAs(m, h)
	if s.IsNew() {
		t.Fatalf("we did not read %s's session: %v", want.Producer, log.Take())
	}
	if diff := cmp.Diff(libData(t, want), s.Data(), equateEmpty); diff != "" {
		t.Errorf("session (-%s +ours):\n%s", want.Producer, diff)
	}
}

// testPeerEmpty: the peer's empty session reads as empty, and ours seals
// as the peer's does ("data":{}); the peer fails on "data":null, which we
// read but never write.
func testPeerEmpty(t *testing.T, c *vectors.PeerCase) {
	s := &c.Steps[0]
	input := s.CookieHeader
	if c.SealedBy != "" {
		input = s.Request.Cookie
		if s.Response.OK || s.Response.Status != http.StatusInternalServerError || !strings.Contains(s.Response.Error, "null to object") {
			t.Fatalf("%s on data null: %d %q", s.Producer, s.Response.Status, s.Response.Error)
		}
	}
	m, log := peerManager(t, s, cookie.Attributes{})
	got := readAs(m, input)
	if got.IsNew() || len(got.Data()) != 0 {
		t.Fatalf("read %v (new %v): %v", got.Data(), got.IsNew(), log.Take())
	}
	var theirs map[string]json.RawMessage
	if err := json.Unmarshal([]byte(c.Plaintext), &theirs); err != nil {
		t.Fatal(err)
	}
	// Our empty session, sealed in the same format.
	fresh := readAs(m, "")
	fresh.Touch()
	h := http.Header{}
	if err := fresh.Save(h); err != nil {
		t.Fatal(err)
	}
	c0, err := http.ParseSetCookie(h.Get("Set-Cookie"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := iron.H3Config(iron.PasswordOption{Plain: s.Options.Password.Plain}, 0)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Budget = testBudget
	k, err := iron.NewKeyring(cfg)
	if err != nil {
		t.Fatal(err)
	}
	pt, _, err := k.Unseal(c0.Value, time.UnixMilli(s.At))
	if err != nil {
		t.Fatal(err)
	}
	var ours map[string]json.RawMessage
	if err := json.Unmarshal(pt, &ours); err != nil {
		t.Fatal(err)
	}
	if string(ours["data"]) != "{}" {
		t.Errorf("we seal an empty session's data as %s; %s's empty session is {}", ours["data"], s.Producer)
	}
	if c.SealedBy == "" && string(theirs["data"]) != "{}" {
		t.Errorf("%s's empty session has data %s", s.Producer, theirs["data"])
	}
	keys := func(m map[string]json.RawMessage) []string {
		var k []string
		for n := range m {
			k = append(k, n)
		}
		slices.Sort(k)
		return k
	}
	if diff := cmp.Diff(keys(theirs), keys(ours)); diff != "" {
		t.Errorf("envelope members (-%s +ours):\n%s", s.Producer, diff)
	}
}

// attrNames lists a Set-Cookie line's attribute names, lowercased, in order.
func attrNames(line string) []string {
	var names []string
	for _, p := range strings.Split(line, ";")[1:] {
		k, _, _ := strings.Cut(strings.TrimSpace(p), "=")
		names = append(names, strings.ToLower(k))
	}
	return names
}

// testPeerAttributes: with the peer's SameSite choice (none written by h3
// 1.x: OmitSameSite), our Set-Cookie line has the peer's attributes.
func testPeerAttributes(t *testing.T, s *vectors.PeerStep) {
	theirs := attrNames(s.Response.SetCookie[0])
	var a cookie.Attributes
	a.OmitSameSite = !slices.Contains(theirs, "samesite")
	if s.Lib == "h3v1" && !a.OmitSameSite {
		t.Errorf("h3 1.x wrote SameSite: %v", theirs)
	}
	m, _ := peerManager(t, s, a)
	ns := readAs(m, "")
	if err := session.Merge(ns, vecData{"k": "v"}); err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	if err := ns.Save(h); err != nil {
		t.Fatal(err)
	}
	ours := attrNames(h.Get("Set-Cookie"))
	slices.Sort(theirs)
	slices.Sort(ours)
	if diff := cmp.Diff(theirs, ours); diff != "" {
		t.Errorf("attributes (-%s +ours):\n%s", s.Producer, diff)
	}
}

// testPeerNuxt: nuxt-auth-utils's session reads as its data; its session
// route answers the data without "secure", with the id; its logout leaves
// no session.
func testPeerNuxt(t *testing.T, c *vectors.PeerCase) {
	s := &c.Steps[0]
	if s.Op == "clear" {
		if s.CookieHeader != "" {
			t.Fatalf("nuxt-auth-utils's clear left %q", s.CookieHeader)
		}
		m, _ := peerManager(t, s, cookie.Attributes{})
		if got := readAs(m, s.CookieHeader); !got.IsNew() {
			t.Error("we read a session after its logout")
		}
		return
	}
	testPeerReads(t, s, s.CookieHeader, s)
	m, _ := peerManager(t, s, cookie.Attributes{})
	got := readAs(m, s.CookieHeader)
	route := &c.Steps[1]
	var body vecData
	if err := json.Unmarshal(route.Response.Body, &body); err != nil {
		t.Fatal(err)
	}
	want := vecData{"id": got.ID()}
	for k, v := range got.Data() {
		if k != "secure" {
			want[k] = v
		}
	}
	if diff := cmp.Diff(want, body); diff != "" {
		t.Errorf("GET /api/_auth/session (-from our read +nuxt-auth-utils):\n%s", diff)
	}
	if _, ok := got.Data()["secure"]; !ok {
		t.Error("the session has no secure member")
	}
}

// testPeerNoExpiration: h3 without maxAge seals with no expiration, and
// createdAt + maxAge ends the session on both sides at the same
// millisecond. iron-session reads a ttl: 0 seal forever under any ttl; we
// refuse it under a TTL (the documented difference) and read it without.
func testPeerNoExpiration(t *testing.T, c *vectors.PeerCase) {
	w := &c.Steps[0]
	_, value, _ := strings.Cut(w.CookieHeader, "=")
	seal, _, _ := iron.SplitIronSessionValue(value)
	if f, err := iron.Parse(seal); err != nil || !f.Expiration.IsZero() {
		t.Fatalf("%s wrote an expiration: %v %v", w.Producer, f.Expiration, err)
	}
	if strings.HasPrefix(w.Lib, "iron-session") {
		later := &c.Steps[1]
		if later.Response.Fresh || libData(t, later)["k"] != "v" {
			t.Fatalf("%s no longer reads a ttl: 0 seal under ttl 3600: the documented difference is gone", later.Producer)
		}
		m, log := peerManager(t, later, cookie.Attributes{})
		if got := readAs(m, w.CookieHeader); !got.IsNew() {
			t.Error("we read a seal without expiration under a TTL")
		}
		if errs := log.Take(); len(errs) != 1 || !errors.Is(errs[0], sealed.ErrExpired) {
			t.Errorf("OnError heard %v, want sealed.ErrExpired", errs)
		}
		testPeerReads(t, w, w.CookieHeader, w) // ttl 0 as the writer: read at any time
		return
	}
	for _, s := range c.Steps[1:] {
		m, log := peerManager(t, &s, cookie.Attributes{})
		got := readAs(m, w.CookieHeader)
		if got.IsNew() != s.Response.Fresh {
			t.Errorf("at %s: %s fresh %v (%s), ours new %v (%v)", s.AtISO, s.Producer, s.Response.Fresh, s.Response.Reason, got.IsNew(), log.Take())
		}
		if errs := log.Take(); s.Response.Fresh && (len(errs) != 1 || !errors.Is(errs[0], session.ErrExpired)) {
			t.Errorf("OnError heard %v, want the max age", errs)
		}
	}
}
