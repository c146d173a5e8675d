package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
)

// native decodes sealcookie's own format with a session.Manager, so that
// every rule is the server's.
func (d *decoder) native(_ *formatSpec, in *input, name string) (*decoded, error) {
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
	var onErr error
	m, err := nativeReader(d.opts, keys, name, d.now, func(_ context.Context, err error) { onErr = err })
	if err != nil {
		return nil, err
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

// viaPeerManager decodes an h3 2.x or 1.x session, or an iron-session one,
// with a session.Manager in that format, so that the header-over-cookie
// rule, the legacy-seal fallback and h3's expiry rules are exactly a
// server's.
func (d *decoder) viaPeerManager(f *formatSpec, in *input, name string) (*decoded, error) {
	format := f.name
	var onErr error
	m, err := peerManager(f, d.opts, d.pw, name, d.now, cookie.Attributes{}, func(_ context.Context, err error) { onErr = err })
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
		if env.Data == nil || string(env.Data) == "null" {
			env.Data = json.RawMessage("{}") // iron-session's empty session
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
		e, err := m.Decode(context.Background(), in.value)
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
	// A non-empty session header wins over the cookie (when the Manager
	// reads one): that is where the session came from.
	if h := m.HeaderName(); h != "" && r.Header.Get(h) != "" {
		res.value = r.Header.Get(h)
		res.source = "header " + h + " (it wins over the cookie)"
	} else {
		res.value, res.chunks, _ = readCookie(r, m.Name())
		res.source = fmt.Sprintf("cookie %q", m.Name())
	}
	// As a server's handler would after this request (and as h3 returns it):
	// saved, with the sliding idle window moved on, when the read re-seals.
	if h := (http.Header{}); s.Save(h) == nil && len(h) > 0 {
		res.notes = append(res.notes, "a server re-seals this session on this request (an older password or key, a legacy seal, or the sliding idle window): shown as re-sealed")
	}
	return envelopeOf(s), nil
}
