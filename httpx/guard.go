package httpx

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/sealcookie/sealcookie/internal/token"
	"github.com/sealcookie/sealcookie/session"
)

// ErrUnauthenticated is what [Guard.Check] returns for a request without an
// authenticated session.
var ErrUnauthenticated = errors.New("httpx: not authenticated")

// DefaultLoginPath is where a [Guard] sends browsers by default, NextDevKit's.
const DefaultLoginPath = "/auth/login"

// GuardConfig configures a [Guard]. Only Authenticated is required; every
// other field says what its zero value means.
type GuardConfig[T any] struct {
	// Authenticated reports whether a session's data belongs to a signed-in
	// user (say, a non-empty user id). Required: a session that merely
	// exists (a visitor's cart) is not a login. It is called only for
	// sessions the request carried validly, never for a fresh one.
	Authenticated func(data T) bool

	// LoginPath is where browsers are redirected, a same-origin path that
	// [SafeRedirect] accepts; it may carry a query. "" means
	// [DefaultLoginPath]. The login route itself must not be guarded, and
	// its POST must refuse cross-site requests (http.CrossOriginProtection;
	// see "Same-origin rules" in the package documentation).
	LoginPath string

	// Param is the login URL's query parameter that carries the page to
	// come back to. "" means [DefaultRedirectParam] ("redirectTo").
	Param string

	// WantsJSON reports whether a request comes from an API client, which
	// gets 401 with a JSON body instead of a redirect. nil means
	// [AcceptsJSON].
	WantsJSON func(r *http.Request) bool
}

// Guard protects routes that need a signed-in user, like NextDevKit's edge
// getSession: a request without an authenticated session is denied, browsers
// with a 303 redirect to the login path carrying redirectTo=<the original path
// and query>, API clients with 401 and {"error":"unauthenticated"}. Its shape
// follows net/http's CrossOriginProtection: [Guard.Check], [Guard.Handler] and
// [Guard.SetDenyHandler].
//
// The redirectTo value is built from the request's own path and query and kept
// only when [SafeRedirect] accepts it, so the guard never points a browser to
// another origin; a login handler reads it back with [RedirectTarget].
//
// Put the Guard inside [session.Manager.Middleware] for the same Manager: the session it
// loads is then decoded once for the whole request, and refreshed.
type Guard[T any] struct {
	m         *session.Manager[T]
	get       func(*http.Request) *session.Session[T]
	auth      func(T) bool
	login     string
	param     string
	wantsJSON func(*http.Request) bool
	deny      atomic.Pointer[http.Handler]
}

// NewGuard validates c and returns a Guard for m's sessions.
func NewGuard[T any](m *session.Manager[T], c GuardConfig[T]) (*Guard[T], error) {
	if m == nil {
		return nil, errors.New("httpx: NewGuard needs a non-nil *session.Manager")
	}
	if c.Authenticated == nil {
		return nil, errors.New("httpx: GuardConfig.Authenticated is required")
	}
	return newGuard(m, m.Get, c)
}

func newGuard[T any](m *session.Manager[T], get func(*http.Request) *session.Session[T], c GuardConfig[T]) (*Guard[T], error) {
	g := &Guard[T]{m: m, get: get, auth: c.Authenticated, login: c.LoginPath, param: c.Param, wantsJSON: c.WantsJSON}
	if g.login == "" {
		g.login = DefaultLoginPath
	}
	if _, ok := SafeRedirect(g.login); !ok {
		return nil, fmt.Errorf("httpx: login path %q is not a same-origin path", g.login)
	}
	if g.param == "" {
		g.param = DefaultRedirectParam
	}
	if g.param != url.QueryEscape(g.param) {
		return nil, fmt.Errorf("httpx: redirect parameter %q needs escaping; use a plain name", g.param)
	}
	if g.wantsJSON == nil {
		g.wantsJSON = AcceptsJSON
	}
	return g, nil
}

// Check returns nil when r carries an authenticated session, else
// [ErrUnauthenticated].
func (g *Guard[T]) Check(r *http.Request) error {
	if !authenticated(g.get(r), g.auth) {
		return ErrUnauthenticated
	}
	return nil
}

func authenticated[T any](s *session.Session[T], auth func(T) bool) bool {
	if s.IsNew() {
		return false
	}
	return auth == nil || auth(s.Data())
}

// Handler returns a handler that calls h for requests that pass
// [Guard.Check] and the deny handler for the others.
func (g *Guard[T]) Handler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if g.Check(r) != nil {
			g.denyHandler().ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// SetDenyHandler sets the handler called for requests that fail the check.
// nil restores the default: a redirect to the login URL for browsers, 401
// JSON for API clients. It is safe to call concurrently with requests.
func (g *Guard[T]) SetDenyHandler(h http.Handler) {
	if h == nil {
		g.deny.Store(nil)
		return
	}
	g.deny.Store(&h)
}

func (g *Guard[T]) denyHandler() http.Handler {
	if h := g.deny.Load(); h != nil {
		return *h
	}
	return http.HandlerFunc(g.Deny)
}

// Deny is the default deny handler: a 401 JSON answer when the guard's
// WantsJSON says r comes from an API client, else a redirect to
// [Guard.LoginURL] (a 303, or HX-Redirect for htmx: see [Redirect]). Custom
// deny handlers may call it.
func (g *Guard[T]) Deny(w http.ResponseWriter, r *http.Request) {
	deny(w, r, g.wantsJSON(r), g.LoginURL(r))
}

func deny(w http.ResponseWriter, r *http.Request, api bool, loginURL string) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	token.AddVary(h, "Accept")
	if api {
		writeJSONError(w, http.StatusUnauthorized, "unauthenticated")
		return
	}
	Redirect(w, r, loginURL)
}

// LoginURL returns the login path with the request's path and query as the
// redirect parameter (for an htmx request, those of the page the browser
// shows), or the bare login path when they are not a safe same-origin target
// (a request for "//evil.com", say).
func (g *Guard[T]) LoginURL(r *http.Request) string {
	return loginURL(g.login, g.param, r)
}

func loginURL(login, param string, r *http.Request) string {
	target, ok := SafeRedirect(returnTo(r))
	if !ok {
		return login
	}
	sep := "?"
	if strings.Contains(login, "?") {
		sep = "&"
	}
	return login + sep + param + "=" + url.QueryEscape(target)
}

// AcceptsJSON reports whether r's Accept header lists application/json or a
// +json type (application/problem+json, say) with a non-zero quality: what an
// API client or fetch() call sends, unlike a browser navigating to a page.
func AcceptsJSON(r *http.Request) bool {
	for _, line := range r.Header.Values("Accept") {
		for mr := range strings.SplitSeq(line, ",") {
			typ, params, _ := strings.Cut(mr, ";")
			typ = strings.ToLower(strings.TrimSpace(typ))
			if typ != "application/json" && !(strings.HasPrefix(typ, "application/") && strings.HasSuffix(typ, "+json")) {
				continue
			}
			if zeroQuality(params) {
				continue
			}
			return true
		}
	}
	return false
}

// zeroQuality reports whether media-range parameters say q=0.
func zeroQuality(params string) bool {
	for p := range strings.SplitSeq(params, ";") {
		k, v, _ := strings.Cut(p, "=")
		if strings.EqualFold(strings.TrimSpace(k), "q") {
			v = strings.TrimSpace(v)
			return strings.Trim(v, "0.") == "" && v != ""
		}
	}
	return false
}
