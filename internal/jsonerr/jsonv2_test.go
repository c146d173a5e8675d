//go:build go1.27 || goexperiment.jsonv2

package jsonerr

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

// TestTypeMismatchV2 decodes the same inputs with encoding/json/v2 itself
// (session/jsonv2's engine), whose *SemanticError carries a JSON pointer
// through the data's map keys: the descriptions are the same as
// encoding/json's.
func TestTypeMismatchV2(t *testing.T) {
	for _, tt := range mismatches {
		var v envelope
		err := v2Unmarshal([]byte(tt.in), &v)
		if err == nil {
			t.Fatalf("%s: json/v2 accepted it", tt.name)
		}
		path, goType, kind, ok := TypeMismatch(err, reflect.TypeOf(v))
		if !ok || path != tt.path || goType != tt.goType || kind != tt.kind {
			t.Errorf("%s: TypeMismatch = %q %q %q %v, want %q %q %q (from %v)", tt.name, path, goType, kind, ok, tt.path, tt.goType, tt.kind, err)
		}
		if strings.Contains(path, keyA) || strings.Contains(path, keyB) {
			t.Errorf("%s: the path quotes a map key", tt.name)
		}
	}
}

func TestEncodeProblemV2(t *testing.T) {
	v := map[string]any{"outer": map[string]any{keyA: math.Inf(1)}}
	_, err := v2Marshal(v)
	if !strings.Contains(err.Error(), keyA) {
		t.Fatalf("json/v2's marshal error no longer names the key (%v): this test checks nothing", err)
	}
	got := EncodeProblem(err, reflect.TypeOf(v))
	if strings.Contains(got, keyA) || !strings.Contains(got, "float64") {
		t.Errorf("EncodeProblem = %q", got)
	}
}
