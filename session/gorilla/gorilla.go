package gorilla

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strconv"
	"time"

	"github.com/gorilla/securecookie"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/internal/redact"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
)

// Defaults applied by New to zero Config fields: gorilla/sessions' and
// securecookie's own.
const (
	// DefaultMaxAge is gorilla/sessions' CookieStore default, 86400*30 seconds.
	DefaultMaxAge = 30 * 24 * time.Hour
	// DefaultMaxLength is securecookie's default cap on an encoded value.
	DefaultMaxLength = 4096
	// MaxMaxLength is the largest Config.MaxLength New accepts.
	MaxMaxLength = 16 << 10
)

// Errors the Manager's OnError hears besides the sealed package's sentinels (ErrTooLarge,
// ErrMalformed, ErrExpired, ErrNotAuthentic). Test with errors.Is.
var (
	// ErrValues means the cookie is authentic (its HMAC matched a hash key)
	// but does not decrypt and deserialise into gorilla's values: a wrong
	// block key, a type the old application registered with gob.Register that
	// this program has not, or, with JSON, a value that is not an object.
	ErrValues = errors.New("gorilla: authentic cookie does not decode into session values")
	// ErrConvert means Config.Convert returned an error (which it wraps) or
	// panicked.
	ErrConvert = errors.New("gorilla: Convert refused the values")
)

// Serializer names the encoding the old application's securecookie codecs
// used for values.
type Serializer int

// Serializers.
const (
	Gob  Serializer = iota // encoding/gob: securecookie's and gorilla/sessions' default
	JSON                   // securecookie.JSONEncoder: the cookie holds a JSON object
)

func (s Serializer) String() string {
	switch s {
	case Gob:
		return "gob"
	case JSON:
		return "json"
	}
	return "Serializer(" + strconv.Itoa(int(s)) + ")"
}

// Config configures a Reader. Name, KeyPairs and Convert are required; every
// other field documents what its zero value means. New validates it once.
type Config[T any] struct {
	// Name is the gorilla session name (the name passed to store.Get), which is
	// the cookie name and is covered by securecookie's HMAC. Required; it
	// must differ from the session.Manager's cookie name.
	Name string

	// KeyPairs are the old keys, in the order sessions.NewCookieStore and
	// securecookie.CodecsFromPairs take them: hash key, block key, hash key,
	// block key, ... Each hash key is required; a block key may be nil (or
	// left out at the end) when the cookies were signed but not encrypted,
	// and is otherwise 16, 24 or 32 bytes (AES-128, -192, -256). Pass every
	// pair the old application still accepted, for its rotation: a cookie
	// is accepted when any pair authenticates and decodes it.
	KeyPairs [][]byte

	// Path and Domain are the old cookie's (the store's Options.Path and
	// Options.Domain), for deleting it: a browser replaces a cookie only with
	// one of the same name, path and domain. "" means "/" and host-only,
	// gorilla/sessions' defaults.
	Path   string
	Domain string
	// Partitioned must be set if the old cookie was (Options.Partitioned),
	// or deleting it would miss.
	Partitioned bool
	// InsecureDevelopment drops Secure from the deletion, for a development
	// server on plain http (see package cookie). It must never ship.
	InsecureDevelopment bool

	// MaxAge is the longest age of a gorilla cookie, counted from the
	// timestamp securecookie put in it: the store's MaxAge. 0 means
	// DefaultMaxAge (30 days); it cannot be disabled.
	MaxAge time.Duration

	// MaxLength caps the cookie value, in characters, before anything is
	// decoded. 0 means DefaultMaxLength (4096, securecookie's); at most
	// MaxMaxLength.
	MaxLength int

	// Serializer is the encoding of the values: Gob (the zero value, as
	// gorilla/sessions) or JSON.
	Serializer Serializer

	// Convert maps gorilla's session.Values into the new session data.
	// Required. An error (or a panic, which the Reader recovers) means the
	// cookie holds no valid session: it is not migrated, and the Manager's
	// OnError hears ErrConvert wrapping the error, so keep values out of its message.
	// Convert must be safe for concurrent use.
	Convert func(values map[any]any) (T, error)

	// Clock returns the current time, for the MaxAge check. nil means time.Now.
	Clock func() time.Time
}

// Format prints the Config with its key pairs redacted (their number only)
// under every verb: %+v of a Config would otherwise print the old keys.
func (c Config[T]) Format(f fmt.State, verb rune) {
	redact.Format(f, verb, fmt.Sprintf("gorilla.Config{Name: %q, KeyPairs: %d keys [redacted], Path: %q, Domain: %q, MaxAge: %v, MaxLength: %d, Serializer: %v}",
		c.Name, len(c.KeyPairs), c.Path, c.Domain, c.MaxAge, c.MaxLength, c.Serializer))
}

