package httpx_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/httpx"
	"github.com/sealcookie/sealcookie/session"
)

// view is what browser code may see of a User: no CSRF token, no blob.
type view struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
}

func project(s *session.Session[User]) *view {
	u := s.Data()
	if u.ID == "" {
		return nil
	}
	return &view{u.ID, u.Name, u.Role}
}

// updateName lets browser code change the display name and nothing else.
func updateName(s *session.Session[User], body json.RawMessage) error {
	var in struct {
		Name *string `json:"name"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return err
	}
	if in.Name == nil || len(*in.Name) > 64 {
		return errors.New("a name of at most 64 bytes is required")
	}
	if s.IsNew() {
		return errors.New("not signed in")
	}
	return s.Update(func(u *User) { u.Name = *in.Name })
}

// endpointApp serves the endpoint, a logout, and /login (signs in as u1).
func endpointApp(t *testing.T, m *session.Manager[User], lc httpx.LogoutConfig[User]) http.Handler {
	t.Helper()
	ep, err := httpx.NewEndpoint(m, httpx.EndpointConfig[User, *view]{
		Project: project,
		Update:  updateName,
	})
	if err != nil {
		t.Fatal(err)
	}
	logout, err := httpx.NewLogout(m, lc)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/auth/session", ep)
	mux.Handle("/auth/logout", logout)
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		m.Get(r).Update(func(u *User) { *u = User{ID: "u1", Name: "Ada", Role: "user", CSRF: "secret-csrf-token"} })
	})
	return m.Middleware(mux)
}

func TestEndpoint(t *testing.T) {
	protocols(t, func(t *testing.T, h2 bool) {
		m, _, _ := newManager(t, "", nil)
		c := newClient(t, newServer(t, endpointApp(t, m, httpx.LogoutConfig[User]{}), h2))
		origin := "Origin: " + c.origin()

		anon := c.get("/api/auth/session")
		if anon.Status != 200 || anon.Body != "null\n" || anon.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("signed out: %d %q Cache-Control %q", anon.Status, anon.Body, anon.Header.Get("Cache-Control"))
		}
		if len(c.cookies()) != 0 {
			t.Errorf("reading a fresh session set cookies %q", c.cookies())
		}
		c.do("POST", "/login", "", origin)
		got := c.get("/api/auth/session")
		if diff := cmp.Diff(map[string]any{"id": "u1", "name": "Ada", "role": "user"}, jsonBody(t, got)); diff != "" {
			t.Errorf("projection (-want +got):\n%s", diff)
		}
		if strings.Contains(got.Body, "secret-csrf-token") {
			t.Error("the projection leaked a field it does not list")
		}
		for _, h := range []string{"Content-Type: application/json", "Cache-Control: no-store", "X-Content-Type-Options: nosniff"} {
			k, v, _ := strings.Cut(h, ": ")
			if got.Header.Get(k) != v {
				t.Errorf("%s = %q, want %q", k, got.Header.Get(k), v)
			}
		}

		// An update goes through the application's function: the name may
		// change, the role may not.
		up := c.do("POST", "/api/auth/session", `{"name":"Ada L.","role":"admin","id":"u0"}`, "Content-Type: application/json", origin)
		if up.Status != 200 {
			t.Fatalf("update: %d %q", up.Status, up.Body)
		}
		want := map[string]any{"id": "u1", "name": "Ada L.", "role": "user"}
		if diff := cmp.Diff(want, jsonBody(t, up)); diff != "" {
			t.Errorf("update answer (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(want, jsonBody(t, c.get("/api/auth/session"))); diff != "" {
			t.Errorf("after the update (-want +got):\n%s", diff)
		}
		// Sec-Fetch-Site same-origin is enough on its own.
		if up := c.do("POST", "/api/auth/session", `{"name":"Ada"}`, "Content-Type: application/json", "Sec-Fetch-Site: same-origin"); up.Status != 200 {
			t.Errorf("Sec-Fetch-Site same-origin: %d", up.Status)
		}
	})
}

// Every refused update leaves the session as it was.
func TestEndpointRefusals(t *testing.T) {
	m, _, _ := newManager(t, "", nil)
	c := newClient(t, newServer(t, endpointApp(t, m, httpx.LogoutConfig[User]{}), false))
	origin := "Origin: " + c.origin()
	c.do("POST", "/login", "", origin)
	const ct = "Content-Type: application/json"
	big := `{"name":"` + strings.Repeat("a", httpx.DefaultMaxBody) + `"}`
	for _, tc := range []struct {
		name, method, body string
		headers            []string
		status             int
	}{
		{"cross-origin Origin", "POST", `{"name":"x"}`, []string{ct, "Origin: https://evil.example"}, 403},
		{"Origin null", "POST", `{"name":"x"}`, []string{ct, "Origin: null"}, 403},
		{"Origin with the right host on another port", "POST", `{"name":"x"}`, []string{ct, "Origin: " + c.origin() + "1"}, 403},
		{"Sec-Fetch-Site cross-site", "POST", `{"name":"x"}`, []string{ct, "Sec-Fetch-Site: cross-site", origin}, 403},
		{"Sec-Fetch-Site same-site", "POST", `{"name":"x"}`, []string{ct, "Sec-Fetch-Site: same-site"}, 403},
		{"form content type", "POST", `{"name":"x"}`, []string{"Content-Type: application/x-www-form-urlencoded", origin}, 415},
		{"text/plain (a simple CORS request)", "POST", `{"name":"x"}`, []string{"Content-Type: text/plain", origin}, 415},
		{"no content type", "POST", `{"name":"x"}`, []string{origin}, 415},
		{"too large", "POST", big, []string{ct, origin}, 413},
		{"bad JSON", "POST", `{"name":`, []string{ct, origin}, 400},
		{"two JSON values", "POST", `{"name":"x"} {"name":"y"}`, []string{ct, origin}, 400},
		{"refused by the application", "POST", `{"role":"admin"}`, []string{ct, origin}, 400},
		{"PUT", "PUT", `{"name":"x"}`, []string{ct, origin}, 405},
		{"DELETE", "DELETE", "", []string{origin}, 405},
	} {
		got := c.do(tc.method, "/api/auth/session", tc.body, tc.headers...)
		if got.Status != tc.status {
			t.Errorf("%s: %d %q, want %d", tc.name, got.Status, got.Body, tc.status)
		}
		if got.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: Cache-Control %q", tc.name, got.Header.Get("Cache-Control"))
		}
		if tc.status == 405 && got.Header.Get("Allow") != "GET, HEAD, POST" {
			t.Errorf("%s: Allow %q", tc.name, got.Header.Get("Allow"))
		}
	}
	if diff := cmp.Diff(map[string]any{"id": "u1", "name": "Ada", "role": "user"}, jsonBody(t, c.get("/api/auth/session"))); diff != "" {
		t.Errorf("session after the refusals (-want +got):\n%s", diff)
	}
}

// A body without Content-Length is cut at MaxBody too.
func TestEndpointStreamedBodyCap(t *testing.T) {
	m, _, _ := newManager(t, "", nil)
	ep, err := httpx.NewEndpoint(m, httpx.EndpointConfig[User, *view]{Project: project, Update: updateName, MaxBody: 100})
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, m.Middleware(ep), false)
	c := newClient(t, srv)
	body := `{"name":"` + strings.Repeat("a", 200) + `"}`
	req, _ := http.NewRequest("POST", srv.URL+"/", struct{ *strings.Reader }{strings.NewReader(body)})
	req.ContentLength = -1 // chunked
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 413 {
		t.Errorf("streamed body over MaxBody: %d, want 413", resp.StatusCode)
	}
}

// Without Update the endpoint is read-only; without Project it is refused.
func TestEndpointConfig(t *testing.T) {
	m, _, _ := newManager(t, "", nil)
	if _, err := httpx.NewEndpoint(m, httpx.EndpointConfig[User, User]{}); err == nil {
		t.Error("an endpoint without a projection was accepted")
	}
	if _, err := httpx.NewEndpoint(m, httpx.EndpointConfig[User, *view]{Project: project, TrustedOrigins: []string{"https://x.example/path"}}); err == nil {
		t.Error("a trusted origin with a path was accepted")
	}
	ep, err := httpx.NewEndpoint(m, httpx.EndpointConfig[User, *view]{Project: project})
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, newServer(t, ep, false))
	got := c.do("POST", "/", `{}`, "Content-Type: application/json")
	if got.Status != 405 || got.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST to a read-only endpoint: %d, Allow %q", got.Status, got.Header.Get("Allow"))
	}
}

// A trusted origin may update from another host (a front end on its own
// domain, a proxy that rewrites Host).
func TestEndpointTrustedOrigin(t *testing.T) {
	m, _, _ := newManager(t, "", nil)
	ep, err := httpx.NewEndpoint(m, httpx.EndpointConfig[User, *view]{Project: project, Update: updateName, TrustedOrigins: []string{"https://app.example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, newServer(t, m.Middleware(ep), false))
	for origin, want := range map[string]int{
		"https://app.example.com":  400, // passes the origin check; refused by updateName for a fresh session
		"https://evil.example.com": 403,
		"http://app.example.com":   403,
	} {
		got := c.do("POST", "/", `{"name":"x"}`, "Content-Type: application/json", "Origin: "+origin, "Sec-Fetch-Site: cross-site")
		if got.Status != want {
			t.Errorf("Origin %s: %d, want %d", origin, got.Status, want)
		}
	}
}

func TestLogout(t *testing.T) {
	for _, tc := range []struct {
		name     string
		config   httpx.LogoutConfig[User]
		query    string
		status   int
		location string
	}{
		{"204", httpx.LogoutConfig[User]{}, "", 204, ""},
		{"configured redirect", httpx.LogoutConfig[User]{RedirectTo: "/bye"}, "", 303, "/bye"},
		{"safe redirectTo", httpx.LogoutConfig[User]{RedirectTo: "/bye"}, "?redirectTo=%2Fagain", 303, "/again"},
		{"unsafe redirectTo", httpx.LogoutConfig[User]{RedirectTo: "/bye"}, "?redirectTo=%2F%2Fevil.com", 303, "/bye"},
		{"unsafe redirectTo, no default", httpx.LogoutConfig[User]{}, "?redirectTo=https%3A%2F%2Fevil.com", 204, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, _, _ := newManager(t, "", nil)
			var revoked []string
			tc.config.OnLogout = func(_ *http.Request, s *session.Session[User]) { revoked = append(revoked, s.Data().ID) }
			c := newClient(t, newServer(t, endpointApp(t, m, tc.config), false))
			origin := "Origin: " + c.origin()
			c.do("POST", "/login", "", origin)
			// Browser code changes the session before logging out.
			if up := c.do("POST", "/api/auth/session", `{"name":"`+strings.Repeat("n", 60)+`"}`, "Content-Type: application/json", origin); up.Status != 200 {
				t.Fatalf("update: %d", up.Status)
			}

			if got := c.get("/auth/logout" + tc.query); got.Status != 405 || got.Header.Get("Allow") != "POST" {
				t.Errorf("GET: %d, Allow %q", got.Status, got.Header.Get("Allow"))
			}
			if got := c.do("POST", "/auth/logout"+tc.query, "", "Origin: https://evil.example"); got.Status != 403 {
				t.Errorf("cross-origin POST: %d", got.Status)
			}
			if got := c.do("POST", "/auth/logout"+tc.query, "", "Sec-Fetch-Site: cross-site"); got.Status != 403 {
				t.Errorf("cross-site POST: %d", got.Status)
			}
			if len(c.cookies()) == 0 {
				t.Fatal("the refused logouts cleared the session")
			}
			got := c.do("POST", "/auth/logout"+tc.query, "", origin)
			if got.Status != tc.status || got.Header.Get("Location") != tc.location {
				t.Errorf("logout: %d to %q, want %d to %q", got.Status, got.Header.Get("Location"), tc.status, tc.location)
			}
			if got.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q", got.Header.Get("Cache-Control"))
			}
			if n := c.cookies(); len(n) != 0 {
				t.Errorf("jar after logout: %q", n)
			}
			if got := c.get("/api/auth/session"); got.Body != "null\n" {
				t.Errorf("session after logout: %q", got.Body)
			}
			if diff := cmp.Diff([]string{"u1"}, revoked); diff != "" {
				t.Errorf("OnLogout calls (-want +got):\n%s", diff)
			}
		})
	}
}

// Logout deletes every chunk of a session over 4 KB.
func TestLogoutChunked(t *testing.T) {
	m, _, _ := newManager(t, "", func(c *session.Config[User]) { c.Cookie.Budget = cookie.NoBudget })
	logout, err := httpx.NewLogout(m, httpx.LogoutConfig[User]{})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/logout", logout)
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		m.Get(r).Update(func(u *User) { u.ID, u.Blob = "u1", strings.Repeat("b", 5000) })
	})
	c := newClient(t, newServer(t, m.Middleware(mux), false))
	c.get("/big")
	if n := len(c.cookies()); n < 3 {
		t.Fatalf("%d cookies, want a chunked session", n)
	}
	got := c.do("POST", "/logout", "", "Origin: "+c.origin())
	if got.Status != 204 {
		t.Errorf("logout: %d", got.Status)
	}
	if n := c.cookies(); len(n) != 0 {
		t.Errorf("jar after logout: %q", n)
	}
}

func TestNewLogoutErrors(t *testing.T) {
	m, _, _ := newManager(t, "", nil)
	for i, c := range []httpx.LogoutConfig[User]{
		{RedirectTo: "https://evil.com"},
		{RedirectTo: "//evil.com"},
		{TrustedOrigins: []string{"evil.com"}},
	} {
		if _, err := httpx.NewLogout(m, c); err == nil {
			t.Errorf("config %d accepted: %+v", i, c)
		}
	}
}
