package sealed

import (
	"crypto/cipher"
	"crypto/fips140"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/crypto/chacha20poly1305"

	"github.com/sealcookie/sealcookie/internal/redact"
)

// Sizes of the native format v1. A sealed value is the unpadded base64url
// encoding of HeaderSize + NonceSize + len(plaintext) + TagSize bytes.
const (
	Version        = 1  // format version, the first byte of every value
	HeaderSize     = 10 // version (1) + key id (1) + expiry (8)
	NonceSize      = chacha20poly1305.NonceSizeX
	TagSize        = chacha20poly1305.Overhead
	Overhead       = HeaderSize + NonceSize + TagSize // bytes added to the plaintext before encoding
	MinPasswordLen = 32                               // shortest password NewKeyring accepts, in bytes

	// MaxLen is the longest sealed value, in characters, that Seal produces
	// and Open accepts. Open checks it before decoding anything, so an
	// attacker's megabyte-long cookie costs one comparison.
	MaxLen = 32 << 10

	// MaxPlaintextLen is the longest plaintext whose sealed value fits in MaxLen.
	MaxPlaintextLen = MaxLen/4*3 - Overhead

	minEncodedLen = (Overhead*8 + 5) / 6 // base64 length of an empty plaintext's value
)

// Errors returned by Open and Seal. Test for them with [errors.Is]; the
// returned errors wrap them with detail that never includes key material or
// plaintext.
var (
	// ErrMalformed means the value is not a native v1 sealed value: wrong
	// length, characters outside unpadded base64url, a non-canonical
	// encoding, or an unsupported version.
	ErrMalformed = errors.New("sealed: malformed value")
	// ErrExpired means the expiry in the header has passed.
	ErrExpired = errors.New("sealed: expired")
	// ErrUnknownKey means the header names a key id the keyring does not hold,
	// for instance one removed after a rotation.
	ErrUnknownKey = errors.New("sealed: unknown key id")
	// ErrNotAuthentic means the value parsed but failed authentication: it
	// was tampered with, sealed with another password, or sealed for another
	// purpose. Nothing finer is reported, by design.
	ErrNotAuthentic = errors.New("sealed: not authentic")
	// ErrTooLarge means the value or plaintext exceeds MaxLen.
	ErrTooLarge = errors.New("sealed: too large")
	// ErrShortPassword is returned by NewKeyring for a password shorter
	// than MinPasswordLen bytes.
	ErrShortPassword = errors.New("sealed: password too short")
	// ErrFIPSOnly is returned by NewKeyring in a program that enforces FIPS
	// 140-3 (GODEBUG=fips140=only).
	ErrFIPSOnly = errors.New("sealed: the native format seals with XChaCha20-Poly1305, which is not a FIPS 140-3 approved algorithm, so it cannot run under GODEBUG=fips140=only")
)

var b64 = base64.RawURLEncoding.Strict()

// hkdfSalt and hkdfInfo fix the key derivation of format v1; see FORMAT.md.
const (
	hkdfSalt = "sealcookie/v1"
	hkdfInfo = "sealcookie/v1/xchacha20poly1305/key-id:"
)

// Key is one entry of a keyring: a password and the short id that names it in
// every value sealed with it. Its String method redacts the password, so a Key
// printed by mistake leaks nothing.
type Key struct {
	ID       uint8
	Password string // at least MinPasswordLen bytes; use `sealcookie keygen`
}

// String returns the key's id with the password redacted.
func (k Key) String() string { return fmt.Sprintf("sealed.Key{ID: %d, Password: [redacted]}", k.ID) }

// GoString returns the key's id with the password redacted, for %#v.
func (k Key) GoString() string { return k.String() }

// Format prints String's redacted form under every verb (%x and %d
// included), so no verb reaches the password.
func (k Key) Format(f fmt.State, verb rune) { redact.Format(f, verb, k.String()) }

