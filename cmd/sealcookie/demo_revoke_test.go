package main

import (
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestServeLogOutEverywhere: two browsers signed in with the same name, one
// button in one of them, and the other's next request is signed out; a
// copy of a cookie taken before is refused too; another user stays in. A
// plain logout revokes its session as well, so its copied cookie is dead.
func TestServeLogOutEverywhere(t *testing.T) {
	srv := startServe(t, withPassword)
	login := func(name string) *browser {
		t.Helper()
		b := newBrowser(t, srv.url)
		if code, _, _ := b.do("POST", "/auth/login", url.Values{"name": {name}}, nil); code != http.StatusSeeOther {
			t.Fatalf("login of %s: %d", name, code)
		}
		return b
	}
	signedIn := func(b *browser) bool {
		t.Helper()
		code, _, _ := b.do("GET", "/account", nil, nil)
		return code == http.StatusOK
	}
	laptop, phone, other := login("Ada"), login("Ada"), login("Grace")
	stolen := newBrowser(t, srv.url) // sends a copy of the phone's cookie
	copied := phone.cookieHeader()
	for _, b := range []*browser{laptop, phone, other} {
		if !signedIn(b) {
			t.Fatal("a browser is not signed in after login")
		}
	}
	if code, _, body := laptop.do("GET", "/account", nil, nil); code != 200 || !strings.Contains(body, `action="/auth/logout-everywhere"`) {
		t.Fatalf("the account page has no log out everywhere button: %d", code)
	}
	if code, _, _ := laptop.do("POST", "/auth/logout-everywhere", nil, map[string]string{"Origin": "http://evil.example"}); code != http.StatusForbidden {
		t.Errorf("cross-origin log out everywhere: %d, want 403", code)
	}
	if !signedIn(phone) {
		t.Fatal("a refused cross-origin request logged the phone out")
	}

	if code, loc, _ := laptop.do("POST", "/auth/logout-everywhere", nil, nil); code != http.StatusSeeOther || loc != "/" {
		t.Fatalf("log out everywhere: %d %q, want 303 to /", code, loc)
	}
	revokedAt := time.Now()
	if signedIn(laptop) || signedIn(phone) {
		t.Error("a browser of Ada is still signed in after log out everywhere")
	}
	if code, _, _ := stolen.do("GET", "/account", nil, map[string]string{"Cookie": copied}); code == http.StatusOK {
		t.Error("a copy of Ada's cookie is still accepted after log out everywhere")
	}
	if !signedIn(other) {
		t.Error("Grace was logged out by Ada's log out everywhere")
	}
	if got := srv.stderr.String(); strings.Contains(got, "Ada") || !strings.Contains(got, "revoked") {
		t.Errorf("the log should say sessions were revoked, without naming the user:\n%s", got)
	}

	// Ada signs in again: the new session stands. Cutoffs are inclusive and
	// in milliseconds (with no skew margin in the demo), so a login in the
	// very millisecond of the revocation would be refused: wait past it.
	for time.Now().UnixMilli() <= revokedAt.UnixMilli()+1 {
		runtime.Gosched()
	}
	again := login("Ada")
	if !signedIn(again) {
		t.Error("a login after log out everywhere is refused")
	}
	// A plain logout revokes its own session: a copy taken before is refused.
	copied = again.cookieHeader()
	if code, _, _ := again.do("POST", "/auth/logout", nil, nil); code != http.StatusSeeOther {
		t.Fatalf("logout: %d", code)
	}
	if code, _, _ := stolen.do("GET", "/account", nil, map[string]string{"Cookie": copied}); code == http.StatusOK {
		t.Error("a copy of a logged-out cookie is still accepted")
	}
	if !signedIn(other) {
		t.Error("Grace was logged out by Ada's logout")
	}
}
