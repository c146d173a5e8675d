package authjs

// The JOSE profile of Auth.js's session tokens, and nothing more: a JWE in
// compact serialization with "alg":"dir" (the key is the content key) and
// "enc":"A256CBC-HS512" (RFC 7518 §5.2.5), or "A256GCM" on decode, as
// Auth.js's decode accepts. Everything is from the standard library; the
// parser is strict (base64url without padding or stray bits, sizes checked
// before anything is decoded) and refuses what Auth.js never writes.

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/sealcookie/sealcookie/sealed"
)

// Content encryption algorithms ("enc").
const (
	encCBC = "A256CBC-HS512" // what Auth.js encrypts with
	encGCM = "A256GCM"       // what Auth.js's decode also accepts
)

const (
	cbcKeyLen  = 64 // MAC key (32) then AES-256 key (32)
	cbcIVLen   = 16
	cbcTagLen  = 32 // HMAC-SHA-512 truncated to half
	gcmKeyLen  = 32
	gcmIVLen   = 12
	gcmTagLen  = 16
	maxHeader  = 512 // encoded protected header: Auth.js's is 132 characters
	maxToken   = sealed.MaxLen
	infoPrefix = "Auth.js Generated Encryption Key ("
)

var b64 = base64.RawURLEncoding.Strict()

// key is one secret's keys for one salt: the A256CBC-HS512 key Auth.js
// encrypts with and the A256GCM key its decode accepts, each with its JWK
// thumbprint (the token's kid) and the canonical encoded header that names it.
type key struct {
	cbcMAC   []byte       // cek[:32]
	cbcBlock cipher.Block // AES-256 under cek[32:]
	cbcKid   string
	cbcHead  string // base64url of {"alg":"dir","enc":"A256CBC-HS512","kid":…}
	gcm      cipher.AEAD
	gcmKid   string
	gcmHead  string
	macs     sync.Pool // of hash.Hash: HMAC-SHA-512 under cbcMAC
}

// deriveKey derives secret's keys for salt (the cookie name) as Auth.js's
// getDerivedEncryptionKey does: HKDF-SHA-256 with info "Auth.js Generated
// Encryption Key (<salt>)", 64 bytes for A256CBC-HS512, 32 for A256GCM.
func deriveKey(secret, salt string) (*key, error) {
	info := infoPrefix + salt + ")"
	cek, err := hkdf.Key(sha256.New, []byte(secret), []byte(salt), info, cbcKeyLen)
	if err != nil {
		return nil, err
	}
	gcmKey, err := hkdf.Key(sha256.New, []byte(secret), []byte(salt), info, gcmKeyLen)
	if err != nil {
		return nil, err
	}
	k := &key{cbcMAC: cek[:32]}
	if k.cbcBlock, err = aes.NewCipher(cek[32:]); err != nil {
		return nil, err
	}
	gb, err := aes.NewCipher(gcmKey)
	if err != nil {
		return nil, err
	}
	if k.gcm, err = cipher.NewGCM(gb); err != nil {
		return nil, err
	}
	k.cbcKid = thumbprint(cek, sha512.New)
	k.gcmKid = thumbprint(gcmKey, sha256.New)
	k.cbcHead = encodedHeader(encCBC, k.cbcKid)
	k.gcmHead = encodedHeader(encGCM, k.gcmKid)
	return k, nil
}

// thumbprint is the RFC 7638 JWK thumbprint of a symmetric key, as jose's
// calculateJwkThumbprint computes it for Auth.js's kid: the hash (SHA-512
// for the 64-byte key, SHA-256 for the 32-byte one) of the JWK's required
// members in lexical order, base64url.
func thumbprint(k []byte, h func() hash.Hash) string {
	d := h()
	d.Write([]byte(`{"k":"` + b64.EncodeToString(k) + `","kty":"oct"}`))
	return b64.EncodeToString(d.Sum(nil))
}

// encodedHeader is the protected header Auth.js writes, byte for byte
// (JSON.stringify of {alg, enc, kid}), base64url.
func encodedHeader(enc, kid string) string {
	return b64.EncodeToString([]byte(`{"alg":"dir","enc":"` + enc + `","kid":"` + kid + `"}`))
}

// token is a compact JWE split into its parts, each checked and decoded.
type token struct {
	head string // the encoded protected header, which is also the AAD
	iv   []byte
	ct   []byte
	tag  []byte
}

