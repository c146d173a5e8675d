// Package sealed turns bytes into a sealed, cookie-safe string and back.
//
// It knows nothing of HTTP or sessions: a [Keyring] seals a plaintext for a
// purpose (the cookie name) until an expiry instant, and opens what it sealed.
// The result is unpadded base64url, so it needs no quoting in a cookie or a
// header. The byte layout is specified in FORMAT.md, next to this file, so that
// another language can implement it.
//
// Sessions use it through package session (its Config.Keys); use it directly
// to seal a value that is not a session, such as a token in a link:
//
//	k, err := sealed.NewKeyring(sealed.Key{ID: 1, Password: pw}) // pw: 32 bytes or more, e.g. from sealcookie keygen
//	v, err := k.SealString([]byte(`{"invite":42}`), "invite", time.Now().Add(time.Hour))
//	...
//	plaintext, info, err := k.OpenString(v, "invite", time.Now()) // ErrNotAuthentic, ErrExpired, ...
//
// # Security model
//
// Values are encrypted and authenticated with XChaCha20-Poly1305. Its 24-byte
// nonce is drawn at random for every seal, so a fleet of servers sharing a
// password needs no nonce bookkeeping. The header (format version, key id,
// expiry) and the caller's purpose are authenticated as additional data: a
// value sealed for one cookie is rejected under another, and a changed expiry
// or key id fails authentication. Any value that parses but fails
// authentication reports [ErrNotAuthentic] and nothing finer.
//
// Open checks the cheap things first: the length against [MaxLen] before
// decoding anything, then the header's version, key id and expiry before any
// decryption. The header is authenticated only afterwards, so a forged header
// can make Open answer [ErrExpired] or [ErrUnknownKey] early, but never accept.
//
// Errors never contain key material or plaintext. [Key] redacts its password
// when printed.
//
// XChaCha20-Poly1305 is not a FIPS 140-3 approved algorithm: in a program
// run with GODEBUG=fips140=only, [NewKeyring] fails with [ErrFIPSOnly].
//
// # Keys and rotation
//
// A [Keyring] holds one current key, which seals, and any number of older
// keys, which only open. Each key has a one-byte id carried in the header, so
// Open picks the right key without trial decryption. Keys are derived once, in
// [NewKeyring], with HKDF-SHA256 from passwords of at least [MinPasswordLen]
// bytes; sealing and opening never derive keys.
//
// To rotate across a fleet: add the new key as an old key everywhere; then make
// it current, one server at a time; then, once every value sealed with the old
// key has expired or been re-sealed, remove the old key. Open reports
// [Info.Stale] for a value sealed with a non-current key so that the caller
// (the session package does) can re-seal it with the current one.
//
// # Size limits
//
// Sealed values are at most [MaxLen] characters; Seal refuses larger
// plaintexts with [ErrTooLarge] and Open refuses longer input before decoding.
// A value is [SealedLen](n) characters for an n-byte plaintext: base64 of the
// plaintext plus [Overhead] bytes.
//
// # Statelessness
//
// A sealed value cannot be revoked before its expiry: whoever holds it can
// present it until then. Keep expiries short, and let the application own a
// revocation check (the session package offers a hook for one).
//
// # Performance
//
// Seal and Open are append-style, like [crypto/cipher.AEAD]: they use the
// spare capacity of dst as scratch and allocate nothing when it is large
// enough. [Keyring.SealString] allocates once (the string); Open into a
// caller's buffer allocates nothing.
package sealed
