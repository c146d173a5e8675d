package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sealcookie/sealcookie/internal/vectors"
)

// replay is one run of the interop checker recorded in the vectors: the
// arguments and stdin of `node verify.mjs`, and what the real library did.
type replay struct {
	name    string
	verify  *vectors.Verify
	accept  bool
	session json.RawMessage // the library's JSON when it accepted
}

// divergences are the replays where decode knowingly differs from the
// JavaScript library; each is documented in package sealed/iron.
var divergences = map[string]string{
	// iron.H3Config: an h3 {id, secret} password also opens seals of that id
	// (h3 2.0.8 only seals with it and answers "Cannot find password").
	"h3v2-password-id/also-h3v2-0": "accepts",
	// iron: the MAC must be canonical base64url, as h3 requires;
	// iron-webcrypto 2 used directly also accepts a non-canonical last character.
	"neg-noncanonical-mac-encoding/also-iron-0": "rejects",
}

// replays lists every recorded checker run: each case's verify, and those of
// its other readers (alsoReadBy, upgraded).
func replays(t *testing.T, f *vectors.File) []replay {
	var rs []replay
	for i := range f.Cases {
		c := &f.Cases[i]
		if c.Verify != nil {
			want := c.Session
			if (len(want) == 0 || string(want) == "null") && c.Expect != nil {
				want = c.Expect.Session
			}
			if c.Expect == nil {
				t.Errorf("%s: a verify field without expect", c.Name)
				continue
			}
			rs = append(rs, replay{c.Name, c.Verify, c.Expect.Accept, want})
		}
		n := map[string]int{}
		for _, r := range c.AlsoReadBy {
			if r.Verify == nil {
				continue
			}
			p := r.Reader.Producer
			rs = append(rs, replay{fmt.Sprintf("%s/also-%s-%d", c.Name, p, n[p]), r.Verify, r.Accept, r.Session})
			n[p]++
		}
		if u := c.Upgraded; u != nil {
			for label, r := range map[string]*vectors.Read{"upgraded-read-by-h3v2": u.ReadByH3v2, "upgraded-read-by-h3v1": u.ReadByH3v1} {
				if r != nil && r.Verify != nil {
					rs = append(rs, replay{c.Name + "/" + label, r.Verify, r.Accept, r.Session})
				}
			}
		}
	}
	return rs
}

// decodeArgs turns the checker's arguments into decode's: "unseal" becomes
// "decode" and --producer becomes --format; everything else is taken as is.
func decodeArgs(t *testing.T, args []string) []string {
	t.Helper()
	if len(args) == 0 || args[0] != "unseal" {
		t.Fatalf("not an unseal run: %q", args)
	}
	out := []string{"decode"}
	for i := 1; i < len(args); i++ {
		switch a := args[i]; a {
		case "--producer", "--reader":
			out = append(out, "--format")
		case "--with-response":
			t.Fatalf("--with-response is the checker's own output mode")
		default:
			out = append(out, a)
		}
	}
	return out
}

// TestDecodeReplaysEveryVector runs decode on every recorded checker run in
// testdata/interop/vectors.json (produced by the team's interop harness with
// h3@2.0.8, h3@1.15.11, iron-session@8.0.4 and iron-webcrypto@2.0.0) and
// requires the library's answer: the same accept or reject, and for an
// accepted input the same JSON.
func TestDecodeReplaysEveryVector(t *testing.T) {
	f := vectors.Load(t)
	rs := replays(t, f)
	if len(rs) < 40 {
		t.Fatalf("only %d checker runs found in the vectors; the file or the loader changed", len(rs))
	}
	top := 0
	for _, c := range f.Cases {
		if c.Verify != nil {
			top++
		}
	}
	t.Logf("replaying %d checker runs (%d cases with verify)", len(rs), top)
	for _, r := range rs {
		t.Run(r.name, func(t *testing.T) {
			args := decodeArgs(t, r.verify.Args)
			got := runWith(t, nil, r.verify.Stdin, args...)
			if strings.Contains(got.stdout+got.stderr, "rotation-key") || strings.Contains(got.stdout+got.stderr, "correct-horse") {
				t.Errorf("a password appears in the output")
			}
			accept := r.accept
			if d, ok := divergences[r.name]; ok {
				accept = d == "accepts"
				t.Logf("known divergence from the library: decode %s", d)
			}
			switch {
			case got.code == 2:
				t.Fatalf("usage error: %s", got.stderr)
			case accept && got.code != 0:
				t.Fatalf("rejected (exit %d), the library accepted: %s", got.code, got.stderr)
			case !accept && got.code != 1:
				t.Fatalf("exit %d, the library rejected; stdout %q stderr %q", got.code, got.stdout, got.stderr)
			}
			if !accept {
				line := oneLineOf(t, got.stderr[strings.LastIndex(strings.TrimSuffix(got.stderr, "\n"), "\n")+1:])
				if got.stdout != "" {
					t.Errorf("stdout %q for a rejected input", got.stdout)
				}
				t.Logf("%s", line)
				return
			}
			if _, ok := divergences[r.name]; ok {
				return
			}
			if diff := cmp.Diff(jsonValue(t, string(r.session)), jsonValue(t, got.stdout)); diff != "" {
				t.Errorf("decoded JSON differs from the library's (-want +got):\n%s", diff)
			}
		})
	}
}
