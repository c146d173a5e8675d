// Package ironsession is the session format of iron-session 8 and 9, the
// usual session library of Next.js applications, for a Go service that
// shares the application's session cookie.
//
//	f, err := ironsession.New(ironsession.Config{CookieName: "app", Password: pw, Version: 9})
//	m, err := session.New(session.Config[User]{Format: f})
//
// It exists for interoperability and migration. The session's data itself is
// sealed, with no envelope, as an iron "Fe26.2" seal (package sealed/iron) at
// one PBKDF2 iteration followed by "~2"; the highest numeric password id
// seals. iron-session 8 and 9 write the same cookies and read each other's.
// The Manager follows iron-session's rules (see session.Rules.Peer):
//
//   - There is no id and no times: Session.ID returns "", CreatedAt,
//     LastSeenAt and ExpiresAt the zero Time, and Regenerate only marks the
//     session for saving. The seal's expiration (the TTL after each save,
//     with iron's 60-second tolerance) ends the session.
//   - Seals carry no purpose, a rejected cookie is left for the peer, and
//     reads never re-seal.
//   - The cookie's Max-Age is the TTL less 60 seconds (2147483647 for a TTL
//     that never expires), with no Expires attribute; one cookie, never
//     chunked; no session header unless session.Config.Header names one.
//   - An empty session (data that encodes as null, such as a nil map) is
//     sealed as {}, as iron-session seals one.
//
// Where the two versions differ, Config.Version chooses:
//
//   - A value without the "~2" suffix: iron-session 8 reads it as a seal of
//     its older versions, whose data is the seal's "persistent" member
//     (usually absent, hence empty data); iron-session 9 reads the seal's
//     data as it is. The suffix is outside the MAC in both.
//   - Any other suffix ("~3", "~x"): iron-session 9 ignores it; iron-session
//     8, and Version 8 here, reads such a value as an older version's.
//   - iron-session 9 can split a large session over the cookies name.0 …
//     name.3 (its chunk: true option, off by default). This format reads and
//     writes one cookie only: keep such sessions within one cookie.
//
// # Differences that remain
//
// iron-session accepts a seal without an expiration field (written with
// ttl: 0) forever, whatever ttl its reader is configured with. Here a
// configured TTL ends such a seal at once ([sealed.ErrExpired]): nothing in
// it tells its age, and a TTL means sessions expire. A peer that writes them
// (ttl: 0, or cookieOptions.maxAge: undefined) is matched with TTL
// negative.
//
// The "~2" suffix is outside the MAC, as in iron-session 8.0.4, and is
// parsed exactly as it parses it (see iron.SplitIronSessionValue): a client
// can strip or change the suffix of its own genuine value and get that
// member as its session, and nothing else (the seal, its password and
// expiration, and the rest of the data stay authenticated). Never keep a
// member named "persistent" in the data that a client can set.
//
// For sessions only Go reads, the native format is shorter, faster and binds
// each value to its cookie.
package ironsession

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
)

// Config configures the iron-session format. CookieName and Password are
// required, as in iron-session.
type Config struct {
	// CookieName is iron-session's cookieName.
	CookieName string

	// Password is iron-session's password option as the application writes
	// it: a plain string (password "1"), or an {id: password} map with
	// decimal ids, the highest of which seals (iron.ParsePasswordOption reads
	// one from a file or an environment variable).
	Password iron.PasswordOption

	// TTL is iron-session's ttl: the seal expires this long after each
	// save. 0 means its default, 14 days; negative means its ttl: 0 (never
	// expires); otherwise a whole number of seconds over 60, at most 400
	// days. With a TTL, a seal that carries no expiration is refused (see
	// the package documentation).
	TTL time.Duration

	// Version is iron-session's major version, 8 or 9: which of their rules
	// reads a value without the "~2" suffix (see the package
	// documentation). 0 means 8. Both write and read the same cookies
	// otherwise.
	Version int

	// Budget bounds the PBKDF2 derivations that cookies with salts not seen
	// before cost (one iteration each here, microseconds; see iron.Budget).
	// Past it, such a cookie is treated as absent and session.Config.OnError
	// hears iron.ErrOverBudget. nil means the process-wide budget shared by
	// every format built without one, which forged h3 2.x cookies can also
	// spend: give this format its own to keep them apart.
	Budget *iron.Budget
}

