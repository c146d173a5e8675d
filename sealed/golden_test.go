package sealed

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/sealed golden files from their headers")

const goldenDir = "../testdata/sealed"

type golden struct {
	path      string
	keys      []string // header lines, in file order
	fields    map[string]string
	value     string
	password  string
	keyID     uint8
	purpose   string
	nonce     []byte
	expiry    time.Time
	now       time.Time
	plaintext []byte
}

func readGolden(t *testing.T, path string) golden {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	g := golden{path: path, fields: map[string]string{}}
	head, body, ok := bytes.Cut(data, []byte("\n\n"))
	if !ok {
		t.Fatalf("%s: no blank line between headers and value", path)
	}
	sc := bufio.NewScanner(bytes.NewReader(head))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ": ")
		if !ok {
			t.Fatalf("%s: header line %q is not `key: value`", path, sc.Text())
		}
		g.keys = append(g.keys, k)
		g.fields[k] = v
	}
	g.value = strings.TrimSpace(string(body))
	need := func(k string) string {
		v, ok := g.fields[k]
		if !ok {
			t.Fatalf("%s: missing header %q", path, k)
		}
		return v
	}
	g.password = need("password")
	id, err := strconv.ParseUint(need("key-id"), 10, 8)
	if err != nil {
		t.Fatalf("%s: key-id: %v", path, err)
	}
	g.keyID = uint8(id)
	g.purpose = need("purpose")
	if g.nonce, err = hex.DecodeString(need("nonce")); err != nil || len(g.nonce) != NonceSize {
		t.Fatalf("%s: nonce must be %d bytes of hex", path, NonceSize)
	}
	ms := func(k string) time.Time {
		n, err := strconv.ParseInt(need(k), 10, 64)
		if err != nil {
			t.Fatalf("%s: %s: %v", path, k, err)
		}
		return time.UnixMilli(n)
	}
	g.expiry, g.now = ms("expiry"), ms("now")
	if g.plaintext, err = hex.DecodeString(need("plaintext")); err != nil {
		t.Fatalf("%s: plaintext: %v", path, err)
	}
	return g
}

func (g golden) seal(t *testing.T) string {
	t.Helper()
	k, err := NewKeyring(Key{ID: g.keyID, Password: g.password})
	if err != nil {
		t.Fatal(err)
	}
	k.fixedNonce = g.nonce
	v, err := k.SealString(g.plaintext, g.purpose, g.expiry)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestGolden pins the wire format: sealing each file's inputs with its fixed
// nonce must give exactly its value, and opening the value must give the
// plaintext back. Run with -update to rewrite the values after adding a file.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(goldenDir, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no golden files in %s: the format would be unpinned", goldenDir)
	}
	sort.Strings(files)
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			g := readGolden(t, path)
			got := g.seal(t)
			if *update {
				var b strings.Builder
				for _, k := range g.keys {
					fmt.Fprintf(&b, "%s: %s\n", k, g.fields[k])
				}
				fmt.Fprintf(&b, "\n%s\n", got)
				if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got != g.value {
				t.Errorf("sealing the header's inputs gave\n%s\nwant\n%s", got, g.value)
			}
			k, err := NewKeyring(Key{ID: g.keyID, Password: g.password})
			if err != nil {
				t.Fatal(err)
			}
			pt, info, err := k.OpenString(g.value, g.purpose, g.now)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if !bytes.Equal(pt, g.plaintext) {
				t.Errorf("Open gave %x, want %x", pt, g.plaintext)
			}
			if info.KeyID != g.keyID || !info.Expires.Equal(g.expiry) || info.Stale {
				t.Errorf("Info = %+v, want key %d, expiry %v, not stale", info, g.keyID, g.expiry)
			}
			if _, _, err := k.OpenString(g.value, g.purpose, g.expiry); err == nil {
				t.Error("Open at the expiry instant accepted the value")
			}
		})
	}
}
