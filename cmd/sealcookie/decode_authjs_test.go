package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// authjsVectors are the Auth.js tokens and cookies of
// testdata/interop/authjs.json (written by the real @auth/core 0.41.3).
type authjsVector struct {
	Name            string          `json:"name"`
	Kind            string          `json:"kind"`
	Secrets         []string        `json:"secrets"`
	CookieName      string          `json:"cookieName"`
	ReadAt          int64           `json:"readAt"`
	Token           string          `json:"token"`
	Payload         json.RawMessage `json:"payload"`
	UpdateSetCookie []string        `json:"updateSetCookie"`
}

func authjsVectors(t *testing.T) []authjsVector {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "interop", "authjs.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Cases []authjsVector `json:"cases"`
	}
	if err := json.Unmarshal(b, &f); err != nil || len(f.Cases) == 0 {
		t.Fatalf("authjs.json: %d cases, %v", len(f.Cases), err)
	}
	return f.Cases
}

// TestDecodeAuthJS decodes Auth.js's own tokens: a bare value (detected
// without --format), a chunked Set-Cookie response, rotation through an
// object of AUTH_SECRET variables, and the refusals with their reasons.
func TestDecodeAuthJS(t *testing.T) {
	cases := map[string]authjsVector{}
	for _, v := range authjsVectors(t) {
		if k := strings.Fields(v.Name)[0]; cases[k].Name == "" {
			cases[k] = v // the first of each kind
		}
	}
	env := func(secrets ...string) map[string]string {
		if len(secrets) == 1 {
			return map[string]string{"AUTH_SECRET": secrets[0]}
		}
		b, _ := json.Marshal(map[string]string{"AUTH_SECRET_1": secrets[0], "AUTH_SECRET": secrets[1]})
		return map[string]string{"AUTH_SECRET": string(b)}
	}
	at := func(v authjsVector) string { return strconv.FormatInt(v.ReadAt, 10) }

	enc := cases["encode"]
	r := mustRun(t, 0, env(enc.Secrets...), enc.Token, "decode", "--password-env", "AUTH_SECRET", "--explain", "--now", at(enc))
	if diff := cmp.Diff(jsonValue(t, string(enc.Payload)), jsonValue(t, r.stdout)); diff != "" {
		t.Errorf("detected Auth.js token (-Auth.js +decode):\n%s", diff)
	}
	for _, want := range []string{"format:    authjs (Auth.js", "key id:", "expires:   2026-02-14T10:00:00.000Z"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("--explain lacks %q:\n%s", want, r.stderr)
		}
	}

	ck := cases["Auth.js's"]
	r = mustRun(t, 0, env(ck.Secrets...), strings.Join(ck.UpdateSetCookie, "\n"), "decode", "--format", "authjs", "--set-cookie", "--password-env", "AUTH_SECRET", "--explain", "--now", at(ck))
	if got := jsonValue(t, r.stdout).(map[string]any); got["role"] != "admin" || !strings.Contains(r.stderr, "in 3 chunks") {
		t.Errorf("chunked Set-Cookie: role %v; explain:\n%s", got["role"], r.stderr)
	}

	rot := cases["rotation:"]
	r = mustRun(t, 0, env(rot.Secrets...), rot.Token, "decode", "--format", "next-auth", "--password-env", "AUTH_SECRET", "--now", at(rot))
	if diff := cmp.Diff(jsonValue(t, string(rot.Payload)), jsonValue(t, r.stdout)); diff != "" {
		t.Errorf("rotation (-Auth.js +decode):\n%s", diff)
	}

	for _, tc := range []struct {
		v      authjsVector
		now    int64
		reason string
	}{
		{cases["encode"], enc.ReadAt + 31*24*3600*1000, "expired"},
		{cases["wrong"], cases["wrong"].ReadAt, "unknown key id"},
		{cases["tampered"], cases["tampered"].ReadAt, "not authentic"},
	} {
		name := []string{}
		if tc.v.CookieName != enc.CookieName {
			name = []string{"--name", tc.v.CookieName}
		}
		r := mustRun(t, 1, env(tc.v.Secrets...), tc.v.Token, append([]string{"decode", "--format", "authjs", "--password-env", "AUTH_SECRET", "--now", strconv.FormatInt(tc.now, 10)}, name...)...)
		if line := oneLineOf(t, r.stderr); !strings.Contains(line, tc.reason) || strings.Contains(line, tc.v.Token[:40]) {
			t.Errorf("%s: %s", tc.v.Name, line)
		}
	}
}

// TestSealAuthJS: seal writes what Auth.js reads: its cookie name, Max-Age,
// chunk names, and claims with iat, exp and jti; decode reads it back.
func TestSealAuthJS(t *testing.T) {
	vars := map[string]string{PasswordEnv: testPassword}
	data := `{"name":"Ada","groups":["` + strings.Repeat("g", 7000) + `"]}`
	s := mustRun(t, 0, vars, data, "seal", "--format", "authjs", "--max-age", "3600", "--now", nowArg(0))
	lines := strings.Split(strings.TrimSpace(s.stdout), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "__Secure-authjs.session-token.0=") || !strings.Contains(lines[0], "Max-Age=3600") {
		t.Fatalf("seal printed %d lines: %.80q", len(lines), lines)
	}
	d := mustRun(t, 0, vars, s.stdout, "decode", "--format", "authjs", "--set-cookie", "--now", nowArg(time.Minute))
	got := jsonValue(t, d.stdout).(map[string]any)
	if got["name"] != "Ada" || got["iat"] != json.Number(strconv.FormatInt(testNow.Unix(), 10)) || got["exp"] != json.Number(strconv.FormatInt(testNow.Unix()+3600, 10)) {
		t.Errorf("decoded %v %v %v", got["name"], got["iat"], got["exp"])
	}
}
