package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
)

const serveSynopsis = `sealcookie serve [--addr 127.0.0.1:8080] [--insecure-cookies auto|true|false] [password options]

Runs the demo web app on a loopback address, over plain http: a visit
counter, a login form, a page behind the route guard, the session JSON
endpoint, logout, a button that stores a value that fills most of the
default cookie budget (one cookie that curl, nginx and API Gateway pass),
and a page that shows the decoded session of the request. Without a
password (options or SEALCOOKIE_PASSWORD) it generates one, and sessions end
when it stops. Stop it with Ctrl-C (SIGINT) or SIGTERM.`

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
	d, err := newDemo(demoConfig{
		keys:     keys,
		insecure: insecure,
		maxAge:   c.maxAge,
		idle:     c.idle,
		log:      e.stderr,
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
		fmt.Fprintf(&b, "warning: no password configured (--password-file, --password-env, --password-json or %s): using a random one; every session ends when the server stops\n", PasswordEnv)
	}
	if insecure {
		fmt.Fprintf(&b, "cookies: %q without the Secure attribute (cookie.Attributes.InsecureDevelopment), since this is plain http on a loopback address; never ship that (--insecure-cookies=false keeps Secure)\n", d.m.Name())
	} else {
		fmt.Fprintf(&b, "cookies: %q with the Secure attribute over plain http: Chrome, Firefox and Go 1.26+ cookie jars treat loopback as secure, Safari and older clients drop the cookie\n", d.m.Name())
	}
	fmt.Fprintf(&b, "try: %s/ (reload to count visits), %s/account (login and back), %s/inspect (the decoded session); Ctrl-C stops\n", url, url, url)
	out := e.stdout
	fmt.Fprint(out, b.String())
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
	err = srv.Shutdown(ctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	fmt.Fprintln(out, "sealcookie demo: stopped")
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
