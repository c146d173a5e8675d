package main

import (
	"net/http"
	"strings"
	"time"
)

// cookieHeaderFromSetCookie is the Cookie header a browser sends after
// receiving the Set-Cookie lines: later lines replace earlier ones of the same
// name, and a line with an empty value, Max-Age of zero or less, or an
// Expires before now deletes the cookie.
func cookieHeaderFromSetCookie(raw string, now time.Time) string {
	var names []string
	jar := map[string]string{}
	for _, line := range strings.Split(raw, "\n") {
		line = strings.TrimSpace(line)
		if len(line) >= 11 && strings.EqualFold(line[:11], "set-cookie:") {
			line = strings.TrimSpace(line[11:])
		}
		if line == "" {
			continue
		}
		c, err := http.ParseSetCookie(line)
		if err != nil {
			continue // as a browser ignores it
		}
		if _, ok := jar[c.Name]; ok {
			delete(jar, c.Name)
			names = slicesDelete(names, c.Name)
		}
		deleted := c.Value == "" || c.MaxAge < 0 || (c.MaxAge == 0 && !c.Expires.IsZero() && !c.Expires.After(now))
		if !deleted {
			jar[c.Name] = c.Value
			names = append(names, c.Name)
		}
	}
	parts := make([]string, 0, len(names))
	for _, n := range names {
		parts = append(parts, n+"="+jar[n])
	}
	return strings.Join(parts, "; ")
}

func slicesDelete(s []string, v string) []string {
	out := s[:0]
	for _, x := range s {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}
