package main

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
)

// nativeReader builds the session.Manager that decode opens a native value
// with. Without --max-age and --idle-timeout, the expiry sealed into the
// value by the server that wrote it is the limit; --config-json's
// sessionHeader names or disables the session header.
func nativeReader(o *options, keys []sealed.Key, name string, now func() time.Time, onErr func(*http.Request, error)) (*session.Manager[json.RawMessage], error) {
	disabled, header, err := o.config.sessionHeader()
	if err != nil {
		return nil, err
	}
	cfg := session.Config[json.RawMessage]{
		Name:          name,
		Keys:          keys,
		MaxAge:        session.MaxMaxAge,
		IdleTimeout:   -1,
		Header:        header,
		DisableHeader: disabled,
		Clock:         now,
		OnError:       onErr,
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
	return m, nil
}

// nativeWriter builds the session.Manager that seal writes a native session
// with: the library's defaults unless --max-age or --idle-timeout (0: none)
// is given, and --config-json's cookie attributes.
func nativeWriter(o *options, keys []sealed.Key, name string, now func() time.Time) (*session.Manager[json.RawMessage], error) {
	attrs, err := o.config.Cookie.attributes()
	if err != nil {
		return nil, err
	}
	cfg := session.Config[json.RawMessage]{
		Name:   name,
		Keys:   keys,
		Clock:  now,
		Cookie: attrs,
	}
	if o.maxAge.set {
		cfg.MaxAge = o.maxAge.d
	}
	if o.idle.set {
		cfg.IdleTimeout = o.idle.d
		if o.idle.d == 0 {
			cfg.IdleTimeout = -1
		}
	}
	m, err := session.New(cfg)
	if err != nil {
		return nil, usagef("%v", err)
	}
	return m, nil
}

// ironManager builds the session.Manager of an iron format (h3v2, h3v1,
// iron-session) from the options, the way the JavaScript library reads
// them: --max-age and --idle-timeout are h3's maxAge and idleTimeout (unset
// unless given, as in h3), --ttl is iron-session's ttl (14 days unless
// given), --config-json's sessionHeader and legacySealFallback are h3's.
func ironManager(f *formatSpec, o *options, pw iron.PasswordOption, name string, now func() time.Time, attrs cookie.Attributes, onErr func(*http.Request, error)) (*session.Manager[json.RawMessage], error) {
	format := f.name
	cfg := session.Config[json.RawMessage]{
		Name:         name,
		Format:       f.session,
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

// headerWriter is the smallest http.ResponseWriter: Save only needs headers.
type headerWriter http.Header

func (h headerWriter) Header() http.Header         { return http.Header(h) }
func (h headerWriter) Write(b []byte) (int, error) { return len(b), nil }
func (h headerWriter) WriteHeader(int)             {}
