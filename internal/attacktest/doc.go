// Package attacktest is sealcookie's end-to-end adversarial suite. It holds
// no code of its own: its tests start real httptest servers running
// httpx.Middleware, a Guard, the session Endpoint, the Logout handler and a
// Proxy in front of an upstream that echoes the identity headers it gets, and
// attack them the way a hostile client would, over the wire.
//
// Each attack asserts its exact outcome: the status code, whether the request
// got a fresh session or its own, which Set-Cookie lines came back, what
// session.Config.OnError heard (matched with errors.Is), that no response
// carries another session's data, that nothing panicked (a recover check
// around the handlers and the servers' ErrorLog), that nothing answered 500,
// and that every request finished within its deadline. Oversized input is
// refused by its size before anything decodes it, which the memory checks
// show.
//
// # Outcomes
//
//	attack                                        outcome
//	every single-byte change of a valid cookie     fresh session; OnError: the sealed sentinel FORMAT.md's order gives
//	                                               (malformed, unknown key, expired or not authentic); cookie deleted
//	value sealed for one name, sent under another  fresh session; not authentic; that cookie deleted
//	value sealed with a removed key                fresh session; unknown key id; cookie deleted
//	same key id, other password                    fresh session; not authentic; cookie deleted
//	idle-expired session                           fresh session; sealed expired (the seal expires with the idle window)
//	expired session (max age), kept active         accepted until createdAt+MaxAge, then fresh; sealed expired
//	envelope past MaxAge / idle in a longer seal   fresh session; session.ErrExpired / session.ErrIdle
//	garbage session header, valid cookie           the header wins (documented): fresh session, malformed, no
//	                                               Set-Cookie, the cookie's data never shown; an empty header
//	                                               falls back to the cookie
//	1 MiB cookie / header value                    under net/http's limit (1 MiB + 4 KiB): fresh session,
//	                                               cookie too large / sealed too large, refused by length
//	2 MiB cookie / header value                    431 from net/http; the handler never runs
//	200 chunk cookies                              fresh session; malformed chunks; main cookie and chunks 1-64 deleted
//	__chunked__ counts: negative, huge, 0, 03, +3, fresh session; malformed chunks; the cookie and the chunks the
//	non-numeric, empty, too small, too large       request carried deleted
//	duplicated cookie names                        the first occurrence wins (documented cookie tossing caveat):
//	                                               garbage first gives a fresh session, a valid one its own
//	                                               session, never a mix
//	NUL byte in a cookie or header                 400 from net/http; the handler never runs
//	invalid UTF-8 in a cookie                      net/http drops the cookie: fresh session, nothing reported
//	invalid UTF-8 in the session header            fresh session; malformed
//	NUL / invalid UTF-8 in session data            NUL kept (escaped in JSON), invalid UTF-8 becomes U+FFFD;
//	                                               an identity header that would carry a NUL is left out
//	raw NUL / invalid UTF-8 inside a seal          raw NUL: invalid envelope; invalid UTF-8: read as U+FFFD
//	JSON nested 10 000 deep inside a seal          fresh session; invalid envelope (encoding/json's depth limit)
//	1e6-element array inside a seal                cannot be sealed (sealed.ErrTooLarge); a hand-built value of
//	                                               that size is refused by length without allocating
//	forged identity headers through the proxy      stripped in every spelling; the upstream sees only the
//	                                               session's identity, and no session cookie
//	open-redirect payloads at the guard, login     redirected to the bare login path (or "/"); safe paths kept;
//	and logout                                     every Location stays on the origin
//	logout replay without Validate                 ACCEPTED until it expires: a sealed cookie is a bearer token
//	                                               and the server keeps no state to revoke it
//	logout replay with a Validate epoch check      fresh session; session.ErrRevoked; cookie deleted
//	cross-site login post (login CSRF)             403 from CrossOriginProtection; no session written
//	a real shared cache (Apache httpd's mod_cache)  two cookie-less visitors of a page marked public get two
//	in front of a public page that starts sessions sessions; with KeepCacheControl the cache hands the first
//	                                               visitor's Set-Cookie to the second (the attack reproduced)
//	every answer that writes a session             Cache-Control private (a handler's public dropped),
//	                                               Vary: Cookie; two cookie-less visitors get two sessions;
//	                                               through the proxy, a signed-in page is private
//	every single-byte change of an h3 2.x or       fresh session; a sealed sentinel; the cookie left alone
//	iron-session cookie                            for the JavaScript peer (no Set-Cookie)
//	forged h3 cookies (fresh random salts)         with a one-millisecond budget: a derivation or a few, then
//	between a legitimate client's requests         absent (iron.ErrOverBudget) without deriving; with
//	                                               IssuedSaltsOnly: not authentic, no derivation; the client
//	                                               keeps its session throughout
//	iron-session "~2" stripped or changed          read as an older version's seal: the data's "persistent"
//	                                               member (none: signed out), never an error page
//	authentic JSON that does not fit the type,     fresh session; OnError names the place from the Go type,
//	secrets in map keys, every JSON codec          never a key or a value (encoding/json, json/v2 engine,
//	                                               session/jsonv2)
//	every type holding a secret, printed under     redacted: no password, key, cookie or data in any output
//	%v %+v %#v %s %q %x %X %d
//
// rotation_test.go runs a fleet of three servers through a key rotation while
// 64 clients keep their sessions, following the operator's procedure in the
// README ("Rotating keys across a fleet"). load_test.go runs 64 concurrent clients,
// each with its own cookie jar, through read-modify-write requests (run it
// with -race).
package attacktest
