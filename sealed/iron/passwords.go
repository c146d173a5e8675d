package iron

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sealcookie/sealcookie/internal/redact"
)

// PasswordOption is the `password` option of h3, iron-session and iron as
// JavaScript users write it: a plain string, or an object whose keys are
// password ids ({"1": "…", "2": "…"}), for h3 possibly with "id" and
// "secret" keys naming the password that seals. Build one by hand, with
// [ParsePasswordOption] (a password file or environment variable), or by
// decoding JSON into it. Its String and GoString methods redact the secrets.
type PasswordOption struct {
	// Plain is the plain string form; "" when Object is used.
	Plain string
	// Object is the object form, keys as written; nil for the plain form.
	Object map[string]string
}

// String describes the option with every secret redacted.
func (o PasswordOption) String() string {
	if o.Object == nil {
		return "iron.PasswordOption{Plain: [redacted]}"
	}
	keys := make([]string, 0, len(o.Object))
	for k := range o.Object {
		if k == "id" {
			k = "id=" + strconv.Quote(truncate(o.Object[k]))
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return "iron.PasswordOption{Object keys: " + strings.Join(keys, ", ") + ", secrets [redacted]}"
}

// GoString is String, for %#v.
func (o PasswordOption) GoString() string { return o.String() }

// Format prints String's redacted form under every verb.
func (o PasswordOption) Format(f fmt.State, verb rune) { redact.Format(f, verb, o.String()) }

// ParsePasswordOption reads a password option from text such as the
// contents of a password file or environment variable, the way the team's
// interop harness does: one trailing newline is dropped; text that starts
// with "{" (after blanks) and is a JSON object is the object form, whose
// values must all be strings; any other text, including text that merely
// starts with "{", is a plain password. Errors match ErrConfig and never
// quote the text.
func ParsePasswordOption(text string) (PasswordOption, error) {
	t := strings.TrimSuffix(strings.TrimSuffix(text, "\n"), "\r")
	if t == "" {
		return PasswordOption{}, fmt.Errorf("%w: empty password", ErrConfig)
	}
	if strings.HasPrefix(strings.TrimLeft(t, " \t\r\n"), "{") && json.Valid([]byte(t)) {
		var o PasswordOption
		if err := o.UnmarshalJSON([]byte(t)); err != nil {
			return PasswordOption{}, err
		}
		return o, nil
	}
	return PasswordOption{Plain: t}, nil
}

// UnmarshalJSON accepts a JSON string (the plain form) or a JSON object of
// strings (the object form), so a PasswordOption can sit in a JSON
// configuration exactly as in a JavaScript one. JSON null leaves it
// unchanged.
func (o *PasswordOption) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if string(data) == "null" {
		return nil // the encoding/json convention; the helpers refuse an empty option
	}
	if len(data) > 0 && data[0] == '"' {
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return fmt.Errorf("%w: password: invalid JSON string", ErrConfig)
		}
		*o = PasswordOption{Plain: s}
		return nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil || raw == nil {
		return fmt.Errorf("%w: password: want a JSON string or an object of strings", ErrConfig)
	}
	m := make(map[string]string, len(raw))
	for k, v := range raw {
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return fmt.Errorf("%w: password object: the value of %q is not a string", ErrConfig, truncate(k))
		}
		m[k] = s
	}
	*o = PasswordOption{Object: m}
	return nil
}

