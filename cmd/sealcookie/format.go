package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
)

// Formats, as --format names them.
const (
	formatAuto        = "auto"
	formatNative      = "native"       // sealcookie's own format v1 (package sealed)
	formatH3v2        = "h3v2"         // h3 2.x sessions (Nuxt 4, Nitro 3)
	formatH3v1        = "h3v1"         // h3 1.x sessions (Nuxt 3)
	formatIronSession = "iron-session" // iron-session 8 (Next.js)
	formatIron        = "iron"         // a raw @hapi/iron or iron-webcrypto seal
	formatGorilla     = "gorilla"      // gorilla/securecookie, gorilla/sessions
)

// formatAliases maps every accepted spelling, the checker's too, to a format.
var formatAliases = map[string]string{
	"auto":           formatAuto,
	"native":         formatNative,
	"sealcookie":     formatNative,
	"h3":             formatH3v2,
	"h3v2":           formatH3v2,
	"h3@2":           formatH3v2,
	"h3v1":           formatH3v1,
	"h3@1":           formatH3v1,
	"iron-session":   formatIronSession,
	"iron":           formatIron,
	"iron-webcrypto": formatIron,
	"gorilla":        formatGorilla,
	"securecookie":   formatGorilla,
}

// parseFormat returns the canonical name of a --format value.
func parseFormat(s string) (string, error) {
	if f, ok := formatAliases[strings.ToLower(s)]; ok {
		return f, nil
	}
	return "", usagef("unknown --format %q: one of auto, native, h3v2, h3v1, iron, iron-session, gorilla", s)
}

// defaultName is the cookie name each format's library uses when told none.
func defaultName(format string) string {
	switch format {
	case formatH3v2, formatH3v1:
		return "h3"
	case formatIronSession:
		return "iron-session"
	case formatGorilla:
		return "" // chosen by the application: --name is required
	}
	return "__Host-session"
}

func describeFormat(f string) string {
	switch f {
	case formatNative:
		return "native (sealcookie v1: XChaCha20-Poly1305)"
	case formatH3v2:
		return "h3v2 (h3 2.x session in iron Fe26.2)"
	case formatH3v1:
		return "h3v1 (h3 1.x session in iron Fe26.2)"
	case formatIronSession:
		return "iron-session (iron-session 8, iron Fe26.2 with ~2)"
	case formatIron:
		return "iron (raw @hapi/iron Fe26.2 seal)"
	case formatGorilla:
		return "gorilla (gorilla/securecookie)"
	}
	return f
}

// sessionFormats maps the session formats to package session's.
var sessionFormats = map[string]session.Format{
	formatNative:      session.FormatNative,
	formatH3v2:        session.FormatH3,
	formatH3v1:        session.FormatH3V1,
	formatIronSession: session.FormatIronSession,
}

// detect guesses the format of a bare value, without any key:
//
//   - "Fe26.<n>*..." is iron; with a "~<digits>" suffix, iron-session's;
//   - base64url of "<unix seconds>|<value>|<mac>" is gorilla/securecookie;
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
	if _, err := sealed.Inspect(v); err == nil {
		return formatNative, nil
	}
	if len(v) > sealed.MaxLen {
		return "", fmt.Errorf("%w: %d characters, over the %d of any format", sealed.ErrTooLarge, len(v), sealed.MaxLen)
	}
	return "", fmt.Errorf("%w: not native, iron, iron-session or gorilla (try --format)", sealed.ErrMalformed)
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
