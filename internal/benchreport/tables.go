package main

// What the report shows. A ref names a benchmark: "package name", the
// package relative to the module and the name as benchfmt has it (without
// "Benchmark" and the GOMAXPROCS suffix), %s standing for the payload. A
// "+" in front means its added time: the request minus its package's
// baseline (below), pass by pass. A row whose ref has no %s is of payload
// "none", shown once, first. In a column, "@" stands for the row's ref.

const small, large = "small", "large"

// baselines are, by package, the request that leaves the session alone
// (cookie sent, session ignored).
var baselines = map[string]string{"httpx": "Request/%s/bare", "internal/bench": "Request/%s/bare", "internal/node": "Request/none/h3-node"}

type rowDef struct {
	ref, scheme, what string
	ours              bool
}

// colDef is a column of ratios num ÷ den, computed pass by pass; "@pkg"
// stands for the row's package.
type colDef struct{ head, num, den string }

type table struct {
	title, intro string
	rows         []rowDef
	cols         []colDef
	added        bool     // an "added" column (request tables)
	payloads     []string // the payloads shown, "none" first; nil means none, small and large
}

func limitCols(op string) []colDef {
	return []colDef{
		{"× limit", "@", "internal/bench " + op + "/%s/limit"},
		{"× full limit", "@", "internal/bench " + op + "/%s/limit-json"},
		{"gorilla JSON ÷ this", "internal/bench " + op + "/%s/gorilla-json", "@"},
		{"gorilla gob ÷ this", "internal/bench " + op + "/%s/gorilla-gob", "@"},
		{"iron-session ÷ this", "internal/node " + op + "/%s/iron-session-node", "@"},
		{"h3 2 ÷ this", "internal/node " + op + "/%s/h3-node", "@"},
	}
}

func peerRows(op, verb string) []rowDef {
	return []rowDef{
		{"internal/bench " + op + "/%s/gorilla-nop", "gorilla-nop", "gorilla/securecookie, bytes (NopEncoder)", false},
		{"internal/bench " + op + "/%s/gorilla-json", "gorilla-json", "gorilla/securecookie, JSONEncoder, struct", false},
		{"internal/bench " + op + "/%s/gorilla-gob", "gorilla-gob", "gorilla/securecookie, gob (its default), struct", false},
		{"internal/node " + op + "/%s/h3-node", "h3-node", "h3 2 " + verb + "Session (iron, PBKDF2 ×8192)", false},
		{"internal/node " + op + "/%s/h3v1-node", "h3v1-node", "h3 1 " + verb + "Session (iron, PBKDF2 ×1)", false},
		{"internal/node " + op + "/%s/iron-session-node", "iron-session-node", "iron-session " + verb + "Data (iron, PBKDF2 ×1)", false},
	}
}

