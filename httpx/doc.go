// Package httpx builds on sealcookie's sessions in net/http (the middleware
// itself is session.Manager.Middleware): a route guard that sends browsers to
// the login page and back, the session endpoint and logout handler for
// browser code, same-origin redirects, and identity headers for a reverse
// proxy's upstream.
//
// Everything takes and returns the standard types (http.Handler,
// func(http.Handler) http.Handler, httputil.ProxyRequest), so it works the
// same in an ordinary server, in serverless Go handlers (anything that hands
// you an http.Handler) and in an edge proxy, with http.ServeMux or any router
// that takes standard middleware.
//
//	m, _ := session.New(session.Config[User]{Keys: keys})
//	guard, _ := httpx.NewGuard(m, httpx.GuardConfig[User]{Authenticated: func(u User) bool { return u.ID != "" }})
//	mux := http.NewServeMux()
//	mux.Handle("GET /account", guard.Handler(account))     // m.Get(r) inside
//	mux.Handle("POST /auth/login", login)                    // Session.Clear, then Update; RedirectTarget
//	mux.Handle("POST /auth/logout", logout)                  // httpx.NewLogout
//	mux.Handle("/api/auth/session", endpoint)                // httpx.NewEndpoint
//	// CrossOriginProtection refuses cross-site form posts, login CSRF included.
//	http.ListenAndServeTLS(addr, cert, key, http.NewCrossOriginProtection().Handler(m.Middleware(mux)))
//
// # The seeds, mapped
//
//	Auth.js auth() on the server     m.Get(r) or m.From(ctx) behind m.Middleware
//	Auth.js / NextDevKit useSession  Endpoint (GET), update() is Endpoint (POST)
//	next-session autoCommit          m.Middleware; Session.Save(w.Header()) stays available
//	NextDevKit edge getSession       Guard, or Proxy with SendToLogin in an edge proxy,
//	                                 or ForwardAuth behind nginx, Caddy, Traefik or Envoy
//
// # Committing
//
// session.Manager.Middleware commits a session only if the handler asked for
// it, at the first final WriteHeader, Write, ReadFrom or Flush, or when the
// handler returns having written nothing. The handlers here that change a
// session (the endpoint's update, logout) save it themselves, so they work
// with or without the middleware.
//
// # Same-origin rules
//
// Redirect targets pass [SafeRedirect]: a same-origin path, refused if it has
// a scheme or a host, starts with "//" or "/\", holds backslashes, spaces or
// control characters, or turns into any of these when percent-decoded, once
// or several times. The session endpoint's update and the logout handler
// accept a POST only from the same origin (net/http's CrossOriginProtection:
// Sec-Fetch-Site, else Origin against Host); see [ErrCrossOrigin].
//
// The login handler is the application's, and it needs the same check: a
// login that accepts a cross-site form post lets another site sign the
// victim in as the attacker (login CSRF), who then sees what the victim
// does in that session. Wrap it, or the whole handler, in
// http.NewCrossOriginProtection().Handler, as the README's quick start and
// the demo do, and start the session afresh there (Session.Clear, then
// Session.Update), so nothing planted before the login survives it.
//
// # htmx
//
// Every redirect the package makes (the guard's, the logout handler's, the
// proxy's SendToLogin) goes through [Redirect]: a request htmx made
// (HX-Request: true) gets 200 with HX-Redirect instead of a 303, which htmx
// would follow inside its own request and swap into a fragment, and the guard
// sends it back to the page the browser shows (HX-Current-URL, same host
// only) rather than to the fragment's URL.
//
// # Identity for upstreams
//
// A [Proxy] deletes every identity header a client sent (any letter case, every
// value, and the underscore spellings CGI-style servers merge with them) and
// sets the ones it derives from the session, so an upstream can trust them
// as long as it is reachable only through the proxy. By default the session
// cookie and header are not forwarded; the client's other cookies are, byte
// for byte. Its ModifyResponse adds "Vary: Cookie" to the upstream's
// responses and makes those that depend on the identity private, since a
// shared cache cannot vary on headers that clients never send.
//
// # Caching
//
// A response on which a session is written (a Set-Cookie, the session
// header) is made private for shared caches by the session package itself
// (session.Config.KeepCacheControl opts out); the session endpoint and the
// deny answers are no-store.
//
// # Forward auth
//
// A [ForwardAuth] answers a proxy's authorization sub-request (nginx
// auth_request, Caddy forward_auth, Traefik ForwardAuth, Envoy ext_authz)
// from the original request's session: 200 with every configured identity
// header (empty when the session lacks it, so a proxy that copies them
// replaces a client's copy), a redirect to the login URL for browser
// navigations, 401 otherwise. The sealcookie command runs it as a sidecar
// (sealcookie forward-auth), for the native format and the JavaScript
// peers'; docs/forward-auth has the proxies' configurations.
//
// # Statelessness
//
// A sealed session alone cannot be revoked before it expires: logging out
// deletes the browser's cookie, but a copy of it stays valid.
// [LogoutConfig.OnLogout] is the place to revoke it with package
// session/revoke, whose check session.Config.Validate runs on every read.
package httpx
