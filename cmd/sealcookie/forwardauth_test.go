package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/h3"
	"github.com/sealcookie/sealcookie/session/ironsession"
)

// sidecar is a running `sealcookie forward-auth`.
type sidecar struct {
	url    string
	stdout *syncBuffer
	stderr *syncBuffer
	stop   func() int
}

// startSidecar runs `sealcookie forward-auth --addr 127.0.0.1:0 args...`
// with the environment vars until the test ends, and returns once it
// listens.
func startSidecar(t testing.TB, vars map[string]string, args ...string) *sidecar {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan net.Addr, 1)
	s := &sidecar{stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	e := &env{
		ctx: ctx, stdin: strings.NewReader(""), stdout: s.stdout, stderr: s.stderr,
		lookupEnv: func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
		now:       time.Now,
		listening: func(a net.Addr) { addrc <- a },
	}
	done := make(chan int, 1)
	go func() { done <- e.run(append([]string{"forward-auth", "--addr", "127.0.0.1:0"}, args...)) }()
	select {
	case a := <-addrc:
		s.url = "http://" + a.String()
	case code := <-done:
		cancel()
		t.Fatalf("forward-auth exited with %d before listening\nstdout: %s\nstderr: %s", code, s.stdout, s.stderr)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("forward-auth did not listen within 10 s")
	}
	var once sync.Once
	code := -1
	s.stop = func() int {
		once.Do(func() {
			cancel()
			select {
			case code = <-done:
			case <-time.After(10 * time.Second):
				t.Error("forward-auth did not stop within 10 s")
			}
		})
		return code
	}
	t.Cleanup(func() { s.stop() })
	return s
}

// account is the session data the sidecar tests seal.
type account struct {
	User   *accountUser `json:"user,omitempty"`
	Groups []string     `json:"groups,omitempty"`
	Cart   int          `json:"cart,omitempty"`
}

type accountUser struct {
	ID    json.Number `json:"id"`
	Email string      `json:"email,omitempty"`
}

// appSealer seals sessions in one format with testPassword, as the
// application behind a proxy would, and returns the Cookie header.
type appSealer struct {
	name   string // the format, as --format takes it
	m      *session.Manager[account]
	cookie string // the cookie name
}

func newSealer(t testing.TB, format string, edit func(*session.Config[account])) *appSealer {
	t.Helper()
	pw := iron.PasswordOption{Plain: testPassword}
	c := session.Config[account]{Cookie: cookie.Attributes{Budget: cookie.NoBudget}}
	switch format {
	case formatNative:
		c.Keys = []sealed.Key{{ID: 1, Password: testPassword}}
	case formatH3v2:
		f, err := h3.New(h3.Config{Version: 2, Password: pw})
		if err != nil {
			t.Fatal(err)
		}
		c.Format = f
	case formatIronSession:
		f, err := ironsession.New(ironsession.Config{CookieName: "iron-session", Password: pw})
		if err != nil {
			t.Fatal(err)
		}
		c.Format = f
	default:
		t.Fatalf("no appSealer for %s", format)
	}
	if edit != nil {
		edit(&c)
	}
	m, err := session.New(c)
	if err != nil {
		t.Fatal(err)
	}
	return &appSealer{name: format, m: m, cookie: m.Name()}
}

// seal returns the Cookie header value carrying data's session (chunked
// when large).
func (s *appSealer) seal(t testing.TB, data account) string {
	t.Helper()
	sess := s.m.Load(context.Background(), nil, "")
	if err := sess.Update(func(a *account) { *a = data }); err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	if err := sess.Save(h); err != nil {
		t.Fatal(err)
	}
	var pairs []string
	for _, l := range h["Set-Cookie"] {
		c, err := http.ParseSetCookie(l)
		if err != nil {
			t.Fatal(err)
		}
		pairs = append(pairs, c.Name+"="+c.Value)
	}
	return strings.Join(pairs, "; ")
}

// get sends a request with the given headers and returns the status, the
// headers and the body.
func get(t testing.TB, url string, headers map[string]string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	c := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, resp.Header, string(b)
}

var sidecarArgs = []string{"--require", "user.id", "--header", "X-User-Id=user.id", "--header", "X-User-Email=user.email,X-User-Groups=groups", "--login-url", "/auth/login"}

