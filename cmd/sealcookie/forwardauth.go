package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sealcookie/sealcookie/httpx"
	"github.com/sealcookie/sealcookie/session"
)

const forwardAuthSynopsis = `sealcookie forward-auth --require FIELD [options] [password options]

A sidecar that answers a proxy's authorization sub-request (nginx
auth_request, Caddy forward_auth, Traefik ForwardAuth, Envoy ext_authz) from
the session cookie of the original request: 200 with the identity headers
taken from the session, 401 when there is none, or a redirect to --login-url
with a same-origin redirectTo for browser navigations. It reads sealcookie's
native sessions and those of h3 (Nuxt) and iron-session (Next.js), so an edge
can gate an application it did not write. GET /healthz says how it is
configured; every other path is the authorization endpoint.

Options come from flags, else from SEALCOOKIE_FORWARD_AUTH_<OPTION> environment
variables (--login-url is SEALCOOKIE_FORWARD_AUTH_LOGIN_URL; --header takes a
comma-separated list there), else from the JSON object of --config FILE (keys
are the option names; "header" is an object of header name to field). The
password comes from the password options or SEALCOOKIE_PASSWORD.`

// forwardAuthEnvPrefix prefixes the environment variable of each option.
const forwardAuthEnvPrefix = "SEALCOOKIE_FORWARD_AUTH_"

// maxConfigFile caps what --config reads.
const maxConfigFile = 1 << 20

// forwardAuthCmd holds forward-auth's options.
type forwardAuthCmd struct {
	options
	addr       string
	configFile string
	headers    headerFlags
	require    string
	loginURL   string
	param      string
	status     int
	refresh    bool
}

// headerFlags is --header NAME=FIELD, repeatable.
type headerFlags struct{ m map[string]string }

func (h *headerFlags) String() string { return "" }

func (h *headerFlags) Set(v string) error {
	for item := range strings.SplitSeq(v, ",") {
		name, field, ok := strings.Cut(strings.TrimSpace(item), "=")
		if !ok || name == "" || field == "" {
			return errors.New("expects NAME=FIELD, say X-User-Id=user.id")
		}
		if h.m == nil {
			h.m = map[string]string{}
		}
		h.m[name] = field
	}
	return nil
}

func (e *env) forwardAuth(args []string) error {
	c := &forwardAuthCmd{}
	fs := newFlagSet("forward-auth")
	fs.StringVar(&c.addr, "addr", "127.0.0.1:9091", "listen on `ADDR`")
	fs.StringVar(&c.configFile, "config", "", "read options from the JSON object in `FILE`")
	fs.StringVar(&c.format, "format", formatNative, "the session format `F`: native, h3v2, h3v1 or iron-session")
	fs.StringVar(&c.name, "name", "", "the session cookie's `NAME` (default: the format's: __Host-session, h3, iron-session)")
	fs.Var(&c.headers, "header", "identity header `NAME=FIELD`, repeatable: FIELD is a dot path into the session data (user.id) or @id, the session id")
	fs.StringVar(&c.require, "require", "", "the session `FIELD` that marks a signed-in user (required; a visitor's session is not a login): set, and not empty, null, false or 0")
	fs.StringVar(&c.loginURL, "login-url", "", "send browser navigations without a session to `URL` (a same-origin path or an absolute URL); without it they get 401")
	fs.StringVar(&c.param, "param", "", "the login URL's query parameter `P` that carries the page to come back to (default redirectTo)")
	fs.IntVar(&c.status, "redirect-status", 0, "the redirect's status `N`: 302 (default; Caddy, Traefik, Envoy), 303, 307, or 401 with Location for nginx's auth_request")
	fs.BoolVar(&c.refresh, "refresh", false, "answer the sliding refresh's Set-Cookie for the proxy to relay (default: read-only)")
	fs.Var(&c.maxAge, "max-age", "session max age: `S` seconds (native: default, the expiry sealed in the value; h3)")
	fs.Var(&c.idle, "idle-timeout", "idle timeout: `S` seconds (native, h3 2.x)")
	fs.Var(&c.ttl, "ttl", "iron-session's ttl: `S` seconds (default 14 days)")
	fs.Var(&c.config, "config-json", "extra library configuration, as `JSON`: {\"sessionHeader\":false}, {\"cookie\":{...}}")
	c.addPassword(fs)
	pos, err := e.parse(fs, forwardAuthSynopsis, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("forward-auth takes no arguments")
	}
	if err := e.fillOptions(fs, c.configFile); err != nil {
		return err
	}
	h, summary, err := c.build(e)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", c.addr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	fmt.Fprintf(e.stdout, "sealcookie forward-auth: listening on http://%s (%s)\n", ln.Addr(), summary)
	if err := e.serveUntilDone(srv, ln); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "sealcookie forward-auth: stopped")
	return nil
}

