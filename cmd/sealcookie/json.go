package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/sealcookie/sealcookie/sealed"
)

// marshal encodes v as compact JSON without HTML escaping, so that the output
// shows strings as they are.
func marshal(v any) (json.RawMessage, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// compactJSON checks that an iron plaintext is JSON, as the JavaScript
// libraries' JSON.parse does, and compacts it.
func compactJSON(pt []byte) (json.RawMessage, error) {
	var b bytes.Buffer
	if err := json.Compact(&b, pt); err != nil {
		return nil, fmt.Errorf("%w: the authentic plaintext is not JSON", sealed.ErrMalformed)
	}
	return b.Bytes(), nil
}

// unescapeHTML undoes encoding/json's HTML escaping (\u003c, \u003e,
// \u0026) in the strings of compact JSON, so that decode shows "<&>" as
// written. Every other escape is kept.
func unescapeHTML(b []byte) []byte {
	if !bytes.Contains(b, []byte(`\u00`)) {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\\' || i+1 >= len(b) {
			out = append(out, c)
			continue
		}
		if b[i+1] == 'u' && i+6 <= len(b) {
			switch string(b[i+2 : i+6]) {
			case "003c", "003C":
				out, i = append(out, '<'), i+5
				continue
			case "003e", "003E":
				out, i = append(out, '>'), i+5
				continue
			case "0026":
				out, i = append(out, '&'), i+5
				continue
			}
		}
		out = append(out, c, b[i+1]) // any other escape, kept whole
		i++
	}
	return out
}

// writeJSON prints the decoded JSON, indented if asked, and a newline.
func writeJSON(w io.Writer, out json.RawMessage, pretty bool) error {
	var b bytes.Buffer
	if pretty {
		if err := json.Indent(&b, out, "", "  "); err != nil {
			return err
		}
	} else {
		b.Write(out)
	}
	if json.Valid(b.Bytes()) {
		out := unescapeHTML(b.Bytes())
		b.Reset()
		b.Write(out)
	}
	b.WriteByte('\n')
	_, err := w.Write(b.Bytes())
	return err
}
