package attacktest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"math"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/httpx"
	"github.com/sealcookie/sealcookie/internal/testkit"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
)

const (
	sidName    = "__Host-sid"
	cartName   = "__Host-cart"
	sidHeader  = "X-Sid-Session"
	cartHeader = "X-Cart-Session"

	password = "attacktest password, at least 32 bytes long"
	keyID    = 1

	maxAge  = 2 * time.Hour
	idle    = 30 * time.Minute
	refresh = 15 * time.Minute
	skew    = (5 * time.Second)

	// deadline bounds every attack request, from dial to the last byte.
	deadline = 2 * time.Second
)

var keys = []sealed.Key{{ID: keyID, Password: password}}

// Account is the session data of the attacked application.
type Account struct {
	User   string `json:"user,omitempty"`
	Secret string `json:"secret,omitempty"` // must never reach anyone but its owner
	Epoch  int    `json:"epoch,omitempty"`  // the user's logout epoch at login
	Count  int    `json:"count,omitempty"`
	Client string `json:"client,omitempty"`
	Note   string `json:"note,omitempty"`
	Blob   string `json:"blob,omitempty"`
}

// secretOf is the marker a user's session carries; finding it in another
// client's response is cross-talk.
func secretOf(user string) string { return "s3cr3t:" + user }

func signedIn(a Account) bool { return a.User != "" }

// clock and errLog are the shared test helpers of internal/testkit.
type (
	clock  = testkit.Clock
	errLog = testkit.ErrLog
)

func newClock() *clock { return testkit.NewClock(time.UnixMilli(time.Now().UnixMilli())) }

// syncBuffer is an io.Writer safe for the concurrent writes of a server's
// ErrorLog.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// epochs is the application's revocation state: a per-user counter bumped at
// logout, which Validate compares with the one sealed in the session.
type epochs struct {
	mu sync.Mutex
	m  map[string]int
}

func (e *epochs) get(user string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.m[user]
}

func (e *epochs) bump(user string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.m[user]++
}

var errStaleEpoch = errors.New("attacktest: the session's epoch is older than the user's")

// rigOptions varies the attacked application.
type rigOptions struct {
	validate bool // install the epoch revocation check as Config.Validate
}

// rig is the attacked application: a TLS server running the middleware for
// two sessions (sid and cart), a guard over every non-public path, the session
// endpoint, logout, and a proxy to a TLS upstream that echoes what it got.
type rig struct {
	m, cart *session.Manager[Account]
	clk     *clock
	errs    *errLog
	epochs  *epochs
	srv, up *httptest.Server
	srvLog  *syncBuffer // the front server's and the ReverseProxy's ErrorLog
	upLog   *syncBuffer
	client  *http.Client // no cookie jar: attacks set their cookies by hand
	tlsConf *tls.Config

	reached atomic.Int64 // requests that reached the front handler
	upHits  atomic.Int64 // requests that reached the upstream
	panicMu sync.Mutex
	panics  []string
}

// view is what /whoami and /cart answer: the whole session, as the
// application sees it.
type view struct {
	New  bool    `json:"new"`
	ID   string  `json:"id"`
	Data Account `json:"data"`
}

// projection is what the session endpoint shows browser code.
type projection struct {
	User string `json:"user"`
}

// echo is what the upstream answers: the headers and cookie names it got.
type echo struct {
	Headers map[string][]string `json:"headers"`
	Cookies []string            `json:"cookies"`
}

