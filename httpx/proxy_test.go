package httpx_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/httpx"
	"github.com/sealcookie/sealcookie/session"
)

// seen is what the upstream reports about the request it got.
type seen struct {
	Headers map[string][]string `json:"headers"`
	Cookies []string            `json:"cookies"`
	Path    string              `json:"path"`
}

// identityHeaders returns the headers an upstream would read as identity:
// every spelling that folds to x-user-*, x-session-* or x-admin.
func (s seen) identityHeaders() map[string][]string {
	out := map[string][]string{}
	for k, v := range s.Headers {
		n := strings.ReplaceAll(strings.ToLower(k), "_", "-")
		if strings.HasPrefix(n, "x-user-") || strings.HasPrefix(n, "x-session-") || n == "x-admin" {
			out[k] = v
		}
	}
	return out
}

// proxyRig is a TLS upstream that echoes what it got, behind a TLS front that
// runs the Proxy (behind the middleware, which must not write for it) and a
// /login route.
type proxyRig struct {
	m     *session.Manager[User]
	log   *errLog
	clk   *clock
	hits  *atomic.Int64
	front *client
}

func newProxyRig(t *testing.T, c httpx.ProxyConfig[User]) *proxyRig {
	t.Helper()
	return newProxyRigWith(t, c, true)
}

// newProxyRigWith builds the rig; without handler, the ReverseProxy is not
// wrapped in Proxy.Handler and Rewrite reads the session on its own.
func newProxyRigWith(t *testing.T, c httpx.ProxyConfig[User], handler bool) *proxyRig {
	t.Helper()
	m, log, clk := newManager(t, "", func(c *session.Config[User]) {
		c.IdleTimeout = 10 * time.Minute
		c.RefreshAfter = 5 * time.Minute
		c.Cookie.Budget = cookie.NoBudget // sessions with chunks to strip
	})
	hits := new(atomic.Int64)
	upstream := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		s := seen{Headers: map[string][]string(r.Header.Clone()), Path: r.URL.Path}
		for _, ck := range r.Cookies() {
			s.Cookies = append(s.Cookies, ck.Name)
		}
		w.Header().Set("Content-Type", "application/json")
		// What an upstream that trusts its identity headers might say: a
		// shared cache in front of the proxy cannot vary on X-User-Id.
		w.Header().Set("Cache-Control", "public, max-age=60")
		w.Header().Set("Vary", "X-User-Id")
		json.NewEncoder(w).Encode(s)
	}), false)
	upURL, _ := url.Parse(upstream.URL)

	if c.Headers == nil {
		c.Headers = map[string]httpx.IdentityFunc[User]{
			"X-User-Id":    func(s *session.Session[User]) (string, bool) { return s.Data().ID, s.Data().ID != "" },
			"x-user-name":  func(s *session.Session[User]) (string, bool) { return s.Data().Name, true },
			"X-Session-Id": func(s *session.Session[User]) (string, bool) { return s.ID(), true },
		}
	}
	p, err := httpx.NewProxy(m, c)
	if err != nil {
		t.Fatal(err)
	}
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(upURL)
			p.Rewrite(pr)
		},
		ModifyResponse: p.ModifyResponse,
		Transport:      upstream.Client().Transport,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		s := m.Get(r)
		s.Regenerate()
		s.Update(func(u *User) { u.ID, u.Name, u.Blob = r.FormValue("id"), r.FormValue("name"), r.FormValue("blob") })
	})
	if handler {
		mux.Handle("/", p.Handler(rp))
	} else {
		mux.Handle("/", rp)
	}
	front := newClient(t, newServer(t, m.Middleware(mux), false))
	return &proxyRig{m: m, log: log, clk: clk, hits: hits, front: front}
}

func (r *proxyRig) login(t *testing.T, form url.Values) {
	t.Helper()
	got := r.front.do("POST", "/login", form.Encode(), "Content-Type: application/x-www-form-urlencoded")
	if got.Status != 200 {
		t.Fatalf("login: %d", got.Status)
	}
}

