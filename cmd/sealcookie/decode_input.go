package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/internal/token"
	"github.com/sealcookie/sealcookie/sealed"
)

// inputMode says what decode's input is.
type inputMode int

const (
	modeValue          inputMode = iota // a bare sealed value
	modeCookieHeader                    // a whole Cookie header
	modeSetCookie                       // Set-Cookie lines, turned into the Cookie header a browser sends
	modeSessionHeader                   // the value of the session header
	modeRequestHeaders                  // a JSON object of request headers
)

// input is decode's input, parsed.
type input struct {
	mode   inputMode
	value  string      // modeValue and modeSessionHeader
	header http.Header // the request headers of the other modes
}

// parseInput turns the raw input into an input of the given mode.
func parseInput(mode inputMode, raw string, now time.Time) (*input, error) {
	in := &input{mode: mode, header: http.Header{}}
	switch mode {
	case modeValue, modeSessionHeader:
		in.value = strings.TrimSpace(raw)
	case modeCookieHeader:
		v := strings.TrimSpace(raw)
		if len(v) >= 7 && strings.EqualFold(v[:7], "cookie:") {
			v = strings.TrimSpace(v[7:])
		}
		if v != "" {
			in.header.Set("Cookie", v)
		}
	case modeSetCookie:
		if v := cookieHeaderFromSetCookie(raw, now); v != "" {
			in.header.Set("Cookie", v)
		}
	case modeRequestHeaders:
		var h map[string]string
		if err := json.Unmarshal([]byte(raw), &h); err != nil {
			return nil, usagef("--request-headers-json: stdin must be a JSON object of strings (%s)", jsonProblem(err))
		}
		for k, v := range h {
			if !token.Valid(k) {
				return nil, usagef("--request-headers-json: %q is not a header name", k)
			}
			in.header.Add(k, v)
		}
	}
	return in, nil
}

// request builds the request a server would see for the input's headers.
func (in *input) request() *http.Request {
	r, _ := http.NewRequest(http.MethodGet, "http://localhost/", nil)
	r.Header = in.header.Clone()
	return r
}

// detect picks the format for --format auto, and the cookie name when the
// input is a request: --name, else the one pickCookie finds.
func (d *decoder) detect(in *input) (format, name string, err error) {
	name = d.opts.name
	if in.mode == modeValue || in.mode == modeSessionHeader {
		format, err = detect(in.value)
		return format, name, err
	}
	r := in.request()
	// A session header wins over the cookie, as on a server: detect from it.
	if in.mode == modeRequestHeaders {
		for k, vs := range r.Header {
			lk := strings.ToLower(k)
			if strings.HasPrefix(lk, "x-") && strings.HasSuffix(lk, "-session") && len(vs) > 0 && vs[0] != "" {
				if name == "" || strings.EqualFold(k, "x-"+name+"-session") {
					format, err = detect(vs[0])
					if name == "" {
						name = k[2 : len(k)-len("-session")]
						if format == formatNative {
							name = "" // the purpose differs from the header's name: use the default
						}
					}
					return format, name, err
				}
			}
		}
	}
	if name == "" {
		pick, err := pickCookie(r, nil)
		if err != nil {
			return "", "", err
		}
		name = pick.name
		d.picked = pick
	}
	v, _, err := readCookie(r, name)
	if err != nil {
		return "", "", err
	}
	format, err = detect(v)
	return format, name, err
}

// picked is the cookie pickCookie chose, and why.
type picked struct {
	name   string
	why    string   // "a default session cookie name", "the only value that looks sealed"
	others []string // the other cookies of the input
}

// note is the stderr line that says which cookie decode took, when the
// input held more than one.
func (p *picked) note() string {
	if p == nil || len(p.others) == 0 {
		return ""
	}
	return fmt.Sprintf("reading cookie %q (%s; also in the input: %s); --name picks another", p.name, p.why, strings.Join(p.others, ", "))
}

// sessionCookieNames are the names a session cookie has when its library was
// told none: each format's default, and the native one without its __Host-
// prefix (as with cookie.Attributes.InsecureDevelopment, the demo's).
func sessionCookieNames() []string {
	names := []string{"session"}
	for _, f := range formats {
		if f.cookie != "" && !slices.Contains(names, f.cookie) {
			names = append(names, f.cookie)
		}
	}
	return names
}

