package cookie

import (
	"fmt"
	"math"
	"math/bits"
	"net/http"
	"strings"
	"time"
)

// Read returns the cookie's value from a request's Cookie header lines
// (r.Header["Cookie"] for a net/http request; a carrier without net/http
// passes its Cookie header, or its cookies joined with "; ") and how many
// chunks it had (0 for a plain cookie). A main value of __chunked__N is
// reassembled from name.1 … name.N, h3-style; with
// [Attributes.AuthJSChunks], a request without the main cookie has its
// value reassembled from name.0 … name.(N−1). The lines are parsed as
// [http.Request.Cookies] parses them.
//
// Read accepts what a browser keeps: any cookie whose name and value fit in
// [BrowserLimit] bytes, though [Spec.Write] writes at most [ChunkSize]
// characters per cookie. Chunks beyond N (name.N+1, …) are ignored, as h3
// ignores them: they are left behind when two overlapping responses wrote
// different chunk counts, and the next [Spec.Write] or [Spec.Delete]
// deletes them.
//
// Errors: [ErrNoCookie] when the cookie is absent or empty; [ErrMissingChunks]
// (an [ErrChunks]) when a chunk name.i ≤ N is absent, or chunks arrive
// without the main cookie: something in between dropped cookies; [ErrChunks]
// when N is not a canonical decimal in [1, MaxChunks] or a chunk within 1..N
// is empty (Auth.js's scheme: a chunk missing below the highest one,
// more than MaxChunks chunks, or chunks beside a main cookie); [ErrTooLarge]
// when a cookie's name and value exceed BrowserLimit (sizes are checked
// before anything is concatenated).
//
// Reading accepts up to MaxChunks chunks whatever the Budget.
//
// When a name occurs more than once in the request, the first occurrence wins
// (see the package documentation).
func (s *Spec) Read(cookies []string) (value string, chunks int, err error) {
	if len(cookies) == 0 {
		return "", 0, ErrNoCookie
	}
	if s.first == 0 {
		return s.readAuthJS(cookies)
	}
	v, ok := first(cookies, s.name)
	if !ok || v == "" {
		if s.orphanChunks(cookies) {
			return "", 0, s.missingChunks("the request carries chunks but not the main cookie")
		}
		return "", 0, ErrNoCookie
	}
	if !strings.HasPrefix(v, chunkedPrefix) {
		if len(s.name)+len(v) > BrowserLimit {
			return "", 0, fmt.Errorf("%w: cookie %s is %d characters, limit %d", ErrTooLarge, s.name, len(v), BrowserLimit-len(s.name))
		}
		return v, 0, nil
	}
	n, ok := parseIndex(v[len(chunkedPrefix):], s.attrs.MaxChunks)
	if !ok {
		return "", 0, fmt.Errorf("%w: cookie %s: chunk count is not a decimal in [1, %d]", ErrChunks, s.name, s.attrs.MaxChunks)
	}
	v, _, err = s.readChunks(cookies, n)
	if err != nil {
		return "", 0, err
	}
	return v, n, nil
}

// readAuthJS is Read in Auth.js's scheme: the main cookie alone, or
// name.0 … name.(N−1) without it. Auth.js itself joins whatever cookies
// start with the name, sorted by their last number; this reads only what
// Auth.js writes, and refuses the rest.
func (s *Spec) readAuthJS(cookies []string) (string, int, error) {
	main, _ := first(cookies, s.name)
	if s.requestChunks(cookies) == 0 {
		if main == "" {
			return "", 0, ErrNoCookie
		}
		if len(s.name)+len(main) > BrowserLimit {
			return "", 0, fmt.Errorf("%w: cookie %s is %d characters, limit %d", ErrTooLarge, s.name, len(main), BrowserLimit-len(s.name))
		}
		return main, 0, nil
	}
	if main != "" {
		return "", 0, fmt.Errorf("%w: cookie %s comes both whole and in chunks", ErrChunks, s.name)
	}
	return s.readChunks(cookies, s.attrs.MaxChunks)
}

