package httpx

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httputil"
	"strings"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/internal/token"
	"github.com/sealcookie/sealcookie/session"
)

// Unauthenticated says what a [Proxy] does with a request that carries no
// authenticated session.
type Unauthenticated int

const (
	// Pass forwards the request without identity headers.
	Pass Unauthenticated = iota
	// SendToLogin denies it as a [Guard] does: browsers are redirected to the
	// login path with redirectTo, API clients get 401 JSON.
	SendToLogin
	// Refuse denies it with 401 JSON.
	Refuse
)

// IdentityFunc derives one identity header's value from a session; false
// leaves the header out.
type IdentityFunc[T any] func(s *session.Session[T]) (value string, ok bool)

// ProxyConfig configures a [Proxy]. Every field is optional, but a Proxy
// without Headers only strips.
type ProxyConfig[T any] struct {
	// Headers maps each identity header the upstream trusts
	// ("X-User-Id") to the function that derives it from an authenticated
	// session. Whatever a client sent under these names is always deleted
	// first. A value that is not a valid header value (a newline, say) is
	// left out.
	Headers map[string]IdentityFunc[T]

	// Strip lists further headers deleted from every outbound request
	// whatever the session, for identity headers the upstream trusts that
	// the session does not set.
	Strip []string

	// Authenticated reports whether a session's data belongs to a signed-in
	// user. nil means every valid session the request carries. It is
	// required with SendToLogin or Refuse, as in [GuardConfig].
	Authenticated func(data T) bool

	// Unauthenticated says what happens to requests without an
	// authenticated session: Pass (the zero value) forwards them without
	// identity; SendToLogin and Refuse take effect in [Proxy.Handler], since a
	// Rewrite hook cannot answer.
	Unauthenticated Unauthenticated

	// LoginPath, Param and WantsJSON shape the SendToLogin answer, as in
	// [GuardConfig].
	LoginPath string
	Param     string
	WantsJSON func(r *http.Request) bool

	// ForwardSession keeps the session cookie, its chunks and the session
	// header in the outbound request. By default they are removed: the
	// upstream gets the identity headers, not the bearer credential.
	ForwardSession bool
}

// Proxy carries a session's identity to an upstream behind
// httputil.ReverseProxy, the edge-proxy pattern: its [Proxy.Rewrite] goes in
// (or is called from) ReverseProxy.Rewrite, its [Proxy.ModifyResponse] in
// ReverseProxy.ModifyResponse (responses that depend on the identity are
// kept out of shared caches), and [Proxy.Handler] wraps the ReverseProxy to
// deny unauthenticated requests when configured to.
//
// The proxy reads the session without ever writing it (no Set-Cookie, no
// refresh: the upstream owns the session's writes), even behind [session.Manager.Middleware].
// It deletes every identity header a client sent, in any letter case, with
// every value, and under the underscore spellings that CGI-style servers
// read as the same variable ("X_User_Id"), before setting the ones it derives.
type Proxy[T any] struct {
	m       *session.Manager[T]
	headers []identity[T]
	strip   []string // normalised names: lower case, '_' as '-'
	auth    func(T) bool
	mode    Unauthenticated
	guard   *Guard[T]
	forward bool
}

type identity[T any] struct {
	name string // canonical
	f    IdentityFunc[T]
}

