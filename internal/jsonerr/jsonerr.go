// Package jsonerr describes JSON decoding and encoding errors from the Go
// type alone: the messages of sealed and session errors must never carry
// plaintext. encoding/json's own errors quote numbers, and under json/v2
// (GOEXPERIMENT=jsonv2 on Go 1.26, encoding/json itself from Go 1.27) their
// paths name the map keys of the data they decoded ("data.tokens.sk_live_…");
// what this package returns names only the Go type's own JSON field names.
package jsonerr

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
)

// TypeMismatch reports, for an error of decoding JSON into a value of type
// into (a *json.UnmarshalTypeError of encoding/json, or a *json.SemanticError
// of encoding/json/v2 in builds that have it), where the value did not fit:
// path is built from into's own JSON field names, "[]" stands for an
// array's indices and "[…]" for a map's keys (both come from the data and
// are never copied), and a path that leaves what the type declares stops
// with "…"; goType is the Go type that could not hold the value and kind
// the JSON value's kind ("string", "number", …), never the value itself.
func TypeMismatch(err error, into reflect.Type) (path, goType, kind string, ok bool) {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		kind, _, _ = strings.Cut(te.Value, " ") // "number 123.5": the number is plaintext
		if te.Type != nil {
			goType = te.Type.String()
		}
		var parts []string
		if te.Field != "" {
			parts = strings.Split(te.Field, ".")
		}
		return walk(into, parts, te.Type), goType, kind, true
	}
	if parts, t, k, ok := semantic(err); ok {
		if t != nil {
			goType = t.String()
		}
		return walk(into, parts, t), goType, k, true
	}
	return "", "", "", false
}

// walk follows parts, the components of an error's path, through t and
// writes the path with t's own names. Components that are map keys or
// array indices are replaced, and the walk stops where t no longer says
// what a component is. leaf is the Go type the error is about: an error
// reported at a map or an array whose elements are of that type happened
// inside it, and says so with "[…]" or "[]" (encoding/json stops its paths
// at the container, json/v2 goes on to the key).
func walk(t reflect.Type, parts []string, leaf reflect.Type) string {
	var b strings.Builder
	dot := func(name string) {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(name)
	}
	for t != nil {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if len(parts) == 0 {
			b.WriteString(inside(t, leaf))
			return b.String()
		}
		switch t.Kind() {
		case reflect.Struct:
			f, ok := jsonField(t, parts[0])
			if !ok {
				dot("…")
				return b.String()
			}
			if !f.embedded {
				dot(f.name)
			}
			t, parts = f.typ, parts[1:]
		case reflect.Map:
			// A key may hold the path's own separator: nothing after it can
			// be placed with certainty.
			b.WriteString("[…]")
			return b.String()
		case reflect.Slice, reflect.Array:
			b.WriteString("[]")
			t, parts = t.Elem(), parts[1:]
		default:
			dot("…")
			return b.String()
		}
	}
	return b.String()
}

// inside returns the markers of the containers between t and leaf ("[…]"
// for a map, "[]" for an array) when leaf is an element of t, possibly
// nested: encoding/json stops its paths at the outermost container.
func inside(t, leaf reflect.Type) string {
	var m strings.Builder
	for depth := 0; leaf != nil && t != leaf && depth < 8; depth++ {
		switch t.Kind() {
		case reflect.Map:
			m.WriteString("[…]")
		case reflect.Slice, reflect.Array:
			m.WriteString("[]")
		default:
			return ""
		}
		t = t.Elem()
		for t.Kind() == reflect.Pointer && t != leaf {
			t = t.Elem()
		}
	}
	if t != leaf {
		return ""
	}
	return m.String()
}

type field struct {
	name     string
	typ      reflect.Type
	embedded bool // an embedded struct, which encoding/json names in its paths and JSON does not
}

// jsonField finds the field of struct t that JSON name n decodes into: an
// exact match of its JSON name first, then a case-insensitive one (as
// encoding/json matches), through embedded structs.
func jsonField(t reflect.Type, n string) (field, bool) {
	fs := jsonFields(t, 0)
	for _, f := range fs {
		if f.name == n {
			return f, true
		}
	}
	for _, f := range fs {
		if strings.EqualFold(f.name, n) {
			return f, true
		}
	}
	return field{}, false
}

// jsonFields lists the JSON names of struct t's fields, with those of its
// embedded structs promoted.
func jsonFields(t reflect.Type, depth int) []field {
	var out []field
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := sf.Type
		if sf.Anonymous && name == "" {
			et := ft
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct && depth < 8 {
				out = append(out, jsonFields(et, depth+1)...)
				out = append(out, field{sf.Name, ft, true})
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		out = append(out, field{name, ft, false})
	}
	return out
}

// EncodeProblem describes an error of encoding a value as JSON from the Go
// types it names, never the value: an unsupported type, an unsupported value
// (a NaN, say) or a failing MarshalJSON method, with json/v2's path reduced
// as TypeMismatch reduces it.
func EncodeProblem(err error, from reflect.Type) string {
	var ute *json.UnsupportedTypeError
	var uve *json.UnsupportedValueError
	var me *json.MarshalerError
	switch {
	case errors.As(err, &ute):
		return "encoding/json cannot encode a " + ute.Type.String()
	case errors.As(err, &uve):
		return "a value JSON cannot represent (a NaN, an infinity or a cycle)"
	case errors.As(err, &me):
		return "the MarshalJSON method of a " + me.Type.String() + " failed"
	}
	if parts, t, _, ok := semantic(err); ok {
		where := walk(from, parts, t)
		what := "a value"
		if t != nil {
			what = "a " + t.String()
		}
		if where != "" {
			return what + " at " + where + " cannot be encoded as JSON"
		}
		return what + " cannot be encoded as JSON"
	}
	return "the value cannot be encoded as JSON"
}

// kindName names a JSON value kind for messages.
func kindName(k byte) string {
	switch k {
	case '"':
		return "string"
	case '0':
		return "number"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	}
	return "value"
}

// pointerParts splits an RFC 6901 JSON pointer into its unescaped
// components.
func pointerParts(p string) []string {
	if p == "" {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, s := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
	}
	return parts
}
