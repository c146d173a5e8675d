package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/internal/jsonerr"
)

// options are the options that decode, seal and serve share. They mirror the
// team's interop checker (verify.mjs), with --producer spelt --format.
type options struct {
	format     string
	name       string
	maxAge     seconds
	idle       seconds
	ttl        seconds
	iterations int
	now        millis
	config     libConfig
	pw         passwordFlags
}

// seconds is a duration option given in seconds (fractions allowed), as the
// JavaScript libraries take them.
type seconds struct {
	d   time.Duration
	set bool
}

func (s *seconds) String() string {
	if !s.set {
		return ""
	}
	return strconv.FormatFloat(s.d.Seconds(), 'f', -1, 64)
}

func (s *seconds) Set(v string) error {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 400*24*3600*10 {
		return errors.New("expects a number of seconds")
	}
	s.d, s.set = time.Duration(f*float64(time.Second)), true
	return nil
}

// millis is an instant given in Unix milliseconds (--now).
type millis struct {
	t   time.Time
	set bool
}

func (m *millis) String() string {
	if !m.set {
		return ""
	}
	return strconv.FormatInt(m.t.UnixMilli(), 10)
}

func (m *millis) Set(v string) error {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > 1<<52 {
		return errors.New("expects Unix milliseconds")
	}
	m.t, m.set = time.UnixMilli(int64(f)), true
	return nil
}

// libConfig is --config-json: the extra library configuration the checker
// merges into h3's or iron-session's options. Only what changes how a
// session is read or written is accepted; anything else is a usage error.
type libConfig struct {
	// SessionHeader is h3's sessionHeader: false disables the header, a
	// string names it.
	SessionHeader json.RawMessage `json:"sessionHeader"`
	// LegacySealFallback false stops h3 2.x from retrying with 1 iteration.
	LegacySealFallback *bool `json:"legacySealFallback"`
	// Cookie (h3) and CookieOptions (iron-session) are cookie attributes.
	Cookie        *cookieOptions `json:"cookie"`
	CookieOptions *cookieOptions `json:"cookieOptions"`
}

// cookieOptions are cookie attributes as the JavaScript libraries take them.
type cookieOptions struct {
	Domain      string `json:"domain"`
	Path        string `json:"path"`
	SameSite    any    `json:"sameSite"`
	Partitioned bool   `json:"partitioned"`
	MaxAge      *int64 `json:"maxAge"`
	Secure      *bool  `json:"secure"`
	HTTPOnly    *bool  `json:"httpOnly"`
}

func (c *libConfig) String() string { return "" }

func (c *libConfig) Set(v string) error {
	d := json.NewDecoder(strings.NewReader(v))
	d.DisallowUnknownFields()
	var n libConfig
	if err := d.Decode(&n); err != nil {
		return fmt.Errorf("expects a JSON object with sessionHeader, legacySealFallback, cookie or cookieOptions (%s)", jsonProblem(err))
	}
	if d.More() {
		return errors.New("expects one JSON object")
	}
	*c = n
	return nil
}

// jsonProblem describes a JSON error without quoting the input.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	if field, _, kind, ok := jsonerr.TypeMismatch(err, reflect.TypeFor[libConfig]()); ok {
		return fmt.Sprintf("field %q cannot hold a JSON %s", field, kind)
	}
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("invalid JSON at byte %d", se.Offset)
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return strings.TrimPrefix(err.Error(), "json: ")
	}
	return "invalid JSON"
}

// sessionHeader returns h3's sessionHeader option: disabled, or a header name
// ("" for the default).
func (c *libConfig) sessionHeader() (disabled bool, name string, err error) {
	if len(c.SessionHeader) == 0 {
		return false, "", nil
	}
	var b bool
	if json.Unmarshal(c.SessionHeader, &b) == nil {
		if b {
			return false, "", nil
		}
		return true, "", nil
	}
	if json.Unmarshal(c.SessionHeader, &name) == nil && name != "" {
		return false, name, nil
	}
	return false, "", usagef("--config-json: sessionHeader is false or a header name")
}