// NewProxy validates c and returns a Proxy for m's sessions.
func NewProxy[T any](m *session.Manager[T], c ProxyConfig[T]) (*Proxy[T], error) {
	if m == nil {
		return nil, errors.New("httpx: NewProxy needs a non-nil *session.Manager")
	}
	p := &Proxy[T]{m: m, auth: c.Authenticated, mode: c.Unauthenticated, forward: c.ForwardSession}
	switch p.mode {
	case Pass:
	case SendToLogin, Refuse:
		if p.auth == nil {
			return nil, errors.New("httpx: ProxyConfig.Authenticated is required with SendToLogin or Refuse")
		}
		g, err := newGuard(m, p.peek, GuardConfig[T]{Authenticated: p.auth, LoginPath: c.LoginPath, Param: c.Param, WantsJSON: c.WantsJSON})
		if err != nil {
			return nil, err
		}
		p.guard = g
	default:
		return nil, fmt.Errorf("httpx: unknown Unauthenticated mode %d", p.mode)
	}
	seen := map[string]bool{}
	add := func(name string) error {
		if !token.Valid(name) {
			return fmt.Errorf("httpx: %q is not a valid header name", name)
		}
		if reservedHeaders[normHeader(name)] {
			return fmt.Errorf("httpx: %q cannot be an identity header: net/http and the proxy manage it", name)
		}
		if n := normHeader(name); !seen[n] {
			seen[n] = true
			p.strip = append(p.strip, n)
		}
		return nil
	}
	for name, f := range c.Headers {
		if f == nil {
			return nil, fmt.Errorf("httpx: identity header %q has a nil function", name)
		}
		if err := add(name); err != nil {
			return nil, err
		}
		p.headers = append(p.headers, identity[T]{http.CanonicalHeaderKey(name), f})
	}
	for _, name := range c.Strip {
		if err := add(name); err != nil {
			return nil, err
		}
	}
	if h := m.HeaderName(); h != "" && !p.forward {
		_ = add(h)
	}
	return p, nil
}

// Handler returns a handler that reads the session once and, for a request
// without an authenticated session, redirects or refuses it as configured
// (with Pass it always calls next). next is normally the ReverseProxy whose
// Rewrite calls [Proxy.Rewrite], which then reuses the session read here.
func (p *Proxy[T]) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := p.peek(r)
		if p.guard != nil && !authenticated(s, p.auth) {
			if p.mode == Refuse {
				w.Header().Set("Cache-Control", "no-store")
				writeJSONError(w, http.StatusUnauthorized, "unauthenticated")
				return
			}
			p.guard.Deny(w, r)
			return
		}
		// The Proxy itself is the context key: unique to this Proxy (and so to
		// its Manager), where a key of a zero-size type would be shared by all.
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), p, s)))
	})
}

// Rewrite is the identity part of an httputil.ReverseProxy Rewrite hook; call
// it after pr.SetURL (and pr.SetXForwarded, if wanted). It reads pr.In's
// session without writing it, deletes from pr.Out every configured identity
// header (and Strip header) the client sent, sets the identity headers of an
// authenticated session, and, unless ForwardSession is set, removes the
// session cookie, its chunks and the session header from pr.Out.
//
// Rewrite cannot answer the client: a Proxy configured to redirect or refuse
// unauthenticated requests must also wrap the ReverseProxy in
// [Proxy.Handler]. Without it, such requests are forwarded without identity.
func (p *Proxy[T]) Rewrite(pr *httputil.ProxyRequest) {
	h := pr.Out.Header
	for name := range h {
		n := normHeader(name)
		for _, s := range p.strip {
			if n == s {
				delete(h, name)
				break
			}
		}
	}
	if !p.forward {
		p.stripCookies(pr.Out)
	}
	s, ok := pr.In.Context().Value(p).(*session.Session[T])
	if !ok {
		s = p.peek(pr.In)
	}
	if !authenticated(s, p.auth) {
		return
	}
	for _, id := range p.headers {
		if v, ok := id.f(s); ok && validHeaderValue(v) {
			h.Set(id.name, v)
		}
	}
}

// ModifyResponse is the caching part of an httputil.ReverseProxy
// ModifyResponse hook; set it there (or call it from yours). The identity
// headers an upstream reads are ones clients never send, so no shared cache
// in front of the proxy can tell users apart by them, whatever Vary the
// upstream names. ModifyResponse therefore adds "Vary: Cookie" (and the
// session header's name) to every response, since the identity came from
// them, and makes every response to a request that carried an identity (an
// identity header set by [Proxy.Rewrite], or the session itself with
// ForwardSession) private: "public" and "s-maxage" are dropped and
// "private" added, unless "private" or "no-store" is already there. It
// never fails.
func (p *Proxy[T]) ModifyResponse(resp *http.Response) error {
	h := resp.Header
	if h == nil {
		h = http.Header{}
		resp.Header = h
	}
	token.AddVary(h, "Cookie")
	if hdr := p.m.HeaderName(); hdr != "" {
		token.AddVary(h, hdr)
	}
	if p.carriedIdentity(resp.Request) {
		token.MakePrivate(h)
	}
	return nil
}

