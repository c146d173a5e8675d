package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// nowArg is --now at testNow plus d.
func nowArg(d time.Duration) string { return strconv.FormatInt(testNow.Add(d).UnixMilli(), 10) }

// mustRun runs and fails the test unless the exit status is want.
func mustRun(t *testing.T, want int, vars map[string]string, stdin string, args ...string) result {
	t.Helper()
	r := runWith(t, vars, stdin, args...)
	if r.code != want {
		t.Fatalf("sealcookie %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, want, r.stdout, r.stderr)
	}
	return r
}

// TestRunErrors covers the usage errors (exit 2) and rejections (exit 1) of
// every command: one line on stderr, never the password.
func TestRunErrors(t *testing.T) {
	native := mustRun(t, 0, withPassword, `{"user":"ada"}`, "seal", "--value", "--now", nowArg(0)).stdout
	native = strings.TrimSpace(native)
	tampered := native[:len(native)-5] + flip(native[len(native)-5]) + native[len(native)-4:]
	keyed := strings.TrimSpace(mustRun(t, 0, nil, `{"user":"ada"}`, "seal", "--value", "--now", nowArg(0), "--password-json", `{"9":"`+testPassword+`"}`).stdout)
	longIdle := strings.TrimSpace(mustRun(t, 0, withPassword, `{"user":"ada"}`, "seal", "--value", "--now", nowArg(0), "--idle-timeout", "3600").stdout)
	pwFile := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pwFile, []byte(testPassword+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		vars   map[string]string
		stdin  string
		args   []string
		code   int
		stderr string // a substring of the last stderr line
	}{
		// commands
		{"no command", nil, "", nil, 2, ""},
		{"unknown command", nil, "", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"help", nil, "", []string{"help"}, 0, ""},
		{"decode help", nil, "", []string{"decode", "-h"}, 0, ""},
		{"help decode", nil, "", []string{"help", "decode"}, 0, ""},
		{"help unknown", nil, "", []string{"help", "frobnicate"}, 2, "unknown command"},
		{"value after --", withPassword, "", []string{"decode", "--now", nowArg(time.Minute), "--", native}, 0, ""},
		{"flag after --", withPassword, "", []string{"decode", "--", "--explain"}, 1, "malformed"},
		{"unknown flag", withPassword, native, []string{"decode", "--frobnicate"}, 2, "flag provided but not defined"},

		// passwords
		{"no password", nil, native, []string{"decode"}, 2, "no password"},
		{"two passwords", withPassword, native, []string{"decode", "--password-env", "X", "--password-file", pwFile}, 2, "give one of"},
		{"unset env", withPassword, native, []string{"decode", "--password-env", "NOPE"}, 2, "NOPE is not set"},
		{"missing file", nil, native, []string{"decode", "--password-file", filepath.Join(t.TempDir(), "absent")}, 2, "--password-file"},
		{"password file", nil, native, []string{"decode", "--password-file", pwFile, "--now", nowArg(time.Minute)}, 0, ""},
		{"password env", map[string]string{"MY_PW": testPassword}, native, []string{"decode", "--password-env", "MY_PW", "--now", nowArg(time.Minute)}, 0, ""},
		{"password json", nil, native, []string{"decode", "--password-json", `"` + testPassword + `"`, "--now", nowArg(time.Minute)}, 0, ""},
		{"bad password json", nil, native, []string{"decode", "--password-json", `{"1":`}, 2, "--password-json expects"},
		{"short password", map[string]string{PasswordEnv: "short"}, native, []string{"decode"}, 2, "too short"},
		{"password on argv", nil, native, []string{"decode", "--password", testPassword, "--now", nowArg(time.Minute)}, 0, ""},

		// decode options
		{"unknown format", withPassword, native, []string{"decode", "--format", "jwt"}, 2, `unknown --format "jwt"`},
		{"two modes", withPassword, native, []string{"decode", "--cookie-header", "--set-cookie"}, 2, "at most one of"},
		{"two arguments", withPassword, "", []string{"decode", native, native}, 2, "at most one argument"},
		{"bad seconds", withPassword, native, []string{"decode", "--max-age", "soon"}, 2, "seconds"},
		{"bad now", withPassword, native, []string{"decode", "--now", "-1"}, 2, "milliseconds"},
		{"bad config json", withPassword, native, []string{"decode", "--config-json", `{"cookies":{}}`}, 2, "unknown field"},
		{"bad request headers", withPassword, "[]", []string{"decode", "--request-headers-json"}, 2, "JSON object"},
		{"gorilla without name", map[string]string{PasswordEnv: "hash-key"}, gorillaValue(t, "s", false), []string{"decode", "--format", "gorilla"}, 2, "needs --name"},
		{"iron from a cookie header", withPassword, "a=b", []string{"decode", "--format", "iron", "--cookie-header"}, 2, "bare sealed value"},

		// decode rejections
		{"value as argument", withPassword, "", []string{"decode", native, "--now", nowArg(time.Minute)}, 0, ""},
		{"empty input", withPassword, "", []string{"decode"}, 1, "malformed"},
		{"garbage", withPassword, "not a cookie", []string{"decode"}, 1, "malformed"},
		{"too large", withPassword, strings.Repeat("A", 40000), []string{"decode"}, 1, "too large"},
		{"tampered", withPassword, tampered, []string{"decode", "--now", nowArg(time.Minute)}, 1, "not authentic"},
		{"wrong password", map[string]string{PasswordEnv: strings.ToUpper(testPassword)}, native, []string{"decode", "--now", nowArg(time.Minute)}, 1, "not authentic"},
		{"other name", withPassword, native, []string{"decode", "--name", "other", "--now", nowArg(time.Minute)}, 1, "not authentic"},
		{"unknown key id", map[string]string{"KEYS": `{"1":"` + testPassword + `"}`}, keyed, []string{"decode", "--password-env", "KEYS", "--now", nowArg(time.Minute)}, 1, "unknown key id"},
		{"expired", withPassword, native, []string{"decode", "--now", nowArg(25 * time.Hour)}, 1, "expired"},
		{"max age", withPassword, native, []string{"decode", "--max-age", "60", "--now", nowArg(2 * time.Minute)}, 1, "expired"},
		{"idle timeout", withPassword, longIdle, []string{"decode", "--idle-timeout", "60", "--now", nowArg(2 * time.Minute)}, 1, "idle timeout passed"},
		{"no cookie", withPassword, "other=1", []string{"decode", "--cookie-header"}, 1, "malformed"},
		{"several cookies", withPassword, "a=1; b=2", []string{"decode", "--cookie-header"}, 2, "pick one with --name"},
		{"chunks count as their cookie", withPassword, "a.2=x; a.64=y; a.1=z", []string{"decode", "--cookie-header"}, 1, `no cookie "a"`},
		{"not a chunk name", withPassword, "a=1; a.01=2; a.65=3", []string{"decode", "--cookie-header"}, 2, "several cookies (a, a.01, a.65)"},
		{"bad chunks", withPassword, "__Host-session=__chunked__2; __Host-session.1=abc", []string{"decode", "--format", "native", "--cookie-header"}, 1, "malformed"},

		// seal
		{"seal not json", withPassword, "user=ada", []string{"seal"}, 2, "JSON object"},
		{"seal array", withPassword, "[1,2]", []string{"seal"}, 2, "JSON object"},
		{"seal argument", withPassword, "{}", []string{"seal", "extra"}, 2, "no arguments"},
		{"seal gorilla", withPassword, "{}", []string{"seal", "--format", "gorilla"}, 2, "read-only"},
		{"seal no password", nil, "{}", []string{"seal"}, 2, "no password"},
		{"seal too large", withPassword, `{"blob":"` + strings.Repeat("x", 40000) + `"}`, []string{"seal"}, 1, "too large"},
		{"seal bad cookie options", withPassword, "{}", []string{"seal", "--config-json", `{"cookie":{"sameSite":"sideways"}}`}, 2, "sameSite"},

		// keygen
		{"keygen id range", nil, "", []string{"keygen", "--id", "256"}, 2, "--id"},
		{"keygen short", nil, "", []string{"keygen", "--bytes", "16"}, 2, "--bytes"},
		{"keygen argument", nil, "", []string{"keygen", "x"}, 2, "no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runWith(t, tt.vars, tt.stdin, tt.args...)
			if got.code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", got.code, tt.code, got.stdout, got.stderr)
			}
			if strings.Contains(got.stdout+got.stderr, testPassword) || strings.Contains(got.stdout+got.stderr, strings.ToUpper(testPassword)) {
				t.Errorf("the password appears in the output")
			}
			if tt.code == 0 {
				return
			}
			lines := strings.Split(strings.TrimSuffix(got.stderr, "\n"), "\n")
			last := lines[len(lines)-1]
			if tt.stderr != "" && !strings.Contains(last, tt.stderr) {
				t.Errorf("stderr's last line %q does not contain %q", last, tt.stderr)
			}
			if tt.code == 1 {
				if got.stdout != "" {
					t.Errorf("stdout %q on a rejection", got.stdout)
				}
				oneLineOf(t, got.stderr)
			}
		})
	}
}