var tables = []table{
	{
		title: "Seal: value → cookie",
		intro: "Bytes rows start from the payload's JSON; struct rows from the Go struct (`internal/testpayload`) or, for Node, the JavaScript object.",
		cols:  limitCols("Seal"),
		rows: append([]rowDef{
			{"internal/bench Seal/%s/limit", "limit", "XChaCha20-Poly1305 + base64url, bytes (the limit)", false},
			{"internal/bench Seal/%s/limit-json", "limit-json", "encoding/json + XChaCha20-Poly1305 + base64url, struct (the full limit)", false},
			{"sealed Seal/%s/sealcookie", "sealcookie", "sealed: bytes → cookie string", true},
			{"sealed Seal/%s/sealcookie-append", "sealcookie-append", "sealed: bytes, appended to a reused buffer", true},
			{"sealed Seal/%s/sealcookie-json", "sealcookie-json", "sealed + encoding/json, struct", true},
			{"sealed/iron Seal/h3-8192/reuse/%s", "iron h3-8192/reuse", "sealed/iron (Fe26.2): h3 2 settings, PBKDF2 ×8192, sealing keys reused", true},
			{"sealed/iron Seal/iron-1/reuse/%s", "iron iron-1/reuse", "sealed/iron (Fe26.2): iron-session settings, PBKDF2 ×1, sealing keys reused", true},
			{"sealed/iron Seal/h3-8192/fresh-keys/%s", "iron h3-8192/fresh-keys", "sealed/iron (Fe26.2): h3 2 settings, PBKDF2 ×8192, fresh keys every seal, as the JavaScript libraries do", true},
			{"session Encode/%s/sealcookie", "sealcookie", "session: struct → cookie value (Manager.Encode)", true},
			{"session Encode/%s/sealcookie-jsonv2", "sealcookie-jsonv2", "session with the JSONv2 codec (encoding/json/v2, GOEXPERIMENT=jsonv2)", true},
			{"session Save/%s/sealcookie", "sealcookie-request", "session: changed session → Set-Cookie header (Get, Update, Save)", true},
		}, peerRows("Seal", "seal")...),
	},
	{
		title: "Open: cookie → value",
		intro: "The reverse of Seal, result checked after the loop.",
		cols:  limitCols("Open"),
		rows: append([]rowDef{
			{"internal/bench Open/%s/limit", "limit", "XChaCha20-Poly1305 + base64url, bytes (the limit)", false},
			{"internal/bench Open/%s/limit-json", "limit-json", "encoding/json + XChaCha20-Poly1305 + base64url, struct (the full limit)", false},
			{"sealed Open/%s/sealcookie", "sealcookie", "sealed: cookie string → bytes", true},
			{"sealed Open/%s/sealcookie-json", "sealcookie-json", "sealed + encoding/json, struct", true},
			{"sealed/iron Unseal/h3-8192/cold/%s", "iron h3-8192/cold", "sealed/iron (Fe26.2): h3 2 settings, PBKDF2 ×8192, keys derived every time", true},
			{"sealed/iron Unseal/h3-8192/cached/%s", "iron h3-8192/cached", "sealed/iron (Fe26.2): h3 2 settings, PBKDF2 ×8192, derived keys cached", true},
			{"sealed/iron Unseal/iron-1/cold/%s", "iron iron-1/cold", "sealed/iron (Fe26.2): iron-session settings, PBKDF2 ×1, keys derived every time", true},
			{"sealed/iron Unseal/iron-1/cached/%s", "iron iron-1/cached", "sealed/iron (Fe26.2): iron-session settings, PBKDF2 ×1, derived keys cached", true},
			{"session Decode/%s/sealcookie", "sealcookie", "session: cookie value → struct, every rule checked (Manager.Decode)", true},
			{"session Decode/%s/sealcookie-jsonv2", "sealcookie-jsonv2", "session with the JSONv2 codec (encoding/json/v2, GOEXPERIMENT=jsonv2)", true},
			{"session Load/%s/sealcookie", "sealcookie-request", "session: request with the cookie → struct (Get: cookie parse, open, decode)", true},
		}, peerRows("Open", "unseal")...),
	},
	{
		title: "Round trip: open, change a value, seal again",
		intro: "What a request that changes its session does with the cookie, without HTTP.",
		cols: []colDef{
			{"× full limit", "@", "internal/bench Roundtrip/%s/limit-json"},
			{"gorilla JSON ÷ this", "internal/bench Roundtrip/%s/gorilla-json", "@"},
			{"gorilla gob ÷ this", "internal/bench Roundtrip/%s/gorilla-gob", "@"},
		},
		rows: []rowDef{
			{"internal/bench Roundtrip/%s/limit-json", "limit-json", "encoding/json + XChaCha20-Poly1305 + base64url, struct (the full limit)", false},
			{"internal/bench Roundtrip/%s/gorilla-json", "gorilla-json", "gorilla/securecookie, JSONEncoder, struct", false},
			{"internal/bench Roundtrip/%s/gorilla-gob", "gorilla-gob", "gorilla/securecookie, gob (its default), struct", false},
		},
	},
	{
		title: "Full request: read the session, change it, write it back",
		intro: "In-process requests: Go through `httptest` (request parsing and recorder included), Node through a real `H3` app with real `Request` objects. *added* = the request − the same package's `bare` route for the same payload (cookie sent, session ignored; for Node, `none/h3-node`), pass by pass: the time the session adds. *× limit round trip* divides *added* by the full limit's open + seal round trip; *× limit request* divides the whole request by the full limit written as a plain handler (`internal/bench`, `limit-json`); the peer columns compare added times.",
		added: true,
		cols: []colDef{
			{"× limit round trip", "+@", "internal/bench Roundtrip/%s/limit-json"},
			{"× limit request", "@", "internal/bench Request/%s/limit-json"},
			{"gorilla/sessions ÷ this (added)", "+internal/bench Request/%s/gorilla-sessions", "+@"},
			{"h3 2 ÷ this (added)", "+internal/node Request/%s/h3-node", "+@"},
		},
		rows: []rowDef{
			{"httpx Request/none/bare", "bare", "httpx's baseline: the handler without the middleware", false},
			{"httpx Request/none/untouched", "untouched", "httpx middleware, route that never touches the session", true},
			{"internal/node Request/none/h3-node", "h3-node", "h3 2 app, route that never touches the session (baseline)", false},
			{"httpx Request/%s/bare", "bare", "httpx's baseline: the handler without the middleware, cookie ignored", false},
			{"internal/bench Request/%s/bare", "bare", "net/http handler that ignores the cookie (baseline of the Go peers)", false},
			{"internal/bench Request/%s/limit-json", "limit-json", "net/http handler doing the full limit: cookie → struct → cookie", false},
			{"httpx Request/%s/sealcookie", "sealcookie", "httpx middleware: read, change, re-seal", true},
			{"internal/bench Request/%s/gorilla-sessions", "gorilla-sessions", "gorilla/sessions CookieStore: Get, change, Save", false},
			{"internal/node Request/%s/h3-node", "h3-node", "h3 2 app: useSession + update", false},
		},
	},
	{
		title: "Forward auth: one authorization sub-request",
		intro: "What a proxy's `auth_request` / `forward_auth` costs the sidecar per gated request, through `httptest` (request parsing and recorder included): `httpx.ForwardAuth` with two identity headers, beside `Manager.Decode` of the same value alone and a handler that answers 200 without reading the cookie. Through nginx on loopback, see the gated ÷ ungated figures in the forward-auth docs (`make edge-load`).",
		cols: []colDef{
			{"× Manager.Decode", "@", "httpx ForwardAuth/%s/decode"},
			{"× bare 200", "@", "httpx ForwardAuth/%s/bare"},
		},
		rows: []rowDef{
			{"httpx ForwardAuth/%s/bare", "bare", "handler that answers 200 and ignores the cookie (baseline)", false},
			{"httpx ForwardAuth/%s/decode", "decode", "session: Manager.Decode of the cookie's value alone", true},
			{"httpx ForwardAuth/%s/forward-auth", "forward-auth", "httpx.ForwardAuth: cookie → session → 200 with identity headers", true},
		},
	},
	revocationTable,
}