func newRig(t *testing.T, o rigOptions) *rig {
	t.Helper()
	rg := &rig{clk: newClock(), errs: &errLog{}, epochs: &epochs{m: map[string]int{}}, srvLog: &syncBuffer{}, upLog: &syncBuffer{}}
	config := func(name string) session.Config[Account] {
		return session.Config[Account]{
			Name: name, Keys: keys, MaxAge: maxAge, IdleTimeout: idle, RefreshAfter: refresh,
			Clock: rg.clk.Now, OnError: rg.errs.Hook,
			// The server writes chunked sessions, so that the chunk attacks
			// play with real chunks (the default budget keeps one cookie).
			Cookie: cookie.Attributes{Budget: cookie.NoBudget},
		}
	}
	c := config(sidName)
	if o.validate {
		c.Validate = func(_ context.Context, e *session.Envelope[Account]) error {
			if e.Data.User != "" && e.Data.Epoch != rg.epochs.get(e.Data.User) {
				return errStaleEpoch
			}
			return nil
		}
	}
	var err error
	if rg.m, err = session.New(c); err != nil {
		t.Fatal(err)
	}
	if rg.cart, err = session.New(config(cartName)); err != nil {
		t.Fatal(err)
	}
	if got := rg.m.HeaderName(); got != sidHeader {
		t.Fatalf("session header is %q, want %q", got, sidHeader)
	}

	rg.up = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rg.upHits.Add(1)
		e := echo{Headers: map[string][]string(r.Header.Clone())}
		for _, ck := range r.Cookies() {
			e.Cookies = append(e.Cookies, ck.Name)
		}
		w.Header().Set("Content-Type", "application/json")
		// An upstream that trusts its identity headers, and says so to
		// caches: a shared cache in front of the proxy cannot vary on them.
		w.Header().Set("Cache-Control", "public, max-age=60")
		w.Header().Set("Vary", "X-User-Id")
		_ = json.NewEncoder(w).Encode(e)
	}))
	rg.up.Config.ErrorLog = log.New(rg.upLog, "", 0)
	rg.up.StartTLS()
	t.Cleanup(rg.up.Close)

	rg.srv = httptest.NewUnstartedServer(rg.handler(t))
	rg.srv.Config.ErrorLog = log.New(rg.srvLog, "", 0)
	rg.srv.StartTLS()
	t.Cleanup(rg.srv.Close)

	tr := rg.srv.Client().Transport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 8
	rg.tlsConf = tr.TLSClientConfig.Clone()
	rg.client = &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	t.Cleanup(tr.CloseIdleConnections)
	t.Cleanup(func() { rg.checkClean(t) })
	return rg
}

