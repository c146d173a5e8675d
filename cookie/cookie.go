package cookie

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

const (
	// ChunkSize is the longest cookie value, in characters, that one cookie
	// carries when [Spec.Write] writes it: h3's chunk size. Longer values are
	// split into chunks of this size.
	ChunkSize = 4000

	// BrowserLimit is the most bytes browsers keep for one cookie's name and
	// value together (RFC 6265bis; Chrome, Firefox and Safari). [Spec.Read]
	// accepts any cookie within it, since other writers (h3 1.x,
	// iron-session) fill single cookies past ChunkSize.
	BrowserLimit = 4096

	// DefaultMaxChunks is the chunk cap used when [Attributes.MaxChunks] is 0,
	// so the longest value is ChunkSize*DefaultMaxChunks = 32000 characters.
	DefaultMaxChunks = 8

	// MaxChunksLimit is the largest [Attributes.MaxChunks] that [New] accepts.
	// It is also how far [Spec.Write] and [Spec.Delete] look for chunk cookies
	// (name.1 … name.64) in a request, so the scan is bounded.
	MaxChunksLimit = 64

	// chunkedPrefix marks a chunked cookie's main value, as in h3:
	// name=__chunked__N, then name.1 … name.N.
	chunkedPrefix = "__chunked__"

	// maxNameLen keeps name.NN=<ChunkSize characters> within the
	// BrowserLimit bytes that browsers allow for a cookie's name and value.
	maxNameLen = BrowserLimit - ChunkSize - len(".64=")

	// maxAttrLen is the longest Path or Domain browsers honour (RFC 6265bis
	// ignores longer attribute values, which would silently change the scope).
	maxAttrLen = 1024
)

// ErrNoCookie reports that the request carries no (non-empty) session cookie.
// It wraps [http.ErrNoCookie], so errors.Is(err, http.ErrNoCookie) holds too.
var ErrNoCookie = fmt.Errorf("cookie: %w", http.ErrNoCookie)

var (
	// ErrChunks reports a malformed chunked cookie: a bad chunk count, a missing,
	// empty or unexpected chunk. Callers treat it like [ErrNoCookie]: start a
	// fresh session (a later [Spec.Write] or [Spec.Delete] cleans the chunks up).
	ErrChunks = errors.New("cookie: malformed chunked cookie")

	// ErrTooLarge reports a value over the limit: on Write, longer than
	// [Spec.MaxLen]; on Read, a cookie whose name and value together exceed
	// [BrowserLimit] bytes (no browser would have kept it).
	ErrTooLarge = errors.New("cookie: value too large")

	// ErrAttributes reports an invalid name or attribute combination at
	// construction; the wrapping error says which rule was broken.
	ErrAttributes = errors.New("cookie: invalid attributes")

	// ErrInvalid reports an argument that [Spec.Write] cannot write: an empty
	// value, a byte outside RFC 6265's cookie-octet set, a value that starts
	// with h3's reserved "__chunked__" marker, a negative maxAge or an Expires
	// outside the years 1601–9999.
	ErrInvalid = errors.New("cookie: invalid value")
)

