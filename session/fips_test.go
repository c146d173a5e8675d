package session_test

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
)

// TestNewUnderFIPSOnly runs session.New in a copy of this test binary started
// with GODEBUG=fips140=only (the setting is read when a program starts): it
// fails with sealed.ErrFIPSOnly, whose message says why in one sentence.
func TestNewUnderFIPSOnly(t *testing.T) {
	if os.Getenv("SEALCOOKIE_FIPS_CHILD") == "1" {
		_, err := session.New(session.Config[User]{Keys: []sealed.Key{key1}})
		if !errors.Is(err, sealed.ErrFIPSOnly) {
			t.Fatalf("session.New under fips140=only: %v, want sealed.ErrFIPSOnly", err)
		}
		os.Stdout.WriteString("child: " + err.Error() + "\n")
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestNewUnderFIPSOnly$", "-test.v")
	cmd.Env = append(os.Environ(), "GODEBUG=fips140=only", "SEALCOOKIE_FIPS_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the fips140=only run failed: %v\n%s", err, out)
	}
	want := "child: session: sealed: the native format seals with XChaCha20-Poly1305, which is not a FIPS 140-3 approved algorithm, so it cannot run under GODEBUG=fips140=only"
	if !strings.Contains(string(out), want) {
		t.Errorf("the fips140=only run said:\n%s\nwant the line %q", out, want)
	}
}
