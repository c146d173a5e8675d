package redact

import (
	"fmt"
	"testing"
)

type secret struct{ pw string }

func (s secret) Format(f fmt.State, verb rune) { Format(f, verb, "secret{[redacted]}") }

func TestFormat(t *testing.T) {
	s := secret{pw: "hunter2"}
	for verb, want := range map[string]string{
		"%v": "secret{[redacted]}", "%+v": "secret{[redacted]}", "%#v": "secret{[redacted]}",
		"%s": "secret{[redacted]}", "%x": "secret{[redacted]}", "%d": "secret{[redacted]}",
		"%q": `"secret{[redacted]}"`, "%10v": "secret{[redacted]}",
	} {
		if got := fmt.Sprintf(verb, s); got != want {
			t.Errorf("%s: %q, want %q", verb, got, want)
		}
	}
	// Inside other values too: fmt calls Format for exported fields and
	// elements.
	if got := fmt.Sprintf("%+v", struct{ S []secret }{[]secret{s}}); got != "{S:[secret{[redacted]}]}" {
		t.Errorf("nested: %q", got)
	}
}
