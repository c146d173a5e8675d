package main

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/internal/jsonerr"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/sealed/iron"
)

// PasswordEnv is the environment variable read when no password option is given.
const PasswordEnv = "SEALCOOKIE_PASSWORD"

// maxPasswordFile caps what --password-file reads.
const maxPasswordFile = 64 << 10

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

// passwordFlags records the password options as given; resolve reads them.
type passwordFlags struct {
	kind  string // "password", "password-file", "password-env", "password-json"
	value string
	count int
}

func (p *passwordFlags) set(kind string) func(string) error {
	return func(v string) error {
		p.count++
		p.kind, p.value = kind, v
		return nil
	}
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
	if field, _, kind, ok := jsonerr.TypeMismatch(err); ok {
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
	case "strict":
		a.SameSite = http.SameSiteStrictMode
	case "none":
		a.SameSite = http.SameSiteNoneMode
	default:
		return a, usagef("--config-json: sameSite must be lax, strict or none")
	}
	if c.Secure != nil && !*c.Secure {
		a.InsecureDevelopment = true
	}
	if c.HTTPOnly != nil && !*c.HTTPOnly {
		a.JavaScriptReadable = true
	}
	return a, nil
}

// addCommon registers the options shared by decode and seal on fs.
func (o *options) addCommon(fs *flag.FlagSet) {
	fs.StringVar(&o.format, "format", "auto", "the format `F`: auto (the default, detected), native, h3v2, h3v1, iron, iron-session or gorilla")
	fs.StringVar(&o.format, "producer", "auto", "") // the checker's spelling
	fs.StringVar(&o.name, "name", "", "cookie `NAME` (also the sealing purpose of native sessions; h3: the session name)")
	fs.Var(&o.maxAge, "max-age", "session max age: `S` seconds (native, h3; gorilla: the store's MaxAge)")
	fs.Var(&o.idle, "idle-timeout", "idle timeout: `S` seconds (native, h3 2.x)")
	fs.Var(&o.ttl, "ttl", "seal lifetime: `S` seconds (iron-session's ttl; iron)")
	fs.IntVar(&o.iterations, "iterations", 0, "PBKDF2 iteration count `N` (iron only; default 1, h3 2.x uses 8192)")
	fs.Var(&o.now, "now", "the clock: `MS` milliseconds since 1970 (default: now)")
	fs.Var(&o.config, "config-json", "extra library configuration, as `JSON`: {\"sessionHeader\":false}, {\"legacySealFallback\":false}, {\"cookie\":{...}}")
	o.addPassword(fs)
}

// addPassword registers the password options on fs.
func (o *options) addPassword(fs *flag.FlagSet) {
	fs.Func("password", "the password `P` itself (visible to other processes: prefer the others)", o.pw.set("password"))
	fs.Func("password-file", "read the password from file `F` (a JSON object is an id→password map)", o.pw.set("password-file"))
	fs.Func("password-env", "read the password from environment variable `VAR`", o.pw.set("password-env"))
	fs.Func("password-json", "the password as `JSON`: a string, or an {\"id\": \"password\"} map", o.pw.set("password-json"))
}

// clock returns the clock the command runs with: --now, else the real one.
func (o *options) clock(e *env) func() time.Time {
	if o.now.set {
		t := o.now.t
		return func() time.Time { return t }
	}
	return e.now
}

// errNoPassword is resolve's answer when no password is configured at all.
var errNoPassword = errors.New("no password")

// password resolves the password options (or SEALCOOKIE_PASSWORD) into a
// password option. It warns on stderr about a password given in argv. Errors
// never quote the password.
func (o *options) password(e *env) (iron.PasswordOption, error) {
	var none iron.PasswordOption
	p := o.pw
	if p.count > 1 {
		return none, usagef("give one of --password, --password-file, --password-env and --password-json")
	}
	switch p.kind {
	case "password":
		fmt.Fprintln(e.stderr, "sealcookie: warning: a password on the command line is visible to other processes (ps, /proc); prefer --password-file, --password-env or "+PasswordEnv)
		if p.value == "" {
			return none, usagef("--password is empty")
		}
		return iron.PasswordOption{Plain: p.value}, nil
	case "password-json":
		var opt iron.PasswordOption
		if err := json.Unmarshal([]byte(p.value), &opt); err != nil || (opt.Plain == "" && opt.Object == nil) {
			return none, usagef("--password-json expects a JSON string or an object of strings")
		}
		return opt, nil
	case "password-file":
		f, err := os.Open(p.value)
		if err != nil {
			return none, usagef("--password-file: %v", err)
		}
		defer f.Close()
		b, err := io.ReadAll(io.LimitReader(f, maxPasswordFile+1))
		if err != nil {
			return none, usagef("--password-file: %v", err)
		}
		if len(b) > maxPasswordFile {
			return none, usagef("--password-file: over %d bytes", maxPasswordFile)
		}
		return parsePasswordText(string(b), "--password-file")
	case "password-env":
		v, ok := e.lookupEnv(p.value)
		if !ok {
			return none, usagef("environment variable %s is not set", p.value)
		}
		return parsePasswordText(v, "$"+p.value)
	}
	if v, ok := e.lookupEnv(PasswordEnv); ok && v != "" {
		return parsePasswordText(v, "$"+PasswordEnv)
	}
	return none, errNoPassword
}

func parsePasswordText(text, where string) (iron.PasswordOption, error) {
	opt, err := iron.ParsePasswordOption(text)
	if err != nil {
		return opt, usagef("%s: %v", where, err)
	}
	if opt.Plain == "" && opt.Object == nil {
		return opt, usagef("%s is empty", where)
	}
	return opt, nil
}

// needPassword is password for commands that cannot run without one.
func (o *options) needPassword(e *env) (iron.PasswordOption, error) {
	opt, err := o.password(e)
	if errors.Is(err, errNoPassword) {
		return opt, usagef("no password: use --password-file F, --password-env VAR or --password-json J, or set %s", PasswordEnv)
	}
	return opt, err
}

// nativeKeys turns a password option into native keyring keys, the sealing
// key first. A plain password gets id plainID. An object maps decimal ids
// (0-255) to passwords; h3's "id" and "secret" keys name the sealing key,
// else the highest id seals, as in iron-session.
func nativeKeys(o iron.PasswordOption, plainID uint8) ([]sealed.Key, error) {
	if o.Object == nil {
		return []sealed.Key{{ID: plainID, Password: o.Plain}}, nil
	}
	byID := map[int]string{}
	sealID := -1
	for k, v := range o.Object {
		switch k {
		case "id":
			id, err := keyID(v)
			if err != nil {
				return nil, err
			}
			sealID = id
			continue
		case "secret":
			continue
		}
		id, err := keyID(k)
		if err != nil {
			return nil, err
		}
		byID[id] = v
	}
	if s, ok := o.Object["secret"]; ok {
		if sealID < 0 {
			return nil, usagef("password object: \"secret\" needs an \"id\"")
		}
		if old, ok := byID[sealID]; ok && old != s {
			return nil, usagef("password object: id %d has two different passwords", sealID)
		}
		byID[sealID] = s
	}
	if len(byID) == 0 {
		return nil, usagef("password object holds no password")
	}
	ids := make([]int, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(ids)))
	if sealID < 0 {
		sealID = ids[0]
	} else if _, ok := byID[sealID]; !ok {
		return nil, usagef("password object: \"id\" names id %d, which has no password", sealID)
	}
	keys := []sealed.Key{{ID: uint8(sealID), Password: byID[sealID]}}
	for _, id := range ids {
		if id != sealID {
			keys = append(keys, sealed.Key{ID: uint8(id), Password: byID[id]})
		}
	}
	return keys, nil
}

func keyID(s string) (int, error) {
	id, err := strconv.Atoi(s)
	if err != nil || id < 0 || id > 255 || strconv.Itoa(id) != s {
		return 0, usagef("password object: native key ids are decimal numbers from 0 to 255")
	}
	return id, nil
}

// gorillaKeys turns a password option into gorilla/securecookie key pairs.
// A plain password is a hash key (cookies signed, not encrypted). An object
// has "hash" and "block" keys, then "hash2", "block2" and so on for older
// pairs. A value that starts with "hex:" or "base64:" is decoded.
func gorillaKeys(o iron.PasswordOption) ([][]byte, error) {
	if o.Object == nil {
		return [][]byte{[]byte(o.Plain)}, nil
	}
	for k := range o.Object {
		base := strings.TrimRight(k, "0123456789")
		if base != "hash" && base != "block" {
			return nil, usagef("gorilla keys: an object with \"hash\" and \"block\" (then \"hash2\", \"block2\", ...)")
		}
	}
	var pairs [][]byte
	for i := 1; i <= 16; i++ {
		suffix := ""
		if i > 1 {
			suffix = strconv.Itoa(i)
		}
		h, ok := o.Object["hash"+suffix]
		if !ok {
			break
		}
		hk, err := keyBytes(h)
		if err != nil {
			return nil, err
		}
		var bk []byte
		if b, ok := o.Object["block"+suffix]; ok {
			if bk, err = keyBytes(b); err != nil {
				return nil, err
			}
		}
		pairs = append(pairs, hk, bk)
	}
	if len(pairs) == 0 {
		return nil, usagef("gorilla keys: \"hash\" is required")
	}
	return pairs, nil
}

func keyBytes(s string) ([]byte, error) {
	switch {
	case strings.HasPrefix(s, "hex:"):
		b, err := hex.DecodeString(s[4:])
		if err != nil {
			return nil, usagef("gorilla keys: bad hex")
		}
		return b, nil
	case strings.HasPrefix(s, "base64:"):
		t := strings.TrimRight(s[7:], "=")
		for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
			if b, err := enc.DecodeString(t); err == nil {
				return b, nil
			}
		}
		return nil, usagef("gorilla keys: bad base64")
	}
	return []byte(s), nil
}

// readInput reads a command's input: the positional argument if there is
// one, else stdin, up to limit bytes.
func (e *env) readInput(pos []string, limit int) (string, error) {
	switch len(pos) {
	case 0:
	case 1:
		if len(pos[0]) > limit {
			return "", fmt.Errorf("%w: the input is over %d bytes", sealed.ErrTooLarge, limit)
		}
		return pos[0], nil
	default:
		return "", usagef("expected at most one argument, got %d", len(pos))
	}
	b, err := io.ReadAll(io.LimitReader(e.stdin, int64(limit)+1))
	if err != nil {
		return "", fmt.Errorf("reading stdin: %w", err)
	}
	if len(b) > limit {
		return "", fmt.Errorf("%w: the input is over %d bytes", sealed.ErrTooLarge, limit)
	}
	return string(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))), nil
}
