package session_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
)

// app is a small server over a swappable Manager (for rotation), driven by a
// real client with a cookie jar over TLS.
type app struct {
	t   *testing.T
	clk *clock
	m   atomic.Pointer[session.Manager[User]]
	srv *httptest.Server
	c   *http.Client
}

func newApp(t *testing.T, keys ...sealed.Key) *app {
	a := &app{t: t, clk: newClock()}
	a.setKeys(keys...)
	mux := http.NewServeMux()
	handle := func(pattern string, f func(s *session.Session[User], r *http.Request)) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			s := a.m.Load().Get(r)
			f(s, r)
			if err := s.Save(w.Header()); err != nil {
				http.Error(w, "save failed", http.StatusInternalServerError)
				return
			}
			d := s.Data()
			fmt.Fprintf(w, "%s|%d|%d|%v", d.Name, d.Views, len(strings.Join(d.Roles, "")), s.IsNew())
		})
	}
	handle("POST /login", func(s *session.Session[User], r *http.Request) {
		s.Regenerate()
		s.Update(func(u *User) { u.Name = r.FormValue("name") })
	})
	handle("GET /count", func(s *session.Session[User], _ *http.Request) { s.Update(func(u *User) { u.Views++ }) })
	handle("GET /read", func(*session.Session[User], *http.Request) {})
	handle("POST /big", func(s *session.Session[User], r *http.Request) {
		n := 0
		fmt.Sscan(r.FormValue("n"), &n)
		s.Update(func(u *User) { u.Roles = []string{strings.Repeat("r", n)} })
	})
	handle("POST /logout", func(s *session.Session[User], _ *http.Request) { s.Clear() })
	a.srv = httptest.NewTLSServer(mux)
	t.Cleanup(a.srv.Close)
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	a.c = a.srv.Client()
	a.c.Jar = jar
	return a
}

func (a *app) setKeys(keys ...sealed.Key) {
	m, err := session.New(session.Config[User]{Name: "__Host-app", Keys: keys, Clock: a.clk.Now, Cookie: cookie.Attributes{Budget: cookie.NoBudget}})
	if err != nil {
		a.t.Fatal(err)
	}
	a.m.Store(m)
}

// call returns the body: name|views|len(roles)|isNew.
func (a *app) call(method, path string, form url.Values) string {
	a.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, a.srv.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := a.c.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		a.t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	return string(b)
}

// jarNames lists the cookie names the jar would send.
func (a *app) jarNames() []string {
	u, _ := url.Parse(a.srv.URL)
	var names []string
	for _, c := range a.c.Jar.Cookies(u) {
		names = append(names, c.Name)
	}
	sort.Strings(names)
	return names
}

func TestJarFlows(t *testing.T) {
	a := newApp(t, key1)
	if got := a.call("GET", "/read", nil); got != "|0|0|true" || len(a.jarNames()) != 0 {
		t.Fatalf("anonymous read: %q, jar %v", got, a.jarNames())
	}
	// IsNew stays true: the request carried no session.
	if got := a.call("POST", "/login", url.Values{"name": {"ada"}}); got != "ada|0|0|true" {
		t.Fatalf("login: %q", got)
	}
	for i := 1; i <= 5; i++ {
		if got, want := a.call("GET", "/count", nil), fmt.Sprintf("ada|%d|0|false", i); got != want {
			t.Fatalf("count %d: %q, want %q", i, got, want)
		}
	}
	// Grow to three chunks, then shrink to one: the stale chunks leave the jar.
	a.call("POST", "/big", url.Values{"n": {"7000"}})
	if diff := cmp.Diff([]string{"__Host-app", "__Host-app.1", "__Host-app.2", "__Host-app.3"}, a.jarNames()); diff != "" {
		t.Fatalf("jar after a 7000-byte session (-want +got):\n%s", diff)
	}
	if got := a.call("GET", "/read", nil); got != "ada|5|7000|false" {
		t.Fatalf("chunked session read back as %q", got)
	}
	a.call("POST", "/big", url.Values{"n": {"10"}})
	if diff := cmp.Diff([]string{"__Host-app"}, a.jarNames()); diff != "" {
		t.Fatalf("jar after shrinking (-want +got):\n%s", diff)
	}
	if got := a.call("GET", "/read", nil); got != "ada|5|10|false" {
		t.Fatalf("shrunk session read back as %q", got)
	}
	// Shrink from three chunks straight to a clear.
	a.call("POST", "/big", url.Values{"n": {"7000"}})
	a.call("POST", "/logout", nil)
	if names := a.jarNames(); len(names) != 0 {
		t.Fatalf("jar after logout: %v", names)
	}
	if got := a.call("GET", "/read", nil); got != "|0|0|true" {
		t.Fatalf("after logout: %q", got)
	}
}

func TestJarExpiryAndIdleSlide(t *testing.T) {
	a := newApp(t, key1)
	a.call("POST", "/login", url.Values{"name": {"ada"}})
	// Every 61 minutes the read slides the 2-hour idle window (past half of it).
	for range 5 {
		a.clk.Advance(61 * time.Minute)
		if got := a.call("GET", "/read", nil); got != "ada|0|0|false" {
			t.Fatalf("sliding session lost: %q", got)
		}
	}
	// Max age (24 h) ends it whatever the sliding does.
	a.clk.Advance(19 * time.Hour) // 24h05m since login
	if got := a.call("GET", "/read", nil); got != "|0|0|true" {
		t.Fatalf("session alive past its max age: %q", got)
	}
	// Idle timeout: two hours without a request.
	a.call("POST", "/login", url.Values{"name": {"bob"}})
	a.clk.Advance(2*time.Hour + time.Minute)
	if got := a.call("GET", "/read", nil); got != "|0|0|true" {
		t.Fatalf("session alive past its idle timeout: %q", got)
	}
}

func TestJarRotation(t *testing.T) {
	a := newApp(t, key1)
	a.call("POST", "/login", url.Values{"name": {"ada"}})
	a.setKeys(key2, key1) // the new key seals, the old one still opens
	if got := a.call("GET", "/count", nil); got != "ada|1|0|false" {
		t.Fatalf("after making the new key current: %q", got)
	}
	a.setKeys(key2) // the old key is retired; the client's cookie was re-sealed
	if got := a.call("GET", "/read", nil); got != "ada|1|0|false" {
		t.Fatalf("after retiring the old key: %q", got)
	}
}
