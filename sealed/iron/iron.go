package iron

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/sealcookie/sealcookie/internal/redact"
	"github.com/sealcookie/sealcookie/sealed"
)

// Limits and defaults.
const (
	// MaxLen is the longest seal, in characters, that Unseal accepts and
	// Seal produces. Unseal checks it before parsing anything.
	MaxLen = sealed.MaxLen

	// MinPasswordChars is the shortest secret NewKeyring accepts, in UTF-16 code
	// units (JavaScript's String.length), the rule of every iron library.
	MinPasswordChars = 32

	// DefaultIterations is iron's PBKDF2 iteration count, used by h3 1.x,
	// iron-session and @hapi/iron / iron-webcrypto.
	DefaultIterations = 1
	// H3Iterations is the PBKDF2 iteration count of h3 2.x.
	H3Iterations = 8192
	// MaxIterations is the largest iteration count NewKeyring accepts: about
	// 0.6 s of CPU per derivation, far beyond any library's setting.
	MaxIterations = 1 << 20

	// DefaultTimestampSkew is iron's allowance for clock differences when
	// checking an expiration.
	DefaultTimestampSkew = 60 * time.Second

	// DefaultCacheSize is the number of seals whose derived keys a Keyring
	// keeps when Config.CacheSize is 0 (about 200 bytes each).
	DefaultCacheSize = 1024
	// MaxCacheSize is the largest Config.CacheSize NewKeyring accepts.
	MaxCacheSize = 1 << 20
	// MaxPasswords is the most passwords a Config may hold.
	MaxPasswords = 256

	// SealKeyLifetime and SealKeyUses bound the reuse of one pair of sealing
	// salts and keys: Seal derives a new pair when the current one is older
	// than SealKeyLifetime or has sealed SealKeyUses values.
	SealKeyLifetime = time.Hour
	SealKeyUses     = 1 << 20

	// IronSessionDefaultTTL is iron-session's default ttl (14 days).
	IronSessionDefaultTTL = 14 * 24 * time.Hour
)

// ErrConfig is returned by NewKeyring (and by the helpers that build a Config) for
// a configuration it refuses; the wrapped message says which setting and
// why, and never contains a secret.
var ErrConfig = errors.New("iron: invalid config")

// Password is one password a Keyring may open seals with. Its String and
// GoString methods redact the secret.
type Password struct {
	// ID is written into the second field of the seals it makes and selects
	// it when unsealing. "" is the unnamed password, which h3 and iron use for
	// a plain string password: it seals with an empty id and opens seals
	// whose id no named password has. Named ids are ASCII letters, digits
	// and "_", as iron requires.
	ID string
	// Secret is the password itself: at least MinPasswordChars characters
	// (UTF-16 code units) of valid UTF-8. PBKDF2 reads its UTF-8 bytes.
	Secret string
}

// String returns the password's id with the secret redacted.
func (p Password) String() string {
	return fmt.Sprintf("iron.Password{ID: %q, Secret: [redacted]}", p.ID)
}

// GoString returns the password's id with the secret redacted, for %#v.
func (p Password) GoString() string { return p.String() }

// Format prints String's redacted form under every verb.
func (p Password) Format(f fmt.State, verb rune) { redact.Format(f, verb, p.String()) }

// Config configures a Keyring. The zero value of every field but Passwords is
// a usable default; NewKeyring validates the whole and copies what it keeps, so
// changing a Config afterwards has no effect on the Keyring.
type Config struct {
	// Passwords are every password that may open a seal. IDs are unique;
	// at most one is unnamed (ID "").
	Passwords []Password
	// SealID is the ID of the password that seals. "" means the unnamed
	// password if there is one, else the only password; with several named
	// passwords it must be set, unless ReadOnly.
	SealID string
	// ReadOnly makes a Keyring that only unseals (for migrating away from
	// iron, or for an h3 password map, which h3 itself cannot seal with):
	// SealID must be "", and Seal fails.
	ReadOnly bool
	// Iterations is the PBKDF2-SHA1 iteration count for sealing and
	// unsealing; 0 means DefaultIterations (1). h3 2.x uses H3Iterations
	// (8192). At most MaxIterations.
	Iterations int
	// FallbackIterations, when not 0, is a second iteration count Unseal
	// tries when the MAC does not verify with Iterations: h3 2.x retries with
	// 1 to read the seals of h3 1.x ("legacy seals"). Info.Legacy reports
	// a seal opened this way. 0 means no fallback.
	FallbackIterations int
	// TTL is the lifetime Seal writes into the expiration field; 0 writes
	// none (the seal never expires). It is truncated to whole milliseconds.
	// h3 uses (maxAge || idleTimeout), iron-session its ttl option
	// (IronSessionDefaultTTL unless set).
	TTL time.Duration
	// TimestampSkew is how long after its expiration Unseal still accepts a
	// seal; 0 means DefaultTimestampSkew (60 s), as in every iron library.
	TimestampSkew time.Duration
	// CacheSize is the number of authentic seals whose derived keys Unseal
	// keeps; 0 means DefaultCacheSize, a negative value disables the cache.
	// At most MaxCacheSize.
	CacheSize int

	// Budget bounds the derivations Unseal runs for salts it has not seen
	// before, which anyone can demand by sending a seal with a fresh random
	// salt; past it, such seals are refused with ErrOverBudget. nil means
	// the process-wide budget that every Keyring built without one shares
	// (DefaultBudgetCPU, DefaultBudgetConcurrency, DefaultBudgetWait).
	Budget *Budget

	// IssuedSaltsOnly makes Unseal refuse, before deriving anything, every
	// seal whose salts were not written by a Keyring holding the same
	// password (this package tags its salts; see the package
	// documentation). It is for fleets where only Go services seal: seals
	// written by the JavaScript libraries, and by this package before it
	// tagged salts, are refused as sealed.ErrNotAuthentic. It cannot be
	// combined with FallbackIterations, whose seals come from h3 1.x.
	IssuedSaltsOnly bool
}

// Info describes a seal that Unseal opened.
type Info struct {
	// PasswordID is the ID of the configured password that opened the seal.
	PasswordID string
	// Expires is the seal's expiration, the zero Time when it has none.
	Expires time.Time
	// Iterations is the PBKDF2 iteration count that opened the seal.
	Iterations int
	// Legacy is true when the seal opened with FallbackIterations only (an
	// h3 1.x seal read by an h3 2.x configuration): re-seal it.
	Legacy bool
	// Stale is true when the seal is Legacy or was opened with a password
	// other than the sealing one: re-seal it so that old settings can retire.
	// Always false for Legacy-free seals of a ReadOnly Keyring.
	Stale bool
}

// Keyring seals and unseals Fe26.2 values with one Config. It is safe for
// concurrent use.
type Keyring struct {
	passwords []Password // IDs only: the secrets are in secrets
	// secrets[i] is the secret of passwords[i]. It sits behind a pointer so
	// that fmt, which ignores the Format method of a value it reaches
	// through an unexported field (and so prints it field by field, one
	// level deep under a verb it cannot apply, such as %s), shows an
	// address instead.
	secrets  *[]string
	byID     map[string]int // named passwords
	unnamed  int            // index of the unnamed password, or -1
	dflt     int            // index of the password named "default", or -1
	sealPw   int            // index of the sealing password, or -1 (ReadOnly)
	iters    int
	fallback int
	ttlMs    int64
	skewMs   int64
	cache    *keyCache // nil when disabled
	budget   *Budget
	// tagKeys[i] tags the salts of password i: set for the sealing
	// password, and for every password with IssuedSaltsOnly.
	tagKeys    []*[KeySize]byte
	issuedOnly bool

	sealMu sync.Mutex // serialises the derivation of sealing keys
	seal   atomic.Pointer[sealState]

	derivations atomic.Uint64 // PBKDF2 derivations performed (tests)
}

