package sealed

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/sealcookie/sealcookie/internal/jsonerr"
)

// Defaults of [CodecConfig], gorilla/securecookie's own, so that swapping a
// securecookie codec for a [Codec] changes no lifetime or size limit.
const (
	DefaultCodecMaxAge    = 30 * 24 * time.Hour
	DefaultCodecMaxLength = 4096
)

// maxCodecDepth bounds how deeply Encode follows nested maps and slices, so
// that a value that contains itself fails with an error instead of
// recursing forever.
const maxCodecDepth = 100

// ErrUnsupported means a [Codec] cannot carry a value: a map key that is not a
// string, a type encoding/json cannot encode, nesting deeper than 100 levels,
// or an authentic value whose JSON does not fit the destination.
var ErrUnsupported = errors.New("sealed: value not supported by Codec")

// CodecConfig configures a [Codec]. Its zero value gives gorilla/securecookie's
// defaults.
type CodecConfig struct {
	// MaxAge is how long an encoded value stays valid: it is sealed into the
	// value as its expiry. 0 means DefaultCodecMaxAge (30 days,
	// securecookie's default); it cannot be disabled. Set it to the
	// store's Options.MaxAge: gorilla/sessions' CookieStore.MaxAge only
	// reaches securecookie's own codecs.
	MaxAge time.Duration

	// MaxLength is the longest encoded value, in characters: Encode refuses
	// longer ones with ErrTooLarge (a browser would drop the cookie) and
	// Decode refuses longer input before decoding anything. 0 means
	// DefaultCodecMaxLength (4096, securecookie's default); at most MaxLen.
	MaxLength int

	// Clock returns the current time. nil means time.Now.
	Clock func() time.Time
}

// Codec seals values in the native format for code written against
// gorilla/securecookie. Its method set is securecookie.Codec's, so it can be
// put in a gorilla/sessions CookieStore's Codecs (or passed to
// securecookie.EncodeMulti and DecodeMulti) without this package importing
// gorilla: Go interfaces are structural.
//
// A value is encoded as JSON and sealed by the Keyring with the purpose
// "sealed.Codec:" followed by the cookie name, so a value written for one
// cookie is rejected under another, and no Codec value opens as a value of
// package session (whose purpose is the cookie name alone: a cookie name
// cannot contain ":"), even under the same name and keys.
// gorilla/sessions hands Encode its session.Values, a
// map[interface{}]interface{} that encoding/json cannot encode: Codec turns
// such maps (also nested ones, and those inside []interface{}) into
// map[string]interface{}, and refuses keys that are not of type string with
// ErrUnsupported. Decode into a *map[interface{}]interface{} turns the
// top-level object back.
//
// Values round-trip as JSON types, not as the Go types they were: numbers
// come back as float64, objects as map[string]interface{}, arrays as
// []interface{}, and structs as maps (decode into a struct pointer to get a
// struct). Code that stored an int in session.Values must read a float64
// after the switch.
//
// A Codec is immutable and safe for concurrent use; build it with NewCodec.
type Codec struct {
	ring      *Keyring
	maxAge    time.Duration
	maxLength int
	now       func() time.Time
}

// NewCodec returns a Codec that seals with k under c. It fails if k is nil,
// MaxAge is negative, or MaxLength is negative or over MaxLen.
func NewCodec(k *Keyring, c CodecConfig) (*Codec, error) {
	if k == nil {
		return nil, errors.New("sealed: NewCodec needs a Keyring")
	}
	cd := &Codec{ring: k, maxAge: c.MaxAge, maxLength: c.MaxLength, now: c.Clock}
	switch {
	case cd.maxAge == 0:
		cd.maxAge = DefaultCodecMaxAge
	case cd.maxAge < 0:
		return nil, errors.New("sealed: CodecConfig.MaxAge is negative; sealed values always expire (0 means 30 days)")
	}
	switch {
	case cd.maxLength == 0:
		cd.maxLength = DefaultCodecMaxLength
	case cd.maxLength < 0 || cd.maxLength > MaxLen:
		return nil, fmt.Errorf("sealed: CodecConfig.MaxLength %d is outside 1..%d", cd.maxLength, MaxLen)
	}
	if cd.now == nil {
		cd.now = time.Now
	}
	return cd, nil
}

var errNoCodec = errors.New("sealed: Codec not built with NewCodec")

// Encode encodes value as JSON and seals it for the cookie name, valid for
// MaxAge. Errors match ErrUnsupported (a value JSON cannot carry) or
// ErrTooLarge (longer than MaxLength); they never contain the value.
func (c *Codec) Encode(name string, value interface{}) (string, error) {
	if c == nil || c.ring == nil {
		return "", errNoCodec
	}
	v, err := jsonable(value, 0)
	if err != nil {
		return "", err
	}
	pt, err := json.Marshal(v)
	if err != nil {
		var ute *json.UnsupportedTypeError
		if errors.As(err, &ute) {
			return "", fmt.Errorf("%w: encoding/json cannot encode a %s", ErrUnsupported, ute.Type)
		}
		return "", fmt.Errorf("%w: the value cannot be encoded as JSON", ErrUnsupported)
	}
	if n := SealedLen(len(pt)); n > c.maxLength {
		return "", fmt.Errorf("%w: the encoded value would be %d characters, limit %d", ErrTooLarge, n, c.maxLength)
	}
	now := c.now()
	return c.ring.SealString(pt, codecPurpose(name), now.Add(c.maxAge))
}

