package revoke_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/revoke"
)

// Log out everywhere: two browsers signed in as the same user; one asks, and
// the other's next request finds itself signed out. The embedded store
// serves one server; ClockSkew is negative because one server has one clock.
func Example() {
	type Profile struct {
		Email string `json:"email"`
	}
	cfg := session.Config[Profile]{
		Keys: []sealed.Key{{ID: 1, Password: "example-only-password-0123456789abcdef"}},
		OnError: func(_ context.Context, err error) {
			fmt.Println("OnError:", errors.Is(err, session.ErrRevoked), errors.Is(err, revoke.ErrUserRevoked))
		},
	}
	rv, err := revoke.New(&cfg, revoke.Config[Profile]{
		User:      func(p Profile) string { return p.Email },
		ClockSkew: -1,
	})
	if err != nil {
		panic(err)
	}
	m, err := session.New(cfg) // after revoke.New, which put its check in cfg.Validate
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	// login signs a browser in and returns the Cookie header it then sends.
	login := func() []string {
		s := m.Load(ctx, nil, "")
		s.Regenerate() // a new id and createdAt: the epoch this session is issued under
		s.Update(func(p *Profile) { p.Email = "ada@example.com" })
		h := http.Header{}
		if err := s.Save(h); err != nil {
			panic(err)
		}
		name, value, _ := strings.Cut(strings.Split(h.Get("Set-Cookie"), ";")[0], "=")
		return []string{name + "=" + value}
	}
	laptop, phone := login(), login()

	// "Log out everywhere", from the laptop.
	s := m.Load(ctx, laptop, "")
	if err := rv.RevokeUser(ctx, s.Data().Email); err != nil {
		panic(err)
	}
	s.Clear()

	fmt.Println("phone signed in:", m.Load(ctx, phone, "").Data().Email != "")
	// Output:
	// OnError: true true
	// phone signed in: false
}
