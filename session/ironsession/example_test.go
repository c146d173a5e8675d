package ironsession_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/ironsession"
)

// A real session cookie written by iron-session 8.0.4 with the password map
// below (the highest id, 2, seals) and cookieName "iron_app_session", from the
// interop vectors (case iron-session-default), and the instant it was read
// there.
const (
	passwords  = `{"1": "iron-session-password-one-0123456789abcd", "2": "iron-session-password-two-0123456789abcd"}`
	ironCookie = "Fe26.2*2*adea50c105792a182b2d71a742a004254babce90e66e63dda41660b1fc2cd217*rASGQlaq7UbO51fK4NrN8w*RulGCyIkS5sOZ1NgyZHr-lxGeGc5oHzIiokyRC5pN56Kh82RvN_qZMZVnUVtbGDKfj-BcnoWXp5xr8jQRA-Faw*1769681619458*a66b36e7bba29f435770956addb267db6b9ee319b0992a552b556d0c44ad0d08*WX7wtWEIuQI5GM6YhM7_YNPY6tlR462nA_ILJCl_2Lw~2"
)

var readAt = time.UnixMilli(1768472024458)

// AppSession is the session data the Next.js application keeps.
type AppSession struct {
	User struct {
		ID    int    `json:"id"`
		Name  string `json:"name"`
		Admin bool   `json:"admin"`
	} `json:"user"`
	CSRF string `json:"csrf"`
}

// A Go service shares the session of a Next.js application that uses
// iron-session: it reads the cookie iron-session wrote and writes one that
// iron-session reads, with the same password map (as the application keeps
// it in an environment variable) and cookie name.
func Example() {
	pw, err := iron.ParsePasswordOption(passwords) // e.g. os.Getenv("SECRET_COOKIE_PASSWORD")
	if err != nil {
		log.Fatal(err)
	}
	f, err := ironsession.New(ironsession.Config{CookieName: "iron_app_session", Password: pw})
	if err != nil {
		log.Fatal(err)
	}
	m, err := session.New(session.Config[AppSession]{
		Format: f,
		Clock:  func() time.Time { return readAt }, // the vector's clock; nil in production
	})
	if err != nil {
		log.Fatal(err)
	}

	r := httptest.NewRequest("GET", "https://app.example/api/me", nil)
	r.Header.Set("Cookie", "iron_app_session="+ironCookie)
	s := m.Get(r)
	fmt.Println(s.Data().User.Name, s.Data().User.Admin, s.ID() == "")

	if err := s.Update(func(a *AppSession) { a.User.Admin = true }); err != nil {
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
	fmt.Println(c.Name, strings.HasPrefix(c.Value, "Fe26.2*2*"), strings.HasSuffix(c.Value, "~2"), c.MaxAge)
	// Output:
	// Zoë false true
	// iron_app_session true true 1209540
}
