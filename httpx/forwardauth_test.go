package httpx_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/httpx"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
)

// identityHeaders are the identity headers of the forward-auth tests.
var identityHeaders = map[string]httpx.IdentityFunc[User]{
	"X-User-Id":   func(s *session.Session[User]) (string, bool) { return s.Data().ID, true },
	"X-User-Name": func(s *session.Session[User]) (string, bool) { return s.Data().Name, s.Data().Name != "" },
	"X-User-Role": func(s *session.Session[User]) (string, bool) { return s.Data().Role, s.Data().Role != "" },
}

type faRig struct {
	m   *session.Manager[User]
	log *errLog
	clk *clock
	c   *client
}

func newFARig(t *testing.T, c httpx.ForwardAuthConfig[User], edit func(*session.Config[User])) *faRig {
	t.Helper()
	m, log, clk := newManager(t, "", func(c *session.Config[User]) {
		c.IdleTimeout = 10 * time.Minute
		c.RefreshAfter = 5 * time.Minute
		if edit != nil {
			edit(c)
		}
	})
	if c.Headers == nil {
		c.Headers = identityHeaders
	}
	if c.Authenticated == nil {
		c.Authenticated = signedIn
	}
	fa, err := httpx.NewForwardAuth(m, c)
	if err != nil {
		t.Fatal(err)
	}
	return &faRig{m: m, log: log, clk: clk, c: newClient(t, newServer(t, fa, false))}
}

// seal returns a Cookie header line carrying u's session, chunked when large.
func (r *faRig) seal(t *testing.T, u User) string {
	t.Helper()
	s := r.m.Load(t.Context(), nil, "")
	if err := s.Update(func(d *User) { *d = u }); err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	if err := s.Save(h); err != nil {
		t.Fatal(err)
	}
	var pairs []string
	for _, l := range h["Set-Cookie"] {
		c, err := http.ParseSetCookie(l)
		if err != nil {
			t.Fatal(err)
		}
		pairs = append(pairs, c.Name+"="+c.Value)
	}
	return "Cookie: " + strings.Join(pairs, "; ")
}

// identity is the identity headers of an answer, as a map (absent ones
// missing, empty ones "").
func identity(h http.Header) map[string]string {
	got := map[string]string{}
	for name := range identityHeaders {
		if vs, ok := h[name]; ok {
			got[name] = strings.Join(vs, ",")
		}
	}
	return got
}

