// Command sealcookie looks inside sealed session cookies, seals test
// sessions, generates passwords and runs a demo of the library.
//
// Usage:
//
//	sealcookie decode [options] [FILE]    print the session in a cookie, header or bare value as JSON
//	sealcookie seal   [options]           seal session data (JSON on stdin) into Set-Cookie lines
//	sealcookie keygen [--id N]            print a fresh random password for the keyring
//	sealcookie serve  [--addr A]          run the demo web app on 127.0.0.1:8080
//	sealcookie --version                  the module version and VCS revision of this build
//	sealcookie forward-auth --require F   answer a proxy's auth sub-requests from the session (a sidecar)
//
// Passwords come from --password-file F, --password-env VAR, --password-json
// J or, with none of these, the SEALCOOKIE_PASSWORD environment variable.
// --password P works too, but a command line is visible to other processes,
// so it prints a warning. Run "sealcookie help" or "sealcookie CMD -h" for the
// options of each command.
//
// Exit status: 0 on success, 1 when decode rejects its input (one line on
// stderr says why: expired, idle timeout passed, not authentic, unknown key
// id, malformed, too large), 2 for a usage error.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