// handler builds the application.
func (rg *rig) handler(t *testing.T) http.Handler {
	t.Helper()
	m, cart := rg.m, rg.cart
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	guard, err := httpx.NewGuard(m, httpx.GuardConfig[Account]{Authenticated: signedIn})
	must(err)
	endpoint, err := httpx.NewEndpoint(m, httpx.EndpointConfig[Account, *projection]{
		Project: func(s *session.Session[Account]) *projection {
			if s.IsNew() || !signedIn(s.Data()) {
				return nil
			}
			return &projection{User: s.Data().User}
		},
	})
	must(err)
	logout, err := httpx.NewLogout(m, httpx.LogoutConfig[Account]{
		OnLogout: func(_ *http.Request, s *session.Session[Account]) {
			if u := s.Data().User; u != "" && !s.IsNew() {
				rg.epochs.bump(u)
			}
		},
	})
	must(err)
	proxy, err := httpx.NewProxy(m, httpx.ProxyConfig[Account]{
		Headers: map[string]httpx.IdentityFunc[Account]{
			"X-User-Id":    func(s *session.Session[Account]) (string, bool) { return s.Data().User, true },
			"X-User-Note":  func(s *session.Session[Account]) (string, bool) { return s.Data().Note, s.Data().Note != "" },
			"X-Session-Id": func(s *session.Session[Account]) (string, bool) { return s.ID(), true },
		},
		Strip:         []string{"X-Admin"},
		Authenticated: signedIn,
	})
	must(err)
	upURL, err := url.Parse(rg.up.URL)
	must(err)
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(upURL)
			proxy.Rewrite(pr)
		},
		ModifyResponse: proxy.ModifyResponse,
		Transport:      rg.up.Client().Transport,
		ErrorLog:       log.New(rg.srvLog, "proxy: ", 0),
	}

	writeView := func(w http.ResponseWriter, s *session.Session[Account]) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(view{New: s.IsNew(), ID: s.ID(), Data: s.Data()})
	}
	update := func(w http.ResponseWriter, s *session.Session[Account], f func(*Account)) {
		if err := s.Update(f); err != nil {
			status := http.StatusBadRequest
			if errors.Is(err, session.ErrTooLarge) {
				status = http.StatusRequestEntityTooLarge
			}
			http.Error(w, "session not updated", status)
			return
		}
		writeView(w, s)
	}

	mux := http.NewServeMux()
	// The login refuses cross-site posts (login CSRF), as the README's quick
	// start does: the session endpoint and logout check the origin
	// themselves.
	mux.Handle("POST /auth/login", http.NewCrossOriginProtection().Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user := r.URL.Query().Get("user")
		if user == "" {
			http.Error(w, "no user", http.StatusBadRequest)
			return
		}
		s := m.Get(r)
		s.Regenerate()
		if err := s.Update(func(a *Account) {
			*a = Account{User: user, Secret: secretOf(user), Epoch: rg.epochs.get(user)}
		}); err != nil {
			http.Error(w, "session not updated", http.StatusBadRequest)
			return
		}
		http.Redirect(w, r, httpx.RedirectTarget(r, ""), http.StatusSeeOther)
	})))
	mux.Handle("/auth/logout", logout)
	mux.Handle("/api/auth/session", endpoint)
	mux.HandleFunc("GET /whoami", func(w http.ResponseWriter, r *http.Request) { writeView(w, m.Get(r)) })
	mux.HandleFunc("POST /count", func(w http.ResponseWriter, r *http.Request) {
		update(w, m.Get(r), func(a *Account) { a.Count++ })
	})
	mux.HandleFunc("POST /profile", func(w http.ResponseWriter, r *http.Request) {
		note := r.URL.Query().Get("note")
		update(w, m.Get(r), func(a *Account) { a.Note = note })
	})
	mux.HandleFunc("GET /cart", func(w http.ResponseWriter, r *http.Request) { writeView(w, cart.Get(r)) })
	// A landing page the application marks public (a CDN may keep it), that
	// also counts the visitor's visits in the cart session.
	mux.HandleFunc("GET /landing", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=600, s-maxage=3600")
		update(w, cart.Get(r), func(a *Account) { a.Count++ })
	})
	mux.HandleFunc("POST /cart", func(w http.ResponseWriter, r *http.Request) {
		update(w, cart.Get(r), func(a *Account) { a.Count++ })
	})
	mux.Handle("/app/", proxy.Handler(rp))
	// Everything else is a signed-in page, behind the guard.
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(projection{User: m.Get(r).Data().User})
	})
	protected := guard.Handler(mux)
	public := func(p string) bool {
		switch p {
		case "/whoami", "/count", "/profile", "/cart", "/landing", "/api/auth/session":
			return true
		}
		return strings.HasPrefix(p, "/auth/") || strings.HasPrefix(p, "/app/")
	}
	edge := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if public(r.URL.Path) {
			mux.ServeHTTP(w, r)
			return
		}
		protected.ServeHTTP(w, r)
	})
	app := m.Middleware(cart.Middleware(edge))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rg.reached.Add(1)
		defer func() {
			if v := recover(); v != nil {
				rg.panicMu.Lock()
				rg.panics = append(rg.panics, fmt.Sprint(v))
				rg.panicMu.Unlock()
				panic(v) // let net/http log it and abort the response, as it would in production
			}
		}()
		app.ServeHTTP(w, r)
	})
}

