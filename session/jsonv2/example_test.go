//go:build go1.27 || goexperiment.jsonv2

package jsonv2_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/jsonv2"
)

type Cart struct {
	Items []string `json:"items"`
}

// A Manager that encodes its sessions with encoding/json/v2: the one line
// is Config.Encoding. A nil slice encodes as [], not null.
func Example() {
	m, err := session.New(session.Config[Cart]{
		Keys:     []sealed.Key{{ID: 1, Password: "an example password of at least 32 bytes"}},
		Encoding: jsonv2.Encoding{},
	})
	if err != nil {
		log.Fatal(err)
	}
	s := m.Get(httptest.NewRequest("GET", "https://shop.example/", nil))
	if err := s.Update(func(c *Cart) { c.Items = nil }); err != nil {
		log.Fatal(err)
	}
	h := http.Header{}
	if err := s.Save(h); err != nil {
		log.Fatal(err)
	}
	c, err := http.ParseSetCookie(h.Get("Set-Cookie"))
	if err != nil {
		log.Fatal(err)
	}
	env, err := m.Decode(context.Background(), c.Value) // as the next request's Get would
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(env.Data.Items != nil, len(env.Data.Items))
	// Output: true 0
}
