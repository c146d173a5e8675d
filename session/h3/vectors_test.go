package h3_test

// Every case of testdata/interop/vectors.json (produced by the real h3 2.0.8,
// h3 1.15.11, iron-session 8.0.4 and iron-webcrypto 2.0.0; see
// testdata/interop/README.md) through a Manager in the matching format (this
// package's for h3, session/ironsession's for iron-session), at the case's
// clock.

import (
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/internal/vectors"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/h3"
	"github.com/sealcookie/sealcookie/session/ironsession"
)

// vecData is the session type of the vectors: any JSON object.
type vecData = map[string]any

// equateEmpty treats a nil map like {}: iron-session returns {} for "no data".
var equateEmpty = cmpopts.EquateEmpty()

// vecManager is a Manager configured as a vector's library was.
type vecManager struct {
	m   *session.Manager[vecData]
	clk *clock
	log *errLog
	id  string // what GenerateID returns when set
}

// hasFormat reports whether producer has a session format; raw iron has none.
func hasFormat(producer string) bool {
	switch producer {
	case vectors.ProducerH3v2, vectors.ProducerH3v1, vectors.ProducerIronSession:
		return true
	}
	return false
}

// dataOnly reports whether producer's sessions are the data alone
// (iron-session's), with no h3 envelope.
func dataOnly(producer string) bool { return producer == vectors.ProducerIronSession }

// vectorFormat builds the session format of lib with password pw. A library
// option left unset is a negative duration here; iron-session's ttl is 0
// for its default.
func vectorFormat(t *testing.T, lib *vectors.Library, pw vectors.Password) session.Format {
	t.Helper()
	opt := iron.PasswordOption{Plain: pw.Plain, Object: pw.Object}
	unset := func(s int64) time.Duration {
		if s == 0 {
			return -1
		}
		return time.Duration(s) * time.Second
	}
	var f session.Format
	var err error
	switch lib.Producer {
	case vectors.ProducerH3v2, vectors.ProducerH3v1:
		c := h3.Config{Version: 2, Name: lib.Name, Password: opt, MaxAge: unset(lib.MaxAge), IdleTimeout: unset(lib.IdleTimeout), Budget: testBudget}
		if lib.Producer == vectors.ProducerH3v1 {
			c.Version = 1
		}
		if x := lib.Config; x != nil {
			c.NoLegacySealFallback = x.LegacySealFallback != nil && !*x.LegacySealFallback
		}
		f, err = h3.New(c)
	case vectors.ProducerIronSession:
		f, err = ironsession.New(ironsession.Config{CookieName: lib.Name, Password: opt, TTL: time.Duration(lib.TTL) * time.Second, Budget: testBudget})
	default:
		t.Fatalf("no session format for producer %q", lib.Producer)
	}
	if err != nil {
		t.Fatalf("format for %s: %v", lib.Library, err)
	}
	return f
}

// envelopeOf is the envelope s holds, from its accessors.
func envelopeOf(s *session.Session[vecData]) session.Envelope[vecData] {
	ms := func(t time.Time) int64 {
		if t.IsZero() {
			return 0
		}
		return t.UnixMilli()
	}
	return session.Envelope[vecData]{ID: s.ID(), CreatedAt: ms(s.CreatedAt()), Data: s.Data(), LastSeenAt: ms(s.LastSeenAt())}
}

func attributesOf(o *vectors.CookieOptions) cookie.Attributes {
	var a cookie.Attributes
	if o == nil {
		return a
	}
	a.Domain, a.Path = o.Domain, o.Path
	switch strings.ToLower(o.SameSite) {
	case "strict":
		a.SameSite = http.SameSiteStrictMode
	case "none":
		a.SameSite = http.SameSiteNoneMode
	}
	a.Partitioned = o.Partitioned != nil && *o.Partitioned
	a.InsecureDevelopment = o.Secure != nil && !*o.Secure
	a.JavaScriptReadable = o.HTTPOnly != nil && !*o.HTTPOnly
	// o.MaxAge (h3's cookie.maxAge) has no counterpart: see TestVectorQuirks.
	return a
}

