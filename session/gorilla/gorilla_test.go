package gorilla_test

import (
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/gorilla"
)

const gorillaName = "gorilla-session"

// Old keys, as a gorilla application would have had them.
var (
	hashA  = []byte("hash key A for the old gorilla app, 32+ b")
	blockA = []byte("block key A, AES-256, 32 bytes..")
	hashB  = []byte("hash key B for the old gorilla app, 32+ b")
	blockB = []byte("block key B, AES-128..")[:16]
	newKey = sealed.Key{ID: 1, Password: "the new application's password, 32+ bytes"}
)

// Prefs is a custom type the old application stored in session.Values; it
// registered it with gob, and so must the migrating program.
type Prefs struct{ Theme string }

func init() { gob.Register(Prefs{}) }

// User is the new application's session data.
type User struct {
	Name   string `json:"name"`
	Visits int    `json:"visits"`
	Theme  string `json:"theme,omitempty"`
}

var errNoUser = errors.New("no user in the gorilla session")

// convertUser maps the old values into User; JSON cookies carry float64 numbers.
func convertUser(v map[any]any) (User, error) {
	name, _ := v["user"].(string)
	if name == "" {
		return User{}, errNoUser
	}
	u := User{Name: name}
	switch n := v["visits"].(type) {
	case int:
		u.Visits = n
	case float64:
		u.Visits = int(n)
	}
	if p, ok := v["prefs"].(Prefs); ok {
		u.Theme = p.Theme
	}
	return u, nil
}

var ada = User{Name: "ada", Visits: 3, Theme: "dark"}

// gorillaValue returns a cookie value written by a real gorilla/sessions
// CookieStore with these key pairs.
func gorillaValue(t testing.TB, keyPairs ...[]byte) string {
	t.Helper()
	store := sessions.NewCookieStore(keyPairs...)
	req := httptest.NewRequest("GET", "https://example.com/", nil)
	rec := httptest.NewRecorder()
	s, err := store.Get(req, gorillaName)
	if err != nil {
		t.Fatal(err)
	}
	s.Values["user"] = "ada"
	s.Values["visits"] = 3
	s.Values["prefs"] = Prefs{Theme: "dark"}
	if err := s.Save(req, rec); err != nil {
		t.Fatal(err)
	}
	for _, c := range rec.Result().Cookies() {
		if c.Name == gorillaName {
			return c.Value
		}
	}
	t.Fatal("the CookieStore set no cookie")
	return ""
}

// jsonValue returns a value written with securecookie and its JSONEncoder.
func jsonValue(t testing.TB, v any, hash, block []byte) string {
	t.Helper()
	s, err := securecookie.New(hash, block).SetSerializer(securecookie.JSONEncoder{}).Encode(gorillaName, v)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newReader(t testing.TB, c gorilla.Config[User]) *gorilla.Reader[User] {
	t.Helper()
	if c.Name == "" {
		c.Name = gorillaName
	}
	if c.Convert == nil {
		c.Convert = convertUser
	}
	if c.KeyPairs == nil {
		c.KeyPairs = [][]byte{hashA, blockA}
	}
	rd, err := gorilla.New(c)
	if err != nil {
		t.Fatal(err)
	}
	return rd
}

func later(d time.Duration) func() time.Time {
	return func() time.Time { return time.Now().Add(d) }
}

// oldApp is what the old application did: set its gorilla session.
type oldApp func(w http.ResponseWriter, r *http.Request)

func gorillaLogin(keyPairs ...[]byte) oldApp {
	store := sessions.NewCookieStore(keyPairs...) // defaults: Path=/, 30 days, Secure, SameSite=None
	return func(w http.ResponseWriter, r *http.Request) {
		s, _ := store.Get(r, gorillaName)
		s.Values["user"] = "ada"
		s.Values["visits"] = 3
		s.Values["prefs"] = Prefs{Theme: "dark"}
		if err := s.Save(r, w); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	}
}

func securecookieJSONLogin(hash, block []byte) oldApp {
	sc := securecookie.New(hash, block).SetSerializer(securecookie.JSONEncoder{})
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := sc.Encode(gorillaName, map[string]any{"user": "ada", "visits": 3})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: gorillaName, Value: v, Path: "/", Secure: true, HttpOnly: true})
	}
}

// seen is what the new application's handler saw on one request.
type seen struct {
	Data    User
	IsNew   bool
	Cookies []string // names of the request's cookies
}

// app serves the old application under /old/ and the new one under /new/
// on one TLS origin, driven by a client with a cookie jar.
type app struct {
	t   *testing.T
	srv *httptest.Server
	c   *http.Client
	m   *session.Manager[User]

	mu   sync.Mutex
	seen []seen
	errs []error
}

func newApp(t *testing.T, old oldApp, c gorilla.Config[User]) *app {
	a := &app{t: t}
	onError := func(_ context.Context, err error) {
		a.mu.Lock()
		defer a.mu.Unlock()
		a.errs = append(a.errs, err)
	}
	rd := newReader(t, c)
	m, err := session.New(session.Config[User]{Keys: []sealed.Key{newKey}, Legacy: rd, OnError: onError})
	if err != nil {
		t.Fatal(err)
	}
	a.m = m
	mux := http.NewServeMux()
	mux.HandleFunc("GET /old/login", old)
	mux.HandleFunc("GET /new/", func(w http.ResponseWriter, r *http.Request) {
		s := m.Get(r)
		var names []string
		for _, c := range r.Cookies() {
			names = append(names, c.Name)
		}
		sort.Strings(names)
		a.mu.Lock()
		a.seen = append(a.seen, seen{Data: s.Data(), IsNew: s.IsNew(), Cookies: names})
		a.mu.Unlock()
		if r.URL.Path == "/new/logout" {
			s.Clear()
		}
		if err := s.Save(w.Header()); err != nil {
			http.Error(w, "save failed", http.StatusInternalServerError)
		}
	})
	a.srv = httptest.NewTLSServer(mux)
	t.Cleanup(a.srv.Close)
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	a.c = a.srv.Client()
	a.c.Jar = jar
	a.c.Timeout = 10 * time.Second
	return a
}

// get requests path and returns the response's Set-Cookie lines.
func (a *app) get(path string) []*http.Cookie {
	a.t.Helper()
	resp, err := a.c.Get(a.srv.URL + path)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode != http.StatusOK {
		a.t.Fatalf("GET %s: %s %s", path, resp.Status, body)
	}
	return resp.Cookies()
}

func (a *app) url() *url.URL {
	u, err := url.Parse(a.srv.URL)
	if err != nil {
		a.t.Fatal(err)
	}
	return u
}

// jarNames returns the names of the cookies the client would send.
func (a *app) jarNames() []string {
	var names []string
	for _, c := range a.c.Jar.Cookies(a.url()) {
		names = append(names, c.Name)
	}
	sort.Strings(names)
	return names
}

func (a *app) jarValue(name string) string {
	for _, c := range a.c.Jar.Cookies(a.url()) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

func (a *app) lastSeen() seen {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.seen) == 0 {
		a.t.Fatal("the new application saw no request")
	}
	return a.seen[len(a.seen)-1]
}

func (a *app) errors() []error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]error(nil), a.errs...)
}

