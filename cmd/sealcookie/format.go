package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/authjs"
)

// Formats, as --format names them.
const (
	formatAuto        = "auto"
	formatNative      = "native"       // sealcookie's own format v1 (package sealed)
	formatH3v2        = "h3v2"         // h3 2.x sessions (Nuxt 5, Nitro 3)
	formatH3v1        = "h3v1"         // h3 1.x sessions (Nuxt 3 and 4, Nitro 2)
	formatIronSession = "iron-session" // iron-session 8 and 9 (Next.js)
	formatIron        = "iron"         // a raw @hapi/iron or iron-webcrypto seal
	formatGorilla     = "gorilla"      // gorilla/securecookie, gorilla/sessions
)

// formatSpec is one format: its spellings, the cookie name its library uses
// when told none, what --explain calls it, and how decode and seal handle
// it. Every per-format choice of decode's and seal's dispatch is made in
// the formats table.
type formatSpec struct {
	name     string   // the canonical --format value
	aliases  []string // other accepted spellings, the checker's too
	cookie   string   // the library's cookie name when told none; "": --name is required
	describe string   // the format line of --explain
	looks    []string // what detect calls this format's values, so decode can find its cookie among others

	// peer builds the session.Format of a JavaScript peer, for the formats
	// read and written through peerManager.
	peer func(o *options, pw iron.PasswordOption, name string) (session.Format, error)

	decode func(d *decoder, f *formatSpec, in *input, name string) (*decoded, error)
	seal   func(s *sealer, f *formatSpec, data json.RawMessage, bare bool) ([]string, error) // nil: read-only
}

// formats are the formats of --format other than auto, in the order the
// usage lists them.
var formats = []*formatSpec{{
	name:     formatNative,
	aliases:  []string{"sealcookie"},
	cookie:   "__Host-session",
	describe: "native (sealcookie v1: XChaCha20-Poly1305)",
	looks:    []string{formatNative},
	decode:   (*decoder).native,
	seal:     (*sealer).native,
}, {
	name:     formatH3v2,
	aliases:  []string{"h3", "h3@2"},
	cookie:   "h3",
	describe: "h3v2 (h3 2.x session in iron Fe26.2: Nuxt 5)",
	looks:    []string{formatIron},
	peer:     h3Format(2),
	decode:   (*decoder).viaPeerManager,
	seal:     (*sealer).viaPeerManager,
}, {
	name:     formatH3v1,
	aliases:  []string{"h3@1"},
	cookie:   "h3",
	describe: "h3v1 (h3 1.x session in iron Fe26.2: Nuxt 3 and 4)",
	looks:    []string{formatIron},
	peer:     h3Format(1),
	decode:   (*decoder).viaPeerManager,
	seal:     (*sealer).viaPeerManager,
}, {
	name:     formatIron,
	aliases:  []string{"iron-webcrypto"},
	cookie:   "__Host-session",
	describe: "iron (raw @hapi/iron Fe26.2 seal)",
	looks:    []string{formatIron},
	decode:   (*decoder).iron,
	seal:     (*sealer).iron,
}, {
	name:     formatIronSession,
	cookie:   "iron-session",
	describe: "iron-session (iron-session 8 and 9, iron Fe26.2 with ~2)",
	looks:    []string{formatIronSession, formatIron},
	peer:     ironSessionFormat,
	decode:   (*decoder).viaPeerManager,
	seal:     (*sealer).viaPeerManager,
}, {
	name:     formatAuthJS,
	aliases:  []string{"auth.js", "next-auth", "nextauth"},
	cookie:   authjs.CookieName,
	describe: "authjs (Auth.js session token: JWE, dir + A256CBC-HS512)",
	looks:    []string{formatAuthJS},
	peer:     authjsFormat,
	decode:   (*decoder).authjs,
	seal:     (*sealer).viaPeerManager,
}, {
	name:     formatGorilla,
	aliases:  []string{"securecookie"},
	cookie:   "", // chosen by the application
	describe: "gorilla (gorilla/securecookie)",
	looks:    []string{formatGorilla},
	decode:   (*decoder).gorilla,
}}

