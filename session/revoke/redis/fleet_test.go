package redis_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/revoke"
	"github.com/sealcookie/sealcookie/session/revoke/redis"
)

// The fleet's settings: the default staleness bound, and a request timeout
// with room for a loaded 2-core machine under -race.
const (
	fleetStaleness = redis.DefaultStaleness
	fleetTimeout   = 250 * time.Millisecond
	// checkSlack is what a revocation check may take beyond fleetTimeout:
	// the scheduling of a busy machine, not waiting on Redis.
	checkSlack = 50 * time.Millisecond
)

var fleetKey = sealed.Key{ID: 1, Password: "fleet-test-password-0123456789abcdef"}

type acct struct {
	User string `json:"user,omitempty"`
}

// instance is one server of the fleet: its own Manager, Revoker and Store,
// sharing only configuration and Redis with the others.
type instance struct {
	name string
	srv  *httptest.Server
	st   *redis.Store
	rv   *revoke.Revoker[acct]

	mu          sync.Mutex
	longest     time.Duration // the longest revocation check
	unavailable int           // reads refused because the check could not be made
	revoked     int
}

func (in *instance) observe(d time.Duration, err error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.longest = max(in.longest, d)
	switch {
	case errors.Is(err, session.ErrUnavailable):
		in.unavailable++
	case err != nil:
		in.revoked++
	}
}

func (in *instance) stats() (time.Duration, int, int) {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.longest, in.unavailable, in.revoked
}

func newInstance(t *testing.T, name string, srv *redisServer, policy redis.Policy) *instance {
	t.Helper()
	in := &instance{name: name}
	st, err := redis.New(redis.Config{Options: &goredis.Options{Addr: srv.Addr()}, Policy: policy, Timeout: fleetTimeout, Staleness: fleetStaleness})
	if err != nil {
		t.Fatal(err)
	}
	in.st = st
	waitFor(t, 5*time.Second, name+"'s copy of the revocations", st.Fresh) // a loaded machine may miss New's first check
	sc := session.Config[acct]{Keys: []sealed.Key{fleetKey}, Cookie: cookie.Attributes{InsecureDevelopment: true}, IdleTimeout: -1}
	if in.rv, err = revoke.New(&sc, revoke.Config[acct]{User: func(a acct) string { return a.User }, Store: st}); err != nil {
		t.Fatal(err)
	}
	check := sc.Validate
	sc.Validate = func(ctx context.Context, e *session.Envelope[acct]) error {
		start := time.Now()
		err := check(ctx, e)
		in.observe(time.Since(start), err)
		return err
	}
	m, err := session.New(sc)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		s := m.Get(r)
		s.Regenerate()
		s.Update(func(a *acct) { a.User = r.URL.Query().Get("user") })
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, m.Get(r).Data().User)
	})
	mux.HandleFunc("POST /logout-everywhere", func(w http.ResponseWriter, r *http.Request) {
		s := m.Get(r)
		if err := in.rv.RevokeUser(r.Context(), s.Data().User); err != nil {
			http.Error(w, "not revoked everywhere", http.StatusServiceUnavailable)
			return
		}
		s.Clear()
		w.WriteHeader(http.StatusNoContent)
	})
	in.srv = httptest.NewServer(m.Middleware(mux))
	t.Cleanup(func() { in.srv.Close(); st.Close() })
	return in
}

// device is a browser of a user: its own cookie jar, talking to any server
// of the fleet (cookies ignore ports, as behind one load balancer).
type device struct {
	user string
	c    *http.Client
}

func newDevice(t *testing.T, user string) *device {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &device{user: user, c: &http.Client{Jar: jar, Timeout: 5 * time.Second}}
}

// cookie is the session cookie the device holds: a copy that a thief could
// send from anywhere.
func (d *device) cookie(t *testing.T, in *instance) string {
	u, _ := url.Parse(in.srv.URL)
	for _, c := range d.c.Jar.Cookies(u) {
		if c.Name == "session" {
			return c.Name + "=" + c.Value
		}
	}
	t.Fatalf("device of %s holds no session cookie", d.user)
	return ""
}

