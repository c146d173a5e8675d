package authjs_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/authjs"
)

// A Go handler next to a Next.js app reads the Auth.js session the app
// wrote and changes it; the app's next auth() sees the new role.
func Example() {
	type User struct {
		authjs.Claims
		Role string `json:"role,omitempty"`
	}
	f, err := authjs.New(authjs.Config{Secrets: []string{"the application's AUTH_SECRET, 32+ bytes"}})
	if err != nil {
		panic(err)
	}
	m, err := session.New(session.Config[User]{Format: f})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /promote", func(w http.ResponseWriter, r *http.Request) {
		s := m.Get(r)
		if s.Data().Subject == "" {
			http.Error(w, "sign in first", http.StatusUnauthorized)
			return
		}
		s.Update(func(u *User) { u.Role = "admin" })
		fmt.Fprintf(w, "%s is now %s\n", s.Data().Name, s.Data().Role)
	})
	h := m.Middleware(mux)

	// The cookie the Next.js app set at sign-in (here written by Go).
	token, _ := m.Encode(session.Envelope[User]{Data: User{Claims: authjs.Claims{Name: "Ada", Subject: "user-1"}}})
	r := httptest.NewRequest("POST", "https://app.example/promote", nil)
	r.Header.Set("Cookie", authjs.CookieName+"="+token)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)

	fmt.Print(w.Body.String())
	set := w.Result().Cookies()[0]
	fmt.Println(set.Name, set.MaxAge, strings.HasPrefix(set.Value, "eyJhbGciOiJkaXIi"))
	// Output:
	// Ada is now admin
	// __Secure-authjs.session-token 2592000 true
}