// newVecManager builds a Manager for lib with password pw, its clock at at.
func newVecManager(t *testing.T, lib *vectors.Library, pw vectors.Password, at int64) *vecManager {
	t.Helper()
	v := &vecManager{clk: newClock(), log: &errLog{}}
	v.clk.Set(vectors.Millis(at))
	c := session.Config[vecData]{
		Name:    lib.Name,
		Format:  vectorFormat(t, lib, pw),
		Clock:   v.clk.Now,
		OnError: v.log.Hook,
		GenerateID: func() string {
			if v.id != "" {
				return v.id
			}
			return "fresh-session-id"
		},
	}
	if x := lib.Config; x != nil {
		c.Cookie = attributesOf(x.Cookie)
		if x.CookieOptions != nil {
			c.Cookie = attributesOf(x.CookieOptions)
		}
		c.DisableHeader = x.SessionHeader != nil && !*x.SessionHeader
	}
	c.Cookie.Budget = cookie.NoBudget // the vectors hold h3's chunking, which knows no budget
	m, err := session.New(c)
	if err != nil {
		t.Fatalf("New for %s: %v", lib.Library, err)
	}
	v.m = m
	return v
}

// get reads the session of a request carrying headers at the clock at.
func (v *vecManager) get(at int64, headers map[string]string) (*session.Session[vecData], *httptest.ResponseRecorder) {
	v.clk.Set(vectors.Millis(at))
	r := httptest.NewRequest("GET", "https://example.com/", nil)
	for k, val := range headers {
		r.Header.Set(k, val)
	}
	s := v.m.Get(r)
	rec := httptest.NewRecorder()
	if err := s.Save(rec.Header()); err != nil {
		panic(err) // Save of a read session cannot fail
	}
	return s, rec
}

func cookieHeader(h string) map[string]string { return map[string]string{"Cookie": h} }

// wantSession compares what s holds with what the library returned: h3's
// {id, createdAt, data, lastSeenAt?}, or iron-session's data object.
func wantSession(t *testing.T, producer string, want json.RawMessage, s *session.Session[vecData]) {
	t.Helper()
	if dataOnly(producer) {
		var data vecData
		if err := json.Unmarshal(want, &data); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(data, s.Data(), equateEmpty); diff != "" {
			t.Errorf("session data (-library +ours):\n%s", diff)
		}
		if s.ID() != "" || !s.CreatedAt().IsZero() {
			t.Errorf("iron-session session has id %q createdAt %v; want none", s.ID(), s.CreatedAt())
		}
		return
	}
	var e session.Envelope[vecData]
	if err := json.Unmarshal(want, &e); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(e, envelopeOf(s), equateEmpty); diff != "" {
		t.Errorf("session (-library +ours):\n%s", diff)
	}
}

// wantErrors maps the library's rejection message to the errors OnError may
// report for it.
func wantErrors(t *testing.T, msg string) []error {
	t.Helper()
	switch {
	case strings.HasPrefix(msg, "Bad hmac value"):
		return []error{sealed.ErrNotAuthentic}
	case strings.HasPrefix(msg, "Wrong mac prefix"), strings.HasPrefix(msg, "Incorrect number of sealed components"),
		strings.HasPrefix(msg, "Invalid expiration"):
		return []error{sealed.ErrMalformed}
	case strings.HasPrefix(msg, "Session expired!"):
		return []error{session.ErrExpired, session.ErrIdle}
	case strings.HasPrefix(msg, "Expired seal"):
		return []error{sealed.ErrExpired}
	case strings.HasPrefix(msg, "Cannot find password"):
		return []error{sealed.ErrUnknownKey}
	case strings.HasPrefix(msg, "no sealed session value"):
		return []error{cookie.ErrChunks}
	}
	t.Fatalf("no mapping for the library's error %q", msg)
	return nil
}

// wantRejected checks that s is a fresh session and that OnError heard one
// of the errors the library's message maps to.
func (v *vecManager) wantRejected(t *testing.T, s *session.Session[vecData], libraryError string) {
	t.Helper()
	if !s.IsNew() {
		t.Errorf("accepted: %+v", envelopeOf(s))
	}
	errs := v.log.Take()
	if len(errs) != 1 {
		t.Fatalf("OnError heard %v, want one error for %q", errs, libraryError)
	}
	want := wantErrors(t, libraryError)
	if !slices.ContainsFunc(want, func(w error) bool { return errors.Is(errs[0], w) }) {
		t.Errorf("OnError heard %v, want one of %v (the library said %q)", errs[0], want, libraryError)
	}
}

