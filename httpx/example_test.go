package httpx_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"

	"github.com/sealcookie/sealcookie/httpx"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
)

// Account is the session data of the examples.
type Account struct {
	UserID string `json:"userId,omitempty"`
	Name   string `json:"name,omitempty"`
	Visits int    `json:"visits,omitempty"`
}

func exampleManager() *session.Manager[Account] {
	m, err := session.New(session.Config[Account]{
		Keys: []sealed.Key{{ID: 1, Password: "an example password of at least 32 bytes"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	return m
}

// browser is an HTTPS client with a cookie jar that does not follow redirects.
func browser(srv *httptest.Server) *http.Client {
	jar, _ := cookiejar.New(nil)
	c := *srv.Client()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

func show(c *http.Client, method, url, body string, header ...string) {
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	line := fmt.Sprintf("%s %s: %d", method, req.URL.Path, resp.StatusCode)
	if loc := resp.Header.Get("Location"); loc != "" {
		line += " -> " + loc
	}
	if s := strings.TrimSpace(string(b)); s != "" && !strings.HasPrefix(s, "<a href") {
		line += " " + s
	}
	fmt.Println(line)
}

// A plain net/http server: the middleware loads the session when the
// handler asks and sets the cookie before the first byte of the response.
func Example() {
	m := exampleManager()
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s := m.Get(r) // Auth.js's auth(): the request's session
		if err := s.Update(func(a *Account) { a.Visits++ }); err != nil {
			http.Error(w, "session too large", http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(w, "visit %d", s.Data().Visits) // the cookie goes out first
	})
	mux.HandleFunc("/about", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "no session here") // never asks: no cookie, no cost
	})
	srv := httptest.NewTLSServer(m.Middleware(mux))
	defer srv.Close()

	c := browser(srv)
	show(c, "GET", srv.URL+"/", "")
	show(c, "GET", srv.URL+"/", "")
	show(c, "GET", srv.URL+"/about", "")
	// Output:
	// GET /: 200 visit 1
	// GET /: 200 visit 2
	// GET /about: 200 no session here
}

// A serverless-style handler: the platform calls an http.HandlerFunc, and
// wrapping it in the middleware is all it takes.
func Example_serverless() {
	m := exampleManager()
	var Handler http.Handler = m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := m.Get(r)
		s.Update(func(a *Account) { a.Visits++ })
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintf(w, "visit %d", s.Data().Visits)
	}))

	// The platform's invocations, simulated with httptest.
	var cookies []*http.Cookie
	for range 3 {
		req := httptest.NewRequest("GET", "https://fn.example.com/", nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		Handler.ServeHTTP(rec, req)
		cookies = rec.Result().Cookies()
		fmt.Println(rec.Body.String(), len(cookies), rec.Header().Get("Vary"))
	}
	// Output:
	// visit 1 1 Cookie, X-Session-Session
	// visit 2 1 Cookie, X-Session-Session
	// visit 3 1 Cookie, X-Session-Session
}

// http.ServeMux with method and wildcard patterns: a guarded page, the login
// and logout actions and the session endpoint for browser code. Any router
// that takes func(http.Handler) http.Handler middleware works the same.
func Example_serveMux() {
	m := exampleManager()
	guard, err := httpx.NewGuard(m, httpx.GuardConfig[Account]{
		Authenticated: func(a Account) bool { return a.UserID != "" },
	})
	if err != nil {
		log.Fatal(err)
	}
	type view struct {
		Name string `json:"name"`
	}
	endpoint, err := httpx.NewEndpoint(m, httpx.EndpointConfig[Account, *view]{
		Project: func(s *session.Session[Account]) *view { // never the raw data
			if a := s.Data(); a.UserID != "" {
				return &view{a.Name}
			}
			return nil
		},
		Update: func(s *session.Session[Account], body json.RawMessage) error {
			var in struct{ Name string } // the only field browser code may change
			if err := json.Unmarshal(body, &in); err != nil || in.Name == "" || s.IsNew() {
				return fmt.Errorf("refused")
			}
			return s.Update(func(a *Account) { a.Name = in.Name })
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	logout, err := httpx.NewLogout(m, httpx.LogoutConfig[Account]{RedirectTo: "/"})
	if err != nil {
		log.Fatal(err)
	}

	mux := http.NewServeMux()
	mux.Handle("GET /orders/{id}", guard.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "order %s for %s", r.PathValue("id"), m.Get(r).Data().Name)
	})))
	mux.HandleFunc("POST /auth/login", func(w http.ResponseWriter, r *http.Request) {
		s := m.Get(r)
		s.Regenerate() // a new id at every change of privilege
		s.Update(func(a *Account) { a.UserID, a.Name = "u1", "Ada" })
		http.Redirect(w, r, httpx.RedirectTarget(r, ""), http.StatusSeeOther)
	})
	mux.Handle("POST /auth/logout", logout)
	mux.Handle("/api/auth/session", endpoint)
	srv := httptest.NewTLSServer(m.Middleware(mux))
	defer srv.Close()

	c := browser(srv)
	show(c, "GET", srv.URL+"/orders/42?tab=items", "")
	show(c, "GET", srv.URL+"/orders/42", "", "Accept", "application/json")
	show(c, "POST", srv.URL+"/auth/login?redirectTo=%2Forders%2F42%3Ftab%3Ditems", "")
	show(c, "POST", srv.URL+"/auth/login?redirectTo=https%3A%2F%2Fevil.example", "")
	show(c, "GET", srv.URL+"/orders/42?tab=items", "")
	show(c, "GET", srv.URL+"/api/auth/session", "")
	show(c, "POST", srv.URL+"/api/auth/session", `{"name":"Ada L."}`, "Content-Type", "application/json", "Origin", srv.URL)
	show(c, "POST", srv.URL+"/api/auth/session", `{"name":"Mallory"}`, "Content-Type", "application/json", "Origin", "https://evil.example")
	show(c, "POST", srv.URL+"/auth/logout", "", "Origin", srv.URL)
	show(c, "GET", srv.URL+"/api/auth/session", "")
	// Output:
	// GET /orders/42: 303 -> /auth/login?redirectTo=%2Forders%2F42%3Ftab%3Ditems
	// GET /orders/42: 401 {"error":"unauthenticated"}
	// POST /auth/login: 303 -> /orders/42?tab=items
	// POST /auth/login: 303 -> /
	// GET /orders/42: 200 order 42 for Ada
	// GET /api/auth/session: 200 {"name":"Ada"}
	// POST /api/auth/session: 200 {"name":"Ada L."}
	// POST /api/auth/session: 403 {"error":"cross-origin request"}
	// POST /auth/logout: 303 -> /
	// GET /api/auth/session: 200 null
}

