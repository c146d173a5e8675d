package attacktest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
)

const fleetName = "__Host-fleet"

var (
	oldKey = sealed.Key{ID: 1, Password: "the fleet's password before the rotation"}
	newKey = sealed.Key{ID: 2, Password: "the fleet's password after the rotation!"}
)

// fleetConfig is everything the servers of the fleet share: configuration.
// Each server builds its own Manager from it.
func fleetConfig(keys []sealed.Key, onError func(context.Context, error)) session.Config[Account] {
	return session.Config[Account]{Name: fleetName, Keys: keys, MaxAge: time.Hour, IdleTimeout: 30 * time.Minute, OnError: onError}
}

// fleetView is what a fleet server answers.
type fleetView struct {
	New    bool   `json:"new"`
	Client string `json:"client"`
	Count  int    `json:"count"`
	Server string `json:"server"`
}

// fleetServer is one server of the fleet: its own httptest server, its own
// Manager, its own error log. deploy swaps its Manager atomically, which is
// what a rolling deploy of new configuration looks like from one process.
type fleetServer struct {
	name string
	h    atomic.Pointer[http.Handler]
	srv  *httptest.Server
	errs *errLog
	log  *syncBuffer
}

func newFleetServer(t *testing.T, name string, keys ...sealed.Key) *fleetServer {
	t.Helper()
	fs := &fleetServer{name: name, errs: &errLog{}, log: &syncBuffer{}}
	fs.deploy(t, keys...)
	fs.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		(*fs.h.Load()).ServeHTTP(w, r)
	}))
	fs.srv.Config.ErrorLog = log.New(fs.log, "", 0)
	fs.srv.StartTLS()
	t.Cleanup(fs.srv.Close)
	return fs
}

func (fs *fleetServer) deploy(t *testing.T, keys ...sealed.Key) {
	t.Helper()
	m, err := session.New(fleetConfig(keys, fs.errs.Hook))
	if err != nil {
		t.Fatal(err)
	}
	h := m.Middleware(fleetApp(m, fs.name))
	fs.h.Store(&h)
}

// fleetApp is the application each server runs: POST /count increments the
// client's counter (read-modify-write), GET /peek only reads it. Both refuse
// a session that belongs to another client.
func fleetApp(m *session.Manager[Account], server string) http.Handler {
	answer := func(w http.ResponseWriter, r *http.Request, write bool) {
		client := r.URL.Query().Get("client")
		s := m.Get(r)
		isNew := s.IsNew()
		if !isNew && s.Data().Client != client {
			http.Error(w, "this session belongs to another client", http.StatusConflict)
			return
		}
		if write {
			if err := s.Update(func(a *Account) { a.Client, a.Count = client, a.Count+1 }); err != nil {
				http.Error(w, "session not updated", http.StatusBadRequest)
				return
			}
		}
		d := s.Data()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(fleetView{New: isNew, Client: d.Client, Count: d.Count, Server: server})
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /count", func(w http.ResponseWriter, r *http.Request) { answer(w, r, true) })
	mux.HandleFunc("GET /peek", func(w http.ResponseWriter, r *http.Request) { answer(w, r, false) })
	return mux
}

// roundRobin is the client-side load balancer: each request goes to the next
// server, whatever host the URL names.
type roundRobin struct {
	hosts []string
	next  atomic.Uint64
	rt    http.RoundTripper
}

func (rr *roundRobin) RoundTrip(r *http.Request) (*http.Response, error) {
	n := rr.next.Add(1) - 1
	out := r.Clone(r.Context())
	out.URL.Host = rr.hosts[n%uint64(len(rr.hosts))]
	out.Host = out.URL.Host
	return rr.rt.RoundTrip(out)
}

// fleetClient is one browser: its own cookie jar, its own counter.
type fleetClient struct {
	id     string
	c      *http.Client
	jar    *cookiejar.Jar
	reader bool // after its first request, only reads: re-sealing on read is what moves it to the new key
	sent   int  // requests so far
	count  int  // the counter's expected value
}

// step does one request, a write or a read, and checks that the client is
// still signed in to its own session with no update lost.
func (fc *fleetClient) step(ctx context.Context, base string, write bool) error {
	method, path := http.MethodGet, "/peek"
	if write {
		method, path = http.MethodPost, "/count"
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, base+path+"?client="+fc.id, nil)
	if err != nil {
		return err
	}
	resp, err := fc.c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: status %d: %s", method, path, resp.StatusCode, clip(string(body)))
	}
	var v fleetView
	if err := json.Unmarshal(body, &v); err != nil {
		return err
	}
	first := fc.sent == 0
	fc.sent++
	if write {
		fc.count++
	}
	switch {
	case v.New != first:
		return fmt.Errorf("request %d to %s: new session %v: the client was logged out", fc.sent, v.Server, v.New)
	case v.Client != fc.id:
		return fmt.Errorf("request %d to %s: the session belongs to %q", fc.sent, v.Server, v.Client)
	case v.Count != fc.count:
		return fmt.Errorf("request %d to %s: count %d, want %d (an update was lost)", fc.sent, v.Server, v.Count, fc.count)
	}
	return nil
}

// value returns the session cookie in the client's jar.
func (fc *fleetClient) value(u *url.URL) string {
	for _, c := range fc.jar.Cookies(u) {
		if c.Name == fleetName {
			return c.Value
		}
	}
	return ""
}

// TestFleetRotation rotates the password of a fleet of three servers, the
// way the README's "Rotating keys across a fleet" tells an operator to, while 64 clients keep using their
// sessions through a round-robin balancer:
//
//	stage 0  every server: [old]
//	stage 1  every server: [old, new]   new accepted everywhere, old still seals
//	stage 2  one server at a time: [new, old]   new seals
//	stage 3  every server: [new]        old removed
//
// Three clients in four write and read, the fourth only reads after its first
// request. No client is logged out and no update is lost at any stage; after
// stage 3 a cookie kept aside from stage 0 is refused.
func TestFleetRotation(t *testing.T) {
	const clients, perPhase = 64, 6
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	fleet := []*fleetServer{
		newFleetServer(t, "a", oldKey), newFleetServer(t, "b", oldKey), newFleetServer(t, "c", oldKey),
	}
	var hosts []string
	for _, fs := range fleet {
		u, _ := url.Parse(fs.srv.URL)
		hosts = append(hosts, u.Host)
	}
	base := fleet[0].srv.URL // the jar's view: one site, 127.0.0.1
	baseURL, _ := url.Parse(base)
	tr := fleet[0].srv.Client().Transport.(*http.Transport).Clone() // httptest servers share one certificate
	tr.MaxIdleConnsPerHost = clients
	t.Cleanup(tr.CloseIdleConnections)

	var cs []*fleetClient
	for i := range clients {
		jar, err := cookiejar.New(nil)
		if err != nil {
			t.Fatal(err)
		}
		rr := &roundRobin{hosts: hosts, rt: tr}
		rr.next.Store(uint64(i)) // spread the first requests over the fleet
		cs = append(cs, &fleetClient{id: fmt.Sprintf("client-%02d", i), jar: jar, c: &http.Client{Transport: rr, Jar: jar}, reader: i%4 == 3})
	}

	var failures atomic.Int64
	phase := func(name string) {
		t.Helper()
		var wg sync.WaitGroup
		for _, c := range cs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := range perPhase {
					write := k%2 == 0 && !(c.reader && c.sent > 0)
					if err := c.step(ctx, base, write); err != nil {
						if failures.Add(1) <= 10 {
							t.Errorf("%s: %s: %v", name, c.id, err)
						}
						return
					}
				}
			}()
		}
		wg.Wait()
		for _, fs := range fleet {
			if errs := fs.errs.Take(); len(errs) != 0 {
				t.Errorf("%s: server %s's OnError heard %q", name, fs.name, clipErrs(errs))
			}
		}
		if failures.Load() > 0 {
			t.FailNow()
		}
	}
	// keyIDs returns how many clients hold a cookie sealed with each key id.
	keyIDs := func() map[uint8]int {
		out := map[uint8]int{}
		for _, c := range cs {
			info, err := sealed.Inspect(c.value(baseURL))
			if err != nil {
				t.Fatalf("%s's cookie: %v", c.id, err)
			}
			out[info.KeyID]++
		}
		return out
	}
	wantKeyIDs := func(stage string, want map[uint8]int) {
		t.Helper()
		if diff := cmp.Diff(want, keyIDs()); diff != "" {
			t.Errorf("%s: clients per sealing key id (-want +got):\n%s", stage, diff)
		}
	}
	// peek presents one value to server fs outside any jar.
	peek := func(fs *fleetServer, client, value string) fleetView {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, fs.srv.URL+"/peek?client="+client, nil)
		req.Header.Set("Cookie", fleetName+"="+value)
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v fleetView
		if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&v) != nil {
			t.Fatalf("server %s: status %d", fs.name, resp.StatusCode)
		}
		return v
	}

	// Stage 0: the fleet before the rotation.
	phase("stage 0")
	wantKeyIDs("stage 0", map[uint8]int{1: clients})
	kept := cs[0].value(baseURL) // a cookie saved during stage 0, put aside

	// Stage 1: the new key is accepted everywhere; the old one still seals.
	for _, fs := range fleet {
		fs.deploy(t, oldKey, newKey)
	}
	phase("stage 1")
	wantKeyIDs("stage 1", map[uint8]int{1: clients})
	probe, err := func() (string, error) {
		m, err := session.New(fleetConfig([]sealed.Key{newKey}, nil))
		if err != nil {
			return "", err
		}
		return m.Encode(session.Envelope[Account]{Data: Account{Client: "probe", Count: 1}})
	}()
	if err != nil {
		t.Fatal(err)
	}
	for _, fs := range fleet {
		if v := peek(fs, "probe", probe); v.New || v.Count != 1 {
			t.Errorf("stage 1: server %s refused a value sealed with the new key: %+v", fs.name, v)
		}
	}
	// Why stage 1 comes first: a server still on [old] would log out
	// everyone whose cookie a [new, old] server had re-sealed.
	stage0, _ := session.New(fleetConfig([]sealed.Key{oldKey}, nil))
	if _, err := stage0.Decode(t.Context(), probe); !errors.Is(err, sealed.ErrUnknownKey) {
		t.Errorf("a stage-0 server on a new-key value: %v, want sealed.ErrUnknownKey", err)
	}

	// Stage 2: the new key becomes current, one server at a time.
	for i, fs := range fleet {
		fs.deploy(t, newKey, oldKey)
		phase(fmt.Sprintf("stage 2, %d of 3 servers sealing with the new key", i+1))
		t.Logf("stage 2 (%d of 3): clients per sealing key id %v", i+1, keyIDs())
	}
	// Every active client has been re-sealed with the new key: each request
	// re-seals a value sealed with a key that is not current, reads included
	// (a quarter of the clients only read).
	wantKeyIDs("end of stage 2", map[uint8]int{2: clients})
	for _, fs := range fleet {
		if v := peek(fs, cs[0].id, kept); v.New || v.Client != cs[0].id {
			t.Errorf("end of stage 2: server %s refused the stage-0 cookie: %+v", fs.name, v)
		}
	}

	// Stage 3: the old key is removed.
	for _, fs := range fleet {
		fs.deploy(t, newKey)
	}
	phase("stage 3")
	wantKeyIDs("stage 3", map[uint8]int{2: clients})

	// The stage-0 cookie kept aside is refused everywhere now: an inactive
	// user who had not come back within MaxAge would be logged out, which is
	// why the operator waits MaxAge before stage 3.
	for _, fs := range fleet {
		if v := peek(fs, cs[0].id, kept); !v.New {
			t.Errorf("stage 3: server %s accepted a cookie sealed with the removed key: %+v", fs.name, v)
		}
		errs := fs.errs.Take()
		if len(errs) != 1 || !errors.Is(errs[0], sealed.ErrUnknownKey) {
			t.Errorf("stage 3: server %s's OnError heard %q, want one sealed.ErrUnknownKey", fs.name, clipErrs(errs))
		}
	}

	total := 0
	for _, c := range cs {
		total += c.sent
	}
	for _, fs := range fleet {
		if s := fs.log.String(); strings.Contains(strings.ToLower(s), "panic") {
			t.Errorf("server %s logged a panic:\n%s", fs.name, clip(s))
		}
	}
	ids := make([]string, 0, len(cs))
	for _, c := range cs {
		ids = append(ids, fmt.Sprintf("%s=%d", c.id, c.count))
	}
	sort.Strings(ids)
	t.Logf("%d requests by %d clients over 6 phases; no logout, no lost update; first counters %v", total, clients, ids[:3])
}
