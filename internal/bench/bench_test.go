// Package bench holds the peer and limit benchmarks that sealcookie's own
// benchmarks are compared with, in one place, on the team's reference
// payloads (internal/testpayload). It has test files only; `make bench` runs
// it together with the packages' own benchmarks and the Node peers, and
// internal/benchreport turns the output into BENCHMARKS.md.
//
// Names follow Benchmark<Op>/<payload>/<scheme>, Op ∈ {Seal, Open, Roundtrip,
// Request}:
//
//   - limit: XChaCha20-Poly1305 + unpadded base64url with a precomputed key,
//     bytes in and out, no header, no additional data (the physical limit);
//   - limit-json: encoding/json + the same AEAD + base64url, struct → cookie
//     → struct (the full limit);
//   - gorilla-nop: gorilla/securecookie v1.1.2 on the same bytes (NopEncoder);
//   - gorilla-json, gorilla-gob: gorilla/securecookie with its JSONEncoder and
//     its default gob encoder, on the payload struct;
//   - gorilla-sessions: a whole request through gorilla/sessions v1.4.0's
//     CookieStore (Request only);
//   - Request/<payload>/bare: the same request, cookie included, to a
//     handler that ignores the session: the baseline that request rows
//     subtract to get the time a session adds.
//
// Every benchmark reports allocations and, where it makes one, the cookie
// length in characters as the "chars" metric, and checks its result after
// the loop.
package bench

import (
	"bytes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"testing"
	"unsafe"

	"github.com/gorilla/securecookie"
	"golang.org/x/crypto/chacha20poly1305"

	"github.com/sealcookie/sealcookie/internal/testpayload"
)

var payloadNames = []string{testpayload.Small, testpayload.Large}

// cookieName is the name every scheme seals for (h3's default).
const cookieName = "h3"

// payload is one reference payload as raw JSON and as the Go struct.
type payload struct {
	name string
	raw  []byte
	env  testpayload.Envelope
}

func loadPayload(tb testing.TB, name string) payload {
	tb.Helper()
	raw, err := testpayload.Read(name)
	if err != nil {
		tb.Fatalf("reading payload %s: %v", name, err)
	}
	var env testpayload.Envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		tb.Fatalf("decoding payload %s: %v", name, err)
	}
	return payload{name: name, raw: raw, env: env}
}

// limitCodec is the bare XChaCha20-Poly1305 + base64url sealer: precomputed
// key, random 24-byte nonce, reused scratch buffers, no header and no
// additional data. Sealing allocates only the returned string; opening
// allocates nothing. It is not safe for concurrent use.
type limitCodec struct {
	aead    cipher.AEAD
	scratch []byte // nonce ‖ ciphertext ‖ tag, while sealing
	opened  []byte // decoded value, then plaintext, while opening
}

var b64 = base64.RawURLEncoding

func newLimitCodec(tb testing.TB) *limitCodec {
	tb.Helper()
	key := make([]byte, chacha20poly1305.KeySize)
	rand.Read(key)
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		tb.Fatal(err)
	}
	return &limitCodec{
		aead:    aead,
		scratch: make([]byte, 0, 64<<10),
		opened:  make([]byte, 64<<10),
	}
}

// seal returns the cookie value of pt.
func (c *limitCodec) seal(pt []byte) string {
	ns := chacha20poly1305.NonceSizeX
	buf := c.scratch[:ns]
	rand.Read(buf)
	buf = c.aead.Seal(buf, buf[:ns], pt, nil)
	out := make([]byte, b64.EncodedLen(len(buf)))
	b64.Encode(out, buf)
	return unsafe.String(unsafe.SliceData(out), len(out)) // out is never written again
}

// open returns the plaintext of v. It aliases the codec's scratch buffer and
// is valid until the next call.
func (c *limitCodec) open(v string) ([]byte, error) {
	if b64.DecodedLen(len(v)) > len(c.opened) {
		return nil, fmt.Errorf("bench: value of %d characters is too large", len(v))
	}
	// Decode only reads its source, so the string's bytes can be lent to it.
	n, err := b64.Decode(c.opened, unsafe.Slice(unsafe.StringData(v), len(v)))
	if err != nil {
		return nil, err
	}
	ns := chacha20poly1305.NonceSizeX
	if n < ns+chacha20poly1305.Overhead {
		return nil, fmt.Errorf("bench: value too short")
	}
	raw := c.opened[:n]
	return c.aead.Open(raw[ns:ns], raw[:ns], raw[ns:], nil)
}

// sealJSON is the full limit's seal: struct → JSON → cookie value.
func (c *limitCodec) sealJSON(env *testpayload.Envelope) (string, error) {
	pt, err := json.Marshal(env)
	if err != nil {
		return "", err
	}
	return c.seal(pt), nil
}

