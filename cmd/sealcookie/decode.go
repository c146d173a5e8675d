package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
)

// maxInput caps what decode reads: far above any cookie a browser keeps
// (cookie.MaxChunksLimit chunks of 4000 characters, plus names).
const maxInput = 1 << 20

const decodeSynopsis = `sealcookie decode [options] [VALUE | FILE | -]

Reads a sealed value (VALUE itself, the file FILE, or stdin when given - or
nothing), or with --cookie-header a whole Cookie header, with --set-cookie
Set-Cookie lines (a response's headers will do), with --session-header the
value of the session header, with --request-headers-json a JSON object of
request headers, and prints the session as JSON: h3's
{"id","createdAt","data","lastSeenAt"?} for sessions, the data object for
iron-session, raw iron and gorilla. Of several cookies, it takes the one with
a default session cookie name, else the only one that looks sealed, and says
which on stderr; --name chooses. A value it cannot accept prints one line on
stderr saying why and exits 1.`

type decodeCmd struct {
	options
	explain bool
	pretty  bool
	mode    inputMode
	modes   int
}

func (e *env) decode(args []string) error {
	c := &decodeCmd{}
	fs := newFlagSet("decode")
	c.addCommon(fs, false)
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
	raw, err := e.decodeSource(pos)
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
	if n := d.picked.note(); n != "" {
		fmt.Fprintf(e.stderr, "sealcookie decode: %s\n", n)
	}
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

// decoder decodes one input with the resolved options.
type decoder struct {
	opts *options
	pw   iron.PasswordOption
	now  func() time.Time
	auto bool // the format was detected, not given

	picked *picked // the cookie taken from several, when --name did not say
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
	f := formatOf(format)
	if f == nil {
		return nil, usagef("unknown format %q", format)
	}
	if name == "" && !d.auto && (in.mode == modeCookieHeader || in.mode == modeSetCookie) {
		// The library's own name if the input has it; else this format's
		// cookie among the others.
		if r := in.request(); f.cookie == "" || !hasCookie(r, f.cookie) {
			pick, err := pickCookie(r, func(looks string) bool { return slices.Contains(f.looks, looks) })
			if err != nil {
				return nil, err
			}
			name, d.picked = pick.name, pick
		}
	}
	if name == "" {
		name = f.cookie
	}
	return f.decode(d, f, in, name)
}

// hasCookie reports whether r carries the named cookie or a chunk of it.
func hasCookie(r *http.Request, name string) bool {
	for _, c := range r.Cookies() {
		if base, _, ok := cookie.ChunkName(c.Name); c.Name == name || ok && base == name {
			return true
		}
	}
	return false
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
