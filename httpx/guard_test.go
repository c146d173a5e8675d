package httpx_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/httpx"
	"github.com/sealcookie/sealcookie/session"
)

// The open-redirect table: every target that could leave the origin, raw or
// after decoding, is refused; ordinary paths pass unchanged.
var redirectTable = []struct {
	target string
	safe   bool
}{
	// Same-origin paths.
	{"/", true},
	{"/account", true},
	{"/account/settings?tab=security&x=1#top", true},
	{"/search?q=a%20b&next=https://example.com/x", true}, // a URL in the query is only a query
	{"/files/100%25.txt", true},
	{"/caf%C3%A9", true},
	{"/a%20b", true},
	{"/javascript:alert(1)", true}, // a path segment, not a scheme
	{"/a/./b/../c", true},

	// Absolute and scheme-relative URLs.
	{"https://evil.com", false},
	{"http://evil.com/", false},
	{"//evil.com", false},
	{"//evil.com/path", false},
	{"///evil.com", false},
	{"/a//evil.com", false},
	{"http:evil.com", false},
	{"https:/evil.com", false},
	{"javascript:alert(1)", false},
	{"JaVaScRiPt:alert(1)", false},
	{"data:text/html,<script>alert(1)</script>", false},
	{"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", false},
	{"vbscript:msgbox(1)", false},
	{"evil.com", false},
	{"", false},

	// Backslashes, which browsers read as slashes.
	{`/\evil.com`, false},
	{`\\evil.com`, false},
	{`\/evil.com`, false},
	{`/x?next=\evil`, false},

	// Whitespace and control characters browsers drop or trim.
	{"/\t/evil.com", false},
	{"/\n/evil.com", false},
	{"/\r\n/evil.com", false},
	{"/ /evil.com", false},
	{" /evil.com", false},
	{"/\x00/evil.com", false},
	{"/\x7f", false},
	{"/caf\u00e9", false}, // raw non-ASCII: we only produce escaped paths

	// Encoded variants, once and several times.
	{"/%2F%2Fevil.com", false},
	{"/%2f%2fevil.com", false},
	{"%2F%2Fevil.com", false},
	{"/%5Cevil.com", false},
	{"/%5cevil.com", false},
	{"/%2F/evil.com", false},
	{"/%09/evil.com", false},
	{"/%0A/evil.com", false},
	{"/%00", false},
	{"/%252F%252Fevil.com", false},
	{"/%25252F%25252Fevil.com", false},
	{"/%255Cevil.com", false},
	{"/%252F%252Fevil.com%25", false},                        // a trailing stray escape must not stop the decoding
	{"/%2525252525252F", false},                              // still encoded after four layers
	{"/%3F%2F%2Fevil.com", false},                            // %3F decodes to '?', the '//' follows it
	{"/" + strings.Repeat("a", httpx.MaxRedirectLen), false}, // too long
}

func TestSafeRedirect(t *testing.T) {
	for _, tc := range redirectTable {
		got, ok := httpx.SafeRedirect(tc.target)
		want := "/"
		if tc.safe {
			want = tc.target
		}
		if ok != tc.safe || got != want {
			t.Errorf("SafeRedirect(%q) = %q, %v; want %q, %v", tc.target, got, ok, want, tc.safe)
		}
	}
}

// RedirectTarget, what a login handler uses, falls back to "/" for every
// unsafe target in the table.
func TestRedirectTarget(t *testing.T) {
	for _, tc := range redirectTable {
		r := httptest.NewRequest("GET", "https://example.com/auth/login?redirectTo="+url.QueryEscape(tc.target), nil)
		got := httpx.RedirectTarget(r, "")
		if want := map[bool]string{true: tc.target, false: "/"}[tc.safe]; got != want {
			t.Errorf("RedirectTarget(redirectTo=%q) = %q, want %q", tc.target, got, want)
		}
	}
	r := httptest.NewRequest("GET", "https://example.com/login?next=%2Fa", nil)
	if got := httpx.RedirectTarget(r, "next"); got != "/a" {
		t.Errorf("custom parameter: %q", got)
	}
}

