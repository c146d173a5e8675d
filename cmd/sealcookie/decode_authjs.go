package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/authjs"
)

// formatAuthJS is Auth.js's (NextAuth v5) session token.
const formatAuthJS = "authjs"

// authjsFormat returns the session/authjs format as the options give it:
// the password is Auth.js's secret, or an object of its environment
// variables ({"AUTH_SECRET": …, "AUTH_SECRET_1": …}) ordered as Auth.js
// orders them; --max-age is Auth.js's session.maxAge (30 days unless given).
func authjsFormat(o *options, pw iron.PasswordOption, name string) (session.Format, error) {
	secrets := []string{pw.Plain}
	if pw.Object != nil {
		for k := range pw.Object {
			switch k {
			case "AUTH_SECRET", "AUTH_SECRET_1", "AUTH_SECRET_2", "AUTH_SECRET_3":
			default:
				return nil, usagef("Auth.js secrets: a string, or an object of AUTH_SECRET and AUTH_SECRET_1 to _3")
			}
		}
		secrets = authjs.SecretsFromEnv(func(k string) string { return pw.Object[k] })
	}
	c := authjs.Config{CookieName: name, Secrets: secrets}
	if o.maxAge.set && o.maxAge.d > 0 {
		c.MaxAge = o.maxAge.d.Truncate(time.Second)
	}
	f, err := authjs.New(c)
	if err != nil {
		return nil, usagef("%v", err)
	}
	return f, nil
}

// authjs decodes an Auth.js session token with a session.Manager in the
// Auth.js format: Auth.js's key derivation, kid, exp and 15-second
// tolerance, and its chunk names (name.0, name.1, …). It prints the claims.
func (d *decoder) authjs(f *formatSpec, in *input, name string) (*decoded, error) {
	if in.mode == modeSessionHeader {
		return nil, usagef("--session-header: Auth.js reads its session from the cookie only")
	}
	var onErr error
	m, err := peerManager(f, d.opts, d.pw, name, d.now, cookie.Attributes{}, func(_ context.Context, err error) { onErr = err })
	if err != nil {
		return nil, err
	}
	res := &decoded{format: formatAuthJS, name: m.Name()}
	var claims json.RawMessage
	if in.mode == modeValue {
		e, err := m.Decode(context.Background(), in.value)
		if err != nil {
			return nil, authjsHint(err)
		}
		claims, res.value, res.source = e.Data, in.value, "the value given"
	} else {
		r := in.request()
		s := m.Get(r)
		if s.IsNew() {
			if onErr != nil {
				return nil, authjsHint(onErr)
			}
			return nil, fmt.Errorf("%w: no %q cookie (nor its chunks %s.0, %s.1, …)", errNoSession, m.Name(), m.Name(), m.Name())
		}
		spec, err := cookie.New(m.Name(), cookie.Attributes{AuthJSChunks: true, MaxChunks: cookie.MaxChunksLimit})
		if err != nil {
			return nil, err
		}
		res.value, res.chunks, _ = spec.Read(r.Header["Cookie"])
		res.source = fmt.Sprintf("cookie %q", m.Name())
		claims = s.Data()
	}
	var t struct {
		IssuedAt *float64 `json:"iat"`
		Expires  *float64 `json:"exp"`
	}
	if err := json.Unmarshal(claims, &t); err == nil {
		if t.IssuedAt != nil {
			res.created = time.UnixMilli(int64(*t.IssuedAt * 1000))
		}
		if t.Expires != nil {
			res.expires = time.UnixMilli(int64(*t.Expires * 1000))
		}
	}
	res.notes = append(res.notes, "created is the token's iat: when it was last written (Auth.js writes it anew at every session read), not when the user signed in")
	if enc, kid, ok := authjsHeader(res.value); ok {
		res.keyID = kid
		if enc != "A256CBC-HS512" {
			res.notes = append(res.notes, enc+": Auth.js decodes it but writes A256CBC-HS512")
		}
	}
	res.out, err = marshal(claims)
	return res, err
}

// authjsHint adds the likely cause to an unknown kid, which is what both a
// secret missing from the list and another cookie name (the salt) give.
func authjsHint(err error) error {
	if strings.Contains(err.Error(), "unknown key id") {
		return fmt.Errorf("%w; the secret is not in the list, or the token is another cookie's (the cookie name is the key's salt: see --name)", err)
	}
	return err
}

// authjsHeader returns the enc and kid of a compact JWE whose protected
// header says "alg":"dir", without any key: what detect and --explain need.
func authjsHeader(v string) (enc, kid string, ok bool) {
	if len(v) > 64<<10 || strings.Count(v, ".") != 4 {
		return "", "", false
	}
	head, rest, _ := strings.Cut(v, ".")
	if !strings.HasPrefix(rest, ".") || len(head) > 1024 {
		return "", "", false
	}
	raw, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		return "", "", false
	}
	var h struct {
		Alg string `json:"alg"`
		Enc string `json:"enc"`
		Kid string `json:"kid"`
	}
	if json.Unmarshal(raw, &h) != nil || h.Alg != "dir" || h.Enc == "" {
		return "", "", false
	}
	return h.Enc, h.Kid, true
}
