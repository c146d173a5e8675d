package authjs_test

import (
	"context"
	"errors"
	"testing"

	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/authjs"
)

// FuzzOpen feeds arbitrary tokens to a Manager in the Auth.js format, seeded
// with Auth.js's own tokens from the vectors: nothing panics, every refusal
// matches a sentinel, and whatever opens is a JSON object that Go writes
// back as a token Go reads again.
func FuzzOpen(f *testing.F) {
	seeds := 0
	for _, v := range loadVectors(f) {
		if v.Token != "" && len(v.Secrets) == 1 && v.CookieName == authjs.CookieName {
			f.Add(v.Token)
			seeds++
		}
	}
	if seeds == 0 {
		f.Fatal("no seed tokens in authjs.json")
	}
	f.Add("")
	f.Add("....")
	f.Add("eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..AAAAAAAAAAAAAAAA..AAAAAAAAAAAAAAAAAAAAAA")
	m := newManager(f, authjs.Config{CookieName: authjs.CookieName, Secrets: []string{"sealcookie authjs vector secret one, 44 chars"}, UpdateAge: -1}, at(t0))
	f.Fuzz(func(t *testing.T, v string) {
		e, err := m.Decode(context.Background(), v)
		if err != nil {
			for _, s := range []error{sealed.ErrMalformed, sealed.ErrNotAuthentic, sealed.ErrUnknownKey, sealed.ErrExpired, sealed.ErrTooLarge, session.ErrInvalid} {
				if errors.Is(err, s) {
					return
				}
			}
			t.Fatalf("Decode error %v matches no sentinel", err)
		}
		again, err := m.Encode(session.Envelope[Claims]{Data: e.Data})
		if err != nil {
			t.Fatalf("re-encoding accepted claims: %v", err)
		}
		if _, err := m.Decode(context.Background(), again); err != nil {
			t.Fatalf("our re-encoded token: %v", err)
		}
	})
}
