package authjstest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/internal/testkit"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/authjs"
)

// pinned are the versions package.json pins.
var pinned = map[string]string{"@auth/core": "0.41.3", "jose": "6.2.18", "@panva/hkdf": "1.2.1"}

const nodeTimeout = 60 * time.Second

const (
	secret1 = "authjs live test secret one, at least 32 bytes"
	secret2 = "authjs live test secret two, at least 32 bytes"
	name    = authjs.CookieName // the Auth() ops run with useSecureCookies
)

var t0 = time.UnixMilli(1768471200000) // 2026-01-15T10:00:00Z

// job is one request to authjs.mjs (see its header comment).
type job struct {
	Op     string         `json:"op"`
	Now    int64          `json:"now,omitempty"`
	Secret any            `json:"secret,omitempty"`
	Salt   string         `json:"salt,omitempty"`
	MaxAge int64          `json:"maxAge,omitempty"`
	Token  any            `json:"token,omitempty"` // encode: the claims; decode: the token
	Enc    string         `json:"enc,omitempty"`
	Cookie string         `json:"cookie,omitempty"`
	Data   map[string]any `json:"data,omitempty"`
	User   map[string]any `json:"user,omitempty"`
}

// result is authjs.mjs's answer to a job.
type result struct {
	OK        bool            `json:"ok"`
	Error     string          `json:"error"`
	Token     string          `json:"token"`
	Payload   json.RawMessage `json:"payload"`
	Status    int             `json:"status"`
	Body      json.RawMessage `json:"body"`
	SetCookie []string        `json:"setCookie"`
}

var (
	versionsOnce sync.Once
	versionsErr  error
)

// nodeDir returns this package's directory when node and the pinned
// packages are there. Otherwise it fails the test in CI and skips it
// elsewhere, saying why.
func nodeDir(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Dir(file)
	missing := ""
	if _, err := exec.LookPath("node"); err != nil {
		missing = "node is not on PATH"
	} else {
		for pkg := range pinned {
			if _, err := os.Stat(filepath.Join(dir, "node_modules", pkg, "package.json")); err != nil {
				missing = "internal/authjstest/node_modules has no " + pkg + " (run: npm ci --prefix internal/authjstest)"
				break
			}
		}
	}
	if missing != "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("the live Auth.js round trips cannot run in CI: %s", missing)
		}
		t.Skipf("skipping the live Auth.js round trips: %s (in CI this fails)", missing)
	}
	versionsOnce.Do(func() { versionsErr = checkVersions(dir) })
	if versionsErr != nil {
		t.Fatal(versionsErr)
	}
	return dir
}

func checkVersions(dir string) error {
	out, err := runScript(dir, nil, "--versions")
	if err != nil {
		return err
	}
	var got map[string]string
	if err := json.Unmarshal(out, &got); err != nil {
		return fmt.Errorf("authjs.mjs --versions: %v", err)
	}
	for pkg, want := range pinned {
		if got[pkg] != want {
			return fmt.Errorf("internal/authjstest has %s %s installed, package.json pins %s: run npm ci --prefix internal/authjstest", pkg, got[pkg], want)
		}
	}
	return nil
}

func runScript(dir string, stdin []byte, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), nodeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append([]string{"authjs.mjs"}, args...)...)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("node authjs.mjs %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// run runs jobs in one Node process; a job that threw fails the test.
func run(t *testing.T, jobs ...job) []result {
	t.Helper()
	dir := nodeDir(t)
	in, err := json.Marshal(jobs)
	if err != nil {
		t.Fatal(err)
	}
	out, err := runScript(dir, in)
	if err != nil {
		t.Fatal(err)
	}
	var res []result
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("authjs.mjs output: %v", err)
	}
	if len(res) != len(jobs) {
		t.Fatalf("authjs.mjs answered %d jobs of %d", len(res), len(jobs))
	}
	for i, r := range res {
		if !r.OK {
			t.Fatalf("job %d (%s): %s", i, jobs[i].Op, r.Error)
		}
	}
	return res
}

// Claims is the session type of the round trips: any claims.
type Claims = map[string]any

// User is a typed session, as a Go service next to a Next.js app declares it.
type User struct {
	authjs.Claims
	Role  string `json:"role,omitempty"`
	Theme string `json:"theme,omitempty"`
}

// side is our side: a Manager in the Auth.js format on a settable clock.
type side[T any] struct {
	m    *session.Manager[T]
	clk  *testkit.Clock
	errs *testkit.ErrLog
}

