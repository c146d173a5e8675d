// Package cookie reads and writes a session's cookies with net/http: secure
// attributes by default, h3-compatible chunking of long values, deletion of
// chunks that are no longer needed, and limits that fail with a clear error
// instead of producing a cookie the browser silently drops.
//
// The package knows nothing about what the value means (sealing and opening
// it is the job of package sealed, joined up by package session). It imports
// only the standard library, and every cookie line is produced or parsed by
// net/http ([http.Cookie.String], [http.ParseSetCookie],
// [http.Request.CookiesNamed], [http.Request.Cookies]).
//
// Package session reads and writes its cookies with this package, so most
// applications never call it. To keep some other long value in cookies, build
// a [Spec] once with [New], then call [Spec.Read], [Spec.Write] and
// [Spec.Delete] per request with the request's Cookie header lines. A Spec is
// immutable and safe for concurrent use.
//
//	spec, err := cookie.New("__Host-prefs", cookie.Attributes{})
//	...
//	value, chunks, err := spec.Read(r.Header["Cookie"]) // chunks reassembled; ErrNoCookie if absent
//	err = spec.Write(w.Header(), r.Header["Cookie"], value, time.Time{}, 3600) // chunked if long; stale chunks deleted
//
// # Defaults
//
// The zero [Attributes] give Path=/; Secure; HttpOnly; SameSite=Lax and no
// Domain (a host-only cookie, which subdomains can neither read nor set).
// Each field that weakens this says so in its documentation; among them
// [Attributes.OmitSameSite] leaves SameSite out, as h3 1.x does, so that
// each browser applies its own default. [New] checks the
// name and the combination once and wraps [ErrAttributes] with the reason:
// the __Host- prefix needs Secure, Path=/ and no Domain; __Secure- needs
// Secure; SameSite=None and Partitioned need Secure. Prefixes are matched
// case-insensitively, as browsers do.
//
// # Chunking
//
// Browsers keep at most about 4096 bytes per cookie. As in h3 (useSession),
// a value longer than [ChunkSize] (4000) characters is written as
//
//	name=__chunked__N
//	name.1=<first 4000 characters>
//	…
//	name.N=<the rest>
//
// with the same attributes on every cookie, and [Spec.Read] puts it back
// together. Reading is strict where h3 is lenient: N must be a canonical
// decimal in [1, MaxChunks] and name.1 … name.N must all be present and
// non-empty; anything else is [ErrChunks], which callers treat as "no
// session". Chunks name.i with i > N are ignored, as h3 ignores them: two
// overlapping requests can leave them (one response grows the value to four
// chunks, a later one writes two), and the browser then holds a valid
// two-chunk value beside two stale chunks, which the next write deletes.
// Chunks and plain values of any length up to what a browser keeps
// ([BrowserLimit] bytes of name and value) are accepted: other writers cut
// differently, and h3 1.x and iron-session fill single cookies past
// ChunkSize. A value that starts with "__chunked__" is never written, since
// it would be misread as a chunk count.
//
// With [Attributes.AuthJSChunks], chunks are named as Auth.js (NextAuth)
// names them: a long value is name.0 … name.(N−1) with no cookie of the name
// itself (a main cookie the request carried is deleted), and [Spec.Read]
// reads either the main cookie alone or chunks from name.0 up without a gap,
// never both. Auth.js cuts its chunks at 3936 characters and this package at
// ChunkSize; either reads the other's.
//
// When a value shrinks, [Spec.Write] deletes the chunks that the request
// carried and the new value no longer needs, and [Spec.Delete] deletes the
// main cookie and every chunk the request carried. Deletions repeat the
// cookie's Path, Domain, Secure, SameSite and Partitioned attributes (a
// browser only replaces a cookie with the same name, domain and path) and
// carry Max-Age=0 and an Expires in 1970. Within one response, a later Write
// or Delete replaces the Set-Cookie lines of an earlier one for the same
// cookie, so there is one line per cookie name and path.
//
// # Limits
//
// Two limits apply to what Write produces. [Attributes.Budget] caps the
// bytes of Set-Cookie header a value's cookies take, names and attributes
// included ([DefaultBudget], 3072 bytes: one cookie that passes curl,
// nginx's default buffers and API Gateway's HTTP API; see the presets for
// other platforms). [Attributes.MaxChunks] caps the number of chunks
// ([DefaultMaxChunks] = 8; at most [MaxChunksLimit]). [Spec.MaxLen] is the
// longest value within both; Write refuses a longer value with
// [ErrTooLarge], saying the size and the limit, before it writes anything.
// Read accepts up to MaxChunks chunks whatever the budget, refuses a cookie
// whose name and value exceed [BrowserLimit] with ErrTooLarge (checking
// sizes before concatenating), so it returns at most [Spec.MaxReadLen]
// characters, and reports chunks that did not arrive as [ErrMissingChunks]:
// a client or proxy in between dropped cookies.
//
// Write accepts only RFC 6265 cookie-octets (printable ASCII without space,
// DQUOTE, comma, semicolon and backslash), so values are never quoted and
// every peer reads them back unchanged; sealed values are base64url or iron
// strings and always qualify.
//
// # Local development over http
//
// A client stores a Secure cookie only from, and sends it only to, an origin
// it considers secure. Chrome (89+), Firefox (75+) and recent Go cookiejars
// count http://localhost and loopback addresses as secure, so the defaults
// work there. Other clients (older cookie jars, other tools) do not, and
// neither does any other plain-http host a developer may use (a LAN address,
// a container name, a *.test domain): there the session vanishes after every
// response. [Attributes.InsecureDevelopment] drops the Secure attribute for
// that case only. It must never ship: without Secure the session cookie is
// sent in clear text on any http:// request to the host. [New] refuses it
// together with anything that requires Secure (the __Host- and __Secure-
// prefixes, SameSite=None, Partitioned), so a production name such as
// "__Host-session" cannot be downgraded by accident.
//
// # Duplicated names
//
// A request can carry several cookies with the same name: one per Path or
// Domain they were set with (say, "/" and "/app", or the host and a parent
// domain). Browsers send the longest Path first, and [Spec.Read] takes the
// first occurrence of each name (the main cookie and each chunk), as
// [http.Request.Cookie] does. This order is not an authentication: a sibling
// subdomain or a man-in-the-middle on http:// can plant ("toss") a cookie of
// the same name with a more specific Path that wins. The real defence is the
// __Host- prefix (Secure, host-only, Path=/), which browsers refuse to set
// from anywhere but the host itself over https; chunk names inherit it, since
// "__Host-s.1" starts with "__Host-" too. The sealed value then has to
// authenticate itself in any case.
package cookie
