package vectors

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLoad(t *testing.T) {
	f := Load(t)
	if f.Schema != Schema || !f.Deterministic || f.Variant != "shared" {
		t.Errorf("header: schema %q, deterministic %v, variant %q", f.Schema, f.Deterministic, f.Variant)
	}
	want := map[string]string{"h3": "2.0.8", "h3v1": "1.15.11", "iron-session": "8.0.4", "iron-webcrypto": "2.0.0"}
	for pkg, v := range want {
		if got := f.GeneratedWith[pkg]; got != v {
			t.Errorf("generatedWith[%q] = %q, want %q", pkg, got, v)
		}
	}
	kinds := map[string]int{}
	for _, c := range f.Cases {
		kinds[c.Kind]++
		switch c.Kind {
		case KindPositive, KindNegative, KindResponse, KindQuirk:
		default:
			t.Errorf("%s: unknown kind %q", c.Name, c.Kind)
		}
		switch c.Format {
		case FormatH3Session, FormatIronSession, FormatIron:
		default:
			t.Errorf("%s: unknown format %q", c.Name, c.Format)
		}
		if c.Kind == KindNegative && (c.Input == nil || c.Expect == nil || c.Expect.Accept) {
			t.Errorf("%s: a negative case needs an input and a rejecting expectation", c.Name)
		}
		if c.SealedParts != nil {
			p := c.SealedParts
			joined := strings.Join([]string{p.Prefix, p.PasswordID, p.EncryptionSalt, p.IV, p.Ciphertext, p.Expiration, p.HMACSalt, p.HMAC}, "*") + p.VersionSuffix
			if joined != c.Sealed {
				t.Errorf("%s: sealedParts do not join to sealed", c.Name)
			}
		}
		if c.Password == "" && c.Passwords == nil {
			t.Errorf("%s: no reader password", c.Name)
		}
	}
	// The counts the generator wrote; a change means a different file.
	if diff := cmp.Diff(map[string]int{KindPositive: 25, KindNegative: 21, KindResponse: 4, KindQuirk: 1}, kinds); diff != "" {
		t.Errorf("cases per kind (-want +got):\n%s", diff)
	}
}

func TestTypedFields(t *testing.T) {
	f := Load(t)

	c := f.MustCase(t, "h3v2-default")
	if c.Iron == nil || c.Iron.Iterations != 8192 || c.Iron.TimestampSkewSec != 60 || c.Reader.Producer != ProducerH3v2 {
		t.Errorf("h3v2-default: iron %+v, reader %+v", c.Iron, c.Reader)
	}
	if got := c.ReaderPassword(); got.Plain != c.Password || got.Object != nil {
		t.Errorf("ReaderPassword = %+v", got)
	}
	attrs := c.Exchanges[0].Response.SetCookieParsed[0].Attributes
	wantAttrs := []Attribute{{Name: "Path", Value: "/"}, {Name: "HttpOnly", Flag: true}, {Name: "Secure", Flag: true}, {Name: "SameSite", Value: "Lax"}}
	if diff := cmp.Diff(wantAttrs, attrs); diff != "" {
		t.Errorf("attributes (-want +got):\n%s", diff)
	}
	if got := c.ReadTime().UnixMilli(); got != c.ReadAt {
		t.Errorf("ReadTime = %d, want %d", got, c.ReadAt)
	}

	c = f.MustCase(t, "h3v2-password-id")
	if c.SealPassword == nil || c.SealPassword.Object["id"] != "2" {
		t.Errorf("sealPassword = %+v", c.SealPassword)
	}
	if len(c.AlsoReadBy) == 0 || c.AlsoReadBy[0].ReaderPassword.Object["id"] != "2" || c.AlsoReadBy[0].Accept {
		t.Errorf("alsoReadBy[0] = %+v", c.AlsoReadBy)
	}

	c = f.MustCase(t, "neg-h3v1-seal-without-legacy-fallback")
	if e := c.Reader.Config; e == nil || e.LegacySealFallback == nil || *e.LegacySealFallback {
		t.Errorf("legacySealFallback not read: %+v", c.Reader.Config)
	}

	c = f.MustCase(t, "h3v2-cookie-attributes")
	if ck := c.Config.Config.Cookie; ck == nil || ck.Domain != "example.test" || ck.MaxAge == nil || *ck.MaxAge != 600 || ck.Partitioned == nil || !*ck.Partitioned {
		t.Errorf("cookie config not read: %+v", c.Config.Config)
	}

	c = f.MustCase(t, "h3v2-reads-h3v1-legacy-upgrade")
	if c.Upgraded == nil || c.Upgraded.ReadByH3v2 == nil || !c.Upgraded.ReadByH3v2.Accept || c.Upgraded.ReadByH3v1.Accept {
		t.Errorf("upgraded = %+v", c.Upgraded)
	}
	if c.Verify == nil || len(c.Verify.Args) == 0 || c.Verify.Args[0] != "unseal" {
		t.Errorf("verify = %+v", c.Verify)
	}

	c = f.MustCase(t, "iron-session-default")
	if c.SealedParts.VersionSuffix != "~2" || c.Validity == nil || c.Validity.FirstRejectedAt != c.Validity.LastAcceptedAt+1 {
		t.Errorf("iron-session-default: parts %+v, validity %+v", c.SealedParts, c.Validity)
	}
}