// readChunks reassembles the chunks of slots 1 … n from one pass over the
// cookies. In h3's scheme n is the count the main cookie announced, and
// chunks beyond it are stale (an overlapping response wrote more): ignored,
// as h3 ignores them, and deleted by the next Write. In Auth.js's, n is
// MaxChunks, a chunk beyond it is an error, and the count is the highest
// slot present. It returns the value and the count.
func (s *Spec) readChunks(cookies []string, n int) (string, int, error) {
	var parts [MaxChunksLimit + 1]string
	var seen uint64 // bit k-1: slot k seen
	beyond := ""    // a chunk name past n, if any
	scan(cookies, s.isChunk, func(name, value string) bool {
		k, _ := s.chunkIndex(name)
		switch {
		case k > n && s.first == 0:
			beyond = name
			return false
		case k > n: // stale: ignored
		case seen&bit(k) == 0: // first occurrence wins
			seen |= bit(k)
			parts[k] = value
		}
		return true
	})
	switch {
	case beyond != "":
		return "", 0, fmt.Errorf("%w: cookie %s has more than %d chunks", ErrChunks, s.name, n)
	case s.first == 0:
		n = bits.Len64(seen)
	}
	total := 0
	for k := 1; k <= n; k++ {
		switch p := parts[k]; {
		case seen&bit(k) == 0:
			return "", 0, s.missingChunks("chunk %d of %d is not in the request", k-1+s.first, n)
		case p == "":
			return "", 0, fmt.Errorf("%w: cookie %s has an empty chunk %d", ErrChunks, s.name, k-1+s.first)
		case len(s.chunkNames[k])+len(p) > BrowserLimit:
			return "", 0, fmt.Errorf("%w: cookie %s chunk %d is %d characters, limit %d", ErrTooLarge, s.name, k-1+s.first, len(p), BrowserLimit-len(s.chunkNames[k]))
		default:
			total += len(p)
		}
	}
	var b strings.Builder
	b.Grow(total)
	for k := 1; k <= n; k++ {
		b.WriteString(parts[k])
	}
	return b.String(), n, nil
}

// Write adds to h the Set-Cookie lines that store value: one cookie when it
// fits in [ChunkSize] characters, else name=__chunked__M plus name.1 … name.M
// (with [Attributes.AuthJSChunks]: name.0 … name.(M−1), and a deletion of
// the main cookie if the request carried it), all with the Spec's
// attributes.
//
// expires zero writes no Expires attribute; maxAge 0 writes no Max-Age
// attribute (maxAge is in seconds; to expire the cookie use [Spec.Delete]).
// cookies are the Cookie header lines of the request being answered (nil
// for none): chunks it carried that the new value no longer needs are
// deleted (Max-Age=0).
//
// Set-Cookie lines for this cookie and its chunks (same name, Path and Domain)
// already in h, from an earlier Write or Delete, are replaced; other lines are
// left alone.
//
// Write checks everything before it touches h: a value longer than
// [Spec.MaxLen], or whose cookies take more than the Budget, gives
// [ErrTooLarge] (the message says the size and the limit);
// an empty value, a byte outside RFC 6265's cookie-octet set (no space, comma,
// quote, semicolon, backslash or control), a value starting with the reserved
// "__chunked__", a negative maxAge or an unrepresentable expires give
// [ErrInvalid]. Error messages never contain the value.
func (s *Spec) Write(h http.Header, cookies []string, value string, expires time.Time, maxAge int) error {
	if h == nil {
		return fmt.Errorf("%w: nil header", ErrInvalid)
	}
	if err := s.checkValue(value); err != nil {
		return err
	}
	if maxAge < 0 {
		return fmt.Errorf("%w: negative maxAge %d (use Delete to expire the cookie)", ErrInvalid, maxAge)
	}
	if !expires.IsZero() {
		if y := expires.UTC().Year(); y < 1601 || y > 9999 {
			return fmt.Errorf("%w: expires year %d outside [1601, 9999]", ErrInvalid, y)
		}
	}

	m := 0 // chunks needed; 0 for a plain value
	if len(value) > ChunkSize {
		m = (len(value) + ChunkSize - 1) / ChunkSize
	}
	attrs := s.attributes(expires, maxAge)
	if err := s.checkBudget(len(value), attrs); err != nil {
		return err
	}
	s.removeLines(h)

	lines := h["Set-Cookie"]
	switch {
	case m == 0:
		lines = append(lines, setCookieLine(s.name, value, attrs))
	case s.first == 0:
		// Auth.js's chunks stand alone: a main cookie left beside them
		// would make the value unreadable.
		if _, ok := first(cookies, s.name); ok {
			lines = append(lines, s.deletions[0])
		}
	default:
		lines = append(lines, setCookieLine(s.name, s.mainValues[m], attrs))
	}
	for k := 1; k <= m; k++ {
		lines = append(lines, setCookieLine(s.chunkNames[k], value[(k-1)*ChunkSize:min(k*ChunkSize, len(value))], attrs))
	}
	h["Set-Cookie"] = s.appendStaleDeletions(lines, cookies, m)
	return nil
}

