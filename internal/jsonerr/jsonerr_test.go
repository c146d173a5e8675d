package jsonerr

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

// The secret map keys and values of these tests: no description may
// contain any of them.
const (
	keyA = "sk_live_AAAA"
	keyB = "sk_live_BBBB"
)

type inner struct {
	Tokens map[string]int   `json:"tokens"`
	List   []map[string]int `json:"list"`
	Count  int              `json:"count"`
	Deep   map[string]struct {
		N int `json:"n"`
	} `json:"deep"`
}

type Embedded struct {
	Promoted int `json:"promoted"`
}

type envelope struct {
	ID   string `json:"id"`
	Data inner  `json:"data"`
	Embedded
	Ptr *inner `json:"ptr"`
	Any any    `json:"any"`
}

// mismatches are inputs that do not fit envelope, and the path each must be
// described with, the same whichever JSON implementation decoded them.
var mismatches = []struct {
	name, in, path, goType, kind string
}{
	{"map value", `{"data":{"tokens":{"` + keyA + `":"x"}}}`, "data.tokens[…]", "int", "string"},
	{"map in an array", `{"data":{"list":[{"` + keyB + `":"x"}]}}`, "data.list[][…]", "int", "string"},
	{"struct in a map", `{"data":{"deep":{"` + keyA + `":{"n":"x"}}}}`, "data.deep[…]", "int", "string"},
	{"number", `{"data":{"count":123456789.5}}`, "data.count", "int", "number"},
	{"field name in another case", `{"DATA":{"COUNT":"x"}}`, "data.count", "int", "string"},
	{"embedded", `{"promoted":"x"}`, "promoted", "int", "string"},
	{"through a pointer", `{"ptr":{"tokens":{"` + keyA + `":true}}}`, "ptr.tokens[…]", "int", "bool"},
	{"top level", `"` + keyA + `"`, "", "jsonerr.envelope", "string"},
}

func TestTypeMismatch(t *testing.T) {
	for _, tt := range mismatches {
		var v envelope
		err := json.Unmarshal([]byte(tt.in), &v)
		path, goType, kind, ok := TypeMismatch(err, reflect.TypeOf(v))
		if !ok || path != tt.path || goType != tt.goType || kind != tt.kind {
			t.Errorf("%s: TypeMismatch = %q %q %q %v, want %q %q %q", tt.name, path, goType, kind, ok, tt.path, tt.goType, tt.kind)
		}
		for _, secret := range []string{keyA, keyB, "123456789"} {
			if strings.Contains(path+goType+kind, secret) {
				t.Errorf("%s: the description quotes %q", tt.name, secret)
			}
		}
	}
	if _, _, _, ok := TypeMismatch(errors.New("other"), reflect.TypeFor[envelope]()); ok {
		t.Error("matched a foreign error")
	}
}

// TestRawErrorsQuoteData pins why this package exists: encoding/json's own
// message quotes the number, and under json/v2 its path names the map key.
func TestRawErrorsQuoteData(t *testing.T) {
	var v envelope
	err := json.Unmarshal([]byte(`{"data":{"count":123456789.5}}`), &v)
	if !strings.Contains(err.Error(), "123456789.5") {
		t.Error("encoding/json no longer quotes the number")
	}
	err = json.Unmarshal([]byte(mismatches[0].in), &v)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && strings.Contains(te.Field, keyA) {
		t.Logf("this encoding/json (json/v2 underneath) names the map key in Field: %q", te.Field)
	}
}

func TestEncodeProblem(t *testing.T) {
	for _, v := range []any{
		map[string]any{keyA: math.NaN()},
		map[string]any{keyA: make(chan int)},
		map[string]any{keyB: failing{}},
	} {
		_, err := json.Marshal(v)
		got := EncodeProblem(err, reflect.TypeOf(v))
		if got == "" || strings.Contains(got, keyA) || strings.Contains(got, keyB) {
			t.Errorf("EncodeProblem(%T) = %q", err, got)
		}
	}
}

type failing struct{}

func (failing) MarshalJSON() ([]byte, error) { return nil, errors.New("failing: " + keyB) }
