package httpx_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/session"
)

// protocols runs f over HTTP/1.1 and HTTP/2.
func protocols(t *testing.T, f func(t *testing.T, h2 bool)) {
	for _, h2 := range []bool{false, true} {
		name := "h1"
		if h2 {
			name = "h2"
		}
		t.Run(name, func(t *testing.T) { f(t, h2) })
	}
}

// count answers the session's counter, "count=N".
func countHandler(m *session.Manager[User]) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "count=%d", m.Get(r).Data().Count)
	}
}

func increment(t testing.TB, m *session.Manager[User], r *http.Request) {
	if err := m.Get(r).Update(func(u *User) { u.Count++ }); err != nil {
		t.Errorf("Update: %v", err)
	}
}

// Every way a handler can start its response commits the session first, so
// the cookie reaches the browser, which sends it back.
func TestMiddlewareCommitPoints(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		write  func(m *session.Manager[User], w http.ResponseWriter, r *http.Request)
	}{
		{"WriteHeader 200", 200, "", func(_ *session.Manager[User], w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) }},
		{"WriteHeader 204", 204, "", func(_ *session.Manager[User], w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusNoContent)
		}},
		{"Write", 200, "hello", func(_ *session.Manager[User], w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "hello") }},
		{"empty Write", 200, "", func(_ *session.Manager[User], w http.ResponseWriter, _ *http.Request) { w.Write(nil) }},
		{"ReadFrom via io.Copy", 200, "copied", func(_ *session.Manager[User], w http.ResponseWriter, _ *http.Request) {
			io.Copy(w, struct{ io.Reader }{strings.NewReader("copied")}) // hides WriterTo, so io.Copy calls ReadFrom
		}},
		{"Flush before Write (ResponseController)", 200, "after flush", func(_ *session.Manager[User], w http.ResponseWriter, _ *http.Request) {
			if err := http.NewResponseController(w).Flush(); err != nil {
				panic(err)
			}
			io.WriteString(w, "after flush")
		}},
		{"Flush before Write (http.Flusher)", 200, "after flush", func(_ *session.Manager[User], w http.ResponseWriter, _ *http.Request) {
			w.(http.Flusher).Flush()
			io.WriteString(w, "after flush")
		}},
		{"500 after the update", 500, "boom\n", func(_ *session.Manager[User], w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "boom", http.StatusInternalServerError)
		}},
		{"redirect", 303, "", func(_ *session.Manager[User], w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Location", "/next")
			w.WriteHeader(http.StatusSeeOther)
		}},
		{"never writes", 200, "", func(*session.Manager[User], http.ResponseWriter, *http.Request) {}},
		{"explicit Save, then Write", 200, "saved", func(m *session.Manager[User], w http.ResponseWriter, r *http.Request) {
			if err := m.Get(r).Save(w.Header()); err != nil {
				panic(err)
			}
			io.WriteString(w, "saved")
		}},
	}
	protocols(t, func(t *testing.T, h2 bool) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				m, log, _ := newManager(t, "", nil)
				mux := http.NewServeMux()
				mux.HandleFunc("/do", func(w http.ResponseWriter, r *http.Request) {
					increment(t, m, r)
					tc.write(m, w, r)
				})
				mux.Handle("/count", countHandler(m))
				c := newClient(t, newServer(t, m.Middleware(mux), h2))

				got := c.get("/do")
				if got.Status != tc.status || got.Body != tc.body {
					t.Errorf("answer %d %q, want %d %q", got.Status, got.Body, tc.status, tc.body)
				}
				if diff := cmp.Diff([]string{m.Name()}, setCookieNames(got.Header)); diff != "" {
					t.Errorf("Set-Cookie names (-want +got):\n%s", diff)
				}
				if !slices.Contains(varyTokens(got.Header), "Cookie") {
					t.Errorf("Vary = %q, want Cookie in it", got.Header.Values("Vary"))
				}
				if got := c.get("/count").Body; got != "count=1" {
					t.Errorf("next request: %q, want count=1", got)
				}
				if errs := log.All(); len(errs) != 0 {
					t.Errorf("OnError heard %v", errs)
				}
			})
		}
	})
}

