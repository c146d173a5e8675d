package attacktest

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sealcookie/sealcookie/session"
)

// apache finds Apache httpd and its modules (Debian's apache2-bin, which
// .ci/run installs). Without them the test skips, saying what is missing;
// with CI=true it fails instead.
func apache(t *testing.T) (bin, modules string) {
	t.Helper()
	bin, modules = "/usr/sbin/apache2", "/usr/lib/apache2/modules"
	for _, p := range []string{bin, filepath.Join(modules, "mod_cache.so")} {
		if _, err := os.Stat(p); err != nil {
			msg := fmt.Sprintf("Apache httpd is missing (%s): apt-get install apache2-bin", p)
			if os.Getenv("CI") == "true" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	return bin, modules
}

// startCache starts Apache httpd on a free loopback port as a caching
// reverse proxy (mod_cache, in shared memory) in front of backend, and
// stops it when the test ends. mod_cache follows RFC 9111 and stores the
// headers of what it caches, Set-Cookie included, unless told otherwise.
func startCache(t *testing.T, backend string) string {
	t.Helper()
	bin, modules := apache(t)
	dir := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	var conf strings.Builder
	fmt.Fprintf(&conf, "ServerRoot %s\nServerName 127.0.0.1\nListen %s\nPidFile %s\nErrorLog %s\nLogLevel warn\n",
		dir, addr, filepath.Join(dir, "httpd.pid"), filepath.Join(dir, "error.log"))
	for _, m := range []string{"mpm_event", "authz_core", "proxy", "proxy_http", "cache", "cache_socache", "socache_shmcb"} {
		fmt.Fprintf(&conf, "LoadModule %s_module %s\n", m, filepath.Join(modules, "mod_"+m+".so"))
	}
	if os.Geteuid() == 0 {
		conf.WriteString("User nobody\nGroup nogroup\n") // httpd will not serve as root
	}
	fmt.Fprintf(&conf, "CacheEnable socache /\nCacheSocache shmcb\nCacheHeader on\nProxyPass / %s/\n", backend)
	confPath := filepath.Join(dir, "httpd.conf")
	if err := os.WriteFile(confPath, []byte(conf.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	cmd := exec.CommandContext(ctx, bin, "-f", confPath, "-X") // -X: one process, in the foreground
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel() // kills the process we started
		_ = cmd.Wait()
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Logf("httpd output:\n%s\nerror log:\n%s", out.String(), log)
		}
	})
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return "http://" + addr
		}
	}
	t.Fatalf("httpd did not listen on %s within 10 s:\n%s", addr, out.String())
	return ""
}

// TestSharedCache puts a real shared cache (Apache httpd's mod_cache) in
// front of a page the application marks public and that starts a visitor's
// session. Two visitors without cookies must get two sessions. With
// KeepCacheControl, the cache stores the first visitor's answer, Set-Cookie
// and all, and hands the same session to the second: the attack the
// review reproduced, which shows that the cache does cache here.
func TestSharedCache(t *testing.T) {
	for _, tc := range []struct {
		name   string
		keep   bool
		shared bool
	}{{"default", false, false}, {"KeepCacheControl", true, true}} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := session.New(session.Config[Account]{Name: cartName, Keys: keys, KeepCacheControl: tc.keep})
			if err != nil {
				t.Fatal(err)
			}
			backend := httptest.NewServer(m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Cache-Control", "public, max-age=600")
				if err := m.Get(r).Update(func(a *Account) { a.Count++ }); err != nil {
					http.Error(w, "session not updated", http.StatusInternalServerError)
					return
				}
				_, _ = io.WriteString(w, "landing page\n")
			})))
			defer backend.Close()
			cache := startCache(t, backend.URL)

			var sessions, caches []string
			for range 2 {
				resp, err := http.Get(cache + "/landing")
				if err != nil {
					t.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				var v string
				for _, c := range resp.Cookies() {
					if c.Name == cartName {
						v = c.Value
					}
				}
				if resp.StatusCode != http.StatusOK || v == "" {
					t.Fatalf("status %d, no %s cookie: %v", resp.StatusCode, cartName, resp.Header)
				}
				sessions = append(sessions, v)
				caches = append(caches, resp.Header.Get("X-Cache"))
			}
			if shared := sessions[0] == sessions[1]; shared != tc.shared {
				t.Errorf("two visitors without cookies got the same session: %v, want %v (X-Cache %q)", shared, tc.shared, caches)
			}
			if tc.shared && !strings.HasPrefix(caches[1], "HIT") {
				t.Errorf("the second answer did not come from the cache (X-Cache %q): this test would check nothing", caches[1])
			}
		})
	}
}