// A reverse proxy in front of an upstream: the upstream trusts X-User-Id and
// X-Session-Id, which only the proxy can set, and never sees the session
// cookie.
func ExampleProxy() {
	m := exampleManager()
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := r.Cookie(m.Name())
		fmt.Fprintf(w, "user=%q session-id-set=%v session-cookie=%v",
			r.Header.Get("X-User-Id"), r.Header.Get("X-Session-Id") != "", err == nil)
	}))
	defer upstream.Close()
	target, _ := url.Parse(upstream.URL)

	p, err := httpx.NewProxy(m, httpx.ProxyConfig[Account]{
		Headers: map[string]httpx.IdentityFunc[Account]{
			"X-User-Id":    func(s *session.Session[Account]) (string, bool) { return s.Data().UserID, s.Data().UserID != "" },
			"X-Session-Id": func(s *session.Session[Account]) (string, bool) { return s.ID(), true },
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	proxy := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(target)
		pr.SetXForwarded()
		p.Rewrite(pr)
	}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		m.Get(r).Update(func(a *Account) { a.UserID = "u1" })
	})
	mux.Handle("/", p.Handler(proxy))
	edge := httptest.NewTLSServer(m.Middleware(mux))
	defer edge.Close()

	c := browser(edge)
	show(c, "GET", edge.URL+"/app", "", "X-User-Id", "admin") // forged, signed out
	show(c, "POST", edge.URL+"/login", "")
	show(c, "GET", edge.URL+"/app", "", "X-User-Id", "admin") // forged, signed in as u1
	// Output:
	// GET /app: 200 user="" session-id-set=false session-cookie=false
	// POST /login: 200
	// GET /app: 200 user="u1" session-id-set=true session-cookie=false
}

func ExampleSafeRedirect() {
	for _, target := range []string{
		"/account?tab=1",
		"https://evil.com",
		"//evil.com",
		`/\evil.com`,
		"/%2F%2Fevil.com",
		"/%252F%252Fevil.com",
		"javascript:alert(1)",
	} {
		got, ok := httpx.SafeRedirect(target)
		fmt.Printf("%-22q %-5v %s\n", target, ok, got)
	}
	// Output:
	// "/account?tab=1"       true  /account?tab=1
	// "https://evil.com"     false /
	// "//evil.com"           false /
	// "/\\evil.com"          false /
	// "/%2F%2Fevil.com"      false /
	// "/%252F%252Fevil.com"  false /
	// "javascript:alert(1)"  false /
}

