package readmetest

import (
	"os"
	"strings"
	"testing"
)

// demoEnv is this process's environment without what would change the
// demo (a configured password) or confuse a make started by make test.
func demoEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "SEALCOOKIE_PASSWORD", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES":
			continue
		}
		env = append(env, kv)
	}
	return env
}

// missing skips a test that needs a tool that is not installed, saying which;
// in CI (CI=true) it fails instead, since CI installs what the tests need.
func missing(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(why)
	}
	t.Skip(why)
}
