package main

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/sealed/iron"
)

// ironCodec builds the codec for raw iron: --iterations (default 1, iron's);
// for a value detected by --format auto, h3 2.x's 8192 with its fallback to
// 1, which opens the seals of every library.
func (d *decoder) ironCodec() (*iron.Codec, error) {
	cfg, err := iron.IronConfig(d.pw, d.opts.iterations, d.opts.ttl.d)
	if err != nil {
		return nil, usagef("%v", err)
	}
	if d.auto && d.opts.iterations == 0 {
		cfg.Iterations, cfg.FallbackIterations = iron.H3Iterations, iron.DefaultIterations
	}
	c, err := iron.New(cfg)
	if err != nil {
		return nil, usagef("%v", err)
	}
	return c, nil
}

// iron decodes a raw iron seal: a bare value (or a session header's value),
// as @hapi/iron's and iron-webcrypto's unseal take it.
func (d *decoder) iron(in *input) (*decoded, error) {
	if in.mode != modeValue && in.mode != modeSessionHeader {
		if !d.auto {
			return nil, usagef("--format iron takes the bare sealed value (or --session-header)")
		}
	}
	res := &decoded{format: formatIron, source: "the value given", value: in.value}
	if in.mode != modeValue && in.mode != modeSessionHeader {
		v, chunks, err := readCookie(in.request(), d.name)
		if err != nil {
			return nil, err
		}
		res.value, res.chunks, res.source = v, chunks, fmt.Sprintf("cookie %q", d.name)
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

// compactJSON checks that an iron plaintext is JSON, as the JavaScript
// libraries' JSON.parse does, and compacts it.
func compactJSON(pt []byte) (json.RawMessage, error) {
	var b bytes.Buffer
	if err := json.Compact(&b, pt); err != nil {
		return nil, fmt.Errorf("%w: the authentic plaintext is not JSON", sealed.ErrMalformed)
	}
	return b.Bytes(), nil
}