// A guard in front of the pages that need a signed-in user: browsers go to
// the login page and come back to where they were, API clients get 401 JSON.
func ExampleNewGuard() {
	m := exampleManager()
	guard, err := httpx.NewGuard(m, httpx.GuardConfig[Account]{
		Authenticated: func(a Account) bool { return a.UserID != "" },
	})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /account", guard.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "account of %s", m.Get(r).Data().Name)
	})))
	mux.HandleFunc("POST /auth/login", func(w http.ResponseWriter, r *http.Request) {
		s := m.Get(r)
		s.Regenerate() // a new id at every login
		if err := s.Update(func(a *Account) { a.UserID, a.Name = "u1", "Ada" }); err != nil {
			http.Error(w, "session too large", http.StatusInternalServerError)
			return
		}
		http.Redirect(w, r, httpx.RedirectTarget(r, ""), http.StatusSeeOther) // same-origin only
	})
	srv := httptest.NewTLSServer(m.Middleware(mux))
	defer srv.Close()

	c := browser(srv)
	show(c, "GET", srv.URL+"/account", "")
	show(c, "GET", srv.URL+"/account", "", "Accept", "application/json")
	show(c, "POST", srv.URL+"/auth/login?redirectTo=%2Faccount", "")
	show(c, "GET", srv.URL+"/account", "")
	// Output:
	// GET /account: 303 -> /auth/login?redirectTo=%2Faccount
	// GET /account: 401 {"error":"unauthenticated"}
	// POST /auth/login: 303 -> /account
	// GET /account: 200 account of Ada
}

// The session endpoint gives browser code what it may see of the session
// (Auth.js's useSession()), never cached, and here lets it change one field.
func ExampleNewEndpoint() {
	m := exampleManager()
	type view struct {
		Name   string `json:"name"`
		Visits int    `json:"visits"`
	}
	endpoint, err := httpx.NewEndpoint(m, httpx.EndpointConfig[Account, view]{
		Project: func(s *session.Session[Account]) view {
			a := s.Data()
			return view{a.Name, a.Visits} // never the user id
		},
		Update: func(s *session.Session[Account], body json.RawMessage) error {
			var in struct{ Name string } // the one field browser code may set
			if err := json.Unmarshal(body, &in); err != nil || in.Name == "" {
				return fmt.Errorf("refused")
			}
			return s.Update(func(a *Account) { a.Name = in.Name })
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		m.Get(r).Update(func(a *Account) { a.Visits++ })
	})
	mux.Handle("/api/auth/session", endpoint)
	srv := httptest.NewTLSServer(m.Middleware(mux))
	defer srv.Close()

	c := browser(srv)
	show(c, "GET", srv.URL+"/", "")
	show(c, "GET", srv.URL+"/api/auth/session", "")
	show(c, "POST", srv.URL+"/api/auth/session", `{"name":"Ada"}`, "Content-Type", "application/json", "Sec-Fetch-Site", "same-origin")
	show(c, "POST", srv.URL+"/api/auth/session", `{"name":"Mallory"}`, "Content-Type", "application/json", "Sec-Fetch-Site", "cross-site")
	resp, err := c.Get(srv.URL + "/api/auth/session")
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println(resp.Header.Get("Cache-Control"))
	// Output:
	// GET /: 200
	// GET /api/auth/session: 200 {"name":"","visits":1}
	// POST /api/auth/session: 200 {"name":"Ada","visits":1}
	// POST /api/auth/session: 403 {"error":"cross-origin request"}
	// no-store
}

// An htmx request (hx-post, hx-get) is sent on with HX-Redirect in a 200,
// which htmx turns into a full page load; any other request gets the 303.
func ExampleRedirect() {
	for _, htmx := range []bool{false, true} {
		r := httptest.NewRequest(http.MethodPost, "https://example.com/auth/login", nil)
		if htmx {
			r.Header.Set("HX-Request", "true")
		}
		w := httptest.NewRecorder()
		httpx.Redirect(w, r, "/account")
		fmt.Printf("%d Location=%q HX-Redirect=%q\n", w.Code, w.Header().Get("Location"), w.Header().Get("HX-Redirect"))
	}
	// Output:
	// 303 Location="/account" HX-Redirect=""
	// 200 Location="" HX-Redirect="/account"
}
