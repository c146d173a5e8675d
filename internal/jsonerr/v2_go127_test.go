//go:build go1.27

package jsonerr

import jsonv2 "encoding/json/v2"

// v2Unmarshal decodes with encoding/json/v2, matching names as encoding/json
// does.
func v2Unmarshal(b []byte, v any) error {
	return jsonv2.Unmarshal(b, v, jsonv2.MatchCaseInsensitiveNames(true))
}

func v2Marshal(v any) ([]byte, error) { return jsonv2.Marshal(v) }
