package iron

import (
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// Salts this package writes are tagged, so that a fleet where only Go seals
// can tell its own salts from an attacker's without deriving anything
// (Config.IssuedSaltsOnly). A salt is still 64 lowercase hex characters, as
// every iron library expects: 16 random bytes, then the first 16 bytes of
// HMAC-SHA256(tag key, those random bytes). The tag key is derived from the
// password with PBKDF2-SHA1 at the Keyring's iteration count, so a tagged
// salt makes guessing the password no cheaper than the seal's own MAC does.

// saltTagLabel is the PBKDF2 salt of the tag keys.
const saltTagLabel = "sealcookie/iron/salt-tag/v1"

// saltRandLen is the number of random bytes in a tagged salt; the tag fills
// the rest.
const saltRandLen = SaltLen / 4

// deriveTagKey derives the key that tags the salts of password pw.
func (c *Keyring) deriveTagKey(pw int) (*[KeySize]byte, error) {
	dk, err := pbkdf2.Key(sha1.New, (*c.secrets)[pw], []byte(saltTagLabel), c.iters, KeySize)
	if err != nil {
		return nil, fmt.Errorf("%w: PBKDF2-SHA1 is unavailable: %v", ErrConfig, err)
	}
	var k [KeySize]byte
	copy(k[:], dk)
	return &k, nil
}

// newSalt writes a fresh salt into dst, tagged under key.
func newSalt(dst *[SaltLen]byte, key *[KeySize]byte) {
	var raw [SaltLen / 2]byte
	rand.Read(raw[:saltRandLen]) // never fails since Go 1.24
	tag := saltTag(key, raw[:saltRandLen])
	copy(raw[saltRandLen:], tag[:])
	hex.Encode(dst[:], raw[:])
}

// issuedSalt reports whether salt, 64 lowercase hex characters (parseFields
// checked), carries a valid tag under key. It costs one HMAC.
func issuedSalt(key *[KeySize]byte, salt string) bool {
	var raw [SaltLen / 2]byte
	decodeSalt(&raw, salt)
	tag := saltTag(key, raw[:saltRandLen])
	return hmac.Equal(tag[:], raw[saltRandLen:])
}

func saltTag(key *[KeySize]byte, random []byte) [SaltLen/2 - saltRandLen]byte {
	m := hmac.New(sha256.New, key[:])
	m.Write(random)
	var sum [sha256.Size]byte
	m.Sum(sum[:0])
	var tag [SaltLen/2 - saltRandLen]byte
	copy(tag[:], sum[:])
	return tag
}