// revocationTable: a session read with "log out everywhere" on (package
// session/revoke's embedded store, session/revoke/redis's Redis store) beside
// the same read without it, each measured in its own package's run.
var revocationTable = table{
	title:    "Revocation: a session read with log out everywhere on",
	payloads: []string{"none", small}, // measured on the small payload only
	intro:    "`Manager.Load` of the small payload's cookie (every rule checked), without revocation (*off*) and with it: the embedded store holding 10,000 other revocations; the Redis store (a real `redis-server` on loopback) with its local copy fresh, as nearly every read finds it, and with the copy stale so that the read asks Redis (*redis-miss*: two HGET round trips, the user's cutoff and the session's). *check* rows time `Revoker.Check` alone, what revocation adds to a read, less noisy than the difference of two reads. *× off* divides by the *off* read of the same package (the same `go test` run), pass by pass. Rows without a payload: the embedded store alone under 64 goroutines (`b.SetParallelism`; its time is wall time per operation of all of them together, so operations per second are 1 s ÷ it), looking up keys 1 in 10 of which are revoked, and with a revocation every 100 operations (*mixed*); and one revocation through the Redis store (the Lua script: cap, sweep, record, count, publish).",
	cols:     []colDef{{"× off", "@", "@pkg Read/%s/off"}},
	rows: []rowDef{
		{"session/revoke Memory/parallel64/read", "memory-64", "embedded store: Cutoff under 64 goroutines", true},
		{"session/revoke Memory/parallel64/mixed", "memory-64-mixed", "embedded store: 99 Cutoff and 1 Revoke per 100 operations, 64 goroutines", true},
		{"session/revoke/redis Revoke", "redis-revoke", "Redis store: one revocation (a round trip to Redis on loopback)", true},
		{"session/revoke Read/%s/off", "off", "session read, no revocation (the embedded run's baseline)", false},
		{"session/revoke Read/%s/memory", "memory", "session read checked against the embedded store", true},
		{"session/revoke Check/%s/memory", "memory-check", "the check alone (Revoker.Check): what a read adds, embedded store", true},
		{"session/revoke/redis Read/%s/off", "off", "session read, no revocation (the Redis run's baseline)", false},
		{"session/revoke/redis Read/%s/redis", "redis", "session read checked against the Redis store's fresh local copy", true},
		{"session/revoke/redis Check/%s/redis", "redis-check", "the check alone (Revoker.Check): what a read adds, Redis store, copy fresh", true},
		{"session/revoke/redis Read/%s/redis-miss", "redis-miss", "session read whose copy is stale: it asks Redis", true},
	},
}

