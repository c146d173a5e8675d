package session

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/internal/ids"
	"github.com/sealcookie/sealcookie/internal/token"
	"github.com/sealcookie/sealcookie/sealed"
)

// Native defaults, applied by New to zero Config fields.
const (
	defaultMaxAge      = 24 * time.Hour
	defaultIdleTimeout = 2 * time.Hour
	defaultClockSkew   = 5 * time.Second
	// maxMaxAge is the longest MaxAge New accepts: browsers cap cookie
	// lifetimes at 400 days.
	maxMaxAge = 400 * 24 * time.Hour
)

// Config configures a Manager. Its zero value is safe except for Keys, which
// the native format requires; every other field documents what its zero
// value means. New validates it once; the Manager keeps its own copy.
type Config[T any] struct {
	// Name is the cookie name and the sealing purpose: a value sealed under
	// one name is rejected under another. "" means "__Host-session", or
	// "session" when the cookie attributes rule the __Host- prefix out
	// (InsecureDevelopment, a Domain, or a Path other than "/"). A Format
	// configured with a cookie name (h3's, iron-session's) sets it, and Name
	// must then be empty or the same.
	Name string

	// Keys are the native format's keys: Keys[0] seals, every key opens. At
	// least one is required unless Format is set, and none with a Format;
	// see sealed.NewKeyring for the rules and the rotation procedure. Keys
	// are derived once, in New.
	Keys []sealed.Key

	// Format is the wire format. nil means the native format, under Keys.
	// Packages under session/ provide the formats of JavaScript peers
	// (session/h3, session/ironsession), each configured on its own.
	Format Format

	// MaxAge is the absolute lifetime of a session, counted from its
	// createdAt and enforced on every read. 0 means 24 hours; at most 400
	// days, the cap browsers put on cookie lifetimes. A Peer format sets its
	// own (see Rules), and MaxAge must then be 0.
	MaxAge time.Duration

	// IdleTimeout ends a session that has not been saved or touched for this
	// long, counted from its lastSeenAt and enforced on every read. 0 means
	// 2 hours; negative disables it. 0 with a Peer format.
	IdleTimeout time.Duration

	// RefreshAfter is how long after lastSeenAt a read re-seals the session
	// to slide the idle window (next-session's touchAfter). 0 means half the
	// IdleTimeout, as h3 does. Ignored without an IdleTimeout; 0 with a Peer
	// format.
	RefreshAfter time.Duration

	// ClockSkew is the tolerance for clocks that differ across servers: a
	// session sealed up to this far in the future is accepted, and expiry
	// limits are extended by it. 0 means 5 seconds; negative means none. 0
	// with a Peer format, whose libraries apply none.
	ClockSkew time.Duration

	// Header is the request header whose non-empty value wins over the
	// cookie. "" means the Format's choice, else "X-<Name>-Session" with
	// Name's __Host- or __Secure- prefix removed. When a session came from
	// the header, the re-sealed value is returned in the same response
	// header, and no cookie is set (see Session.Save).
	Header string
	// DisableHeader makes the Manager read the cookie only.
	DisableHeader bool

	// KeepCacheControl leaves a response's Cache-Control as the handler set
	// it when the session is written. By default every response that
	// carries a Set-Cookie of the session (deletions included) or the
	// session header is made private: "public" and "s-maxage" are dropped
	// and "private" added, unless "private" or "no-store" is already there.
	// Otherwise a shared cache (a CDN, a corporate proxy) could store one
	// visitor's Set-Cookie and hand the same session to everyone who asks
	// for the page. Set it only when every cache in front of the application
	// is known to strip Set-Cookie from what it stores, and the page itself
	// does not depend on the session.
	KeepCacheControl bool

	// Cookie holds the cookie attributes. The zero value is Path=/; Secure;
	// HttpOnly; SameSite=Lax, host-only; see package cookie.
	Cookie cookie.Attributes

	// GenerateID returns the id of a new session. nil means a random UUIDv4.
	GenerateID func() string

	// Clock returns the current time. nil means time.Now.
	Clock func() time.Time

	// Encoding encodes the envelope. nil means encoding/json.
	Encoding Encoding

	// OnError, if set, hears why a request's session was discarded (expired,
	// idle, not authentic, revoked, ...) or could not be saved, with the
	// context of the request (of Load's caller). It receives the reason
	// only, never the value. It must be safe for concurrent use.
	OnError func(ctx context.Context, err error)

	// Validate, if set, is the application's revocation check, called for
	// every session read from a request or decoded, before anyone sees it.
	// A non-nil error discards the session (OnError hears ErrRevoked wrapping
	// it) and deletes its cookie; an error wrapping ErrUnavailable (the check
	// could not be made) refuses the session for this request but keeps its
	// cookie. Package session/revoke builds "log out everywhere" on it; or
	// compare, say, a per-user epoch stored in the session with the one in
	// your database. It must not modify the envelope.
	Validate func(ctx context.Context, e *Envelope[T]) error

	// Legacy, if set, reads sessions written by a previous system (the
	// gorilla/sessions migration reader in session/gorilla, say) when the
	// request carries no session of ours at all. A valid legacy session
	// passes the same rules as ours (MaxAge counted from its own timestamp,
	// Validate, the size cap) and starts a session that the next save seals
	// in this Manager's format; that save also deletes the legacy cookie. An
	// invalid one is reported to OnError and its cookie deleted. Users move
	// over without logging in again, and no session lives longer for it.
	Legacy LegacyReader[T]
}

