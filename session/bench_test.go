package session_test

// Session benchmarks beside their bare counterparts and gorilla/sessions:
//
//	go test -run='^$' -bench=. -benchmem ./session
//
// Decode: a request carrying the session cookie → the typed data (cookie
// parse, open, JSON decode). Encode: a changed session → its Set-Cookie
// header (JSON encode, seal, cookie write). "limit-json" is encoding/json +
// XChaCha20-Poly1305 + base64url with a precomputed key and no HTTP at all.

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/gob"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
	"golang.org/x/crypto/chacha20poly1305"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/internal/testpayload"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
)

func benchPayload(b *testing.B, name string) testpayload.Envelope {
	raw, err := testpayload.Read(name)
	if err != nil {
		b.Fatal(err)
	}
	var e testpayload.Envelope
	if err := json.Unmarshal(raw, &e); err != nil {
		b.Fatal(err)
	}
	return e
}

// discardWriter is a ResponseWriter whose header is reset by the caller.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(int)             {}

func benchManager(b *testing.B, codec session.Encoding) (*session.Manager[testpayload.Data], *clock) {
	clk := newClock()
	m, err := session.New(session.Config[testpayload.Data]{
		Name: "h3", Keys: []sealed.Key{key1}, Clock: clk.Now, Encoding: codec,
		MaxAge: 24 * time.Hour, IdleTimeout: -1,
		Cookie: cookie.Attributes{Budget: cookie.NoBudget}, // the large payload is chunked
	})
	if err != nil {
		b.Fatal(err)
	}
	return m, clk
}

func limitAEAD(b *testing.B) (seal func(pt []byte) string, open func(dst []byte, v string) []byte) {
	key := make([]byte, chacha20poly1305.KeySize)
	rand.Read(key)
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		b.Fatal(err)
	}
	scratch := make([]byte, 0, 64<<10)
	enc := base64.RawURLEncoding
	const ns = chacha20poly1305.NonceSizeX
	seal = func(pt []byte) string {
		buf := scratch[:ns]
		rand.Read(buf)
		buf = aead.Seal(buf, buf[:ns], pt, nil)
		out := make([]byte, enc.EncodedLen(len(buf)))
		enc.Encode(out, buf)
		return unsafe.String(&out[0], len(out))
	}
	open = func(dst []byte, v string) []byte {
		n, err := enc.Decode(dst[:cap(dst)], unsafe.Slice(unsafe.StringData(v), len(v)))
		if err != nil {
			b.Fatal(err)
		}
		pt, err := aead.Open(dst[ns:ns], dst[:ns], dst[ns:n], nil)
		if err != nil {
			b.Fatal(err)
		}
		return pt
	}
	return seal, open
}

func init() { gob.Register(testpayload.Data{}) } // gorilla/sessions stores values with gob

// BenchmarkLoad: a request carrying the session cookie → its typed data
// (Manager.Get: cookie parse, open, JSON decode), beside the limit without
// any HTTP and gorilla/sessions reading the same request.
func BenchmarkLoad(b *testing.B) {
	for _, name := range []string{testpayload.Small, testpayload.Large} {
		env := benchPayload(b, name)
		b.Run(name+"/sealcookie", func(b *testing.B) {
			m, _ := benchManager(b, nil)
			v, err := m.Encode(session.Envelope[testpayload.Data]{ID: env.ID, CreatedAt: t0.UnixMilli(), Data: env.Data})
			if err != nil {
				b.Fatal(err)
			}
			// The Cookie header a browser sends back: chunked for the large payload.
			var pairs []string
			w := httptest.NewRecorder()
			spec, err := cookie.New(m.Name(), cookie.Attributes{Budget: cookie.NoBudget})
			if err != nil {
				b.Fatal(err)
			}
			if err := spec.Write(w.Header(), nil, v, time.Time{}, 0); err != nil {
				b.Fatal(err)
			}
			for _, c := range w.Result().Cookies() {
				pairs = append(pairs, c.Name+"="+c.Value)
			}
			r := httptest.NewRequest("GET", "https://example.com/", nil)
			r.Header.Set("Cookie", "theme=dark; "+strings.Join(pairs, "; ")+"; _ga=GA1.2.3")
			b.ReportAllocs()
			var s *session.Session[testpayload.Data]
			for b.Loop() {
				s = m.Get(r)
			}
			if s.IsNew() || s.Data().UserID != env.Data.UserID {
				b.Fatal("decode failed")
			}
			b.ReportMetric(float64(len(v)), "chars")
		})
		b.Run(name+"/limit-json", func(b *testing.B) { benchLimitOpen(b, env) })
		b.Run(name+"/gorilla-sessions", func(b *testing.B) {
			store := sessions.NewCookieStore(securecookie.GenerateRandomKey(64), securecookie.GenerateRandomKey(32))
			for _, c := range store.Codecs {
				c.(*securecookie.SecureCookie).MaxLength(64 << 10)
			}
			w := httptest.NewRecorder()
			r0 := httptest.NewRequest("GET", "https://example.com/", nil)
			gs, _ := store.New(r0, "h3")
			gs.Values["data"] = env.Data
			if err := gs.Save(r0, w); err != nil {
				b.Fatal(err)
			}
			r := httptest.NewRequest("GET", "https://example.com/", nil)
			r.Header.Set("Cookie", "theme=dark; "+w.Result().Cookies()[0].String()+"; _ga=GA1.2.3")
			b.ReportAllocs()
			var got testpayload.Data
			for b.Loop() {
				// New reads and decodes the cookie on every call, as a fresh request would.
				gs, err := store.New(r, "h3")
				if err != nil {
					b.Fatal(err)
				}
				got = gs.Values["data"].(testpayload.Data)
			}
			if got.UserID != env.Data.UserID {
				b.Fatal("decode failed")
			}
		})
	}
}

// namedCodec is a JSON codec measured under its own scheme name.
type namedCodec struct {
	scheme string
	codec  session.Encoding // nil: the default, encoding/json
}

// altCodecs are the codecs Encode and Decode measure; builds with
// GOEXPERIMENT=jsonv2 add session.JSONv2 (codec_jsonv2_test.go).
var altCodecs = []namedCodec{{"sealcookie", nil}}

// BenchmarkDecode: a cookie value → the typed envelope (Manager.Decode, every
// rule enforced), the same work as limit-json's open.
func BenchmarkDecode(b *testing.B) {
	for _, name := range []string{testpayload.Small, testpayload.Large} {
		env := benchPayload(b, name)
		for _, c := range altCodecs {
			b.Run(name+"/"+c.scheme, func(b *testing.B) { benchDecode(b, c.codec, env) })
		}
		b.Run(name+"/limit-json", func(b *testing.B) { benchLimitOpen(b, env) })
	}
}

// benchLimitOpen is the bare counterpart of Decode and Load: base64url +
// XChaCha20-Poly1305 open with a precomputed key, then encoding/json.
func benchLimitOpen(b *testing.B, env testpayload.Envelope) {
	seal, open := limitAEAD(b)
	pt, _ := json.Marshal(env)
	v := seal(pt)
	dst := make([]byte, 0, 64<<10)
	b.ReportAllocs()
	var got testpayload.Envelope
	for b.Loop() {
		got = testpayload.Envelope{}
		if err := json.Unmarshal(open(dst, v), &got); err != nil {
			b.Fatal(err)
		}
	}
	if got.Data.UserID != env.Data.UserID {
		b.Fatal("decode failed")
	}
	b.ReportMetric(float64(len(v)), "chars")
}

func benchDecode(b *testing.B, codec session.Encoding, env testpayload.Envelope) {
	m, _ := benchManager(b, codec)
	v, err := m.Encode(session.Envelope[testpayload.Data]{ID: env.ID, CreatedAt: t0.UnixMilli(), Data: env.Data})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var got *session.Envelope[testpayload.Data]
	for b.Loop() {
		if got, err = m.Decode(b.Context(), v); err != nil {
			b.Fatal(err)
		}
	}
	if got.Data.UserID != env.Data.UserID {
		b.Fatal("decode lost the data")
	}
	b.ReportMetric(float64(len(v)), "chars")
}

