package chi_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/sealcookie/sealcookie/httpx"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
)

type User struct {
	Name   string `json:"name,omitempty"`
	Visits int    `json:"visits"`
}

func Example() {
	m, err := session.New(session.Config[User]{
		Keys: []sealed.Key{{ID: 1, Password: "an example password of 32 bytes or more"}},
	})
	if err != nil {
		panic(err)
	}
	guard, err := httpx.NewGuard(m, httpx.GuardConfig[User]{Authenticated: func(u User) bool { return u.Name != "" }})
	if err != nil {
		panic(err)
	}

	r := chi.NewRouter()
	r.Use(middleware.Recoverer, m.Middleware) // chi's own middleware and the session's, side by side
	r.Get("/", func(w http.ResponseWriter, r *http.Request) {
		s := m.Get(r)
		if err := s.Update(func(u *User) { u.Visits++ }); err != nil {
			http.Error(w, "session too large", http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(w, "visits: %d", s.Data().Visits)
	})
	r.Group(func(r chi.Router) {
		r.Use(guard.Handler) // the route guard is standard middleware too
		r.Get("/account", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "account of %s", m.Get(r).Data().Name)
		})
	})

	var cookies []*http.Cookie
	for _, path := range []string{"/", "/", "/account"} {
		req := httptest.NewRequest(http.MethodGet, "https://example.com"+path, nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		if set := rec.Result().Cookies(); len(set) != 0 {
			cookies = set
		}
		if loc := rec.Header().Get("Location"); loc != "" {
			fmt.Println(path, rec.Code, "to", loc)
		} else {
			fmt.Println(path, rec.Code, rec.Body.String())
		}
	}
	// Output:
	// / 200 visits: 1
	// / 200 visits: 2
	// /account 303 to /auth/login?redirectTo=%2Faccount
}