// TestPasswordOnArgvWarns: a password given with --password works but warns.
func TestPasswordOnArgvWarns(t *testing.T) {
	r := mustRun(t, 0, nil, "", "keygen")
	pw := strings.TrimSpace(r.stdout)
	v := mustRun(t, 0, nil, `{"a":1}`, "seal", "--value", "--password", pw)
	if !strings.Contains(v.stderr, "visible to other processes") {
		t.Errorf("no warning about argv: %q", v.stderr)
	}
	if strings.Contains(v.stderr, pw) {
		t.Errorf("the warning shows the password")
	}
	q := mustRun(t, 0, map[string]string{PasswordEnv: pw}, v.stdout, "decode")
	if q.stderr != "" {
		t.Errorf("decode with the environment variable printed %q on stderr", q.stderr)
	}
	// --password-json is a password on the command line too; the file and
	// environment forms read the same JSON without a warning.
	j := mustRun(t, 0, nil, v.stdout, "decode", "--password-json", `{"1":"`+pw+`"}`)
	if !strings.Contains(j.stderr, "visible to other processes") || strings.Contains(j.stderr, pw) {
		t.Errorf("--password-json: stderr %q; want a warning without the password", j.stderr)
	}
	file := filepath.Join(t.TempDir(), "keys.json")
	if err := os.WriteFile(file, []byte(`{"1":"`+pw+`"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--password-file", file}, {"--password-env", "KEYS"}} {
		r := mustRun(t, 0, map[string]string{"KEYS": `{"1":"` + pw + `"}`}, v.stdout, append([]string{"decode"}, args...)...)
		if r.stderr != "" {
			t.Errorf("decode %v printed %q on stderr", args, r.stderr)
		}
	}
}

func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}