// ErrNoLegacy is what LegacyReader.Read returns when the request carries no
// legacy session at all.
var ErrNoLegacy = errors.New("session: no legacy session")

// LegacySession is a session read by a LegacyReader.
type LegacySession[T any] struct {
	Data T
	// CreatedAt is the legacy session's authenticated timestamp (when it was
	// created, or last written if that is all the old format keeps). The
	// migrated session keeps it, so MaxAge still counts from there. Zero
	// means now.
	CreatedAt time.Time
}

// LegacyReader reads a session written by a previous system, for migration.
// It must be safe for concurrent use and must authenticate what it reads.
type LegacyReader[T any] interface {
	// Read returns the legacy session among a request's Cookie header
	// lines: ErrNoLegacy when there is none, another error (never containing the value) when there is one
	// that is not valid.
	Read(cookies []string) (LegacySession[T], error)
	// Delete adds to h the Set-Cookie lines that expire the legacy cookie.
	// It is called when a migrated session is saved or cleared, and after
	// an invalid one was refused.
	Delete(h http.Header, cookies []string)
}

// Manager reads and writes one named session of type T. Build it with New;
// it is immutable and safe for concurrent use. Several Managers with
// different names work side by side on the same request.
type Manager[T any] struct {
	name         string
	header       string // canonical header key, "" when disabled
	format       Format
	rules        Rules
	spec         *cookie.Spec
	maxLen       int           // the longest value written: the chunk cap and the cookie budget
	readLen      int           // the longest value read: what a browser keeps in MaxChunks chunks, whatever the budget
	maxAge       time.Duration // 0: none (Peer formats only)
	idle         time.Duration // 0: none
	refreshAfter time.Duration
	skew         time.Duration
	genID        func() string
	now          func() time.Time
	codec        Encoding
	onError      func(context.Context, error)
	validate     func(context.Context, *Envelope[T]) error
	legacy       LegacyReader[T]
	key          *ctxKey

	keepCacheControl bool
}

// ctxKey is the type of a Manager's context key; each Manager allocates its own.
type ctxKey struct{ name string }

