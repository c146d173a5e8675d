package bench

import (
	"encoding/gob"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"github.com/sealcookie/sealcookie/internal/testpayload"
)

// gorilla/sessions keeps values in a map[any]any and gob-encodes it, so the
// payload type has to be registered.
func init() { gob.Register(testpayload.Envelope{}) }

// requestCase is one scheme's request: the handler, the Cookie header the
// client sends, and a check of the response the handler wrote.
type requestCase struct {
	scheme  string
	handler http.Handler
	cookie  string                                        // Cookie request header
	check   func(*httptest.ResponseRecorder) (int, error) // returns the new cookie's length
}

// serve runs one request through h as a test server would: a request parsed
// by httptest, a fresh recorder.
func serve(h http.Handler, cookieHeader string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	if cookieHeader != "" {
		r.Header.Set("Cookie", cookieHeader)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// sessionCookie is the Set-Cookie attribute set every scheme writes.
func sessionCookie(value string) *http.Cookie {
	return &http.Cookie{
		Name: cookieName, Value: value, Path: "/", MaxAge: 86400,
		Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode,
	}
}

// setCookieValue returns the value of the one session cookie the response set.
func setCookieValue(w *httptest.ResponseRecorder) (string, error) {
	if w.Code != http.StatusNoContent {
		return "", fmt.Errorf("status %d, body %.200q", w.Code, w.Body.String())
	}
	lines := w.Result().Header.Values("Set-Cookie")
	if len(lines) != 1 {
		return "", fmt.Errorf("%d Set-Cookie headers, want 1", len(lines))
	}
	c, err := http.ParseSetCookie(lines[0])
	if err != nil {
		return "", err
	}
	if c.Name != cookieName || c.Value == "" {
		return "", fmt.Errorf("cookie %q set, want a non-empty %q", c.Name, cookieName)
	}
	return c.Value, nil
}

// wantUpdated checks that got is the payload after one request: views + 1.
func wantUpdated(p payload, got testpayload.Envelope) error {
	want := p.env
	want.Data.Views++
	if d := diff(want, got); d != "" {
		return fmt.Errorf("session after the request differs (-want +got):\n%s", d)
	}
	return nil
}

// bareCase never touches the session: a handler that answers 204. The
// client still sends the payload's cookie, as it would to any route, so that
// subtracting it leaves what the session costs.
func bareCase(tb testing.TB, p payload) requestCase {
	tb.Helper()
	c := newLimitCodec(tb)
	v, err := c.sealJSON(&p.env)
	if err != nil {
		tb.Fatal(err)
	}
	return requestCase{
		scheme: "bare",
		handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusNoContent)
		}),
		cookie: cookieName + "=" + v,
		check: func(w *httptest.ResponseRecorder) (int, error) {
			if w.Code != http.StatusNoContent || len(w.Result().Cookies()) != 0 {
				return 0, fmt.Errorf("status %d with %d cookies, want 204 and none", w.Code, len(w.Result().Cookies()))
			}
			return 0, nil
		},
	}
}

// limitRequestCase is the full limit as a handler: read the cookie, open it
// into the struct, change a value, seal it and set the cookie.
func limitRequestCase(tb testing.TB, p payload) requestCase {
	tb.Helper()
	c := newLimitCodec(tb)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var env testpayload.Envelope
		ck, err := r.Cookie(cookieName)
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
		http.SetCookie(w, sessionCookie(v))
		w.WriteHeader(http.StatusNoContent)
	})
	v, err := c.sealJSON(&p.env)
	if err != nil {
		tb.Fatal(err)
	}
	return requestCase{
		scheme:  "limit-json",
		handler: h,
		cookie:  cookieName + "=" + v,
		check: func(w *httptest.ResponseRecorder) (int, error) {
			v, err := setCookieValue(w)
			if err != nil {
				return 0, err
			}
			var got testpayload.Envelope
			if err := c.openJSON(v, &got); err != nil {
				return 0, err
			}
			return len(v), wantUpdated(p, got)
		},
	}
}

// gorillaSessionsCase is a handler on gorilla/sessions v1.4.0's CookieStore
// (securecookie with gob underneath): Get, change a value, Save.
func gorillaSessionsCase(tb testing.TB, p payload) requestCase {
	tb.Helper()
	store := sessions.NewCookieStore(securecookie.GenerateRandomKey(64), securecookie.GenerateRandomKey(32))
	store.Options = &sessions.Options{
		Path: "/", MaxAge: 86400, Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode,
	}
	store.MaxAge(86400)
	for _, c := range store.Codecs {
		// The large payload's cookie is over securecookie's default MaxLength(4096).
		c.(*securecookie.SecureCookie).MaxLength(64 << 10)
	}
	const key = "session"
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, err := store.Get(r, cookieName)
		if err != nil {
			http.Error(w, "bad session", http.StatusBadRequest)
			return
		}
		env, ok := s.Values[key].(testpayload.Envelope)
		if !ok {
			http.Error(w, "no session", http.StatusBadRequest)
			return
		}
		env.Data.Views++
		s.Values[key] = env
		if err := s.Save(r, w); err != nil {
			http.Error(w, "cannot save", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	// The client's cookie: what the same store writes for the payload.
	seed := httptest.NewRecorder()
	s := sessions.NewSession(store, cookieName)
	s.Values[key] = p.env
	if err := store.Save(httptest.NewRequest(http.MethodGet, "/", nil), seed, s); err != nil {
		tb.Fatal(err)
	}
	seedCookies := seed.Result().Cookies()
	if len(seedCookies) != 1 {
		tb.Fatalf("seeding the gorilla/sessions cookie: %d cookies set", len(seedCookies))
	}
	return requestCase{
		scheme:  "gorilla-sessions",
		handler: h,
		cookie:  cookieName + "=" + seedCookies[0].Value,
		check: func(w *httptest.ResponseRecorder) (int, error) {
			v, err := setCookieValue(w)
			if err != nil {
				return 0, err
			}
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.Header.Set("Cookie", cookieName+"="+v)
			s, err := store.Get(r, cookieName)
			if err != nil {
				return 0, err
			}
			got, ok := s.Values[key].(testpayload.Envelope)
			if !ok {
				return 0, errors.New("the new cookie holds no payload")
			}
			return len(v), wantUpdated(p, got)
		},
	}
}

func requestCases(tb testing.TB, p payload) []requestCase {
	return []requestCase{limitRequestCase(tb, p), gorillaSessionsCase(tb, p)}
}

// BenchmarkRequest times a whole request that reads the session from its
// cookie, changes a value and writes the cookie again, through httptest (the
// request is parsed by httptest.NewRequest and answered into a fresh
// recorder every time). Request/<payload>/bare is the same request, cookie
// included, to a handler that never touches the session: subtract it to get
// the time the session adds.
func BenchmarkRequest(b *testing.B) {
	run := func(b *testing.B, c requestCase) {
		b.ReportAllocs()
		var w *httptest.ResponseRecorder
		for b.Loop() {
			w = serve(c.handler, c.cookie)
		}
		n, err := c.check(w)
		if err != nil {
			b.Fatalf("%s: %v", c.scheme, err)
		}
		if n > 0 {
			b.ReportMetric(float64(n), "chars")
		}
	}
	for _, name := range payloadNames {
		p := loadPayload(b, name)
		for _, c := range append(requestCases(b, p), bareCase(b, p)) {
			b.Run(name+"/"+c.scheme, func(b *testing.B) { run(b, c) })
		}
	}
}

// cookieHeaderValue is the value part of a "name=value" Cookie header.
func cookieHeaderValue(h string) string {
	_, v, _ := strings.Cut(h, "=")
	return v
}
