package token

import "testing"

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
