package cookie

import (
	"net/http"
	"strings"

	"github.com/sealcookie/sealcookie/internal/token"
)

// maxCookies is net/http's default cap on the cookies of one request
// (GODEBUG httpcookiemaxnum): past it, Request.Cookies returns none.
const maxCookies = 3000

// scan calls visit with the name and value of each cookie in a request's
// Cookie header lines whose name want accepts, in order, exactly as
// [http.Request.Cookies] parses them (FuzzScanMatchesNetHTTP holds this):
// lines and parts trimmed of ASCII space, parts without a token name or with
// a value outside the cookie-octet set (quotes aside) skipped, one pair of
// surrounding quotes removed. Only wanted values are checked, as
// CookiesNamed checks only the named one. It allocates nothing: names and
// values are substrings of the lines. visit returns false to stop early.
//
// It exists for the request path: net/http allocates a *Cookie for every
// cookie of the header to find one name. A header with more cookies than
// maxCookies is handed to net/http itself, whose answer (none, unless
// GODEBUG says otherwise) it then follows.
func scan(lines []string, want func(name string) bool, visit func(name, value string) bool) {
	n := 0
	for _, l := range lines {
		n += strings.Count(l, ";") + 1
	}
	if n > maxCookies {
		for _, c := range (&http.Request{Header: http.Header{"Cookie": lines}}).Cookies() {
			if want(c.Name) && !visit(c.Name, c.Value) {
				return
			}
		}
		return
	}
	for _, line := range lines {
		line = trimSpace(line)
		for len(line) > 0 {
			var part string
			part, line, _ = strings.Cut(line, ";")
			part = trimSpace(part)
			if part == "" {
				continue
			}
			name, val, _ := strings.Cut(part, "=")
			name = trimSpace(name)
			if !want(name) || !token.Valid(name) {
				continue
			}
			val, ok := unquote(val)
			if !ok {
				continue
			}
			if !visit(name, val) {
				return
			}
		}
	}
}

// first returns the value of the first cookie named name in the lines.
func first(lines []string, name string) (value string, ok bool) {
	scan(lines, func(n string) bool { return n == name }, func(_, v string) bool {
		value, ok = v, true
		return false
	})
	return value, ok
}

// unquote is net/http's parseCookieValue for a request: one pair of
// surrounding double quotes is removed, and every byte must be printable
// ASCII other than '"', ';' and '\' (space and comma are allowed).
func unquote(v string) (string, bool) {
	if len(v) > 1 && v[0] == '"' && v[len(v)-1] == '"' {
		v = v[1 : len(v)-1]
	}
	for i := 0; i < len(v); i++ {
		if !valueByte[v[i]] {
			return "", false
		}
	}
	return v, true
}

// valueByte marks the bytes net/http accepts in a request's cookie value.
var valueByte = func() (t [256]bool) {
	for b := 0x20; b < 0x7f; b++ {
		t[b] = b != '"' && b != ';' && b != '\\'
	}
	return t
}()

// trimSpace trims ASCII space (space, tab, CR, LF) as net/textproto does.
func trimSpace(s string) string {
	for len(s) > 0 && isSpace(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }
