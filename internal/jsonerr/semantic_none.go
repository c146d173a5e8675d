//go:build !go1.27 && !goexperiment.jsonv2

package jsonerr

import "reflect"

// semantic matches nothing in builds without encoding/json/v2.
func semantic(error) (parts []string, goType reflect.Type, kind string, ok bool) {
	return nil, nil, "", false
}
