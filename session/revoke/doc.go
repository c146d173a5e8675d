// Package revoke is "log out everywhere" for sealed sessions: the smallest
// server-side state that lets a copied or stolen cookie stop working before
// it expires.
//
// # How it works
//
// A sealed session already carries the instant it was issued (createdAt,
// which Session.Regenerate resets at login) and an id. That instant is the
// revocation epoch the session was issued under: a revocation records a
// cutoff, and a session issued at or before it is refused on its next read,
// wherever it is presented. There are two kinds of cutoff, by [Key]:
//
//   - per user ([Revoker.RevokeUser], "log out everywhere"): every session
//     whose data names that user, as Config.User says;
//   - per session ([Revoker.RevokeSession], logout of one device for good):
//     one session id, so that copies of a cleared cookie die with it.
//
// A Revoker installs its check in session.Config.Validate, so every read
// (Manager.Get, Load, Decode, the Middleware) passes it; a refused session
// becomes a fresh one, its cookie is deleted, and Config.OnError hears
// session.ErrRevoked wrapping [ErrUserRevoked] or [ErrSessionRevoked].
// Nothing is written per login: the state is one record per revocation, kept
// until no session issued before it can still be alive (MaxAge after it,
// plus twice the clock skew) and then dropped.
//
//	cfg := session.Config[User]{Keys: keys}
//	rv, err := revoke.New(&cfg, revoke.Config[User]{User: func(u User) string { return u.ID }})
//	m, err := session.New(cfg) // after revoke.New: cfg.Validate now holds the check
//	...
//	s := m.Get(r); s.Regenerate()             // at login: a new epoch for this session
//	err = rv.RevokeUser(ctx, s.Data().ID)      // "log out everywhere"
//	err = rv.RevokeSession(ctx, s.ID(), s.CreatedAt()); s.Clear() // log out this one, copies included
//
// # Stores
//
// A [Store] holds the cutoffs. The default, [Memory], is embedded: one
// process, no setup, bounded memory (MemoryConfig.MaxEntries). A fleet of
// servers shares one store, so that a revocation made on one server holds on
// all: package session/revoke/redis (a module of its own) keeps the cutoffs in
// Redis and serves reads from a local copy with a bounded staleness.
//
// # Guarantees and costs
//
//   - A session issued at or before a revocation's cutoff is refused on every
//     read that its store answers; with the embedded store, at once. With a
//     shared store, within that store's staleness bound (1 second by
//     default in session/revoke/redis).
//   - Clocks: a cutoff is the revoking server's clock plus ClockSkew, so a
//     session issued just before the revocation by a server whose clock runs
//     up to ClockSkew ahead is caught too. The price: a login on any server
//     within ClockSkew after "log out everywhere" is refused as well, and must
//     be repeated. One server has one clock: set ClockSkew negative. Times
//     are whole milliseconds and cutoffs inclusive: even then, a session
//     issued in the revocation's own millisecond is revoked.
//   - A read costs one or two lookups in memory (the user's cutoff and the
//     session's); a login costs nothing; a revocation costs one write.
//   - Memory: one record per revocation, for MaxAge after it.
//
// What it does not do: it cannot list a user's sessions (there is no record
// of them: they live in cookies), it does not end a session the moment its
// cookie is copied (only when a revocation is made), and a JavaScript peer
// sharing the cookie (session/h3) does not consult it. DataOnly formats
// (iron-session) carry no createdAt or id and cannot be revoked this way.
package revoke
