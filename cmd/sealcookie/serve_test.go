package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestServeWalk starts the demo on a loopback port and walks it with a
// cookie jar: counter, guard redirect and redirect-back, login, session JSON
// endpoint, a large value within the cookie budget and its shrinking, logout.
func TestServeWalk(t *testing.T) {
	srv := startServe(t, withPassword)
	out := srv.stdout.String()
	for _, want := range []string{"listening on " + srv.url, `cookies: "session" without the Secure attribute`, "try:\n  " + srv.url + "/ "} {
		if !strings.Contains(out, want) {
			t.Errorf("serve's first lines lack %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "warning: no password") {
		t.Errorf("serve warns about a missing password although %s is set", PasswordEnv)
	}
	b := newBrowser(t, srv.url)

	// The counter.
	for i, want := range []string{"1", "2"} {
		code, _, body := b.do("GET", "/", nil, nil)
		if code != 200 || visits(t, body) != want {
			t.Fatalf("visit %d: status %d, counter %s, want %s", i+1, code, visits(t, body), want)
		}
	}
	if diff := cmp.Diff([]string{"session"}, b.cookieNames()); diff != "" {
		t.Errorf("cookies after the counter (-want +got):\n%s", diff)
	}

	// The guard: browsers go to the login form with redirectTo, API clients get 401.
	code, loc, _ := b.do("GET", "/account", nil, nil)
	if code != http.StatusSeeOther || loc != "/auth/login?redirectTo=%2Faccount" {
		t.Fatalf("GET /account signed out: %d Location %q, want 303 to the login form", code, loc)
	}
	if code, _, body := b.do("GET", "/account", nil, map[string]string{"Accept": "application/json"}); code != http.StatusUnauthorized || !strings.Contains(body, "unauthenticated") {
		t.Errorf("API client on /account: %d %s, want 401 JSON", code, body)
	}
	code, _, body := b.do("GET", loc, nil, nil)
	if code != 200 || !strings.Contains(body, `action="/auth/login?redirectTo=%2faccount"`) {
		t.Fatalf("login form: %d, redirectTo not carried:\n%.2000s", code, body)
	}
	idBefore := sessionID(t, b)

	// Login: refused without a name, and from another origin.
	if code, _, body := b.do("POST", "/auth/login?redirectTo=%2Faccount", url.Values{"name": {"  "}}, nil); code != http.StatusBadRequest || !strings.Contains(body, "Enter a name") {
		t.Errorf("empty name: %d", code)
	}
	if code, _, _ := b.do("POST", "/auth/login", url.Values{"name": {"Mallory"}}, map[string]string{"Origin": "http://evil.example"}); code != http.StatusForbidden {
		t.Errorf("cross-origin login: %d, want 403", code)
	}
	// Any name logs in, regenerates the id and goes back to /account.
	code, loc, _ = b.do("POST", "/auth/login?redirectTo=%2Faccount", url.Values{"name": {"Ada <Lovelace>"}}, nil)
	if code != http.StatusSeeOther || loc != "/account" {
		t.Fatalf("login: %d Location %q, want 303 to /account", code, loc)
	}
	if id := sessionID(t, b); id == idBefore {
		t.Errorf("login kept the session id %s", id)
	}
	code, _, body = b.do("GET", "/account", nil, nil)
	if code != 200 || !strings.Contains(body, "Signed in as <b>Ada &lt;Lovelace&gt;</b>") {
		t.Fatalf("account after login: %d\n%.2000s", code, body)
	}
	// An open redirect is refused: a login with redirectTo=//evil.example goes home.
	if _, loc, _ := b.do("POST", "/auth/login?redirectTo=%2F%2Fevil.example", url.Values{"name": {"Ada <Lovelace>"}}, nil); loc != "/" {
		t.Errorf("login with redirectTo=//evil.example went to %q, want /", loc)
	}

	// The session JSON endpoint.
	code, _, body = b.do("GET", "/api/auth/session", nil, nil)
	var view map[string]any
	if err := json.Unmarshal([]byte(body), &view); code != 200 || err != nil {
		t.Fatalf("session endpoint: %d %v %s", code, err, body)
	}
	delete(view, "expires")
	if diff := cmp.Diff(map[string]any{"loggedIn": true, "user": "Ada <Lovelace>", "visits": 2.0}, view); diff != "" {
		t.Errorf("session endpoint (-want +got):\n%s", diff)
	}

	// A large value: still one cookie within the default budget, and the
	// inspect page says so; then shrink it.
	if code, loc, _ := b.do("POST", "/large", nil, nil); code != http.StatusSeeOther || loc != "/inspect" {
		t.Fatalf("POST /large: %d %q", code, loc)
	}
	if diff := cmp.Diff([]string{"session"}, b.cookieNames()); diff != "" {
		t.Errorf("cookies after the large value (-want +got):\n%s", diff)
	}
	_, _, body = b.do("GET", "/inspect", nil, nil)
	if !strings.Contains(body, "none: one cookie") || !strings.Contains(body, "(1500 characters)") {
		t.Errorf("inspect page does not show the large value in one cookie:\n%.3000s", body)
	}
	// decode reads the same cookie.
	dec := mustRun(t, 0, withPassword, b.cookieHeader(), "decode", "--cookie-header", "--explain", "--now", realNow())
	if !strings.Contains(dec.stderr, "size") || !strings.Contains(dec.stdout, `"user":"Ada <Lovelace>"`) {
		t.Errorf("decode of the jar's cookies:\n%s\n%.300s", dec.stderr, dec.stdout)
	}
	if code, _, _ := b.do("POST", "/shrink", nil, map[string]string{"Sec-Fetch-Site": "cross-site"}); code != http.StatusForbidden {
		t.Errorf("cross-site shrink: %d, want 403", code)
	}
	if code, _, _ := b.do("POST", "/shrink", nil, nil); code != http.StatusSeeOther {
		t.Fatalf("POST /shrink: %d", code)
	}
	if diff := cmp.Diff([]string{"session"}, b.cookieNames()); diff != "" {
		t.Errorf("cookies after shrinking (-want +got):\n%s", diff)
	}
	_, _, body = b.do("GET", "/inspect", nil, nil)
	if !strings.Contains(body, "none: one cookie") {
		t.Errorf("inspect page after shrinking:\n%.3000s", body)
	}

	// Logout clears every cookie, after a large value too.
	b.do("POST", "/large", nil, nil)
	if code, loc, _ := b.do("POST", "/auth/logout", nil, nil); code != http.StatusSeeOther || loc != "/" {
		t.Fatalf("logout: %d %q", code, loc)
	}
	if names := b.cookieNames(); len(names) != 0 {
		t.Errorf("cookies left after logout: %v", names)
	}
	if code, _, _ := b.do("GET", "/account", nil, nil); code != http.StatusSeeOther {
		t.Errorf("/account after logout: %d, want 303", code)
	}

	if code := srv.stop(); code != 0 {
		t.Errorf("serve exited with %d, want 0\nstderr: %s", code, srv.stderr)
	}
	if !strings.Contains(srv.stdout.String(), "stopped") {
		t.Errorf("serve did not say it stopped:\n%s", srv.stdout)
	}
	if s := srv.stdout.String() + srv.stderr.String(); strings.Contains(s, testPassword) {
		t.Errorf("the password appears in serve's output")
	}
}

func visits(t *testing.T, body string) string {
	t.Helper()
	m := visitsRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no visit counter in the page:\n%.500s", body)
	}
	return m[1]
}

var visitsRe = regexp.MustCompile(`<div class="big">(\d+)</div>`)

// sessionID decodes the jar's session with the decode command.
func sessionID(t *testing.T, b *browser) string {
	t.Helper()
	r := mustRun(t, 0, withPassword, b.cookieHeader(), "decode", "--cookie-header", "--now", realNow())
	var env struct{ ID string }
	if err := json.Unmarshal([]byte(r.stdout), &env); err != nil || env.ID == "" {
		t.Fatalf("no session id in %s", r.stdout)
	}
	return env.ID
}

// TestServeGeneratesPassword: without a password, serve generates one and
// warns that sessions end when it stops.
func TestServeGeneratesPassword(t *testing.T) {
	srv := startServe(t, nil)
	if !strings.Contains(srv.stdout.String(), "warning: no password configured") {
		t.Errorf("no warning about the generated password:\n%s", srv.stdout)
	}
	b := newBrowser(t, srv.url)
	b.do("GET", "/", nil, nil)
	if _, _, body := b.do("GET", "/", nil, nil); visits(t, body) != "2" {
		t.Errorf("the generated password does not keep the session")
	}
}

// TestServeSecureCookiesOverLoopback answers, for this Go version, whether
// net/http/cookiejar stores a Secure cookie received over http://127.0.0.1
// and sends it back: Go 1.26's jar treats loopback as a secure origin, as
// Chrome and Firefox do (golang.org/issue/60997); older jars and Safari do
// not. That is why serve drops Secure by default on loopback
// (--insecure-cookies=auto), and keeps it with --insecure-cookies=false.
func TestServeSecureCookiesOverLoopback(t *testing.T) {
	srv := startServe(t, withPassword, "--insecure-cookies=false")
	if !strings.Contains(srv.stdout.String(), `cookies: "__Host-session" with the Secure attribute`) {
		t.Errorf("serve does not say the cookies keep Secure:\n%s", srv.stdout)
	}
	b := newBrowser(t, srv.url)
	b.do("GET", "/", nil, nil)
	_, _, body := b.do("GET", "/", nil, nil)
	stored := visits(t, body) == "2"
	t.Logf("%s: cookiejar stores a Secure cookie over http://127.0.0.1 and sends it back: %v", runtime.Version(), stored)
	if stored != (len(b.cookieNames()) == 1) {
		t.Errorf("the jar holds %v but the server counted %s visits", b.cookieNames(), visits(t, body))
	}
	if v := goMinor(runtime.Version()); v >= 26 && !stored {
		t.Errorf("Go 1.%d's cookiejar should treat loopback as secure", v)
	}
}

// realNow is --now for decoding what the demo, on the real clock, sealed.
func realNow() string { return strconv.FormatInt(time.Now().UnixMilli(), 10) }

// goMinor returns the minor version of a release "go1.N[.P]", or 0.
func goMinor(v string) int {
	var minor int
	if _, err := fmt.Sscanf(v, "go1.%d", &minor); err != nil {
		return 0
	}
	return minor
}

// TestServeErrors covers serve's usage errors.
func TestServeErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--addr", "0.0.0.0:8080"}, "loopback address only"},
		{[]string{"serve", "--addr", "example.com:80"}, "loopback address only"},
		{[]string{"serve", "--addr", "nonsense"}, "--addr"},
		{[]string{"serve", "--insecure-cookies", "maybe"}, "auto, true or false"},
		{[]string{"serve", "extra"}, "no arguments"},
		{[]string{"serve", "--password-json", `{"x":"y"}`}, "key ids"},
	}
	for _, tt := range tests {
		r := runWith(t, nil, "", tt.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
}