// New validates c, derives its keys and returns a Manager.
//
// Under GODEBUG=fips140=only, New fails for the native format (an error
// wrapping sealed.ErrFIPSOnly): it seals with XChaCha20-Poly1305, which is
// not a FIPS 140-3 approved algorithm.
func New[T any](c Config[T]) (*Manager[T], error) {
	f := c.Format
	switch {
	case f == nil && len(c.Keys) == 0:
		return nil, errors.New("session: Config.Keys is empty: at least one key is required")
	case f == nil:
		ring, err := sealed.NewKeyring(c.Keys[0], c.Keys[1:]...)
		if err != nil {
			return nil, fmt.Errorf("session: %w", err)
		}
		f = native{ring}
	case len(c.Keys) != 0:
		return nil, errors.New("session: Config.Keys are the native format's; a Format takes its passwords in its own configuration")
	}
	rules := f.Rules()
	m := &Manager[T]{
		format:   f,
		rules:    rules,
		genID:    c.GenerateID,
		now:      c.Clock,
		codec:    c.Encoding,
		onError:  c.OnError,
		validate: c.Validate,
		legacy:   c.Legacy,

		keepCacheControl: c.KeepCacheControl,
	}
	if err := m.setTimes(&c); err != nil {
		return nil, err
	}
	name := c.Name
	switch {
	case rules.Name != "" && name == "":
		name = rules.Name
	case rules.Name != "" && name != rules.Name:
		return nil, fmt.Errorf("session: Config.Name %q differs from the cookie name %q the Format is configured with; leave Config.Name empty", name, rules.Name)
	case name == "":
		name = "__Host-session"
		if a := c.Cookie; a.InsecureDevelopment || a.Domain != "" || (a.Path != "" && a.Path != "/") {
			name = "session"
		}
	}
	attrs := c.Cookie
	if rules.SingleCookie {
		if attrs.MaxChunks > 1 {
			return nil, errors.New("session: the Format's peers read a single cookie: Cookie.MaxChunks must be 0 or 1")
		}
		attrs.MaxChunks = 1
	}
	if rules.AuthJSChunks {
		attrs.AuthJSChunks = true
	}
	spec, err := cookie.New(name, attrs)
	if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	m.name, m.spec, m.key = name, spec, &ctxKey{name: name}
	m.maxLen = min(spec.MaxLen(), sealed.MaxLen)
	m.readLen = min(spec.MaxReadLen(), sealed.MaxLen)
	if m.genID == nil {
		m.genID = ids.UUIDv4
	}
	if m.now == nil {
		m.now = time.Now
	}
	if rules.Peer {
		// The JavaScript libraries read Date.now(): whole milliseconds.
		clock := m.now
		m.now = func() time.Time { return time.UnixMilli(clock().UnixMilli()) }
	}
	if m.codec == nil {
		m.codec = stdJSON{}
	}
	if !c.DisableHeader {
		h := c.Header
		switch {
		case h != "":
		case rules.Header != nil:
			h = rules.Header(name)
		default:
			base := name
			for _, p := range []string{"__Host-", "__Secure-"} {
				if len(base) > len(p) && strings.EqualFold(base[:len(p)], p) {
					base = base[len(p):]
				}
			}
			h = "X-" + base + "-Session"
		}
		if h != "" {
			if !token.Valid(h) {
				return nil, fmt.Errorf("session: %q is not a valid header name", h)
			}
			m.header = http.CanonicalHeaderKey(h)
		}
	}
	return m, nil
}

// setTimes fills in the session lifetimes: the Peer format's own, or c's with
// the native defaults.
func (m *Manager[T]) setTimes(c *Config[T]) error {
	if m.rules.Peer {
		if c.MaxAge != 0 || c.IdleTimeout != 0 || c.RefreshAfter != 0 || c.ClockSkew != 0 {
			return errors.New("session: MaxAge, IdleTimeout, RefreshAfter and ClockSkew must be 0 with this Format: its own configuration sets the session lifetimes")
		}
		m.maxAge, m.idle = m.rules.MaxAge, m.rules.IdleTimeout
		m.refreshAfter = m.idle / 2
		return nil
	}
	switch m.maxAge = c.MaxAge; {
	case m.maxAge == 0:
		m.maxAge = defaultMaxAge
	case m.maxAge < 0:
		return errors.New("session: MaxAge is negative; sessions always expire (0 means 24 hours)")
	case m.maxAge > maxMaxAge:
		return fmt.Errorf("session: MaxAge %v is over 400 days, the cap browsers put on cookie lifetimes", m.maxAge)
	}
	switch m.idle = c.IdleTimeout; {
	case m.idle == 0:
		m.idle = defaultIdleTimeout
	case m.idle < 0:
		m.idle = 0
	}
	switch m.skew = c.ClockSkew; {
	case m.skew == 0:
		m.skew = defaultClockSkew
	case m.skew < 0:
		m.skew = 0
	}
	m.refreshAfter = c.RefreshAfter
	if m.refreshAfter <= 0 {
		m.refreshAfter = m.idle / 2
	}
	return nil
}

// Name returns the cookie name, which is also the sealing purpose.
func (m *Manager[T]) Name() string { return m.name }

// HeaderName returns the canonical session header name, or "" when the
// Manager reads no header.
func (m *Manager[T]) HeaderName() string { return m.header }
