//go:build goexperiment.jsonv2 && !go1.27

// The code of v2_go127_test.go for Go 1.26 with GOEXPERIMENT=jsonv2.

package jsonerr

import jsonv2 "encoding/json/v2"

// v2Unmarshal decodes with encoding/json/v2, matching names as encoding/json
// does.
func v2Unmarshal(b []byte, v any) error {
	return jsonv2.Unmarshal(b, v, jsonv2.MatchCaseInsensitiveNames(true))
}

func v2Marshal(v any) ([]byte, error) { return jsonv2.Marshal(v) }
