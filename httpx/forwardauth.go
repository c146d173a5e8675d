package httpx

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/sealcookie/sealcookie/internal/token"
	"github.com/sealcookie/sealcookie/session"
)

// Headers a proxy sets on its authorization sub-request to describe the
// original request: Caddy's forward_auth and Traefik's ForwardAuth send the
// X-Forwarded- pair; nginx's auth_request sends what its configuration says
// (the documented one sets the X-Original- pair). Envoy's ext_authz sends the
// original path as the sub-request's own.
var (
	uriHeaders    = []string{"X-Forwarded-Uri", "X-Original-Uri"}
	methodHeaders = []string{"X-Forwarded-Method", "X-Original-Method"}
)

// ForwardAuthConfig configures a [ForwardAuth]. Every field is optional, but
// a ForwardAuth without Headers only says yes or no.
type ForwardAuthConfig[T any] struct {
	// Headers maps each identity header the upstream trusts ("X-User-Id")
	// to the function that derives it from an authenticated session. A
	// 200 answer always carries every one of them, empty when the function
	// says false or gives a value that is not a valid header value, so that
	// a proxy copying them replaces whatever the client sent under the same
	// names (see the package documentation on proxies that do not).
	Headers map[string]IdentityFunc[T]

	// Authenticated reports whether a session's data belongs to a
	// signed-in user. nil means every valid session the request carries.
	Authenticated func(data T) bool

	// LoginURL is where browser navigations without an authenticated
	// session are sent, with the original path and query in Param: a
	// same-origin path that [SafeRedirect] accepts, or an absolute http or
	// https URL (a login service on another host). "" answers 401 to every
	// request without an authenticated session.
	LoginURL string

	// Param is the login URL's query parameter that carries the page to come
	// back to. "" means [DefaultRedirectParam] ("redirectTo").
	Param string

	// WantsJSON reports whether the original request comes from an API
	// client, which gets 401 instead of a redirect. nil means
	// [AcceptsJSON]. Only GET and HEAD navigations are redirected.
	WantsJSON func(r *http.Request) bool

	// RedirectStatus is the status of the answer that sends a browser to
	// LoginURL. 0 means 302 Found, which Caddy's forward_auth, Traefik's
	// ForwardAuth and Envoy's ext_authz pass on to the client. nginx's
	// auth_request accepts only 2xx, 401 and 403 from the sub-request: there
	// use 401, and let nginx turn a 401 carrying a Location header into the
	// redirect (error_page 401 with auth_request_set, as the documented
	// configuration does). One of 302, 303, 307 or 401.
	RedirectStatus int

	// Refresh relays the session's own writes: a 200 answer then carries
	// the Set-Cookie lines (and the session header) that a read re-seals,
	// to slide the idle window or move to the current key. false, the
	// default, never writes: the application behind the proxy, which shares
	// the password, refreshes the session itself. nginx relays the first
	// Set-Cookie line (auth_request_set and add_header), so keep the session
	// in one cookie there, as the default budget does; Traefik's
	// addAuthCookiesToResponse relays them all; Caddy's forward_auth copies
	// headers to the upstream request only, not to the response.
	Refresh bool
}

// ForwardAuth answers a proxy's authorization sub-request from the session
// the original request carries: nginx's auth_request, Caddy's
// forward_auth, Traefik's ForwardAuth, Envoy's ext_authz (HTTP). The answer
// is one of:
//
//   - 200 with every configured identity header, for an authenticated
//     session;
//   - a redirect (RedirectStatus) to LoginURL?redirectTo=<the original path
//     and query>, for a browser navigation (GET or HEAD, not WantsJSON)
//     when LoginURL is set; the target is kept only when [SafeRedirect]
//     accepts it;
//   - 401 with {"error":"unauthenticated"}, for everything else.
//
// Every answer carries Cache-Control: no-store. It refuses what the
// session's middleware refuses, the same way (a fresh session: tampered,
// expired, oversized, malformed chunks, a garbage session header), never
// with a 500; Config.OnError hears why. The original request's path and
// method come from X-Forwarded-Uri and X-Forwarded-Method (Caddy, Traefik),
// X-Original-Uri and X-Original-Method (nginx, as configured), else from the
// sub-request itself (Envoy); they only shape the redirect.
//
// It is read-only unless Refresh is set: no Set-Cookie, whatever the
// session.
type ForwardAuth[T any] struct {
	m         *session.Manager[T]
	headers   []identity[T]
	auth      func(T) bool
	login     string
	param     string
	wantsJSON func(*http.Request) bool
	status    int
	refresh   bool
}