func newSide[T any](t *testing.T, c authjs.Config) *side[T] {
	t.Helper()
	if c.Secrets == nil {
		c.Secrets = []string{secret1}
	}
	f, err := authjs.New(c)
	if err != nil {
		t.Fatal(err)
	}
	s := &side[T]{clk: testkit.NewClock(t0), errs: &testkit.ErrLog{}}
	// Auth.js chunks long tokens; so may the Go side here.
	s.m, err = session.New(session.Config[T]{Format: f, Clock: s.clk.Now, OnError: s.errs.Hook, Cookie: cookie.Attributes{Budget: cookie.NoBudget}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// decode reads a bare token at the side's clock.
func (s *side[T]) decode(tok string) (T, error) {
	e, err := s.m.Decode(context.Background(), tok)
	if err != nil {
		var zero T
		return zero, err
	}
	return e.Data, nil
}

// write saves data in a new session and returns the Set-Cookie lines.
func (s *side[T]) write(t *testing.T, cookie string, f func(*T)) []string {
	t.Helper()
	sess := s.m.Load(context.Background(), lines(cookie), "")
	if err := sess.Update(f); err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	if err := sess.Save(h); err != nil {
		t.Fatal(err)
	}
	return h["Set-Cookie"]
}

func lines(cookie string) []string {
	if cookie == "" {
		return nil
	}
	return []string{cookie}
}

// jar applies Set-Cookie lines to a Cookie header as a browser would,
// keeping only Auth.js's session cookies.
func jar(t *testing.T, before string, setCookie []string) string {
	t.Helper()
	var order []string
	vals := map[string]string{}
	set := func(n, v string) {
		if _, ok := vals[n]; !ok {
			order = append(order, n)
		}
		vals[n] = v
	}
	for _, p := range strings.Split(before, "; ") {
		if k, v, ok := strings.Cut(p, "="); ok {
			set(k, v)
		}
	}
	for _, l := range setCookie {
		c, err := http.ParseSetCookie(l)
		if err != nil {
			t.Fatalf("Set-Cookie: %v", err)
		}
		if !strings.HasPrefix(c.Name, name) {
			continue
		}
		set(c.Name, c.Value)
		if c.Value == "" || c.MaxAge < 0 {
			delete(vals, c.Name)
		}
	}
	var parts []string
	for _, n := range order {
		if v, ok := vals[n]; ok {
			parts = append(parts, n+"="+v)
			delete(vals, n)
		}
	}
	return strings.Join(parts, "; ")
}

func payload(t *testing.T, raw json.RawMessage) Claims {
	t.Helper()
	var c Claims
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatalf("payload %s: %v", raw, err)
	}
	return c
}

var user = Claims{"name": "Ada Lovelace", "email": "ada@example.com", "picture": "https://example.com/ada.png", "sub": "user-1", "role": "admin", "n": 1.5, "nested": map[string]any{"a": []any{true, nil}}}

// TestAuthJSToGo: tokens from Auth.js's encode, read by Go with the same
// claims, exp = iat + maxAge.
func TestAuthJSToGo(t *testing.T) {
	go1 := newSide[Claims](t, authjs.Config{CookieName: name})
	res := run(t,
		job{Op: "encode", Now: t0.UnixMilli(), Secret: secret1, Salt: name, Token: user},
		job{Op: "encode", Now: t0.UnixMilli(), Secret: secret1, Salt: name, Token: user, MaxAge: 60},
		job{Op: "encode", Now: t0.UnixMilli(), Secret: secret1, Salt: name, Token: Claims{}},
		job{Op: "encode", Now: t0.UnixMilli(), Secret: secret1, Salt: name, Token: user, Enc: "A256GCM"},
	)
	for i, r := range res {
		got, err := go1.decode(r.Token)
		if err != nil {
			t.Fatalf("token %d: %v", i, err)
		}
		want := Claims{}
		if i != 2 {
			for k, v := range user {
				want[k] = v
			}
		}
		maxAge := 30 * 24 * 3600.0
		if i == 1 {
			maxAge = 60
		}
		want["iat"], want["exp"], want["jti"] = float64(t0.Unix()), float64(t0.Unix())+maxAge, got["jti"]
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("token %d (-want +got):\n%s", i, diff)
		}
	}
}

// TestGoToAuthJS: tokens from Go read by Auth.js's decode with the same
// claims, typed or not.
func TestGoToAuthJS(t *testing.T) {
	goMap := newSide[Claims](t, authjs.Config{CookieName: name})
	goTyped := newSide[User](t, authjs.Config{CookieName: name, MaxAge: time.Hour})
	tok1, err := goMap.m.Encode(session.Envelope[Claims]{Data: user})
	if err != nil {
		t.Fatal(err)
	}
	tok2, err := goTyped.m.Encode(session.Envelope[User]{Data: User{Claims: authjs.Claims{Name: "Ada", Subject: "user-1"}, Role: "admin"}})
	if err != nil {
		t.Fatal(err)
	}
	res := run(t,
		job{Op: "decode", Now: t0.UnixMilli(), Secret: secret1, Salt: name, Token: tok1},
		job{Op: "decode", Now: t0.UnixMilli(), Secret: secret1, Salt: name, Token: tok2},
	)
	got1 := payload(t, res[0].Payload)
	want1 := Claims{"iat": float64(t0.Unix()), "exp": float64(t0.Unix() + 30*24*3600), "jti": got1["jti"]}
	for k, v := range user {
		want1[k] = v
	}
	if diff := cmp.Diff(want1, got1); diff != "" {
		t.Errorf("map session (-want +Auth.js):\n%s", diff)
	}
	got2 := payload(t, res[1].Payload)
	want2 := Claims{"name": "Ada", "sub": "user-1", "role": "admin", "iat": float64(t0.Unix()), "exp": float64(t0.Unix() + 3600), "jti": got2["jti"]}
	if diff := cmp.Diff(want2, got2); diff != "" {
		t.Errorf("typed session (-want +Auth.js):\n%s", diff)
	}
}

// TestChunked: a session too large for one cookie, written by Go as chunks
// that Auth.js's session endpoint reads (and writes back chunked), and the
// reverse.
func TestChunked(t *testing.T) {
	us := newSide[Claims](t, authjs.Config{})
	groups := make([]any, 250) // a token of about 10,500 characters: 3 chunks either way
	for i := range groups {
		groups[i] = fmt.Sprintf("group-%03d-%s", i, strings.Repeat("x", 20))
	}
	goLines := us.write(t, "", func(c *Claims) { *c = Claims{"name": "Ada", "sub": "user-1", "groups": groups} })
	goCookie := jar(t, "", goLines)
	if n := strings.Count(goCookie, name+"."); n != 3 || strings.Contains(goCookie, name+"=") {
		t.Fatalf("Go wrote %d chunks (want 3, no main cookie): %.120s", n, goCookie)
	}
	r := run(t, job{Op: "session", Now: t0.Add(time.Minute).UnixMilli(), Secret: secret1, Cookie: goCookie})[0]
	var body struct {
		Token Claims `json:"token"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil || r.Status != 200 {
		t.Fatalf("Auth.js's session endpoint: %d %s", r.Status, r.Body)
	}
	if got := body.Token["groups"]; !cmp.Equal(got, groups) {
		t.Fatalf("Auth.js read %d groups from Go's chunks", len(got.([]any)))
	}
	// Auth.js re-encoded and re-chunked it (3936 characters a chunk): Go reads that.
	ajCookie := jar(t, goCookie, r.SetCookie)
	if strings.Count(ajCookie, name+".") != 3 {
		t.Fatalf("Auth.js's cookies: %.120s", ajCookie)
	}
	us.clk.Set(t0.Add(2 * time.Minute))
	s := us.m.Load(context.Background(), lines(ajCookie), "")
	if s.IsNew() || !cmp.Equal(s.Data()["groups"], groups) {
		t.Fatalf("Go read Auth.js's chunks: new %v, errors %v", s.IsNew(), us.errs.All())
	}
	if iat := s.Data()["iat"]; iat != float64(t0.Add(time.Minute).Unix()) {
		t.Errorf("iat of Auth.js's re-encoded token = %v, want the session read's instant", iat)
	}
	// Go shrinks it: one cookie and deletions of the three chunks, after
	// which Auth.js reads the one cookie.
	small := us.write(t, ajCookie, func(c *Claims) { delete(*c, "groups") })
	smallCookie := jar(t, ajCookie, small)
	if smallCookie == "" || strings.Contains(smallCookie, name+".") {
		t.Fatalf("after shrinking: %.120s", smallCookie)
	}
	r = run(t, job{Op: "session", Now: t0.Add(3 * time.Minute).UnixMilli(), Secret: secret1, Cookie: smallCookie})[0]
	body.Token = nil
	if err := json.Unmarshal(r.Body, &body); err != nil || body.Token["name"] != "Ada" || body.Token["groups"] != nil {
		t.Fatalf("Auth.js after Go shrank the session: %s", r.Body)
	}
}

// TestRotation: two secrets, the first encrypting on both sides; the kid
// picks the secret on decode whatever its place in the list.
func TestRotation(t *testing.T) {
	goNew := newSide[Claims](t, authjs.Config{Secrets: []string{secret2, secret1}})
	goOld := newSide[Claims](t, authjs.Config{Secrets: []string{secret1}})
	goTok, err := goNew.m.Encode(session.Envelope[Claims]{Data: Claims{"name": "go"}})
	if err != nil {
		t.Fatal(err)
	}
	res := run(t,
		job{Op: "encode", Now: t0.UnixMilli(), Secret: []string{secret2, secret1}, Salt: name, Token: Claims{"name": "new"}},
		job{Op: "encode", Now: t0.UnixMilli(), Secret: secret1, Salt: name, Token: Claims{"name": "old"}},
		job{Op: "decode", Now: t0.UnixMilli(), Secret: []string{secret1, secret2}, Salt: name, Token: goTok},
		job{Op: "decode", Now: t0.UnixMilli(), Secret: []string{secret1}, Salt: name, Token: goTok},
	)
	for i, want := range []string{"new", "old"} {
		if got, err := goNew.decode(res[i].Token); err != nil || got["name"] != want {
			t.Errorf("Auth.js's %s-secret token under Go's [new, old]: %v, %v", want, got, err)
		}
	}
	if _, err := goOld.decode(res[0].Token); !errors.Is(err, sealed.ErrUnknownKey) {
		t.Errorf("Auth.js's new-secret token under Go's [old]: %v, want ErrUnknownKey", err)
	}
	if got := payload(t, res[2].Payload); got["name"] != "go" {
		t.Errorf("Go's token under Auth.js's [old, new]: %v", got)
	}
	if string(res[3].Payload) != "null" || !strings.Contains(res[3].Error, "no matching decryption secret") {
		t.Errorf("Go's new-secret token under Auth.js's [old]: %s, %s", res[3].Payload, res[3].Error)
	}
}

// TestExpiryBoundary: both sides accept a token until 15 seconds after its
// exp, in whole seconds, and refuse it from then on.
func TestExpiryBoundary(t *testing.T) {
	us := newSide[Claims](t, authjs.Config{MaxAge: time.Minute})
	goTok, err := us.m.Encode(session.Envelope[Claims]{Data: Claims{"name": "go"}})
	if err != nil {
		t.Fatal(err)
	}
	ajTok := run(t, job{Op: "encode", Now: t0.UnixMilli(), Secret: secret1, Salt: name, Token: Claims{"name": "aj"}, MaxAge: 60})[0].Token
	exp := t0.Add(time.Minute)
	instants := []time.Duration{0, 14*time.Second + 999*time.Millisecond, 15 * time.Second, 16 * time.Second}
	var jobs []job
	for _, d := range instants {
		jobs = append(jobs, job{Op: "decode", Now: exp.Add(d).UnixMilli(), Secret: secret1, Salt: name, Token: goTok})
	}
	res := run(t, jobs...)
	for i, d := range instants {
		valid := d < 15*time.Second
		if got := string(res[i].Payload) != "null"; got != valid {
			t.Errorf("Auth.js reads Go's token at exp%+v: %v (%s), want %v", d, got, res[i].Error, valid)
		}
		us.clk.Set(exp.Add(d))
		_, err := us.decode(ajTok)
		if (err == nil) != valid || (!valid && !errors.Is(err, sealed.ErrExpired)) {
			t.Errorf("Go reads Auth.js's token at exp%+v: %v, want valid %v", d, err, valid)
		}
	}
}

// TestTampering: a token changed anywhere is refused by both sides.
func TestTampering(t *testing.T) {
	us := newSide[Claims](t, authjs.Config{})
	goTok, err := us.m.Encode(session.Envelope[Claims]{Data: Claims{"name": "go"}})
	if err != nil {
		t.Fatal(err)
	}
	ajTok := run(t, job{Op: "encode", Now: t0.UnixMilli(), Secret: secret1, Salt: name, Token: Claims{"name": "aj"}})[0].Token
	flip := func(s string, i int) string {
		c := byte('A')
		if s[i] == 'A' {
			c = 'B'
		}
		return s[:i] + string(c) + s[i+1:]
	}
	var jobs []job
	var where []int
	for i := 0; i < len(goTok); i += 7 {
		if goTok[i] == '.' {
			continue
		}
		where = append(where, i)
		jobs = append(jobs, job{Op: "decode", Now: t0.UnixMilli(), Secret: secret1, Salt: name, Token: flip(goTok, i)})
		if i < len(ajTok) && ajTok[i] != '.' {
			if _, err := us.decode(flip(ajTok, i)); err == nil {
				t.Errorf("Go accepted Auth.js's token changed at %d", i)
			}
		}
	}
	for i, r := range run(t, jobs...) {
		if string(r.Payload) != "null" {
			t.Errorf("Auth.js accepted Go's token changed at %d", where[i])
		}
	}
	if len(jobs) < 40 {
		t.Fatalf("only %d changes tried", len(jobs))
	}
}

// TestWrongSalt: the cookie name is the key derivation's salt, so a token
// of Auth.js's http cookie never opens as its https cookie, either way.
func TestWrongSalt(t *testing.T) {
	us := newSide[Claims](t, authjs.Config{}) // __Secure-authjs.session-token
	goTok, err := us.m.Encode(session.Envelope[Claims]{Data: Claims{"name": "go"}})
	if err != nil {
		t.Fatal(err)
	}
	res := run(t,
		job{Op: "encode", Now: t0.UnixMilli(), Secret: secret1, Salt: authjs.InsecureCookieName, Token: Claims{"name": "aj"}},
		job{Op: "decode", Now: t0.UnixMilli(), Secret: secret1, Salt: authjs.InsecureCookieName, Token: goTok},
	)
	if _, err := us.decode(res[0].Token); !errors.Is(err, sealed.ErrUnknownKey) {
		t.Errorf("Go read Auth.js's token of another salt: %v, want ErrUnknownKey", err)
	}
	if string(res[1].Payload) != "null" {
		t.Errorf("Auth.js read Go's token under another salt: %s", res[1].Payload)
	}
}

// TestUpdateFlow is Auth.js's update() / unstable_update seen from a Go
// service: a user signs in through Auth.js; Go reads the typed session and
// changes it; Auth.js's session endpoint (what auth() and useSession() see)
// shows the change; Auth.js's update() changes it again; Go sees that.
func TestUpdateFlow(t *testing.T) {
	us := newSide[User](t, authjs.Config{})
	signin := run(t, job{Op: "signin", Now: t0.UnixMilli(), Secret: secret1, User: map[string]any{"id": "user-1", "name": "Ada", "email": "ada@example.com"}})[0]
	browser := jar(t, "", signin.SetCookie)
	if !strings.HasPrefix(browser, name+"=") {
		t.Fatalf("Auth.js's sign-in set no session cookie: %q", signin.SetCookie)
	}

	us.clk.Set(t0.Add(time.Minute))
	s := us.m.Load(context.Background(), lines(browser), "")
	if s.IsNew() || s.Data().Name != "Ada" || s.Data().Subject != "user-1" || s.Data().Expires != t0.Unix()+30*24*3600 {
		t.Fatalf("Go read Auth.js's sign-in as %+v (new %v, %v)", s.Data(), s.IsNew(), us.errs.All())
	}
	browser = jar(t, browser, us.write(t, browser, func(u *User) { u.Role = "admin" }))

	r := run(t, job{Op: "session", Now: t0.Add(2 * time.Minute).UnixMilli(), Secret: secret1, Cookie: browser})[0]
	var body struct {
		User  map[string]any `json:"user"`
		Token Claims         `json:"token"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil || r.Status != 200 {
		t.Fatalf("session endpoint: %d %s", r.Status, r.Body)
	}
	if body.Token["role"] != "admin" || body.User["name"] != "Ada" || body.Token["sub"] != "user-1" {
		t.Fatalf("Auth.js's session after Go's update: %s", r.Body)
	}
	browser = jar(t, browser, r.SetCookie)

	r = run(t, job{Op: "update", Now: t0.Add(3 * time.Minute).UnixMilli(), Secret: secret1, Cookie: browser, Data: map[string]any{"theme": "dark"}})[0]
	if r.Status != 200 {
		t.Fatalf("update(): %d %s", r.Status, r.Body)
	}
	browser = jar(t, browser, r.SetCookie)
	us.clk.Set(t0.Add(4 * time.Minute))
	s = us.m.Load(context.Background(), lines(browser), "")
	want := User{Claims: authjs.Claims{Name: "Ada", Email: "ada@example.com", Subject: "user-1",
		IssuedAt: t0.Add(3 * time.Minute).Unix(), Expires: t0.Add(3*time.Minute).Unix() + 30*24*3600, TokenID: s.Data().TokenID}, Role: "admin", Theme: "dark"}
	if diff := cmp.Diff(want, s.Data()); diff != "" {
		t.Errorf("Go after Auth.js's update() (-want +got):\n%s", diff)
	}
}