// sealPair is a pair of salts and keys that Seal reuses.
type sealPair struct {
	pw, iters      int
	encSalt        [SaltLen]byte // hex characters, as written into seals
	macSalt        [SaltLen]byte
	encKey, macKey [KeySize]byte
	block          cipher.Block
	created        time.Time
	uses           atomic.Uint64
}

// sealState is the current sealing pair and the one it replaced; Unseal
// recognises both without the cache.
type sealState struct{ cur, prev *sealPair }

// NewKeyring validates c and returns a Keyring. Errors match ErrConfig, and also
// sealed.ErrShortPassword for a short secret.
func NewKeyring(c Config) (*Keyring, error) {
	if len(c.Passwords) == 0 {
		return nil, fmt.Errorf("%w: no password", ErrConfig)
	}
	if len(c.Passwords) > MaxPasswords {
		return nil, fmt.Errorf("%w: %d passwords, at most %d", ErrConfig, len(c.Passwords), MaxPasswords)
	}
	k := &Keyring{
		passwords: make([]Password, len(c.Passwords)),
		byID:      make(map[string]int, len(c.Passwords)),
		unnamed:   -1,
		dflt:      -1,
		sealPw:    -1,
	}
	copy(k.passwords, c.Passwords)
	secrets := make([]string, len(k.passwords))
	k.secrets = &secrets
	for i, p := range k.passwords {
		if err := checkSecret(p); err != nil {
			return nil, err
		}
		secrets[i], k.passwords[i].Secret = p.Secret, ""
		switch {
		case p.ID == "":
			if k.unnamed >= 0 {
				return nil, fmt.Errorf("%w: more than one unnamed password", ErrConfig)
			}
			k.unnamed = i
		case !isWord(p.ID) || len(p.ID) > 128:
			return nil, fmt.Errorf("%w: password id %q: use up to 128 ASCII letters, digits or _", ErrConfig, truncate(p.ID))
		default:
			if _, dup := k.byID[p.ID]; dup {
				return nil, fmt.Errorf("%w: password id %q appears twice", ErrConfig, p.ID)
			}
			k.byID[p.ID] = i
			if p.ID == "default" {
				k.dflt = i
			}
		}
	}

	switch {
	case c.ReadOnly:
		if c.SealID != "" {
			return nil, fmt.Errorf("%w: ReadOnly with a SealID", ErrConfig)
		}
	case c.SealID != "":
		i, ok := k.byID[c.SealID]
		if !ok {
			return nil, fmt.Errorf("%w: SealID %q names no password", ErrConfig, truncate(c.SealID))
		}
		k.sealPw = i
	case k.unnamed >= 0:
		k.sealPw = k.unnamed
	case len(k.passwords) == 1:
		k.sealPw = 0
	default:
		return nil, fmt.Errorf("%w: %d named passwords and no SealID: name the one that seals, or set ReadOnly", ErrConfig, len(k.passwords))
	}

	var err error
	if k.iters, err = iterations("Iterations", c.Iterations, DefaultIterations); err != nil {
		return nil, err
	}
	if k.fallback, err = iterations("FallbackIterations", c.FallbackIterations, 0); err != nil {
		return nil, err
	}
	if k.fallback == k.iters {
		return nil, fmt.Errorf("%w: FallbackIterations equals Iterations (%d)", ErrConfig, k.iters)
	}

	switch {
	case c.TTL < 0:
		return nil, fmt.Errorf("%w: negative TTL", ErrConfig)
	case c.TTL > 0 && c.TTL < time.Millisecond:
		return nil, fmt.Errorf("%w: TTL under a millisecond", ErrConfig)
	}
	k.ttlMs = c.TTL.Milliseconds()

	switch {
	case c.TimestampSkew < 0:
		return nil, fmt.Errorf("%w: negative TimestampSkew", ErrConfig)
	case c.TimestampSkew == 0:
		k.skewMs = DefaultTimestampSkew.Milliseconds()
	default:
		k.skewMs = c.TimestampSkew.Milliseconds()
	}

	switch {
	case c.CacheSize > MaxCacheSize:
		return nil, fmt.Errorf("%w: CacheSize %d, at most %d", ErrConfig, c.CacheSize, MaxCacheSize)
	case c.CacheSize == 0:
		k.cache = newKeyCache(DefaultCacheSize)
	case c.CacheSize > 0:
		k.cache = newKeyCache(c.CacheSize)
	}

	k.budget = c.Budget
	if k.budget == nil {
		k.budget = defaultBudget()
	}
	k.issuedOnly = c.IssuedSaltsOnly
	if k.issuedOnly && k.fallback != 0 {
		return nil, fmt.Errorf("%w: IssuedSaltsOnly refuses the seals FallbackIterations exists to read; set one or the other", ErrConfig)
	}

	// Fail now, not on the first request, where PBKDF2-SHA1 is unavailable
	// (a FIPS 140-only build).
	if _, err := pbkdf2.Key(sha1.New, secrets[0], []byte("0000000000000000"), 1, KeySize); err != nil {
		return nil, fmt.Errorf("%w: PBKDF2-SHA1 is unavailable: %v", ErrConfig, err)
	}
	k.tagKeys = make([]*[KeySize]byte, len(k.passwords))
	for i := range k.passwords {
		if i == k.sealPw || k.issuedOnly {
			if k.tagKeys[i], err = k.deriveTagKey(i); err != nil {
				return nil, err
			}
		}
	}
	return k, nil
}

