package authjs_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/internal/testkit"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/authjs"
)

// User is a typed session: Auth.js's default claims and one of the app's.
type User struct {
	authjs.Claims
	Role string `json:"role,omitempty"`
}

func TestNewErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    authjs.Config
		also error
	}{
		{"no secret", authjs.Config{}, nil},
		{"short secret", authjs.Config{Secrets: []string{secret1, "short"}}, sealed.ErrShortPassword},
		{"negative MaxAge", authjs.Config{Secrets: []string{secret1}, MaxAge: -time.Second}, nil},
		{"fractional MaxAge", authjs.Config{Secrets: []string{secret1}, MaxAge: 1500 * time.Millisecond}, nil},
		{"MaxAge over 400 days", authjs.Config{Secrets: []string{secret1}, MaxAge: 401 * 24 * time.Hour}, nil},
		{"UpdateAge under a second", authjs.Config{Secrets: []string{secret1}, UpdateAge: time.Millisecond}, nil},
	} {
		_, err := authjs.New(tc.c)
		if !errors.Is(err, authjs.ErrConfig) || (tc.also != nil && !errors.Is(err, tc.also)) {
			t.Errorf("%s: New = %v, want ErrConfig (and %v)", tc.name, err, tc.also)
		}
		if err != nil && (strings.Contains(err.Error(), secret1) || strings.Contains(err.Error(), "short\"")) {
			t.Errorf("%s: the error quotes a secret: %v", tc.name, err)
		}
	}
	// The Manager's own lifetimes are the format's.
	if _, err := session.New(session.Config[User]{Format: newFormat(t, authjs.Config{}), MaxAge: time.Hour}); err == nil {
		t.Error("session.New took a MaxAge beside the Auth.js format")
	}
	if _, err := session.New(session.Config[User]{Format: newFormat(t, authjs.Config{}), Name: "other"}); err == nil {
		t.Error("session.New took another cookie name than the format's")
	}
}

// TestRoundTrip: a typed session written by Go, with Auth.js's cookie
// attributes and claims, read back.
func TestRoundTrip(t *testing.T) {
	clock := at(t0)
	m := newManagerOf[User](t, authjs.Config{MaxAge: time.Hour}, clock, nil)
	s := m.Load(context.Background(), nil, "")
	if err := s.Update(func(u *User) {
		u.Name, u.Email, u.Subject, u.Role = "Ada", "ada@example.com", "user-1", "admin"
		u.Expires = 1 // replaced on write
	}); err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	if err := s.Save(h); err != nil {
		t.Fatal(err)
	}
	lines := h["Set-Cookie"]
	if len(lines) != 1 {
		t.Fatalf("Set-Cookie: %q", lines)
	}
	c, err := http.ParseSetCookie(lines[0])
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != authjs.CookieName || c.MaxAge != 3600 || !c.Expires.IsZero() || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
		t.Errorf("cookie %s: Max-Age %d, Expires %v, Secure %v, HttpOnly %v, SameSite %v, Path %q", c.Name, c.MaxAge, c.Expires, c.Secure, c.HttpOnly, c.SameSite, c.Path)
	}
	if !strings.HasPrefix(c.Value, "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIiwia2lkIjoi") { // {"alg":"dir","enc":"A256CBC-HS512","kid":"
		t.Errorf("value does not start with Auth.js's header: %.60s", c.Value)
	}
	clock.Advance(time.Minute)
	got := m.Load(context.Background(), []string{c.Name + "=" + c.Value}, "")
	want := User{Claims: authjs.Claims{Name: "Ada", Email: "ada@example.com", Subject: "user-1",
		IssuedAt: t0.Unix(), Expires: t0.Unix() + 3600, TokenID: got.Data().TokenID}, Role: "admin"}
	if diff := cmp.Diff(want, got.Data()); diff != "" || got.IsNew() {
		t.Errorf("read back (-want +got):\n%s", diff)
	}
	if len(got.Data().TokenID) != 36 || got.ID() != "" || !got.ExpiresAt().IsZero() {
		t.Errorf("jti %q; the session has no id (%q) and no envelope expiry (%v): the claims carry them", got.Data().TokenID, got.ID(), got.ExpiresAt())
	}
}