func TestForwardAuthAnswers(t *testing.T) {
	rig := newFARig(t, httpx.ForwardAuthConfig[User]{LoginURL: "/auth/login"}, func(c *session.Config[User]) { c.Cookie.Budget = cookie.NoBudget })
	ada := rig.seal(t, User{ID: "u1", Name: "Ada"})
	visitor := rig.seal(t, User{Count: 3})
	big := rig.seal(t, User{ID: "u2", Blob: strings.Repeat("b", 6000)})
	value := strings.TrimPrefix(ada, "Cookie: "+rig.m.Name()+"=")
	tampered := "Cookie: " + rig.m.Name() + "=" + value[:len(value)-2] + "AA"
	hv, err := rig.m.Encode(session.Envelope[User]{Data: User{ID: "u3", Role: "admin"}})
	if err != nil {
		t.Fatal(err)
	}
	firstChunk := strings.SplitN(big, "; ", 3)[:2] // __chunked__2 and .1, not .2

	nav := []string{"X-Forwarded-Method: GET", "X-Forwarded-Uri: /reports?y=2026", "Accept: text/html"}
	tests := []struct {
		name     string
		headers  []string
		status   int
		location string
		identity map[string]string
		heard    error
	}{
		{name: "authenticated", headers: append([]string{ada}, nav...), status: 200,
			identity: map[string]string{"X-User-Id": "u1", "X-User-Name": "Ada", "X-User-Role": ""}},
		{name: "chunked", headers: []string{big}, status: 200,
			identity: map[string]string{"X-User-Id": "u2", "X-User-Name": "", "X-User-Role": ""}},
		{name: "session header", headers: []string{rig.m.HeaderName() + ": " + hv}, status: 200,
			identity: map[string]string{"X-User-Id": "u3", "X-User-Name": "", "X-User-Role": "admin"}},
		{name: "spoofed identity in the sub-request", headers: []string{ada, "X-User-Role: admin", "X-User-Name: Mallory"}, status: 200,
			identity: map[string]string{"X-User-Id": "u1", "X-User-Name": "Ada", "X-User-Role": ""}},
		{name: "no session, navigation", headers: nav, status: 302, location: "/auth/login?redirectTo=%2Freports%3Fy%3D2026"},
		{name: "no session, nginx's header names", headers: []string{"X-Original-Method: HEAD", "X-Original-Uri: /a"}, status: 302, location: "/auth/login?redirectTo=%2Fa"},
		{name: "no session, Envoy's path", headers: nil, status: 302, location: "/auth/login?redirectTo=%2Fcheck%2Fpath"},
		{name: "no session, API client", headers: []string{"Accept: application/json", "X-Forwarded-Uri: /api"}, status: 401},
		{name: "no session, POST", headers: []string{"X-Forwarded-Method: POST", "X-Forwarded-Uri: /form"}, status: 401},
		{name: "visitor, not signed in", headers: append([]string{visitor}, nav...), status: 302, location: "/auth/login?redirectTo=%2Freports%3Fy%3D2026"},
		{name: "open redirect in the original URI", headers: []string{"X-Forwarded-Uri: //evil.example/x"}, status: 302, location: "/auth/login"},
		{name: "tampered", headers: []string{tampered, "Accept: application/json"}, status: 401, heard: sealed.ErrNotAuthentic},
		{name: "garbage session header", headers: []string{rig.m.HeaderName() + ": !!!", ada, "Accept: application/json"}, status: 401, heard: sealed.ErrMalformed},
		{name: "missing chunk", headers: []string{strings.Join(firstChunk, "; "), "Accept: application/json"}, status: 401, heard: cookie.ErrMissingChunks},
		{name: "oversized cookie", headers: []string{"Cookie: " + rig.m.Name() + "=" + strings.Repeat("A", 5000), "Accept: application/json"}, status: 401, heard: cookie.ErrTooLarge},
		{name: "chunk count game", headers: []string{"Cookie: " + rig.m.Name() + "=__chunked__99; " + rig.m.Name() + ".1=x", "Accept: application/json"}, status: 401, heard: cookie.ErrChunks},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := rig.c.get("/check/path", tt.headers...)
			if got.Status != tt.status {
				t.Fatalf("status %d, want %d (body %q)", got.Status, tt.status, got.Body)
			}
			if loc := got.Header.Get("Location"); loc != tt.location {
				t.Errorf("Location %q, want %q", loc, tt.location)
			}
			if cc := got.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q", cc)
			}
			if n := len(got.Header["Set-Cookie"]); n != 0 {
				t.Errorf("a read-only answer set %d cookies", n)
			}
			want := tt.identity
			if want == nil {
				want = map[string]string{}
			}
			if diff := cmp.Diff(want, identity(got.Header)); diff != "" {
				t.Errorf("identity headers (-want +got):\n%s", diff)
			}
			if tt.status == 401 && !strings.Contains(got.Body, `"unauthenticated"`) {
				t.Errorf("401 body %q", got.Body)
			}
			errs := rig.log.Take()
			if tt.heard == nil && len(errs) != 0 || tt.heard != nil && (len(errs) != 1 || !errors.Is(errs[0], tt.heard)) {
				t.Errorf("OnError heard %v, want %v", errs, tt.heard)
			}
			for _, e := range errs {
				if strings.Contains(e.Error(), value[:20]) {
					t.Errorf("OnError heard the value: %v", e)
				}
			}
		})
	}
}

// TestForwardAuthExpired: a session past its idle timeout or max age is a
// no, as in the middleware.
func TestForwardAuthExpired(t *testing.T) {
	rig := newFARig(t, httpx.ForwardAuthConfig[User]{}, nil)
	c := rig.seal(t, User{ID: "u1"})
	if got := rig.c.get("/", c); got.Status != 200 {
		t.Fatalf("fresh session: %d", got.Status)
	}
	rig.clk.Advance(11 * time.Minute)
	if got := rig.c.get("/", c); got.Status != 401 {
		t.Errorf("idle session: %d, want 401", got.Status)
	}
	if errs := rig.log.Take(); len(errs) != 1 || !errors.Is(errs[0], sealed.ErrExpired) && !errors.Is(errs[0], session.ErrIdle) {
		t.Errorf("OnError heard %v, want expiry", errs)
	}
}

// TestForwardAuthRefresh: read-only by default; with Refresh, a read that
// slides the idle window answers the re-sealed cookie, which a proxy relays.
func TestForwardAuthRefresh(t *testing.T) {
	for _, refresh := range []bool{false, true} {
		rig := newFARig(t, httpx.ForwardAuthConfig[User]{Refresh: refresh}, nil)
		c := rig.seal(t, User{ID: "u1"})
		rig.clk.Advance(6 * time.Minute) // past RefreshAfter
		got := rig.c.get("/", c)
		if got.Status != 200 {
			t.Fatalf("refresh=%v: %d", refresh, got.Status)
		}
		names := setCookieNames(got.Header)
		if refresh && !cmp.Equal(names, []string{rig.m.Name()}) || !refresh && len(names) != 0 {
			t.Errorf("refresh=%v: Set-Cookie %v", refresh, names)
		}
		if refresh {
			rig.clk.Advance(6 * time.Minute) // 12 minutes after the seal, 6 after the refresh
			fresh := "Cookie: " + rig.m.Name() + "=" + mustParseSetCookie(t, got.Header.Get("Set-Cookie")).Value
			if again := rig.c.get("/", fresh); again.Status != 200 {
				t.Errorf("the relayed cookie: %d", again.Status)
			}
		}
	}
}