func checkSecret(p Password) error {
	if !utf8.ValidString(p.Secret) {
		return fmt.Errorf("%w: the secret of password %q is not valid UTF-8", ErrConfig, truncate(p.ID))
	}
	if n := utf16Len(p.Secret); n < MinPasswordChars {
		return fmt.Errorf("%w: %w: the secret of password %q has %d characters, at least %d are required",
			ErrConfig, sealed.ErrShortPassword, truncate(p.ID), n, MinPasswordChars)
	}
	return nil
}

// utf16Len is JavaScript's String.length of s: code points beyond the BMP
// count twice.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

func iterations(name string, v, zero int) (int, error) {
	switch {
	case v < 0:
		return 0, fmt.Errorf("%w: negative %s", ErrConfig, name)
	case v > MaxIterations:
		return 0, fmt.Errorf("%w: %s %d, at most %d", ErrConfig, name, v, MaxIterations)
	case v == 0:
		return zero, nil
	}
	return v, nil
}

// truncate shortens an id for an error message.
func truncate(s string) string {
	if len(s) > 32 {
		return s[:32] + "…"
	}
	return s
}

// Format prints the Keyring's password ids and settings, never a secret or
// a derived key, under every verb.
func (c *Keyring) Format(f fmt.State, verb rune) {
	ids := make([]string, len(c.passwords))
	for i, p := range c.passwords {
		ids[i] = strconv.Quote(truncate(p.ID))
	}
	sealID := "none (ReadOnly)"
	if c.sealPw >= 0 {
		sealID = strconv.Quote(truncate(c.passwords[c.sealPw].ID))
	}
	redact.Format(f, verb, fmt.Sprintf("iron.Keyring{Passwords: [%s], SealID: %s, Iterations: %d, secrets: [redacted]}",
		strings.Join(ids, " "), sealID, c.iters))
}

// CanSeal reports whether Seal can work: false for a ReadOnly Keyring.
func (c *Keyring) CanSeal() bool { return c.sealPw >= 0 }

