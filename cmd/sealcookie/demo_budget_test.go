package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/cookie"
)

// TestDemoLargeWithinBudget: with the longest login name the demo accepts
// (64 characters that JSON escapes to six bytes each), the large value
// still fits the default cookie budget as one cookie.
func TestDemoLargeWithinBudget(t *testing.T) {
	srv := startServe(t, withPassword)
	b := newBrowser(t, srv.url)
	name := strings.Repeat("<", maxUserName)
	if code, _, _ := b.do("POST", "/auth/login", url.Values{"name": {name}}, nil); code != http.StatusSeeOther {
		t.Fatalf("login: %d", code)
	}
	b.do("GET", "/", nil, nil) // a visit count too
	if code, loc, _ := b.do("POST", "/large", nil, nil); code != http.StatusSeeOther || loc != "/inspect" {
		t.Fatalf("POST /large with the longest name: %d %q, want a 303 to /inspect", code, loc)
	}
	if diff := cmp.Diff([]string{"session"}, b.cookieNames()); diff != "" {
		t.Errorf("cookies (-want +got):\n%s", diff)
	}
	if n := len("Set-Cookie: session=; Path=/; Expires=Mon, 02 Jan 2006 15:04:05 GMT; Max-Age=7200; HttpOnly; SameSite=Lax\r\n") + len(b.cookieHeader()) - len("session="); n > cookie.DefaultBudget {
		t.Errorf("the large session takes about %d bytes of Set-Cookie, over the default budget %d", n, cookie.DefaultBudget)
	}
}
