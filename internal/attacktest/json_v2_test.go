//go:build go1.27 || goexperiment.jsonv2

package attacktest

import (
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/jsonv2"
)

func init() {
	codecs = append(codecs, struct {
		name string
		enc  session.Encoding
	}{"session/jsonv2", jsonv2.Encoding{}})
}