// write saves data in a fresh session of m and returns the Cookie header a
// browser sends back.
func write[T any](t *testing.T, m *session.Manager[T], data T) string {
	t.Helper()
	s := m.Load(context.Background(), nil, "")
	if err := s.Update(func(d *T) { *d = data }); err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	if err := s.Save(h); err != nil {
		t.Fatal(err)
	}
	j := newJar(t)
	j.apply(t, h["Set-Cookie"])
	return strings.Join(j.header(), "; ")
}

// TestExpiry: valid until 15 seconds after exp, in whole seconds, and a
// refused cookie is left for Auth.js, which deletes it itself.
func TestExpiry(t *testing.T) {
	clock := at(t0)
	errs := &testkit.ErrLog{}
	m := newManagerOf[Claims](t, authjs.Config{MaxAge: time.Minute, UpdateAge: -1}, clock, errs)
	ck := write(t, m, Claims{"name": "ada"})
	exp := t0.Add(time.Minute)
	for _, tc := range []struct {
		at    time.Time
		valid bool
	}{
		{exp, true},
		{exp.Add(14*time.Second + 999*time.Millisecond), true},
		{exp.Add(15 * time.Second), false},
	} {
		clock.Set(tc.at)
		s := m.Load(context.Background(), []string{ck}, "")
		if s.IsNew() == tc.valid {
			t.Errorf("at exp%+v: valid %v, want %v", tc.at.Sub(exp), !s.IsNew(), tc.valid)
		}
		h := http.Header{}
		if err := s.Save(h); err != nil || len(h["Set-Cookie"]) != 0 {
			t.Errorf("at exp%+v: Save wrote %q, %v; want nothing (no re-encode, no deletion)", tc.at.Sub(exp), h["Set-Cookie"], err)
		}
	}
	if !errs.Has(sealed.ErrExpired) {
		t.Errorf("OnError heard %v, want sealed.ErrExpired", errs.All())
	}
}

// TestUpdateAge: a read re-encodes the token once it is older than
// UpdateAge, sliding its expiry; never with a negative one.
func TestUpdateAge(t *testing.T) {
	for _, tc := range []struct {
		update  time.Duration
		after   time.Duration
		reseals bool
	}{
		{0, 24 * time.Hour, false}, // the default, 24 hours: not yet
		{0, 24*time.Hour + time.Second, true},
		{time.Minute, time.Minute, false},
		{time.Minute, time.Minute + time.Second, true},
		{-1, 29 * 24 * time.Hour, false},
	} {
		clock := at(t0)
		m := newManagerOf[User](t, authjs.Config{UpdateAge: tc.update}, clock, nil)
		ck := write(t, m, User{Claims: authjs.Claims{Name: "ada"}})
		clock.Advance(tc.after)
		s := m.Load(context.Background(), []string{ck}, "")
		h := http.Header{}
		if err := s.Save(h); err != nil {
			t.Fatal(err)
		}
		if got := len(h["Set-Cookie"]) == 1; got != tc.reseals || s.IsNew() {
			t.Errorf("UpdateAge %v, read %v later: re-encoded %v, want %v", tc.update, tc.after, got, tc.reseals)
			continue
		}
		if tc.reseals {
			j := newJar(t)
			j.apply(t, h["Set-Cookie"])
			again := m.Load(context.Background(), j.header(), "")
			if iat := again.Data().IssuedAt; iat != clock.Now().Unix() || again.Data().Name != "ada" {
				t.Errorf("re-encoded token: iat %d, want %d; name %q", iat, clock.Now().Unix(), again.Data().Name)
			}
		}
	}
}