// openJSON is the full limit's open: cookie value → JSON → struct.
func (c *limitCodec) openJSON(v string, env *testpayload.Envelope) error {
	pt, err := c.open(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(pt, env)
}

// gorillaCodec returns gorilla/securecookie as its documentation recommends
// (64-byte hash key, 32-byte AES-256 block key) with the given encoder. Its
// default MaxLength(4096) refuses the large payload's cookie, so it is lifted.
func gorillaCodec(enc securecookie.Serializer) *securecookie.SecureCookie {
	s := securecookie.New(securecookie.GenerateRandomKey(64), securecookie.GenerateRandomKey(32))
	s.SetSerializer(enc)
	s.MaxLength(64 << 10)
	return s
}

// structCodec is one scheme that turns the payload struct into a cookie value
// and back.
type structCodec struct {
	scheme string
	seal   func(*testpayload.Envelope) (string, error)
	open   func(string, *testpayload.Envelope) error
}

func structCodecs(tb testing.TB) []structCodec {
	tb.Helper()
	limit := newLimitCodec(tb)
	gj := gorillaCodec(securecookie.JSONEncoder{})
	gg := gorillaCodec(securecookie.GobEncoder{})
	return []structCodec{
		{"limit-json", limit.sealJSON, limit.openJSON},
		{
			"gorilla-json",
			func(e *testpayload.Envelope) (string, error) { return gj.Encode(cookieName, e) },
			func(v string, e *testpayload.Envelope) error { return gj.Decode(cookieName, v, e) },
		},
		{
			"gorilla-gob",
			func(e *testpayload.Envelope) (string, error) { return gg.Encode(cookieName, e) },
			func(v string, e *testpayload.Envelope) error { return gg.Decode(cookieName, v, e) },
		},
	}
}

// byteCodec is one scheme that seals bytes.
type byteCodec struct {
	scheme string
	seal   func([]byte) (string, error)
	open   func(string) ([]byte, error)
}

func byteCodecs(tb testing.TB) []byteCodec {
	tb.Helper()
	limit := newLimitCodec(tb)
	nop := gorillaCodec(securecookie.NopEncoder{})
	var mine []byte
	return []byteCodec{
		{"limit", func(pt []byte) (string, error) { return limit.seal(pt), nil }, limit.open},
		{
			"gorilla-nop",
			func(pt []byte) (string, error) {
				// securecookie encrypts a NopEncoder value in place: hand it
				// its own copy, reused so that the copy is not timed as an
				// allocation.
				mine = append(mine[:0], pt...)
				return nop.Encode(cookieName, mine)
			},
			func(v string) ([]byte, error) {
				var pt []byte
				err := nop.Decode(cookieName, v, &pt)
				return pt, err
			},
		},
	}
}

func BenchmarkSeal(b *testing.B) {
	for _, name := range payloadNames {
		p := loadPayload(b, name)
		for _, c := range byteCodecs(b) {
			b.Run(name+"/"+c.scheme, func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(p.raw)))
				var v string
				var err error
				for b.Loop() {
					v, err = c.seal(p.raw)
				}
				if err != nil {
					b.Fatal(err)
				}
				if pt, err := c.open(v); err != nil || !bytes.Equal(pt, p.raw) {
					b.Fatalf("the last value does not open to the payload: %v", err)
				}
				b.ReportMetric(float64(len(v)), "chars")
			})
		}
		for _, c := range structCodecs(b) {
			b.Run(name+"/"+c.scheme, func(b *testing.B) {
				b.ReportAllocs()
				env := p.env
				var v string
				var err error
				for b.Loop() {
					v, err = c.seal(&env)
				}
				if err != nil {
					b.Fatal(err)
				}
				checkOpens(b, c, v, p.env)
				b.ReportMetric(float64(len(v)), "chars")
			})
		}
	}
}

func BenchmarkOpen(b *testing.B) {
	for _, name := range payloadNames {
		p := loadPayload(b, name)
		for _, c := range byteCodecs(b) {
			b.Run(name+"/"+c.scheme, func(b *testing.B) {
				v, err := c.seal(p.raw)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				b.SetBytes(int64(len(p.raw)))
				var pt []byte
				for b.Loop() {
					pt, err = c.open(v)
				}
				if err != nil || !bytes.Equal(pt, p.raw) {
					b.Fatalf("open: %v; got %d bytes, want the %d-byte payload", err, len(pt), len(p.raw))
				}
				b.ReportMetric(float64(len(v)), "chars")
			})
		}
		for _, c := range structCodecs(b) {
			b.Run(name+"/"+c.scheme, func(b *testing.B) {
				v, err := c.seal(&p.env)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				var got testpayload.Envelope
				for b.Loop() {
					got = testpayload.Envelope{}
					err = c.open(v, &got)
				}
				if err != nil {
					b.Fatal(err)
				}
				checkEqual(b, p.env, got)
				b.ReportMetric(float64(len(v)), "chars")
			})
		}
	}
}

// BenchmarkRoundtrip is what a request that changes its session does with
// the cookie: open it into a fresh struct, change a value, seal it again.
func BenchmarkRoundtrip(b *testing.B) {
	for _, name := range payloadNames {
		p := loadPayload(b, name)
		for _, c := range structCodecs(b) {
			b.Run(name+"/"+c.scheme, func(b *testing.B) {
				in, err := c.seal(&p.env)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				var out string
				for b.Loop() {
					var env testpayload.Envelope
					if err := c.open(in, &env); err != nil {
						b.Fatal(err)
					}
					env.Data.Views++
					if out, err = c.seal(&env); err != nil {
						b.Fatal(err)
					}
				}
				want := p.env
				want.Data.Views++
				checkOpens(b, c, out, want)
				b.ReportMetric(float64(len(out)), "chars")
			})
		}
	}
}

func checkOpens(tb testing.TB, c structCodec, v string, want testpayload.Envelope) {
	tb.Helper()
	var got testpayload.Envelope
	if err := c.open(v, &got); err != nil {
		tb.Fatalf("%s: the last value does not open: %v", c.scheme, err)
	}
	checkEqual(tb, want, got)
}
