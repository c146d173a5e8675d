package interoptest

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestIronSessionSuffixParity runs the changes a client can make to an
// iron-session value's "~2" suffix, which is outside the seal's MAC, through
// the real iron-session 8.0.4 and through our format, and checks that both
// read the same session: whatever iron-session does not read as version 2
// reads the value as an older version's (the session is the plaintext's
// "persistent" member).
func TestIronSessionSuffixParity(t *testing.T) {
	nodeDir(t) // skip, or fail in CI, before any work
	const name = "iron_app_session"
	p := newPeer(t, peerCfg{kind: ironSession, name: name, pw: pw(h3Pw)})
	h, _ := p.write(t, t0, Data{"user": "ada", "admin": false, "persistent": Data{"user": "ada", "admin": true}})
	value, ok := strings.CutPrefix(h, name+"=")
	if !ok || !strings.HasSuffix(value, "~2") {
		t.Fatalf("not an iron-session cookie: %.40s…", h)
	}
	seal := strings.TrimSuffix(value, "~2")
	variants := []struct{ name, value string }{
		{"genuine", value},
		{"suffix removed", seal},
		{"suffix ~3", seal + "~3"},
		{"suffix ~22", seal + "~22"},
		{"suffix ~x", seal + "~x"},
		{"suffix ~02", seal + "~02"},
		{"suffix twice", value + "~3"},
		{"a lone ~", seal + "~"},
	}
	jobs := make([]job, len(variants))
	for i, v := range variants {
		jobs[i] = job{Op: "read", Lib: "iron-session", Password: h3Pw, Name: name, Now: t0 + 5000,
			Headers: map[string]string{"cookie": name + "=" + v.value}}
	}
	for i, r := range run(t, jobs...) {
		v := variants[i]
		t.Run(v.name, func(t *testing.T) {
			if !r.OK {
				t.Fatalf("iron-session: %s", r.Error)
			}
			theirs := data(t, r.Session)
			s, _ := p.do(t, t0+5000, cookie(name+"="+v.value), nil)
			p.takeErrors()
			ours := Data{}
			if !s.IsNew() && s.Data() != nil {
				ours = s.Data()
			}
			if diff := cmp.Diff(theirs, ours); diff != "" {
				t.Errorf("session (-iron-session +ours):\n%s", diff)
			}
		})
	}
}
