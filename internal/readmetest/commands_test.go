package readmetest

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gorilla/securecookie"
)

// readmeCommand is one command of a shell block of README.md.
type readmeCommand struct {
	section string // the "## " heading above it
	line    int    // its first line in README.md
	text    string // as written; continuation lines keep their backslash-newline
}

// readmeCommands returns every command of README.md's ```sh blocks, in order.
func readmeCommands(t *testing.T) []readmeCommand {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var cmds []readmeCommand
	section, inSh, cont := "", false, false
	for i, line := range strings.Split(string(b), "\n") {
		switch {
		case !inSh && strings.HasPrefix(line, "## "):
			section = strings.TrimPrefix(line, "## ")
		case !inSh && line == "```sh":
			inSh = true
		case inSh && line == "```":
			inSh, cont = false, false
		case inSh && cont:
			cmds[len(cmds)-1].text += "\n" + line
			cont = strings.HasSuffix(line, `\`)
		case inSh && strings.TrimSpace(line) != "" && !strings.HasPrefix(strings.TrimSpace(line), "#"):
			cmds = append(cmds, readmeCommand{section: section, line: i + 1, text: line})
			cont = strings.HasSuffix(line, `\`)
		}
	}
	return cmds
}

// elsewhere says why a README command is not run by TestReadmeCommands, or
// "" if it is.
func (c readmeCommand) elsewhere() string {
	switch {
	case strings.HasPrefix(c.text, "make demo"):
		return "run by TestMakeDemo"
	case strings.HasPrefix(c.text, "make test"):
		return "the command CI runs"
	case strings.HasPrefix(c.text, "go get "), strings.Contains(c.text, "@latest"):
		return "needs the module published on the Go module proxy"
	case strings.HasPrefix(c.text, "sealcookie forward-auth"):
		return "a sidecar that serves until stopped: run behind real nginx and Caddy by cmd/sealcookie's edge tests"
	}
	return ""
}

// clipboardTools are the commands the README pipes a copied Cookie header
// from; the test puts stand-ins for them on PATH.
var clipboardTools = []string{"pbpaste", "xclip", "wl-paste"}

// TestReadmeCommands runs the README's shell commands as written, in order,
// in one bash session (so that an export carries on to the next command),
// with sealcookie built from this checkout on PATH: those of "First run" in
// the checkout, the others in an empty directory. The files the README
// reads but does not make (a browser's Cookie header, a Nuxt session, a
// gorilla cookie and its keys) are made for it, sealed with the passwords the
// README's own commands set, and stand-ins for the clipboard tools print the
// copied Cookie header.
func TestReadmeCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds sealcookie and runs the README's commands")
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		missing(t, "bash is not installed: the README's commands are bash")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	binDir, work, logs := filepath.Join(tmp, "bin"), filepath.Join(tmp, "work"), filepath.Join(tmp, "logs")
	for _, d := range []string{binDir, work, logs} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	build := exec.Command("go", "build", "-o", filepath.Join(binDir, "sealcookie"), "./cmd/sealcookie")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/sealcookie: %v\n%s", err, out)
	}
	clipboard := filepath.Join(tmp, "clipboard.txt")
	for _, tool := range clipboardTools {
		stand := "#!/bin/sh\n# a stand-in for the clipboard tool: prints the copied Cookie header\nexec cat \"$README_CLIPBOARD\"\n"
		if err := os.WriteFile(filepath.Join(binDir, tool), []byte(stand), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeGorillaFixtures(t, work)

	all := readmeCommands(t)
	var run []readmeCommand
	notRun := map[string][]string{}
	for _, c := range all {
		if why := c.elsewhere(); why != "" {
			notRun[why] = append(notRun[why], fmt.Sprintf("README.md:%d %s", c.line, commandHead(c.text)))
			continue
		}
		run = append(run, c)
	}
	if len(run) < 10 {
		t.Fatalf("only %d README commands to run; has the README lost its examples, or this test its way to find them?", len(run))
	}

	var script strings.Builder
	script.WriteString(fixtureScript)
	for i, c := range run {
		dir := work
		if c.section == "First run" {
			dir = root
		}
		fmt.Fprintf(&script, "cd %q && prepare\n{\n%s\n} >%q 2>%q <\"$(stdin)\"\necho $? >%q\n",
			dir, c.text, filepath.Join(logs, fmt.Sprint(i, ".out")), filepath.Join(logs, fmt.Sprint(i, ".err")), filepath.Join(logs, fmt.Sprint(i, ".rc")))
	}
	sh := exec.Command(bash, "--noprofile", "--norc", "-o", "pipefail", "-c", script.String())
	sh.Env = append(demoEnv(),
		"PATH="+binDir+string(os.PathListSeparator)+os.Getenv("PATH"),
		"WORK="+work,
		"README_CLIPBOARD="+clipboard,
		"NUXT_SESSION_PASSWORD=the Nuxt application's password, 32 characters or more",
	)
	if out, err := sh.CombinedOutput(); err != nil {
		t.Fatalf("the README's commands could not run: %v\n%s", err, out)
	}

	clip := 0
	for i, c := range run {
		read := func(ext string) string {
			b, _ := os.ReadFile(filepath.Join(logs, fmt.Sprint(i, ext)))
			return string(b)
		}
		stdout, stderr := read(".out"), read(".err")
		code, err := strconv.Atoi(strings.TrimSpace(read(".rc")))
		where := fmt.Sprintf("README.md:%d: %s", c.line, c.text)
		if err != nil || code != 0 {
			t.Errorf("%s\nexit %s\nstdout: %s\nstderr: %s", where, strings.TrimSpace(read(".rc")), stdout, stderr)
			continue
		}
		for _, tool := range clipboardTools {
			if strings.HasPrefix(c.text, tool+" ") {
				clip++
			}
		}
		var problems []string
		if strings.Contains(c.text, "sealcookie decode") && !strings.Contains(stdout, `"user":"ada"`) {
			problems = append(problems, `stdout lacks the session's "user":"ada"`)
		}
		if strings.Contains(c.text, "--explain") && !strings.Contains(stderr, "format:") {
			problems = append(problems, "--explain printed no format: line")
		}
		if strings.Contains(c.text, "--cookie-header") && !strings.Contains(c.text, "--format") && !strings.Contains(stderr, `reading cookie "__Host-session"`) {
			problems = append(problems, "decode did not say which cookie of the header it took")
		}
		if strings.Contains(c.text, "--version") && !strings.HasPrefix(stdout, "sealcookie ") {
			problems = append(problems, "--version printed no version")
		}
		if len(problems) > 0 {
			t.Errorf("%s\n%s\nstdout: %s\nstderr: %s", where, strings.Join(problems, "; "), stdout, stderr)
		}
	}
	var elsewhere []string
	for why, cmds := range notRun {
		elsewhere = append(elsewhere, fmt.Sprintf("%d %s (%s)", len(cmds), why, strings.Join(cmds, ", ")))
	}
	t.Logf("README.md holds %d shell commands: %d run here as written (%d of them read the clipboard through a stand-in tool); not here: %s",
		len(all), len(run), clip, strings.Join(elsewhere, "; "))
}

// fixtureScript defines the shell functions the commands run with:
// prepare makes the files the README reads but does not make, sealed with
// the password the README's commands have set (again whenever it changes),
// and stdin is what a command reads when it reads stdin: the copied header.
const fixtureScript = `
prepare() {
  [ -n "${SEALCOOKIE_PASSWORD:-}" ] || return 0
  [ "${FIXTURES_FOR:-}" = "$SEALCOOKIE_PASSWORD" ] && return 0
  v=$(echo '{"user":"ada"}' | sealcookie seal --value) || return 1
  printf '_ga=GA1.1.1234567890.1700000000; theme=dark; __Host-session=%s\n' "$v" >"$README_CLIPBOARD"
  printf 'Cookie: _ga=GA1.1.1234567890.1700000000; theme=dark; __Host-session=%s\n' "$v" >"$WORK/cookie.txt"
  n=$(echo '{"user":"ada"}' | sealcookie seal --format h3v2 --password-env NUXT_SESSION_PASSWORD --value) || return 1
  printf 'Cookie: _ga=GA1.1.1234567890.1700000000; h3=%s\n' "$n" >"$WORK/nuxt-cookie.txt"
  FIXTURES_FOR=$SEALCOOKIE_PASSWORD
}
stdin() {
  if [ -e "$README_CLIPBOARD" ]; then echo "$README_CLIPBOARD"; else echo /dev/null; fi
}
`

// writeGorillaFixtures writes what a gorilla/sessions application has: its
// key pair, as the README's gorilla-keys.json spells it, and a cookie its
// CookieStore wrote (securecookie, the library the store uses) for the
// session name the README gives.
func writeGorillaFixtures(t *testing.T, dir string) {
	t.Helper()
	hash, block := securecookie.GenerateRandomKey(32), securecookie.GenerateRandomKey(32)
	v, err := securecookie.New(hash, block).Encode("session-name", map[any]any{"user": "ada"})
	if err != nil {
		t.Fatal(err)
	}
	keys := fmt.Sprintf(`{"hash":"hex:%x","block":"hex:%x"}`, hash, block)
	for name, content := range map[string]string{"gorilla-keys.json": keys + "\n", "gorilla-cookie.txt": v + "\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// commandHead is the first two words of a command, to name it.
func commandHead(s string) string {
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Split(bufio.ScanWords)
	var w []string
	for sc.Scan() && len(w) < 2 {
		w = append(w, sc.Text())
	}
	return strings.Join(w, " ")
}
