package main

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestServeTour: the startup lines list every page of the demo that the
// README promises, and each answers.
func TestServeTour(t *testing.T) {
	srv := startServe(t, withPassword)
	out := srv.stdout.String()
	_, try, ok := strings.Cut(out, "try:\n")
	if !ok {
		t.Fatalf("no try: list in\n%s", out)
	}
	try, _, _ = strings.Cut(try, "\ndecode this demo's cookies:")
	// What the README's first-run paragraph promises, in the list's words.
	for _, promise := range []string{"visit counter", "login form", "route guard", "session JSON endpoint",
		"large value", "shrink", "Log out", "decoded session"} {
		if !strings.Contains(try, promise) {
			t.Errorf("the try: list does not mention %q:\n%s", promise, try)
		}
	}
	b := newBrowser(t, srv.url)
	b.c.CheckRedirect = nil // follow the guard to the login form
	pages := 0
	for _, line := range strings.Split(try, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || !strings.HasPrefix(f[0], srv.url) {
			continue
		}
		pages++
		if code, _, _ := b.do("GET", strings.TrimPrefix(f[0], srv.url), nil, nil); code != http.StatusOK {
			t.Errorf("GET %s: %d", f[0], code)
		}
	}
	if pages != 5 {
		t.Errorf("the try: list has %d pages, want 5:\n%s", pages, try)
	}
}

// TestServeLargeWithinBudget: the large value stays one cookie within the
// default cookie budget, so the whole Cookie header stays far within the
// 8,190 bytes that curl sends and nginx's defaults accept, with the longest
// login name and the __Host- name, and room left for other cookies; the
// inspect page says so.
func TestServeLargeWithinBudget(t *testing.T) {
	longest := strings.Repeat("\U0001F36A", maxUserName) // 64 four-byte characters
	if utf8.RuneCountInString(longest) != maxUserName {
		t.Fatal("bad name")
	}
	for _, args := range [][]string{nil, {"--insecure-cookies=false"}} {
		srv := startServe(t, withPassword, args...)
		b := newBrowser(t, srv.url)
		if code, _, _ := b.do("POST", "/auth/login", url.Values{"name": {longest}}, nil); code != http.StatusSeeOther {
			t.Fatalf("%v: login: %d", args, code)
		}
		for i := 0; i < 3; i++ {
			b.do("GET", "/", nil, nil) // a few visits
		}
		b.do("POST", "/large", nil, nil)
		names := b.cookieNames()
		if len(names) != 1 {
			t.Fatalf("%v: cookies %v, want the one session cookie", args, names)
		}
		size := len("Cookie: ") + len(b.cookieHeader())
		t.Logf("%v: Cookie header with the large value: %d bytes (budget %d)", args, size, cookieHeaderBudget)
		if size > cookieHeaderBudget-1500 {
			t.Errorf("%v: Cookie header %d bytes, want at most %d (the budget less 1,500 bytes for other cookies)", args, size, cookieHeaderBudget-1500)
		}
		_, _, body := b.do("GET", "/inspect", nil, nil)
		if !strings.Contains(body, "of the 8190 that curl sends and nginx accepts by default") {
			t.Errorf("%v: the inspect page does not give the budget:\n%.4000s", args, body)
		}
	}
	// And a header over the budget is called out.
	srv := startServe(t, withPassword)
	b := newBrowser(t, srv.url)
	_, _, body := b.do("GET", "/inspect", nil, map[string]string{"Cookie": "big=" + strings.Repeat("x", cookieHeaderBudget)})
	if !strings.Contains(body, "over 8190: curl drops the rest") {
		t.Errorf("the inspect page does not flag a header over the budget:\n%.4000s", body)
	}
}

// TestServeDecodeHint: the decode command the demo prints (and its inspect
// page shows) runs as printed, with a generated password too: that one is
// in a file only the user can read, removed when the demo stops.
func TestServeDecodeHint(t *testing.T) {
	pwFile := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pwFile, []byte(testPassword), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		vars map[string]string
		args []string
		want string // the printed command, after "decode this demo's cookies: "
	}{
		{"generated", nil, nil, "sealcookie decode --cookie-header --explain --password-file "},
		{"environment", withPassword, nil, "sealcookie decode --cookie-header --explain\n"},
		{"password file", nil, []string{"--password-file", pwFile}, "sealcookie decode --cookie-header --explain --password-file " + pwFile + "\n"},
		{"password env", map[string]string{"DEMO_PW": testPassword}, []string{"--password-env", "DEMO_PW"}, "sealcookie decode --cookie-header --explain --password-env DEMO_PW\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startServe(t, tt.vars, tt.args...)
			out := srv.stdout.String()
			_, line, ok := strings.Cut(out, "decode this demo's cookies: ")
			if !ok || !strings.HasPrefix(line, tt.want) {
				t.Fatalf("no decode command starting %q in\n%s", tt.want, out)
			}
			line, _, _ = strings.Cut(line, "\n")
			args := strings.Fields(line)
			if args[0] != "sealcookie" {
				t.Fatalf("the command runs %q", args[0])
			}
			var generated string
			if tt.vars == nil && tt.args == nil {
				generated = args[len(args)-1]
				fi, err := os.Stat(generated)
				if err != nil {
					t.Fatalf("the generated password's file: %v", err)
				}
				if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
					t.Errorf("the generated password's file has mode %v, want 0600", fi.Mode().Perm())
				}
			}
			b := newBrowser(t, srv.url)
			b.do("GET", "/", nil, nil)
			b.do("GET", "/", nil, nil)
			// Paste the Cookie header, as the note says (with another cookie of the host).
			r := mustRun(t, 0, tt.vars, "Cookie: _ga=GA1.1.1; "+b.cookieHeader()+"\n", append(args[1:], "--now", realNow())...)
			if !strings.Contains(r.stdout, `"visits":2`) {
				t.Errorf("the printed command decoded %s", r.stdout)
			}
			// The inspect page shows the same command.
			_, _, body := b.do("GET", "/inspect", nil, nil)
			if !strings.Contains(body, "<pre>"+line+"</pre>") || !strings.Contains(body, "press Ctrl-D") {
				t.Errorf("the inspect page does not show %q:\n%.5000s", line, body)
			}
			if strings.Contains(out+body, testPassword) {
				t.Errorf("the password is printed")
			}
			srv.stop()
			if generated != "" {
				if _, err := os.Stat(generated); !os.IsNotExist(err) {
					t.Errorf("the generated password's file is still there after the demo stopped: %v", err)
				}
			}
		})
	}
}

func TestSelfName(t *testing.T) {
	for in, want := range map[string]string{
		"sealcookie":                "sealcookie",
		"bin/sealcookie":            "./bin/sealcookie",
		"./bin/sealcookie":          "./bin/sealcookie",
		"/usr/local/bin/sealcookie": "/usr/local/bin/sealcookie",
		filepath.Join(os.TempDir(), "go-build1/b001/exe/sealcookie"): "sealcookie",
		"/opt/my tools/sealcookie":                                   "'/opt/my tools/sealcookie'",
	} {
		if got := selfName(in); got != want {
			t.Errorf("selfName(%q) = %q, want %q", in, got, want)
		}
	}
}
