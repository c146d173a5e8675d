package session

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/internal/ids"
	"github.com/sealcookie/sealcookie/internal/token"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/sealed/iron"
)

// Defaults applied by New to zero Config fields.
const (
	DefaultMaxAge      = 24 * time.Hour
	DefaultIdleTimeout = 2 * time.Hour
	DefaultClockSkew   = 5 * time.Second
	// MaxMaxAge is the longest MaxAge New accepts: browsers cap cookie
	// lifetimes at 400 days.
	MaxMaxAge = 400 * 24 * time.Hour
)

// Config configures a Manager. Its zero value is safe except for Keys, which
// are required; every other field documents what its zero value means. New
// validates it once; the Manager keeps its own copy.
//
// Format chooses the wire format; the iron formats, for sharing sessions
// with h3 or iron-session applications, take IronPassword instead of Keys
// and change the meaning of a few fields, as their documentation says.
type Config[T any] struct {
	// Name is the cookie name and the sealing purpose: a value sealed under
	// one name is rejected under another. "" means "__Host-session", or
	// "session" when the cookie attributes rule the __Host- prefix out
	// (InsecureDevelopment, a Domain, or a Path other than "/"). With
	// FormatH3 and FormatH3V1, "" means "h3"; FormatIronSession requires it.
	Name string

	// Keys seal and open sessions: Keys[0] seals, every key opens. At least
	// one is required; see sealed.NewKeyring for the rules and the rotation
	// procedure. Keys are derived once, in New. The iron formats use
	// IronPassword instead, and Keys must then be empty.
	Keys []sealed.Key

	// Format is the wire format: FormatNative (the zero value), or FormatH3,
	// FormatH3V1 or FormatIronSession to be a peer of an h3 2.x, h3 1.x or
	// iron-session 8 application sharing the cookie. See Format for the rules
	// each one follows.
	Format Format

	// IronPassword is the password of the iron formats, in the form the
	// JavaScript application writes its password option: a plain string, an
	// {id: password} map, and for h3 an object with "id" and "secret" naming
	// the password that seals (iron.ParsePasswordOption reads one from a file
	// or an environment variable). For h3, an object without "secret" makes a
	// read-only Manager whose Save fails, as h3 itself cannot seal with it;
	// for iron-session the highest numeric id seals. Required with the iron
	// formats, and must be empty with FormatNative.
	IronPassword iron.PasswordOption

	// NoLegacySealFallback, with FormatH3, stops reading h3 1.x's
	// 1-iteration seals (h3's legacySealFallback: false). By default they
	// are read, and re-sealed at 8192 iterations when they come from the
	// cookie.
	NoLegacySealFallback bool

	// MaxAge is the absolute lifetime of a session, counted from its
	// createdAt and enforced on every read. 0 means DefaultMaxAge (24 hours);
	// at most MaxMaxAge. With FormatH3 and FormatH3V1 a negative MaxAge
	// leaves it unset, as h3 does by default; with FormatIronSession it is
	// iron-session's ttl (see FormatIronSession).
	MaxAge time.Duration

	// IdleTimeout ends a session that has not been saved or touched for this
	// long, counted from its lastSeenAt and enforced on every read. 0 means
	// DefaultIdleTimeout (2 hours); negative disables it. FormatH3V1 and
	// FormatIronSession have none: it must be 0 or negative there.
	IdleTimeout time.Duration

	// RefreshAfter is how long after lastSeenAt a read re-seals the session
	// to slide the idle window (next-session's touchAfter). 0 means half the
	// IdleTimeout, as h3 does. Ignored without an IdleTimeout.
	RefreshAfter time.Duration

	// Header is the request header whose non-empty value wins over the
	// cookie. "" means "X-<Name>-Session", with Name's __Host- or __Secure-
	// prefix removed. When a session came from the header, the re-sealed value
	// is returned in the same response header.
	Header string
	// DisableHeader makes the Manager read the cookie only.
	DisableHeader bool

	// Cookie holds the cookie attributes. The zero value is Path=/; Secure;
	// HttpOnly; SameSite=Lax, host-only; see package cookie.
	Cookie cookie.Attributes

	// GenerateID returns the id of a new session. nil means a random UUIDv4.
	GenerateID func() string

	// Clock returns the current time. nil means time.Now.
	Clock func() time.Time

	// ClockSkew is the tolerance for clocks that differ across servers: a
	// session sealed up to this far in the future is accepted, and expiry
	// limits are extended by it. 0 means DefaultClockSkew (5 seconds);
	// negative means none. The iron formats apply no skew, as the libraries
	// do, and require 0.
	ClockSkew time.Duration

	// Codec encodes the envelope. nil means encoding/json.
	Codec Codec

	// OnError, if set, hears why a request's session was discarded (expired,
	// idle, not authentic, revoked, ...) or could not be saved. It receives
	// the reason only, never the value. It must be safe for concurrent use.
	OnError func(r *http.Request, err error)

	// Validate, if set, is the application's revocation check, called for
	// every session read from a request or decoded, before anyone sees it.
	// A non-nil error discards the session (OnError hears ErrRevoked wrapping
	// it). Use it to compare, say, a per-user epoch stored in the session
	// with the one in your database. It must not modify the envelope.
	Validate func(r *http.Request, e *Envelope[T]) error

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
	// Read returns the request's legacy session: ErrNoLegacy when there is
	// none, another error (never containing the value) when there is one
	// that is not valid.
	Read(r *http.Request) (LegacySession[T], error)
	// Delete expires the legacy cookie in h. It is called when a migrated
	// session is saved or cleared, and after an invalid one was refused.
	Delete(h http.Header, r *http.Request)
}