// fillOptions sets the options not given as flags from the environment,
// then from the config file.
func (e *env) fillOptions(fs *flag.FlagSet, file string) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if !given["config"] {
		if v, ok := e.lookupEnv(forwardAuthEnvPrefix + "CONFIG"); ok {
			file, given["config"] = v, true
		}
	}
	var fromFile map[string]json.RawMessage
	if file != "" {
		var err error
		if fromFile, err = readConfigFile(file); err != nil {
			return err
		}
		for k := range fromFile {
			if f := fs.Lookup(k); f == nil || f.Usage == "" || k == "config" {
				return usagef("--config %s: unknown option %q", file, k)
			}
		}
	}
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if err != nil || given[f.Name] || f.Usage == "" {
			return
		}
		env := forwardAuthEnvPrefix + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := e.lookupEnv(env); ok {
			if serr := fs.Set(f.Name, v); serr != nil {
				err = usagef("$%s: %v", env, serr)
			}
			return
		}
		raw, ok := fromFile[f.Name]
		if !ok {
			return
		}
		for _, v := range configValues(f.Name, raw) {
			if serr := fs.Set(f.Name, v); serr != nil {
				err = usagef("--config %s: %q: %v", file, f.Name, serr)
				return
			}
		}
	})
	return err
}

// readConfigFile reads a JSON object of options.
func readConfigFile(file string) (map[string]json.RawMessage, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, usagef("--config: %v", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxConfigFile+1))
	if err != nil {
		return nil, usagef("--config: %v", err)
	}
	if len(b) > maxConfigFile {
		return nil, usagef("--config %s: over %d bytes", file, maxConfigFile)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, usagef("--config %s: not a JSON object (%s)", file, jsonProblem(err))
	}
	return m, nil
}

// configValues turns a config file's value into flag values: strings,
// numbers and booleans as written; "header" as an object of name to field
// (or a list of NAME=FIELD strings); "config-json" as its JSON.
func configValues(name string, raw json.RawMessage) []string {
	if name == "config-json" {
		return []string{string(raw)}
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []string{s}
	}
	if name == "header" {
		var obj map[string]string
		if json.Unmarshal(raw, &obj) == nil {
			var vs []string
			for k, v := range obj {
				vs = append(vs, k+"="+v)
			}
			sort.Strings(vs)
			return vs
		}
		var list []string
		if json.Unmarshal(raw, &list) == nil {
			return list
		}
	}
	return []string{string(bytes.TrimSpace(raw))}
}