// h3Passwords applies the rules of h3 and iron (iron-webcrypto, @hapi/iron):
//
//   - a plain string is the unnamed password: it seals with an empty id and
//     opens seals with any id;
//   - every object key except "id" and "secret" is a password id that opens
//     seals with that id (and "default" opens seals without an id);
//   - {id, secret} names the password that seals. h3 unseals with the map
//     only, so an {id, secret} whose id is not also a key cannot read its own
//     seals in h3; here the pair is added to the map, so it can. An object
//     without "secret" cannot seal (readOnly).
func h3Passwords(o PasswordOption) (ps []Password, sealID string, readOnly bool, err error) {
	if o.Object == nil {
		if o.Plain == "" {
			return nil, "", false, fmt.Errorf("%w: empty password", ErrConfig)
		}
		return []Password{{Secret: o.Plain}}, "", false, nil
	}
	obj := o.Object
	for _, k := range []string{"encryption", "integrity"} {
		if _, ok := obj[k]; ok {
			return nil, "", false, fmt.Errorf("%w: password object: separate encryption and integrity passwords are not supported", ErrConfig)
		}
	}
	id, hasID := obj["id"]
	secret, hasSecret := obj["secret"]
	if hasID && !hasSecret {
		return nil, "", false, fmt.Errorf("%w: password object has \"id\" but no \"secret\"", ErrConfig)
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		if k == "" {
			return nil, "", false, fmt.Errorf("%w: password object has an empty key", ErrConfig)
		}
		if k != "id" && k != "secret" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		ps = append(ps, Password{ID: k, Secret: obj[k]})
	}
	if !hasSecret {
		if len(ps) == 0 {
			return nil, "", false, fmt.Errorf("%w: empty password object", ErrConfig)
		}
		return ps, "", true, nil
	}
	if id == "" {
		return append(ps, Password{Secret: secret}), "", false, nil
	}
	if s, ok := obj[id]; ok {
		if s != secret {
			return nil, "", false, fmt.Errorf("%w: password object: \"secret\" differs from the password of id %q", ErrConfig, truncate(id))
		}
		return ps, id, false, nil
	}
	return append(ps, Password{ID: id, Secret: secret}), id, false, nil
}

// ironSessionPasswords applies iron-session 8's rules: a plain string is
// password "1"; an object maps numeric ids to passwords, and the highest id
// seals.
func ironSessionPasswords(o PasswordOption) (ps []Password, sealID string, err error) {
	if o.Object == nil {
		if o.Plain == "" {
			return nil, "", fmt.Errorf("%w: empty password", ErrConfig)
		}
		return []Password{{ID: "1", Secret: o.Plain}}, "1", nil
	}
	if len(o.Object) == 0 {
		return nil, "", fmt.Errorf("%w: empty password object", ErrConfig)
	}
	for k, v := range o.Object {
		if _, ok := parseDecimal(k); !ok || len(k) > 15 {
			return nil, "", fmt.Errorf("%w: iron-session password id %q is not a decimal number (iron-session seals with the highest)", ErrConfig, truncate(k))
		}
		ps = append(ps, Password{ID: k, Secret: v})
	}
	// Canonical decimals without leading zeros order by length, then bytes.
	slices.SortFunc(ps, func(a, b Password) int {
		if len(a.ID) != len(b.ID) {
			return len(a.ID) - len(b.ID)
		}
		return strings.Compare(a.ID, b.ID)
	})
	return ps, ps[len(ps)-1].ID, nil
}

// H3Config returns the Config of h3 2.x (Nuxt 5, Nitro 3) for a password
// option and a TTL: 8192 iterations, falling back to 1 for the seals of
// h3 1.x as h3 does by default (set FallbackIterations to 0 for h3's
// legacySealFallback: false). h3's TTL is maxAge, or idleTimeout when
// maxAge is unset; 0 for neither.
//
// Password rules are h3's: a plain string seals unnamed and opens any seal;
// object keys are ids that open seals; {id, secret} names the one that seals
// (and, unlike in h3, also opens them). An object without "secret" gives a
// ReadOnly Config, since h3 cannot seal with it either.
func H3Config(o PasswordOption, ttl time.Duration) (Config, error) {
	c, err := IronConfig(o, H3Iterations, ttl)
	if err != nil {
		return Config{}, err
	}
	c.FallbackIterations = DefaultIterations
	return c, nil
}

