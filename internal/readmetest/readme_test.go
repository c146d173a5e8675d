// Package readmetest runs the README's quick start as a user would: the Go
// program is cut out of README.md, built against this module and started on
// a loopback port, then walked with a cookie jar through the browser flow
// the README promises.
package readmetest

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sealcookie/sealcookie/internal/readme"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
)

// quickStart returns the quick start's program as README.md writes it, or
// listening on addr instead.
func quickStart(t *testing.T, addr string) string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	code, err := readme.QuickStart(string(b), addr)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func TestQuickStartImports(t *testing.T) {
	var ours []string
	for _, line := range strings.Split(quickStart(t, ""), "\n") {
		if imp := strings.Trim(strings.TrimSpace(line), `"`); strings.HasPrefix(imp, "github.com/sealcookie/sealcookie") {
			ours = append(ours, imp)
		}
	}
	if len(ours) == 0 || len(ours) > 2 {
		t.Errorf("the quick start imports %d sealcookie packages %v; it should need at most two", len(ours), ours)
	}
}

// password is the quick start's SEALCOOKIE_PASSWORD here.
const password = "a quick start password of at least 32 bytes"

func TestQuickStartRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the README's program")
	}
	addr := freeAddr(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "main.go")
	if err := os.WriteFile(src, []byte(quickStart(t, addr)), 0o600); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "quickstart")
	build := exec.Command("go", "build", "-o", bin, src)
	build.Dir = "../.." // resolve the imports in this module
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("the README's quick start does not build: %v\n%s", err, out)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	srv := exec.CommandContext(ctx, bin)
	srv.Env = append(os.Environ(), "SEALCOOKIE_PASSWORD="+password)
	var logs strings.Builder
	srv.Stdout, srv.Stderr = &logs, &logs
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = srv.Wait()
		if t.Failed() {
			t.Logf("quick start output:\n%s", logs.String())
		}
	})
	base := "http://" + addr
	waitUp(t, base)

	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Jar: jar, Timeout: 5 * time.Second}
	var contentType string
	get := func(path string) (int, string, string) {
		t.Helper()
		resp, err := c.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		contentType = resp.Header.Get("Content-Type")
		return resp.StatusCode, resp.Request.URL.Path, string(b)
	}

	// A visitor's session, before any login: it counts visits, and every
	// response that sets it is private for shared caches.
	for range 2 {
		resp, err := c.Get(base + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if len(resp.Header["Set-Cookie"]) == 0 || resp.Header.Get("Cache-Control") != "private" {
			t.Errorf("GET / as a visitor: Set-Cookie %q, Cache-Control %q; want a cookie, private",
				resp.Header["Set-Cookie"], resp.Header.Get("Cache-Control"))
		}
	}
	// The protected page sends a visitor to the login form, which a browser
	// shows as a form (not as text, as it would a sniffed "<form").
	if code, path, body := get("/account"); code != 200 || path != "/auth/login" || !strings.Contains(body, `<form method="post"`) {
		t.Fatalf("GET /account: %d at %s, body %q; want the login form", code, path, body)
	}
	if !strings.HasPrefix(contentType, "text/html") {
		t.Errorf("the login form is served as %q, want text/html: a browser would show its source", contentType)
	}
	// A cross-site form post is refused (login CSRF).
	req, _ := http.NewRequest("POST", base+"/auth/login", strings.NewReader("name=mallory"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST /auth/login: %d, want 403", resp.StatusCode)
	}
	// Signing in lands on the account page, with the session in the jar.
	resp, err = c.PostForm(base+"/auth/login", url.Values{"name": {"ada"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Request.URL.Path != "/account" || string(body) != "account of ada\n" {
		t.Fatalf("POST /auth/login: %d at %s, body %q; want the account page", resp.StatusCode, resp.Request.URL.Path, body)
	}
	u, _ := url.Parse(base)
	if cs := jar.Cookies(u); len(cs) != 1 || cs[0].Name != "__Host-session" {
		t.Errorf("the jar holds %v, want the __Host-session cookie", cs)
	}
	// The home page counts visits in the same session, which the login
	// started afresh: the two visits before it are gone.
	for i := range 2 {
		if code, _, body := get("/"); code != 200 || body != "hello, ada\n" {
			t.Errorf("visit %d: %d %q", i+1, code, body)
		}
	}
	m, err := session.New(session.Config[struct {
		Name   string `json:"name"`
		Visits int    `json:"visits"`
	}]{Keys: []sealed.Key{{ID: 1, Password: password}}})
	if err != nil {
		t.Fatal(err)
	}
	if cs := jar.Cookies(u); len(cs) == 1 {
		e, err := m.Decode(t.Context(), cs[0].Value)
		if err != nil || e.Data.Name != "ada" || e.Data.Visits != 2 {
			t.Errorf("the session after the login: %+v, %v; want ada with the 2 visits since the login", e, err)
		}
	}
}

// freeAddr returns a loopback address with a port nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// waitUp polls base until it answers, for at most 10 seconds.
func waitUp(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/healthz-probe")
		if err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the quick start did not answer on %s within 10 s", base)
}