// guardApp is an app with a login page, a login action and guarded pages,
// behind the middleware.
func guardApp(t *testing.T, m *session.Manager[User], g *httpx.Guard[User]) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /auth/login", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "login page, then "+httpx.RedirectTarget(r, ""))
	})
	mux.HandleFunc("POST /auth/login", func(w http.ResponseWriter, r *http.Request) {
		s := m.Get(r)
		s.Regenerate()
		if err := s.Update(func(u *User) { u.ID, u.Name = "u1", r.FormValue("name") }); err != nil {
			t.Error(err)
		}
		http.Redirect(w, r, httpx.RedirectTarget(r, ""), http.StatusSeeOther)
	})
	mux.Handle("/private/", g.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello "+m.Get(r).Data().Name+" at "+r.URL.RequestURI())
	})))
	return m.Middleware(mux)
}

func TestGuard(t *testing.T) {
	m, _, _ := newManager(t, "", nil)
	g, err := httpx.NewGuard(m, httpx.GuardConfig[User]{Authenticated: signedIn})
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, newServer(t, guardApp(t, m, g), false))

	// A browser is sent to the login page with where it was going.
	got := c.get("/private/page?x=1&y=%2F")
	if got.Status != http.StatusSeeOther {
		t.Fatalf("browser: %d, want 303", got.Status)
	}
	loc := got.Header.Get("Location")
	if want := "/auth/login?redirectTo=" + url.QueryEscape("/private/page?x=1&y=%2F"); loc != want {
		t.Errorf("Location %q, want %q", loc, want)
	}
	if got.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", got.Header.Get("Cache-Control"))
	}
	// An API client gets 401 JSON.
	api := c.get("/private/page", "Accept: application/json")
	if api.Status != http.StatusUnauthorized || api.Header.Get("Content-Type") != "application/json" {
		t.Errorf("API client: %d %q", api.Status, api.Header.Get("Content-Type"))
	}
	if diff := cmp.Diff(map[string]any{"error": "unauthenticated"}, jsonBody(t, api)); diff != "" {
		t.Errorf("401 body (-want +got):\n%s", diff)
	}
	// The login page reads redirectTo back; logging in returns there.
	if page := c.get(loc); page.Body != "login page, then /private/page?x=1&y=%2F" {
		t.Errorf("login page: %q", page.Body)
	}
	u, _ := url.Parse(loc)
	back := c.do("POST", "/auth/login?"+u.RawQuery, "name=Ada", "Content-Type: application/x-www-form-urlencoded")
	if back.Status != http.StatusSeeOther || back.Header.Get("Location") != "/private/page?x=1&y=%2F" {
		t.Fatalf("after login: %d to %q", back.Status, back.Header.Get("Location"))
	}
	if page := c.get(back.Header.Get("Location")); page.Status != 200 || page.Body != "hello Ada at /private/page?x=1&y=%2F" {
		t.Errorf("signed in: %d %q", page.Status, page.Body)
	}
}

// A request whose own path is an open-redirect payload gets a login URL
// without it.
func TestGuardRefusesUnsafeOrigin(t *testing.T) {
	m, _, _ := newManager(t, "", nil)
	g, err := httpx.NewGuard(m, httpx.GuardConfig[User]{Authenticated: signedIn, LoginPath: "/login?app=1", Param: "next"})
	if err != nil {
		t.Fatal(err)
	}
	h := g.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { t.Error("the guarded handler ran") }))
	for _, tc := range []struct{ requestURI, location string }{
		{"/ok?a=b", "/login?app=1&next=%2Fok%3Fa%3Db"},
		{"//evil.com/x", "/login?app=1"},
		{"///evil.com", "/login?app=1"},
		{"/%2F%2Fevil.com", "/login?app=1"},
		{"/%5Cevil.com", "/login?app=1"},
		{"/%252F%252Fevil.com", "/login?app=1"},
		{"https://evil.com/x", "/login?app=1&next=%2Fx"}, // absolute-form request: only its path is used
	} {
		r := httptest.NewRequest("GET", tc.requestURI, nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if got := rec.Header().Get("Location"); rec.Code != http.StatusSeeOther || got != tc.location {
			t.Errorf("request %q: %d to %q, want 303 to %q", tc.requestURI, rec.Code, got, tc.location)
		}
	}
}

