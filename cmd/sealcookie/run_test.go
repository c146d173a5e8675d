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
		stderr string // a substring of the line that says what is wrong
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
		{"unknown flag", withPassword, native, []string{"decode", "--frobnicate"}, 2, "unknown option --frobnicate"},

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
		{"several cookies, none sealed", withPassword, "a=1; b=2", []string{"decode", "--cookie-header"}, 1, "none of the 2 cookies looks sealed (a, b)"},
		{"chunks count as their cookie", withPassword, "a.2=x; a.64=y; a.1=z", []string{"decode", "--cookie-header"}, 1, "the request carries chunks but not the main cookie"},
		{"not a chunk name", withPassword, "a=1; a.01=2; a.65=3", []string{"decode", "--cookie-header"}, 1, "cookies looks sealed (a, a.01, a.65)"},
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
			// The problem comes first (after any warning), then at most a
			// hint where the help is.
			lines := strings.Split(strings.TrimSuffix(got.stderr, "\n"), "\n")
			for len(lines) > 1 && strings.HasPrefix(lines[0], "sealcookie: warning:") {
				lines = lines[1:]
			}
			if tt.stderr != "" && !strings.Contains(lines[0], tt.stderr) {
				t.Errorf("stderr's first line %q does not contain %q", lines[0], tt.stderr)
			}
			if tt.stderr != "" && len(lines) > 2 {
				t.Errorf("stderr has %d lines, want the problem and at most a hint:\n%s", len(lines), got.stderr)
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

// TestUsageErrorFirst: a mistake in the options prints what was wrong, then
// one line saying where the help is; never the whole help.
func TestUsageErrorFirst(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"decode", "--frobnicate"}, "sealcookie decode: unknown option --frobnicate"},
		{[]string{"decode", "-x"}, "sealcookie decode: unknown option --x"},
		{[]string{"seal", "--pretty"}, "sealcookie seal: unknown option --pretty"},
		{[]string{"keygen", "--id"}, "sealcookie keygen: option --id needs a value"},
		{[]string{"serve", "--max-age", "soon"}, `sealcookie serve: invalid value "soon" for --max-age: expects a number of seconds`},
		{[]string{"decode", "--explain=maybe"}, `sealcookie decode: invalid boolean value "maybe" for --explain: parse error`},
	}
	for _, tt := range tests {
		r := runWith(t, withPassword, "", tt.args...)
		want := tt.want + "\n" + `run "sealcookie ` + tt.args[0] + ` --help" for its options` + "\n"
		if r.code != exitUsage || r.stderr != want || r.stdout != "" {
			t.Errorf("sealcookie %s: exit %d\nstdout %q\nstderr %q\nwant exit 2 and stderr %q", strings.Join(tt.args, " "), r.code, r.stdout, r.stderr, want)
		}
		// The hint is true: --help prints the options, and exits 0.
		if h := runWith(t, nil, "", tt.args[0], "--help"); h.code != 0 || !strings.Contains(h.stdout, "options:") {
			t.Errorf("sealcookie %s --help: exit %d, %q", tt.args[0], h.code, h.stdout)
		}
	}
}

// TestSealSameSite: h3's cookie option sameSite false writes no SameSite
// attribute, as h3 1.x writes none by default; lax, strict and none write it.
func TestSealSameSite(t *testing.T) {
	vars := map[string]string{PasswordEnv: testPassword}
	for _, tc := range []struct{ sameSite, want string }{
		{`false`, ""},
		{`"lax"`, "SameSite=Lax"},
		{`"strict"`, "SameSite=Strict"},
	} {
		got := runWith(t, vars, `{"k":"v"}`, "seal", "--format", "h3v1", "--config-json", `{"cookie":{"sameSite":`+tc.sameSite+`}}`)
		if got.code != 0 {
			t.Fatalf("sameSite %s: exit %d: %s", tc.sameSite, got.code, got.stderr)
		}
		has := strings.Contains(got.stdout, "SameSite")
		if tc.want == "" && has || tc.want != "" && !strings.Contains(got.stdout, tc.want) {
			t.Errorf("sameSite %s: Set-Cookie %q, want %q", tc.sameSite, got.stdout, tc.want)
		}
	}
}
