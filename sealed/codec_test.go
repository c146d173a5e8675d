package sealed_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"github.com/sealcookie/sealcookie/sealed"
)

// Codec satisfies securecookie.Codec structurally; package sealed itself
// never imports gorilla.
var _ securecookie.Codec = (*sealed.Codec)(nil)

const (
	codecPW1 = "codec test password one, 32+ bytes long."
	codecPW2 = "codec test password two, 32+ bytes long."
)

var codecT0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func codecRing(t testing.TB, current sealed.Key, old ...sealed.Key) *sealed.Keyring {
	t.Helper()
	k, err := sealed.NewKeyring(current, old...)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newTestCodec(t testing.TB, k *sealed.Keyring, c sealed.CodecConfig) *sealed.Codec {
	t.Helper()
	cd, err := sealed.NewCodec(k, c)
	if err != nil {
		t.Fatal(err)
	}
	return cd
}

func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

// gorillaValues is what a gorilla/sessions application typically stores.
func gorillaValues() map[interface{}]interface{} {
	return map[interface{}]interface{}{
		"user":  "ada",
		"count": 3,
		"admin": true,
		"prefs": map[interface{}]interface{}{"theme": "dark", "langs": []interface{}{"en", 2}},
	}
}

// gorillaValuesAsJSON is gorillaValues after a round trip: JSON types.
func gorillaValuesAsJSON() map[interface{}]interface{} {
	return map[interface{}]interface{}{
		"user":  "ada",
		"count": float64(3),
		"admin": true,
		"prefs": map[string]interface{}{"theme": "dark", "langs": []interface{}{"en", float64(2)}},
	}
}

// TestCodecCookieStore drives a real gorilla/sessions CookieStore whose only
// codec is ours: save through a recorder, load on the next request.
func TestCodecCookieStore(t *testing.T) {
	ring := codecRing(t, sealed.Key{ID: 1, Password: codecPW1})
	codec := newTestCodec(t, ring, sealed.CodecConfig{MaxAge: time.Hour})
	store := &sessions.CookieStore{
		Codecs:  []securecookie.Codec{codec},
		Options: &sessions.Options{Path: "/", MaxAge: 3600, Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode},
	}

	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "https://example.com/", nil)
	s, err := store.Get(req, "app")
	if err != nil {
		t.Fatalf("Get on a request without a cookie: %v", err)
	}
	if !s.IsNew {
		t.Fatal("IsNew = false on a request without a cookie")
	}
	for k, v := range gorillaValues() {
		s.Values[k] = v
	}
	if err := s.Save(req, rec); err != nil {
		t.Fatalf("Save: %v", err)
	}
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 || cookies[0].Name != "app" {
		t.Fatalf("Set-Cookie: got %v, want one cookie named app", cookies)
	}
	value := cookies[0].Value

	// The cookie is our native format, sealed for the Codec's purpose of
	// the cookie name: never for the name alone, a session's purpose.
	if _, _, err := ring.OpenString(value, "sealed.Codec:app", time.Now()); err != nil {
		t.Errorf("the cookie does not open as a native value for purpose %q: %v", "sealed.Codec:app", err)
	}
	for _, purpose := range []string{"app", "sealed.Codec:other"} {
		if _, _, err := ring.OpenString(value, purpose, time.Now()); !errors.Is(err, sealed.ErrNotAuthentic) {
			t.Errorf("opened for purpose %q: got %v, want ErrNotAuthentic", purpose, err)
		}
	}

	next := httptest.NewRequest("GET", "https://example.com/", nil)
	next.AddCookie(&http.Cookie{Name: "app", Value: value})
	s2, err := store.Get(next, "app")
	if err != nil {
		t.Fatalf("Get on the next request: %v", err)
	}
	if s2.IsNew {
		t.Error("IsNew = true on the request carrying the cookie")
	}
	if diff := cmp.Diff(gorillaValuesAsJSON(), s2.Values); diff != "" {
		t.Errorf("loaded values (-want +got):\n%s", diff)
	}

	// A tampered cookie gives gorilla's usual answer: a new session and an error.
	bad := httptest.NewRequest("GET", "https://example.com/", nil)
	bad.AddCookie(&http.Cookie{Name: "app", Value: flipChar(value, len(value)/2)})
	s3, err := store.New(bad, "app")
	if err == nil || !s3.IsNew || len(s3.Values) != 0 {
		t.Errorf("tampered cookie: IsNew=%v, %d values, err=%v; want a new empty session and an error", s3.IsNew, len(s3.Values), err)
	}
}

