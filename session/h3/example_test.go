package h3_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/h3"
)

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
