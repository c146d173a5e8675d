//go:build goexperiment.jsonv2 && !go1.27

// The code of jsonv2.go, for Go 1.26 built with GOEXPERIMENT=jsonv2.
// jsonv2.go needs its go1.27 constraint: it raises that file's language
// version to the release whose API it calls, which vet checks.

package jsonv2

import "encoding/json/v2"

// Encoding is a session.Encoding backed by encoding/json/v2.
type Encoding struct{}

// Marshal calls encoding/json/v2's Marshal.
func (Encoding) Marshal(v any) ([]byte, error) { return json.Marshal(v) }

// Unmarshal calls encoding/json/v2's Unmarshal.
func (Encoding) Unmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }
