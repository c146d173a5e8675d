// Package authjstest holds the live round trips of session/authjs with the
// real Auth.js: @auth/core 0.41.3 (with jose 6.2.18 and @panva/hkdf 1.2.1),
// pinned in package.json and run by authjs.mjs, our script, in Node. It calls
// Auth.js's own encode and decode, and its request handler Auth() for a
// Credentials sign-in, the session endpoint and update(), in-process, as a
// Next.js route handler would, without a Next.js build.
//
// Tokens made by Auth.js are read by Go and the reverse, plain and chunked,
// with two secrets in rotation, at the expiry boundary with Auth.js's
// 15-second tolerance, tampered with, and under another cookie name (the
// key derivation's salt); a Go service updates the session and Auth.js's
// session endpoint sees the change, and the other way round.
//
// The tests need node on PATH and the packages installed in
// internal/authjstest/node_modules (npm ci --prefix internal/authjstest).
// Without them they skip with the reason, except in CI (the CI environment
// variable set), where they fail instead. authjs.mjs --vectors also
// produced testdata/interop/authjs.json.
package authjstest