// through sends a request through the proxy and decodes what the upstream saw.
func (r *proxyRig) through(t *testing.T, raw map[string][]string) (response, seen) {
	t.Helper()
	req, _ := http.NewRequest("GET", r.front.srv.URL+"/app/page", nil)
	for k, v := range raw {
		req.Header[k] = v // as given: not canonicalised
	}
	resp, err := r.front.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s seen
	if resp.StatusCode == 200 {
		if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
			t.Fatal(err)
		}
	}
	return response{Status: resp.StatusCode, Header: resp.Header}, s
}

// forgeries are identity headers a client tries to smuggle to the upstream.
var forgeries = map[string][]string{
	"X-User-Id":    {"admin"},
	"x-user-name":  {"Mallory", "Eve"},
	"X-SESSION-ID": {"forged-session"},
	"X_User_Id":    {"admin-underscore"},
	"x_session_id": {"forged-underscore"},
	"X-Admin":      {"true"},
}

// A forged identity header never reaches the upstream, whatever its case,
// spelling or number of values; a signed-in user's identity replaces it.
func TestProxyForgedIdentity(t *testing.T) {
	rig := newProxyRig(t, httpx.ProxyConfig[User]{Strip: []string{"X-Admin"}})

	_, up := rig.through(t, forgeries)
	if diff := cmp.Diff(map[string][]string{}, up.identityHeaders()); diff != "" {
		t.Errorf("signed out: identity headers at the upstream (-want +got):\n%s", diff)
	}

	rig.login(t, url.Values{"id": {"u1"}, "name": {"Ada"}})
	sid := rig.sessionID(t)
	for _, extra := range []map[string][]string{
		{},
		{"Connection": {"X-User-Id, X-Session-Id"}}, // hop-by-hop removal runs before Rewrite
	} {
		h := map[string][]string{}
		for k, v := range forgeries {
			h[k] = v
		}
		for k, v := range extra {
			h[k] = v
		}
		_, up := rig.through(t, h)
		want := map[string][]string{"X-User-Id": {"u1"}, "X-User-Name": {"Ada"}, "X-Session-Id": {sid}}
		if diff := cmp.Diff(want, up.identityHeaders()); diff != "" {
			t.Errorf("signed in, extra %v: identity headers at the upstream (-want +got):\n%s", extra, diff)
		}
	}
}

// sessionID reads the id of the front client's session from its jar.
func (r *proxyRig) sessionID(t *testing.T) string {
	t.Helper()
	u, _ := url.Parse(r.front.srv.URL)
	for _, ck := range r.front.jar.Cookies(u) {
		if ck.Name == r.m.Name() {
			e, err := r.m.Decode(t.Context(), ck.Value)
			if err != nil {
				t.Fatal(err)
			}
			return e.ID
		}
	}
	t.Fatal("no session cookie in the jar")
	return ""
}

// An identity value that cannot be a header value is left out rather than
// splitting the header.
func TestProxyInvalidIdentityValue(t *testing.T) {
	rig := newProxyRig(t, httpx.ProxyConfig[User]{})
	rig.login(t, url.Values{"id": {"u1"}, "name": {"Ada\r\nX-Admin: true"}})
	_, up := rig.through(t, nil)
	got := up.identityHeaders()
	if _, ok := got["X-User-Name"]; ok || got["X-Admin"] != nil {
		t.Errorf("identity headers %v: want no X-User-Name and no X-Admin", got)
	}
	if diff := cmp.Diff([]string{"u1"}, got["X-User-Id"]); diff != "" {
		t.Errorf("X-User-Id (-want +got):\n%s", diff)
	}
}

