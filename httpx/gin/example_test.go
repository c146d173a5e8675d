package sealgin_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/gin-gonic/gin"

	sealgin "github.com/sealcookie/sealcookie/httpx/gin"
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
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(sealgin.Middleware(m))
	r.GET("/", func(c *gin.Context) {
		s := sealgin.Get(c, m)
		if err := s.Update(func(u *User) { u.Visits++ }); err != nil {
			c.AbortWithStatus(http.StatusInternalServerError)
			return
		}
		// WriteString reaches gin's writer directly: the adapter commits first.
		c.Writer.WriteString(fmt.Sprintf("visits: %d\n", s.Data().Visits))
	})

	// Two visits by a client that sends back the cookie it was given.
	var cookies []*http.Cookie
	for range 2 {
		req := httptest.NewRequest(http.MethodGet, "https://example.com/", nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
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