// SealedLen returns the length of the longest seal of an n-byte plaintext
// that Seal writes (exact until the year 2286, when expirations in Unix
// milliseconds grow a digit).
func (c *Keyring) SealedLen(n int) int {
	idLen, expLen := 0, 0
	if c.sealPw >= 0 {
		idLen = len(c.passwords[c.sealPw].ID)
	}
	if c.ttlMs > 0 {
		expLen = 13
	}
	return sealedLen(n, idLen, expLen)
}

// Seal encrypts and authenticates plaintext (JSON text, for the JavaScript
// libraries, which JSON.parse what they unseal) and returns the seal. With a
// TTL, the seal expires at now + TTL. Errors match ErrConfig for a ReadOnly
// Keyring and sealed.ErrTooLarge when the seal would be longer than MaxLen.
//
// Seal derives keys only when its reusable pair needs replacing (see the
// package documentation), so most calls cost an AES-CBC encryption and an
// HMAC whatever the iteration count.
func (c *Keyring) Seal(plaintext []byte, now time.Time) (string, error) {
	if c.sealPw < 0 {
		return "", fmt.Errorf("%w: this Keyring is ReadOnly", ErrConfig)
	}
	var expBuf [20]byte
	exp := expBuf[:0]
	if c.ttlMs > 0 {
		ms := now.UnixMilli() + c.ttlMs
		if now.UnixMilli() <= 0 || ms > maxExpiration {
			return "", errors.New("iron: now + TTL must be after 1970 and below 2^53 milliseconds")
		}
		exp = strconv.AppendInt(exp, ms, 10)
	}
	if n := sealedLen(len(plaintext), len(c.passwords[c.sealPw].ID), len(exp)); n > MaxLen {
		return "", fmt.Errorf("%w: iron: a plaintext of %d bytes makes a seal of %d characters, limit %d",
			sealed.ErrTooLarge, len(plaintext), n, MaxLen)
	}
	p, err := c.sealKeys(now)
	if err != nil {
		return "", err
	}
	var iv [IVSize]byte
	rand.Read(iv[:]) // never fails since Go 1.24; crashes the program rather than return a weak iv
	return c.sealWith(p, iv, plaintext, exp), nil
}

var scratchPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// sealedLen is the length of a seal of an n-byte plaintext.
func sealedLen(n, idLen, expLen int) int {
	ct := (n/blockSize + 1) * blockSize
	return len(Prefix) + idLen + SaltLen + ivB64Len + b64.EncodedLen(ct) + expLen + SaltLen + macB64Len + 7
}

// sealWith seals with a given key pair and iv (golden tests use it with the
// salts and iv of a JavaScript seal).
func (c *Keyring) sealWith(p *sealPair, iv [IVSize]byte, plaintext, exp []byte) string {
	id := c.passwords[p.pw].ID
	ctLen := (len(plaintext)/blockSize + 1) * blockSize
	out := make([]byte, 0, sealedLen(len(plaintext), len(id), len(exp)))
	out = append(out, Prefix...)
	out = append(out, '*')
	out = append(out, id...)
	out = append(out, '*')
	out = append(out, p.encSalt[:]...)
	out = append(out, '*')
	out = b64.AppendEncode(out, iv[:])
	out = append(out, '*')

	// Pad and encrypt in pooled scratch, then encode into place.
	sp := scratchPool.Get().(*[]byte)
	if cap(*sp) < ctLen {
		*sp = make([]byte, ctLen)
	}
	ct := (*sp)[:ctLen]
	copy(ct, plaintext)
	pad := byte(ctLen - len(plaintext))
	for i := len(plaintext); i < ctLen; i++ {
		ct[i] = pad
	}
	cipher.NewCBCEncrypter(p.block, iv[:]).CryptBlocks(ct, ct)
	out = b64.AppendEncode(out, ct)
	scratchPool.Put(sp)

	out = append(out, '*')
	out = append(out, exp...)
	mac := hmac.New(sha256.New, p.macKey[:])
	mac.Write(out)
	var sum [MACSize]byte
	mac.Sum(sum[:0])
	out = append(out, '*')
	out = append(out, p.macSalt[:]...)
	out = append(out, '*')
	out = b64.AppendEncode(out, sum[:])
	// out is never written again, so it can back the string without a copy.
	return unsafe.String(unsafe.SliceData(out), len(out))
}

// sealKeys returns the pair to seal with, deriving a new one when there is
// none or the current one is spent. While one goroutine derives, the others
// keep sealing with the previous pair rather than wait.
func (c *Keyring) sealKeys(now time.Time) (*sealPair, error) {
	st := c.seal.Load()
	if st != nil && st.cur.usable(now) {
		return st.cur, nil
	}
	if st != nil {
		if !c.sealMu.TryLock() {
			return st.cur, nil // another goroutine is replacing it
		}
	} else {
		c.sealMu.Lock()
	}
	defer c.sealMu.Unlock()
	if st = c.seal.Load(); st != nil && st.cur.usable(now) {
		return st.cur, nil
	}
	p, err := c.newSealPair(now)
	if err != nil {
		return nil, err
	}
	next := &sealState{cur: p}
	if st != nil {
		next.prev = st.cur
	}
	c.seal.Store(next)
	return p, nil
}

func (p *sealPair) usable(now time.Time) bool {
	age := now.Sub(p.created)
	return age < SealKeyLifetime && age > -SealKeyLifetime && p.uses.Add(1) <= SealKeyUses
}

func (c *Keyring) newSealPair(now time.Time) (*sealPair, error) {
	p := &sealPair{pw: c.sealPw, iters: c.iters, created: now}
	newSalt(&p.encSalt, c.tagKeys[p.pw])
	newSalt(&p.macSalt, c.tagKeys[p.pw])
	var err error
	if p.encKey, err = c.derive(p.pw, p.encSalt[:], p.iters); err != nil {
		return nil, err
	}
	if p.macKey, err = c.derive(p.pw, p.macSalt[:], p.iters); err != nil {
		return nil, err
	}
	if p.block, err = aes.NewCipher(p.encKey[:]); err != nil {
		return nil, fmt.Errorf("iron: %v", err)
	}
	return p, nil
}

// derive runs PBKDF2-SHA1 over the secret's UTF-8 bytes with the salt's hex
// characters as the salt, as every iron library does.
func (c *Keyring) derive(pw int, salt []byte, iters int) ([KeySize]byte, error) {
	c.derivations.Add(1)
	var k [KeySize]byte
	dk, err := pbkdf2.Key(sha1.New, (*c.secrets)[pw], salt, iters, KeySize)
	if err != nil {
		return k, fmt.Errorf("iron: PBKDF2: %v", err)
	}
	copy(k[:], dk)
	return k, nil
}

