// Package jsonerr describes encoding/json decoding errors without quoting
// the data: the messages of sealed and session errors must never carry
// plaintext.
package jsonerr

import (
	"encoding/json"
	"errors"
	"strings"
)

// TypeMismatch reports, for an *json.UnmarshalTypeError in err, the field
// that could not hold the value, the Go type it has, and the kind of the JSON
// value ("string", "number", "object", …). encoding/json's own Value adds the
// number itself ("number 123.5"); only its first word is kept.
func TypeMismatch(err error) (field, goType, kind string, ok bool) {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return "", "", "", false
	}
	kind, _, _ = strings.Cut(te.Value, " ")
	if te.Type != nil {
		goType = te.Type.String()
	}
	return te.Field, goType, kind, true
}