// parseToken splits and decodes a compact JWE without any key: five parts,
// an empty encrypted key (alg dir), and strict base64url everywhere. Errors
// wrap sealed.ErrTooLarge or sealed.ErrMalformed and never contain the
// value.
func parseToken(v string) (token, error) {
	var t token
	if len(v) > maxToken {
		return t, fmt.Errorf("%w: %d characters, limit %d", sealed.ErrTooLarge, len(v), maxToken)
	}
	// Only the base64url alphabet and the four dots: a decoder that skips
	// newlines (encoding/base64 does) never sees one.
	dots := 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '.':
			dots++
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_':
		default:
			return t, fmt.Errorf("%w: byte %d is not base64url", sealed.ErrMalformed, i)
		}
	}
	if dots != 4 {
		return t, fmt.Errorf("%w: not a compact JWE (%d parts, want 5)", sealed.ErrMalformed, dots+1)
	}
	head, rest, _ := strings.Cut(v, ".")
	ek, rest, _ := strings.Cut(rest, ".")
	iv, rest, _ := strings.Cut(rest, ".")
	ct, tag, _ := strings.Cut(rest, ".")
	switch {
	case head == "":
		return t, fmt.Errorf("%w: empty protected header", sealed.ErrMalformed)
	case len(head) > maxHeader:
		return t, fmt.Errorf("%w: protected header of %d characters, limit %d", sealed.ErrMalformed, len(head), maxHeader)
	case ek != "":
		return t, fmt.Errorf("%w: an encrypted key, which alg dir never has", sealed.ErrMalformed)
	case len(iv) > 22 || len(tag) > 43: // 16 and 32 bytes
		return t, fmt.Errorf("%w: initialization vector or tag too long", sealed.ErrMalformed)
	}
	t.head = head
	var err error
	if t.iv, err = b64.DecodeString(iv); err != nil {
		return t, fmt.Errorf("%w: initialization vector is not strict base64url", sealed.ErrMalformed)
	}
	if t.tag, err = b64.DecodeString(tag); err != nil {
		return t, fmt.Errorf("%w: tag is not strict base64url", sealed.ErrMalformed)
	}
	if t.ct, err = b64.DecodeString(ct); err != nil {
		return t, fmt.Errorf("%w: ciphertext is not strict base64url", sealed.ErrMalformed)
	}
	return t, nil
}

// header is the protected header of a token.
type header struct {
	enc string
	kid string
	has bool // kid present
}

// parseHeader decodes and checks an encoded protected header: a JSON object
// with "alg":"dir", "enc" A256CBC-HS512 or A256GCM, an optional string
// "kid", and no member Auth.js never writes but "typ" and "cty" (so no
// "crit" and no "zip"). Members are matched exactly, as JavaScript does.
func parseHeader(head string) (header, error) {
	var h header
	raw, err := b64.DecodeString(head)
	if err != nil {
		return h, fmt.Errorf("%w: protected header is not strict base64url", sealed.ErrMalformed)
	}
	if !utf8.Valid(raw) || !isObject(raw) {
		return h, fmt.Errorf("%w: protected header is not a JSON object", sealed.ErrMalformed)
	}
	var alg string
	var algSet, encSet bool
	var bad error
	eachMember(raw, func(k, _, v []byte) {
		str := func(dst *string) bool {
			return v[0] == '"' && json.Unmarshal(v, dst) == nil
		}
		switch string(k) {
		case "alg":
			algSet = str(&alg)
		case "enc":
			encSet = str(&h.enc)
		case "kid":
			h.has = true
			if !str(&h.kid) {
				bad = fmt.Errorf("%w: kid is not a string", sealed.ErrMalformed)
			}
		case "typ", "cty":
			var s string
			if !str(&s) {
				bad = fmt.Errorf("%w: %s is not a string", sealed.ErrMalformed, string(k))
			}
		default:
			bad = fmt.Errorf("%w: protected header member %.20q is not part of Auth.js's tokens", sealed.ErrMalformed, k)
		}
	})
	switch {
	case bad != nil:
		return h, bad
	case !algSet || alg != "dir":
		return h, fmt.Errorf(`%w: alg is not "dir"`, sealed.ErrMalformed)
	case !encSet || (h.enc != encCBC && h.enc != encGCM):
		return h, fmt.Errorf("%w: enc is not %s or %s", sealed.ErrMalformed, encCBC, encGCM)
	}
	return h, nil
}

// pick returns the key and algorithm a token's header names: the canonical
// header of a known secret directly, else by kid (the first secret when
// there is none, as Auth.js does).
func pick(keys []*key, head string) (*key, string, error) {
	for _, k := range keys {
		switch head {
		case k.cbcHead:
			return k, encCBC, nil
		case k.gcmHead:
			return k, encGCM, nil
		}
	}
	h, err := parseHeader(head)
	if err != nil {
		return nil, "", err
	}
	if !h.has {
		return keys[0], h.enc, nil
	}
	for _, k := range keys {
		if h.enc == encCBC && h.kid == k.cbcKid || h.enc == encGCM && h.kid == k.gcmKid {
			return k, h.enc, nil
		}
	}
	return nil, "", fmt.Errorf("%w: the token's kid names no configured secret (or another cookie name)", sealed.ErrUnknownKey)
}