// checkClean fails the test if a handler panicked or a server logged a panic.
func (rg *rig) checkClean(t *testing.T) {
	t.Helper()
	rg.panicMu.Lock()
	panics := append([]string(nil), rg.panics...)
	rg.panicMu.Unlock()
	if len(panics) > 0 {
		t.Errorf("handlers panicked: %q", panics)
	}
	for name, b := range map[string]*syncBuffer{"front": rg.srvLog, "upstream": rg.upLog} {
		if s := b.String(); strings.Contains(strings.ToLower(s), "panic") {
			t.Errorf("the %s server logged a panic:\n%s", name, clip(s))
		}
	}
}

// request is one attack request. Cookie pairs ("name=value") are joined into
// a single Cookie header exactly as given; Header lines are sent with their
// names exactly as given (no canonicalisation), in order.
type request struct {
	Method string // "" means GET
	Path   string
	Cookie []string
	Header [][2]string
}

// result is what an attack looks at in an answer.
type result struct {
	Status  int
	Header  http.Header
	Body    string
	Elapsed time.Duration
}

// do sends q under the attack deadline and checks what every answer must
// satisfy: it came back in time, and it is not a 500.
func (rg *rig) do(t *testing.T, q request) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	method := q.Method
	if method == "" {
		method = http.MethodGet
	}
	req, err := http.NewRequestWithContext(ctx, method, rg.srv.URL+q.Path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Cookie) > 0 {
		req.Header["Cookie"] = []string{strings.Join(q.Cookie, "; ")}
	}
	for _, h := range q.Header {
		req.Header[h[0]] = append(req.Header[h[0]], h[1])
	}
	start := time.Now()
	resp, err := rg.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, clip(q.Path), clip(err.Error()))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		t.Fatalf("%s %s: reading the answer: %v", method, clip(q.Path), err)
	}
	res := result{Status: resp.StatusCode, Header: resp.Header, Body: string(body), Elapsed: time.Since(start)}
	if res.Elapsed > deadline {
		t.Errorf("%s %s took %v, over the %v deadline", method, clip(q.Path), res.Elapsed, deadline)
	}
	if res.Status == http.StatusInternalServerError {
		t.Errorf("%s %s answered 500: %s", method, clip(q.Path), clip(res.Body))
	}
	return res
}