// Reader reads gorilla/sessions cookies for a session.Manager's Legacy hook.
// Build it with New; it is immutable and safe for concurrent use.
type Reader[T any] struct {
	name      string
	codecs    []*securecookie.SecureCookie
	spec      *cookie.Spec
	maxAge    int64 // seconds, as securecookie counts
	maxLength int
	json      bool
	convert   func(map[any]any) (T, error)
	now       func() time.Time
}

var _ session.LegacyReader[struct{}] = (*Reader[struct{}])(nil)

// New validates c and returns a Reader.
func New[T any](c Config[T]) (*Reader[T], error) {
	if c.Name == "" {
		return nil, errors.New("gorilla: Config.Name is empty: give the gorilla session name")
	}
	if c.Convert == nil {
		return nil, errors.New("gorilla: Config.Convert is nil: it maps gorilla's values into the new session data")
	}
	if len(c.KeyPairs) == 0 {
		return nil, errors.New("gorilla: Config.KeyPairs is empty: give the old hash key (and block key)")
	}
	if c.Serializer != Gob && c.Serializer != JSON {
		return nil, fmt.Errorf("gorilla: unknown %v", c.Serializer)
	}
	rd := &Reader[T]{
		name:      c.Name,
		maxLength: c.MaxLength,
		json:      c.Serializer == JSON,
		convert:   c.Convert,
		now:       c.Clock,
	}
	switch {
	case c.MaxAge == 0:
		rd.maxAge = int64(DefaultMaxAge / time.Second)
	case c.MaxAge < time.Second:
		return nil, errors.New("gorilla: Config.MaxAge is under a second; gorilla cookies are checked in seconds (0 means 30 days)")
	default:
		rd.maxAge = int64(c.MaxAge / time.Second)
	}
	switch {
	case rd.maxLength == 0:
		rd.maxLength = DefaultMaxLength
	case rd.maxLength < 0 || rd.maxLength > MaxMaxLength:
		return nil, fmt.Errorf("gorilla: Config.MaxLength %d is outside 1..%d", rd.maxLength, MaxMaxLength)
	}
	if rd.now == nil {
		rd.now = time.Now
	}
	var sz securecookie.Serializer = securecookie.GobEncoder{}
	if rd.json {
		sz = securecookie.JSONEncoder{}
	}
	for i := 0; i < len(c.KeyPairs); i += 2 {
		hash := c.KeyPairs[i]
		var block []byte
		if i+1 < len(c.KeyPairs) && len(c.KeyPairs[i+1]) > 0 {
			block = c.KeyPairs[i+1]
		}
		if len(hash) == 0 {
			return nil, fmt.Errorf("gorilla: key pair %d has no hash key", i/2+1)
		}
		switch len(block) {
		case 0, 16, 24, 32:
		default:
			return nil, fmt.Errorf("gorilla: key pair %d: a block key is 16, 24 or 32 bytes, not %d", i/2+1, len(block))
		}
		// securecookie's own timestamp check uses the wall clock; MaxAge(0)
		// turns it off, and Decode checks the timestamp against Clock instead.
		sc := securecookie.New(hash, block).MaxAge(0).MaxLength(rd.maxLength).SetSerializer(sz)
		rd.codecs = append(rd.codecs, sc)
	}
	spec, err := cookie.New(c.Name, cookie.Attributes{
		Path:                c.Path,
		Domain:              c.Domain,
		Partitioned:         c.Partitioned,
		InsecureDevelopment: c.InsecureDevelopment,
	})
	if err != nil {
		return nil, fmt.Errorf("gorilla: %w", err)
	}
	rd.spec = spec
	return rd, nil
}

// Format prints the Reader's cookie name and settings, never its keys,
// under every verb.
func (rd *Reader[T]) Format(f fmt.State, verb rune) {
	redact.Format(f, verb, fmt.Sprintf("gorilla.Reader{Name: %q, KeyPairs: %d [redacted], MaxLength: %d}", rd.name, len(rd.codecs), rd.maxLength))
}

// Name returns the gorilla cookie name.
func (rd *Reader[T]) Name() string { return rd.name }

// Read returns the converted data of the gorilla cookie among a request's
// Cookie header lines, with its authenticated timestamp (when gorilla last
// wrote it) as CreatedAt, so the migrated session's MaxAge counts from there
// (see "Lifetime of a migrated session"). It returns session.ErrNoLegacy
// when the request has no such cookie, and the reason (see Decode) when the
// cookie is not valid; the Manager reports it and deletes the cookie.
func (rd *Reader[T]) Read(cookies []string) (session.LegacySession[T], error) {
	r := http.Request{Header: http.Header{"Cookie": cookies}}
	c, err := r.Cookie(rd.name)
	if err != nil || c.Value == "" {
		return session.LegacySession[T]{}, session.ErrNoLegacy
	}
	data, ts, err := rd.decode(c.Value)
	if err != nil {
		return session.LegacySession[T]{}, fmt.Errorf("gorilla %s: %w", rd.name, err)
	}
	return session.LegacySession[T]{Data: data, CreatedAt: time.Unix(ts, 0)}, nil
}

