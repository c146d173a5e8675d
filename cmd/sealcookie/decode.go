package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/internal/token"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/gorilla"
)

// maxInput caps what decode reads: far above any cookie a browser keeps
// (cookie.MaxChunksLimit chunks of 4000 characters, plus names).
const maxInput = 1 << 20

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

// decoded is what a format made of the input.
type decoded struct {
	format string
	out    json.RawMessage // printed on stdout

	name   string // the cookie name (the sealing purpose, for native)
	source string // where the value came from, for --explain
	value  string // the sealed value that was opened, chunks joined
	chunks int

	keyID    string
	created  time.Time // sessions: createdAt; gorilla: the cookie's timestamp
	lastSeen time.Time
	expires  time.Time // zero: never (in the value itself)
	notes    []string
}

// errNoSession means the input holds no value for the session.
var errNoSession = fmt.Errorf("%w: no session value in the input", sealed.ErrMalformed)

type decodeCmd struct {
	options
	explain bool
	pretty  bool
	mode    inputMode
	modes   int
}

const decodeSynopsis = `sealcookie decode [options] [VALUE]

Reads a sealed value (from VALUE or stdin), or with --cookie-header a whole
Cookie header, with --set-cookie Set-Cookie lines, with --session-header the
value of the session header, with --request-headers-json a JSON object of
request headers, and prints the session as JSON: h3's
{"id","createdAt","data","lastSeenAt"?} for sessions, the data object for
iron-session, raw iron and gorilla. A value it cannot accept prints one line
on stderr saying why and exits 1.`

func (e *env) decode(args []string) error {
	c := &decodeCmd{}
	fs := newFlagSet("decode")
	c.addCommon(fs)
	fs.BoolVar(&c.explain, "explain", false, "also print the format, key id, instants, age, size and chunks on stderr")
	fs.BoolVar(&c.pretty, "pretty", false, "indent the JSON")
	c.addModes(fs)
	pos, err := e.parse(fs, decodeSynopsis, args)
	if err != nil {
		return err
	}
	format, err := parseFormat(c.format)
	if err != nil {
		return err
	}
	if c.modes > 1 {
		return usagef("give at most one of --cookie-header, --set-cookie, --session-header and --request-headers-json")
	}
	pw, err := c.needPassword(e)
	if err != nil {
		return err
	}
	raw, err := e.readInput(pos, maxInput)
	if err != nil {
		return err
	}
	now := c.clock(e)
	in, err := parseInput(c.mode, raw, now())
	if err != nil {
		return err
	}
	d := &decoder{opts: &c.options, pw: pw, now: now}
	res, err := d.decode(format, in)
	if err != nil {
		return rejection(err)
	}
	if c.explain {
		explain(e.stderr, res, now())
	}
	return writeJSON(e.stdout, res.out, c.pretty)
}

