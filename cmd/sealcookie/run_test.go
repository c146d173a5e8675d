package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/securecookie"
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
		{"unknown key id", nil, keyed, []string{"decode", "--password-json", `{"1":"` + testPassword + `"}`, "--now", nowArg(time.Minute)}, 1, "unknown key id"},
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
}

func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

// TestSealDecodeRoundTrip seals with every writable format and decodes the
// result from each kind of input.
func TestSealDecodeRoundTrip(t *testing.T) {
	data := `{"user":{"id":42,"name":"Ada <&> Lovelace"},"roles":["admin"],"n":1.5}`
	ironPW := map[string]string{PasswordEnv: `{"1":"` + testPassword + `","2":"` + strings.ToUpper(testPassword) + `"}`}
	tests := []struct {
		name     string
		vars     map[string]string
		seal     []string
		decode   []string
		envelope bool // output is h3's envelope, not the data
	}{
		{"native value", withPassword, []string{"--value"}, nil, true},
		{"native cookie", withPassword, nil, []string{"--set-cookie"}, true},
		{"native named", withPassword, []string{"--name", "app"}, []string{"--set-cookie", "--name", "app"}, true},
		{"native key map", ironPW, []string{"--value"}, nil, true},
		{"native explicit", withPassword, []string{"--value", "--format", "native"}, []string{"--format", "native"}, true},
		{"h3v2 cookie", withPassword, []string{"--format", "h3v2"}, []string{"--set-cookie", "--format", "h3v2"}, true},
		{"h3v2 auto", withPassword, []string{"--format", "h3v2", "--value"}, nil, true},
		{"h3v2 options", withPassword, []string{"--format", "h3", "--name", "App", "--max-age", "3600", "--idle-timeout", "600", "--config-json", `{"cookie":{"path":"/app","sameSite":"strict"}}`}, []string{"--set-cookie", "--format", "h3v2", "--name", "App", "--max-age", "3600", "--idle-timeout", "600"}, true},
		{"h3v1 value", withPassword, []string{"--format", "h3v1", "--value"}, []string{"--format", "h3v1"}, true},
		{"h3v1 header", withPassword, []string{"--format", "h3v1", "--value"}, []string{"--format", "h3v1", "--session-header"}, true},
		{"iron", withPassword, []string{"--format", "iron"}, nil, false},
		{"iron 8192", withPassword, []string{"--format", "iron", "--iterations", "8192"}, []string{"--format", "iron", "--iterations", "8192"}, false},
		{"iron session value", ironPW, []string{"--format", "iron-session", "--value"}, nil, false},
		{"iron session cookie", ironPW, []string{"--format", "iron-session"}, []string{"--set-cookie"}, false},
		{"iron session named", ironPW, []string{"--format", "iron-session", "--name", "app"}, []string{"--set-cookie", "--format", "iron-session", "--name", "app"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustRun(t, 0, tt.vars, data, append([]string{"seal", "--now", nowArg(0)}, tt.seal...)...)
			d := mustRun(t, 0, tt.vars, s.stdout, append([]string{"decode", "--explain", "--now", nowArg(time.Minute)}, tt.decode...)...)
			got := jsonValue(t, d.stdout)
			if tt.envelope {
				env, ok := got.(map[string]any)
				if !ok {
					t.Fatalf("decode printed %s, want an envelope", d.stdout)
				}
				if env["id"] == "" || env["createdAt"] != json.Number(strconv.FormatInt(testNow.UnixMilli(), 10)) {
					t.Errorf("envelope id %v createdAt %v", env["id"], env["createdAt"])
				}
				got = env["data"]
			}
			if diff := cmp.Diff(jsonValue(t, data), got); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
			if !strings.Contains(d.stdout, "Ada <&> Lovelace") {
				t.Errorf("the output escapes HTML characters: %s", d.stdout)
			}
			for _, row := range []string{"format:", "source:", "expires:", "size:"} {
				if !strings.Contains(d.stderr, row) {
					t.Errorf("--explain lacks %q:\n%s", row, d.stderr)
				}
			}
		})
	}
}

