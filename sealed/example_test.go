package sealed_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/sealcookie/sealcookie/sealed"
)

func Example() {
	// Passwords come from configuration (at least 32 bytes; `sealcookie keygen` makes one).
	ring, err := sealed.NewKeyring(sealed.Key{ID: 1, Password: "an example password of at least 32 bytes"})
	if err != nil {
		panic(err)
	}
	now := time.Now()
	value, err := ring.SealString([]byte(`{"user":"ada"}`), "session", now.Add(time.Hour))
	if err != nil {
		panic(err)
	}
	plaintext, info, err := ring.OpenString(value, "session", now)
	fmt.Println(string(plaintext), info.KeyID, err)

	// The purpose is authenticated: the same value under another cookie name fails.
	_, _, err = ring.OpenString(value, "other-cookie", now)
	fmt.Println(errors.Is(err, sealed.ErrNotAuthentic))
	// Output:
	// {"user":"ada"} 1 <nil>
	// true
}

func ExampleNewKeyring_rotation() {
	oldKey := sealed.Key{ID: 1, Password: "the password we are retiring, 32+ bytes"}
	newKey := sealed.Key{ID: 2, Password: "the password we are moving to, 32+ bytes"}
	now := time.Now()

	before, _ := sealed.NewKeyring(oldKey)
	value, _ := before.SealString([]byte("hello"), "session", now.Add(time.Hour))

	// The new key seals; the old one still opens, and says the value is stale.
	after, _ := sealed.NewKeyring(newKey, oldKey)
	plaintext, info, err := after.OpenString(value, "session", now)
	fmt.Println(string(plaintext), info.KeyID, info.Stale, err)

	resealed, _ := after.SealString(plaintext, "session", now.Add(time.Hour))
	_, info, _ = after.OpenString(resealed, "session", now)
	fmt.Println(info.KeyID, info.Stale)
	// Output:
	// hello 1 true <nil>
	// 2 false
}

func ExampleKeyring_Open() {
	ring, _ := sealed.NewKeyring(sealed.Key{ID: 1, Password: "an example password of at least 32 bytes"})
	now := time.Now()
	value, _ := ring.Seal(nil, []byte("payload"), "session", now.Add(time.Minute))

	// Open appends to dst; with enough capacity it allocates nothing.
	buf := make([]byte, 0, 1024)
	plaintext, _, err := ring.Open(buf, value, "session", now)
	fmt.Println(string(plaintext), err)

	_, _, err = ring.Open(buf, value, "session", now.Add(2*time.Minute))
	fmt.Println(errors.Is(err, sealed.ErrExpired))
	// Output:
	// payload <nil>
	// true
}
