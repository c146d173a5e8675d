package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/sealcookie/sealcookie/sealed"
)

// Exit statuses.
const (
	exitOK       = 0
	exitRejected = 1 // decode refused its input, or a runtime failure
	exitUsage    = 2 // bad arguments or configuration
)

const usageText = `sealcookie: look inside sealed session cookies, and a demo of the library.

usage:
  sealcookie decode [options] [VALUE]   print the session in a value, Cookie header or Set-Cookie lines as JSON
  sealcookie seal   [options]           seal session data (a JSON object on stdin) into Set-Cookie lines
  sealcookie keygen [--id N]            print a fresh random password for the keyring
  sealcookie serve  [--addr 127.0.0.1:8080] [password options]
                                        run the demo web app
  sealcookie forward-auth --require FIELD [options]
                                        answer a proxy's auth sub-requests from the session (a sidecar)
  sealcookie help [CMD]                 this text, or a command's options
  sealcookie --version                  the module version and VCS revision of this build

Passwords: --password-file F | --password-env VAR, else the SEALCOOKIE_PASSWORD
environment variable; a JSON object there is an id→password map.
--password P and --password-json J work, with a warning: other processes can
read a command line.

Run "sealcookie CMD -h" for the options of a command.
`

// env is what a command may touch of the outside world, so that tests can
// replace each part.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// lookupEnv reads an environment variable (os.LookupEnv).
	lookupEnv func(string) (string, bool)
	// now is the clock when --now is not given.
	now func() time.Time
	// listening, if set, hears the demo server's address once it listens.
	listening func(net.Addr)
	// self is how to run this command again from the user's shell, for
	// the commands it prints; "" means "sealcookie".
	self string
}

// run is main without the process: it parses args, runs one command and
// returns the exit status. serve stops on SIGINT or SIGTERM.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, lookupEnv: os.LookupEnv, now: time.Now, self: selfName(os.Args[0])}
	return e.run(args)
}

func (e *env) run(args []string) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usageText)
		return exitUsage
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "decode", "unseal":
		err = e.decode(rest)
	case "seal":
		err = e.seal(rest)
	case "keygen":
		err = e.keygen(rest)
	case "serve":
		err = e.serve(rest)
	case "forward-auth":
		err = e.forwardAuth(rest)
	case "help", "-h", "-help", "--help":
		if len(rest) == 1 && rest[0] != "help" && !strings.HasPrefix(rest[0], "-") {
			return e.run([]string{rest[0], "-h"}) // help CMD
		}
		fmt.Fprint(e.stdout, usageText)
		return exitOK
	case "version", "--version", "-version":
		fmt.Fprintln(e.stdout, versionLine(debug.ReadBuildInfo()))
		return exitOK
	default:
		fmt.Fprintf(e.stderr, "sealcookie: unknown command %q (commands: decode, seal, keygen, serve, forward-auth, help)\n", cmd)
		return exitUsage
	}
	return e.exit(args[0], err)
}

// exit reports err on stderr, on one line, and maps it to an exit status.
func (e *env) exit(cmd string, err error) int {
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		if ue.msg != "" {
			fmt.Fprintf(e.stderr, "sealcookie %s: %s\n", cmd, oneLine(ue.msg))
		}
		if ue.hint != "" {
			fmt.Fprintln(e.stderr, ue.hint)
		}
		return exitUsage
	default:
		fmt.Fprintf(e.stderr, "sealcookie %s: %s\n", cmd, oneLine(err.Error()))
		return exitRejected
	}
}

// usageError is a mistake in the arguments or the configuration: exit 2.
// hint, if set, is a second line saying where to look.
type usageError struct{ msg, hint string }

func (u *usageError) Error() string { return u.msg }

func usagef(format string, a ...any) error { return &usageError{msg: fmt.Sprintf(format, a...)} }

// oneLine keeps a message on one line, whatever a wrapped error holds.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// newFlagSet returns a flag set for cmd whose errors come back to parse
// instead of being printed or exiting.
func newFlagSet(cmd string) *flag.FlagSet {
	fs := flag.NewFlagSet("sealcookie "+cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parse parses args with fs, allowing flags after positional arguments, and
// returns the positional ones. -h prints the help on stdout and returns
// flag.ErrHelp; a mistake is a usage error that says what was wrong first,
// then where the help is (not the whole help, which would bury it).
func (e *env) parse(fs *flag.FlagSet, synopsis string, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				printHelp(e.stdout, fs, synopsis)
				return nil, flag.ErrHelp
			}
			return nil, &usageError{msg: flagProblem(err), hint: fmt.Sprintf("run %q for its options", fs.Name()+" --help")}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil // everything after "--" is an argument
		}
		args = rest
		pos = append(pos, args[0])
		args = args[1:]
		if len(pos) > 16 {
			return nil, usagef("too many arguments")
		}
	}
}

// printHelp prints a command's synopsis and its flags, with --long names.
func printHelp(w io.Writer, fs *flag.FlagSet, synopsis string) {
	fmt.Fprintf(w, "usage: %s\n\noptions:\n", synopsis)
	fs.VisitAll(func(f *flag.Flag) {
		if f.Usage == "" {
			return
		}
		name, usage := flag.UnquoteUsage(f)
		if name != "" {
			name = " " + name
		}
		fmt.Fprintf(w, "  --%s%s\n    \t%s\n", f.Name, name, strings.ReplaceAll(usage, "\n", "\n    \t"))
	})
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