// TestDecodeChunks: a session too large for one cookie is sealed into chunks,
// and decode reassembles them from Set-Cookie lines or a Cookie header.
func TestDecodeChunks(t *testing.T) {
	data := fmt.Sprintf(`{"blob":%q}`, strings.Repeat("0123456789abcdef", 450)) // 7200 bytes: 3 chunks
	s := mustRun(t, 0, withPassword, data, "seal", "--now", nowArg(0))
	lines := strings.Split(strings.TrimSpace(s.stdout), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "__Host-session=__chunked__3;") {
		t.Fatalf("seal printed %d lines, want the chunk count and 3 chunks:\n%.300s", len(lines), s.stdout)
	}
	d := mustRun(t, 0, withPassword, s.stdout, "decode", "--set-cookie", "--explain", "--now", nowArg(time.Second))
	if !strings.Contains(d.stderr, "in 3 chunks") {
		t.Errorf("--explain does not count 3 chunks:\n%s", d.stderr)
	}
	var header []string
	for _, l := range lines {
		header = append(header, l[:strings.IndexByte(l, ';')])
	}
	h := mustRun(t, 0, withPassword, "Cookie: "+strings.Join(header, "; "), "decode", "--cookie-header", "--now", nowArg(time.Second))
	if diff := cmp.Diff(jsonValue(t, d.stdout), jsonValue(t, h.stdout)); diff != "" {
		t.Errorf("--cookie-header and --set-cookie disagree (-set-cookie +cookie-header):\n%s", diff)
	}
	// A later deletion of the main cookie leaves no session.
	del := s.stdout + "__Host-session=; Path=/; Max-Age=0; Secure\n"
	mustRun(t, 1, withPassword, del, "decode", "--set-cookie", "--now", nowArg(time.Second))
}

// TestDecodeHeaderOverCookie: with --request-headers-json, the session header
// wins over the cookie as on a server, and a bad header is not rescued by a
// good cookie.
func TestDecodeHeaderOverCookie(t *testing.T) {
	seal := func(data string) string {
		return strings.TrimSpace(mustRun(t, 0, withPassword, data, "seal", "--value", "--now", nowArg(0)).stdout)
	}
	fromCookie, fromHeader := seal(`{"from":"cookie"}`), seal(`{"from":"header"}`)
	headers := func(h map[string]string) string { b, _ := json.Marshal(h); return string(b) }
	tests := []struct {
		name    string
		headers map[string]string
		code    int
		from    string
	}{
		{"header wins", map[string]string{"cookie": "__Host-session=" + fromCookie, "x-session-session": fromHeader}, 0, "header"},
		{"cookie alone", map[string]string{"cookie": "__Host-session=" + fromCookie}, 0, "cookie"},
		{"empty header", map[string]string{"cookie": "__Host-session=" + fromCookie, "X-Session-Session": ""}, 0, "cookie"},
		{"bad header", map[string]string{"cookie": "__Host-session=" + fromCookie, "x-session-session": "garbage"}, 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustRun(t, tt.code, withPassword, headers(tt.headers), "decode", "--format", "native", "--request-headers-json", "--explain", "--now", nowArg(time.Second))
			if tt.code != 0 {
				return
			}
			env := jsonValue(t, r.stdout).(map[string]any)
			if got := env["data"].(map[string]any)["from"]; got != tt.from {
				t.Errorf("session from %v, want %s", got, tt.from)
			}
		})
	}
	// --session-header takes the header's value; with auto-detection too.
	for _, args := range [][]string{{"--format", "native"}, nil} {
		r := mustRun(t, 0, withPassword, fromHeader, append([]string{"decode", "--session-header", "--now", nowArg(time.Second)}, args...)...)
		if !strings.Contains(r.stdout, `"from":"header"`) {
			t.Errorf("--session-header %v: %s", args, r.stdout)
		}
	}
}

