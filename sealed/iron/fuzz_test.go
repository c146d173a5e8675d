package iron

import (
	"strings"
	"testing"

	"github.com/sealcookie/sealcookie/internal/vectors"
)

// FuzzIron feeds arbitrary values to Parse, SplitIronSessionValue and the
// Unseal of codecs configured like the vectors' readers. Nothing may panic,
// every error must match a sealed sentinel, and whatever is accepted must
// re-serialise to the same bytes (one envelope, one spelling).
func FuzzIron(f *testing.F) {
	file := vectors.Load(f)
	seeds := 0
	add := func(s string) {
		if s != "" {
			f.Add(s)
			seeds++
		}
	}
	var codecs []*Keyring
	for _, c := range file.Cases {
		add(c.Sealed)
		if c.Input != nil {
			add(c.Input.Sealed)
			add(c.Input.SessionHeader)
			if _, v, ok := strings.Cut(c.Input.CookieHeader, "="); ok {
				add(v)
			}
		}
		if c.Resealed != nil {
			add(c.Resealed.Sealed)
		}
		if c.Upgraded != nil {
			add(c.Upgraded.Sealed)
		}
		switch c.Name {
		case "h3v2-default", "h3v1-default", "iron-session-default", "iron-webcrypto-password-id", "iron-webcrypto-ttl":
			codecs = append(codecs, readerCodec(f, reader(&c), c.ReaderPassword()))
		}
	}
	if seeds == 0 || len(codecs) != 5 {
		f.Fatalf("seed corpus: %d seeds, %d codecs; the vectors did not load as expected", seeds, len(codecs))
	}
	for _, s := range []string{"", "*******", "Fe26.2", "Fe26.2*******", "Fe26.2*~2", strings.Repeat("*", 100)} {
		f.Add(s)
	}
	now := vectors.Millis(1_768_471_018_079) // h3v2-default's readAt: no vector has expired yet

	f.Fuzz(func(t *testing.T, s string) {
		e, perr := Parse(s)
		if perr != nil {
			if !isSentinel(perr) {
				t.Fatalf("Parse error matches no sentinel: %v", perr)
			}
		} else if got := e.Format(); got != s {
			t.Fatalf("Parse accepted a value that re-serialises differently:\n in %q\nout %q", s, got)
		}

		if seal, _, err := SplitIronSessionValue(s); err != nil && !isSentinel(err) {
			t.Fatalf("SplitIronSessionValue error matches no sentinel: %v", err)
		} else if err == nil && !strings.HasPrefix(s, seal) {
			t.Fatalf("SplitIronSessionValue returned %q, not a prefix of its input", seal)
		}

		for _, k := range codecs {
			_, _, err := k.Unseal(s, now)
			if err != nil {
				if !isSentinel(err) {
					t.Fatalf("Unseal error matches no sentinel: %v", err)
				}
				continue
			}
			if perr != nil {
				t.Fatalf("Unseal accepted what Parse rejects (%v)", perr)
			}
		}
	})
}
