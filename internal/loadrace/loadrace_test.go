package main

import (
	"context"
	"errors"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"github.com/sealcookie/sealcookie/internal/testpayload"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
)

// Every Go server of the race really reads, changes and writes its session:
// after seeding, n requests through a cookie jar leave views at seed + n,
// read back through the server's own format.
func TestGoServersCountVisits(t *testing.T) {
	seed, err := seedData()
	if err != nil {
		t.Fatal(err)
	}
	for name, mk := range handlers {
		t.Run(name, func(t *testing.T) {
			h, err := mk(seed)
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(h)
			defer srv.Close()
			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar}
			for _, path := range []string{"/seed", "/", "/", "/"} {
				set, ok, err := get(c, srv.URL+path)
				if err != nil || !ok {
					t.Fatalf("GET %s: ok=%v %v", path, ok, err)
				}
				if name != "go-none" && !set {
					t.Fatalf("GET %s set no cookie", path)
				}
			}
			if name == "go-none" {
				return
			}
			cs := jar.Cookies(mustURL(t, srv.URL))
			if len(cs) != 1 {
				t.Fatalf("the jar holds %d cookies, want 1", len(cs))
			}
			if got, err := views[name](cs[0]); err != nil || got != seed.Views+3 {
				t.Errorf("views read back = %d, %v; want %d", got, err, seed.Views+3)
			}
		})
	}
}

// views reads the visit count back from each Go server's cookie, in its
// own format.
var views = map[string]func(c *http.Cookie) (int, error){
	"sealcookie": func(c *http.Cookie) (int, error) {
		m, err := session.New(session.Config[testpayload.Data]{Name: "sid", Keys: []sealed.Key{{ID: 1, Password: password}}, Cookie: cookieAttrs()})
		if err != nil {
			return 0, err
		}
		s := m.Load(context.Background(), []string{c.Name + "=" + c.Value}, "")
		if s.IsNew() {
			return 0, errors.New("no session")
		}
		return s.Data().Views, nil
	},
	"securecookie-json": func(c *http.Cookie) (int, error) {
		var d testpayload.Data
		err := securecookie.New(hashKey, blockKey).SetSerializer(securecookie.JSONEncoder{}).Decode("sid", c.Value, &d)
		return d.Views, err
	},
	"gorilla-sessions-gob": func(c *http.Cookie) (int, error) {
		r := httptest.NewRequest("GET", "/", nil)
		r.AddCookie(c)
		s, err := sessions.NewCookieStore(hashKey, blockKey).Get(r, "sid")
		if err != nil {
			return 0, err
		}
		n, _ := s.Values["views"].(int)
		return n, nil
	},
}

func TestCPUTimeOfThisProcess(t *testing.T) {
	d, err := cpuTime(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if d < 0 {
		t.Errorf("cpu time %v", d)
	}
	if _, err := cpuTime(-1); err == nil {
		t.Error("cpu time of pid -1 did not fail")
	}
}

func TestMedianAndTargets(t *testing.T) {
	rs := []Result{{CPUMicros: 30, PerSecond: 10}, {CPUMicros: 20, PerSecond: 30}, {CPUMicros: 25, PerSecond: 20}}
	got := median("x", rs)
	if got.CPUMicros != 25 || got.PerSecond != 20 {
		t.Errorf("median = %+v", got)
	}
	rep := &Report{LimitMicros: 5, Median: map[string]Result{
		"go-none":           {CPUMicros: 20},
		"sealcookie":        {CPUMicros: 26}, // adds 6 = 1.2× the limit: met
		"securecookie-json": {CPUMicros: 28}, // adds 8 = 1.33× sealcookie's: not met
	}}
	want := []string{
		"| CPU a session adds per request ≤ 1.3× the full limit's open + seal | 6.0 µs = 1.20× the 5.00 µs round trip | met |",
		"| … ≥ 1.5× less than the hand-written securecookie JSON handler's | 1.33× (8.0 µs vs 6.0 µs) | **not met** |",
	}
	if diff := cmp.Diff(want, rep.targets()); diff != "" {
		t.Errorf("targets (-want +got):\n%s", diff)
	}
}

// The section replaces its previous version and leaves the rest alone.
func TestWriteSectionReplaces(t *testing.T) {
	dir := t.TempDir()
	md := filepath.Join(dir, "B.md")
	os.WriteFile(md, []byte("# Benchmarks\n\nbefore\n"), 0o644)
	rep := &Report{Conns: 8, Duration: "10s", Rounds: make([][]Result, 3), Median: map[string]Result{"go-none": {CPUMicros: 20, Requests: 10, SetCookies: 0}}}
	for range 2 {
		if err := rep.writeSection(md, filepath.Join(dir, "B-e2e.svg"), "B-e2e.svg"); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := os.ReadFile(md)
	s := string(b)
	if strings.Count(s, sectionBegin) != 1 || !strings.HasPrefix(s, "# Benchmarks\n\nbefore\n") || !strings.Contains(s, "| go-none |") {
		t.Errorf("BENCHMARKS.md after two writes:\n%s", s)
	}
	if svg, err := os.ReadFile(filepath.Join(dir, "B-e2e.svg")); err != nil || !strings.HasPrefix(string(svg), "<svg") {
		t.Errorf("chart: %v %.40q", err, svg)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