func (c *decodeCmd) addModes(fs *flag.FlagSet) {
	mode := func(m inputMode) func(string) error {
		return func(string) error { c.mode = m; c.modes++; return nil }
	}
	fs.BoolFunc("cookie-header", "the input is a whole Cookie header (chunks are reassembled)", mode(modeCookieHeader))
	fs.BoolFunc("set-cookie", "the input is one or more Set-Cookie lines", mode(modeSetCookie))
	fs.BoolFunc("session-header", "the input is the value of the session header (X-<Name>-Session)", mode(modeSessionHeader))
	fs.BoolFunc("request-headers-json", "the input is a JSON object of request headers (the session header wins over the cookie, as on a server)", mode(modeRequestHeaders))
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

// cookieHeaderFromSetCookie is the Cookie header a browser sends after
// receiving the Set-Cookie lines: later lines replace earlier ones of the same
// name, and a line with an empty value, Max-Age of zero or less, or an
// Expires before now deletes the cookie.
func cookieHeaderFromSetCookie(raw string, now time.Time) string {
	var names []string
	jar := map[string]string{}
	for _, line := range strings.Split(raw, "\n") {
		line = strings.TrimSpace(line)
		if len(line) >= 11 && strings.EqualFold(line[:11], "set-cookie:") {
			line = strings.TrimSpace(line[11:])
		}
		if line == "" {
			continue
		}
		c, err := http.ParseSetCookie(line)
		if err != nil {
			continue // as a browser ignores it
		}
		if _, ok := jar[c.Name]; ok {
			delete(jar, c.Name)
			names = slicesDelete(names, c.Name)
		}
		deleted := c.Value == "" || c.MaxAge < 0 || (c.MaxAge == 0 && !c.Expires.IsZero() && !c.Expires.After(now))
		if !deleted {
			jar[c.Name] = c.Value
			names = append(names, c.Name)
		}
	}
	parts := make([]string, 0, len(names))
	for _, n := range names {
		parts = append(parts, n+"="+jar[n])
	}
	return strings.Join(parts, "; ")
}

func slicesDelete(s []string, v string) []string {
	out := s[:0]
	for _, x := range s {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}

// request builds the request a server would see for the input's headers.
func (in *input) request() *http.Request {
	r, _ := http.NewRequest(http.MethodGet, "http://localhost/", nil)
	r.Header = in.header.Clone()
	return r
}

// decoder decodes one input with the resolved options.
type decoder struct {
	opts *options
	pw   iron.PasswordOption
	now  func() time.Time
	auto bool   // the format was detected, not given
	name string // the cookie name chosen
}

// decode decodes in as format; auto detects the format first.
func (d *decoder) decode(format string, in *input) (*decoded, error) {
	name := d.opts.name
	if format == formatAuto {
		d.auto = true
		var err error
		if format, name, err = d.detect(in); err != nil {
			return nil, err
		}
	}
	if name == "" {
		name = defaultName(format)
	}
	d.name = name
	switch format {
	case formatNative:
		return d.native(in, name)
	case formatH3v2, formatH3v1:
		return d.h3(format, in, name)
	case formatIronSession:
		return d.viaIronManager(format, in, name)
	case formatIron:
		return d.iron(in)
	case formatGorilla:
		return d.gorilla(in, name)
	}
	return nil, usagef("unknown format %q", format)
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
	value, chunks, err = spec.Read(r)
	if errors.Is(err, cookie.ErrNoCookie) {
		return "", 0, fmt.Errorf("%w: no cookie %q", errNoSession, name)
	}
	return value, chunks, err
}

// native decodes sealcookie's own format with a session.Manager, so that
// every rule is the server's.
func (d *decoder) native(in *input, name string) (*decoded, error) {
	o := d.opts
	plainID := uint8(1)
	if v := in.value; v != "" {
		if info, err := sealed.Inspect(v); err == nil {
			plainID = info.KeyID // a plain password opens whatever id the value names
		}
	} else if v, _, err := readCookie(in.request(), name); err == nil {
		if info, err := sealed.Inspect(v); err == nil {
			plainID = info.KeyID
		}
	}
	keys, err := nativeKeys(d.pw, plainID)
	if err != nil {
		return nil, err
	}
	disabled, header, err := o.config.sessionHeader()
	if err != nil {
		return nil, err
	}
	var onErr error
	cfg := session.Config[json.RawMessage]{
		Name: name,
		Keys: keys,
		// Without --max-age and --idle-timeout, the expiry sealed into the
		// value by the server that wrote it is the limit.
		MaxAge:        session.MaxMaxAge,
		IdleTimeout:   -1,
		Header:        header,
		DisableHeader: disabled,
		Clock:         d.now,
		OnError:       func(_ *http.Request, err error) { onErr = err },
	}
	if o.maxAge.set && o.maxAge.d > 0 {
		cfg.MaxAge = o.maxAge.d
	}
	if o.idle.set && o.idle.d > 0 {
		cfg.IdleTimeout = o.idle.d
	}
	m, err := session.New(cfg)
	if err != nil {
		return nil, usagef("%v", err)
	}
	res := &decoded{format: formatNative, name: m.Name()}
	env, err := d.viaManager(m, in, res, &onErr)
	if errors.Is(err, sealed.ErrNotAuthentic) {
		return nil, fmt.Errorf("%w; or sealed for another cookie name (native values are bound to theirs; this was %q, see --name)", err, m.Name())
	}
	if err != nil {
		return nil, err
	}
	if info, err := sealed.Inspect(res.value); err == nil {
		res.keyID = fmt.Sprint(info.KeyID)
		res.expires = info.Expires
		if info.KeyID != keys[0].ID {
			res.notes = append(res.notes, fmt.Sprintf("sealed with key id %d, not the current %d: a server re-seals it on its next save", info.KeyID, keys[0].ID))
		}
	}
	return res.envelope(env)
}

// envelope fills res from a session envelope: its output is h3's shape.
func (res *decoded) envelope(env session.Envelope[json.RawMessage]) (*decoded, error) {
	if env.Data == nil {
		env.Data = json.RawMessage("null")
	}
	out, err := marshal(env)
	if err != nil {
		return nil, err
	}
	res.out = out
	res.created = time.UnixMilli(env.CreatedAt)
	if env.LastSeenAt != 0 {
		res.lastSeen = time.UnixMilli(env.LastSeenAt)
	}
	return res, nil
}

// gorilla decodes a gorilla/securecookie (gorilla/sessions) cookie with the
// migration reader of package session/gorilla: gob values first, then JSON.
func (d *decoder) gorilla(in *input, name string) (*decoded, error) {
	if name == "" {
		return nil, usagef("--format gorilla needs --name: the session name given to store.Get (the MAC covers it)")
	}
	keys, err := gorillaKeys(d.pw)
	if err != nil {
		return nil, err
	}
	res := &decoded{format: formatGorilla, name: name}
	switch in.mode {
	case modeValue:
		res.value, res.source = in.value, "the value given"
	case modeSessionHeader:
		return nil, usagef("--session-header: gorilla sessions have no session header")
	default:
		c, err := in.request().Cookie(name)
		if err != nil || c.Value == "" {
			return nil, fmt.Errorf("%w: no cookie %q", errNoSession, name)
		}
		res.value, res.source = c.Value, fmt.Sprintf("cookie %q", name)
	}
	maxAge := gorilla.DefaultMaxAge
	if d.opts.maxAge.set {
		maxAge = d.opts.maxAge.d
	}
	var data json.RawMessage
	for _, ser := range []gorilla.Serializer{gorilla.Gob, gorilla.JSON} {
		var rd *gorilla.Reader[json.RawMessage]
		rd, err = gorilla.New(gorilla.Config[json.RawMessage]{
			Name:       name,
			KeyPairs:   keys,
			MaxAge:     maxAge,
			Serializer: ser,
			Convert:    gorillaJSON,
			Clock:      d.now,
		})
		if err != nil {
			return nil, usagef("%v", err)
		}
		if data, err = rd.Decode(res.value); !errors.Is(err, gorilla.ErrValues) {
			if err == nil && ser == gorilla.JSON {
				res.notes = append(res.notes, "values serialized as JSON (securecookie.JSONEncoder)")
			}
			break
		}
	}
	if err != nil {
		return nil, err
	}
	res.out = data
	if ts, ok := gorillaTimestamp(res.value); ok {
		res.created = time.Unix(ts, 0)
		res.expires = res.created.Add(maxAge)
	}
	return res, nil
}

// gorillaJSON converts gorilla's session.Values to a JSON object.
func gorillaJSON(values map[any]any) (json.RawMessage, error) {
	b, err := marshal(jsonable(values))
	if err != nil {
		return nil, errors.New("the values are not representable as JSON")
	}
	return b, nil
}

// jsonable turns the maps gob decodes (map[any]any, also nested) into
// maps encoding/json can encode; non-string keys are printed with %v.
func jsonable(v any) any {
	switch t := v.(type) {
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			ks, ok := k.(string)
			if !ok {
				ks = fmt.Sprint(k)
			}
			m[ks] = jsonable(x)
		}
		return m
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[k] = jsonable(x)
		}
		return m
	case []any:
		s := make([]any, len(t))
		for i, x := range t {
			s[i] = jsonable(x)
		}
		return s
	}
	return v
}

