package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/session"
)

// The live edge tests run Debian's nginx (auth_request) and caddy
// (forward_auth) with the configuration files that docs/forward-auth shows,
// in front of an application, with the sidecar in this process. They skip,
// saying what is missing, when a proxy is not installed; with CI=true they
// fail instead (.ci/run installs both).

// docsDir holds the configuration files the docs show.
const docsDir = "../../docs/forward-auth"

// The addresses the documented files use; the tests replace them (and only
// them) with free loopback ports.
const (
	docProxy   = "127.0.0.1:8080"
	docSidecar = "127.0.0.1:9091"
	docApp     = "127.0.0.1:3000"
)

// needTool returns the path of a proxy's binary, or skips (fails in CI).
func needTool(t testing.TB, name string, paths ...string) string {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	msg := fmt.Sprintf("%s is not installed (apt-get install %s): the live forward-auth tests need it", name, name)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// freeAddr returns a loopback address with a port free at the time.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// docConfig reads a documented configuration file and points it at the
// test's addresses.
func docConfig(t testing.TB, file, proxy, sidecar, app string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(docsDir, file))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, a := range []string{docProxy, docSidecar, docApp} {
		if !strings.Contains(s, a) {
			t.Fatalf("%s no longer mentions %s", file, a)
		}
	}
	return strings.NewReplacer(docProxy, proxy, docSidecar, sidecar, docApp, app).Replace(s)
}

// upstream is the application behind the proxy: it answers what reached it.
type upstream struct {
	srv *httptest.Server
}

// seenByApp is what the application saw of a request.
type seenByApp struct {
	Path    string              `json:"path"`
	Headers map[string][]string `json:"headers"`
	Cookies []string            `json:"cookies"`
}

func newUpstream(t testing.TB) *upstream {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/auth/login", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintln(w, "the login page")
	})
	// /auth/set-cookie?n=N answers a Set-Cookie whose line is n bytes, for
	// the budget measurements.
	mux.HandleFunc("/auth/set-cookie", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscan(r.URL.Query().Get("n"), &n)
		w.Header()["Set-Cookie"] = []string{"__Host-session=" + strings.Repeat("v", max(n-len("__Host-session="), 1))}
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s := seenByApp{Path: r.URL.RequestURI(), Headers: map[string][]string{}}
		for k, v := range r.Header {
			if strings.HasPrefix(k, "X-User") || strings.HasPrefix(k, "X_user") {
				s.Headers[k] = v
			}
		}
		for _, c := range r.Cookies() {
			s.Cookies = append(s.Cookies, c.Name)
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(s)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: mux, MaxHeaderBytes: 1 << 20}}
	srv.Start()
	t.Cleanup(srv.Close)
	return &upstream{srv: srv}
}

func (u *upstream) addr() string { return u.srv.Listener.Addr().String() }

// proxyProcess is a running nginx or caddy.
type proxyProcess struct {
	name string
	cmd  *exec.Cmd
	log  *bytes.Buffer
	addr string
	done chan error
}

// startProxy starts cmd and waits until addr accepts connections.
func startProxy(t testing.TB, name string, cmd *exec.Cmd, addr string, logFile string) *proxyProcess {
	t.Helper()
	p := &proxyProcess{name: name, cmd: cmd, log: &bytes.Buffer{}, addr: addr, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = p.log, p.log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() { p.stop(t) })
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return p
		}
		select {
		case err := <-p.done:
			p.done <- err
			extra, _ := os.ReadFile(logFile)
			t.Fatalf("%s exited before listening on %s: %v\n%s%s", name, addr, err, p.log, extra)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s does not listen on %s after 15 s\n%s", name, addr, p.log)
		}
	}
}

// stop ends the proxy (SIGTERM, then SIGKILL after 10 s) and its workers.
func (p *proxyProcess) stop(t testing.TB) {
	if p.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
		t.Errorf("%s did not stop on SIGTERM within 10 s", p.name)
	}
}

// startNginx runs Debian's nginx with the documented nginx.conf, in the
// foreground, everything it writes in a temporary prefix.
func startNginx(t testing.TB, conf string, addr string) *proxyProcess {
	t.Helper()
	bin := needTool(t, "nginx", "/usr/sbin/nginx")
	dir := t.TempDir()
	// Workers run as nobody when nginx starts as root: let them in.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(file, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	errLog := filepath.Join(dir, "error.log")
	cmd := exec.Command(bin, "-p", dir, "-c", file, "-e", errLog,
		"-g", "daemon off; pid "+filepath.Join(dir, "nginx.pid")+";")
	return startProxy(t, "nginx", cmd, addr, errLog)
}