// open decrypts and authenticates t under k, appending the plaintext to
// dst. Errors wrap sealed.ErrMalformed or sealed.ErrNotAuthentic.
func (k *key) open(dst []byte, t token, enc string) ([]byte, error) {
	if enc == encGCM {
		if len(t.iv) != gcmIVLen || len(t.tag) != gcmTagLen {
			return nil, fmt.Errorf("%w: A256GCM needs a 12-byte IV and a 16-byte tag", sealed.ErrMalformed)
		}
		ct := make([]byte, 0, len(t.ct)+gcmTagLen)
		ct = append(append(ct, t.ct...), t.tag...)
		pt, err := k.gcm.Open(dst, t.iv, ct, []byte(t.head))
		if err != nil {
			return nil, fmt.Errorf("%w: tag mismatch", sealed.ErrNotAuthentic)
		}
		return pt, nil
	}
	if len(t.iv) != cbcIVLen || len(t.tag) != cbcTagLen || len(t.ct) == 0 || len(t.ct)%aes.BlockSize != 0 {
		return nil, fmt.Errorf("%w: A256CBC-HS512 needs a 16-byte IV, a 32-byte tag and whole blocks", sealed.ErrMalformed)
	}
	var mac [sha512.Size]byte
	k.tag(mac[:0], t.head, t.iv, t.ct)
	if subtle.ConstantTimeCompare(mac[:cbcTagLen], t.tag) != 1 {
		return nil, fmt.Errorf("%w: tag mismatch", sealed.ErrNotAuthentic)
	}
	n := len(dst)
	out := slices.Grow(dst, len(t.ct))[:n+len(t.ct)]
	cipher.NewCBCDecrypter(k.cbcBlock, t.iv).CryptBlocks(out[n:], t.ct)
	// The tag verified, so a bad padding comes from a holder of the key,
	// never from a padding oracle; refuse it all the same.
	p := int(out[len(out)-1])
	if p == 0 || p > aes.BlockSize {
		return nil, fmt.Errorf("%w: bad padding", sealed.ErrNotAuthentic)
	}
	for _, b := range out[len(out)-p:] {
		if int(b) != p {
			return nil, fmt.Errorf("%w: bad padding", sealed.ErrNotAuthentic)
		}
	}
	return out[:len(out)-p], nil
}

// tag appends HMAC-SHA-512(MAC key, AAD ‖ IV ‖ ciphertext ‖ AL) to dst,
// AL being the AAD's length in bits as a 64-bit big-endian integer
// (RFC 7518 §5.2.2.1).
func (k *key) tag(dst []byte, aad string, iv, ct []byte) []byte {
	h, ok := k.macs.Get().(hash.Hash)
	if ok {
		h.Reset()
	} else {
		h = hmac.New(sha512.New, k.cbcMAC)
	}
	h.Write([]byte(aad))
	h.Write(iv)
	h.Write(ct)
	var al [8]byte
	binary.BigEndian.PutUint64(al[:], uint64(len(aad))*8)
	h.Write(al[:])
	dst = h.Sum(dst)
	k.macs.Put(h)
	return dst
}

// seal encrypts pt with A256CBC-HS512 under k into a compact JWE with
// Auth.js's header.
func (k *key) seal(pt []byte) string {
	var iv [cbcIVLen]byte
	rand.Read(iv[:]) // never fails since Go 1.24
	return k.sealWith(k.cbcHead, iv, pt)
}

// sealWith is seal with the encoded header head and the IV iv.
func (k *key) sealWith(head string, iv [cbcIVLen]byte, pt []byte) string {
	p := aes.BlockSize - len(pt)%aes.BlockSize
	ct := make([]byte, len(pt)+p)
	copy(ct, pt)
	for i := len(pt); i < len(ct); i++ {
		ct[i] = byte(p)
	}
	cipher.NewCBCEncrypter(k.cbcBlock, iv[:]).CryptBlocks(ct, ct)
	var mac [sha512.Size]byte
	k.tag(mac[:0], head, iv[:], ct)

	out := make([]byte, 0, tokenLen(len(head), len(ct)))
	out = append(out, head...)
	out = append(out, '.', '.')
	out = b64.AppendEncode(out, iv[:])
	out = append(out, '.')
	out = b64.AppendEncode(out, ct)
	out = append(out, '.')
	out = b64.AppendEncode(out, mac[:cbcTagLen])
	return string(out)
}

// tokenLen is the length of a compact A256CBC-HS512 token whose header is
// head characters and whose ciphertext is ct bytes.
func tokenLen(head, ct int) int {
	return head + 2 + b64.EncodedLen(cbcIVLen) + 1 + b64.EncodedLen(ct) + 1 + b64.EncodedLen(cbcTagLen)
}
