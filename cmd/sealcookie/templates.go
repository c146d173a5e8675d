package main

// layoutTemplate is the frame of every demo page; each page defines "content".
const layoutTemplate = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · sealcookie demo</title>
<style>
:root { color-scheme: light dark; --accent: #2f6fde; --muted: #6b7280; --line: #d9dde3; --card: #f6f7f9; }
@media (prefers-color-scheme: dark) { :root { --line: #374151; --card: #1b1f27; --muted: #9ca3af; } }
* { box-sizing: border-box; }
body { font: 16px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 46rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
header { display: flex; flex-wrap: wrap; align-items: center; gap: .4rem 1rem; border-bottom: 1px solid var(--line); padding-bottom: .8rem; margin-bottom: 1.5rem; }
header strong { font-size: 1.1rem; }
header nav { order: 2; flex-basis: 100%; }
header .who, header > a { margin-left: auto; }
nav a { margin-right: .8rem; }
header .who { display: flex; align-items: center; gap: .6rem; white-space: nowrap; }
header button { padding: .2rem .6rem; font-size: .9rem; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
h1 { font-size: 1.6rem; margin: 0 0 .8rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 1rem 1.2rem; margin: 1rem 0; }
.big { font-size: 2.6rem; font-weight: 700; line-height: 1.1; }
.muted { color: var(--muted); font-size: .92rem; }
.error { color: #c0362c; font-weight: 600; }
form.inline { display: inline; margin: 0; }
button, input[type=submit] { font: inherit; padding: .45rem .9rem; border-radius: 7px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: transparent; color: var(--accent); }
input[type=text] { font: inherit; padding: .45rem .6rem; border-radius: 7px; border: 1px solid var(--line); width: 16rem; max-width: 100%; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .6rem .3rem 0; vertical-align: top; border-bottom: 1px solid var(--line); }
th { width: 11rem; font-weight: 600; }
code, pre { font: .88rem/1.45 ui-monospace, "SF Mono", Menlo, Consolas, monospace; }
pre { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .8rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
</style>
</head>
<body>
<header>
<strong>sealcookie demo</strong>
<nav><a href="/">Counter</a><a href="/account">Account</a><a href="/inspect">Inspect</a><a href="/api/auth/session">Session JSON</a></nav>
{{if .User}}<span class="who"><span class="muted">signed in as <b>{{.User}}</b></span>
<form class="inline" method="post" action="/auth/logout"><button class="secondary">Log out</button></form></span>
{{else}}<a href="/auth/login">Log in</a>{{end}}
</header>
<main>
{{template "content" .}}
</main>
<p class="muted">The whole session lives in a sealed cookie (XChaCha20-Poly1305); the server keeps only its revocations.</p>
</body>
</html>`

// pageTemplates are the demo's pages, by name.
var pageTemplates = map[string]string{
	"home": `{{define "content"}}
<h1>Visit counter</h1>
<div class="card">
<div class="big">{{.Visits}}</div>
<div class="muted">visits in this session: reload to count one more (h3's useSession example)</div>
</div>
<div class="card">
<p>{{if .User}}Hello, <b>{{.User}}</b>. Your <a href="/account">account page</a> is behind the route guard.
{{else}}The <a href="/account">account page</a> is behind the route guard: it sends you to the login form and back.{{end}}</p>
<p>Store a value large enough for two chunks (three cookies, with the chunk count), then shrink
it again, and watch the cookies on the <a href="/inspect">inspect page</a>. The whole Cookie header
stays near 6 KB, under the 8 KB that curl sends and nginx accepts by default:</p>
<form class="inline" method="post" action="/large"><button>Store a large value</button></form>
<form class="inline" method="post" action="/shrink"><button class="secondary">Shrink it</button></form>
</div>
<p class="muted">Browser code reads the session from <a href="/api/auth/session">/api/auth/session</a> (JSON, Cache-Control: no-store).</p>
{{end}}`,

	"login": `{{define "content"}}
<h1>Log in</h1>
<div class="card">
<form method="post" action="/auth/login?redirectTo={{.Redirect}}">
<p><label for="name">Any name will do:</label></p>
<p><input type="text" id="name" name="name" maxlength="64" autofocus required>
<input type="submit" value="Log in"></p>
{{with .Error}}<p class="error">{{.}}</p>{{end}}
</form>
<p class="muted">Logging in regenerates the session id; afterwards you go back to <code>{{.Redirect}}</code>.</p>
</div>
{{end}}`,

	"account": `{{define "content"}}
<h1>Account</h1>
<div class="card">
<p>Signed in as <b>{{.User}}</b>. Only signed-in sessions reach this page: the route guard redirects
everyone else to <code>/auth/login?redirectTo=/account</code>, and API clients get 401 JSON.</p>
<form class="inline" method="post" action="/auth/logout"><button>Log out</button></form>
</div>
<div class="card">
<p><b>Log out everywhere.</b> Log in with the same name in a second browser (or a private window), then
press the button in either: the other one's next request finds itself logged out. A copy of
a logged-out cookie is refused too, since the server keeps one small record per revocation
(for the session's lifetime), not per session.</p>
<form class="inline" method="post" action="/auth/logout-everywhere"><button class="secondary">Log out everywhere</button></form>
</div>
{{end}}`,

	"inspect": `{{define "content"}}
<h1>Inspect the session</h1>
{{with .Error}}<p class="error">{{.}}</p>{{end}}
{{with .Inspect}}
<div class="card">
<table>
<tr><th>id</th><td><code>{{.ID}}</code>{{if .New}} <span class="muted">(new: the request carried no valid session)</span>{{end}}</td></tr>
<tr><th>created</th><td>{{.Created}}</td></tr>
<tr><th>last seen</th><td>{{if .LastSeen}}{{.LastSeen}}{{else}}<span class="muted">no idle timeout</span>{{end}}</td></tr>
<tr><th>expires</th><td>{{.Expires}}</td></tr>
<tr><th>source</th><td>{{.Source}}{{if eq .Source "cookie"}} <code>{{.Cookie}}</code>{{end}}</td></tr>
<tr><th>sealed size</th><td>{{if .Size}}{{.Size}} characters{{else}}<span class="muted">nothing sent yet</span>{{end}}</td></tr>
<tr><th>chunks</th><td>{{if .Chunks}}{{.Chunks}} cookies ({{.Cookie}}.1 … {{.Cookie}}.{{.Chunks}}){{else}}none: one cookie{{end}}</td></tr>
<tr><th>Cookie header</th><td>{{.CookieHeaderSize}} bytes{{if gt .CookieHeaderSize .CookieHeaderBudget}}
<span class="error">over {{.CookieHeaderBudget}}: curl drops the rest and nginx refuses the request with its defaults</span>{{else}}
<span class="muted">of the {{.CookieHeaderBudget}} that curl sends and nginx accepts by default (8 KB); other cookies of this host count too</span>{{end}}</td></tr>
</table>
</div>
<h2>Data</h2>
<pre>{{.Data}}</pre>
{{end}}
<form class="inline" method="post" action="/large"><button>Store a large value</button></form>
<form class="inline" method="post" action="/shrink"><button class="secondary">Shrink it</button></form>
<p class="muted">The same from a terminal: run</p>
<pre>{{.Inspect.DecodeCmd}}</pre>
<p class="muted">{{.Inspect.DecodeNote}}.</p>
{{end}}`,
}