// attributes returns the attribute part of this cookie's Set-Cookie line
// ("; Path=/; Expires=…; Max-Age=…; HttpOnly; Secure; SameSite=Lax"), as
// net/http's Cookie.String writes it for a one-byte placeholder value.
//
// Expires and Max-Age have a resolution of one second, so consecutive writes
// mostly share their attributes: the last rendering is cached.
func (s *Spec) attributes(expires time.Time, maxAge int) string {
	unix := int64(math.MinInt64)
	if !expires.IsZero() {
		unix = expires.Unix()
	}
	if a := s.lastAttrs.Load(); a != nil && a.unix == unix && a.maxAge == maxAge {
		return a.attrs
	}
	c := s.tmpl
	c.Value = "x"
	c.Expires = expires
	c.MaxAge = maxAge
	attrs := c.String()[len(c.Name)+len("=x"):]
	s.lastAttrs.Store(&renderedAttrs{unix: unix, maxAge: maxAge, attrs: attrs})
	return attrs
}

// renderedAttrs is the cached result of Spec.attributes.
type renderedAttrs struct {
	unix   int64 // expires.Unix(), or MinInt64 for no Expires
	maxAge int
	attrs  string
}

// setCookieLine joins name=value to attributes from Spec.attributes. Cookie.String
// writes exactly "name=value" before the attributes for a value made of
// cookie-octets (which checkValue guarantees: nothing to quote or drop), so
// the line is byte for byte what Cookie.String gives (TestLinesMatchCookieString
// holds this), without its per-byte re-validation of a value already checked:
// that re-validation was a third of the cost of saving a session.
func setCookieLine(name, value, attrs string) string {
	var b strings.Builder
	b.Grow(len(name) + 1 + len(value) + len(attrs))
	b.WriteString(name)
	b.WriteByte('=')
	b.WriteString(value)
	b.WriteString(attrs)
	return b.String()
}

// Delete adds to h the Set-Cookie lines that expire the cookie and every chunk
// cookie (name.1 … name.64, or name.0 … name.63 in Auth.js's scheme) the
// request's Cookie header lines carried. Earlier lines
// for this cookie in h are replaced, as in [Spec.Write].
func (s *Spec) Delete(h http.Header, cookies []string) {
	if h == nil {
		return
	}
	s.removeLines(h)
	h["Set-Cookie"] = s.appendStaleDeletions(append(h["Set-Cookie"], s.deletions[0]), cookies, 0)
}