// Attributes are the attributes of the session cookie (and of its chunks).
// The zero value gives the secure defaults: Path=/; Secure; HttpOnly;
// SameSite=Lax; host-only (no Domain); at most [DefaultMaxChunks] chunks
// and [DefaultBudget] bytes of Set-Cookie header.
type Attributes struct {
	// Path scopes the cookie. "" means "/". It must start with "/".
	Path string

	// Domain makes the cookie visible to subdomains too. "" means host-only,
	// which is recommended: a Domain cookie can be read and overwritten by
	// every subdomain.
	Domain string

	// SameSite is 0 or http.SameSiteDefaultMode for Lax (the attribute is
	// written unless OmitSameSite). SameSiteNoneMode requires Secure.
	SameSite http.SameSite

	// OmitSameSite writes no SameSite attribute at all, as h3 1.x does by
	// default, so that cookies match a peer's byte for byte. It is weaker:
	// each browser then applies its own default, which is Lax in Chrome and
	// Edge (with a two-minute exception that lets a fresh cookie ride a
	// cross-site POST) but None in Firefox and Safari, where the session
	// cookie then travels on cross-site requests and only CSRF defences of
	// the application's own (http.CrossOriginProtection) stop forged ones.
	// SameSite must then be 0 or http.SameSiteDefaultMode.
	OmitSameSite bool

	// Partitioned sets the CHIPS attribute (storage partitioned by top-level
	// site, for third-party contexts). It requires Secure.
	Partitioned bool

	// JavaScriptReadable drops HttpOnly so that scripts can read the cookie.
	// This is almost never wanted for a session: any XSS can then steal it.
	JavaScriptReadable bool

	// InsecureDevelopment drops the Secure attribute, so that clients that do
	// not treat the development origin as secure still store the cookie and
	// send it back over plain http (see "Local development over http" in the
	// package documentation). For local development only; it must never ship,
	// since without Secure the session cookie travels in clear text on any
	// http:// request to the host. [New] refuses it together with a __Host-
	// or __Secure- name, SameSite=None or Partitioned, which all require
	// Secure.
	InsecureDevelopment bool

	// MaxChunks caps the number of chunks a value may be split into. 0 means
	// [DefaultMaxChunks]; 1 disables chunking (values up to [ChunkSize]).
	// At most [MaxChunksLimit]. Reading accepts this many chunks even when
	// the Budget lets Write produce fewer, so a lowered budget does not log
	// out sessions written before it.
	MaxChunks int

	// AuthJSChunks names the chunks of a long value as Auth.js (NextAuth)
	// does: name.0 … name.(N−1), with no cookie of the name itself, instead
	// of h3's name=__chunked__N plus name.1 … name.N. false means h3's
	// scheme. Formats whose peer is Auth.js set it (session.Rules).
	AuthJSChunks bool

	// Budget caps the bytes of Set-Cookie header ("Set-Cookie: " name=value
	// and attributes, CRLF, for the main cookie and every chunk) that a
	// value may take, so the session passes the proxies and platforms in
	// front (see the presets and their table). 0 means [DefaultBudget]
	// (3072 bytes: one cookie, within nginx's default buffers); [NoBudget]
	// (-1) leaves MaxChunks as the only limit. [Spec.Write] refuses a value
	// over it with [ErrTooLarge].
	Budget int
}

// Spec is a validated cookie name with its attributes. It is immutable and
// safe for concurrent use; build it once with [New].
type Spec struct {
	name        string
	attrs       Attributes  // normalised
	tmpl        http.Cookie // Path, Domain, Secure, HttpOnly, SameSite, Partitioned
	lastAttrs   atomic.Pointer[renderedAttrs]
	domain      string // attrs.Domain lowercased, without a leading dot, for matching
	chunkPrefix string // name + "."
	// first is the index of the first chunk: 1 in h3's scheme, 0 in
	// Auth.js's. Chunks are handled by slot, 1 to MaxChunksLimit: the chunk
	// of slot k is name.(k−1+first).
	first      int
	chunkNames []string // [0] = name, [k] = the chunk of slot k, 1 ≤ k ≤ MaxChunksLimit
	mainValues []string // [n] = "__chunked__n" for 2 ≤ n ≤ MaxChunks (h3's scheme)
	deletions  []string // [k] = Set-Cookie line deleting chunkNames[k], k ≤ MaxChunks
	maxAttrLen int      // the longest attribute part a Write produces (see maxAttrs)
	maxLen     int      // the longest value that fits MaxChunks and Budget
}

