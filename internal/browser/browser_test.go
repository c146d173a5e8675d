package browser

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sealcookie/sealcookie/internal/readme"
	"github.com/sealcookie/sealcookie/internal/vectors"
)

// chromiumPath is Debian's chromium package, which .ci/run installs.
const chromiumPath = "/usr/bin/chromium"

// Time bounds: building cmd/sealcookie, serve printing its address, the
// whole browser run (five fresh Chromium launches), and serve stopping.
const (
	buildTimeout  = 3 * time.Minute
	listenTimeout = 30 * time.Second
	e2eTimeout    = 2 * time.Minute
	stopTimeout   = 15 * time.Second
)

// blobShown is how the inspect page shows the demo's large value: its first
// 60 characters and its length.
const blobShown = "a large session value, within the cookie budget; a large ses… (1500 characters)"

// cookieSeen is one cookie of the browser's store, as e2e.mjs reports it.
type cookieSeen struct {
	Name     string `json:"name"`
	Domain   string `json:"domain"`
	Path     string `json:"path"`
	Secure   bool   `json:"secure"`
	HTTPOnly bool   `json:"httpOnly"`
	SameSite string `json:"sameSite"`
}

// step is what the browser showed after one step of a scenario.
type step struct {
	Step    string            `json:"step"`
	Path    string            `json:"path"`
	Cookies []cookieSeen      `json:"cookies"`
	Facts   map[string]string `json:"facts"`
}

type scenario struct {
	Name  string `json:"name"`
	Base  string `json:"base"`
	Steps []step `json:"steps"`
}

// report is e2e.mjs's output.
type report struct {
	Chromium   string     `json:"chromium"`
	Playwright string     `json:"playwright"`
	Scenarios  []scenario `json:"scenarios"`
}

func TestBrowser(t *testing.T) {
	root := vectors.ModuleRoot(t)
	dir := filepath.Join(root, "internal", "browser")
	pinned := requireTools(t, dir)

	bin := buildServe(t, root)
	exception := startServe(t, bin)                                   // --insecure-cookies auto: no Secure
	secure := startServe(t, bin, "--insecure-cookies", "false")       // Secure kept
	quick := startQuickStart(t, root)                                 // the README's program
	shot := filepath.Join(root, "testdata", "browser", "inspect.png") // git-ignored
	if err := os.Remove(shot); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), e2eTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "e2e.mjs", "--url", exception, "--secure-url", secure, "--quickstart-url", quick, "--screenshot", shot, "--chromium", chromiumPath)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("node e2e.mjs: %v (after %v)\n%s", err, time.Since(start).Round(time.Millisecond), strings.TrimSpace(stderr.String()))
	}
	var got report
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("node e2e.mjs printed no report: %v\n%s", err, stdout.String())
	}
	t.Logf("Chromium %s, playwright-core %s: %d scenarios in %v", got.Chromium, got.Playwright, len(got.Scenarios), time.Since(start).Round(time.Millisecond))
	if got.Playwright != pinned {
		t.Errorf("playwright-core %s ran, package.json pins %s", got.Playwright, pinned)
	}
	if got.Chromium == "" {
		t.Error("e2e.mjs reported no Chromium version")
	}

	want := []scenario{
		{Name: "flow", Base: exception, Steps: wantFlow()},
		{Name: "secure-loopback", Base: secure, Steps: wantSecureLoopback()},
		{Name: "secure-plain-host", Base: onPlainHost(t, secure), Steps: wantSecurePlainHost()},
		{Name: "exception-plain-host", Base: onPlainHost(t, exception), Steps: wantExceptionPlainHost()},
		{Name: "quickstart", Base: quick, Steps: wantQuickStart()},
		{Name: "everywhere-first", Base: exception, Steps: wantEverywhereFirst()},
		{Name: "everywhere-second", Base: exception, Steps: wantEverywhereSecond()},
	}
	var names []string
	for _, s := range got.Scenarios {
		names = append(names, s.Name)
	}
	if diff := cmp.Diff([]string{"flow", "secure-loopback", "secure-plain-host", "exception-plain-host", "quickstart", "everywhere-first", "everywhere-second"}, names); diff != "" {
		t.Fatalf("scenarios (-want +got):\n%s", diff)
	}
	for i, w := range want {
		t.Run(w.Name, func(t *testing.T) {
			if diff := cmp.Diff(w, got.Scenarios[i], cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("what Chromium showed (-want +got):\n%s", diff)
			}
		})
	}

	b, err := os.ReadFile(shot)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) || len(b) < 10<<10 {
		t.Errorf("screenshot %s: not a PNG of a page (%d bytes)", shot, len(b))
	}
	t.Logf("screenshot of the inspect page (the large value): %s", shot)
}

