package session

import (
	"time"
	"unsafe"

	"github.com/sealcookie/sealcookie/sealed"
)

// Format is a wire format: how a session's encoded envelope becomes a cookie
// value and back, and the rules the format's other readers follow. The
// native format (package sealed, keyed by Config.Keys) is built in and is
// the default; packages under session/ provide the JavaScript peers' formats
// (session/h3 for h3 and Nuxt, session/ironsession for iron-session and
// Next.js), each with its own configuration. A Format is shared by the
// Managers built with it and must be safe for concurrent use.
type Format interface {
	// Rules returns what the format insists on. New calls it once.
	Rules() Rules

	// Seal seals plaintext (the encoded envelope, or the data alone with
	// Rules.DataOnly) into a cookie-safe value for purpose, the cookie
	// name. expires is the session's expiry, or the zero Time when it has
	// none; a format may apply its own instead.
	Seal(plaintext []byte, purpose string, expires, now time.Time) (string, error)

	// Open opens a value sealed for purpose, appending the plaintext to dst.
	// now is the Manager's clock less its skew tolerance. reseal reports a
	// value the format wants sealed again (an older key, a legacy seal).
	// Errors wrap the sentinels of package sealed, or ErrInvalid, and never
	// contain the value.
	Open(dst []byte, value, purpose string, now time.Time) (plaintext []byte, reseal bool, err error)

	// SealedLen returns the length of the longest value that seals an
	// n-byte plaintext. Update uses it to refuse a session too large for the
	// cookie before anything is sealed.
	SealedLen(n int) int
}

// Rules are the rules a [Format] insists on. The zero value is the native
// format's: every Config field applies as documented.
type Rules struct {
	// Name, if set, is the cookie name the format's own configuration
	// gives, as its peer's name option does; Config.Name must then be empty
	// or the same. "" leaves the name to Config.Name.
	Name string

	// Header returns the session header's name for a cookie name when
	// Config.Header is empty; a function returning "" reads no header
	// unless Config.Header names one. nil means X-<Name>-Session.
	Header func(cookieName string) string

	// DataOnly means the format seals the data alone, with no envelope:
	// sessions have no id and no times.
	DataOnly bool

	// SingleCookie means the format's other readers read one cookie: values
	// are never chunked, and Config.Cookie.MaxChunks must be 0 or 1.
	SingleCookie bool

	// AuthJSChunks means the format's other readers name chunks as Auth.js
	// does (name.0 … name.(N−1)); New sets cookie.Attributes.AuthJSChunks.
	// false leaves Config.Cookie as it is (h3's chunk names by default).
	AuthJSChunks bool

	// Peer makes the Manager follow the rules of a JavaScript library that
	// shares the cookie instead of the native ones: session times are
	// checked in whole milliseconds with no clock skew, still valid exactly
	// at a limit, and a createdAt in the future is accepted; a rejected
	// cookie is left for the peer rather than deleted; a read re-seals (to
	// slide the idle window, or at reseal) only a session that came from
	// the cookie. Config's MaxAge, IdleTimeout, RefreshAfter and ClockSkew
	// must then be zero: the format sets the lifetimes below.
	Peer bool

	// MaxAge and IdleTimeout are a Peer format's session lifetimes, from
	// createdAt and from lastSeenAt; 0 means none. A read more than half
	// the idle timeout after lastSeenAt slides it, as h3 does.
	MaxAge, IdleTimeout time.Duration

	// CookieMaxAge, if positive, is the cookie's Max-Age in seconds, written
	// instead of an Expires attribute. 0 means the native attributes (both
	// Expires and Max-Age at the session's expiry), or Expires alone for a
	// Peer format.
	CookieMaxAge int

	// ReadOnly means the format cannot seal (a password option that names
	// no password to seal with): reads never re-seal, and saving a changed
	// session fails.
	ReadOnly bool
}

// native is the built-in format: package sealed's, under Config.Keys.
type native struct{ ring *sealed.Keyring }

func (native) Rules() Rules { return Rules{} }

func (f native) Seal(pt []byte, purpose string, expires, _ time.Time) (string, error) {
	return f.ring.SealString(pt, purpose, expires)
}

func (f native) Open(dst []byte, value, purpose string, now time.Time) ([]byte, bool, error) {
	// Keyring.Open only reads the sealed value (as sealed.OpenString relies
	// on): a read-only view saves copying every cookie on the request path.
	pt, info, err := f.ring.Open(dst, unsafe.Slice(unsafe.StringData(value), len(value)), purpose, now)
	return pt, info.Stale, err
}

func (native) SealedLen(n int) int { return sealed.SealedLen(n) }
