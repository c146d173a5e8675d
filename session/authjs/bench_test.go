package authjs_test

// The Auth.js format through a Manager, beside the native format:
//
//	go test -run='^$' -bench=. -benchmem ./session/authjs
//
// Decode: a request's Cookie header → the typed claims (parse, HMAC-SHA-512,
// AES-CBC, the claims check, JSON into the session type). Encode: a changed
// session → its Set-Cookie lines.

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/authjs"
)

type benchUser struct {
	authjs.Claims
	Notes string `json:"notes"`
}

func benchManager(b *testing.B, native bool) *session.Manager[benchUser] {
	cfg := session.Config[benchUser]{Clock: at(t0).Now}
	if native {
		cfg.Keys = []sealed.Key{{ID: 1, Password: secret1}}
	} else {
		cfg.Format = newFormat(b, authjs.Config{UpdateAge: -1})
	}
	m, err := session.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	return m
}

func BenchmarkManager(b *testing.B) {
	for _, format := range []string{"authjs", "native"} {
		for _, size := range []int{64, 1 << 10, 4 << 10, 16 << 10} {
			m := benchManager(b, format == "native")
			data := benchUser{Claims: authjs.Claims{Name: "Ada", Email: "ada@example.com", Subject: "user-1"}, Notes: strings.Repeat("n", size)}
			s := m.Load(context.Background(), nil, "")
			if err := s.Update(func(u *benchUser) { *u = data }); err != nil {
				b.Fatal(err)
			}
			h := http.Header{}
			if err := s.Save(h); err != nil {
				b.Fatal(err)
			}
			j := newJar(b)
			j.apply(b, h["Set-Cookie"])
			lines := j.header()
			b.Run(fmt.Sprintf("Decode/%s/%d", format, size), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(size))
				var got *session.Session[benchUser]
				for b.Loop() {
					got = m.Load(context.Background(), lines, "")
				}
				if got.IsNew() || len(got.Data().Notes) != size {
					b.Fatal("the session did not decode")
				}
			})
			b.Run(fmt.Sprintf("Encode/%s/%d", format, size), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(size))
				h := http.Header{}
				for b.Loop() {
					s := m.Load(context.Background(), nil, "")
					if err := s.Update(func(u *benchUser) { *u = data }); err != nil {
						b.Fatal(err)
					}
					clear(h)
					if err := s.Save(h); err != nil {
						b.Fatal(err)
					}
				}
				if len(h["Set-Cookie"]) == 0 {
					b.Fatal("nothing written")
				}
			})
		}
	}
}
