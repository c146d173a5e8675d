package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session/gorilla"
)

// ironCodec builds the codec for raw iron: --iterations (default 1, iron's);
// for a value detected by --format auto, h3 2.x's 8192 with its fallback to
// 1, which opens the seals of every library.
func (d *decoder) ironCodec() (*iron.Keyring, error) {
	cfg, err := iron.IronConfig(d.pw, d.opts.iterations, d.opts.ttl.d)
	if err != nil {
		return nil, usagef("%v", err)
	}
	if d.auto && d.opts.iterations == 0 {
		cfg.Iterations, cfg.FallbackIterations = iron.H3Iterations, iron.DefaultIterations
	}
	cfg.Budget = decodeBudget
	c, err := iron.NewKeyring(cfg)
	if err != nil {
		return nil, usagef("%v", err)
	}
	return c, nil
}

// iron decodes a raw iron seal: a bare value (or a session header's value),
// as @hapi/iron's and iron-webcrypto's unseal take it.
func (d *decoder) iron(_ *formatSpec, in *input, name string) (*decoded, error) {
	if in.mode != modeValue && in.mode != modeSessionHeader {
		if !d.auto {
			return nil, usagef("--format iron takes the bare sealed value (or --session-header)")
		}
	}
	res := &decoded{format: formatIron, source: "the value given", value: in.value}
	if in.mode != modeValue && in.mode != modeSessionHeader {
		v, chunks, err := readCookie(in.request(), name)
		if err != nil {
			return nil, err
		}
		res.value, res.chunks, res.source = v, chunks, fmt.Sprintf("cookie %q", name)
	}
	c, err := d.ironCodec()
	if err != nil {
		return nil, err
	}
	pt, info, err := c.Unseal(res.value, d.now())
	if err != nil {
		return nil, err
	}
	if res.out, err = compactJSON(pt); err != nil {
		return nil, err
	}
	res.keyID, res.expires = info.PasswordID, info.Expires
	res.notes = append(res.notes, fmt.Sprintf("opened with %d PBKDF2 iteration(s)", info.Iterations))
	var env struct {
		ID        *string         `json:"id"`
		CreatedAt *int64          `json:"createdAt"`
		Data      json.RawMessage `json:"data"`
	}
	if json.Unmarshal(pt, &env) == nil && env.ID != nil && env.CreatedAt != nil && env.Data != nil {
		res.notes = append(res.notes, "this looks like an h3 session: --format h3v2 (or h3v1) applies h3's expiry rules")
	}
	return res, nil
}

// gorilla decodes a gorilla/securecookie (gorilla/sessions) cookie with the
// migration reader of package session/gorilla: gob values first, then JSON.
func (d *decoder) gorilla(_ *formatSpec, in *input, name string) (*decoded, error) {
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