// flipChar replaces the character at i with another base64url character.
func flipChar(s string, i int) string {
	c := byte('A')
	if s[i] == 'A' {
		c = 'B'
	}
	return s[:i] + string(c) + s[i+1:]
}

func TestCodecMultiRotation(t *testing.T) {
	k1 := sealed.Key{ID: 1, Password: codecPW1}
	k2 := sealed.Key{ID: 2, Password: codecPW2}
	before := newTestCodec(t, codecRing(t, k1), sealed.CodecConfig{Clock: fixedClock(codecT0)})
	after := newTestCodec(t, codecRing(t, k2, k1), sealed.CodecConfig{Clock: fixedClock(codecT0)})

	v, err := securecookie.EncodeMulti("app", gorillaValues(), before)
	if err != nil {
		t.Fatal(err)
	}
	got := map[interface{}]interface{}{}
	if err := securecookie.DecodeMulti("app", v, &got, after); err != nil {
		t.Fatalf("a value sealed with the old key: %v", err)
	}
	if diff := cmp.Diff(gorillaValuesAsJSON(), got); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
}

func TestCodecRoundTrip(t *testing.T) {
	type prefs struct {
		Theme string   `json:"theme"`
		Langs []string `json:"langs"`
	}
	codec := newTestCodec(t, codecRing(t, sealed.Key{ID: 1, Password: codecPW1}), sealed.CodecConfig{Clock: fixedClock(codecT0)})
	tests := []struct {
		name  string
		value interface{}
		dst   func() interface{}
		want  interface{}
	}{
		{"gorilla values", gorillaValues(), func() interface{} { return new(map[interface{}]interface{}) }, ptr(gorillaValuesAsJSON())},
		{"into an existing map", gorillaValues(), func() interface{} {
			m := map[interface{}]interface{}{"kept": "yes"}
			return &m
		}, ptr(func() map[interface{}]interface{} { m := gorillaValuesAsJSON(); m["kept"] = "yes"; return m }())},
		{"empty values", map[interface{}]interface{}{}, func() interface{} { return new(map[interface{}]interface{}) }, ptr(map[interface{}]interface{}{})},
		{"string-keyed map", map[string]interface{}{"a": 1}, func() interface{} { return new(map[string]interface{}) }, ptr(map[string]interface{}{"a": float64(1)})},
		{"struct", prefs{Theme: "dark", Langs: []string{"en"}}, func() interface{} { return new(prefs) }, &prefs{Theme: "dark", Langs: []string{"en"}}},
		{"struct from gorilla values", map[interface{}]interface{}{"theme": "light"}, func() interface{} { return new(prefs) }, &prefs{Theme: "light"}},
		{"string", "hello", func() interface{} { return new(string) }, ptr("hello")},
		{"nil slice stays null", map[interface{}]interface{}{"s": []interface{}(nil)}, func() interface{} { return new(map[interface{}]interface{}) }, ptr(map[interface{}]interface{}{"s": nil})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for run := range 2 { // the second run proves Encode does not mutate its input
				v, err := codec.Encode("app", tt.value)
				if err != nil {
					t.Fatalf("run %d: Encode: %v", run, err)
				}
				got := tt.dst()
				if err := codec.Decode("app", v, got); err != nil {
					t.Fatalf("run %d: Decode: %v", run, err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("run %d: decoded (-want +got):\n%s", run, diff)
				}
			}
		})
	}
	// Encode converted copies: the caller's nested map is still a map[interface{}]interface{}.
	in := gorillaValues()
	if _, err := codec.Encode("app", in); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(gorillaValues(), in); diff != "" {
		t.Errorf("Encode changed its input (-want +got):\n%s", diff)
	}
}

func ptr[T any](v T) *T { return &v }

type namedKey string