// carriedIdentity reports whether out, an outbound request after Rewrite,
// told the upstream who the user is: an identity header is set (Rewrite
// deleted every one the client sent, so any left is the session's), or the
// session is forwarded. Without the request it assumes so.
func (p *Proxy[T]) carriedIdentity(out *http.Request) bool {
	if out == nil {
		return true
	}
	for _, id := range p.headers {
		if len(out.Header.Values(id.name)) > 0 {
			return true
		}
	}
	if !p.forward {
		return false
	}
	if h := p.m.HeaderName(); h != "" && out.Header.Get(h) != "" {
		return true
	}
	for _, line := range out.Header["Cookie"] {
		for pair := range strings.SplitSeq(line, ";") {
			n, _, _ := strings.Cut(pair, "=")
			if isSessionCookie(strings.Trim(n, " \t"), p.m.Name()) {
				return true
			}
		}
	}
	return false
}

// peek reads r's session without caching it, so that no middleware commits
// it: the proxy never writes the session.
func (p *Proxy[T]) peek(r *http.Request) *session.Session[T] {
	var header string
	if h := p.m.HeaderName(); h != "" {
		header = r.Header.Get(h)
	}
	return p.m.Load(r.Context(), r.Header["Cookie"], header)
}

// stripCookies removes the session cookie and its chunks (name.1, name.2, …, and Auth.js's name.0)
// from r's Cookie header lines and passes every other cookie through byte
// for byte: a JSON-valued cookie, a quoted one or one net/http would not
// parse reaches the upstream exactly as the client sent it. Only the
// separators around a removed cookie change; a line left empty is dropped.
func (p *Proxy[T]) stripCookies(r *http.Request) {
	lines := r.Header["Cookie"]
	if len(lines) == 0 {
		return
	}
	name := p.m.Name()
	var out []string
	changed := false
	for _, line := range lines {
		var keep []string
		for pair := range strings.SplitSeq(line, ";") {
			c := strings.Trim(pair, " \t")
			n, _, _ := strings.Cut(c, "=")
			if isSessionCookie(strings.Trim(n, " \t"), name) {
				changed = true
				continue
			}
			if c != "" {
				keep = append(keep, c)
			}
		}
		if len(keep) > 0 {
			out = append(out, strings.Join(keep, "; "))
		}
	}
	if !changed {
		return // untouched, separators included
	}
	if len(out) == 0 {
		r.Header.Del("Cookie")
		return
	}
	r.Header["Cookie"] = out
}

// isSessionCookie reports whether c is the session cookie name or one of its
// chunks, name.N, as package cookie reads and deletes them in either chunk
// scheme ([cookie.ChunkName]: N a canonical decimal in [0, cookie.MaxChunksLimit]).
func isSessionCookie(c, name string) bool {
	if c == name {
		return true
	}
	base, _, ok := cookie.ChunkName(c)
	return ok && base == name
}

// reservedHeaders are headers a Proxy refuses to strip or set: the
// connection's own, which net/http and ReverseProxy manage.
var reservedHeaders = map[string]bool{
	"host": true, "cookie": true, "content-length": true, "transfer-encoding": true,
	"connection": true, "te": true, "trailer": true, "upgrade": true, "content-type": true,
}

// normHeader folds a header name the way the laxest upstream would: lower
// case, with '_' read as '-'.
func normHeader(name string) string {
	return strings.ReplaceAll(strings.ToLower(name), "_", "-")
}

// validHeaderValue reports whether v can be sent as a header value: no
// control characters other than tab, no DEL.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
