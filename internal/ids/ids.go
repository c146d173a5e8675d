// Package ids generates session ids.
package ids

import (
	"crypto/rand"
	"encoding/hex"
)

// UUIDv4 returns a random RFC 9562 version 4 UUID in its canonical 36-character
// form, as h3's crypto.randomUUID() does: 122 random bits from crypto/rand.
func UUIDv4() string {
	var u [16]byte
	rand.Read(u[:])         // never fails since Go 1.24
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	var s [36]byte
	hex.Encode(s[0:8], u[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], u[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], u[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], u[8:10])
	s[23] = '-'
	hex.Encode(s[24:], u[10:])
	return string(s[:])
}
