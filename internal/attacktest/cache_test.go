package attacktest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// cacheSafe checks what a shared cache may do with an answer: one that
// writes a session (a Set-Cookie of either session, deletions included, or
// a session header) must be private or no-store and never public, so that
// no cache hands it to another visitor; every answer that read a session
// varies on Cookie.
func cacheSafe(t *testing.T, what string, res result, readSession bool) {
	t.Helper()
	writes := len(res.Header[sidHeader]) > 0 || len(res.Header[cartHeader]) > 0
	for _, c := range res.setCookies() {
		writes = writes || strings.HasPrefix(c, sidName) || strings.HasPrefix(c, cartName)
	}
	cc := strings.ToLower(strings.Join(res.Header.Values("Cache-Control"), ", "))
	private := false
	for _, d := range strings.Split(cc, ",") {
		d = strings.TrimSpace(d)
		private = private || d == "private" || d == "no-store"
		if writes && (d == "public" || strings.HasPrefix(d, "s-maxage")) {
			t.Errorf("%s: writes a session with Cache-Control %q", what, cc)
		}
	}
	if writes && !private {
		t.Errorf("%s: writes a session (%v) with Cache-Control %q, want private or no-store", what, res.setCookies(), cc)
	}
	if readSession && !strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Cookie") {
		t.Errorf("%s: Vary %q, want Cookie", what, res.Header.Values("Vary"))
	}
}

// TestCacheHeaders walks the application through every kind of answer that
// writes a session (a visitor's first cookie on a page marked public, a
// login, an update, a refresh, a session header, a rejected cookie's
// deletion, a logout) and checks each with cacheSafe; two visitors without
// cookies get different sessions. Through the proxy, a signed-in user's page
// is private and every page varies on Cookie, whatever the upstream said.
func TestCacheHeaders(t *testing.T) {
	rg := newRig(t, rigOptions{})

	first := rg.do(t, request{Path: "/landing"})
	second := rg.do(t, request{Path: "/landing"})
	cacheSafe(t, "a visitor's first page, marked public", first, true)
	cacheSafe(t, "another visitor's", second, true)
	if got := first.Header.Get("Cache-Control"); got != "private, max-age=600" {
		t.Errorf("the public page's Cache-Control became %q, want private, max-age=600", got)
	}
	if a, b := first.cookie(cartName), second.cookie(cartName); a == "" || a == b {
		t.Error("two visitors without cookies did not get sessions of their own")
	}
	// The same page with the visitor's cookie still counts: still private.
	cacheSafe(t, "a returning visitor", rg.do(t, request{Path: "/landing", Cookie: first.cookies()}), true)

	login := rg.do(t, request{Method: http.MethodPost, Path: "/auth/login?user=alice"})
	cacheSafe(t, "the login", login, true)
	c := login.cookies()
	cacheSafe(t, "an update", rg.do(t, request{Method: http.MethodPost, Path: "/count", Cookie: c}), true)
	rg.clk.Advance(refresh + 1)
	refreshed := rg.do(t, request{Path: "/whoami", Cookie: c})
	if len(refreshed.setCookies()) == 0 {
		t.Error("a read past RefreshAfter did not re-seal")
	}
	cacheSafe(t, "a refresh on read", refreshed, true)
	c = refreshed.cookies()
	v, _ := strings.CutPrefix(c[0], sidName+"=")
	viaHeader := rg.do(t, request{Method: http.MethodPost, Path: "/count", Header: [][2]string{{sidHeader, v}}})
	if viaHeader.Header.Get(sidHeader) == "" {
		t.Error("the session header was not answered")
	}
	cacheSafe(t, "a session header", viaHeader, true)
	cacheSafe(t, "a rejected cookie's deletion", rg.do(t, request{Path: "/whoami", Cookie: []string{sidName + "=garbage"}}), true)
	cacheSafe(t, "the session endpoint", rg.do(t, request{Path: "/api/auth/session", Cookie: c}), true)
	cacheSafe(t, "a logout", rg.do(t, request{Method: http.MethodPost, Path: "/auth/logout", Cookie: c}), true)
	rg.errs.Take()

	// The proxy: the upstream says public and varies on X-User-Id.
	out := rg.do(t, request{Path: "/app/echo"})
	if got := out.Header.Get("Cache-Control"); got != "public, max-age=60" {
		t.Errorf("a signed-out page through the proxy: Cache-Control %q; it carries no identity and may stay public", got)
	}
	in := rg.do(t, request{Path: "/app/echo", Cookie: rg.login(t, "bob")})
	if got := in.Header.Get("Cache-Control"); got != "private, max-age=60" {
		t.Errorf("a signed-in page through the proxy: Cache-Control %q, want private, max-age=60", got)
	}
	for name, res := range map[string]result{"signed out": out, "signed in": in} {
		if diff := cmp.Diff([]string{"X-User-Id", "Cookie", sidHeader}, res.Header.Values("Vary")); diff != "" {
			t.Errorf("%s through the proxy: Vary (-want +got):\n%s", name, diff)
		}
	}
	rg.errs.Take()
}