// Manager reads and writes one named session of type T. Build it with New;
// it is immutable and safe for concurrent use. Several Managers with
// different names work side by side on the same request.
type Manager[T any] struct {
	name         string
	header       string          // canonical header key, "" when disabled
	ring         *sealed.Keyring // nil in the iron formats
	iron         *ironFormat     // nil in the native format
	spec         *cookie.Spec
	maxLen       int
	maxAge       time.Duration
	idle         time.Duration // 0 when disabled
	refreshAfter time.Duration
	skew         time.Duration
	genID        func() string
	now          func() time.Time
	codec        Codec
	onError      func(*http.Request, error)
	validate     func(*http.Request, *Envelope[T]) error
	legacy       LegacyReader[T]
	key          *ctxKey
}

// ctxKey is the type of a Manager's context key; each Manager allocates its own.
type ctxKey struct{ name string }

// New validates c, derives its keys and returns a Manager.
func New[T any](c Config[T]) (*Manager[T], error) {
	var ring *sealed.Keyring
	var ifmt *ironFormat
	var ironMaxAge, ironIdle time.Duration
	var err error
	if c.Format == FormatNative {
		if c.IronPassword.Plain != "" || c.IronPassword.Object != nil || c.NoLegacySealFallback {
			return nil, errors.New("session: IronPassword and NoLegacySealFallback are for the iron formats; FormatNative takes Keys")
		}
		if len(c.Keys) == 0 {
			return nil, errors.New("session: Config.Keys is empty: at least one key is required")
		}
		if ring, err = sealed.NewKeyring(c.Keys[0], c.Keys[1:]...); err != nil {
			return nil, fmt.Errorf("session: %w", err)
		}
	} else if ifmt, ironMaxAge, ironIdle, err = newIronFormat(&c); err != nil {
		return nil, err
	}
	name := c.Name
	if name == "" {
		name = "__Host-session"
		a := c.Cookie
		if a.InsecureDevelopment || a.Domain != "" || (a.Path != "" && a.Path != "/") {
			name = "session"
		}
	}
	spec, err := cookie.New(name, c.Cookie)
	if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	m := &Manager[T]{
		name:     name,
		ring:     ring,
		iron:     ifmt,
		spec:     spec,
		maxLen:   min(spec.MaxLen(), sealed.MaxLen),
		maxAge:   c.MaxAge,
		idle:     c.IdleTimeout,
		skew:     c.ClockSkew,
		genID:    c.GenerateID,
		now:      c.Clock,
		codec:    c.Codec,
		onError:  c.OnError,
		validate: c.Validate,
		legacy:   c.Legacy,
		key:      &ctxKey{name: name},
	}
	if ifmt != nil {
		m.maxAge, m.idle, m.skew = ironMaxAge, ironIdle, 0
	} else {
		switch {
		case m.maxAge == 0:
			m.maxAge = DefaultMaxAge
		case m.maxAge < 0:
			return nil, errors.New("session: MaxAge is negative; sessions always expire (0 means 24 hours)")
		case m.maxAge > MaxMaxAge:
			return nil, fmt.Errorf("session: MaxAge %v is over 400 days, the cap browsers put on cookie lifetimes", m.maxAge)
		}
		switch {
		case m.idle == 0:
			m.idle = DefaultIdleTimeout
		case m.idle < 0:
			m.idle = 0
		}
		switch {
		case m.skew == 0:
			m.skew = DefaultClockSkew
		case m.skew < 0:
			m.skew = 0
		}
	}
	m.refreshAfter = c.RefreshAfter
	if m.refreshAfter <= 0 {
		m.refreshAfter = m.idle / 2
	}
	if m.genID == nil {
		m.genID = ids.UUIDv4
	}
	if m.now == nil {
		m.now = time.Now
	}
	if ifmt != nil {
		// The JavaScript libraries read Date.now(): whole milliseconds.
		clock := m.now
		m.now = func() time.Time { return time.UnixMilli(clock().UnixMilli()) }
	}
	if m.codec == nil {
		m.codec = JSON{}
	}
	switch {
	case c.DisableHeader:
	case c.Header == "" && c.Format == FormatIronSession:
		// iron-session reads the cookie only.
	case c.Header == "" && (c.Format == FormatH3 || c.Format == FormatH3V1):
		h := h3HeaderName(name)
		if !token.Valid(h) {
			return nil, fmt.Errorf("session: %q is not a valid header name", h)
		}
		m.header = http.CanonicalHeaderKey(h)
	default:
		h := c.Header
		if h == "" {
			base := name
			for _, p := range []string{"__Host-", "__Secure-"} {
				if len(base) > len(p) && strings.EqualFold(base[:len(p)], p) {
					base = base[len(p):]
				}
			}
			h = "X-" + base + "-Session"
		}
		if !token.Valid(h) {
			return nil, fmt.Errorf("session: %q is not a valid header name", h)
		}
		m.header = http.CanonicalHeaderKey(h)
	}
	return m, nil
}

// Name returns the cookie name, which is also the sealing purpose.
func (m *Manager[T]) Name() string { return m.name }

// HeaderName returns the canonical session header name, or "" when the header is disabled.
func (m *Manager[T]) HeaderName() string { return m.header }

// Cookie returns the validated cookie spec, for code that needs to find or
// strip the session's cookies (a proxy, say).
func (m *Manager[T]) Cookie() *cookie.Spec { return m.spec }

// MaxLen returns the longest sealed value the Manager writes, in characters.
func (m *Manager[T]) MaxLen() int { return m.maxLen }