// The session cookie, its chunks and the session header stay at the proxy;
// other cookies go through. ForwardSession keeps them.
func TestProxyStripsSession(t *testing.T) {
	for _, forward := range []bool{false, true} {
		rig := newProxyRig(t, httpx.ProxyConfig[User]{ForwardSession: forward})
		rig.login(t, url.Values{"id": {"u1"}, "blob": {strings.Repeat("z", 5000)}})
		u, _ := url.Parse(rig.front.srv.URL)
		rig.front.jar.SetCookies(u, []*http.Cookie{{Name: "theme", Value: "dark"}, {Name: rig.m.Name() + "x", Value: "lookalike"}})
		// The session header, which wins over the cookie, carries another user.
		hv, err := rig.m.Encode(session.Envelope[User]{Data: User{ID: "u2"}})
		if err != nil {
			t.Fatal(err)
		}
		resp, up := rig.through(t, map[string][]string{rig.m.HeaderName(): {hv}})
		if resp.Status != 200 {
			t.Fatalf("forward=%v: %d", forward, resp.Status)
		}
		name := rig.m.Name()
		want := []string{"theme", name + "x"}
		if forward {
			want = append(want, name, name+".1", name+".2")
		}
		slices.Sort(want)
		got := slices.Clone(up.Cookies)
		slices.Sort(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("forward=%v: cookies at the upstream (-want +got):\n%s", forward, diff)
		}
		if _, ok := up.Headers[rig.m.HeaderName()]; ok != forward {
			t.Errorf("forward=%v: session header at the upstream: %v", forward, ok)
		}
		if diff := cmp.Diff([]string{"u2"}, up.identityHeaders()["X-User-Id"]); diff != "" {
			t.Errorf("forward=%v: X-User-Id (-want +got):\n%s", forward, diff)
		}
	}
}

// The proxy reads without writing: even a session due for its idle refresh,
// behind the middleware, gets no Set-Cookie from the proxied route, whether
// Proxy.Handler or Rewrite alone reads it.
func TestProxyNeverWrites(t *testing.T) {
	for _, handler := range []bool{true, false} {
		t.Run(map[bool]string{true: "Handler", false: "Rewrite only"}[handler], func(t *testing.T) {
			rig := newProxyRigWith(t, httpx.ProxyConfig[User]{}, handler)
			rig.login(t, url.Values{"id": {"u1"}})
			rig.clk.Advance(6 * time.Minute) // past RefreshAfter: a Get would re-seal
			resp, up := rig.through(t, nil)
			if n := setCookieNames(resp.Header); len(n) != 0 {
				t.Errorf("the proxy wrote %q", n)
			}
			if diff := cmp.Diff([]string{"u1"}, up.identityHeaders()["X-User-Id"]); diff != "" {
				t.Errorf("X-User-Id (-want +got):\n%s", diff)
			}
			// A tampered cookie is reported, not deleted by the proxy.
			u, _ := url.Parse(rig.front.srv.URL)
			rig.front.jar.SetCookies(u, []*http.Cookie{{Name: rig.m.Name(), Value: "AAAA" + strings.Repeat("B", 80), Path: "/", Secure: true}})
			resp, up = rig.through(t, nil)
			if n := setCookieNames(resp.Header); len(n) != 0 || len(up.identityHeaders()) != 0 {
				t.Errorf("tampered cookie: Set-Cookie %q, identity %v", n, up.identityHeaders())
			}
			if len(rig.log.All()) == 0 {
				t.Error("OnError heard nothing about the tampered cookie")
			}
		})
	}
}

func TestProxyUnauthenticatedModes(t *testing.T) {
	for _, tc := range []struct {
		name            string
		mode            httpx.Unauthenticated
		browser, api    int
		browserLocation string
	}{
		{"pass", httpx.Pass, 200, 200, ""},
		{"redirect", httpx.SendToLogin, 303, 401, "/auth/login?redirectTo=%2Fapp%2Fpage"},
		{"refuse", httpx.Refuse, 401, 401, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rig := newProxyRig(t, httpx.ProxyConfig[User]{Authenticated: signedIn, Unauthenticated: tc.mode})
			browser, _ := rig.through(t, nil)
			api, _ := rig.through(t, map[string][]string{"Accept": {"application/json"}})
			if browser.Status != tc.browser || api.Status != tc.api || browser.Header.Get("Location") != tc.browserLocation {
				t.Errorf("browser %d to %q, API %d; want %d to %q, %d", browser.Status, browser.Header.Get("Location"), api.Status, tc.browser, tc.browserLocation, tc.api)
			}
			wantHits := int64(0)
			if tc.mode == httpx.Pass {
				wantHits = 2
			}
			if got := rig.hits.Load(); got != wantHits {
				t.Errorf("upstream hit %d times, want %d", got, wantHits)
			}
			rig.login(t, url.Values{"id": {"u1"}})
			if got, up := rig.through(t, nil); got.Status != 200 || up.identityHeaders()["X-User-Id"] == nil {
				t.Errorf("signed in: %d, identity %v", got.Status, up.identityHeaders())
			}
		})
	}
}