// Attribute sets of the demo's session cookies in Chromium's store: always
// host-only, Path=/, HttpOnly and SameSite=Lax; Secure only when kept.
func sessionJar(host string, secure bool, names ...string) []cookieSeen {
	var jar []cookieSeen
	for _, n := range names {
		jar = append(jar, cookieSeen{Name: n, Domain: host, Path: "/", Secure: secure, HTTPOnly: true, SameSite: "Lax"})
	}
	return jar
}

// Facts of the demo's pages, as e2e.mjs's pageFacts reads them.

func home(visits, user string) map[string]string {
	return map[string]string{"h1": "Visit counter", "signedInAs": user, "visits": visits}
}

func account(user string) map[string]string {
	return map[string]string{"h1": "Account", "signedInAs": user, "user": user}
}

// login is the login form; redirectTo is its escaped target, as the
// template writes it into the form's action.
func login(redirectTo string) map[string]string {
	return map[string]string{"h1": "Log in", "signedInAs": "", "action": "/auth/login?redirectTo=" + redirectTo, "error": ""}
}

// inspect is the inspect page of alice's session; blob tells whether it
// holds the large value (still one cookie, within the default budget).
func inspect(visits string, blob bool) map[string]string {
	f := map[string]string{
		"h1": "Inspect the session", "signedInAs": "alice", "source": "cookie session",
		"chunks": "none: one cookie", "data.visits": visits, "data.user": "alice",
	}
	if blob {
		f["data.blob"] = blobShown
	}
	return f
}

// wantFlow is the whole demo on http://127.0.0.1 with the localhost
// exception (the default of serve): the session is stored and sent, the
// large value stays one cookie within the default budget, and logout
// empties the store.
func wantFlow() []step {
	const host = "127.0.0.1"
	one := sessionJar(host, false, "session")
	return []step{
		// The guard sends the anonymous visitor to the login form without
		// starting a session.
		{Step: "guard redirects to login", Path: "/auth/login?redirectTo=%2Faccount", Facts: login("%2faccount")},
		{Step: "login redirects back", Path: "/account", Cookies: one, Facts: account("alice")},
		{Step: "visit 1", Path: "/", Cookies: one, Facts: home("1", "alice")},
		{Step: "visit 2", Path: "/", Cookies: one, Facts: home("2", "alice")},
		{Step: "visit 3", Path: "/", Cookies: one, Facts: home("3", "alice")},
		{Step: "session endpoint", Path: "/api/auth/session", Cookies: one, Facts: map[string]string{
			"status": "200", "cacheControl": "no-store", "loggedIn": "true", "user": "alice", "visits": "3", "expires": "set",
		}},
		{Step: "visit 4", Path: "/", Cookies: one, Facts: home("4", "alice")},
		{Step: "store large value", Path: "/inspect", Cookies: one, Facts: inspect("4", true)},
		{Step: "reload 1", Path: "/inspect", Cookies: one, Facts: inspect("4", true)},
		{Step: "reload 2", Path: "/inspect", Cookies: one, Facts: inspect("4", true)},
		{Step: "visit 5 with large value", Path: "/", Cookies: one, Facts: home("5", "alice")},
		{Step: "inspect after visit 5", Path: "/inspect", Cookies: one, Facts: inspect("5", true)},
		{Step: "shrink", Path: "/inspect", Cookies: one, Facts: inspect("5", false)},
		{Step: "store large value again", Path: "/inspect", Cookies: one, Facts: inspect("5", true)},
		// Logout deletes the session cookie and every chunk.
		{Step: "logout", Path: "/auth/login", Facts: login("%2f")},
		{Step: "guard after logout", Path: "/auth/login?redirectTo=%2Faccount", Facts: login("%2faccount")},
		{Step: "visit after logout", Path: "/", Cookies: one, Facts: home("1", "")},
	}
}

// wantSecureLoopback is serve --insecure-cookies false on
// http://127.0.0.1: Chromium counts loopback as a secure origin, so it
// stores and sends the Secure cookie, even under the __Host- prefix (the
// name session.Config picks when Secure is kept). On 127.0.0.1 Chromium
// itself does not need the exception.
func wantSecureLoopback() []step {
	jar := sessionJar("127.0.0.1", true, "__Host-session")
	return []step{
		{Step: "visit 1", Path: "/", Cookies: jar, Facts: home("1", "")},
		{Step: "visit 2", Path: "/", Cookies: jar, Facts: home("2", "")},
		{Step: "visit 3", Path: "/", Cookies: jar, Facts: home("3", "")},
		{Step: "guard redirects to login", Path: "/auth/login?redirectTo=%2Faccount", Cookies: jar, Facts: login("%2faccount")},
		{Step: "login redirects back", Path: "/account", Cookies: jar, Facts: account("bob")},
	}
}