// sourceOf tells where a request's session comes from by what Save writes
// for it once touched: a session from the header gets its new value in the
// response's session header, one from the cookie a Set-Cookie alone. It
// returns "header", "cookie" or "none" (a fresh session).
func (v *vecManager) sourceOf(t *testing.T, at int64, headers map[string]string) string {
	t.Helper()
	s, _ := v.get(at, headers)
	v.wantAccepted(t, s)
	if s.IsNew() {
		return "none"
	}
	s.Touch()
	h := http.Header{}
	if err := s.Save(h); err != nil {
		t.Fatal(err)
	}
	switch {
	case v.m.HeaderName() != "" && h.Get(v.m.HeaderName()) != "":
		return "header"
	case len(h["Set-Cookie"]) != 0:
		return "cookie"
	}
	t.Fatalf("Save of a touched session wrote %v", h)
	return ""
}

func (v *vecManager) wantAccepted(t *testing.T, s *session.Session[vecData]) {
	t.Helper()
	if s.IsNew() {
		t.Errorf("rejected: OnError heard %v", v.log.Take())
	} else if errs := v.log.Take(); len(errs) != 0 {
		t.Errorf("OnError heard %v", errs)
	}
}

// setCookieAttrs is a Set-Cookie line taken apart by net/http, for
// comparing ours with the library's.
type setCookieAttrs struct {
	Name, Path, Domain      string
	Expires                 int64 // Unix seconds, 0 when absent
	MaxAge                  int   // net/http's: 0 absent, -1 for Max-Age=0
	HttpOnly, Secure, Parts bool
	SameSite                http.SameSite
	Deleted                 bool // empty value or Max-Age ≤ 0
}

func parseSetCookies(t *testing.T, lines []string) map[string]setCookieAttrs {
	t.Helper()
	out := map[string]setCookieAttrs{}
	for _, l := range lines {
		c, err := http.ParseSetCookie(l)
		if err != nil {
			t.Fatalf("Set-Cookie %q: %v", l[:min(len(l), 40)], err)
		}
		a := setCookieAttrs{Name: c.Name, Path: c.Path, Domain: c.Domain, MaxAge: c.MaxAge, HttpOnly: c.HttpOnly,
			Secure: c.Secure, Parts: c.Partitioned, SameSite: c.SameSite, Deleted: c.Value == "" || c.MaxAge < 0}
		if !c.Expires.IsZero() && !a.Deleted {
			a.Expires = c.Expires.Unix()
		}
		if a.Deleted {
			a.MaxAge = 0 // h3 writes Max-Age=0, we add an Expires in 1970: both delete
		}
		out[c.Name] = a
	}
	return out
}

// sessionCookieLines returns rec's Set-Cookie lines.
func sessionCookieLines(rec *httptest.ResponseRecorder) []string { return rec.Header()["Set-Cookie"] }

// jar applies Set-Cookie lines to a Cookie header, as a browser would.
func jar(t *testing.T, before string, lines []string) string {
	t.Helper()
	var names []string
	vals := map[string]string{}
	for _, p := range strings.Split(before, ";") {
		if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok {
			names = append(names, k)
			vals[k] = v
		}
	}
	for _, l := range lines {
		c, err := http.ParseSetCookie(l)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := vals[c.Name]; !ok {
			names = append(names, c.Name)
		}
		vals[c.Name] = c.Value
		if c.Value == "" || c.MaxAge < 0 {
			delete(vals, c.Name)
		}
	}
	var parts []string
	for _, n := range names {
		if v, ok := vals[n]; ok {
			parts = append(parts, n+"="+v)
			delete(vals, n)
		}
	}
	return strings.Join(parts, "; ")
}

// The differences from the libraries' cookie attributes that we chose; see
// TestVectorQuirks.
func knownAttrDifference(c *vectors.Case, lib *vectors.Library, ours, theirs *setCookieAttrs) {
	if lib.Producer == vectors.ProducerH3v1 && theirs.SameSite == 0 {
		theirs.SameSite = ours.SameSite // h3 1.x writes no SameSite; we always write Lax
	}
	if lib.Config != nil && lib.Config.Cookie != nil && lib.Config.Cookie.MaxAge != nil {
		theirs.MaxAge = ours.MaxAge // h3's cookie.maxAge: we write Expires only
	}
}

