package sealed_test

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sealcookie/sealcookie/sealed"
)

// FuzzOpen feeds arbitrary values and purposes to Open: it must never panic,
// every error must match a sentinel, and anything accepted must be in
// canonical encoding (decode then encode gives the input back).
func FuzzOpen(f *testing.F) {
	files, _ := filepath.Glob("../testdata/sealed/*.txt")
	if len(files) == 0 {
		f.Fatal("no golden files to seed the corpus")
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		head, body, _ := strings.Cut(string(data), "\n\n")
		purpose := ""
		for _, line := range strings.Split(head, "\n") {
			if v, ok := strings.CutPrefix(line, "purpose: "); ok {
				purpose = v
			}
		}
		v := strings.TrimSpace(body)
		f.Add(v, purpose)
		f.Add(v[:len(v)-1], purpose)
		f.Add(v+"A", purpose)
	}
	f.Add("", "h3")
	f.Add("Fe26.2**a*b*c**d*e", "h3")
	f.Add(strings.Repeat("A", 67), "")

	// The golden files' key ids with their passwords, plus a wrong one.
	ring, err := sealed.NewKeyring(
		sealed.Key{ID: 1, Password: "sealcookie golden vector password, not a secret 001"},
		sealed.Key{ID: 7, Password: "sealcookie golden vector password, not a secret 007"},
		sealed.Key{ID: 200, Password: "sealcookie golden vector password, not a secret 200"},
		sealed.Key{ID: 2, Password: strings.Repeat("w", 32)},
	)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, value, purpose string) {
		pt, _, err := ring.OpenString(value, purpose, t0)
		if err != nil {
			if !matchesSentinel(err) {
				t.Fatalf("error %v matches no sentinel", err)
			}
			if pt != nil {
				t.Fatal("plaintext returned with an error")
			}
			return
		}
		raw, err := base64.RawURLEncoding.DecodeString(value)
		if err != nil || base64.RawURLEncoding.EncodeToString(raw) != value {
			t.Fatalf("accepted a non-canonical encoding %q", value)
		}
	})
}
