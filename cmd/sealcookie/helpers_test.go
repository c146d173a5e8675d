package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// testNow is the clock of tests that do not pass --now.
var testNow = time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)

// testPassword is a test password, published on purpose.
const testPassword = "a-test-password-of-at-least-32-bytes-0001"

// result is what one run printed and returned.
type result struct {
	code   int
	stdout string
	stderr string
}

// runWith runs the command line with stdin and the environment variables in
// vars (and nothing of the real environment), at testNow.
func runWith(t testing.TB, vars map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{
		ctx:    context.Background(),
		stdin:  strings.NewReader(stdin),
		stdout: &out,
		stderr: &errOut,
		lookupEnv: func(k string) (string, bool) {
			v, ok := vars[k]
			return v, ok
		},
		now: func() time.Time { return testNow },
	}
	code := e.run(args)
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// withPassword is the environment of most tests: SEALCOOKIE_PASSWORD set.
var withPassword = map[string]string{PasswordEnv: testPassword}

// jsonValue decodes JSON text for comparisons that ignore key order and spacing.
func jsonValue(t testing.TB, s string) any {
	t.Helper()
	var v any
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, s)
	}
	return v
}

// oneLineOf fails unless s is exactly one line, and returns it.
func oneLineOf(t testing.TB, s string) string {
	t.Helper()
	if strings.Count(s, "\n") != 1 || !strings.HasSuffix(s, "\n") {
		t.Fatalf("want exactly one line, got %q", s)
	}
	return strings.TrimSuffix(s, "\n")
}
