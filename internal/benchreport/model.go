package main

import (
	"cmp"
	"slices"
	"strings"
)

// Packages and schemes the report knows by name. Anything else is still
// reported, under its package and scheme name.
const (
	pkgBench   = "internal/bench"
	pkgNode    = "internal/node"
	pkgSealed  = "sealed"
	pkgIron    = "sealed/iron"
	pkgSession = "session"
	pkgHTTPX   = "httpx"

	opSeal      = "Seal"
	opOpen      = "Open"
	opRoundtrip = "Roundtrip"
	opRequest   = "Request"

	small = "small"
	large = "large"
	none  = "none" // payload of the request baselines
)

// row is one benchmark placed in the report: its Stat and the parts of its
// name, with the operation normalised (session's Encode is a Seal).
type row struct {
	Stat
	Op, Payload, Scheme string
}

type rowKey struct{ pkg, op, payload, scheme string }

// index finds rows by package, operation, payload and scheme.
type index struct {
	rows  []row  // every row whose name has the Op/payload/scheme shape, in input order
	other []Stat // the rest, and rows of operations the report has no table for
	by    map[rowKey]row
}

// tableOps are the operations that get a table of their own.
var tableOps = []string{opSeal, opOpen, opRoundtrip, opRequest}

// normOp maps a package's operation name onto the report's operations:
// session's Encode and Save are a Seal, its Decode and Load an Open (Save and
// Load are the request paths: see requestScheme), sealed/iron's Unseal an Open.
func normOp(pkg, op string) string {
	switch {
	case pkg == pkgSession && (op == "Encode" || op == "Save"):
		return opSeal
	case pkg == pkgSession && (op == "Decode" || op == "Load"):
		return opOpen
	case op == "Unseal":
		return opOpen
	}
	return op
}

func newIndex(stats []Stat) *index {
	x := &index{by: map[rowKey]row{}}
	for _, s := range stats {
		op, payload, scheme, ok := SplitName(s.Name)
		if !ok {
			x.other = append(x.other, s)
			continue
		}
		r := row{Stat: s, Op: normOp(s.Pkg, op), Payload: payload, Scheme: requestScheme(s.Pkg, op, scheme)}
		if !slices.Contains(tableOps, r.Op) {
			x.other = append(x.other, s)
			continue
		}
		k := rowKey{r.Pkg, r.Op, r.Payload, r.Scheme}
		if _, dup := x.by[k]; dup {
			continue
		}
		x.by[k] = r
		x.rows = append(x.rows, r)
	}
	return x
}

// requestScheme keeps session's request-path rows (Load: a request with the
// cookie → struct; Save: a changed session → its Set-Cookie header) apart
// from its value rows (Decode, Encode) in the same table: "-request" is
// appended to their schemes.
func requestScheme(pkg, op, scheme string) string {
	if pkg == pkgSession && (op == "Load" || op == "Save") {
		return scheme + "-request"
	}
	return scheme
}

func (x *index) get(pkg, op, payload, scheme string) (row, bool) {
	r, ok := x.by[rowKey{pkg, op, payload, scheme}]
	return r, ok
}

// ns returns the median ns/op of a row, and false when it was not measured.
func (x *index) ns(pkg, op, payload, scheme string) (float64, bool) {
	r, ok := x.get(pkg, op, payload, scheme)
	return r.Ns, ok
}

// ofOp returns the rows of one operation in report order: payloads (the
// request baselines first, then small, large, others), and within a payload
// the limits, our packages, the Go peers, the Node peers. A limit or peer
// row that sealed repeats from internal/bench is left out.
func (x *index) ofOp(op string) []row {
	var rows []row
	for _, r := range x.rows {
		if r.Op != op {
			continue
		}
		if r.Pkg == pkgSealed && isReference(r.Scheme) {
			if _, dup := x.get(pkgBench, r.Op, r.Payload, r.Scheme); dup {
				continue
			}
		}
		rows = append(rows, r)
	}
	slices.SortStableFunc(rows, func(a, b row) int {
		return cmp.Or(cmp.Compare(payloadRank(a.Payload), payloadRank(b.Payload)), cmp.Compare(groupRank(a), groupRank(b)))
	})
	return rows
}

// isReference reports whether a scheme is a limit or a peer rather than ours.
func isReference(scheme string) bool {
	return strings.HasPrefix(scheme, "limit") || strings.HasPrefix(scheme, "gorilla")
}

func payloadRank(p string) int {
	switch p {
	case none:
		return 0
	case small:
		return 1
	case large:
		return 2
	}
	return 3
}

// isBaseline reports whether a request row is a route that leaves the
// session alone: the bare handler, or any row of payload "none".
func isBaseline(r row) bool { return r.Payload == none || r.Scheme == "bare" }

// groupRank orders rows inside a payload: baselines, limits, ours, Go
// peers, Node peers.
func groupRank(r row) int {
	switch {
	case r.Scheme == "bare":
		return 0
	case r.Pkg == pkgBench && strings.HasPrefix(r.Scheme, "limit"):
		return 1
	case isOursRow(r):
		return 2
	case r.Pkg == pkgNode:
		return 4
	case isReference(r.Scheme):
		return 3
	}
	return 5
}

// isOurs reports whether a package is one of sealcookie's own.
func isOurs(pkg string) bool {
	switch pkg {
	case pkgSealed, pkgIron, pkgSession, pkgHTTPX, "cookie":
		return true
	}
	return false
}

