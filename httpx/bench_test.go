package httpx_test

import (
	"context"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"golang.org/x/crypto/chacha20poly1305"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/httpx"
	"github.com/sealcookie/sealcookie/internal/testpayload"
	"github.com/sealcookie/sealcookie/session"
)

// benchCase is one request scheme: a handler, the Cookie header the client
// sends, and a check of the last response.
type benchCase struct {
	name    string
	handler http.Handler
	cookie  string
	check   func(*httptest.ResponseRecorder) error
}

// serveOnce runs one request through h as a test server would: a request
// parsed by httptest, a fresh recorder.
func serveOnce(h http.Handler, cookie string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	if cookie != "" {
		r.Header.Set("Cookie", cookie)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// benchPayload is a reference payload (internal/testpayload) as a session.
type benchPayload struct {
	name   string
	env    testpayload.Envelope
	m      *session.Manager[testpayload.Data]
	cookie string // the Cookie header carrying the payload sealed by m
}

func loadBenchPayload(b *testing.B, name string) benchPayload {
	b.Helper()
	raw, err := testpayload.Read(name)
	if err != nil {
		b.Fatalf("reading payload %s: %v", name, err)
	}
	var env testpayload.Envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		b.Fatal(err)
	}
	now := time.UnixMilli(env.CreatedAt).Add(time.Hour)
	m, err := session.New(session.Config[testpayload.Data]{
		Keys:        testKeys,
		IdleTimeout: -1, // the envelope stays {id, createdAt, data}: the payload's bytes
		Clock:       func() time.Time { return now },
		Cookie:      cookie.Attributes{Budget: cookie.NoBudget}, // the large payload is chunked
	})
	if err != nil {
		b.Fatal(err)
	}
	v, err := m.Encode(session.Envelope[testpayload.Data]{ID: env.ID, CreatedAt: env.CreatedAt, Data: env.Data})
	if err != nil {
		b.Fatal(err)
	}
	return benchPayload{name, env, m, cookieHeader(b, m, v)}
}

// cookieHeader returns the Cookie request header that carries v as m's
// cookie, chunked as the browser would have stored it.
func cookieHeader(tb testing.TB, m *session.Manager[testpayload.Data], v string) string {
	tb.Helper()
	h := http.Header{}
	spec, err := cookie.New(m.Name(), cookie.Attributes{Budget: cookie.NoBudget})
	if err != nil {
		tb.Fatal(err)
	}
	if err := spec.Write(h, nil, v, time.Time{}, 0); err != nil {
		tb.Fatal(err)
	}
	r := &http.Request{Header: http.Header{}}
	for _, line := range h.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err != nil {
			tb.Fatal(err)
		}
		r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	return r.Header.Get("Cookie")
}

// wantViews checks that the response set a session whose views went up by one.
func (p benchPayload) wantViews(w *httptest.ResponseRecorder) error {
	if w.Code != http.StatusNoContent {
		return fmt.Errorf("status %d, body %.200q", w.Code, w.Body.String())
	}
	r := &http.Request{Header: http.Header{}}
	for _, c := range w.Result().Cookies() {
		r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	s := p.m.Load(context.Background(), r.Header["Cookie"], "")
	if s.IsNew() {
		return errors.New("the response set no readable session")
	}
	if s.Data().Views != p.env.Data.Views+1 || s.ID() != p.env.ID {
		return fmt.Errorf("session after the request: id %q views %d", s.ID(), s.Data().Views)
	}
	return nil
}

func noContent(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }

func wantNoCookie(w *httptest.ResponseRecorder) error {
	if w.Code != http.StatusNoContent || len(w.Result().Cookies()) != 0 || w.Header().Get("Vary") != "" {
		return fmt.Errorf("status %d, %d cookies, Vary %q: want 204 and nothing else", w.Code, len(w.Result().Cookies()), w.Header().Get("Vary"))
	}
	return nil
}

// BenchmarkRequest times whole requests through httptest:
//
//   - <payload>/sealcookie: the middleware, a handler that reads the session
//     from its cookie, adds one to a field and lets the middleware re-seal it;
//   - <payload>/bare: the same request to a handler that ignores the session
//     (subtract it to get what the session costs);
//   - <payload>/limit-json: a handler that does the bare minimum by hand:
//     encoding/json + XChaCha20-Poly1305 + unpadded base64url, open and seal;
//   - none/untouched: a route behind the middleware that never asks for the
//     session, against none/bare, the same handler without the middleware.
func BenchmarkRequest(b *testing.B) {
	run := func(b *testing.B, c benchCase) {
		b.ReportAllocs()
		var w *httptest.ResponseRecorder
		for b.Loop() {
			w = serveOnce(c.handler, c.cookie)
		}
		if err := c.check(w); err != nil {
			b.Fatalf("%s: %v", c.name, err)
		}
	}
	small := loadBenchPayload(b, testpayload.Small)
	cookie := small.cookie
	b.Run("none/bare", func(b *testing.B) {
		run(b, benchCase{"none/bare", http.HandlerFunc(noContent), cookie, wantNoCookie})
	})
	b.Run("none/untouched", func(b *testing.B) {
		run(b, benchCase{"none/untouched", small.m.Middleware(http.HandlerFunc(noContent)), cookie, wantNoCookie})
	})
	for _, name := range []string{testpayload.Small, testpayload.Large} {
		p := loadBenchPayload(b, name)
		cookie := p.cookie
		m := p.m
		ours := m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := m.Get(r).Update(func(d *testpayload.Data) { d.Views++ }); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		}))
		b.Run(name+"/sealcookie", func(b *testing.B) {
			run(b, benchCase{name + "/sealcookie", ours, cookie, p.wantViews})
		})
		b.Run(name+"/bare", func(b *testing.B) {
			run(b, benchCase{name + "/bare", http.HandlerFunc(noContent), cookie, wantNoCookie})
		})
		lc := newLimitCodec(b)
		lv, err := lc.sealJSON(&p.env)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name+"/limit-json", func(b *testing.B) {
			run(b, benchCase{name + "/limit-json", lc.handler(), limitCookie + "=" + lv, lc.wantViews(p.env)})
		})
	}
}

