// Package interoptest holds the live interop round trips: a session.Manager
// in FormatH3, FormatH3V1 or FormatIronSession exchanges cookies with the
// real h3 2.0.8, h3 1.15.11 and iron-session 8.0.4, which
// internal/node/verify.mjs runs in Node. Go seals and the library reads, the
// library seals and Go reads, including chunked cookies, password rotation,
// legacy upgrades, sliding idle timeouts and expiry boundaries.
//
// The tests need node on PATH and the packages installed in
// internal/node/node_modules (npm ci --prefix internal/node). Without them
// they skip with the reason, except in CI (the CI environment variable set),
// where they fail instead.
package interoptest