func TestDecodeRejects(t *testing.T) {
	good := `{"schema":"sealcookie-interop-vectors/1","cases":[{"name":"a"}]}`
	if _, err := Decode([]byte(good)); err != nil {
		t.Fatalf("Decode(minimal file): %v", err)
	}
	for name, doc := range map[string]string{
		"wrong schema":    `{"schema":"other/1","cases":[{"name":"a"}]}`,
		"no cases":        `{"schema":"sealcookie-interop-vectors/1","cases":[]}`,
		"repeated name":   `{"schema":"sealcookie-interop-vectors/1","cases":[{"name":"a"},{"name":"a"}]}`,
		"unknown field":   `{"schema":"sealcookie-interop-vectors/1","cases":[{"name":"a","surprise":1}]}`,
		"trailing data":   good + `{}`,
		"bad attribute":   `{"schema":"sealcookie-interop-vectors/1","cases":[{"name":"a","exchanges":[{"response":{"setCookieParsed":[{"attributes":[["Path"]]}]}}]}]}`,
		"not json at all": `nope`,
	} {
		if _, err := Decode([]byte(doc)); err == nil {
			t.Errorf("%s: Decode succeeded", name)
		}
	}
}

// TestCopyMatchesShared checks that testdata holds the harness's file byte
// for byte, when the team's shared folder is here to compare with.
func TestCopyMatchesShared(t *testing.T) {
	dir := InteropDir(t)
	shared, err := os.ReadFile(filepath.Join(dir, "vectors.json"))
	if err != nil {
		t.Skipf("no vectors.json in the harness: %v", err)
	}
	ours, err := os.ReadFile(filepath.Join(ModuleRoot(t), RelPath))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(shared, ours) {
		t.Errorf("%s differs from the harness's vectors.json: copy it again, unchanged", RelPath)
	}
}

func TestLoadPeers(t *testing.T) {
	f := LoadPeers(t)
	for _, kind := range []string{PeerEmptySession, PeerLargeValue, PeerStaleChunks, PeerSameSite, PeerNuxtAuthUtils, PeerIronSession9, PeerNoExpiration} {
		if len(f.Kind(kind)) == 0 {
			t.Errorf("no %s case", kind)
		}
	}
	for _, c := range f.Cases {
		for i, s := range c.Steps {
			if s.Producer == "" || s.At == 0 || s.Response.Status == 0 {
				t.Errorf("%s step %d: producer %q, at %d, status %d", c.Name, i, s.Producer, s.At, s.Response.Status)
			}
		}
	}
	for _, bad := range []string{
		`{"schema":"sealcookie-peer-vectors/2","cases":[{"name":"a","steps":[{}]}]}`,
		`{"schema":"sealcookie-peer-vectors/1","cases":[]}`,
		`{"schema":"sealcookie-peer-vectors/1","cases":[{"name":"a","steps":[]}]}`,
		`{"schema":"sealcookie-peer-vectors/1","cases":[{"name":"a","steps":[{}]},{"name":"a","steps":[{}]}]}`,
		`{"schema":"sealcookie-peer-vectors/1","surprise":1,"cases":[{"name":"a","steps":[{}]}]}`,
	} {
		if _, err := DecodePeers([]byte(bad)); err == nil {
			t.Errorf("DecodePeers(%s) accepted it", bad)
		}
	}
}
