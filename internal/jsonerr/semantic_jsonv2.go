//go:build goexperiment.jsonv2 && !go1.27

// The code of semantic_go127.go, for Go 1.26 built with GOEXPERIMENT=jsonv2
// (see session/jsonv2 for why it is two files).

package jsonerr

import (
	"errors"
	"reflect"

	jsonv2 "encoding/json/v2"
)

// semantic takes a json/v2 *SemanticError apart: its path as components,
// the Go type and the JSON kind.
func semantic(err error) (parts []string, goType reflect.Type, kind string, ok bool) {
	var se *jsonv2.SemanticError
	if !errors.As(err, &se) {
		return nil, nil, "", false
	}
	return pointerParts(string(se.JSONPointer)), se.GoType, kindName(byte(se.JSONKind)), true
}
