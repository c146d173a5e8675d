package cloudrun_test

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"github.com/GoogleCloudPlatform/functions-framework-go/funcframework"

	"github.com/sealcookie/sealcookie/httpx/cloudrun"
	"github.com/sealcookie/sealcookie/session"
)

const password = "cloudrun test password, at least 32 bytes"

// TestFunctionsFramework serves the function with the real
// functions-framework-go on a loopback port, as Cloud Run would on $PORT,
// and walks it with a cookie jar: the session lives in __session alone, the
// one cookie Firebase Hosting forwards. (The framework has no way to stop
// its server: it ends with the test binary.)
func TestFunctionsFramework(t *testing.T) {
	m, err := cloudrun.NewManager(password)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("FUNCTION_TARGET", "Session")
	cloudrun.Register("Session", m)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close()
	errc := make(chan error, 1)
	go func() { errc <- funcframework.StartHostPort("127.0.0.1", port) }()

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 5 * time.Second}
	get := func(path string) (*http.Response, string) {
		t.Helper()
		var resp *http.Response
		var err error
		for deadline := time.Now().Add(10 * time.Second); ; {
			resp, err = c.Get("http://127.0.0.1:" + port + path)
			if err == nil || time.Now().After(deadline) {
				break
			}
			select {
			case serr := <-errc:
				t.Fatalf("the framework stopped: %v", serr)
			case <-time.After(50 * time.Millisecond):
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	for i, want := range []string{"visit 1 ada\n", "visit 2 ada\n", "visit 3 ada\n"} {
		path := "/"
		if i == 0 {
			path = "/?name=ada"
		}
		resp, body := get(path)
		if resp.StatusCode != 200 || body != want {
			t.Fatalf("%s: %d %q, want %q", path, resp.StatusCode, body, want)
		}
		lines := resp.Header.Values("Set-Cookie")
		if len(lines) != 1 || !strings.HasPrefix(lines[0], "__session=") {
			t.Errorf("Set-Cookie %q, want __session alone", lines)
		}
	}
}

// TestFirebaseRefusesChunks: a session that would need a second cookie is
// refused by Update, since Firebase Hosting would strip __session.1.
func TestFirebaseRefusesChunks(t *testing.T) {
	m, err := cloudrun.NewManager(password)
	if err != nil {
		t.Fatal(err)
	}
	s := m.Load(t.Context(), nil, "")
	if err := s.Update(func(v *cloudrun.Visit) { v.Name = strings.Repeat("n", 5000) }); !errors.Is(err, session.ErrTooLarge) {
		t.Errorf("Update of 5000 bytes: %v, want ErrTooLarge", err)
	}
}