// H3V1Config returns the Config of h3 1.x (Nuxt 3 and 4, Nitro 2): one iteration, and
// otherwise the rules of H3Config.
func H3V1Config(o PasswordOption, ttl time.Duration) (Config, error) {
	return IronConfig(o, DefaultIterations, ttl)
}

// IronConfig returns a Config for @hapi/iron or iron-webcrypto used
// directly, with their password rules (those of H3Config) and the given
// iteration count (0 for their default, 1) and TTL.
func IronConfig(o PasswordOption, iterations int, ttl time.Duration) (Config, error) {
	ps, sealID, readOnly, err := h3Passwords(o)
	if err != nil {
		return Config{}, err
	}
	return Config{Passwords: ps, SealID: sealID, ReadOnly: readOnly, Iterations: iterations, TTL: ttl}, nil
}

// IronSessionConfig returns the Config of iron-session 8: one iteration; a
// plain string is password "1"; an {id: password} object must have decimal
// ids, and the highest one seals. ttl is iron-session's ttl option: pass
// IronSessionDefaultTTL when the application left it unset, 0 for its
// ttl: 0 (no expiration). Values carry a "~2" suffix that the Keyring does not
// handle: see SplitIronSessionValue and IronSessionValue.
func IronSessionConfig(o PasswordOption, ttl time.Duration) (Config, error) {
	ps, sealID, err := ironSessionPasswords(o)
	if err != nil {
		return Config{}, err
	}
	return Config{Passwords: ps, SealID: sealID, Iterations: DefaultIterations, TTL: ttl}, nil
}

// IronSessionVersion is the major version iron-session 8 appends to its
// seals, after a "~".
const IronSessionVersion = 2

// IronSessionValue returns the cookie value iron-session 8 writes for a seal:
// the seal followed by "~2".
func IronSessionValue(seal string) string {
	return seal + "~" + strconv.Itoa(IronSessionVersion)
}

// SplitIronSessionValue splits an iron-session cookie value into the seal
// and its version exactly as iron-session 8 does: the seal is what precedes
// the first "~", and the version is what JavaScript's parseInt(s, 10) makes
// of what follows it up to the next "~" (-1 where that is NaN). A value
// without "~" has version 0: a seal of iron-session before version 8, whose
// plaintext keeps the session under "persistent". Only version 2 holds the
// session itself. err is always nil: iron-session splits every value.
//
// The suffix is outside the seal's MAC, in iron-session as here: removing
// "~2" from a genuine value, or changing it to anything that is not read as
// 2, makes the value read as an older version's, whose session is the
// plaintext's "persistent" member (usually absent: an empty session), and
// "~02" or "~2~x" read as "~2". Nothing else changes: the seal, its password,
// its expiration and the rest of the plaintext are still authenticated.
// Never keep a "persistent" member in an iron-session's data that a client
// may set: removing the suffix would make it the whole session.
func SplitIronSessionValue(v string) (seal string, version int, err error) {
	i := strings.IndexByte(v, '~')
	if i < 0 {
		return v, 0, nil
	}
	rest := v[i+1:]
	if j := strings.IndexByte(rest, '~'); j >= 0 {
		rest = rest[:j]
	}
	return v[:i], jsParseInt(rest), nil
}

// jsParseInt is JavaScript's parseInt(s, 10) for the versions iron-session
// compares with 2: leading white space and a sign are skipped, then the
// leading decimal digits are read; -1 stands for NaN (no digits), and
// numbers past 999 are 1000 (none of them is 2).
func jsParseInt(s string) int {
	s = strings.TrimLeft(s, " \t\n\r\v\f")
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg, s = s[0] == '-', s[1:]
	}
	n, digits := 0, 0
	for ; digits < len(s) && s[digits] >= '0' && s[digits] <= '9'; digits++ {
		n = min(n*10+int(s[digits]-'0'), 1000)
	}
	switch {
	case digits == 0:
		return -1
	case neg:
		return -n - 1 // never 2, never -1
	}
	return n
}
