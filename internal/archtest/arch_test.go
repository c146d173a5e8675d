// Package archtest holds the import arrows of DESIGN.md in place:
//
//	internal ← sealed ← session ← session/<format>, session/revoke, session/sessiontest, httpx ← cmd/sealcookie
//	cookie (net/http and the standard library only; knows no crypto) ← session, httpx
//
// the size of the session package's exported surface, and the library's
// go.mod: heavier integrations (the Redis revocation store, the bench
// report) are modules of their own. Every package a
// rule names must exist, so a renamed package cannot make a rule vacuous.
// It runs `go list` on the module, so it needs the go command on PATH.
package archtest

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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

// Packages the rules below name (relative to the module); each must exist.
const (
	pkgSealed     = "sealed"
	pkgIron       = "sealed/iron"
	pkgCookie     = "cookie"
	pkgSession    = "session"
	pkgGorilla    = "session/gorilla"
	pkgH3         = "session/h3"
	pkgIronSess   = "session/ironsession"
	pkgAuthJS     = "session/authjs"
	pkgRevoke     = "session/revoke"
	pkgSessTest   = "session/sessiontest"
	pkgHTTPX      = "httpx"
	pkgCmd        = "cmd/sealcookie"
	pkgInternal   = "internal/token"
	maxSessionAPI = 40 // exported identifiers of package session, methods included
)

var namedPackages = []string{pkgSealed, pkgIron, pkgCookie, pkgSession, pkgGorilla, pkgH3, pkgIronSess, pkgAuthJS, pkgRevoke, pkgSessTest, pkgHTTPX, pkgCmd, pkgInternal}

// legacy sub-packages exist for migration and may use what the core must not.
func isLegacy(p string) bool { return under(p, pkgGorilla) }

// isPeerFormat reports the plug-in packages of the JavaScript peers' formats,
// the only library packages that may use the iron seal and its crypto
// (session/authjs needs no iron, but AES-CBC for Auth.js's tokens).
func isPeerFormat(p string) bool { return p == pkgH3 || p == pkgIronSess || p == pkgAuthJS }

// peerCrypto is what only the peer formats may link: iron's seal and the
// primitives it needs (PBKDF2-SHA1, AES-CBC).
func peerCrypto(dep string) bool {
	switch dep {
	case module + "/" + pkgIron, "crypto/sha1", "crypto/pbkdf2", "crypto/aes", "crypto/internal/fips140/pbkdf2":
		return true
	}
	return false
}

// stdDeps returns the transitive dependencies of a standard library package.
func stdDeps(t *testing.T, path string) map[string]bool {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", path).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", path, err)
	}
	deps := map[string]bool{}
	for _, d := range strings.Fields(string(out)) {
		deps[d] = true
	}
	return deps
}

