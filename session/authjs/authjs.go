package authjs

import (
	"errors"
	"fmt"
	"time"

	"github.com/sealcookie/sealcookie/internal/ids"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
)

// Auth.js's defaults.
const (
	// CookieName is Auth.js's session cookie over https, where its
	// useSecureCookies is on.
	CookieName = "__Secure-authjs.session-token"
	// InsecureCookieName is its session cookie over plain http
	// (development); use it with cookie.Attributes.InsecureDevelopment.
	InsecureCookieName = "authjs.session-token"
	// DefaultMaxAge is Auth.js's session.maxAge: 30 days.
	DefaultMaxAge = 30 * 24 * time.Hour
	// DefaultUpdateAge is Auth.js's session.updateAge: 24 hours.
	DefaultUpdateAge = 24 * time.Hour
	// MinSecretLen is the shortest secret New accepts, in bytes. Auth.js
	// takes any non-empty one; `npx auth secret` makes 44 characters.
	MinSecretLen = 32
)

// ErrConfig is what New returns, wrapped, for an invalid Config.
var ErrConfig = errors.New("authjs: invalid config")

// Config configures the Auth.js format. Secrets is required.
type Config struct {
	// CookieName is Auth.js's session cookie name (its
	// cookies.sessionToken.name), which is also the salt its key derivation
	// uses. "" means CookieName, "__Secure-authjs.session-token", the name
	// over https; an application served over plain http uses
	// InsecureCookieName.
	CookieName string

	// Secrets is Auth.js's secret option: Secrets[0] encrypts, and each
	// decrypts the tokens whose kid names it. SecretsFromEnv reads them
	// from AUTH_SECRET and AUTH_SECRET_1 to _3 as Auth.js does. At least
	// one is required, each of at least MinSecretLen bytes.
	Secrets []string

	// MaxAge is Auth.js's session.maxAge: a token written by Go expires this
	// long after it was written (its exp), and so does its cookie. 0 means
	// DefaultMaxAge, 30 days; otherwise whole seconds, at most 400 days.
	MaxAge time.Duration

	// UpdateAge is how old a token read from the cookie must be (counted
	// from its iat) before the read writes it anew, sliding its expiry.
	// Auth.js writes the token anew on every session read; this writes it
	// at most once per UpdateAge, as Auth.js's session.updateAge does for
	// database sessions. 0 means DefaultUpdateAge, 24 hours; negative never
	// writes on a read.
	UpdateAge time.Duration
}

// format is the Auth.js format, a session.Format.
type format struct {
	name      string
	keys      []*key // keys[0] encrypts
	maxAge    int64  // seconds
	updateAge int64  // seconds; 0: never on read
	rules     session.Rules
}

// New validates c, derives the keys of every secret for the cookie name,
// and returns the Auth.js format for session.Config.Format.
func New(c Config) (session.Format, error) {
	name := c.CookieName
	if name == "" {
		name = CookieName
	}
	if len(c.Secrets) == 0 {
		return nil, fmt.Errorf("%w: Secrets is empty: Auth.js's secret (AUTH_SECRET) is required", ErrConfig)
	}
	maxAge := c.MaxAge
	switch {
	case maxAge == 0:
		maxAge = DefaultMaxAge
	case maxAge < 0 || maxAge%time.Second != 0:
		return nil, fmt.Errorf("%w: MaxAge %v: Auth.js's maxAge is a positive whole number of seconds", ErrConfig, maxAge)
	case maxAge > 400*24*time.Hour:
		return nil, fmt.Errorf("%w: MaxAge %v is over 400 days, the cap browsers put on cookie lifetimes", ErrConfig, maxAge)
	}
	update := c.UpdateAge
	switch {
	case update == 0:
		update = DefaultUpdateAge
	case update < 0:
		update = 0
	case update < time.Second:
		return nil, fmt.Errorf("%w: UpdateAge %v: under a second, tokens carry whole seconds", ErrConfig, update)
	}
	f := &format{name: name, maxAge: int64(maxAge / time.Second), updateAge: int64(update / time.Second)}
	for i, s := range c.Secrets {
		if len(s) < MinSecretLen {
			return nil, fmt.Errorf("%w: %w: secret %d has %d bytes, at least %d are required (npx auth secret makes one)",
				ErrConfig, sealed.ErrShortPassword, i, len(s), MinSecretLen)
		}
		k, err := deriveKey(s, name)
		if err != nil {
			return nil, fmt.Errorf("%w: deriving the key of secret %d: %v", ErrConfig, i, err)
		}
		f.keys = append(f.keys, k)
	}
	f.rules = session.Rules{
		Name:         name,
		Header:       func(string) string { return "" }, // Auth.js reads the cookie
		DataOnly:     true,
		Peer:         true,
		AuthJSChunks: true,
		CookieMaxAge: int(f.maxAge),
	}
	return f, nil
}