// Delete adds to h the Set-Cookie line that expires the gorilla cookie, with
// the configured Path and Domain. The session.Manager calls it when it saves
// a migrated session, or clears it.
func (rd *Reader[T]) Delete(h http.Header, cookies []string) { rd.spec.Delete(h, cookies) }

// Decode authenticates and decodes one gorilla cookie value and converts it:
// the work of Read, for values that do not come in a request. It checks, in
// order: the length against MaxLength, the encoding, the timestamp against
// MaxAge (this can only reject), the HMAC with each key pair's hash key, and
// only then decrypts, deserialises and calls Convert. Errors match
// sealed.ErrTooLarge, sealed.ErrMalformed, sealed.ErrExpired,
// sealed.ErrNotAuthentic, ErrValues or ErrConvert, and never contain the value.
func (rd *Reader[T]) Decode(value string) (data T, err error) {
	data, _, err = rd.decode(value)
	return data, err
}

// decode is Decode, also returning the cookie's timestamp (Unix seconds),
// authenticated once the HMAC has passed.
func (rd *Reader[T]) decode(value string) (data T, ts int64, err error) {
	if len(value) > rd.maxLength {
		return data, 0, fmt.Errorf("%w: %d characters, limit %d", sealed.ErrTooLarge, len(value), rd.maxLength)
	}
	ts, err = timestamp(value)
	if err != nil {
		return data, 0, err
	}
	if ts < rd.now().Unix()-rd.maxAge {
		return data, 0, fmt.Errorf("%w: the gorilla cookie is older than %v", sealed.ErrExpired, time.Duration(rd.maxAge)*time.Second)
	}
	values, err := rd.values(value)
	if err != nil {
		return data, 0, err
	}
	data, err = rd.convertSafely(values)
	return data, ts, err
}

// timestamp parses the unauthenticated timestamp of a securecookie value,
// base64url("<unix seconds>|<value>|<mac>"), refusing what securecookie
// would refuse before the HMAC, and non-canonical base64 besides.
func timestamp(value string) (int64, error) {
	b, err := base64.URLEncoding.Strict().DecodeString(value)
	if err != nil {
		return 0, fmt.Errorf("%w: not a gorilla cookie (bad base64)", sealed.ErrMalformed)
	}
	i := bytes.IndexByte(b, '|')
	if i <= 0 || i > 20 || bytes.IndexByte(b[i+1:], '|') < 0 {
		return 0, fmt.Errorf("%w: not a gorilla cookie (no timestamp|value|mac)", sealed.ErrMalformed)
	}
	ts, err := strconv.ParseInt(string(b[:i]), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: not a gorilla cookie (bad timestamp)", sealed.ErrMalformed)
	}
	return ts, nil
}

// values tries each key pair, as securecookie.DecodeMulti does: a pair whose
// hash key fails the HMAC never gets to decrypt or deserialise.
func (rd *Reader[T]) values(value string) (map[any]any, error) {
	authentic := false
	for _, sc := range rd.codecs {
		var err error
		var values map[any]any
		if rd.json {
			var obj map[string]any
			if err = sc.Decode(rd.name, value, &obj); err == nil {
				if obj == nil {
					err = errNotObject
				} else {
					values = make(map[any]any, len(obj))
					for k, v := range obj {
						values[k] = v
					}
				}
			}
		} else {
			err = sc.Decode(rd.name, value, &values)
		}
		if err == nil {
			if values == nil {
				values = map[any]any{}
			}
			return values, nil
		}
		if !errors.Is(err, securecookie.ErrMacInvalid) {
			authentic = true // the HMAC matched; this pair's block key or the types did not
		}
	}
	if authentic {
		return nil, fmt.Errorf("%w: the HMAC matched but the %s values did not decode (wrong block key, or a type not registered with gob.Register)", ErrValues, serializerName(rd.json))
	}
	return nil, fmt.Errorf("%w: the gorilla cookie's HMAC matches no hash key", sealed.ErrNotAuthentic)
}

// errNotObject stands for a JSON cookie holding null: authentic, but no values.
var errNotObject = errors.New("gorilla: JSON null, not an object")

func serializerName(json bool) string {
	if json {
		return JSON.String()
	}
	return Gob.String()
}

// convertSafely calls Convert, turning a panic into ErrConvert: one odd old
// cookie must not break every request of its user.
func (rd *Reader[T]) convertSafely(values map[any]any) (data T, err error) {
	defer func() {
		if p := recover(); p != nil {
			var zero T
			data = zero
			if re, ok := p.(runtime.Error); ok {
				// Runtime errors (a failed type assertion, say) name types, not values.
				err = fmt.Errorf("%w: Convert panicked: %v", ErrConvert, re)
			} else {
				err = fmt.Errorf("%w: Convert panicked", ErrConvert)
			}
		}
	}()
	data, err = rd.convert(values)
	if err != nil {
		var zero T
		return zero, fmt.Errorf("%w: %w", ErrConvert, err)
	}
	return data, nil
}
