package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

const serveSynopsis = `sealcookie serve [--addr 127.0.0.1:8080] [--insecure-cookies auto|true|false] [password options]

Runs the demo web app on a loopback address, over plain http: a visit
counter, a login form, a page behind the route guard, the session JSON
endpoint, logout, a button that stores a value that fills most of the
default cookie budget (one cookie that curl, nginx and API Gateway pass),
and a page that shows the decoded session of the request. It prints every
page and the decode command that opens its cookies. Without a password
(options or SEALCOOKIE_PASSWORD) it generates one, writes it to a file only
you can read (removed when it stops), and sessions end when it stops. Stop
it with Ctrl-C (SIGINT) or SIGTERM.`

// serveCmd holds serve's options.
type serveCmd struct {
	options
	addr     string
	insecure string
}

// serve runs the demo until the context ends (SIGINT, SIGTERM).
func (e *env) serve(args []string) error {
	c := &serveCmd{}
	fs := newFlagSet("serve")
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "listen on `ADDR`, a loopback address (port 0 picks a free port)")
	fs.StringVar(&c.insecure, "insecure-cookies", "auto", "drop the cookies' Secure attribute: `auto` (the default: yes, since the demo is plain http on loopback), true or false")
	fs.Var(&c.maxAge, "max-age", "session max age: `S` seconds (default 24 hours)")
	fs.Var(&c.idle, "idle-timeout", "idle timeout: `S` seconds (default 2 hours)")
	c.addPassword(fs)
	pos, err := e.parse(fs, serveSynopsis, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("serve takes no arguments")
	}
	host, _, err := net.SplitHostPort(c.addr)
	if err != nil {
		return usagef("--addr %q: %v", c.addr, err)
	}
	if !isLoopback(host) {
		return usagef("--addr %q: the demo serves plain http, so it listens on a loopback address only (127.0.0.1, ::1 or localhost)", c.addr)
	}
	var insecure bool
	switch c.insecure {
	case "auto", "true":
		insecure = true // plain http, and the address is loopback (checked above)
	case "false":
	default:
		return usagef("--insecure-cookies is auto, true or false")
	}

	generated := false
	pw, err := c.password(e)
	if errors.Is(err, errNoPassword) {
		pw.Plain, generated = newPassword(32), true
	} else if err != nil {
		return err
	}
	keys, err := nativeKeys(pw, 1)
	if err != nil {
		return err
	}
	// A generated password goes to a file only this user can read, so that
	// the decode command the demo prints can be run as printed.
	var pwFile string
	if generated {
		if pwFile, err = writePasswordFile(pw.Plain); err != nil {
			return err
		}
		defer os.Remove(pwFile)
	}
	decodeCmd, decodeNote := c.decodeHint(e, pwFile)
	d, err := newDemo(demoConfig{
		keys:       keys,
		insecure:   insecure,
		maxAge:     c.maxAge,
		idle:       c.idle,
		log:        e.stderr,
		decodeCmd:  decodeCmd,
		decodeNote: decodeNote,
	})
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	url := "http://" + ln.Addr().String()
	srv := &http.Server{
		Handler:           d.handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      15 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	var b strings.Builder
	fmt.Fprintf(&b, "sealcookie demo: listening on %s\n", url)
	if generated {
		fmt.Fprintf(&b, "warning: no password configured (--password-file, --password-env, --password-json or %s): using a random one, written to %s (readable by you only, removed when the demo stops); every session ends when the server stops\n", PasswordEnv, pwFile)
	}
	if insecure {
		fmt.Fprintf(&b, "cookies: %q without the Secure attribute (cookie.Attributes.InsecureDevelopment), since this is plain http on a loopback address; never ship that (--insecure-cookies=false keeps Secure)\n", d.m.Name())
	} else {
		fmt.Fprintf(&b, "cookies: %q with the Secure attribute over plain http: Chrome, Firefox and Go 1.26+ cookie jars treat loopback as secure, Safari and older clients drop the cookie\n", d.m.Name())
	}
	b.WriteString("try:\n")
	for _, p := range tour {
		where := p.path
		if strings.HasPrefix(where, "/") {
			where = url + where
		}
		fmt.Fprintf(&b, "  %-*s  %s\n", len(url)+tourPathWidth, where, p.what)
	}
	fmt.Fprintf(&b, "decode this demo's cookies: %s\n  %s\n", decodeCmd, decodeNote)
	b.WriteString("Ctrl-C stops it.\n")
	out := e.stdout
	fmt.Fprint(out, b.String())
	if err := e.serveUntilDone(srv, ln); err != nil {
		return err
	}
	fmt.Fprintln(out, "sealcookie demo: stopped")
	return nil
}

// serveUntilDone serves ln until the command's context ends (Ctrl-C, a
// SIGTERM), then shuts srv down gracefully within 5 seconds. It tells
// e.listening (tests) where it listens first.
func (e *env) serveUntilDone(srv *http.Server, ln net.Listener) error {
	if e.listening != nil {
		e.listening(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-e.ctx.Done():
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(ctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// isLoopback reports whether host names the loopback interface.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// tour is what the demo offers, as its startup lines list it: every page,
// and where the buttons are.
var tour = []struct{ path, what string }{
	{"/", "a visit counter (reload to count), and buttons that store a large value in chunked cookies and shrink it"},
	{"/account", "a page behind the route guard: it sends you to the login form and back"},
	{"/auth/login", "the login form (any name; logging in regenerates the session id)"},
	{"/api/auth/session", "the session JSON endpoint for browser code"},
	{"/inspect", "the decoded session of the request: cookies, chunks, sizes, and the large-value buttons"},
	{"POST /auth/logout", "the Log out button in every page's header, once signed in: it clears every cookie of the session"},
}

// tourPathWidth is the widest path of the tour, to align the descriptions.
var tourPathWidth = func() int {
	w := 0
	for _, p := range tour {
		if strings.HasPrefix(p.path, "/") {
			w = max(w, len(p.path))
		}
	}
	return w
}()

// writePasswordFile writes a generated password to a new file that only
// this user can read and returns its name.
func writePasswordFile(pw string) (string, error) {
	f, err := os.CreateTemp("", "sealcookie-demo-password-")
	if err != nil {
		return "", fmt.Errorf("writing the generated password: %w", err)
	}
	// os.CreateTemp creates it with mode 0600: readable by this user only.
	_, err = f.WriteString(pw + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("writing the generated password: %w", err)
	}
	return f.Name(), nil
}

// decodeHint is the command that decodes this demo's cookies, with the
// password option that matches how serve got its password (never the
// password itself), and what to give it.
func (c *serveCmd) decodeHint(e *env, pwFile string) (cmd, note string) {
	self := e.self
	if self == "" {
		self = "sealcookie"
	}
	cmd = self + " decode --cookie-header --explain"
	const paste = "then paste the Cookie request header (browser developer tools: Network, a request to this demo, Request Headers, Cookie) and press Ctrl-D"
	switch {
	case pwFile != "":
		return cmd + " --password-file " + shellQuote(pwFile), paste
	case c.pw.kind == "password-file":
		name := c.pw.value
		if abs, err := filepath.Abs(name); err == nil {
			name = abs
		}
		return cmd + " --password-file " + shellQuote(name), paste
	case c.pw.kind == "password-env":
		return cmd + " --password-env " + shellQuote(c.pw.value), paste + ", with " + c.pw.value + " set as for this server"
	case c.pw.kind == "password-json":
		return cmd + " --password-json '<the JSON given to serve>'", paste
	case c.pw.kind == "password":
		return cmd + " --password-file F", paste + ", with the password given to serve in the file F"
	}
	return cmd, paste + ", with " + PasswordEnv + " set as for this server"
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@%+,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// selfName is how the user ran this binary, for the commands it prints:
// a path they typed (./bin/sealcookie), or "sealcookie" when it was found
// on PATH or built by go run into a temporary directory.
func selfName(arg0 string) string {
	if !strings.ContainsRune(arg0, filepath.Separator) || strings.HasPrefix(arg0, os.TempDir()) {
		return "sealcookie"
	}
	if !filepath.IsAbs(arg0) && !strings.HasPrefix(arg0, ".") {
		arg0 = "." + string(filepath.Separator) + arg0
	}
	return shellQuote(arg0)
}