func TestVectors(t *testing.T) {
	f := vectors.Load(t)
	counts := map[string]int{}
	for i := range f.Cases {
		c := &f.Cases[i]
		lib := c.Reader
		if lib == nil {
			lib = c.Config
		}
		if lib == nil {
			t.Fatalf("%s: no library configuration", c.Name)
		}
		if !hasFormat(lib.Producer) {
			if c.Format != vectors.FormatIron {
				t.Errorf("%s: producer %q without a session format", c.Name, lib.Producer)
			}
			// Raw @hapi/iron seals are not sessions: sealed/iron's vector
			// tests check them with the codec.
			counts["raw iron (sealed/iron)"]++
			continue
		}
		counts[c.Kind]++
		t.Run(c.Name, func(t *testing.T) {
			switch c.Kind {
			case vectors.KindPositive:
				testPositive(t, c, lib)
			case vectors.KindNegative:
				testNegative(t, c, lib)
			case vectors.KindResponse:
				testResponse(t, c)
			case vectors.KindQuirk:
				testQuirk(t, c, lib)
			default:
				t.Fatalf("unknown kind %q", c.Kind)
			}
			testAlsoReadBy(t, c)
		})
	}
	t.Logf("cases checked: %v", counts)
	for _, k := range []string{vectors.KindPositive, vectors.KindNegative, vectors.KindResponse, vectors.KindQuirk} {
		if counts[k] == 0 {
			t.Errorf("no %s vector checked", k)
		}
	}
}

func requestHeaders(c *vectors.Case) map[string]string {
	if len(c.RequestHeaders) > 0 {
		return c.RequestHeaders
	}
	return cookieHeader(c.CookieHeader)
}

func testPositive(t *testing.T, c *vectors.Case, lib *vectors.Library) {
	v := newVecManager(t, lib, c.ReaderPassword(), c.ReadAt)
	s, _ := v.get(c.ReadAt, requestHeaders(c))
	v.wantAccepted(t, s)
	wantSession(t, lib.Producer, c.Session, s)
	if from := c.Expect.SessionFrom; from != "" {
		if got := v.sourceOf(t, c.ReadAt, requestHeaders(c)); got != from {
			t.Errorf("session from the %s, want the %s", got, from)
		}
	}
	if vd := c.Validity; vd != nil {
		if s, _ := v.get(vd.LastAcceptedAt, requestHeaders(c)); s.IsNew() {
			t.Errorf("rejected at lastAcceptedAt: %v", v.log.Take())
		}
		s, _ := v.get(vd.FirstRejectedAt, requestHeaders(c))
		v.wantRejected(t, s, vd.RejectedWith)
	}
	// Replay the library's reads and writes.
	for _, e := range c.Exchanges {
		t.Run(e.Step, func(t *testing.T) {
			switch {
			case strings.HasPrefix(e.Step, "seal"), e.Step == "save":
				replaySeal(t, c, &e)
			case strings.HasPrefix(e.Step, "read"), e.Step == "late-read":
				replayRead(t, c, lib, &e)
			default:
				t.Fatalf("unknown step %q", e.Step)
			}
		})
	}
	if c.Upgraded != nil {
		testLegacyUpgrade(t, c, lib)
	}
}

// replayRead reads the exchange's request as the library did: same session,
// and a Set-Cookie exactly when the library wrote one (legacy upgrade,
// sliding idle timeout), with the same attributes.
func replayRead(t *testing.T, c *vectors.Case, lib *vectors.Library, e *vectors.Exchange) {
	v := newVecManager(t, lib, c.ReaderPassword(), e.At)
	s, rec := v.get(e.At, e.Request.Headers)
	v.wantAccepted(t, s)
	want := c.Session
	var body struct {
		Session json.RawMessage `json:"session"`
	}
	if len(e.Response.Body) > 0 && string(e.Response.Body) != "null" {
		if err := json.Unmarshal(e.Response.Body, &body); err != nil {
			t.Fatal(err)
		}
		want = body.Session
	}
	ours, theirs := sessionCookieLines(rec), e.Response.SetCookie
	if (len(ours) > 0) != (len(theirs) > 0) {
		t.Fatalf("Set-Cookie: ours %d lines, the library's %d", len(ours), len(theirs))
	}
	if len(ours) == 0 {
		wantSession(t, lib.Producer, want, s)
		return
	}
	// Re-sealed: the session we wrote, read back, is the library's.
	compareSetCookies(t, c, lib, ours, theirs)
	back, _ := v.get(e.At, cookieHeader(jar(t, "", ours)))
	v.wantAccepted(t, back)
	wantSession(t, lib.Producer, want, back)
}

