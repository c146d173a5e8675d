package main

import (
	"crypto/rand"
	"encoding/base64"
	"flag"
	"fmt"
	"strconv"
)

const keygenSynopsis = `sealcookie keygen [--id N] [--bytes N]

Prints a fresh random password: 32 bytes from crypto/rand, base64url-encoded
(43 characters). With --id, prints it in the id→password form that
--password-json, --password-file and SEALCOOKIE_PASSWORD take, {"N":"…"},
the key sealed.Key{ID: N, Password: …} of a Go keyring.`

// keygen prints a fresh random password.
func (e *env) keygen(args []string) error {
	fs := newFlagSet("keygen")
	id := fs.Int("id", -1, "print the password as {\"`N`\": password}, key id N (0-255)")
	n := fs.Int("bytes", 32, "random bytes in the password (`N`, at least 32)")
	pos, err := e.parse(fs, keygenSynopsis, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("keygen takes no arguments")
	}
	if *n < 32 || *n > 1024 {
		return usagef("--bytes must be between 32 and 1024")
	}
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "id" {
			set = true
		}
	})
	if set && (*id < 0 || *id > 255) {
		return usagef("--id must be between 0 and 255")
	}
	pw := newPassword(*n)
	if !set {
		_, err = fmt.Fprintln(e.stdout, pw)
		return err
	}
	out, err := marshal(map[string]string{strconv.Itoa(*id): pw})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "%s\n", out)
	return err
}

// newPassword returns n random bytes from crypto/rand, base64url-encoded
// without padding: printable, and safe in a shell, a JSON string or a URL.
func newPassword(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails since Go 1.24
	return base64.RawURLEncoding.EncodeToString(b)
}
