package session_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/h3"
)

type Cart struct {
	User  string `json:"user,omitempty"`
	Items int    `json:"items"`
}

// The h3-style flow: get the session, update it, save it; the next request
// sends the cookie back.
func Example() {
	m, err := session.New(session.Config[Cart]{
		Name: "__Host-cart",
		Keys: []sealed.Key{{ID: 1, Password: "an example password of at least 32 bytes"}},
	})
	if err != nil {
		panic(err)
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := m.Get(r)
		if err := s.Update(func(c *Cart) { c.Items++ }); err != nil {
			http.Error(w, "session too large", http.StatusInternalServerError)
			return
		}
		if err := s.Save(w.Header()); err != nil {
			http.Error(w, "could not save the session", http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(w, "items=%d new=%v", s.Data().Items, s.IsNew())
	})

	first := httptest.NewRecorder()
	handler.ServeHTTP(first, httptest.NewRequest("GET", "https://example.com/", nil))
	fmt.Println(first.Body.String())
	setCookie := first.Result().Cookies()[0]
	fmt.Println(setCookie.Name, setCookie.Secure, setCookie.HttpOnly, setCookie.SameSite == http.SameSiteLaxMode)

	second := httptest.NewRequest("GET", "https://example.com/", nil)
	second.AddCookie(&http.Cookie{Name: setCookie.Name, Value: setCookie.Value})
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, second)
	fmt.Println(rec.Body.String())

	// A client that is not a browser can carry the session in a header instead.
	third := httptest.NewRequest("GET", "https://example.com/", nil)
	third.Header.Set(m.HeaderName(), setCookie.Value)
	rec = httptest.NewRecorder()
	handler.ServeHTTP(rec, third)
	fmt.Println(m.HeaderName(), rec.Body.String(), strings.HasPrefix(rec.Header().Get(m.HeaderName()), "A"))
	// Output:
	// items=1 new=true
	// __Host-cart true true true
	// items=2 new=false
	// X-Cart-Session items=2 new=false true
}

// A Manager with the h3 format (package session/h3) shares its cookie with
// an h3 (Nuxt, Nitro) application configured with the same password and
// options.
func Example_h3() {
	f, err := h3.New(h3.Config{
		Version:     2,
		Password:    iron.PasswordOption{Plain: "the h3 application's password, 32+ characters"},
		MaxAge:      -1,               // h3's maxAge left unset
		IdleTimeout: 30 * time.Minute, // h3's idleTimeout: 1800
	})
	if err != nil {
		panic(err)
	}
	m, err := session.New(session.Config[map[string]any]{Format: f})
	if err != nil {
		panic(err)
	}
	rec := httptest.NewRecorder()
	s := m.Get(httptest.NewRequest("GET", "https://example.com/", nil))
	if err := session.Merge(s, map[string]any{"user": "ada"}); err != nil {
		panic(err)
	}
	if err := s.Save(rec.Header()); err != nil {
		panic(err)
	}
	c := rec.Result().Cookies()[0]
	fmt.Println(c.Name, strings.HasPrefix(c.Value, "Fe26.2**"), c.MaxAge == 0, m.HeaderName())

	// The h3 application, or this Manager, reads it back.
	next := httptest.NewRequest("GET", "https://example.com/", nil)
	next.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	fmt.Println(m.Get(next).Data()["user"])
	// Output:
	// h3 true true X-H3-Session
	// ada
}

// The Middleware loads each request's session when a handler asks for it
// and commits it before the first byte of the response.
func ExampleManager_Middleware() {
	m, err := session.New(session.Config[Cart]{
		Keys: []sealed.Key{{ID: 1, Password: "an example password of at least 32 bytes"}},
	})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /cart", func(w http.ResponseWriter, r *http.Request) {
		s := m.Get(r)
		if err := s.Update(func(c *Cart) { c.Items++ }); err != nil {
			http.Error(w, "cart too large", http.StatusRequestEntityTooLarge)
			return
		}
		fmt.Fprintf(w, "items=%d", s.Data().Items) // the cookie is written before this
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "ok") // never asks: no decoding, no cookie
	})
	srv := m.Middleware(mux) // or http.ListenAndServe(addr, m.Middleware(mux))

	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("POST", "https://example.com/cart", nil))
	fmt.Println(rec.Body.String(), len(rec.Result().Cookies()), rec.Header().Get("Vary"))
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "https://example.com/healthz", nil))
	fmt.Println(rec.Body.String(), len(rec.Result().Cookies()))
	// Output:
	// items=1 1 Cookie, X-Session-Session
	// ok 0
}

// Load and Save carry a session without net/http: cookies in as the
// strings a serverless event holds them, Set-Cookie lines out.
func ExampleManager_Load() {
	m, err := session.New(session.Config[Cart]{
		Name: "cart",
		Keys: []sealed.Key{{ID: 1, Password: "an example password of at least 32 bytes"}},
	})
	if err != nil {
		panic(err)
	}
	handle := func(cookies []string, sessionHeader string) (setCookies []string) {
		// An event's cookies array ("a=1", "b=2") is one Cookie header line.
		s := m.Load(context.Background(), []string{strings.Join(cookies, "; ")}, sessionHeader)
		if err := s.Update(func(c *Cart) { c.Items++ }); err != nil {
			panic(err)
		}
		out := http.Header{}
		if err := s.Save(out); err != nil {
			panic(err)
		}
		return out["Set-Cookie"]
	}

	first := handle([]string{"theme=dark"}, "")
	value := strings.TrimPrefix(strings.SplitN(first[0], ";", 2)[0], "cart=")
	second := handle([]string{"theme=dark", "cart=" + value}, "")
	s := m.Load(context.Background(), []string{strings.SplitN(second[0], ";", 2)[0]}, "")
	fmt.Println(len(first), len(second), s.Data().Items)
	// Output: 1 1 2
}
