package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

func TestKeygen(t *testing.T) {
	pw := regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)
	a := mustRun(t, 0, nil, "", "keygen")
	b := mustRun(t, 0, nil, "", "keygen")
	if !pw.MatchString(oneLineOf(t, a.stdout)) {
		t.Errorf("keygen printed %q, want 43 base64url characters", a.stdout)
	}
	if a.stdout == b.stdout {
		t.Errorf("two keygen runs printed the same password")
	}
	long := mustRun(t, 0, nil, "", "keygen", "--bytes", "64")
	if n := len(oneLineOf(t, long.stdout)); n != 86 {
		t.Errorf("keygen --bytes 64: %d characters, want 86", n)
	}

	withID := mustRun(t, 0, nil, "", "keygen", "--id", "7")
	var m map[string]string
	if err := json.Unmarshal([]byte(withID.stdout), &m); err != nil || len(m) != 1 || !pw.MatchString(m["7"]) {
		t.Fatalf("keygen --id 7 printed %q, want {\"7\": password}", withID.stdout)
	}
	// What keygen --id prints is what --password-json and SEALCOOKIE_PASSWORD take.
	sealedValue := mustRun(t, 0, map[string]string{PasswordEnv: withID.stdout}, `{"k":1}`, "seal", "--value")
	dec := mustRun(t, 0, nil, sealedValue.stdout, "decode", "--explain", "--password-json", strings.TrimSpace(withID.stdout))
	if !strings.Contains(dec.stderr, "key id:    7") {
		t.Errorf("decode --explain does not show key id 7:\n%s", dec.stderr)
	}
}