func TestCodecEncodeErrors(t *testing.T) {
	cyclic := map[interface{}]interface{}{}
	cyclic["self"] = cyclic
	codec := newTestCodec(t, codecRing(t, sealed.Key{ID: 1, Password: codecPW1}), sealed.CodecConfig{Clock: fixedClock(codecT0)})
	tests := []struct {
		name    string
		value   interface{}
		want    error
		message string // a part of the error message
	}{
		{"int key", map[interface{}]interface{}{1: "secret-int-key-value"}, sealed.ErrUnsupported, "key of type int"},
		{"named string key", map[interface{}]interface{}{namedKey("k"): "secret-named-key-value"}, sealed.ErrUnsupported, "key of type sealed_test.namedKey"},
		{"nested int key", map[interface{}]interface{}{"a": []interface{}{map[interface{}]interface{}{2.5: "secret-nested"}}}, sealed.ErrUnsupported, "key of type float64"},
		{"func", map[interface{}]interface{}{"f": func() {}}, sealed.ErrUnsupported, "func()"},
		{"channel", make(chan int), sealed.ErrUnsupported, "chan int"},
		{"cycle", cyclic, sealed.ErrUnsupported, "nested deeper"},
		{"too large", map[interface{}]interface{}{"big": strings.Repeat("secret-large ", 400)}, sealed.ErrTooLarge, "limit 4096"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := codec.Encode("app", tt.value)
			if !errors.Is(err, tt.want) || v != "" {
				t.Fatalf("Encode = %q, %v; want \"\", an error matching %v", v, err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.message) {
				t.Errorf("error %q does not say %q", err, tt.message)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error %q contains the value", err)
			}
		})
	}
}

func TestCodecDecodeErrors(t *testing.T) {
	k1 := sealed.Key{ID: 1, Password: codecPW1}
	k2 := sealed.Key{ID: 2, Password: codecPW2}
	codec := newTestCodec(t, codecRing(t, k1), sealed.CodecConfig{MaxAge: time.Hour, Clock: fixedClock(codecT0)})
	valid, err := codec.Encode("app", map[interface{}]interface{}{"user": "secret-user"})
	if err != nil {
		t.Fatal(err)
	}
	str, err := codec.Encode("app", "secret-string")
	if err != nil {
		t.Fatal(err)
	}
	other := newTestCodec(t, codecRing(t, k2), sealed.CodecConfig{Clock: fixedClock(codecT0)})
	otherKey, err := other.Encode("app", map[interface{}]interface{}{})
	if err != nil {
		t.Fatal(err)
	}
	// A native value sealed for the cookie whose plaintext is not JSON.
	notJSON, err := codecRing(t, k1).SealString([]byte("secret not json"), "sealed.Codec:app", codecT0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	later := newTestCodec(t, codecRing(t, k1), sealed.CodecConfig{Clock: fixedClock(codecT0.Add(time.Hour + time.Second))})

	tests := []struct {
		name  string
		codec *sealed.Codec
		ck    string
		value string
		dst   interface{}
		want  error
	}{
		{"another cookie name", codec, "other", valid, new(map[interface{}]interface{}), sealed.ErrNotAuthentic},
		{"expired", later, "app", valid, new(map[interface{}]interface{}), sealed.ErrExpired},
		{"unknown key", codec, "app", otherKey, new(map[interface{}]interface{}), sealed.ErrUnknownKey},
		{"too long", codec, "app", strings.Repeat("A", 4097), new(map[interface{}]interface{}), sealed.ErrTooLarge},
		{"garbage", codec, "app", "not a sealed value!", new(map[interface{}]interface{}), sealed.ErrMalformed},
		{"empty", codec, "app", "", new(map[interface{}]interface{}), sealed.ErrMalformed},
		{"securecookie value", codec, "app", securecookieValue(t), new(map[interface{}]interface{}), sealed.ErrMalformed},
		{"string into values", codec, "app", str, new(map[interface{}]interface{}), sealed.ErrUnsupported},
		{"object into string", codec, "app", valid, new(string), sealed.ErrUnsupported},
		{"not JSON", codec, "app", notJSON, new(map[interface{}]interface{}), sealed.ErrUnsupported},
		{"nil dst", codec, "app", valid, nil, sealed.ErrUnsupported},
		{"non-pointer dst", codec, "app", valid, map[string]interface{}{}, sealed.ErrUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.codec.Decode(tt.ck, tt.value, tt.dst)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Decode: got %v, want an error matching %v", err, tt.want)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error %q contains the plaintext", err)
			}
		})
	}
}

