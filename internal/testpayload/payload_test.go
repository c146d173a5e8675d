package testpayload

import (
	"bytes"
	"encoding/json"
	"testing"
)

// The Go types must round-trip the payload files byte for byte, or the
// benchmarks would measure different work in Go and in Node.
func TestRoundTripExact(t *testing.T) {
	for _, name := range []string{Small, Large} {
		raw, err := Read(name)
		if err != nil {
			t.Fatal(err)
		}
		var e Envelope
		if err := json.Unmarshal(raw, &e); err != nil {
			t.Fatal(err)
		}
		out, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, raw); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, compact.Bytes()) {
			t.Errorf("%s: re-encoded JSON differs from the file:\n%s\n%s", name, out, compact.Bytes())
		}
	}
	if raw, _ := Read(Small); len(raw) < 200 || len(raw) > 220 {
		t.Errorf("small payload is %d bytes, want about 210", len(raw))
	}
}