func (f *format) Rules() session.Rules { return f.rules }

// Seal writes a token as Auth.js's encode does: the data's claims with iat
// now, exp now + MaxAge and a fresh jti, encrypted with A256CBC-HS512 under
// the first secret's key.
func (f *format) Seal(pt []byte, purpose string, _, now time.Time) (string, error) {
	if err := f.checkPurpose(purpose); err != nil {
		return "", err
	}
	iat := unixSeconds(now)
	body, err := claims(pt, iat, iat+f.maxAge, ids.UUIDv4())
	if err != nil {
		return "", err
	}
	if n := f.SealedLen(len(pt)); n > maxToken {
		return "", fmt.Errorf("%w: a token of up to %d characters, limit %d", sealed.ErrTooLarge, n, maxToken)
	}
	return f.keys[0].seal(body), nil
}

// Open reads a token as Auth.js's decode does (see the package
// documentation for where it is stricter) and returns its claims. reseal
// reports a token issued more than UpdateAge ago.
func (f *format) Open(dst []byte, value, purpose string, now time.Time) ([]byte, bool, error) {
	if err := f.checkPurpose(purpose); err != nil {
		return nil, false, err
	}
	t, err := parseToken(value)
	if err != nil {
		return nil, false, err
	}
	k, enc, err := pick(f.keys, t.head)
	if err != nil {
		return nil, false, err
	}
	pt, err := k.open(dst, t, enc)
	if err != nil {
		return nil, false, err
	}
	tm, err := checkClaims(pt[len(dst):], now)
	if err != nil {
		return nil, false, err
	}
	reseal := f.updateAge > 0 && (!tm.hasIat || float64(unixSeconds(now))-tm.iat > float64(f.updateAge))
	return pt, reseal, nil
}

// SealedLen bounds the token of an n-byte data encoding: the claims add at
// most maxClaimsOverhead bytes, then padding, encryption and base64url.
func (f *format) SealedLen(n int) int {
	body := max(n, 2) + maxClaimsOverhead
	return tokenLen(len(f.keys[0].cbcHead), (body/16+1)*16)
}

// checkPurpose holds the keys to the cookie name they were derived for.
func (f *format) checkPurpose(purpose string) error {
	if purpose != f.name {
		return fmt.Errorf("%w: the keys are derived for cookie %q, not %q", sealed.ErrNotAuthentic, f.name, purpose)
	}
	return nil
}

// SecretsFromEnv returns Auth.js's secret list from the environment as
// Auth.js builds it when its secret option is unset: AUTH_SECRET_3,
// AUTH_SECRET_2, AUTH_SECRET_1, then AUTH_SECRET, skipping the unset and
// empty ones. The first one encrypts. getenv is os.Getenv, or a lookup of
// the application's own configuration.
func SecretsFromEnv(getenv func(string) string) []string {
	var out []string
	for _, k := range []string{"AUTH_SECRET_3", "AUTH_SECRET_2", "AUTH_SECRET_1", "AUTH_SECRET"} {
		if v := getenv(k); v != "" {
			out = append(out, v)
		}
	}
	return out
}
