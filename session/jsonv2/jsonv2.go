//go:build go1.27

package jsonv2

import "encoding/json/v2"

// Encoding is a session.Encoding backed by encoding/json/v2.
type Encoding struct{}

// Marshal calls encoding/json/v2's Marshal.
func (Encoding) Marshal(v any) ([]byte, error) { return json.Marshal(v) }

// Unmarshal calls encoding/json/v2's Unmarshal.
func (Encoding) Unmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }
