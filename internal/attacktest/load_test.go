package attacktest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sealcookie/sealcookie/session"
)

// loadView is what the load server answers.
type loadView struct {
	New    bool   `json:"new"`
	ID     string `json:"id"`
	Client string `json:"client"`
	Token  string `json:"token"`
	Count  int    `json:"count"`
}

// TestConcurrentLoad runs 64 clients at once, each with its own cookie jar,
// through read-modify-write requests on one server (run it with -race). Each
// client's session carries its id and a random token: no update may be lost,
// no client may ever see another's session, and nothing may fail.
func TestConcurrentLoad(t *testing.T) {
	clients, perClient := 64, 50
	if testing.Short() {
		perClient = 10
	}
	const limit = 60 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()

	errs := &errLog{}
	m, err := session.New(session.Config[Account]{Name: "__Host-load", Keys: keys, OnError: errs.Hook})
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu        sync.Mutex
		owner     = map[string]string{} // session id → the client it belongs to
		crossTalk atomic.Int64
		handled   atomic.Int64
	)
	answer := func(w http.ResponseWriter, s *session.Session[Account]) {
		d := s.Data()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(loadView{New: s.IsNew(), ID: s.ID(), Client: d.Client, Token: d.Secret, Count: d.Count})
	}
	mine := func(w http.ResponseWriter, r *http.Request) (*session.Session[Account], bool) {
		handled.Add(1)
		s := m.Get(r)
		client, token := r.URL.Query().Get("client"), r.URL.Query().Get("token")
		if d := s.Data(); !s.IsNew() && (d.Client != client || d.Secret != token) {
			crossTalk.Add(1)
			http.Error(w, "this session belongs to another client", http.StatusConflict)
			return nil, false
		}
		mu.Lock()
		if o, ok := owner[s.ID()]; ok && o != client {
			crossTalk.Add(1)
		}
		owner[s.ID()] = client
		mu.Unlock()
		return s, true
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /rmw", func(w http.ResponseWriter, r *http.Request) {
		s, ok := mine(w, r)
		if !ok {
			return
		}
		client, token := r.URL.Query().Get("client"), r.URL.Query().Get("token")
		if err := s.Update(func(a *Account) { a.Client, a.Secret, a.Count = client, token, a.Count+1 }); err != nil {
			http.Error(w, "session not updated", http.StatusBadRequest)
			return
		}
		answer(w, s)
	})
	mux.HandleFunc("GET /read", func(w http.ResponseWriter, r *http.Request) {
		if s, ok := mine(w, r); ok {
			answer(w, s)
		}
	})
	srvLog := &syncBuffer{}
	srv := httptest.NewUnstartedServer(m.Middleware(mux))
	srv.Config.ErrorLog = log.New(srvLog, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = clients
	t.Cleanup(tr.CloseIdleConnections)

	do := func(c *http.Client, method, path string) (loadView, error) {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, method, srv.URL+path, nil)
		if err != nil {
			return loadView{}, err
		}
		resp, err := c.Do(req)
		if err != nil {
			return loadView{}, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
		if err != nil {
			return loadView{}, err
		}
		if resp.StatusCode != http.StatusOK {
			return loadView{}, fmt.Errorf("status %d: %s", resp.StatusCode, clip(string(body)))
		}
		var v loadView
		err = json.Unmarshal(body, &v)
		return v, err
	}

	var failures, sent atomic.Int64
	fail := func(format string, args ...any) {
		if failures.Add(1) <= 10 {
			t.Errorf(format, args...)
		}
	}
	start := time.Now()
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("client-%02d", i)
			tok := make([]byte, 8)
			_, _ = rand.Read(tok)
			token := hex.EncodeToString(tok)
			jar, err := cookiejar.New(nil)
			if err != nil {
				fail("%s: %v", id, err)
				return
			}
			c := &http.Client{Transport: tr, Jar: jar}
			q := "?client=" + id + "&token=" + token
			sid := ""
			for k := range perClient {
				v, err := do(c, http.MethodPost, "/rmw"+q)
				sent.Add(1)
				switch {
				case err != nil:
					fail("%s, request %d: %v", id, k+1, err)
					return
				case v.New != (k == 0):
					fail("%s, request %d: new session %v: logged out", id, k+1, v.New)
					return
				case v.Client != id || v.Token != token || (k > 0 && v.ID != sid):
					fail("%s, request %d: got the session of %s (id changed: %v): cross-talk", id, k+1, v.Client, v.ID != sid)
					return
				case v.Count != k+1:
					fail("%s, request %d: count %d, want %d: an update was lost", id, k+1, v.Count, k+1)
					return
				}
				sid = v.ID
			}
			v, err := do(c, http.MethodGet, "/read"+q)
			sent.Add(1)
			if err != nil || v.Count != perClient || v.Client != id || v.ID != sid {
				fail("%s: final read %+v, %v; want count %d in its own session", id, v, err, perClient)
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)

	if took > limit {
		t.Errorf("the load took %v, over its %v bound", took, limit)
	}
	if n := crossTalk.Load(); n != 0 {
		t.Errorf("the server saw %d requests carrying another client's session", n)
	}
	if got := clip(strings.Join(errStrings(errs.Take()), "; ")); got != "" {
		t.Errorf("OnError heard: %s", got)
	}
	if len(owner) != clients {
		t.Errorf("%d distinct sessions, want %d", len(owner), clients)
	}
	want := int64(clients * (perClient + 1))
	if sent.Load() != want || handled.Load() != want {
		t.Errorf("%d requests sent, %d handled; want %d", sent.Load(), handled.Load(), want)
	}
	if s := srvLog.String(); s != "" {
		t.Errorf("the server logged:\n%s", clip(s))
	}
	t.Logf("%d clients × %d read-modify-write requests (+1 read each) in %v: %.0f requests/s",
		clients, perClient, took.Round(time.Millisecond), float64(sent.Load())/took.Seconds())
}

func errStrings(errs []error) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}