// formatOf returns the format of a canonical name, nil for auto or unknown.
func formatOf(name string) *formatSpec {
	for _, f := range formats {
		if f.name == name {
			return f
		}
	}
	return nil
}

// parseFormat returns the canonical name of a --format value.
func parseFormat(s string) (string, error) {
	l := strings.ToLower(s)
	if l == formatAuto {
		return formatAuto, nil
	}
	names := []string{formatAuto}
	for _, f := range formats {
		if l == f.name || slices.Contains(f.aliases, l) {
			return f.name, nil
		}
		names = append(names, f.name)
	}
	return "", usagef("unknown --format %q: one of %s", s, strings.Join(names, ", "))
}

// defaultName is the cookie name each format's library uses when told none.
func defaultName(format string) string {
	if f := formatOf(format); f != nil {
		return f.cookie
	}
	return "__Host-session"
}

// describeFormat is the format line of --explain.
func describeFormat(format string) string {
	if f := formatOf(format); f != nil {
		return f.describe
	}
	return format
}

// detect guesses the format of a bare value, without any key:
//
//   - "Fe26.<n>*..." is iron; with a "~<digits>" suffix, iron-session's;
//   - base64url of "<unix seconds>|<value>|<mac>" is gorilla/securecookie;
//   - a compact JWE whose header says "alg":"dir" is Auth.js's;
//   - a value whose native header parses (sealed.Inspect) is native;
//   - anything else is malformed.
//
// An h3 session is an iron seal: detected as iron, it prints h3's envelope
// but without h3's expiry rules; --format h3v2 or h3v1 applies them.
func detect(v string) (string, error) {
	switch {
	case v == "":
		return "", fmt.Errorf("%w: the input is empty", sealed.ErrMalformed)
	case strings.HasPrefix(v, "Fe26."):
		if i := strings.LastIndexByte(v, '~'); i >= 0 && isDigits(v[i+1:]) {
			return formatIronSession, nil
		}
		return formatIron, nil
	case looksGorilla(v):
		return formatGorilla, nil
	}
	if _, _, ok := authjsHeader(v); ok {
		return formatAuthJS, nil
	}
	if _, err := sealed.Inspect(v); err == nil {
		return formatNative, nil
	}
	if len(v) > sealed.MaxLen {
		return "", fmt.Errorf("%w: %d characters, over the %d of any format", sealed.ErrTooLarge, len(v), sealed.MaxLen)
	}
	return "", fmt.Errorf("%w: not native, iron, iron-session, authjs or gorilla (try --format)", sealed.ErrMalformed)
}

func isDigits(s string) bool {
	if s == "" || len(s) > 9 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// looksGorilla reports whether v is securecookie's base64url (padded) of
// "<unix seconds>|<value>|<mac>".
func looksGorilla(v string) bool {
	if len(v) > 64<<10 || len(v)%4 != 0 {
		return false
	}
	b, err := base64.URLEncoding.DecodeString(v)
	if err != nil {
		return false
	}
	i := bytes.IndexByte(b, '|')
	// The MAC is raw bytes and may hold '|' itself: at least one more.
	if i <= 0 || i > 20 || bytes.IndexByte(b[i+1:], '|') < 0 {
		return false
	}
	_, err = strconv.ParseInt(string(b[:i]), 10, 64)
	return err == nil
}

// gorillaTimestamp returns the (unauthenticated) timestamp of a gorilla value.
func gorillaTimestamp(v string) (int64, bool) {
	b, err := base64.URLEncoding.DecodeString(v)
	if err != nil {
		return 0, false
	}
	ts, _, ok := bytes.Cut(b, []byte("|"))
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(string(ts), 10, 64)
	return n, err == nil
}

// ironSealID returns the password id a seal names, without any key.
func ironSealID(v string) string {
	if s, _, err := iron.SplitIronSessionValue(v); err == nil {
		v = s
	}
	if env, err := iron.Parse(v); err == nil {
		return env.PasswordID
	}
	return ""
}
