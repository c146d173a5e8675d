// Package h3 is the session format of h3, the HTTP framework under Nuxt and
// Nitro, for a Go service that shares its session cookie with an h3
// application: h3 1.x (Nuxt 3 and Nuxt 4, on Nitro 2) and h3 2.x (Nuxt 5, on
// Nitro 3).
//
//	f, err := h3.New(h3.Config{Version: 1, Password: pw}) // pw: iron.ParsePasswordOption(os.Getenv("NUXT_SESSION_PASSWORD"))
//	m, err := session.New(session.Config[User]{Format: f})
//
// It exists for interoperability and migration. Sessions are iron "Fe26.2"
// seals (package sealed/iron) of h3's envelope {"id","createdAt","data",
// "lastSeenAt"?}, and the Manager follows h3's rules where they differ from
// the native format's (see session.Rules.Peer):
//
//   - Seals carry no purpose: a value sealed for one cookie name opens under
//     another, as in h3.
//   - Session times are checked with no clock skew and strict comparisons (a
//     session is still valid exactly MaxAge after createdAt), in whole
//     milliseconds like Date.now(). The seal's own expiration keeps iron's
//     60-second tolerance. A createdAt or lastSeenAt in the future is
//     accepted.
//   - A read re-seals the session only when h3 would: when it came from the
//     cookie (not the header) and either slides its idle window or, in h3
//     2.x, is a legacy 1-iteration seal. A value opened with an older
//     password is not re-sealed on read (the peer may not know the new
//     password yet); the next change seals it with the current one.
//   - A rejected cookie is left alone rather than deleted, since a peer with
//     other passwords may still read it; a new session replaces it when saved.
//   - The cookie carries an Expires attribute and no Max-Age: the earlier of
//     createdAt + MaxAge and lastSeenAt + IdleTimeout.
//   - The cookie is Config.Name ("h3" by default) and the session header
//     x-<lowercased name>-session unless session.Config says otherwise.
//   - An empty session (data that encodes as null: a nil map or pointer) is
//     sealed as h3 seals one, "data":{}; h3's update() fails on null. Nulls
//     inside the data are sealed as they are, and h3 keeps them.
//   - A read accepts any cookie a browser keeps (name and value within 4096
//     bytes), such as the values up to about 4,090 characters h3 1.x writes.
//     A save writes at most 4000 characters per cookie, so with Version 1
//     (one cookie, never chunked) Update refuses a session that seals
//     longer; h3 1.x writes any length, and browsers drop a cookie past
//     4096 bytes.
//   - Chunks past the count (left when two overlapping requests wrote
//     different counts) are ignored, as h3 2.x ignores them, and the next
//     save deletes every one the request carried.
//
// As in the native format, a new session that is never changed writes no
// cookie (h3's useSession writes one at once; its getSession does not).
//
// # Differences that remain
//
//   - h3 1.x writes no SameSite attribute; this format writes SameSite=Lax
//     unless session.Config.Cookie.OmitSameSite asks for h3 1.x's exact
//     attributes (weaker: see package cookie). nuxt-auth-utils sets Lax.
//   - With neither MaxAge nor IdleTimeout, h3 seals with no expiration and
//     a session never ends, on either side; set MaxAge on both sides (a
//     reader's MaxAge counts from createdAt, so it also ends the sessions
//     such a writer sealed).
//
// # Nuxt and nuxt-auth-utils
//
// Nuxt 3 and 4 run h3 1.x (Version 1); Nuxt 5 runs h3 2.x (Version 2).
// nuxt-auth-utils (useUserSession) keeps its session with h3 1.x's
// useSession under the name "nuxt-session", the password of
// NUXT_SESSION_PASSWORD, runtimeConfig.session's maxAge (none by default)
// and SameSite=Lax; its data is {user, secure, …}. See the example of New.
//
// # Cost of a forged cookie
//
// Every seal costs h3 one or two PBKDF2-SHA1 derivations (8192 iterations in
// h3 2.x). This package caches the keys of seals that verified, so a client
// resending its cookie costs microseconds, but a forged cookie with a fresh
// random salt (no account needed, about 400 bytes) costs a derivation before
// it can be refused: about 3.5 ms of CPU in h3 2.x, so a few hundred forged
// requests a second keep a core busy. h3 itself pays the same (about 5 ms).
// Two settings bound it:
//
//   - Config.Budget caps the CPU spent on salts not seen before (by default
//     a process-wide tenth of a core, one derivation at a time). Past it, a
//     cookie that would need a derivation is treated as absent: the request
//     gets a fresh session and session.Config.OnError hears
//     iron.ErrOverBudget. Clients whose cookie was seen before are
//     unaffected, but a genuine cookie that the h3 application has just
//     re-sealed is refused like a forgery while a flood lasts.
//   - Config.IssuedSaltsOnly, for fleets where only Go services seal the
//     cookie (h3 may read it): a cookie whose salts no server of the fleet
//     issued is refused for the cost of one HMAC, before any derivation.
//
// For sessions only Go reads, the native format costs none of this (its keys
// are derived once, at startup), is shorter, and binds each value to its
// cookie.
package h3

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
)