// Format prints the keyring's key ids, never its keys, under every verb.
func (k Keyring) Format(f fmt.State, verb rune) {
	redact.Format(f, verb, fmt.Sprintf("sealed.Keyring{Current: %d, IDs: %v, keys: [redacted]}", k.current, k.ids))
}

// Keyring seals with one current key and opens with the current key or any
// older one. Keys are derived once, in NewKeyring; sealing and opening do no
// key derivation. A Keyring is immutable and safe for concurrent use.
type Keyring struct {
	current uint8
	aeads   [256]cipher.AEAD // indexed by key id; nil for ids the ring does not hold
	ids     []uint8          // current first, then the older keys in the order given

	fixedNonce []byte // tests only: golden vectors need a known nonce
}

// Info describes a value that Open accepted.
type Info struct {
	KeyID   uint8     // the key that sealed the value
	Expires time.Time // the expiry sealed into the header
	// Stale is true when the value was sealed with a key that is no longer
	// current: the caller should re-seal it so that the old key can be retired.
	Stale bool
}

// NewKeyring derives one XChaCha20-Poly1305 key per password with HKDF-SHA256
// and returns a keyring that seals with current and opens with current or any
// of old. It refuses passwords shorter than MinPasswordLen bytes and duplicate
// key ids, and fails with ErrFIPSOnly under GODEBUG=fips140=only:
// XChaCha20-Poly1305 is not a FIPS 140-3 approved algorithm.
func NewKeyring(current Key, old ...Key) (*Keyring, error) {
	if fips140.Enforced() {
		return nil, ErrFIPSOnly
	}
	k := &Keyring{current: current.ID}
	for _, key := range append([]Key{current}, old...) {
		if len(key.Password) < MinPasswordLen {
			return nil, fmt.Errorf("%w: key id %d has %d bytes, at least %d are required (generate one with `sealcookie keygen`)",
				ErrShortPassword, key.ID, len(key.Password), MinPasswordLen)
		}
		if k.aeads[key.ID] != nil {
			return nil, fmt.Errorf("sealed: key id %d appears twice in the keyring", key.ID)
		}
		aead, err := deriveAEAD(key)
		if err != nil {
			return nil, err
		}
		k.aeads[key.ID] = aead
		k.ids = append(k.ids, key.ID)
	}
	return k, nil
}

func deriveAEAD(key Key) (cipher.AEAD, error) {
	info := hkdfInfo + string([]byte{key.ID})
	raw, err := hkdf.Key(sha256.New, []byte(key.Password), []byte(hkdfSalt), info, chacha20poly1305.KeySize)
	if err != nil {
		return nil, fmt.Errorf("sealed: deriving key id %d: %v", key.ID, err)
	}
	return chacha20poly1305.NewX(raw)
}

// Current returns the id of the key that seals.
func (k *Keyring) Current() uint8 { return k.current }

// IDs returns the ids of every key in the ring, the current one first.
func (k *Keyring) IDs() []uint8 { return append([]uint8(nil), k.ids...) }

// SealedLen returns the length in characters of the value that sealing a
// plaintext of n bytes produces.
func SealedLen(n int) int { return b64.EncodedLen(Overhead + n) }

// Seal seals plaintext for purpose, valid until exp, and appends the value to
// dst. The purpose (a cookie name, say) is authenticated: Open with another
// purpose fails. The remaining capacity of dst must not overlap plaintext.
//
// Seal uses dst's spare capacity as scratch (it needs SealedLen(len(plaintext))
// + Overhead + len(plaintext) + HeaderSize + len(purpose) bytes) and allocates
// only if that is not enough. It fails with ErrTooLarge if the value would be
// longer than MaxLen, and with an error if exp is not after 1970.
func (k *Keyring) Seal(dst, plaintext []byte, purpose string, exp time.Time) ([]byte, error) {
	expMs, encLen, err := sealParams(len(plaintext), exp)
	if err != nil {
		return nil, err
	}
	rawLen := Overhead + len(plaintext)
	l := len(dst)
	dst = grow(dst, encLen+rawLen+HeaderSize+len(purpose))
	scratch := dst[l+encLen : cap(dst)]
	if overlaps(scratch, plaintext) {
		panic("sealed: plaintext overlaps the spare capacity of dst")
	}
	k.sealInto(dst[l:l+encLen], scratch, plaintext, purpose, expMs)
	return dst[:l+encLen], nil
}

var scratchPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// SealString is Seal returning a new string. It allocates once: the string.
func (k *Keyring) SealString(plaintext []byte, purpose string, exp time.Time) (string, error) {
	expMs, encLen, err := sealParams(len(plaintext), exp)
	if err != nil {
		return "", err
	}
	out := make([]byte, encLen)
	sp := scratchPool.Get().(*[]byte)
	scratch := grow((*sp)[:0], Overhead+len(plaintext)+HeaderSize+len(purpose))
	k.sealInto(out, scratch[:cap(scratch)], plaintext, purpose, expMs)
	*sp = scratch[:0]
	scratchPool.Put(sp)
	// out is never written again, so it can back the string without a copy.
	return unsafe.String(&out[0], len(out)), nil
}

func sealParams(n int, exp time.Time) (expMs uint64, encLen int, err error) {
	ms := exp.UnixMilli()
	if exp.IsZero() || ms <= 0 {
		return 0, 0, errors.New("sealed: expiry must be a time after 1970-01-01")
	}
	if n > MaxPlaintextLen {
		return 0, 0, fmt.Errorf("%w: plaintext of %d bytes, at most %d fit in a %d-character value",
			ErrTooLarge, n, MaxPlaintextLen, MaxLen)
	}
	return uint64(ms), SealedLen(n), nil
}

// sealInto writes the encoded value into out (exactly SealedLen bytes) using
// scratch, which must not overlap out or plaintext.
func (k *Keyring) sealInto(out, scratch, plaintext []byte, purpose string, expMs uint64) {
	rawLen := Overhead + len(plaintext)
	raw := scratch[: HeaderSize+NonceSize : rawLen]
	raw[0] = Version
	raw[1] = k.current
	binary.BigEndian.PutUint64(raw[2:HeaderSize], expMs)
	nonce := raw[HeaderSize : HeaderSize+NonceSize]
	if k.fixedNonce != nil {
		copy(nonce, k.fixedNonce)
	} else {
		rand.Read(nonce) // never fails since Go 1.24; crashes the program rather than return a weak nonce
	}
	aad := scratch[rawLen : rawLen+HeaderSize+len(purpose)]
	copy(aad, raw[:HeaderSize])
	copy(aad[HeaderSize:], purpose)
	raw = k.aeads[k.current].Seal(raw, nonce, plaintext, aad)
	b64.Encode(out, raw)
}

