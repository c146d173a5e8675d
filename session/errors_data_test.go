package session_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
)

// secretKey is a map key of the session data: plaintext that no error may
// carry, under any JSON implementation (encoding/json, session/jsonv2, and
// encoding/json on json/v2's engine).
const secretKey = "sk_live_51Hx9TOKEN"

type wallet struct {
	Tokens map[string]int `json:"tokens"`
}

// TestErrorsNameNoData decodes a session whose map holds a value of the
// wrong type, and encodes one that JSON cannot carry, with every codec of
// this build: Decode, OnError and Update describe where from the Go type
// alone, never naming the map key.
func TestErrorsNameNoData(t *testing.T) {
	for _, c := range altCodecs {
		t.Run(c.scheme, func(t *testing.T) {
			clk := newClock()
			writer, err := session.New(session.Config[map[string]any]{Name: "app", Keys: []sealed.Key{key1}, Clock: clk.Now, Encoding: c.codec})
			if err != nil {
				t.Fatal(err)
			}
			v, err := writer.Encode(session.Envelope[map[string]any]{Data: map[string]any{"tokens": map[string]any{secretKey: "not a number"}}})
			if err != nil {
				t.Fatal(err)
			}
			log := &errLog{}
			reader, err := session.New(session.Config[wallet]{Name: "app", Keys: []sealed.Key{key1}, Clock: clk.Now, Encoding: c.codec, OnError: log.Hook})
			if err != nil {
				t.Fatal(err)
			}
			_, derr := reader.Decode(t.Context(), v)
			s := reader.Load(t.Context(), []string{"app=" + v}, "")
			heard := log.Take()
			if derr == nil || !s.IsNew() || len(heard) != 1 {
				t.Fatalf("Decode: %v; fresh session %v; OnError heard %v", derr, s.IsNew(), heard)
			}
			for _, err := range []error{derr, heard[0]} {
				if !errors.Is(err, session.ErrInvalid) || strings.Contains(err.Error(), secretKey) || strings.Contains(err.Error(), "not a number") {
					t.Errorf("%q: want ErrInvalid, naming neither the key nor the value", err)
				}
				if !strings.Contains(err.Error(), `"data.tokens[…]"`) {
					t.Errorf("%q: want the place, data.tokens[…]", err)
				}
			}

			// Encoding: a NaN under a secret key.
			nan, err := session.New(session.Config[map[string]float64]{Name: "app", Keys: []sealed.Key{key1}, Clock: clk.Now, Encoding: c.codec, OnError: log.Hook})
			if err != nil {
				t.Fatal(err)
			}
			s2 := nan.Load(t.Context(), nil, "")
			uerr := s2.Update(func(m *map[string]float64) { *m = map[string]float64{secretKey: math.NaN()} })
			if uerr == nil || strings.Contains(uerr.Error(), secretKey) {
				t.Errorf("Update: %v; want an error naming neither the key nor the value", uerr)
			}
		})
	}
}
