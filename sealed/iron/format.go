package iron

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sealcookie/sealcookie/sealed"
)

// Prefix is the first field of every seal: iron's MAC format version 2.
const Prefix = "Fe26.2"

// Sizes of the parts of a seal.
const (
	SaltLen = 64 // characters of each hex salt (256 random bits)
	IVSize  = 16 // bytes of the AES-CBC iv
	KeySize = 32 // bytes of each PBKDF2-derived key (AES-256, HMAC-SHA256)
	MACSize = 32 // bytes of the HMAC-SHA256 digest

	ivB64Len  = 22 // unpadded base64url characters of the iv
	macB64Len = 43 // unpadded base64url characters of the MAC
	blockSize = 16 // AES block size

	// maxExpiration is JavaScript's Number.MAX_SAFE_INTEGER: no JavaScript
	// library can write a larger expiration exactly.
	maxExpiration = 1<<53 - 1
)

var b64 = base64.RawURLEncoding.Strict()

// Fields is a seal taken apart by [Parse]: every field, decoded where the
// format encodes it, and nothing authenticated. It is for diagnostics (the
// decode command's explanation of a cookie) and tests; never trust its
// contents, open seals with [Keyring.Unseal].
type Fields struct {
	// PasswordID is the second field: the id of the password that sealed,
	// "" for an unnamed (plain string) password.
	PasswordID string
	// EncryptionSalt is the third field, 64 lowercase hex characters. PBKDF2
	// uses these characters themselves as its salt.
	EncryptionSalt string
	// IV is the AES-CBC initialisation vector, IVSize bytes.
	IV []byte
	// Ciphertext is the AES-256-CBC ciphertext, a positive multiple of 16 bytes.
	Ciphertext []byte
	// Expiration is the sixth field as an instant with millisecond precision;
	// the zero Time when the seal has no expiration.
	Expiration time.Time
	// HMACSalt is the seventh field, 64 lowercase hex characters.
	HMACSalt string
	// HMAC is the eighth field exactly as received: 43 base64url characters.
	// Parse does not decode it; Unseal compares it, as a string, with the
	// canonical encoding of the MAC it computes, as h3 does.
	HMAC string
}

// Parse splits a seal into its fields and checks their shape (see the
// package documentation), without any key. Errors match
// [sealed.ErrTooLarge] or [sealed.ErrMalformed]. An iron-session value must
// lose its "~2" suffix first ([SplitIronSessionValue]).
//
// Parse accepts exactly one spelling of each envelope:
// Parse(s).Format() == s for every s it accepts.
func Parse(s string) (Fields, error) {
	if len(s) > MaxLen {
		return Fields{}, errTooLong(len(s))
	}
	var f fields
	if err := parseFields(s, &f); err != nil {
		return Fields{}, err
	}
	e := Fields{
		PasswordID:     f.id,
		EncryptionSalt: f.encSalt,
		IV:             make([]byte, IVSize),
		Ciphertext:     make([]byte, b64.DecodedLen(len(f.ct))),
		HMACSalt:       f.macSalt,
		HMAC:           f.mac,
	}
	// parseFields checked the alphabet, the lengths and the trailing bits,
	// so these cannot fail; check anyway rather than trust that reasoning.
	if n, err := b64.Decode(e.IV, []byte(f.iv)); err != nil || n != IVSize {
		return Fields{}, fmt.Errorf("%w: iron: undecodable iv", sealed.ErrMalformed)
	}
	if n, err := b64.Decode(e.Ciphertext, []byte(f.ct)); err != nil || n != len(e.Ciphertext) {
		return Fields{}, fmt.Errorf("%w: iron: undecodable ciphertext", sealed.ErrMalformed)
	}
	if f.hasExp {
		e.Expiration = time.UnixMilli(f.expMs)
	}
	return e, nil
}

// Format returns the seal's string form. It does not validate the envelope:
// formatting one that Parse did not produce may give a string Parse rejects.
func (e Fields) Format() string {
	var exp string
	if !e.Expiration.IsZero() {
		exp = strconv.FormatInt(e.Expiration.UnixMilli(), 10)
	}
	var b strings.Builder
	b.Grow(len(Prefix) + len(e.PasswordID) + len(e.EncryptionSalt) + b64.EncodedLen(len(e.IV)) +
		b64.EncodedLen(len(e.Ciphertext)) + len(exp) + len(e.HMACSalt) + len(e.HMAC) + 7)
	for i, s := range [...]string{Prefix, e.PasswordID, e.EncryptionSalt, b64.EncodeToString(e.IV),
		b64.EncodeToString(e.Ciphertext), exp, e.HMACSalt, e.HMAC} {
		if i > 0 {
			b.WriteByte('*')
		}
		b.WriteString(s)
	}
	return b.String()
}