func TestGuardCheckAndDenyHandler(t *testing.T) {
	m, _, _ := newManager(t, "", nil)
	g, err := httpx.NewGuard(m, httpx.GuardConfig[User]{
		Authenticated: func(u User) bool { return u.Role == "admin" },
		WantsJSON:     func(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") },
	})
	if err != nil {
		t.Fatal(err)
	}
	signed := func(u User) *http.Request {
		v, err := m.Encode(session.Envelope[User]{Data: u})
		if err != nil {
			t.Fatal(err)
		}
		r := httptest.NewRequest("GET", "/api/x", nil)
		r.AddCookie(&http.Cookie{Name: m.Name(), Value: v})
		return r
	}
	if err := g.Check(signed(User{ID: "u1", Role: "admin"})); err != nil {
		t.Errorf("admin: %v", err)
	}
	if err := g.Check(signed(User{ID: "u2", Role: "user"})); !errors.Is(err, httpx.ErrUnauthenticated) {
		t.Errorf("user: %v, want ErrUnauthenticated", err)
	}
	if err := g.Check(httptest.NewRequest("GET", "/", nil)); !errors.Is(err, httpx.ErrUnauthenticated) {
		t.Errorf("no session: %v", err)
	}
	// A fresh session is never authenticated, whatever the predicate says.
	open, _ := httpx.NewGuard(m, httpx.GuardConfig[User]{Authenticated: func(User) bool { return true }})
	if err := open.Check(httptest.NewRequest("GET", "/", nil)); !errors.Is(err, httpx.ErrUnauthenticated) {
		t.Errorf("fresh session passed: %v", err)
	}

	h := g.Handler(http.NotFoundHandler())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, signed(User{ID: "u2"}))
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("custom WantsJSON: %d", rec.Code)
	}
	g.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	}))
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, signed(User{ID: "u2"}))
	if rec.Code != http.StatusTeapot {
		t.Errorf("custom deny handler: %d", rec.Code)
	}
	g.SetDenyHandler(nil)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, signed(User{ID: "u2"}))
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("default restored: %d", rec.Code)
	}
}

func TestAcceptsJSON(t *testing.T) {
	for accept, want := range map[string]bool{
		"application/json":                                                true,
		"Application/JSON; charset=utf-8":                                 true,
		"text/html, application/json;q=0.9":                               true,
		"application/problem+json":                                        true,
		"application/json;q=0":                                            false,
		"application/json; q=0.000":                                       false,
		"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8": false,
		"*/*": false,
		"":    false,
	} {
		r := httptest.NewRequest("GET", "/", nil)
		if accept != "" {
			r.Header.Set("Accept", accept)
		}
		if got := httpx.AcceptsJSON(r); got != want {
			t.Errorf("AcceptsJSON(%q) = %v, want %v", accept, got, want)
		}
	}
}

func TestNewGuardErrors(t *testing.T) {
	m, _, _ := newManager(t, "", nil)
	for name, c := range map[string]httpx.GuardConfig[User]{
		"no predicate":        {},
		"absolute login path": {Authenticated: signedIn, LoginPath: "https://evil.com/login"},
		"scheme-relative":     {Authenticated: signedIn, LoginPath: "//evil.com/login"},
		"param needs escape":  {Authenticated: signedIn, Param: "a b"},
	} {
		if _, err := httpx.NewGuard(m, c); err == nil {
			t.Errorf("%s: NewGuard accepted it", name)
		}
	}
	if _, err := httpx.NewGuard[User](nil, httpx.GuardConfig[User]{Authenticated: signedIn}); err == nil {
		t.Error("nil Manager accepted")
	}
}
