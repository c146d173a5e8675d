package sessiontest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/sessiontest"
)

type User struct {
	Name   string `json:"name,omitempty"`
	Visits int    `json:"visits"`
}

// A test of a handler that counts a signed-in user's visits: the request
// carries a session, and the test reads the one the response set.
func Example() {
	m, err := session.New(session.Config[User]{
		Keys: []sealed.Key{{ID: 1, Password: "an example password of 32 bytes or more"}},
	})
	if err != nil {
		panic(err)
	}
	handler := m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := m.Get(r)
		if err := s.Update(func(u *User) { u.Visits++ }); err != nil {
			http.Error(w, "session too large", http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(w, "hello %s", s.Data().Name)
	}))

	req := httptest.NewRequest(http.MethodGet, "https://example.com/", nil)
	if err := sessiontest.AddCookie(req, m, User{Name: "ada", Visits: 41}); err != nil {
		panic(err)
	}
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)

	s, err := sessiontest.Read(m, rec.Result().Header)
	if err != nil {
		panic(err)
	}
	fmt.Println(rec.Body.String())
	fmt.Printf("%+v\n", s.Data())
	// Output:
	// hello ada
	// {Name:ada Visits:42}
}