func TestNewProxyErrors(t *testing.T) {
	m, _, _ := newManager(t, "", nil)
	for name, c := range map[string]httpx.ProxyConfig[User]{
		"redirect without a predicate": {Unauthenticated: httpx.SendToLogin},
		"refuse without a predicate":   {Unauthenticated: httpx.Refuse},
		"unknown mode":                 {Unauthenticated: 7},
		"bad header name":              {Headers: map[string]httpx.IdentityFunc[User]{"X User": func(*session.Session[User]) (string, bool) { return "", false }}},
		"nil identity function":        {Headers: map[string]httpx.IdentityFunc[User]{"X-User": nil}},
		"bad strip name":               {Strip: []string{"X:Y"}},
		"reserved strip name":          {Strip: []string{"cookie"}},
		"reserved identity name":       {Headers: map[string]httpx.IdentityFunc[User]{"Host": func(*session.Session[User]) (string, bool) { return "", false }}},
		"unsafe login path":            {Authenticated: signedIn, Unauthenticated: httpx.SendToLogin, LoginPath: "//evil.com"},
	} {
		if _, err := httpx.NewProxy(m, c); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// Two Proxies over two Managers, one nested in the other: the inner one must
// read its own Manager's session, never the one the outer Proxy's Handler
// read (a shared context key would hand it over: the identity of a session
// the inner Manager never accepted).
func TestProxiesKeepTheirOwnSessions(t *testing.T) {
	outer, _, _ := newManager(t, "outer", nil)
	inner, _, _ := newManager(t, "inner", nil)
	headers := map[string]httpx.IdentityFunc[User]{
		"X-User-Id": func(s *session.Session[User]) (string, bool) { return s.Data().ID, s.Data().ID != "" },
	}
	pa, err := httpx.NewProxy(outer, httpx.ProxyConfig[User]{Headers: headers})
	if err != nil {
		t.Fatal(err)
	}
	pb, err := httpx.NewProxy(inner, httpx.ProxyConfig[User]{Headers: headers})
	if err != nil {
		t.Fatal(err)
	}
	v, err := outer.Encode(session.Envelope[User]{Data: User{ID: "alice-on-outer"}})
	if err != nil {
		t.Fatal(err)
	}
	var got http.Header
	h := pa.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pr := &httputil.ProxyRequest{In: r, Out: r.Clone(r.Context())}
		pb.Rewrite(pr) // the inner gate, e.g. in front of an admin upstream
		got = pr.Out.Header
	}))
	r := httptest.NewRequest("GET", "https://example.com/admin", nil)
	r.AddCookie(&http.Cookie{Name: outer.Name(), Value: v})
	h.ServeHTTP(httptest.NewRecorder(), r)
	if id := got.Get("X-User-Id"); id != "" {
		t.Fatalf("the inner Proxy set X-User-Id %q from the outer Manager's session", id)
	}

	// And the outer Proxy's own Rewrite does see its session.
	var gotOuter http.Header
	h = pa.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pr := &httputil.ProxyRequest{In: r, Out: r.Clone(r.Context())}
		pa.Rewrite(pr)
		gotOuter = pr.Out.Header
	}))
	h.ServeHTTP(httptest.NewRecorder(), r)
	if id := gotOuter.Get("X-User-Id"); id != "alice-on-outer" {
		t.Fatalf("the outer Proxy set X-User-Id %q, want alice-on-outer", id)
	}
}

