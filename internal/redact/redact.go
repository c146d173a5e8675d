// Package redact prints values that hold secrets (passwords, keys) the same
// way under every fmt verb, so that no verb can reach a field the
// description leaves out: a type's Format method calls Format with its
// redacted description.
package redact

import (
	"fmt"
	"io"
	"strconv"
)

// Format writes desc, a value's description without its secrets, for any
// verb and flags: quoted for %q, as it is for every other verb (%v, %+v,
// %#v, %s, %x, %d, ...), where fmt would otherwise print the fields.
func Format(f fmt.State, verb rune, desc string) {
	if verb == 'q' {
		desc = strconv.Quote(desc)
	}
	_, _ = io.WriteString(f, desc)
}