// raw sends a hand-written HTTP/1.1 request over its own TLS connection, for
// bytes net/http's client refuses to send, and reads the answer.
func (rg *rig) raw(t *testing.T, text string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	start := time.Now()
	d := tls.Dialer{Config: rg.tlsConf}
	conn, err := d.DialContext(ctx, "tcp", rg.srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	dl, _ := ctx.Deadline()
	_ = conn.SetDeadline(dl)
	if _, err := io.WriteString(conn, text); err != nil {
		t.Fatalf("writing the raw request: %v", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the answer to a raw request: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	res := result{Status: resp.StatusCode, Header: resp.Header, Body: string(body), Elapsed: time.Since(start)}
	if res.Elapsed > deadline {
		t.Errorf("raw request took %v, over the %v deadline", res.Elapsed, deadline)
	}
	if res.Status == http.StatusInternalServerError {
		t.Errorf("raw request answered 500: %s", clip(res.Body))
	}
	return res
}

// rawGet is a raw GET of target with extra header lines.
func rawGet(target string, lines ...string) string {
	var b strings.Builder
	b.WriteString("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n")
	for _, l := range lines {
		b.WriteString(l + "\r\n")
	}
	b.WriteString("\r\n")
	return b.String()
}

// view decodes a /whoami or /cart answer.
func (r result) view(t *testing.T) view {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", r.Status, clip(r.Body))
	}
	var v view
	if err := json.Unmarshal([]byte(r.Body), &v); err != nil {
		t.Fatalf("answer %q is not a view: %v", clip(r.Body), err)
	}
	return v
}

// setCookies summarises the answer's Set-Cookie lines as "name:set" or
// "name:delete", in order.
func (r result) setCookies() []string {
	var out []string
	for _, line := range r.Header.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		switch {
		case err != nil:
			out = append(out, "unparseable")
		case c.MaxAge < 0 && c.Value == "":
			out = append(out, c.Name+":delete")
		default:
			out = append(out, c.Name+":set")
		}
	}
	return out
}

// cookie returns the value the answer sets for name, "" if none.
func (r result) cookie(name string) string {
	for _, line := range r.Header.Values("Set-Cookie") {
		if c, err := http.ParseSetCookie(line); err == nil && c.Name == name && c.MaxAge >= 0 {
			return c.Value
		}
	}
	return ""
}

// cookies returns the "name=value" pairs the answer sets (not deletes).
func (r result) cookies() []string {
	var out []string
	for _, line := range r.Header.Values("Set-Cookie") {
		if c, err := http.ParseSetCookie(line); err == nil && c.MaxAge >= 0 {
			out = append(out, c.Name+"="+c.Value)
		}
	}
	return out
}

// noLeak fails if the answer (body or any header) carries one of secrets.
func (r result) noLeak(t *testing.T, secrets ...string) {
	t.Helper()
	var all strings.Builder
	all.WriteString(r.Body)
	for k, vs := range r.Header {
		all.WriteString(k + ": " + strings.Join(vs, ", ") + "\n")
	}
	for _, s := range secrets {
		if strings.Contains(all.String(), s) {
			t.Errorf("the answer carries another session's data (%q)", s)
		}
	}
}

// wantFresh checks an answer that must show a fresh, empty session whose
// rejected value was discarded.
func wantFresh(t *testing.T, r result) {
	t.Helper()
	v := r.view(t)
	if v.ID == "" {
		t.Error("a fresh session has no id")
	}
	v.ID = ""
	if diff := cmp.Diff(view{New: true}, v); diff != "" {
		t.Errorf("session (-want +got):\n%s", diff)
	}
}

// wantErrs checks that OnError heard exactly the errors matching want, in
// order, each reported by the session named name, and that none of them
// carries a secret or a value.
func (rg *rig) wantErrs(t *testing.T, name string, want ...error) {
	t.Helper()
	got := rg.errs.Take()
	if len(got) != len(want) {
		t.Errorf("OnError heard %d errors %q, want %d matching %v", len(got), clipErrs(got), len(want), want)
		return
	}
	for i, err := range got {
		if !errors.Is(err, want[i]) {
			t.Errorf("OnError heard %q, want one matching %q", clip(err.Error()), want[i])
		}
		if !strings.HasPrefix(err.Error(), "session "+name+": ") {
			t.Errorf("OnError heard %q, want it reported by session %s", clip(err.Error()), name)
		}
		if len(err.Error()) > 300 || strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("OnError heard %q: an error must say why, never carry the value", clip(err.Error()))
		}
	}
}

// login signs user in and returns the session's cookies ("name=value").
func (rg *rig) login(t *testing.T, user string) []string {
	t.Helper()
	res := rg.do(t, request{Method: http.MethodPost, Path: "/auth/login?user=" + url.QueryEscape(user)})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("login: status %d, want 303", res.Status)
	}
	cs := res.cookies()
	if len(cs) == 0 {
		t.Fatal("login set no cookie")
	}
	rg.errs.Take()
	return cs
}

// loginValue signs user in and returns the plain (unchunked) sealed value.
func (rg *rig) loginValue(t *testing.T, user string) string {
	t.Helper()
	cs := rg.login(t, user)
	v, ok := strings.CutPrefix(cs[0], sidName+"=")
	if !ok || len(cs) != 1 {
		t.Fatalf("login set %q, want one %s cookie", cs, sidName)
	}
	return v
}