// build checks the options and returns the sidecar's handler and a summary
// of its configuration.
func (c *forwardAuthCmd) build(e *env) (http.Handler, string, error) {
	format, err := parseFormat(c.format)
	if err != nil {
		return nil, "", err
	}
	f := formatOf(format)
	if f == nil || (format != formatNative && f.peer == nil) {
		return nil, "", usagef("--format %s: forward-auth reads sessions: native, h3v2, h3v1 or iron-session", c.format)
	}
	if c.require == "" {
		return nil, "", usagef("--require FIELD is required: the session field that marks a signed-in user (a visitor's session, which h3 gives everyone, is not a login)")
	}
	pw, err := c.needPassword(e)
	if err != nil {
		return nil, "", err
	}
	name := c.name
	if name == "" {
		name = f.cookie
	}
	disabled, header, err := c.config.sessionHeader()
	if err != nil {
		return nil, "", err
	}
	attrs, err := c.config.Cookie.attributes()
	if err != nil {
		return nil, "", err
	}
	if c.config.CookieOptions != nil {
		if attrs, err = c.config.CookieOptions.attributes(); err != nil {
			return nil, "", err
		}
	}
	var logMu sync.Mutex // one line per refusal, never interleaved
	cfg := session.Config[map[string]any]{
		Header:        header,
		DisableHeader: disabled,
		Cookie:        attrs,
		Clock:         c.clock(e),
		Encoding:      numberJSON{},
		OnError: func(_ context.Context, err error) {
			logMu.Lock()
			defer logMu.Unlock()
			fmt.Fprintf(e.stderr, "sealcookie forward-auth: %s\n", oneLine(err.Error()))
		},
	}
	if format == formatNative {
		keys, err := nativeKeys(pw, 1)
		if err != nil {
			return nil, "", err
		}
		cfg.Name, cfg.Keys = name, keys
		// The application sets the lifetimes; the expiry it sealed into the
		// value is the limit unless --max-age or --idle-timeout says more.
		cfg.MaxAge, cfg.IdleTimeout = 400*24*time.Hour, -1
		if c.maxAge.set && c.maxAge.d > 0 {
			cfg.MaxAge = c.maxAge.d
		}
		if c.idle.set && c.idle.d > 0 {
			cfg.IdleTimeout = c.idle.d
		}
	} else {
		if cfg.Format, err = f.peer(&c.options, pw, name); err != nil {
			return nil, "", err
		}
	}
	m, err := session.New(cfg)
	if err != nil {
		return nil, "", usagef("%v", err)
	}
	if c.refresh {
		// A password option that names no sealing password reads but
		// cannot re-seal: say so now rather than at every refresh.
		if _, err := m.Encode(session.Envelope[map[string]any]{Data: map[string]any{}}); err != nil {
			return nil, "", usagef("--refresh: the sidecar cannot seal with this password option: %v", err)
		}
	}
	ids := map[string]httpx.IdentityFunc[map[string]any]{}
	var names []string
	for h, field := range c.headers.m {
		ids[h] = identityOf(field)
		names = append(names, http.CanonicalHeaderKey(h)+"="+field)
	}
	sort.Strings(names)
	require := c.require
	var auth func(map[string]any) bool // nil, for @id: every valid session
	if require != "@id" {
		auth = func(d map[string]any) bool { return truthy(lookup(d, require)) }
	}
	fa, err := httpx.NewForwardAuth(m, httpx.ForwardAuthConfig[map[string]any]{
		Headers:        ids,
		Authenticated:  auth,
		LoginURL:       c.loginURL,
		Param:          c.param,
		RedirectStatus: c.status,
		Refresh:        c.refresh,
	})
	if err != nil {
		return nil, "", usagef("%v", strings.TrimPrefix(err.Error(), "httpx: "))
	}
	health := map[string]any{
		"status": "ok", "format": format, "cookie": m.Name(), "sessionHeader": m.HeaderName(),
		"identity": names, "require": require, "loginURL": c.loginURL, "refresh": c.refresh,
	}
	hb, _ := json.Marshal(health)
	hb = append(hb, '\n')
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(hb)
	})
	mux.Handle("/", fa)
	summary := fmt.Sprintf("format %s, cookie %s, identity %s, require %s", format, m.Name(), strings.Join(names, " "), require)
	if len(names) == 0 {
		summary = fmt.Sprintf("format %s, cookie %s, no identity headers, require %s", format, m.Name(), require)
	}
	return mux, summary, nil
}

// numberJSON is encoding/json with numbers kept as written, so an id of
// more than 53 bits reaches its header intact.
type numberJSON struct{}

func (numberJSON) Marshal(v any) ([]byte, error) { return json.Marshal(v) }

func (numberJSON) Unmarshal(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return errors.New("json: data after the value")
	}
	return nil
}

// identityOf returns the identity function of a field: @id is the session
// id, anything else a dot path into the data.
func identityOf(field string) httpx.IdentityFunc[map[string]any] {
	if field == "@id" {
		return func(s *session.Session[map[string]any]) (string, bool) { return s.ID(), s.ID() != "" }
	}
	return func(s *session.Session[map[string]any]) (string, bool) {
		return scalar(lookup(s.Data(), field))
	}
}

// lookup walks a dot path ("user.id") into decoded JSON.
func lookup(d map[string]any, path string) any {
	var v any = d
	for part := range strings.SplitSeq(path, ".") {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = obj[part]
	}
	return v
}

// scalar renders a JSON value as a header value: strings as they are,
// numbers and booleans as JSON writes them, a list of those joined with
// commas; null, objects and anything absent give false.
func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := scalar(e)
			if _, nested := e.([]any); !ok || nested || strings.Contains(s, ",") {
				return "", false
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, ","), true
	}
	return "", false
}

// truthy reports whether a required field marks a signed-in user: present,
// and not null, "", false, 0, or an empty list or object.
func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return x != ""
	case bool:
		return x
	case json.Number:
		f, err := x.Float64()
		return err != nil || f != 0
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	return true
}