// codecPurposePrefix separates the Codec's purposes from the session
// package's, which are cookie names: ":" is not allowed in one.
const codecPurposePrefix = "sealed.Codec:"

func codecPurpose(name string) string { return codecPurposePrefix + name }

// Decode opens a value sealed for the cookie name and decodes its JSON into
// dst, a pointer: a *map[interface{}]interface{} (gorilla/sessions'
// session.Values) receives the top-level object's entries, anything else is
// filled by encoding/json. It checks the length against MaxLength before
// decoding anything. Errors match those of Keyring.Open (ErrTooLarge,
// ErrMalformed, ErrUnknownKey, ErrExpired, ErrNotAuthentic) or, for an
// authentic value that does not fit dst, ErrUnsupported; they never contain
// the value.
func (c *Codec) Decode(name, value string, dst interface{}) error {
	if c == nil || c.ring == nil {
		return errNoCodec
	}
	if len(value) > c.maxLength {
		return fmt.Errorf("%w: %d characters, limit %d", ErrTooLarge, len(value), c.maxLength)
	}
	pt, _, err := c.ring.OpenString(value, codecPurpose(name), c.now())
	if err != nil {
		return err
	}
	if m, ok := dst.(*map[interface{}]interface{}); ok && m != nil {
		var obj map[string]interface{}
		if err := json.Unmarshal(pt, &obj); err != nil {
			return decodeError(err, reflect.TypeOf(obj))
		}
		if *m == nil {
			*m = make(map[interface{}]interface{}, len(obj))
		}
		for k, v := range obj {
			(*m)[k] = v
		}
		return nil
	}
	if err := json.Unmarshal(pt, dst); err != nil {
		return decodeError(err, reflect.TypeOf(dst))
	}
	return nil
}

// decodeError describes why authentic JSON did not fit the destination, of
// type into, from the Go type alone: a syntax error's message would show
// plaintext, and json/v2's paths name the data's map keys.
func decodeError(err error, into reflect.Type) error {
	var ie *json.InvalidUnmarshalError
	if field, goType, kind, ok := jsonerr.TypeMismatch(err, into); ok {
		if field != "" {
			return fmt.Errorf("%w: field %q cannot hold a JSON %s", ErrUnsupported, field, kind)
		}
		return fmt.Errorf("%w: a %s cannot hold a JSON %s", ErrUnsupported, goType, kind)
	}
	switch {
	case errors.As(err, &ie):
		return fmt.Errorf("%w: Decode needs a non-nil pointer, got %v", ErrUnsupported, ie.Type)
	}
	return fmt.Errorf("%w: the sealed data is not JSON", ErrUnsupported)
}

// jsonable returns v with every map[interface{}]interface{} in it (through
// nested maps and []interface{}) replaced by a map[string]interface{}. It
// refuses keys that are not of type string: a named string type would come
// back as a plain string and no longer find its entry.
func jsonable(v interface{}, depth int) (interface{}, error) {
	switch t := v.(type) {
	case map[interface{}]interface{}:
		if depth >= maxCodecDepth {
			return nil, fmt.Errorf("%w: values nested deeper than %d levels", ErrUnsupported, maxCodecDepth)
		}
		m := make(map[string]interface{}, len(t))
		for k, e := range t {
			ks, ok := k.(string)
			if !ok {
				return nil, fmt.Errorf("%w: a map key of type %s; only keys of type string survive JSON", ErrUnsupported, typeName(k))
			}
			je, err := jsonable(e, depth+1)
			if err != nil {
				return nil, err
			}
			m[ks] = je
		}
		return m, nil
	case map[string]interface{}:
		if t == nil {
			return t, nil
		}
		if depth >= maxCodecDepth {
			return nil, fmt.Errorf("%w: values nested deeper than %d levels", ErrUnsupported, maxCodecDepth)
		}
		m := make(map[string]interface{}, len(t))
		for k, e := range t {
			je, err := jsonable(e, depth+1)
			if err != nil {
				return nil, err
			}
			m[k] = je
		}
		return m, nil
	case []interface{}:
		if t == nil {
			return t, nil
		}
		if depth >= maxCodecDepth {
			return nil, fmt.Errorf("%w: values nested deeper than %d levels", ErrUnsupported, maxCodecDepth)
		}
		s := make([]interface{}, len(t))
		for i, e := range t {
			je, err := jsonable(e, depth+1)
			if err != nil {
				return nil, err
			}
			s[i] = je
		}
		return s, nil
	}
	return v, nil
}

func typeName(v interface{}) string {
	if v == nil {
		return "nil"
	}
	return reflect.TypeOf(v).String()
}
