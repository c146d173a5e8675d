package attacktest

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/gorilla"
	"github.com/sealcookie/sealcookie/session/h3"
	"github.com/sealcookie/sealcookie/session/ironsession"
)

// TestSecretsNeverPrint prints every type of the library that holds a
// secret (passwords, keys, the key pairs of the gorilla reader, a request's
// session cookie) under every verb a log line might use, alone and inside
// other values, and fails if any output carries a secret in any spelling:
// as text, in hex, in base64, or as fmt prints a byte slice.
func TestSecretsNeverPrint(t *testing.T) {
	const (
		nativePw = "native password that must never print, 32+ bytes"
		ironPw   = "iron password that must never print, 32+ chars"
		ironPw2  = "a second iron password that must never print"
	)
	hashKey := []byte("gorilla hash key that must never print")
	blockKey := []byte("0123456789abcdef0123456789abcdef") // AES-256

	key := sealed.Key{ID: 7, Password: nativePw}
	ring, err := sealed.NewKeyring(key)
	if err != nil {
		t.Fatal(err)
	}
	codec, err := sealed.NewCodec(ring, sealed.CodecConfig{})
	if err != nil {
		t.Fatal(err)
	}
	plain := iron.PasswordOption{Plain: ironPw}
	object := iron.PasswordOption{Object: map[string]string{"1": ironPw, "2": ironPw2, "id": "2", "secret": ironPw2}}
	ironCfg, err := iron.H3Config(object, 0)
	if err != nil {
		t.Fatal(err)
	}
	ironRing, err := iron.NewKeyring(ironCfg)
	if err != nil {
		t.Fatal(err)
	}
	h3Cfg := h3.Config{Password: object}
	h3Format, err := h3.New(h3Cfg)
	if err != nil {
		t.Fatal(err)
	}
	isCfg := ironsession.Config{CookieName: "app", Password: plain}
	isFormat, err := ironsession.New(isCfg)
	if err != nil {
		t.Fatal(err)
	}
	gCfg := gorilla.Config[Account]{Name: "old", KeyPairs: [][]byte{hashKey, blockKey}, Convert: func(map[any]any) (Account, error) { return Account{}, nil }}
	reader, err := gorilla.New(gCfg)
	if err != nil {
		t.Fatal(err)
	}
	nativeCfg := session.Config[Account]{Keys: []sealed.Key{key}, Legacy: reader}
	native, err := session.New(nativeCfg)
	if err != nil {
		t.Fatal(err)
	}
	peerCfg := session.Config[Account]{Format: h3Format}
	peer, err := session.New(peerCfg)
	if err != nil {
		t.Fatal(err)
	}
	cookieValue, err := native.Encode(session.Envelope[Account]{Data: Account{User: "ada", Secret: secretOf("ada")}})
	if err != nil {
		t.Fatal(err)
	}
	s := native.Load(t.Context(), []string{native.Name() + "=" + cookieValue}, "")
	if s.IsNew() {
		t.Fatal("the session did not load")
	}

	values := map[string]any{
		"sealed.Key": key, "*sealed.Key": &key, "[]sealed.Key": []sealed.Key{key},
		"*sealed.Keyring": ring, "sealed.Keyring": *ring, "*sealed.Codec": codec,
		"iron.Password": iron.Password{ID: "1", Secret: ironPw}, "iron.PasswordOption (plain)": plain,
		"iron.PasswordOption (object)": object, "iron.Config": ironCfg, "*iron.Keyring": ironRing,
		"h3.Config": h3Cfg, "h3 format": h3Format, "ironsession.Config": isCfg, "iron-session format": isFormat,
		"gorilla.Config": gCfg, "*gorilla.Config": &gCfg, "*gorilla.Reader": reader,
		"session.Config (native)": nativeCfg, "session.Config (h3)": peerCfg,
		"*session.Manager (native)": native, "*session.Manager (h3)": peer,
		"*session.Session": s, "a struct holding them": struct {
			Cfg     session.Config[Account]
			Ring    *iron.Keyring
			Gorilla gorilla.Config[Account]
			Session *session.Session[Account]
		}{nativeCfg, ironRing, gCfg, s},
		"a map holding them": map[string]any{"key": key, "option": object, "gorilla": gCfg},
	}
	secrets := map[string][]byte{
		"the native password": []byte(nativePw), "an iron password": []byte(ironPw), "the other iron password": []byte(ironPw2),
		"the gorilla hash key": hashKey, "the gorilla block key": blockKey,
		"the session cookie": []byte(cookieValue), "the session data": []byte(secretOf("ada")),
	}
	spellings := func(b []byte) []string {
		return []string{
			string(b), hex.EncodeToString(b), strings.ToUpper(hex.EncodeToString(b)),
			base64.StdEncoding.EncodeToString(b), base64.RawURLEncoding.EncodeToString(b),
			strings.Trim(fmt.Sprint(b), "[]"), // what %v prints for a []byte, without the brackets
		}
	}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"}
	for name, v := range values {
		for _, verb := range verbs {
			out := fmt.Sprintf(verb, v)
			for what, secret := range secrets {
				for _, sp := range spellings(secret) {
					if len(sp) >= 12 && strings.Contains(out, sp) {
						t.Errorf("fmt.Sprintf(%q, %s) prints %s", verb, name, what)
					}
				}
			}
		}
	}
	// The redacted forms still say what they are.
	for name, want := range map[string]string{
		fmt.Sprint(key): "sealed.Key{ID: 7", fmt.Sprint(ring): "sealed.Keyring{Current: 7", fmt.Sprint(ironRing): `iron.Keyring{Passwords: ["1" "2"], SealID: "2"`,
		fmt.Sprint(gCfg): `gorilla.Config{Name: "old", KeyPairs: 2 keys [redacted]`, fmt.Sprint(s): `session.Session{Name: "__Host-session", IsNew: false`,
	} {
		if !strings.HasPrefix(name, want) {
			t.Errorf("%q does not start with %q", name, want)
		}
	}
}