// A route that never asks for the session writes nothing and adds no Vary; one
// that only reads adds Vary but no cookie.
func TestMiddlewareUntouchedAndReadOnly(t *testing.T) {
	m, log, _ := newManager(t, "", nil)
	mux := http.NewServeMux()
	mux.HandleFunc("/set", func(w http.ResponseWriter, r *http.Request) { increment(t, m, r) })
	mux.HandleFunc("/static", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "static")
	})
	mux.Handle("/read", countHandler(m))
	c := newClient(t, newServer(t, m.Middleware(mux), false))
	c.get("/set")

	static := c.get("/static")
	if n := setCookieNames(static.Header); len(n) != 0 || static.Header.Get("Vary") != "" {
		t.Errorf("untouched route: Set-Cookie %q, Vary %q; want neither", n, static.Header.Get("Vary"))
	}
	read := c.get("/read")
	if read.Body != "count=1" {
		t.Errorf("read: %q", read.Body)
	}
	if n := setCookieNames(read.Header); len(n) != 0 {
		t.Errorf("read-only route set cookies %q", n)
	}
	if diff := cmp.Diff([]string{"Cookie", m.HeaderName()}, varyTokens(read.Header)); diff != "" {
		t.Errorf("Vary (-want +got):\n%s", diff)
	}
	if errs := log.All(); len(errs) != 0 {
		t.Errorf("OnError heard %v", errs)
	}
}

// 103 Early Hints go out untouched (no Set-Cookie in them); the final
// response carries the cookie.
func TestMiddlewareEarlyHints(t *testing.T) {
	protocols(t, func(t *testing.T, h2 bool) {
		m, _, _ := newManager(t, "", nil)
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			increment(t, m, r)
			w.Header().Set("Link", "</app.css>; rel=preload; as=style")
			w.WriteHeader(http.StatusEarlyHints)
			w.Header().Del("Link")
			io.WriteString(w, "page")
		})
		srv := newServer(t, m.Middleware(h), h2)
		c := newClient(t, srv)

		var mu sync.Mutex
		var hints []textproto.MIMEHeader
		ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
			Got1xxResponse: func(code int, h textproto.MIMEHeader) error {
				mu.Lock()
				defer mu.Unlock()
				if code == http.StatusEarlyHints {
					hints = append(hints, h)
				}
				return nil
			},
		})
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/", nil)
		resp, err := c.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		mu.Lock()
		defer mu.Unlock()
		if len(hints) != 1 {
			t.Fatalf("got %d early hints, want 1", len(hints))
		}
		if hints[0].Get("Link") == "" || len(hints[0].Values("Set-Cookie")) != 0 {
			t.Errorf("early hints header %v: want a Link and no Set-Cookie", hints[0])
		}
		if diff := cmp.Diff([]string{m.Name()}, setCookieNames(resp.Header)); diff != "" {
			t.Errorf("final response's Set-Cookie names (-want +got):\n%s", diff)
		}
	})
}

// Hijacking, deadlines and full duplex reach the connection through the
// wrapper's Unwrap.
func TestMiddlewareResponseController(t *testing.T) {
	m, _, _ := newManager(t, "", nil)
	mux := http.NewServeMux()
	mux.HandleFunc("/hijack", func(w http.ResponseWriter, r *http.Request) {
		m.Get(r)
		conn, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			http.Error(w, "hijack: "+err.Error(), http.StatusInternalServerError)
			return
		}
		defer conn.Close()
		brw.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: close\r\n\r\nhijacked")
		brw.Flush()
	})
	mux.HandleFunc("/controls", func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		errs := []error{
			rc.SetReadDeadline(time.Now().Add(time.Minute)),
			rc.SetWriteDeadline(time.Now().Add(time.Minute)),
			rc.EnableFullDuplex(),
		}
		fmt.Fprint(w, errors.Join(errs...) == nil)
	})
	c := newClient(t, newServer(t, m.Middleware(mux), false))
	if got := c.get("/hijack"); got.Status != 200 || got.Body != "hijacked" {
		t.Errorf("hijack: %d %q", got.Status, got.Body)
	}
	if got := c.get("/controls"); got.Body != "true" {
		t.Errorf("deadlines and full duplex through the wrapper: %q, want true", got.Body)
	}
}

// A panicking handler is left to net/http: the response is aborted and no
// session is committed.
func TestMiddlewarePanic(t *testing.T) {
	protocols(t, func(t *testing.T, h2 bool) {
		m, _, _ := newManager(t, "", nil)
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			increment(t, m, r)
			panic("handler bug")
		})
		c := newClient(t, newServer(t, m.Middleware(h), h2))
		resp, err := c.c.Get(c.srv.URL + "/")
		if err == nil {
			resp.Body.Close()
			t.Fatalf("got %d, want the response aborted", resp.StatusCode)
		}
		if n := c.cookies(); len(n) != 0 {
			t.Errorf("jar holds %q after a panic", n)
		}
	})
}

