// Package jsonv2 is a session.Encoding backed by encoding/json/v2, for
// session.Config.Encoding: sessions decode faster, with stricter rules.
//
//	m, err := session.New(session.Config[User]{Keys: keys, Encoding: jsonv2.Encoding{}})
//
// encoding/json/v2 is part of the standard library from Go 1.27; on Go 1.26 it
// exists when the program is built with GOEXPERIMENT=jsonv2, and without it
// this package declares nothing.
//
// It decodes a typical session in well under half the time of Go 1.26's
// encoding/json (from Go 1.27 encoding/json runs on the same engine, and the
// difference is small). Its output is JSON every peer reads, but differs
// from encoding/json's in details: nil slices and maps encode as [] and {}
// instead of null, and decoding is stricter (field names match
// case-sensitively, duplicate names and invalid UTF-8 are errors). Every
// server of a fleet reads what the other codec wrote.
package jsonv2
