package httpx_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/sealcookie/sealcookie/httpx"
)

// hx is an htmx request's headers, made from the page at current.
func hx(current string) []string {
	return []string{"HX-Request: true", "HX-Current-URL: " + current}
}

// wantHXRedirect checks an answer htmx acts on: 200, no Location, an empty
// body, HX-Redirect to target, and Vary naming HX-Request.
func wantHXRedirect(t *testing.T, got response, target string) {
	t.Helper()
	if got.Status != http.StatusOK || got.Header.Get("HX-Redirect") != target || got.Header.Get("Location") != "" || got.Body != "" {
		t.Errorf("htmx answer: %d, HX-Redirect %q, Location %q, body %q; want 200, HX-Redirect %q, no Location, no body",
			got.Status, got.Header.Get("HX-Redirect"), got.Header.Get("Location"), got.Body, target)
	}
	if !strings.Contains(strings.Join(got.Header.Values("Vary"), ","), "HX-Request") {
		t.Errorf("Vary %q, want HX-Request in it", got.Header.Values("Vary"))
	}
}

// htmx follows a 3xx inside its own request and would swap the login page
// into a fragment: the guard answers htmx with HX-Redirect in a 200, back to
// the page the browser shows, and everyone else with the 303 as before.
func TestGuardHTMX(t *testing.T) {
	m, _, _ := newManager(t, "", nil)
	g, err := httpx.NewGuard(m, httpx.GuardConfig[User]{Authenticated: signedIn})
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, newServer(t, guardApp(t, m, g), false))
	host := strings.TrimPrefix(c.srv.URL, "https://")
	login := func(back string) string { return "/auth/login?redirectTo=" + url.QueryEscape(back) }

	for _, tc := range []struct {
		name    string
		headers []string
		target  string
	}{
		{"back to the page shown", hx(c.srv.URL + "/private/cart?step=2"), login("/private/cart?step=2")},
		{"no HX-Current-URL: the fragment's own URL", []string{"HX-Request: true"}, login("/private/fragment?x=1")},
		{"HX-Current-URL of another host", hx("https://evil.example/steal"), login("/private/fragment?x=1")},
		{"HX-Current-URL with user info", hx("https://user@" + host + "/private/cart"), login("/private/fragment?x=1")},
		{"HX-Current-URL with an unsafe path", hx(c.srv.URL + "//evil.example/x"), "/auth/login"},
		{"HX-Current-URL not a URL", hx("::"), login("/private/fragment?x=1")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantHXRedirect(t, c.get("/private/fragment?x=1", tc.headers...), tc.target)
		})
	}

	// Not htmx: the 303 (HX-Request must be "true", as htmx sends it).
	for _, h := range [][]string{nil, {"HX-Request: false"}} {
		got := c.get("/private/fragment?x=1", h...)
		if got.Status != http.StatusSeeOther || got.Header.Get("Location") != login("/private/fragment?x=1") || got.Header.Get("HX-Redirect") != "" {
			t.Errorf("headers %q: %d to %q, HX-Redirect %q; want the 303", h, got.Status, got.Header.Get("Location"), got.Header.Get("HX-Redirect"))
		}
	}
	// API clients still get 401 JSON, htmx or not.
	if got := c.get("/private/fragment", append(hx(c.srv.URL+"/"), "Accept: application/json")...); got.Status != http.StatusUnauthorized {
		t.Errorf("htmx API request: %d, want 401", got.Status)
	}
}

// Logout through hx-post: the session is cleared and htmx is sent on with
// HX-Redirect; without a redirect target it is the 204 htmx ignores.
func TestLogoutHTMX(t *testing.T) {
	for _, tc := range []struct {
		name   string
		config httpx.LogoutConfig[User]
		query  string
		target string // "" for 204
	}{
		{"configured redirect", httpx.LogoutConfig[User]{RedirectTo: "/bye"}, "", "/bye"},
		{"redirectTo", httpx.LogoutConfig[User]{}, "?redirectTo=%2Fagain", "/again"},
		{"unsafe redirectTo", httpx.LogoutConfig[User]{RedirectTo: "/bye"}, "?redirectTo=%2F%2Fevil.com", "/bye"},
		{"204", httpx.LogoutConfig[User]{}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, _, _ := newManager(t, "", nil)
			c := newClient(t, newServer(t, endpointApp(t, m, tc.config), false))
			origin := "Origin: " + c.origin()
			c.do("POST", "/login", "", origin)
			if len(c.cookies()) == 0 {
				t.Fatal("login set no cookie")
			}
			got := c.do("POST", "/auth/logout"+tc.query, "", append(hx(c.srv.URL+"/account"), origin)...)
			if tc.target == "" {
				if got.Status != http.StatusNoContent || got.Header.Get("HX-Redirect") != "" {
					t.Errorf("logout: %d, HX-Redirect %q; want 204 without it", got.Status, got.Header.Get("HX-Redirect"))
				}
			} else {
				wantHXRedirect(t, got, tc.target)
			}
			if n := c.cookies(); len(n) != 0 {
				t.Errorf("jar after logout: %q", n)
			}
		})
	}
}

// The proxy's SendToLogin denies as the guard does.
func TestProxySendToLoginHTMX(t *testing.T) {
	m, _, _ := newManager(t, "", nil)
	p, err := httpx.NewProxy(m, httpx.ProxyConfig[User]{Authenticated: signedIn, Unauthenticated: httpx.SendToLogin})
	if err != nil {
		t.Fatal(err)
	}
	upstream := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { t.Error("the upstream was reached") })
	c := newClient(t, newServer(t, m.Middleware(p.Handler(upstream)), false))
	wantHXRedirect(t, c.get("/app/fragment", hx(c.srv.URL+"/app/page")...), "/auth/login?redirectTo=%2Fapp%2Fpage")
}

// Redirect sends anything SafeRedirect refuses to "/", for htmx and others.
func TestRedirect(t *testing.T) {
	for _, tc := range []struct {
		target, want string
	}{
		{"/account?tab=1", "/account?tab=1"},
		{"//evil.example", "/"},
		{"https://evil.example/", "/"},
		{"/%2F%2Fevil.example", "/"},
	} {
		for _, htmx := range []bool{false, true} {
			r := httptest.NewRequest(http.MethodPost, "https://example.com/auth/login", nil)
			if htmx {
				r.Header.Set("HX-Request", "true")
			}
			rec := httptest.NewRecorder()
			httpx.Redirect(rec, r, tc.target)
			got, where := rec.Code, rec.Header().Get("Location")
			want := http.StatusSeeOther
			if htmx {
				where, want = rec.Header().Get("HX-Redirect"), http.StatusOK
			}
			if got != want || where != tc.want {
				t.Errorf("Redirect(%q), htmx %v: %d to %q, want %d to %q", tc.target, htmx, got, where, want, tc.want)
			}
		}
	}
}
