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
