package session

import (
	"strings"
	"testing"
	"time"

	"github.com/sealcookie/sealcookie/sealed/iron"
)

// sealedLen, which Update uses to refuse a session before sealing it, is the
// exact length of the values the iron formats write.
func TestIronSealedLen(t *testing.T) {
	now := time.UnixMilli(1767225600000)
	configs := map[string]Config[string]{
		"h3 unnamed, no ttl":      {Format: FormatH3, IronPassword: iron.PasswordOption{Plain: strings.Repeat("p", 32)}, MaxAge: -1, IdleTimeout: -1},
		"h3 named, ttl":           {Format: FormatH3, IronPassword: iron.PasswordOption{Object: map[string]string{"key_7": strings.Repeat("p", 32), "id": "key_7", "secret": strings.Repeat("p", 32)}}},
		"h3v1":                    {Format: FormatH3V1, IronPassword: iron.PasswordOption{Plain: strings.Repeat("p", 32)}},
		"iron-session":            {Format: FormatIronSession, Name: "s", IronPassword: iron.PasswordOption{Object: map[string]string{"12": strings.Repeat("p", 32)}}},
		"iron-session, ttl never": {Format: FormatIronSession, Name: "s", MaxAge: -1, IronPassword: iron.PasswordOption{Plain: strings.Repeat("p", 32)}},
	}
	for name, c := range configs {
		t.Run(name, func(t *testing.T) {
			c.Clock = func() time.Time { return now }
			m, err := New(c)
			if err != nil {
				t.Fatal(err)
			}
			for n := 0; n < 100; n++ {
				e := &Envelope[string]{ID: "id", CreatedAt: now.UnixMilli(), Data: strings.Repeat("d", n)}
				pt, err := m.encode(e)
				if err != nil {
					t.Fatal(err)
				}
				v, _, _, err := m.seal(e, now)
				if err != nil {
					t.Fatal(err)
				}
				if got, want := len(v), m.sealedLen(len(pt)); got != want {
					t.Fatalf("plaintext of %d bytes: sealed to %d characters, sealedLen says %d", len(pt), got, want)
				}
			}
			// maxPlaintext is the largest plaintext that fits.
			p := m.maxPlaintext()
			if m.sealedLen(p) > m.maxLen || m.sealedLen(p+1) <= m.maxLen {
				t.Errorf("maxPlaintext %d: sealedLen %d and %d around the limit %d", p, m.sealedLen(p), m.sealedLen(p+1), m.maxLen)
			}
		})
	}
}