// BenchmarkEncode: the typed envelope → its cookie value (Manager.Encode),
// the same work as limit-json's seal.
func BenchmarkEncode(b *testing.B) {
	for _, name := range []string{testpayload.Small, testpayload.Large} {
		env := benchPayload(b, name)
		for _, c := range altCodecs {
			b.Run(name+"/"+c.scheme, func(b *testing.B) { benchEncode(b, c.codec, env) })
		}
		b.Run(name+"/limit-json", func(b *testing.B) {
			seal, _ := limitAEAD(b)
			b.ReportAllocs()
			var v string
			for b.Loop() {
				pt, err := json.Marshal(env)
				if err != nil {
					b.Fatal(err)
				}
				v = seal(pt)
			}
			if v == "" {
				b.Fatal("empty")
			}
			b.ReportMetric(float64(len(v)), "chars")
		})
	}
}

func benchEncode(b *testing.B, codec session.Encoding, env testpayload.Envelope) {
	m, _ := benchManager(b, codec)
	e := session.Envelope[testpayload.Data]{ID: env.ID, CreatedAt: t0.UnixMilli(), Data: env.Data}
	b.ReportAllocs()
	var v string
	var err error
	for b.Loop() {
		v, err = m.Encode(e)
	}
	if err != nil {
		b.Fatal(err)
	}
	if got, err := m.Decode(b.Context(), v); err != nil || got.Data.UserID != env.Data.UserID {
		b.Fatalf("round trip: %v", err)
	}
	b.ReportMetric(float64(len(v)), "chars")
}

// BenchmarkSave: a request's session changed and written as Set-Cookie
// (Get, Update, Save), beside its bare counterpart (encoding/json + AEAD +
// base64url + a Set-Cookie line from http.Cookie.String) and gorilla/sessions.
func BenchmarkSave(b *testing.B) {
	for _, name := range []string{testpayload.Small, testpayload.Large} {
		env := benchPayload(b, name)
		b.Run(name+"/sealcookie", func(b *testing.B) {
			m, _ := benchManager(b, nil)
			r := httptest.NewRequest("GET", "https://example.com/", nil)
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				s := m.Get(r)
				s.Update(func(d *testpayload.Data) { *d = env.Data })
				if err := s.Save(w.Header()); err != nil {
					b.Fatal(err)
				}
			}
			if len(w.h["Set-Cookie"]) == 0 {
				b.Fatal("no Set-Cookie")
			}
		})
		b.Run(name+"/limit-json-setcookie", func(b *testing.B) {
			seal, _ := limitAEAD(b)
			w := &discardWriter{h: http.Header{}}
			exp := t0.Add(time.Hour)
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				pt, err := json.Marshal(env)
				if err != nil {
					b.Fatal(err)
				}
				c := http.Cookie{Name: "h3", Value: seal(pt), Path: "/", Expires: exp, MaxAge: 3600,
					Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode}
				w.h.Add("Set-Cookie", c.String())
			}
			if len(w.h["Set-Cookie"]) == 0 {
				b.Fatal("no Set-Cookie")
			}
		})
		b.Run(name+"/gorilla-sessions", func(b *testing.B) {
			store := sessions.NewCookieStore(securecookie.GenerateRandomKey(64), securecookie.GenerateRandomKey(32))
			for _, c := range store.Codecs {
				c.(*securecookie.SecureCookie).MaxLength(64 << 10)
			}
			r := httptest.NewRequest("GET", "https://example.com/", nil)
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				gs, _ := store.New(r, "h3")
				gs.Values["data"] = env.Data
				if err := gs.Save(r, w); err != nil {
					b.Fatal(err)
				}
			}
			if len(w.h["Set-Cookie"]) == 0 {
				b.Fatal("no Set-Cookie")
			}
		})
	}
}
