package sealed_test

// Benchmarks of the native format beside its limit and its peer, in one run:
//
//	go test -run='^$' -bench=. -benchmem ./sealed
//
// Names are Benchmark<Op>/<payload>/<scheme> so that the report generator can
// line them up: scheme "sealcookie" is ours, "limit" the bare
// XChaCha20-Poly1305 + base64url cost with a precomputed key (the physical
// limit), "gorilla-nop" gorilla/securecookie on the same bytes (its
// NopEncoder), and "*-json" the same work starting from the payload struct.

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"testing"
	"unsafe"

	"github.com/gorilla/securecookie"
	"golang.org/x/crypto/chacha20poly1305"

	"github.com/sealcookie/sealcookie/internal/testpayload"
	"github.com/sealcookie/sealcookie/sealed"
)

var payloads = []string{testpayload.Small, testpayload.Large}

func loadPayload(b *testing.B, name string) ([]byte, testpayload.Envelope) {
	raw, err := testpayload.Read(name)
	if err != nil {
		b.Fatal(err)
	}
	var e testpayload.Envelope
	if err := json.Unmarshal(raw, &e); err != nil {
		b.Fatal(err)
	}
	return raw, e
}

// newLimit returns the bare XChaCha20-Poly1305 + base64url sealer: precomputed
// key, reused scratch, random nonce, no header, no additional data.
func newLimit(b *testing.B) (seal func(pt []byte) string, open func(dst []byte, v string) ([]byte, error)) {
	key := make([]byte, chacha20poly1305.KeySize)
	rand.Read(key)
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		b.Fatal(err)
	}
	scratch := make([]byte, 0, 64<<10)
	enc := base64.RawURLEncoding
	seal = func(pt []byte) string {
		buf := scratch[:chacha20poly1305.NonceSizeX]
		rand.Read(buf)
		buf = aead.Seal(buf, buf[:chacha20poly1305.NonceSizeX], pt, nil)
		out := make([]byte, enc.EncodedLen(len(buf)))
		enc.Encode(out, buf)
		return unsafe.String(&out[0], len(out)) // one allocation, as tight as it gets
	}
	open = func(dst []byte, v string) ([]byte, error) {
		n, err := enc.Decode(dst[:cap(dst)], []byte(v))
		if err != nil {
			return nil, err
		}
		raw := dst[:n]
		return aead.Open(raw[chacha20poly1305.NonceSizeX:chacha20poly1305.NonceSizeX], raw[:chacha20poly1305.NonceSizeX], raw[chacha20poly1305.NonceSizeX:], nil)
	}
	return seal, open
}

func gorillaCodec(enc securecookie.Serializer) *securecookie.SecureCookie {
	// Its recommended keys: 64-byte hash key, 32-byte AES-256 block key.
	s := securecookie.New(securecookie.GenerateRandomKey(64), securecookie.GenerateRandomKey(32))
	s.SetSerializer(enc)
	s.MaxLength(64 << 10) // its default 4096 refuses the large payload's cookie
	return s
}