// NewForwardAuth validates c and returns a ForwardAuth for m's sessions.
func NewForwardAuth[T any](m *session.Manager[T], c ForwardAuthConfig[T]) (*ForwardAuth[T], error) {
	if m == nil {
		return nil, errors.New("httpx: NewForwardAuth needs a non-nil *session.Manager")
	}
	f := &ForwardAuth[T]{m: m, auth: c.Authenticated, login: c.LoginURL, param: c.Param, wantsJSON: c.WantsJSON, status: c.RedirectStatus, refresh: c.Refresh}
	if f.login != "" {
		if err := checkLoginURL(f.login); err != nil {
			return nil, err
		}
	}
	if f.param == "" {
		f.param = DefaultRedirectParam
	}
	if f.param != url.QueryEscape(f.param) {
		return nil, fmt.Errorf("httpx: redirect parameter %q needs escaping; use a plain name", f.param)
	}
	if f.wantsJSON == nil {
		f.wantsJSON = AcceptsJSON
	}
	switch f.status {
	case 0:
		f.status = http.StatusFound
	case http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusUnauthorized:
	default:
		return nil, fmt.Errorf("httpx: RedirectStatus %d: one of 302, 303, 307 or 401", f.status)
	}
	seen := map[string]bool{}
	for name, fn := range c.Headers {
		if fn == nil {
			return nil, fmt.Errorf("httpx: identity header %q has a nil function", name)
		}
		if !token.Valid(name) {
			return nil, fmt.Errorf("httpx: %q is not a valid header name", name)
		}
		n := normHeader(name)
		if reservedHeaders[n] || forwardAuthReserved[n] || n == normHeader(m.HeaderName()) {
			return nil, fmt.Errorf("httpx: %q cannot be an identity header: the answer itself uses it", name)
		}
		if seen[n] {
			return nil, fmt.Errorf("httpx: identity header %q is configured twice (header names are compared without case, '_' as '-')", name)
		}
		seen[n] = true
		f.headers = append(f.headers, identity[T]{http.CanonicalHeaderKey(name), fn})
	}
	slices.SortFunc(f.headers, func(a, b identity[T]) int { return strings.Compare(a.name, b.name) })
	return f, nil
}

// forwardAuthReserved are the headers the answer sets itself.
var forwardAuthReserved = map[string]bool{
	"location": true, "set-cookie": true, "cache-control": true, "vary": true,
	"x-content-type-options": true, "www-authenticate": true,
}

// checkLoginURL accepts a same-origin path or an absolute http(s) URL.
func checkLoginURL(s string) error {
	if _, ok := SafeRedirect(s); ok {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.Fragment != "" || strings.ContainsAny(s, " \t\r\n\\") {
		return fmt.Errorf("httpx: login URL %q is neither a same-origin path nor an absolute http(s) URL", s)
	}
	return nil
}

// ServeHTTP answers one authorization sub-request.
func (f *ForwardAuth[T]) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	var header string
	if name := f.m.HeaderName(); name != "" {
		header = r.Header.Get(name)
	}
	s := f.m.Load(r.Context(), r.Header["Cookie"], header)
	if authenticated(s, f.auth) {
		for _, id := range f.headers {
			v, ok := id.f(s)
			if !ok || !validHeaderValue(v) {
				v = ""
			}
			h[id.name] = []string{v}
		}
		if f.refresh {
			// Save reports a failure through Config.OnError; the answer is
			// still a yes, without the refresh.
			_ = s.Save(h)
		}
		w.WriteHeader(http.StatusOK)
		return
	}
	if f.login != "" && f.navigation(r) {
		h.Set("Location", f.loginURL(r))
		token.AddVary(h, "Accept")
		if f.status == http.StatusUnauthorized {
			writeJSONError(w, http.StatusUnauthorized, "unauthenticated")
			return
		}
		w.WriteHeader(f.status)
		return
	}
	writeJSONError(w, http.StatusUnauthorized, "unauthenticated")
}

// navigation reports whether the original request is a browser navigation
// worth a redirect: GET or HEAD, and not from an API client.
func (f *ForwardAuth[T]) navigation(r *http.Request) bool {
	method := firstHeader(r, methodHeaders)
	if method == "" {
		method = r.Method
	}
	if method != http.MethodGet && method != http.MethodHead {
		return false
	}
	return !f.wantsJSON(r)
}

// loginURL is LoginURL with the original path and query as Param, when
// SafeRedirect accepts them.
func (f *ForwardAuth[T]) loginURL(r *http.Request) string {
	target := firstHeader(r, uriHeaders)
	if target == "" {
		target = r.URL.RequestURI()
	}
	target, ok := SafeRedirect(target)
	if !ok {
		return f.login
	}
	sep := "?"
	if strings.Contains(f.login, "?") {
		sep = "&"
	}
	return f.login + sep + f.param + "=" + url.QueryEscape(target)
}

func firstHeader(r *http.Request, names []string) string {
	for _, n := range names {
		if v := r.Header.Get(n); v != "" {
			return v
		}
	}
	return ""
}