// isOursRow reports whether a row measures sealcookie itself, not a
// reference row that one of our packages keeps beside its own.
func isOursRow(r row) bool { return isOurs(r.Pkg) && !isReference(r.Scheme) && r.Scheme != "bare" }

// describe says in a few words what a row measures. versions holds the
// Node packages' versions as bench.mjs printed them.
func describe(r row, versions map[string]string) string {
	v := func(pkg, fallback string) string {
		if s := versions[pkg]; s != "" && s != "unknown" {
			return s
		}
		return fallback
	}
	switch r.Pkg {
	case pkgBench:
		switch r.Scheme {
		case "limit":
			return "XChaCha20-Poly1305 + base64url, bytes (the limit)"
		case "limit-json":
			if r.Op == opRequest {
				return "net/http handler doing the full limit: cookie → struct → cookie"
			}
			return "encoding/json + XChaCha20-Poly1305 + base64url, struct (the full limit)"
		case "gorilla-nop":
			return "gorilla/securecookie 1.1.2, bytes (NopEncoder)"
		case "gorilla-json":
			return "gorilla/securecookie 1.1.2, JSONEncoder, struct"
		case "gorilla-gob":
			return "gorilla/securecookie 1.1.2, gob (its default), struct"
		case "gorilla-sessions":
			return "gorilla/sessions 1.4.0 CookieStore: Get, change, Save"
		case "bare":
			return "net/http handler that ignores the cookie (baseline of the Go peers)"
		}
	case pkgSealed:
		switch r.Scheme {
		case "sealcookie":
			return "sealed: bytes ↔ cookie string"
		case "sealcookie-append":
			return "sealed: bytes, appended to a reused buffer"
		case "sealcookie-json":
			return "sealed + encoding/json, struct"
		case "limit":
			return "XChaCha20-Poly1305 + base64url, bytes (sealed's copy of the limit)"
		case "gorilla-nop":
			return "gorilla/securecookie 1.1.2, bytes (sealed's copy)"
		}
		return "sealed: " + r.Scheme
	case pkgSession:
		switch {
		case r.Scheme == "sealcookie" && r.Op == opSeal:
			return "session: struct → cookie value (Manager.Encode)"
		case r.Scheme == "sealcookie" && r.Op == opOpen:
			return "session: cookie value → struct, every rule checked (Manager.Decode)"
		case r.Scheme == "sealcookie-request" && r.Op == opSeal:
			return "session: changed session → Set-Cookie header (Get, Update, Save)"
		case r.Scheme == "sealcookie-request" && r.Op == opOpen:
			return "session: request with the cookie → struct (Get: cookie parse, open, decode)"
		}
		if isReference(r.Scheme) {
			return "session's own reference row: " + r.Scheme
		}
		return "session: " + r.Scheme
	case pkgHTTPX:
		switch {
		case r.Scheme == "bare":
			return "httpx's baseline: the handler without the middleware, cookie ignored"
		case r.Scheme == "untouched":
			return "httpx middleware, route that never touches the session"
		case r.Scheme == "sealcookie":
			return "httpx middleware: read, change, re-seal"
		case r.Scheme == "limit-json" && r.Op == opRequest:
			return "httpx's own reference row: the full limit by hand in a handler"
		case isReference(r.Scheme):
			return "httpx's own reference row: " + r.Scheme
		}
		return "httpx: " + r.Scheme
	case pkgIron:
		return "sealed/iron (Fe26.2): " + ironWhat(r.Scheme)
	case pkgNode:
		h3 := "h3 " + v("h3", "2.x")
		switch r.Scheme {
		case "h3-node":
			switch {
			case r.Op == opSeal:
				return h3 + " sealSession (iron, PBKDF2 ×8192)"
			case r.Op == opOpen:
				return h3 + " unsealSession (iron, PBKDF2 ×8192)"
			case r.Payload == none:
				return h3 + " app, route that never touches the session (baseline)"
			case r.Op == opRequest:
				return h3 + " app: useSession + update"
			}
		case "h3v1-node":
			switch r.Op {
			case opSeal:
				return "h3 " + v("h3v1", "1.x") + " sealSession (iron, PBKDF2 ×1)"
			case opOpen:
				return "h3 " + v("h3v1", "1.x") + " unsealSession (iron, PBKDF2 ×1)"
			}
		case "iron-session-node":
			switch r.Op {
			case opSeal:
				return "iron-session " + v("iron-session", "8.x") + " sealData (iron, PBKDF2 ×1)"
			case opOpen:
				return "iron-session " + v("iron-session", "8.x") + " unsealData (iron, PBKDF2 ×1)"
			}
		}
		return "Node: " + r.Scheme
	}
	return r.Pkg + ": " + r.Scheme
}

// ironWhat explains sealed/iron's scheme names ("h3-8192/cached").
func ironWhat(scheme string) string {
	format, mode, _ := strings.Cut(scheme, "/")
	var parts []string
	switch format {
	case "h3-8192":
		parts = append(parts, "h3 2 settings, PBKDF2 ×8192")
	case "iron-1":
		parts = append(parts, "h3 1 / iron-session settings, PBKDF2 ×1")
	default:
		parts = append(parts, format)
	}
	switch mode {
	case "cold":
		parts = append(parts, "keys derived every time")
	case "cached":
		parts = append(parts, "derived keys cached")
	case "reuse":
		parts = append(parts, "sealing keys reused")
	case "fresh-keys":
		parts = append(parts, "fresh keys every seal, as the JavaScript libraries do")
	case "":
	default:
		parts = append(parts, mode)
	}
	return strings.Join(parts, ", ")
}
