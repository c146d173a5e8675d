// Package interoptest holds the live interop round trips: a session.Manager
// in the session/h3 (Version 1 or 2) or session/ironsession (Version 8 or 9)
// format exchanges cookies with the real h3 1.15.11 (Nuxt 3 and 4), h3 2.0.8
// (Nuxt 5), nuxt-auth-utils 0.5.30 (its own utilities and session routes, on
// its h3 1.15.11), iron-session 8.0.4 and iron-session 9.0.1, which
// internal/node/verify.mjs runs in Node. Go seals and the library reads, the
// library seals and Go reads, including chunked cookies, password rotation,
// legacy upgrades, sliding idle timeouts and expiry boundaries, and the cases
// where the two sides once disagreed (agree_test.go): an empty session,
// single cookies between 4001 and 4096 bytes, stale chunks left by
// overlapping requests, the SameSite attribute, and seals without an
// expiration field.
//
// The tests need node on PATH and the packages installed in
// internal/node/node_modules (npm ci --prefix internal/node). Without them
// they skip with the reason, except in CI (the CI environment variable set),
// where they fail instead.
package interoptest
