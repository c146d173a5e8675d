package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/internal/token"
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
// input is a request: --name, else the only session-looking cookie in it.
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
		// Chunks (<name>.<n>, as package cookie reads them) count as their
		// main cookie, present or not.
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
			return "", "", errNoSession
		case 1:
			name = names[0]
		default:
			return "", "", usagef("the input has several cookies (%s): pick one with --name", strings.Join(names, ", "))
		}
	}
	v, _, err := readCookie(r, name)
	if err != nil {
		return "", "", err
	}
	format, err = detect(v)
	return format, name, err
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