func mustParseSetCookie(t *testing.T, line string) *http.Cookie {
	t.Helper()
	c, err := http.ParseSetCookie(line)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestForwardAuthRedirectStatus: nginx needs a 401 that still carries the
// Location; an absolute login URL keeps the original path in redirectTo.
func TestForwardAuthRedirectStatus(t *testing.T) {
	rig := newFARig(t, httpx.ForwardAuthConfig[User]{LoginURL: "https://login.example/start?app=1", RedirectStatus: 401}, nil)
	got := rig.c.get("/", "X-Original-Uri: /a b")
	if got.Status != 401 || got.Header.Get("Location") != "https://login.example/start?app=1" {
		t.Errorf("unsafe original URI: %d %q", got.Status, got.Header.Get("Location"))
	}
	got = rig.c.get("/", "X-Original-Uri: /docs/1")
	if got.Status != 401 || got.Header.Get("Location") != "https://login.example/start?app=1&redirectTo=%2Fdocs%2F1" {
		t.Errorf("%d %q", got.Status, got.Header.Get("Location"))
	}
}

// TestForwardAuthBadValue: a derived value that is not a valid header value
// is sent empty, never left out (the client's copy would survive).
func TestForwardAuthBadValue(t *testing.T) {
	rig := newFARig(t, httpx.ForwardAuthConfig[User]{}, nil)
	got := rig.c.get("/", rig.seal(t, User{ID: "u1", Name: "Ada\r\nX-Admin: 1"}))
	if got.Status != 200 {
		t.Fatal(got.Status)
	}
	if diff := cmp.Diff(map[string]string{"X-User-Id": "u1", "X-User-Name": "", "X-User-Role": ""}, identity(got.Header)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestNewForwardAuthRefuses(t *testing.T) {
	m, _, _ := newManager(t, "", nil)
	id := func(*session.Session[User]) (string, bool) { return "", false }
	tests := []struct {
		name string
		c    httpx.ForwardAuthConfig[User]
	}{
		{"login URL to another scheme", httpx.ForwardAuthConfig[User]{LoginURL: "javascript:alert(1)"}},
		{"scheme-relative login URL", httpx.ForwardAuthConfig[User]{LoginURL: "//evil.example/login"}},
		{"redirect status 200", httpx.ForwardAuthConfig[User]{RedirectStatus: 200}},
		{"param needing escapes", httpx.ForwardAuthConfig[User]{Param: "a b"}},
		{"nil identity", httpx.ForwardAuthConfig[User]{Headers: map[string]httpx.IdentityFunc[User]{"X-A": nil}}},
		{"Set-Cookie", httpx.ForwardAuthConfig[User]{Headers: map[string]httpx.IdentityFunc[User]{"Set-Cookie": id}}},
		{"the session header", httpx.ForwardAuthConfig[User]{Headers: map[string]httpx.IdentityFunc[User]{m.HeaderName(): id}}},
		{"twice", httpx.ForwardAuthConfig[User]{Headers: map[string]httpx.IdentityFunc[User]{"X-User": id, "x_user": id}}},
		{"bad name", httpx.ForwardAuthConfig[User]{Headers: map[string]httpx.IdentityFunc[User]{"X User": id}}},
	}
	for _, tt := range tests {
		if _, err := httpx.NewForwardAuth(m, tt.c); err == nil {
			t.Errorf("%s: accepted", tt.name)
		}
	}
	if _, err := httpx.NewForwardAuth[User](nil, httpx.ForwardAuthConfig[User]{}); err == nil {
		t.Error("nil Manager accepted")
	}
}

// FuzzForwardAuth: whatever a client sends in the Cookie header, the
// session header and the original URI, the answer is 200, a redirect or
// 401, never a 500 or a panic, and a redirect stays on the same origin.
func FuzzForwardAuth(f *testing.F) {
	m, _, _ := newManager(f, "", nil)
	good, err := m.Encode(session.Envelope[User]{Data: User{ID: "u1"}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(m.Name()+"="+good, "", "/a")
	f.Add(m.Name()+"=__chunked__2; "+m.Name()+".1="+good, "", "//evil.example")
	f.Add(m.Name()+".1=x; "+m.Name()+".2=y", good, "/%2F%2Fevil")
	f.Add("", "garbage", "/\\evil")
	fa, err := httpx.NewForwardAuth(m, httpx.ForwardAuthConfig[User]{Headers: identityHeaders, Authenticated: signedIn, LoginURL: "/auth/login"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, cookies, header, uri string) {
		r := httptest.NewRequest(http.MethodGet, "/auth", nil)
		r.Header["Cookie"] = []string{cookies}
		r.Header[m.HeaderName()] = []string{header}
		r.Header["X-Forwarded-Uri"] = []string{uri}
		w := httptest.NewRecorder()
		fa.ServeHTTP(w, r)
		switch w.Code {
		case http.StatusOK, http.StatusUnauthorized:
		case http.StatusFound:
			loc := w.Header().Get("Location")
			if !strings.HasPrefix(loc, "/auth/login") {
				t.Fatalf("redirect to %q", loc)
			}
		default:
			t.Fatalf("status %d", w.Code)
		}
	})
}
