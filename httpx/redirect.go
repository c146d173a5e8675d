package httpx

import (
	"net/http"
	"net/url"
	"strings"
)

// DefaultRedirectParam is the query parameter that carries the page to go
// back to after login, NextDevKit's: /auth/login?redirectTo=/account.
const DefaultRedirectParam = "redirectTo"

// MaxRedirectLen is the longest redirect target [SafeRedirect] accepts, in
// bytes; longer targets are refused rather than scanned.
const MaxRedirectLen = 2048

// maxDecodes is how many layers of percent-encoding SafeRedirect peels off
// before it refuses a target that still decodes further.
const maxDecodes = 4

// SafeRedirect reports whether target is a same-origin path that is safe to
// redirect to, and returns it unchanged when it is, "/" when it is not.
//
// A safe target is an absolute path of printable ASCII, at most
// [MaxRedirectLen] bytes, that starts with a single "/":
//
//   - no scheme and no host: "https://evil.com", "http:evil.com",
//     "javascript:alert(1)", "data:text/html,..." are refused;
//   - not scheme-relative: "//evil.com" is refused, and so is any "//" in
//     the path (before "?" or "#");
//   - no backslash anywhere, since browsers read "/\evil.com" as
//     "//evil.com";
//   - no space or control character, since browsers drop tabs and newlines
//     ("/\t/evil.com" becomes "//evil.com");
//   - the same path rules hold after percent-decoding, layer after layer
//     ("/%2F%2Fevil.com", "/%5Cevil.com", "/%252F%252Fevil.com"), for
//     whatever decodes the target again on its way to a Location header;
//     a target still encoded after four layers is refused.
//
// The query and the fragment may hold anything printable except a
// backslash, so "/search?next=https://x" stays usable.
func SafeRedirect(target string) (string, bool) {
	if !safeRaw(target) {
		return "/", false
	}
	path := target
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	for range maxDecodes {
		if strings.IndexByte(path, '%') < 0 {
			break
		}
		d := lenientUnescape(path)
		if d == path {
			break
		}
		if !safeDecodedPath(d) {
			return "/", false
		}
		path = d
	}
	if d := lenientUnescape(path); d != path {
		return "/", false // still encoded after maxDecodes layers
	}
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/", false
	}
	return target, true
}

// safeRaw checks the target as it is: a single leading "/", printable ASCII
// without space or backslash, no "//" before the query.
func safeRaw(s string) bool {
	if len(s) == 0 || len(s) > MaxRedirectLen || s[0] != '/' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == '\\' {
			return false
		}
	}
	path := s
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	return !strings.Contains(path, "//")
}

// safeDecodedPath checks a decoded path: a single leading "/", no "//", no
// backslash, no control character (decoded text may hold spaces and UTF-8).
func safeDecodedPath(s string) bool {
	if len(s) == 0 || s[0] != '/' || strings.Contains(s, "//") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c == 0x7f || c == '\\' {
			return false
		}
	}
	return true
}

// lenientUnescape decodes every valid %XX and leaves anything else as it is,
// the way the most forgiving decoder would.
func lenientUnescape(s string) string {
	i := strings.IndexByte(s, '%')
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for ; i < len(s); i++ {
		c := s[i]
		if c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// RedirectTarget returns where a login (or logout) handler should send the
// user back to: the request's query parameter param ("" means
// [DefaultRedirectParam]) when [SafeRedirect] accepts it, else "/". It keeps
// the redirect on the origin; the login itself must also refuse cross-site
// posts (see "Same-origin rules").
func RedirectTarget(r *http.Request, param string) string {
	if param == "" {
		param = DefaultRedirectParam
	}
	t, _ := SafeRedirect(r.URL.Query().Get(param))
	return t
}