// Unseal checks and decrypts a seal and returns its plaintext. It checks,
// in order: the length against MaxLen (before parsing), the shape of the
// eight fields, the expiration against now minus the timestamp skew, the
// password id, the salts' tags (with IssuedSaltsOnly), then the MAC (with
// Iterations, then FallbackIterations; a salt not seen before draws on the
// Budget first), and only then derives the encryption key and decrypts,
// checking the PKCS#7 padding strictly. Errors match sealed.ErrTooLarge,
// sealed.ErrMalformed, sealed.ErrExpired, sealed.ErrUnknownKey,
// sealed.ErrNotAuthentic or ErrOverBudget (the seal was not checked).
//
// An iron-session value must lose its "~2" suffix first
// ([SplitIronSessionValue]).
func (c *Keyring) Unseal(s string, now time.Time) ([]byte, Info, error) {
	if len(s) > MaxLen {
		return nil, Info{}, errTooLong(len(s))
	}
	var f fields
	if err := parseFields(s, &f); err != nil {
		return nil, Info{}, err
	}
	if f.hasExp && f.expMs <= now.UnixMilli()-c.skewMs {
		return nil, Info{}, fmt.Errorf("%w: iron: expired at %s", sealed.ErrExpired,
			time.UnixMilli(f.expMs).UTC().Format(time.RFC3339Nano))
	}
	pw := c.lookup(f.id)
	if pw < 0 {
		return nil, Info{}, fmt.Errorf("%w: iron: password id %q", sealed.ErrUnknownKey, truncate(f.id))
	}
	iters, block, err := c.authenticate(pw, &f, s)
	if err != nil {
		return nil, Info{}, err
	}

	var iv [IVSize]byte
	b64.Decode(iv[:], unsafe.Slice(unsafe.StringData(f.iv), len(f.iv))) // parseFields checked it is canonical
	pt := make([]byte, b64.DecodedLen(len(f.ct)))
	if n, err := b64.Decode(pt, unsafe.Slice(unsafe.StringData(f.ct), len(f.ct))); err != nil || n != len(pt) {
		return nil, Info{}, fmt.Errorf("%w: iron: undecodable ciphertext", sealed.ErrMalformed)
	}
	cipher.NewCBCDecrypter(block, iv[:]).CryptBlocks(pt, pt)
	n, ok := unpad(pt)
	if !ok {
		// The MAC verified, so this is no padding oracle: the seal was made
		// with another encryption key (iron's separate encryption password).
		return nil, Info{}, fmt.Errorf("%w: iron: bad padding after decryption", sealed.ErrNotAuthentic)
	}

	info := Info{
		PasswordID: c.passwords[pw].ID,
		Iterations: iters,
		Legacy:     iters != c.iters,
	}
	info.Stale = info.Legacy || (c.sealPw >= 0 && pw != c.sealPw)
	if f.hasExp {
		info.Expires = time.UnixMilli(f.expMs)
	}
	return pt[:n], info, nil
}

// lookup picks the one password that may open a seal with this id.
func (c *Keyring) lookup(id string) int {
	if id == "" {
		if c.unnamed >= 0 {
			return c.unnamed
		}
		return c.dflt // iron looks an empty id up as "default" in a password map
	}
	if i, ok := c.byID[id]; ok {
		return i
	}
	return c.unnamed // a plain string password opens any id
}

// authenticate verifies the MAC with Iterations, then FallbackIterations,
// and returns the iteration count that verified and the AES cipher of the
// seal's encryption key. It derives the encryption key only after the MAC
// has verified, and caches keys only then.
func (c *Keyring) authenticate(pw int, f *fields, s string) (int, cipher.Block, error) {
	if c.issuedOnly && !(issuedSalt(c.tagKeys[pw], f.macSalt) && issuedSalt(c.tagKeys[pw], f.encSalt)) {
		return 0, nil, fmt.Errorf("%w: iron: a salt this fleet did not issue", sealed.ErrNotAuthentic)
	}
	macBase := unsafe.Slice(unsafe.StringData(s), f.macEnd)
	var got [macB64Len]byte
	copy(got[:], f.mac)
	st := c.seal.Load()

attempts:
	for _, iters := range [2]int{c.iters, c.fallback} {
		if iters == 0 {
			continue
		}
		// Our own sealing pairs first: no cache, no derivation.
		if st != nil {
			for _, p := range [2]*sealPair{st.cur, st.prev} {
				if p == nil || p.pw != pw || p.iters != iters || string(p.macSalt[:]) != f.macSalt {
					continue
				}
				if !macEqual(&p.macKey, macBase, &got) {
					continue attempts // the cache would hold the same key
				}
				if string(p.encSalt[:]) == f.encSalt {
					return iters, p.block, nil
				}
				block, err := c.encryptionKey(pw, iters, f, p.macKey, nil)
				return iters, block, err
			}
		}

		key := cacheKey{pw: uint16(pw), iters: uint32(iters)}
		decodeSalt(&key.salt, f.macSalt)
		var cached *cacheVal
		var macKey [KeySize]byte
		if c.cache != nil {
			if v, ok := c.cache.get(key); ok {
				cached, macKey = &v, v.macKey
			}
		}
		if cached == nil {
			// A salt not seen before: the derivation anyone can demand,
			// so it draws on the budget.
			if !c.budget.take() {
				return 0, nil, fmt.Errorf("%w: a seal with a salt not seen before needs a PBKDF2 derivation at %d iterations", ErrOverBudget, iters)
			}
			start := time.Now()
			var err error
			macKey, err = c.derive(pw, []byte(f.macSalt), iters)
			c.budget.done(time.Since(start))
			if err != nil {
				return 0, nil, fmt.Errorf("%w: %v", sealed.ErrNotAuthentic, err)
			}
		}
		if !macEqual(&macKey, macBase, &got) {
			continue
		}
		// Authentic: both salts are genuine. Now, and only now, derive (or
		// reuse) the encryption key and remember the pair.
		block, err := c.encryptionKey(pw, iters, f, macKey, cached)
		if err != nil {
			return 0, nil, err
		}
		return iters, block, nil
	}
	return 0, nil, fmt.Errorf("%w: iron: bad hmac", sealed.ErrNotAuthentic)
}

