package authjstest

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"

	"github.com/sealcookie/sealcookie/httpx"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/authjs"
)

// TestEdgeGate is the package documentation's edge recipe over real TLS
// servers: a Go reverse proxy with the Auth.js format in front of an
// upstream (standing in for the Next.js app, which echoes what reaches it).
// A browser without a session is sent to Auth.js's sign-in page with its
// callbackUrl; with the cookie Auth.js's sign-in set, it gets through, the
// upstream sees the user's id and still its own session cookie, and a
// client-sent identity header never reaches it.
func TestEdgeGate(t *testing.T) {
	signin := run(t, job{Op: "signin", Secret: secret1, User: map[string]any{"id": "user-1", "name": "Ada", "email": "ada@example.com"}})[0]

	upstream := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := r.Cookie(name)
		io.WriteString(w, "user="+r.Header.Get("X-User-Id")+" cookie="+map[bool]string{true: "yes", false: "no"}[err == nil])
	}))
	defer upstream.Close()
	target, _ := url.Parse(upstream.URL)

	f, err := authjs.New(authjs.Config{Secrets: []string{secret1}, UpdateAge: -1})
	if err != nil {
		t.Fatal(err)
	}
	m, err := session.New(session.Config[User]{Format: f})
	if err != nil {
		t.Fatal(err)
	}
	p, err := httpx.NewProxy(m, httpx.ProxyConfig[User]{
		Headers: map[string]httpx.IdentityFunc[User]{"X-User-Id": func(s *session.Session[User]) (string, bool) {
			return s.Data().Subject, s.Data().Subject != ""
		}},
		Authenticated:   func(u User) bool { return u.Subject != "" },
		Unauthenticated: httpx.SendToLogin,
		LoginPath:       "/api/auth/signin",
		Param:           "callbackUrl",
		ForwardSession:  true,
	})
	if err != nil {
		t.Fatal(err)
	}
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			p.Rewrite(pr)
		},
		Transport: upstream.Client().Transport,
	}
	edge := httptest.NewTLSServer(p.Handler(rp))
	defer edge.Close()

	client := edge.Client()
	client.Jar, _ = cookiejar.New(nil)
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	get := func() (int, string, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", edge.URL+"/dashboard", nil)
		req.Header.Set("Accept", "text/html")
		req.Header.Set("X-User-Id", "forged")
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<10))
		return res.StatusCode, res.Header.Get("Location"), string(b)
	}

	if code, loc, _ := get(); code/100 != 3 || !strings.HasPrefix(loc, "/api/auth/signin?callbackUrl=%2Fdashboard") {
		t.Fatalf("without a session: %d to %q, want a redirect to Auth.js's sign-in page", code, loc)
	}
	u, _ := url.Parse(edge.URL)
	var cs []*http.Cookie
	for _, l := range signin.SetCookie {
		c, err := http.ParseSetCookie(l)
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
	}
	client.Jar.SetCookies(u, cs)
	if code, _, body := get(); code != 200 || body != "user=user-1 cookie=yes" {
		t.Fatalf("with Auth.js's cookie: %d %q", code, body)
	}
}
