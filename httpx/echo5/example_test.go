package sealecho5_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/labstack/echo/v5"

	sealecho5 "github.com/sealcookie/sealcookie/httpx/echo5"
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
	e := echo.New()
	e.Use(sealecho5.Middleware(m))
	e.GET("/", func(c *echo.Context) error {
		s := sealecho5.Get(c, m)
		if err := s.Update(func(u *User) { u.Visits++ }); err != nil {
			return err
		}
		return c.String(http.StatusOK, fmt.Sprintf("visits: %d\n", s.Data().Visits))
	})

	// Two visits by a client that sends back the cookie it was given.
	var cookies []*http.Cookie
	for range 2 {
		req := httptest.NewRequest(http.MethodGet, "https://example.com/", nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		cookies = rec.Result().Cookies()
		fmt.Print(rec.Body.String())
		fmt.Println("cookies set:", len(cookies), cookies[0].Name)
	}
	// Output:
	// visits: 1
	// cookies set: 1 __Host-session
	// visits: 2
	// cookies set: 1 __Host-session
}