// maxAgeForever is iron-session's cookie Max-Age for ttl: 0.
const maxAgeForever = 2147483647

type format struct {
	ring    *iron.Keyring
	rules   session.Rules
	ttl     time.Duration // 0: seals never expire
	version int           // 8 or 9
}

// New validates c and returns the iron-session format for
// session.Config.Format.
func New(c Config) (session.Format, error) {
	if c.CookieName == "" {
		return nil, fmt.Errorf("ironsession: CookieName is required, as iron-session's cookieName is")
	}
	version := c.Version
	switch version {
	case 0:
		version = 8
	case 8, 9:
	default:
		return nil, fmt.Errorf("ironsession: Version %d: want 8 or 9", c.Version)
	}
	ttl := c.TTL
	switch {
	case ttl == 0:
		ttl = iron.IronSessionDefaultTTL
	case ttl < 0:
		ttl = 0
	case ttl > 400*24*time.Hour:
		return nil, fmt.Errorf("ironsession: TTL %v is over 400 days, the cap browsers put on cookie lifetimes", ttl)
	case ttl%time.Second != 0 || ttl <= iron.DefaultTimestampSkew:
		return nil, fmt.Errorf("ironsession: TTL %v: iron-session's ttl is a whole number of seconds over 60 (the cookie's Max-Age is ttl − 60 s)", ttl)
	}
	cfg, err := iron.IronSessionConfig(c.Password, ttl)
	if err != nil {
		return nil, fmt.Errorf("ironsession: Password: %w", err)
	}
	cfg.Budget = c.Budget
	ring, err := iron.NewKeyring(cfg)
	if err != nil {
		return nil, fmt.Errorf("ironsession: Password: %w", err)
	}
	maxAge := maxAgeForever
	if ttl > 0 {
		maxAge = int((ttl - iron.DefaultTimestampSkew) / time.Second)
	}
	return &format{ring: ring, ttl: ttl, version: version, rules: session.Rules{
		Name:         c.CookieName,
		Header:       func(string) string { return "" }, // iron-session reads the cookie only
		DataOnly:     true,
		SingleCookie: true,
		Peer:         true,
		CookieMaxAge: maxAge,
	}}, nil
}

func (f *format) Rules() session.Rules { return f.rules }

func (f *format) Seal(pt []byte, _ string, _, now time.Time) (string, error) {
	if string(bytes.TrimSpace(pt)) == "null" {
		pt = []byte("{}") // iron-session seals an empty session as {}; a nil map encodes as null
	}
	v, err := f.ring.Seal(pt, now)
	if err != nil {
		return "", err
	}
	return iron.IronSessionValue(v), nil
}

func (f *format) Open(dst []byte, value, _ string, now time.Time) ([]byte, bool, error) {
	seal, unwrap := value, false
	if f.version == 9 {
		// iron-session 9 strips whatever follows the first "~" and reads
		// the seal's data as it is.
		if i := strings.IndexByte(value, '~'); i >= 0 {
			seal = value[:i]
		}
	} else {
		s, version, err := iron.SplitIronSessionValue(value)
		if err != nil {
			return nil, false, err
		}
		seal, unwrap = s, version != iron.IronSessionVersion
	}
	pt, info, err := f.ring.Unseal(seal, now)
	if err != nil {
		return nil, false, err
	}
	if f.ttl > 0 && info.Expires.IsZero() {
		return nil, false, fmt.Errorf("%w: iron-session: the seal has no expiration, but a ttl is configured", sealed.ErrExpired)
	}
	if unwrap {
		// iron-session 8 reads a seal without "~2" as one of its older
		// versions, which kept the session under "persistent".
		var old struct {
			Persistent json.RawMessage `json:"persistent"`
		}
		if err := json.Unmarshal(pt, &old); err != nil {
			return nil, false, fmt.Errorf("%w: an iron-session seal of an older version that is not a JSON object", session.ErrInvalid)
		}
		pt = old.Persistent
		if len(pt) == 0 {
			pt = []byte("null") // absent: empty data
		}
	}
	return append(dst, pt...), false, nil
}

func (f *format) SealedLen(n int) int { return f.ring.SealedLen(n) + len("~2") }
