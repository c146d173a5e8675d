package cookie_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/sealcookie/sealcookie/cookie"
)

// A Spec with the zero Attributes writes the secure defaults, and reads the
// value back from the next request.
func Example() {
	s, err := cookie.New("__Host-session", cookie.Attributes{})
	if err != nil {
		panic(err)
	}

	rec := httptest.NewRecorder()
	if err := s.Write(rec.Header(), nil, "sealed-value", time.Time{}, 3600); err != nil {
		panic(err)
	}
	fmt.Println(rec.Header().Get("Set-Cookie"))

	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Cookie", "theme=dark; __Host-session=sealed-value")
	v, chunks, err := s.Read(r.Header["Cookie"])
	fmt.Println(v, chunks, err)
	// Output:
	// __Host-session=sealed-value; Path=/; Max-Age=3600; HttpOnly; Secure; SameSite=Lax
	// sealed-value 0 <nil>
}

// A value longer than ChunkSize is split into h3-style chunks.
func ExampleSpec_Write_chunked() {
	// Chunked cookies take more than the default budget: NoBudget (or a
	// preset that every proxy in front allows) lets them through.
	s, _ := cookie.New("h3", cookie.Attributes{Budget: cookie.NoBudget})
	h := http.Header{}
	if err := s.Write(h, nil, strings.Repeat("x", 9000), time.Time{}, 0); err != nil {
		panic(err)
	}
	for _, line := range h["Set-Cookie"] {
		c, _ := http.ParseSetCookie(line)
		fmt.Printf("%s: %d characters\n", c.Name, len(c.Value))
	}
	fmt.Println(h["Set-Cookie"][0])
	// Output:
	// h3: 12 characters
	// h3.1: 4000 characters
	// h3.2: 4000 characters
	// h3.3: 1000 characters
	// h3=__chunked__3; Path=/; HttpOnly; Secure; SameSite=Lax
}

// Write deletes the chunks that the request carried and the new, shorter
// value no longer needs.
func ExampleSpec_Write_shrink() {
	s, _ := cookie.New("h3", cookie.Attributes{Budget: cookie.NoBudget})
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Cookie", "h3=__chunked__3; h3.1=aaa; h3.2=bbb; h3.3=ccc")
	h := http.Header{}
	if err := s.Write(h, r.Header["Cookie"], "small", time.Time{}, 0); err != nil {
		panic(err)
	}
	for _, line := range h["Set-Cookie"] {
		fmt.Println(line)
	}
	// Output:
	// h3=small; Path=/; HttpOnly; Secure; SameSite=Lax
	// h3.1=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Secure; SameSite=Lax
	// h3.2=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Secure; SameSite=Lax
	// h3.3=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Secure; SameSite=Lax
}

// Write refuses a value over the limit before writing anything.
func ExampleSpec_Write_tooLarge() {
	s, _ := cookie.New("s", cookie.Attributes{MaxChunks: 2})
	h := http.Header{}
	err := s.Write(h, nil, strings.Repeat("x", 8001), time.Time{}, 0)
	fmt.Println(errors.Is(err, cookie.ErrTooLarge), len(h))
	fmt.Println(err)
	// Output:
	// true 0
	// cookie: value too large: value is 8001 characters, limit 8000 (2 chunks of 4000)
}

// Delete expires the cookie and every chunk the request carried.
func ExampleSpec_Delete() {
	s, _ := cookie.New("s", cookie.Attributes{Path: "/app"})
	r := httptest.NewRequest(http.MethodGet, "/app", nil)
	r.Header.Set("Cookie", "s=__chunked__2; s.1=aaa; s.2=bbb")
	h := http.Header{}
	s.Delete(h, r.Header["Cookie"])
	for _, line := range h["Set-Cookie"] {
		fmt.Println(line)
	}
	// Output:
	// s=; Path=/app; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Secure; SameSite=Lax
	// s.1=; Path=/app; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Secure; SameSite=Lax
	// s.2=; Path=/app; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Secure; SameSite=Lax
}

// Read reports malformed chunking as ErrChunks; a session layer treats it
// like a missing cookie.
func ExampleSpec_Read_chunks() {
	s, _ := cookie.New("s", cookie.Attributes{})
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Cookie", "s=__chunked__3; s.1=aaa; s.3=ccc")
	_, _, err := s.Read(r.Header["Cookie"])
	fmt.Println(errors.Is(err, cookie.ErrChunks))
	fmt.Println(err)
	// Output:
	// true
	// cookie: malformed chunked cookie: chunks missing: cookie s: chunk 2 of 3 is not in the request (a client or proxy in between dropped cookies: keep the session within a budget every hop passes)
}

// InsecureDevelopment drops Secure for local development over plain http;
// it cannot be combined with names or attributes that require Secure.
func ExampleAttributes_insecureDevelopment() {
	dev, _ := cookie.New("session", cookie.Attributes{InsecureDevelopment: true})
	h := http.Header{}
	_ = dev.Write(h, nil, "v", time.Time{}, 0)
	fmt.Println(h.Get("Set-Cookie"))

	_, err := cookie.New("__Host-session", cookie.Attributes{InsecureDevelopment: true})
	fmt.Println(err)
	// Output:
	// session=v; Path=/; HttpOnly; SameSite=Lax
	// cookie: invalid attributes: the __Host- prefix requires Secure, which InsecureDevelopment drops
}
