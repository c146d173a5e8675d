package gorilla_test

import (
	"errors"
	"fmt"
	"net/http/httptest"

	"github.com/gorilla/sessions"

	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/gorilla"
)

// Account is the new application's session data.
type Account struct {
	UserID int `json:"userId"`
}

// The wiring of a migration: a session.Manager whose Legacy is a Reader for
// the old gorilla/sessions store. The user's first request after the deploy
// carries the gorilla cookie and leaves with a native one; the gorilla
// cookie is deleted.
func Example() {
	// The old keys, exactly as they were passed to sessions.NewCookieStore.
	hashKey := []byte("the old app's hash key, 32+ bytes long")
	blockKey := []byte("the old app's AES key, 32 bytes.")

	// What the old application did (here, to have a cookie to migrate).
	oldStore := sessions.NewCookieStore(hashKey, blockKey)
	oldReq := httptest.NewRequest("GET", "https://example.com/", nil)
	oldRec := httptest.NewRecorder()
	old, _ := oldStore.Get(oldReq, "my-app")
	old.Values["user_id"] = 42
	if err := old.Save(oldReq, oldRec); err != nil {
		panic(err)
	}

	// The new application.
	legacy, err := gorilla.New(gorilla.Config[Account]{
		Name:     "my-app",
		KeyPairs: [][]byte{hashKey, blockKey},
		Convert: func(v map[any]any) (Account, error) {
			id, ok := v["user_id"].(int)
			if !ok {
				return Account{}, errors.New("no user_id")
			}
			return Account{UserID: id}, nil
		},
	})
	if err != nil {
		panic(err)
	}
	m, err := session.New(session.Config[Account]{
		Keys:   []sealed.Key{{ID: 1, Password: "the new application's password, 32+ bytes"}},
		Legacy: legacy,
	})
	if err != nil {
		panic(err)
	}

	// The user's next request carries the gorilla cookie.
	req := httptest.NewRequest("GET", "https://example.com/", nil)
	for _, c := range oldRec.Result().Cookies() {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	s := m.Get(req)
	fmt.Println("user:", s.Data().UserID, "new:", s.IsNew())
	if err := s.Save(rec.Header()); err != nil {
		panic(err)
	}
	for _, c := range rec.Result().Cookies() {
		fmt.Printf("Set-Cookie %s: deleted=%v\n", c.Name, c.MaxAge < 0)
	}
	// Output:
	// user: 42 new: false
	// Set-Cookie __Host-session: deleted=false
	// Set-Cookie my-app: deleted=true
}

// Decode reads one gorilla cookie value outside a request, for tools and
// tests; errors match the sealed package's sentinels or this package's.
func ExampleReader_Decode() {
	hashKey := []byte("the old app's hash key, 32+ bytes long")
	rd, err := gorilla.New(gorilla.Config[map[any]any]{
		Name:     "my-app",
		KeyPairs: [][]byte{hashKey},
		Convert:  func(v map[any]any) (map[any]any, error) { return v, nil },
	})
	if err != nil {
		panic(err)
	}
	_, err = rd.Decode("MTIzfGFiY3xkZWY") // not even padded base64
	fmt.Println(errors.Is(err, sealed.ErrMalformed))

	store := sessions.NewCookieStore([]byte("another application's hash key, 32+ b"))
	req := httptest.NewRequest("GET", "https://example.com/", nil)
	rec := httptest.NewRecorder()
	s, _ := store.Get(req, "my-app")
	s.Values["user_id"] = 42
	_ = s.Save(req, rec)
	_, err = rd.Decode(rec.Result().Cookies()[0].Value)
	fmt.Println(errors.Is(err, sealed.ErrNotAuthentic))
	// Output:
	// true
	// true
}