func TestImportArrows(t *testing.T) {
	pkgs := listPackages(t)
	// net/http's TLS stack links crypto/aes and crypto/sha1 itself; what is
	// held here is that no package adds iron's crypto beyond that.
	netHTTP := stdDeps(t, "net/http")
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
				case under(dr, pkgHTTPX) && !under(r, "cmd") && !under(r, pkgHTTPX) && !under(r, "internal"):
					deny("only cmd (and internal test suites) may import httpx")
				case under(dr, pkgSession) && (under(r, pkgSealed) || under(r, pkgCookie)):
					deny("session sits above sealed and cookie")
				case under(dr, pkgCookie) && under(r, pkgSealed):
					deny("sealed knows nothing of cookies")
				case under(dr, pkgSealed) && under(r, pkgCookie):
					deny("cookie knows no crypto")
				case dr != r && under(dr, pkgSession+"/") && r == pkgSession:
					deny("format and migration plug-ins import session, never the reverse")
				}
			}
			// A native user links no iron seal and no PBKDF2 (nor SHA-1 or AES
			// beyond what net/http's TLS links): only the peer formats, and
			// what builds on them (cmd, internal suites), use iron.
			if peerCrypto(dep) && !netHTTP[dep] && !isPeerFormat(r) && r != pkgIron && !under(r, "cmd") && !under(r, "internal") {
				deny("iron and its crypto belong to the peer format plug-ins (session/h3, session/ironsession, session/authjs)")
			}
			// The core stays free of gob and gorilla; only the opt-in legacy sub-packages may use them.
			if !isLegacy(r) && !under(r, "cmd") && !under(r, "internal") {
				if dep == "encoding/gob" || strings.HasPrefix(dep, "github.com/gorilla/") {
					deny("gob and gorilla belong to the opt-in migration sub-packages")
				}
			}
			// The test helper for applications is plain code, like
			// net/http/httptest: it works from any test without linking
			// package testing into what imports it.
			if r == pkgSessTest && dep == "testing" {
				deny("sessiontest is a helper, not a test framework")
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
		// The embedded revocation store imports the standard library and the
		// module alone: a store that needs a dependency is a module of its own.
		if under(r, pkgRevoke) {
			for _, imp := range p.Imports {
				if strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") && !strings.HasPrefix(imp, module+"/") {
					t.Errorf("%s must not import %s: a store with a dependency is a module of its own", r, imp)
				}
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

// TestLibraryRequires holds the library's go.mod to its dependencies:
// anything heavier (a Redis client, a framework) lives in a module of its
// own, with its own go.mod, so that the library's users never download it.
func TestLibraryRequires(t *testing.T) {
	b, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{
		"golang.org/x/crypto": true, "github.com/gorilla/securecookie": true, "github.com/gorilla/sessions": true,
		"github.com/google/go-cmp": true, "golang.org/x/sys": true, // x/sys: x/crypto's own, indirect
	}
	n := 0
	for line := range strings.Lines(string(b)) {
		f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "require "))
		if len(f) < 2 || !strings.HasPrefix(f[1], "v") || strings.HasPrefix(line, "module") || strings.HasPrefix(line, "go ") {
			continue
		}
		n++
		if !allowed[f[0]] {
			t.Errorf("go.mod requires %s: the library keeps to %v; put the integration that needs it in a module of its own", f[0], slices.Sorted(maps.Keys(allowed)))
		}
	}
	if n == 0 {
		t.Fatal("found no requirement in go.mod: the check would hold nothing")
	}
}

// TestRulesNameRealPackages fails when a rule names a package that does not
// exist (renamed or moved), which would make its rule pass vacuously.
func TestRulesNameRealPackages(t *testing.T) {
	pkgs := listPackages(t)
	for _, want := range namedPackages {
		if _, ok := pkgs[module+"/"+want]; !ok {
			t.Errorf("package %s, named by a rule, not found by go list; its rule would check nothing", want)
		}
	}
}

// TestSessionSurface counts the exported identifiers of package session
// (types, functions, variables, constants and the exported methods of
// exported types, in non-test files) and holds the count under
// maxSessionAPI: the middleware's plumbing stays unexported.
func TestSessionSurface(t *testing.T) {
	names := exported(t, "../../session")
	if len(names) > maxSessionAPI {
		t.Errorf("package session exports %d identifiers, over %d:\n%s", len(names), maxSessionAPI, strings.Join(names, "\n"))
	}
	for _, must := range []string{"New", "Manager", "Manager.Get", "Manager.Load", "Manager.Middleware", "Session.Save", "Format"} {
		if !slices.Contains(names, must) {
			t.Errorf("package session does not export %s; the count would be meaningless", must)
		}
	}
	t.Logf("package session exports %d identifiers", len(names))
}

// exported lists the exported identifiers declared in dir's non-test Go files.
func exported(t *testing.T, dir string) []string {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files in %s: %v", dir, err)
	}
	var names []string
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() {
					continue
				}
				if d.Recv == nil {
					names = append(names, d.Name.Name)
					continue
				}
				if recv := recvName(d.Recv.List[0].Type); ast.IsExported(recv) {
					names = append(names, recv+"."+d.Name.Name)
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch sp := spec.(type) {
					case *ast.TypeSpec:
						if sp.Name.IsExported() {
							names = append(names, sp.Name.Name)
						}
					case *ast.ValueSpec:
						for _, n := range sp.Names {
							if n.IsExported() {
								names = append(names, n.Name)
							}
						}
					}
				}
			}
		}
	}
	slices.Sort(names)
	return names
}

// recvName returns the type name of a method receiver: T, *T, T[P] or *T[P].
func recvName(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.Ident:
			return x.Name
		default:
			return ""
		}
	}
}
