//go:build unix

package readmetest

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestMakeDemo runs the README's first command, `make demo`, as a user
// would, and stops it the two ways a user does: Ctrl-C in the terminal (a
// SIGINT to the whole foreground process group) and a kill of make's process
// (SIGTERM, which make passes on to its child). Either way the server stops
// and its port is free; the build step shows before the server's lines.
func TestMakeDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the demo with make")
	}
	makePath, err := exec.LookPath("make")
	if err != nil {
		missing(t, "make is not installed: `make demo` cannot run")
	}
	bin := filepath.Join(t.TempDir(), "sealcookie")
	stops := []struct {
		name string
		stop func(pid int) error
	}{
		{"SIGTERM to make", func(pid int) error { return syscall.Kill(pid, syscall.SIGTERM) }},
		{"Ctrl-C", func(pid int) error { return syscall.Kill(-pid, syscall.SIGINT) }},
	}
	for _, s := range stops {
		t.Run(s.name, func(t *testing.T) {
			addr := freeAddr(t)
			cmd := exec.Command(makePath, "--no-print-directory", "demo", "DEMO_BIN="+bin, "DEMO_ARGS=--addr "+addr)
			cmd.Dir = "../.."
			cmd.Env = demoEnv()
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // its own group, as a terminal's foreground job
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			cmd.Stderr = cmd.Stdout
			started := time.Now()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var once sync.Once
			kill := func() { once.Do(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }) }
			t.Cleanup(kill)

			var mu sync.Mutex
			var lines []string
			listening := make(chan string, 1)
			readAll := make(chan struct{}) // closed at EOF: make and the demo have exited
			go func() {
				defer close(readAll)
				sc := bufio.NewScanner(out)
				for sc.Scan() {
					mu.Lock()
					lines = append(lines, sc.Text())
					mu.Unlock()
					if u, ok := strings.CutPrefix(sc.Text(), "sealcookie demo: listening on "); ok {
						listening <- u
					}
				}
			}()
			output := func() string { mu.Lock(); defer mu.Unlock(); return strings.Join(lines, "\n") }
			var url string
			select {
			case url = <-listening:
			case <-time.After(5 * time.Minute):
				kill()
				t.Fatalf("make demo did not listen within 5 minutes:\n%s", output())
			}
			resp, err := http.Get(url + "/healthz")
			if err != nil {
				t.Fatalf("GET %s/healthz: %v\n%s", url, err, output())
			}
			resp.Body.Close()
			t.Logf("make demo answered %d after %v", resp.StatusCode, time.Since(started).Round(10*time.Millisecond))
			if first := output(); !strings.HasPrefix(first, "== building ") {
				t.Errorf("make demo does not start by saying it builds:\n%s", first)
			}

			if err := s.stop(cmd.Process.Pid); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				<-readAll // Wait closes the pipe: read it all first
				done <- cmd.Wait()
			}()
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				kill()
				t.Fatalf("make demo still runs 10 s after %s:\n%s", s.name, output())
			}
			var ee *exec.ExitError
			if err != nil && !errors.As(err, &ee) {
				t.Fatal(err)
			}
			if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
				c.Close()
				t.Errorf("something still listens on %s after make demo ended", addr)
			}
			all := output()
			if !strings.Contains(all, "sealcookie demo: stopped") {
				t.Errorf("the demo did not stop cleanly after %s:\n%s", s.name, all)
			}
			// The generated password's file went with it.
			if _, after, ok := strings.Cut(all, "--password-file "); ok {
				file, _, _ := strings.Cut(after, "\n")
				if _, err := os.Stat(file); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("the generated password's file %s is left: %v", file, err)
				}
			}
		})
	}
}
