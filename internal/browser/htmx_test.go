package browser

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/httpx"
	"github.com/sealcookie/sealcookie/internal/vectors"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
)

// htmxBuilds maps the versions htmx.mjs is asked for to the packages of
// package.json that hold them: htmx 2 (the one most pages load) and htmx 4
// (the current release, on fetch()).
var htmxBuilds = map[string]string{"v2": "htmx2", "v4": "htmx.org"}

// htmxUser is the session data of the htmx test application.
type htmxUser struct {
	Name string `json:"name"`
}

// htmxStep is what the browser showed after one step of htmx.mjs.
type htmxStep struct {
	Step    string   `json:"step"`
	Path    string   `json:"path"`
	H1      string   `json:"h1"`
	Out     string   `json:"out"`
	Cookies []string `json:"cookies"`
}

type htmxRun struct {
	Version string     `json:"version"`
	Steps   []htmxStep `json:"steps"`
}

var htmxPage = template.Must(template.New("").Parse(`<!doctype html>
<html><head><title>{{.Title}}</title>{{if .Script}}<script src="{{.Script}}"></script>{{end}}</head>
<body><h1>{{.Title}}</h1>{{.Body}}</body></html>`))

type htmxPageData struct {
	Title, Script string
	Body          template.HTML
}

// htmxApp is an application whose pages use htmx: a shop page with three
// htmx buttons, a fragment behind httpx.Guard, the same fragment behind a
// guard that answers with a plain 303 (what it did before it knew htmx),
// a login form and httpx.NewLogout.
func htmxApp(t *testing.T, dir string) http.Handler {
	m, err := session.New(session.Config[htmxUser]{Keys: []sealed.Key{{ID: 1, Password: "htmx browser test password, 32 bytes+"}}})
	if err != nil {
		t.Fatal(err)
	}
	signedIn := func(u htmxUser) bool { return u.Name != "" }
	guard, err := httpx.NewGuard(m, httpx.GuardConfig[htmxUser]{Authenticated: signedIn})
	if err != nil {
		t.Fatal(err)
	}
	old, err := httpx.NewGuard(m, httpx.GuardConfig[htmxUser]{Authenticated: signedIn})
	if err != nil {
		t.Fatal(err)
	}
	old.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, old.LoginURL(r), http.StatusSeeOther)
	}))
	logout, err := httpx.NewLogout(m, httpx.LogoutConfig[htmxUser]{RedirectTo: "/bye"})
	if err != nil {
		t.Fatal(err)
	}
	page := func(w http.ResponseWriter, d htmxPageData) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := htmxPage.Execute(w, d); err != nil {
			t.Error(err)
		}
	}
	fragment := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<p id="secret">fragment for %s</p>`, template.HTMLEscapeString(m.Get(r).Data().Name))
	})

	mux := http.NewServeMux()
	mux.HandleFunc("GET /assets/{file}", func(w http.ResponseWriter, r *http.Request) {
		pkg, ok := htmxBuilds[strings.TrimSuffix(r.PathValue("file"), ".js")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/javascript")
		http.ServeFile(w, r, filepath.Join(dir, "node_modules", pkg, "dist", "htmx.js"))
	})
	mux.HandleFunc("GET /shop/{version}", func(w http.ResponseWriter, r *http.Request) {
		page(w, htmxPageData{Title: "Shop", Script: "/assets/" + r.PathValue("version") + ".js", Body: `
<button id="load" hx-get="/private/fragment" hx-target="#out">load</button>
<button id="control" hx-get="/control/fragment" hx-target="#out">load (old guard)</button>
<button id="logout" hx-post="/auth/logout" hx-target="#out">log out</button>
<div id="out"></div>`})
	})
	mux.HandleFunc("GET /auth/login", func(w http.ResponseWriter, r *http.Request) {
		action := "/auth/login?redirectTo=" + url.QueryEscape(httpx.RedirectTarget(r, ""))
		page(w, htmxPageData{Title: "Log in", Body: template.HTML(`<form method="post" action="` + template.HTMLEscapeString(action) + `">
<input name="name"><button id="signin">sign in</button></form>`)})
	})
	mux.HandleFunc("POST /auth/login", func(w http.ResponseWriter, r *http.Request) {
		s := m.Get(r)
		s.Regenerate()
		if err := s.Update(func(u *htmxUser) {
			u.Name = r.PostFormValue("name")
		}); err != nil {
			t.Error(err)
		}
		httpx.Redirect(w, r, httpx.RedirectTarget(r, ""))
	})
	mux.Handle("GET /private/fragment", guard.Handler(fragment))
	mux.Handle("GET /control/fragment", old.Handler(fragment))
	mux.Handle("POST /auth/logout", logout)
	mux.HandleFunc("GET /bye", func(w http.ResponseWriter, r *http.Request) { page(w, htmxPageData{Title: "Bye"}) })
	return http.NewCrossOriginProtection().Handler(m.Middleware(mux))
}

// TestHTMX runs htmx 2 and htmx 4 in Chromium against httpx's guard and
// logout: the guard's HX-Redirect takes the browser to the login page as a
// full page and back to the page it was on, where a plain 303 (the control)
// has htmx swap the login page into the fragment.
func TestHTMX(t *testing.T) {
	root := vectors.ModuleRoot(t)
	dir := filepath.Join(root, "internal", "browser")
	requireTools(t, dir)
	for _, pkg := range htmxBuilds {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", pkg, "dist", "htmx.js")); err != nil {
			t.Fatalf("internal/browser/node_modules lacks %s (run: npm ci --prefix internal/browser): %v", pkg, err)
		}
	}
	srv := httptest.NewServer(htmxApp(t, dir))
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), e2eTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "htmx.mjs", "--url", srv.URL, "--versions", "v2,v4", "--chromium", chromiumPath)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("node htmx.mjs: %v (after %v)\n%s", err, time.Since(start).Round(time.Millisecond), strings.TrimSpace(stderr.String()))
	}
	var got struct {
		Chromium string    `json:"chromium"`
		Runs     []htmxRun `json:"runs"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("node htmx.mjs printed no report: %v\n%s", err, stdout.String())
	}
	t.Logf("Chromium %s: htmx 2 and 4 in %v", got.Chromium, time.Since(start).Round(time.Millisecond))

	var want []htmxRun
	for _, v := range []string{"v2", "v4"} {
		shop := "/shop/" + v + "?step=2"
		login := "/auth/login?redirectTo=" + url.QueryEscape(shop)
		want = append(want, htmxRun{Version: v, Steps: []htmxStep{
			// The old 303: the login page lands inside the fragment.
			{Step: "control", Path: shop, H1: "Shop", Out: "Log in sign in", Cookies: []string{}},
			// HX-Redirect: a full page, and the shop page to come back to.
			{Step: "guard", Path: login, H1: "Log in", Out: "", Cookies: []string{}},
			{Step: "login", Path: shop, H1: "Shop", Out: "", Cookies: []string{"__Host-session"}},
			{Step: "fragment", Path: shop, H1: "Shop", Out: "fragment for ada", Cookies: []string{"__Host-session"}},
			{Step: "logout", Path: "/bye", H1: "Bye", Out: "", Cookies: []string{}},
		}})
	}
	if diff := cmp.Diff(want, got.Runs); diff != "" {
		t.Errorf("what Chromium showed (-want +got):\n%s", diff)
	}
}
