package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/securecookie"
)

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

// TestDecodePicksSessionCookie: a browser's Cookie header holds other
// cookies too. decode takes the one with a default session cookie name, else
// the only one that looks sealed (in the --format asked for), says on stderr
// which, and --name still chooses.
func TestDecodePicksSessionCookie(t *testing.T) {
	seal := func(vars map[string]string, args ...string) string {
		t.Helper()
		r := mustRun(t, 0, vars, `{"user":"ada"}`, append([]string{"seal", "--value", "--now", nowArg(0)}, args...)...)
		return strings.TrimSpace(r.stdout)
	}
	native := seal(withPassword)
	app := seal(withPassword, "--name", "app")
	h3 := seal(withPassword, "--format", "h3v2")
	gorillaKeys := map[string]string{PasswordEnv: "hash-key"}
	gor := gorillaValue(t, "app-session", false)
	const ga = "_ga=GA1.1.1234567890.1700000000; theme=dark; _gid=GA1.1.987.654"
	// The chunks of a large native session, as a browser sends them.
	chunked := mustRun(t, 0, withPassword, fmt.Sprintf(`{"blob":%q}`, strings.Repeat("x", 5000)), "seal", "--now", nowArg(0)).stdout
	var chunkHeader []string
	for _, l := range strings.Split(strings.TrimSpace(chunked), "\n") {
		chunkHeader = append(chunkHeader, l[:strings.IndexByte(l, ';')])
	}

	tests := []struct {
		name   string
		vars   map[string]string
		header string
		args   []string
		code   int
		note   string // the stderr line naming the cookie taken ("" for none)
		err    string // the stderr line when refused
	}{
		{"default name among others", withPassword, ga + "; __Host-session=" + native, nil, 0,
			`sealcookie decode: reading cookie "__Host-session" (a default session cookie name; also in the input: _ga, _gid, theme); --name picks another`, ""},
		{"the only sealed value", withPassword, ga + "; app=" + app, []string{"--name", ""}, 0,
			`sealcookie decode: reading cookie "app" (the only value that looks sealed; also in the input: _ga, _gid, theme); --name picks another`, ""},
		{"a default name wins over another sealed value", withPassword, "app=" + app + "; __Host-session=" + native, nil, 0,
			`sealcookie decode: reading cookie "__Host-session" (a default session cookie name; also in the input: app); --name picks another`, ""},
		{"--name chooses", withPassword, "app=" + app + "; __Host-session=" + native, []string{"--name", "app"}, 0, "", ""},
		{"chunks among others", withPassword, ga + "; " + strings.Join(chunkHeader, "; "), nil, 0,
			`sealcookie decode: reading cookie "__Host-session" (a default session cookie name; also in the input: _ga, _gid, theme); --name picks another`, ""},
		{"a Cookie: prefix", withPassword, "Cookie: " + ga + "; __Host-session=" + native, nil, 0,
			`sealcookie decode: reading cookie "__Host-session" (a default session cookie name; also in the input: _ga, _gid, theme); --name picks another`, ""},
		{"two default names", withPassword, "h3=" + h3 + "; __Host-session=" + native, nil, 2, "",
			"sealcookie decode: several cookies look sealed (__Host-session, h3): pick one with --name"},
		{"two sealed values", withPassword, ga + "; app=" + app + "; other=" + app, nil, 2, "",
			"sealcookie decode: several cookies look sealed (app, other): pick one with --name"},
		{"nothing sealed", withPassword, ga, nil, 1, "",
			"sealcookie decode: malformed (sealed: malformed value: no session value in the input: none of the 3 cookies looks sealed (_ga, _gid, theme); --name picks one)"},
		{"--format h3v2 finds its cookie", withPassword, ga + "; nuxt-session=" + h3 + "; app=" + app, []string{"--format", "h3v2"}, 0,
			`sealcookie decode: reading cookie "nuxt-session" (the only value that looks sealed; also in the input: _ga, _gid, app, theme); --name picks another`, ""},
		{"--format native skips iron", withPassword, "h3=" + h3 + "; app=" + app, []string{"--format", "native"}, 0,
			`sealcookie decode: reading cookie "app" (the only value that looks sealed; also in the input: h3); --name picks another`, ""},
		{"--format h3v2 with its own name", withPassword, ga + "; h3=" + h3, []string{"--format", "h3v2"}, 0, "", ""},
		{"--format gorilla finds the name its MAC needs", gorillaKeys, ga + "; app-session=" + gor, []string{"--format", "gorilla"}, 0,
			`sealcookie decode: reading cookie "app-session" (the only value that looks sealed; also in the input: _ga, _gid, theme); --name picks another`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"decode", "--cookie-header", "--now", nowArg(time.Minute)}, tt.args...)
			r := mustRun(t, tt.code, tt.vars, tt.header, args...)
			var want string
			switch {
			case tt.code != 0:
				want = tt.err + "\n"
			case tt.note != "":
				want = tt.note + "\n"
			}
			if diff := cmp.Diff(want, r.stderr); diff != "" {
				t.Errorf("stderr (-want +got):\n%s", diff)
			}
			if tt.code == 0 && !strings.Contains(r.stdout, `"user":"ada"`) && !strings.Contains(r.stdout, `"blob":"xxx`) {
				t.Errorf("stdout %.200s", r.stdout)
			}
		})
	}

	// Set-Cookie lines of a response that sets other cookies too.
	lines := "Set-Cookie: theme=dark; Path=/\nSet-Cookie: __Host-session=" + native + "; Path=/; Secure; HttpOnly\n"
	r := mustRun(t, 0, withPassword, lines, "decode", "--set-cookie", "--now", nowArg(time.Minute))
	if !strings.Contains(r.stderr, `reading cookie "__Host-session"`) || !strings.Contains(r.stdout, `"user":"ada"`) {
		t.Errorf("--set-cookie with two cookies: %s %s", r.stderr, r.stdout)
	}
}

