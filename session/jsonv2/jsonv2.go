//go:build go1.27

package jsonv2

import "encoding/json/v2"

// Codec is a session.Codec backed by encoding/json/v2.
type Codec struct{}

// Marshal calls encoding/json/v2's Marshal.
func (Codec) Marshal(v any) ([]byte, error) { return json.Marshal(v) }

// Unmarshal calls encoding/json/v2's Unmarshal.
func (Codec) Unmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }
