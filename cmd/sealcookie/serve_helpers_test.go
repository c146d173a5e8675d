package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
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

// demoServer is a running `sealcookie serve`.
type demoServer struct {
	url    string
	stdout *syncBuffer
	stderr *syncBuffer
	stop   func() int // cancels the context and returns the exit status
}

// startServe runs `sealcookie serve --addr 127.0.0.1:0 args...` until the
// test ends, and returns once it listens.
func startServe(t *testing.T, vars map[string]string, args ...string) *demoServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan net.Addr, 1)
	s := &demoServer{stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	e := &env{
		ctx:    ctx,
		stdin:  strings.NewReader(""),
		stdout: s.stdout,
		stderr: s.stderr,
		lookupEnv: func(k string) (string, bool) {
			v, ok := vars[k]
			return v, ok
		},
		now:       time.Now,
		listening: func(a net.Addr) { addrc <- a },
	}
	done := make(chan int, 1)
	go func() { done <- e.run(append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)) }()
	select {
	case a := <-addrc:
		s.url = "http://" + a.String()
	case code := <-done:
		cancel()
		t.Fatalf("serve exited with %d before listening\nstdout: %s\nstderr: %s", code, s.stdout, s.stderr)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("serve did not listen within 10 s")
	}
	var once sync.Once
	code := -1
	s.stop = func() int {
		once.Do(func() {
			cancel()
			select {
			case code = <-done:
			case <-time.After(10 * time.Second):
				t.Error("serve did not stop within 10 s of its context ending")
			}
		})
		return code
	}
	t.Cleanup(func() { s.stop() })
	return s
}

// browser is a cookie-jar client that does not follow redirects, so that
// each step can check them.
type browser struct {
	t    *testing.T
	base *url.URL
	jar  *cookiejar.Jar
	c    *http.Client
}

func newBrowser(t *testing.T, base string) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(base)
	return &browser{t: t, base: u, jar: jar, c: &http.Client{
		Jar:           jar,
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// do sends a request and returns the status, Location and body.
func (b *browser) do(method, path string, form url.Values, header map[string]string) (int, string, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base.String()+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		b.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Location"), string(out)
}

// cookieNames lists the cookies the jar would send, sorted.
func (b *browser) cookieNames() []string {
	var names []string
	for _, c := range b.jar.Cookies(b.base) {
		names = append(names, c.Name)
	}
	sort.Strings(names)
	return names
}

// cookieHeader is the Cookie header the jar would send.
func (b *browser) cookieHeader() string {
	var parts []string
	for _, c := range b.jar.Cookies(b.base) {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; ")
}