// marshal encodes v as compact JSON without HTML escaping, so that the output
// shows strings as they are.
func marshal(v any) (json.RawMessage, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// unescapeHTML undoes encoding/json's HTML escaping (\u003c, \u003e,
// \u0026) in the strings of compact JSON, so that decode shows "<&>" as
// written. Every other escape is kept.
func unescapeHTML(b []byte) []byte {
	if !bytes.Contains(b, []byte(`\u00`)) {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\\' || i+1 >= len(b) {
			out = append(out, c)
			continue
		}
		if b[i+1] == 'u' && i+6 <= len(b) {
			switch string(b[i+2 : i+6]) {
			case "003c", "003C":
				out, i = append(out, '<'), i+5
				continue
			case "003e", "003E":
				out, i = append(out, '>'), i+5
				continue
			case "0026":
				out, i = append(out, '&'), i+5
				continue
			}
		}
		out = append(out, c, b[i+1]) // any other escape, kept whole
		i++
	}
	return out
}

// writeJSON prints the decoded JSON, indented if asked, and a newline.
func writeJSON(w io.Writer, out json.RawMessage, pretty bool) error {
	var b bytes.Buffer
	if pretty {
		if err := json.Indent(&b, out, "", "  "); err != nil {
			return err
		}
	} else {
		b.Write(out)
	}
	if json.Valid(b.Bytes()) {
		out := unescapeHTML(b.Bytes())
		b.Reset()
		b.Write(out)
	}
	b.WriteByte('\n')
	_, err := w.Write(b.Bytes())
	return err
}