// findCookie returns the Set-Cookie line for name, or nil.
func findCookie(cs []*http.Cookie, name string) *http.Cookie {
	for _, c := range cs {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// TestMigration is the whole path: the old application sets a gorilla
// session, the new one reads it, re-seals it natively and deletes the gorilla
// cookie, and the next request carries our cookie only.
func TestMigration(t *testing.T) {
	tests := []struct {
		name string
		old  oldApp
		c    gorilla.Config[User]
		want User
	}{
		{"CookieStore, signed and encrypted", gorillaLogin(hashA, blockA), gorilla.Config[User]{}, ada},
		{"CookieStore, signed only", gorillaLogin(hashA), gorilla.Config[User]{KeyPairs: [][]byte{hashA}}, ada},
		{"CookieStore, signed only, nil block key", gorillaLogin(hashA, nil), gorilla.Config[User]{KeyPairs: [][]byte{hashA, nil}}, ada},
		{"rotation, cookie from the older pair", gorillaLogin(hashA, blockA), gorilla.Config[User]{KeyPairs: [][]byte{hashB, blockB, hashA, blockA}}, ada},
		{"rotation, cookie from the current pair", gorillaLogin(hashB, blockB), gorilla.Config[User]{KeyPairs: [][]byte{hashB, blockB, hashA, blockA}}, ada},
		{"rotation of the block key only", gorillaLogin(hashA, blockA), gorilla.Config[User]{KeyPairs: [][]byte{hashA, blockB, hashA, blockA}}, ada},
		{"securecookie JSON", securecookieJSONLogin(hashA, blockA), gorilla.Config[User]{Serializer: gorilla.JSON}, User{Name: "ada", Visits: 3}},
		{"within a custom max age", gorillaLogin(hashA, blockA), gorilla.Config[User]{MaxAge: time.Hour, Clock: later(30 * time.Minute)}, ada},
		{"within the default max age", gorillaLogin(hashA, blockA), gorilla.Config[User]{Clock: later(29 * 24 * time.Hour)}, ada},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newApp(t, tt.old, tt.c)
			ours := a.m.Name()

			// (a) The old application sets its session.
			a.get("/old/login")
			if diff := cmp.Diff([]string{gorillaName}, a.jarNames()); diff != "" {
				t.Fatalf("jar after the old login (-want +got):\n%s", diff)
			}

			// (b) The new application reads it, seals it natively, deletes the gorilla cookie.
			set := a.get("/new/")
			if diff := cmp.Diff(seen{Data: tt.want, Cookies: []string{gorillaName}}, a.lastSeen()); diff != "" {
				t.Errorf("migrating request (-want +got):\n%s", diff)
			}
			if c := findCookie(set, ours); c == nil || c.Value == "" || c.MaxAge <= 0 {
				t.Errorf("migrating response: our cookie %s not set: %v", ours, set)
			}
			if c := findCookie(set, gorillaName); c == nil || c.MaxAge >= 0 || c.Path != "/" {
				t.Errorf("migrating response: gorilla cookie not deleted with Path=/: %v", c)
			}
			if diff := cmp.Diff([]string{ours}, a.jarNames()); diff != "" {
				t.Errorf("jar after the migration (-want +got):\n%s", diff)
			}
			native, err := a.m.Decode(t.Context(), a.jarValue(ours))
			if err != nil {
				t.Fatalf("our cookie does not decode natively: %v", err)
			}
			if diff := cmp.Diff(tt.want, native.Data); diff != "" {
				t.Errorf("sealed data (-want +got):\n%s", diff)
			}

			// (c) The next request carries our cookie only.
			set = a.get("/new/")
			if diff := cmp.Diff(seen{Data: tt.want, Cookies: []string{ours}}, a.lastSeen()); diff != "" {
				t.Errorf("request after the migration (-want +got):\n%s", diff)
			}
			if c := findCookie(set, gorillaName); c != nil {
				t.Errorf("a second deletion of the gorilla cookie: %v", c)
			}
			if errs := a.errors(); len(errs) != 0 {
				t.Errorf("OnError heard %v", errs)
			}
		})
	}
}