// fields are the eight fields of a seal as substrings of it (no copies).
type fields struct {
	id, encSalt, iv, ct, exp, macSalt, mac string

	expMs  int64
	hasExp bool
	macEnd int // length of the first six fields and their separators: what the MAC covers
}

// parseFields splits s and checks the shape of every field. It checks in
// iron's order (field count, prefix, expiration), then what iron leaves to
// its decoders.
func parseFields(s string, f *fields) error {
	var p [8]string
	rest := s
	for i := range 7 {
		j := strings.IndexByte(rest, '*')
		if j < 0 {
			return fmt.Errorf("%w: iron: %d fields, want 8", sealed.ErrMalformed, i+1)
		}
		p[i], rest = rest[:j], rest[j+1:]
	}
	if n := strings.Count(rest, "*"); n > 0 {
		return fmt.Errorf("%w: iron: %d fields, want 8", sealed.ErrMalformed, 8+n)
	}
	p[7] = rest
	if p[0] != Prefix {
		return fmt.Errorf("%w: iron: wrong prefix, want %s", sealed.ErrMalformed, Prefix)
	}
	f.id, f.encSalt, f.iv, f.ct, f.exp, f.macSalt, f.mac = p[1], p[2], p[3], p[4], p[5], p[6], p[7]
	f.macEnd = len(s) - len(p[6]) - len(p[7]) - 2

	if f.exp != "" {
		ms, ok := parseDecimal(f.exp)
		if !ok || ms > maxExpiration {
			return fmt.Errorf("%w: iron: invalid expiration", sealed.ErrMalformed)
		}
		f.expMs, f.hasExp = ms, true
	}
	if f.id != "" && !isWord(f.id) {
		return fmt.Errorf("%w: iron: invalid password id", sealed.ErrMalformed)
	}
	if !isSalt(f.encSalt) {
		return fmt.Errorf("%w: iron: encryption salt is not %d lowercase hex characters", sealed.ErrMalformed, SaltLen)
	}
	if len(f.iv) != ivB64Len || !isCanonicalB64(f.iv) {
		return fmt.Errorf("%w: iron: iv is not %d bytes of canonical base64url", sealed.ErrMalformed, IVSize)
	}
	if !isCanonicalB64(f.ct) {
		return fmt.Errorf("%w: iron: ciphertext is not canonical unpadded base64url", sealed.ErrMalformed)
	}
	if n := b64.DecodedLen(len(f.ct)); n == 0 || n%blockSize != 0 {
		return fmt.Errorf("%w: iron: ciphertext of %d bytes is not a positive multiple of %d", sealed.ErrMalformed, n, blockSize)
	}
	if !isSalt(f.macSalt) {
		return fmt.Errorf("%w: iron: hmac salt is not %d lowercase hex characters", sealed.ErrMalformed, SaltLen)
	}
	if len(f.mac) != macB64Len || !isB64Alphabet(f.mac) {
		return fmt.Errorf("%w: iron: hmac is not %d base64url characters", sealed.ErrMalformed, macB64Len)
	}
	return nil
}

// parseDecimal parses a canonical non-negative decimal: digits only, no sign,
// no leading zero (but "0" itself).
func parseDecimal(s string) (int64, bool) {
	if s == "" || len(s) > 18 || (s[0] == '0' && len(s) > 1) {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// isWord reports whether s is non-empty and matches JavaScript's /^\w+$/:
// ASCII letters, digits and underscore, what iron accepts as a password id.
func isWord(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func isSalt(s string) bool {
	if len(s) != SaltLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// b64Value maps a base64url character to its 6-bit value, or 0xff.
var b64Value = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = byte(i)
	}
	return t
}()

func isB64Alphabet(s string) bool {
	for i := 0; i < len(s); i++ {
		if b64Value[s[i]] == 0xff {
			return false
		}
	}
	return true
}

// isCanonicalB64 reports whether s is the one unpadded base64url spelling of
// some bytes: alphabet only, a possible length, and zero unused bits in the
// last character. Strict decoding of such a string cannot fail.
func isCanonicalB64(s string) bool {
	if len(s)%4 == 1 || !isB64Alphabet(s) {
		return false
	}
	switch len(s) % 4 {
	case 2:
		return b64Value[s[len(s)-1]]&0x0f == 0
	case 3:
		return b64Value[s[len(s)-1]]&0x03 == 0
	}
	return true
}

func errTooLong(n int) error {
	return fmt.Errorf("%w: iron: %d characters, limit %d", sealed.ErrTooLarge, n, MaxLen)
}