// attributes turns the cookie options into cookie.Attributes.
func (c *cookieOptions) attributes() (cookie.Attributes, error) {
	var a cookie.Attributes
	if c == nil {
		return a, nil
	}
	a.Domain, a.Path, a.Partitioned = c.Domain, c.Path, c.Partitioned
	switch s := strings.ToLower(fmt.Sprint(c.SameSite)); s {
	case "<nil>", "lax", "true":
		a.SameSite = http.SameSiteLaxMode
	case "false": // h3's sameSite: false writes no attribute
		a.OmitSameSite = true
	case "strict":
		a.SameSite = http.SameSiteStrictMode
	case "none":
		a.SameSite = http.SameSiteNoneMode
	default:
		return a, usagef("--config-json: sameSite must be lax, strict, none or false")
	}
	if c.Secure != nil && !*c.Secure {
		a.InsecureDevelopment = true
	}
	if c.HTTPOnly != nil && !*c.HTTPOnly {
		a.JavaScriptReadable = true
	}
	return a, nil
}

// addCommon registers the options shared by decode and seal on fs, with
// each command's own words for them (sealing: seal's).
func (o *options) addCommon(fs *flag.FlagSet, sealing bool) {
	if sealing {
		fs.StringVar(&o.format, "format", formatNative, "the format `F`: native (the default), h3v1 (h3 1.x: Nuxt 3 and 4, nuxt-auth-utils), h3v2 (h3 2.x: Nuxt 5), iron, iron-session (8 and 9) or authjs (gorilla is read-only)")
		fs.Var(&o.maxAge, "max-age", "session max age: `S` seconds (native: default 24 hours; h3v2, h3v1: none unless given, as in h3)")
		fs.Var(&o.idle, "idle-timeout", "idle timeout: `S` seconds (native: default 2 hours, 0 for none; h3v2: none unless given)")
		fs.Var(&o.ttl, "ttl", "seal lifetime: `S` seconds (iron-session: default 14 days, 0 never expires; iron: default never)")
		fs.IntVar(&o.iterations, "iterations", 0, "PBKDF2 iteration count `N` (iron only; default 1, h3 2.x uses 8192)")
		fs.Var(&o.config, "config-json", "extra library configuration, as `JSON`: {\"cookie\":{...}} (native, h3v2, h3v1), {\"cookieOptions\":{...}} (iron-session): cookie attributes")
	} else {
		fs.StringVar(&o.format, "format", formatAuto, "the format `F`: auto (the default, detected), native, h3v1 (h3 1.x: Nuxt 3 and 4, nuxt-auth-utils), h3v2 (h3 2.x: Nuxt 5), iron, iron-session (8 and 9), authjs or gorilla")
		fs.Var(&o.maxAge, "max-age", "session max age: `S` seconds (native: default the expiry sealed into the value; h3v2, h3v1: none unless given; gorilla: default 30 days, the store's MaxAge)")
		fs.Var(&o.idle, "idle-timeout", "idle timeout: `S` seconds (native, h3v2: none unless given)")
		fs.Var(&o.ttl, "ttl", "seal lifetime: `S` seconds (iron-session's ttl; iron)")
		fs.IntVar(&o.iterations, "iterations", 0, "PBKDF2 iteration count `N` (iron only; default 1, or with --format auto 8192 falling back to 1, which opens every library's seals)")
		fs.Var(&o.config, "config-json", "extra library configuration, as `JSON`: {\"sessionHeader\":false}, {\"legacySealFallback\":false}, {\"cookie\":{...}}")
	}
	fs.StringVar(&o.format, "producer", o.format, "") // the checker's spelling
	fs.StringVar(&o.name, "name", "", "cookie `NAME` (also the sealing purpose of native sessions; h3: the session name; iron-session: cookieName)")
	fs.Var(&o.now, "now", "the clock: `MS` milliseconds since 1970 (default: now)")
	o.addPassword(fs)
}

// clock returns the clock the command runs with: --now, else the real one.
func (o *options) clock(e *env) func() time.Time {
	if o.now.set {
		t := o.now.t
		return func() time.Time { return t }
	}
	return e.now
}
