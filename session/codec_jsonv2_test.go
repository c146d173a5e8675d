//go:build go1.27 || goexperiment.jsonv2

package session_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/jsonv2"
)

func init() { altCodecs = append(altCodecs, namedCodec{"sealcookie-jsonv2", jsonv2.Encoding{}}) }

// A fleet can switch codecs server by server: each reads what the other wrote.
func TestJSONv2ReadsJSONAndBack(t *testing.T) {
	clk := newClock()
	mk := func(c session.Encoding) *session.Manager[User] {
		m, err := session.New(session.Config[User]{Name: "app", Keys: []sealed.Key{key1}, Clock: clk.Now, Encoding: c})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	v1, v2 := mk(nil), mk(jsonv2.Encoding{})
	want := User{Name: "ada", Views: 3, Roles: []string{"admin"}}
	for _, tc := range []struct {
		name        string
		write, read *session.Manager[User]
	}{{"v1 -> v2", v1, v2}, {"v2 -> v1", v2, v1}, {"v2 -> v2", v2, v2}} {
		v, err := tc.write.Encode(session.Envelope[User]{Data: want})
		if err != nil {
			t.Fatal(err)
		}
		got, err := tc.read.Decode(t.Context(), v)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if diff := cmp.Diff(want, got.Data); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}
