package session_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
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
		if err := s.Save(w); err != nil {
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

// A Manager in FormatH3 shares its cookie with an h3 (Nuxt, Nitro)
// application configured with the same password and options.
func Example_h3() {
	m, err := session.New(session.Config[map[string]any]{
		Format:       session.FormatH3,
		IronPassword: iron.PasswordOption{Plain: "the h3 application's password, 32+ characters"},
		MaxAge:       -1,               // h3's maxAge left unset
		IdleTimeout:  30 * time.Minute, // h3's idleTimeout: 1800
	})
	if err != nil {
		panic(err)
	}
	rec := httptest.NewRecorder()
	s := m.Get(httptest.NewRequest("GET", "https://example.com/", nil))
	if err := session.Merge(s, map[string]any{"user": "ada"}); err != nil {
		panic(err)
	}
	if err := s.Save(rec); err != nil {
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
