package readmetest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestVersionFromCheckout builds sealcookie in this checkout as a user who
// cloned it would, and checks that --version names the commit it was built
// from. The go command stamps the revision only where .git is a directory
// (a clone, not a git worktree or an exported tree).
func TestVersionFromCheckout(t *testing.T) {
	if testing.Short() {
		t.Skip("builds sealcookie")
	}
	if fi, err := os.Stat("../../.git"); err != nil || !fi.IsDir() {
		t.Skip("the checkout's .git is not a directory (a git worktree, or no git at all): the go command stamps no VCS revision here")
	}
	git, err := exec.LookPath("git")
	if err != nil {
		missing(t, "git is not installed: the go command needs it to stamp the VCS revision")
	}
	out, err := exec.Command(git, "-C", "../..", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatalf("git rev-parse HEAD: %v", err)
	}
	head := strings.TrimSpace(string(out))
	bin := filepath.Join(t.TempDir(), "sealcookie")
	build := exec.Command("go", "build", "-buildvcs=true", "-o", bin, "./cmd/sealcookie")
	build.Dir = "../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	v, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(v), "sealcookie ") || !strings.Contains(string(v), "(git "+head) {
		t.Errorf("sealcookie --version printed %q, want the revision %s", v, head)
	}
	t.Logf("%s", strings.TrimSpace(string(v)))
}