// TestRotation: the first secret encrypts, the kid picks the secret on
// decode, and a read does not re-encode merely for an older secret.
func TestRotation(t *testing.T) {
	clock := at(t0)
	old := newManagerOf[Claims](t, authjs.Config{Secrets: []string{secret1}}, clock, nil)
	both := newManagerOf[Claims](t, authjs.Config{Secrets: []string{secret2, secret1}}, clock, nil)
	errs := &testkit.ErrLog{}
	newOnly := newManagerOf[Claims](t, authjs.Config{Secrets: []string{secret2}}, clock, errs)

	ck := write(t, old, Claims{"name": "ada"})
	s := both.Load(context.Background(), []string{ck}, "")
	h := http.Header{}
	if s.IsNew() || s.Save(h) != nil || len(h) != 0 {
		t.Fatalf("old token under [new, old]: new %v, wrote %v", s.IsNew(), h)
	}
	if s := newOnly.Load(context.Background(), []string{ck}, ""); !s.IsNew() || !errs.Has(sealed.ErrUnknownKey) {
		t.Fatalf("old token under [new]: new %v, OnError heard %v", s.IsNew(), errs.All())
	}
	ck = write(t, both, Claims{"name": "bob"})
	if s := old.Load(context.Background(), []string{ck}, ""); !s.IsNew() {
		t.Error("a token of the new secret opened under the old one alone")
	}
	if s := newOnly.Load(context.Background(), []string{ck}, ""); s.IsNew() || s.Data()["name"] != "bob" {
		t.Errorf("a token of the new secret under [new]: %v", s.Data())
	}
}

