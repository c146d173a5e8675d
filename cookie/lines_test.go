package cookie

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestLinesMatchCookieString holds Write's fast line assembly to net/http:
// for every attribute combination, value shape and lifetime, each Set-Cookie
// line must be byte for byte what http.Cookie.String writes.
func TestLinesMatchCookieString(t *testing.T) {
	attrs := []Attributes{
		{Budget: NoBudget},
		{Path: "/app", Domain: "example.com", SameSite: http.SameSiteStrictMode, Budget: NoBudget},
		{SameSite: http.SameSiteNoneMode, Partitioned: true, Budget: NoBudget},
		{JavaScriptReadable: true, InsecureDevelopment: true, Budget: NoBudget},
		{Domain: ".example.com", SameSite: http.SameSiteLaxMode, MaxChunks: 3, Budget: NoBudget},
	}
	names := []string{"s", "__Secure-sess", "h3"}
	values := []string{
		"x",
		"Fe26.2**abc*def*ghi**jkl*mno~2",
		strings.Repeat("AbC-_09", 600),  // 4200: two chunks
		strings.Repeat("z", ChunkSize),  // exactly one chunk
		strings.Repeat("!#$%&'()*+", 3), // every odd cookie-octet
	}
	lifetimes := []struct {
		exp    time.Time
		maxAge int
	}{
		{time.Time{}, 0},
		{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 3600},
		{time.Date(2099, 12, 31, 23, 59, 59, 0, time.FixedZone("x", 3600)), 0},
		{time.Time{}, 86400 * 400},
	}
	checked := 0
	for _, a := range attrs {
		for _, name := range names {
			if strings.HasPrefix(name, "__Secure-") && a.InsecureDevelopment {
				continue
			}
			s, err := New(name, a)
			if err != nil {
				t.Fatalf("New(%q, %+v): %v", name, a, err)
			}
			for _, v := range values {
				for _, lt := range lifetimes {
					h := http.Header{}
					if err := s.Write(h, nil, v, lt.exp, lt.maxAge); err != nil {
						if len(v) > s.MaxLen() {
							continue
						}
						t.Fatalf("Write: %v", err)
					}
					// Rebuild each line the slow way and compare.
					for _, line := range h["Set-Cookie"] {
						pc, err := http.ParseSetCookie(line)
						if err != nil {
							t.Fatalf("our line does not parse: %q: %v", line, err)
						}
						c := s.tmpl
						c.Name, c.Value = pc.Name, pc.Value
						c.Expires, c.MaxAge = lt.exp, lt.maxAge
						if want := c.String(); line != want {
							t.Fatalf("line differs from Cookie.String:\n got %q\nwant %q", line, want)
						}
						checked++
					}
				}
			}
		}
	}
	if checked < 200 {
		t.Fatalf("only %d lines compared", checked)
	}
}
