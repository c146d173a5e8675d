package cookie_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sealcookie/sealcookie/cookie"
)

// sessionServer serves /set?n=N (Write a value of N characters), /read
// (answers "<chunks> <value>" or "none") and /delete.
func sessionServer(t *testing.T, s *cookie.Spec) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/set":
			n, _ := strconv.Atoi(r.URL.Query().Get("n"))
			if err := s.Write(w.Header(), hdr(r), value(n), time.Time{}, 3600); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
			}
		case "/read":
			v, chunks, err := s.Read(hdr(r))
			switch {
			case errors.Is(err, cookie.ErrNoCookie):
				io.WriteString(w, "none")
			case err != nil:
				http.Error(w, err.Error(), http.StatusBadRequest)
			default:
				fmt.Fprintf(w, "%d %s", chunks, v)
			}
		case "/delete":
			s.Delete(w.Header(), hdr(r))
		default:
			http.NotFound(w, r)
		}
	})
}

// client is an HTTP client with its own cookie jar for srv.
type client struct {
	t   *testing.T
	c   *http.Client
	jar *cookiejar.Jar
	u   *url.URL
}

func newClient(t *testing.T, srv *httptest.Server) *client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := srv.Client()
	c.Jar = jar
	c.Timeout = 10 * time.Second
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return &client{t, c, jar, u}
}

func (c *client) get(path string) string {
	c.t.Helper()
	resp, err := c.c.Get(c.u.String() + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		c.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		c.t.Fatalf("GET %s: %s: %s", path, resp.Status, b)
	}
	return string(b)
}

// held returns name → value length of the cookies the jar would send.
func (c *client) held() map[string]int {
	m := map[string]int{}
	for _, ck := range c.jar.Cookies(c.u) {
		m[ck.Name] = len(ck.Value)
	}
	return m
}

// TestOverlappingWrites: two requests leave with the same cookies; the one
// that grows the value to four chunks answers first, the one that writes two
// chunks last. The browser then holds s=__chunked__2, s.1, s.2 and stale
// s.3, s.4. Read gives the last write (chunks 1..2, as h3 reads them), and
// the next write deletes the stale chunks.
func TestOverlappingWrites(t *testing.T) {
	s := mustNew(t, "s", cookie.Attributes{Budget: cookie.NoBudget})
	srv := httptest.NewTLSServer(sessionServer(t, s))
	defer srv.Close()
	c := newClient(t, srv)
	c.get("/set?n=100")

	// Both requests carry the one-cookie value; run them one after the other
	// on copies of the same request so the order is fixed.
	before := request()
	for _, ck := range c.jar.Cookies(c.u) {
		before.AddCookie(ck)
	}
	grow, shrink := http.Header{}, http.Header{}
	if err := s.Write(grow, hdr(before), value(15000), time.Time{}, 3600); err != nil { // A: 4 chunks
		t.Fatal(err)
	}
	if err := s.Write(shrink, hdr(before), value(5000), time.Time{}, 3600); err != nil { // B: 2 chunks
		t.Fatal(err)
	}
	for _, h := range []http.Header{grow, shrink} {
		var cs []*http.Cookie
		for _, l := range h["Set-Cookie"] {
			ck, err := http.ParseSetCookie(l)
			if err != nil {
				t.Fatal(err)
			}
			cs = append(cs, ck)
		}
		c.jar.SetCookies(c.u, cs)
	}
	want := map[string]int{"s": len("__chunked__2"), "s.1": 4000, "s.2": 1000, "s.3": 4000, "s.4": 3000}
	if diff := cmp.Diff(want, c.held()); diff != "" {
		t.Fatalf("jar after the overlapping writes (-want +got):\n%s", diff)
	}
	if got, want := c.get("/read"), "2 "+value(5000); got != want {
		t.Errorf("read with stale chunks: %.20q… (%d), want B's value (%d)", got, len(got), len(want))
	}
	c.get("/set?n=6000")
	if diff := cmp.Diff(map[string]int{"s": len("__chunked__2"), "s.1": 4000, "s.2": 2000}, c.held()); diff != "" {
		t.Errorf("jar after the next write still holds stale chunks (-want +got):\n%s", diff)
	}
	c.get("/set?n=10") // and a shrink to one cookie deletes them all
	if diff := cmp.Diff(map[string]int{"s": 10}, c.held()); diff != "" {
		t.Errorf("jar after shrinking (-want +got):\n%s", diff)
	}
}

