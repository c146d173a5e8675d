package sealed_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"github.com/sealcookie/sealcookie/sealed"
)

// A gorilla/sessions CookieStore writes the native format when its codec is
// a sealed.Codec. Values come back as JSON types: the 3 stored below is
// read back as float64(3).
func ExampleCodec() {
	ring, err := sealed.NewKeyring(sealed.Key{ID: 1, Password: "an example password of at least 32 bytes"})
	if err != nil {
		panic(err)
	}
	codec, err := sealed.NewCodec(ring, sealed.CodecConfig{MaxAge: 24 * time.Hour})
	if err != nil {
		panic(err)
	}
	store := &sessions.CookieStore{
		Codecs:  []securecookie.Codec{codec},
		Options: &sessions.Options{Path: "/", MaxAge: 86400, Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode},
	}

	// First request: store values and save.
	req := httptest.NewRequest("GET", "https://example.com/", nil)
	rec := httptest.NewRecorder()
	s, _ := store.Get(req, "app")
	s.Values["user"] = "ada"
	s.Values["visits"] = 3
	if err := s.Save(req, rec); err != nil {
		panic(err)
	}
	// The cookie is a native sealed value, for the Codec's own purpose:
	// never a value of package session, whose purpose is the name alone.
	c := rec.Result().Cookies()[0]
	_, _, err = ring.OpenString(c.Value, "sealed.Codec:app", time.Now())
	fmt.Println("native value opens:", err == nil)
	_, _, err = ring.OpenString(c.Value, "app", time.Now())
	fmt.Println("opens as a session named app:", err == nil)

	// Next request: the store decodes the cookie through the codec.
	next := httptest.NewRequest("GET", "https://example.com/", nil)
	next.AddCookie(c)
	s, err = store.Get(next, "app")
	fmt.Println(s.Values["user"], s.Values["visits"], s.IsNew, err)
	fmt.Printf("%T\n", s.Values["visits"])
	// Output:
	// native value opens: true
	// opens as a session named app: false
	// ada 3 false <nil>
	// float64
}