// wantSecurePlainHost is the same server reached as http://demo.test, a
// plain-http host that is not loopback: Chromium refuses every Secure cookie
// from it, so the store stays empty, each visit starts a new session (the
// counter stays at 1) and the login never sticks (the guard sends the
// browser back to the form). This is why the exception exists.
func wantSecurePlainHost() []step {
	return []step{
		{Step: "visit 1", Path: "/", Facts: home("1", "")},
		{Step: "visit 2", Path: "/", Facts: home("1", "")},
		{Step: "visit 3", Path: "/", Facts: home("1", "")},
		{Step: "guard redirects to login", Path: "/auth/login?redirectTo=%2Faccount", Facts: login("%2faccount")},
		{Step: "login redirects back", Path: "/auth/login?redirectTo=%2Faccount", Facts: login("%2faccount")},
	}
}

// wantExceptionPlainHost is the default serve (no Secure attribute) on
// http://demo.test: the exception works there.
func wantExceptionPlainHost() []step {
	jar := sessionJar("demo.test", false, "session")
	return []step{
		{Step: "visit 1", Path: "/", Cookies: jar, Facts: home("1", "")},
		{Step: "visit 2", Path: "/", Cookies: jar, Facts: home("2", "")},
		{Step: "visit 3", Path: "/", Cookies: jar, Facts: home("3", "")},
		{Step: "guard redirects to login", Path: "/auth/login?redirectTo=%2Faccount", Cookies: jar, Facts: login("%2faccount")},
		{Step: "login redirects back", Path: "/account", Cookies: jar, Facts: account("bob")},
	}
}

// wantEverywhereFirst is the browser that presses "Log out everywhere" on
// the account page: its cookie is deleted and it lands on the home page,
// whose visit counter starts a new, anonymous session.
func wantEverywhereFirst() []step {
	one := sessionJar("127.0.0.1", false, "session")
	return []step{
		{Step: "guard redirects to login", Path: "/auth/login?redirectTo=%2Faccount", Facts: login("%2faccount")},
		{Step: "login redirects back", Path: "/account", Cookies: one, Facts: account("carol")},
		{Step: "log out everywhere", Path: "/", Cookies: one, Facts: home("1", "")},
	}
}

// wantEverywhereSecond is the other browser, signed in as the same user
// before the button was pressed: its next request finds it signed out (the
// guard sends it to the login form) and its revoked cookie deleted.
func wantEverywhereSecond() []step {
	one := sessionJar("127.0.0.1", false, "session")
	return []step{
		{Step: "guard redirects to login", Path: "/auth/login?redirectTo=%2Faccount", Facts: login("%2faccount")},
		{Step: "login redirects back", Path: "/account", Cookies: one, Facts: account("carol")},
		{Step: "next request", Path: "/auth/login?redirectTo=%2Faccount", Facts: login("%2faccount")},
	}
}

// wantQuickStart is the README's quick start in Chromium on
// http://127.0.0.1, as written: its __Host-session cookie keeps Secure, which
// Chromium stores on loopback; the form's POST passes
// http.CrossOriginProtection (Chromium sends Sec-Fetch-Site: same-origin),
// signing in lands back on /account, and the home page counts in the same
// session.
func wantQuickStart() []step {
	jar := sessionJar("127.0.0.1", true, "__Host-session")
	return []step{
		{Step: "account sends to the login form", Path: "/auth/login", Facts: map[string]string{"form": "post /auth/login"}},
		{Step: "sign in lands on the account page", Path: "/account", Cookies: jar, Facts: map[string]string{"text": "account of ada"}},
		{Step: "home page", Path: "/", Cookies: jar, Facts: map[string]string{"text": "hello, ada"}},
		{Step: "home page again", Path: "/", Cookies: jar, Facts: map[string]string{"text": "hello, ada"}},
	}
}