func BenchmarkSeal(b *testing.B) {
	ring := mustRing(b, sealed.Key{ID: 1, Password: pw1})
	limitSeal, _ := newLimit(b)
	for _, name := range payloads {
		raw, env := loadPayload(b, name)
		b.Run(name+"/sealcookie", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(raw)))
			var v string
			for b.Loop() {
				v, _ = ring.SealString(raw, "h3", exp)
			}
			if len(v) != sealed.SealedLen(len(raw)) {
				b.Fatalf("sealed length %d", len(v))
			}
			b.ReportMetric(float64(len(v)), "chars")
		})
		b.Run(name+"/sealcookie-append", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(raw)))
			dst := make([]byte, 0, 64<<10)
			var v []byte
			for b.Loop() {
				v, _ = ring.Seal(dst[:0], raw, "h3", exp)
			}
			if len(v) != sealed.SealedLen(len(raw)) {
				b.Fatalf("sealed length %d", len(v))
			}
		})
		b.Run(name+"/limit", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(raw)))
			var v string
			for b.Loop() {
				v = limitSeal(raw)
			}
			b.ReportMetric(float64(len(v)), "chars")
		})
		b.Run(name+"/gorilla-nop", func(b *testing.B) {
			s := gorillaCodec(securecookie.NopEncoder{})
			// securecookie encrypts a NopEncoder value in place: give it its own copy.
			mine := bytes.Clone(raw)
			b.ReportAllocs()
			b.SetBytes(int64(len(raw)))
			var v string
			var err error
			for b.Loop() {
				v, err = s.Encode("h3", mine)
			}
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(len(v)), "chars")
		})
		b.Run(name+"/sealcookie-json", func(b *testing.B) {
			b.ReportAllocs()
			var v string
			for b.Loop() {
				pt, _ := json.Marshal(env)
				v, _ = ring.SealString(pt, "h3", exp)
			}
			if v == "" {
				b.Fatal("empty value")
			}
		})
		b.Run(name+"/gorilla-json", func(b *testing.B) {
			s := gorillaCodec(securecookie.JSONEncoder{})
			b.ReportAllocs()
			var v string
			var err error
			for b.Loop() {
				v, err = s.Encode("h3", env)
			}
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(len(v)), "chars")
		})
	}
}

func BenchmarkOpen(b *testing.B) {
	ring := mustRing(b, sealed.Key{ID: 1, Password: pw1})
	limitSeal, limitOpen := newLimit(b)
	for _, name := range payloads {
		raw, env := loadPayload(b, name)
		v, err := ring.SealString(raw, "h3", exp)
		if err != nil {
			b.Fatal(err)
		}
		vb := []byte(v)
		b.Run(name+"/sealcookie", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(raw)))
			dst := make([]byte, 0, 64<<10)
			var pt []byte
			var err error
			for b.Loop() {
				pt, _, err = ring.Open(dst[:0], vb, "h3", t0)
			}
			if err != nil || !bytes.Equal(pt, raw) {
				b.Fatalf("open: %v", err)
			}
		})
		b.Run(name+"/limit", func(b *testing.B) {
			lv := limitSeal(raw)
			b.ReportAllocs()
			b.SetBytes(int64(len(raw)))
			dst := make([]byte, 0, 64<<10)
			var pt []byte
			var err error
			for b.Loop() {
				pt, err = limitOpen(dst, lv)
			}
			if err != nil || !bytes.Equal(pt, raw) {
				b.Fatalf("open: %v", err)
			}
		})
		b.Run(name+"/gorilla-nop", func(b *testing.B) {
			s := gorillaCodec(securecookie.NopEncoder{})
			gv, err := s.Encode("h3", bytes.Clone(raw)) // it encrypts its input in place
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(raw)))
			var pt []byte
			for b.Loop() {
				pt = nil
				err = s.Decode("h3", gv, &pt)
			}
			if err != nil || !bytes.Equal(pt, raw) {
				b.Fatalf("decode: %v; got %d bytes %.40q", err, len(pt), pt)
			}
		})
		b.Run(name+"/sealcookie-json", func(b *testing.B) {
			b.ReportAllocs()
			dst := make([]byte, 0, 64<<10)
			var got testpayload.Envelope
			for b.Loop() {
				pt, _, err := ring.Open(dst[:0], vb, "h3", t0)
				if err != nil {
					b.Fatal(err)
				}
				got = testpayload.Envelope{}
				if err := json.Unmarshal(pt, &got); err != nil {
					b.Fatal(err)
				}
			}
			if got.ID != env.ID {
				b.Fatal("round trip lost the id")
			}
		})
		b.Run(name+"/gorilla-json", func(b *testing.B) {
			s := gorillaCodec(securecookie.JSONEncoder{})
			gv, err := s.Encode("h3", env)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			var got testpayload.Envelope
			for b.Loop() {
				got = testpayload.Envelope{}
				err = s.Decode("h3", gv, &got)
			}
			if err != nil || got.ID != env.ID {
				b.Fatalf("decode: %v", err)
			}
		})
	}
}