// TestNotMigrated covers gorilla cookies that must not become sessions: the
// request gets a fresh, empty session, OnError says why, and the refused
// gorilla cookie is deleted, so the next request does not pay for it again.
func TestNotMigrated(t *testing.T) {
	tamper := func(v string) string { // flip a character in the middle, keeping the base64 valid
		i := len(v) / 2
		c := byte('A')
		if v[i] == 'A' {
			c = 'B'
		}
		return v[:i] + string(c) + v[i+1:]
	}
	tests := []struct {
		name   string
		old    oldApp
		c      gorilla.Config[User]
		tamper func(string) string
		want   error
	}{
		{"tampered", gorillaLogin(hashA, blockA), gorilla.Config[User]{}, tamper, sealed.ErrNotAuthentic},
		{"truncated", gorillaLogin(hashA, blockA), gorilla.Config[User]{}, func(v string) string { return v[:len(v)-4] }, sealed.ErrNotAuthentic},
		{"garbage", gorillaLogin(hashA, blockA), gorilla.Config[User]{}, func(string) string { return "not-a-gorilla-cookie" }, sealed.ErrMalformed},
		{"too long", gorillaLogin(hashA, blockA), gorilla.Config[User]{}, func(v string) string { return v + strings.Repeat("A", 4096) }, sealed.ErrTooLarge},
		{"expired, default max age", gorillaLogin(hashA, blockA), gorilla.Config[User]{Clock: later(30*24*time.Hour + time.Minute)}, nil, sealed.ErrExpired},
		{"expired, configured max age", gorillaLogin(hashA, blockA), gorilla.Config[User]{MaxAge: time.Hour, Clock: later(2 * time.Hour)}, nil, sealed.ErrExpired},
		{"unknown hash key", gorillaLogin(hashB, blockA), gorilla.Config[User]{}, nil, sealed.ErrNotAuthentic},
		{"retired pair", gorillaLogin(hashA, blockA), gorilla.Config[User]{KeyPairs: [][]byte{hashB, blockB}}, nil, sealed.ErrNotAuthentic},
		{"wrong block key", gorillaLogin(hashA, blockA), gorilla.Config[User]{KeyPairs: [][]byte{hashA, blockB}}, nil, gorilla.ErrValues},
		{"gob cookie read as JSON", gorillaLogin(hashA, blockA), gorilla.Config[User]{Serializer: gorilla.JSON}, nil, gorilla.ErrValues},
		{"JSON cookie read as gob", securecookieJSONLogin(hashA, blockA), gorilla.Config[User]{}, nil, gorilla.ErrValues},
		{"Convert error", gorillaLogin(hashA, blockA), gorilla.Config[User]{Convert: func(map[any]any) (User, error) { return User{}, errNoUser }}, nil, errNoUser},
		{"Convert panic", gorillaLogin(hashA, blockA), gorilla.Config[User]{Convert: func(v map[any]any) (User, error) {
			return User{Visits: v["user"].(int)}, nil // the old app stored a string
		}}, nil, gorilla.ErrConvert},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newApp(t, tt.old, tt.c)
			a.get("/old/login")
			value := a.jarValue(gorillaName)
			if tt.tamper != nil {
				value = tt.tamper(value)
				a.c.Jar.SetCookies(a.url(), []*http.Cookie{{Name: gorillaName, Value: value, Path: "/", Secure: true}})
			}
			set := a.get("/new/")
			if diff := cmp.Diff(seen{IsNew: true, Cookies: []string{gorillaName}}, a.lastSeen()); diff != "" {
				t.Errorf("first request (-want +got):\n%s", diff)
			}
			if len(set) != 1 || set[0].Name != gorillaName || set[0].MaxAge >= 0 {
				t.Errorf("first request set %v, want only the gorilla cookie's deletion", set)
			}
			a.get("/new/") // the refused cookie is gone: nothing to refuse again
			if diff := cmp.Diff(seen{IsNew: true}, a.lastSeen()); diff != "" {
				t.Errorf("second request (-want +got):\n%s", diff)
			}
			errs := a.errors()
			if len(errs) != 1 {
				t.Fatalf("OnError heard %d errors, want 1: %v", len(errs), errs)
			}
			for _, err := range errs {
				if !errors.Is(err, tt.want) {
					t.Errorf("OnError heard %v, want an error matching %v", err, tt.want)
				}
				if strings.Contains(err.Error(), value) || strings.Contains(err.Error(), "ada") {
					t.Errorf("OnError's error %q contains the cookie or its values", err)
				}
			}
		})
	}
}

