// Package session is the h3-style session API over a typed payload: a
// [Manager] for each named session, and per request a [Session] to get,
// update, touch, clear, regenerate and save.
//
// The whole session lives in the client: its envelope
// {"id","createdAt","data","lastSeenAt"?} (h3's, times in Unix milliseconds)
// is encoded as JSON, sealed with package sealed under the session's name, and
// written by package cookie as a cookie (chunked when over 4000 characters).
// A non-empty request header X-<Name>-Session carrying a sealed value wins
// over the cookie, for clients that are not browsers; the re-sealed value is
// then returned in the same response header, and no cookie is set.
//
//	m, err := session.New(session.Config[Cart]{Keys: []sealed.Key{{ID: 1, Password: pw}}})
//	...
//	http.ListenAndServe(addr, m.Middleware(mux)) // loads lazily, commits before the first byte
//	...
//	s := m.Get(r)                                // in a handler: header over cookie
//	err = s.Update(func(c *Cart) { c.Items++ })
//
// # Vocabulary
//
// The seeds' session managers (h3, next-session, a Node SessionManager) map
// onto this package one to one:
//
//	create           Manager.Get on a request without a session (IsNew reports it); saved once changed
//	get              Manager.Get (or Manager.From(ctx)); Session.Data, ID, CreatedAt, ExpiresAt
//	update           Session.Update(func(*T)); Merge for map-typed data
//	touch            Session.Touch: refresh lastSeenAt only
//	destroy / clear  Session.Clear: deletes the cookie and its chunks
//	regenerate       Session.Regenerate: new id, same data, at a change of privilege
//	login            Session.Clear, then Session.Update: a clean start with a new id
//	commit / save    Manager.Middleware commits automatically (autoCommit); Session.Save(w.Header()) by hand
//	encode / decode  Manager.Encode / Manager.Decode, for a sealed value outside any cookie
//
// Unlike h3, a new session that is never changed is never written: visitors
// who never log in get no cookie.
//
// # Carriers
//
// The rules of a session (header over cookie, chunks, expiry, sliding,
// rotation, size, migration) work from plain strings: [Manager.Load] reads a
// session from a request's Cookie header lines and its session header's
// value, and [Session.Save] writes the Set-Cookie lines and the session
// header into a header map; [Session.Done], once the response is out,
// reports a change that came too late to be saved. [Manager.Get] and
// [Manager.Middleware] are the net/http carrier on top; a serverless event,
// another framework (the Fiber adapter in httpx/fiber) or a forward-auth
// sidecar is another.
//
// # Expiry
//
// Expiry is enforced on every read from the envelope, whatever the cookie's
// attributes said: MaxAge from createdAt (default 24 hours) and IdleTimeout
// from lastSeenAt (default 2 hours), each with a small ClockSkew tolerance
// (default 5 seconds) for fleets whose clocks differ. The seal itself expires
// at the earlier of the two limits, and so do the cookie's Expires and
// Max-Age. A read more than RefreshAfter (default half the idle timeout, as in
// h3) after lastSeenAt re-seals the session to slide the idle window; reads
// in between write nothing.
//
// # Bad input
//
// An unreadable, tampered, expired, idle, revoked or oversized value gives a
// fresh empty session, and Config.OnError hears why (the reason only, never
// the value). A rejected cookie is deleted on the next save. Nothing a client
// sends can make Get fail or panic.
//
// # Rotation
//
// Config.Keys[0] seals, every key opens. A value sealed with an older key is
// read normally and re-sealed with the current key on the next save, so
// reading never fails because of rotation. See package sealed for the
// procedure across a fleet.
//
// # Size
//
// A session must fit in the cookie budget (Config.Cookie.Budget: by default
// 3072 bytes of Set-Cookie header, one cookie that passes nginx's default
// buffers, curl and API Gateway; see package cookie for the presets and what
// each platform allows) and in the chunk cap (8 chunks of 4000 characters).
// Update checks the size when it runs and, if the session would be too
// large, restores the data and returns ErrTooLarge naming the size and the
// budget, so a failure never surfaces when the response is written. Reading
// accepts whatever the chunk cap allows, so lowering the budget logs nobody
// out; a request whose chunks were dropped on the way is reported to OnError
// as cookie.ErrMissingChunks.
//
// # Formats: sharing sessions with h3 and iron-session
//
// The native format (package sealed) is built in. Config.Format plugs in
// another [Format]: package session/h3 makes a Manager a peer of an h3
// application (h3 1.x for Nuxt 3 and 4, h3 2.x for Nuxt 5 and Nitro 3), and
// package session/ironsession of an iron-session application (Next.js), and
// package session/authjs of an Auth.js one (NextAuth v5's encrypted token). Each
// is configured with the application's own password option and lifetimes;
// values are then iron "Fe26.2" seals (Auth.js's are JWEs), and the library's rules for expiry,
// sliding, re-sealing and cookie attributes replace the native ones (see
// [Rules]). A program that uses only the native format links none of iron's
// crypto. The native format stays the default, and the better choice for
// sessions only Go reads.
//
// # Statelessness and revocation
//
// A sealed session alone cannot be revoked before it expires: a copy of a
// cleared cookie stays valid until its expiry. Keep MaxAge and IdleTimeout
// short. Package session/revoke adds the smallest state that answers it ("log
// out everywhere", and logging out one session for good) through
// Config.Validate, with an embedded store for one server and a Redis one
// (session/revoke/redis) for a fleet; Config.Validate also takes the checks
// only your application can make.
//
// # FIPS 140-3
//
// The native format's XChaCha20-Poly1305 is not a FIPS 140-3 approved
// algorithm: in a program run with GODEBUG=fips140=only, New fails for it
// with an error wrapping sealed.ErrFIPSOnly, saying so.
//
// # Concurrency
//
// A Manager is immutable and safe for concurrent use; a Session is safe for
// the goroutines of its request. Several Managers with different names work
// side by side on one request.
package session
