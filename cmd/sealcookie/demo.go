package main

import (
	"context"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/httpx"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/revoke"
)

// demoData is the demo's session: what a small application keeps in it.
type demoData struct {
	Visits int    `json:"visits,omitempty"`
	User   string `json:"user,omitempty"`
	Blob   string `json:"blob,omitempty"` // the large value that fills the cookie budget
}

// blobSize is the size of the large value: with the envelope and the longest
// login name (64 characters that JSON escapes to 6 bytes each), the session
// still seals within the default cookie budget (3072 bytes of Set-Cookie:
// one cookie), which passes curl, nginx's default buffers and API Gateway.
const blobSize = 1500

// cookieHeaderBudget is the largest Cookie header that gets through: curl
// sends at most 8,190 bytes of one header line, and nginx refuses a header
// line over its default large_client_header_buffers of 8 KB. A bigger header
// is dropped or refused without the application hearing of it.
const cookieHeaderBudget = 8190

// maxUserName caps the login name, in characters.
const maxUserName = 64

// sessionView is what the session JSON endpoint shows browser code.
type sessionView struct {
	LoggedIn bool   `json:"loggedIn"`
	User     string `json:"user,omitempty"`
	Visits   int    `json:"visits"`
	Expires  string `json:"expires,omitempty"`
}

type demoConfig struct {
	keys     []sealed.Key
	insecure bool // cookie.Attributes.InsecureDevelopment
	maxAge   seconds
	idle     seconds
	log      io.Writer // why sessions were refused; never their values

	decodeCmd  string // the command that decodes the demo's cookies, for the inspect page
	decodeNote string // what to give it
}

// demo is the demo application, built on the public API only: a
// session.Manager and package httpx.
type demo struct {
	m        *session.Manager[demoData]
	spec     *cookie.Spec // the session's cookie, to show its size and chunks
	guard    *httpx.Guard[demoData]
	endpoint http.Handler
	logout   http.Handler
	rv       *revoke.Revoker[demoData] // log out everywhere (demo_revoke.go)
	pages    map[string]*template.Template

	decodeCmd, decodeNote string

	logMu sync.Mutex
	log   io.Writer
}

func newDemo(c demoConfig) (*demo, error) {
	d := &demo{log: c.log, decodeCmd: c.decodeCmd, decodeNote: c.decodeNote}
	attrs := cookie.Attributes{InsecureDevelopment: c.insecure}
	cfg := session.Config[demoData]{
		Keys:    c.keys,
		Cookie:  attrs,
		OnError: d.onError,
	}
	if c.maxAge.set {
		cfg.MaxAge = c.maxAge.d
	}
	if c.idle.set {
		cfg.IdleTimeout = c.idle.d
	}
	if err := d.withRevocation(&cfg); err != nil {
		return nil, err
	}
	m, err := session.New(cfg)
	if err == nil {
		d.spec, err = cookie.New(m.Name(), attrs)
	}
	if err != nil {
		return nil, usagef("%v", err)
	}
	d.m = m
	if d.guard, err = httpx.NewGuard(m, httpx.GuardConfig[demoData]{
		Authenticated: func(v demoData) bool { return v.User != "" },
	}); err != nil {
		return nil, err
	}
	if d.endpoint, err = httpx.NewEndpoint(m, httpx.EndpointConfig[demoData, sessionView]{
		Project: func(s *session.Session[demoData]) sessionView {
			v := s.Data()
			view := sessionView{LoggedIn: v.User != "", User: v.User, Visits: v.Visits}
			if !s.IsNew() {
				view.Expires = s.ExpiresAt().UTC().Format(time.RFC3339)
			}
			return view
		},
	}); err != nil {
		return nil, err
	}
	if d.logout, err = httpx.NewLogout(m, httpx.LogoutConfig[demoData]{RedirectTo: "/", OnLogout: d.revokeSession}); err != nil {
		return nil, err
	}
	d.pages = map[string]*template.Template{}
	for name, body := range pageTemplates {
		d.pages[name] = template.Must(template.Must(template.New(name).Parse(layoutTemplate)).Parse(body))
	}
	return d, nil
}

// onError logs why a request's session was refused or not saved.
func (d *demo) onError(ctx context.Context, err error) {
	d.logMu.Lock()
	defer d.logMu.Unlock()
	path, _ := ctx.Value(pathKey{}).(string)
	fmt.Fprintf(d.log, "sealcookie demo: %s: %s\n", path, oneLine(err.Error()))
}

// pathKey is the context key of the request path that onError logs.
type pathKey struct{}

// withPath puts the request's path in its context for onError.
func withPath(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), pathKey{}, r.URL.Path)))
	})
}

// handler is the demo's routes behind the session middleware.
func (d *demo) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", d.home)
	mux.HandleFunc("GET /auth/login", d.loginForm)
	mux.HandleFunc("POST /auth/login", d.login)
	mux.Handle("POST /auth/logout", d.logout)
	mux.HandleFunc("POST /auth/logout-everywhere", d.logoutEverywhere)
	mux.Handle("GET /account", d.guard.Handler(http.HandlerFunc(d.account)))
	mux.Handle("/api/auth/session", d.endpoint)
	mux.HandleFunc("POST /large", d.large)
	mux.HandleFunc("POST /shrink", d.shrink)
	mux.HandleFunc("GET /inspect", d.inspect)
	// A route that never touches the session: the baseline of `make load`
	// (the middleware loads lazily, so it costs nothing here).
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok\n")
	})
	// Every state-changing form post must come from the demo's own pages
	// (login CSRF, logout, the large-value buttons).
	return http.NewCrossOriginProtection().Handler(withPath(d.m.Middleware(securityHeaders(mux))))
}

// securityHeaders sets the headers every page of the demo carries.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		h.ServeHTTP(w, r)
	})
}
