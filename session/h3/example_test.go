package h3_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/h3"
)

// A real session cookie written by h3 2.0.8's useSession with the password
// below and no other option, from the interop vectors (case h3v2-default),
// and the instant it was read there.
const (
	h3Password = "correct-horse-battery-staple-h3-session-0001"
	h3Cookie   = "Fe26.2**8531afb2cee0e70bec7d35a223074e3979e83ee4bac68b5c511ddca9eb2b5999*SoF0QCwglUDKmbGggIsCzw*tOMNWNC7dGOBkzD5rlE4s9Olw-3dzmtAZzp_BFNmFgiKc3EWMTH22t3f8pJWarz5RnRp18uDLAa_AohB_By-jSOGLod2riC7upIIbp3FBaj8SuPM27tasAa6zkfeiVdSXUAdy1XVCeK_t3anbzftHo_SMyCOITbYZfLMmwDB3B1UvIIq4Gb303u2-UGOclvSZzbF_wD3BH3AIJ4pe95SjWTWPsfj-ZQKnuHjs5cXQ9E**63fa14febd664202321c0500abd0aa7c779bee30b87476fe1aaab5853137c169*uMS0fwWJjSNaCmJX7q-31-Tf9ULOeE6v8t-Ym9-bW3o"
)

var h3ReadAt = time.UnixMilli(1768471018079)

// Profile is the session data the h3 application keeps.
type Profile struct {
	User struct {
		ID   int    `json:"id"`
		Name string `json:"name"`
	} `json:"user"`
	Theme  string `json:"theme"`
	Visits int    `json:"visits"`
}

// A Go handler shares the session of an h3 2.x application: it reads the
// cookie h3 wrote, changes it, and writes it back as h3 would, for h3 to read.
func Example() {
	f, err := h3.New(h3.Config{
		Version:  2,
		Password: iron.PasswordOption{Plain: h3Password}, // the application's session password
		MaxAge:   -1, IdleTimeout: -1,                    // unset, as in the application's useSession options
	})
	if err != nil {
		log.Fatal(err)
	}
	m, err := session.New(session.Config[Profile]{
		Format: f,
		Clock:  func() time.Time { return h3ReadAt }, // the vector's clock; nil in production
	})
	if err != nil {
		log.Fatal(err)
	}

	// The browser's next request, to the Go service.
	r := httptest.NewRequest("GET", "https://app.example/api/profile", nil)
	r.Header.Set("Cookie", "h3="+h3Cookie)
	s := m.Get(r)
	p := s.Data()
	fmt.Println(s.ID(), p.User.Name, p.Theme, p.Visits)

	if err := s.Update(func(p *Profile) { p.Visits++ }); err != nil {
		log.Fatal(err)
	}
	h := http.Header{}
	if err := s.Save(h); err != nil {
		log.Fatal(err)
	}
	c, err := http.ParseSetCookie(h.Get("Set-Cookie"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.Name, strings.HasPrefix(c.Value, "Fe26.2**"), c.Path, c.HttpOnly, c.Secure, c.SameSite == http.SameSiteLaxMode)

	// h3, or this Manager, reads the new value.
	next := httptest.NewRequest("GET", "https://app.example/", nil)
	next.AddCookie(c)
	fmt.Println(m.Get(next).Data().Visits)
	// Output:
	// 6aada5d8-486a-45f0-9b4a-0616dc32b117 Ada Lovelace dark 3
	// h3 true / true true true
	// 4
}
