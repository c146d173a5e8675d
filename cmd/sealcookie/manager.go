package main

import (
	"context"
	"encoding/json"
	"time"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/h3"
	"github.com/sealcookie/sealcookie/session/ironsession"
)

// nativeReader builds the session.Manager that decode opens a native value
// with. Without --max-age and --idle-timeout, the expiry sealed into the
// value by the server that wrote it is the limit; --config-json's
// sessionHeader names or disables the session header.
func nativeReader(o *options, keys []sealed.Key, name string, now func() time.Time, onErr func(context.Context, error)) (*session.Manager[json.RawMessage], error) {
	disabled, header, err := o.config.sessionHeader()
	if err != nil {
		return nil, err
	}
	cfg := session.Config[json.RawMessage]{
		Name:          name,
		Keys:          keys,
		MaxAge:        400 * 24 * time.Hour, // the longest a server may set
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
	attrs.Budget = cookie.NoBudget // seal writes test cookies of any size, chunked as the peers chunk them
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

// peerManager builds the session.Manager of a JavaScript peer's format
// (h3v2, h3v1, iron-session) from the options, the way the library reads
// them (see h3Format and ironSessionFormat); --config-json's sessionHeader
// is h3's.
func peerManager(f *formatSpec, o *options, pw iron.PasswordOption, name string, now func() time.Time, attrs cookie.Attributes, onErr func(context.Context, error)) (*session.Manager[json.RawMessage], error) {
	format, err := f.peer(o, pw, name)
	if err != nil {
		return nil, err
	}
	disabled, header, err := o.config.sessionHeader()
	if err != nil {
		return nil, err
	}
	if attrs.Budget == 0 {
		attrs.Budget = cookie.NoBudget // the peers chunk without a budget; so does seal
	}
	m, err := session.New(session.Config[json.RawMessage]{
		Format:        format,
		Header:        header,
		DisableHeader: disabled,
		Clock:         now,
		Cookie:        attrs,
		OnError:       onErr,
	})
	if err != nil {
		return nil, usagef("%v", err)
	}
	return m, nil
}

// decodeBudget lets decode derive every key it needs. The process-wide
// derivation budget of sealed/iron guards servers against forged cookies; a
// command opens the values its own user hands it, and a run over many of
// them (the tests replay every checker run in one process) would be refused
// past a tenth of a core.
var decodeBudget = func() *iron.Budget {
	b, err := iron.NewBudget(iron.BudgetConfig{CPU: -1, Concurrency: -1})
	if err != nil {
		panic(err)
	}
	return b
}()

// h3Format returns the session/h3 format of h3 major version v as the
// options give it: --max-age and --idle-timeout are h3's maxAge and
// idleTimeout (unset unless given, as in h3; 0 is unset too), and
// --config-json's legacySealFallback is h3 2.x's.
func h3Format(v int) func(o *options, pw iron.PasswordOption, name string) (session.Format, error) {
	return func(o *options, pw iron.PasswordOption, name string) (session.Format, error) {
		c := h3.Config{Version: v, Name: name, Password: pw, MaxAge: -1, IdleTimeout: -1, Budget: decodeBudget}
		if o.maxAge.set && o.maxAge.d > 0 {
			c.MaxAge = o.maxAge.d
		}
		if o.idle.set {
			if v == 1 {
				return nil, usagef("--idle-timeout: h3 1.x has no idle timeout")
			}
			if o.idle.d > 0 {
				c.IdleTimeout = o.idle.d
			}
		}
		if fb := o.config.LegacySealFallback; fb != nil && !*fb {
			if v != 2 {
				return nil, usagef("--config-json: legacySealFallback is h3 2.x's")
			}
			c.NoLegacySealFallback = true
		}
		f, err := h3.New(c)
		if err != nil {
			return nil, usagef("%v", err)
		}
		return f, nil
	}
}

// ironSessionFormat returns the session/ironsession format as the options
// give it: --ttl is iron-session's ttl (14 days unless given; 0 never
// expires).
func ironSessionFormat(o *options, pw iron.PasswordOption, name string) (session.Format, error) {
	c := ironsession.Config{CookieName: name, Password: pw, Budget: decodeBudget}
	switch {
	case !o.ttl.set:
	case o.ttl.d == 0:
		c.TTL = -1
	default:
		c.TTL = o.ttl.d
	}
	f, err := ironsession.New(c)
	if err != nil {
		return nil, usagef("%v", err)
	}
	return f, nil
}

// envelopeOf is a session as its envelope: what decode prints.
func envelopeOf(s *session.Session[json.RawMessage]) session.Envelope[json.RawMessage] {
	e := session.Envelope[json.RawMessage]{ID: s.ID(), Data: s.Data()}
	if t := s.CreatedAt(); !t.IsZero() {
		e.CreatedAt = t.UnixMilli()
	}
	if t := s.LastSeenAt(); !t.IsZero() {
		e.LastSeenAt = t.UnixMilli()
	}
	return e
}