// TestClearMigrated: a Clear on a migrated session deletes both cookies, and
// the gorilla session does not come back.
func TestClearMigrated(t *testing.T) {
	a := newApp(t, gorillaLogin(hashA, blockA), gorilla.Config[User]{})
	ours := a.m.Name()
	a.get("/old/login")
	set := a.get("/new/logout")
	if got := a.lastSeen(); got.Data != ada {
		t.Errorf("the logout handler saw %+v, want the migrated %+v", got.Data, ada)
	}
	for _, name := range []string{ours, gorillaName} {
		if c := findCookie(set, name); c == nil || c.MaxAge >= 0 {
			t.Errorf("logout response: %s not deleted: %v", name, c)
		}
	}
	if names := a.jarNames(); len(names) != 0 {
		t.Errorf("jar after logout holds %v, want nothing", names)
	}
	a.get("/new/")
	if diff := cmp.Diff(seen{IsNew: true}, a.lastSeen()); diff != "" {
		t.Errorf("request after logout (-want +got):\n%s", diff)
	}
}

// TestNativeWins: once the request has our cookie, the gorilla cookie is not read.
func TestNativeWins(t *testing.T) {
	rd := newReader(t, gorilla.Config[User]{Convert: func(map[any]any) (User, error) {
		t.Error("Convert called although the request has a native session")
		return User{}, errNoUser
	}})
	m, err := session.New(session.Config[User]{Keys: []sealed.Key{newKey}, Legacy: rd})
	if err != nil {
		t.Fatal(err)
	}
	value, err := m.Encode(session.Envelope[User]{Data: User{Name: "grace"}})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "https://example.com/", nil)
	r.AddCookie(&http.Cookie{Name: m.Name(), Value: value})
	r.AddCookie(&http.Cookie{Name: gorillaName, Value: gorillaValue(t, hashA, blockA)})
	if got := m.Get(r).Data(); got.Name != "grace" {
		t.Errorf("data: got %+v, want the native session's", got)
	}
}