// BenchmarkOverhead isolates what the middleware adds to a route that never
// touches the session: the same prebuilt request, with its cookie, served
// into a writer that allocates nothing, with and without the middleware.
func BenchmarkOverhead(b *testing.B) {
	p := loadBenchPayload(b, testpayload.Small)
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Cookie", p.cookie)
	for _, c := range []struct {
		name string
		h    http.Handler
	}{
		{"none/bare", http.HandlerFunc(noContent)},
		{"none/untouched", p.m.Middleware(http.HandlerFunc(noContent))},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			w := discardWriter{http.Header{}}
			for b.Loop() {
				c.h.ServeHTTP(w, r)
			}
			if len(w.h) != 0 {
				b.Fatalf("the untouched route wrote headers %v", w.h)
			}
		})
	}
}

// BenchmarkRoundtrip times the bare limit on its own, no HTTP: open a cookie
// value into the payload struct with encoding/json + XChaCha20-Poly1305 +
// base64url, change a field, seal it again. The middleware's overhead
// (Request/<payload>/sealcookie minus Request/<payload>/bare) is compared
// with it.
func BenchmarkRoundtrip(b *testing.B) {
	for _, name := range []string{testpayload.Small, testpayload.Large} {
		p := loadBenchPayload(b, name)
		lc := newLimitCodec(b)
		v, err := lc.sealJSON(&p.env)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name+"/limit-json", func(b *testing.B) {
			b.ReportAllocs()
			out := v
			for b.Loop() {
				var env testpayload.Envelope
				if err = lc.openJSON(v, &env); err != nil {
					break
				}
				env.Data.Views++
				if out, err = lc.sealJSON(&env); err != nil {
					break
				}
			}
			if err != nil {
				b.Fatal(err)
			}
			var got testpayload.Envelope
			if err := lc.openJSON(out, &got); err != nil || got.Data.Views != p.env.Data.Views+1 {
				b.Fatalf("round trip: views %d, %v", got.Data.Views, err)
			}
		})
	}
}

// limitCookie is the cookie name of the hand-written limit.
const limitCookie = "limit"

var b64 = base64.RawURLEncoding

// limitCodec is the bare XChaCha20-Poly1305 + base64url sealer: a precomputed
// key, a random 24-byte nonce, no header and no additional data.
type limitCodec struct{ aead cipher.AEAD }

func newLimitCodec(tb testing.TB) *limitCodec {
	tb.Helper()
	key := make([]byte, chacha20poly1305.KeySize)
	rand.Read(key)
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		tb.Fatal(err)
	}
	return &limitCodec{aead}
}

func (c *limitCodec) sealJSON(env *testpayload.Envelope) (string, error) {
	pt, err := json.Marshal(env)
	if err != nil {
		return "", err
	}
	ns := chacha20poly1305.NonceSizeX
	buf := make([]byte, ns, ns+len(pt)+chacha20poly1305.Overhead)
	rand.Read(buf)
	buf = c.aead.Seal(buf, buf[:ns], pt, nil)
	return b64.EncodeToString(buf), nil
}

func (c *limitCodec) openJSON(v string, env *testpayload.Envelope) error {
	if len(v) > 32000 {
		return errors.New("value too large")
	}
	raw, err := b64.DecodeString(v)
	if err != nil {
		return err
	}
	ns := chacha20poly1305.NonceSizeX
	if len(raw) < ns+chacha20poly1305.Overhead {
		return errors.New("value too short")
	}
	pt, err := c.aead.Open(raw[ns:ns], raw[:ns], raw[ns:], nil)
	if err != nil {
		return err
	}
	return json.Unmarshal(pt, env)
}

