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

// A real cookie written by nuxt-auth-utils 0.5.30's setUserSession (on
// h3 1.15.11) with NUXT_SESSION_PASSWORD below and no maxAge, recorded by
// internal/node/verify.mjs.
const (
	nuxtSessionPassword = "3f2c1a9e8b7d4c6a9e0f1b2c3d4e5f60"
	nuxtSessionCookie   = "Fe26.2**68b57a9eb22866171d0931bf1c82feede68a023682a60b77f2e39603eaa9817b*0dO_P7KtSK75S1MrB7cQfw*4Mdjp0nCtyqb6VsvArVaW7fEb9H7epl4c176_j79sOw6DaRZ4UjKfhG_7_6AdsuyBlaR97viCb1PwMoUqQne6UhbGFHkldnt7CAZWeJaLPZxjcHJhPOPyEQGiaKqnWhfnSKNPPA4BtSoq32VB3aFwxdMvIrUFKg80wBulZ2aacalUNU_mKLEWL1mCFQteEMo1VCvI5PjyQgtSWB5dOxQzw0NtXAXBs5oXj_I5e0EVwVefezlcG2t9gNfw3F2_qBT**5f0086fa12072e9c66b8a55bebfd6ef3e3d6a4ad89730ca9d0979824f4163465*V8_RlkFIsVLhGORWhpelN1TtxHU4TqL8C2eUR3t3UpQ"
)

// NuxtUserSession is nuxt-auth-utils's session data: user (which its
// /api/_auth/session route sends to the browser), secure (server only) and
// whatever else the app stores beside them.
type NuxtUserSession struct {
	User *struct {
		ID    int    `json:"id"`
		Login string `json:"login"`
		Name  string `json:"name"`
	} `json:"user,omitempty"`
	Secure *struct {
		APIToken string `json:"apiToken"`
	} `json:"secure,omitempty"`
	LoggedInAt int64 `json:"loggedInAt,omitempty"`
}

// A Go service sharing the user session of a Nuxt 3 or 4 app that uses
// nuxt-auth-utils (useUserSession, setUserSession): h3 1.x, the cookie
// nuxt-session, the password of NUXT_SESSION_PASSWORD, and the app's
// runtimeConfig.session.maxAge (unset here, as by default; set it on both
// sides so sessions end). nuxt-auth-utils writes SameSite=Lax, as our
// default does.
func ExampleNew_nuxtAuthUtils() {
	pw, err := iron.ParsePasswordOption(nuxtSessionPassword) // os.Getenv("NUXT_SESSION_PASSWORD")
	if err != nil {
		log.Fatal(err)
	}
	f, err := h3.New(h3.Config{
		Version:  1,              // Nuxt 3 and 4 (Nitro 2) run h3 1.x
		Name:     "nuxt-session", // nuxt-auth-utils's runtimeConfig.session.name
		Password: pw,
		MaxAge:   -1, // runtimeConfig.session.maxAge unset: none
	})
	if err != nil {
		log.Fatal(err)
	}
	m, err := session.New(session.Config[NuxtUserSession]{Format: f})
	if err != nil {
		log.Fatal(err)
	}

	r := httptest.NewRequest("GET", "https://app.example/api/orders", nil)
	r.AddCookie(&http.Cookie{Name: "nuxt-session", Value: nuxtSessionCookie})
	s := m.Get(r)
	u := s.Data()
	fmt.Println("logged in:", !s.IsNew() && u.User != nil)
	fmt.Println("user:", u.User.Login, u.User.Name)
	fmt.Println("api token:", u.Secure.APIToken)
	fmt.Println("since:", time.UnixMilli(u.LoggedInAt).UTC().Format(time.RFC3339))
	// Output:
	// logged in: true
	// user: ada Ada Lovelace
	// api token: tok-42
	// since: 2026-01-15T10:00:00Z
}
