package session

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"time"

	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/sealed/iron"
)

// Format is the wire format of a Manager's sessions: the native format, or
// one of the iron "Fe26.2" formats of the JavaScript libraries, so that a Go
// service can share its session cookie with an h3 (Nuxt, Nitro) or
// iron-session (Next.js) application.
//
// The iron formats exist for interoperability and migration. They take
// Config.IronPassword instead of Keys, and follow the other library's rules
// where they differ from the native ones:
//
//   - Seals carry no purpose: a value sealed for one cookie name opens under
//     another, as in the JavaScript libraries.
//   - Session times are checked with no clock skew and strict comparisons
//     (a session is still valid exactly MaxAge after createdAt), and the
//     clock is read in whole milliseconds, like Date.now(). The seal's own
//     expiration keeps iron's 60-second tolerance. A createdAt or lastSeenAt
//     in the future is accepted.
//   - A read re-seals the session only when the library would: in FormatH3,
//     when it came from the cookie (not the header) and either slides its
//     idle window or is a legacy 1-iteration seal; never in the other iron
//     formats. A value opened with an older password is not re-sealed on
//     read (the peer may not know the new password yet); the next change
//     seals it with the current one.
//   - A rejected cookie is left alone rather than deleted, since a peer with
//     other passwords may still read it; a new session replaces it when saved.
//   - The cookie carries an Expires attribute and no Max-Age in the h3
//     formats, Max-Age and no Expires in FormatIronSession.
//
// As in the native format, a new session that is never changed writes no
// cookie (h3's useSession writes one at once; its getSession does not).
type Format int

// Formats.
const (
	// FormatNative is sealcookie's own format (package sealed): XChaCha20-
	// Poly1305 under keys derived once, bound to the cookie name. The default.
	FormatNative Format = iota

	// FormatH3 is the format of h3 2.x (Nuxt 4, Nitro 3) as h3 2.0.8 applies
	// it: the envelope {"id","createdAt","data","lastSeenAt"?} sealed with
	// iron at 8192 PBKDF2 iterations (reading h3 1.x's 1-iteration seals too,
	// unless Config.NoLegacySealFallback, and re-sealing them at 8192 when
	// they come from the cookie), iron ttl = MaxAge, or IdleTimeout when
	// MaxAge is unset; cookie "h3" by default, chunked over 4000 characters;
	// header x-<lowercased name>-session; cookie Expires = the earlier of
	// createdAt + MaxAge and lastSeenAt + IdleTimeout. MaxAge and IdleTimeout
	// keep their defaults when zero; a negative value leaves them unset, as
	// h3's own defaults do (with both unset the session never expires and
	// the cookie lasts for the browser session).
	FormatH3

	// FormatH3V1 is the format of h3 1.x (Nuxt 3): FormatH3's envelope and
	// rules with iron at 1 PBKDF2 iteration, no idle timeout (IdleTimeout must
	// be 0 or negative) and no chunking (h3 1.x reads one cookie, so at most
	// 4000 characters: Cookie.MaxChunks must be 0 or 1).
	FormatH3V1

	// FormatIronSession is the format of iron-session 8 (Next.js): the data
	// itself is sealed (no envelope) at 1 PBKDF2 iteration, followed by
	// "~2"; the highest numeric password id seals. MaxAge is iron-session's
	// ttl: the seal expires that long after each save; 0 means its default,
	// 14 days; negative means its ttl: 0 (never expires); otherwise a whole
	// number of seconds over 60. The cookie's Max-Age is ttl − 60 s (or
	// 2147483647 for ttl: 0). Name (iron-session's cookieName) is required;
	// IdleTimeout must be 0 or negative; the session header is off unless
	// Config.Header names one; no chunking (Cookie.MaxChunks 0 or 1).
	//
	// Without an envelope there is no id and no times: Session.ID returns "",
	// CreatedAt, LastSeenAt and ExpiresAt the zero Time, Regenerate only marks
	// the session for saving, and Envelope holds the data alone. A value
	// without the "~2" suffix is read as iron-session 8 reads a seal of its
	// older versions: the data is the seal's "persistent" field (usually
	// absent, hence empty data).
	FormatIronSession
)