// loginChunked signs user in with a note long enough for the session to need
// three chunks, and returns its cookies: __chunked__3, then .1, .2, .3.
func (rg *rig) loginChunked(t *testing.T, user string) []string {
	t.Helper()
	cs := rg.login(t, user)
	res := rg.do(t, request{Method: http.MethodPost, Path: "/profile?note=" + strings.Repeat("n", 8000), Cookie: cs})
	got := res.cookies()
	if len(got) != 4 || got[0] != sidName+"=__chunked__3" {
		t.Fatalf("a session with an 8000-byte note set %d cookies, want __chunked__3 and three chunks", len(got))
	}
	rg.errs.Take()
	return got
}

// sealRaw seals plaintext as the rig's sessions are sealed (same password and
// key id, the cookie name as purpose), valid for an hour: what a holder of the
// key could produce, including envelopes Manager.Encode never would.
func sealRaw(t *testing.T, plaintext string, now time.Time) string {
	t.Helper()
	ring, err := sealed.NewKeyring(keys[0])
	if err != nil {
		t.Fatal(err)
	}
	v, err := ring.SealString([]byte(plaintext), sidName, now.Add(time.Hour))
	if err != nil {
		t.Fatalf("sealing %d bytes: %v", len(plaintext), err)
	}
	return v
}

// envelope writes a session envelope by hand, with data as raw JSON.
func envelope(id string, created, lastSeen time.Time, data string) string {
	return fmt.Sprintf(`{"id":%q,"createdAt":%d,"lastSeenAt":%d,"data":%s}`, id, created.UnixMilli(), lastSeen.UnixMilli(), data)
}

// chunks splits value into h3-style chunk cookies for name.
func chunks(name, value string) []string {
	n := (len(value) + 3999) / 4000
	out := []string{fmt.Sprintf("%s=__chunked__%d", name, n)}
	for i := range n {
		out = append(out, fmt.Sprintf("%s.%d=%s", name, i+1, value[i*4000:min((i+1)*4000, len(value))]))
	}
	return out
}

// deletions lists the Set-Cookie summary of deleting name and chunks 1..n.
func deletions(name string, n int) []string {
	out := []string{name + ":delete"}
	for i := 1; i <= n; i++ {
		out = append(out, fmt.Sprintf("%s.%d:delete", name, i))
	}
	return out
}

var b64 = base64.RawURLEncoding.Strict()

// openOracle returns the sentinel that FORMAT.md's "Opening" order gives for
// a value that is not the authentic one: length, header (version, expiry
// range, key id, expiry), strict decoding, then authentication. ids are the
// key ids the reader holds; now already has the clock skew taken off.
func openOracle(v string, ids map[uint8]bool, now time.Time) error {
	const minLen = 67
	if len(v) > sealed.MaxLen {
		return sealed.ErrTooLarge
	}
	if len(v) < minLen {
		return sealed.ErrMalformed
	}
	hdr := make([]byte, 12)
	if n, err := b64.Decode(hdr, []byte(v[:16])); err != nil || n != 12 {
		return sealed.ErrMalformed
	}
	if hdr[0] != sealed.Version {
		return sealed.ErrMalformed
	}
	exp := binary.BigEndian.Uint64(hdr[2:10])
	if exp == 0 || exp > math.MaxInt64 {
		return sealed.ErrMalformed
	}
	if !ids[hdr[1]] {
		return sealed.ErrUnknownKey
	}
	if !now.Before(time.UnixMilli(int64(exp))) {
		return sealed.ErrExpired
	}
	raw, err := b64.DecodeString(v)
	if err != nil || b64.EncodedLen(len(raw)) != len(v) {
		return sealed.ErrMalformed
	}
	return sealed.ErrNotAuthentic
}

// clip shortens s for a failure message: attack inputs run to megabytes.
func clip(s string) string {
	if len(s) <= 200 {
		return s
	}
	return fmt.Sprintf("%s…(%d bytes)", s[:200], len(s))
}

func clipErrs(errs []error) []string {
	var out []string
	for _, e := range errs {
		out = append(out, clip(e.Error()))
	}
	return out
}
