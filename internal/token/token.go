// Package token validates RFC 9110 tokens, the syntax of HTTP header field
// names (and of cookie names), shared by the packages that accept them from
// configuration or the command line, and lists of them in header values.
package token

import (
	"net/http"
	"strings"
)

// AddVary adds tok to h's Vary header unless it (or "*") is already listed.
func AddVary(h http.Header, tok string) {
	for _, line := range h["Vary"] {
		for v := range strings.SplitSeq(line, ",") {
			v = strings.TrimSpace(v)
			if v == "*" || strings.EqualFold(v, tok) {
				return
			}
		}
	}
	h.Add("Vary", tok)
}

// MakePrivate makes h's Cache-Control keep shared caches (CDNs, proxies)
// from storing the response, for responses that carry or depend on a
// session: an unqualified "private" or "no-store" already does and is left
// as it is; otherwise "public" and "s-maxage" (which only shared caches
// read) are dropped, "private" is put first, and every other directive is
// kept as written (max-age still applies to the browser's own cache). A
// qualified private="Set-Cookie" does not count: it lets shared caches keep
// the rest of the response.
func MakePrivate(h http.Header) {
	var keep []string
	for _, line := range h["Cache-Control"] {
		for _, d := range splitList(line) {
			name, _, _ := strings.Cut(d, "=")
			name = strings.ToLower(strings.TrimSpace(name))
			switch {
			case d == "":
			case (name == "private" || name == "no-store") && !strings.Contains(d, "="):
				return
			case name == "public" || name == "s-maxage":
			default:
				keep = append(keep, d)
			}
		}
	}
	h.Set("Cache-Control", strings.Join(append([]string{"private"}, keep...), ", "))
}

// splitList splits a comma-separated header value into its trimmed
// elements, leaving commas inside quoted strings alone.
func splitList(v string) []string {
	var out []string
	inQuote, escaped, start := false, false, 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case escaped:
			escaped = false
		case inQuote && c == '\\':
			escaped = true
		case c == '"':
			inQuote = !inQuote
		case c == ',' && !inQuote:
			out = append(out, strings.TrimSpace(v[start:i]))
			start = i + 1
		}
	}
	return append(out, strings.TrimSpace(v[start:]))
}

// Valid reports whether s is a non-empty RFC 9110 token: visible ASCII
// letters, digits and !#$%&'*+-.^_`|~ only.
func Valid(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !tchar[s[i]] {
			return false
		}
	}
	return true
}

var tchar = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()
