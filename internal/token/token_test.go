package token

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestValid(t *testing.T) {
	for _, s := range []string{"X-Session", "x-h3-session", "a", "!#$%&'*+-.^_`|~09AZaz"} {
		if !Valid(s) {
			t.Errorf("Valid(%q) = false", s)
		}
	}
	for _, s := range []string{"", "X Session", "X-Session:", "a\tb", "é", "a\x00", "a\x7f", "(x)", "a,b", "a;b", "a/b", `a"b`} {
		if Valid(s) {
			t.Errorf("Valid(%q) = true", s)
		}
	}
}

func TestMakePrivate(t *testing.T) {
	tests := []struct {
		name string
		in   []string // Cache-Control lines; nil: none
		want []string
	}{
		{"none", nil, []string{"private"}},
		{"public", []string{"public, max-age=3600"}, []string{"private, max-age=3600"}},
		{"public in any case, s-maxage", []string{"max-age=60, PUBLIC, s-maxage=600, must-revalidate"}, []string{"private, max-age=60, must-revalidate"}},
		{"several lines", []string{"public", "max-age=60"}, []string{"private, max-age=60"}},
		{"no-cache lets shared caches store", []string{"no-cache"}, []string{"private, no-cache"}},
		{"private kept", []string{"private, max-age=60"}, []string{"private, max-age=60"}},
		{"no-store kept", []string{"No-Store"}, []string{"No-Store"}},
		{"qualified private does not count", []string{`private="Set-Cookie", public`}, []string{`private, private="Set-Cookie"`}},
		{"commas inside quotes", []string{`no-cache="a, b", public`}, []string{`private, no-cache="a, b"`}},
		{"empty elements", []string{", public,,"}, []string{"private"}},
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.in != nil {
			h["Cache-Control"] = append([]string(nil), tt.in...)
		}
		MakePrivate(h)
		if diff := cmp.Diff(tt.want, h["Cache-Control"]); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}
