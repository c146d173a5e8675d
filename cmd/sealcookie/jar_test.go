package main

import (
	"testing"
	"time"
)

// TestCookieHeaderFromSetCookie: the jar keeps what a browser keeps, in the
// order it was set, and drops what a browser drops.
func TestCookieHeaderFromSetCookie(t *testing.T) {
	past := testNow.Add(-time.Hour).Format(time.RFC1123)
	future := testNow.Add(time.Hour).Format(time.RFC1123)
	tests := []struct {
		name, lines, want string
	}{
		{"one", "s=v; Path=/", "s=v"},
		{"prefix and spaces", "  Set-Cookie: s=v; Path=/  \r\n\nSET-COOKIE:t=w", "s=v; t=w"},
		{"order kept", "a=1\nb=2\nc=3", "a=1; b=2; c=3"},
		{"later replaces and moves last", "a=1\nb=2\na=3", "b=2; a=3"},
		{"empty value deletes", "a=1\nb=2\na=; Path=/", "b=2"},
		{"Max-Age=0 deletes", "a=1\na=x; Max-Age=0", ""},
		{"negative Max-Age deletes", "a=1\na=x; Max-Age=-5", ""},
		{"past Expires deletes", "a=1\na=x; Expires=" + past, ""},
		{"future Expires keeps", "a=x; Expires=" + future, "a=x"},
		{"Max-Age wins over a past Expires", "a=x; Max-Age=60; Expires=" + past, "a=x"},
		{"a line it cannot parse is ignored", "a=1\n=nope\nnot a cookie", "a=1"},
		{"chunks", "s=__chunked__2\ns.1=aaa\ns.2=bbb", "s=__chunked__2; s.1=aaa; s.2=bbb"},
		{"a whole response's headers (curl -D)", "HTTP/1.1 303 See Other\r\nLocation: /next?a=b\r\nContent-Type: text/html; charset=utf-8\r\n" +
			"Set-Cookie: s=v; Path=/; HttpOnly\r\nVary: Cookie\r\nX-Session-Session: abc==\r\nset-cookie: t=w\r\n\r\n", "s=v; t=w"},
	}
	for _, tt := range tests {
		if got := cookieHeaderFromSetCookie(tt.lines, testNow); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
