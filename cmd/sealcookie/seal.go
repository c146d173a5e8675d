package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
)

const sealSynopsis = `sealcookie seal [options] < data.json

Seals session data (a JSON object on stdin) and prints the Set-Cookie lines a
server would send (chunked when needed) or, with --value, the bare value.
--format native (the default), h3v2, h3v1 or iron-session seal a session; iron
prints a raw seal. gorilla is read-only.`

type sealCmd struct {
	options
	value bool
}

// seal seals session data read from stdin.
func (e *env) seal(args []string) error {
	c := &sealCmd{}
	fs := newFlagSet("seal")
	c.addCommon(fs, true)
	fs.BoolVar(&c.value, "value", false, "print the bare sealed value instead of Set-Cookie lines")
	pos, err := e.parse(fs, sealSynopsis, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("seal reads the session data from stdin; it takes no arguments")
	}
	format, err := parseFormat(c.format)
	if err != nil {
		return err
	}
	if format == formatAuto {
		format = formatNative
	}
	f := formatOf(format)
	if f.seal == nil {
		return usagef("--format %s is read-only: sealcookie reads %s cookies to migrate them, and never writes them", f.name, f.name)
	}
	pw, err := c.needPassword(e)
	if err != nil {
		return err
	}
	raw, err := e.readInput(nil, maxInput)
	if err != nil {
		return err
	}
	data := json.RawMessage(strings.TrimSpace(raw))
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil || obj == nil {
		return usagef("stdin must be a JSON object (the session data)")
	}
	if data, err = compactJSON(data); err != nil {
		return usagef("stdin must be a JSON object (the session data)")
	}
	name := c.name
	if name == "" {
		name = f.cookie
	}
	s := &sealer{opts: &c.options, pw: pw, now: c.clock(e), name: name}
	lines, err := f.seal(s, f, data, c.value)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(e.stdout, strings.Join(lines, "\n"))
	return err
}

// sealer seals with the resolved options.
type sealer struct {
	opts *options
	pw   iron.PasswordOption
	now  func() time.Time
	name string
}

// native seals a sealcookie session with a session.Manager: the lines are
// exactly what a server with these options sends.
func (s *sealer) native(_ *formatSpec, data json.RawMessage, bare bool) ([]string, error) {
	keys, err := nativeKeys(s.pw, 1)
	if err != nil {
		return nil, err
	}
	m, err := nativeWriter(s.opts, keys, s.name, s.now)
	if err != nil {
		return nil, err
	}
	return sealOutput(m, data, bare)
}

// viaPeerManager seals an h3 2.x or 1.x session (or an iron-session 8 one)
// with a session.Manager in that format: the lines are what a server would
// send.
func (s *sealer) viaPeerManager(f *formatSpec, data json.RawMessage, bare bool) ([]string, error) {
	format := f.name
	opts := s.opts.config.Cookie
	if format == formatIronSession {
		opts = s.opts.config.CookieOptions
	}
	attrs, err := opts.attributes()
	if err != nil {
		return nil, err
	}
	m, err := peerManager(f, s.opts, s.pw, s.name, s.now, attrs, nil)
	if err != nil {
		return nil, err
	}
	return sealOutput(m, data, bare)
}

// iron seals a raw iron seal of the data, as @hapi/iron's seal does; it
// prints the bare value, with or without --value.
func (s *sealer) iron(_ *formatSpec, data json.RawMessage, _ bool) ([]string, error) {
	cfg, err := iron.IronConfig(s.pw, s.opts.iterations, s.opts.ttl.d)
	if err != nil {
		return nil, usagef("%v", err)
	}
	c, err := iron.NewKeyring(cfg)
	if err != nil {
		return nil, usagef("%v", err)
	}
	v, err := c.Seal(data, s.now())
	if err != nil {
		return nil, err
	}
	return []string{v}, nil
}

// sealOutput is what `seal` prints for a Manager: the bare value (--value),
// or the Set-Cookie lines its Save writes.
func sealOutput(m *session.Manager[json.RawMessage], data json.RawMessage, bare bool) ([]string, error) {
	if bare {
		v, err := m.Encode(session.Envelope[json.RawMessage]{Data: data})
		if err != nil {
			return nil, err
		}
		return []string{v}, nil
	}
	return saveLines(m, data)
}

// saveLines is the Set-Cookie lines a Manager's Save writes for a new
// session holding data.
func saveLines(m *session.Manager[json.RawMessage], data json.RawMessage) ([]string, error) {
	r, _ := http.NewRequest(http.MethodGet, "https://localhost/", nil)
	sess := m.Get(r)
	if err := sess.Update(func(d *json.RawMessage) { *d = data }); err != nil {
		return nil, err
	}
	h := http.Header{}
	if err := sess.Save(h); err != nil {
		return nil, err
	}
	return h["Set-Cookie"], nil
}