// Config configures the h3 format. Password is required.
type Config struct {
	// Name is h3's name option, the cookie name. "" means "h3".
	Name string

	// Version is h3's major version: 1 for h3 1.x (Nuxt 3 and 4, Nitro 2),
	// 2 for h3 2.x (Nuxt 5, Nitro 3). 0 means 2.
	Version int

	// Password is h3's password option as the application writes it: a
	// plain string, an {id: password} map, or an object with "id" and
	// "secret" naming the password that seals (iron.ParsePasswordOption
	// reads one from a file or an environment variable). An object without
	// "secret" gives a read-only format: saving a changed session fails, as
	// h3 itself cannot seal with it.
	Password iron.PasswordOption

	// MaxAge is h3's maxAge, the session's lifetime from createdAt. 0 means
	// 24 hours; negative leaves it unset, as h3 does by default.
	MaxAge time.Duration

	// IdleTimeout is h3 2.x's idleTimeout, from lastSeenAt: a read more than
	// half of it after lastSeenAt slides it. 0 means 2 hours; negative
	// leaves it unset, as h3 does by default. h3 1.x has none: it must be 0
	// or negative with Version 1. With both MaxAge and IdleTimeout unset a
	// session never expires, and its cookie lasts for the browser session.
	IdleTimeout time.Duration

	// NoLegacySealFallback stops h3 2.x from reading h3 1.x's 1-iteration
	// seals (h3's legacySealFallback: false). By default they are read, and
	// re-sealed at 8192 iterations when they come from the cookie.
	NoLegacySealFallback bool

	// Budget bounds the PBKDF2 derivations that cookies with salts not seen
	// before cost (see "Cost of a forged cookie"). nil means the
	// process-wide budget shared by every format built without one
	// (iron.DefaultBudgetCPU of CPU a second, one derivation at a time).
	Budget *iron.Budget

	// IssuedSaltsOnly refuses, before any derivation, every cookie whose
	// salts were not issued by a server holding the password: for fleets
	// where only Go services seal the session. Cookies the h3 application
	// sealed are refused too (and h3 1.x's legacy seals, as with
	// NoLegacySealFallback), so turn it on only where h3 never writes the
	// session, and only once the sessions sealed by an earlier version of
	// this package, which did not tag its salts, have expired.
	IssuedSaltsOnly bool
}

// maxMaxAge is the longest MaxAge accepted: browsers cap cookie lifetimes at
// 400 days.
const maxMaxAge = 400 * 24 * time.Hour

// format is the h3 format, a session.Format.
type format struct {
	ring  *iron.Keyring
	rules session.Rules
}