func post(t *testing.T, c *http.Client, u string) int {
	t.Helper()
	resp, err := c.Post(u, "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// logoutEverywhere asks in to log d's user out everywhere, as a person
// would: again when the server says Redis did not record it in time (a
// loaded machine), at most 5 times.
func logoutEverywhere(t *testing.T, d *device, in *instance) {
	t.Helper()
	for range 5 {
		switch code := post(t, d.c, in.srv.URL+"/logout-everywhere"); code {
		case http.StatusNoContent:
			return
		case http.StatusServiceUnavailable:
			time.Sleep(100 * time.Millisecond)
		default:
			t.Fatalf("log out everywhere on %s: %d", in.name, code)
		}
	}
	t.Fatalf("log out everywhere on %s: Redis did not record it in 5 tries", in.name)
}

// me is GET /me with a copied Cookie header (no jar): the user the server
// sees, whether it deleted the cookie, and how long the request took.
func me(t *testing.T, in *instance, cookieLine string) (user string, deleted bool, took time.Duration) {
	t.Helper()
	user, deleted, took, err := tryMe(in, cookieLine)
	if err != nil {
		t.Fatal(err)
	}
	return user, deleted, took
}

// tryMe is me for goroutines other than the test's: it returns the error.
func tryMe(in *instance, cookieLine string) (user string, deleted bool, took time.Duration, err error) {
	req, _ := http.NewRequest("GET", in.srv.URL+"/me", nil)
	req.Header.Set("Cookie", cookieLine)
	start := time.Now()
	resp, err := meClient.Do(req)
	if err != nil {
		return "", false, 0, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, sc := range resp.Header["Set-Cookie"] {
		deleted = deleted || strings.HasPrefix(sc, "session=;")
	}
	return string(b), deleted, time.Since(start), err
}

// meClient sends copied cookies: no jar, and a bound on every request.
var meClient = &http.Client{Timeout: 5 * time.Second}

// TestFleet: three servers share sessions and one Redis (a real
// redis-server on a loopback port); users' devices are spread over them.
// "Log out everywhere" on one server ends that user's sessions on all of
// them within the staleness bound and leaves other users alone; then Redis
// is paused (slow) and killed (down) mid-run and restarted: the policy holds
// throughout, no revocation check outlasts the timeout, recovery needs no
// one, and what was revoked before the kill is still revoked after the
// restart, by a server started after it too.
func TestFleet(t *testing.T) {
	for _, policy := range []redis.Policy{redis.Refuse, redis.Accept} {
		t.Run(map[redis.Policy]string{redis.Refuse: "refuse", redis.Accept: "accept"}[policy], func(t *testing.T) {
			testFleet(t, policy)
		})
	}
}

func testFleet(t *testing.T, policy redis.Policy) {
	srv := startRedis(t)
	fleet := []*instance{newInstance(t, "a", srv, policy), newInstance(t, "b", srv, policy), newInstance(t, "c", srv, policy)}

	// Four users with three devices each, each device logged in on a different server.
	users := []string{"ada", "bob", "cy", "di"}
	devices := map[string][]*device{}
	for _, u := range users {
		for i := range 3 {
			d := newDevice(t, u)
			if code := post(t, d.c, fleet[i].srv.URL+"/login?user="+u); code != http.StatusNoContent {
				t.Fatalf("login of %s on %s: %d", u, fleet[i].name, code)
			}
			devices[u] = append(devices[u], d)
		}
	}
	copies := map[string][]string{} // each device's cookie, as a thief would have copied it
	for _, u := range users {
		for _, d := range devices[u] {
			copies[u] = append(copies[u], d.cookie(t, fleet[0]))
		}
	}
	expectEverywhere := func(phase string, u string, want string) {
		t.Helper()
		for _, c := range copies[u] {
			for _, in := range fleet {
				if got, _, _ := me(t, in, c); got != want {
					t.Errorf("%s: a session of %s on %s reads as %q, want %q", phase, u, in.name, got, want)
				}
			}
		}
	}
	for _, u := range users {
		expectEverywhere("signed in", u, u)
	}

	// Log out everywhere, from ada's phone on server b.
	logoutEverywhere(t, devices["ada"][1], fleet[1])
	revokedAt := time.Now()
	if got, _, _ := me(t, fleet[1], copies["ada"][0]); got != "" {
		t.Errorf("the revoking server still accepts ada's session right after")
	}
	// Every copy of ada's sessions, on every server, is refused within the bound.
	var lag time.Duration
	for _, c := range copies["ada"] {
		for _, in := range fleet {
			for {
				start := time.Now()
				got, deleted, _ := me(t, in, c)
				if got == "" {
					if !deleted {
						t.Errorf("%s refused a revoked session without deleting its cookie", in.name)
					}
					lag = max(lag, start.Sub(revokedAt))
					break
				}
				if start.Sub(revokedAt) > fleetStaleness {
					t.Fatalf("%s still accepts a session of ada %v after log out everywhere, over the %v bound", in.name, start.Sub(revokedAt), fleetStaleness)
				}
				time.Sleep(2 * time.Millisecond)
			}
		}
	}
	t.Logf("log out everywhere reached every server within %v (bound %v)", lag, fleetStaleness)
	for _, u := range users[1:] {
		expectEverywhere("after ada logged out everywhere", u, u)
	}

	// Faults. Traffic runs from every live device and from ada's copies to
	// every server, while Redis is paused, then killed, then restarted.
	type result struct {
		at      time.Time
		took    time.Duration
		user    string // who the request was for
		got     string
		deleted bool
		server  string
	}
	var (
		resMu   sync.Mutex
		results []result
		stop    atomic.Bool
		wg      sync.WaitGroup
	)
	for ui, u := range users {
		for di, c := range copies[u] {
			wg.Go(func() {
				for n := 0; !stop.Load() && n < 2000; n++ { // bounded: at most 2000 requests each
					in := fleet[(ui+di+n)%len(fleet)]
					at := time.Now()
					got, deleted, took, err := tryMe(in, c)
					if err != nil {
						t.Errorf("GET /me on %s: %v", in.name, err)
						return
					}
					resMu.Lock()
					results = append(results, result{at, took, u, got, deleted, in.name})
					resMu.Unlock()
					time.Sleep(10 * time.Millisecond)
				}
			})
		}
	}
	phase := func(d time.Duration) { time.Sleep(d) }
	phase(200 * time.Millisecond)
	pausedAt := time.Now()
	srv.pause()
	phase(fleetStaleness + 700*time.Millisecond)
	srv.resume()
	resumedAt := time.Now()
	phase(1500 * time.Millisecond)
	killedAt := time.Now()
	srv.kill()
	phase(fleetStaleness + 700*time.Millisecond)
	restarting := time.Now() // Redis answers again somewhere between this and restartedAt
	if err := srv.start(); err != nil {
		stop.Store(true)
		wg.Wait()
		t.Fatalf("restarting redis-server: %v\n%s", err, srv.output())
	}
	restartedAt := time.Now()
	phase(2500 * time.Millisecond)
	stop.Store(true)
	wg.Wait()

	// The policy, request by request.
	outage := func(at time.Time) bool { // Redis did not answer from then until then
		return at.After(pausedAt) && at.Before(resumedAt) || at.After(killedAt) && at.Before(restartedAt)
	}
	stale := func(at time.Time) bool { // and the copies were past the bound: the policy decides
		return at.After(pausedAt.Add(fleetStaleness)) && at.Before(resumedAt) || at.After(killedAt.Add(fleetStaleness)) && at.Before(restarting)
	}
	var recovered [2]time.Duration // after the resume, after the restart: the last refusal of a live user
	var slowest time.Duration
	counts := map[string]int{}
	for _, r := range results {
		slowest = max(slowest, r.took)
		live := r.user != "ada"
		switch {
		case !live && r.got != "":
			t.Errorf("a revoked session of ada was accepted on %s at %v into the run", r.server, r.at.Sub(pausedAt))
		case live && r.got != "" && r.got != r.user:
			t.Errorf("a session of %s read as %q", r.user, r.got)
		case live && r.deleted:
			t.Errorf("%s deleted a live session's cookie of %s at %v into the run", r.server, r.user, r.at.Sub(pausedAt))
		case live && policy == redis.Accept && r.got == "":
			t.Errorf("policy Accept: a live session of %s refused on %s at %v into the run", r.user, r.server, r.at.Sub(pausedAt))
		case live && policy == redis.Refuse && stale(r.at) && r.got != "":
			t.Errorf("policy Refuse: a session accepted on %s %v after Redis stopped answering, over the %v bound", r.server, r.at.Sub(pausedAt), fleetStaleness)
		case live && r.got == "" && r.at.Before(pausedAt):
			t.Errorf("a live session of %s refused on %s before any fault", r.user, r.server)
		case live && policy == redis.Refuse && r.got == "" && !outage(r.at):
			if r.at.After(restartedAt) {
				recovered[1] = max(recovered[1], r.at.Sub(restartedAt))
			} else {
				recovered[0] = max(recovered[0], r.at.Sub(resumedAt))
			}
		}
		switch {
		case !live:
			counts["revoked"]++
		case r.got == "":
			counts["refused"]++
		default:
			counts["accepted"]++
		}
	}
	for i, d := range recovered {
		// A check every Staleness/4 and a reconnection take well under a
		// second; the rest is room for a 2-core machine shared with other
		// builds, where a process can stall for a second or two.
		if d > 3*time.Second {
			t.Errorf("policy Refuse: live sessions still refused %v after Redis came back (%s)", d, []string{"resumed", "restarted"}[i])
		}
	}
	if policy == redis.Refuse && counts["refused"] == 0 {
		t.Error("policy Refuse: no live session was refused while Redis was down: the outage was not seen")
	}
	var longest time.Duration
	for _, in := range fleet {
		l, unavailable, _ := in.stats()
		longest = max(longest, l)
		if policy == redis.Refuse && unavailable == 0 {
			t.Errorf("%s never refused a session as unchecked", in.name)
		}
	}
	if longest > fleetTimeout+checkSlack {
		t.Errorf("the longest revocation check took %v, over the %v timeout", longest, fleetTimeout)
	}
	t.Logf("%d requests (%v), longest check %v (timeout %v), slowest request %v; recovery after resume %v, after restart %v",
		len(results), counts, longest, fleetTimeout, slowest, recovered[0], recovered[1])

	// After the restart: Redis kept ada's revocation, a server started now
	// learns it from Redis alone, and a new revocation reaches everyone.
	late := newInstance(t, "d", srv, policy)
	for _, c := range copies["ada"] {
		if got, _, _ := me(t, late, c); got != "" {
			t.Errorf("a server started after the restart accepts ada's revoked session: Redis lost the revocation")
		}
	}
	n, err := srv.client(t).HLen(t.Context(), "{"+redis.DefaultPrefix+"}:cutoffs").Result()
	if err != nil || n != 1 {
		t.Errorf("after the restart Redis holds %d records (%v), want ada's", n, err)
	}
	fleet = append(fleet, late)
	bob := newDevice(t, "bob")
	if code := post(t, bob.c, late.srv.URL+"/login?user=bob"); code != http.StatusNoContent {
		t.Fatal(code)
	}
	logoutEverywhere(t, bob, fleet[2])
	bobAt := time.Now()
	for _, c := range copies["bob"] {
		for _, in := range fleet {
			waitFor(t, fleetStaleness, fmt.Sprintf("bob's revocation after the restart on %s", in.name), func() bool {
				got, _, _ := me(t, in, c)
				return got == ""
			})
		}
	}
	t.Logf("bob's revocation after the restart reached every server within %v", time.Since(bobAt))
	expectEverywhere("after the restart", "cy", "cy")
}
