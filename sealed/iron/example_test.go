package iron_test

import (
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/sealed/iron"
)

// h3v1Cookie is a real session cookie value written by h3 1.15.11 (Nuxt 3 and 4)
// with the password below, from the interop vectors (case h3v1-default).
const (
	h3v1Password = "h3-version-one-password-at-least-32-chars"
	h3v1Cookie   = "Fe26.2**99791a55e429fdc741599328ebd4aa1a6cdfb91fd0c3b4285b5fb0ef744855ee*sFup33dE79wS-jt6goCFCg*hb7XQcoA5zqLSm5a0KY-1FGdPA-Aq0UoJLQquYVSVW3MuvJymoO72f2jIw3fR3Tal6Nfku_3IiQxDMBCFFScZgpeh1yucTLR8Ap54s5ma4zjUbcWqe6YabZILbCrWeaOQSE7xwXJqTmb4EbfyAzYprp6KortOYJNgYCjFDDBcW0yZXSiUJWLjbw3y2RFWiuwUvTkR_q2HK4j8UcyE57SG-8PCA7P1mJNoZyAFjdAMAA**e147117e80a6aa56029836a79f518aa49c5270d84aeb15a6d850f14e1c4d4637*30f015_b1eZdBYyYTgj5iy7_pesfcUnKlUAgf3la2G0"
)

// A Go service configured like h3 2.x (Nitro 3) reads a cookie that h3 1.x
// (Nuxt 3 and 4) wrote: it opens with the 1-iteration fallback, and Info says to
// re-seal it.
func Example() {
	cfg, err := iron.H3Config(iron.PasswordOption{Plain: h3v1Password}, 0)
	if err != nil {
		log.Fatal(err)
	}
	codec, err := iron.NewKeyring(cfg)
	if err != nil {
		log.Fatal(err)
	}
	now := time.UnixMilli(1768471560917) // when the vector was read
	plaintext, info, err := codec.Unseal(h3v1Cookie, now)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(plaintext))
	fmt.Println("iterations:", info.Iterations, "legacy:", info.Legacy, "re-seal:", info.Stale)

	resealed, err := codec.Seal(plaintext, now)
	if err != nil {
		log.Fatal(err)
	}
	_, info, err = codec.Unseal(resealed, now)
	fmt.Println("after re-sealing: iterations:", info.Iterations, "legacy:", info.Legacy, err)
	// Output:
	// {"id":"969f610c-799c-47d4-8907-d05db0e4189a","createdAt":1768471555917,"data":{"user":{"id":42,"name":"Ada Lovelace","roles":["admin","editor"]},"theme":"dark","visits":3}}
	// iterations: 1 legacy: true re-seal: true
	// after re-sealing: iterations: 8192 legacy: false <nil>
}

// An iron-session 8 application's password map, as its users keep it in an
// environment variable: the highest id seals, values carry "~2".
func ExampleIronSessionConfig() {
	opt, err := iron.ParsePasswordOption(`{"1":"iron-session-password-one-0123456789abcd","2":"iron-session-password-two-0123456789abcd"}`)
	if err != nil {
		log.Fatal(err)
	}
	cfg, err := iron.IronSessionConfig(opt, iron.IronSessionDefaultTTL)
	if err != nil {
		log.Fatal(err)
	}
	codec, err := iron.NewKeyring(cfg)
	if err != nil {
		log.Fatal(err)
	}
	now := time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)
	seal, err := codec.Seal([]byte(`{"user":{"id":7}}`), now)
	if err != nil {
		log.Fatal(err)
	}
	cookie := iron.IronSessionValue(seal)

	seal, version, err := iron.SplitIronSessionValue(cookie)
	if err != nil {
		log.Fatal(err)
	}
	data, info, err := codec.Unseal(seal, now)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(data), "version", version, "password", info.PasswordID, "expires", info.Expires.UTC().Format(time.DateOnly))

	_, _, err = codec.Unseal(seal, now.Add(15*24*time.Hour))
	fmt.Println("a day after the ttl:", errors.Is(err, sealed.ErrExpired))
	// Output:
	// {"user":{"id":7}} version 2 password 2 expires 2026-01-29
	// a day after the ttl: true
}

// Parse takes a seal apart without any key, for diagnostics.
func ExampleParse() {
	e, err := iron.Parse(h3v1Cookie)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("password id %q, iv %d bytes, ciphertext %d bytes, expires: %v\n",
		e.PasswordID, len(e.IV), len(e.Ciphertext), !e.Expiration.IsZero())
	fmt.Println("round trip:", e.Format() == h3v1Cookie)

	_, err = iron.Parse("Fe26.1" + h3v1Cookie[6:])
	fmt.Println(err)
	// Output:
	// password id "", iv 16 bytes, ciphertext 176 bytes, expires: false
	// round trip: true
	// sealed: malformed value: iron: wrong prefix, want Fe26.2
}

// h3's rotation form: an {id: password} map to open seals, with id and
// secret naming the password that seals.
func ExampleH3Config() {
	opt := iron.PasswordOption{Object: map[string]string{
		"1":      "rotation-key-one-0123456789-abcdefghijkl",
		"2":      "rotation-key-two-0123456789-abcdefghijkl",
		"id":     "2",
		"secret": "rotation-key-two-0123456789-abcdefghijkl",
	}}
	cfg, err := iron.H3Config(opt, time.Hour)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("seals with", cfg.SealID, "at", cfg.Iterations, "iterations; opens", len(cfg.Passwords), "ids; ttl", cfg.TTL)
	fmt.Println(cfg.Passwords[0]) // secrets never print
	// Output:
	// seals with 2 at 8192 iterations; opens 2 ids; ttl 1h0m0s
	// iron.Password{ID: "1", Secret: [redacted]}
}