func compareSetCookies(t *testing.T, c *vectors.Case, lib *vectors.Library, ours, theirs []string) {
	t.Helper()
	o, th := parseSetCookies(t, ours), parseSetCookies(t, theirs)
	if diff := cmp.Diff(slices.Sorted(maps.Keys(th)), slices.Sorted(maps.Keys(o))); diff != "" {
		t.Errorf("Set-Cookie names (-library +ours):\n%s", diff)
	}
	for name, ta := range th {
		oa, ok := o[name]
		if !ok {
			continue
		}
		knownAttrDifference(c, lib, &oa, &ta)
		if diff := cmp.Diff(ta, oa); diff != "" {
			t.Errorf("Set-Cookie %s attributes (-library +ours):\n%s", name, diff)
		}
	}
}

// replaySeal writes, with the producer's configuration at the same instant,
// the session the library wrote: same cookies, same attributes, and a value
// that reads back as the same session.
func replaySeal(t *testing.T, c *vectors.Case, e *vectors.Exchange) {
	lib := c.Config
	pw := c.ReaderPassword()
	if c.SealPassword != nil {
		pw = *c.SealPassword
	}
	v := newVecManager(t, lib, pw, e.At)
	want := c.Session
	var body struct {
		Session json.RawMessage `json:"session"`
	}
	if len(e.Response.Body) > 0 && string(e.Response.Body) != "null" {
		if err := json.Unmarshal(e.Response.Body, &body); err != nil {
			t.Fatal(err)
		}
		want = body.Session
	}
	var data vecData
	if dataOnly(lib.Producer) {
		if err := json.Unmarshal(want, &data); err != nil {
			t.Fatal(err)
		}
	} else {
		var env session.Envelope[vecData]
		if err := json.Unmarshal(want, &env); err != nil {
			t.Fatal(err)
		}
		if env.CreatedAt != e.At {
			t.Fatalf("the library's session was created at %d, not at the exchange's %d", env.CreatedAt, e.At)
		}
		data, v.id = env.Data, env.ID
	}
	s, _ := v.get(e.At, nil)
	if err := s.Update(func(d *vecData) { *d = data }); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	if err := s.Save(rec.Header()); err != nil {
		t.Fatal(err)
	}
	compareSetCookies(t, c, lib, sessionCookieLines(rec), e.Response.SetCookie)
	back, _ := v.get(e.At, cookieHeader(jar(t, "", sessionCookieLines(rec))))
	v.wantAccepted(t, back)
	wantSession(t, lib.Producer, want, back)
}

// testLegacyUpgrade: the value we re-seal from an h3 1.x cookie is at 8192
// iterations, like h3's own upgrade: h3 1.x no longer reads it, and h3 2.x
// reads it without the fallback.
func testLegacyUpgrade(t *testing.T, c *vectors.Case, lib *vectors.Library) {
	v := newVecManager(t, lib, c.ReaderPassword(), c.ReadAt)
	_, rec := v.get(c.ReadAt, cookieHeader(c.CookieHeader))
	ours := jar(t, "", sessionCookieLines(rec))
	if ours == "" {
		t.Fatal("legacy seal from the cookie not re-sealed")
	}
	strict := *lib
	strict.Config = &vectors.Extra{LegacySealFallback: new(bool)}
	v1 := vectors.Library{Producer: vectors.ProducerH3v1, Library: "h3@1.15.11"}
	for _, value := range []string{ours, c.Upgraded.CookieHeader} {
		sv := newVecManager(t, &strict, c.ReaderPassword(), c.ReadAt)
		s, _ := sv.get(c.ReadAt, cookieHeader(value))
		sv.wantAccepted(t, s)
		wantSession(t, vectors.ProducerH3v2, c.Session, s)
		old := newVecManager(t, &v1, c.ReaderPassword(), c.ReadAt)
		s, _ = old.get(c.ReadAt, cookieHeader(value))
		old.wantRejected(t, s, "Bad hmac value")
	}
}