// Refs the summary and the targets read, with the small payload.
const sessEncode, sessDecode, httpxReq = "session Encode/%s/sealcookie", "session Decode/%s/sealcookie", "httpx Request/%s/sealcookie"

// targets are the goals: the median of the per-pass num ÷ den, for
// the small payload, is at most goal (or with atLeast at least goal).
var targets = []struct {
	name     string
	goal     float64
	atLeast  bool
	num, den string
}{
	{"Seal (struct → cookie) ≤ 1.3× the full limit (JSON + AEAD + base64url)", 1.3, false, sessEncode, "internal/bench Seal/%s/limit-json"},
	{"Seal ≥ 2.5× faster than gorilla/securecookie JSON", 2.5, true, "internal/bench Seal/%s/gorilla-json", sessEncode},
	{"Seal ≥ 7× faster than gorilla/securecookie gob", 7, true, "internal/bench Seal/%s/gorilla-gob", sessEncode},
	{"Open (cookie → struct) ≤ 1.2× the full limit", 1.2, false, sessDecode, "internal/bench Open/%s/limit-json"},
	{"Open ≥ 2× faster than gorilla/securecookie JSON", 2, true, "internal/bench Open/%s/gorilla-json", sessDecode},
	{"Open ≥ 8× faster than gorilla/securecookie gob", 8, true, "internal/bench Open/%s/gorilla-gob", sessDecode},
	{"Decode (cookie value → struct) ≤ 1.1× its bare counterpart in the same binary", 1.1, false, sessDecode, "session Decode/%s/limit-json"},
	{"Load (Cookie header with 3 other cookies → struct) ≤ 1.2× its bare counterpart", 1.2, false, "session Load/%s/sealcookie", "session Load/%s/limit-json"},
	{"Middleware request that reads and re-seals: time it adds ≤ 1.5× the full limit's open + seal round trip", 1.5, false, "+" + httpxReq, "internal/bench Roundtrip/%s/limit-json"},
	{"Time a request's session adds ≥ 1000× less than h3 2's", 1000, true, "+internal/node Request/%s/h3-node", "+" + httpxReq},
	{"A session read with revocation on (embedded store) ≤ 1.1× the same read without it", 1.1, false, "session/revoke Read/%s/memory", "session/revoke Read/%s/off"},
	{"A session read with revocation on (Redis store, copy fresh) ≤ 1.1× the same read without it", 1.1, false, "session/revoke/redis Read/%s/redis", "session/revoke/redis Read/%s/off"},
}

const goalExtraChars = 16 // sealcookie's cookie ≤ the bare AEAD + base64url value + 16 characters

// chartBars are the chart's per-request costs: the sum of refs, pass by pass.
var chartBars = []struct {
	label string
	ours  bool
	refs  []string
}{
	{"sealcookie httpx: request, added time", true, []string{"+" + httpxReq}},
	{"sealcookie session: Decode + Encode", true, []string{sessDecode, sessEncode}},
	{"sealcookie session JSONv2: Decode + Encode", true, []string{sessDecode + "-jsonv2", sessEncode + "-jsonv2"}},
	{"sealcookie iron ×8192, keys cached: unseal + seal", true, []string{"sealed/iron Unseal/h3-8192/cached/%s", "sealed/iron Seal/h3-8192/reuse/%s"}},
	{"limit: JSON + AEAD + base64url, round trip", false, []string{"internal/bench Roundtrip/%s/limit-json"}},
	{"gorilla/securecookie JSON: round trip", false, []string{"internal/bench Roundtrip/%s/gorilla-json"}},
	{"gorilla/securecookie gob: round trip", false, []string{"internal/bench Roundtrip/%s/gorilla-gob"}},
	{"gorilla/sessions: request, added time", false, []string{"+internal/bench Request/%s/gorilla-sessions"}},
	{"iron-session: unseal + seal", false, []string{"internal/node Open/%s/iron-session-node", "internal/node Seal/%s/iron-session-node"}},
	{"h3 1: unseal + seal", false, []string{"internal/node Open/%s/h3v1-node", "internal/node Seal/%s/h3v1-node"}},
	{"h3 2: request, added time", false, []string{"+internal/node Request/%s/h3-node"}},
}
