package main

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/httpx"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
)

// demoData is the demo's session: what a small application keeps in it.
type demoData struct {
	Visits int    `json:"visits,omitempty"`
	User   string `json:"user,omitempty"`
	Blob   string `json:"blob,omitempty"` // the large value that shows chunking
}

// blobSize is the size of the large value: with the envelope, it seals to
// about 9,900 characters, which the cookie package writes as 3 chunks.
const blobSize = 7200

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
}

// demo is the demo application, built on the public API only: a
// session.Manager and package httpx.
type demo struct {
	m        *session.Manager[demoData]
	guard    *httpx.Guard[demoData]
	endpoint http.Handler
	logout   http.Handler
	pages    map[string]*template.Template

	logMu sync.Mutex
	log   io.Writer
}

func newDemo(c demoConfig) (*demo, error) {
	d := &demo{log: c.log}
	cfg := session.Config[demoData]{
		Keys:    c.keys,
		Cookie:  cookie.Attributes{InsecureDevelopment: c.insecure},
		OnError: d.onError,
	}
	if c.maxAge.set {
		cfg.MaxAge = c.maxAge.d
	}
	if c.idle.set {
		cfg.IdleTimeout = c.idle.d
	}
	m, err := session.New(cfg)
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
	if d.logout, err = httpx.NewLogout(m, httpx.LogoutConfig[demoData]{RedirectTo: "/"}); err != nil {
		return nil, err
	}
	d.pages = map[string]*template.Template{}
	for name, body := range pageTemplates {
		d.pages[name] = template.Must(template.Must(template.New(name).Parse(layoutTemplate)).Parse(body))
	}
	return d, nil
}

// onError logs why a request's session was refused or not saved.
func (d *demo) onError(r *http.Request, err error) {
	d.logMu.Lock()
	defer d.logMu.Unlock()
	path := ""
	if r != nil {
		path = r.URL.Path
	}
	fmt.Fprintf(d.log, "sealcookie demo: %s: %s\n", path, oneLine(err.Error()))
}

// handler is the demo's routes behind the session middleware.
func (d *demo) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", d.home)
	mux.HandleFunc("GET /auth/login", d.loginForm)
	mux.HandleFunc("POST /auth/login", d.login)
	mux.Handle("POST /auth/logout", d.logout)
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
	return httpx.Middleware(d.m)(securityHeaders(mux))
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

// page is what every template gets.
type page struct {
	Title    string
	User     string
	Visits   int
	Error    string
	Redirect string
	Inspect  *inspection
}

func (d *demo) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	s := d.m.Get(r)
	v := s.Data()
	p.User, p.Visits = v.User, v.Visits
	var b strings.Builder
	if err := d.pages[name].Execute(&b, p); err != nil {
		d.onError(r, err)
		http.Error(w, "template error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	io.WriteString(w, b.String())
}

// home counts visits, as h3's useSession example does.
func (d *demo) home(w http.ResponseWriter, r *http.Request) {
	s := d.m.Get(r)
	if err := s.Update(func(v *demoData) { v.Visits++ }); err != nil {
		d.onError(r, err)
	}
	d.render(w, r, http.StatusOK, "home", page{Title: "Visit counter"})
}

func (d *demo) loginForm(w http.ResponseWriter, r *http.Request) {
	d.render(w, r, http.StatusOK, "login", page{Title: "Log in", Redirect: httpx.RedirectTarget(r, "")})
}

// login accepts any name: it regenerates the session id, as every login
// must, and goes back to the page the guard came from.
func (d *demo) login(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		http.Error(w, "cross-origin request refused", http.StatusForbidden)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	name := strings.TrimSpace(r.PostFormValue("name"))
	target := httpx.RedirectTarget(r, "")
	if name == "" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > maxUserName || strings.ContainsFunc(name, isControl) {
		d.render(w, r, http.StatusBadRequest, "login", page{Title: "Log in", Redirect: target,
			Error: fmt.Sprintf("Enter a name of 1 to %d characters.", maxUserName)})
		return
	}
	s := d.m.Get(r)
	s.Regenerate()
	if err := s.Update(func(v *demoData) { v.User = name }); err != nil {
		http.Error(w, "the session is too large", http.StatusRequestEntityTooLarge)
		return
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }

func (d *demo) account(w http.ResponseWriter, r *http.Request) {
	d.render(w, r, http.StatusOK, "account", page{Title: "Account"})
}

// large stores a value big enough for 3 chunked cookies.
func (d *demo) large(w http.ResponseWriter, r *http.Request) {
	d.setBlob(w, r, largeBlob())
}

// shrink removes it: the response deletes the chunks no longer needed.
func (d *demo) shrink(w http.ResponseWriter, r *http.Request) {
	d.setBlob(w, r, "")
}

func (d *demo) setBlob(w http.ResponseWriter, r *http.Request, blob string) {
	if !sameOrigin(r) {
		http.Error(w, "cross-origin request refused", http.StatusForbidden)
		return
	}
	if err := d.m.Get(r).Update(func(v *demoData) { v.Blob = blob }); err != nil {
		d.render(w, r, http.StatusRequestEntityTooLarge, "inspect", page{Title: "Too large", Error: err.Error(), Inspect: d.inspection(r)})
		return
	}
	http.Redirect(w, r, "/inspect", http.StatusSeeOther)
}

// largeBlob is blobSize characters of text.
func largeBlob() string {
	const phrase = "a large session value, split into chunked cookies; "
	return strings.Repeat(phrase, blobSize/len(phrase)+1)[:blobSize]
}

// inspection is the decoded session of a request, for the inspect page.
type inspection struct {
	ID, Source                     string
	New                            bool
	Created, LastSeen, Expires     string
	Cookie                         string
	Size, Chunks, CookieHeaderSize int
	Data                           string
}

func (d *demo) inspect(w http.ResponseWriter, r *http.Request) {
	d.render(w, r, http.StatusOK, "inspect", page{Title: "Inspect the session", Inspect: d.inspection(r)})
}

func (d *demo) inspection(r *http.Request) *inspection {
	s := d.m.Get(r)
	in := &inspection{
		ID:               s.ID(),
		Source:           s.Source().String(),
		New:              s.IsNew(),
		Created:          s.CreatedAt().UTC().Format(time.RFC3339),
		Expires:          s.ExpiresAt().UTC().Format(time.RFC3339),
		Cookie:           d.m.Name(),
		CookieHeaderSize: len(r.Header.Get("Cookie")),
	}
	if t := s.LastSeenAt(); !t.IsZero() {
		in.LastSeen = t.UTC().Format(time.RFC3339)
	}
	if s.Source() == session.SourceHeader {
		in.Size = len(r.Header.Get(d.m.HeaderName()))
	} else if v, chunks, err := d.m.Cookie().Read(r); err == nil {
		in.Size, in.Chunks = len(v), chunks
	}
	data := s.Data()
	shown := struct {
		Visits int    `json:"visits,omitempty"`
		User   string `json:"user,omitempty"`
		Blob   string `json:"blob,omitempty"`
	}(data)
	if n := len(data.Blob); n > 60 {
		shown.Blob = fmt.Sprintf("%s… (%d characters)", data.Blob[:60], n)
	}
	b, _ := json.MarshalIndent(shown, "", "  ")
	in.Data = string(b)
	return in
}

// sameOrigin refuses a state-changing request a browser sent from another
// origin: Sec-Fetch-Site must be same-origin (or none), else Origin must
// match Host. Clients that send neither (curl, Go) have no ambient cookie to
// abuse and pass.
func sameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return true
	case "":
	default:
		return false
	}
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}