func testNegative(t *testing.T, c *vectors.Case, lib *vectors.Library) {
	in := c.Input
	if in == nil {
		t.Fatal("negative case without input")
	}
	headers := map[string]string{}
	switch {
	case in.CookieHeader != "":
		headers["Cookie"] = in.CookieHeader
	case in.Sealed != "":
		name := lib.Name
		if name == "" {
			name = "h3"
		}
		headers["Cookie"] = name + "=" + in.Sealed
	}
	v := newVecManager(t, lib, c.ReaderPassword(), c.ReadAt)
	if in.SessionHeader != "" {
		headers[v.m.HeaderName()] = in.SessionHeader
	}
	s, rec := v.get(c.ReadAt, headers)
	v.wantRejected(t, s, c.Expect.Error)
	// Nothing is written: no new session unless changed, and a rejected
	// cookie is left to peers that may read it.
	if got := sessionCookieLines(rec); len(got) != 0 {
		t.Errorf("Set-Cookie %q after a rejected value", got)
	}
	if c.ExpiredFrom != 0 {
		s, _ := v.get(c.ExpiredFrom, headers)
		v.wantRejected(t, s, c.Expect.Error)
		if s, _ := v.get(c.ExpiredFrom-1, headers); s.IsNew() {
			t.Errorf("rejected 1 ms before expiredFrom: %v", v.log.Take())
		}
	}
}

// testResponse reproduces the library's Set-Cookie behaviour.
func testResponse(t *testing.T, c *vectors.Case) {
	lib := c.Config
	if len(c.Exchanges) == 0 {
		t.Fatal("response case without exchanges")
	}
	e := &c.Exchanges[0]
	v := newVecManager(t, lib, c.ReaderPassword(), e.At)
	r := httptest.NewRequest(e.Request.Method, "https://example.com/", nil)
	for k, val := range e.Request.Headers {
		r.Header.Set(k, val)
	}
	rec := httptest.NewRecorder()
	var body vecData
	if e.Request.Body != "" {
		if err := json.Unmarshal([]byte(e.Request.Body), &body); err != nil {
			t.Fatal(err)
		}
	}
	merge := func(d *vecData) {
		if *d == nil {
			*d = vecData{}
		}
		for k, val := range body {
			(*d)[k] = val
		}
	}
	switch c.Name {
	case "h3v2-clear-chunked", "h3v1-clear":
		s := v.m.Get(r)
		v.wantAccepted(t, s)
		s.Clear()
		if err := s.Save(rec.Header()); err != nil {
			t.Fatal(err)
		}
		ours := parseSetCookies(t, sessionCookieLines(rec))
		theirs := parseSetCookies(t, e.Response.SetCookie)
		if diff := cmp.Diff(slices.Sorted(maps.Keys(theirs)), slices.Sorted(maps.Keys(ours))); diff != "" {
			t.Errorf("cookies cleared (-library +ours):\n%s", diff)
		}
		for name, a := range ours {
			if !a.Deleted || a.Path != "/" || !a.Secure || !a.HttpOnly {
				t.Errorf("%s: not a deletion with the session's attributes: %+v", name, a)
			}
		}
		for name, a := range theirs {
			if !a.Deleted {
				t.Errorf("%s: the library's line is not a deletion: %+v", name, a)
			}
		}
		if got := jar(t, e.Request.Headers["cookie"], sessionCookieLines(rec)); got != "" {
			t.Errorf("cookies left after the clear: %q", got)
		}
	case "h3v2-shrink-chunked":
		s := v.m.Get(r)
		v.wantAccepted(t, s)
		if err := s.Update(merge); err != nil {
			t.Fatal(err)
		}
		if err := s.Save(rec.Header()); err != nil {
			t.Fatal(err)
		}
		compareSetCookies(t, c, lib, sessionCookieLines(rec), e.Response.SetCookie)
		after := jar(t, c.CookieHeaderBefore, sessionCookieLines(rec))
		if strings.Contains(after, "h3.") || strings.Contains(after, "__chunked__") {
			t.Errorf("chunks left after the shrink: %q", after[:min(len(after), 80)])
		}
		back, _ := v.get(c.ReadAt, cookieHeader(after))
		v.wantAccepted(t, back)
		wantSession(t, lib.Producer, c.Session, back)
	case "h3v2-error-path-keeps-cookie":
		// h3 stages the session cookie into its error response; with us the
		// handler saves, then fails: the Set-Cookie stays on the 500.
		s := v.m.Get(r)
		if err := s.Update(merge); err != nil {
			t.Fatal(err)
		}
		if err := s.Save(rec.Header()); err != nil {
			t.Fatal(err)
		}
		http.Error(rec, "handler failed after session.update()", http.StatusInternalServerError)
		if rec.Code != c.Expect.Status {
			t.Errorf("status %d, want %d", rec.Code, c.Expect.Status)
		}
		compareSetCookies(t, c, lib, sessionCookieLines(rec), e.Response.SetCookie)
		v.id = ""
		back, _ := v.get(c.ReadAt, cookieHeader(jar(t, "", sessionCookieLines(rec))))
		v.wantAccepted(t, back)
		if diff := cmp.Diff(body, back.Data()); diff != "" {
			t.Errorf("data after the error response (-want +got):\n%s", diff)
		}
	default:
		t.Fatalf("no reproduction for response case %q", c.Name)
	}
}