// encryptionKey returns the AES cipher for an authentic seal's encryption
// salt, from the cache entry when it holds that salt, else derived and put
// into the cache.
func (c *Keyring) encryptionKey(pw, iters int, f *fields, macKey [KeySize]byte, cached *cacheVal) (cipher.Block, error) {
	var encSalt [SaltLen / 2]byte
	decodeSalt(&encSalt, f.encSalt)
	var encKey [KeySize]byte
	if cached != nil && cached.encSalt == encSalt {
		encKey = cached.encKey
	} else {
		var err error
		if encKey, err = c.derive(pw, []byte(f.encSalt), iters); err != nil {
			return nil, fmt.Errorf("%w: %v", sealed.ErrNotAuthentic, err)
		}
		if c.cache != nil {
			key := cacheKey{pw: uint16(pw), iters: uint32(iters)}
			decodeSalt(&key.salt, f.macSalt)
			c.cache.put(key, cacheVal{macKey: macKey, encSalt: encSalt, encKey: encKey})
		}
	}
	block, err := aes.NewCipher(encKey[:])
	if err != nil {
		return nil, fmt.Errorf("%w: iron: %v", sealed.ErrNotAuthentic, err)
	}
	return block, nil
}

// decodeSalt decodes a salt that parseFields checked to be SaltLen
// lowercase hex characters.
func decodeSalt(dst *[SaltLen / 2]byte, s string) {
	nibble := func(c byte) byte {
		if c <= '9' {
			return c - '0'
		}
		return c - 'a' + 10
	}
	for i := range dst {
		dst[i] = nibble(s[2*i])<<4 | nibble(s[2*i+1])
	}
}

// macEqual computes HMAC-SHA256(key, base) and compares its canonical
// base64url encoding with got in constant time, as h3 compares strings.
func macEqual(key *[KeySize]byte, base []byte, got *[macB64Len]byte) bool {
	m := hmac.New(sha256.New, key[:])
	m.Write(base)
	var sum [MACSize]byte
	m.Sum(sum[:0])
	var want [macB64Len]byte
	b64.Encode(want[:], sum[:])
	return subtle.ConstantTimeCompare(want[:], got[:]) == 1
}

// unpad returns the length of the PKCS#7-padded plaintext p, checking every
// padding byte.
func unpad(p []byte) (int, bool) {
	if len(p) == 0 || len(p)%blockSize != 0 {
		return 0, false
	}
	n := int(p[len(p)-1])
	if n == 0 || n > blockSize {
		return 0, false
	}
	for _, b := range p[len(p)-n:] {
		if int(b) != n {
			return 0, false
		}
	}
	return len(p) - n, true
}
