package cookie

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"
)

// Read returns the cookie's value from a request's Cookie header lines
// (r.Header["Cookie"] for a net/http request; a carrier without net/http
// passes its Cookie header, or its cookies joined with "; ") and how many
// chunks it had (0 for a plain cookie). A main value of __chunked__N is
// reassembled from name.1 … name.N, h3-style. The lines are parsed as
// [http.Request.Cookies] parses them.
//
// Errors: [ErrNoCookie] when the cookie is absent or empty; [ErrMissingChunks]
// (an [ErrChunks]) when a chunk name.i ≤ N is absent, or chunks arrive
// without the main cookie: something in between dropped cookies; [ErrChunks]
// when N is not a canonical decimal in [1, MaxChunks] or a chunk is empty or
// beyond N; [ErrTooLarge] when a plain value or a chunk is longer than
// [ChunkSize] (sizes are checked before anything is concatenated). Reading
// accepts up to MaxChunks chunks whatever the Budget.
//
// When a name occurs more than once in the request, the first occurrence wins
// (see the package documentation).
func (s *Spec) Read(cookies []string) (value string, chunks int, err error) {
	if len(cookies) == 0 {
		return "", 0, ErrNoCookie
	}
	r := request(cookies)
	cs := r.CookiesNamed(s.name)
	if len(cs) == 0 || cs[0].Value == "" {
		if s.orphanChunks(cookies) {
			return "", 0, s.missingChunks("the request carries chunks but not the main cookie")
		}
		return "", 0, ErrNoCookie
	}
	v := cs[0].Value
	if !strings.HasPrefix(v, chunkedPrefix) {
		if len(v) > ChunkSize {
			return "", 0, fmt.Errorf("%w: cookie %s is %d characters, limit %d", ErrTooLarge, s.name, len(v), ChunkSize)
		}
		return v, 0, nil
	}
	n, ok := parseIndex(v[len(chunkedPrefix):], s.attrs.MaxChunks)
	if !ok {
		return "", 0, fmt.Errorf("%w: cookie %s: chunk count is not a decimal in [1, %d]", ErrChunks, s.name, s.attrs.MaxChunks)
	}
	v, err = s.readChunks(r, n)
	if err != nil {
		return "", 0, err
	}
	return v, n, nil
}

// readChunks reassembles name.1 … name.n from one pass over r's cookies.
func (s *Spec) readChunks(r *http.Request, n int) (string, error) {
	var parts [MaxChunksLimit + 1]string
	var seen uint64 // bit i-1: name.i seen
	for _, c := range r.Cookies() {
		i, ok := s.chunkIndex(c.Name)
		if !ok {
			continue
		}
		if i > n {
			return "", fmt.Errorf("%w: cookie %s has %d chunks but the request carries %s", ErrChunks, s.name, n, c.Name)
		}
		if seen&bit(i) != 0 {
			continue // first occurrence wins
		}
		seen |= bit(i)
		parts[i] = c.Value
	}
	total := 0
	for i := 1; i <= n; i++ {
		switch p := parts[i]; {
		case seen&bit(i) == 0:
			return "", s.missingChunks("chunk %d of %d is not in the request", i, n)
		case p == "":
			return "", fmt.Errorf("%w: cookie %s has an empty chunk %d", ErrChunks, s.name, i)
		case len(p) > ChunkSize:
			return "", fmt.Errorf("%w: cookie %s chunk %d is %d characters, limit %d", ErrTooLarge, s.name, i, len(p), ChunkSize)
		default:
			total += len(p)
		}
	}
	if limit := ChunkSize * s.attrs.MaxChunks; total > limit { // unreachable while n ≤ MaxChunks; kept as the stated cap
		return "", fmt.Errorf("%w: cookie %s is %d characters, limit %d", ErrTooLarge, s.name, total, limit)
	}
	var b strings.Builder
	b.Grow(total)
	for i := 1; i <= n; i++ {
		b.WriteString(parts[i])
	}
	return b.String(), nil
}

// request wraps Cookie header lines for net/http's cookie parser.
func request(cookies []string) *http.Request {
	return &http.Request{Header: http.Header{"Cookie": cookies}}
}

// Write adds to h the Set-Cookie lines that store value: one cookie when it
// fits in [ChunkSize] characters, else name=__chunked__M plus name.1 … name.M,
// all with the Spec's attributes.
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
	if m == 0 {
		lines = append(lines, setCookieLine(s.name, value, attrs))
	} else {
		lines = append(lines, setCookieLine(s.name, s.mainValues[m], attrs))
		for i := 1; i <= m; i++ {
			lines = append(lines, setCookieLine(s.chunkNames[i], value[(i-1)*ChunkSize:min(i*ChunkSize, len(value))], attrs))
		}
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
// cookie (name.1 … name.64) the request's Cookie header lines carried. Earlier lines
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

// appendStaleDeletions appends deletions for every chunk name.i with i > keep
// that the request's cookies carried (bounded to i ≤ MaxChunksLimit).
func (s *Spec) appendStaleDeletions(lines []string, cookies []string, keep int) []string {
	present := s.requestChunks(cookies)
	for i := keep + 1; i <= MaxChunksLimit && present>>(i-1) != 0; i++ {
		if present&bit(i) != 0 {
			lines = append(lines, s.deletion(i))
		}
	}
	return lines
}

// requestChunks returns the set (see bit) of the chunk indexes name.i
// (1 ≤ i ≤ MaxChunksLimit) present in the request's cookies.
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
	for _, c := range request(cookies).Cookies() {
		if i, ok := s.chunkIndex(c.Name); ok {
			present |= bit(i)
		}
	}
	return present
}

// bit maps a chunk index in [1, MaxChunksLimit] to its bit in a uint64 set.
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