func securecookieValue(t *testing.T) string {
	t.Helper()
	v, err := securecookie.New([]byte("a gorilla hash key, 32 bytes....."), nil).Encode("app", map[string]string{"a": "b"})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestCodecTamper flips every character of a value: Decode must refuse each.
func TestCodecTamper(t *testing.T) {
	codec := newTestCodec(t, codecRing(t, sealed.Key{ID: 1, Password: codecPW1}), sealed.CodecConfig{Clock: fixedClock(codecT0)})
	v, err := codec.Encode("app", gorillaValues())
	if err != nil {
		t.Fatal(err)
	}
	for i := range len(v) {
		bad := flipChar(v, i)
		var dst map[interface{}]interface{}
		err := codec.Decode("app", bad, &dst)
		if !errors.Is(err, sealed.ErrNotAuthentic) && !errors.Is(err, sealed.ErrMalformed) &&
			!errors.Is(err, sealed.ErrUnknownKey) && !errors.Is(err, sealed.ErrExpired) {
			t.Fatalf("character %d flipped: Decode = %v, want a sealed sentinel", i, err)
		}
		if dst != nil {
			t.Fatalf("character %d flipped: Decode filled dst", i)
		}
	}
}

func TestNewCodec(t *testing.T) {
	ring := codecRing(t, sealed.Key{ID: 1, Password: codecPW1})
	tests := []struct {
		name string
		ring *sealed.Keyring
		c    sealed.CodecConfig
		ok   bool
	}{
		{"zero config", ring, sealed.CodecConfig{}, true},
		{"max length MaxLen", ring, sealed.CodecConfig{MaxLength: sealed.MaxLen}, true},
		{"nil keyring", nil, sealed.CodecConfig{}, false},
		{"negative max age", ring, sealed.CodecConfig{MaxAge: -time.Second}, false},
		{"negative max length", ring, sealed.CodecConfig{MaxLength: -1}, false},
		{"max length over MaxLen", ring, sealed.CodecConfig{MaxLength: sealed.MaxLen + 1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := sealed.NewCodec(tt.ring, tt.c)
			if (err == nil) != tt.ok || (c != nil) != tt.ok {
				t.Errorf("NewCodec = %v, %v; want ok=%v", c, err, tt.ok)
			}
		})
	}
}

func TestCodecDefaults(t *testing.T) {
	ring := codecRing(t, sealed.Key{ID: 1, Password: codecPW1})
	codec := newTestCodec(t, ring, sealed.CodecConfig{Clock: fixedClock(codecT0)})
	v, err := codec.Encode("app", map[interface{}]interface{}{"a": "b"})
	if err != nil {
		t.Fatal(err)
	}
	info, err := sealed.Inspect(v)
	if err != nil {
		t.Fatal(err)
	}
	if want := codecT0.Add(sealed.DefaultCodecMaxAge); !info.Expires.Equal(want) {
		t.Errorf("expiry: got %v, want %v (30 days)", info.Expires, want)
	}
	// The length cap is securecookie's 4096: a value of 4096 characters passes, one more fails.
	big := newTestCodec(t, ring, sealed.CodecConfig{MaxLength: sealed.MaxLen, Clock: fixedClock(codecT0)})
	for _, n := range []int{2900, 3100} {
		v, err := big.Encode("app", strings.Repeat("x", n))
		if err != nil {
			t.Fatal(err)
		}
		_, err = codec.Encode("app", strings.Repeat("x", n))
		if fits := len(v) <= sealed.DefaultCodecMaxLength; fits != (err == nil) {
			t.Errorf("a %d-character value: Encode error %v", len(v), err)
		}
		var s string
		err = codec.Decode("app", v, &s)
		if fits := len(v) <= sealed.DefaultCodecMaxLength; fits != (err == nil) {
			t.Errorf("Decode of a %d-character value: error %v", len(v), err)
		}
	}
}

func TestCodecZeroValue(t *testing.T) {
	var c sealed.Codec
	if _, err := c.Encode("app", "x"); err == nil {
		t.Error("Encode on a zero Codec: no error")
	}
	var s string
	if err := c.Decode("app", "x", &s); err == nil {
		t.Error("Decode on a zero Codec: no error")
	}
	var nilCodec *sealed.Codec
	if _, err := nilCodec.Encode("app", "x"); err == nil {
		t.Error("Encode on a nil Codec: no error")
	}
}

func BenchmarkCodec(b *testing.B) {
	ring := codecRing(b, sealed.Key{ID: 1, Password: codecPW1})
	codec := newTestCodec(b, ring, sealed.CodecConfig{})
	// Flat values: gob, the peer's serializer, needs nested maps registered.
	values := map[interface{}]interface{}{"user": "ada", "count": 3, "admin": true, "theme": "dark"}
	b.Run("Encode", func(b *testing.B) {
		b.ReportAllocs()
		var v string
		var err error
		for b.Loop() {
			v, err = codec.Encode("app", values)
		}
		if err != nil || v == "" {
			b.Fatal(v, err)
		}
	})
	b.Run("Decode", func(b *testing.B) {
		v, err := codec.Encode("app", values)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		var dst map[interface{}]interface{}
		for b.Loop() {
			dst = nil
			err = codec.Decode("app", v, &dst)
		}
		if err != nil || dst["user"] != "ada" {
			b.Fatal(dst, err)
		}
	})
	// The peer: securecookie with gob, as gorilla/sessions uses it by default.
	sc := securecookie.New([]byte("a gorilla hash key, 32 bytes....."), []byte("a 32-byte AES key for the peer.."))
	b.Run("securecookie/Encode", func(b *testing.B) {
		b.ReportAllocs()
		var v string
		var err error
		for b.Loop() {
			v, err = sc.Encode("app", values)
		}
		if err != nil || v == "" {
			b.Fatal(v, err)
		}
	})
	b.Run("securecookie/Decode", func(b *testing.B) {
		v, err := sc.Encode("app", values)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		var dst map[interface{}]interface{}
		for b.Loop() {
			dst = nil
			err = sc.Decode("app", v, &dst)
		}
		if err != nil || dst["user"] != "ada" {
			b.Fatal(dst, err)
		}
	})
}

// A type mismatch across a fleet says where, never what: the number in the
// data must not reach the error (encoding/json's own message quotes it).
func TestCodecDecodeErrorQuotesNoData(t *testing.T) {
	ring := mustRing(t, sealed.Key{ID: 1, Password: pw1})
	c, err := sealed.NewCodec(ring, sealed.CodecConfig{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := c.Encode("sess", map[string]any{"Secret": 123456789.5})
	if err != nil {
		t.Fatal(err)
	}
	var dst struct{ Secret int }
	err = c.Decode("sess", v, &dst)
	if err == nil || strings.Contains(err.Error(), "123456789") {
		t.Fatalf("Decode error %v: want an error that does not quote the data", err)
	}
}

// TestCodecDecodeErrorsNameNoData decodes authentic JSON whose map holds a
// value of the wrong type: the error says where from the Go type alone,
// never the map key, under encoding/json and under json/v2's engine.
func TestCodecDecodeErrorsNameNoData(t *testing.T) {
	const secret = "sk_live_51Hx9TOKEN"
	c := newTestCodec(t, codecRing(t, sealed.Key{ID: 1, Password: codecPW1}), sealed.CodecConfig{Clock: fixedClock(codecT0)})
	v, err := c.Encode("wallet", map[string]interface{}{"tokens": map[string]interface{}{secret: "x"}})
	if err != nil {
		t.Fatal(err)
	}
	var dst struct {
		Tokens map[string]int `json:"tokens"`
	}
	err = c.Decode("wallet", v, &dst)
	if !errors.Is(err, sealed.ErrUnsupported) || strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), `"tokens[…]"`) {
		t.Errorf("Decode: %v; want ErrUnsupported at tokens[…], without the key", err)
	}
}

// TestCodecPurposeIsNotASession checks that Codec values and session values
// share no purpose: a Codec value shaped like a session envelope, under the
// session's cookie name and keys, does not open as a session, and a
// session's value does not decode through a Codec.
func TestCodecPurposeIsNotASession(t *testing.T) {
	ring := codecRing(t, sealed.Key{ID: 1, Password: codecPW1})
	codec := newTestCodec(t, ring, sealed.CodecConfig{})
	envelope := map[string]interface{}{"id": "planted", "createdAt": float64(time.Now().UnixMilli()), "data": map[string]interface{}{"user": "admin"}}
	v, err := codec.Encode("__Host-session", envelope)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ring.OpenString(v, "__Host-session", time.Now()); !errors.Is(err, sealed.ErrNotAuthentic) {
		t.Errorf("a Codec value opened under a session's purpose: %v", err)
	}
	sessionValue, err := ring.SealString([]byte(`{"id":"x","createdAt":1,"data":{}}`), "__Host-session", time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var dst map[string]interface{}
	if err := codec.Decode("__Host-session", sessionValue, &dst); !errors.Is(err, sealed.ErrNotAuthentic) {
		t.Errorf("a session value decoded through a Codec: %v", err)
	}
}