// startCaddy runs Debian's caddy with a Caddyfile, admin endpoint off, its
// home and data in a temporary directory.
func startCaddy(t testing.TB, conf string, addr string) *proxyProcess {
	t.Helper()
	bin := needTool(t, "caddy", "/usr/bin/caddy")
	dir := t.TempDir()
	file := filepath.Join(dir, "Caddyfile")
	if err := os.WriteFile(file, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "run", "--config", file, "--adapter", "caddyfile")
	cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_DATA_HOME="+filepath.Join(dir, "data"), "XDG_CONFIG_HOME="+filepath.Join(dir, "config"))
	return startProxy(t, "caddy", cmd, addr, filepath.Join(dir, "none"))
}

// edgeResponse is a client's view of an answer through the proxy.
type edgeResponse struct {
	status int
	header http.Header
	body   string
	app    *seenByApp // what the application saw, when it answered
}

// through sends GET path to the proxy with the headers.
func through(t testing.TB, proxy, path string, headers map[string]string) edgeResponse {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://"+proxy+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header[k] = []string{v} // as written: X_User_Email stays so
	}
	c := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s through the proxy: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	r := edgeResponse{status: resp.StatusCode, header: resp.Header, body: string(b)}
	if resp.StatusCode == 200 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		var s seenByApp
		if json.Unmarshal(b, &s) == nil {
			r.app = &s
		}
	}
	return r
}

// edgeCase is one request through a gated route and what must happen.
type edgeCase struct {
	name     string
	headers  map[string]string
	status   int
	location string            // for redirects
	identity map[string]string // what the application sees (nil: not reached)
}

// edgeCases are the requests every proxy and format must get right.
func edgeCases(t testing.TB, s *appSealer, nginx bool) []edgeCase {
	// nginx drops a header whose proxy_set_header value is empty; Caddy's
	// copy_headers sets it empty.
	noEmail := func(id string) map[string]string {
		if nginx {
			return map[string]string{"X-User-Id": id}
		}
		return map[string]string{"X-User-Id": id, "X-User-Email": ""}
	}
	ada := account{User: &accountUser{ID: "42", Email: "ada@example.com"}}
	noMail := account{User: &accountUser{ID: "43"}}
	good := s.seal(t, ada)
	value := good[len(s.cookie)+1:]
	tampered := s.cookie + "=" + value[:len(value)-4] + "AAAA"
	expired := newSealer(t, s.name, func(c *session.Config[account]) {
		c.Clock = func() time.Time { return time.Now().Add(-30 * 24 * time.Hour) }
	}).seal(t, ada)
	login := "/auth/login?redirectTo=%2Freports%3Fy%3D2026"
	browser := map[string]string{"Accept": "text/html"}
	with := func(m map[string]string, kv ...string) map[string]string {
		out := map[string]string{}
		for k, v := range m {
			out[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			out[kv[i]] = kv[i+1]
		}
		return out
	}
	cases := []edgeCase{
		{"authenticated", with(browser, "Cookie", "theme=dark; "+good), 200, "",
			map[string]string{"X-User-Id": "42", "X-User-Email": "ada@example.com"}},
		{"spoofed identity headers", with(browser, "Cookie", s.seal(t, noMail), "X-User-Id", "1", "X-User-Email", "root@example.com"), 200, "", noEmail("43")},
		{"no session, browser", browser, 302, login, nil},
		{"no session, API client", map[string]string{"Accept": "application/json"}, 401, "", nil},
		{"no session, spoofed identity", with(browser, "X-User-Id", "42"), 302, login, nil},
		{"tampered", with(browser, "Cookie", tampered), 302, login, nil},
		{"expired", with(browser, "Cookie", expired), 302, login, nil},
		{"visitor session", with(browser, "Cookie", s.seal(t, account{Cart: 3})), 302, login, nil},
	}
	if s.name != formatIronSession { // iron-session reads one cookie: no chunks
		chunked := s.seal(t, account{User: &accountUser{ID: "44"}, Groups: []string{strings.Repeat("g", 4000)}})
		if strings.Count(chunked, ";") < 2 {
			t.Fatalf("the large session is not chunked: %.40q", chunked)
		}
		cases = append(cases,
			edgeCase{"chunked session", with(browser, "Cookie", chunked), 200, "", noEmail("44")},
			edgeCase{"chunks dropped", with(browser, "Cookie", chunked[:strings.LastIndex(chunked, ";")]), 302, login, nil})
	}
	if h := s.m.HeaderName(); h != "" { // the session header wins over the cookie
		cases = append(cases, edgeCase{"garbage session header", with(browser, "Cookie", good, h, "garbage"), 302, login, nil})
	}
	if nginx {
		// nginx drops headers with underscores (underscores_in_headers off).
		cases = append(cases, edgeCase{"underscore spelling", with(browser, "Cookie", s.seal(t, noMail), "X_User_Email", "root@example.com"), 200, "", noEmail("43")})
	}
	return cases
}

func checkEdge(t *testing.T, proxy string, c edgeCase) {
	t.Helper()
	got := through(t, proxy, "/reports?y=2026", c.headers)
	if got.status != c.status {
		t.Fatalf("status %d, want %d\n%.500s", got.status, c.status, got.body)
	}
	if c.location != "" && got.header.Get("Location") != c.location {
		t.Errorf("Location %q, want %q", got.header.Get("Location"), c.location)
	}
	if c.identity == nil {
		if got.app != nil {
			t.Errorf("the application answered an unauthenticated request: %+v", got.app)
		}
		return
	}
	if got.app == nil {
		t.Fatalf("the application did not answer: %.300s", got.body)
	}
	seen := map[string]string{}
	for k, v := range got.app.Headers {
		seen[k] = strings.Join(v, ",")
	}
	if fmt.Sprint(seen) != fmt.Sprint(c.identity) {
		t.Errorf("identity at the application %v, want %v", seen, c.identity)
	}
}

// edgeFormats are the formats the live tests gate with.
var edgeFormats = []string{formatNative, formatH3v2, formatIronSession}

func sidecarFor(t testing.TB, format string, extra ...string) *sidecar {
	args := append([]string{"--format", format, "--require", "user.id", "--header", "X-User-Id=user.id", "--header", "X-User-Email=user.email", "--login-url", "/auth/login"}, extra...)
	return startSidecar(t, withPassword, args...)
}

func TestNginxForwardAuth(t *testing.T) {
	needTool(t, "nginx", "/usr/sbin/nginx")
	app := newUpstream(t)
	for _, format := range edgeFormats {
		t.Run(format, func(t *testing.T) {
			s := newSealer(t, format, nil)
			sc := sidecarFor(t, format, "--redirect-status", "401")
			proxy := freeAddr(t)
			startNginx(t, docConfig(t, "nginx.conf", proxy, strings.TrimPrefix(sc.url, "http://"), app.addr()), proxy)
			for _, c := range edgeCases(t, s, true) {
				t.Run(c.name, func(t *testing.T) { checkEdge(t, proxy, c) })
			}
			if got := through(t, proxy, "/auth/login", nil); got.status != 200 || !strings.Contains(got.body, "login page") {
				t.Errorf("the login page through nginx: %d %q", got.status, got.body)
			}
		})
	}
}

// TestNginxRefreshRelay: with --refresh, the sidecar's re-sealed cookie
// reaches the browser through auth_request_set and add_header.
func TestNginxRefreshRelay(t *testing.T) {
	needTool(t, "nginx", "/usr/sbin/nginx")
	app := newUpstream(t)
	sc := sidecarFor(t, formatNative, "--redirect-status", "401", "--refresh", "--idle-timeout", "3600")
	proxy := freeAddr(t)
	startNginx(t, docConfig(t, "nginx.conf", proxy, strings.TrimPrefix(sc.url, "http://"), app.addr()), proxy)
	old := newSealer(t, formatNative, func(c *session.Config[account]) {
		c.IdleTimeout = time.Hour
		c.Clock = func() time.Time { return time.Now().Add(-40 * time.Minute) } // past half the idle timeout
	})
	got := through(t, proxy, "/", map[string]string{"Cookie": old.seal(t, account{User: &accountUser{ID: "42"}})})
	if got.status != 200 || got.app == nil {
		t.Fatalf("status %d: %.300s", got.status, got.body)
	}
	sc2 := got.header.Values("Set-Cookie")
	if len(sc2) != 1 || !strings.HasPrefix(sc2[0], "__Host-session=") || !strings.Contains(sc2[0], "Secure") {
		t.Fatalf("Set-Cookie relayed by nginx: %q", sc2)
	}
	c, err := http.ParseSetCookie(sc2[0])
	if err != nil {
		t.Fatal(err)
	}
	if again := through(t, proxy, "/", map[string]string{"Cookie": c.Name + "=" + c.Value}); again.status != 200 || len(again.header.Values("Set-Cookie")) != 0 {
		t.Errorf("the relayed cookie: %d, Set-Cookie %q (a fresh one needs no refresh)", again.status, again.header.Values("Set-Cookie"))
	}
}

func TestCaddyForwardAuth(t *testing.T) {
	needTool(t, "caddy", "/usr/bin/caddy")
	app := newUpstream(t)
	for _, format := range edgeFormats {
		t.Run(format, func(t *testing.T) {
			s := newSealer(t, format, nil)
			sc := sidecarFor(t, format)
			proxy := freeAddr(t)
			startCaddy(t, docConfig(t, "Caddyfile", proxy, strings.TrimPrefix(sc.url, "http://"), app.addr()), proxy)
			for _, c := range edgeCases(t, s, false) {
				t.Run(c.name, func(t *testing.T) { checkEdge(t, proxy, c) })
			}
			if got := through(t, proxy, "/auth/login", nil); got.status != 200 || !strings.Contains(got.body, "login page") {
				t.Errorf("the login page through caddy: %d %q", got.status, got.body)
			}
		})
	}
}

// TestCaddyEmptyIdentityReplacesSpoof: the sidecar answers every identity
// header, empty when the session lacks it, and Debian's Caddy (2.6) sets the
// copied header to that empty value, so a client's X-User-Email does not
// survive even without the documented delete lines. Those lines are for the
// Caddy releases that copy a header only when the answer has it non-empty
// (GHSA-7r4p-vjf4-gxv4), where a client's copy would pass.
func TestCaddyEmptyIdentityReplacesSpoof(t *testing.T) {
	needTool(t, "caddy", "/usr/bin/caddy")
	app := newUpstream(t)
	sc := sidecarFor(t, formatNative)
	proxy := freeAddr(t)
	conf := docConfig(t, "Caddyfile", proxy, strings.TrimPrefix(sc.url, "http://"), app.addr())
	var kept []string
	for line := range strings.SplitSeq(conf, "\n") {
		if !strings.Contains(line, "request_header -X-User") {
			kept = append(kept, line)
		}
	}
	startCaddy(t, strings.Join(kept, "\n"), proxy)
	s := newSealer(t, formatNative, nil)
	got := through(t, proxy, "/", map[string]string{"Cookie": s.seal(t, account{User: &accountUser{ID: "43"}}), "X-User-Email": "root@example.com"})
	if got.app == nil {
		t.Fatalf("status %d: %.300s", got.status, got.body)
	}
	if v := got.app.Headers["X-User-Email"]; len(v) > 1 || len(v) == 1 && v[0] != "" {
		t.Errorf("without the delete lines the application saw X-User-Email %q: the client's copy survived", v)
	}
}

// TestDocsShowTheTestedFiles: docs/forward-auth/README.md shows the very
// files the live tests run.
func TestDocsShowTheTestedFiles(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(docsDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"nginx.conf", "Caddyfile"} {
		b, err := os.ReadFile(filepath.Join(docsDir, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(doc, b) {
			t.Errorf("docs/forward-auth/README.md does not show %s as the tests run it", f)
		}
	}
}

// TestNginxBudget measures what nginx with its default buffers passes, and
// holds the default cookie budget within it: the largest Set-Cookie line an
// upstream response may carry (proxy_buffer_size, 4 KiB: else 502), the
// largest Cookie header a request may carry (large_client_header_buffers,
// 8 KiB: else 400), and a session of the largest size the default budget
// allows, both ways through the gated route.
func TestNginxBudget(t *testing.T) {
	needTool(t, "nginx", "/usr/sbin/nginx")
	app := newUpstream(t)
	sc := sidecarFor(t, formatNative, "--redirect-status", "401")
	proxy := freeAddr(t)
	startNginx(t, docConfig(t, "nginx.conf", proxy, strings.TrimPrefix(sc.url, "http://"), app.addr()), proxy)

	// largest finds the largest n in [lo, hi] for which ok holds (ok is
	// monotone: true up to a limit).
	largest := func(lo, hi int, ok func(n int) bool) int {
		if !ok(lo) {
			t.Fatalf("not even %d bytes pass", lo)
		}
		for lo < hi {
			mid := (lo + hi + 1) / 2
			if ok(mid) {
				lo = mid
			} else {
				hi = mid - 1
			}
		}
		return lo
	}
	setCookie := largest(1000, 16000, func(n int) bool {
		got := through(t, proxy, fmt.Sprintf("/auth/set-cookie?n=%d", n), nil)
		return got.status == 200
	})
	cookieHeader := largest(1000, 16000, func(n int) bool {
		got := through(t, proxy, "/auth/echo", map[string]string{"Cookie": "a=" + strings.Repeat("c", n-len("a="))})
		return got.status == 200
	})
	t.Logf("nginx defaults pass a Set-Cookie line of at most %d bytes in a Go upstream's response (502 beyond) and a Cookie header of at most %d bytes (400 beyond)", setCookie, cookieHeader)

	// The largest session the default budget allows.
	s := newSealer(t, formatNative, func(c *session.Config[account]) {
		c.Cookie = cookie.Attributes{} // the defaults, the budget included
	})
	var last string
	for i := 1; ; i++ {
		sess := s.m.Load(t.Context(), nil, "")
		err := sess.Update(func(a *account) {
			a.User = &accountUser{ID: "42"}
			a.Groups = []string{strings.Repeat("g", i*16)}
		})
		if err != nil {
			break
		}
		h := http.Header{}
		if err := sess.Save(h); err != nil {
			t.Fatal(err)
		}
		last = h.Get("Set-Cookie")
	}
	line := len("Set-Cookie: ") + len(last) + len("\r\n")
	t.Logf("the largest session within the default budget takes %d bytes of Set-Cookie (budget %d)", line, cookie.DefaultBudget)
	if line > setCookie+len("Set-Cookie: \r\n") || line > cookie.DefaultBudget {
		t.Errorf("the default budget's largest session (%d bytes) does not pass nginx's response buffer (%d)", line, setCookie)
	}
	if setCookie-line < 512 {
		t.Errorf("only %d bytes left in nginx's response buffer for the application's other headers", setCookie-line)
	}
	c, _ := http.ParseSetCookie(last)
	got := through(t, proxy, "/reports", map[string]string{"Cookie": c.Name + "=" + c.Value})
	if got.status != 200 || got.app == nil || got.app.Headers["X-User-Id"][0] != "42" {
		t.Errorf("the largest default-budget session through the gated route: %d", got.status)
	}
	if cookieHeader < 2*cookie.DefaultBudget {
		t.Errorf("nginx's Cookie header limit (%d) leaves less than a budget for other cookies", cookieHeader)
	}
}

// BenchmarkNginxGate measures requests per second and the p99 latency
// through nginx on loopback of a gated route (auth_request to the sidecar,
// then the application) beside the same application route ungated, with a
// valid session cookie: `make edge-load`. Each request is checked.
func BenchmarkNginxGate(b *testing.B) {
	needTool(b, "nginx", "/usr/sbin/nginx")
	app := newUpstream(b)
	sc := sidecarFor(b, formatNative, "--redirect-status", "401")
	proxy := freeAddr(b)
	startNginx(b, docConfig(b, "nginx.conf", proxy, strings.TrimPrefix(sc.url, "http://"), app.addr()), proxy)
	cookieHeader := newSealer(b, formatNative, nil).seal(b, account{User: &accountUser{ID: "42", Email: "ada@example.com"}})
	for _, route := range []struct{ name, path string }{{"ungated", "/auth/page"}, {"gated", "/page"}} {
		b.Run(route.name, func(b *testing.B) {
			tr := &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
			url := "http://" + proxy + route.path
			var mu sync.Mutex
			var lat []time.Duration
			// Warm up: connections to nginx, nginx's keepalive connections
			// to the sidecar and the application.
			for range 500 {
				req, _ := http.NewRequest(http.MethodGet, url, nil)
				req.Header.Set("Cookie", cookieHeader)
				if resp, err := client.Do(req); err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}
			b.SetParallelism(2) // 4 clients on 2 cores: the proxy, the sidecar and the application need the rest
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				var local []time.Duration
				for pb.Next() {
					req, _ := http.NewRequest(http.MethodGet, url, nil)
					req.Header.Set("Cookie", cookieHeader)
					start := time.Now()
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					local = append(local, time.Since(start))
					if resp.StatusCode != 200 {
						b.Errorf("status %d", resp.StatusCode)
						return
					}
				}
				mu.Lock()
				lat = append(lat, local...)
				mu.Unlock()
			})
			elapsed := b.Elapsed()
			slices.Sort(lat)
			if len(lat) > 0 {
				b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "req/s")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
			}
		})
	}
}