// More than 4 KB of data is chunked, read back, and the chunks are deleted
// when the session shrinks.
func TestMiddlewareChunked(t *testing.T) {
	protocols(t, func(t *testing.T, h2 bool) {
		m, log, _ := newManager(t, "", func(c *session.Config[User]) { c.Cookie.Budget = cookie.NoBudget })
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if n, err := strconv.Atoi(r.URL.Query().Get("blob")); err == nil {
				if err := m.Get(r).Update(func(u *User) { u.Blob = strings.Repeat("x", n) }); err != nil {
					http.Error(w, err.Error(), http.StatusInternalServerError)
					return
				}
			}
			fmt.Fprintf(w, "blob=%d", len(m.Get(r).Data().Blob))
		})
		c := newClient(t, newServer(t, m.Middleware(h), h2))
		big := c.get("/?blob=6000")
		name := m.Name()
		if diff := cmp.Diff([]string{name, name + ".1", name + ".2", name + ".3"}, setCookieNames(big.Header)); diff != "" {
			t.Errorf("Set-Cookie names for a 6000-byte blob (-want +got):\n%s", diff)
		}
		if got := c.get("/").Body; got != "blob=6000" {
			t.Errorf("read back %q", got)
		}
		c.get("/?blob=10")
		if got := c.get("/").Body; got != "blob=10" {
			t.Errorf("after shrinking: %q", got)
		}
		if diff := cmp.Diff([]string{name}, c.cookies()); diff != "" {
			t.Errorf("jar after shrinking (-want +got):\n%s", diff)
		}
		if errs := log.All(); len(errs) != 0 {
			t.Errorf("OnError heard %v", errs)
		}
	})
}

// Two Managers with different names, stacked, on one request: each commits its
// own cookie, only when touched, and Vary stays free of duplicates.
func TestMiddlewareTwoSessions(t *testing.T) {
	a, _, _ := newManager(t, "__Host-a", nil)
	b, _, _ := newManager(t, "__Host-b", nil)
	mux := http.NewServeMux()
	mux.HandleFunc("/both", func(w http.ResponseWriter, r *http.Request) {
		increment(t, a, r)
		increment(t, b, r)
		increment(t, b, r)
		w.Header().Set("Vary", "Accept-Encoding")
		fmt.Fprintf(w, "a=%d b=%d", a.Get(r).Data().Count, b.Get(r).Data().Count)
	})
	mux.HandleFunc("/b", func(w http.ResponseWriter, r *http.Request) {
		increment(t, b, r)
		fmt.Fprintf(w, "b=%d", b.Get(r).Data().Count)
	})
	stack := a.Middleware(b.Middleware(mux))
	c := newClient(t, newServer(t, stack, false))

	first := c.get("/both")
	if first.Body != "a=1 b=2" {
		t.Errorf("first: %q", first.Body)
	}
	got := setCookieNames(first.Header)
	slices.Sort(got)
	if diff := cmp.Diff([]string{"__Host-a", "__Host-b"}, got); diff != "" {
		t.Errorf("Set-Cookie names (-want +got):\n%s", diff)
	}
	want := []string{"Accept-Encoding", "Cookie", b.HeaderName(), a.HeaderName()}
	if diff := cmp.Diff(want, varyTokens(first.Header)); diff != "" {
		t.Errorf("Vary (-want +got):\n%s", diff)
	}
	onlyB := c.get("/b")
	if diff := cmp.Diff([]string{"__Host-b"}, setCookieNames(onlyB.Header)); diff != "" {
		t.Errorf("Set-Cookie names when only b is touched (-want +got):\n%s", diff)
	}
	if got := c.get("/both").Body; got != "a=2 b=5" {
		t.Errorf("third: %q", got)
	}
}

// A commit that fails (the session no longer fits) is reported through
// OnError and the response goes on as the handler wrote it.
func TestMiddlewareCommitFailure(t *testing.T) {
	var huge atomic.Bool
	m, log, _ := newManager(t, "", func(c *session.Config[User]) {
		c.GenerateID = func() string {
			if huge.Load() {
				return strings.Repeat("i", 40000)
			}
			return "small-id"
		}
	})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		huge.Store(true)
		m.Get(r).Regenerate() // the new id makes the session too large to seal
		io.WriteString(w, "the handler's body")
	})
	rec := httptest.NewRecorder()
	m.Middleware(h).ServeHTTP(rec, httptest.NewRequest("GET", "https://example.com/", nil))
	if rec.Code != 200 || rec.Body.String() != "the handler's body" {
		t.Errorf("answer %d %q: want the handler's own", rec.Code, rec.Body.String())
	}
	if n := setCookieNames(rec.Header()); len(n) != 0 {
		t.Errorf("Set-Cookie %q, want none", n)
	}
	if !log.Has(session.ErrTooLarge) {
		t.Errorf("OnError heard %v, want session.ErrTooLarge", log.All())
	}
}

// A change made after the response started cannot be sent: OnError hears
// ErrLateChange.
func TestMiddlewareLateChange(t *testing.T) {
	m, log, _ := newManager(t, "", nil)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "started")
		increment(t, m, r)
	})
	rec := httptest.NewRecorder()
	m.Middleware(h).ServeHTTP(rec, httptest.NewRequest("GET", "https://example.com/", nil))
	if n := setCookieNames(rec.Header()); len(n) != 0 {
		t.Errorf("Set-Cookie %q in a response that had started", n)
	}
	if !log.Has(session.ErrLateChange) {
		t.Errorf("OnError heard %v, want ErrLateChange", log.All())
	}
}

// ReadFrom falls back to a plain copy when the underlying writer has no
// ReadFrom (httptest's recorder), still committing first.
func TestMiddlewareReadFromFallback(t *testing.T) {
	m, _, _ := newManager(t, "", nil)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		increment(t, m, r)
		n, err := w.(io.ReaderFrom).ReadFrom(strings.NewReader("0123456789"))
		if n != 10 || err != nil {
			t.Errorf("ReadFrom = %d, %v", n, err)
		}
	})
	rec := httptest.NewRecorder()
	m.Middleware(h).ServeHTTP(rec, httptest.NewRequest("GET", "https://example.com/", nil))
	if rec.Body.String() != "0123456789" || len(setCookieNames(rec.Result().Header)) != 1 {
		t.Errorf("body %q, Set-Cookie %q", rec.Body.String(), setCookieNames(rec.Result().Header))
	}
}

// A session carried in the session header is answered in the same header.
func TestMiddlewareHeaderSession(t *testing.T) {
	m, _, _ := newManager(t, "", nil)
	v, err := m.Encode(session.Envelope[User]{Data: User{Count: 41}})
	if err != nil {
		t.Fatal(err)
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { increment(t, m, r) })
	req := httptest.NewRequest("GET", "https://example.com/", nil)
	req.Header.Set(m.HeaderName(), v)
	rec := httptest.NewRecorder()
	m.Middleware(h).ServeHTTP(rec, req)
	e, err := m.Decode(t.Context(), rec.Header().Get(m.HeaderName()))
	if err != nil {
		t.Fatalf("response session header: %v", err)
	}
	if e.Data.Count != 42 {
		t.Errorf("count %d, want 42", e.Data.Count)
	}
}

// Many clients at once, each with its own jar, keep their own counters: no
// update is lost or crosses over (run with -race).
func TestMiddlewareConcurrentClients(t *testing.T) {
	const clients, requests = 16, 15
	m, log, _ := newManager(t, "", nil)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := m.Get(r)
		if err := s.Update(func(u *User) {
			if u.ID == "" {
				u.ID = r.Header.Get("X-Client")
			}
			u.Count++
		}); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		d := s.Data()
		fmt.Fprintf(w, "%s %d", d.ID, d.Count)
	})
	srv := newServer(t, m.Middleware(h), true)
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := newClient(t, srv)
			id := "client-" + strconv.Itoa(i)
			for n := 1; n <= requests; n++ {
				req, _ := http.NewRequest(http.MethodGet, srv.URL+"/", nil)
				req.Header.Set("X-Client", id)
				resp, err := c.c.Do(req)
				if err != nil {
					errs <- err
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if want := fmt.Sprintf("%s %d", id, n); string(b) != want {
					errs <- fmt.Errorf("%s request %d: got %q, want %q", id, n, b, want)
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
	if errs := log.All(); len(errs) != 0 {
		t.Errorf("OnError heard %v", errs)
	}
}

// A route that never touches the session costs at most two allocations more
// than the bare handler.
func TestMiddlewareUntouchedAllocs(t *testing.T) {
	m, _, _ := newManager(t, "", nil)
	bare := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	wrapped := m.Middleware(bare)
	req := httptest.NewRequest("GET", "https://example.com/", nil)
	w := discardWriter{http.Header{}}
	base := testing.AllocsPerRun(100, func() { bare.ServeHTTP(w, req) })
	got := testing.AllocsPerRun(100, func() { wrapped.ServeHTTP(w, req) })
	if got-base > 2 {
		t.Errorf("untouched route: %v allocations over the bare handler's %v, want at most 2", got-base, base)
	}
}

// varyTokens returns the tokens of h's Vary lines, in order.
func varyTokens(h http.Header) []string {
	var out []string
	for _, line := range h.Values("Vary") {
		for _, v := range strings.Split(line, ",") {
			out = append(out, strings.TrimSpace(v))
		}
	}
	return out
}

// discardWriter is a ResponseWriter that allocates nothing.
type discardWriter struct{ h http.Header }

func (d discardWriter) Header() http.Header         { return d.h }
func (d discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d discardWriter) WriteHeader(int)             {}