func testQuirk(t *testing.T, c *vectors.Case, lib *vectors.Library) {
	switch c.Name {
	case "iron-session-no-version-suffix":
		// Like iron-session 8, a seal without "~2" is read as a pre-v8 seal,
		// whose data sat under "persistent": here, none.
		v := newVecManager(t, lib, c.ReaderPassword(), c.ReadAt)
		s, _ := v.get(c.ReadAt, cookieHeader(c.CookieHeader))
		v.wantAccepted(t, s)
		wantSession(t, lib.Producer, c.Expect.Session, s)
	default:
		t.Fatalf("no reproduction for quirk %q", c.Name)
	}
}

// testAlsoReadBy runs the other readers of the case, those with a session format.
func testAlsoReadBy(t *testing.T, c *vectors.Case) {
	for i := range c.AlsoReadBy {
		rd := &c.AlsoReadBy[i]
		if !hasFormat(rd.Reader.Producer) {
			continue // raw iron: sealed/iron's tests
		}
		t.Run("also-"+rd.Reader.Producer, func(t *testing.T) {
			v := newVecManager(t, &rd.Reader, rd.ReaderPassword, rd.At)
			headers := requestHeaders(c)
			if c.Input != nil && c.Input.CookieHeader != "" {
				headers = cookieHeader(c.Input.CookieHeader)
			}
			s, _ := v.get(rd.At, headers)
			if pw := rd.ReaderPassword.Object; !rd.Accept && len(pw) == 2 && pw["id"] != "" && pw["secret"] != "" {
				// h3 seals with a bare {id, secret} but cannot open with it;
				// sealed/iron also opens with the password that seals.
				v.wantAccepted(t, s)
				return
			}
			if !rd.Accept {
				v.wantRejected(t, s, rd.Error)
				return
			}
			v.wantAccepted(t, s)
			wantSession(t, rd.Reader.Producer, rd.Session, s)
		})
	}
}

