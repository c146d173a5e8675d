// Package authjs is the session format of Auth.js (NextAuth v5, @auth/core),
// for Go services and edge proxies that share a Next.js application's
// session: they read it, and may change it, as the application's own
// auth() and update() do.
//
//	f, err := authjs.New(authjs.Config{Secrets: authjs.SecretsFromEnv(os.Getenv)})
//	m, err := session.New(session.Config[User]{Format: f})
//
// Auth.js's default session is stateless: its claims ({name, email,
// picture, sub} plus whatever the application's jwt callback adds) are an
// encrypted token in the __Secure-authjs.session-token cookie. The token is
// a compact JWE with "alg":"dir" and "enc":"A256CBC-HS512", under a key
// derived with HKDF-SHA-256 from the secret (AUTH_SECRET), with the cookie
// name as salt and "Auth.js Generated Encryption Key (<salt>)" as info; its
// kid is the key's JWK thumbprint, so a list of secrets rotates (the first
// encrypts, the kid picks on decode). Sessions are data-only (see
// session.Rules.DataOnly): the session's data is the token's claims, and
// Session.ID, CreatedAt and ExpiresAt are zero; read iat, exp and jti
// through [Claims].
//
// # A Go service next to a Next.js app
//
// Give the Go service the application's AUTH_SECRET (and AUTH_SECRET_1 to _3
// while rotating) and serve it on the same site, so that the browser sends
// it the cookie. Declare the claims the application puts in its token:
//
//	type User struct {
//		authjs.Claims        // name, email, picture, sub; iat, exp, jti
//		Role string `json:"role,omitempty"` // added by the app's jwt callback
//	}
//
//	f, err := authjs.New(authjs.Config{Secrets: authjs.SecretsFromEnv(os.Getenv)})
//	m, err := session.New(session.Config[User]{Format: f})
//	http.ListenAndServe(addr, m.Middleware(mux))
//	// in a handler:
//	u := m.Get(r).Data()           // u.Subject, u.Email, u.Role
//	err = m.Get(r).Update(func(u *User) { u.Role = "admin" })
//
// Update is Auth.js's update() and unstable_update seen from Go: the
// Middleware writes the new token (chunked as Auth.js chunks it), and the
// application's next auth() or useSession() returns the change, through its
// jwt and session callbacks as for any token. Go writes the claims of the
// session type only: a claim the type does not declare is dropped when Go
// writes the token. Declare every claim the application keeps, or use
// map[string]any (with session.Merge for updates), which keeps them all.
//
// Over plain http in development, Auth.js's cookie is authjs.session-token
// (InsecureCookieName) without Secure: set Config.CookieName to it and
// session.Config.Cookie.InsecureDevelopment.
//
// # A Go edge in front of it
//
// A reverse proxy (httpx.NewProxy) or a forward-auth endpoint builds the same
// Manager and only reads: it lets signed-in requests through with identity
// headers and sends the others to the application's sign-in page.
//
//	p, err := httpx.NewProxy(m, httpx.ProxyConfig[User]{
//		Headers:         map[string]httpx.IdentityFunc[User]{"X-User-Id": func(s *session.Session[User]) (string, bool) { return s.Data().Subject, s.Data().Subject != "" }},
//		Authenticated:   func(u User) bool { return u.Subject != "" },
//		Unauthenticated: httpx.SendToLogin,
//		LoginPath:       "/api/auth/signin",
//		Param:           "callbackUrl",
//		ForwardSession:  true, // the Next.js app reads its own cookie
//	})
//
// # What matches Auth.js, and what does not
//
// Matched: the cookie names and attributes (HttpOnly, SameSite=Lax, Path=/,
// Secure with the __Secure- name), the key derivation, the header Auth.js
// writes byte for byte, A256CBC-HS512 on encode and A256CBC-HS512 or A256GCM
// on decode, the kid (and, without a kid, the first secret), the secret list
// and AUTH_SECRET_1 to _3 (SecretsFromEnv), iat, exp = iat + maxAge and a
// random UUID jti on every encode, the 15-second Tolerance on exp and nbf in
// whole seconds, chunk names .0, .1, … and the deletion of the cookies a
// write no longer needs. The internal/authjstest suite holds all of it
// against the real @auth/core.
//
// Deliberately different, each for a reason:
//
//   - A token without exp is refused (Auth.js's decode accepts it, and it
//     would never expire), and so is an exp jose reads as Infinity.
//   - Parsing is strict: base64url without padding, whitespace or stray
//     bits, no encrypted key, no "zip" (decompression is a zip-bomb vector
//     and Auth.js never compresses) and no "crit", no header member but alg,
//     enc, kid, typ and cty, and a payload of valid UTF-8. Auth.js never
//     writes any of these.
//   - Secrets must have at least MinSecretLen (32) bytes: HKDF does not
//     stretch a password, so a short secret falls to an offline search from
//     any token. `npx auth secret` makes 44 characters.
//   - A read writes the token anew only when it is older than UpdateAge
//     (24 hours by default), not at every read as Auth.js's session
//     endpoint does: the expiry still slides, without a Set-Cookie on every
//     response of the Go service.
//   - The cookie carries Max-Age = MaxAge instead of Expires = now + MaxAge:
//     the same lifetime, without depending on the client's clock.
//   - Chunks are cut at 4000 characters (package cookie's ChunkSize), not
//     3936; either side reads the other's. Reading is strict: the main cookie
//     alone, or .0 … .N−1 without a gap, never both, where Auth.js joins
//     every cookie whose name starts with the session cookie's.
//   - A refused cookie is left for Auth.js (whose session endpoint deletes
//     it) rather than deleted by Go: during a secret rotation the application
//     may hold a secret the Go service does not have yet.
//   - No Authorization: Bearer fallback (Auth.js's getToken has one, its
//     auth() does not) and no session header unless session.Config.Header
//     names one.
//   - The key derivation's salt is always the cookie name, as in Auth.js's
//     session handling (getToken can be given another).
//
// The standard library does the cryptography: crypto/hkdf, AES-CBC with
// HMAC-SHA-512 truncated to 256 bits (RFC 7518 §5.2.5, checked against its
// test vector) compared in constant time, and AES-GCM.
package authjs
