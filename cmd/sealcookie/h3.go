package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
)

// sessionFormats maps the session formats to package session's.
var sessionFormats = map[string]session.Format{
	formatNative:      session.FormatNative,
	formatH3v2:        session.FormatH3,
	formatH3v1:        session.FormatH3V1,
	formatIronSession: session.FormatIronSession,
}

// ironManager builds the session.Manager of an iron format (h3v2, h3v1,
// iron-session) from the options, the way the JavaScript library reads
// them: --max-age and --idle-timeout are h3's maxAge and idleTimeout (unset
// unless given, as in h3), --ttl is iron-session's ttl (14 days unless
// given), --config-json's sessionHeader and legacySealFallback are h3's.
func ironManager(format string, o *options, pw iron.PasswordOption, name string, now func() time.Time, attrs cookie.Attributes, onErr func(*http.Request, error)) (*session.Manager[json.RawMessage], error) {
	cfg := session.Config[json.RawMessage]{
		Name:         name,
		Format:       sessionFormats[format],
		IronPassword: pw,
		MaxAge:       -1,
		IdleTimeout:  -1,
		Clock:        now,
		Cookie:       attrs,
		OnError:      onErr,
	}
	switch format {
	case formatH3v2, formatH3v1:
		if o.maxAge.set {
			cfg.MaxAge = o.maxAge.d
		}
		if o.idle.set {
			if format == formatH3v1 {
				return nil, usagef("--idle-timeout: h3 1.x has no idle timeout")
			}
			cfg.IdleTimeout = o.idle.d
		}
		if cfg.MaxAge == 0 {
			cfg.MaxAge = -1 // maxAge: 0 is unset in h3 too
		}
		if cfg.IdleTimeout == 0 {
			cfg.IdleTimeout = -1
		}
		if f := o.config.LegacySealFallback; f != nil && !*f {
			if format != formatH3v2 {
				return nil, usagef("--config-json: legacySealFallback is h3 2.x's")
			}
			cfg.NoLegacySealFallback = true
		}
	case formatIronSession:
		switch {
		case !o.ttl.set:
			cfg.MaxAge = 0 // iron-session's default ttl, 14 days
		case o.ttl.d == 0:
			cfg.MaxAge = -1 // ttl: 0, never expires
		default:
			cfg.MaxAge = o.ttl.d
		}
		cfg.IdleTimeout = 0
	}
	disabled, header, err := o.config.sessionHeader()
	if err != nil {
		return nil, err
	}
	cfg.Header, cfg.DisableHeader = header, disabled
	m, err := session.New(cfg)
	if err != nil {
		return nil, usagef("%v", err)
	}
	return m, nil
}

// h3 decodes an h3 2.x or 1.x session with a session.Manager in that format,
// so that the header-over-cookie rule, the legacy-seal fallback and h3's
// expiry rules are exactly a server's.
func (d *decoder) h3(format string, in *input, name string) (*decoded, error) {
	return d.viaIronManager(format, in, name)
}

// viaIronManager decodes with a Manager in an iron format.
func (d *decoder) viaIronManager(format string, in *input, name string) (*decoded, error) {
	var onErr error
	m, err := ironManager(format, d.opts, d.pw, name, d.now, cookie.Attributes{}, func(_ *http.Request, err error) { onErr = err })
	if err != nil {
		return nil, err
	}
	if format == formatIronSession && in.mode == modeSessionHeader {
		return nil, usagef("--session-header: iron-session has no session header")
	}
	res := &decoded{format: format, name: m.Name()}
	env, err := d.viaManager(m, in, res, &onErr)
	if err != nil {
		return nil, err
	}
	res.keyID = ironSealID(res.value)
	if e, err := iron.Parse(trimVersion(res.value)); err == nil {
		res.expires = e.Expiration
	}
	if format == formatIronSession {
		if _, v, err := iron.SplitIronSessionValue(res.value); err == nil && v != iron.IronSessionVersion {
			res.notes = append(res.notes, fmt.Sprintf("no \"~%d\" suffix: iron-session reads this as a pre-v8 seal and keeps only its \"persistent\" field", iron.IronSessionVersion))
		}
		if env.Data == nil {
			env.Data = json.RawMessage("{}")
		}
		res.out, err = marshal(env.Data)
		return res, err
	}
	if d.opts.maxAge.set && d.opts.maxAge.d > 0 {
		res.limit(time.UnixMilli(env.CreatedAt).Add(d.opts.maxAge.d))
	}
	if d.opts.idle.set && d.opts.idle.d > 0 {
		last := env.LastSeenAt
		if last == 0 {
			last = env.CreatedAt
		}
		res.limit(time.UnixMilli(last).Add(d.opts.idle.d))
	}
	return res.envelope(env)
}

// limit brings res.expires forward to t.
func (res *decoded) limit(t time.Time) {
	if res.expires.IsZero() || t.Before(res.expires) {
		res.expires = t
	}
}

func trimVersion(v string) string {
	if s, _, err := iron.SplitIronSessionValue(v); err == nil {
		return s
	}
	return v
}

// viaManager reads the input's session with m: a bare value with Decode,
// anything else as the request a server would see, with Get. It fills in
// res's source, value and chunks.
func (d *decoder) viaManager(m *session.Manager[json.RawMessage], in *input, res *decoded, onErr *error) (session.Envelope[json.RawMessage], error) {
	var env session.Envelope[json.RawMessage]
	if in.mode == modeValue {
		e, err := m.Decode(in.value)
		if err != nil {
			return env, err
		}
		res.value, res.source = in.value, "the value given"
		return *e, nil
	}
	r := in.request()
	if in.mode == modeSessionHeader {
		if m.HeaderName() == "" {
			return env, usagef("--session-header: this format's session header is off (--config-json)")
		}
		r.Header.Set(m.HeaderName(), in.value)
	}
	s := m.Get(r)
	if s.IsNew() {
		if *onErr != nil {
			return env, *onErr
		}
		what := fmt.Sprintf("no %q cookie", m.Name())
		if m.HeaderName() != "" {
			what += " or " + m.HeaderName() + " header"
		}
		return env, fmt.Errorf("%w: %s", errNoSession, what)
	}
	if s.Source() == session.SourceHeader {
		res.value = r.Header.Get(m.HeaderName())
		res.source = "header " + m.HeaderName() + " (it wins over the cookie)"
	} else {
		res.value, res.chunks, _ = m.Cookie().Read(r)
		res.source = fmt.Sprintf("cookie %q", m.Name())
	}
	if s.Pending() {
		// As a server's handler would after this request (and as h3
		// returns it): saved, with the sliding idle window moved on.
		if err := s.Save(headerWriter{}); err == nil {
			res.notes = append(res.notes, "a server re-seals this session on this request (an older password or key, a legacy seal, or the sliding idle window): shown as re-sealed")
		}
	}
	return s.Envelope(), nil
}

// h3 seals an h3 2.x or 1.x session (or an iron-session 8 one) with a
// session.Manager in that format: the lines are what a server would send.
func (s *sealer) h3(format string, data json.RawMessage, bare bool) ([]string, error) {
	opts := s.opts.config.Cookie
	if format == formatIronSession {
		opts = s.opts.config.CookieOptions
	}
	attrs, err := opts.attributes()
	if err != nil {
		return nil, err
	}
	m, err := ironManager(format, s.opts, s.pw, s.name, s.now, attrs, nil)
	if err != nil {
		return nil, err
	}
	return sealOutput(m, data, bare)
}