// New validates name and a and returns a [Spec]. Every check happens here,
// once; the errors wrap [ErrAttributes]:
//
//   - name is a non-empty token (RFC 7230), short enough that name.NN plus a
//     [ChunkSize] value fits the browsers' 4096-byte limit;
//   - names starting with __Host- (compared case-insensitively, as browsers
//     do) need Secure, Path "/" and no Domain; __Secure- names need Secure;
//     __Http- and __Host-Http- names also need HttpOnly;
//   - SameSite=None and Partitioned need Secure, so InsecureDevelopment
//     cannot be combined with them or with the prefixes;
//   - Path starts with "/", Path and Domain are valid for net/http and at
//     most 1024 bytes; MaxChunks is between 0 and [MaxChunksLimit];
//   - Budget is 0, [NoBudget] or at least the size of one cookie line
//     with a one-character value.
func New(name string, a Attributes) (*Spec, error) {
	bad := func(format string, args ...any) (*Spec, error) {
		return nil, fmt.Errorf("%w: "+format, append([]any{ErrAttributes}, args...)...)
	}
	if name == "" {
		return bad("empty cookie name")
	}
	if len(name) > maxNameLen {
		return bad("cookie name is %d bytes, limit %d", len(name), maxNameLen)
	}
	if (&http.Cookie{Name: name}).Valid() != nil {
		return bad("cookie name %q is not a valid token", name)
	}
	if i := strings.LastIndexByte(name, '.'); i > 0 && i < len(name)-1 && strings.Trim(name[i+1:], "0123456789") == "" {
		// "sid.1" is the first chunk of "sid": as a cookie of its own, one
		// Spec would delete or misread the other's cookies.
		return bad("cookie name %q ends like a chunk name (.N): it would collide with the chunks of %q", name, name[:i])
	}

	if a.Path == "" {
		a.Path = "/"
	}
	if a.Path[0] != '/' {
		return bad("Path %q must start with \"/\"", a.Path)
	}
	if len(a.Path) > maxAttrLen || len(a.Domain) > maxAttrLen {
		return bad("Path or Domain longer than %d bytes", maxAttrLen)
	}
	switch a.SameSite {
	case 0, http.SameSiteDefaultMode:
		if a.OmitSameSite {
			a.SameSite = 0 // net/http writes no attribute for SameSiteDefaultMode, below
			break
		}
		a.SameSite = http.SameSiteLaxMode
	case http.SameSiteLaxMode, http.SameSiteStrictMode, http.SameSiteNoneMode:
	default:
		return bad("unknown SameSite value %d", a.SameSite)
	}
	if a.OmitSameSite && a.SameSite != 0 {
		return bad("OmitSameSite with SameSite %d: choose one", a.SameSite)
	}
	switch {
	case a.MaxChunks == 0:
		a.MaxChunks = DefaultMaxChunks
	case a.MaxChunks < 0 || a.MaxChunks > MaxChunksLimit:
		return bad("MaxChunks %d out of range [0, %d]", a.MaxChunks, MaxChunksLimit)
	}

	switch {
	case a.Budget == 0:
		a.Budget = DefaultBudget
	case a.Budget < NoBudget:
		return bad("Budget %d: 0 for the default, -1 (NoBudget) for none, or a number of bytes", a.Budget)
	}

	secure := !a.InsecureDevelopment
	needSecure := func(what string) (*Spec, error) {
		if a.InsecureDevelopment {
			return bad("%s requires Secure, which InsecureDevelopment drops", what)
		}
		return bad("%s requires Secure", what)
	}
	host := hasPrefixFold(name, "__Host-")
	if host && !secure {
		return needSecure("the __Host- prefix")
	}
	if hasPrefixFold(name, "__Secure-") && !secure {
		return needSecure("the __Secure- prefix")
	}
	if host && a.Path != "/" {
		return bad("the __Host- prefix requires Path=/, not %q", a.Path)
	}
	if host && a.Domain != "" {
		return bad("the __Host- prefix forbids a Domain attribute")
	}
	if (hasPrefixFold(name, "__Http-") || hasPrefixFold(name, "__Host-Http-")) && (a.JavaScriptReadable || !secure) {
		return bad("the __Http- and __Host-Http- prefixes require Secure and HttpOnly")
	}
	if a.SameSite == http.SameSiteNoneMode && !secure {
		return needSecure("SameSite=None")
	}
	if a.Partitioned && !secure {
		return needSecure("Partitioned")
	}

	sameSite := a.SameSite
	if a.OmitSameSite {
		sameSite = http.SameSiteDefaultMode // Cookie.String writes no SameSite
	}
	s := &Spec{
		name:  name,
		attrs: a,
		tmpl: http.Cookie{
			Name:        name,
			Path:        a.Path,
			Domain:      a.Domain,
			Secure:      secure,
			HttpOnly:    !a.JavaScriptReadable,
			SameSite:    sameSite,
			Partitioned: a.Partitioned,
		},
		domain:      normDomain(a.Domain),
		chunkPrefix: name + ".",
		first:       1,
	}
	if a.AuthJSChunks {
		s.first = 0
	}
	if err := s.tmpl.Valid(); err != nil {
		return bad("%v", err) // invalid Path or Domain bytes; net/http names the field
	}

	s.chunkNames = make([]string, MaxChunksLimit+1)
	s.chunkNames[0] = name
	for k := 1; k <= MaxChunksLimit; k++ {
		s.chunkNames[k] = s.chunkPrefix + strconv.Itoa(k-1+s.first)
	}
	s.mainValues = make([]string, a.MaxChunks+1)
	for n := 2; n <= a.MaxChunks; n++ {
		s.mainValues[n] = chunkedPrefix + strconv.Itoa(n)
	}
	s.deletions = make([]string, a.MaxChunks+1)
	for i := range s.deletions {
		s.deletions[i] = s.deletionLine(i)
	}
	s.maxAttrLen = s.maxAttrs()
	if s.maxLen = s.maxValueLen(); s.maxLen < 1 {
		return bad("Budget of %d bytes is smaller than one cookie line (%d bytes with a 1-character value)", a.Budget, s.Size(1))
	}
	return s, nil
}