// gorillaValue encodes a gorilla/sessions-style value with the real
// securecookie: hash key "hash-key-...", block key if encrypt.
func gorillaValue(t testing.TB, name string, useJSON bool) string {
	t.Helper()
	var block []byte
	if useJSON {
		block = []byte("0123456789abcdef0123456789abcdef")
	}
	sc := securecookie.New([]byte("hash-key"), block)
	var v any = map[any]any{"user": "ada", "visits": 3, "ok": true}
	if useJSON {
		sc.SetSerializer(securecookie.JSONEncoder{})
		v = map[string]any{"user": "ada", "visits": 3, "ok": true}
	}
	s, err := sc.Encode(name, v)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDecodeGorilla(t *testing.T) {
	want := jsonValue(t, `{"user":"ada","visits":3,"ok":true}`)
	signed := gorillaValue(t, "app-session", false)
	encrypted := gorillaValue(t, "app-session", true)
	keys := `{"hash":"hash-key","block":"0123456789abcdef0123456789abcdef"}`
	hexKeys := `{"hash":"hex:` + fmt.Sprintf("%x", "hash-key") + `","block":"base64:` + base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef")) + `"}`
	tests := []struct {
		name  string
		pw    string
		stdin string
		args  []string
		code  int
	}{
		{"gob signed", "hash-key", signed, []string{"--format", "gorilla", "--name", "app-session"}, 0},
		{"gob auto", "hash-key", signed, []string{"--name", "app-session"}, 0},
		{"json encrypted", keys, encrypted, []string{"--format", "gorilla", "--name", "app-session"}, 0},
		{"encoded keys", hexKeys, encrypted, []string{"--format", "gorilla", "--name", "app-session"}, 0},
		{"cookie header", keys, "app-session=" + encrypted, []string{"--cookie-header"}, 0},
		{"wrong name", "hash-key", signed, []string{"--format", "gorilla", "--name", "other"}, 1},
		{"wrong key", "hash-kez", signed, []string{"--format", "gorilla", "--name", "app-session"}, 1},
		{"wrong block key", `{"hash":"hash-key","block":"fedcba9876543210fedcba9876543210"}`, encrypted, []string{"--format", "gorilla", "--name", "app-session"}, 1},
		{"too old", "hash-key", signed, []string{"--format", "gorilla", "--name", "app-session", "--max-age", "60", "--now", strconv.FormatInt(time.Now().Add(2*time.Minute).UnixMilli(), 10)}, 1},
		{"bad key object", `{"mac":"x"}`, signed, []string{"--format", "gorilla", "--name", "app-session"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustRun(t, tt.code, map[string]string{PasswordEnv: tt.pw}, tt.stdin, append([]string{"decode", "--explain"}, tt.args...)...)
			if tt.code != 0 {
				return
			}
			if diff := cmp.Diff(want, jsonValue(t, r.stdout)); diff != "" {
				t.Errorf("gorilla values (-want +got):\n%s", diff)
			}
			if !strings.Contains(r.stderr, "gorilla") {
				t.Errorf("--explain does not name the format:\n%s", r.stderr)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		value string
		want  string
	}{
		{"Fe26.2**abc*def", formatIron},
		{"Fe26.2*2*abc*def~2", formatIronSession},
		{gorillaValue(t, "n", false), formatGorilla},
		{"", ""},
		{"plain text", ""},
	}
	for _, tt := range tests {
		got, err := detect(tt.value)
		if got != tt.want || (tt.want == "") != (err != nil) {
			t.Errorf("detect(%.20q) = %q, %v; want %q", tt.value, got, err, tt.want)
		}
	}
}

func TestUnescapeHTML(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"a":"\u003cb\u003e \u0026"}`, `{"a":"<b> &"}`},
		{`{"a":"\\u003c"}`, `{"a":"\\u003c"}`}, // a backslash, then the text u003c
		{`{"a":"\u00e9\n\""}`, `{"a":"\u00e9\n\""}`},
		{`{"a":"\u003C"}`, `{"a":"<"}`},
	}
	for _, tt := range tests {
		if got := string(unescapeHTML([]byte(tt.in))); got != tt.want {
			t.Errorf("unescapeHTML(%s) = %s, want %s", tt.in, got, tt.want)
		}
		if !json.Valid([]byte(tt.want)) {
			t.Errorf("%s is not JSON", tt.want)
		}
	}
}
