package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// explain prints what --explain shows, on stderr.
func explain(w io.Writer, res *decoded, now time.Time) {
	var b strings.Builder
	row := func(k, f string, a ...any) { fmt.Fprintf(&b, "%-10s %s\n", k+":", fmt.Sprintf(f, a...)) }
	row("format", "%s", describeFormat(res.format))
	row("source", "%s", res.source)
	if res.name != "" && res.format == formatNative {
		row("purpose", "%q (the cookie name the value is sealed for)", res.name)
	}
	if res.keyID != "" {
		row("key id", "%s", res.keyID)
	} else if res.format != formatGorilla {
		row("key id", "(none: the unnamed password)")
	}
	if !res.created.IsZero() {
		label := "created"
		if res.format == formatGorilla {
			label = "sealed at"
		}
		row(label, "%s (age %s)", instant(res.created), age(now.Sub(res.created)))
	}
	if !res.lastSeen.IsZero() {
		row("last seen", "%s (%s ago)", instant(res.lastSeen), age(now.Sub(res.lastSeen)))
	}
	if res.expires.IsZero() {
		row("expires", "never, as far as the value says")
	} else if d := res.expires.Sub(now); d > 0 {
		row("expires", "%s (in %s)", instant(res.expires), age(d))
	} else {
		row("expires", "%s (%s ago, within the clock-skew allowance)", instant(res.expires), age(-d))
	}
	if res.chunks > 0 {
		row("size", "%d characters in %d chunks", len(res.value), res.chunks)
	} else {
		row("size", "%d characters, 1 cookie (no chunks)", len(res.value))
	}
	for _, n := range res.notes {
		row("note", "%s", n)
	}
	io.WriteString(w, b.String())
}

func instant(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func age(d time.Duration) string {
	if d < 0 {
		return "-" + age(-d)
	}
	if d >= 48*time.Hour {
		days := d / (24 * time.Hour)
		return fmt.Sprintf("%dd%s", days, (d % (24 * time.Hour)).Truncate(time.Second))
	}
	if d >= time.Minute {
		return d.Truncate(time.Second).String()
	}
	return d.Truncate(time.Millisecond).String()
}