// rejection turns a decoding failure into decode's error line: the reason
// first (expired, idle timeout passed, not authentic, unknown key id,
// malformed, too large), then what the package said. Usage errors pass.
func rejection(err error) error {
	var ue *usageError
	if errors.As(err, &ue) {
		return err
	}
	return fmt.Errorf("%s (%w)", reason(err), err)
}

func reason(err error) string {
	switch {
	case errors.Is(err, session.ErrIdle):
		return "idle timeout passed"
	case errors.Is(err, session.ErrExpired), errors.Is(err, sealed.ErrExpired):
		return "expired"
	case errors.Is(err, sealed.ErrUnknownKey):
		return "unknown key id"
	case errors.Is(err, sealed.ErrNotAuthentic):
		return "not authentic: tampered with, or another password"
	case errors.Is(err, sealed.ErrTooLarge), errors.Is(err, cookie.ErrTooLarge), errors.Is(err, session.ErrTooLarge):
		return "too large"
	case errors.Is(err, session.ErrRevoked):
		return "revoked"
	}
	return "malformed"
}

// explain prints what --explain shows, on stderr.
func explain(w io.Writer, res *decoded, now time.Time) {
	var b strings.Builder
	row := func(k, f string, a ...any) { fmt.Fprintf(&b, "%-10s %s\n", k+":", fmt.Sprintf(f, a...)) }
	row("format", "%s", describeFormat(res.format))
	row("source", "%s", res.source)
	if res.name != "" && res.format == formatNative {
		row("purpose", "%q (the cookie name the value is sealed for)", res.name)
	}
	if res.keyID != "" {
		row("key id", "%s", res.keyID)
	} else if res.format != formatGorilla {
		row("key id", "(none: the unnamed password)")
	}
	if !res.created.IsZero() {
		label := "created"
		if res.format == formatGorilla {
			label = "sealed at"
		}
		row(label, "%s (age %s)", instant(res.created), age(now.Sub(res.created)))
	}
	if !res.lastSeen.IsZero() {
		row("last seen", "%s (%s ago)", instant(res.lastSeen), age(now.Sub(res.lastSeen)))
	}
	if res.expires.IsZero() {
		row("expires", "never, as far as the value says")
	} else if d := res.expires.Sub(now); d > 0 {
		row("expires", "%s (in %s)", instant(res.expires), age(d))
	} else {
		row("expires", "%s (%s ago, within the clock-skew allowance)", instant(res.expires), age(-d))
	}
	if res.chunks > 0 {
		row("size", "%d characters in %d chunks", len(res.value), res.chunks)
	} else {
		row("size", "%d characters, 1 cookie (no chunks)", len(res.value))
	}
	for _, n := range res.notes {
		row("note", "%s", n)
	}
	io.WriteString(w, b.String())
}

func describeFormat(f string) string {
	switch f {
	case formatNative:
		return "native (sealcookie v1: XChaCha20-Poly1305)"
	case formatH3v2:
		return "h3v2 (h3 2.x session in iron Fe26.2)"
	case formatH3v1:
		return "h3v1 (h3 1.x session in iron Fe26.2)"
	case formatIronSession:
		return "iron-session (iron-session 8, iron Fe26.2 with ~2)"
	case formatIron:
		return "iron (raw @hapi/iron Fe26.2 seal)"
	case formatGorilla:
		return "gorilla (gorilla/securecookie)"
	}
	return f
}

func instant(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func age(d time.Duration) string {
	if d < 0 {
		return "-" + age(-d)
	}
	if d >= 48*time.Hour {
		days := d / (24 * time.Hour)
		return fmt.Sprintf("%dd%s", days, (d % (24 * time.Hour)).Truncate(time.Second))
	}
	if d >= time.Minute {
		return d.Truncate(time.Second).String()
	}
	return d.Truncate(time.Millisecond).String()
}
