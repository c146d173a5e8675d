// Package browser holds the real-browser end-to-end test of the demo that
// `sealcookie serve` runs. Its test builds cmd/sealcookie, starts serve on
// 127.0.0.1:0 (once with the default --insecure-cookies auto, once with
// --insecure-cookies false) and runs e2e.mjs, our script that drives
// Debian's headless Chromium (/usr/bin/chromium) through playwright-core,
// pinned in package.json. It logs in through the route guard and back,
// counts visits, stores a value that needs 2 chunked cookies and reloads,
// shrinks it, logs out, and checks the browser's own cookie store after
// every step. A screenshot of the inspect page is saved as
// testdata/browser/inspect.png at the module root. It also builds the
// README's quick start (cut out of README.md) and walks it as a user clicks
// it: /account, the login form, sign in, back on /account.
//
// It also checks the localhost exception of package cookie (see "Local
// development over http" there): Chromium counts http://127.0.0.1 as a
// secure origin, so it stores and sends a Secure (even __Host-) session
// cookie there, but not on a plain-http host that is not loopback
// (demo.test, mapped to 127.0.0.1 by Chromium's --host-resolver-rules),
// where only the exception (no Secure attribute) keeps the session.
//
// TestHTMX serves a page that loads htmx (2.0.11 and 4.0.1, pinned in
// package.json) and runs htmx.mjs: a fragment behind httpx.Guard, clicked
// while signed out, takes the browser to the login page as a full page and
// back to the page it was on, where a guard answering with a plain 303 (the
// control) gets the login page swapped into the fragment; hx-post to
// httpx.NewLogout deletes the cookie and leaves for its redirect page.
//
// The tests need node on PATH, /usr/bin/chromium (apt-get install chromium)
// and the pinned packages in internal/browser/node_modules (npm ci --prefix
// internal/browser). Without them it skips with the reason, except in CI
// (the CI environment variable set), where it fails instead.
package browser
