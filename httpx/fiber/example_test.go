package sealfiber_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/gofiber/fiber/v3"

	sealfiber "github.com/sealcookie/sealcookie/httpx/fiber"
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
	// A larger read buffer than fasthttp's 4096 bytes, for chunked sessions.
	app := fiber.New(fiber.Config{ReadBufferSize: 40 << 10})
	app.Use(sealfiber.Middleware(m))
	app.Get("/", func(c fiber.Ctx) error {
		s := sealfiber.Get(c, m)
		if err := s.Update(func(u *User) { u.Visits++ }); err != nil {
			return err
		}
		return c.SendString(fmt.Sprintf("visits: %d\n", s.Data().Visits))
	})

	// Two visits by a client that sends back the cookie it was given.
	var cookies []*http.Cookie
	for range 2 {
		req := httptest.NewRequest(http.MethodGet, "https://example.com/", nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		resp, err := app.Test(req)
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(resp.Body)
		cookies = resp.Cookies()
		fmt.Print(string(body))
		fmt.Println("cookies set:", len(cookies), cookies[0].Name, "Vary:", resp.Header.Get("Vary"))
	}
	// Output:
	// visits: 1
	// cookies set: 1 __Host-session Vary: Cookie, X-Session-Session
	// visits: 2
	// cookies set: 1 __Host-session Vary: Cookie, X-Session-Session
}