// TestDecodeInputSources: decode reads the file its argument names, "-" or
// nothing for stdin, or the argument itself; a file name that names no file
// says so instead of suggesting --format.
func TestDecodeInputSources(t *testing.T) {
	native := strings.TrimSpace(mustRun(t, 0, withPassword, `{"user":"ada"}`, "seal", "--value", "--now", nowArg(0)).stdout)
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	value := write("value.txt", native+"\n")
	bom := write("bom.txt", "\xef\xbb\xbf"+native)
	header := write("cookie.txt", "Cookie: _ga=GA1.1.1; __Host-session="+native+"\n")
	big := write("big.txt", strings.Repeat("A", maxInput+1))
	missing := filepath.Join(dir, "absent.txt")
	now := []string{"--now", nowArg(time.Minute)}

	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		err   string // a substring of stderr's first line
	}{
		{"a file", "", []string{value}, 0, ""},
		{"a file with a BOM", "", []string{bom}, 0, ""},
		{"a Cookie header in a file", "", []string{"--cookie-header", header}, 0, ""},
		{"- is stdin", native, []string{"-"}, 0, ""},
		{"nothing is stdin", native, nil, 0, ""},
		{"the value itself", "", []string{native}, 0, ""},
		{"a header itself", "", []string{"--cookie-header", "_ga=GA1.1.1; __Host-session=" + native}, 0, ""},
		{"no such file", "", []string{missing}, 2, `no file "` + missing + `"`},
		{"no such file, relative", "", []string{"value.json"}, 2, `no file "value.json"`},
		{"a directory", "", []string{dir + "/"}, 2, "no file"},
		{"a file over the limit", "", []string{big}, 1, "too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustRun(t, tt.code, withPassword, tt.stdin, append(append([]string{"decode"}, now...), tt.args...)...)
			if tt.code == 0 {
				if !strings.Contains(r.stdout, `"user":"ada"`) {
					t.Errorf("stdout %q", r.stdout)
				}
				return
			}
			first, _, _ := strings.Cut(r.stderr, "\n")
			if !strings.Contains(first, tt.err) || strings.Contains(r.stderr, "--format") {
				t.Errorf("stderr %q, want %q first and no --format suggestion", r.stderr, tt.err)
			}
		})
	}
}

func TestLooksLikePath(t *testing.T) {
	native := strings.TrimSpace(mustRun(t, 0, withPassword, `{}`, "seal", "--value").stdout)
	h3 := strings.TrimSpace(mustRun(t, 0, withPassword, `{}`, "seal", "--value", "--format", "h3v2").stdout)
	for s, want := range map[string]bool{
		"value.txt": true, "./value": true, "dir/cookie": true, `C:\cookie`: true, "cookie.header": true,
		native: false, h3: false, gorillaValue(t, "n", false): false, "a=b; c=d": false, "": false,
		"value.": false, ".profile": false, "v.a-b": false,
	} {
		if got := looksLikePath(s); got != want {
			t.Errorf("looksLikePath(%.30q) = %v, want %v", s, got, want)
		}
	}
}
