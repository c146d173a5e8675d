package main

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// formatWord finds the format names in a help line.
var formatWord = regexp.MustCompile(`\b(auto|native|h3v2|h3v1|iron-session|iron|authjs|gorilla)\b( \(the default| is read-only)?`)

// helpLine returns the help text of one option of a command.
func helpLine(t *testing.T, cmd, option string) string {
	t.Helper()
	h := mustRun(t, 0, nil, "", cmd, "--help").stdout
	_, after, ok := strings.Cut(h, "\n  --"+option+" ")
	if !ok {
		t.Fatalf("sealcookie %s --help has no --%s:\n%s", cmd, option, h)
	}
	_, usage, _ := strings.Cut(after, "\n")
	line, _, _ := strings.Cut(strings.TrimSpace(usage), "\n")
	return line
}

// TestHelpFormatsAreTrue: the formats each command's --format help offers
// are the ones it takes, its default is the one it uses, and what it calls
// read-only it refuses.
func TestHelpFormatsAreTrue(t *testing.T) {
	// seal: every format offered seals; the default is what seal uses
	// without --format; the read-only one is refused.
	line := helpLine(t, "seal", "format")
	offered := map[string]bool{}
	for _, m := range formatWord.FindAllStringSubmatch(line, -1) {
		name, note := m[1], m[2]
		switch note {
		case " is read-only":
			r := mustRun(t, 2, withPassword, `{}`, "seal", "--format", name)
			if !strings.Contains(r.stderr, "read-only") {
				t.Errorf("seal --format %s: %q, want read-only", name, r.stderr)
			}
			continue
		case " (the default":
			plain := strings.TrimSpace(mustRun(t, 0, withPassword, `{"a":1}`, "seal", "--value").stdout)
			if got, err := detect(plain); err != nil || got != name {
				t.Errorf("seal's help says %s is the default; seal without --format wrote %s (%v)", name, got, err)
			}
		}
		offered[name] = true
		r := mustRun(t, 0, withPassword, `{"a":1}`, "seal", "--value", "--format", name, "--now", nowArg(0))
		d := mustRun(t, 0, withPassword, r.stdout, "decode", "--format", name, "--now", nowArg(time.Minute))
		if !strings.Contains(d.stdout, `"a":1`) {
			t.Errorf("seal --format %s, then decode: %s", name, d.stdout)
		}
	}
	for _, f := range formats {
		if f.seal != nil && !offered[f.name] {
			t.Errorf("seal writes %s, but its help does not say so: %s", f.name, line)
		}
	}

	// decode: every format offered parses, and every format is offered.
	line = helpLine(t, "decode", "format")
	offered = map[string]bool{}
	for _, m := range formatWord.FindAllStringSubmatch(line, -1) {
		if _, err := parseFormat(m[1]); err != nil {
			t.Errorf("decode's help offers %s: %v", m[1], err)
		}
		if m[2] == " is read-only" {
			t.Errorf("decode reads every format, but its help says %s is read-only", m[1])
		}
		offered[m[1]] = true
	}
	for _, f := range append([]*formatSpec{{name: formatAuto}}, formats...) {
		if !offered[f.name] {
			t.Errorf("decode reads %s, but its help does not say so: %s", f.name, line)
		}
	}
}