// TestVectorQuirks documents, vector by vector, where a Manager differs from
// the library on purpose; each check asserts what the library did and what
// we do.
func TestVectorQuirks(t *testing.T) {
	f := vectors.Load(t)
	sealedCookie := func(t *testing.T, c *vectors.Case, step string, ours bool) setCookieAttrs {
		t.Helper()
		for i := range c.Exchanges {
			e := &c.Exchanges[i]
			if e.Step != step {
				continue
			}
			lines := e.Response.SetCookie
			if ours {
				v := newVecManager(t, c.Config, c.ReaderPassword(), e.At)
				s, _ := v.get(e.At, nil)
				if err := s.Update(func(d *vecData) { *d = vecData{"k": "v"} }); err != nil {
					t.Fatal(err)
				}
				rec := httptest.NewRecorder()
				if err := s.Save(rec.Header()); err != nil {
					t.Fatal(err)
				}
				lines = sessionCookieLines(rec)
			}
			name := c.Config.Name
			if name == "" {
				name = "h3"
			}
			return parseSetCookies(t, lines)[name]
		}
		t.Fatalf("%s: no step %q", c.Name, step)
		return setCookieAttrs{}
	}
	tests := []struct {
		vector, why string
		check       func(t *testing.T, c *vectors.Case)
	}{
		{"h3v1-default", "h3 1.x writes no SameSite attribute; we always write one (Lax by default), which h3 1.x ignores", func(t *testing.T, c *vectors.Case) {
			if theirs, ours := sealedCookie(t, c, "seal", false), sealedCookie(t, c, "seal", true); theirs.SameSite != 0 || ours.SameSite != http.SameSiteLaxMode {
				t.Errorf("SameSite: library %v, ours %v", theirs.SameSite, ours.SameSite)
			}
		}},
		{"h3v2-cookie-attributes", "h3's cookie.maxAge adds a Max-Age that can end the cookie before its session; we have no such option and write Expires only", func(t *testing.T, c *vectors.Case) {
			if theirs, ours := sealedCookie(t, c, "seal", false), sealedCookie(t, c, "seal", true); theirs.MaxAge != 600 || ours.MaxAge != 0 || ours.Expires != theirs.Expires {
				t.Errorf("Max-Age: library %d, ours %d; Expires %d and %d", theirs.MaxAge, ours.MaxAge, theirs.Expires, ours.Expires)
			}
		}},
		{"neg-tampered-mac", "h3's useSession writes a fresh session over a rejected value; we write nothing until the session changes, and leave the cookie to peers that may read it", func(t *testing.T, c *vectors.Case) {
			if len(c.Exchanges) != 1 || len(c.Exchanges[0].Response.SetCookie) != 1 {
				t.Fatalf("the library wrote %d Set-Cookie lines", len(c.Exchanges[0].Response.SetCookie))
			}
			v := newVecManager(t, c.Reader, c.ReaderPassword(), c.ReadAt)
			if s, rec := v.get(c.ReadAt, c.Exchanges[0].Request.Headers); !s.IsNew() || len(sessionCookieLines(rec)) != 0 {
				t.Errorf("ours: new %v, Set-Cookie %q", s.IsNew(), sessionCookieLines(rec))
			}
		}},
		{"h3v1-clear", "h3 1.x clears with an empty cookie and no Max-Age (the browser keeps an empty cookie); we delete it with Max-Age=0, as h3 2.x does", func(t *testing.T, c *vectors.Case) {
			theirs := parseSetCookies(t, c.Exchanges[0].Response.SetCookie)["h3"]
			if !theirs.Deleted || theirs.MaxAge != 0 || strings.Contains(c.Exchanges[0].Response.SetCookie[0], "Max-Age") {
				t.Errorf("the library's clear: %q", c.Exchanges[0].Response.SetCookie)
			}
			// testResponse checks that ours is a Max-Age deletion.
		}},
		{"neg-iron-session-wrong-prefix", "iron-session throws on a wrong prefix or a non-numeric expiration, failing the request; we start a fresh session, as for every bad value", func(t *testing.T, c *vectors.Case) {
			if !strings.Contains(c.Expect.ReaderBehaviour, "throws") {
				t.Errorf("the library's behaviour: %q", c.Expect.ReaderBehaviour)
			}
			// testNegative checks that ours is a fresh session.
		}},
		{"h3v2-password-id", "h3 seals with a bare {id, secret} password but cannot open what it sealed; sealed/iron opens with the sealing password too", func(t *testing.T, c *vectors.Case) {
			for _, rd := range c.AlsoReadBy {
				if pw := rd.ReaderPassword.Object; len(pw) == 2 && pw["secret"] != "" {
					if rd.Accept {
						t.Error("the library now reads with a bare {id, secret}: drop the difference")
					}
					return // testAlsoReadBy checks that we read it
				}
			}
			t.Error("no reader with a bare {id, secret}")
		}},
	}
	for _, tc := range tests {
		t.Run(tc.vector, func(t *testing.T) {
			t.Log(tc.why)
			tc.check(t, f.MustCase(t, tc.vector))
		})
	}
}