// TestWrongSalt: keys are derived per cookie name, so a token of one cookie
// never opens as another's.
func TestWrongSalt(t *testing.T) {
	clock := at(t0)
	secure := newManagerOf[Claims](t, authjs.Config{}, clock, nil)
	v, err := secure.Encode(session.Envelope[Claims]{Data: Claims{"name": "ada"}})
	if err != nil {
		t.Fatal(err)
	}
	plainFormat := newFormat(t, authjs.Config{CookieName: "other-session"})
	plain, err := session.New(session.Config[Claims]{Format: plainFormat, Clock: clock.Now, Cookie: cookie.Attributes{Budget: cookie.NoBudget}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plain.Decode(context.Background(), v); !errors.Is(err, sealed.ErrUnknownKey) {
		t.Errorf("a token of %s decoded as other-session: %v, want ErrUnknownKey", authjs.CookieName, err)
	}
	// The format itself refuses a purpose other than its cookie name.
	if _, _, err := plainFormat.Open(nil, v, authjs.CookieName, clock.Now()); !errors.Is(err, sealed.ErrNotAuthentic) {
		t.Errorf("Open for another cookie name = %v, want ErrNotAuthentic", err)
	}
}

// TestTamper changes every character of a token to every other base64url
// character that keeps its length, and expects each to be refused with a
// sentinel, never accepted.
func TestTamper(t *testing.T) {
	clock := at(t0)
	m := newManagerOf[Claims](t, authjs.Config{}, clock, nil)
	v, err := m.Encode(session.Envelope[Claims]{Data: Claims{"n": 1}})
	if err != nil {
		t.Fatal(err)
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	tried := 0
	for i := range len(v) {
		if v[i] == '.' {
			continue
		}
		for _, c := range []byte{alphabet[(strings.IndexByte(alphabet, v[i])+1)%64], alphabet[(strings.IndexByte(alphabet, v[i])+33)%64]} {
			bad := v[:i] + string(c) + v[i+1:]
			tried++
			_, err := m.Decode(context.Background(), bad)
			if err == nil {
				t.Fatalf("a change at %d accepted", i)
			}
			if !errors.Is(err, sealed.ErrNotAuthentic) && !errors.Is(err, sealed.ErrMalformed) && !errors.Is(err, sealed.ErrUnknownKey) {
				t.Fatalf("a change at %d: %v matches no sentinel", i, err)
			}
		}
	}
	for _, bad := range []string{v[:len(v)-1], v + "A", strings.Replace(v, "..", ".A.", 1), v[:strings.LastIndexByte(v, '.')]} {
		if _, err := m.Decode(context.Background(), bad); err == nil {
			t.Errorf("truncated or extended token accepted")
		}
	}
	if tried != 2*(len(v)-4) {
		t.Fatalf("only %d changes tried", tried)
	}
}

// TestChunks: a large session is written as Auth.js's chunks, read back,
// shrunk into one cookie, and cleared with every chunk.
func TestChunks(t *testing.T) {
	clock := at(t0)
	m := newManagerOf[Claims](t, authjs.Config{}, clock, nil)
	groups := make([]any, 300) // about 9500 characters: three chunks
	for i := range groups {
		groups[i] = strings.Repeat("g", 20)
	}
	j := newJar(t)
	step := func(f func(s *session.Session[Claims])) *session.Session[Claims] {
		t.Helper()
		s := m.Load(context.Background(), j.header(), "")
		f(s)
		h := http.Header{}
		if err := s.Save(h); err != nil {
			t.Fatal(err)
		}
		j.apply(t, h["Set-Cookie"])
		return s
	}
	step(func(s *session.Session[Claims]) {
		if err := s.Update(func(c *Claims) { *c = Claims{"groups": groups} }); err != nil {
			t.Fatal(err)
		}
	})
	n := authjs.CookieName
	if diff := cmp.Diff([]string{n + ".0", n + ".1", n + ".2"}, j.names()); diff != "" {
		t.Fatalf("cookies of a large session (-want +got):\n%s", diff)
	}
	step(func(s *session.Session[Claims]) {
		if len(s.Data()["groups"].([]any)) != 300 {
			t.Fatalf("chunked session read back as %v", s.Data())
		}
		if err := s.Update(func(c *Claims) { delete(*c, "groups") }); err != nil {
			t.Fatal(err)
		}
	})
	if diff := cmp.Diff([]string{n}, j.names()); diff != "" {
		t.Fatalf("cookies after shrinking (-want +got):\n%s", diff)
	}
	step(func(s *session.Session[Claims]) {
		if err := s.Update(func(c *Claims) { (*c)["groups"] = groups }); err != nil {
			t.Fatal(err)
		}
	})
	step(func(s *session.Session[Claims]) { s.Clear() })
	if got := j.names(); len(got) != 0 {
		t.Fatalf("cookies after Clear: %v", got)
	}
}

func TestSecretsFromEnv(t *testing.T) {
	env := map[string]string{"AUTH_SECRET": "s0", "AUTH_SECRET_1": "s1", "AUTH_SECRET_3": "s3", "AUTH_SECRET_2": ""}
	got := authjs.SecretsFromEnv(func(k string) string { return env[k] })
	if diff := cmp.Diff([]string{"s3", "s1", "s0"}, got); diff != "" {
		t.Errorf("SecretsFromEnv (-want +got):\n%s", diff)
	}
	if got := authjs.SecretsFromEnv(func(string) string { return "" }); got != nil {
		t.Errorf("SecretsFromEnv of nothing = %v", got)
	}
}

// TestSealedLen: the bound Update checks sizes with holds for every data
// length, and is tight within the claims Auth.js adds.
func TestSealedLen(t *testing.T) {
	f := newFormat(t, authjs.Config{})
	for n := 8; n < 3000; n += 37 {
		data := `{"x":"` + strings.Repeat("a", n-8) + `"}`
		v, err := f.Seal([]byte(data), authjs.CookieName, time.Time{}, t0)
		if err != nil {
			t.Fatal(err)
		}
		if bound := f.SealedLen(len(data)); len(v) > bound || bound-len(v) > 200 {
			t.Fatalf("data of %d bytes: token %d characters, SealedLen %d", len(data), len(v), bound)
		}
	}
}