func TestDecode(t *testing.T) {
	rd := newReader(t, gorilla.Config[User]{})
	got, err := rd.Decode(gorillaValue(t, hashA, blockA))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ada, got); diff != "" {
		t.Errorf("Decode (-want +got):\n%s", diff)
	}

	// JSON values arrive as JSON types in a map[any]any.
	var values map[any]any
	raw, err := gorilla.New(gorilla.Config[map[any]any]{
		Name: gorillaName, KeyPairs: [][]byte{hashA}, Serializer: gorilla.JSON,
		Convert: func(v map[any]any) (map[any]any, error) { values = v; return v, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Decode(jsonValue(t, map[string]any{"n": 1, "o": map[string]any{"k": "v"}}, hashA, nil)); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[any]any{"n": float64(1), "o": map[string]any{"k": "v"}}, values); diff != "" {
		t.Errorf("JSON values (-want +got):\n%s", diff)
	}
	for _, v := range []any{"a string", []int{1}, nil} {
		if _, err := raw.Decode(jsonValue(t, v, hashA, nil)); !errors.Is(err, gorilla.ErrValues) {
			t.Errorf("JSON %v: got %v, want ErrValues", v, err)
		}
	}
}

// TestDecodeTamper flips every character of a real gorilla cookie: none may
// be accepted, and every error must match a sentinel.
func TestDecodeTamper(t *testing.T) {
	rd := newReader(t, gorilla.Config[User]{})
	v := gorillaValue(t, hashA, blockA)
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_="
	for i := range len(v) {
		for _, c := range []byte{alphabet[(strings.IndexByte(alphabet, v[i])+1)%len(alphabet)], '.'} {
			bad := v[:i] + string(c) + v[i+1:]
			_, err := rd.Decode(bad)
			if !errors.Is(err, sealed.ErrNotAuthentic) && !errors.Is(err, sealed.ErrMalformed) && !errors.Is(err, sealed.ErrExpired) {
				t.Fatalf("character %d changed to %q: Decode error %v, want ErrNotAuthentic, ErrMalformed or ErrExpired", i, c, err)
			}
		}
	}
}

func TestNew(t *testing.T) {
	ok := gorilla.Config[User]{Name: gorillaName, KeyPairs: [][]byte{hashA, blockA}, Convert: convertUser}
	tests := []struct {
		name   string
		change func(*gorilla.Config[User])
		ok     bool
	}{
		{"valid", func(*gorilla.Config[User]) {}, true},
		{"AES-192 block key", func(c *gorilla.Config[User]) { c.KeyPairs = [][]byte{hashA, make([]byte, 24)} }, true},
		{"empty block key means none", func(c *gorilla.Config[User]) { c.KeyPairs = [][]byte{hashA, {}} }, true},
		{"path and domain", func(c *gorilla.Config[User]) { c.Path, c.Domain = "/app", "example.com" }, true},
		{"no name", func(c *gorilla.Config[User]) { c.Name = "" }, false},
		{"bad name", func(c *gorilla.Config[User]) { c.Name = "a b" }, false},
		{"no Convert", func(c *gorilla.Config[User]) { c.Convert = nil }, false},
		{"no keys", func(c *gorilla.Config[User]) { c.KeyPairs = nil }, false},
		{"no hash key", func(c *gorilla.Config[User]) { c.KeyPairs = [][]byte{nil, blockA} }, false},
		{"no hash key in the second pair", func(c *gorilla.Config[User]) { c.KeyPairs = [][]byte{hashA, blockA, {}} }, false},
		{"bad block key", func(c *gorilla.Config[User]) { c.KeyPairs = [][]byte{hashA, make([]byte, 20)} }, false},
		{"max age under a second", func(c *gorilla.Config[User]) { c.MaxAge = time.Millisecond }, false},
		{"negative max age", func(c *gorilla.Config[User]) { c.MaxAge = -time.Hour }, false},
		{"negative max length", func(c *gorilla.Config[User]) { c.MaxLength = -1 }, false},
		{"max length too large", func(c *gorilla.Config[User]) { c.MaxLength = gorilla.MaxMaxLength + 1 }, false},
		{"unknown serializer", func(c *gorilla.Config[User]) { c.Serializer = 7 }, false},
		{"path not absolute", func(c *gorilla.Config[User]) { c.Path = "app" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.change(&c)
			rd, err := gorilla.New(c)
			if (err == nil) != tt.ok {
				t.Fatalf("New: err = %v, want ok=%v", err, tt.ok)
			}
			if err == nil && rd.Name() != c.Name {
				t.Errorf("Name() = %q, want %q", rd.Name(), c.Name)
			}
			if err != nil && strings.Contains(err.Error(), string(hashA)) {
				t.Errorf("error %q contains a key", err)
			}
		})
	}
}

// TestDelete checks the deletion line: the configured Path and Domain, and
// nothing else in the header changed.
func TestDelete(t *testing.T) {
	rd := newReader(t, gorilla.Config[User]{Path: "/app", Domain: "example.com"})
	h := http.Header{}
	h.Add("Set-Cookie", "other=1")
	rd.Delete(h, nil)
	lines := h.Values("Set-Cookie")
	if len(lines) != 2 || lines[0] != "other=1" {
		t.Fatalf("Set-Cookie lines: %q", lines)
	}
	c, err := http.ParseSetCookie(lines[1])
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != gorillaName || c.Value != "" || c.MaxAge >= 0 || c.Path != "/app" || c.Domain != "example.com" {
		t.Errorf("deletion line %q: want %s expired with Path=/app; Domain=example.com", lines[1], gorillaName)
	}
}

func TestConcurrentRead(t *testing.T) {
	rd := newReader(t, gorilla.Config[User]{KeyPairs: [][]byte{hashB, blockB, hashA, blockA}})
	v := gorillaValue(t, hashA, blockA)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := httptest.NewRequest("GET", "https://example.com/", nil)
			r.AddCookie(&http.Cookie{Name: gorillaName, Value: v})
			for range 20 {
				if got, err := rd.Read(r.Header["Cookie"]); err != nil || got.Data != ada {
					errs <- fmt.Errorf("Read = %+v, %v", got, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func FuzzDecode(f *testing.F) {
	rd := newReader(f, gorilla.Config[User]{KeyPairs: [][]byte{hashA, blockA, hashB}})
	f.Add(gorillaValue(f, hashA, blockA))
	f.Add(gorillaValue(f, hashB))
	f.Add(jsonValue(f, map[string]any{"user": "ada"}, hashA, blockA))
	f.Add("")
	f.Add("MTIzfGFiY3xkZWY=")
	f.Fuzz(func(t *testing.T, value string) {
		u, err := rd.Decode(value)
		if err == nil {
			if u != ada {
				t.Fatalf("accepted %q as %+v", value, u)
			}
			return
		}
		for _, s := range []error{sealed.ErrTooLarge, sealed.ErrMalformed, sealed.ErrExpired, sealed.ErrNotAuthentic, gorilla.ErrValues, gorilla.ErrConvert} {
			if errors.Is(err, s) {
				return
			}
		}
		t.Fatalf("error %v matches no sentinel", err)
	})
}

func BenchmarkDecode(b *testing.B) {
	for _, tc := range []struct {
		name     string
		keyPairs [][]byte
		value    string
	}{
		{"gob/signed+encrypted", [][]byte{hashA, blockA}, gorillaValue(b, hashA, blockA)},
		{"gob/second-pair", [][]byte{hashB, blockB, hashA, blockA}, gorillaValue(b, hashA, blockA)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			rd := newReader(b, gorilla.Config[User]{KeyPairs: tc.keyPairs})
			b.ReportAllocs()
			var u User
			var err error
			for b.Loop() {
				u, err = rd.Decode(tc.value)
			}
			if err != nil || u != ada {
				b.Fatal(u, err)
			}
		})
	}
}

// TestMigrationWindow pins the lifetime the package doc promises: a
// migrated session keeps the gorilla cookie's timestamp as its createdAt,
// so with the Manager's default 24-hour MaxAge a gorilla cookie written 23
// hours ago migrates (and expires an hour later), one written 25 hours ago
// does not (session.ErrExpired, the cookie deleted), although the Reader's
// own 30-day max age would accept both.
func TestMigrationWindow(t *testing.T) {
	value := gorillaValue(t, hashA, blockA) // written now
	for _, tc := range []struct {
		age      time.Duration
		migrated bool
	}{{23 * time.Hour, true}, {25 * time.Hour, false}} {
		now := time.Now().Add(tc.age)
		rd := newReader(t, gorilla.Config[User]{Clock: func() time.Time { return now }})
		if _, err := rd.Decode(value); err != nil {
			t.Fatalf("age %v: the Reader itself refuses the cookie: %v", tc.age, err)
		}
		var heard []error
		m, err := session.New(session.Config[User]{
			Keys: []sealed.Key{newKey}, Legacy: rd, Clock: func() time.Time { return now },
			OnError: func(_ context.Context, err error) { heard = append(heard, err) },
		})
		if err != nil {
			t.Fatal(err)
		}
		s := m.Load(t.Context(), []string{gorillaName + "=" + value}, "")
		h := http.Header{}
		if err := s.Save(h); err != nil {
			t.Fatal(err)
		}
		if tc.migrated {
			if s.IsNew() || s.Data().Name != "ada" || len(heard) != 0 {
				t.Errorf("age %v: migrated %v, data %+v, OnError %v", tc.age, !s.IsNew(), s.Data(), heard)
			}
			if got := s.CreatedAt(); now.Sub(got) < tc.age-time.Minute || now.Sub(got) > tc.age+time.Minute {
				t.Errorf("age %v: createdAt %v, want the gorilla cookie's timestamp", tc.age, got)
			}
			if got := s.ExpiresAt(); !got.Before(now.Add(2 * time.Hour)) {
				t.Errorf("age %v: the migrated session expires at %v, over a day after the gorilla cookie was written", tc.age, got)
			}
		} else if !s.IsNew() || len(heard) != 1 || !errors.Is(heard[0], session.ErrExpired) {
			t.Errorf("age %v: fresh %v, OnError %v; want a fresh session and session.ErrExpired", tc.age, s.IsNew(), heard)
		}
		deleted := false
		for _, line := range h["Set-Cookie"] {
			if c, err := http.ParseSetCookie(line); err == nil && c.Name == gorillaName && c.MaxAge < 0 {
				deleted = true
			}
		}
		if !deleted {
			t.Errorf("age %v: the gorilla cookie was not deleted", tc.age)
		}
	}
}