// String returns the format's name: "native", "h3", "h3v1" or "iron-session".
func (f Format) String() string {
	switch f {
	case FormatNative:
		return "native"
	case FormatH3:
		return "h3"
	case FormatH3V1:
		return "h3v1"
	case FormatIronSession:
		return "iron-session"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// ironFormat is a Manager's state in one of the iron formats.
type ironFormat struct {
	format       Format
	codec        *iron.Codec
	canSeal      bool // false for a read-only password option (an h3 map without "secret")
	plain        bool // iron-session: the plaintext is the data, not an envelope
	cookieMaxAge int  // iron-session: the cookie's Max-Age, in seconds
	idLen        int  // length of the sealing password's id
	expLen       int  // digits of the seal's expiration field, 0 without a TTL
}

// ironSessionMaxAgeForever is iron-session's cookie Max-Age for ttl: 0.
const ironSessionMaxAgeForever = 2147483647

// newIronFormat validates c for an iron format, fills in the format's
// defaults (Name, Cookie.MaxChunks) and returns the format with the
// session's MaxAge and IdleTimeout (0 when unset).
func newIronFormat[T any](c *Config[T]) (f *ironFormat, maxAge, idle time.Duration, err error) {
	name := c.Format.String()
	switch {
	case len(c.Keys) != 0:
		return nil, 0, 0, fmt.Errorf("session: Keys are for FormatNative; Format %s takes IronPassword", name)
	case c.IronPassword.Plain == "" && c.IronPassword.Object == nil:
		return nil, 0, 0, fmt.Errorf("session: Format %s needs IronPassword, the password option of the JavaScript application", name)
	case c.ClockSkew != 0:
		return nil, 0, 0, fmt.Errorf("session: ClockSkew must be 0 with Format %s: the library applies no skew to session times (the seal keeps iron's 60 s)", name)
	case c.NoLegacySealFallback && c.Format != FormatH3:
		return nil, 0, 0, fmt.Errorf("session: NoLegacySealFallback applies to FormatH3 only")
	}
	f = &ironFormat{format: c.Format}
	oneCookie := func() error {
		if c.Cookie.MaxChunks > 1 {
			return fmt.Errorf("session: Format %s reads a single cookie: Cookie.MaxChunks must be 0 or 1", name)
		}
		c.Cookie.MaxChunks = 1
		return nil
	}
	var cfg iron.Config
	switch c.Format {
	case FormatH3, FormatH3V1:
		if c.Name == "" {
			c.Name = "h3"
		}
		switch maxAge = c.MaxAge; {
		case maxAge == 0:
			maxAge = DefaultMaxAge
		case maxAge < 0:
			maxAge = 0
		case maxAge > MaxMaxAge:
			return nil, 0, 0, fmt.Errorf("session: MaxAge %v is over 400 days, the cap browsers put on cookie lifetimes", maxAge)
		}
		if c.Format == FormatH3V1 {
			if c.IdleTimeout > 0 {
				return nil, 0, 0, fmt.Errorf("session: h3 1.x has no idle timeout: IdleTimeout must be 0 or negative with FormatH3V1")
			}
			if err := oneCookie(); err != nil {
				return nil, 0, 0, err
			}
		} else {
			switch idle = c.IdleTimeout; {
			case idle == 0:
				idle = DefaultIdleTimeout
			case idle < 0:
				idle = 0
			}
		}
		ttl := maxAge // h3: (maxAge || idleTimeout)
		if ttl == 0 {
			ttl = idle
		}
		if c.Format == FormatH3 {
			cfg, err = iron.H3Config(c.IronPassword, ttl)
			if c.NoLegacySealFallback {
				cfg.FallbackIterations = 0
			}
		} else {
			cfg, err = iron.H3V1Config(c.IronPassword, ttl)
		}
	case FormatIronSession:
		if c.Name == "" {
			return nil, 0, 0, fmt.Errorf("session: FormatIronSession needs Name, iron-session's cookieName")
		}
		if c.IdleTimeout > 0 {
			return nil, 0, 0, fmt.Errorf("session: iron-session has no idle timeout: IdleTimeout must be 0 or negative with FormatIronSession")
		}
		if err := oneCookie(); err != nil {
			return nil, 0, 0, err
		}
		ttl := c.MaxAge
		switch {
		case ttl == 0:
			ttl = iron.IronSessionDefaultTTL
		case ttl < 0:
			ttl = 0
		case ttl > MaxMaxAge:
			return nil, 0, 0, fmt.Errorf("session: MaxAge %v is over 400 days, the cap browsers put on cookie lifetimes", ttl)
		case ttl%time.Second != 0 || ttl <= iron.DefaultTimestampSkew:
			return nil, 0, 0, fmt.Errorf("session: MaxAge %v: iron-session's ttl is a whole number of seconds over 60 (the cookie's Max-Age is ttl − 60 s)", ttl)
		}
		f.plain = true
		f.cookieMaxAge = ironSessionMaxAgeForever
		if ttl > 0 {
			f.cookieMaxAge = int((ttl - iron.DefaultTimestampSkew) / time.Second)
		}
		cfg, err = iron.IronSessionConfig(c.IronPassword, ttl)
	default:
		return nil, 0, 0, fmt.Errorf("session: unknown Format %d", int(c.Format))
	}
	if err != nil {
		return nil, 0, 0, fmt.Errorf("session: IronPassword: %w", err)
	}
	if f.codec, err = iron.New(cfg); err != nil {
		return nil, 0, 0, fmt.Errorf("session: IronPassword: %w", err)
	}
	f.canSeal = f.codec.CanSeal()
	f.idLen = len(cfg.SealID)
	if cfg.TTL > 0 {
		f.expLen = 13 // Unix milliseconds until the year 2286
	}
	return f, maxAge, idle, nil
}

// h3HeaderName is h3's default session header: x-<lowercased name>-session.
func h3HeaderName(name string) string {
	b := make([]byte, 0, len(name)+10)
	b = append(b, "x-"...)
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return string(append(b, "-session"...))
}

// sealedLen is an upper bound on the length of the value that seals an
// n-byte plaintext (exact for the native format).
func (f *ironFormat) sealedLen(n int) int {
	const fixed = len(iron.Prefix) + 7 + 2*iron.SaltLen // prefix, separators, salts
	ct := (n/16 + 1) * 16                               // AES-CBC with PKCS#7 padding
	l := fixed + f.idLen + enc.EncodedLen(iron.IVSize) + enc.EncodedLen(ct) + f.expLen + enc.EncodedLen(iron.MACSize)
	if f.plain {
		l += 2 // "~2"
	}
	return l
}

var enc = base64.RawURLEncoding

// openIron is open for the iron formats: it unseals value (an iron-session
// value without its "~2"), decodes the envelope (or, for iron-session, the
// data) into e and checks it. reseal reports a legacy seal that FormatH3
// re-seals when it came from the cookie.
func (m *Manager[T]) openIron(r *http.Request, value string, now time.Time, e *Envelope[T], keep bool) (kept []byte, reseal bool, err error) {
	f := m.iron
	seal, version := value, 0
	if f.plain {
		if seal, version, err = iron.SplitIronSessionValue(value); err != nil {
			return nil, false, err
		}
	}
	pt, info, err := f.codec.Unseal(seal, now)
	if err != nil {
		return nil, false, err
	}
	switch {
	case !f.plain:
		err = m.codec.Unmarshal(pt, e)
	case version == iron.IronSessionVersion:
		*e = Envelope[T]{}
		err = m.codec.Unmarshal(pt, &e.Data)
	default:
		// iron-session 8 reads a seal without "~2" as one of its older
		// versions, which kept the session under "persistent".
		var old struct {
			Persistent T `json:"persistent"`
		}
		if err = m.codec.Unmarshal(pt, &old); err == nil {
			*e = Envelope[T]{Data: old.Persistent}
			if keep {
				pt, err = m.encode(e) // the rollback point is in today's shape
			}
		}
	}
	if err != nil {
		return nil, false, decodeError(err)
	}
	if err := m.admit(r, e, now); err != nil {
		return nil, false, err
	}
	if keep {
		kept = pt // Unseal returned a fresh slice
	}
	return kept, info.Legacy && f.canSeal, nil
}

// checkIron is check for the iron formats. In the h3 formats it enforces
// h3 2.0.8's rules at now, in whole milliseconds, with no skew: an id;
// now − createdAt ≤ MaxAge; now − (lastSeenAt or createdAt) ≤ IdleTimeout.
// iron-session sessions have no times to check.
func (m *Manager[T]) checkIron(e *Envelope[T], now time.Time) error {
	if m.iron.plain {
		return nil
	}
	if e.ID == "" || e.CreatedAt < 0 || e.LastSeenAt < 0 {
		return fmt.Errorf("%w: missing id, or negative times", ErrInvalid)
	}
	ms := now.UnixMilli()
	if m.maxAge > 0 && ms-e.CreatedAt > m.maxAge.Milliseconds() {
		return ErrExpired
	}
	if m.idle > 0 {
		last := e.LastSeenAt
		if last == 0 {
			last = e.CreatedAt
		}
		if ms-last > m.idle.Milliseconds() {
			return ErrIdle
		}
	}
	return nil
}

// sealIron seals an encoded envelope (iron-session: the encoded data) at
// now and returns the value with its cookie's Expires and Max-Age.
func (m *Manager[T]) sealIron(pt []byte, e *Envelope[T], now time.Time) (string, time.Time, int, error) {
	f := m.iron
	v, err := f.codec.Seal(pt, now)
	if err != nil {
		return "", time.Time{}, 0, fmt.Errorf("session: sealing: %w", err)
	}
	if f.plain {
		v = iron.IronSessionValue(v)
	}
	if len(v) > m.maxLen {
		return "", time.Time{}, 0, m.tooLarge(len(pt))
	}
	if f.plain {
		return v, time.Time{}, f.cookieMaxAge, nil
	}
	return v, m.expires(e), 0, nil
}

// resealsOnRead reports whether reading a session from src may re-seal it
// (sliding idle window, old key or legacy seal): always in the native
// format; in the iron formats only from the cookie, as h3 does, and only
// when the Manager can seal.
func (m *Manager[T]) resealsOnRead(src Source) bool {
	return m.iron == nil || src == SourceCookie && m.iron.canSeal
}

// plain reports whether the Manager seals the data alone (FormatIronSession).
func (m *Manager[T]) plain() bool { return m.iron != nil && m.iron.plain }

// encode encodes what is sealed: the envelope, or the data alone.
func (m *Manager[T]) encode(e *Envelope[T]) ([]byte, error) {
	if m.plain() {
		return m.codec.Marshal(&e.Data)
	}
	return m.codec.Marshal(e)
}

// decode is the inverse of encode.
func (m *Manager[T]) decode(pt []byte, e *Envelope[T]) error {
	if m.plain() {
		return m.codec.Unmarshal(pt, &e.Data)
	}
	return m.codec.Unmarshal(pt, e)
}

// sealedLen is the length of the value sealing an n-byte plaintext (an
// upper bound in the iron formats).
func (m *Manager[T]) sealedLen(n int) int {
	if m.iron != nil {
		return m.iron.sealedLen(n)
	}
	return sealed.SealedLen(n)
}

// maxPlaintext is the longest plaintext whose seal fits in MaxLen.
func (m *Manager[T]) maxPlaintext() int {
	if m.iron == nil {
		return m.maxLen/4*3 - sealed.Overhead
	}
	lo, hi := 0, m.maxLen // sealedLen grows with n: find the last n that fits
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if m.iron.sealedLen(mid) <= m.maxLen {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}