// TestSidecarFormats: the sidecar reads each format it is configured for,
// with the identity headers and the health endpoint.
func TestSidecarFormats(t *testing.T) {
	ada := account{User: &accountUser{ID: "9007199254740993", Email: "ada@example.com"}, Groups: []string{"eng", "ops"}}
	for _, format := range []string{formatNative, formatH3v2, formatIronSession} {
		t.Run(format, func(t *testing.T) {
			s := newSealer(t, format, nil)
			sc := startSidecar(t, withPassword, append([]string{"--format", format}, sidecarArgs...)...)
			code, h, _ := get(t, sc.url+"/auth", map[string]string{"Cookie": "theme=dark; " + s.seal(t, ada)})
			if code != 200 {
				t.Fatalf("status %d; stderr %s", code, sc.stderr)
			}
			got := map[string]string{"id": h.Get("X-User-Id"), "email": h.Get("X-User-Email"), "groups": h.Get("X-User-Groups")}
			if diff := cmp.Diff(map[string]string{"id": "9007199254740993", "email": "ada@example.com", "groups": "eng,ops"}, got); diff != "" {
				t.Errorf("identity (-want +got):\n%s", diff)
			}
			// A visitor's session (h3 gives every visitor one) is not a login.
			code, h, _ = get(t, sc.url+"/auth", map[string]string{"Cookie": s.seal(t, account{Cart: 2}), "X-Forwarded-Uri": "/orders"})
			if code != 302 || h.Get("Location") != "/auth/login?redirectTo=%2Forders" {
				t.Errorf("visitor: %d %q", code, h.Get("Location"))
			}
			code, _, body := get(t, sc.url+"/healthz", nil)
			if code != 200 || !strings.Contains(body, `"status":"ok"`) || !strings.Contains(body, `"format":"`+format+`"`) || !strings.Contains(body, `"cookie":"`+s.cookie+`"`) {
				t.Errorf("healthz: %d %s", code, body)
			}
			if strings.Contains(body, testPassword) || strings.Contains(sc.stdout.String()+sc.stderr.String(), testPassword) {
				t.Error("the password shows")
			}
		})
	}
}

// TestSidecarConfigSources: flags win over the environment, which wins over
// the config file.
func TestSidecarConfigSources(t *testing.T) {
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "password")
	if err := os.WriteFile(pwFile, []byte(testPassword), 0o600); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "forward-auth.json")
	body := fmt.Sprintf(`{"format": "h3v2", "require": "user.id", "header": {"X-User-Id": "user.id", "X-Mail": "user.email"},
		"login-url": "/from-file", "redirect-status": 401, "password-file": %q}`, pwFile)
	if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{forwardAuthEnvPrefix + "CONFIG": conf, forwardAuthEnvPrefix + "LOGIN_URL": "/from-env"}
	sc := startSidecar(t, vars, "--redirect-status", "302")
	code, h, _ := get(t, sc.url+"/", map[string]string{"X-Forwarded-Uri": "/x"})
	if code != 302 || h.Get("Location") != "/from-env?redirectTo=%2Fx" {
		t.Errorf("%d %q: want the flag's status and the environment's login URL", code, h.Get("Location"))
	}
	s := newSealer(t, formatH3v2, nil)
	code, h, _ = get(t, sc.url+"/", map[string]string{"Cookie": s.seal(t, account{User: &accountUser{ID: "7", Email: "a@b"}})})
	if code != 200 || h.Get("X-User-Id") != "7" || h.Get("X-Mail") != "a@b" {
		t.Errorf("%d %v: want the file's format, password and headers", code, h)
	}
}

