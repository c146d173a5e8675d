package authjs_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session/authjs"
)

// vectorFile is testdata/interop/authjs.json: tokens and cookies written by
// the real Auth.js (@auth/core 0.41.3), each checked against Auth.js's own
// decode when it was generated (its producer field names the script).
type vectorFile struct {
	Schema   string   `json:"schema"`
	Producer string   `json:"producer"`
	Seed     string   `json:"seed"`
	Notes    string   `json:"notes"`
	Cases    []vector `json:"cases"`
}

type vector struct {
	Name            string          `json:"name"`
	Kind            string          `json:"kind"` // accept, reject, cookies
	Note            string          `json:"note"`
	Secrets         []string        `json:"secrets"`
	CookieName      string          `json:"cookieName"`
	ReadAt          int64           `json:"readAt"`
	Token           string          `json:"token"`
	Payload         json.RawMessage `json:"payload"`
	AuthJSError     string          `json:"authjsError"`
	SigninSetCookie []string        `json:"signinSetCookie"`
	UpdateSetCookie []string        `json:"updateSetCookie"`
}

func loadVectors(t testing.TB) []vector {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "interop", "authjs.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f vectorFile
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		t.Fatalf("authjs.json: %v", err)
	}
	if f.Schema != "sealcookie-authjs-vectors/1" || !strings.Contains(f.Producer, "@auth/core@0.41.3") {
		t.Fatalf("authjs.json: schema %q from %q", f.Schema, f.Producer)
	}
	if len(f.Cases) < 10 {
		t.Fatalf("authjs.json holds %d cases", len(f.Cases))
	}
	return f.Cases
}

// Claims is every claim the vectors carry: the session type of these tests.
type Claims = map[string]any

// wantErr is the sentinel each refused vector must give, by name prefix.
var wantErr = map[string]error{
	"expiry":   sealed.ErrExpired,
	"rotation": sealed.ErrUnknownKey,
	"wrong":    sealed.ErrUnknownKey,
	"tampered": sealed.ErrNotAuthentic,
}

// TestVectors reads every token Auth.js wrote as Auth.js's decode did: the
// same claims from the accepted ones, the refusal (with its reason) of the
// others, at the instant each case names.
func TestVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		if v.Kind == "cookies" {
			continue
		}
		t.Run(v.Name, func(t *testing.T) {
			m := newManager(t, authjs.Config{CookieName: v.CookieName, Secrets: v.Secrets}, at(time.UnixMilli(v.ReadAt)))
			got, err := m.Decode(context.Background(), v.Token)
			switch v.Kind {
			case "accept":
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				var want Claims
				if err := json.Unmarshal(v.Payload, &want); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, got.Data); diff != "" {
					t.Errorf("claims (-Auth.js +ours):\n%s", diff)
				}
			case "reject":
				want := wantErr[strings.TrimSuffix(strings.Fields(v.Name)[0], ":")]
				if want == nil || !errors.Is(err, want) {
					t.Fatalf("Decode error = %v, want %v (Auth.js: %s)", err, want, v.AuthJSError)
				}
			default:
				t.Fatalf("unknown kind %q", v.Kind)
			}
		})
	}
}

// TestVectorCookies replays what a browser holds after Auth.js's sign-in and
// after its update() chunked the token: a Manager reads both, the second
// from name.0 … name.2.
func TestVectorCookies(t *testing.T) {
	var v vector
	for _, c := range loadVectors(t) {
		if c.Kind == "cookies" {
			v = c
		}
	}
	if v.Name == "" {
		t.Fatal("no cookies case in authjs.json")
	}
	m := newManager(t, authjs.Config{CookieName: v.CookieName, Secrets: v.Secrets}, at(time.UnixMilli(v.ReadAt)))
	jar := newJar(t)
	jar.apply(t, v.SigninSetCookie)
	s := m.Load(context.Background(), jar.header(), "")
	if s.IsNew() || s.Data()["email"] != "ada@example.com" {
		t.Fatalf("after Auth.js's sign-in: new %v, claims %v", s.IsNew(), s.Data())
	}
	jar.apply(t, v.UpdateSetCookie)
	if got := jar.names(); !cmp.Equal(got, []string{"__Secure-authjs.callback-url", v.CookieName + ".0", v.CookieName + ".1", v.CookieName + ".2"}) {
		t.Fatalf("cookies after update(): %v", got)
	}
	s = m.Load(context.Background(), jar.header(), "")
	var want Claims
	if err := json.Unmarshal(v.Payload, &want); err != nil {
		t.Fatal(err)
	}
	// The session callback saw the token before update() encoded it anew:
	// the encoded one has the new iat, exp and jti.
	got := maps.Clone(s.Data())
	if iat := int64(got["iat"].(float64)); iat != v.ReadAt/1000-1 {
		t.Errorf("iat of the updated token = %d, want the update's instant %d", iat, v.ReadAt/1000-1)
	}
	for _, c := range []Claims{want, got} {
		delete(c, "iat")
		delete(c, "exp")
		delete(c, "jti")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("claims of the chunked token (-Auth.js +ours):\n%s", diff)
	}
	// Saving it again replaces Auth.js's chunks with ours, and only ours.
	if err := s.Update(func(c *Claims) { (*c)["role"] = "owner" }); err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	if err := s.Save(h); err != nil {
		t.Fatal(err)
	}
	jar.apply(t, h["Set-Cookie"])
	again := m.Load(context.Background(), jar.header(), "")
	if again.IsNew() || again.Data()["role"] != "owner" || len(again.Data()["groups"].([]any)) != 200 {
		t.Fatalf("re-read after our save: new %v, role %v", again.IsNew(), again.Data()["role"])
	}
}