// Open authenticates and decrypts a value sealed for purpose and appends the
// plaintext to dst. It checks, in order: the length against MaxLen (before
// decoding anything), the header's version, key id and expiry against now
// (before any decryption), then the AEAD tag over header, purpose and
// ciphertext. On failure it returns nil and an error that matches one of
// ErrTooLarge, ErrMalformed, ErrUnknownKey, ErrExpired or ErrNotAuthentic.
//
// Open decrypts in place in dst's spare capacity and allocates only when that
// is shorter than len(sealed) + HeaderSize + NonceSize + len(purpose).
func (k *Keyring) Open(dst, sealed []byte, purpose string, now time.Time) ([]byte, Info, error) {
	h, err := parseHeader(sealed)
	if err != nil {
		return nil, Info{}, err
	}
	aead := k.aeads[h.KeyID]
	if aead == nil {
		return nil, Info{}, fmt.Errorf("%w: %d", ErrUnknownKey, h.KeyID)
	}
	if !now.Before(h.Expires) {
		return nil, Info{}, ErrExpired
	}
	rawLen := b64.DecodedLen(len(sealed))
	l := len(dst)
	dst = grow(dst, rawLen+HeaderSize+len(purpose)+NonceSize)
	n, err := b64.Decode(dst[l:l+rawLen], sealed)
	if err != nil || b64.EncodedLen(n) != len(sealed) {
		// The decoder skips CR and LF; a length mismatch reveals them. Refuse,
		// so that one value has exactly one encoding.
		return nil, Info{}, ErrMalformed
	}
	rawLen = n
	raw := dst[l : l+rawLen]
	aad := dst[l+rawLen : l+rawLen+HeaderSize+len(purpose)]
	copy(aad, raw[:HeaderSize])
	copy(aad[HeaderSize:], purpose)
	nonce := dst[l+rawLen+len(aad) : l+rawLen+len(aad)+NonceSize]
	copy(nonce, raw[HeaderSize:HeaderSize+NonceSize])
	// Move the ciphertext to the front so that it decrypts exactly in place.
	ct := dst[l : l+rawLen-HeaderSize-NonceSize]
	copy(ct, raw[HeaderSize+NonceSize:])
	pt, err := aead.Open(ct[:0], nonce, ct, aad)
	if err != nil {
		return nil, Info{}, ErrNotAuthentic
	}
	h.Stale = h.KeyID != k.current
	return dst[:l+len(pt)], h, nil
}

// OpenString is Open for a string value, returning a new plaintext slice.
func (k *Keyring) OpenString(sealed, purpose string, now time.Time) ([]byte, Info, error) {
	return k.Open(nil, unsafe.Slice(unsafe.StringData(sealed), len(sealed)), purpose, now)
}

// Inspect returns the header of a native value without authenticating it:
// the key id and expiry it claims. It is for diagnostics (the decode command's
// --explain) and format detection; never trust what it returns. Stale is
// always false.
func Inspect(sealed string) (Info, error) {
	return parseHeader(unsafe.Slice(unsafe.StringData(sealed), len(sealed)))
}

// parseHeader checks the length and decodes the first base64 quantum, which
// holds the header, without decoding the rest.
func parseHeader(sealed []byte) (Info, error) {
	if len(sealed) > MaxLen {
		return Info{}, fmt.Errorf("%w: %d characters, limit %d", ErrTooLarge, len(sealed), MaxLen)
	}
	if len(sealed) < minEncodedLen {
		return Info{}, fmt.Errorf("%w: %d characters, at least %d expected", ErrMalformed, len(sealed), minEncodedLen)
	}
	var hdr [12]byte // 16 characters decode to 12 bytes; the header is the first 10
	if n, err := b64.Decode(hdr[:], sealed[:16]); err != nil || n != len(hdr) {
		return Info{}, ErrMalformed
	}
	if hdr[0] != Version {
		return Info{}, fmt.Errorf("%w: version %d, want %d", ErrMalformed, hdr[0], Version)
	}
	exp := binary.BigEndian.Uint64(hdr[2:HeaderSize])
	if exp == 0 || exp > math.MaxInt64 {
		return Info{}, fmt.Errorf("%w: expiry out of range", ErrMalformed)
	}
	return Info{KeyID: hdr[1], Expires: time.UnixMilli(int64(exp))}, nil
}

// grow returns b with room for n more bytes past len(b), allocating at most once.
func grow(b []byte, n int) []byte {
	if cap(b)-len(b) >= n {
		return b
	}
	nb := make([]byte, len(b), len(b)+n)
	copy(nb, b)
	return nb
}

// overlaps reports whether x and y share memory.
func overlaps(x, y []byte) bool {
	if len(x) == 0 || len(y) == 0 {
		return false
	}
	xs, ys := uintptr(unsafe.Pointer(&x[0])), uintptr(unsafe.Pointer(&y[0]))
	return xs < ys+uintptr(len(y)) && ys < xs+uintptr(len(x))
}
