package cookie_test

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/sealcookie/sealcookie/cookie"
)

func TestChunkName(t *testing.T) {
	for _, tc := range []struct {
		name string
		base string
		i    int
		ok   bool
	}{
		{"name.1", "name", 1, true},
		{"name.9", "name", 9, true},
		{"name.10", "name", 10, true},
		{"name.64", "name", 64, true},
		{"a.b.3", "a.b", 3, true},
		{"__Host-s.2", "__Host-s", 2, true},
		{"a..1", "a.", 1, true},
		{"x.1", "x", 1, true},
		{"name.0", "name", 0, true}, // Auth.js's first chunk
		{"a.b.0", "a.b", 0, true},

		{"name", "", 0, false},
		{"", "", 0, false},
		{".", "", 0, false},
		{".1", "", 0, false},
		{"name.", "", 0, false},
		{"name.00", "", 0, false},
		{"name.01", "", 0, false},
		{"name.+1", "", 0, false},
		{"name.-1", "", 0, false},
		{"name.65", "", 0, false},
		{"name.99", "", 0, false},
		{"name.100", "", 0, false},
		{"name.1000", "", 0, false},
		{"name.18446744073709551617", "", 0, false},
		{"name.99999999999999999999999999", "", 0, false},
		{"name.\u0661", "", 0, false},     // ARABIC-INDIC DIGIT ONE
		{"name.\uff11", "", 0, false},     // FULLWIDTH DIGIT ONE
		{"name.1\u0661", "", 0, false},    // an ASCII digit, then another kind
		{"name.\U0001D7CF", "", 0, false}, // MATHEMATICAL BOLD DIGIT ONE
		{"name. 1", "", 0, false},         // spaces are not trimmed
		{"name.1 ", "", 0, false},         //
		{"name.1x", "", 0, false},         //
		{"name.0x1", "", 0, false},        // no other bases
		{"name.1.x", "", 0, false},        // the last dot splits
		{"name.1_000", "", 0, false},      // no digit separators
		{"name.\x00", "", 0, false},       //
		{"name.1\x00", "", 0, false},      //
		{"name.\xff", "", 0, false},       // not UTF-8
		{strings.Repeat("n", 5000) + ".7", strings.Repeat("n", 5000), 7, true},
	} {
		base, i, ok := cookie.ChunkName(tc.name)
		if base != tc.base || i != tc.i || ok != tc.ok {
			t.Errorf("ChunkName(%.40q) = %q, %d, %v; want %q, %d, %v", tc.name, base, i, ok, tc.base, tc.i, tc.ok)
		}
		checkRead(t, "name", tc.name)
		if ok {
			checkRead(t, base, tc.name)
		}
	}
}

// chunkNameByStrconv is an independent statement of ChunkName with strconv:
// the part after the last dot is a decimal that formats back to itself, in
// [0, MaxChunksLimit], and the part before it is not empty.
func chunkNameByStrconv(name string) (string, int, bool) {
	dot := strings.LastIndexByte(name, '.')
	if dot < 1 {
		return "", 0, false
	}
	d := name[dot+1:]
	n, err := strconv.Atoi(d)
	if err != nil || n < 0 || n > cookie.MaxChunksLimit || strconv.Itoa(n) != d {
		return "", 0, false
	}
	return name[:dot], n, true
}

// checkRead checks ChunkName against Spec.Read when base is a name New
// accepts and name a cookie name net/http sends. With a value in two chunks
// (base=__chunked__2; base.1=v; base.2=w), a further cookie name=z changes
// nothing: chunk 1's and 2's first occurrences win, and chunks beyond the
// count are stale leftovers that Read ignores. Without chunk 2, the value
// reads exactly when name is not chunk 2 of base (ChunkName says which).
func checkRead(t *testing.T, base, name string) {
	t.Helper()
	spec, err := cookie.New(base, cookie.Attributes{})
	if err != nil || (&http.Cookie{Name: name}).Valid() != nil || name == base {
		return
	}
	line := base + "=__chunked__2; " + base + ".1=v; " + base + ".2=w; " + name + "=z"
	if v, _, err := spec.Read([]string{line}); err != nil || v != "vw" {
		t.Errorf("%q beside two chunks of %q: Read = %q, %v; want \"vw\"", name, base, v, err)
	}
	v, _, err := spec.Read([]string{base + "=__chunked__2; " + base + ".1=v; " + name + "=z"})
	b, i, ok := cookie.ChunkName(name)
	switch {
	case ok && b == base && i == 2:
		if err != nil || v != "vz" {
			t.Errorf("%q is chunk 2 of %q, but Read = %q, %v; want \"vz\"", name, base, v, err)
		}
	case !errors.Is(err, cookie.ErrChunks):
		t.Errorf("%q is not chunk 2 of %q, but Read without chunk 2 = %q, %v; want ErrChunks", name, base, v, err)
	}
}

// FuzzChunkName checks ChunkName against strconv and, for names that
// package cookie and net/http accept, against Spec.Read.
func FuzzChunkName(f *testing.F) {
	for _, s := range []string{"name.1", "name.64", "name.65", "name.0", "name.01", "name.+1", ".1", "a.b.3", "a..1", "name.\u0661", "s.18446744073709551617"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if dot := strings.LastIndexByte(name, '.'); dot > 0 {
			checkRead(t, name[:dot], name)
		}
		base, i, ok := cookie.ChunkName(name)
		wb, wi, wok := chunkNameByStrconv(name)
		if base != wb || i != wi || ok != wok {
			t.Fatalf("ChunkName(%q) = %q, %d, %v; strconv says %q, %d, %v", name, base, i, ok, wb, wi, wok)
		}
		if !ok {
			return
		}
		if base+"."+strconv.Itoa(i) != name {
			t.Fatalf("ChunkName(%q) = %q, %d: does not rebuild the name", name, base, i)
		}
	})
}
