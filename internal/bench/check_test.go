package bench

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/internal/testpayload"
)

// The benchmarks are only worth their numbers if every scheme does the
// whole job: these tests run each one once on both payloads.

func diff(want, got testpayload.Envelope) string { return cmp.Diff(want, got) }

func checkEqual(tb testing.TB, want, got testpayload.Envelope) {
	tb.Helper()
	if d := diff(want, got); d != "" {
		tb.Fatalf("opened payload differs (-want +got):\n%s", d)
	}
}

func TestStructCodecsRoundTrip(t *testing.T) {
	for _, name := range payloadNames {
		p := loadPayload(t, name)
		for _, c := range structCodecs(t) {
			t.Run(name+"/"+c.scheme, func(t *testing.T) {
				env := p.env
				v, err := c.seal(&env)
				if err != nil {
					t.Fatal(err)
				}
				if d := diff(p.env, env); d != "" {
					t.Errorf("seal changed its input (-want +got):\n%s", d)
				}
				var got testpayload.Envelope
				if err := c.open(v, &got); err != nil {
					t.Fatal(err)
				}
				checkEqual(t, p.env, got)
				tampered := []byte(v)
				tampered[len(tampered)/2] ^= 1
				if err := c.open(string(tampered), &got); err == nil {
					t.Error("a tampered value opened")
				}
			})
		}
	}
}

func TestByteCodecsRoundTrip(t *testing.T) {
	for _, name := range payloadNames {
		p := loadPayload(t, name)
		for _, c := range byteCodecs(t) {
			t.Run(name+"/"+c.scheme, func(t *testing.T) {
				in := bytes.Clone(p.raw)
				v, err := c.seal(in)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(in, p.raw) {
					t.Error("seal changed its input")
				}
				pt, err := c.open(v)
				if err != nil || !bytes.Equal(pt, p.raw) {
					t.Fatalf("open: %v; got %d bytes, want %d", err, len(pt), len(p.raw))
				}
				tampered := []byte(v)
				tampered[len(tampered)/2] ^= 1
				if _, err := c.open(string(tampered)); err == nil {
					t.Error("a tampered value opened")
				}
			})
		}
	}
}

// The limit is exactly nonce ‖ ciphertext ‖ tag in unpadded base64url, and
// limit-json seals the payload file's own bytes (the JSON re-encodes exactly).
func TestLimitLength(t *testing.T) {
	for _, name := range payloadNames {
		p := loadPayload(t, name)
		c := newLimitCodec(t)
		want := base64.RawURLEncoding.EncodedLen(24 + len(p.raw) + 16)
		if got := len(c.seal(p.raw)); got != want {
			t.Errorf("%s: limit value has %d chars, want %d", name, got, want)
		}
		v, err := c.sealJSON(&p.env)
		if err != nil {
			t.Fatal(err)
		}
		if len(v) != want {
			t.Errorf("%s: limit-json value has %d chars, want %d", name, len(v), want)
		}
	}
}

func TestRequestCases(t *testing.T) {
	for _, name := range payloadNames {
		p := loadPayload(t, name)
		bare := bareCase(t, p)
		if _, err := bare.check(serve(bare.handler, bare.cookie)); err != nil {
			t.Errorf("%s/bare: %v", name, err)
		}
		for _, c := range requestCases(t, p) {
			t.Run(name+"/"+c.scheme, func(t *testing.T) {
				// Twice from the same cookie: the handler must not depend on
				// state left by an earlier request.
				for range 2 {
					n, err := c.check(serve(c.handler, c.cookie))
					if err != nil {
						t.Fatal(err)
					}
					if n == 0 {
						t.Fatal("no cookie length reported")
					}
				}
				// A tampered cookie is refused, not served.
				v := []byte(cookieHeaderValue(c.cookie))
				v[len(v)/2] ^= 1
				if w := serve(c.handler, cookieName+"="+string(v)); w.Code != http.StatusBadRequest {
					t.Errorf("tampered cookie: status %d, want 400", w.Code)
				}
			})
		}
	}
}
