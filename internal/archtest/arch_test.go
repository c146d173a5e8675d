// Package archtest holds the import arrows of DESIGN.md in place:
//
//	internal ← sealed ← session ← httpx ← cmd/sealcookie
//	cookie (net/http and the standard library only; knows no crypto) ← session, httpx
//
// It runs `go list` on the module, so it needs the go command on PATH.
package archtest

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/sealcookie/sealcookie"

type pkg struct {
	ImportPath string
	Imports    []string // direct imports, non-test files
	Deps       []string // transitive closure, non-test files
}

func listPackages(t *testing.T) map[string]pkg {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not on PATH; cannot list packages")
	}
	cmd := exec.Command("go", "list", "-json", module+"/...")
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("decoding go list output: %v", err)
		}
		pkgs[p.ImportPath] = p
	}
	if len(pkgs) == 0 {
		t.Fatal("go list found no packages in the module")
	}
	return pkgs
}

func rel(path string) string {
	if path == module {
		return "."
	}
	return strings.TrimPrefix(path, module+"/")
}

// under reports whether rel path p is dir or below it.
func under(p, dir string) bool { return p == dir || strings.HasPrefix(p, dir+"/") }

// legacy sub-packages exist for migration and may use what the core must not.
func isLegacy(p string) bool { return under(p, "sealed/gorilla") || under(p, "session/gorilla") }

func TestImportArrows(t *testing.T) {
	pkgs := listPackages(t)
	for path, p := range pkgs {
		r := rel(path)
		for _, dep := range p.Deps {
			dr := ""
			if strings.HasPrefix(dep, module+"/") || dep == module {
				dr = rel(dep)
			}
			deny := func(why string) { t.Errorf("%s must not depend on %s: %s", r, dep, why) }

			// Nothing outside tests may pull in go-cmp: its docs say it may panic.
			if strings.HasPrefix(dep, "github.com/google/go-cmp") {
				deny("go-cmp is for tests only")
			}
			// Nothing imports upward.
			if dr != "" {
				switch {
				case under(dr, "cmd"):
					deny("nothing imports a command")
				case under(dr, "httpx") && !under(r, "cmd") && !under(r, "httpx") && !under(r, "internal"):
					deny("only cmd (and internal test suites) may import httpx")
				case under(dr, "session") && (under(r, "sealed") || under(r, "cookie")):
					deny("session sits above sealed and cookie")
				case under(dr, "cookie") && under(r, "sealed"):
					deny("sealed knows nothing of cookies")
				case under(dr, "sealed") && under(r, "cookie"):
					deny("cookie knows no crypto")
				}
			}
			// The core stays free of gob and gorilla; only the opt-in legacy sub-packages may use them.
			if !isLegacy(r) && !under(r, "cmd") && !under(r, "internal") {
				if dep == "encoding/gob" || strings.HasPrefix(dep, "github.com/gorilla/") {
					deny("gob and gorilla belong to the opt-in migration sub-packages")
				}
			}
			// sealed is bytes in, ASCII out: no HTTP.
			if under(r, "sealed") && !isLegacy(r) && (dep == "net/http" || strings.HasPrefix(dep, "net/http/")) {
				deny("sealed never imports net/http")
			}
			// cookie knows no crypto (net/http's own TLS stack aside, hence direct imports below).
			if under(r, "cookie") && strings.HasPrefix(dep, "golang.org/x/crypto") {
				deny("cookie knows no crypto")
			}
		}
		if under(r, "cookie") {
			for _, imp := range p.Imports {
				if strings.HasPrefix(imp, "crypto/") || strings.HasPrefix(imp, "golang.org/x/crypto") {
					t.Errorf("cookie must not import %s: cookie knows no crypto", imp)
				}
			}
		}
	}
}

// TestArrowsSeeEveryLayer fails if the package list silently shrank, which would
// make TestImportArrows pass without checking anything.
func TestArrowsSeeEveryLayer(t *testing.T) {
	pkgs := listPackages(t)
	for _, want := range []string{"sealed"} {
		if _, ok := pkgs[module+"/"+want]; !ok {
			t.Errorf("package %s not found by go list; the arrows test would check nothing for it", want)
		}
	}
}