// Responses through the proxy vary on Cookie, and those that carry a
// signed-in user's page are private, whatever the upstream said: a shared
// cache cannot vary on X-User-Id, which clients never send.
func TestProxyCacheHeaders(t *testing.T) {
	for _, forward := range []bool{false, true} {
		rig := newProxyRig(t, httpx.ProxyConfig[User]{ForwardSession: forward})
		resp, _ := rig.through(t, nil)
		wantVary := []string{"X-User-Id", "Cookie", rig.m.HeaderName()}
		if diff := cmp.Diff(wantVary, resp.Header.Values("Vary")); diff != "" {
			t.Errorf("forward=%v, signed out: Vary (-want +got):\n%s", forward, diff)
		}
		if got := resp.Header.Get("Cache-Control"); got != "public, max-age=60" {
			t.Errorf("forward=%v, signed out: Cache-Control %q; a page without identity may stay public", forward, got)
		}
		rig.login(t, url.Values{"id": {"u1"}})
		resp, up := rig.through(t, nil)
		if len(up.identityHeaders()) == 0 {
			t.Fatalf("forward=%v: the upstream saw no identity", forward)
		}
		if got := resp.Header.Get("Cache-Control"); got != "private, max-age=60" {
			t.Errorf("forward=%v, signed in: Cache-Control %q, want private, max-age=60", forward, got)
		}
		if diff := cmp.Diff(wantVary, resp.Header.Values("Vary")); diff != "" {
			t.Errorf("forward=%v, signed in: Vary (-want +got):\n%s", forward, diff)
		}
	}
	// With no identity header configured, forwarding the session is the
	// identity.
	rig := newProxyRig(t, httpx.ProxyConfig[User]{ForwardSession: true, Headers: map[string]httpx.IdentityFunc[User]{}})
	rig.login(t, url.Values{"id": {"u1"}})
	if resp, _ := rig.through(t, nil); resp.Header.Get("Cache-Control") != "private, max-age=60" {
		t.Errorf("a forwarded session: Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
}

// The client's other cookies reach the upstream byte for byte, whatever
// net/http thinks of them; only the session's cookies are removed.
func TestProxyPassesOtherCookiesVerbatim(t *testing.T) {
	rig := newProxyRig(t, httpx.ProxyConfig[User]{})
	rig.login(t, url.Values{"id": {"u1"}, "blob": {strings.Repeat("z", 5000)}}) // chunked: name, name.1, name.2
	u, _ := url.Parse(rig.front.srv.URL)
	var session []string
	for _, ck := range rig.front.jar.Cookies(u) {
		session = append(session, ck.Name+"="+ck.Value)
	}
	if len(session) != 3 {
		t.Fatalf("want a chunked session of 3 cookies, have %d", len(session))
	}
	others := []string{`prefs={"theme":"dark","langs":["en","fr"]}`, `quoted="a b"`, `theme=dark`, `eq=a=b`, `flag`, `sp=has space`}
	line := strings.Join([]string{others[0], session[0], others[1], session[1], others[2], others[3], session[2], others[4], others[5]}, "; ")
	req, _ := http.NewRequest("GET", rig.front.srv.URL+"/app/page", nil)
	req.Header["Cookie"] = []string{line, "late=1; " + session[0]}
	resp, err := rig.front.c.Transport.RoundTrip(req) // no jar: the header as written
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var up seen
	if err := json.NewDecoder(resp.Body).Decode(&up); err != nil {
		t.Fatal(err)
	}
	want := []string{strings.Join(others, "; "), "late=1"}
	if diff := cmp.Diff(want, up.Headers["Cookie"]); diff != "" {
		t.Errorf("Cookie at the upstream (-want +got):\n%s", diff)
	}
	// Nothing to strip: the header is left exactly as sent.
	req, _ = http.NewRequest("GET", rig.front.srv.URL+"/app/page", nil)
	req.Header["Cookie"] = []string{"a=1;b=2 ;  c=3"}
	resp2, err := rig.front.c.Transport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp2.Body.Close()
	if err := json.NewDecoder(resp2.Body).Decode(&up); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a=1;b=2 ;  c=3"}, up.Headers["Cookie"]); diff != "" {
		t.Errorf("an untouched Cookie header (-want +got):\n%s", diff)
	}
}