// checkValue validates a value for Write without echoing it.
func (s *Spec) checkValue(v string) error {
	if v == "" {
		return fmt.Errorf("%w: empty value (use Delete to remove the cookie)", ErrInvalid)
	}
	if limit := ChunkSize * s.attrs.MaxChunks; len(v) > limit {
		return fmt.Errorf("%w: value is %d characters, limit %d (%d chunks of %d)", ErrTooLarge, len(v), limit, s.attrs.MaxChunks, ChunkSize)
	}
	if strings.HasPrefix(v, chunkedPrefix) {
		return fmt.Errorf("%w: value starts with the reserved %q marker", ErrInvalid, chunkedPrefix)
	}
	for i := 0; i < len(v); i++ {
		if !cookieOctets[v[i]] {
			return fmt.Errorf("%w: byte %d of the value is not a cookie-octet", ErrInvalid, i)
		}
	}
	return nil
}

// cookieOctets marks the RFC 6265 cookie-octets: printable ASCII except
// space, DQUOTE, comma, semicolon and backslash. Values made of these are
// written unquoted by net/http and read back unchanged by every peer.
var cookieOctets = func() (t [256]bool) {
	for b := 0x21; b < 0x7f; b++ {
		t[b] = b != '"' && b != ',' && b != ';' && b != '\\'
	}
	return t
}()

// appendStaleDeletions appends deletions for every chunk of slot k > keep
// that the request's cookies carried (bounded to k ≤ MaxChunksLimit).
func (s *Spec) appendStaleDeletions(lines []string, cookies []string, keep int) []string {
	present := s.requestChunks(cookies)
	for i := keep + 1; i <= MaxChunksLimit && present>>(i-1) != 0; i++ {
		if present&bit(i) != 0 {
			lines = append(lines, s.deletion(i))
		}
	}
	return lines
}

// requestChunks returns the set (see bit) of the chunk slots k
// (1 ≤ k ≤ MaxChunksLimit) present in the request's cookies.
func (s *Spec) requestChunks(cookies []string) uint64 {
	// Cheap guard: parse only when some Cookie line mentions "name.".
	found := false
	for _, line := range cookies {
		if strings.Contains(line, s.chunkPrefix) {
			found = true
			break
		}
	}
	if !found {
		return 0
	}
	var present uint64
	scan(cookies, s.isChunk, func(name, _ string) bool {
		i, _ := s.chunkIndex(name)
		present |= bit(i)
		return true
	})
	return present
}

// bit maps a chunk slot in [1, MaxChunksLimit] to its bit in a uint64 set.
func bit(i int) uint64 { return 1 << (i - 1) }

func (s *Spec) deletion(i int) string {
	if i < len(s.deletions) {
		return s.deletions[i]
	}
	return s.deletionLine(i)
}

// removeLines drops from h the Set-Cookie lines that set this cookie or one of
// its chunks with the same Path and Domain. Lines are parsed with
// http.ParseSetCookie; lines that do not parse, other names, and same-name
// cookies of another Path or Domain are kept. h's slice is only replaced
// (never edited in place) when something is removed.
func (s *Spec) removeLines(h http.Header) {
	lines := h["Set-Cookie"]
	drop := -1
	for i, l := range lines {
		if s.ownsLine(l) {
			drop = i
			break
		}
	}
	if drop < 0 {
		return
	}
	kept := make([]string, drop, len(lines))
	copy(kept, lines[:drop])
	for _, l := range lines[drop+1:] {
		if !s.ownsLine(l) {
			kept = append(kept, l)
		}
	}
	h["Set-Cookie"] = kept
}

func (s *Spec) ownsLine(line string) bool {
	// Cheap guard before parsing: the line must begin with our name.
	if !strings.HasPrefix(strings.TrimLeft(line, " \t"), s.name) {
		return false
	}
	c, err := http.ParseSetCookie(line)
	if err != nil {
		return false
	}
	if c.Name != s.name {
		if _, ok := s.chunkIndex(c.Name); !ok {
			return false
		}
	}
	return c.Path == s.attrs.Path && normDomain(c.Domain) == s.domain
}