// handler is the limit as a request: read the cookie, open it, add one to
// views, seal it, set the cookie.
func (c *limitCodec) handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var env testpayload.Envelope
		ck, err := r.Cookie(limitCookie)
		if err == nil {
			err = c.openJSON(ck.Value, &env)
		}
		if err != nil {
			http.Error(w, "no session", http.StatusBadRequest)
			return
		}
		env.Data.Views++
		v, err := c.sealJSON(&env)
		if err != nil {
			http.Error(w, "cannot seal", http.StatusInternalServerError)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: limitCookie, Value: v, Path: "/", MaxAge: 86400, Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
		w.WriteHeader(http.StatusNoContent)
	})
}

func (c *limitCodec) wantViews(want testpayload.Envelope) func(*httptest.ResponseRecorder) error {
	return func(w *httptest.ResponseRecorder) error {
		if w.Code != http.StatusNoContent {
			return fmt.Errorf("status %d", w.Code)
		}
		for _, ck := range w.Result().Cookies() {
			if ck.Name == limitCookie {
				var got testpayload.Envelope
				if err := c.openJSON(ck.Value, &got); err != nil {
					return err
				}
				if got.Data.Views != want.Data.Views+1 {
					return fmt.Errorf("views %d, want %d", got.Data.Views, want.Data.Views+1)
				}
				return nil
			}
		}
		return errors.New("no cookie set")
	}
}

// BenchmarkForwardAuth times one authorization sub-request, as a proxy
// sends it, through httptest:
//
//   - <payload>/forward-auth: ForwardAuth with two identity headers: the
//     cookie parsed, opened and decoded with every rule, the answer written;
//   - <payload>/decode: Manager.Decode of the same value alone, the
//     session's share of that cost;
//   - <payload>/bare: the same request to a handler that answers 200 and
//     ignores the cookie (subtract it for what forward auth adds).
func BenchmarkForwardAuth(b *testing.B) {
	headers := map[string]httpx.IdentityFunc[testpayload.Data]{
		"X-User-Id":    func(s *session.Session[testpayload.Data]) (string, bool) { return s.Data().UserID, true },
		"X-User-Email": func(s *session.Session[testpayload.Data]) (string, bool) { return s.Data().Email, true },
	}
	for _, name := range []string{testpayload.Small, testpayload.Large} {
		p := loadBenchPayload(b, name)
		fa, err := httpx.NewForwardAuth(p.m, httpx.ForwardAuthConfig[testpayload.Data]{Headers: headers, LoginURL: "/auth/login"})
		if err != nil {
			b.Fatal(err)
		}
		sub := func(h http.Handler) *httptest.ResponseRecorder {
			r := httptest.NewRequest(http.MethodGet, "/auth", nil)
			r.Header.Set("Cookie", p.cookie)
			r.Header.Set("X-Forwarded-Method", "GET")
			r.Header.Set("X-Forwarded-Uri", "/account?tab=orders")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			return w
		}
		b.Run(name+"/forward-auth", func(b *testing.B) {
			b.ReportAllocs()
			var w *httptest.ResponseRecorder
			for b.Loop() {
				w = sub(fa)
			}
			if w.Code != http.StatusOK || w.Header().Get("X-User-Id") != p.env.Data.UserID {
				b.Fatalf("status %d, X-User-Id %q", w.Code, w.Header().Get("X-User-Id"))
			}
		})
		b.Run(name+"/decode", func(b *testing.B) {
			v := sessionValue(b, p)
			b.ReportAllocs()
			var e *session.Envelope[testpayload.Data]
			var err error
			for b.Loop() {
				e, err = p.m.Decode(context.Background(), v)
			}
			if err != nil || e.Data.UserID != p.env.Data.UserID {
				b.Fatalf("Decode: %v", err)
			}
		})
		b.Run(name+"/bare", func(b *testing.B) {
			b.ReportAllocs()
			var w *httptest.ResponseRecorder
			ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
			for b.Loop() {
				w = sub(ok)
			}
			if w.Code != http.StatusOK {
				b.Fatalf("status %d", w.Code)
			}
		})
	}
}

// sessionValue reassembles the sealed value from the payload's Cookie header.
func sessionValue(tb testing.TB, p benchPayload) string {
	tb.Helper()
	spec, err := cookie.New(p.m.Name(), cookie.Attributes{Budget: cookie.NoBudget})
	if err != nil {
		tb.Fatal(err)
	}
	v, _, err := spec.Read([]string{p.cookie})
	if err != nil {
		tb.Fatal(err)
	}
	return v
}