// Name returns the cookie name.
func (s *Spec) Name() string { return s.name }

// Attributes returns the normalised attributes: defaults filled in (Path "/",
// SameSite Lax unless OmitSameSite, MaxChunks).
func (s *Spec) Attributes() Attributes { return s.attrs }

// MaxLen returns the longest value [Spec.Write] accepts whatever its Expires
// and Max-Age: ChunkSize*MaxChunks characters, or fewer when the cookies of a
// longer value would take more than the Budget.
func (s *Spec) MaxLen() int { return s.maxLen }

// MaxReadLen returns the longest value [Spec.Read] can return: a plain
// cookie, or MaxChunks chunks, each as long as [BrowserLimit] allows beside
// its name. It is at least MaxLen: whatever Write writes, Read reads.
func (s *Spec) MaxReadLen() int {
	n := BrowserLimit - len(s.name)
	if s.attrs.MaxChunks > 1 {
		chunks := 0
		for i := 1; i <= s.attrs.MaxChunks; i++ {
			chunks += BrowserLimit - len(s.chunkNames[i])
		}
		n = max(n, chunks)
	}
	return n
}

// deletionLine builds the Set-Cookie line that expires chunkNames[i]: the
// same Path, Domain, Secure, HttpOnly, SameSite and Partitioned as a write, an
// empty value, Max-Age=0 and an Expires in the past.
func (s *Spec) deletionLine(i int) string {
	c := s.tmpl
	c.Name = s.chunkNames[i]
	c.MaxAge = -1 // net/http writes Max-Age=0
	c.Expires = time.Unix(0, 0)
	return c.String()
}

// chunkIndex reports whether name is a chunk of this cookie in its scheme
// (see ChunkName), and returns its slot: the chunk's index in h3's scheme,
// the index + 1 in Auth.js's.
func (s *Spec) chunkIndex(name string) (int, bool) {
	base, i, ok := ChunkName(name)
	if !ok || base != s.name || i < s.first {
		return 0, false
	}
	k := i - s.first + 1
	return k, k <= MaxChunksLimit
}

// isChunk reports whether name is a chunk of this cookie.
func (s *Spec) isChunk(name string) bool {
	_, ok := s.chunkIndex(name)
	return ok
}

// parseIndex parses a canonical positive decimal no larger than limit (at most
// two digits since limit ≤ MaxChunksLimit): no sign, no leading zero, no spaces.
func parseIndex(d string, limit int) (int, bool) {
	if len(d) == 0 || len(d) > 2 || d[0] == '0' {
		return 0, false
	}
	n := 0
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return 0, false
		}
		n = n*10 + int(d[i]-'0')
	}
	if n > limit {
		return 0, false
	}
	return n, true
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func normDomain(d string) string {
	return strings.ToLower(strings.TrimPrefix(d, "."))
}
