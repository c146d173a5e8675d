package main

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/sealed/iron"
)

// PasswordEnv is the environment variable read when no password option is given.
const PasswordEnv = "SEALCOOKIE_PASSWORD"

// maxPasswordFile caps what --password-file reads.
const maxPasswordFile = 64 << 10

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

// addPassword registers the password options on fs.
func (o *options) addPassword(fs *flag.FlagSet) {
	fs.Func("password", "the password `P` itself (visible to other processes: prefer the others)", o.pw.set("password"))
	fs.Func("password-file", "read the password from file `F` (a JSON object is an id→password map)", o.pw.set("password-file"))
	fs.Func("password-env", "read the password from environment variable `VAR`", o.pw.set("password-env"))
	fs.Func("password-json", "the password as `JSON`: a string, or an {\"id\": \"password\"} map (visible to other processes: prefer --password-file or --password-env, which read the same JSON)", o.pw.set("password-json"))
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
		fmt.Fprintln(e.stderr, "sealcookie: warning: --password-json puts the password on the command line, visible to other processes (ps, /proc); prefer --password-file F or --password-env VAR, which read the same JSON")
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