func TestJarOverTLS(t *testing.T) {
	for _, name := range []string{"s", "__Host-session"} {
		t.Run(name, func(t *testing.T) {
			s := mustNew(t, name, cookie.Attributes{Budget: cookie.NoBudget})
			srv := httptest.NewTLSServer(sessionServer(t, s))
			defer srv.Close()
			c := newClient(t, srv)

			c.get("/set?n=10000") // 3 chunks
			want := map[string]int{name: len("__chunked__3"), name + ".1": 4000, name + ".2": 4000, name + ".3": 2000}
			if diff := cmp.Diff(want, c.held()); diff != "" {
				t.Fatalf("jar after a 3-chunk write (-want +got):\n%s", diff)
			}
			if got, want := c.get("/read"), "3 "+value(10000); got != want {
				t.Errorf("read after a 3-chunk write: %.20q… (%d), want %.20q… (%d)", got, len(got), want, len(want))
			}

			c.get("/set?n=4000") // one chunk's worth: a plain cookie
			if diff := cmp.Diff(map[string]int{name: 4000}, c.held()); diff != "" {
				t.Fatalf("jar after shrinking to one cookie (-want +got):\n%s", diff)
			}
			if got, want := c.get("/read"), "0 "+value(4000); got != want {
				t.Errorf("read after shrinking: %.20q…, want %.20q…", got, want)
			}

			c.get("/set?n=8001")
			c.get("/delete")
			if held := c.held(); len(held) != 0 {
				t.Errorf("jar after delete holds %v", held)
			}
			if got := c.get("/read"); got != "none" {
				t.Errorf("read after delete: %.20q…, want none", got)
			}
		})
	}
}

// TestInsecureDevelopment shows why the opt-out exists: over plain http a
// cookie jar (like a browser) does not send a Secure cookie back, so the
// session is lost on every request; with InsecureDevelopment it works. The
// client talks to the loopback server under a non-loopback name, because
// recent jars (Go 1.26's, Chrome's, Firefox's) treat http://localhost and
// 127.0.0.1 as secure.
func TestInsecureDevelopment(t *testing.T) {
	tests := []struct {
		attrs cookie.Attributes
		want  string
	}{
		{cookie.Attributes{}, "none"},
		{cookie.Attributes{InsecureDevelopment: true}, "0 " + value(340)},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("InsecureDevelopment=%v", tt.attrs.InsecureDevelopment), func(t *testing.T) {
			s := mustNew(t, "s", tt.attrs)
			srv := httptest.NewServer(sessionServer(t, s))
			defer srv.Close()
			c := newClient(t, srv)
			tr := srv.Client().Transport.(*http.Transport).Clone()
			addr := srv.Listener.Addr().String()
			tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
				return (&net.Dialer{Timeout: 5 * time.Second}).DialContext(ctx, network, addr)
			}
			c.c.Transport = tr
			c.u = &url.URL{Scheme: "http", Host: "dev.sealcookie.test"}

			c.get("/set?n=340")
			if held := c.held(); tt.want == "none" && len(held) != 0 {
				t.Errorf("jar offers %v over http; want the Secure cookie withheld", held)
			}
			if got := c.get("/read"); got != tt.want {
				t.Errorf("read over http: %.20q…, want %.20q…", got, tt.want)
			}
		})
	}
}

// TestJarManyChunks round-trips a 12-chunk value through a jar, which sends
// the chunks back in its own order.
func TestJarManyChunks(t *testing.T) {
	s := mustNew(t, "s", cookie.Attributes{MaxChunks: 12, Budget: cookie.NoBudget})
	srv := httptest.NewTLSServer(sessionServer(t, s))
	defer srv.Close()
	c := newClient(t, srv)
	c.get("/set?n=47000")
	names := slices.Sorted(maps.Keys(c.held()))
	if len(names) != 13 {
		t.Fatalf("jar holds %v, want s and s.1..s.12", names)
	}
	if got, want := c.get("/read"), "12 "+value(47000); got != want {
		t.Errorf("read: %d characters, want %d", len(got), len(want))
	}
}