// pickCookie finds the session cookie of a request that holds several, as a
// browser's Cookie header does: among the cookies whose value (chunks
// reassembled) looks sealed in a format accept allows (nil: any), the one
// with a default session cookie name, else the only one. Chunks
// (<name>.<n>, as package cookie reads them) count as their main cookie.
// A single cookie is taken whatever it holds, so that decoding it says
// what is wrong with it.
func pickCookie(r *http.Request, accept func(format string) bool) (*picked, error) {
	var names []string
	seen := map[string]bool{}
	for _, c := range r.Cookies() {
		n := c.Name
		if base, _, ok := cookie.ChunkName(n); ok {
			n = base
		}
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	sort.Strings(names)
	switch len(names) {
	case 0:
		return nil, errNoSession
	case 1:
		return &picked{name: names[0]}, nil
	}
	var sealedNames, defaults []string
	for _, n := range names {
		v, _, err := readCookie(r, n)
		if err != nil {
			continue
		}
		f, err := detect(v)
		if err != nil || (accept != nil && !accept(f)) {
			continue
		}
		sealedNames = append(sealedNames, n)
		if slices.Contains(sessionCookieNames(), n) {
			defaults = append(defaults, n)
		}
	}
	others := func(name string) []string {
		return slices.DeleteFunc(slices.Clone(names), func(n string) bool { return n == name })
	}
	switch {
	case len(defaults) == 1:
		return &picked{name: defaults[0], why: "a default session cookie name", others: others(defaults[0])}, nil
	case len(sealedNames) == 1:
		return &picked{name: sealedNames[0], why: "the only value that looks sealed", others: others(sealedNames[0])}, nil
	case len(sealedNames) == 0:
		return nil, fmt.Errorf("%w: none of the %d cookies looks sealed (%s); --name picks one", errNoSession, len(names), strings.Join(names, ", "))
	}
	return nil, usagef("several cookies look sealed (%s): pick one with --name", strings.Join(sealedNames, ", "))
}

// readCookie reads the named cookie, chunks reassembled as h3 writes them.
func readCookie(r *http.Request, name string) (value string, chunks int, err error) {
	spec, err := cookie.New(name, cookie.Attributes{})
	if err != nil {
		spec, err = cookie.New(name, cookie.Attributes{InsecureDevelopment: true})
	}
	if err != nil {
		// A name package cookie would never write; read it the plain way.
		c, cerr := r.Cookie(name)
		if cerr != nil || c.Value == "" {
			return "", 0, fmt.Errorf("%w: no cookie %q", errNoSession, name)
		}
		return c.Value, 0, nil
	}
	value, chunks, err = spec.Read(r.Header["Cookie"])
	if errors.Is(err, cookie.ErrNoCookie) {
		return "", 0, fmt.Errorf("%w: no cookie %q", errNoSession, name)
	}
	return value, chunks, err
}

// decodeSource reads decode's input: the file its argument names, the
// argument itself (a sealed value or header), or stdin (no argument, or
// "-"). A sealed value or a header is never a file name, so an argument
// that looks like one but names no file is a mistake, said as such.
func (e *env) decodeSource(pos []string) (string, error) {
	if len(pos) == 1 {
		switch arg := pos[0]; {
		case arg == "-":
			return e.readInput(nil, maxInput)
		case isFile(arg):
			return readFile(arg, maxInput)
		case looksLikePath(arg):
			return "", usagef("no file %q: decode takes a file, a sealed value itself, or - (or nothing) for stdin", arg)
		}
	}
	return e.readInput(pos, maxInput)
}

// isFile reports whether name is something to read: a file, a named pipe
// or a device (/dev/stdin, a shell's <(...)), not a directory.
func isFile(name string) bool {
	if len(name) > 4096 {
		return false
	}
	fi, err := os.Stat(name)
	return err == nil && !fi.IsDir()
}

// readFile reads at most limit bytes of a file, without a UTF-8 BOM.
func readFile(name string, limit int) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", usagef("%v", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, int64(limit)+1))
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", name, err)
	}
	if len(b) > limit {
		return "", fmt.Errorf("%w: %s is over %d bytes", sealed.ErrTooLarge, name, limit)
	}
	return string(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))), nil
}

// looksLikePath reports whether s reads as a file name rather than a value:
// no character of a header or of iron's seal, and a slash or an extension.
// Native and gorilla values are base64url, iron's hold '*', headers '='.
func looksLikePath(s string) bool {
	if s == "" || len(s) > 4096 || strings.ContainsAny(s, " \t\r\n=;*,\"") {
		return false
	}
	if strings.ContainsAny(s, `/\`) {
		return true
	}
	i := strings.LastIndexByte(s, '.')
	if i <= 0 || i == len(s)-1 || len(s)-i > 9 {
		return false
	}
	for _, c := range s[i+1:] {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