// startQuickStart builds the README's quick start, runs it on a free
// loopback port until the test ends, and returns its URL once it answers.
func startQuickStart(t *testing.T, root string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	code, err := readme.QuickStart(string(b), addr)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	src, bin := filepath.Join(dir, "main.go"), filepath.Join(dir, "quickstart")
	if err := os.WriteFile(src, []byte(code), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, src)
	build.Dir = root // the imports resolve in this module
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("the README's quick start does not build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "SEALCOOKIE_PASSWORD=the quick start's password, 32 bytes or more")
	var logs syncBuffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("the quick start's output:\n%s", logs.String())
		}
	})
	base := "http://" + addr
	deadline := time.Now().Add(listenTimeout)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return base
		}
		if time.Now().After(deadline) {
			t.Fatalf("the quick start did not listen on %s within %v:\n%s", addr, listenTimeout, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// onPlainHost is base with its host replaced by demo.test, as e2e.mjs does.
func onPlainHost(t *testing.T, base string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = "demo.test:" + u.Port()
	return u.String()
}

// requireTools returns the playwright-core version package.json pins when
// node, Chromium and the installed package are there. Otherwise it fails
// the test in CI and skips it elsewhere, saying why.
func requireTools(t *testing.T, dir string) string {
	t.Helper()
	var manifest struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &manifest); err != nil {
		t.Fatalf("internal/browser/package.json: %v", err)
	}
	pinned := manifest.Dependencies["playwright-core"]
	if pinned == "" {
		t.Fatal("internal/browser/package.json pins no playwright-core")
	}

	missing := ""
	var installed struct {
		Version string `json:"version"`
	}
	if _, err := exec.LookPath("node"); err != nil {
		missing = "node is not on PATH"
	} else if _, err := os.Stat(chromiumPath); err != nil {
		missing = chromiumPath + " is missing (apt-get install chromium)"
	} else if b, err := os.ReadFile(filepath.Join(dir, "node_modules", "playwright-core", "package.json")); err != nil {
		missing = "internal/browser/node_modules has no playwright-core (run: npm ci --prefix internal/browser)"
	} else if err := json.Unmarshal(b, &installed); err != nil {
		t.Fatalf("internal/browser/node_modules/playwright-core/package.json: %v", err)
	}
	if missing != "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("the browser end-to-end test cannot run in CI: %s", missing)
		}
		t.Skipf("skipping the browser end-to-end test: %s (in CI this fails)", missing)
	}
	if installed.Version != pinned {
		t.Fatalf("internal/browser has playwright-core %s installed, package.json pins %s: run npm ci --prefix internal/browser", installed.Version, pinned)
	}
	return pinned
}

// buildServe builds cmd/sealcookie into a temporary directory.
func buildServe(t *testing.T, root string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "sealcookie")
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/sealcookie")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/sealcookie: %v\n%s", err, out)
	}
	return bin
}

// syncBuffer is a bytes.Buffer safe for one writer and concurrent readers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServe runs `sealcookie serve --addr 127.0.0.1:0 args...` and returns
// its URL. Cleanup stops it with SIGINT and checks that it stopped cleanly
// and logged nothing on stderr (where the demo reports refused or unsaved
// sessions).
func startServe(t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), "SEALCOOKIE_PASSWORD=") // a generated password, whatever the caller's environment says
	var stdout, stderr syncBuffer
	cmd.Stderr = &stderr
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urls := make(chan string, 1)
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(&stdout, line)
			if u, ok := strings.CutPrefix(line, "sealcookie demo: listening on "); ok {
				select {
				case urls <- u:
				default:
				}
			}
		}
		io.Copy(io.Discard, pipe)
	}()
	// exited closes once serve has exited and its output is read; waitErr
	// is then the exit status.
	exited := make(chan struct{})
	var waitErr error
	go func() {
		<-copied
		waitErr = cmd.Wait()
		close(exited)
	}()
	name := strings.Join(append([]string{"serve"}, args...), " ")
	t.Cleanup(func() {
		select {
		case <-exited: // startServe failed already
			return
		default:
		}
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			t.Errorf("%s: interrupt: %v", name, err)
		}
		select {
		case <-exited:
			if waitErr != nil {
				t.Errorf("%s: %v\n%s", name, waitErr, stderr.String())
			}
		case <-time.After(stopTimeout):
			cmd.Process.Kill()
			<-exited
			t.Errorf("%s did not stop within %v of SIGINT", name, stopTimeout)
		}
		if !strings.Contains(stdout.String(), "sealcookie demo: stopped") {
			t.Errorf("%s did not say it stopped:\n%s", name, stdout.String())
		}
		// "Log out everywhere" makes the second browser's next request log
		// that its session was revoked (OnError hears it, as it should):
		// that one line is expected, any other is an error.
		var unexpected []string
		for _, l := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
			if l != "" && l != "sealcookie demo: /account: session session: session: revoked: revoke: every session of the user issued until a revocation was revoked" {
				unexpected = append(unexpected, l)
			}
		}
		if len(unexpected) > 0 {
			t.Errorf("%s logged errors:\n%s", name, strings.Join(unexpected, "\n"))
		}
	})
	select {
	case u := <-urls:
		return u
	case <-exited:
		t.Fatalf("%s exited before listening: %v\n%s%s", name, waitErr, stdout.String(), stderr.String())
	case <-time.After(listenTimeout):
		cmd.Process.Kill()
		<-exited
		t.Fatalf("%s printed no address within %v:\n%s", name, listenTimeout, stdout.String())
	}
	return ""
}