// TestSidecarStartupErrors: each configuration mistake stops the sidecar
// with a line that says exactly what is wrong.
func TestSidecarStartupErrors(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	dir := t.TempDir()
	badConf := filepath.Join(dir, "bad.json")
	os.WriteFile(badConf, []byte(`{"require": "user.id", "colour": "blue"}`), 0o600)
	tests := []struct {
		name string
		vars map[string]string
		args []string
		code int
		want string
	}{
		{"no password", nil, []string{"--require", "user.id"}, 2, "no password: use --password-file F"},
		{"unknown format", withPassword, []string{"--require", "user.id", "--format", "jwt"}, 2, `unknown --format "jwt"`},
		{"not a session format", withPassword, []string{"--require", "user.id", "--format", "gorilla"}, 2, "forward-auth reads sessions: native, h3v2, h3v1 or iron-session"},
		{"no --require", withPassword, nil, 2, "--require FIELD is required"},
		{"port taken", withPassword, []string{"--require", "user.id", "--addr", taken.Addr().String()}, 1, "listen on " + taken.Addr().String() + ": listen tcp " + taken.Addr().String() + ": bind: address already in use"},
		{"bad address", withPassword, []string{"--require", "user.id", "--addr", "nowhere"}, 1, "listen on nowhere"},
		{"short password", map[string]string{PasswordEnv: "short"}, []string{"--require", "user.id"}, 2, "password"},
		{"unknown config key", withPassword, []string{"--config", badConf}, 2, `unknown option "colour"`},
		{"missing config file", withPassword, []string{"--config", filepath.Join(dir, "none.json")}, 2, "no such file"},
		{"bad header", withPassword, []string{"--require", "user.id", "--header", "X-User-Id"}, 2, "expects NAME=FIELD"},
		{"bad header name", withPassword, []string{"--require", "user.id", "--header", "X User=user.id"}, 2, "not a valid header name"},
		{"bad login URL", withPassword, []string{"--require", "user.id", "--login-url", "javascript:alert(1)"}, 2, "neither a same-origin path"},
		{"bad redirect status", withPassword, []string{"--require", "user.id", "--redirect-status", "500"}, 2, "RedirectStatus 500"},
		{"refresh without a sealing password", map[string]string{PasswordEnv: `{"2": "` + testPassword + `"}`}, []string{"--format", "h3v2", "--require", "user.id", "--refresh"}, 2, "--refresh: the sidecar cannot seal"},
		{"bad environment value", map[string]string{PasswordEnv: testPassword, forwardAuthEnvPrefix + "REFRESH": "maybe"}, []string{"--require", "user.id"}, 2, "$SEALCOOKIE_FORWARD_AUTH_REFRESH"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runWith(t, tt.vars, "", append([]string{"forward-auth"}, tt.args...)...)
			if got.code != tt.code {
				t.Fatalf("exit %d, want %d\nstderr: %s", got.code, tt.code, got.stderr)
			}
			// The problem comes first; a hint to --help may follow.
			lines := strings.Split(strings.TrimSuffix(got.stderr, "\n"), "\n")
			if first := lines[0]; !strings.Contains(first, tt.want) || !strings.HasPrefix(first, "sealcookie forward-auth: ") {
				t.Errorf("stderr's first line %q, want it to contain %q", first, tt.want)
			}
		})
	}
}

// TestSidecarRefusals: what the middleware refuses, the sidecar refuses the
// same way, never with a 500, and logs why without the value.
func TestSidecarRefusals(t *testing.T) {
	s := newSealer(t, formatNative, nil)
	sc := startSidecar(t, withPassword, sidecarArgs...)
	good := s.seal(t, account{User: &accountUser{ID: "1"}})
	value := strings.TrimPrefix(good, s.cookie+"=")
	expired := newSealer(t, formatNative, func(c *session.Config[account]) {
		c.Clock = func() time.Time { return time.Now().Add(-48 * time.Hour) }
	}).seal(t, account{User: &accountUser{ID: "1"}})
	other := newSealer(t, formatNative, func(c *session.Config[account]) {
		c.Keys = []sealed.Key{{ID: 1, Password: strings.Repeat("another password ", 3)}}
	}).seal(t, account{User: &accountUser{ID: "1"}})
	for name, cookieHeader := range map[string]string{
		"tampered":       s.cookie + "=" + value[:len(value)-3] + "AAA",
		"expired":        expired,
		"other password": other,
		"oversized":      s.cookie + "=" + strings.Repeat("x", 4100),
		"chunk game":     s.cookie + "=__chunked__3; " + s.cookie + ".1=" + value,
		"orphan chunks":  s.cookie + ".1=" + value,
		"garbage":        s.cookie + "=%%%; " + s.cookie + "=",
	} {
		code, _, body := get(t, sc.url+"/", map[string]string{"Cookie": cookieHeader, "Accept": "application/json"})
		if code != 401 || !strings.Contains(body, "unauthenticated") {
			t.Errorf("%s: %d %q, want 401", name, code, body)
		}
	}
	if code, _, _ := get(t, sc.url+"/", map[string]string{"X-Session-Session": "garbage", "Accept": "application/json"}); code != 401 {
		t.Errorf("garbage session header: %d", code)
	}
	if code, _, _ := get(t, sc.url+"/", map[string]string{"Cookie": good}); code != 200 {
		t.Errorf("the good session after all that: %d", code)
	}
	log := sc.stderr.String()
	if strings.Contains(log, value[:24]) {
		t.Error("the log holds a cookie value")
	}
	for _, want := range []string{"not authentic", "expired", "missing"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log does not say %q:\n%s", want, log)
		}
	}
}