// New validates c and returns the h3 format for session.Config.Format.
func New(c Config) (session.Format, error) {
	v := c.Version
	if v == 0 {
		v = 2
	}
	if v != 1 && v != 2 {
		return nil, fmt.Errorf("h3: Version %d: want 1 (h3 1.x) or 2 (h3 2.x)", c.Version)
	}
	maxAge, idle := c.MaxAge, c.IdleTimeout
	switch {
	case maxAge == 0:
		maxAge = 24 * time.Hour
	case maxAge < 0:
		maxAge = 0
	case maxAge > maxMaxAge:
		return nil, fmt.Errorf("h3: MaxAge %v is over 400 days, the cap browsers put on cookie lifetimes", maxAge)
	}
	switch {
	case v == 1 && idle > 0:
		return nil, fmt.Errorf("h3: h3 1.x has no idle timeout: IdleTimeout must be 0 or negative with Version 1")
	case v == 1 || idle < 0:
		idle = 0
	case idle == 0:
		idle = 2 * time.Hour
	}
	if c.NoLegacySealFallback && v == 1 {
		return nil, fmt.Errorf("h3: NoLegacySealFallback applies to h3 2.x only")
	}
	ttl := maxAge // h3: maxAge || idleTimeout
	if ttl == 0 {
		ttl = idle
	}
	var cfg iron.Config
	var err error
	if v == 2 {
		cfg, err = iron.H3Config(c.Password, ttl)
		if c.NoLegacySealFallback {
			cfg.FallbackIterations = 0
		}
	} else {
		cfg, err = iron.H3V1Config(c.Password, ttl)
	}
	if err != nil {
		return nil, fmt.Errorf("h3: Password: %w", err)
	}
	cfg.Budget = c.Budget
	if c.IssuedSaltsOnly {
		cfg.IssuedSaltsOnly, cfg.FallbackIterations = true, 0
	}
	ring, err := iron.NewKeyring(cfg)
	if err != nil {
		return nil, fmt.Errorf("h3: Password: %w", err)
	}
	name := c.Name
	if name == "" {
		name = "h3"
	}
	return &format{ring: ring, rules: session.Rules{
		Name:         name,
		Header:       headerName,
		SingleCookie: v == 1, // h3 1.x reads one cookie
		Peer:         true,
		MaxAge:       maxAge,
		IdleTimeout:  idle,
		ReadOnly:     !ring.CanSeal(),
	}}, nil
}

func (f *format) Rules() session.Rules { return f.rules }

func (f *format) Seal(pt []byte, _ string, _, now time.Time) (string, error) {
	return f.ring.Seal(emptyData(pt), now)
}

// emptyData returns the envelope pt with a null "data" written as h3 writes
// an empty session, {}: h3's session.update() merges into the data with
// Object.assign, which throws on null (HTTP 500 on every later update). A
// nil map or pointer is how Go spells an empty session. Other envelopes,
// and anything that does not parse as a JSON object, are returned as they
// are.
func emptyData(pt []byte) []byte {
	if !nullMember(pt) {
		return pt // the common case: no "data": null anywhere, nothing to parse
	}
	dec := json.NewDecoder(bytes.NewReader(pt))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return pt
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return pt
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return pt
		}
		if key != "data" {
			continue
		}
		if string(v) != "null" {
			return pt
		}
		end := int(dec.InputOffset()) // just past the value
		out := make([]byte, 0, len(pt))
		out = append(out, pt[:end-len("null")]...)
		out = append(out, "{}"...)
		return append(out, pt[end:]...)
	}
	return pt
}

func (f *format) Open(dst []byte, value, _ string, now time.Time) ([]byte, bool, error) {
	pt, info, err := f.ring.Unseal(value, now)
	if err != nil {
		return nil, false, err
	}
	if len(dst) == 0 {
		return pt, info.Legacy, nil // Unseal returned a fresh slice
	}
	return append(dst, pt...), info.Legacy, nil
}

func (f *format) SealedLen(n int) int { return f.ring.SealedLen(n) }

// nullMember reports whether pt has a member "data" whose value is null at
// any depth, without allocating: only then can the top-level one be null.
func nullMember(pt []byte) bool {
	const key = `"data"`
	for i := 0; ; {
		j := bytes.Index(pt[i:], []byte(key))
		if j < 0 {
			return false
		}
		k := skipSpace(pt, i+j+len(key))
		if k < len(pt) && pt[k] == ':' && bytes.HasPrefix(pt[skipSpace(pt, k+1):], []byte("null")) {
			return true
		}
		i += j + 1
	}
}

// skipSpace returns the index of the first byte of pt at or after i that is
// not JSON whitespace.
func skipSpace(pt []byte, i int) int {
	for i < len(pt) && (pt[i] == ' ' || pt[i] == '\t' || pt[i] == '\n' || pt[i] == '\r') {
		i++
	}
	return i
}

// headerName is h3's default session header: x-<lowercased name>-session.
func headerName(name string) string {
	b := make([]byte, 0, len(name)+10)
	b = append(b, "x-"...)
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return string(append(b, "-session"...))
}
